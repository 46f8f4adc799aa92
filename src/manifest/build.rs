//! A guide pair + rules → its manifest: one check per item and rule that binds, a manual
//! check for every step no rule automates, dependencies resolved by index.

use std::collections::{BTreeMap, BTreeSet};

use super::bind::step_bindings;
use super::items::{Item, items};
use super::{Check, CheckKind, InputArg, LinkRef, MANIFEST_VERSION, Manifest, SectionRef, Text};
use crate::ids::{CheckId, ItemId};
use crate::model::{Guide, Inline, RoleRecord, Step, SyncStatus};
use crate::pairs::GuidePair;
use crate::rules::{self, RecordField, Rule, RuleSource, Rules};
use crate::sync::{self, Comparison};

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
    let links = |g: Option<&Guide>, lang: &str| -> BTreeMap<ItemId, Vec<LinkRef>> {
        let mut out = BTreeMap::new();
        for (id, item) in g.map(items).unwrap_or_default() {
            if let Item::Step(step) = item {
                let mut found = Vec::new();
                command_links(&step.command, lang, &mut found);
                if !found.is_empty() {
                    out.insert(id, found);
                }
            }
        }
        out
    };
    let (en_links, zh_links) = (links(en, "en-US"), links(zh, "zh-CN"));
    for d in &mut drafts {
        let Some(item) = &d.check.item else { continue };
        let si = match item {
            ItemId::Step(step) => step.path.section,
            ItemId::Row(row) => row.section,
        } as usize;
        let heading = |g: Option<&Guide>| {
            g.and_then(|g| g.sections.get(si)).and_then(|s| s.heading.as_ref().map(|h| (s.level, h.text.clone())))
        };
        let (e, z) = (heading(en), heading(zh));
        if let Some(level) = e.as_ref().or(z.as_ref()).map(|(l, _)| *l) {
            d.check.section = Some(SectionRef { level, title: Text { en: e.map(|x| x.1), zh: z.map(|x| x.1) } });
        }
        if let ItemId::Step(_) = item {
            d.check.links = en_links.get(item).into_iter().chain(zh_links.get(item)).flatten().cloned().collect();
        }
    }
    let mut status = sync::step_statuses(comparison, false);
    status.extend(sync::step_statuses(comparison, true));
    // A table row's status: the row in both languages with the same role and policy is in
    // sync, with different ones drift, in one language only unmatched.
    let record = |items: &[(ItemId, Item<'_>)]| -> BTreeMap<ItemId, (Option<String>, Option<String>)> {
        items
            .iter()
            .filter_map(|(k, i)| match i {
                Item::Row { record, .. } => Some((k.clone(), (record.role.clone(), record.policy.clone()))),
                Item::Step(_) => None,
            })
            .collect()
    };
    let (en_rows, zh_rows) = (record(&en_items), record(&zh_items));
    for d in &mut drafts {
        match &d.check.item {
            Some(ItemId::Step(step)) => d.check.sync = status.get(step).map(|s| s.status),
            Some(row @ ItemId::Row(_)) => {
                d.check.sync = Some(match (en_rows.get(row), zh_rows.get(row)) {
                    (Some(e), Some(z)) if e == z => SyncStatus::InSync,
                    (Some(_), Some(_)) => SyncStatus::Drift,
                    _ => SyncStatus::Unmatched,
                })
            }
            None => {}
        }
    }
    // The guide's own tags (front matter `tags:`, either language) go to every check.
    let mut guide_tags: BTreeSet<String> = BTreeSet::new();
    for g in [en, zh].into_iter().flatten() {
        guide_tags.extend(front_matter_tags(g.front_matter.as_deref().unwrap_or("")));
    }
    if !guide_tags.is_empty() {
        for d in &mut drafts {
            let mut tags: BTreeSet<String> = d.check.tags.iter().cloned().collect();
            tags.extend(guide_tags.iter().cloned());
            d.check.tags = tags.into_iter().collect();
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
    let manual = |out: &mut Vec<Draft>| {
        out.push(Draft { check: manual_check(key, en, zh, spans.clone()), vars: BTreeMap::new() })
    };
    if total == 0 {
        manual(out);
        return;
    }
    let mut made = 0;
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
                made += 1;
            }
        }
    }
    // A template that fails for this step's values makes no check; the step is then asked of a
    // person, never dropped.
    if made == 0 {
        manual(out);
    }
}

