//! Content checks a Chinese reviewer makes on the zh-CN side of a pair: English prose
//! left untranslated, spacing between CJK and Latin letters or digits, half-width
//! punctuation in Chinese sentences, names that must not change, glossary terms.
//!
//! The first three read the zh-CN source line by line, with code spans, link targets,
//! URLs, HTML tags, `{#id}` attributes and escapes masked, so positions are exact and
//! [`fixes`] can rewrite the file. Each finding names the aligned en-US step (or section)
//! as its en-US side. The last two compare aligned steps and sections as texts.
//!
//! Invariant: pure and linear in the size of the two files; deterministic.

use std::collections::{BTreeMap, BTreeSet};

use super::align::align;
use super::{Comparison, Finding, Location};
use crate::diag::Severity;
use crate::ids::StepId;
use crate::model::{Block, Guide, Section, Span, Step, blocks_text, clip, plain_text};

pub use crate::project::content::{Checks, ContentConfig, Convention, Level};

/// The share of CJK–Latin gaps that must agree for `auto` to enforce a convention.
pub const CLEAR_MAJORITY: f64 = 0.8;

/// What the checks of one run share: the learnt names and the spacing convention.
#[derive(Debug, Clone)]
pub struct Settings<'c> {
    pub config: &'c ContentConfig,
    /// Do-not-translate names, sorted.
    pub names: Vec<String>,
    /// The convention enforced, or `None` (off, or no clear majority).
    pub spacing: Option<Convention>,
}

/// Counts of CJK–Latin gaps written without and with a space.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpacingCounts {
    pub none: usize,
    pub space: usize,
}

impl SpacingCounts {
    /// The convention a clear majority follows, if any.
    pub fn majority(self) -> Option<Convention> {
        let total = (self.none + self.space) as f64;
        if total == 0.0 {
            return None;
        }
        if self.none as f64 / total >= CLEAR_MAJORITY {
            Some(Convention::None)
        } else if self.space as f64 / total >= CLEAR_MAJORITY {
            Some(Convention::Space)
        } else {
            None
        }
    }
}

/// Decide what a run enforces, from the config, the en-US guides (for learnt names) and
/// the zh-CN sources (for the `auto` convention).
pub fn settings<'c>(config: &'c ContentConfig, en_guides: &[&Guide], zh_texts: &[&str]) -> Settings<'c> {
    let mut names: BTreeSet<String> = config.do_not_translate.iter().filter(|n| !n.is_empty()).cloned().collect();
    if config.learn_names {
        for g in en_guides {
            learn_names(g, &mut names);
        }
    }
    let spacing = match (config.checks.cjk_spacing, config.spacing) {
        (Level::Off, _) => None,
        (_, Convention::Auto) => {
            let mut counts = SpacingCounts::default();
            for t in zh_texts {
                let c = spacing_counts(t);
                counts.none += c.none;
                counts.space += c.space;
            }
            counts.majority()
        }
        (_, c) => Some(c),
    };
    Settings { config, names: names.into_iter().collect(), spacing }
}

/// API actions start with one of these verbs (`CreateUser`, `DescribeInstances`).
const API_VERBS: &[&str] = &[
    "Add", "Attach", "Create", "Delete", "Describe", "Detach", "Get", "List", "Modify", "Put", "Remove", "Set",
    "Update",
];

fn learn_names(g: &Guide, out: &mut BTreeSet<String>) {
    for section in &g.sections {
        crate::walk::blocks(&section.blocks, &mut |b| {
            if let Block::Table(t) = b {
                for r in &t.records {
                    out.extend(r.role.iter().chain(r.policy.iter()).filter(|n| is_learnable(n)).cloned());
                }
            }
        });
    }
    for step in g.steps() {
        for id in &step.identifiers {
            if id.kind == crate::model::IdentifierKind::Name && is_api_name(&id.value) {
                out.insert(id.value.clone());
            }
        }
    }
}

