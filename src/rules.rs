//! Rules: what in a guide can be verified by a command, and which command.
//!
//! `docs-src/rules.toml` maps what the model found (a row of a role table, a step whose
//! command sentence names a user or a policy, a step that mentions an API) to a check: a
//! bilingual title and an argument list rendered with tera. This module reads that file
//! strictly (unknown keys, bad regexes, templates that name a variable the rule cannot
//! bind: errors with file:line:column) and renders templates.
//!
//! Invariant: a command is an argument list, and each element is rendered on its own, so a
//! value taken from a guide becomes exactly one argument, verbatim. Nothing here ever builds
//! a command line string or hands one to a shell. Values are data in the tera context, never
//! template source, so `{{` in a guide is just text.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

pub const RULES_FILE: &str = "rules.toml";
/// Version of the rules file format.
pub const RULES_VERSION: u32 = 1;
/// Timeout of an automated check when its rule does not say.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// A rules file that cannot be used, with the position of the problem.
pub type RulesError = crate::diag::FileError;

/// What a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleSource {
    /// A row of a table that yields role records: variables `role` and `policy` (those the
    /// rule requires; purpose and condition are translated prose, not values).
    TableRow,
    /// A step: variables bound by `names` from the name identifiers of its command sentence.
    Step,
}

/// A field of a role record a table-row rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordField {
    Role,
    Policy,
}

impl RecordField {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordField::Role => "role",
            RecordField::Policy => "policy",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rules_version: Spanned<u32>,
    /// Add the rules shipped with preflight (the RAM library) after this file's own; a rule
    /// of this file replaces a shipped rule of the same name.
    #[serde(default)]
    include_default: bool,
    #[serde(default, rename = "rule")]
    rules: Vec<Spanned<RuleDef>>,
    #[serde(default, rename = "condition")]
    conditions: Vec<Spanned<ConditionDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionDef {
    /// Regex over the condition text of a role-table row (either language).
    #[serde(rename = "match")]
    pattern: Spanned<String>,
    /// The input (`run --input NAME=true|false`) that says whether the condition applies.
    #[serde(default)]
    input: Option<Spanned<String>>,
    /// The condition always applies ("all clusters"): the check stays required.
    #[serde(default)]
    always: bool,
}

/// What a condition of a role-table row means for its checks.
#[derive(Debug, Clone)]
pub struct Condition {
    pub pattern: Regex,
    pub input: Option<String>,
    pub always: bool,
}

/// The rules shipped with preflight: read-only RAM checks bound from the steps of RAM
/// procedures in either language. Used when a project has no rules file, and added to one
/// that says `include_default = true`.
pub const DEFAULT_RULES: &str = include_str!("../rules/ram.toml");
/// The name the shipped rules go by in errors.
pub const DEFAULT_RULES_NAME: &str = "<preflight>/rules/ram.toml";

/// An argv element that is a whole input reference, `{{ inputs.NAME }}`: filled in by `run`
/// from `--input NAME=VALUE` or the inputs file, never rendered at build time.
pub fn input_reference(arg: &str) -> Option<&str> {
    let inner = arg.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let name = inner.strip_prefix("inputs.")?;
    input_name_ok(name).then_some(name)
}

/// An input name: a letter, then letters, digits and `_`.
pub fn input_name_ok(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TitleDef {
    #[serde(rename = "en-US")]
    en: String,
    #[serde(rename = "zh-CN")]
    zh: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    name: Spanned<String>,
    from: RuleSource,
    #[serde(default)]
    require: Vec<RecordField>,
    #[serde(default)]
    command: Option<Spanned<String>>,
    #[serde(default)]
    unless: Option<Spanned<String>>,
    #[serde(default)]
    names: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    step_mentions: Option<Spanned<String>>,
    title: Spanned<TitleDef>,
    argv: Spanned<Vec<String>>,
    #[serde(default)]
    expect_exit: i32,
    #[serde(default)]
    expect_output: Option<Spanned<String>>,
    #[serde(default = "default_timeout")]
    timeout_secs: u64,
    #[serde(default)]
    depends_on: Vec<Spanned<String>>,
    #[serde(default)]
    mutates: bool,
    #[serde(default = "yes")]
    required: bool,
    #[serde(default)]
    tags: Vec<String>,
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECS
}

fn yes() -> bool {
    true
}

/// One rule, validated: its regexes compiled, its templates known to render.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub from: RuleSource,
    /// Table rows: the record fields that must be present.
    pub require: Vec<RecordField>,
    /// Steps: the command sentence (either language) must match.
    pub command: Option<Regex>,
    /// Steps: the command sentence must not match (in either language).
    pub unless: Option<Regex>,
    /// Steps: variable → pattern over the name identifiers of the command sentence.
    pub names: Vec<(String, Regex)>,
    /// Steps: some name identifier of the step (body included) must match.
    pub step_mentions: Option<Regex>,
    pub title_en: String,
    pub title_zh: String,
    pub argv: Vec<String>,
    pub expect_exit: i32,
    /// A regex template: variables are regex-escaped before they are substituted.
    pub expect_output: Option<String>,
    pub timeout_secs: u64,
    /// Names of rules whose check (for the same values) must pass first.
    pub depends_on: Vec<String>,
    pub mutates: bool,
    pub required: bool,
    /// Given to every check of the rule, for `run --tag`.
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub rules: Vec<Rule>,
    /// What the condition texts of role-table rows mean, first match wins.
    pub conditions: Vec<Condition>,
}

impl Rules {
    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name == name)
    }
}

