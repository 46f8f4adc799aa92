//! `preflight run` against the fake `aliyun` (tests/fake-aliyun): the manifests built from
//! docs-src on account states with things present and missing, manual checks with and
//! without answers, and commands that hang, flood, crash or receive hostile arguments.
//! No assertion is about time; timeouts are only limits.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

const FULL_STATE: &str = r#"
account_id = "1234567890123456"
access_keys = [{ id = "LTAI5tFakeAccountKey01", status = "Active" }]

[roles.AliyunEMRDefaultRole]
policies = ["AliyunEMRRolePolicy"]
[roles.AliyunECSInstanceForEMRRole]
policies = ["AliyunECSInstanceForEMRRolePolicy"]
[roles.AliyunEmrEcsDefaultRole]
policies = ["AliyunEMRECSRolePolicy"]
[roles.AliyunEMRManagedCostRole]
policies = ["AliyunEMRManagedCostRolePolicy"]
[roles.AliyunECSInstanceForEMRStudioRole]
policies = ["AliyunECSInstanceForEMRStudioRolePolicy"]

[users.DataWorks-admin]
login_profile = true
policies = ["AliyunDataWorksFullAccess"]
access_keys = [{ id = "LTAI5tFakeUserKey0001", status = "Active" }]
"#;

/// A scratch folder with manifests built from docs-src, a `bin/aliyun` that is the fake, and
/// an account state.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new(state: &str) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        preflight::build::build(&root.join("docs-src"), &dir.path().join("gen")).unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_fake-aliyun"), dir.path().join("bin/aliyun")).unwrap();
        std::fs::write(dir.path().join("state.toml"), state).unwrap();
        Sandbox { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn manifest(&self, rel: &str) -> String {
        self.path(&format!("gen/checks/{rel}.toml")).to_string_lossy().into_owned()
    }

    /// Run preflight with a small, known environment; stdin is not a terminal.
    fn run(&self, args: &[&str], extra_env: &[(&str, &str)]) -> (i32, String, String) {
        let path = format!("{}:/usr/bin:/bin", self.path("bin").display());
        let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(args)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.dir.path())
            .env("FAKE_ALIYUN_STATE", self.path("state.toml"))
            .envs(extra_env.iter().copied())
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
    }

    /// Run a manifest and return the exit code and the JSON results.
    fn results(&self, manifest: &str, extra: &[&str]) -> (i32, Value) {
        let mut args = vec!["run", manifest, "--format", "json", "--pass-env", "FAKE_ALIYUN_STATE"];
        args.extend_from_slice(extra);
        let (code, out, err) = self.run(&args, &[]);
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
        (code, v)
    }
}

