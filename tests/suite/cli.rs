//! The command line as a user meets it: exit codes and what is printed.

use std::process::Command;

fn preflight(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run preflight");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn inspect_prints_the_outline_and_json() {
    let (code, out, _) = preflight(&["inspect", "docs-src/en-US/emr/assign-roles.md"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("guide task_emr_assign_roles (Task, en-US"), "{out}");
    assert!(out.contains("record row 0: role=Some(\"AliyunEMRDefaultRole\") policy=Some(\"AliyunEMRRolePolicy\")"));
    let (code, out, _) = preflight(&["inspect", "--format", "json", "docs-src/zh-CN/emr/assign-roles.md"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], preflight::model::SCHEMA_VERSION);
    assert_eq!(v["locale"], "zh-CN");
}

#[test]
fn usage_and_input_errors_exit_2() {
    let (code, _, err) = preflight(&["inspect", "no/such/file.md"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/file.md"), "{err}");
    let (code, _, _) = preflight(&["frobnicate"]);
    assert_eq!(code, 2);
    let (code, _, err) = preflight(&["build", "--src", "no-such-dir", "--out", "target/never"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-dir: no such directory"), "{err}");
}

#[test]
fn schema_is_the_committed_copy() {
    let (code, out, _) = preflight(&["schema"]);
    assert_eq!(code, 0);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/generated/schema/guide.schema.json")).unwrap();
    assert_eq!(out, committed);
}