/// Read `<root>/rules.toml`. A project without one has no rules: every step is manual.
pub fn load(root: &Path) -> Result<Rules, RulesError> {
    load_file(&root.join(RULES_FILE))
}

/// The rules shipped with preflight.
pub fn default_rules() -> Rules {
    parse_one(DEFAULT_RULES, Path::new(DEFAULT_RULES_NAME)).map(|(r, _)| r).unwrap_or_default()
}

/// Read a rules file; a missing file is the rules shipped with preflight.
pub fn load_file(path: &Path) -> Result<Rules, RulesError> {
    let path = path.to_path_buf();
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text, &path),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(default_rules()),
        Err(err) => Err(RulesError { path, line: 1, column: 1, message: format!("cannot read: {err}") }),
    }
}

/// 1-based line and column (characters) of a byte offset into a TOML text as written.
pub fn position(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().filter(|&c| c != '\r').count() as u32 + 1;
    (line, column)
}

/// Parse and validate a rules text; `path` is only used in errors. With `include_default`,
/// the shipped rules follow the file's own, but those the file replaces by name.
pub fn parse(text: &str, path: &Path) -> Result<Rules, RulesError> {
    let (mut rules, include_default) = parse_one(text, path)?;
    if include_default {
        let shipped = default_rules();
        let own: Vec<String> = rules.rules.iter().map(|r| r.name.clone()).collect();
        rules.rules.extend(shipped.rules.into_iter().filter(|r| !own.contains(&r.name)));
        rules.conditions.extend(shipped.conditions);
    }
    Ok(rules)
}

fn parse_one(text: &str, path: &Path) -> Result<(Rules, bool), RulesError> {
    let err_at = |offset: usize, message: String| {
        let (line, column) = position(text, offset);
        RulesError { path: path.to_path_buf(), line, column, message }
    };
    let file: RulesFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        err_at(offset, e.message().trim_end().trim_end_matches('.').to_string())
    })?;
    if *file.rules_version.get_ref() != RULES_VERSION {
        return Err(err_at(
            file.rules_version.span().start,
            format!(
                "unsupported rules_version {} (this preflight reads {RULES_VERSION})",
                file.rules_version.get_ref()
            ),
        ));
    }
    let mut rules: Vec<Rule> = Vec::new();
    for def in &file.rules {
        let rule = validate(def.get_ref()).map_err(|(offset, message)| {
            let name = def.get_ref().name.get_ref();
            err_at(offset.unwrap_or(def.span().start), format!("rule `{name}`: {message}"))
        })?;
        if rules.iter().any(|r| r.name == rule.name) {
            let def = def.get_ref();
            return Err(err_at(def.name.span().start, format!("duplicate rule name `{}`", def.name.get_ref())));
        }
        rules.push(rule);
    }
    for (def, rule) in file.rules.iter().zip(&rules) {
        for (dep, spanned) in rule.depends_on.iter().zip(&def.get_ref().depends_on) {
            let Some(target) = rules.iter().find(|r| &r.name == dep) else {
                return Err(err_at(
                    spanned.span().start,
                    format!("rule `{}`: depends on unknown rule `{dep}`", rule.name),
                ));
            };
            if target.name == rule.name {
                return Err(err_at(spanned.span().start, format!("rule `{}`: depends on itself", rule.name)));
            }
        }
    }
    let mut conditions = Vec::new();
    for def in &file.conditions {
        let def = def.get_ref();
        let pattern = compile_regex(&def.pattern, "condition match")
            .map_err(|(offset, message)| err_at(offset.unwrap_or(0), format!("condition: {message}")))?;
        if let Some(input) = &def.input
            && !input_name_ok(input.get_ref())
        {
            return Err(err_at(input.span().start, format!("condition: `{}` is not an input name", input.get_ref())));
        }
        conditions.push(Condition {
            pattern,
            input: def.input.as_ref().map(|i| i.get_ref().clone()),
            always: def.always,
        });
    }
    Ok((Rules { rules, conditions }, file.include_default))
}

