//! Manifests: what `build` writes for docs-src, that ids do not depend on the language a
//! manifest is built from, that reading one back is strict, and the task-list export.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use preflight::manifest::{self, CheckKind, Manifest};
use preflight::{build, project};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifests_of(src: &Path) -> BTreeMap<String, Manifest> {
    let tmp = tempfile::tempdir().unwrap();
    build::build(src, tmp.path()).unwrap();
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(tmp.path().join("checks")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let m = manifest::load(entry.path()).unwrap();
            out.insert(m.guide.clone(), m);
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path, skip_locale: Option<&str>) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        if skip_locale.is_some_and(|l| rel.starts_with(l)) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
fn docs_src_manifests_have_the_expected_checks() {
    let all = manifests_of(&root().join("docs-src"));
    let summary: Vec<String> = all
        .values()
        .map(|m| {
            let auto = m.checks.iter().filter(|c| c.kind == CheckKind::Automated).count();
            format!("{}: {} checks, {} automated", m.guide, m.checks.len(), auto)
        })
        .collect();
    assert_eq!(
        summary,
        [
            "task_emr_assign_roles: 14 checks, 10 automated",
            "task_emr_prepare_account: 16 checks, 4 automated",
            "task_maxcompute_prepare_account: 15 checks, 5 automated",
        ]
    );
    let roles = &all["task_emr_assign_roles"];
    let policy = roles.checks.iter().find(|c| c.id == "task_emr_assign_roles.s1.t1.r1~role-policy-attached").unwrap();
    assert_eq!(policy.argv, ["aliyun", "ram", "ListPoliciesForRole", "--RoleName", "AliyunEMRDefaultRole"]);
    assert_eq!(policy.expect_output.as_deref(), Some(r#""PolicyName":\s*"AliyunEMRRolePolicy""#));
    assert_eq!(policy.depends_on, ["task_emr_assign_roles.s1.t1.r1~role-exists"]);
    assert_eq!(policy.span.en.as_deref(), Some("en-US/emr/assign-roles.md:11:1"));
    assert_eq!(policy.span.zh.as_deref(), Some("zh-CN/emr/assign-roles.md:11:1"));
    assert!(!policy.mutates && policy.required);
    let mc = &all["task_maxcompute_prepare_account"];
    let grant = mc.checks.iter().find(|c| c.id == "task_maxcompute_prepare_account.s1.p1.4.3").unwrap();
    assert_eq!(grant.argv, ["aliyun", "ram", "ListPoliciesForUser", "--UserName", "DataWorks-admin"]);
    assert_eq!(grant.depends_on, ["task_maxcompute_prepare_account.s1.p1.4.1~user-exists"]);
    let manual = mc.checks.iter().find(|c| c.id == "task_maxcompute_prepare_account.s1.p1.2").unwrap();
    assert_eq!(manual.kind, CheckKind::Manual);
    assert_eq!(manual.title.en.as_deref(), Some("Complete real-name verification."));
    assert_eq!(manual.title.zh.as_deref(), Some("完成实名认证。"));
    // No step is dropped: every step of the model is a check, or the step of checks.
    let project = project::discover(&root().join("docs-src")).unwrap();
    for c in project::compile_all(&project) {
        let guide = c.guide.unwrap();
        let m = &all[&guide.id];
        for step in guide.steps() {
            let covered = m.checks.iter().any(|c| c.item == Some(preflight::ids::ItemId::Step(step.id.clone())));
            assert!(covered, "{} has no check", step.id);
        }
    }
}

/// The ids of a check do not depend on which language the manifest was built from.
#[test]
fn ids_are_the_same_from_either_language() {
    let pair = manifests_of(&root().join("docs-src"));
    let ids = |m: &Manifest| m.checks.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    for only in ["en-US", "zh-CN"] {
        let tmp = tempfile::tempdir().unwrap();
        let other = if only == "en-US" { "zh-CN" } else { "en-US" };
        copy_tree(&root().join("docs-src"), tmp.path(), Some(other));
        let single = manifests_of(tmp.path());
        assert_eq!(single.keys().collect::<Vec<_>>(), pair.keys().collect::<Vec<_>>());
        for (guide, m) in &single {
            assert_eq!(ids(m), ids(&pair[guide]), "{guide} built from {only} only");
            let c = &m.checks[0];
            let (has, lacks) = if only == "en-US" { (&c.span.en, &c.span.zh) } else { (&c.span.zh, &c.span.en) };
            assert!(has.is_some() && lacks.is_none(), "{guide}: {c:?}");
        }
    }
}

#[test]
fn manifests_are_byte_identical_across_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build::build(&root().join("docs-src"), &a).unwrap();
    build::build(&root().join("docs-src"), &b).unwrap();
    for rel in ["checks/emr/assign-roles.toml", "checks/emr/prepare-account.toml", "schema/manifest.schema.json"] {
        assert_eq!(std::fs::read(a.join(rel)).unwrap(), std::fs::read(b.join(rel)).unwrap(), "{rel}");
    }
    // What build writes reads back to the same value and writes the same bytes again.
    let text = std::fs::read_to_string(a.join("checks/emr/assign-roles.toml")).unwrap();
    let m = manifest::parse(&text, Path::new("x.toml")).unwrap();
    assert_eq!(manifest::to_toml(&m), text);
}

/// Hand-edited manifests: each error names the file, line and column of the problem.
#[test]
fn err_fixtures() {
    insta::glob!("../fixtures/manifest/err", "*.toml", |path| {
        let name = path.file_name().unwrap().to_string_lossy();
        let text = std::fs::read_to_string(path).unwrap();
        let err = manifest::parse(&text, Path::new(name.as_ref())).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{name}:")), "{err}");
        insta::assert_snapshot!(err);
    });
}

#[test]
fn a_bad_rules_file_stops_the_build_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_tree(&root().join("docs-src"), &src, None);
    let rules = std::fs::read_to_string(src.join("rules.toml")).unwrap();
    std::fs::write(
        src.join("rules.toml"),
        rules.replacen("expect_output = '\"RoleName\"", "expect_outptu = '\"RoleName\"", 1),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let err = build::build(&src, &out).unwrap_err().to_string();
    assert!(err.contains("rules.toml:52:1: unknown field `expect_outptu`"), "{err}");
    assert!(!out.exists(), "a failed build wrote output");
}

#[test]
fn task_list_in_both_languages() {
    let all = manifests_of(&root().join("docs-src"));
    let m = &all["task_maxcompute_prepare_account"];
    insta::assert_snapshot!("tasks_en", manifest::task_list(m, manifest::Lang::En));
    insta::assert_snapshot!("tasks_zh", manifest::task_list(m, manifest::Lang::Zh));
}

/// `index.json` links each guide to its manifest, its counterpart and the pair's sync status;
/// a role-table row's checks carry a sync status as a step's do.
#[test]
fn the_index_links_guides_to_manifests_and_counterparts_and_rows_carry_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_tree(&root().join("docs-src"), &src, None);
    // The zh-CN table names another policy in its first row.
    let zh = src.join("zh-CN/emr/assign-roles.md");
    let text = std::fs::read_to_string(&zh).unwrap();
    std::fs::write(&zh, text.replacen("|`AliyunEMRRolePolicy`|", "|`AliyunEMRRolePolicyV2`|", 1)).unwrap();
    let out = tmp.path().join("out");
    build::build(&src, &out).unwrap();
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).unwrap()).unwrap();
    assert_eq!(index["index_version"], 2);
    let guides = index["guides"].as_array().unwrap();
    assert_eq!(guides.len(), 6);
    for g in guides {
        let manifest = g["manifest"].as_str().unwrap();
        assert!(out.join(manifest).is_file(), "{g}");
        let counterpart = g["counterpart"].as_str().unwrap();
        assert!(guides.iter().any(|o| o["source"] == counterpart && o["counterpart"] == g["source"]), "{g}");
    }
    let roles = guides.iter().find(|g| g["source"].as_str().unwrap().ends_with("en-US/emr/assign-roles.md")).unwrap();
    assert_eq!(roles["sync"], "drift");
    let m = manifest::load(&out.join("checks/emr/assign-roles.toml")).unwrap();
    let sync = |id: &str| m.checks.iter().find(|c| c.id == id).and_then(|c| c.sync);
    use preflight::model::SyncStatus;
    assert_eq!(sync("task_emr_assign_roles.s1.t1.r1~role-policy-attached"), Some(SyncStatus::Drift));
    assert_eq!(sync("task_emr_assign_roles.s1.t1.r2~role-exists"), Some(SyncStatus::InSync));
    assert!(m.checks.iter().all(|c| c.sync.is_some()), "every check carries its sync status");
}

