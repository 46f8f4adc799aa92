//! `run`: carry out the checks of a manifest and say, for each, what happened.
//!
//! Automated checks run through [`exec`] (argument lists, no shell, a process group each,
//! a timeout, capped output, an allow-listed environment). Manual checks take their answer
//! from an answers file or from a person, through the [`Observer`] the caller provides; with
//! neither they are `not_reviewed`. A check whose dependency did not pass is `skipped`.
//!
//! Must never: mark a check passed that nothing verified and nobody answered; print (the CLI
//! prints, through [`Observer`]); put a secret in a result (see [`mask`]).

pub mod answers;
pub mod exec;
pub mod github;
pub mod mask;
pub mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::manifest::{Check, CheckKind, Lang, Manifest, ManifestError};

/// Version of the JSON results. Bump on any change a consumer could notice.
pub const RESULTS_VERSION: u32 = 2;
/// Bytes of stdout and of stderr kept per check; the rest is read and dropped.
pub const OUTPUT_CAP: usize = 64 * 1024;

/// Environment variables a check receives, by exact name. Everything else is dropped.
pub const ENV_ALLOW: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "LC_MESSAGES",
    "TZ",
    "TMPDIR",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
];
/// Environment variables a check receives, by prefix: the Alibaba Cloud CLI's credentials,
/// profile and region settings.
pub const ENV_ALLOW_PREFIXES: &[&str] = &["ALIBABA_CLOUD_", "ALIYUN_", "ALICLOUD_"];

/// The environment a check gets: the allow-listed variables of `vars`, plus the names in
/// `extra` (`--pass-env`), sorted by name.
pub fn allowed_env<I: IntoIterator<Item = (OsString, OsString)>>(
    vars: I,
    extra: &[String],
) -> Vec<(OsString, OsString)> {
    let mut out: Vec<(OsString, OsString)> = vars
        .into_iter()
        .filter(|(k, _)| {
            let k = k.to_string_lossy();
            ENV_ALLOW.contains(&k.as_ref())
                || ENV_ALLOW_PREFIXES.iter().any(|p| k.starts_with(p))
                || extra.iter().any(|e| *e == k)
        })
        .collect();
    out.sort();
    out
}

pub use crate::diag::io_message;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Pass,
    Fail,
    /// The command could not be started, crashed, or gave output that cannot be judged.
    Error,
    Timeout,
    /// Not run: a dependency did not pass, or a person chose to skip it.
    Skipped,
    /// A manual check nobody answered.
    NotReviewed,
}

impl State {
    pub const ALL: [State; 6] =
        [State::Pass, State::Fail, State::Error, State::Timeout, State::Skipped, State::NotReviewed];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Pass => "pass",
            State::Fail => "fail",
            State::Error => "error",
            State::Timeout => "timeout",
            State::Skipped => "skipped",
            State::NotReviewed => "not_reviewed",
        }
    }
}

/// An answer to a manual check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Pass,
    Fail,
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnsweredBy {
    AnswersFile,
    Terminal,
}

/// What happened to one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    /// Topic id of the guide whose manifest holds the check.
    pub guide: String,
    pub id: String,
    pub kind: CheckKind,
    /// Title in the language of the run.
    pub title: String,
    /// `locale/path.md:line:column` of the step or row in the language of the run, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<String>,
    pub required: bool,
    pub state: State,
    /// Why, in one line: `exit code 1, expected 0`, `depends on … (fail)`, …
    pub message: String,
    /// What was run (secrets masked). Empty for manual checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub argv: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    /// Captured standard output, at most 64 KiB, secrets masked.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stdout: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stderr: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stdout_truncated: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stderr_truncated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<AnsweredBy>,
    /// Wall time of the command; informative only (tests never compare it).
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub timeout: usize,
    pub skipped: usize,
    pub not_reviewed: usize,
}

impl Counts {
    pub fn of(results: &[CheckResult]) -> Counts {
        let mut c = Counts { total: results.len(), ..Counts::default() };
        for r in results {
            *match r.state {
                State::Pass => &mut c.pass,
                State::Fail => &mut c.fail,
                State::Error => &mut c.error,
                State::Timeout => &mut c.timeout,
                State::Skipped => &mut c.skipped,
                State::NotReviewed => &mut c.not_reviewed,
            } += 1;
        }
        c
    }
}

