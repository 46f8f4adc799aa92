//! Check manifests: a guide pair turned into the list of things to verify before a cluster
//! is created, written by `build` as TOML and read back by `run`.
//!
//! A manifest is built from the en/zh *pair*, not from one language, so a check has the same
//! id whichever side it came from: the step id of the model (`<guide>.s1.p1.4.3`), with
//! `~<rule>` when one step yields several checks, or `<guide>.s<section>.t<table>.r<row>~<rule>`
//! for a row of a role table. Each check carries its title and source span in both
//! languages (what exists of them).
//!
//! Invariants: building is pure and deterministic (the same pair and rules give the same
//! bytes); every step that no rule automates becomes a manual check, so nothing in a guide is
//! dropped silently; reading a manifest is strict (unknown keys, bad patterns, unknown
//! dependencies are errors with file:line:column) and never panics.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{CheckId, ItemId, RowId};
use crate::model::{Block, Guide, IdentifierKind, RoleRecord, Row, Step, SyncStatus};
use crate::pairs::GuidePair;
use crate::render::OutputFile;
use crate::rules::{self, RecordField, Rule, RuleSource, Rules};
use crate::sync::{self, Comparison};

/// Version of the manifest format. Bump on any change a reader could notice.
pub const MANIFEST_VERSION: u32 = 1;
/// Longest timeout a manifest may ask for (a day).
pub const MAX_TIMEOUT_SECS: u64 = 86_400;
/// At most this many checks from one rule on one step (names × names × …).
const MAX_BINDINGS: usize = 16;

/// A text in the two languages of a project; either may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[serde(rename = "en-US", default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(rename = "zh-CN", default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
}

impl Text {
    /// The text in `lang` (`zh…` picks Chinese), falling back to the other language.
    pub fn get(&self, lang: &str) -> &str {
        let (first, second) = if lang.starts_with("zh") { (&self.zh, &self.en) } else { (&self.en, &self.zh) };
        first.as_deref().or(second.as_deref()).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Verified by running `argv`.
    Automated,
    /// Asked of a person.
    Manual,
}

/// One runnable or askable item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Stable id, equal whichever language the check was built from: the string form of a
    /// [`CheckId`] in manifests `build` writes; any unique name in one written by hand.
    pub id: String,
    /// The step or table row the check is about, when `id` names one (filled when a
    /// manifest is built or read; not part of the TOML).
    #[serde(skip)]
    #[schemars(skip)]
    pub item: Option<ItemId>,
    pub kind: CheckKind,
    /// For a manual check, the step's command sentence: the question a person answers.
    pub title: Text,
    /// `locale/path.md:line:column` of the step or table row in each language.
    pub span: Text,
    /// The rule that made an automated check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Program and arguments, run without a shell. Empty for a manual check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub argv: Vec<String>,
    /// Exit code that counts as a pass (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_exit: Option<i32>,
    /// Regex that standard output must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_output: Option<String>,
    /// Seconds before the check's process group is killed (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// Ids of earlier checks that must pass first; otherwise this one is skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Whether running the check changes anything. Checks are read-only by default.
    #[serde(default)]
    pub mutates: bool,
    /// A check that is not required does not change the exit code of `run`.
    #[serde(default = "yes")]
    pub required: bool,
    /// When the guide says the item is needed (the "When required" column of a role table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Text>,
    /// How the step of this check compares with its translation (from sync): a check
    /// built from a drifted or unmatched step may read differently in the two languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncStatus>,
}

fn yes() -> bool {
    true
}

impl Check {
    pub fn timeout_secs(&self) -> u64 {
        self.timeout_secs.unwrap_or(rules::DEFAULT_TIMEOUT_SECS)
    }

    pub fn expect_exit(&self) -> i32 {
        self.expect_exit.unwrap_or(0)
    }
}

/// The checks of one guide pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub manifest_version: u32,
    /// Topic id of the guide.
    pub guide: String,
    pub title: Text,
    /// Source file of each language, relative to the source root.
    pub source: Text,
    #[serde(rename = "check", default)]
    pub checks: Vec<Check>,
}

/// A manifest that cannot be read, with the position of the problem.
pub type ManifestError = crate::diag::FileError;

// ---------------------------------------------------------------------------------------
// Building

