//! Sync: compare the en-US and zh-CN model of one guide and report every drift.
//!
//! Only language-neutral content is compared (identifiers, numbers, links, images,
//! code, structure, note types, table shapes and records); translated prose never is.
//! Procedures, steps, notes and tables are aligned as sequences ([`align`]), so one
//! inserted step is one finding, not a cascade.
//!
//! Invariant: pure. Findings come out in a stable order (en position, then zh
//! position), so reports are byte-identical across runs.

pub mod align;
pub mod baseline;
mod compare;
pub mod content;
pub mod stale;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::Severity;
use crate::ids::StepId;
use crate::model::Guide;
use crate::pairs::GuidePair;

pub use compare::compare;

/// Version of the JSON form of [`SyncReport`].
pub const SYNC_VERSION: u32 = 1;

/// Every finding code with what it means. "Missing" means present in en-US and absent
/// from zh-CN; "extra" the other way round.
pub const CODES: &[(&str, &str)] = &[
    ("sync::missing-guide", "a guide has no counterpart in the other language"),
    ("sync::topic-id-differs", "the two titles carry different topic ids"),
    ("sync::heading-id-differs", "aligned sections carry different `{#id}` anchors"),
    ("sync::missing-section", "a section of the en-US guide is not in zh-CN"),
    ("sync::extra-section", "a section of the zh-CN guide is not in en-US"),
    ("sync::missing-procedure", "a procedure of the en-US guide is not in zh-CN"),
    ("sync::extra-procedure", "a procedure of the zh-CN guide is not in en-US"),
    ("sync::missing-step", "a step of the en-US procedure is not in zh-CN"),
    ("sync::extra-step", "a step of the zh-CN procedure is not in en-US"),
    ("sync::missing-substep", "a sub-step of the en-US step is not in zh-CN"),
    ("sync::extra-substep", "a sub-step of the zh-CN step is not in en-US"),
    ("sync::nesting-differs", "the same step sits at different depths in the two languages"),
    ("sync::missing-note", "a note of the en-US step or section is not in zh-CN"),
    ("sync::extra-note", "a note of the zh-CN step or section is not in en-US"),
    ("sync::note-kind-differs", "aligned notes are of different types (Note vs 警告)"),
    ("sync::missing-table", "a table of the en-US step or section is not in zh-CN"),
    ("sync::extra-table", "a table of the zh-CN step or section is not in en-US"),
    ("sync::table-columns-differ", "aligned tables have different columns"),
    ("sync::table-rows-differ", "aligned tables have different numbers of rows"),
    ("sync::record-missing", "a role or policy is in the en-US table only"),
    ("sync::record-extra", "a role or policy is in the zh-CN table only"),
    ("sync::identifier-differs", "aligned steps name different roles, policies, users or APIs"),
    ("sync::number-differs", "aligned steps hold different numbers"),
    ("sync::link-differs", "aligned steps (or the prose of aligned sections) link to different targets"),
    ("sync::image-differs", "aligned steps (or the prose of aligned sections) show different images"),
    ("sync::code-differs", "aligned steps (or the prose of aligned sections) hold different code"),
    // The content checks of `content` (`content::CODES`).
    ("sync::untranslated", "a sentence of the zh-CN page is English prose"),
    ("sync::cjk-spacing", "spacing between Chinese and Latin letters or digits breaks the project's convention"),
    ("sync::punctuation-width", "a Chinese sentence uses half-width punctuation (`,` for `，`)"),
    ("sync::do-not-translate", "a name that must not change is in the en-US step or section, not in zh-CN"),
    ("sync::glossary-term", "an en-US glossary term's zh-CN translation is not used in the aligned zh-CN text"),
];

/// The codes of the history pass ([`stale`]): they need a git repository, so no fixture
/// pair can show them; `tests/suite/history.rs` builds repositories that do.
pub const HISTORY_CODES: &[(&str, &str)] = &[
    (
        "sync::stale-step",
        "the en-US text of an aligned step changed in a commit after the last change of its zh-CN step",
    ),
    (
        "sync::stale-page",
        "the en-US page changed after the last change of its zh-CN page, and neither has steps to align",
    ),
];

