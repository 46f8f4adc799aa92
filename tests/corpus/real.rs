//! Whole real repositories, built as a new user would: `../shared/real/ram.bundle` cloned
//! into a temporary folder and each corpus repository taken as a tree, `preflight build`
//! with no config and no flags. Every page is built, every pair shares its ids, and the
//! site has no broken internal link.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::corpus_dir;

#[path = "../common/crawl.rs"]
mod crawl;

fn shared() -> PathBuf {
    corpus_dir().parent().expect("corpus has a parent").to_path_buf()
}

fn preflight(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_preflight")).args(args).current_dir(dir).output().expect("run preflight");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn clone_ram(into: &Path) -> PathBuf {
    let bundle = shared().join("real/ram.bundle");
    assert!(bundle.is_file(), "{} not found", bundle.display());
    let dest = into.join("ram");
    let status = Command::new("git")
        .args(["clone", "--quiet"])
        .arg(&bundle)
        .arg(&dest)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git clone");
    assert!(status.success());
    dest
}

fn md_count(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .count()
}

/// `(en json, zh json)` of every pair `sync.json` lists with both sides.
fn pairs(out: &Path) -> Vec<(serde_json::Value, String, String)> {
    let sync: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("sync.json")).unwrap()).unwrap();
    sync["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["en"].is_string() && p["zh"].is_string())
        .map(|p| (p.clone(), p["en"].as_str().unwrap().to_string(), p["zh"].as_str().unwrap().to_string()))
        .collect()
}

fn guide_json(out: &Path, index: &BTreeMap<String, String>, source: &str) -> serde_json::Value {
    let rel = &index[source];
    serde_json::from_slice(&std::fs::read(out.join(rel)).unwrap()).unwrap()
}

/// Step id → counterpart id, of every step of a guide JSON.
fn steps(v: &serde_json::Value, out: &mut Vec<(String, Option<String>)>) {
    match v {
        serde_json::Value::Object(map) => {
            if let (Some(id), Some(_)) = (map.get("id").and_then(|i| i.as_str()), map.get("command_text")) {
                let counterpart = map.get("sync").and_then(|s| s["counterpart"].as_str()).map(str::to_string);
                out.push((id.to_string(), counterpart));
            }
            map.values().for_each(|v| steps(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| steps(v, out)),
        _ => {}
    }
}

/// Build `root` with no flags and check what a user is promised; returns the pair count.
fn check_project(root: &Path, locales: &[(&str, &str)]) -> usize {
    let (code, stdout, stderr) = preflight(root, &["build"]);
    assert!(code == 0 || code == 1, "{stdout}\n{stderr}");
    let out = root.join("generated");
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
    let guides = index["guides"].as_array().unwrap();
    // Every page of each locale folder is built.
    for (dir, locale) in locales {
        let built = guides.iter().filter(|g| g["locale"] == *locale).count();
        assert_eq!(built, md_count(&root.join(dir)), "{}: every page of {dir}", root.display());
    }
    let by_source: BTreeMap<String, String> = guides
        .iter()
        .map(|g| (g["source"].as_str().unwrap().to_string(), g["json"].as_str().unwrap().to_string()))
        .collect();
    let all = pairs(&out);
    let mut ids = BTreeSet::new();
    for (_, en, zh) in &all {
        let (e, z) = (guide_json(&out, &by_source, en), guide_json(&out, &by_source, zh));
        assert_eq!(e["id"], z["id"], "{en} and {zh} share one id");
        assert!(ids.insert(e["id"].as_str().unwrap().to_string()), "{en}: the id of one pair only");
        let (mut es, mut zs) = (Vec::new(), Vec::new());
        steps(&e, &mut es);
        steps(&z, &mut zs);
        let (en_ids, zh_ids): (BTreeSet<&str>, BTreeSet<&str>) =
            (es.iter().map(|(id, _)| id.as_str()).collect(), zs.iter().map(|(id, _)| id.as_str()).collect());
        assert_eq!(en_ids.len(), es.len(), "{en}: step ids are unique");
        assert_eq!(zh_ids.len(), zs.len(), "{zh}: step ids are unique");
        // A step that sync matched has the same id, so the same checkbox, in both pages.
        for ((id, counterpart), (page, other)) in
            es.iter().map(|s| (s, (en, &zh_ids))).chain(zs.iter().map(|s| (s, (zh, &en_ids))))
        {
            if let Some(c) = counterpart {
                assert_eq!(c, id, "{page}: a matched step has its counterpart's id");
                assert!(other.contains(id.as_str()), "{page}: {id}");
            }
        }
    }
    // The crawl: every relative link and anchor of every page of the site resolves.
    let site = out.join("site");
    let files: BTreeMap<String, String> = walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&site).unwrap().to_string_lossy().replace('\\', "/");
            (rel, String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned())
        })
        .collect();
    let links = crawl::relative_links(&files);
    assert!(links.len() > 100, "{}: only {} links", root.display(), links.len());
    for (page, href, target, fragment) in &links {
        let html = files.get(target).unwrap_or_else(|| panic!("{page}: {href} names no file ({target})"));
        if !fragment.is_empty() && target.ends_with(".html") {
            assert!(crawl::has_id(html, fragment), "{page}: {href}: no id {fragment} in {target}");
        }
    }
    println!("{}: {} relative links, all resolve", root.display(), links.len());
    all.len()
}