/// Where the manifest of a guide goes: `checks/<rel>.toml`.
pub fn manifest_path(rel: &str) -> String {
    format!("checks/{}.toml", rel.strip_suffix(".md").unwrap_or(rel))
}

/// The manifests of a project's pairs, each with the path it is written to. A guide with
/// no step and no role table has nothing to check and gets no manifest.
pub fn build_all(pairs: &[GuidePair], comparisons: &[Comparison], rules: &Rules) -> Vec<(String, Manifest)> {
    let mut out = Vec::new();
    for (pair, comparison) in pairs.iter().zip(comparisons) {
        let Some(manifest) = build_manifest(pair, rules, comparison).filter(|m| !m.checks.is_empty()) else {
            continue;
        };
        let rel = pair.en.or(pair.zh).map(|c| c.file.rel.as_str()).unwrap_or_default();
        out.push((manifest_path(rel), manifest));
    }
    out
}

/// The manifest files of a build, and the schemas of manifests and run results.
pub fn outputs(manifests: &[(String, Manifest)]) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = manifests
        .iter()
        .map(|(path, manifest)| OutputFile { path: path.clone(), bytes: to_toml(manifest).into_bytes() })
        .collect();
    files.push(OutputFile { path: "schema/manifest.schema.json".into(), bytes: manifest_schema().into_bytes() });
    files.push(OutputFile {
        path: "schema/results.schema.json".into(),
        bytes: crate::run::results_schema().into_bytes(),
    });
    files
}

pub fn manifest_schema() -> String {
    let mut schema = schemars::schema_for!(Manifest);
    schema.insert("$id".into(), "https://preflight.invalid/schema/manifest.schema.json".into());
    crate::render::json::to_json(&schema)
}

/// The TOML text of a manifest, with a header saying where it came from.
pub fn to_toml(manifest: &Manifest) -> String {
    let body = toml::to_string(manifest).unwrap_or_default();
    format!(
        "# Check manifest of `{}`, written by `preflight build` from the guide and rules.toml.\n\
         # Run it with `preflight run <this file>`. Rebuilding replaces this file.\n\n{body}",
        manifest.guide
    )
}

/// A step or a role-table row of one language.
#[derive(Clone, Copy)]
enum Item<'a> {
    Step(&'a Step),
    Row { record: &'a RoleRecord, row: Option<&'a Row> },
}

/// Items of one guide in document order, keyed by their language-neutral id.
fn items(guide: &Guide) -> Vec<(ItemId, Item<'_>)> {
    let mut out = Vec::new();
    for (si, section) in guide.sections.iter().enumerate() {
        let mut tables = 0;
        collect(&guide.id, si as u32, &section.blocks, &mut tables, &mut out);
    }
    out
}

fn collect<'a>(gid: &str, si: u32, blocks: &'a [Block], tables: &mut u32, out: &mut Vec<(ItemId, Item<'a>)>) {
    // Depth is bounded by the parser (`parse::MAX_DEPTH`), so recursion is safe.
    for block in blocks {
        match block {
            Block::Procedure(p) => {
                for step in &p.steps {
                    out.push((ItemId::Step(step.id.clone()), Item::Step(step)));
                    collect(gid, si, &step.body, tables, out);
                }
            }
            Block::Table(t) => {
                *tables += 1;
                for record in &t.records {
                    let row = RowId {
                        guide: gid.to_string(),
                        section: si,
                        table: *tables,
                        row: record.row.saturating_add(1),
                    };
                    out.push((ItemId::Row(row), Item::Row { record, row: t.rows.get(record.row as usize) }));
                }
            }
            Block::Choices { items, .. } | Block::List { items, .. } => {
                items.iter().for_each(|i| collect(gid, si, &i.blocks, tables, out))
            }
            Block::Note(n) => collect(gid, si, &n.blocks, tables, out),
            Block::Quote { blocks, .. } | Block::Result { content: blocks, .. } => {
                collect(gid, si, blocks, tables, out)
            }
            _ => {}
        }
    }
}

/// A check before its dependencies are resolved.
struct Draft {
    check: Check,
    vars: BTreeMap<String, String>,
}

