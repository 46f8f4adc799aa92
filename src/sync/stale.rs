//! Stale steps: the source text of an aligned step changed in a commit after the last
//! commit that changed its translated step.
//!
//! The history itself is read at the edge (`crate::history`, with git) and handed in as
//! data: each page's committed versions, newest first, each reduced to a [`Snapshot`] of
//! its steps' words. A step is followed back through the versions by its words (so a step
//! inserted above it does not make it look changed), falling back to its position only to
//! show what the old text was. Words are letters and digits of the plain text: whitespace,
//! punctuation and markup (emphasis, code marks, link destinations) never make a change.
//!
//! Invariant: pure; the findings depend only on the models and the versions handed in.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::Severity;
use crate::ids::StepId;
use crate::model::{self, Guide, Step};

use super::{Comparison, Finding, Location};

/// What a version of a page says, reduced to what staleness compares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub steps: Vec<Unit>,
    /// The whole page, for pages without steps.
    pub page: Unit,
    /// The first step with given words, and the step at a given path (lookups stay
    /// logarithmic however long the page).
    by_words: BTreeMap<String, usize>,
    by_path: BTreeMap<String, usize>,
}

impl Snapshot {
    /// A snapshot of these steps and this page.
    pub fn new(steps: Vec<Unit>, page: Unit) -> Snapshot {
        let mut by_words = BTreeMap::new();
        let mut by_path = BTreeMap::new();
        for (i, u) in steps.iter().enumerate() {
            by_words.entry(u.words.clone()).or_insert(i);
            by_path.entry(u.path.clone()).or_insert(i);
        }
        Snapshot { steps, page, by_words, by_path }
    }
}

/// One step (or the whole page) of a version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unit {
    /// The step's structural path (`s1.p1.3`), empty for the page.
    pub path: String,
    /// Letters and digits only, lower-cased, nothing between them: what a change is.
    pub words: String,
    /// The plain text, whitespace collapsed: what a diff shows.
    pub text: String,
}

/// One committed version of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The commit that made this version (full hex id).
    pub commit: String,
    /// Committer time, Unix seconds.
    pub time: i64,
    /// Committer date, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// The first line of the commit message.
    pub summary: String,
    /// The message carries `[preflight skip]`: its changes do not count.
    pub skip: bool,
    pub snapshot: Arc<Snapshot>,
}

/// The committed versions of one page, newest first; each differs from the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileHistory {
    pub versions: Vec<Version>,
}

/// The commit-message directive that makes a commit's changes not count.
pub const SKIP_DIRECTIVE: &str = "[preflight skip]";

/// Letters and digits of a text, lower-cased, with nothing between them: what a change
/// is. Spaces are left out too, so `Propertiesand` fixed to `Properties and` is no change.
pub fn words(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn step_text(step: &Step) -> String {
    let mut text = step.command_text.clone();
    text.push(' ');
    model::blocks_text(&step.body, false, &mut text);
    model::collapse_ws(&text)
}

/// The snapshot of a parsed page.
pub fn snapshot(guide: &Guide) -> Snapshot {
    let steps: Vec<Unit> = guide
        .steps()
        .into_iter()
        .map(|s| {
            let text = step_text(s);
            Unit { path: s.id.path.to_string(), words: words(&text), text }
        })
        .collect();
    let mut text = guide.title_text.clone();
    for section in &guide.sections {
        text.push(' ');
        model::blocks_text(&section.blocks, false, &mut text);
    }
    let text = model::collapse_ws(&text);
    Snapshot::new(steps, Unit { path: String::new(), words: words(&text), text })
}

/// When a unit got the text it has now.
struct Change<'a> {
    version: &'a Version,
    /// The unit before that commit, when the version before had one at its place.
    before: Option<&'a Unit>,
    /// The text is that of the page's first version: nothing was changed, the page was added.
    first: bool,
}

/// The newest commit that changed `now` (a step, or with `page` the whole page), skipping
/// commits with the directive; `None` when the unit is in no committed version.
fn last_change<'a>(now: &Unit, history: &'a FileHistory, page: bool) -> Option<Change<'a>> {
    let versions = &history.versions;
    let head = versions.first()?;
    let find = |v: &'a Version, words: &str| -> Option<&'a Unit> {
        let s = &v.snapshot;
        if page { (s.page.words == words).then_some(&s.page) } else { s.by_words.get(words).map(|&i| &s.steps[i]) }
    };
    let at = |v: &'a Version, path: &str| -> Option<&'a Unit> {
        let s = &v.snapshot;
        if page { Some(&s.page) } else { s.by_path.get(path).map(|&i| &s.steps[i]) }
    };
    // Uncommitted edits are not history: start from the committed text at the same place.
    let mut current = find(head, &now.words).or_else(|| at(head, &now.path))?;
    for pair in versions.windows(2) {
        let (newer, older) = (&pair[0], &pair[1]);
        if let Some(same) = find(older, &current.words) {
            current = same;
            continue;
        }
        let before = at(older, &current.path);
        match before {
            Some(b) if newer.skip => current = b,
            _ => return Some(Change { version: newer, before, first: false }),
        }
    }
    versions.last().map(|v| Change { version: v, before: None, first: true })
}

