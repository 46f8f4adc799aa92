//! A fake `aliyun` CLI for the tests of `preflight run`: it answers the read-only RAM and STS
//! calls the rules use (docs-src/rules.toml and the shipped rules/ram.toml) from an
//! account-state file (`FAKE_ALIYUN_STATE`, TOML; its format is in README), with JSON on
//! stdout and exit code 0, or an error on stderr and exit code 1, the way the real CLI does.
//!
//! `aliyun test …` are the misbehaving commands the runner must survive: `argv` (prints its
//! arguments as JSON), `env` (prints its environment as JSON), `hang PIDFILE` (starts a
//! grandchild, writes both pids, sleeps forever), `flood` (megabytes on both pipes),
//! `crash` (aborts), `daemon PIDFILE` (a grandchild that calls `setsid` and starts one more
//! process, then exits while they live on), `print TEXT` (prints TEXT), `env-xml` (its
//! `ALIBABA_CLOUD_*` variables as XML).
//!
//! A test helper, not part of preflight: it never touches the network or any file but the
//! state file and the pid file it is given.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct State {
    account_id: String,
    #[serde(default)]
    access_keys: Vec<AccessKey>,
    #[serde(default)]
    roles: BTreeMap<String, Role>,
    #[serde(default)]
    users: BTreeMap<String, User>,
    #[serde(default)]
    groups: BTreeMap<String, Group>,
    /// Names of the account's custom policies.
    #[serde(default)]
    custom_policies: Vec<String>,
    /// Serial numbers of the bound virtual MFA devices.
    #[serde(default)]
    mfa_devices: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    #[serde(default)]
    policies: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessKey {
    id: String,
    status: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Role {
    #[serde(default)]
    policies: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct User {
    #[serde(default)]
    login_profile: bool,
    #[serde(default)]
    policies: Vec<String>,
    #[serde(default)]
    access_keys: Vec<AccessKey>,
    /// Groups the user belongs to.
    #[serde(default)]
    groups: Vec<String>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("test") {
        return test_command(&args[1..]);
    }
    let state = match load_state() {
        Ok(s) => s,
        Err(e) => return error("InvalidCredentials", &e),
    };
    let flag = |name: &str| args.windows(2).find(|w| w[0] == format!("--{name}")).map(|w| w[1].clone());
    let request_id = "3C6A2B1F-0000-4000-8000-000000000000";
    let policies = |names: &[String]| json!({"Policy": names.iter().map(|p| json!({"PolicyName": p, "PolicyType": "System", "AttachDate": "2024-01-01T00:00:00Z"})).collect::<Vec<_>>()});
    let keys = |keys: &[AccessKey]| json!({"AccessKey": keys.iter().map(|k| json!({"AccessKeyId": k.id, "Status": k.status, "CreateDate": "2024-01-01T00:00:00Z"})).collect::<Vec<_>>()});
    let api: Vec<&str> = args.iter().take(2).map(String::as_str).collect();
    let role = || {
        let name = flag("RoleName").unwrap_or_default();
        state.roles.get(&name).map(|r| (name.clone(), r)).ok_or(name)
    };
    let user = || {
        let name = flag("UserName").unwrap_or_default();
        state.users.get(&name).map(|u| (name.clone(), u)).ok_or(name)
    };
    let group = || {
        let name = flag("GroupName").unwrap_or_default();
        state.groups.get(&name).map(|g| (name.clone(), g)).ok_or(name)
    };
    let answer = match api.as_slice() {
        ["ram", "GetRole"] => role().map(|(name, _)| {
            json!({"RequestId": request_id, "Role": {"RoleName": name, "Arn": format!("acs:ram::{}:role/{}", state.account_id, name.to_lowercase()), "RoleId": "300000000000000000"}})
        }).map_err(|n| ("EntityNotExist.Role", format!("The role does not exist: {n}."))),
        ["ram", "ListPoliciesForRole"] => role()
            .map(|(_, r)| json!({"RequestId": request_id, "Policies": policies(&r.policies)}))
            .map_err(|n| ("EntityNotExist.Role", format!("The role does not exist: {n}."))),
        ["ram", "GetUser"] => user()
            .map(|(name, _)| json!({"RequestId": request_id, "User": {"UserName": name, "UserId": "200000000000000000", "DisplayName": name}}))
            .map_err(|n| ("EntityNotExist.User", format!("The user does not exist: {n}."))),
        ["ram", "GetLoginProfile"] => match user() {
            Ok((name, u)) if u.login_profile => Ok(json!({"RequestId": request_id, "LoginProfile": {"UserName": name, "PasswordResetRequired": false, "MFABindRequired": false}})),
            Ok((name, _)) => Err(("EntityNotExist.User.LoginProfile", format!("The login profile of the user does not exist: {name}."))),
            Err(n) => Err(("EntityNotExist.User", format!("The user does not exist: {n}."))),
        },
        ["ram", "ListPoliciesForUser"] => user()
            .map(|(_, u)| json!({"RequestId": request_id, "Policies": policies(&u.policies)}))
            .map_err(|n| ("EntityNotExist.User", format!("The user does not exist: {n}."))),
        ["ram", "ListAccessKeys"] => match flag("UserName") {
            None => Ok(json!({"RequestId": request_id, "AccessKeys": keys(&state.access_keys)})),
            Some(_) => user()
                .map(|(_, u)| json!({"RequestId": request_id, "AccessKeys": keys(&u.access_keys)}))
                .map_err(|n| ("EntityNotExist.User", format!("The user does not exist: {n}."))),
        },
        ["ram", "GetGroup"] => group()
            .map(|(name, _)| json!({"RequestId": request_id, "Group": {"GroupName": name, "Comments": ""}}))
            .map_err(|n| ("EntityNotExist.Group", format!("The group does not exist: {n}."))),
        ["ram", "ListPoliciesForGroup"] => group()
            .map(|(_, g)| json!({"RequestId": request_id, "Policies": policies(&g.policies)}))
            .map_err(|n| ("EntityNotExist.Group", format!("The group does not exist: {n}."))),
        ["ram", "ListGroupsForUser"] => user()
            .map(|(_, u)| json!({"RequestId": request_id, "Groups": {"Group": u.groups.iter().map(|g| json!({"GroupName": g, "JoinDate": "2024-01-01T00:00:00Z"})).collect::<Vec<_>>()}}))
            .map_err(|n| ("EntityNotExist.User", format!("The user does not exist: {n}."))),
        ["ram", "GetPolicy"] => {
            let name = flag("PolicyName").unwrap_or_default();
            if flag("PolicyType").as_deref() == Some("Custom") && state.custom_policies.contains(&name) {
                Ok(json!({"RequestId": request_id, "Policy": {"PolicyName": name, "PolicyType": "Custom", "DefaultVersion": "v1"}}))
            } else {
                Err(("EntityNotExist.Policy", format!("The policy does not exist: {name}.")))
            }
        }
        ["ram", "ListVirtualMFADevices"] => Ok(json!({"RequestId": request_id, "VirtualMFADevices": {"VirtualMFADevice": state.mfa_devices.iter().map(|d| json!({"SerialNumber": d, "ActivateDate": "2024-01-01T00:00:00Z"})).collect::<Vec<_>>()}})),
        ["sts", "GetCallerIdentity"] => Ok(json!({
            "RequestId": request_id, "AccountId": state.account_id, "IdentityType": "Account",
            "Arn": format!("acs:ram::{}:root", state.account_id), "PrincipalId": state.account_id,
        })),
        _ => Err(("InvalidApi", format!("unknown command: {}", args.join(" ")))),
    };
    match answer {
        Ok(v) => {
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err((code, message)) => error(code, &message),
    }
}

fn error(code: &str, message: &str) -> ExitCode {
    eprintln!("ERROR: SDK.ServerError\nErrorCode: {code}\nMessage: {message}");
    ExitCode::from(1)
}

fn load_state() -> Result<State, String> {
    let path = std::env::var_os("FAKE_ALIYUN_STATE").ok_or("FAKE_ALIYUN_STATE is not set")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.to_string_lossy()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.to_string_lossy()))
}

fn test_command(args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("argv") => {
            println!("{}", Value::from(args[1..].to_vec()));
            ExitCode::SUCCESS
        }
        Some("env") => {
            let env: BTreeMap<String, String> = std::env::vars().collect();
            println!("{}", serde_json::to_string_pretty(&env).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Some("hang") => {
            let Some(pidfile) = args.get(1) else { return ExitCode::from(2) };
            let Ok(me) = std::env::current_exe() else { return ExitCode::from(2) };
            let Ok(child) = std::process::Command::new(me).args(["test", "sleep"]).spawn() else {
                return ExitCode::from(2);
            };
            let pids = format!("{} {}\n", std::process::id(), child.id());
            let tmp = format!("{pidfile}.tmp");
            if std::fs::write(&tmp, pids).and_then(|()| std::fs::rename(&tmp, pidfile)).is_err() {
                return ExitCode::from(2);
            }
            println!("hanging");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        }
        Some("daemon") => {
            let Some(pidfile) = args.get(1) else { return ExitCode::from(2) };
            let Ok(me) = std::env::current_exe() else { return ExitCode::from(2) };
            if std::process::Command::new(me).args(["test", "daemon-child", pidfile]).spawn().is_err() {
                return ExitCode::from(2);
            }
            // Exit once the daemon is settled, leaving it behind.
            for _ in 0..1000 {
                if std::path::Path::new(pidfile).exists() {
                    println!("daemonized");
                    return ExitCode::SUCCESS;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            ExitCode::from(3)
        }
        Some("daemon-child") => {
            let Some(pidfile) = args.get(1) else { return ExitCode::from(2) };
            // SAFETY: plain syscall; leaves the process group and the session of the run.
            unsafe { libc::setsid() };
            let Ok(me) = std::env::current_exe() else { return ExitCode::from(2) };
            let Ok(child) = std::process::Command::new(me).args(["test", "sleep"]).spawn() else {
                return ExitCode::from(2);
            };
            let pids = format!("{} {}\n", std::process::id(), child.id());
            let tmp = format!("{pidfile}.tmp");
            if std::fs::write(&tmp, pids).and_then(|()| std::fs::rename(&tmp, pidfile)).is_err() {
                return ExitCode::from(2);
            }
            loop {
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        }
        Some("print") => {
            println!("{}", args.get(1).map(String::as_str).unwrap_or(""));
            ExitCode::SUCCESS
        }
        Some("env-xml") => {
            let esc =
                |v: &str| v.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;").replace('\'', "&apos;");
            let mut out = String::from("<env>\n");
            for (k, v) in std::env::vars().filter(|(k, _)| k.starts_with("ALIBABA_CLOUD_")) {
                out.push_str(&format!("  <var name=\"{k}\" value=\"{}\"/>\n", esc(&v)));
            }
            out.push_str("</env>");
            println!("{out}");
            ExitCode::SUCCESS
        }
        Some("sleep") => loop {
            std::thread::sleep(std::time::Duration::from_secs(60));
        },
        Some("flood") => {
            let line = [b'x'; 1023];
            let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
            for _ in 0..8 * 1024 {
                if out.write_all(&line).and_then(|()| out.write_all(b"\n")).is_err()
                    || err.write_all(&line[..511]).and_then(|()| err.write_all(b"\n")).is_err()
                {
                    return ExitCode::from(3);
                }
            }
            let _ = writeln!(out, "flood done");
            ExitCode::SUCCESS
        }
        Some("crash") => {
            eprintln!("about to crash");
            std::process::abort()
        }
        _ => {
            eprintln!("ERROR: unknown test command");
            ExitCode::from(2)
        }
    }
}
