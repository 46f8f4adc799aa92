//! The baseline: findings a team accepted on purpose, so that `sync` fails only on new ones.
//!
//! A finding is known by a fingerprint that survives edits elsewhere in the page: its
//! code, its guide id, its step id and a neutral key (the message with every line
//! position taken out). Line numbers are never part of it, because they move.
//! An entry may carry a `reason` and an `expires` date (a waiver, InSpec style); from the
//! day after `expires` on, the finding counts again.
//!
//! Invariant: pure. The file is read and written by the CLI; today's date is handed in.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Finding, SyncReport};

/// What became of a finding once a baseline was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BaselineState {
    /// Not in the baseline: it counts.
    New,
    /// In the baseline without an expiry date: it does not count.
    Accepted,
    /// In the baseline with an expiry date still to come: it does not count.
    Waived,
    /// Its waiver expired: it counts again.
    Expired,
}

impl BaselineState {
    /// Whether a finding in this state fails `sync`.
    pub fn counts(self) -> bool {
        matches!(self, BaselineState::New | BaselineState::Expired)
    }
}

/// One accepted finding, as the baseline file holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub code: String,
    pub guide: String,
    /// The step id, empty when the finding is about no single step.
    #[serde(default)]
    pub step: String,
    /// The message without line positions.
    pub key: String,
    /// Why it is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The last day the entry holds, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Entry {
    fn fingerprint(&self) -> Fingerprint {
        (self.code.clone(), self.guide.clone(), self.step.clone(), self.key.clone())
    }
}

/// Code, guide id, step id, neutral key.
type Fingerprint = (String, String, String, String);

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    accepted: Vec<Entry>,
}

