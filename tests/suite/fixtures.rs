//! Fixture tests: one input per file under `tests/fixtures/parse/{ok,err}`, one reviewed
//! snapshot per file holding the model outline and the diagnostics. An `ok` fixture
//! must give no diagnostic at all; an `err` fixture at least one.

use std::path::Path;

use preflight::Source;
use preflight::project::guess_locale;

fn run(path: &Path) -> (String, usize) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let (guide, diags) = match Source::decode(name.clone(), &bytes) {
        Ok(source) => {
            let locale = if name.contains("zh") { "zh-CN".to_string() } else { guess_locale(path) };
            let (g, d) = preflight::parse::parse_guide(&source, &locale);
            (Some(g), d)
        }
        Err(e) => (None, vec![e.to_diagnostic(&name)]),
    };
    let mut out = String::new();
    out.push_str("--- model ---\n");
    match &guide {
        Some(g) => out.push_str(&preflight::render::text::outline(g)),
        None => out.push_str("(none)\n"),
    }
    out.push_str("--- diagnostics ---\n");
    for d in &diags {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    (out, diags.len())
}

#[test]
fn ok_fixtures() {
    insta::glob!("../fixtures/parse/ok", "*.md", |path| {
        let (out, n) = run(path);
        assert_eq!(n, 0, "an ok fixture produced diagnostics:\n{out}");
        insta::assert_snapshot!(out);
    });
}

#[test]
fn err_fixtures() {
    insta::glob!("../fixtures/parse/err", "*.md", |path| {
        let (out, n) = run(path);
        assert!(n > 0, "an err fixture produced no diagnostic:\n{out}");
        insta::assert_snapshot!(out);
    });
}

/// Every snapshot belongs to a fixture that still exists.
#[test]
fn no_orphan_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite/snapshots");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parse");
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some((kind, file)) = name.strip_prefix("tests__suite__fixtures__").and_then(|n| n.split_once('@')) else {
            continue;
        };
        let file = file.strip_suffix(".snap").unwrap_or(file);
        let sub = if kind.starts_with("ok") { "ok" } else { "err" };
        assert!(fixtures.join(sub).join(file).is_file(), "orphan snapshot {name}");
    }
}

fn parse_str(text: &str) -> (preflight::Guide, Vec<preflight::Diagnostic>) {
    preflight::parse::parse_guide(&Source::new("deep.md", text), "en-US")
}

/// Input nested tens of thousands of levels deep is flattened, not a stack overflow.
#[test]
fn deep_nesting_is_flattened() {
    const N: usize = 50_000;
    let quotes = format!("# T\n\n{} x\n", ">".repeat(N));
    let bullets = format!("# T\n\n{}x\n", "- ".repeat(N));
    let numbered = format!("# T\n\n{}x\n", "1. ".repeat(N));
    let emphasis = format!("# T\n\n{}x{}\n", "*".repeat(N), "*".repeat(N));
    let links = format!("# T\n\n{}x{}\n", "[".repeat(N), "](u)".repeat(N));
    let strong = format!("# T\n\n{}x{}\n", "**a ".repeat(N / 4), " b**".repeat(N / 4));
    for (name, text) in [
        ("quotes", quotes),
        ("bullets", bullets),
        ("numbered", numbered),
        ("emphasis", emphasis),
        ("links", links),
        ("strong", strong),
    ] {
        let (guide, diags) = parse_str(&text);
        // Serializing and rendering recurse over the model: they must cope too.
        let json = preflight::render::json::to_json(&guide);
        let _ = preflight::render::text::outline(&guide);
        assert!(json.len() < 40 * text.len() + 10_000, "{name}: model grew out of proportion");
        if matches!(name, "quotes" | "bullets" | "numbered") {
            assert!(diags.iter().any(|d| d.code == "parse::too-deep"), "{name}: {diags:?}");
        }
    }
}

#[test]
fn deep_steps_keep_ids_unique() {
    let mut text = String::from("# T {#task_t .task}\n\n");
    for depth in 0..60 {
        text.push_str(&" ".repeat(depth * 4));
        text.push_str("1.  Step.\n");
    }
    let (guide, _) = parse_str(&text);
    let ids: Vec<String> = guide.steps().iter().map(|s| s.id.to_string()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len());
    assert!(ids.len() >= preflight::parse::MAX_DEPTH / 2, "{}", ids.len());
}
