//! Content checks: what the masked line checks exempt, the `[content]` settings, and
//! `preflight fix` (diff, `--check`, atomic in-place fixes only when asked).

use std::path::Path;
use std::process::Command;

use preflight::sync::content::{Convention, FixKinds, fixes, spacing_counts};

fn fix(text: &str) -> String {
    fixes(text, FixKinds { spacing: Some(Convention::None), punctuation: true }).unwrap_or_else(|| text.to_string())
}

#[test]
fn fixes_touch_chinese_prose_only() {
    // Spacing and punctuation of Chinese prose are fixed …
    assert_eq!(fix("创建 RAM 用户,然后登录。\n"), "创建RAM用户，然后登录。\n");
    assert_eq!(fix("设置名称(可选)。"), "设置名称（可选）。");
    assert_eq!(fix("请选择地域; 然后单击确定"), "请选择地域；然后单击确定");
    assert_eq!(fix("说明: 登录名称不能重复"), "说明：登录名称不能重复");
    // … code spans, URLs, link targets, numbers, identifiers, bold UI labels, quotes,
    // formulas and fenced code are not.
    for text in [
        "运行`ls -l, pwd`命令",
        "访问 https://example.com/a,b 页面",
        "参见[文档](../a b/c.md)。",
        "容量为1,000个，时间为10:00",
        "单击**创建 RAM 用户**按钮",
        "显示“Access denied, retry”字样",
        "IOPS = min\\{50 \\* 容量, 1000\\}",
        "按Esc，输入:wq保存",
        "单击![图标](https://example.com/i.png)",
        "## 步骤一. 安装工具",
        "## 6 访问诊断",
        "步骤4 查询分析",
        "```\n创建 RAM 用户,然后\n```\n",
        "(RAM)是服务名",
    ] {
        assert_eq!(fix(text), text, "{text}");
    }
    // Lines and bytes that need no fix stay as they are, line endings included.
    assert_eq!(fix("第一行\r\n创建 RAM\r\n"), "第一行\r\n创建RAM\r\n");
}

#[test]
fn the_space_convention_inserts_spaces() {
    let kinds = FixKinds { spacing: Some(Convention::Space), punctuation: false };
    assert_eq!(fixes("创建RAM用户", kinds).as_deref(), Some("创建 RAM 用户"));
    assert_eq!(fixes("创建 RAM 用户", kinds), None);
}

#[test]
fn spacing_is_counted_outside_code() {
    let c = spacing_counts("创建RAM用户和ECS实例\n`a 创建`\n共 3 个\n");
    assert_eq!((c.none, c.space), (4, 2));
}

