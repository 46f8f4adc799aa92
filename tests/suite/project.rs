//! Real documentation repositories as they are: locale folders found by name, the project
//! root found upwards, pairs across translated file names, one id per pair, `init`, exit
//! codes. The pages here are our own, in the shapes of Alibaba Cloud doc repositories.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_preflight")).args(args).current_dir(dir).output().expect("run preflight");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const EN_USER: &str = "# Create a RAM user\n\nMake one identity per person instead of sharing the account.\n\n\
1.  Log on to the [RAM console](https://ram.console.aliyun.com/).\n\n\
2.  Choose **Identities** \\> **Users**, and click **Create User**.\n\n\
3.  Enter `dev-ops` as the logon name and click **OK**.\n\n\
    ![The user form](https://static-aliyun-doc.oss-cn-hangzhou.aliyuncs.com/assets/img/en-US/1/p48004.png)\n";

const ZH_USER: &str = "# 创建RAM用户\n\n每个人使用自己的身份，不要共用账号。\n\n\
1.  登录[RAM控制台](https://ram.console.aliyun.com/)。\n\n\
2.  选择**身份管理** \\> **用户**，单击**创建用户**。\n\n\
3.  输入登录名称`dev-ops`，单击**确定**。\n\n\
    ![用户表单](https://static-aliyun-doc.oss-cn-hangzhou.aliyuncs.com/assets/img/zh-CN/1/p48004.png)\n";

const EN_CONCEPT: &str = "# What is a policy {#concept_shared .concept}\n\nA policy lists actions on resources.\n";
const ZH_CONCEPT: &str = "# 什么是权限策略 {#concept_shared .concept}\n\n权限策略列出对资源的操作。\n";
const EN_OTHER: &str =
    "# Policy elements {#concept_shared .concept}\n\nEffect, Action and Resource make a statement.\n";

/// A repository laid out as the vendor's: `intl.en-US`, `intl.zh-CN` with translated
/// names, a mainland tree `cn.zh-CN`, a README at the root, a topic id used twice.
fn vendor_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    write(r, "README.md", "# Docs\n\nNot a guide.\n");
    write(r, "intl.en-US/User Management/Create a RAM user.md", EN_USER);
    write(r, "intl.zh-CN/用户管理/创建RAM用户.md", ZH_USER);
    write(r, "cn.zh-CN/用户管理/创建RAM用户.md", ZH_USER);
    write(r, "intl.en-US/Policies/What is a policy.md", EN_CONCEPT);
    write(r, "intl.en-US/Policies/Policy elements.md", EN_OTHER);
    write(r, "intl.zh-CN/权限策略/什么是权限策略.md", ZH_CONCEPT);
    tmp
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn step_ids(guide: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let (Some(id), Some(_)) = (map.get("id").and_then(|i| i.as_str()), map.get("command_text")) {
                    out.push(id.to_string());
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(guide, &mut out);
    out
}

#[test]
fn a_vendor_repository_builds_with_no_config_and_no_flags() {
    let repo = vendor_repo();
    let (code, out, err) = run_in(repo.path(), &["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("intl.en-US → en-US (found by name), intl.zh-CN → zh-CN (found by name)"), "{err}");
    assert!(err.contains("also found cn.zh-CN (zh-CN), not built"), "{err}");
    assert!(out.contains("built 5 guides (3 en-US, 2 zh-CN)"), "{out}");
    // The shared topic id pairs nothing and is said once per page that carries it.
    assert_eq!(err.matches("warning[pairs::shared-topic-id]").count(), 2, "{err}");
    assert!(out.contains("pairs: 1 (1 by content); pages without a counterpart: 2 source, 1 translated"), "{out}");
    let out_dir = repo.path().join("generated");
    let en = json(&out_dir.join("guides/en-US/User Management/Create a RAM user.json"));
    let zh = json(&out_dir.join("guides/zh-CN/用户管理/创建RAM用户.json"));
    assert_eq!(en["id"], zh["id"], "one id per pair");
    let (en_ids, zh_ids) = (step_ids(&en), step_ids(&zh));
    assert_eq!(en_ids.len(), 3);
    assert_eq!(en_ids, zh_ids, "ticks are shared: step ids agree across languages");
    // The site's checkbox keys are those ids, in both pages.
    let en_page = std::fs::read_to_string(out_dir.join("site/en-US/User Management/Create a RAM user.html")).unwrap();
    let zh_page = std::fs::read_to_string(out_dir.join("site/zh-CN/用户管理/创建RAM用户.html")).unwrap();
    for id in &en_ids {
        assert!(en_page.contains(id.as_str()) && zh_page.contains(id.as_str()), "{id} on both pages");
    }
}

#[test]
fn the_root_is_found_upwards_and_output_goes_beside_its_config() {
    let repo = vendor_repo();
    write(
        repo.path(),
        "preflight.toml",
        "title = \"Vendor docs\"\n\n[locales.en-US]\npath = \"intl.en-US\"\n\n[locales.zh-CN]\npath = \"cn.zh-CN\"\n",
    );
    let below = repo.path().join("intl.en-US/User Management");
    let (code, out, err) = run_in(&below, &["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("cn.zh-CN → zh-CN (from preflight.toml)"), "{err}");
    assert!(repo.path().join("generated/site/zh-CN/用户管理/创建RAM用户.html").is_file());
    assert!(!below.join("generated").exists(), "output goes to the project root, not the working directory");
    let (code, out, _) = run_in(&below, &["sync"]);
    assert_eq!(code, 1, "the concept pages have no counterpart: sync is the gate\n{out}");
}

#[test]
fn a_misnamed_locale_folder_is_an_error_with_its_line() {
    let repo = vendor_repo();
    write(
        repo.path(),
        "preflight.toml",
        "[locales.en-US]\npath = \"intl.en-us\"\n\n[locales.zh-CN]\npath = \"intl.zh-CN\"\n",
    );
    let before = std::fs::read_dir(repo.path()).unwrap().count();
    let (code, _, err) = run_in(repo.path(), &["build"]);
    assert_eq!(code, 2);
    assert!(err.contains("preflight.toml:2:8: `intl.en-us`, the folder of `en-US`, does not exist"), "{err}");
    assert!(err.contains("(found `intl.en-US`)"), "{err}");
    assert_eq!(std::fs::read_dir(repo.path()).unwrap().count(), before, "nothing written");
    write(repo.path(), "preflight.toml", "[locales.en-US]\npath = \"../elsewhere\"\n");
    let (code, _, err) = run_in(repo.path(), &["build"]);
    assert_eq!(code, 2);
    assert!(err.contains("must be a relative path inside the project"), "{err}");
}

#[test]
fn building_or_syncing_nothing_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "notes/readme.md", "# Not a locale folder\n");
    for cmd in ["build", "sync"] {
        let (code, _, err) = run_in(tmp.path(), &[cmd]);
        assert_eq!(code, 2, "{cmd}: {err}");
        assert!(err.contains("no locale folders: looked for en-US, zh-CN, intl.en-US"), "{cmd}: {err}");
    }
    std::fs::create_dir_all(tmp.path().join("en-US")).unwrap();
    std::fs::create_dir_all(tmp.path().join("zh-CN")).unwrap();
    let (code, _, err) = run_in(tmp.path(), &["build"]);
    assert_eq!(code, 2);
    assert!(err.contains("no Markdown pages (*.md) in en-US (en-US), zh-CN (zh-CN)"), "{err}");
    assert!(!tmp.path().join("generated").exists());
}

#[test]
fn what_pair_writes_build_takes_and_a_stale_entry_is_an_error_at_its_line() {
    let repo = vendor_repo();
    let r = repo.path();
    let (code, out, err) = run_in(r, &["pair", "intl.en-US", "intl.zh-CN", "-o", "meta/pairs.toml"]);
    assert_eq!(code, 0, "{out}{err}");
    let mut pairs = std::fs::read_to_string(r.join("meta/pairs.toml")).unwrap();
    assert!(pairs.contains("confidence = "), "{pairs}");
    write(r, "preflight.toml", "pairs = \"meta/pairs.toml\"\n");
    let (code, out, err) = run_in(r, &["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("pairs: 1 (1 by config)"), "{out}");
    pairs.push_str("\n[[pair]]\nen = \"../intl.en-US/Gone.md\"\nzh = \"../intl.zh-CN/不在了.md\"\n");
    let line = pairs.lines().count() - 2;
    write(r, "meta/pairs.toml", &pairs);
    let (code, _, err) = run_in(r, &["build"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("meta/pairs.toml:{line}:1: error[pairs::no-such-page]")), "{err}");
}

#[test]
fn init_writes_a_config_that_builds_the_same_site_and_replaces_nothing() {
    let repo = vendor_repo();
    let r = repo.path();
    let (code, _, err) = run_in(r, &["build", "--out", "../a"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run_in(r, &["init"]);
    assert_eq!(code, 0, "{out}{err}");
    let config = std::fs::read_to_string(r.join("preflight.toml")).unwrap();
    assert!(config.contains("[locales.zh-CN]\npath = \"intl.zh-CN\""), "{config}");
    assert!(config.contains("# Also found \"cn.zh-CN\""), "{config}");
    let (code, _, err) = run_in(r, &["build", "--out", "../b"]);
    assert_eq!(code, 0, "{err}");
    let parent = r.parent().unwrap();
    let site = |name: &str| -> Vec<(PathBuf, Vec<u8>)> {
        let dir = parent.join(name).join("site");
        let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(&dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    };
    let (a, b) = (site("a"), site("b"));
    std::fs::remove_dir_all(parent.join("a")).unwrap();
    std::fs::remove_dir_all(parent.join("b")).unwrap();
    assert!(!a.is_empty());
    assert!(a == b, "init's config builds the same site");
    let (code, _, err) = run_in(r, &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists; preflight init never replaces a file"), "{err}");
}

#[test]
fn drift_is_reported_by_build_and_fails_sync_or_a_denying_build() {
    let repo = vendor_repo();
    let r = repo.path();
    write(r, "intl.zh-CN/用户管理/创建RAM用户.md", &ZH_USER.replace("`dev-ops`", "`ops`"));
    let (code, out, _) = run_in(r, &["build"]);
    assert_eq!(code, 0, "build succeeds on drift\n{out}");
    assert!(out.contains("with drift"), "{out}");
    assert_eq!(run_in(r, &["build", "--deny", "drift"]).0, 1);
    write(r, "preflight.toml", "deny = [\"drift\"]\n");
    assert_eq!(run_in(r, &["build"]).0, 1);
    assert_eq!(run_in(r, &["sync"]).0, 1);
}

#[test]
fn a_closed_pipe_ends_sync_quietly() {
    let repo = vendor_repo();
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["sync"])
        .current_dir(repo.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

/// Two pages that link to each other's translations: the same link to sync; a link to
/// another page is drift, named by the page's id.
#[test]
fn links_to_paired_pages_compare_as_the_same_link() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    let key_en = "# Create an AccessKey\n\nKeys sign API calls.\n\n1.  Open **AccessKey** and click **CreateAccessKey**.\n\n    ![Keys](https://static-aliyun-doc.oss-cn-hangzhou.aliyuncs.com/assets/img/en-US/1/p48100.png)\n";
    let key_zh = "# 创建AccessKey\n\n密钥用于签名API调用。\n\n1.  打开**AccessKey**页面，单击**CreateAccessKey**。\n\n    ![密钥](https://static-aliyun-doc.oss-cn-hangzhou.aliyuncs.com/assets/img/zh-CN/1/p48100.png)\n";
    write(r, "intl.en-US/Access/Create an AccessKey.md", key_en);
    write(r, "intl.zh-CN/访问/创建AccessKey.md", key_zh);
    let link_en = "\n4.  Then [create a key](../Access/Create%20an%20AccessKey.md) for `dev-ops`.\n";
    let link_zh = "\n4.  然后为`dev-ops`[创建密钥](/intl.zh-CN/访问/创建AccessKey.md)。\n";
    write(r, "intl.en-US/Users/Create a RAM user.md", &format!("{EN_USER}{link_en}"));
    write(r, "intl.zh-CN/用户/创建RAM用户.md", &format!("{ZH_USER}{link_zh}"));
    let (code, out, err) = run_in(r, &["sync"]);
    assert_eq!(code, 0, "translated link paths are not drift\n{out}{err}");
    write(
        r,
        "intl.zh-CN/用户/创建RAM用户.md",
        &format!("{ZH_USER}{}", link_zh.replace("访问/创建AccessKey", "用户/创建RAM用户")),
    );
    let (code, out, _) = run_in(r, &["sync"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("sync::link-differs"), "{out}");
    assert!(
        out.contains("`page:access-create-an-accesskey` only in en-US; `page:users-create-a-ram-user` only in zh-CN"),
        "{out}"
    );
}

/// A page that is a link out of the project costs only itself: a warning with no position
/// (not `:0:0`), and the rest builds.
#[test]
fn a_link_out_of_the_project_is_said_and_skipped() {
    let repo = vendor_repo();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.md", "# Outside\n");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), repo.path().join("intl.en-US/secret.md")).unwrap();
    let (code, out, err) = run_in(repo.path(), &["build"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("intl.en-US/secret.md: warning[input::symlink-outside]"), "{err}");
    assert!(!err.contains(":0:0"), "{err}");
    assert!(out.contains("built 5 guides"), "{out}");
}

/// See issue 9: a project in a language the site has no words for used to fail with an
/// error naming `i18n/fr-FR.toml`, a file the user does not have.
#[test]
fn a_locale_without_ui_strings_builds_with_a_warning_and_english_words() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    write(r, "preflight.toml", "[locales.en-US]\npath = \"en\"\n\n[locales.fr-FR]\npath = \"fr\"\n");
    write(r, "en/user.md", EN_USER);
    write(
        r,
        "fr/user.md",
        "# Créer un utilisateur RAM\n\nUne identité par personne.\n\n1.  Ouvrez la [console RAM](https://ram.console.aliyun.com/).\n\n2.  Choisissez **Identities** \\> **Users**.\n\n3.  Saisissez `dev-ops` et cliquez sur **OK**.\n\n    ![Le formulaire](https://static-aliyun-doc.oss-cn-hangzhou.aliyuncs.com/assets/img/en-US/1/p48004.png)\n",
    );
    let (code, _, err) = run_in(r, &["build"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fr: warning[site::no-ui-strings]"), "{err}");
    assert!(!err.contains("i18n/"), "no file the user does not have is named: {err}");
    let page = std::fs::read_to_string(r.join("generated/site/fr-FR/user.html")).unwrap();
    assert!(page.contains("lang=\"fr-FR\""), "the page keeps its language");
    assert!(page.contains("Créer un utilisateur RAM"));
}