/// When and where a run happened: the audit trail of "this account passed before we created
/// the cluster". Given by the caller (the library reads no clock); `run --deterministic` leaves
/// it out so that two runs with the same outcome give the same bytes but `duration_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Context {
    /// Start of the run, UTC, RFC 3339 (`2026-12-03T17:20:00Z`).
    pub started_at: String,
    pub preflight_version: String,
    /// The Alibaba Cloud CLI profile (`--profile`, else `ALIBABA_CLOUD_PROFILE`), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The region (`--region`, else `ALIBABA_CLOUD_REGION_ID`), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// The outcome of one manifest of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GuideResults {
    pub guide: String,
    /// The manifest file as it was given.
    pub manifest: String,
    /// Title of the guide in the language of the run.
    pub title: String,
    /// 0 when every required check of this guide that ran passed, 1 otherwise.
    pub exit_code: u8,
    pub counts: Counts,
}

/// The results of a run over one or more manifests: one aggregate report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Results {
    pub results_version: u32,
    /// Left out with `--deterministic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    pub lang: Lang,
    /// 0 when every required check passed, 1 otherwise.
    pub exit_code: u8,
    pub counts: Counts,
    /// One entry per manifest, in the order given, with at least one selected check.
    pub guides: Vec<GuideResults>,
    /// Every check run, guide by guide, in manifest order.
    pub checks: Vec<CheckResult>,
}

pub fn results_schema() -> String {
    let mut schema = schemars::schema_for!(Results);
    schema.insert("$id".into(), "https://preflight.invalid/schema/results.schema.json".into());
    crate::render::json::to_json(&schema)
}

/// How the run talks to the outside: progress and questions. The library never prints.
pub trait Observer {
    /// A check is about to run (automated) or be asked (manual).
    fn started(&mut self, _index: usize, _total: usize, _check: &Check) {}
    fn finished(&mut self, _index: usize, _total: usize, _result: &CheckResult) {}
    /// Ask a person about a manual check. `None`: nobody can be asked (no terminal) or
    /// they gave no answer.
    fn ask(&mut self, _check: &Check, _lang: Lang) -> Option<Answer> {
        None
    }
}

/// An observer that reports nothing and asks nobody.
pub struct Silent;
impl Observer for Silent {}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Language of titles and messages.
    pub lang: Lang,
    pub answers: BTreeMap<String, Answer>,
    /// Run only these checks (`--only`): an id, or a prefix ending in `*`; empty: all.
    pub only: Vec<String>,
    /// Start at this check (`--from`), in the order of the manifests given.
    pub from: Option<String>,
    /// Only checks of these kinds (`--kind`); empty: both.
    pub kinds: Vec<CheckKind>,
    /// Only checks made by these rules (`--rule`); empty: any.
    pub rules: Vec<String>,
    /// Only checks of these guides, by topic id (`--guide`); empty: all.
    pub guides: Vec<String>,
    /// Only checks carrying one of these tags (`--tag`); empty: any.
    pub tags: Vec<String>,
    /// Only these check ids (`--rerun-failed`: those that failed in earlier results).
    pub rerun: Option<BTreeSet<String>>,
    /// Inputs (`--input NAME=VALUE`, the inputs file): values for the arguments checks take
    /// from inputs, and `true`/`false` for the conditions checks name in `when`.
    pub inputs: BTreeMap<String, String>,
    /// The run's context, or `None` for deterministic results.
    pub context: Option<Context>,
    /// The environment checks receive (see [`allowed_env`]).
    pub env: Vec<(OsString, OsString)>,
    pub masker: mask::Masker,
}

/// A manifest to run and the path it was given as.
pub struct Loaded {
    pub path: String,
    pub manifest: Manifest,
}

/// The checks a run will carry out, manifest by manifest, in manifest order, each with the
/// index of its manifest. An `--only` or `--from` that names no check is an error.
pub fn select<'m>(manifests: &'m [Loaded], options: &Options) -> Result<Vec<(usize, &'m Check)>, String> {
    let all = || manifests.iter().enumerate().flat_map(|(i, m)| m.manifest.checks.iter().map(move |c| (i, c)));
    let nowhere = |id: &str| match manifests {
        [one] => format!("no check `{id}` in the manifest of `{}`", one.manifest.guide),
        _ => format!("no check `{id}` in the {} manifests given", manifests.len()),
    };
    let matches_only = |c: &Check, only: &str| match only.strip_suffix('*') {
        Some(prefix) => c.id.starts_with(prefix),
        None => c.id == only,
    };
    for only in &options.only {
        if !all().any(|(_, c)| matches_only(c, only)) {
            return Err(nowhere(only));
        }
    }
    let mut started = options.from.is_none();
    if let Some(from) = &options.from
        && !all().any(|(_, c)| &c.id == from)
    {
        return Err(nowhere(from));
    }
    let mut out = Vec::new();
    for (i, c) in all() {
        started = started || options.from.as_deref() == Some(c.id.as_str());
        let guide = &manifests[i].manifest.guide;
        let keep = started
            && (options.only.is_empty() || options.only.iter().any(|o| matches_only(c, o)))
            && (options.kinds.is_empty() || options.kinds.contains(&c.kind))
            && (options.rules.is_empty() || c.rule.as_ref().is_some_and(|r| options.rules.contains(r)))
            && (options.guides.is_empty() || options.guides.contains(guide))
            && (options.tags.is_empty() || c.tags.iter().any(|t| options.tags.contains(t)))
            && options.rerun.as_ref().is_none_or(|ids| ids.contains(&c.id));
        if keep {
            out.push((i, c));
        }
    }
    Ok(out)
}