#[test]
fn ram_repository_builds_with_no_config() {
    let tmp = tempfile::tempdir().unwrap();
    let root = clone_ram(tmp.path());
    let pairs = check_project(&root, &[("intl.en-US", "en-US"), ("intl.zh-CN", "zh-CN")]);
    println!("ram: {pairs} pairs");
    assert!(pairs >= 200, "ram pairs: {pairs}");
    ram_rules_bind_steps(&root.join("generated/checks"));
    // init writes a config that builds the same site.
    let before = site_bytes(&root.join("generated/site"));
    let (code, _, err) = preflight(&root, &["init"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = preflight(&root, &["build", "--out", "../init-out"]);
    assert!(code == 0, "{err}");
    assert!(before == site_bytes(&tmp.path().join("init-out/site")), "init's config builds the same site");
}

/// The shipped RAM rules on ram (no config): how many steps become automated checks, by
/// rule, as README records (with 30 of them read by hand). A change of the rules or of the
/// parser that moves these numbers must update README's review.
fn ram_rules_bind_steps(checks: &Path) {
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    for entry in walkdir::WalkDir::new(checks).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let m = preflight::manifest::load(entry.path()).unwrap();
        for c in &m.checks {
            total += 1;
            if let Some(rule) = &c.rule {
                *by_rule.entry(rule.clone()).or_default() += 1;
                assert!(c.argv[2].starts_with("Get") || c.argv[2].starts_with("List"), "read-only: {:?}", c.argv);
            }
        }
    }
    let expected: BTreeMap<String, usize> = [
        ("ram-user-exists", 31),
        ("ram-user-policies", 18),
        ("ram-role-exists", 12),
        ("ram-mfa-enabled", 9),
        ("ram-policy-exists", 8),
        ("ram-user-access-key", 5),
        ("ram-group-policies", 5),
        ("ram-role-policies", 5),
        ("ram-account-access-key", 3),
        ("ram-group-exists", 3),
        ("ram-console-logon", 3),
        ("ram-user-in-group", 2),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(by_rule, expected);
    assert_eq!(total, 1398);
}

fn site_bytes(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn corpus_repositories_build_as_trees() {
    let dir = corpus_dir();
    let tmp = tempfile::tempdir().unwrap();
    let mut total = 0;
    for repo in ["ecs", "kms", "oss", "ram", "sls"] {
        // A copy: the corpus is read-only, and build writes `generated/` in the root.
        let root = tmp.path().join(repo);
        for entry in walkdir::WalkDir::new(dir.join(repo)).into_iter().filter_map(Result::ok) {
            let rel = entry.path().strip_prefix(dir.join(repo)).unwrap();
            let dest = root.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else if entry.file_type().is_file() {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
        let n = check_project(&root, &[("en-US", "en-US"), ("zh-CN", "zh-CN")]);
        println!("{repo}: {n} pairs");
        total += n;
    }
    // pairs.toml lists 272 pairs; the engine proposes only those it is sure of.
    assert!(total >= 250, "corpus pairs: {total}");
}

/// Issue 13 on the real repository: the history pass reads the whole history of the clone
/// and finds stale steps that name real commits (one sync run, to keep CI time small).
#[test]
fn ram_history_finds_stale_steps_that_name_real_commits() {
    let tmp = tempfile::tempdir().unwrap();
    let root = clone_ram(tmp.path());
    let (code, out, err) = preflight(&root, &["sync", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let note = v["history"].as_str().unwrap();
    assert!(note.starts_with("stale steps computed from git history: 2612 commits, 728 pages"), "{note}");
    let stale: Vec<&serde_json::Value> = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["findings"].as_array().unwrap())
        .filter(|f| f["code"] == "sync::stale-step")
        .collect();
    println!("ram: {} stale steps", stale.len());
    // 208 when measured (README); a bound, not the number, so tuning stays possible.
    assert!((150..=300).contains(&stale.len()), "{}", stale.len());
    for f in stale.iter().step_by(20) {
        assert!(f["en"]["line"].as_u64().unwrap() > 0 && f["zh"]["line"].as_u64().unwrap() > 0, "{f}");
        let message = f["message"].as_str().unwrap();
        let commit = message.split("changed in ").nth(1).unwrap().split(' ').next().unwrap();
        let ok = Command::new("git")
            .args(["cat-file", "-e", &format!("{commit}^{{commit}}")])
            .current_dir(&root)
            .status()
            .unwrap();
        assert!(ok.success(), "{message}");
    }
}