/// The manual check of a step: its command sentence is the question.
fn manual_check(key: &ItemId, en: Option<&Step>, zh: Option<&Step>, span: Text) -> Check {
    Check {
        id: key.to_string(),
        item: Some(key.clone()),
        kind: CheckKind::Manual,
        title: Text { en: en.map(|s| s.command_text.clone()), zh: zh.map(|s| s.command_text.clone()) },
        span,
        tags: Vec::new(),
        inputs: Vec::new(),
        when: None,
        section: None,
        links: Vec::new(),
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
        if let Some(mut check) = automated(rule, id, &vars, spans.clone(), condition.clone()) {
            if let Some(c) = &condition {
                conditional(&mut check, c, rules);
            }
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
    let mut inputs = Vec::new();
    let mut argv = Vec::with_capacity(rule.argv.len());
    for (i, a) in rule.argv.iter().enumerate() {
        match rules::input_reference(a) {
            Some(name) => {
                inputs.push(InputArg { arg: i, name: name.to_string() });
                argv.push(a.clone());
            }
            None => argv.push(rules::render(a, vars).ok()?),
        }
    }
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
        tags: rule.tags.clone(),
        inputs,
        when: None,
        section: None,
        links: Vec::new(),
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

/// A check of rule R depends, for each rule R names, on the latest earlier check of that rule
/// whose variables agree with its own on every variable they share. The latest one only: an
/// earlier check with the same values runs the same command, so listing them all would add
/// nothing but make a manifest grow with the square of its rows (a role named in many rows).
/// Linear: earlier checks are indexed by rule and by the values of the shared variables.
fn resolve_dependencies(drafts: &mut [Draft], rules: &Rules) {
    // The variables of each rule's checks (every check of a rule binds the same ones).
    let mut names_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in drafts.iter() {
        if let Some(rule) = d.check.rule.as_deref() {
            names_of.entry(rule).or_insert_with(|| d.vars.keys().map(String::as_str).collect());
        }
    }
    // (dependency rule, shared variables) → values of those variables → the latest check so far.
    type Index = BTreeMap<Vec<String>, usize>;
    let mut indexes: BTreeMap<(String, Vec<String>), Index> = BTreeMap::new();
    let mut wanted: Vec<Vec<(String, Vec<String>)>> = Vec::with_capacity(drafts.len());
    for d in drafts.iter() {
        let mut keys = Vec::new();
        if let Some(rule) = d.check.rule.as_deref().and_then(|n| rules.get(n)) {
            for dep in &rule.depends_on {
                let Some(dep_names) = names_of.get(dep.as_str()) else { continue };
                let shared: Vec<String> =
                    dep_names.iter().filter(|k| d.vars.contains_key(**k)).map(|k| k.to_string()).collect();
                indexes.entry((dep.clone(), shared.clone())).or_default();
                keys.push((dep.clone(), shared));
            }
        }
        wanted.push(keys);
    }
    for i in 0..drafts.len() {
        let deps: Vec<String> = wanted[i]
            .iter()
            .filter_map(|key| {
                let values: Vec<String> =
                    key.1.iter().map(|k| drafts[i].vars.get(k).cloned().unwrap_or_default()).collect();
                indexes.get(key).and_then(|index| index.get(&values)).map(|&j| drafts[j].check.id.clone())
            })
            .collect();
        drafts[i].check.depends_on = deps;
        // Make this check the latest of its rule for every index that looks for that rule.
        let Some(rule) = drafts[i].check.rule.clone() else { continue };
        for ((dep, shared), index) in indexes.range_mut((rule.clone(), Vec::new())..) {
            if *dep != rule {
                break;
            }
            let values: Vec<String> =
                shared.iter().map(|k| drafts[i].vars.get(k).cloned().unwrap_or_default()).collect();
            index.insert(values, i);
        }
    }
}

/// A row needed only sometimes: unless a `[[condition]]` of the rules says its condition
/// always applies, the check is not required, and the input that condition names decides at
/// run time (`when`).
fn conditional(check: &mut Check, condition: &Text, rules: &Rules) {
    let texts = [&condition.en, &condition.zh];
    let meaning =
        rules.conditions.iter().find(|c| texts.iter().any(|t| t.as_ref().is_some_and(|t| c.pattern.is_match(t))));
    match meaning {
        Some(c) if c.always => {}
        Some(c) => {
            check.required = false;
            check.when = c.input.clone();
        }
        None => check.required = false,
    }
}

/// The links of a command sentence, in order (nesting is bounded by the parser).
fn command_links(inlines: &[Inline], lang: &str, out: &mut Vec<LinkRef>) {
    for inline in inlines {
        match inline {
            Inline::Link { dest, content, .. } => out.push(LinkRef {
                lang: lang.to_string(),
                text: crate::model::plain_text(content),
                target: dest.clone(),
            }),
            Inline::Emphasis { content } | Inline::Strong { content } | Inline::Strikethrough { content } => {
                command_links(content, lang, out)
            }
            _ => {}
        }
    }
}

/// The `tags:` of a page's front matter: `tags: [a, b]`, `tags: a, b`, or a YAML list of
/// `- a` lines under `tags:`. Anything else in the front matter is not read.
pub(super) fn front_matter_tags(front: &str) -> Vec<String> {
    let clean = |t: &str| t.trim().trim_matches(|c| c == '"' || c == '\'').trim().to_string();
    let mut out = Vec::new();
    let mut in_list = false;
    for line in front.lines() {
        if in_list {
            match line.trim_start().strip_prefix("- ") {
                Some(item) if line.starts_with([' ', '-']) => {
                    out.push(clean(item));
                    continue;
                }
                _ => in_list = false,
            }
        }
        if let Some(rest) = line.strip_prefix("tags:") {
            let rest = rest.trim();
            if rest.is_empty() {
                in_list = true;
            } else {
                let rest = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')).unwrap_or(rest);
                out.extend(rest.split(',').map(clean));
            }
        }
    }
    out.retain(|t| !t.is_empty() && t.chars().all(|c| !c.is_control()));
    out
}

#[cfg(test)]
mod tests {
    use super::front_matter_tags;

    #[test]
    fn front_matter_tags_in_three_spellings() {
        assert_eq!(front_matter_tags("title: x\ntags: [emr, \"prod\"]\n"), ["emr", "prod"]);
        assert_eq!(front_matter_tags("tags: emr, ram\n"), ["emr", "ram"]);
        assert_eq!(front_matter_tags("tags:\n  - emr\n  - ram\nother: 1\n- stray\n"), ["emr", "ram"]);
        assert!(front_matter_tags("keywords: a\n").is_empty());
    }
}
