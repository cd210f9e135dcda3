//! Documents in: files, folders, standard input; plain text, HTML and JSON Lines.
//!
//! Inputs are listed first (cheap: paths only, sorted) and read one at a time, so a corpus is
//! streamed and never held whole in memory. Each [`Document`] carries the text that every byte
//! offset in the output points into: for HTML that is the visible text we extracted, for JSON
//! Lines the `text` field, for plain text the file's content.

mod html;
mod read;

pub use html::html_to_text;
pub use read::{documents_from_bytes, list_inputs, read_source, Source, SourceKind};

use serde::{Deserialize, Serialize};

/// One article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Stable id: the path relative to the input it was found under, or a JSON Lines `id`.
    pub id: String,
    /// The text all offsets point into.
    pub text: String,
    /// Title, when the input gives one (JSON Lines `title`, HTML `<title>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Publication date as given (JSON Lines `date`); used to resolve "on Saturday".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where the article came from (JSON Lines `url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            title: None,
            date: None,
            url: None,
        }
    }
}

/// Something a user should know about but that does not stop the run (a skipped binary file,
/// a broken JSON line, a lossy decode).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// File, and line where there is one (`notes.jsonl:14`).
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "warning: {}: {}", self.location, self.message)
    }
}
