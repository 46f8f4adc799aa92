//! Models → output files. Pure: every function here maps values to bytes; nothing
//! reads the file system or the clock, so output is byte-identical across runs.

pub mod json;
pub mod site;
pub mod sync;
pub mod text;

/// One file to write, with its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Escape text for HTML or XML content and quoted attribute values. Characters XML 1.0 does
/// not allow (most C0 controls, U+FFFE, U+FFFF), which are errors in HTML too, become U+FFFD.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