fn states(results: &Value) -> BTreeMap<String, String> {
    results["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c["state"].as_str().unwrap().to_string()))
        .collect()
}

fn check<'a>(results: &'a Value, id: &str) -> &'a Value {
    results["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

/// Automated checks by state; manual checks are all `not_reviewed` without a terminal.
fn automated_states(results: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for c in results["checks"].as_array().unwrap() {
        if c["kind"] == "manual" {
            assert_eq!(c["state"], "not_reviewed", "{c}");
            assert!(c.get("answered_by").is_none());
        } else {
            out.insert(c["id"].as_str().unwrap().to_string(), c["state"].as_str().unwrap().to_string());
        }
    }
    out
}

#[test]
fn everything_present_passes_and_manual_checks_are_not_reviewed() {
    let sb = Sandbox::new(FULL_STATE);
    for guide in ["emr/assign-roles", "emr/prepare-account", "maxcompute/prepare-account"] {
        let (code, r) = sb.results(&sb.manifest(guide), &[]);
        let auto = automated_states(&r);
        assert!(!auto.is_empty());
        assert!(auto.values().all(|s| s == "pass"), "{guide}: {auto:#?}");
        assert_eq!(code, 1, "manual checks nobody answered keep the exit code at 1");
        assert_eq!(r["exit_code"], 1);
        assert_eq!(r["results_version"], 2);
    }
}

#[test]
fn a_missing_role_fails_and_its_policy_check_is_skipped() {
    let state =
        FULL_STATE.replace("[roles.AliyunEMRManagedCostRole]\npolicies = [\"AliyunEMRManagedCostRolePolicy\"]\n", "");
    let sb = Sandbox::new(&state);
    let (code, r) = sb.results(&sb.manifest("emr/assign-roles"), &[]);
    assert_eq!(code, 1);
    let auto = automated_states(&r);
    let r4 = "task_emr_assign_roles.s1.t1.r4";
    assert_eq!(auto[&format!("{r4}~role-exists")], "fail");
    assert_eq!(auto[&format!("{r4}~role-policy-attached")], "skipped");
    assert_eq!(auto.values().filter(|s| *s == "pass").count(), 8, "{auto:#?}");
    let failed = check(&r, &format!("{r4}~role-exists"));
    assert_eq!(failed["exit_code"], 1);
    assert_eq!(failed["message"], "exit code 1, expected 0");
    assert!(failed["stderr"].as_str().unwrap().contains("EntityNotExist.Role"));
    let skipped = check(&r, &format!("{r4}~role-policy-attached"));
    assert_eq!(skipped["message"], format!("depends on {r4}~role-exists, which did not pass (fail)"));
}

#[test]
fn a_policy_not_attached_fails() {
    let state = FULL_STATE.replace("policies = [\"AliyunEMRRolePolicy\"]", "policies = []");
    let sb = Sandbox::new(&state);
    let (_, r) = sb.results(&sb.manifest("emr/assign-roles"), &[]);
    let auto = automated_states(&r);
    assert_eq!(auto["task_emr_assign_roles.s1.t1.r1~role-exists"], "pass");
    assert_eq!(auto["task_emr_assign_roles.s1.t1.r1~role-policy-attached"], "fail");
    let c = check(&r, "task_emr_assign_roles.s1.t1.r1~role-policy-attached");
    assert_eq!(c["message"], r#"output does not match `"PolicyName":\s*"AliyunEMRRolePolicy"`"#);
    assert_eq!(auto.values().filter(|s| *s == "pass").count(), 9);
}

#[test]
fn a_missing_user_fails_and_what_depends_on_it_is_skipped() {
    let start = FULL_STATE.find("[users.DataWorks-admin]").unwrap();
    let sb = Sandbox::new(&FULL_STATE[..start]);
    let (_, r) = sb.results(&sb.manifest("maxcompute/prepare-account"), &[]);
    let p = "task_maxcompute_prepare_account.s1.p1";
    let expected: BTreeMap<String, String> = [
        (format!("{p}.3"), "pass"),
        (format!("{p}.4.1~user-exists"), "fail"),
        (format!("{p}.4.1~user-access-key"), "skipped"),
        (format!("{p}.4.2"), "skipped"),
        (format!("{p}.4.3"), "skipped"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    assert_eq!(automated_states(&r), expected);
}

#[test]
fn no_console_logon_and_no_grant_fail() {
    let state = FULL_STATE
        .replace("login_profile = true", "login_profile = false")
        .replace("policies = [\"AliyunDataWorksFullAccess\"]", "policies = [\"AliyunDataWorksReadOnlyAccess\"]");
    let sb = Sandbox::new(&state);
    let (_, r) = sb.results(&sb.manifest("maxcompute/prepare-account"), &[]);
    let auto = automated_states(&r);
    assert_eq!(auto["task_maxcompute_prepare_account.s1.p1.4.2"], "fail");
    assert_eq!(auto["task_maxcompute_prepare_account.s1.p1.4.3"], "fail");
    assert_eq!(auto["task_maxcompute_prepare_account.s1.p1.4.1~user-exists"], "pass");
}

#[test]
fn answers_decide_manual_checks_and_all_passed_exits_0() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = sb.manifest("emr/assign-roles");
    let (_, r) = sb.results(&manifest, &[]);
    let manual: Vec<String> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "manual")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(manual.len(), 4);
    let answers: String = manual.iter().map(|id| format!("\"{id}\" = \"pass\"\n")).collect();
    std::fs::write(sb.path("all.toml"), &answers).unwrap();
    let (code, r) = sb.results(&manifest, &["--answers", "all.toml"]);
    assert_eq!(code, 0, "{r:#}");
    assert!(states(&r).values().all(|s| s == "pass"));
    assert_eq!(check(&r, &manual[0])["answered_by"], "answers_file");

    let mixed = format!("\"{}\" = \"pass\"\n\"{}\" = \"fail\"\n\"{}\" = \"skip\"\n", manual[0], manual[1], manual[2]);
    std::fs::write(sb.path("mixed.toml"), mixed).unwrap();
    let (code, r) = sb.results(&manifest, &["--answers", "mixed.toml"]);
    assert_eq!(code, 1);
    let s = states(&r);
    assert_eq!(
        [&s[&manual[0]], &s[&manual[1]], &s[&manual[2]], &s[&manual[3]]],
        ["pass", "fail", "skipped", "not_reviewed"]
    );
    assert_eq!(
        r["counts"],
        serde_json::json!({"total": 14, "pass": 11, "fail": 1, "error": 0, "timeout": 0, "skipped": 1, "not_reviewed": 1})
    );
}

#[test]
fn bad_answers_and_bad_manifests_exit_2_naming_the_line() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = sb.manifest("emr/assign-roles");
    std::fs::write(
        sb.path("typo.toml"),
        "\"task_emr_assign_roles.s3.p1.1\" = \"pass\"\n\"task_emr_assign_roles.s3.p1.9\" = \"pass\"\n",
    )
    .unwrap();
    let (code, _, err) = sb.run(&["run", &manifest, "--answers", "typo.toml"], &[]);
    assert_eq!(code, 2);
    assert_eq!(err, "error: typo.toml:2:1: no check `task_emr_assign_roles.s3.p1.9` in the manifest\n");
    std::fs::write(sb.path("value.toml"), "\"task_emr_assign_roles.s3.p1.1\" = \"yes\"\n").unwrap();
    let (code, _, err) = sb.run(&["run", &manifest, "--answers", "value.toml"], &[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: value.toml:1:35: unknown variant `yes`"), "{err}");
    std::fs::write(sb.path("auto.toml"), "\"task_emr_assign_roles.s1.t1.r1~role-exists\" = \"pass\"\n").unwrap();
    let (code, _, err) = sb.run(&["run", &manifest, "--answers", "auto.toml"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("is an automated check; only manual checks take answers"), "{err}");

    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(sb.path("edited.toml"), text.replacen("timeout_secs = 30", "timeout = 30", 1)).unwrap();
    let (code, out, err) = sb.run(&["run", "edited.toml"], &[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.starts_with("error: edited.toml:22:1: unknown field `timeout`"), "{err}");
    let (code, _, err) = sb.run(&["run", &manifest, "--only", "nope"], &[]);
    assert_eq!(code, 2);
    assert_eq!(err, "error: no check `nope` in the manifest of `task_emr_assign_roles`\n");
}

#[test]
fn only_from_and_dry_run_select_checks() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = sb.manifest("emr/assign-roles");
    let r1 = "task_emr_assign_roles.s1.t1.r1";
    let (code, r) = sb
        .results(&manifest, &["--only", &format!("{r1}~role-exists"), "--only", &format!("{r1}~role-policy-attached")]);
    assert_eq!(code, 0);
    assert_eq!(states(&r).len(), 2);
    let (_, r) = sb.results(&manifest, &["--from", "task_emr_assign_roles.s3.p1.3"]);
    assert_eq!(
        states(&r).keys().collect::<Vec<_>>(),
        ["task_emr_assign_roles.s3.p1.3", "task_emr_assign_roles.s3.p1.4"]
    );

    let (code, out, _) = sb
        .run(&["run", &manifest, "--dry-run", "--lang", "zh-CN", "--only", &format!("{r1}~role-policy-attached")], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "{r1}~role-policy-attached\n    角色AliyunEMRDefaultRole已添加权限策略AliyunEMRRolePolicy\n    \
             run   aliyun ram ListPoliciesForRole --RoleName AliyunEMRDefaultRole\n    依赖 {r1}~role-exists\n"
        )
    );
}

#[test]
fn summary_table_and_junit_report() {
    let state = FULL_STATE.replace("policies = [\"AliyunEMRRolePolicy\"]", "policies = []");
    let sb = Sandbox::new(&state);
    let manifest = sb.manifest("emr/assign-roles");
    let r1 = "task_emr_assign_roles.s1.t1.r1";
    let (code, out, err) = sb.run(
        &[
            "run",
            &manifest,
            "--pass-env",
            "FAKE_ALIYUN_STATE",
            "--junit",
            "junit.xml",
            "--only",
            &format!("{r1}~role-exists"),
            "--only",
            &format!("{r1}~role-policy-attached"),
            "--only",
            "task_emr_assign_roles.s3.p1.1",
        ],
        &[],
    );
    assert_eq!(code, 1);
    let expected = [
        "state         check                                                title",
        "pass          task_emr_assign_roles.s1.t1.r1~role-exists           RAM role AliyunEMRDefaultRole exists",
        "fail          task_emr_assign_roles.s1.t1.r1~role-policy-attached  Policy AliyunEMRRolePolicy is attached to role AliyunEMRDefaultRole",
        r#"              output does not match `"PolicyName":\s*"AliyunEMRRolePolicy"`"#,
        r#"                stdout:   "Policies": {"#,
        r#"                stdout:     "Policy": []"#,
        r#"                stdout:   "RequestId": "3C6A2B1F-0000-4000-8000-000000000000""#,
        "not_reviewed  task_emr_assign_roles.s3.p1.1                        Log on to the EMR console with your Alibaba Cloud account.",
        "3 checks: 1 pass, 1 fail, 0 error, 0 timeout, 0 skipped, 1 not_reviewed",
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
    assert!(
        err.contains(&format!("[1/3] pass         {r1}~role-exists  RAM role AliyunEMRDefaultRole exists (")),
        "{err}"
    );
    let xml = std::fs::read_to_string(sb.path("junit.xml")).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"preflight\" tests=\"3\" failures=\"2\" errors=\"0\" skipped=\"0\""), "{xml}");
    assert!(xml.contains(&format!(
        "name=\"{r1}~role-policy-attached: Policy AliyunEMRRolePolicy is attached to role AliyunEMRDefaultRole\""
    )));
    assert!(xml.contains("<failure type=\"fail\" message=\"output does not match `&quot;PolicyName&quot;:\\s*&quot;AliyunEMRRolePolicy&quot;`\">stdout:   &quot;Policies&quot;: {\nstdout:     &quot;Policy&quot;: []\n"), "{xml}");
    assert_eq!(xml.matches("<testsuite ").count(), 1, "one suite per guide");
    assert!(xml.contains("<failure type=\"not_reviewed\" message=\"nobody answered"), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 3);
    assert_eq!(
        xml.matches("</testcase>").count()
            + xml.matches("\"/>\n    <testcase").count()
            + usize::from(xml.contains("\"/>\n  </testsuite>")),
        3
    );
}

#[test]
fn summary_in_chinese() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = sb.manifest("maxcompute/prepare-account");
    let (_, out, _) = sb.run(
        &[
            "run",
            &manifest,
            "--lang",
            "zh-CN",
            "--pass-env",
            "FAKE_ALIYUN_STATE",
            "--only",
            "task_maxcompute_prepare_account.s1.p1.4.3",
            "--only",
            "task_maxcompute_prepare_account.s1.p1.2",
        ],
        &[],
    );
    let expected = [
        "状态          检查项                                     标题",
        "not_reviewed  task_maxcompute_prepare_account.s1.p1.2    完成实名认证。",
        "pass          task_maxcompute_prepare_account.s1.p1.4.3  RAM用户DataWorks-admin已获授权限策略AliyunDataWorksFullAccess",
        "2 项检查：1 通过，0 失败，0 出错，0 超时，0 跳过，1 未确认",
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
}

// ---- commands that misbehave ---------------------------------------------------------------

fn misbehaving() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/manifest/run/misbehaving.toml").to_string()
}

/// Is the process gone (or dead and waiting to be reaped)?
fn dead(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with(['Z', 'X'])),
    }
}