fn preflight(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight")).args(args).current_dir(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A project of one pair: the `in-sync` fixture with a zh-CN page that breaks the
/// spacing and punctuation conventions on one line.
fn project(config: &str) -> tempfile::TempDir {
    project_with(config, "请为每个人创建各自的RAM用户，", "请为每个人创建各自的 RAM 用户,")
}

/// The `in-sync` fixture as a project, with one replacement in the zh-CN page.
fn project_with(config: &str, from: &str, to: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sync/in-sync");
    for (dir, file) in [("en-US", "en.md"), ("zh-CN", "zh.md")] {
        std::fs::create_dir_all(tmp.path().join(dir)).unwrap();
        let mut text = std::fs::read_to_string(fixtures.join(file)).unwrap();
        if dir == "zh-CN" {
            assert!(text.contains(from));
            text = text.replace(from, to);
        }
        std::fs::write(tmp.path().join(dir).join("guide.md"), text).unwrap();
    }
    std::fs::write(tmp.path().join("preflight.toml"), config).unwrap();
    tmp
}

#[test]
fn fix_check_prints_a_diff_and_changes_nothing() {
    let tmp = project("");
    let zh = tmp.path().join("zh-CN/guide.md");
    let before = std::fs::read_to_string(&zh).unwrap();
    let (code, out, err) = preflight(tmp.path(), &["fix", "--check"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("-请为每个人创建各自的 RAM 用户,不要共用账号密码。"), "{out}");
    assert!(out.contains("+请为每个人创建各自的RAM用户，不要共用账号密码。"), "{out}");
    assert!(out.starts_with("--- zh-CN/guide.md\n+++ zh-CN/guide.md\n@@ -2,3 +2,3 @@\n"), "{out}");
    assert_eq!(std::fs::read_to_string(&zh).unwrap(), before);
    // sync reports the same line, once per check.
    let (code, out, _) = preflight(tmp.path(), &["sync"]);
    assert_eq!(code, 1);
    assert!(out.contains("zh-CN/guide.md:3:11: warning[sync::cjk-spacing]"), "{out}");
    assert!(out.contains("zh-CN/guide.md:3:18: warning[sync::punctuation-width]"), "{out}");
}

#[test]
fn fix_applies_in_place_only_when_asked() {
    let tmp = project("");
    let zh = tmp.path().join("zh-CN/guide.md");
    let en = tmp.path().join("en-US/guide.md");
    let (before_zh, before_en) = (std::fs::read_to_string(&zh).unwrap(), std::fs::read_to_string(&en).unwrap());
    let (code, out, err) = preflight(tmp.path(), &["fix"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("+请为每个人创建各自的RAM用户，不要共用账号密码。"), "{out}");
    let after = std::fs::read_to_string(&zh).unwrap();
    assert_eq!(after, before_zh.replace("各自的 RAM 用户,", "各自的RAM用户，"));
    assert_eq!(std::fs::read_to_string(&en).unwrap(), before_en, "en-US is never touched");
    // No temporary file is left, and the project is now clean.
    let names: Vec<String> = std::fs::read_dir(tmp.path().join("zh-CN"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    assert_eq!(names, ["guide.md"]);
    assert_eq!(preflight(tmp.path(), &["fix", "--check"]).0, 0);
    assert_eq!(preflight(tmp.path(), &["sync"]).0, 0);
}

#[test]
fn checks_can_be_turned_off_or_made_errors() {
    let tmp = project("[content.checks]\ncjk-spacing = \"off\"\npunctuation-width = \"error\"\n");
    let (code, out, _) = preflight(tmp.path(), &["sync"]);
    assert_eq!(code, 1);
    assert!(!out.contains("cjk-spacing"), "{out}");
    assert!(out.contains("error[sync::punctuation-width]"), "{out}");
    // With spacing off, fix only changes punctuation.
    let (_, diff, _) = preflight(tmp.path(), &["fix", "--check"]);
    assert!(diff.contains("+请为每个人创建各自的 RAM 用户，不要共用账号密码。"), "{diff}");
    // A convention set by hand wins over the majority.
    let tmp = project("[content]\nspacing = \"space\"\n");
    let (_, out, _) = preflight(tmp.path(), &["sync"]);
    assert!(out.contains("no space between Chinese and Latin text"), "{out}");
}

#[test]
fn unknown_content_keys_are_errors() {
    let tmp = project("[content]\nspaceing = \"none\"\n");
    let (code, _, err) = preflight(tmp.path(), &["sync"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("spaceing"), "{err}");
}

#[test]
fn untranslated_prose_is_told_from_names_labels_and_quoted_messages() {
    let line = "请为每个人创建各自的RAM用户，不要共用账号密码。";
    let sync = |to: &str| preflight(project_with("", line, to).path(), &["sync"]).1;
    let out = sync("Give every person a RAM user of their own and keep the password to yourself.");
    assert!(out.contains("zh-CN/guide.md:3:1: warning[sync::untranslated]"), "{out}");
    assert!(out.contains("\"Give every person a RAM user of their own and keep"), "{out}");
    for fine in [
        "Alibaba Cloud Resource Access Management Console",
        "**Create a RAM user for the account**",
        "Error Message：The user does not exist in the account.",
        "报错“The specified user does not exist in the account”，请先创建用户。",
        "`aliyun ram CreateUser --UserName the-user-of-the-account`",
    ] {
        let out = sync(fine);
        assert!(!out.contains("sync::untranslated"), "{fine}: {out}");
    }
}

#[test]
fn hostile_lines_never_panic_and_fixes_are_stable() {
    let pieces = [
        "", "`", "``", "](", "](x", "<", "<a", "{#", "{.x", "\\", "**", "*", "_", "(", ")", "（", "https://", "www.",
        "创建", " ", "RAM", "1", ",", ":", ".", "!", "![", "?", ";", "|", "#", "🙂", "e\u{301}", "\r", "\t", "“", "”",
        "{", "}", "```", "~~~", "---", "<!--", "-->",
    ];
    // Every pair and triple of pieces, as a line and as a document.
    for a in pieces {
        for b in pieces {
            for c in ["", "创建", " RAM ", ",", "\n", "`"] {
                let text = format!("{a}{b}{c}{a}");
                let kinds = [
                    FixKinds { spacing: Some(Convention::None), punctuation: true },
                    FixKinds { spacing: Some(Convention::Space), punctuation: true },
                ];
                for k in kinds {
                    if let Some(fixed) = fixes(&text, k) {
                        assert_eq!(fixed.matches('\n').count(), text.matches('\n').count(), "{text:?}");
                        // A fixed text needs no further fix.
                        assert_eq!(fixes(&fixed, k), None, "{text:?} → {fixed:?}");
                    }
                }
                let _ = spacing_counts(&text);
            }
        }
    }
}

#[test]
fn sync_survives_a_hostile_zh_page() {
    let garbage = "](<a{#`**\\（(创建 RAM,:.!?;|🙂“\r\n```\n创建 RAM\n<!--\n-->\n|a|创建 RAM,|\n|-|-|\n";
    let tmp = project_with("", "请为每个人创建各自的RAM用户，不要共用账号密码。", garbage);
    let (code, out, err) = preflight(tmp.path(), &["sync"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(preflight(tmp.path(), &["fix"]).0, 0);
    assert_eq!(preflight(tmp.path(), &["fix", "--check"]).0, 0, "a fixed page needs no further fix");
}