/// A short word diff: the words that differ between the common start and end, each side
/// cut to 12 words.
pub fn word_diff(before: &str, after: &str) -> String {
    let a: Vec<&str> = before.split_whitespace().collect();
    let b: Vec<&str> = after.split_whitespace().collect();
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let end = a[start..].iter().rev().zip(b[start..].iter().rev()).take_while(|(x, y)| x == y).count();
    let cut = |w: &[&str]| {
        let s = w.iter().take(12).copied().collect::<Vec<_>>().join(" ");
        if w.len() > 12 { format!("{s} …") } else { s }
    };
    let (gone, added) = (cut(&a[start..a.len() - end]), cut(&b[start..b.len() - end]));
    match (gone.is_empty(), added.is_empty()) {
        (false, false) => format!("[-{gone}-] {{+{added}+}}"),
        (false, true) => format!("[-{gone}-]"),
        (true, false) => format!("{{+{added}+}}"),
        (true, true) => "(words reordered)".into(),
    }
}

fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

/// The [`StaleMark`](crate::model::StaleMark) of a `sync::stale-step` message as
/// [`check`] writes it.
pub fn mark(message: &str) -> Option<crate::model::StaleMark> {
    let rest = message.split_once(" changed in ")?.1;
    let (commit, rest) = rest.split_once(" on ")?;
    let date = rest.get(..10)?;
    let diff = rest.split_once(" last changed on ")?.1.get(12..)?;
    Some(crate::model::StaleMark { commit: commit.to_string(), date: date.to_string(), diff: diff.to_string() })
}

/// The stale steps of one compared pair (and the stale page, when neither side has steps).
pub fn check(
    comparison: &Comparison,
    en: &Guide,
    zh: &Guide,
    en_history: &FileHistory,
    zh_history: &FileHistory,
) -> Vec<Finding> {
    let (en_now, zh_now) = (snapshot(en), snapshot(zh));
    let en_steps: Vec<&Step> = en.steps();
    let zh_steps: Vec<&Step> = zh.steps();
    let mut out = Vec::new();
    let loc = |g: &Guide, span: &model::Span, snippet: &str| Location {
        file: g.file.clone(),
        line: span.line,
        column: span.column,
        snippet: model::clip(snippet, 80),
    };
    let finding = |change: &Change, translated: &Change, now: &Unit, step: Option<&StepId>| {
        let diff = match change.before {
            Some(b) => word_diff(&b.text, &now.text),
            None => format!("new text: {}", model::clip(&now.text, 80)),
        };
        let what = if step.is_some() { "step" } else { "page" };
        format!(
            "the {} text of this {what} changed in {} on {} (\"{}\"), after its {} {what} last changed on {}: {diff}",
            en.locale,
            short(&change.version.commit),
            change.version.date,
            model::clip(&change.version.summary, 60),
            zh.locale,
            translated.version.date,
        )
    };
    let en_index: BTreeMap<&StepId, usize> = en_steps.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
    let zh_index: BTreeMap<&StepId, usize> = zh_steps.iter().enumerate().map(|(i, s)| (&s.id, i)).collect();
    for (e, z) in &comparison.steps {
        let (Some(e), Some(z)) = (e, z) else { continue };
        // The snapshot's steps are the guide's, in the same order.
        let (Some(&i), Some(&j)) = (en_index.get(e), zh_index.get(z)) else { continue };
        let (es, zs, eu, zu) = (en_steps[i], zh_steps[j], &en_now.steps[i], &zh_now.steps[j]);
        let (Some(ec), Some(zc)) = (last_change(eu, en_history, false), last_change(zu, zh_history, false)) else {
            continue;
        };
        // A source page added after its translation changed nothing the translation had.
        if !ec.first && ec.version.time > zc.version.time {
            let message = finding(&ec, &zc, eu, Some(e));
            out.push(Finding {
                code: "sync::stale-step".into(),
                severity: Severity::Warning,
                message,
                en: Some(loc(en, &es.span, &es.command_text)),
                zh: Some(loc(zh, &zs.span, &zs.command_text)),
                step: Some(e.clone()),
                baseline: None,
            });
        }
    }
    if en_steps.is_empty() && zh_steps.is_empty() {
        let page = (last_change(&en_now.page, en_history, true), last_change(&zh_now.page, zh_history, true));
        if let (Some(ec), Some(zc)) = page
            && !ec.first
            && ec.version.time > zc.version.time
        {
            let message = finding(&ec, &zc, &en_now.page, None);
            out.push(Finding {
                code: "sync::stale-page".into(),
                severity: Severity::Warning,
                message,
                en: Some(loc(en, &en.span, &en.title_text)),
                zh: Some(loc(zh, &zh.span, &zh.title_text)),
                step: None,
                baseline: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_ignore_whitespace_punctuation_and_case() {
        assert_eq!(words("Click **OK**,  then  `Save`."), "clickokthensave");
        assert_eq!(words("Click OK then Save"), words("click ok, then save!"));
        assert_eq!(words("click Propertiesand"), words("click Properties and"));
        assert_ne!(words("click Properties"), words("click Property"));
        assert_eq!(words("单击确定。"), "单击确定");
    }

    #[test]
    fn word_diffs_are_short() {
        assert_eq!(word_diff("Click OK to save", "Click Apply to save"), "[-OK-] {+Apply+}");
        assert_eq!(word_diff("a b", "a b c"), "{+c+}");
        let long: Vec<String> = (0..30).map(|i| format!("w{i}")).collect();
        let d = word_diff("", &long.join(" "));
        assert!(d.ends_with("…+}") && d.split_whitespace().count() == 13, "{d}");
    }
}