type Invalid = (Option<usize>, String);

fn compile_regex(pattern: &Spanned<String>, what: &str) -> Result<Regex, Invalid> {
    Regex::new(pattern.get_ref())
        .map_err(|e| (Some(pattern.span().start), format!("invalid {what} pattern: {}", one_line(&e))))
}

fn validate(def: &RuleDef) -> Result<Rule, Invalid> {
    let name = def.name.get_ref();
    let name_ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !name_ok {
        return Err((Some(def.name.span().start), "a rule name is letters, digits, `-` and `_`".into()));
    }
    let mut names = Vec::new();
    let vars: Vec<String> = match def.from {
        RuleSource::TableRow => {
            if let Some(c) = def.command.as_ref().or(def.step_mentions.as_ref()).or(def.unless.as_ref()) {
                return Err((
                    Some(c.span().start),
                    "`command`, `unless` and `step_mentions` are for `from = \"step\"`".into(),
                ));
            }
            if let Some((_, pattern)) = def.names.iter().next() {
                return Err((Some(pattern.span().start), "`names` is for `from = \"step\"`".into()));
            }
            let mut require = def.require.clone();
            require.sort();
            require.dedup();
            require.iter().map(|f| f.as_str().to_string()).collect()
        }
        RuleSource::Step => {
            if !def.require.is_empty() {
                return Err((None, "`require` is for `from = \"table-row\"`".into()));
            }
            for (var, pattern) in &def.names {
                let var_ok = var.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !var_ok {
                    return Err((Some(pattern.span().start), format!("`{var}` is not a template variable name")));
                }
                names.push((var.clone(), compile_regex(pattern, "name")?));
            }
            names.iter().map(|(v, _)| v.clone()).collect()
        }
    };
    let command = def.command.as_ref().map(|p| compile_regex(p, "command")).transpose()?;
    let unless = def.unless.as_ref().map(|p| compile_regex(p, "unless")).transpose()?;
    let step_mentions = def.step_mentions.as_ref().map(|p| compile_regex(p, "step_mentions")).transpose()?;
    let sample: BTreeMap<String, String> = vars.iter().map(|v| (v.clone(), "X".to_string())).collect();
    let title = def.title.get_ref();
    for t in [&title.en, &title.zh] {
        render(t, &sample).map_err(|e| (Some(def.title.span().start), format!("title: {e}")))?;
    }
    if def.argv.get_ref().is_empty() {
        return Err((Some(def.argv.span().start), "argv must name a program".into()));
    }
    for (i, a) in def.argv.get_ref().iter().enumerate() {
        if input_reference(a).is_some() {
            continue;
        }
        render(a, &sample).map_err(|e| (Some(def.argv.span().start), format!("argv[{i}]: {e}")))?;
    }
    if let Some(pattern) = &def.expect_output {
        let rendered = render_pattern(pattern.get_ref(), &sample)
            .map_err(|e| (Some(pattern.span().start), format!("expect_output: {e}")))?;
        Regex::new(&rendered)
            .map_err(|e| (Some(pattern.span().start), format!("invalid expect_output pattern: {}", one_line(&e))))?;
    }
    if def.timeout_secs == 0 {
        return Err((None, "timeout_secs must be at least 1".into()));
    }
    Ok(Rule {
        name: name.clone(),
        from: def.from,
        require: def.require.clone(),
        command,
        unless,
        names,
        step_mentions,
        title_en: title.en.clone(),
        title_zh: title.zh.clone(),
        argv: def.argv.get_ref().clone(),
        expect_exit: def.expect_exit,
        expect_output: def.expect_output.as_ref().map(|p| p.get_ref().clone()),
        timeout_secs: def.timeout_secs,
        depends_on: def.depends_on.iter().map(|d| d.get_ref().clone()).collect(),
        mutates: def.mutates,
        required: def.required,
        tags: def.tags.clone(),
    })
}

