//! The build pipeline on `docs-src/`: freshness of `generated/`, determinism,
//! atomic output and never touching sources.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use preflight::build::{self, render_all};
use preflight::project;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn render_docs_src() -> Vec<preflight::render::OutputFile> {
    let project = project::discover(&root()).expect("the repository is a project (docs-src)");
    render_all(
        &project.config,
        &preflight::rules::load_file(&project.rules_path()).unwrap(),
        &preflight::build::compile(&project).expect("pages").0,
    )
    .0
}

fn snapshot_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// See: rust-analyzer's `ensure_file_contents`. Run `cargo run --release -- build`
/// when this fails.
#[test]
fn generated_is_fresh() {
    let files = render_docs_src();
    let committed = snapshot_dir(&root().join("generated"));
    let mut stale = Vec::new();
    for f in &files {
        if committed.get(&f.path) != Some(&f.bytes) {
            stale.push(f.path.clone());
        }
    }
    let expected: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for path in committed.keys() {
        if path != preflight::emit::LIST_FILE && !expected.contains(&path.as_str()) {
            stale.push(format!("{path} (no longer produced)"));
        }
    }
    assert!(stale.is_empty(), "generated/ is stale; run `cargo run --release -- build`:\n{}", stale.join("\n"));
}

#[test]
fn docs_src_has_no_diagnostics_and_agrees_step_for_step() {
    let project = project::discover(&root()).unwrap();
    let compiled = project::compile_all(&project);
    let diags: Vec<String> = build::all_diagnostics(&compiled).map(|d| d.to_string()).collect();
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(compiled.len(), 6);
    for en in compiled.iter().filter(|c| c.file.locale == "en-US") {
        let zh = compiled.iter().find(|c| c.file.locale == "zh-CN" && c.file.rel == en.file.rel).expect("zh twin");
        let (en, zh) = (en.guide.as_ref().unwrap(), zh.guide.as_ref().unwrap());
        assert_eq!(en.id, zh.id);
        let ids = |g: &preflight::Guide| g.steps().iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(en), ids(zh), "{}", en.file);
        assert_eq!(build::count_blocks(en), build::count_blocks(zh), "{}", en.file);
    }
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(render_docs_src)
    };
    let one = run(1);
    assert_eq!(one, run(4));
    assert_eq!(one, render_docs_src());
}

#[test]
fn build_never_writes_sources_and_is_byte_identical() {
    let src = root().join("docs-src");
    let before = snapshot_dir(&src);
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build::build(&src, &a).unwrap();
    build::build(&src, &b).unwrap();
    assert_eq!(snapshot_dir(&a), snapshot_dir(&b));
    assert_eq!(snapshot_dir(&src), before, "a build changed docs-src");
}

/// The model depends only on a file's bytes, its relative path and its locale: the same
/// project built from two places gives the same output, byte for byte.
#[test]
fn output_does_not_depend_on_where_the_project_lives() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = |to: &std::path::Path| {
        for entry in walkdir::WalkDir::new(root().join("docs-src")) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(root().join("docs-src")).unwrap();
            let dest = to.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    };
    // The same folder name (the default site title), in two different places.
    let (a, b) = (tmp.path().join("one/docs"), tmp.path().join("another place, deeper/x/docs"));
    copy(&a);
    copy(&b);
    build::build(&a, &tmp.path().join("out-a")).unwrap();
    build::build(&b, &tmp.path().join("out-b")).unwrap();
    let (out_a, out_b) = (snapshot_dir(&tmp.path().join("out-a")), snapshot_dir(&tmp.path().join("out-b")));
    assert!(out_a.len() > 10, "built something");
    let differ: Vec<&String> = out_a.keys().filter(|k| out_a.get(*k) != out_b.get(*k)).collect();
    assert!(differ.is_empty() && out_a.len() == out_b.len(), "outputs differ: {differ:?}");
}

#[test]
fn failed_build_leaves_output_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build::build(&root().join("docs-src"), &out).unwrap();
    let before = snapshot_dir(&out);
    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(bad.join("en-US")).unwrap();
    std::fs::write(bad.join("preflight.toml"), "title = \"x\"\nlocale = [\"en-US\"]\n").unwrap();
    let err = build::build(&bad, &out).unwrap_err().to_string();
    assert!(err.contains("preflight.toml:2:1") && err.contains("unknown field `locale`"), "{err}");
    assert_eq!(snapshot_dir(&out), before);
}

#[test]
fn rebuild_removes_only_files_it_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(src.join("en-US")).unwrap();
    std::fs::write(src.join("en-US/a.md"), "# A\n\n1.  Do it.\n").unwrap();
    std::fs::write(src.join("en-US/b.md"), "# B\n").unwrap();
    build::build(&src, &out).unwrap();
    std::fs::write(out.join("mine.txt"), "a user's file").unwrap();
    std::fs::remove_file(src.join("en-US/b.md")).unwrap();
    let result = build::build(&src, &out).unwrap();
    // b's outputs (model JSON, site page, …) go; nothing else does.
    assert!(result.report.removed >= 2, "{:?}", result.report);
    assert!(!out.join("guides/en-US/b.json").exists());
    assert!(!out.join("site/en-US/b.html").exists());
    assert!(out.join("site/en-US/a.html").exists());
    assert!(out.join("guides/en-US/a.json").exists());
    assert_eq!(std::fs::read_to_string(out.join("mine.txt")).unwrap(), "a user's file");
}

#[test]
fn invalid_utf8_is_an_error_for_that_file_and_the_rest_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("zh-CN")).unwrap();
    std::fs::write(src.join("zh-CN/good.md"), "# 好\n\n1.  做。\n").unwrap();
    std::fs::write(src.join("zh-CN/bad.md"), b"# x\n\nab\xffc\n").unwrap();
    let result = build::build(&src, &tmp.path().join("out")).unwrap();
    let diags: Vec<String> = build::all_diagnostics(&result.compiled).map(|d| d.to_string()).collect();
    assert_eq!(
        diags,
        [
            "zh-CN/bad.md:3:3: error[input::invalid-utf8]: invalid UTF-8 at line 3, column 3 (byte offset 7): the file must be UTF-8"
        ]
    );
    assert_eq!(result.summary.guides, 1);
    assert!(tmp.path().join("out/guides/zh-CN/good.json").exists());
}