/// A role or policy name worth requiring: one ASCII token of six characters or more.
fn is_learnable(name: &str) -> bool {
    name.len() >= 6 && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `CreateUser`: a verb of [`API_VERBS`] and a capitalized rest, letters only.
fn is_api_name(v: &str) -> bool {
    API_VERBS.iter().any(|verb| {
        v.strip_prefix(verb).is_some_and(|rest| {
            rest.len() >= 3
                && rest.starts_with(|c: char| c.is_ascii_uppercase())
                && rest.bytes().all(|b| b.is_ascii_alphabetic())
        })
    })
}

/// All content findings of one compared pair. `zh_text` is the zh-CN source.
pub fn check(settings: &Settings<'_>, en: &Guide, zh: &Guide, zh_text: &str, comparison: &Comparison) -> Vec<Finding> {
    let checks = &settings.config.checks;
    let units = Units::new(en, zh, comparison);
    let mut out = Vec::new();
    for line in prose_lines(zh_text) {
        let (en_loc, step) = units.counterpart(line.number);
        let zh_loc = |col: u32, snippet: &str| Location {
            file: zh.file.clone(),
            line: line.number,
            column: col,
            snippet: clip(snippet, 80),
        };
        let mut push = |code: &str, severity: Severity, message: String, col: u32| {
            out.push(Finding {
                code: code.into(),
                severity,
                message,
                en: Some(en_loc.clone()),
                zh: Some(zh_loc(col, line.text.trim())),
                step: step.clone(),
                baseline: None,
            });
        };
        if let Some(sev) = checks.untranslated.severity() {
            for (col, words) in untranslated(&line.cells) {
                push(
                    "sync::untranslated",
                    sev,
                    format!("English prose left in {}: \"{}\"", zh.locale, clip(&words, 60)),
                    col,
                );
            }
        }
        if let (Some(sev), Some(conv)) = (checks.cjk_spacing.severity(), settings.spacing) {
            let edits = spacing_edits(&line.cells, conv);
            if let Some(first) = edits.first() {
                let what = if conv == Convention::None {
                    "a space between Chinese and Latin text (the project writes none)"
                } else {
                    "no space between Chinese and Latin text (the project writes one)"
                };
                let n = edits.len();
                let more = if n > 1 { format!(" ({n} places on this line)") } else { String::new() };
                push("sync::cjk-spacing", sev, format!("{what}: \"{}\"{more}", context(&line.cells, first)), first.col);
            }
        }
        if let Some(sev) = checks.punctuation_width.severity() {
            let edits = punctuation_edits(&line.cells);
            if let Some(first) = edits.iter().find(|e| !e.replacement.is_empty()) {
                let marks: BTreeSet<String> =
                    edits.iter().filter(|e| !e.replacement.is_empty()).map(|e| e.original.clone()).collect();
                let marks: Vec<String> = marks.into_iter().map(|m| format!("`{m}`")).collect();
                push(
                    "sync::punctuation-width",
                    sev,
                    format!(
                        "half-width {} in a Chinese sentence: \"{}\"",
                        marks.join(" "),
                        context(&line.cells, first)
                    ),
                    first.col,
                );
            }
        }
    }
    names_and_glossary(settings, &units, &mut out);
    out
}

/// A short excerpt of the line around an edit.
fn context(cells: &[Cell], edit: &Edit) -> String {
    let i = cells.iter().position(|c| c.col == edit.col).unwrap_or(0);
    let from = i.saturating_sub(6);
    let to = (i + 7).min(cells.len());
    cells[from..to].iter().map(|c| c.ch).collect()
}

// ---------------------------------------------------------------------------------------
// Units: which en-US step or section a zh-CN line answers to.

struct Units<'g> {
    en: &'g Guide,
    zh: &'g Guide,
    /// Aligned steps, (en, zh).
    steps: Vec<(&'g Step, &'g Step)>,
    /// Every zh-CN step with its en-US counterpart, if any.
    zh_steps: Vec<(&'g Step, Option<&'g Step>)>,
    /// Aligned sections, (en, zh), and every zh-CN section with its counterpart.
    sections: Vec<(&'g Section, &'g Section)>,
    zh_sections: Vec<(&'g Section, Option<&'g Section>)>,
}

impl<'g> Units<'g> {
    fn new(en: &'g Guide, zh: &'g Guide, comparison: &Comparison) -> Units<'g> {
        let en_steps: BTreeMap<&StepId, &Step> = en.steps().into_iter().map(|s| (&s.id, s)).collect();
        let zh_all = zh.steps();
        let matched: BTreeMap<&StepId, &StepId> =
            comparison.steps.iter().filter_map(|(e, z)| Some((z.as_ref()?, e.as_ref()?))).collect();
        let mut steps = Vec::new();
        let mut zh_steps = Vec::new();
        for z in zh_all {
            let e = matched.get(&z.id).and_then(|id| en_steps.get(id)).copied();
            if let Some(e) = e {
                steps.push((e, z));
            }
            zh_steps.push((z, e));
        }
        let (ka, kb): (Vec<_>, Vec<_>) = (
            en.sections.iter().map(super::compare::section_keys).collect(),
            zh.sections.iter().map(super::compare::section_keys).collect(),
        );
        let pairs = align(
            &Vec::from_iter(en.sections.iter().zip(&ka)),
            &Vec::from_iter(zh.sections.iter().zip(&kb)),
            |x, y| super::compare::section_sim(x.0, x.1, y.0, y.1),
        );
        let mut sections = Vec::new();
        let mut zh_sections = Vec::new();
        for (i, j) in pairs {
            match (i.map(|i| &en.sections[i]), j.map(|j| &zh.sections[j])) {
                (Some(x), Some(y)) => {
                    sections.push((x, y));
                    zh_sections.push((y, Some(x)));
                }
                (None, Some(y)) => zh_sections.push((y, None)),
                _ => {}
            }
        }
        Units { en, zh, steps, zh_steps, sections, zh_sections }
    }

    fn loc(&self, span: Span, snippet: &str) -> Location {
        Location { file: self.en.file.clone(), line: span.line, column: span.column, snippet: clip(snippet, 80) }
    }

    /// The en-US side of a zh-CN line: the aligned step of the innermost zh-CN step that
    /// holds it, else the aligned section, else the en-US title.
    fn counterpart(&self, line: u32) -> (Location, Option<StepId>) {
        // A span ends where the next item starts (`end_line` is past the item).
        let within = |s: Span| s.line <= line && line < s.end_line.max(s.line + 1);
        let size = |s: Span| s.end_line.saturating_sub(s.line);
        let step = self.zh_steps.iter().filter(|(z, _)| within(z.span)).min_by_key(|(z, _)| size(z.span));
        if let Some((z, e)) = step {
            return match e {
                Some(e) => (self.loc(e.span, &e.command_text), Some(e.id.clone())),
                None => (self.loc(self.en.span, &self.en.title_text), Some(z.id.clone())),
            };
        }
        // A section's span is its heading: it runs to the next section.
        let section = self.zh_sections.iter().rev().find(|(z, _)| z.span.line <= line).and_then(|s| s.1);
        match section {
            Some(e) if e.heading.is_some() => (self.loc(e.span, &heading(e)), None),
            _ => (self.loc(self.en.span, &self.en.title_text), None),
        }
    }
}