#[test]
fn a_hanging_command_times_out_and_its_whole_group_is_killed() {
    let sb = Sandbox::new(FULL_STATE);
    let (code, r) = sb.results(&misbehaving(), &["--only", "hang"]);
    assert_eq!(code, 1);
    let c = check(&r, "hang");
    assert_eq!(c["state"], "timeout");
    assert_eq!(c["message"], "no answer within 1 s; its process group was killed");
    assert_eq!(c["stdout"], "hanging\n");
    let pids = std::fs::read_to_string(sb.path("pids.txt")).unwrap();
    let pids: Vec<&str> = pids.split_whitespace().collect();
    assert_eq!(pids.len(), 2, "child and grandchild");
    // SIGKILL is delivered before `run` returns; the loop is a limit, not a timing claim.
    for _ in 0..500 {
        if pids.iter().all(|p| dead(p)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    for p in &pids {
        assert!(dead(p), "process {p} survived the timeout");
    }
}

#[test]
fn a_flooding_command_is_capped_and_the_run_completes() {
    let sb = Sandbox::new(FULL_STATE);
    let (_, r) = sb.results(&misbehaving(), &["--only", "flood"]);
    let c = check(&r, "flood");
    assert_eq!(c["state"], "pass");
    assert_eq!(c["stdout"].as_str().unwrap().len(), 64 * 1024);
    assert_eq!(c["stderr"].as_str().unwrap().len(), 64 * 1024);
    assert_eq!((c["stdout_truncated"].as_bool(), c["stderr_truncated"].as_bool()), (Some(true), Some(true)));
}

#[test]
fn a_crashing_command_is_an_error_and_blocks_its_dependents() {
    let sb = Sandbox::new(FULL_STATE);
    let (code, r) = sb.results(&misbehaving(), &["--from", "crash"]);
    assert_eq!(code, 1);
    let c = check(&r, "crash");
    assert_eq!(c["state"], "error");
    assert_eq!(c["signal"], 6);
    assert_eq!(c["message"], "killed by signal 6");
    assert_eq!(check(&r, "missing-program")["state"], "error");
    assert_eq!(check(&r, "missing-program")["message"], "program `preflight-no-such-program` not found on PATH");
    assert_eq!(check(&r, "after-crash")["state"], "skipped");
}

#[test]
fn hostile_arguments_arrive_as_one_argument_each_verbatim() {
    let sb = Sandbox::new(FULL_STATE);
    let (_, r) = sb.results(&misbehaving(), &["--only", "injection"]);
    let c = check(&r, "injection");
    assert_eq!(c["state"], "pass");
    let argv: Vec<String> = serde_json::from_str(c["stdout"].as_str().unwrap()).unwrap();
    assert_eq!(argv, ["$(id)", "a;b", "`id`", "x\ny", "'q' \"w\"", "| rm -rf ~ &", "{{ role }}"]);
}

/// Values that come from a guide go through rules and templates into one argument each.
#[test]
fn hostile_values_in_a_guide_stay_one_argument() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("en-US")).unwrap();
    std::fs::write(
        src.join("en-US/roles.md"),
        "# Roles {#task_roles}\n\n|Role|Policy|\n|---|---|\n|R;$HOME|$(id) `id` c|\n|x; rm -rf ~|{{ role }}|\n",
    )
    .unwrap();
    std::fs::write(
        src.join("rules.toml"),
        "rules_version = 1\n\n[[rule]]\nname = \"echo\"\nfrom = \"table-row\"\nrequire = [\"role\", \"policy\"]\n\
         title = { en-US = \"{{ role }}\", zh-CN = \"{{ role }}\" }\n\
         argv = [\"aliyun\", \"test\", \"argv\", \"--RoleName\", \"{{ role }}\", \"{{ policy }}\"]\n\
         expect_output = '\"{{ role }}\"'\n",
    )
    .unwrap();
    preflight::build::build(&src, &tmp.path().join("gen")).unwrap();
    let sb = Sandbox::new(FULL_STATE);
    let manifest = tmp.path().join("gen/checks/roles.toml");
    let (code, r) = sb.results(manifest.to_str().unwrap(), &[]);
    assert_eq!(code, 0, "{r:#}");
    let echoed: Vec<Vec<String>> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::from_str(c["stdout"].as_str().unwrap()).unwrap())
        .collect();
    // Whatever the model read from each row arrives as exactly one argument, unchanged.
    let project = preflight::project::discover(&src).unwrap();
    let guide = preflight::project::compile_all(&project).remove(0).guide.unwrap();
    let preflight::model::Block::Table(table) = &guide.sections[0].blocks[0] else { panic!("no table") };
    let from_model: Vec<Vec<String>> = table
        .records
        .iter()
        .map(|rec| vec!["--RoleName".to_string(), rec.role.clone().unwrap(), rec.policy.clone().unwrap()])
        .collect();
    assert_eq!(echoed, from_model);
    assert_eq!(
        echoed[1],
        ["--RoleName", "x; rm -rf ~", "{{ role }}"],
        "a value that looks like a template is not rendered"
    );
    assert_eq!(echoed[0][2], "$(id) id c");
}

