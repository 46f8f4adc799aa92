//! The search index of the site, built at `build` time: one entry per guide page and per
//! step, and an inverted index from terms to entries. English is split into lower-cased
//! words; Chinese (and other CJK) text into single characters and character bigrams, so a
//! two-character query such as 授权 finds its page without a word segmenter. The site
//! script splits queries the same way (`tokens` in `assets/site.js`).
//!
//! Invariant: deterministic: entries in page order, terms sorted.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Locale of the page.
    pub l: String,
    /// URL relative to the site root (`en-US/emr/assign-roles.html#…`).
    pub u: String,
    /// What the result shows: the guide title, or the step's command.
    pub t: String,
    /// For a step, the title of its guide; empty for a page.
    pub g: String,
    /// The folders of the page (`User Guide / RAM users`), which tell apart pages of the
    /// same title.
    pub p: String,
    /// The start of the text, shown under the result.
    pub s: String,
}

/// The first words of a text, at most `SNIPPET` characters, cut at a character boundary.
pub fn snippet(text: &str) -> String {
    const SNIPPET: usize = 120;
    let text = crate::model::collapse_ws(text);
    match text.char_indices().nth(SNIPPET) {
        Some((i, _)) => format!("{}…", text[..i].trim_end()),
        None => text,
    }
}

#[derive(Debug, Default, Serialize)]
pub struct SearchIndex {
    pub version: u32,
    pub entries: Vec<Entry>,
    /// Term → indices into `entries`, ascending.
    pub terms: BTreeMap<String, Vec<u32>>,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // kana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0x20000..=0x2FFFF)
}

/// Terms of a text: lower-cased alphanumeric words, and for CJK runs every character and
/// every pair of neighbouring characters.
pub fn tokens(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                out.insert(std::mem::take(&mut word));
            }
            run.push(c);
        } else if c.is_alphanumeric() {
            if !run.is_empty() {
                flush(&mut String::new(), &mut run, &mut out);
            }
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, &mut run, &mut out);
        }
    }
    flush(&mut word, &mut run, &mut out);
    out
}

fn flush(word: &mut String, run: &mut Vec<char>, out: &mut BTreeSet<String>) {
    if !word.is_empty() {
        out.insert(std::mem::take(word));
    }
    for (i, c) in run.iter().enumerate() {
        out.insert(c.to_string());
        if let Some(next) = run.get(i + 1) {
            out.insert(format!("{c}{next}"));
        }
    }
    run.clear();
}

impl SearchIndex {
    pub fn add(&mut self, entry: Entry, text: &str) {
        let index = self.entries.len() as u32;
        for term in tokens(&format!("{} {text}", entry.t)) {
            self.terms.entry(term).or_default().push(index);
        }
        self.entries.push(entry);
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string(self).expect("the index serializes");
        s.push('\n');
        s
    }

    /// The same index as a script that sets a global, for pages opened from disk, where
    /// `fetch` of a local file is refused.
    pub fn to_script(&self) -> String {
        format!("window.PREFLIGHT_SEARCH = {}", self.to_json().trim_end()) + ";\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_split_into_characters_and_bigrams() {
        let t = tokens("为RAM用户授权。Grant AccessKey");
        for term in ["为", "用户", "户授", "授权", "ram", "grant", "accesskey"] {
            assert!(t.contains(term), "{term} in {t:?}");
        }
        assert!(!t.contains("用户授权"));
    }
}
