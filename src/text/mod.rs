//! Text model: spans are byte offsets into a document's original text; paragraphs, sections and
//! sentences are found once per document; names are folded into keys for matching.

pub(crate) mod blocks;
mod chars;
pub(crate) use chars::{load4, load8};
pub mod dates;
mod normalize;
mod segment;

pub use normalize::{fold, fold_into, fold_key, fold_key_into, key_of_folded, nfc, slug};
pub use segment::{segment, BoilerplateKind, Paragraph, Section, SectionKind, Segmented, Sentence};

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}