/// One drift between the two languages of a guide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable code, e.g. `sync::extra-step`.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// Where it is in the en-US file (or where it would be).
    pub en: Option<Location>,
    /// Where it is in the zh-CN file (or where it would be).
    pub zh: Option<Location>,
    /// The step concerned, by its id on the side that has it.
    pub step: Option<StepId>,
    /// Set when a baseline was applied (`sync --baseline`): whether the finding counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::sync::baseline::BaselineState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// A short excerpt of that side, or empty where the side lacks the item.
    pub snippet: String,
}

/// The result of comparing one pair: findings plus which step matched which.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    pub findings: Vec<Finding>,
    /// (en step id, zh step id) of every aligned step; one side `None` when unmatched.
    pub steps: Vec<(Option<StepId>, Option<StepId>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PairReport {
    pub guide: String,
    pub en: Option<String>,
    pub zh: Option<String>,
    pub paired_by: String,
    pub findings: Vec<Finding>,
}

/// What `preflight sync --format json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SyncReport {
    pub sync_version: u32,
    pub pairs: Vec<PairReport>,
    pub findings: usize,
    /// How stale steps were looked for in git history, or why they were not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<String>,
    /// Baseline entries that match no finding any more (`sync --baseline`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removable: Vec<crate::sync::baseline::Entry>,
}

pub use crate::model::{StepSync, SyncStatus};

/// Compare every pair with the default content checks ([`content::ContentConfig`]).
pub fn sync_pairs(pairs: &[GuidePair]) -> (SyncReport, Vec<Comparison>) {
    sync_pairs_with(pairs, &content::ContentConfig::default())
}

/// Compare every pair; a guide without a counterpart is itself a finding. The content
/// checks read the zh-CN source of each pair (a file that cannot be read again is
/// left to them unchecked).
pub fn sync_pairs_with(pairs: &[GuidePair], config: &content::ContentConfig) -> (SyncReport, Vec<Comparison>) {
    // The zh text as read by `project` (sync itself never touches the file system).
    let zh_texts: Vec<Option<&str>> = pairs
        .iter()
        .map(|p| match (p.en.and_then(|c| c.guide.as_ref()), p.zh) {
            (Some(_), Some(zh)) if zh.guide.is_some() => zh.text.as_deref(),
            _ => None,
        })
        .collect();
    let en_guides: Vec<&Guide> = pairs.iter().filter_map(|p| p.en.and_then(|c| c.guide.as_ref())).collect();
    let texts: Vec<&str> = zh_texts.iter().flatten().copied().collect();
    let settings = content::settings(config, &en_guides, &texts);
    let mut reports = Vec::new();
    let mut comparisons = Vec::new();
    for (pair, zh_text) in pairs.iter().zip(&zh_texts) {
        let en = pair.en.and_then(|c| c.guide.as_ref());
        let zh = pair.zh.and_then(|c| c.guide.as_ref());
        let comparison = match (en, zh) {
            (Some(en), Some(zh)) => {
                let mut c = compare(en, zh);
                if let Some(text) = zh_text {
                    let found = content::check(&settings, en, zh, text, &c);
                    c.findings.extend(found);
                }
                let histories =
                    (pair.en.and_then(|p| p.history.as_deref()), pair.zh.and_then(|p| p.history.as_deref()));
                if let (Some(eh), Some(zh_history)) = histories {
                    let found = stale::check(&c, en, zh, eh, zh_history);
                    c.findings.extend(found);
                }
                compare::sort_findings(&mut c.findings);
                c
            }
            (Some(g), None) | (None, Some(g)) => missing_guide(g, en.is_some()),
            // Files that could not be read have their own error diagnostics.
            (None, None) => Comparison::default(),
        };
        reports.push(PairReport {
            guide: en.or(zh).map_or_else(String::new, |g| g.id.clone()),
            en: pair.en.map(|c| c.file.display()),
            zh: pair.zh.map(|c| c.file.display()),
            paired_by: pair.by.as_str().to_string(),
            findings: comparison.findings.clone(),
        });
        comparisons.push(comparison);
    }
    let findings = reports.iter().map(|r| r.findings.len()).sum();
    (
        SyncReport { sync_version: SYNC_VERSION, pairs: reports, findings, history: None, removable: Vec::new() },
        comparisons,
    )
}