/// The manifest of a guide pair, or `None` when neither side could be read.
/// The manifest of one pair. Items of the two languages meet by id, that is by structural
/// path, as everywhere else (the site keys its checklist by the same ids); each check carries
/// its step's sync status, so a check built from a step that drifted says so.
pub fn build_manifest(pair: &GuidePair, rules: &Rules, comparison: &Comparison) -> Option<Manifest> {
    let en = pair.en.and_then(|c| c.guide.as_ref());
    let zh = pair.zh.and_then(|c| c.guide.as_ref());
    let main = en.or(zh)?;
    let gid = main.id.clone();
    // Both guides of a pair carry the pair's id (see `pairs`), so their items meet by id.
    let en_items: Vec<(ItemId, Item)> = en.map(items).unwrap_or_default();
    let zh_items: Vec<(ItemId, Item)> = zh.map(items).unwrap_or_default();
    let zh_by_key: BTreeMap<&ItemId, Item> = zh_items.iter().map(|(k, i)| (k, *i)).collect();
    let en_keys: BTreeSet<&ItemId> = en_items.iter().map(|(k, _)| k).collect();
    let mut merged: Vec<(&ItemId, Option<Item>, Option<Item>)> =
        en_items.iter().map(|(k, i)| (k, Some(*i), zh_by_key.get(k).copied())).collect();
    merged.extend(zh_items.iter().filter(|(k, _)| !en_keys.contains(k)).map(|(k, i)| (k, None, Some(*i))));

    let mut drafts: Vec<Draft> = Vec::new();
    for (key, e, z) in merged {
        let spans = Text { en: e.zip(en).map(|(i, g)| span_of(g, i)), zh: z.zip(zh).map(|(i, g)| span_of(g, i)) };
        match (e, z) {
            (Some(Item::Step(_)) | None, Some(Item::Step(_)) | None) => {
                let es = match e {
                    Some(Item::Step(s)) => Some(s),
                    _ => None,
                };
                let zs = match z {
                    Some(Item::Step(s)) => Some(s),
                    _ => None,
                };
                step_checks(key, es, zs, spans, rules, &mut drafts);
            }
            (Some(Item::Row { .. }) | None, Some(Item::Row { .. }) | None) => {
                let er = match e {
                    Some(Item::Row { record, .. }) => Some(record),
                    _ => None,
                };
                let zr = match z {
                    Some(Item::Row { record, .. }) => Some(record),
                    _ => None,
                };
                row_checks(key, er, zr, spans, rules, &mut drafts);
            }
            // A step in one language where the other has a table row cannot happen: the
            // keys differ in form. Keep what the source language says.
            (Some(Item::Step(s)), _) => step_checks(key, Some(s), None, spans, rules, &mut drafts),
            (Some(Item::Row { record, .. }), _) => row_checks(key, Some(record), None, spans, rules, &mut drafts),
        }
    }
    resolve_dependencies(&mut drafts, rules);
    let mut status = sync::step_statuses(comparison, false);
    status.extend(sync::step_statuses(comparison, true));
    for d in &mut drafts {
        if let Some(ItemId::Step(step)) = &d.check.item {
            d.check.sync = status.get(step).map(|s| s.status);
        }
    }
    Some(Manifest {
        manifest_version: MANIFEST_VERSION,
        guide: gid,
        title: Text { en: en.map(|g| g.title_text.clone()), zh: zh.map(|g| g.title_text.clone()) },
        source: Text { en: en.map(|g| g.file.clone()), zh: zh.map(|g| g.file.clone()) },
        checks: drafts.into_iter().map(|d| d.check).collect(),
    })
}

fn span_of(guide: &Guide, item: Item) -> String {
    let span = match item {
        Item::Step(s) => s.span,
        Item::Row { row: Some(r), .. } => r.span,
        Item::Row { row: None, .. } => return guide.file.clone(),
    };
    format!("{}:{}:{}", guide.file, span.line, span.column)
}

