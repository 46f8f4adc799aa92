//! The pairs file: `[[pair]] en = "…" zh = "…"`, paths relative to the file. `preflight pair
//! -o` writes it, `sync --pairs` and a project's `pairs = "…"` read it. Other keys of an entry
//! (`confidence`, `key`, and the corpus's `repo`, `drift`, …) are allowed and ignored, so every
//! file `pair` writes is one `build` takes.
//!
//! Invariant: reading is pure; errors carry line and column.

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

/// One entry, with the line of its `[[pair]]` header for errors about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub en: String,
    pub zh: String,
    pub line: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct List {
    #[serde(default, rename = "pair")]
    pairs: Vec<toml::Spanned<RawEntry>>,
}

#[derive(Deserialize)]
struct RawEntry {
    en: String,
    zh: String,
}

/// Parse a pairs file; errors carry 1-based line and column.
pub fn parse(text: &str) -> Result<Vec<Entry>, (u32, u32, String)> {
    let list: List = crate::source::parse_toml(text)?;
    let source = crate::source::Source::new("", text);
    Ok(list
        .pairs
        .into_iter()
        .map(|p| {
            let line = source.line_col(p.span().start).0;
            let raw = p.into_inner();
            Entry { en: raw.en, zh: raw.zh, line }
        })
        .collect())
}

/// `a/b/../c` → `a/c`, without following symbolic links: paths stay the paths the user
/// wrote (`../shared/x`, not where a link points).
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// `to` relative to `from`; both absolute and lexically normal.
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_lines_and_extra_keys_are_ignored() {
        let text = "# proposed\n\n[[pair]]\nen = \"a.md\"\nzh = \"b.md\"\nconfidence = 0.9\nkey = \"x\"\n\n[[pair]]\nen = \"c.md\"\nzh = \"d.md\"\n";
        let entries = parse(text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!((entries[0].en.as_str(), entries[0].zh.as_str(), entries[0].line), ("a.md", "b.md", 3));
        assert_eq!(entries[1].line, 9);
    }

    #[test]
    fn an_entry_without_zh_is_an_error_with_a_line() {
        let err = parse("[[pair]]\nen = \"a.md\"\n").unwrap_err();
        assert_eq!(err.0, 1);
        assert!(err.2.contains("zh"), "{}", err.2);
    }
}