#[test]
fn the_environment_is_allow_listed_and_secrets_are_masked() {
    let sb = Sandbox::new(FULL_STATE);
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCY";
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tSecretIdValue"),
        ("NOT_ALLOWED", "1"),
    ];
    let (_, out, err) = sb.run(&["run", &misbehaving(), "--only", "env", "--format", "json", "--junit", "j.xml"], &env);
    let r: Value = serde_json::from_str(&out).unwrap();
    let child_env: BTreeMap<String, String> =
        serde_json::from_str(check(&r, "env")["stdout"].as_str().unwrap()).unwrap();
    assert_eq!(
        child_env.keys().collect::<Vec<_>>(),
        ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "HOME", "PATH"],
        "FAKE_ALIYUN_STATE was not passed with --pass-env, NOT_ALLOWED is not on the list"
    );
    assert_eq!(child_env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], "****");
    assert_eq!(child_env["ALIBABA_CLOUD_ACCESS_KEY_ID"], "****");
    let xml = std::fs::read_to_string(sb.path("j.xml")).unwrap();
    for text in [&out, &err, &xml] {
        assert!(!text.contains(secret) && !text.contains("LTAI5tSecretIdValue"), "{text}");
    }
    // AccessKey ids in ordinary output are masked too.
    let (_, r) =
        sb.results(&sb.manifest("maxcompute/prepare-account"), &["--only", "task_maxcompute_prepare_account.s1.p1.3"]);
    let stdout = check(&r, "task_maxcompute_prepare_account.s1.p1.3")["stdout"].as_str().unwrap().to_string();
    assert!(stdout.contains("\"AccessKeyId\": \"LTAI****\"") && !stdout.contains("LTAI5tFake"), "{stdout}");
}

#[test]
fn the_task_list_command_prints_markdown() {
    let sb = Sandbox::new(FULL_STATE);
    let (code, out, _) = sb.run(&["tasks", &sb.manifest("emr/assign-roles"), "--lang", "zh-CN"], &[]);
    assert_eq!(code, 0);
    assert!(out.starts_with("## 为EMR授予默认角色\n\n### 默认角色\n\n- [ ] RAM角色AliyunEMRDefaultRole已存在 (`aliyun ram GetRole --RoleName AliyunEMRDefaultRole`)\n"), "{out}");
    assert!(out.contains("\n- [ ] 使用阿里云账号登录EMR控制台。"), "{out}");
    // Sections stay headings, in order, each once.
    let headings: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    let mut unique = headings.clone();
    unique.dedup();
    assert_eq!(headings, unique);
    assert!(headings.len() >= 3, "{headings:?}");
    // Several manifests: one list after the other.
    let (code, all, _) = sb.run(&["tasks", "gen/checks"], &[]);
    assert_eq!(code, 0);
    assert_eq!(all.matches("\n## ").count() + usize::from(all.starts_with("## ")), 3, "{all}");
}

// ---- hardening (issue 11) -------------------------------------------------------------------

/// A hand-written manifest in the sandbox: `checks` are `[[check]]` tables without the header.
fn write_manifest(sb: &Sandbox, name: &str, checks: &[&str]) -> String {
    let mut text = String::from(
        "manifest_version = 1\nguide = \"hostile\"\ntitle = { en-US = \"Hostile\", zh-CN = \"恶意\" }\nsource = {}\n",
    );
    for c in checks {
        text.push_str("\n[[check]]\nspan = {}\n");
        text.push_str(c);
        text.push('\n');
    }
    std::fs::write(sb.path(name), text).unwrap();
    sb.path(name).to_string_lossy().into_owned()
}

