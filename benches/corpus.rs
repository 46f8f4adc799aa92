//! Throughput of the model over the real corpus, next to pulldown-cmark alone.
//!
//! `cargo bench --bench corpus [-- CORPUS_DIR]` (default `../shared/corpus`). Prints
//! files/s and MB/s for: pulldown-cmark parse + `push_html` (the floor), preflight
//! parse to the model, and parse + JSON render, each single-threaded; then the whole
//! build pipeline (read, parse, render) on all cores; then sync over every pair of
//! `pairs.toml`. Median of several rounds.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use preflight::Source;
use rayon::prelude::*;

const ROUNDS: usize = 7;

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")));
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if e.path().extension().is_some_and(|x| x == "md") && e.file_name() != "README.md" {
            let rel = e.path().strip_prefix(&dir).unwrap().to_string_lossy().to_string();
            files.push((rel, std::fs::read(e.path()).unwrap()));
        }
    }
    if files.is_empty() {
        eprintln!("no Markdown files under {}", dir.display());
        std::process::exit(2);
    }
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!("corpus: {} files, {:.2} MB, {ROUNDS} rounds, median", files.len(), bytes as f64 / 1e6);

    let floor = measure(|| {
        let mut html = String::new();
        for (_, b) in &files {
            let text = std::str::from_utf8(b).unwrap_or("");
            html.clear();
            let parser = pulldown_cmark::Parser::new_ext(text, preflight::parse::markdown_options());
            pulldown_cmark::html::push_html(&mut html, parser);
            std::hint::black_box(&html);
        }
    });
    let model = measure(|| {
        for (rel, b) in &files {
            let source = Source::decode(rel.as_str(), b).unwrap();
            std::hint::black_box(preflight::parse::parse_guide(&source, "und"));
        }
    });
    let with_json = measure(|| {
        for (rel, b) in &files {
            let source = Source::decode(rel.as_str(), b).unwrap();
            let (guide, _) = preflight::parse::parse_guide(&source, "und");
            std::hint::black_box(preflight::render::json::to_json(&guide));
        }
    });
    let parallel = measure(|| {
        let out: Vec<String> = files
            .par_iter()
            .map(|(rel, b)| {
                let source = Source::decode(rel.as_str(), b).unwrap();
                preflight::render::json::to_json(&preflight::parse::parse_guide(&source, "und").0)
            })
            .collect();
        std::hint::black_box(out);
    });
    // Sync: every pair of pairs.toml, on models parsed beforehand.
    let list: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("pairs.toml")).unwrap_or_default()).unwrap_or_default();
    let pairs: Vec<(String, String)> = list
        .get("pair")
        .and_then(|p| p.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|p| Some((p.get("en")?.as_str()?.to_string(), p.get("zh")?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let parse = |rel: &str| {
        let bytes = std::fs::read(dir.join(rel)).unwrap();
        preflight::parse::parse_guide(&Source::decode(rel, &bytes).unwrap(), "und").0
    };
    let models: Vec<_> = pairs.iter().map(|(en, zh)| (parse(en), parse(zh))).collect();
    let sync = measure(|| {
        for (en, zh) in &models {
            std::hint::black_box(preflight::sync::compare(en, zh));
        }
    });
    let report = |name: &str, d: Duration| {
        let s = d.as_secs_f64();
        println!(
            "{name:<44} {:>8.1} ms {:>9.0} files/s {:>7.1} MB/s  {:>5.2}x pulldown",
            s * 1e3,
            files.len() as f64 / s,
            bytes as f64 / 1e6 / s,
            s / floor.as_secs_f64()
        );
    };
    report("pulldown-cmark parse + push_html (1 thread)", floor);
    report("preflight parse → model (1 thread)", model);
    report("preflight parse → model → JSON (1 thread)", with_json);
    report(&format!("preflight parse → JSON ({} threads)", rayon::current_num_threads()), parallel);
    let s = sync.as_secs_f64();
    println!(
        "{:<44} {:>8.1} ms {:>9.0} pairs/s   ({} pairs, models parsed beforehand)",
        "preflight sync (1 thread)",
        s * 1e3,
        models.len() as f64 / s,
        models.len()
    );
}

fn measure(mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[ROUNDS / 2]
}
