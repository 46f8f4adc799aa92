//! History-aware sync, baseline and pull-request mode, on small git repositories built
//! in a temporary folder with the `git` CLI (dates and author set per commit; no global
//! git configuration is read).

use std::path::Path;
use std::process::Command;

const EN: &str =
    "# Create a user {#create}\n\n1. Open the console.\n2. Click **Create user** and enter `alice`.\n3. Click OK.\n";
const ZH: &str = "# 创建用户 {#create}\n\n1. 打开控制台。\n2. 单击**创建用户**并输入`alice`。\n3. 单击确定。\n";

struct Repo {
    dir: tempfile::TempDir,
    day: u32,
}

impl Repo {
    /// A repository with en-US/user.md and zh-CN/user.md committed on 2026-01-01.
    fn new() -> Repo {
        let repo = Repo { dir: tempfile::tempdir().unwrap(), day: 1 };
        repo.git(&["init", "-q", "-b", "main", "."]);
        repo.write("en-US/user.md", EN);
        repo.write("zh-CN/user.md", ZH);
        repo.commit("init");
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn git(&self, args: &[&str]) -> String {
        let date = format!("2026-01-{:02}T10:00:00Z", self.day);
        let out = Command::new("git")
            .args(["-c", "user.name=Tester", "-c", "user.email=tester@example.invalid", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", self.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into()
    }

    /// Commit everything, one day after the previous commit.
    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn next_day(&mut self) {
        self.day += 1;
    }

    fn edit(&mut self, rel: &str, from: &str, to: &str, message: &str) {
        self.next_day();
        let p = self.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} lacks {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        self.commit(message);
    }

    fn sync(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
            .arg("sync")
            .args(args)
            .current_dir(self.path())
            .env("PREFLIGHT_TODAY", "2026-06-01")
            .output()
            .unwrap();
        let s = |b: &[u8]| String::from_utf8_lossy(b).to_string();
        (out.status.code().unwrap_or(-1), s(&out.stdout), s(&out.stderr))
    }

    fn codes(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        let (_, out, err) = self.sync(&all);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        v["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["findings"].as_array().unwrap().clone())
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    }
}

#[test]
fn an_en_step_edited_after_its_zh_step_is_stale_and_says_when_and_what() {
    let mut repo = Repo::new();
    repo.edit("en-US/user.md", "Open the console.", "Open the RAM console.", "en: name the console");
    let (code, out, err) = repo.sync(&[]);
    assert_eq!(code, 1, "{out}{err}");
    let line = out.lines().next().unwrap();
    assert!(line.starts_with("zh-CN/user.md:3:1: warning[sync::stale-step]"), "{out}");
    assert!(line.contains("on 2026-01-02") && line.contains("\"en: name the console\""), "{line}");
    assert!(line.contains("last changed on 2026-01-01") && line.ends_with("{+RAM+}"), "{line}");
    assert!(out.contains("en-US en-US/user.md:3:1"), "{out}");
    assert!(err.contains("computed from git history: 2 commits") && err.contains(" s)"), "{err}");
    // Only that step: the others did not change.
    assert_eq!(repo.codes(&[]), ["sync::stale-step"]);
}

#[test]
fn a_zh_step_edited_after_the_en_step_is_not_stale() {
    let mut repo = Repo::new();
    repo.edit("en-US/user.md", "Open the console.", "Open the RAM console.", "en");
    repo.edit("zh-CN/user.md", "打开控制台。", "打开RAM控制台。", "zh: follow en");
    assert_eq!(repo.codes(&[]), Vec::<String>::new());
}

#[test]
fn whitespace_punctuation_and_markup_edits_do_not_make_a_step_stale() {
    let mut repo = Repo::new();
    repo.edit("en-US/user.md", "Open the console.", "Open  the\n   console", "en: whitespace and full stop");
    repo.edit("en-US/user.md", "Click OK.", "Click **OK**!", "en: bold");
    assert_eq!(repo.codes(&[]), Vec::<String>::new());
    // A real change after them still counts.
    repo.edit("en-US/user.md", "Click **OK**!", "Click **Apply**!", "en: a word");
    assert_eq!(repo.codes(&[]), ["sync::stale-step"]);
}

#[test]
fn a_commit_with_the_skip_directive_is_ignored() {
    let mut repo = Repo::new();
    repo.edit("en-US/user.md", "Open the console.", "Open the web console.", "en: wording [preflight skip]");
    assert_eq!(repo.codes(&[]), Vec::<String>::new());
    // A later commit without it on the same step counts again.
    repo.edit("en-US/user.md", "web console", "RAM console", "en: name it");
    let (_, out, _) = repo.sync(&[]);
    assert!(out.contains("[-web-] {+RAM+}"), "{out}");
}

#[test]
fn a_renamed_file_keeps_its_history() {
    let mut repo = Repo::new();
    repo.next_day();
    repo.git(&["mv", "en-US/user.md", "en-US/create-user.md"]);
    repo.git(&["mv", "zh-CN/user.md", "zh-CN/create-user.md"]);
    repo.commit("rename both");
    // Not a change of any step: the rename is followed back to the first commit.
    assert_eq!(repo.codes(&[]), Vec::<String>::new());
    repo.edit("en-US/create-user.md", "Click OK.", "Click Save.", "en: save");
    let (_, out, _) = repo.sync(&[]);
    assert!(out.contains("last changed on 2026-01-01"), "{out}");
    assert!(out.contains("[-OK.-] {+Save.+}"), "{out}");
}

#[test]
fn a_step_inserted_in_en_is_a_missing_step_and_makes_no_other_step_stale() {
    let mut repo = Repo::new();
    repo.edit(
        "en-US/user.md",
        "2. Click **Create user**",
        "2. Choose **Users** in the left-side navigation pane.\n3. Click **Create user**",
        "en: one more step",
    );
    repo.edit("en-US/user.md", "3. Click OK.", "4. Click OK.", "en: renumber");
    assert_eq!(repo.codes(&[]), ["sync::missing-step"]);
}

#[test]
fn without_git_staleness_is_not_computed_and_the_rest_works() {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in [("en-US/user.md", EN), ("zh-CN/user.md", ZH.replace("3. 单击确定。\n", "").as_str())] {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
            .arg("sync")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, out, err) = run(&[]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("sync::missing-step"), "{out}");
    assert!(out.contains("stale steps not computed: not a git repository"), "{out}");
    assert!(err.contains("stale steps not computed: not a git repository"), "{err}");
    let (code_without, ..) = run(&["--no-history"]);
    assert_eq!(code, code_without);
    let (_, json, _) = run(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["history"], "stale steps not computed: not a git repository");
}

#[test]
fn a_shallow_clone_is_said_and_changes_nothing_else() {
    let mut repo = Repo::new();
    repo.edit("en-US/user.md", "Open the console.", "Open the RAM console.", "en");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "."])
        .current_dir(clone.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(env!("CARGO_BIN_EXE_preflight")).arg("sync").current_dir(clone.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("stale steps not computed: a shallow clone"), "{stdout}");
}

#[test]
fn since_reports_only_pairs_touched_since_the_ref_and_its_sarif_holds_together() {
    let mut repo = Repo::new();
    repo.write("en-US/other.md", &EN.replace("Create a user {#create}", "Delete a user {#delete}"));
    repo.write("zh-CN/other.md", &ZH.replace("创建用户 {#create}", "删除用户 {#delete}"));
    repo.next_day();
    repo.commit("other page");
    repo.git(&["tag", "base"]);
    repo.edit("en-US/user.md", "Open the console.", "Open the RAM console.", "en: user");
    repo.edit("en-US/other.md", "Click OK.", "Click Delete.", "en: other");
    repo.edit("zh-CN/other.md", "单击确定。", "单击删除。", "zh: other");
    // Both pairs changed since `base`; only user.md is stale.
    assert_eq!(repo.codes(&["--since", "base"]), ["sync::stale-step"]);
    // After user.md's change, only other.md was touched: nothing to report.
    let head_before = repo.git(&["rev-parse", "HEAD~2"]);
    assert_eq!(repo.codes(&["--since", head_before.trim()]), Vec::<String>::new());
    // A work-tree edit counts as touched.
    repo.write("zh-CN/user.md", &ZH.replace("单击确定。", "单击 确定。"));
    assert_eq!(repo.codes(&["--since", "HEAD"]), ["sync::stale-step"]);
    let (code, sarif, _) = repo.sync(&["--since", "base", "--format", "sarif"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at its rule");
        assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    let (_, err) = (0, repo.sync(&["--since", "no-such-ref"]));
    assert_eq!(err.0, 2, "{}", err.2);
    assert!(err.2.contains("`no-such-ref` names no commit"), "{}", err.2);
}

#[test]
fn baseline_round_trip_only_new_findings_fail_and_fixed_ones_are_removable() {
    let mut repo = Repo::new();
    // Two findings today: a stale step and a missing step.
    repo.edit("zh-CN/user.md", "3. 单击确定。\n", "", "zh: drop a step");
    repo.edit("en-US/user.md", "Open the console.", "Open the RAM console.", "en");
    let (code, _, err) = repo.sync(&["--write-baseline", "baseline.toml"]);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(repo.path().join("baseline.toml")).unwrap();
    assert_eq!(written.matches("[[accepted]]").count(), 2, "{written}");
    assert!(!written.contains("(line") && !written.contains(":3:"), "no line numbers in a fingerprint: {written}");
    let (code, out, err) = repo.sync(&["--baseline", "baseline.toml"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("accepted by the baseline (2)"), "{out}");
    // A new finding above the old ones moves their lines; only it fails, and is printed first.
    // (an uncommitted edit: the work tree is not history, so it makes no step stale).
    let en = std::fs::read_to_string(repo.path().join("en-US/user.md")).unwrap();
    let en = en.replace("# Create a user {#create}\n", "# Create a user {#create}\n\nA short lead.\n\nMore lead.\n");
    repo.write("en-US/user.md", &en.replace("enter `alice`.", "enter `alice` or `bob`."));
    let (code, out, _) = repo.sync(&["--baseline", "baseline.toml"]);
    assert_eq!(code, 1, "{out}");
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("zh-CN/user.md:") && first.contains("[sync::code-differs]"), "{out}");
    assert!(out.contains("accepted by the baseline (2)") && out.contains("en-US/user.md:9:1"), "{out}");
    assert!(out.contains("baseline: 1 new, 0 expired waivers"), "{out}");
    // The config key does the same as the flag.
    repo.write("preflight.toml", "baseline = \"baseline.toml\"\n");
    let (code, out, _) = repo.sync(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("baseline: 1 new"), "{out}");
    // Fixing the missing step makes its entry removable.
    repo.write("en-US/user.md", EN.replace("Open the console.", "Open the RAM console.").as_str());
    repo.write("zh-CN/user.md", ZH);
    let (code, out, _) = repo.sync(&[]);
    assert!(out.contains("removable: 1 baseline entries"), "{out}");
    assert!(out.contains("[sync::missing-step]"), "{out}");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_waiver_holds_until_its_expiry_date_then_counts_again() {
    let mut repo = Repo::new();
    repo.edit("en-US/user.md", "Open the console.", "Open the RAM console.", "en");
    repo.sync(&["--write-baseline", "baseline.toml"]);
    let text = std::fs::read_to_string(repo.path().join("baseline.toml")).unwrap();
    let waive = |expires: &str| {
        let t = text
            .replace("[[accepted]]\n", &format!("[[accepted]]\nreason = \"zh team busy\"\nexpires = \"{expires}\"\n"));
        repo.write("baseline.toml", &t);
        repo.sync(&["--baseline", "baseline.toml"])
    };
    // PREFLIGHT_TODAY is 2026-06-01: the day itself still holds.
    let (code, out, _) = waive("2026-06-01");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 waived"), "{out}");
    let (code, out, _) = waive("2026-05-31");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("sync::stale-step") && out.contains("1 expired waivers"), "{out}");
    // A rewritten baseline keeps the reason and the date.
    repo.sync(&["--baseline", "baseline.toml", "--write-baseline", "again.toml"]);
    let again = std::fs::read_to_string(repo.path().join("again.toml")).unwrap();
    assert!(again.contains("reason = \"zh team busy\"") && again.contains("expires = \"2026-05-31\""), "{again}");
    // A bad date is an error at its entry.
    let (code, _, err) = waive("next week");
    assert_eq!(code, 2);
    assert!(err.contains("baseline.toml:") && err.contains("YYYY-MM-DD"), "{err}");
}

/// The workflow-command syntax: `::level key=value,…::message`, one a line, with `%`, CR
/// and LF escaped in the message and `:` and `,` too in values.
#[test]
fn github_format_follows_the_workflow_command_syntax() {
    let mut repo = Repo::new();
    repo.edit(
        "en-US/user.md",
        "Open the console.",
        "Open the RAM console, with care: now.",
        "en: 50%, really\nsecond line",
    );
    let (code, out, _) = repo.sync(&["--format", "github"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    for line in &lines {
        let rest = line.strip_prefix("::").unwrap();
        let (head, message) = rest.split_once("::").unwrap();
        let (level, props) = head.split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&level), "{line}");
        for prop in props.split(',') {
            let (key, value) = prop.split_once('=').unwrap();
            assert!(["file", "line", "col", "title", "endLine", "endColumn"].contains(&key), "{prop}");
            assert!(!value.contains([':', ',', '\n', '\r']), "{prop}");
            let unescaped =
                value.replace("%25", "").replace("%3A", "").replace("%2C", "").replace("%0A", "").replace("%0D", "");
            assert!(!unescaped.contains('%'), "{prop}");
        }
        let unescaped = message.replace("%25", "").replace("%0A", "").replace("%0D", "");
        assert!(!unescaped.contains('%') && !message.contains('\r'), "{message}");
    }
    assert!(
        lines[0].starts_with("::warning file=zh-CN/user.md,line=3,col=1,title=sync%3A%3Astale-step::"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("50%25, really second line") && lines[0].contains("%0Aen-US en-US/user.md:3:1"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("::notice title=preflight sync::sync: 1 pairs"), "{}", lines[1]);
    // With a baseline, accepted findings make no annotation.
    repo.sync(&["--write-baseline", "b.toml"]);
    let (code, out, _) = repo.sync(&["--format", "github", "--baseline", "b.toml"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "{out}");
}

/// `build --history`: a stale step is marked in place on the zh-CN page with the date and the
/// en-US diff, the index counts the page's stale steps; without the flag the site has none.
#[test]
fn build_with_history_marks_stale_steps_on_the_site() {
    let mut repo = Repo::new();
    repo.edit("en-US/user.md", "Open the console.", "Open the RAM console.", "en");
    let build = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
            .arg("build")
            .args(args)
            .current_dir(repo.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let out = build(&["--history", "--out", "out-history"]);
    assert!(out.contains("stale steps computed from git history"), "{out}");
    let site = repo.path().join("out-history/site");
    let page = std::fs::read_to_string(site.join("zh-CN/user.html")).unwrap();
    assert!(page.contains("pf-step-stale"), "{page}");
    assert!(page.contains("此步骤的英文原文已于 2026-01-02 更改: {+RAM+}"), "{page}");
    let index = std::fs::read_to_string(site.join("zh-CN/index.html")).unwrap();
    assert!(index.contains("1 个步骤待更新"), "{index}");
    // The en-US page is the source: nothing to mark there.
    let en = std::fs::read_to_string(site.join("en-US/user.html")).unwrap();
    assert!(!en.contains("pf-step-stale"), "{en}");
    // Without --history the output depends on the sources only.
    build(&["--out", "out-plain"]);
    let plain = std::fs::read_to_string(repo.path().join("out-plain/site/zh-CN/user.html")).unwrap();
    assert!(!plain.contains("pf-step-stale") && !plain.contains("2026-01-02"), "{plain}");
}

/// Issue 14's content findings go through the same baseline, and editing the words around
/// an accepted punctuation finding does not make it new.
#[test]
fn content_findings_go_through_the_baseline() {
    let repo = Repo::new();
    repo.write("zh-CN/user.md", &ZH.replace("单击确定。", "单击确定,然后关闭。"));
    let (code, out, _) = repo.sync(&["--no-history"]);
    assert_eq!(code, 1);
    assert!(out.contains("[sync::punctuation-width]"), "{out}");
    repo.sync(&["--no-history", "--write-baseline", "b.toml"]);
    repo.write("zh-CN/user.md", &ZH.replace("单击确定。", "单击确定,然后再关闭。"));
    let (code, out, _) = repo.sync(&["--no-history", "--baseline", "b.toml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("baseline: 0 new, 0 expired waivers (these count); 1 accepted"), "{out}");
}