#[test]
fn a_daemonizing_grandchild_does_not_survive_the_run() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = write_manifest(
        &sb,
        "daemon.toml",
        &["id = \"daemon\"\nkind = \"automated\"\ntitle = { en-US = \"Daemonizes\", zh-CN = \"守护进程\" }\n\
           argv = [\"aliyun\", \"test\", \"daemon\", \"daemon.txt\"]"],
    );
    let (code, r) = sb.results(&manifest, &[]);
    assert_eq!((code, check(&r, "daemon")["state"].as_str()), (0, Some("pass")), "{r:#}");
    let pids = std::fs::read_to_string(sb.path("daemon.txt")).unwrap();
    let pids: Vec<&str> = pids.split_whitespace().collect();
    assert_eq!(pids.len(), 2, "the setsid grandchild and its child");
    // Killed and reaped before `run` returned; the loop is a limit, not a timing claim.
    for _ in 0..500 {
        if pids.iter().all(|p| dead(p)) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    for p in &pids {
        assert!(dead(p), "process {p} (left its process group with setsid) survived the run");
    }
}

const PLANTED_SECRET: &str = "pa\"ss\\word9<&>'";

#[test]
fn dry_run_and_tasks_mask_secrets_in_argv_and_titles() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = write_manifest(
        &sb,
        "secrets.toml",
        &[
            "id = \"a\"\nkind = \"automated\"\n\
             title = { en-US = \"Key LTAI5tPlantedKeyId01 with s3cretPlanted\", zh-CN = \"密钥 LTAI5tPlantedKeyId01 s3cretPlanted\" }\n\
             argv = [\"aliyun\", \"test\", \"argv\", \"--AccessKeyId\", \"LTAI5tPlantedKeyId01\", \"--Secret\", \"s3cretPlanted\", \"password=hunter22\"]",
            "id = \"m\"\nkind = \"manual\"\ntitle = { en-US = \"Paste s3cretPlanted\", zh-CN = \"粘贴 s3cretPlanted\" }",
        ],
    );
    let env = [("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cretPlanted")];
    for args in [
        vec!["run", manifest.as_str(), "--dry-run"],
        vec!["run", manifest.as_str(), "--dry-run", "--format", "json"],
        vec!["run", manifest.as_str(), "--dry-run", "--lang", "zh-CN"],
        vec!["tasks", manifest.as_str()],
        vec!["tasks", manifest.as_str(), "--lang", "zh-CN"],
    ] {
        let (code, out, err) = sb.run(&args, &env);
        assert_eq!(code, 0, "{args:?}: {err}");
        for planted in ["LTAI5tPlantedKeyId01", "s3cretPlanted", "hunter22"] {
            assert!(!out.contains(planted) && !err.contains(planted), "{args:?} leaked {planted}:\n{out}");
        }
        assert!(out.contains("LTAI****") && out.contains("****"), "{args:?}:\n{out}");
    }
    let (_, json, _) = sb.run(&["run", &manifest, "--dry-run", "--format", "json"], &env);
    let v: Value = serde_json::from_str(&json).expect("masked JSON is still JSON");
    assert_eq!(v[0]["argv"][4], "LTAI****");
}

#[test]
fn secrets_are_masked_in_their_json_and_xml_escaped_forms() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = write_manifest(
        &sb,
        "escaped.toml",
        &[
            "id = \"json\"\nkind = \"automated\"\ntitle = { en-US = \"JSON\", zh-CN = \"JSON\" }\nargv = [\"aliyun\", \"test\", \"env\"]",
            "id = \"xml\"\nkind = \"automated\"\ntitle = { en-US = \"XML\", zh-CN = \"XML\" }\nargv = [\"aliyun\", \"test\", \"env-xml\"]",
        ],
    );
    let env = [("ALIBABA_CLOUD_ACCESS_KEY_SECRET", PLANTED_SECRET)];
    let (_, out, err) = sb.run(&["run", &manifest, "--format", "json", "--junit", "j.xml"], &env);
    let r: Value = serde_json::from_str(&out).unwrap();
    let json_out = check(&r, "json")["stdout"].as_str().unwrap();
    let xml_out = check(&r, "xml")["stdout"].as_str().unwrap();
    assert!(json_out.contains("\"ALIBABA_CLOUD_ACCESS_KEY_SECRET\": \"****\""), "{json_out}");
    assert!(xml_out.contains("name=\"ALIBABA_CLOUD_ACCESS_KEY_SECRET\" value=\"****\""), "{xml_out}");
    let junit = std::fs::read_to_string(sb.path("j.xml")).unwrap();
    for text in [json_out, xml_out, &out, &err, &junit] {
        for fragment in ["word9", "pa\\\"ss", "pa&quot;ss"] {
            assert!(!text.contains(fragment), "{fragment} leaked:\n{text}");
        }
    }
}

#[test]
fn control_characters_reach_the_terminal_escaped() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = write_manifest(
        &sb,
        "escapes.toml",
        &[
            "id = \"esc\"\nkind = \"automated\"\n\
             title = { en-US = \"Red \\u001b[31mtitle\\u001b]0;pwned\\u0007\", zh-CN = \"红 \\u001b[31m\" }\n\
             argv = [\"aliyun\", \"test\", \"print\", \"\\u001b[2Jcleared\"]\nexpect_output = \"\\u001b\\\\[9m\"",
            "id = \"m\"\nkind = \"manual\"\ntitle = { en-US = \"Bidi \\u202e txt.exe\", zh-CN = \"\\u009b31m\" }",
        ],
    );
    for args in [
        vec!["run", manifest.as_str()],
        vec!["run", manifest.as_str(), "--lang", "zh-CN"],
        vec!["run", manifest.as_str(), "--dry-run"],
        vec!["tasks", manifest.as_str()],
        vec!["tasks", manifest.as_str(), "--lang", "zh-CN"],
    ] {
        let (_, out, err) = sb.run(&args, &[]);
        for text in [&out, &err] {
            assert!(!text.chars().any(preflight::term::is_unsafe), "{args:?}: raw control character in {text:?}");
        }
        assert!(
            out.contains("\\x1b[31m") || out.contains("\\u{9b}31m") || err.contains("\\x1b[31m"),
            "{args:?}: {out}"
        );
    }
    let (_, _, err) = sb.run(&["run", &manifest], &[]);
    assert!(err.contains("Red \\x1b[31mtitle\\x1b]0;pwned\\x07"), "{err}");
    assert!(err.contains("output does not match `\\x1b\\[9m`"), "{err}");
    // The JSON results keep the text exact (JSON escapes it its own way).
    let (_, r) = sb.results(&manifest, &[]);
    assert_eq!(check(&r, "esc")["stdout"], "\u{1b}[2Jcleared\n");
}