/// Run the selected checks of every manifest. A dependency that was not selected does not
/// block: only the outcome of checks run now can skip another.
pub fn run(manifests: &[Loaded], options: &Options, observer: &mut dyn Observer) -> Result<Results, String> {
    let checks = select(manifests, options)?;
    let total = checks.len();
    let mut results: Vec<CheckResult> = Vec::with_capacity(total);
    // Results of this run by check id, for dependencies (ids are unique within a manifest).
    let mut by_id: BTreeMap<(usize, &str), State> = BTreeMap::new();
    let mut guides: Vec<GuideResults> = Vec::new();
    let mut per_guide: Vec<(usize, Vec<CheckResult>)> = Vec::new();
    for (index, (m, check)) in checks.into_iter().enumerate() {
        observer.started(index, total, check);
        let result = run_one(&manifests[m].manifest.guide, check, |id| by_id.get(&(m, id)).copied(), options, observer);
        observer.finished(index, total, &result);
        by_id.insert((m, check.id.as_str()), result.state);
        match per_guide.last_mut() {
            Some((last, list)) if *last == m => list.push(result.clone()),
            _ => per_guide.push((m, vec![result.clone()])),
        }
        results.push(result);
    }
    for (m, list) in &per_guide {
        let loaded = &manifests[*m];
        guides.push(GuideResults {
            guide: loaded.manifest.guide.clone(),
            manifest: loaded.path.clone(),
            title: loaded.manifest.title.get(options.lang).to_string(),
            exit_code: exit_code(list),
            counts: Counts::of(list),
        });
    }
    Ok(Results {
        results_version: RESULTS_VERSION,
        context: options.context.clone(),
        lang: options.lang,
        exit_code: exit_code(&results),
        counts: Counts::of(&results),
        guides,
        checks: results,
    })
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (UTC), the date from
/// [`crate::sync::baseline::civil_date`].
pub fn rfc3339(secs: u64) -> String {
    let rem = secs % 86_400;
    let date = crate::sync::baseline::civil_date(i64::try_from(secs).unwrap_or(i64::MAX));
    format!("{date}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

fn exit_code(results: &[CheckResult]) -> u8 {
    if results.iter().all(|r| r.state == State::Pass || !r.required) { 0 } else { 1 }
}

/// The ids of the checks that did not pass in earlier results (`fail`, `error`, `timeout`):
/// what `--rerun-failed` runs again. Reads results of any version that lists `checks`.
/// Read an inputs file: TOML of `NAME = "value"` or `NAME = true|false` (InSpec style).
pub fn parse_inputs(text: &str, path: &Path) -> Result<BTreeMap<String, String>, ManifestError> {
    let err_at = |offset: usize, message: String| {
        let (line, column) = crate::rules::position(text, offset);
        ManifestError { path: path.to_path_buf(), line, column, message }
    };
    let raw: BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>> = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        err_at(offset, e.message().trim_end().trim_end_matches('.').to_string())
    })?;
    let mut out = BTreeMap::new();
    for (name, value) in raw {
        if !crate::rules::input_name_ok(name.get_ref()) {
            return Err(err_at(name.span().start, format!("`{}` is not an input name", name.get_ref())));
        }
        let text = match value.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Integer(i) => i.to_string(),
            _ => return Err(err_at(value.span().start, "an input is a string, a boolean or an integer".into())),
        };
        out.insert(name.into_inner(), text);
    }
    Ok(out)
}