fn heading(s: &Section) -> String {
    s.heading.as_ref().map_or_else(String::new, |h| h.text.clone())
}

/// A step's own text: command and body, sub-steps left out.
fn step_text(s: &Step) -> String {
    let mut out = plain_text(&s.command);
    out.push(' ');
    blocks_text(&s.body, false, &mut out);
    out
}

/// A section's own text: heading and blocks outside its procedures.
fn section_text(s: &Section) -> String {
    let mut out = heading(s);
    out.push(' ');
    blocks_text(&s.blocks, false, &mut out);
    out
}

/// An aligned step or section as texts: (en text, zh text, en span, zh span, en snippet,
/// zh snippet, en step, names compared elsewhere).
type UnitTexts = (String, String, Span, Span, String, String, Option<StepId>, BTreeSet<String>);

/// All text of blocks at every depth (procedures, sub-steps, notes, cells, code): the
/// zh-CN side of a unit is read whole, so a name kept one level down or in a code block
/// still counts as kept.
fn whole_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    crate::walk::blocks(blocks, &mut |b| {
        match b {
            Block::Paragraph { content, .. } => out.push_str(&plain_text(content)),
            Block::Procedure(p) => {
                for s in &p.steps {
                    out.push_str(&plain_text(&s.command));
                    out.push(' ');
                }
            }
            Block::Table(t) => {
                for cell in t.header.iter().chain(t.rows.iter().flat_map(|r| r.cells.iter())) {
                    out.push_str(&cell.text);
                    out.push(' ');
                }
            }
            Block::Code(c) => out.push_str(&c.code),
            Block::Heading { heading, .. } => out.push_str(&heading.text),
            _ => {}
        }
        out.push(' ');
    });
    out
}