fn step_checks(key: &ItemId, en: Option<&Step>, zh: Option<&Step>, spans: Text, rules: &Rules, out: &mut Vec<Draft>) {
    let steps: Vec<&Step> = en.into_iter().chain(zh).collect();
    let mut found: Vec<(&Rule, Vec<BTreeMap<String, String>>)> = Vec::new();
    for rule in rules.rules.iter().filter(|r| r.from == RuleSource::Step) {
        let bindings = step_bindings(rule, &steps);
        if !bindings.is_empty() {
            found.push((rule, bindings));
        }
    }
    let total: usize = found.iter().map(|(_, b)| b.len()).sum();
    if total == 0 {
        out.push(Draft {
            check: Check {
                id: key.to_string(),
                item: Some(key.clone()),
                kind: CheckKind::Manual,
                title: Text { en: en.map(|s| s.command_text.clone()), zh: zh.map(|s| s.command_text.clone()) },
                span: spans,
                rule: None,
                argv: Vec::new(),
                expect_exit: None,
                expect_output: None,
                timeout_secs: None,
                depends_on: Vec::new(),
                mutates: false,
                required: true,
                condition: None,
                sync: None,
            },
            vars: BTreeMap::new(),
        });
        return;
    }
    for (rule, bindings) in found {
        let several = bindings.len() > 1;
        for vars in bindings {
            let rule_part = match (total, several) {
                (1, _) => None,
                (_, false) => Some(rule.name.clone()),
                (_, true) => Some(format!("{}:{}", rule.name, vars.values().cloned().collect::<Vec<_>>().join(","))),
            };
            let id = CheckId { item: key.clone(), rule: rule_part };
            if let Some(check) = automated(rule, id, &vars, spans.clone(), None) {
                out.push(Draft { check, vars });
            }
        }
    }
}

/// The variable bindings under which a step rule applies to a step (one per check).
fn step_bindings(rule: &Rule, steps: &[&Step]) -> Vec<BTreeMap<String, String>> {
    if let Some(re) = &rule.command
        && !steps.iter().any(|s| re.is_match(&s.command_text))
    {
        return Vec::new();
    }
    if let Some(re) = &rule.step_mentions {
        let mut mentioned = BTreeSet::new();
        for s in steps {
            step_mentions(s, &mut mentioned);
        }
        if !mentioned.iter().any(|n| re.is_match(n)) {
            return Vec::new();
        }
    }
    // Names in the command sentence of either language, sorted: language-neutral values.
    let mut tokens = Vec::new();
    for s in steps {
        crate::keys::text_identifiers(&s.command_text, &mut tokens);
    }
    let names: BTreeSet<String> =
        tokens.into_iter().filter(|i| i.kind == IdentifierKind::Name).map(|i| i.value).collect();
    let mut bindings = vec![BTreeMap::new()];
    for (var, re) in &rule.names {
        let values: Vec<&String> = names.iter().filter(|n| re.is_match(n)).collect();
        let mut next = Vec::new();
        for b in &bindings {
            for v in &values {
                let mut b: BTreeMap<String, String> = b.clone();
                b.insert(var.clone(), (*v).clone());
                next.push(b);
            }
        }
        next.truncate(MAX_BINDINGS);
        bindings = next;
    }
    bindings
}

/// Names a step mentions: its name identifiers, and the names in its code blocks (which the
/// model keeps only as a hash), not counting sub-steps.
fn step_mentions(step: &Step, out: &mut BTreeSet<String>) {
    out.extend(step.identifiers.iter().filter(|i| i.kind == IdentifierKind::Name).map(|i| i.value.clone()));
    let mut tokens = Vec::new();
    code_tokens(&step.body, &mut tokens);
    out.extend(tokens.into_iter().filter(|i| i.kind == IdentifierKind::Name).map(|i| i.value));
}

fn code_tokens(blocks: &[Block], out: &mut Vec<crate::model::Identifier>) {
    // Depth is bounded by the parser; sub-steps (procedures) are their own steps.
    for block in blocks {
        match block {
            Block::Code(c) => crate::keys::text_identifiers(&c.code, out),
            Block::Choices { items, .. } | Block::List { items, .. } => {
                items.iter().for_each(|i| code_tokens(&i.blocks, out))
            }
            Block::Note(n) => code_tokens(&n.blocks, out),
            Block::Quote { blocks, .. } | Block::Result { content: blocks, .. } => code_tokens(blocks, out),
            _ => {}
        }
    }
}