#[test]
fn diagnostics_show_control_characters_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("en-US")).unwrap();
    std::fs::write(src.join("en-US/bad\u{1b}[2J.md"), b"# x\n\nab\xffc\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["build", "--src"])
        .arg(&src)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("en-US/bad\\x1b[2J.md:3:3: error[input::invalid-utf8]"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

// ---- checklists for platform teams (issue 15) -------------------------------------------------

/// The run of all three docs-src manifests: a folder, several files, or the build's default.
#[test]
fn a_folder_or_several_manifests_give_one_aggregate_report() {
    let state = FULL_STATE.replace("policies = [\"AliyunEMRRolePolicy\"]", "policies = []");
    let sb = Sandbox::new(&state);
    let (code, r) = sb.results("gen/checks", &["--kind", "automated", "--junit", "all.xml", "--deterministic"]);
    assert_eq!(code, 1);
    let guides: Vec<&str> = r["guides"].as_array().unwrap().iter().map(|g| g["guide"].as_str().unwrap()).collect();
    assert_eq!(guides, ["task_emr_assign_roles", "task_emr_prepare_account", "task_maxcompute_prepare_account"]);
    let total: u64 = r["guides"].as_array().unwrap().iter().map(|g| g["counts"]["total"].as_u64().unwrap()).sum();
    assert_eq!(r["counts"]["total"].as_u64(), Some(total));
    assert_eq!(r["guides"][0]["exit_code"], 1);
    assert_eq!(r["guides"][2]["exit_code"], 0);
    assert!(r["checks"].as_array().unwrap().iter().all(|c| c["kind"] == "automated"));
    let xml = std::fs::read_to_string(sb.path("all.xml")).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 3, "one suite per guide");
    assert!(xml.contains("<testsuite name=\"task_maxcompute_prepare_account\""), "{xml}");

    // Two files: the same as the folder restricted to them.
    let (_, two) = sb.results(
        &sb.manifest("emr/assign-roles"),
        &[&sb.manifest("maxcompute/prepare-account"), "--kind", "automated", "--deterministic"],
    );
    assert_eq!(two["guides"].as_array().unwrap().len(), 2);

    // No argument: every manifest of the build (`generated/checks` of the project).
    std::os::unix::fs::symlink(sb.path("gen"), sb.path("generated")).unwrap();
    let (code, out, err) = sb.run(&["run", "--kind", "automated", "--pass-env", "FAKE_ALIYUN_STATE"], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("── Assign the default EMR roles (generated/checks/emr/assign-roles.toml)\n"), "{out}");
    assert!(
        out.ends_with(&format!(
            "3 guides, {total} checks: {} pass, 1 fail, 0 error, 0 timeout, 0 skipped, 0 not_reviewed\n",
            total - 1
        )),
        "{out}"
    );
    // The failure says why, under the check.
    assert!(out.contains("              output does not match `\"PolicyName\":\\s*\"AliyunEMRRolePolicy\"`\n                stdout:   \"Policies\": {\n"), "{out}");
}

#[test]
fn a_missing_role_shows_its_stderr_under_the_check() {
    let state =
        FULL_STATE.replace("[roles.AliyunEMRManagedCostRole]\npolicies = [\"AliyunEMRManagedCostRolePolicy\"]\n", "");
    let sb = Sandbox::new(&state);
    let r4 = "task_emr_assign_roles.s1.t1.r4";
    let (code, out, _) = sb.run(
        &[
            "run",
            &sb.manifest("emr/assign-roles"),
            "--only",
            &format!("{r4}~*"),
            "--input",
            "cost_analysis=true",
            "--pass-env",
            "FAKE_ALIYUN_STATE",
        ],
        &[],
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[1], format!("fail          {r4}~role-exists           RAM role AliyunEMRManagedCostRole exists"));
    assert_eq!(lines[2], "              exit code 1, expected 0");
    assert_eq!(lines[3], "                stderr: ERROR: SDK.ServerError");
    assert_eq!(lines[4], "                stderr: ErrorCode: EntityNotExist.Role");
    assert_eq!(lines[5], "                stderr: Message: The role does not exist: AliyunEMRManagedCostRole.");
    assert!(lines[6].starts_with(&format!("skipped       {r4}~role-policy-attached")), "{out}");
}

#[test]
fn selection_by_kind_rule_guide_and_id_prefix() {
    let sb = Sandbox::new(FULL_STATE);
    let ids = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["--deterministic"];
        args.extend_from_slice(extra);
        let (_, r) = sb.results("gen/checks", &args);
        states(&r).into_keys().collect()
    };
    let manual = ids(&["--kind", "manual"]);
    let automated = ids(&["--kind", "automated"]);
    let all = ids(&[]);
    assert_eq!(manual.len() + automated.len(), all.len());
    assert!(manual.iter().all(|id| !automated.contains(id)));
    let by_rule = ids(&["--rule", "role-exists"]);
    assert_eq!(by_rule.len(), 5);
    assert!(by_rule.iter().all(|id| id.ends_with("~role-exists")));
    let by_guide = ids(&["--guide", "task_maxcompute_prepare_account"]);
    assert!(!by_guide.is_empty() && by_guide.iter().all(|id| id.starts_with("task_maxcompute_prepare_account.")));
    let prefix = ids(&["--only", "task_emr_assign_roles.s1.t1.r1~*"]);
    assert_eq!(
        prefix,
        ["task_emr_assign_roles.s1.t1.r1~role-exists", "task_emr_assign_roles.s1.t1.r1~role-policy-attached"]
    );
    let both = ids(&["--kind", "manual", "--guide", "task_emr_assign_roles"]);
    assert_eq!(both.len(), 4);
    let (code, _, err) = sb.run(&["run", "gen/checks", "--only", "task_nothing.*"], &[]);
    assert_eq!(code, 2);
    assert_eq!(err, "error: no check `task_nothing.*` in the 3 manifests given\n");
}

