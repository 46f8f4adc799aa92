//! Tidy tests, in the manner of rust-analyzer's: the architecture invariants of
//! ARCHITECTURE.md checked against the source text, so that a change that breaks one fails
//! here rather than in review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `src/`, as (path relative to `src/`, code). The code is the file
/// without its comments and without its `#[cfg(test)]` module (unit tests may do anything).
fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(src()).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = entry.path().strip_prefix(src()).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let text = match text.find("#[cfg(test)]") {
            Some(i) => &text[..i],
            None => &text[..],
        };
        let code: Vec<&str> = text.lines().map(|l| l.trim_start()).filter(|l| !l.starts_with("//")).collect();
        out.push((rel, code.join("\n")));
    }
    assert!(out.len() > 30, "found the sources");
    out
}

/// The module a file belongs to, at the depth the pipeline speaks of (`sync/compare.rs` →
/// `sync`, `render/site/html.rs` → `render`).
fn module_of(rel: &str) -> &str {
    let first = rel.split('/').next().unwrap();
    first.strip_suffix(".rs").unwrap_or(first)
}

/// The pipeline, lowest first: a module may use those before it, never one after it.
/// This is the order ARCHITECTURE.md describes.
const LAYERS: &[&[&str]] = &[
    &["term", "ids"],
    // The walk is the model's own traversal (`Guide::steps` uses it): one layer.
    &["model", "walk"],
    &["diag"],
    &["source"],
    &["keys"],
    &["parse"],
    &["pairfile"],
    &["project"],
    &["matching"],
    &["pairs"],
    &["sync"],
    // Git history read at the edge, handed to sync as data (`sync::stale`).
    &["history"],
    &["rules"],
    &["manifest"],
    &["render"],
    &["emit"],
    // `run` reads manifests beside the pipeline; `build` writes its results schema.
    &["run"],
    &["build"],
];

/// Imports against the pipeline that are still to be removed (issue 9): each entry must
/// still occur, so the list only shrinks.
const KNOWN_UPWARD: &[(&str, &str)] = &[
    // `Compiled` carries a page's git history as `sync::stale::FileHistory`.
    ("project", "sync"),
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The modules of the crate a piece of code names as `crate::<module>`.
fn uses(code: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        let name: &str = &rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())];
        if !name.is_empty() {
            out.insert(name);
        }
    }
    // `use crate::{a, b::c}`
    for (i, _) in code.match_indices("use crate::{") {
        let rest = &code[i + "use crate::{".len()..];
        let group = &rest[..rest.find('}').unwrap_or(rest.len())];
        for item in group.split(',') {
            let name = item.trim().split("::").next().unwrap_or("").trim();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn no_module_imports_a_module_after_it_in_the_pipeline() {
    let mut upward = BTreeSet::new();
    let mut unplaced = BTreeSet::new();
    for (rel, code) in sources() {
        let from = module_of(&rel);
        if from == "cmd" || from == "main" || from == "lib" {
            continue;
        }
        let Some(at) = layer(from) else {
            unplaced.insert(from.to_string());
            continue;
        };
        for to in uses(&code) {
            let Some(to_at) = layer(to) else {
                unplaced.insert(to.to_string());
                continue;
            };
            if to_at > at {
                upward.insert((from.to_string(), to.to_string(), rel.clone()));
            }
        }
    }
    assert!(unplaced.is_empty(), "modules missing from LAYERS (add them where they belong): {unplaced:?}");
    let new: Vec<_> = upward.iter().filter(|(f, t, _)| !KNOWN_UPWARD.contains(&(f.as_str(), t.as_str()))).collect();
    assert!(new.is_empty(), "imports against the pipeline order (module, imports, file): {new:?}");
    for (f, t) in KNOWN_UPWARD {
        assert!(
            upward.iter().any(|(a, b, _)| a == f && b == t),
            "`{f}` no longer imports `{t}`: remove the entry from KNOWN_UPWARD"
        );
    }
}

/// What parse, sync and render must never do: they are functions from values to values.
const IO: &[&str] = &["std::fs", "fs::", "File::", "OpenOptions", "std::env", "std::process", "std::net"];
const PRINT: &[&str] = &["println!", "eprintln!", "print!(", "eprint!(", "stdout()", "stderr()", "dbg!"];

#[test]
fn parse_sync_and_render_touch_no_file_system_and_never_print() {
    let pure = ["parse", "sync", "render", "model", "keys", "ids", "walk", "matching", "pairs", "diag", "term"];
    let mut bad = Vec::new();
    for (rel, code) in sources() {
        if !pure.contains(&module_of(&rel)) {
            continue;
        }
        for needle in IO.iter().chain(PRINT) {
            if code.contains(needle) {
                bad.push(format!("{rel}: {needle}"));
            }
        }
    }
    assert!(bad.is_empty(), "I/O or printing in a pure module: {bad:?}");
}

#[test]
fn only_the_command_line_prints_or_knows_clap() {
    let mut bad = Vec::new();
    for (rel, code) in sources() {
        if rel.starts_with("cmd/") || rel == "main.rs" {
            continue;
        }
        for needle in PRINT.iter().chain(&["clap::"]) {
            if code.contains(needle) {
                bad.push(format!("{rel}: {needle}"));
            }
        }
    }
    assert!(bad.is_empty(), "printing or clap outside cmd/: {bad:?}");
}

#[test]
fn one_walk_over_the_model() {
    // A recursive walk is a function that matches on the block kinds that hold blocks and
    // calls itself. Outside `walk.rs`, only the renderers (which must nest their output as
    // the model nests) and the parser (which builds the tree) may do it.
    let allowed = ["walk.rs", "render/", "parse/"];
    let mut walkers = Vec::new();
    for (rel, code) in sources() {
        if allowed.iter().any(|a| rel.starts_with(a)) {
            continue;
        }
        for (name, body) in functions(&code) {
            let holds = ["Block::Procedure", "Block::Note", "Block::Table", "Block::List"];
            let recursive = body.contains(&format!("{name}(")) || body.contains(&format!(".{name}("));
            if recursive && holds.iter().filter(|h| body.contains(*h)).count() >= 2 {
                walkers.push(format!("{rel}: fn {name}"));
            }
        }
    }
    let known: BTreeSet<&str> = KNOWN_WALKERS.iter().copied().collect();
    let found: BTreeSet<&str> = walkers.iter().map(String::as_str).collect();
    let new: Vec<_> = found.difference(&known).collect();
    assert!(new.is_empty(), "recursive walks over the model outside src/walk.rs (use crate::walk): {new:?}");
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(gone.is_empty(), "walkers no longer there: remove them from KNOWN_WALKERS: {gone:?}");
}

/// Recursive walks still to be moved onto `crate::walk` (issue 9): the list only shrinks.
const KNOWN_WALKERS: &[&str] = &["sync/compare.rs: fn blocks", "sync/compare.rs: fn own_blocks"];

/// `fn name` and the text up to the next `fn` at any depth: enough to tell whether a
/// function calls itself and which block kinds it names.
fn functions(code: &str) -> Vec<(&str, &str)> {
    let starts: Vec<usize> = code.match_indices("fn ").map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for (k, &i) in starts.iter().enumerate() {
        if i > 0 && code[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[i + 3..];
        let name = &rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(0)];
        let end = starts.get(k + 1).copied().unwrap_or(code.len());
        if !name.is_empty() {
            out.push((name, &code[i + 3 + name.len()..end]));
        }
    }
    out
}