pub fn failed_ids(text: &str, path: &Path) -> Result<BTreeSet<String>, ManifestError> {
    #[derive(Deserialize)]
    struct Earlier {
        checks: Vec<EarlierCheck>,
    }
    #[derive(Deserialize)]
    struct EarlierCheck {
        id: String,
        state: State,
    }
    let earlier: Earlier = serde_json::from_str(text).map_err(|e| ManifestError {
        path: path.to_path_buf(),
        line: e.line() as u32,
        column: e.column() as u32,
        message: format!("not the JSON results of `preflight run`: {e}"),
    })?;
    Ok(earlier
        .checks
        .into_iter()
        .filter(|c| matches!(c.state, State::Fail | State::Error | State::Timeout))
        .map(|c| c.id)
        .collect())
}

fn zh(lang: Lang) -> bool {
    lang == Lang::Zh
}

fn run_one(
    guide: &str,
    check: &Check,
    earlier: impl Fn(&str) -> Option<State>,
    options: &Options,
    observer: &mut dyn Observer,
) -> CheckResult {
    let lang = options.lang;
    let masker = &options.masker;
    let mut result = CheckResult {
        guide: guide.to_string(),
        id: check.id.clone(),
        kind: check.kind,
        title: masker.mask(check.title.get(lang)),
        span: Some(check.span.get(lang)).filter(|s| !s.is_empty()).map(|s| masker.mask(s)),
        required: check.required,
        state: State::NotReviewed,
        message: String::new(),
        argv: check.argv.iter().map(|a| masker.mask(a)).collect(),
        exit_code: None,
        signal: None,
        stdout: String::new(),
        stderr: String::new(),
        stdout_truncated: false,
        stderr_truncated: false,
        answered_by: None,
        duration_ms: 0,
    };
    let blocked = check.depends_on.iter().find_map(|dep| earlier(dep).filter(|s| *s != State::Pass).map(|s| (dep, s)));
    if let Some((dep, state)) = blocked {
        result.state = State::Skipped;
        result.message = if zh(lang) {
            format!("依赖的检查项 {dep} 未通过（{}）", state.as_str())
        } else {
            format!("depends on {dep}, which did not pass ({})", state.as_str())
        };
        return result;
    }
    if let Some(name) = &check.when {
        let condition = check.condition.as_ref().map(|c| c.get(lang).to_string()).unwrap_or_default();
        match options.inputs.get(name).map(|v| truth(v)) {
            Some(Some(true)) => result.required = true,
            Some(Some(false)) => {
                result.state = State::Skipped;
                result.message = if zh(lang) {
                    format!("条件不适用（输入项 {name} = false）：{condition}")
                } else {
                    format!("condition does not apply (input {name} = false): {condition}")
                };
                result.message = options.masker.mask(&result.message);
                return result;
            }
            Some(None) => {
                result.state = State::Error;
                result.message = format!("input `{name}` decides a condition: give it as true or false");
                return result;
            }
            None => {}
        }
    }
    match check.kind {
        CheckKind::Manual => {
            let (answer, by) = match options.answers.get(&check.id) {
                Some(a) => (Some(*a), Some(AnsweredBy::AnswersFile)),
                None => {
                    let a = observer.ask(check, lang);
                    (a, a.map(|_| AnsweredBy::Terminal))
                }
            };
            result.answered_by = by;
            (result.state, result.message) = match (answer, zh(lang)) {
                (Some(Answer::Pass), false) => (State::Pass, "confirmed by a person".into()),
                (Some(Answer::Pass), true) => (State::Pass, "已人工确认".into()),
                (Some(Answer::Fail), false) => (State::Fail, "a person answered no".into()),
                (Some(Answer::Fail), true) => (State::Fail, "人工确认未完成".into()),
                (Some(Answer::Skip), false) => (State::Skipped, "skipped by a person".into()),
                (Some(Answer::Skip), true) => (State::Skipped, "已人工跳过".into()),
                (None, false) => {
                    (State::NotReviewed, "nobody answered (no terminal and no answer in --answers)".into())
                }
                (None, true) => (State::NotReviewed, "无人回答（没有终端，--answers 中也没有答案）".into()),
            };
        }
        CheckKind::Automated => automated(check, options, &mut result),
    }
    result
}