/// A regex error on one line (regex's own messages draw a caret over several lines).
pub fn one_line(err: &regex::Error) -> String {
    match err {
        regex::Error::Syntax(s) => {
            let last = s.lines().last().unwrap_or("syntax error").trim();
            last.strip_prefix("error: ").unwrap_or(last).to_string()
        }
        regex::Error::CompiledTooBig(_) => "pattern too large".to_string(),
        _ => err.to_string(),
    }
}

/// Render one template with plain string variables. Autoescape is off: the output is an
/// argument or a title, not HTML.
pub fn render(template: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut context = tera::Context::new();
    for (k, v) in vars {
        context.insert(k.clone(), v);
    }
    tera::Tera::one_off(template, &context, false).map_err(|e| tera_message(&e))
}

/// Render a pattern template: every variable is regex-escaped first, so a role name with a
/// `.` or `+` matches only itself.
pub fn render_pattern(template: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let escaped: BTreeMap<String, String> = vars.iter().map(|(k, v)| (k.clone(), regex::escape(v))).collect();
    render(template, &escaped)
}

fn tera_message(err: &tera::Error) -> String {
    use std::error::Error as _;
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    let text = parts.join(": ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    lower_first(text.trim_end_matches('.'))
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Rules, String> {
        parse(text, Path::new("rules.toml")).map_err(|e| e.to_string())
    }

    const GOOD: &str = r#"rules_version = 1

[[rule]]
name = "role-exists"
from = "table-row"
require = ["role"]
title = { en-US = "Role {{ role }} exists", zh-CN = "角色{{ role }}已存在" }
argv = ["aliyun", "ram", "GetRole", "--RoleName", "{{ role }}"]
expect_output = '"RoleName":\s*"{{ role }}"'
"#;

    #[test]
    fn a_value_is_one_argument_verbatim() {
        let rules = parse_str(GOOD).unwrap();
        let rule = &rules.rules[0];
        let vars = BTreeMap::from([("role".to_string(), "a b; $(id) `x`\n{{ y }}".to_string())]);
        let argv: Vec<String> = rule.argv.iter().map(|a| render(a, &vars).unwrap()).collect();
        assert_eq!(argv, ["aliyun", "ram", "GetRole", "--RoleName", "a b; $(id) `x`\n{{ y }}"]);
        let vars = BTreeMap::from([("role".to_string(), "A.B+".to_string())]);
        let pattern = render_pattern(rule.expect_output.as_deref().unwrap(), &vars).unwrap();
        assert_eq!(pattern, r#""RoleName":\s*"A\.B\+""#);
        let html = BTreeMap::from([("role".to_string(), "<a&b>".to_string())]);
        assert_eq!(render(&rule.argv[4], &html).unwrap(), "<a&b>", "autoescape is off");
    }

    #[test]
    fn errors_name_the_line() {
        let typo = GOOD.replace("argv =", "argvs =");
        let err = parse_str(&typo).unwrap_err();
        assert!(err.starts_with("rules.toml:8:1: unknown field `argvs`"), "{err}");
        let bad_var = GOOD.replace("--RoleName\", \"{{ role }}", "--RoleName\", \"{{ policy }}");
        let err = parse_str(&bad_var).unwrap_err();
        assert!(err.starts_with("rules.toml:8:8: rule `role-exists`: argv[4]: "), "{err}");
        let bad_regex = GOOD.replace(r#"\s*"#, r#"\s*("#);
        let err = parse_str(&bad_regex).unwrap_err();
        assert!(err.starts_with("rules.toml:9:17: rule `role-exists`: invalid expect_output pattern"), "{err}");
        let err = parse_str("rules_version = 2\n").unwrap_err();
        assert_eq!(err, "rules.toml:1:17: unsupported rules_version 2 (this preflight reads 1)");
        let dep = GOOD.replace("require =", "depends_on = [\"nope\"]\nrequire =");
        let err = parse_str(&dep).unwrap_err();
        assert!(err.starts_with("rules.toml:6:15: rule `role-exists`: depends on unknown rule `nope`"), "{err}");
    }
}
