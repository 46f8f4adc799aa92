//! The drift labels of `pairs.toml` against what `preflight sync` reports.
//!
//! The labels were measured by someone else, by counting raw Markdown (links, notes,
//! images, steps…) on each side. A label is *confirmed* when sync reports a finding of
//! one of the codes that stand for it (see [`confirms`]). Counting raw syntax and
//! comparing language-neutral keys are different measures, so full agreement is not
//! expected; the disagreements reviewed by hand are in `DRIFT-REVIEW.md`. The floors
//! below sit a little under the measured numbers, so a regression fails.

use std::collections::BTreeMap;

use preflight::model::Guide;
use preflight::sync::{Comparison, Finding};
use serde::Deserialize;

#[derive(Deserialize)]
struct PairList {
    pair: Vec<Pair>,
}

/// One `[[pair]]` of `pairs.toml`; the fields not listed are ignored.
#[derive(Deserialize, Clone)]
pub struct Pair {
    pub en: String,
    pub zh: String,
    #[serde(default)]
    pub drift: Vec<String>,
}

pub fn load_pairs() -> Vec<Pair> {
    let dir = crate::corpus_dir();
    let text = std::fs::read_to_string(dir.join("pairs.toml")).unwrap();
    let list: PairList = toml::from_str(&text).unwrap();
    assert_eq!(list.pair.len(), 272);
    list.pair
}

/// Both sides of a pair, parsed.
pub fn parse_pair(p: &Pair) -> (Guide, Guide) {
    let dir = crate::corpus_dir();
    (crate::parse(&dir, &p.en).0, crate::parse(&dir, &p.zh).0)
}

/// Whether a finding stands for a drift label.
pub fn confirms(label: &str, f: &Finding) -> bool {
    let code = f.code.trim_start_matches("sync::");
    match label {
        "top-level-step-count" => {
            matches!(code, "missing-step" | "extra-step" | "missing-procedure" | "extra-procedure" | "nesting-differs")
        }
        "substep-count" => matches!(code, "missing-substep" | "extra-substep" | "nesting-differs"),
        "note-count" => matches!(code, "missing-note" | "extra-note"),
        "warning-count" => {
            matches!(code, "missing-note" | "extra-note" | "note-kind-differs") && f.message.contains("(warning)")
        }
        "table-count" => matches!(code, "missing-table" | "extra-table"),
        "table-row-count" => matches!(code, "table-rows-differ" | "record-missing" | "record-extra"),
        "image-ids-differ" | "image-count" => code == "image-differs",
        "link-count" | "docid-links-differ" | "empty-link-count" => code == "link-differs",
        "codeblock-count" => code == "code-differs",
        "h2-count" => matches!(code, "missing-section" | "extra-section"),
        other => panic!("unknown drift label `{other}`"),
    }
}

/// Labels in the order the table prints them (most frequent first in the corpus).
pub const LABELS: &[&str] = &[
    "link-count",
    "note-count",
    "image-ids-differ",
    "top-level-step-count",
    "h2-count",
    "image-count",
    "codeblock-count",
    "table-row-count",
    "table-count",
    "empty-link-count",
    "warning-count",
    "substep-count",
    "docid-links-differ",
];

/// Measured on the corpus: (label, labelled pairs, confirmed by sync). The floors the
/// test asserts are these minus a small margin ([`floor`]).
const MEASURED: &[(&str, usize, usize)] = &[
    ("link-count", 67, 46),
    ("note-count", 39, 34),
    ("image-ids-differ", 36, 22),
    ("top-level-step-count", 26, 20),
    ("h2-count", 23, 23),
    ("image-count", 21, 19),
    ("codeblock-count", 14, 13),
    ("table-row-count", 13, 12),
    ("table-count", 12, 8),
    ("empty-link-count", 9, 8),
    ("warning-count", 6, 5),
    ("substep-count", 4, 3),
    ("docid-links-differ", 3, 3),
];

/// Unlabelled pairs on which sync reports nothing (a guard against false alarms).
const MEASURED_CLEAN: usize = 84;

/// A regression of more than one pair, or of more than 5% of the measured count, fails.
fn floor(measured: usize) -> usize {
    measured.saturating_sub(1.max(measured / 20))
}

pub fn compare_all() -> Vec<(Pair, Comparison)> {
    load_pairs()
        .into_iter()
        .map(|p| {
            let (en, zh) = parse_pair(&p);
            let c = preflight::sync::compare(&en, &zh);
            (p, c)
        })
        .collect()
}

#[test]
fn drift_labels_are_confirmed_by_sync() {
    let all = compare_all();
    let mut table = String::from("label                  labelled  confirmed\n");
    let mut failures = Vec::new();
    let mut missed: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for &label in LABELS {
        let labelled: Vec<&(Pair, Comparison)> =
            all.iter().filter(|(p, _)| p.drift.iter().any(|d| d == label)).collect();
        let confirmed = labelled.iter().filter(|(_, c)| c.findings.iter().any(|f| confirms(label, f))).count();
        for (p, c) in &labelled {
            if !c.findings.iter().any(|f| confirms(label, f)) {
                missed.entry(label).or_default().push(p.en.clone());
            }
        }
        table.push_str(&format!(
            "{label:<22} {:>8}  {confirmed:>9}  {:>3}%\n",
            labelled.len(),
            100 * confirmed / labelled.len().max(1)
        ));
        let (_, n, want) = MEASURED.iter().find(|m| m.0 == label).copied().unwrap();
        if labelled.len() != n {
            failures.push(format!("{label}: {} labelled pairs, pairs.toml had {n}", labelled.len()));
        }
        if confirmed < floor(want) {
            failures.push(format!("{label}: {confirmed} confirmed, measured {want} (floor {})", floor(want)));
        }
    }

    // Findings on the pairs with no label at all: drift the labels do not record, or
    // false alarms. Counted per code, as pairs with at least one such finding.
    let unlabelled: Vec<&(Pair, Comparison)> = all.iter().filter(|(p, _)| p.drift.is_empty()).collect();
    let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, c) in &unlabelled {
        let mut codes: Vec<&str> = c.findings.iter().map(|f| f.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            *per_code.entry(code).or_default() += 1;
        }
    }
    let clean = unlabelled.iter().filter(|(_, c)| c.findings.is_empty()).count();
    if clean < floor(MEASURED_CLEAN) {
        failures.push(format!("{clean} unlabelled pairs with no finding, measured {MEASURED_CLEAN}"));
    }
    table.push_str(&format!(
        "\n{} unlabelled pairs, {clean} with no finding; pairs with a finding, per code:\n",
        unlabelled.len()
    ));
    for (code, n) in &per_code {
        table.push_str(&format!("  {code:<28} {n:>4}\n"));
    }
    if std::env::var_os("PREFLIGHT_DRIFT_MISSED").is_some() {
        for (label, files) in &missed {
            table.push_str(&format!("\nnot confirmed: {label}\n"));
            for f in files {
                table.push_str(&format!("  {f}\n"));
            }
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}\n{table}", failures.join("\n"));
}