/// `true`/`yes`/`1` or `false`/`no`/`0`, any case.
fn truth(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

fn automated(check: &Check, options: &Options, result: &mut CheckResult) {
    let masker = &options.masker;
    let mut argv = check.argv.clone();
    for input in &check.inputs {
        match (options.inputs.get(&input.name), argv.get_mut(input.arg)) {
            (Some(value), Some(slot)) => *slot = value.clone(),
            _ => {
                result.state = State::Skipped;
                result.message = if zh(options.lang) {
                    format!("需要输入项 {0}（--input {0}=…，或输入项文件）", input.name)
                } else {
                    format!("needs input `{0}` (--input {0}=…, or the inputs file)", input.name)
                };
                return;
            }
        }
    }
    result.argv = argv.iter().map(|a| masker.mask(a)).collect();
    let timeout = Duration::from_secs(check.timeout_secs());
    let outcome = exec::execute(&argv, &options.env, timeout, OUTPUT_CAP);
    result.duration_ms = outcome.duration.as_millis().min(u128::from(u64::MAX)) as u64;
    let text = |bytes: &[u8], truncated: bool| {
        let s = String::from_utf8_lossy(bytes);
        if truncated { masker.mask_truncated(&s) } else { masker.mask(&s) }
    };
    // Judge the raw output (a pattern may name a value the masker hides), report it masked.
    let raw_stdout = String::from_utf8_lossy(&outcome.stdout).into_owned();
    result.stdout = text(&outcome.stdout, outcome.stdout_truncated);
    result.stderr = text(&outcome.stderr, outcome.stderr_truncated);
    result.stdout_truncated = outcome.stdout_truncated;
    result.stderr_truncated = outcome.stderr_truncated;
    let expect = check.expect_exit();
    (result.state, result.message) = match outcome.status {
        exec::Status::NotStarted(why) => (State::Error, why),
        exec::Status::TimedOut => {
            (State::Timeout, format!("no answer within {} s; its process group was killed", check.timeout_secs()))
        }
        exec::Status::Signaled(sig) => {
            result.signal = Some(sig);
            (State::Error, format!("killed by signal {sig}"))
        }
        exec::Status::Exited(code) => {
            result.exit_code = Some(code);
            if code != expect {
                (State::Fail, format!("exit code {code}, expected {expect}"))
            } else {
                match check.expect_output.as_deref().map(Regex::new) {
                    None => (State::Pass, format!("exit code {code}")),
                    Some(Ok(re)) if re.is_match(&raw_stdout) => {
                        (State::Pass, format!("exit code {code}, output matches"))
                    }
                    Some(Ok(re)) => (State::Fail, format!("output does not match `{}`", re.as_str())),
                    Some(Err(e)) => {
                        (State::Error, format!("invalid expect_output pattern: {}", crate::rules::one_line(&e)))
                    }
                }
            }
        }
    };
    result.message = masker.mask(&result.message);
}

/// Read an answers file: `"<check id>" = "pass" | "fail" | "skip"`. Ids must name manual
/// checks of the manifest.
pub fn load_answers(path: &Path, manifests: &[Loaded]) -> Result<BTreeMap<String, Answer>, ManifestError> {
    let text = std::fs::read_to_string(path).map_err(|err| ManifestError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: format!("cannot read: {}", io_message(&err)),
    })?;
    parse_answers(&text, path, manifests)
}

pub fn parse_answers(text: &str, path: &Path, manifests: &[Loaded]) -> Result<BTreeMap<String, Answer>, ManifestError> {
    let err_at = |offset: usize, message: String| {
        let (line, column) = crate::rules::position(text, offset);
        ManifestError { path: path.to_path_buf(), line, column, message }
    };
    let raw: BTreeMap<toml::Spanned<String>, toml::Spanned<Answer>> = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        err_at(offset, e.message().trim_end().trim_end_matches('.').to_string())
    })?;
    let mut out = BTreeMap::new();
    for (id, answer) in raw {
        let found = manifests.iter().flat_map(|m| &m.manifest.checks).find(|c| c.id == *id.get_ref());
        match found {
            None => {
                let what = if manifests.len() == 1 { "the manifest" } else { "the manifests given" };
                return Err(err_at(id.span().start, format!("no check `{}` in {what}", id.get_ref())));
            }
            Some(c) if c.kind != CheckKind::Manual => {
                return Err(err_at(
                    id.span().start,
                    format!("`{}` is an automated check; only manual checks take answers", c.id),
                ));
            }
            Some(_) => {
                out.insert(id.into_inner(), answer.into_inner());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_of_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_318_399), "2026-12-03T17:19:59Z");
    }

    #[test]
    fn failed_ids_reads_results_of_either_version() {
        let v1 = r#"{"results_version":1,"checks":[{"id":"a","state":"fail"},{"id":"b","state":"pass"},{"id":"c","state":"timeout"},{"id":"d","state":"not_reviewed"}]}"#;
        let ids = failed_ids(v1, Path::new("r.json")).unwrap();
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), ["a", "c"]);
    }
}
