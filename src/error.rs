//! The one error type of the library: what went wrong, where (file, line, column), and what to do.

use std::path::PathBuf;

/// Everything the library can fail with. "Could not read" is kept apart from "bad input" so the
/// binary can tell a user whether to fix a permission or a file's content.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input path that does not exist.
    #[error("{}: no such file or directory", path.display())]
    NotFound { path: PathBuf },

    /// The operating system refused a read or a write.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Input whose content we cannot use (bad JSON Lines, broken configuration, …).
    #[error("{location}: {message}")]
    BadInput { location: String, message: String },

    /// A configuration file (ontology, lexicon, gold) that does not hold what it must.
    #[error("{location}: {message}")]
    Config { location: String, message: String },

    /// A command-line usage that cannot work (an unknown format name, a bad shard spec, …).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound { path }
        } else {
            Error::Io { path, source }
        }
    }

    pub fn config(location: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config {
            location: location.into(),
            message: message.into(),
        }
    }

    pub fn bad_input(location: impl Into<String>, message: impl Into<String>) -> Self {
        Error::BadInput {
            location: location.into(),
            message: message.into(),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// "file:line:column" for a serde_json error inside a file.
pub fn json_location(path: &std::path::Path, err: &serde_json::Error) -> String {
    format!("{}:{}:{}", path.display(), err.line(), err.column())
}