fn names_and_glossary(settings: &Settings<'_>, units: &Units<'_>, out: &mut Vec<Finding>) {
    let checks = &settings.config.checks;
    let dnt = checks.do_not_translate.severity().filter(|_| !settings.names.is_empty());
    let glossary = checks.glossary_term.severity().filter(|_| !settings.config.glossary.is_empty());
    if dnt.is_none() && glossary.is_none() {
        return;
    }
    let mut texts: Vec<UnitTexts> = Vec::new();
    for (e, z) in &units.steps {
        // Names a step holds as identifiers are compared by `sync::identifier-differs`.
        let ids: BTreeSet<String> = e.identifiers.iter().map(|i| i.value.clone()).collect();
        texts.push((
            step_text(e),
            format!("{} {}", plain_text(&z.command), whole_text(&z.body)),
            e.span,
            z.span,
            e.command_text.clone(),
            z.command_text.clone(),
            Some(e.id.clone()),
            ids,
        ));
    }
    for (e, z) in &units.sections {
        // Roles and policies of the section's tables are compared by `sync::record-missing`.
        let mut records = BTreeSet::new();
        crate::walk::blocks(&e.blocks, &mut |b| {
            if let Block::Table(t) = b {
                for r in &t.records {
                    records.extend(r.role.iter().chain(r.policy.iter()).cloned());
                }
            }
        });
        let (mut en_text, mut zh_text) = (section_text(e), format!("{} {}", heading(z), whole_text(&z.blocks)));
        let (mut en_snip, mut zh_snip) = (heading(e), heading(z));
        // The lead: the short description belongs to it, and the title names it.
        if e.heading.is_none() {
            for (text, snip, g) in [(&mut en_text, &mut en_snip, units.en), (&mut zh_text, &mut zh_snip, units.zh)] {
                text.push_str(&g.shortdesc.as_deref().map(plain_text).unwrap_or_default());
                text.push(' ');
                text.push_str(&g.title_text);
                *snip = g.title_text.clone();
            }
        }
        texts.push((en_text, zh_text, e.span, z.span, en_snip, zh_snip, None, records));
    }
    for (en_text, zh_text, en_span, zh_span, en_snip, zh_snip, step, ids) in texts {
        let unit = if step.is_some() { "step" } else { "section" };
        let mut push = |code: &str, severity: Severity, message: String| {
            out.push(Finding {
                code: code.into(),
                severity,
                message,
                en: Some(units.loc(en_span, &en_snip)),
                zh: Some(Location {
                    file: units.zh.file.clone(),
                    line: zh_span.line,
                    column: zh_span.column,
                    snippet: clip(&zh_snip, 80),
                }),
                step: step.clone(),
                baseline: None,
            });
        };
        if let Some(sev) = dnt {
            // Only names whose first word the en-US text holds are searched: linear in
            // the text, however many names the project has.
            let words: BTreeSet<&str> =
                en_text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').filter(|w| !w.is_empty()).collect();
            let missing: Vec<String> = settings
                .names
                .iter()
                .filter(|n| n.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').any(|w| words.contains(w)))
                .filter(|n| !ids.contains(*n))
                .filter(|n| has_term(&en_text, n, false) && !has_term(&zh_text, n, false))
                .map(|n| format!("`{n}`"))
                .collect();
            if !missing.is_empty() {
                push(
                    "sync::do-not-translate",
                    sev,
                    format!(
                        "{} in the {} {unit}, not in the aligned {} one",
                        missing.join(", "),
                        units.en.locale,
                        units.zh.locale
                    ),
                );
            }
        }
        if let Some(sev) = glossary {
            let missing: Vec<String> = settings
                .config
                .glossary
                .iter()
                .filter(|(e, z)| has_term(&en_text, e, true) && !zh_text.contains(z.as_str()))
                .map(|(e, z)| format!("`{e}` → `{z}`"))
                .collect();
            if !missing.is_empty() {
                push("sync::glossary-term", sev, format!("glossary terms not used: {}", missing.join(", ")));
            }
        }
    }
}

/// Whether `text` holds `term` as whole words (not inside a longer ASCII word).
fn has_term(text: &str, term: &str, ignore_case: bool) -> bool {
    let (text, term) =
        if ignore_case { (text.to_lowercase(), term.to_lowercase()) } else { (text.to_string(), term.to_string()) };
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut from = 0;
    while let Some(i) = text[from..].find(&term) {
        let at = from + i;
        let end = at + term.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let edge_ok = |c: Option<char>, t: Option<char>| !(word(c) && word(t));
        if edge_ok(before, term.chars().next()) && edge_ok(after, term.chars().next_back()) {
            return true;
        }
        from = at + term.chars().next().map_or(1, char::len_utf8);
    }
    false
}

// ---------------------------------------------------------------------------------------
// Source lines, masked.

/// One character of a prose line. `masked` characters are markup or exempt text (code,
/// link targets, URLs, tags, attributes, escapes) and take part in no check.
#[derive(Debug, Clone, Copy)]
struct Cell {
    ch: char,
    /// 1-based character column.
    col: u32,
    /// Byte offset in the line.
    byte: usize,
    masked: bool,
    /// Inside `**bold**` (a UI label) or quotes: exempt from the untranslated check.
    label: bool,
}

struct Line<'t> {
    number: u32,
    text: &'t str,
    cells: Vec<Cell>,
}