fn row_checks(
    key: &ItemId,
    en: Option<&RoleRecord>,
    zh: Option<&RoleRecord>,
    spans: Text,
    rules: &Rules,
    out: &mut Vec<Draft>,
) {
    let value = |f: fn(&RoleRecord) -> &Option<String>| {
        en.and_then(|r| f(r).clone()).or_else(|| zh.and_then(|r| f(r).clone())).filter(|v| !v.trim().is_empty())
    };
    let role = value(|r| &r.role);
    let policy = value(|r| &r.policy);
    let condition = Text { en: en.and_then(|r| r.condition.clone()), zh: zh.and_then(|r| r.condition.clone()) };
    let condition = (condition.en.is_some() || condition.zh.is_some()).then_some(condition);
    for rule in rules.rules.iter().filter(|r| r.from == RuleSource::TableRow) {
        let mut vars = BTreeMap::new();
        let mut ok = true;
        for field in &rule.require {
            let v = match field {
                RecordField::Role => &role,
                RecordField::Policy => &policy,
            };
            match v {
                Some(v) => {
                    vars.insert(field.as_str().to_string(), v.clone());
                }
                None => ok = false,
            }
        }
        if !ok {
            continue;
        }
        let id = CheckId { item: key.clone(), rule: Some(rule.name.clone()) };
        if let Some(check) = automated(rule, id, &vars, spans.clone(), condition.clone()) {
            out.push(Draft { check, vars });
        }
    }
}

/// An automated check from a rule. `None` only if a template fails for these values, which
/// validation of the rules file rules out for every value.
fn automated(
    rule: &Rule,
    id: CheckId,
    vars: &BTreeMap<String, String>,
    span: Text,
    condition: Option<Text>,
) -> Option<Check> {
    let argv = rule.argv.iter().map(|a| rules::render(a, vars)).collect::<Result<Vec<_>, _>>().ok()?;
    let expect_output = match &rule.expect_output {
        Some(p) => Some(rules::render_pattern(p, vars).ok()?),
        None => None,
    };
    Some(Check {
        id: id.to_string(),
        item: Some(id.item),
        kind: CheckKind::Automated,
        title: Text { en: rules::render(&rule.title_en, vars).ok(), zh: rules::render(&rule.title_zh, vars).ok() },
        span,
        rule: Some(rule.name.clone()),
        argv,
        expect_exit: Some(rule.expect_exit),
        expect_output,
        timeout_secs: Some(rule.timeout_secs),
        depends_on: Vec::new(),
        mutates: rule.mutates,
        required: rule.required,
        condition,
        sync: None,
    })
}

/// A check of rule R depends on the earlier checks of each rule R names whose variables
/// agree with its own on every variable they share.
fn resolve_dependencies(drafts: &mut [Draft], rules: &Rules) {
    for i in 0..drafts.len() {
        let Some(rule) = drafts[i].check.rule.as_deref().and_then(|n| rules.get(n)) else { continue };
        let mut deps = Vec::new();
        for dep_rule in &rule.depends_on {
            for earlier in &drafts[..i] {
                let agrees = earlier.vars.iter().all(|(k, v)| drafts[i].vars.get(k).is_none_or(|w| w == v));
                if earlier.check.rule.as_deref() == Some(dep_rule.as_str()) && agrees {
                    deps.push(earlier.check.id.clone());
                }
            }
        }
        drafts[i].check.depends_on = deps;
    }
}

// ---------------------------------------------------------------------------------------
// Reading

/// Positions of the fields a semantic check can complain about.
#[derive(Deserialize)]
struct Positions {
    #[serde(default)]
    manifest_version: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    check: Vec<toml::Spanned<CheckPositions>>,
}

#[derive(Deserialize)]
struct CheckPositions {
    #[serde(default)]
    id: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    argv: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    expect_output: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    timeout_secs: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    depends_on: Option<toml::Spanned<toml::Value>>,
}

pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
    let text = std::fs::read_to_string(path).map_err(|err| ManifestError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: format!("cannot read: {}", crate::run::io_message(&err)),
    })?;
    parse(&text, path)
}