/// A template that validates (with the sample value) but fails for a step's own value makes
/// no automated check: the step becomes a manual check, never disappears.
#[test]
fn a_template_that_fails_for_a_step_leaves_a_manual_check() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    copy_tree(&root().join("docs-src"), &src, None);
    let rules = std::fs::read_to_string(src.join("rules.toml")).unwrap();
    let broken = rules.replacen(
        "argv = [\"aliyun\", \"ram\", \"GetLoginProfile\", \"--UserName\", \"{{ user }}\"]",
        "argv = [\"aliyun\", \"ram\", \"GetLoginProfile\", \"--UserName\", \"{% if user != 'X' %}{{ nope }}{% endif %}\"]",
        1,
    );
    assert_ne!(broken, rules);
    std::fs::write(src.join("rules.toml"), broken).unwrap();
    let m = &manifests_of(&src)["task_maxcompute_prepare_account"];
    let step = m.checks.iter().find(|c| c.id == "task_maxcompute_prepare_account.s1.p1.4.2").expect("the step is kept");
    assert_eq!(step.kind, CheckKind::Manual);
    assert_eq!(step.title.en.as_deref().map(|t| t.contains("console logon")), Some(true), "{step:?}");
    assert!(m.checks.iter().all(|c| c.rule.as_deref() != Some("user-console-logon")));
}
