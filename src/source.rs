//! Source text: decoding bytes into the text every later stage reads, and turning byte
//! offsets back into line:column.
//!
//! Invariant: decoding never changes the number of lines, so a line number computed on
//! the decoded text is the line number in the file as an editor shows it. Line breaks
//! are LF, CRLF or a bare CR (each one break); a UTF-8 BOM is dropped.

use std::fmt;

use crate::model::Span;

/// A decoded source file.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path as shown in diagnostics, relative to the source root where there is one.
    pub path: String,
    /// The text with line breaks normalised to `\n` and the BOM removed.
    pub text: String,
    line_starts: Vec<usize>,
    /// Characters before every [`CHUNK`]-th byte of `text`; empty when the text is ASCII
    /// (a column is then a byte difference). Makes [`Source::line_col`] O(1) however long
    /// the line.
    char_marks: Vec<u32>,
}

/// Distance in bytes between two entries of `Source::char_marks`.
const CHUNK: usize = 64;

/// Why a file could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub line: u32,
    pub column: u32,
    pub byte_offset: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid UTF-8 at line {}, column {} (byte offset {}): the file must be UTF-8",
            self.line, self.column, self.byte_offset
        )
    }
}

impl DecodeError {
    pub fn to_diagnostic(&self, path: &str) -> crate::diag::Diagnostic {
        let (line, column) = (self.line, self.column);
        let span = Span { line, column, end_line: line, end_column: column };
        crate::diag::Diagnostic::error("input::invalid-utf8", path, span, self.to_string())
    }
}

impl Source {
    pub fn new(path: impl Into<String>, text: &str) -> Source {
        let text = normalize_newlines(text.strip_prefix('\u{feff}').unwrap_or(text));
        let line_starts = line_starts(&text);
        let char_marks = char_marks(&text);
        Source { path: path.into(), text, line_starts, char_marks }
    }

    /// Decode raw bytes; invalid UTF-8 is an error that names the first bad position.
    pub fn decode(path: impl Into<String>, bytes: &[u8]) -> Result<Source, DecodeError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(path, text)),
            Err(err) => {
                let good = &bytes[..err.valid_up_to()];
                // Safe: `valid_up_to` marks the end of the valid prefix.
                let prefix = std::str::from_utf8(good).unwrap_or_default();
                let prefix = normalize_newlines(prefix);
                let line = prefix.matches('\n').count() as u32 + 1;
                let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
                Err(DecodeError { line, column, byte_offset: err.valid_up_to() })
            }
        }
    }

    /// 1-based line and column (in characters) of a byte offset into `text`.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = if self.char_marks.is_empty() {
            offset - start
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        (line as u32 + 1, col as u32 + 1)
    }

    /// Characters in `text[..offset]`: a mark, then at most `CHUNK` bytes counted (a byte
    /// that is not a UTF-8 continuation byte starts a character).
    fn chars_before(&self, offset: usize) -> usize {
        let chunk = offset / CHUNK;
        let tail = &self.text.as_bytes()[chunk * CHUNK..offset];
        self.char_marks[chunk] as usize + tail.iter().filter(|b| !is_continuation(**b)).count()
    }

    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        let (line, column) = self.line_col(range.start);
        let (end_line, end_column) = self.line_col(range.end.max(range.start));
        Span { line, column, end_line, end_column }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 0-based line `i` starts.
    pub fn line_start(&self, i: usize) -> usize {
        self.line_starts.get(i).copied().unwrap_or(self.text.len())
    }
}

fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

fn char_marks(text: &str) -> Vec<u32> {
    if text.is_ascii() {
        return Vec::new();
    }
    let mut marks = Vec::with_capacity(text.len() / CHUNK + 1);
    let mut chars = 0u32;
    for chunk in text.as_bytes().chunks(CHUNK) {
        marks.push(chars);
        chars += chunk.iter().filter(|b| !is_continuation(**b)).count() as u32;
    }
    marks.push(chars);
    marks
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts
}

/// Parse any TOML document into `T`; errors carry the 1-based line and column of the
/// problem. Every TOML file preflight reads (config, pairs file, UI strings) goes through it.
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (u32, u32, String)> {
    toml::from_str(text).map_err(|err| {
        let (line, column) = err.span().map_or((1, 1), |s| Source::new("", text).line_col(s.start));
        (line, column, err.message().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_bare_cr_and_bom_keep_line_numbers() {
        let s = Source::new("x.md", "\u{feff}a\r\nb\rc\nd");
        assert_eq!(s.text, "a\nb\nc\nd");
        assert_eq!(s.line_col(s.text.find('d').unwrap()), (4, 1));
    }

    #[test]
    fn columns_count_characters() {
        let s = Source::new("x.md", "说明：x");
        assert_eq!(s.line_col(s.text.find('x').unwrap()), (1, 4));
    }

    #[test]
    fn columns_count_characters_on_long_mixed_lines() {
        let line = "说明 a".repeat(100);
        let text = format!("x\n{line}");
        let s = Source::new("x.md", &text);
        for (i, (offset, _)) in text.char_indices().enumerate().skip(2) {
            assert_eq!(s.line_col(offset), (2, i as u32 - 1), "offset {offset}");
        }
        assert_eq!(s.line_col(text.len()), (2, line.chars().count() as u32 + 1));
    }

    #[test]
    fn invalid_utf8_names_the_position() {
        let err = Source::decode("x.md", b"ok\r\nab\xffc").unwrap_err();
        assert_eq!((err.line, err.column, err.byte_offset), (2, 3, 6));
    }
}
