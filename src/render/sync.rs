//! Sync reports as text (for people), JSON (for tools) and SARIF 2.1.0 (for code review).

use serde_json::json;

use crate::diag::Severity;
use crate::sync::{CODES, Finding, Location, SyncReport};

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
pub fn text(report: &SyncReport, base: &str) -> String {
    let mut out = String::new();
    for pair in &report.pairs {
        for f in &pair.findings {
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
        CODES.iter().map(|(id, text)| json!({ "id": id, "shortDescription": { "text": text } })).collect();
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
            let rule_index = CODES.iter().position(|(c, _)| *c == f.code).unwrap_or(0);
            json!({
                "ruleId": f.code,
                "ruleIndex": rule_index,
                "level": severity(f.severity),
                "message": { "text": f.message },
                "locations": locations,
                "relatedLocations": others,
            })
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
