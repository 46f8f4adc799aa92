//! Sync reports as text (for people), JSON (for tools) and SARIF 2.1.0 (for code review).

use serde_json::json;

use crate::diag::Severity;
use crate::sync::baseline::BaselineState;
use crate::sync::{CODES, Finding, HISTORY_CODES, Location, SyncReport};

/// The codes of sync and of its history pass, in the order SARIF lists its rules.
fn all_codes() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    CODES.iter().chain(HISTORY_CODES)
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// The side a reader should look at first: the one that has the item, else zh-CN.
fn primary(f: &Finding) -> Option<&Location> {
    if f.code.contains("missing") { f.en.as_ref().or(f.zh.as_ref()) } else { f.zh.as_ref().or(f.en.as_ref()) }
}

fn at(base: &str, l: &Location) -> String {
    let file = if base.is_empty() { l.file.clone() } else { format!("{base}/{}", l.file) };
    format!("{file}:{}:{}", l.line, l.column)
}

/// One finding per block: the primary position first (so editors can jump to it), then
/// both sides with their snippets.
/// With a baseline applied, only the findings that count are printed here (the others
/// are listed by [`baseline_summary`]).
pub fn text(report: &SyncReport, base: &str) -> String {
    let mut out = String::new();
    for pair in &report.pairs {
        for f in pair.findings.iter().filter(|f| f.baseline.is_none_or(|b| b.counts())) {
            let head = primary(f).map_or_else(String::new, |l| format!("{}: ", at(base, l)));
            out.push_str(&format!("{head}{}[{}]: {}\n", severity(f.severity), f.code, f.message));
            for (lang, loc) in [("en-US", &f.en), ("zh-CN", &f.zh)] {
                match loc {
                    Some(l) => {
                        let snippet = if l.snippet.is_empty() { "(not here)".to_string() } else { l.snippet.clone() };
                        out.push_str(&format!("    {lang} {}  {snippet}\n", at(base, l)));
                    }
                    None => out.push_str(&format!("    {lang} (no file)\n")),
                }
            }
        }
    }
    out
}

/// GitHub Actions workflow commands, one `::error` or `::warning` per finding that counts
/// (with a baseline applied, only new and expired ones), at the primary side, with the
/// other side in the message; a closing `::notice` with the summary.
pub fn github(report: &SyncReport, base: &str) -> String {
    let mut out = String::new();
    for f in report.pairs.iter().flat_map(|p| &p.findings) {
        if f.baseline.is_some_and(|b| !b.counts()) {
            continue;
        }
        let mut props = Vec::new();
        let mut message = f.message.clone();
        if let Some(l) = primary(f) {
            let file = if base.is_empty() { l.file.clone() } else { format!("{base}/{}", l.file) };
            props.push(format!("file={}", github_property(&file)));
            props.push(format!("line={}", l.line.max(1)));
            props.push(format!("col={}", l.column.max(1)));
        }
        for (lang, loc) in [("en-US", &f.en), ("zh-CN", &f.zh)] {
            if let Some(l) = loc
                && Some(l) != primary(f)
            {
                message.push_str(&format!("\n{lang} {}  {}", at(base, l), l.snippet));
            }
        }
        props.push(format!("title={}", github_property(&f.code)));
        out.push_str(&format!("::{} {}::{}\n", severity(f.severity), props.join(","), github_data(&message)));
    }
    out.push_str(&format!("::notice title=preflight sync::{}\n", github_data(&summary(report))));
    out
}

/// The message of a workflow command: `%`, CR and LF escaped.
pub fn github_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value of a workflow command: as [`github_data`], and `:` and `,` too.
pub fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// After the findings that count: one line per finding the baseline accepts, then the
/// entries that match nothing any more, then the counts.
pub fn baseline_summary(report: &SyncReport, base: &str, outcome: &crate::sync::baseline::Outcome) -> String {
    let mut out = String::new();
    let quiet: Vec<&Finding> =
        report.pairs.iter().flat_map(|p| &p.findings).filter(|f| f.baseline.is_some_and(|b| !b.counts())).collect();
    if !quiet.is_empty() {
        out.push_str(&format!("accepted by the baseline ({}):\n", quiet.len()));
        for f in quiet {
            let head = primary(f).map_or_else(String::new, |l| format!("{}: ", at(base, l)));
            out.push_str(&format!("    {head}[{}] {}\n", f.code, f.message));
        }
    }
    if !outcome.removable.is_empty() {
        out.push_str(&format!("removable: {} baseline entries match no finding any more:\n", outcome.removable.len()));
        for e in &outcome.removable {
            let step = if e.step.is_empty() { String::new() } else { format!(" {}", e.step) };
            out.push_str(&format!("    [{}] {}{step}: {}\n", e.code, e.guide, e.key));
        }
    }
    out.push_str(&format!(
        "baseline: {} new, {} expired waivers (these count); {} accepted, {} waived; {} removable",
        outcome.new,
        outcome.expired,
        outcome.accepted,
        outcome.waived,
        outcome.removable.len()
    ));
    out
}

