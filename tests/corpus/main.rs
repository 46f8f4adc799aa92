//! Checks against the real corpus in `../shared/corpus` (or `$PREFLIGHT_CORPUS`).
//!
//! Not part of plain `cargo test`: `.ci/run` runs `cargo test --test corpus`. When the
//! corpus is missing, every test here fails loudly rather than passing empty.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use preflight::model::{Block, Guide, Step};
use preflight::project::guess_locale;
use preflight::walk::blocks as walk;
use preflight::{Severity, Source};
use serde::Deserialize;

mod content;
mod drift;
mod mutation;
mod pairing;
mod real;
mod robust;
mod seeds;

fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("PREFLIGHT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    assert!(
        dir.join("pairs.toml").is_file(),
        "corpus not found at {} (set PREFLIGHT_CORPUS); these checks never pass without it",
        dir.display()
    );
    dir
}

fn parse(dir: &Path, rel: &str) -> (Guide, Vec<preflight::Diagnostic>) {
    let path = dir.join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let source = Source::decode(rel, &bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    preflight::parse::parse_guide(&source, &guess_locale(Path::new(rel)))
}

#[test]
fn every_corpus_file_parses_without_errors() {
    let dir = corpus_dir();
    let mut n = 0;
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") || entry.file_name() == "README.md" {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap().to_string_lossy().to_string();
        let (guide, diags) = parse(&dir, &rel);
        let errors: Vec<_> = diags.iter().filter(|d| d.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "{rel}: {errors:?}");
        // Rendering must not fail either.
        assert!(!preflight::render::text::outline(&guide).is_empty());
        assert!(!preflight::render::json::to_json(&guide).is_empty());
        n += 1;
    }
    assert_eq!(n, 544, "the corpus has 272 pairs");
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectations {
    page: Vec<Page>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    file: String,
    #[allow(dead_code)]
    shape: String,
    procedures: usize,
    steps: usize,
    substeps: usize,
    max_depth: usize,
    notes: BTreeMap<String, usize>,
    tables: usize,
    table_rows: Vec<usize>,
    /// Header cells per table, where the page's comment counted them.
    #[serde(default)]
    table_columns: Option<Vec<usize>>,
    identifiers: Vec<String>,
}

/// What the model shows of a page, in the terms of `expect.toml`.
#[derive(Debug, PartialEq)]
struct Seen {
    procedures: usize,
    steps: usize,
    substeps: usize,
    max_depth: usize,
    notes: BTreeMap<String, usize>,
    tables: usize,
    table_rows: Vec<usize>,
}

fn depth(step: &Step) -> usize {
    1 + step.substeps().into_iter().map(depth).max().unwrap_or(0)
}

fn seen(guide: &Guide) -> Seen {
    let procs: Vec<_> = guide.procedures().collect();
    let top: Vec<&Step> = procs.iter().flat_map(|p| p.steps.iter()).collect();
    let mut notes = BTreeMap::new();
    let mut table_rows = Vec::new();
    for section in &guide.sections {
        walk(&section.blocks, &mut |b| match b {
            Block::Note(n) => *notes.entry(n.kind.as_str().to_string()).or_insert(0) += 1,
            Block::Table(t) => table_rows.push(t.rows.len()),
            _ => {}
        });
    }
    Seen {
        procedures: procs.len(),
        steps: top.len(),
        substeps: guide.steps().len() - top.len(),
        max_depth: top.iter().map(|s| depth(s)).max().unwrap_or(0),
        notes,
        tables: table_rows.len(),
        table_rows,
    }
}

/// All text the model keeps of a page: prose, code, cells, anchors, link targets.
fn all_text(guide: &Guide) -> String {
    preflight::render::json::to_json(guide)
}

#[test]
fn pages_read_as_a_human_reads_them() {
    let dir = corpus_dir();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/expect.toml");
    let expect: Expectations = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(expect.page.len() >= 20);
    let mut failures = Vec::new();
    for page in &expect.page {
        let (guide, _) = parse(&dir, &page.file);
        let got = seen(&guide);
        let want = Seen {
            procedures: page.procedures,
            steps: page.steps,
            substeps: page.substeps,
            max_depth: page.max_depth,
            notes: page.notes.clone(),
            tables: page.tables,
            table_rows: page.table_rows.clone(),
        };
        if got != want {
            failures.push(format!("{}\n  want {want:?}\n  got  {got:?}", page.file));
        }
        if let Some(want) = &page.table_columns {
            let mut got = Vec::new();
            for section in &guide.sections {
                walk(&section.blocks, &mut |b| {
                    if let Block::Table(t) = b {
                        got.push(t.header.len());
                    }
                });
            }
            if got != *want {
                failures.push(format!("{}: table columns\n  want {want:?}\n  got  {got:?}", page.file));
            }
        }
        let text = all_text(&guide);
        for id in &page.identifiers {
            if !text.contains(&serde_json::to_string(id).unwrap()[1..id.len() + 1]) {
                failures.push(format!("{}: identifier {id} not found", page.file));
            }
        }
    }
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}
