//! Text for a terminal: control characters from a guide or a command's output shown
//! visibly, never sent raw.
//!
//! A guide or a command can hold ESC sequences (colors, cursor moves, a title change, a
//! hyperlink, a screen clear) and bidirectional overrides that make a line read other than
//! it is. Everything a human reads on a terminal goes through [`visible`]: `run`'s progress,
//! questions, summary and `--dry-run`, `tasks`, and diagnostics. It is applied whatever
//! stdout is: a pipe often ends at a terminal (`less -R`, `tee`). JSON output needs
//! nothing more: its encoder already escapes control characters.
//!
//! Must never: drop a character silently (every escaped one stays readable), or touch
//! newlines and tabs.

use std::borrow::Cow;

/// Is this character escaped by [`visible`]? C0 and C1 controls but `\n` and `\t`, DEL, and
/// the bidirectional embedding, override and isolate characters.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        c if c.is_control() => true,
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// `text` with every unsafe character written as an escape: `\x1b` for a C0 control or
/// DEL, `\u{9b}` for the others. A backslash stays a backslash, so the escaped form is for
/// reading, not for parsing back.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(visible("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(visible("\x1b[2J\x1b]0;pwned\x07red\r"), "\\x1b[2J\\x1b]0;pwned\\x07red\\x0d");
        assert_eq!(visible("a\u{9b}31mb\u{202e}c\x7f"), "a\\u{9b}31mb\\u{202e}c\\x7f");
        assert_eq!(visible("中文 ok"), "中文 ok");
    }
}
