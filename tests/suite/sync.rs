//! Sync: one fixture pair per finding code (`tests/fixtures/sync/<code>/{en,zh}.md`),
//! each with a reviewed snapshot of the report; the project's own guides in sync; the
//! command line's formats and exit codes.

use std::path::Path;
use std::process::Command;

use preflight::pairs::{GuidePair, PairedBy};
use preflight::project::{self, Compiled, SourceFile};
use preflight::sync::{self, CODES};

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sync")
}

fn compile(dir: &Path, name: &str, locale: &str) -> Option<Compiled> {
    let path = dir.join(name);
    path.is_file().then(|| {
        let rel = format!("{}/{name}", dir.file_name().unwrap().to_string_lossy());
        let mut c = project::compile_file(&SourceFile::alone(locale, rel.clone(), path));
        if let Some(g) = c.guide.as_mut() {
            g.file = rel;
        }
        c
    })
}

fn report(dir: &Path) -> sync::SyncReport {
    let en = compile(dir, "en.md", "en-US");
    let zh = compile(dir, "zh.md", "zh-CN");
    let by = if en.is_some() && zh.is_some() { PairedBy::SamePath } else { PairedBy::Unpaired };
    let pair = GuidePair { en: en.as_ref(), zh: zh.as_ref(), by };
    // A fixture may carry the `[content]` settings it needs (a glossary).
    let config: project::Config = std::fs::read_to_string(dir.join("preflight.toml"))
        .map_or_else(|_| Default::default(), |t| toml::from_str(&t).unwrap());
    sync::sync_pairs_with(&[pair], &config.content).0
}

#[test]
fn each_code_has_a_fixture_that_reports_it_and_nothing_else() {
    let mut missing = Vec::new();
    for (code, _) in CODES {
        let name = code.trim_start_matches("sync::");
        let dir = fixtures().join(name);
        if !dir.is_dir() {
            missing.push(name.to_string());
            continue;
        }
        let r = report(&dir);
        let codes: Vec<&str> = r.pairs.iter().flat_map(|p| &p.findings).map(|f| f.code.as_str()).collect();
        assert_eq!(codes, [*code], "{name}: {}", preflight::render::sync::text(&r, ""));
    }
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
    assert_eq!(report(&fixtures().join("in-sync")).findings, 0);
}

#[test]
fn fixture_reports() {
    insta::glob!("../fixtures/sync", "*/en.md", |path| {
        let r = report(path.parent().unwrap());
        insta::assert_snapshot!(preflight::render::sync::text(&r, ""));
    });
}

#[test]
fn every_finding_points_into_both_files() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let dir = entry.unwrap().path();
        let both = dir.join("zh.md").is_file();
        for f in report(&dir).pairs.iter().flat_map(|p| &p.findings) {
            let en = f.en.as_ref().expect("en side");
            assert!(en.file.ends_with("en.md") && en.line > 0, "{f:?}");
            if both {
                let zh = f.zh.as_ref().expect("zh side");
                assert!(zh.file.ends_with("zh.md") && zh.line > 0, "{f:?}");
            }
        }
    }
}

#[test]
fn docs_src_is_in_sync() {
    let project = project::discover(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let compiled = project::compile_all(&project);
    let pairs = preflight::pairs::pair_project(&project.config, &compiled);
    assert_eq!(pairs.len(), 3);
    assert!(pairs.iter().all(|p| p.by == PairedBy::SamePath));
    let (r, _) = sync::sync_pairs(&pairs);
    assert_eq!(r.findings, 0, "{}", preflight::render::sync::text(&r, ""));
}

fn preflight(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into())
}

#[test]
fn cli_formats_and_exit_codes() {
    let (code, out) = preflight(&["sync"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 pairs, 3 in sync"), "{out}");

    let dir = "tests/fixtures/sync/extra-step";
    let (code, out) = preflight(&["sync", &format!("{dir}/en.md"), &format!("{dir}/zh.md")]);
    assert_eq!(code, 1);
    assert!(out.starts_with(&format!("{dir}/zh.md:")), "{out}");
    assert!(out.contains("error[sync::extra-step]"), "{out}");

    let (code, out) = preflight(&["sync", "--format", "json", &format!("{dir}/en.md"), &format!("{dir}/zh.md")]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["sync_version"], 1);
    assert_eq!(v["pairs"][0]["findings"][0]["code"], "sync::extra-step");

    let (code, out) = preflight(&["sync", "--format", "sarif", &format!("{dir}/en.md"), &format!("{dir}/zh.md")]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "sync::extra-step");
    let uri = |l: &serde_json::Value| l["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_string();
    assert!(uri(&result["locations"][0]).ends_with("zh.md"));
    assert!(uri(&result["relatedLocations"][0]).ends_with("en.md"));
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), CODES.len() + sync::HISTORY_CODES.len());

    let (code, _) = preflight(&["sync", "tests/fixtures/parse/err/invalid-utf8.md", &format!("{dir}/zh.md")]);
    assert_eq!(code, 2);
}

#[test]
fn pair_lists_use_paths_relative_to_the_list() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixtures().join("extra-note");
    std::fs::create_dir_all(tmp.path().join("a")).unwrap();
    std::fs::copy(src.join("en.md"), tmp.path().join("a/英文.md")).unwrap();
    std::fs::copy(src.join("zh.md"), tmp.path().join("a/中文.md")).unwrap();
    let list = tmp.path().join("pairs.toml");
    std::fs::write(&list, "[[pair]]\nen = \"a/英文.md\"\nzh = \"a/中文.md\"\ncategory = \"procedure\"\n").unwrap();
    let (code, out) = preflight(&["sync", "--pairs", list.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("a/中文.md:") && out.contains("sync::extra-note"), "{out}");
}