fn missing_guide(guide: &Guide, is_en: bool) -> Comparison {
    let here = Some(Location {
        file: guide.file.clone(),
        line: guide.span.line,
        column: guide.span.column,
        snippet: guide.title_text.clone(),
    });
    let (other, en, zh) = if is_en { ("zh-CN", here, None) } else { ("en-US", None, here) };
    let finding = Finding {
        code: "sync::missing-guide".into(),
        severity: Severity::Error,
        message: format!("guide `{}` has no {other} counterpart", guide.id),
        en,
        zh,
        step: None,
        baseline: None,
    };
    let steps = guide
        .steps()
        .iter()
        .map(|s| if is_en { (Some(s.id.clone()), None) } else { (None, Some(s.id.clone())) })
        .collect();
    Comparison { findings: vec![finding], steps }
}

/// New ids for the zh-CN steps of a compared pair, so that a tick, an anchor and a check
/// mean the same step in both languages even where the structure drifted: a step sync
/// aligned with an en-US step takes that step's id; a step only zh-CN has keeps its own,
/// moved under `<guide>.<locale>` where an en-US step already has that id.
pub fn shared_step_ids(comparison: &Comparison, en: &Guide, zh: &Guide) -> Vec<(StepId, StepId)> {
    let en_ids: std::collections::BTreeSet<&StepId> = en.steps().into_iter().map(|s| &s.id).collect();
    let mut out = Vec::new();
    for (e, z) in &comparison.steps {
        match (e, z) {
            (Some(e), Some(z)) if e != z => out.push((z.clone(), e.clone())),
            (None, Some(z)) if en_ids.contains(z) => {
                let own = StepId { guide: format!("{}.{}", z.guide, zh.locale), path: z.path.clone() };
                out.push((z.clone(), own));
            }
            _ => {}
        }
    }
    out
}

/// The codes of the content checks and of the history pass: about the text of a step,
/// not its structure.
pub fn is_content_or_history(code: &str) -> bool {
    const CONTENT: [&str; 5] = [
        "sync::untranslated",
        "sync::cjk-spacing",
        "sync::punctuation-width",
        "sync::do-not-translate",
        "sync::glossary-term",
    ];
    CONTENT.contains(&code) || HISTORY_CODES.iter().any(|(c, _)| *c == code)
}

/// Step statuses of one side of a comparison, keyed by that side's step id.
pub fn step_statuses(comparison: &Comparison, en_side: bool) -> std::collections::BTreeMap<StepId, StepSync> {
    let mut out = std::collections::BTreeMap::new();
    for (en, zh) in &comparison.steps {
        let (mine, other) = if en_side { (en, zh) } else { (zh, en) };
        let Some(id) = mine else { continue };
        let findings: Vec<String> = comparison
            .findings
            .iter()
            .filter(|f| f.step.as_ref() == Some(id) || (other.is_some() && f.step == *other))
            .map(|f| f.code.clone())
            .collect();
        // Content and history findings are listed, but a step drifts only in structure.
        let structural = findings.iter().any(|c| !is_content_or_history(c));
        let status = match (other, !structural) {
            (None, _) => SyncStatus::Unmatched,
            (Some(_), true) => SyncStatus::InSync,
            (Some(_), false) => SyncStatus::Drift,
        };
        let stale = if en_side {
            None
        } else {
            comparison
                .findings
                .iter()
                .filter(|f| f.code == "sync::stale-step" && other.is_some() && f.step == *other)
                .find_map(|f| stale::mark(&f.message))
        };
        out.insert(id.clone(), StepSync { status, counterpart: other.clone(), findings, stale });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &str, step: &StepId) -> Finding {
        Finding {
            code: code.into(),
            severity: Severity::Warning,
            message: String::new(),
            en: None,
            zh: None,
            step: Some(step.clone()),
            baseline: None,
        }
    }

    /// Issue 14: content findings are listed with a step but never make it "drift".
    #[test]
    fn content_and_stale_findings_list_but_do_not_drift_a_step() {
        let id: StepId = "g.s1.p1.1".parse().unwrap();
        let mut c = Comparison { findings: Vec::new(), steps: vec![(Some(id.clone()), Some(id.clone()))] };
        c.findings.push(finding("sync::cjk-spacing", &id));
        c.findings.push(finding("sync::stale-step", &id));
        let s = &step_statuses(&c, false)[&id];
        assert_eq!(s.status, SyncStatus::InSync);
        assert_eq!(s.findings, ["sync::cjk-spacing", "sync::stale-step"]);
        c.findings.push(finding("sync::number-differs", &id));
        assert_eq!(step_statuses(&c, false)[&id].status, SyncStatus::Drift);
    }
}