/// The message of a finding without positions: `(line 12)`, `line 12` and a leading
/// `step 3: ` (the step id already says which step) are taken out. The spacing and
/// punctuation checks quote the text around the spot, which any edit of the sentence
/// changes: their key stops before the quote.
pub fn neutral_key(code: &str, message: &str) -> String {
    let message = match code {
        "sync::cjk-spacing" | "sync::punctuation-width" => message.split_once(": \"").map_or(message, |(head, _)| head),
        _ => message,
    };
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    // A leading "step N.N: " names a position the step id holds.
    if let Some(after) = rest.strip_prefix("step ") {
        let digits = after.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(after.len());
        if digits > 0 && after[digits..].starts_with(": ") {
            rest = &after[digits + 2..];
        }
    }
    while let Some(i) = rest.find("line ") {
        let after = &rest[i + 5..];
        let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        if digits == 0 {
            out.push_str(&rest[..i + 5]);
            rest = after;
            continue;
        }
        let mut head = &rest[..i];
        let mut tail = &after[digits..];
        if head.ends_with('(') && tail.starts_with(')') {
            head = head[..head.len() - 1].trim_end();
            tail = &tail[1..];
        } else {
            out.push_str(head);
            out.push_str("line");
            rest = tail;
            continue;
        }
        out.push_str(head);
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The baseline entry of a finding of guide `guide` (no reason, no expiry).
pub fn entry(guide: &str, f: &Finding) -> Entry {
    Entry {
        code: f.code.clone(),
        guide: guide.to_string(),
        step: f.step.as_ref().map_or_else(String::new, ToString::to_string),
        key: neutral_key(&f.code, &f.message),
        reason: None,
        expires: None,
    }
}

/// Parse a baseline file; errors carry 1-based line and column. A malformed `expires` is
/// an error at the entry.
pub fn parse(text: &str) -> Result<Vec<Entry>, (u32, u32, String)> {
    let file: File = crate::source::parse_toml(text)?;
    for (i, e) in file.accepted.iter().enumerate() {
        if let Some(date) = &e.expires
            && !is_date(date)
        {
            let line = nth_table_line(text, i);
            return Err((line, 1, format!("`expires = \"{date}\"` is not a date written as YYYY-MM-DD")));
        }
    }
    Ok(file.accepted)
}

fn nth_table_line(text: &str, n: usize) -> u32 {
    let mut seen = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim() == "[[accepted]]" {
            if seen == n {
                return i as u32 + 1;
            }
            seen += 1;
        }
    }
    1
}

/// `YYYY-MM-DD` with a month 01–12 and a day 01–31.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// The civil date (UTC) of a Unix time, `YYYY-MM-DD` (Howard Hinnant's days-to-civil).
pub fn civil_date(unix_seconds: i64) -> String {
    let z = unix_seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The baseline file for every finding of a report, sorted, one `[[accepted]]` per
/// finding. Reasons and expiry dates of `keep` entries with the same fingerprint carry over.
pub fn write(report: &SyncReport, keep: &[Entry]) -> String {
    let mut kept: BTreeMap<Fingerprint, Vec<&Entry>> = BTreeMap::new();
    for e in keep {
        kept.entry(e.fingerprint()).or_default().push(e);
    }
    let mut entries: Vec<Entry> = Vec::new();
    for p in &report.pairs {
        for f in &p.findings {
            let mut e = entry(&p.guide, f);
            if let Some(old) = kept.get_mut(&e.fingerprint()).and_then(|v| (!v.is_empty()).then(|| v.remove(0))) {
                e.reason = old.reason.clone();
                e.expires = old.expires.clone();
            }
            entries.push(e);
        }
    }
    entries.sort();
    let mut out = String::from(
        "# preflight baseline: findings accepted on purpose. `preflight sync --baseline` counts only\n\
         # findings not listed here. Add `reason = \"…\"` and `expires = \"YYYY-MM-DD\"` to make an entry a\n\
         # waiver: from the day after `expires` on, its finding counts again.\n",
    );
    let body = toml::to_string(&File { accepted: entries }).unwrap_or_default();
    if !body.is_empty() {
        out.push('\n');
        out.push_str(&body);
    }
    out
}

/// What applying a baseline found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub new: usize,
    pub accepted: usize,
    pub waived: usize,
    pub expired: usize,
    /// Entries that match no finding any more: they can be removed.
    pub removable: Vec<Entry>,
}

impl Outcome {
    /// Findings that fail `sync`.
    pub fn counting(&self) -> usize {
        self.new + self.expired
    }
}

/// Mark every finding of `report` with its [`BaselineState`]. `today` is `YYYY-MM-DD`.
/// Each entry matches at most one finding, so two equal findings need two entries.
pub fn apply(report: &mut SyncReport, entries: &[Entry], today: &str) -> Outcome {
    let mut by_print: BTreeMap<Fingerprint, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_print.entry(e.fingerprint()).or_default().push(i);
    }
    let mut used = vec![false; entries.len()];
    let mut outcome = Outcome::default();
    for p in &mut report.pairs {
        for f in &mut p.findings {
            let e = entry(&p.guide, f);
            let hit = by_print.get_mut(&e.fingerprint()).and_then(|v| (!v.is_empty()).then(|| v.remove(0)));
            let state = match hit {
                None => BaselineState::New,
                Some(i) => {
                    used[i] = true;
                    match &entries[i].expires {
                        Some(day) if day.as_str() < today => BaselineState::Expired,
                        Some(_) => BaselineState::Waived,
                        None if entries[i].reason.is_some() => BaselineState::Waived,
                        None => BaselineState::Accepted,
                    }
                }
            };
            match state {
                BaselineState::New => outcome.new += 1,
                BaselineState::Accepted => outcome.accepted += 1,
                BaselineState::Waived => outcome.waived += 1,
                BaselineState::Expired => outcome.expired += 1,
            }
            f.baseline = Some(state);
        }
    }
    outcome.removable = entries.iter().zip(&used).filter(|(_, u)| !**u).map(|(e, _)| e.clone()).collect();
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutral_key_drops_positions_only() {
        assert_eq!(
            neutral_key("sync::code-differs", "step 3: code blocks differ: `a1b2` (line 12) only in en-US"),
            "code blocks differ: `a1b2` only in en-US"
        );
        assert_eq!(
            neutral_key("sync::punctuation-width", "half-width `,` in a Chinese sentence: \"单击确定,然后\""),
            "half-width `,` in a Chinese sentence"
        );
        assert_eq!(
            neutral_key("sync::untranslated", "English prose left in zh-CN: \"Click it\""),
            "English prose left in zh-CN: \"Click it\""
        );
        assert_eq!(
            neutral_key("c", "table rows differ: 3 in en-US, 4 in zh-CN"),
            "table rows differ: 3 in en-US, 4 in zh-CN"
        );
        assert_eq!(neutral_key("c", "see line 40 and line x"), "see line and line x");
        assert_eq!(neutral_key("c", "step 3 is fine"), "step 3 is fine");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert_eq!(civil_date(1_798_761_599), "2026-12-31");
        assert_eq!(civil_date(-86_400), "1969-12-31");
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2026-12-31"));
        for bad in ["2026-13-01", "2026-1-01", "tomorrow", "2026-12-32", "２０２６-12-31"] {
            assert!(!is_date(bad), "{bad}");
        }
        let err = parse("[[accepted]]\ncode = \"c\"\nguide = \"g\"\nkey = \"k\"\nexpires = \"soon\"\n").unwrap_err();
        assert_eq!(err.0, 1);
        assert!(err.2.contains("YYYY-MM-DD"), "{}", err.2);
        assert!(parse("[[accepted]]\ncode = \"c\"\nguide = \"g\"\nkey = \"k\"\ntypo = 1\n").is_err());
    }
}
