//! `preflight pair`: proposals for two trees with translated file names
//! (`tests/fixtures/pair/{en-US,zh-CN}`), and the pairs file the command writes.

use std::path::Path;
use std::process::Command;

use preflight::matching::{Matching, Page, Params, match_pages};
use preflight::project::{SourceFile, compile_file};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pair");

fn pages(locale: &str) -> Vec<Page> {
    let dir = Path::new(FIXTURES).join(locale);
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
            let file = SourceFile::alone(locale, rel.clone(), entry.path().to_path_buf());
            out.push(Page::from_guide(&rel, compile_file(&file).guide.as_ref().unwrap()));
        }
    }
    out
}

fn matched() -> (Vec<Page>, Vec<Page>, Matching) {
    let (en, zh) = (pages("en-US"), pages("zh-CN"));
    let m = match_pages(&en, &zh, &Params::default());
    (en, zh, m)
}

#[test]
fn pairs_pages_by_neutral_evidence_only() {
    let (en, zh, m) = matched();
    let got: Vec<(&str, &str)> = m.pairs.iter().map(|p| (en[p.en].path.as_str(), zh[p.zh].path.as_str())).collect();
    assert_eq!(
        got,
        [
            ("CreateUser.md", "CreateUser.md"),
            ("guides/create-bucket.md", "指南/创建存储空间.md"),
            ("guides/grant-access.md", "指南/授予权限.md"),
        ]
    );
    // The evidence names what was shared; `task_` and `concept_` are the same topic.
    let keys: Vec<String> = m.pairs.iter().map(|p| p.key(&en[p.en])).collect();
    assert!(keys[0].contains("code-block=1") && keys[0].contains("same-filename"), "{}", keys[0]);
    assert!(keys[1].starts_with("anchors(image=2,section-anchor=1,url=1,"), "{}", keys[1]);
    assert!(keys[2].starts_with("topic-id:gr4_acc_ess + anchors(doc-id-link=1,"), "{}", keys[2]);
    assert!(m.pairs.iter().all(|p| p.confidence > 0.5 && p.confidence <= 1.0), "{:?}", m.pairs);
}

#[test]
fn unpairable_pages_and_conflicting_topic_ids_stay_unpaired() {
    let (en, zh, m) = matched();
    let lone_en: Vec<&str> = m.unpaired_en.iter().map(|u| en[u.page].path.as_str()).collect();
    let lone_zh: Vec<&str> = m.unpaired_zh.iter().map(|u| zh[u.page].path.as_str()).collect();
    // `rotate-keys` and `轮换密钥` share a screenshot and an API name, but their generated
    // topic ids differ: two topics, never a pair.
    assert_eq!(lone_en, ["guides/rotate-keys.md", "notes/release-notes.md"]);
    assert_eq!(lone_zh, ["指南/常见问题.md", "指南/轮换密钥.md"]);
    assert!(m.unpaired_en.iter().chain(&m.unpaired_zh).all(|u| u.best.is_none()));
}

fn preflight(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight")).args(args).output().expect("run preflight");
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn cli_writes_a_pairs_file_sync_can_read() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("lists/pairs.toml");
    let (en, zh) = (format!("{FIXTURES}/en-US"), format!("{FIXTURES}/zh-CN"));
    let (code, stdout, stderr) = preflight(&["pair", &en, &zh, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("proposed 3 pairs (5 en-US, 5 zh-CN pages); 2 en-US and 2 zh-CN unpaired"), "{stdout}");
    let text = std::fs::read_to_string(&out).unwrap();
    // Only the output file is in its folder: no temporary file left behind.
    assert_eq!(std::fs::read_dir(out.parent().unwrap()).unwrap().count(), 1);
    assert!(text.contains("# unpaired en-US: 2\n"), "{text}");
    assert!(text.contains("# unpaired zh-CN: 2\n"), "{text}");

    // Paths are relative to the file's folder: resolving them gives the fixture files.
    #[derive(serde::Deserialize)]
    struct List {
        pair: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        en: String,
        zh: String,
        confidence: f64,
        key: String,
    }
    let list: List = toml::from_str(&text).unwrap();
    assert_eq!(list.pair.len(), 3);
    for p in &list.pair {
        assert!(out.parent().unwrap().join(&p.en).is_file(), "{}", p.en);
        assert!(out.parent().unwrap().join(&p.zh).is_file(), "{}", p.zh);
        assert!((0.0..=1.0).contains(&p.confidence) && p.key.contains("cos="));
    }
    assert!(list.pair[1].zh.ends_with("zh-CN/指南/创建存储空间.md"), "{}", list.pair[1].zh);

    // Deterministic: a second run writes the same bytes; `sync --pairs` reads the file.
    let (code, _, _) = preflight(&["pair", &en, &zh, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    let (code, _, stderr) = preflight(&["sync", "--pairs", out.to_str().unwrap()]);
    assert!(code == 0 || code == 1, "{stderr}");
}

#[test]
fn cli_input_errors() {
    let (code, _, stderr) = preflight(&["pair", "no/such/en", FIXTURES]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such/en: no such directory"), "{stderr}");

    // A file that is not UTF-8 is reported and skipped; the rest is still paired.
    let tmp = tempfile::tempdir().unwrap();
    let (en, zh) = (tmp.path().join("en"), tmp.path().join("zh"));
    for d in [&en, &zh] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::copy(format!("{FIXTURES}/en-US/CreateUser.md"), en.join("CreateUser.md")).unwrap();
    std::fs::copy(format!("{FIXTURES}/zh-CN/CreateUser.md"), zh.join("CreateUser.md")).unwrap();
    std::fs::write(zh.join("坏.md"), b"# bad \xff\n").unwrap();
    let (code, stdout, stderr) = preflight(&["pair", en.to_str().unwrap(), zh.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("坏.md:1:7: error[input::invalid-utf8]"), "{stderr}");
    assert!(stdout.contains("[[pair]]") && stdout.contains("CreateUser.md"), "{stdout}");
}