pub fn summary(report: &SyncReport) -> String {
    let drifted = report.pairs.iter().filter(|p| !p.findings.is_empty()).count();
    let errors = report.pairs.iter().flat_map(|p| &p.findings).filter(|f| f.severity == Severity::Error).count();
    format!(
        "sync: {} pairs, {} in sync, {} with drift; {} findings ({} errors, {} warnings)",
        report.pairs.len(),
        report.pairs.len() - drifted,
        drifted,
        report.findings,
        errors,
        report.findings - errors
    )
}

/// How the pages were paired: counts by method, and the pages left without a counterpart.
pub fn pairing_summary(report: &SyncReport) -> String {
    let mut by: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let (mut lone_en, mut lone_zh) = (0, 0);
    for p in &report.pairs {
        match (&p.en, &p.zh) {
            (Some(_), Some(_)) => *by.entry(p.paired_by.as_str()).or_default() += 1,
            (Some(_), None) => lone_en += 1,
            (None, Some(_)) => lone_zh += 1,
            (None, None) => {}
        }
    }
    let paired: usize = by.values().sum();
    let methods: Vec<String> = by.iter().map(|(m, n)| format!("{n} by {m}")).collect();
    let methods = if methods.is_empty() { String::new() } else { format!(" ({})", methods.join(", ")) };
    format!("pairs: {paired}{methods}; pages without a counterpart: {lone_en} source, {lone_zh} translated")
}

/// The JSON Schema of `sync.json`, made once per process.
pub fn sync_schema() -> String {
    static SCHEMA: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let mut schema = schemars::schema_for!(SyncReport);
        schema.insert("$id".into(), "https://preflight.invalid/schema/sync.schema.json".into());
        super::json::to_json(&schema)
    });
    SCHEMA.clone()
}

/// SARIF 2.1.0: one result per finding, with both files as locations.
pub fn sarif(report: &SyncReport, base: &str) -> String {
    let rules: Vec<_> =
        all_codes().map(|(id, text)| json!({ "id": id, "shortDescription": { "text": text } })).collect();
    let location = |l: &Location| {
        let uri = if base.is_empty() { l.file.clone() } else { format!("{base}/{}", l.file) };
        let mut region = json!({ "startLine": l.line.max(1), "startColumn": l.column.max(1) });
        if !l.snippet.is_empty() {
            region["snippet"] = json!({ "text": l.snippet });
        }
        json!({ "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region } })
    };
    let results: Vec<_> = report
        .pairs
        .iter()
        .flat_map(|p| &p.findings)
        .map(|f| {
            let mut locations = Vec::new();
            if let Some(l) = primary(f) {
                locations.push(location(l));
            }
            let others: Vec<_> =
                [&f.en, &f.zh].into_iter().flatten().filter(|l| Some(*l) != primary(f)).map(location).collect();
            let rule_index = all_codes().position(|(c, _)| *c == f.code).unwrap_or(0);
            let mut result = json!({
                "ruleId": f.code,
                "ruleIndex": rule_index,
                "level": severity(f.severity),
                "message": { "text": f.message },
                "locations": locations,
                "relatedLocations": others,
            });
            if let Some(state) = f.baseline {
                let (baseline_state, suppressed) = match state {
                    BaselineState::New => ("new", false),
                    BaselineState::Expired => ("unchanged", false),
                    BaselineState::Accepted | BaselineState::Waived => ("unchanged", true),
                };
                result["baselineState"] = json!(baseline_state);
                if suppressed {
                    result["suppressions"] = json!([{ "kind": "external", "status": "accepted" }]);
                }
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "preflight",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    super::json::to_json(&doc)
}