/// Parse and validate a manifest text; `path` is only used in errors.
pub fn parse(text: &str, path: &Path) -> Result<Manifest, ManifestError> {
    let err_at = |offset: usize, message: String| {
        let (line, column) = rules::position(text, offset);
        ManifestError { path: path.to_path_buf(), line, column, message }
    };
    let mut manifest: Manifest = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        err_at(offset, e.message().trim_end().trim_end_matches('.').to_string())
    })?;
    let pos: Positions = toml::from_str(text).map_err(|e| err_at(0, e.message().trim_end().to_string()))?;
    let at = |i: usize, field: fn(&CheckPositions) -> &Option<toml::Spanned<toml::Value>>| {
        pos.check.get(i).map_or(0, |c| field(c.get_ref()).as_ref().map_or(c.span().start, |s| s.span().start))
    };
    if manifest.manifest_version != MANIFEST_VERSION {
        let offset = pos.manifest_version.as_ref().map_or(0, |s| s.span().start);
        let v = manifest.manifest_version;
        return Err(err_at(
            offset,
            format!("unsupported manifest_version {v} (this preflight reads {MANIFEST_VERSION})"),
        ));
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (i, check) in manifest.checks.iter().enumerate() {
        if check.id.trim().is_empty() {
            return Err(err_at(at(i, |c| &c.id), "a check id must not be empty".into()));
        }
        match check.kind {
            CheckKind::Automated if check.argv.is_empty() || check.argv[0].is_empty() => {
                return Err(err_at(at(i, |c| &c.argv), format!("check `{}`: an automated check needs argv", check.id)));
            }
            CheckKind::Manual if !check.argv.is_empty() => {
                return Err(err_at(at(i, |c| &c.argv), format!("check `{}`: a manual check has no argv", check.id)));
            }
            _ => {}
        }
        if let Some(pattern) = &check.expect_output
            && let Err(e) = Regex::new(pattern)
        {
            let message = format!("check `{}`: invalid expect_output pattern: {}", check.id, rules::one_line(&e));
            return Err(err_at(at(i, |c| &c.expect_output), message));
        }
        if check.timeout_secs.is_some_and(|t| t == 0 || t > MAX_TIMEOUT_SECS) {
            let message = format!("check `{}`: timeout_secs must be between 1 and {MAX_TIMEOUT_SECS}", check.id);
            return Err(err_at(at(i, |c| &c.timeout_secs), message));
        }
        for dep in &check.depends_on {
            if !seen.contains(dep.as_str()) {
                let message = format!("check `{}`: depends on `{dep}`, which is not an earlier check", check.id);
                return Err(err_at(at(i, |c| &c.depends_on), message));
            }
        }
        if !seen.insert(&check.id) {
            return Err(err_at(at(i, |c| &c.id), format!("duplicate check id `{}`", check.id)));
        }
    }
    // The edge where a check id's string form is read: ids of built manifests name their item.
    for check in &mut manifest.checks {
        check.item = check.id.parse::<CheckId>().ok().map(|c| c.item);
    }
    Ok(manifest)
}

// ---------------------------------------------------------------------------------------
// Task list

/// The manifest as a Markdown task list in one language, for an issue or a pull request.
/// Sub-steps are indented under their step; automated checks show their command.
pub fn task_list(manifest: &Manifest, lang: &str) -> String {
    let mut out = format!("## {}\n\n", one_line_md(manifest.title.get(lang)));
    for check in &manifest.checks {
        let depth = match &check.item {
            Some(ItemId::Step(step)) => step.path.depth().saturating_sub(1),
            _ => 0,
        };
        let indent = "  ".repeat(depth);
        out.push_str(&format!("{indent}- [ ] {}", one_line_md(check.title.get(lang))));
        if check.kind == CheckKind::Automated {
            out.push_str(&format!(" ({})", code_span(&display_argv(&check.argv))));
        }
        out.push('\n');
    }
    out
}

fn one_line_md(text: &str) -> String {
    crate::model::collapse_ws(text)
}

fn code_span(text: &str) -> String {
    let text = crate::model::collapse_ws(text);
    let mut ticks = 1;
    while text.contains(&"`".repeat(ticks)) {
        ticks += 1;
    }
    let fence = "`".repeat(ticks);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// An argument list for display only (never for execution): arguments that need it are
/// single-quoted the way a POSIX shell would read them back.
pub fn display_argv(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            let plain = !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
            if plain { a.clone() } else { format!("'{}'", a.replace('\'', r"'\''")) }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_argv_quotes_what_a_shell_would_read() {
        let argv = ["aliyun", "ram", "a b", "it's", "$(id)", ""].map(String::from);
        assert_eq!(display_argv(&argv), r#"aliyun ram 'a b' 'it'\''s' '$(id)' ''"#);
    }

    #[test]
    fn code_span_survives_backticks() {
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }
}