/// The prose lines of a Markdown file: not front matter, fenced code, HTML blocks or
/// comments; each masked.
fn prose_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut front = false;
    let mut comment = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let t = line.trim_start();
        if i == 0 && t == "---" {
            front = true;
            continue;
        }
        if front {
            front = t != "---";
            continue;
        }
        if comment {
            comment = !t.contains("-->");
            continue;
        }
        let run = |c: char| t.chars().take_while(|&x| x == c).count();
        match fence {
            Some((c, n)) => {
                // Pages put fences in table cells (`` ``` |``): any fence run closes.
                if run(c) >= n {
                    fence = None;
                }
                continue;
            }
            None => {
                for c in ['`', '~'] {
                    if run(c) >= 3 {
                        fence = Some((c, run(c)));
                    }
                }
                if t.starts_with('|') && t.matches("```").count() % 2 == 1 {
                    fence = Some(('`', 3));
                }
                if fence.is_some() {
                    continue;
                }
            }
        }
        if t.starts_with("<!--") {
            comment = !t.contains("-->");
            continue;
        }
        // Indented code (four spaces outside a list) is rare in these pages and
        // indistinguishable from list continuation here: it is read as prose.
        out.push(Line { number: i as u32 + 1, text: line, cells: mask(line) });
    }
    out
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn mask(line: &str) -> Vec<Cell> {
    let mut cells: Vec<Cell> = line
        .char_indices()
        .enumerate()
        .map(|(i, (byte, ch))| Cell { ch, col: i as u32 + 1, byte, masked: false, label: false })
        .collect();
    let n = cells.len();
    let ch = |cells: &[Cell], i: usize| cells.get(i).map_or('\0', |c| c.ch);
    let set =
        |cells: &mut [Cell], from: usize, to: usize| cells[from..to.min(n)].iter_mut().for_each(|c| c.masked = true);
    // Line markers: headings, quotes, list items, table pipes.
    let mut i = 0;
    while i < n && (cells[i].ch == ' ' || cells[i].ch == '\t' || cells[i].ch == '>') {
        i += 1;
    }
    let start = i;
    while i < n && cells[i].ch == '#' {
        i += 1;
    }
    if i == start {
        while i < n && cells[i].ch.is_ascii_digit() {
            i += 1;
        }
        if i > start && matches!(ch(&cells, i), '.' | ')') {
            i += 1;
        } else if matches!(ch(&cells, start), '-' | '*' | '+') && ch(&cells, start + 1) == ' ' {
            i = start + 1;
        } else {
            i = start;
        }
    }
    set(&mut cells, 0, i);
    let mut i = 0;
    while i < n {
        let c = cells[i].ch;
        match c {
            '\\' => {
                set(&mut cells, i, i + 2);
                i += 2;
            }
            '`' => {
                let run = cells[i..].iter().take_while(|x| x.ch == '`').count();
                let mut j = i + run;
                let mut end = None;
                while j < n {
                    if cells[j].ch == '`' {
                        let r = cells[j..].iter().take_while(|x| x.ch == '`').count();
                        if r == run {
                            end = Some(j + r);
                            break;
                        }
                        j += r;
                    } else {
                        j += 1;
                    }
                }
                let to = end.unwrap_or(i + run);
                set(&mut cells, i, to);
                i = to;
            }
            ']' if ch(&cells, i + 1) == '(' => {
                let mut depth = 0;
                let mut j = i + 1;
                while j < n {
                    match cells[j].ch {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                set(&mut cells, i, j + 1);
                i = j + 1;
            }
            '!' if ch(&cells, i + 1) == '[' => {
                cells[i].masked = true;
                i += 1;
            }
            '[' | ']' | '|' | '*' | '_' if c != '_' || !is_word_inner(&cells, i) => {
                cells[i].masked = true;
                i += 1;
            }
            '<' if ch(&cells, i + 1).is_ascii_alphabetic() || matches!(ch(&cells, i + 1), '/' | '!') => {
                let j = (i..n).find(|&j| cells[j].ch == '>').unwrap_or(n - 1);
                set(&mut cells, i, j + 1);
                i = j + 1;
            }
            '{' if matches!(ch(&cells, i + 1), '#' | '.') => {
                let j = (i..n).find(|&j| cells[j].ch == '}').unwrap_or(n - 1);
                set(&mut cells, i, j + 1);
                i = j + 1;
            }
            'h' | 'f' | 'w' if starts_url(&cells, i) => {
                let j = (i..n).find(|&j| url_end(cells[j].ch)).unwrap_or(n);
                set(&mut cells, i, j);
                i = j;
            }
            _ => i += 1,
        }
    }
    // Email-like and path-like tokens: anything with `@`, or `/` between ASCII letters.
    mark_tokens(&mut cells);
    mark_labels(&mut cells, line);
    cells
}

fn is_word_inner(cells: &[Cell], i: usize) -> bool {
    i > 0 && i + 1 < cells.len() && cells[i - 1].ch.is_ascii_alphanumeric() && cells[i + 1].ch.is_ascii_alphanumeric()
}

fn starts_url(cells: &[Cell], i: usize) -> bool {
    let s: String = cells[i..cells.len().min(i + 8)].iter().map(|c| c.ch).collect();
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("ftp://") || s.starts_with("www.")
}

fn url_end(c: char) -> bool {
    c.is_whitespace() || !c.is_ascii() || matches!(c, ')' | '>' | '"' | '\'' | ']' | '|')
}

/// Mask ASCII tokens that are identifiers by shape: with `@`, `/`, `=`, `_`, `$`, or a
/// `.`/`:` between two ASCII alphanumerics (`1.5`, `a.txt`, `10:00`, `cn-hangzhou.aliyuncs`).
fn mark_tokens(cells: &mut [Cell]) {
    let n = cells.len();
    let mut i = 0;
    while i < n {
        if cells[i].masked || !(cells[i].ch.is_ascii_graphic()) || matches!(cells[i].ch, '(' | ')' | ',' | ';' | '"') {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n
            && !cells[j].masked
            && cells[j].ch.is_ascii_graphic()
            && !matches!(cells[j].ch, '(' | ')' | ',' | ';' | '"')
        {
            j += 1;
        }
        let inner = |k: usize| k > i && k + 1 < j && cells[k - 1].ch.is_ascii_alphanumeric();
        let shaped = (i..j).any(|k| {
            matches!(cells[k].ch, '@' | '/' | '=' | '_' | '$' | '~' | '%' | '&')
                || (matches!(cells[k].ch, '.' | ':') && inner(k) && cells[k + 1].ch.is_ascii_alphanumeric())
        });
        if shaped {
            for c in &mut cells[i..j] {
                c.masked = true;
            }
        }
        i = j.max(i + 1);
    }
}

/// Mark text between `**` pairs and between quotes as labels.
fn mark_labels(cells: &mut [Cell], line: &str) {
    let n = cells.len();
    let mut inside = false;
    let mut i = 0;
    while i < n {
        if line[cells[i].byte..].starts_with("**") {
            inside = !inside;
            i += 2;
            continue;
        }
        cells[i].label |= inside;
        i += 1;
    }
    for (open, close) in [('"', '"'), ('“', '”'), ('「', '」')] {
        let mut inside = false;
        for c in cells.iter_mut() {
            if c.ch == open && !inside && !c.masked {
                inside = true;
            } else if c.ch == close && inside && !c.masked {
                inside = false;
            } else if inside {
                c.label = true;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The checks on a masked line.

/// Function words: a run of English words with two of these is prose, not a name.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "be", "by", "can", "for", "from", "if", "in", "is", "it", "not", "of", "on", "or",
    "that", "the", "this", "to", "you", "your", "will", "with", "which", "must", "should", "when",
];

/// Words that make a run a query or a command, not prose.
const QUERY_WORDS: &[&str] = &["select", "from", "where", "group", "order", "sudo", "echo", "grep"];

/// Runs of English prose on a line: at least five words in a row (identifiers, code and
/// labels aside), three of them lowercase, two of them function words. A line (or table
/// row) that also holds Chinese prose is translated: its English is a quoted message
/// (an error message next to its translation, `ErrorMessage: …`), not left over.
fn untranslated(cells: &[Cell]) -> Vec<(u32, String)> {
    if cells.iter().any(|c| !c.masked && !c.label && is_han(c.ch)) {
        return Vec::new();
    }
    let words: String =
        cells.iter().map(|c| if c.ch.is_ascii_alphabetic() { c.ch.to_ascii_lowercase() } else { ' ' }).collect();
    if words.split(' ').filter(|w| QUERY_WORDS.contains(w)).count() >= 2 {
        return Vec::new();
    }
    // `Error Message：The user does not exist.`: a message the service returns in English.
    if words.split(' ').any(|w| w == "message" || w == "errormessage") {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Words of the current run: (index of the first cell, index after the last, word).
    let mut run: Vec<(usize, usize, String)> = Vec::new();
    let flush = |run: &mut Vec<(usize, usize, String)>, out: &mut Vec<(u32, String)>| {
        let lower = run.iter().filter(|(_, _, w)| w.chars().all(|c| c.is_ascii_lowercase())).count();
        let function = run.iter().filter(|(_, _, w)| FUNCTION_WORDS.contains(&w.to_ascii_lowercase().as_str())).count();
        if run.len() >= 5 && lower >= 3 && function >= 2 {
            let (from, to) = (run[0].0, run[run.len() - 1].1);
            out.push((cells[from].col, cells[from..to].iter().map(|c| c.ch).collect()));
        }
        run.clear();
    };
    let mut i = 0;
    while i < cells.len() {
        let c = cells[i];
        if c.ch.is_ascii_alphabetic() && !c.masked && !c.label {
            let mut j = i;
            while j < cells.len()
                && !cells[j].masked
                && !cells[j].label
                && (cells[j].ch.is_ascii_alphanumeric() || cells[j].ch == '\'' || cells[j].ch == '-')
            {
                j += 1;
            }
            let w: String = cells[i..j].iter().map(|c| c.ch).collect();
            if is_prose_word(&w) {
                run.push((i, j, w));
            }
            i = j;
            continue;
        }
        // Spaces and sentence punctuation continue a run; anything else ends it.
        let continues = !c.masked && !c.label && matches!(c.ch, ' ' | ',' | '.' | ':' | ';' | '!' | '?' | '(' | ')');
        if !continues {
            flush(&mut run, &mut out);
        }
        i += 1;
    }
    flush(&mut run, &mut out);
    out
}

/// A word of prose: letters (an apostrophe or hyphen inside), lowercase after the first.
fn is_prose_word(w: &str) -> bool {
    let mut chars = w.chars();
    let Some(first) = chars.next() else { return false };
    first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_lowercase() || c == '\'' || c == '-')
}

/// One mechanical change to a line: replace the characters from column `col` (length
/// `len` characters) with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    col: u32,
    byte: usize,
    original: String,
    replacement: String,
}

fn cell_edit(cells: &[Cell], from: usize, to: usize, replacement: &str, line: &str) -> Edit {
    let byte = cells[from].byte;
    let end = cells.get(to).map_or(line.len(), |c| c.byte);
    Edit { col: cells[from].col, byte, original: line[byte..end].to_string(), replacement: replacement.into() }
}

/// Spacing edits for a line under a convention: remove the spaces of `创建 RAM`, or
/// insert one into `创建RAM`.
fn spacing_edits(cells: &[Cell], conv: Convention) -> Vec<Edit> {
    let line: String = cells.iter().map(|c| c.ch).collect();
    // UI labels in bold and quoted text are written as the console or the message
    // writes them: exempt.
    let open = |c: &Cell| !c.masked && !c.label;
    let mut out = Vec::new();
    let n = cells.len();
    let mut i = 0;
    while i + 1 < n {
        let a = cells[i];
        match conv {
            Convention::None | Convention::Auto => {
                if cells[i + 1].ch == ' ' && open(&a) && (is_han(a.ch) || is_latin(a.ch)) {
                    let mut j = i + 1;
                    while j < n && cells[j].ch == ' ' {
                        j += 1;
                    }
                    if j < n
                        && open(&cells[j])
                        && ((is_han(a.ch) && is_latin(cells[j].ch)) || (is_latin(a.ch) && is_han(cells[j].ch)))
                        && !numbers_a_step(cells, i)
                    {
                        out.push(cell_edit(cells, i + 1, j, "", &line));
                    }
                    i = j;
                    continue;
                }
            }
            Convention::Space => {
                let b = cells[i + 1];
                if open(&a) && open(&b) && ((is_han(a.ch) && is_latin(b.ch)) || (is_latin(a.ch) && is_han(b.ch))) {
                    out.push(Edit { col: b.col, byte: b.byte, original: String::new(), replacement: " ".into() });
                }
            }
        }
        i += 1;
    }
    out
}

/// `步骤4 查询`, `## 6 访问诊断`: the space after a step or section number separates a
/// label from its title, as a colon would.
fn numbers_a_step(cells: &[Cell], i: usize) -> bool {
    if !cells[i].ch.is_ascii_digit() {
        return false;
    }
    let mut k = i;
    while k > 0 && cells[k - 1].ch.is_ascii_digit() {
        k -= 1;
    }
    let before: String = cells[k.saturating_sub(2)..k].iter().map(|c| c.ch).collect();
    let first = cells[..k].iter().all(|c| c.masked || c.ch == ' ');
    before.ends_with("步骤") || (first && cells.first().is_some_and(|c| c.ch == '#'))
}

/// Count CJK–Latin gaps of a whole file written without and with spaces.
pub fn spacing_counts(text: &str) -> SpacingCounts {
    let mut counts = SpacingCounts::default();
    for line in prose_lines(text) {
        counts.space += spacing_edits(&line.cells, Convention::None).len();
        counts.none += spacing_edits(&line.cells, Convention::Space).len();
    }
    counts
}

fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '!' => '！',
        '?' => '？',
        '.' => '。',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

/// Punctuation edits for a line: half-width marks that belong to a Chinese sentence, and
/// the spaces around them that full-width marks do not need.
fn punctuation_edits(cells: &[Cell]) -> Vec<Edit> {
    let line: String = cells.iter().map(|c| c.ch).collect();
    let n = cells.len();
    let open = |i: usize| i < n && !cells[i].masked && !cells[i].label;
    let prev = |i: usize| (0..i).rev().find(|&k| cells[k].ch != ' ').map(|k| (k, cells[k]));
    let next = |i: usize| (i + 1..n).find(|&k| cells[k].ch != ' ').map(|k| (k, cells[k]));
    let han = |x: Option<(usize, Cell)>| x.is_some_and(|(_, c)| !c.masked && is_han(c.ch));
    let digit = |x: Option<(usize, Cell)>| x.is_some_and(|(_, c)| c.ch.is_ascii_digit());
    let mut marks: Vec<usize> = Vec::new();
    // Parentheses around Chinese text, matched on the line.
    let mut stack = Vec::new();
    // Inside `{…}` (formulas: `min\{a, b\}`) nothing is a sentence.
    let mut braces = 0usize;
    for i in 0..n {
        match cells[i].ch {
            '{' => braces += 1,
            '}' => braces = braces.saturating_sub(1),
            _ => {}
        }
        if !open(i) || braces > 0 {
            continue;
        }
        match cells[i].ch {
            '(' => stack.push(i),
            ')' => {
                if let Some(o) = stack.pop()
                    && cells[o + 1..i].iter().any(|c| !c.masked && is_han(c.ch))
                {
                    marks.push(o);
                    marks.push(i);
                }
            }
            ',' | ';' | '!' | '?' => {
                let (p, q) = (prev(i), next(i));
                if (han(p) || (han(q) && cells[i + 1].ch != ' ')) && !(digit(p) && digit(q)) {
                    marks.push(i);
                }
            }
            ':' => {
                let (p, q) = (prev(i), next(i));
                let before_han = i > 0 && !cells[i - 1].masked && is_han(cells[i - 1].ch);
                // `输入:wq`: a colon glued to the ASCII word after it is part of that word.
                let glued = cells.get(i + 1).is_some_and(|c| c.ch.is_ascii_alphanumeric());
                if before_han && !glued && !(digit(p) && digit(q)) {
                    marks.push(i);
                }
            }
            '.' => {
                let before_han = i > 0 && !cells[i - 1].masked && is_han(cells[i - 1].ch);
                let after = cells.get(i + 1).map(|c| c.ch);
                // `步骤一. 安装` numbers a heading; only a full stop that ends the line or
                // runs into the next Chinese sentence is one.
                if before_han && after.is_none_or(is_han) {
                    marks.push(i);
                }
            }
            _ => {}
        }
    }
    marks.sort_unstable();
    let mut out = Vec::new();
    for &i in &marks {
        let c = cells[i].ch;
        let Some(w) = full_width(c) else { continue };
        // Spaces before an opening mark and after any other mark go with it, unless they
        // end the line.
        if c == '(' {
            let mut k = i;
            while k > 0 && cells[k - 1].ch == ' ' && !cells[k - 1].masked {
                k -= 1;
            }
            if k > 0 && k < i {
                out.push(cell_edit(cells, k, i, "", &line));
            }
            out.push(cell_edit(cells, i, i + 1, &w.to_string(), &line));
        } else {
            out.push(cell_edit(cells, i, i + 1, &w.to_string(), &line));
            let mut k = i + 1;
            while k < n && cells[k].ch == ' ' && !cells[k].masked {
                k += 1;
            }
            if k > i + 1 && k < n {
                out.push(cell_edit(cells, i + 1, k, "", &line));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Fixes.

/// What `preflight fix` may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixKinds {
    /// Spacing, under this convention.
    pub spacing: Option<Convention>,
    pub punctuation: bool,
}

/// The text of a zh-CN file with the mechanical fixes applied, or `None` when nothing
/// changes. Only prose lines change, and only the characters the checks point at.
pub fn fixes(text: &str, kinds: FixKinds) -> Option<String> {
    let mut by_line: BTreeMap<u32, Vec<Edit>> = BTreeMap::new();
    for line in prose_lines(text) {
        let mut edits = Vec::new();
        if let Some(conv) = kinds.spacing {
            edits.extend(spacing_edits(&line.cells, conv));
        }
        if kinds.punctuation {
            edits.extend(punctuation_edits(&line.cells));
        }
        if !edits.is_empty() {
            by_line.insert(line.number, edits);
        }
    }
    if by_line.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 64);
    for (i, raw) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let Some(edits) = by_line.get_mut(&(i as u32 + 1)) else {
            out.push_str(raw);
            continue;
        };
        edits.sort_by_key(|e| (e.byte, e.original.len()));
        let mut at = 0;
        for e in edits.iter() {
            // Overlapping edits (a space both checks remove) apply once.
            if e.byte < at {
                continue;
            }
            out.push_str(&raw[at..e.byte]);
            out.push_str(&e.replacement);
            at = e.byte + e.original.len();
        }
        out.push_str(&raw[at..]);
    }
    (out != text).then_some(out)
}

/// A unified diff of two versions of a file whose lines correspond one to one (fixes
/// never add or remove lines), with one line of context.
pub fn line_diff(path: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split('\n').collect();
    let b: Vec<&str> = new.split('\n').collect();
    let mut out = format!("--- {path}\n+++ {path}\n");
    let changed: Vec<usize> = (0..a.len().min(b.len())).filter(|&i| a[i] != b[i]).collect();
    let mut k = 0;
    while k < changed.len() {
        let first = changed[k];
        let mut last = first;
        while k + 1 < changed.len() && changed[k + 1] <= last + 3 {
            k += 1;
            last = changed[k];
        }
        let from = first.saturating_sub(1);
        let to = (last + 2).min(a.len());
        out.push_str(&format!("@@ -{},{} +{},{} @@\n", from + 1, to - from, from + 1, to - from));
        for i in from..to {
            if a[i] == b[i] {
                out.push_str(&format!(" {}\n", a[i]));
            } else {
                out.push_str(&format!("-{}\n+{}\n", a[i], b[i]));
            }
        }
        k += 1;
    }
    out
}
