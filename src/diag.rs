//! Diagnostics: what preflight tells a writer about their input.
//!
//! Parsing never fails; it returns a model plus diagnostics. Only the CLI prints them.

use std::fmt;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::Span;
use crate::term::visible;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; the output is still what a reader sees.
    Warning,
    /// The input could not be read as intended (invalid UTF-8, unreadable file, bad config).
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, e.g. `parse::unterminated-row`.
    pub code: String,
    pub file: String,
    pub span: Span,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(code: &str, file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, code: code.into(), file: file.into(), span, message: message.into() }
    }

    pub fn error(code: &str, file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, code: code.into(), file: file.into(), span, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        // Shown on terminals: control characters from a file name or a guide are escaped.
        let (file, message) = (visible(&self.file), visible(&self.message));
        // A problem with a whole file (unreadable, a link that leads out) has no position.
        if self.span.line == 0 {
            return write!(f, "{file}: {sev}[{}]: {message}", self.code);
        }
        write!(f, "{file}:{}:{}: {sev}[{}]: {message}", self.span.line, self.span.column, self.code)
    }
}

/// A file that cannot be used at all (a rules file, a manifest), with the position of the
/// problem: `path:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display().to_string();
        write!(f, "{}:{}:{}: {}", visible(&path), self.line, self.column, visible(&self.message))
    }
}

impl std::error::Error for FileError {}

/// An io::Error as a message: lower-case, without the `(os error N)` suffix.
pub fn io_message(err: &std::io::Error) -> String {
    let text = err.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