#[test]
fn rerun_failed_runs_only_what_failed() {
    let start = FULL_STATE.find("[users.DataWorks-admin]").unwrap();
    let sb = Sandbox::new(&FULL_STATE[..start]);
    let (code, out, _) = sb
        .run(&["run", "gen/checks", "--kind", "automated", "--format", "json", "--pass-env", "FAKE_ALIYUN_STATE"], &[]);
    assert_eq!(code, 1);
    std::fs::write(sb.path("first.json"), &out).unwrap();
    let first: Value = serde_json::from_str(&out).unwrap();
    let failed: Vec<String> = states(&first).into_iter().filter(|(_, s)| s == "fail").map(|(id, _)| id).collect();
    assert_eq!(failed, ["task_maxcompute_prepare_account.s1.p1.4.1~user-exists"]);
    // The user is created; only the failed check runs again, and passes.
    std::fs::write(sb.path("state.toml"), FULL_STATE).unwrap();
    let (code, again) = sb.results("gen/checks", &["--rerun-failed", "first.json"]);
    assert_eq!(code, 0);
    assert_eq!(states(&again).into_keys().collect::<Vec<_>>(), failed);
    std::fs::write(sb.path("bad.json"), "{\"checks\": 3}").unwrap();
    let (code, _, err) = sb.run(&["run", "gen/checks", "--rerun-failed", "bad.json"], &[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: bad.json:1:"), "{err}");
}

#[test]
fn the_answers_template_lists_every_manual_check_in_both_languages() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = sb.manifest("emr/assign-roles");
    let (code, template, _) = sb.run(&["answers", &manifest], &[]);
    assert_eq!(code, 0);
    assert_eq!(template.matches("\n# \"task_emr_assign_roles.").count(), 4, "{template}");
    assert!(template.contains("# en-US: Log on to the EMR console with your Alibaba Cloud account.\n# zh-CN: 使用阿里云账号登录EMR控制台。\n"), "{template}");
    // As written, nothing is answered: the template passes nothing.
    std::fs::write(sb.path("answers.toml"), &template).unwrap();
    let (_, r) = sb.results(&manifest, &["--answers", "answers.toml", "--kind", "manual"]);
    assert!(states(&r).values().all(|s| s == "not_reviewed"));
    // Uncommented, every manual check is answered.
    let filled = template.replace("# \"task_", "\"task_");
    std::fs::write(sb.path("answers.toml"), filled).unwrap();
    let (code, r) = sb.results(&manifest, &["--answers", "answers.toml", "--kind", "manual"]);
    assert_eq!(code, 0);
    assert_eq!(states(&r).len(), 4);
    assert!(states(&r).values().all(|s| s == "pass"));
    // `-o` never replaces a file.
    let (code, _, err) = sb.run(&["answers", &manifest, "-o", "answers.toml"], &[]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_condition_that_does_not_apply_is_skipped_with_its_reason() {
    let state = FULL_STATE.replace(
        "[roles.AliyunECSInstanceForEMRStudioRole]\npolicies = [\"AliyunECSInstanceForEMRStudioRolePolicy\"]\n",
        "",
    );
    let sb = Sandbox::new(&state);
    let manifest = sb.manifest("emr/assign-roles");
    let studio = "task_emr_assign_roles.s1.t1.r5~role-exists";
    // Not said: a check needed only sometimes fails without failing the run.
    let (code, r) = sb.results(&manifest, &["--kind", "automated"]);
    assert_eq!(
        (code, check(&r, studio)["state"].as_str(), check(&r, studio)["required"].as_bool()),
        (0, Some("fail"), Some(false))
    );
    // The account uses Studio: required, and the run fails.
    let (code, r) = sb.results(&manifest, &["--kind", "automated", "--input", "emr_studio=true"]);
    assert_eq!((code, check(&r, studio)["required"].as_bool()), (1, Some(true)));
    // It does not: skipped, with the condition as the reason.
    std::fs::write(sb.path("inputs.toml"), "emr_studio = false\n").unwrap();
    let (code, r) = sb.results(&manifest, &["--kind", "automated", "--inputs", "inputs.toml"]);
    assert_eq!(code, 0);
    assert_eq!(check(&r, studio)["state"], "skipped");
    assert_eq!(
        check(&r, studio)["message"],
        "condition does not apply (input emr_studio = false): The first time you create an EMR Studio cluster."
    );
    // A row whose condition always applies stays required.
    assert_eq!(check(&r, "task_emr_assign_roles.s1.t1.r1~role-exists")["required"], true);
    let (code, _, err) = sb.run(&["run", &manifest, "--input", "emr studio=1"], &[]);
    assert_eq!(code, 2, "{err}");
    let (_, r) = sb.results(&manifest, &["--kind", "automated", "--input", "emr_studio=maybe"]);
    assert_eq!(check(&r, studio)["state"], "error");
}

#[test]
fn results_carry_a_context_block_unless_deterministic() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = sb.manifest("maxcompute/prepare-account");
    let (_, r) = sb.results(&manifest, &["--kind", "automated", "--profile", "ci", "--region", "cn-hangzhou"]);
    let ctx = &r["context"];
    let started = ctx["started_at"].as_str().unwrap();
    assert!(regex::Regex::new(r"^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$").unwrap().is_match(started), "{started}");
    assert_eq!(ctx["preflight_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!((ctx["profile"].as_str(), ctx["region"].as_str()), (Some("ci"), Some("cn-hangzhou")));
    let (_, a) = sb.results(&manifest, &["--kind", "automated", "--deterministic"]);
    assert!(a.get("context").is_none());
    let (_, b) = sb.results(&manifest, &["--kind", "automated", "--deterministic"]);
    let strip = |mut v: Value| {
        for c in v["checks"].as_array_mut().unwrap() {
            c["duration_ms"] = 0.into();
        }
        v
    };
    assert_eq!(strip(a), strip(b), "deterministic results differ only in duration_ms");
}

#[test]
fn a_guide_instead_of_a_manifest_says_which_manifest_to_pass() {
    let sb = Sandbox::new(FULL_STATE);
    let guide = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs-src/en-US/emr/assign-roles.md");
    let expected = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("generated/checks/emr/assign-roles.toml");
    for cmd in ["run", "tasks", "answers"] {
        let (code, out, err) = sb.run(&[cmd, guide.to_str().unwrap()], &[]);
        assert_eq!((code, out.as_str()), (2, ""), "{cmd}");
        assert_eq!(
            err,
            format!(
                "error: {}: this is a guide, not a check manifest; build it (`preflight build`) and pass {}\n",
                guide.display(),
                expected.display()
            ),
            "{cmd}"
        );
    }
    std::fs::create_dir(sb.path("empty")).unwrap();
    let (code, _, err) = sb.run(&["run", "empty"], &[]);
    assert_eq!((code, err.as_str()), (2, "error: empty: no manifests (*.toml) in this folder\n"));
    let (code, _, err) = sb.run(&["run"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("run `preflight build` first"), "{err}");
}

#[test]
fn github_and_markdown_reports_escape_and_mask() {
    let sb = Sandbox::new(FULL_STATE);
    let manifest = write_manifest(
        &sb,
        "gh.toml",
        &[
            "id = \"env\"\nkind = \"automated\"\ntitle = { en-US = \"Env ::error::x\", zh-CN = \"环境\" }\nargv = [\"aliyun\", \"test\", \"env\"]\nexpect_exit = 1",
            "id = \"optional\"\nkind = \"automated\"\ntitle = { en-US = \"Optional\", zh-CN = \"可选\" }\nargv = [\"aliyun\", \"test\", \"crash\"]\nrequired = false",
        ],
    );
    let env = [("ALIBABA_CLOUD_ACCESS_KEY_SECRET", PLANTED_SECRET)];
    let (code, gh, _) = sb.run(&["run", &manifest, "--format", "github", "--summary", "summary.md"], &env);
    assert_eq!(code, 1);
    let lines: Vec<&str> = gh.lines().collect();
    assert_eq!(lines.len(), 3, "{gh}");
    assert!(lines[0].starts_with("::error title=fail env::Env ::error::x: exit code 0, expected 1%0Astdout:   \"ALIBABA_CLOUD_ACCESS_KEY_SECRET\": \"****\""), "{gh}");
    assert!(lines[1].starts_with("::warning title=error optional::Optional: killed by signal"), "{gh}");
    assert!(lines[2].starts_with("::notice title=preflight::2 checks in 1 guides: 0 pass"), "{gh}");
    let md = std::fs::read_to_string(sb.path("summary.md")).unwrap();
    assert!(md.starts_with("## preflight: failed\n\n2 checks in 1 guides: 0 pass, 1 fail, 1 error"), "{md}");
    assert!(md.contains("| Hostile | `") && md.contains("gh.toml` | 0 | 1 | 1 | 0 | 0 | 0 |"), "{md}");
    assert!(md.contains("- **fail** `env`: Env ::error::x\n  exit code 0, expected 1\n  ```text\n"), "{md}");
    for text in [&gh, &md] {
        for fragment in ["word9", "pa\\\"ss", "pa&quot;ss", "pa%22ss", "pa\"ss"] {
            assert!(!text.contains(fragment), "{fragment} leaked:\n{text}");
        }
    }
}

/// A project without a rules file gets the shipped RAM rules: steps of RAM procedures in
/// either language become read-only checks that take the names from inputs.
#[test]
fn the_shipped_ram_rules_bind_steps_and_take_names_from_inputs() {
    let sb = Sandbox::new(FULL_STATE);
    let project = sb.path("ram");
    for (locale, page) in [
        (
            "en-US",
            "---\ntags: [onboarding]\n---\n# Create a RAM user\n\n1. Log on to the RAM console.\n2. On the Users page, click **Create User**.\n3. In the **Access Mode** section, select **Console Password Logon**.\n4. On the Groups page, click **Create Group**.\n5. On the **Authentication** tab, click **Enable the Virtual MFA Device**.\n",
        ),
        (
            "zh-CN",
            "# 创建RAM用户\n\n1. 登录RAM控制台。\n2. 在用户页面，单击**创建用户**。\n3. 在访问方式区域，选择控制台密码登录。\n4. 在用户组页面，单击**创建用户组**。\n5. 单击**启用虚拟MFA设备**。\n",
        ),
    ] {
        std::fs::create_dir_all(project.join(locale)).unwrap();
        std::fs::write(project.join(locale).join("create-user.md"), page).unwrap();
    }
    preflight::build::build(&project, &sb.path("ram-out")).unwrap();
    let manifest = sb.path("ram-out/checks/create-user.toml").to_string_lossy().into_owned();
    let text = std::fs::read_to_string(&manifest).unwrap();
    for rule in ["ram-user-exists", "ram-console-logon", "ram-group-exists", "ram-mfa-enabled"] {
        assert!(text.contains(&format!("rule = \"{rule}\"")), "{rule}:\n{text}");
    }
    assert!(
        text.contains("argv = [\"aliyun\", \"ram\", \"GetUser\", \"--UserName\", \"{{ inputs.user }}\"]"),
        "{text}"
    );
    let state = format!("{FULL_STATE}\n[users.alice]\nlogin_profile = false\n[groups.admins]\n")
        .replace("account_id = ", "mfa_devices = [\"acs:ram::1:mfa/alice\"]\naccount_id = ");
    std::fs::write(sb.path("state.toml"), state).unwrap();
    let (_, r) = sb.results(&manifest, &["--kind", "automated"]);
    let s = states(&r);
    let id = |step: &str| format!("create-user.s0.p1.{step}");
    assert_eq!(s[&id("2")], "skipped");
    assert_eq!(check(&r, &id("2"))["message"], "needs input `user` (--input user=…, or the inputs file)");
    assert_eq!(s[&id("5")], "pass", "no input needed");
    let (_, r) = sb.results(&manifest, &["--kind", "automated", "--input", "user=alice", "--input", "group=admins"]);
    let s = states(&r);
    assert_eq!((s[&id("2")].as_str(), s[&id("3")].as_str(), s[&id("4")].as_str()), ("pass", "fail", "pass"));
    assert_eq!(check(&r, &id("2"))["argv"], serde_json::json!(["aliyun", "ram", "GetUser", "--UserName", "alice"]));
    let (_, r) = sb.results(&manifest, &["--tag", "ram-group", "--input", "group=nobody"]);
    assert_eq!(states(&r), BTreeMap::from([(id("4"), "fail".to_string())]));
    // The guide's front matter tags every check of it, manual ones too.
    let (_, r) = sb.results(&manifest, &["--tag", "onboarding"]);
    assert_eq!(states(&r).len(), 5);
}
