//! Comparing two models of one guide, level by level: sections, procedures, steps,
//! sub-steps; inside an aligned step its notes, tables and language-neutral references.

use std::collections::BTreeSet;

use super::align::{align, jaccard};
use super::{Comparison, Finding, Location};
use crate::diag::Severity;
use crate::ids::StepId;
use crate::model;
use crate::model::{
    Block, CodeBlock, Guide, IdentifierKind, Inline, LinkKind, Note, Procedure, Section, Span, Step, Table,
    blocks_text, plain_text,
};

const EN: &str = "en-US";
const ZH: &str = "zh-CN";

struct Ctx<'g> {
    en: &'g Guide,
    zh: &'g Guide,
    /// Characters of zh-CN step text per character of en-US step text, over the guide.
    ratio: f64,
    out: Comparison,
}

pub fn compare(en: &Guide, zh: &Guide) -> Comparison {
    let mut cx = Ctx { en, zh, ratio: length_ratio(en, zh), out: Comparison::default() };
    // An id derived from the file path says nothing when the two files are paired by
    // name or by a pair list (translated file names): only written ids can differ.
    if let (Some(en_id), Some(zh_id)) = (&en.topic_id, &zh.topic_id)
        && en_id != zh_id
    {
        cx.push(
            "sync::topic-id-differs",
            Severity::Warning,
            format!("topic ids differ: `{en_id}` in {EN}, `{zh_id}` in {ZH}"),
            (en.span, en.title_text.clone()),
            (zh.span, zh.title_text.clone()),
            None,
        );
    }
    cx.sections();
    cx.procedures();
    sort_findings(&mut cx.out.findings);
    nesting(&mut cx.out, en, zh);
    cx.out
}

impl Ctx<'_> {
    fn loc(&self, guide: &Guide, span: Span, snippet: String) -> Location {
        Location { file: guide.file.clone(), line: span.line, column: span.column, snippet: clip(&snippet) }
    }

    fn push(
        &mut self,
        code: &str,
        severity: Severity,
        message: String,
        en: (Span, String),
        zh: (Span, String),
        step: Option<&StepId>,
    ) {
        let en = Some(self.loc(self.en, en.0, en.1));
        let zh = Some(self.loc(self.zh, zh.0, zh.1));
        self.out.findings.push(Finding {
            code: code.to_string(),
            severity,
            message,
            en,
            zh,
            step: step.cloned(),
            baseline: None,
        });
    }

    fn sections(&mut self) {
        let (a, b) = (&self.en.sections, &self.zh.sections);
        // Keys once per section, not once per cell of the alignment table.
        let (ka, kb): (Vec<_>, Vec<_>) = (a.iter().map(section_keys).collect(), b.iter().map(section_keys).collect());
        let pairs = align(&Vec::from_iter(a.iter().zip(&ka)), &Vec::from_iter(b.iter().zip(&kb)), |x, y| {
            section_sim(x.0, x.1, y.0, y.1)
        });
        let mut last = (self.en.span, self.zh.span);
        for (i, j) in pairs {
            match (i.map(|i| &a[i]), j.map(|j| &b[j])) {
                (Some(x), Some(y)) => {
                    last = (x.span, y.span);
                    let (ax, ay) = (
                        x.heading.as_ref().and_then(|h| h.anchor.clone()),
                        y.heading.as_ref().and_then(|h| h.anchor.clone()),
                    );
                    if let (Some(ax), Some(ay)) = (&ax, &ay)
                        && ax != ay
                    {
                        self.push(
                            "sync::heading-id-differs",
                            Severity::Warning,
                            format!("section ids differ: `#{ax}` in {EN}, `#{ay}` in {ZH}"),
                            (x.span, heading_text(x)),
                            (y.span, heading_text(y)),
                            None,
                        );
                    }
                    self.loose_blocks(&section_blocks(x), &section_blocks(y), (x.span, y.span), None);
                    self.section_refs(x, y);
                }
                (Some(x), None) => {
                    let near = last.1;
                    self.push(
                        "sync::missing-section",
                        Severity::Error,
                        format!("section \"{}\" has no {ZH} counterpart", heading_text(x)),
                        (x.span, heading_text(x)),
                        (near, String::new()),
                        None,
                    );
                }
                (None, Some(y)) => {
                    let near = last.0;
                    self.push(
                        "sync::extra-section",
                        Severity::Error,
                        format!("section \"{}\" has no {EN} counterpart", heading_text(y)),
                        (near, String::new()),
                        (y.span, heading_text(y)),
                        None,
                    );
                }
                (None, None) => {}
            }
        }
    }

    fn procedures(&mut self) {
        let a: Vec<&Procedure> = self.en.procedures().collect();
        let b: Vec<&Procedure> = self.zh.procedures().collect();
        let sig_a: Vec<Vec<String>> = a.iter().map(|p| procedure_signature(p)).collect();
        let sig_b: Vec<Vec<String>> = b.iter().map(|p| procedure_signature(p)).collect();
        let pairs = align(&sig_a, &sig_b, |x, y| jaccard(x, y));
        let mut last = (self.en.span, self.zh.span);
        for (i, j) in pairs {
            match (i.map(|i| a[i]), j.map(|j| b[j])) {
                (Some(x), Some(y)) => {
                    last = (x.span, y.span);
                    self.steps(&Vec::from_iter(&x.steps), &Vec::from_iter(&y.steps), 1, (x.span, y.span));
                }
                (Some(x), None) => {
                    self.push(
                        "sync::missing-procedure",
                        Severity::Error,
                        format!("a procedure of {} steps has no {ZH} counterpart", x.steps.len()),
                        (x.span, first_command(x)),
                        (last.1, String::new()),
                        x.steps.first().map(|s| &s.id),
                    );
                    self.unmatched_steps(&Vec::from_iter(&x.steps), true);
                }
                (None, Some(y)) => {
                    self.push(
                        "sync::extra-procedure",
                        Severity::Error,
                        format!("a procedure of {} steps has no {EN} counterpart", y.steps.len()),
                        (last.0, String::new()),
                        (y.span, first_command(y)),
                        y.steps.first().map(|s| &s.id),
                    );
                    self.unmatched_steps(&Vec::from_iter(&y.steps), false);
                }
                (None, None) => {}
            }
        }
    }

    fn unmatched_steps(&mut self, steps: &[&Step], en: bool) {
        for step in steps {
            self.out.steps.push(if en { (Some(step.id.clone()), None) } else { (None, Some(step.id.clone())) });
            self.unmatched_steps(&step.substeps(), en);
        }
    }

    fn steps(&mut self, a: &[&Step], b: &[&Step], depth: usize, parents: (Span, Span)) {
        let face_a: Vec<(Vec<String>, Shape)> = a.iter().map(|s| (step_signature(s), Shape::of(s))).collect();
        let face_b: Vec<(Vec<String>, Shape)> = b.iter().map(|s| (step_signature(s), Shape::of(s))).collect();
        let ratio = self.ratio;
        let pairs = align(&face_a, &face_b, |x, y| {
            (1.0 - SHAPE_WEIGHT) * jaccard(&x.0, &y.0) + SHAPE_WEIGHT * x.1.sim(&y.1, ratio)
        });
        let what = if depth == 1 { "step" } else { "sub-step" };
        let mut last = parents;
        for (i, j) in pairs {
            match (i.map(|i| &a[i]), j.map(|j| &b[j])) {
                (Some(x), Some(y)) => {
                    last = (x.span, y.span);
                    self.out.steps.push((Some(x.id.clone()), Some(y.id.clone())));
                    self.step_pair(x, y);
                    self.steps(&x.substeps(), &y.substeps(), depth + 1, (x.span, y.span));
                }
                (Some(x), None) => {
                    self.push(
                        &format!("sync::missing-{}", what.replace('-', "")),
                        Severity::Error,
                        format!(
                            "{what} {} (\"{}\") has no {ZH} counterpart",
                            x.id.path.number(),
                            clip(&x.command_text)
                        ),
                        (x.span, x.command_text.clone()),
                        (last.1, String::new()),
                        Some(&x.id),
                    );
                    self.unmatched_steps(&[x], true);
                }
                (None, Some(y)) => {
                    self.push(
                        &format!("sync::extra-{}", what.replace('-', "")),
                        Severity::Error,
                        format!(
                            "{what} {} (\"{}\") has no {EN} counterpart",
                            y.id.path.number(),
                            clip(&y.command_text)
                        ),
                        (last.0, String::new()),
                        (y.span, y.command_text.clone()),
                        Some(&y.id),
                    );
                    self.unmatched_steps(&[y], false);
                }
                (None, None) => {}
            }
        }
    }

    /// Two aligned steps: their own notes, tables and language-neutral references.
    fn step_pair(&mut self, x: &Step, y: &Step) {
        self.loose_blocks(&own_blocks(&x.body), &own_blocks(&y.body), (x.span, y.span), Some(&x.id));
        let (tx, ty) = (word_runs(&step_text(x)), word_runs(&step_text(y)));
        let kinds = [
            (IdentifierKind::Name, "sync::identifier-differs", "names"),
            (IdentifierKind::Number, "sync::number-differs", "numbers"),
            (IdentifierKind::Link, "sync::link-differs", "links"),
            (IdentifierKind::Image, "sync::image-differs", "images"),
            (IdentifierKind::Code, "sync::code-differs", "code blocks"),
        ];
        for (kind, code, noun) in kinds {
            let ids_x = comparable(x, kind);
            let ids_y = comparable(y, kind);
            let (only_x, only_y): (Vec<&String>, Vec<&String>) = if kind == IdentifierKind::Name
                || kind == IdentifierKind::Number
            {
                // A name or number counts as present when the other side's text holds it
                // at all: `AccessKey` and `Access Key` are the same name, and `64` is in
                // `64-bit` (which zh writes `64位`).
                (ids_x.iter().filter(|v| !holds(&ty, v)).collect(), ids_y.iter().filter(|v| !holds(&tx, v)).collect())
            } else {
                (ids_x.difference(&ids_y).collect(), ids_y.difference(&ids_x).collect())
            };
            // Numbers of two or more digits on both sides compare as a multiset too: a
            // `3` changed to `5` where the step already has a `5` leaves both present.
            // Only where both sides write as many numbers in all: a translation that says
            // a number once more or once less (a unit spelled out, a repeated value
            // dropped) changes the total, an edited number does not.
            let mut counts = Vec::new();
            if kind == IdentifierKind::Number {
                let (sx, sy) = (step_text(x), step_text(y));
                let (cx, cy) = (number_counts(&sx), number_counts(&sy));
                let total = |c: &std::collections::BTreeMap<&str, usize>| -> usize {
                    ids_x.union(&ids_y).filter_map(|v| c.get(v.as_str())).sum()
                };
                let balanced = total(&cx) == total(&cy);
                for v in ids_x.union(&ids_y).filter(|_| balanced) {
                    let (a, b) = (cx.get(v.as_str()).copied(), cy.get(v.as_str()).copied());
                    if let (Some(a), Some(b)) = (a, b)
                        && a != b
                        && v.len() >= 2
                        && !only_x.contains(&v)
                        && !only_y.contains(&v)
                    {
                        counts.push(format!("`{v}` {a}× in {EN}, {b}× in {ZH}"));
                    }
                }
            }
            if only_x.is_empty() && only_y.is_empty() && counts.is_empty() {
                continue;
            }
            let list = |v: &[&String]| v.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
            let mut parts = Vec::new();
            if !only_x.is_empty() {
                parts.push(format!("{} only in {EN}", list(&only_x)));
            }
            if !only_y.is_empty() {
                parts.push(format!("{} only in {ZH}", list(&only_y)));
            }
            parts.extend(counts);
            self.push(
                code,
                Severity::Warning,
                format!("step {}: {noun} differ: {}", x.id.path.number(), parts.join("; ")),
                (x.span, x.command_text.clone()),
                (y.span, y.command_text.clone()),
                Some(&x.id),
            );
        }
    }

    /// Links, images and code of two aligned sections outside their procedures (whose
    /// steps are compared one by one): the prose of concept and reference pages.
    fn section_refs(&mut self, x: &Section, y: &Section) {
        let (rx, ry) = (section_refs(x), section_refs(y));
        self.section_code(x, y);
        let kinds = [
            (IdentifierKind::Link, "sync::link-differs", "links"),
            (IdentifierKind::Image, "sync::image-differs", "images"),
        ];
        for (kind, code, noun) in kinds {
            let only = |a: &BTreeSet<(IdentifierKind, String)>, b: &BTreeSet<(IdentifierKind, String)>| {
                a.difference(b).filter(|k| k.0 == kind).map(|k| format!("`{}`", k.1)).collect::<Vec<_>>()
            };
            let (only_x, only_y) = (only(&rx, &ry), only(&ry, &rx));
            if only_x.is_empty() && only_y.is_empty() {
                continue;
            }
            let mut parts = Vec::new();
            if !only_x.is_empty() {
                parts.push(format!("{} only in {EN}", only_x.join(", ")));
            }
            if !only_y.is_empty() {
                parts.push(format!("{} only in {ZH}", only_y.join(", ")));
            }
            let name =
                if x.heading.is_some() { format!("section \"{}\"", clip(&heading_text(x))) } else { "lead".into() };
            self.push(
                code,
                Severity::Warning,
                format!("{name}: {noun} differ: {}", parts.join("; ")),
                (x.span, heading_text(x)),
                (y.span, heading_text(y)),
                None,
            );
        }
    }

    /// Code blocks of two aligned sections outside their procedures. Sample code is often
    /// translated in its comments, so blocks match by their ASCII words, not their hash:
    /// only a block with no similar counterpart is drift.
    fn section_code(&mut self, x: &Section, y: &Section) {
        let (cx, cy) = (section_code(x), section_code(y));
        // A block with Chinese in it is translated (comments, or prose indented into a
        // code block): its words say nothing, any counterpart will do.
        let sim = |a: &(&CodeBlock, Vec<String>), b: &(&CodeBlock, Vec<String>)| {
            if has_cjk(&a.0.code) || has_cjk(&b.0.code) { 0.6 } else { jaccard(&a.1, &b.1) }
        };
        let pairs = align(&cx, &cy, sim);
        let (mut only_x, mut only_y) = (Vec::new(), Vec::new());
        for (i, j) in pairs {
            match (i.map(|i| &cx[i]), j.map(|j| &cy[j])) {
                (Some(a), Some(b)) if sim(a, b) >= 0.5 => {}
                (a, b) => {
                    only_x.extend(a.map(|a| format!("`{}` (line {})", a.0.key, a.0.span.line)));
                    only_y.extend(b.map(|b| format!("`{}` (line {})", b.0.key, b.0.span.line)));
                }
            }
        }
        if only_x.is_empty() && only_y.is_empty() {
            return;
        }
        let mut parts = Vec::new();
        if !only_x.is_empty() {
            parts.push(format!("{} only in {EN}", only_x.join(", ")));
        }
        if !only_y.is_empty() {
            parts.push(format!("{} only in {ZH}", only_y.join(", ")));
        }
        let name = if x.heading.is_some() { format!("section \"{}\"", clip(&heading_text(x))) } else { "lead".into() };
        self.push(
            "sync::code-differs",
            Severity::Warning,
            format!("{name}: code blocks differ: {}", parts.join("; ")),
            (x.span, heading_text(x)),
            (y.span, heading_text(y)),
            None,
        );
    }

    /// Notes and tables of a step or section (not of its sub-steps), aligned in order.
    fn loose_blocks(&mut self, a: &[&Block], b: &[&Block], parents: (Span, Span), step: Option<&StepId>) {
        let notes_a: Vec<&Note> =
            a.iter().filter_map(|b| if let Block::Note(n) = b { Some(n) } else { None }).collect();
        let notes_b: Vec<&Note> =
            b.iter().filter_map(|b| if let Block::Note(n) = b { Some(n) } else { None }).collect();
        let (ka, kb) = (
            Vec::from_iter(notes_a.iter().map(|n| note_keys(n))),
            Vec::from_iter(notes_b.iter().map(|n| note_keys(n))),
        );
        let pairs = align(
            &Vec::from_iter(notes_a.iter().zip(&ka)),
            &Vec::from_iter(notes_b.iter().zip(&kb)),
            |(x, kx), (y, ky)| {
                let kind = if x.kind == y.kind { 0.5 } else { 0.0 };
                kind + 0.5 * jaccard(kx, ky)
            },
        );
        for (i, j) in pairs {
            match (i.map(|i| notes_a[i]), j.map(|j| notes_b[j])) {
                (Some(x), Some(y)) if x.kind != y.kind => self.push(
                    "sync::note-kind-differs",
                    Severity::Warning,
                    format!(
                        "note types differ: {} ({}) in {EN}, {} ({}) in {ZH}",
                        x.label,
                        x.kind.as_str(),
                        y.label,
                        y.kind.as_str()
                    ),
                    (x.span, note_text(x)),
                    (y.span, note_text(y)),
                    step,
                ),
                (Some(_), Some(_)) | (None, None) => {}
                (Some(x), None) => self.push(
                    "sync::missing-note",
                    Severity::Warning,
                    format!("{} ({}) has no {ZH} counterpart", x.label, x.kind.as_str()),
                    (x.span, note_text(x)),
                    (parents.1, String::new()),
                    step,
                ),
                (None, Some(y)) => self.push(
                    "sync::extra-note",
                    Severity::Warning,
                    format!("{} ({}) has no {EN} counterpart", y.label, y.kind.as_str()),
                    (parents.0, String::new()),
                    (y.span, note_text(y)),
                    step,
                ),
            }
        }
        let tables_a: Vec<&Table> =
            a.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect();
        let tables_b: Vec<&Table> =
            b.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect();
        let (ka, kb) = (
            Vec::from_iter(tables_a.iter().map(|t| table_keys(t))),
            Vec::from_iter(tables_b.iter().map(|t| table_keys(t))),
        );
        let pairs = align(&ka, &kb, |x, y| jaccard(x, y));
        for (i, j) in pairs {
            match (i.map(|i| tables_a[i]), j.map(|j| tables_b[j])) {
                (Some(x), Some(y)) => self.table_pair(x, y, step),
                (Some(x), None) => self.push(
                    "sync::missing-table",
                    Severity::Error,
                    format!("a table of {} has no {ZH} counterpart", rows(x.rows.len())),
                    (x.span, header_text(x)),
                    (parents.1, String::new()),
                    step,
                ),
                (None, Some(y)) => self.push(
                    "sync::extra-table",
                    Severity::Error,
                    format!("a table of {} has no {EN} counterpart", rows(y.rows.len())),
                    (parents.0, String::new()),
                    (y.span, header_text(y)),
                    step,
                ),
                (None, None) => {}
            }
        }
    }

    fn table_pair(&mut self, x: &Table, y: &Table, step: Option<&StepId>) {
        let here = |t: &Table| (t.span, header_text(t));
        // Header words the lexicon does not know are typed `Other`; a column's type is
        // compared only where both sides know it (`Meaning` and `说明` are one column).
        let types_differ = x
            .columns
            .iter()
            .zip(&y.columns)
            .any(|(a, b)| *a != model::ColumnKind::Other && *b != model::ColumnKind::Other && a != b);
        if x.header.len() != y.header.len() || types_differ {
            self.push(
                "sync::table-columns-differ",
                Severity::Warning,
                format!("table columns differ: {} in {EN}, {} in {ZH}", x.header.len(), y.header.len()),
                here(x),
                here(y),
                step,
            );
        }
        let names = |t: &Table| -> BTreeSet<String> {
            t.records.iter().flat_map(|r| r.role.iter().chain(r.policy.iter())).cloned().collect()
        };
        let (nx, ny) = (names(x), names(y));
        // Rows added or dropped together with their role or policy are reported as
        // records, once.
        let explained = ny.difference(&nx).count() as i64 - nx.difference(&ny).count() as i64;
        if x.rows.len() != y.rows.len() && y.rows.len() as i64 - x.rows.len() as i64 != explained {
            self.push(
                "sync::table-rows-differ",
                Severity::Warning,
                format!("table rows differ: {} in {EN}, {} in {ZH}", x.rows.len(), y.rows.len()),
                here(x),
                here(y),
                step,
            );
        }
        for name in nx.difference(&ny) {
            let row = x.records.iter().find(|r| r.role.as_ref() == Some(name) || r.policy.as_ref() == Some(name));
            let span = row.and_then(|r| x.rows.get(r.row as usize)).map_or(x.span, |r| r.span);
            self.push(
                "sync::record-missing",
                Severity::Error,
                format!("`{name}` is in the {EN} table only"),
                (span, name.clone()),
                (y.span, header_text(y)),
                step,
            );
        }
        for name in ny.difference(&nx) {
            let row = y.records.iter().find(|r| r.role.as_ref() == Some(name) || r.policy.as_ref() == Some(name));
            let span = row.and_then(|r| y.rows.get(r.row as usize)).map_or(y.span, |r| r.span);
            self.push(
                "sync::record-extra",
                Severity::Error,
                format!("`{name}` is in the {ZH} table only"),
                (x.span, header_text(x)),
                (span, name.clone()),
                step,
            );
        }
        self.cells(x, y, step);
    }

    /// The notes (and nested tables) of aligned cells, compared like a step's body; each
    /// finding names the row and column and points at the cell in both files. Rows pair
    /// by their first cell where that is a name both tables hold once (the parameter of an
    /// API reference, whose rows the two versions may order differently), else in order
    /// when both tables have as many, else by their language-neutral words.
    fn cells(&mut self, x: &Table, y: &Table, step: Option<&StepId>) {
        let keyed = rows_by_first_cell(x, y);
        let pairs: Vec<(Option<usize>, Option<usize>)> = if 2 * keyed.len() >= x.rows.len().max(y.rows.len()) {
            keyed.into_iter().map(|(i, j)| (Some(i), Some(j))).collect()
        } else if x.rows.len() == y.rows.len() {
            (0..x.rows.len()).map(|i| (Some(i), Some(i))).collect()
        } else {
            let words = |t: &Table| -> Vec<Vec<String>> { t.rows.iter().map(row_words).collect() };
            align(&words(x), &words(y), |a, b| jaccard(a, b))
        };
        for (i, j) in pairs {
            let (Some(i), Some(j)) = (i, j) else { continue };
            let (rx, ry) = (&x.rows[i], &y.rows[j]);
            for (c, (cx, cy)) in rx.cells.iter().zip(&ry.cells).enumerate() {
                if !cx.blocks.iter().chain(&cy.blocks).any(|b| matches!(b, Block::Note(_) | Block::Table(_))) {
                    continue;
                }
                let before = self.out.findings.len();
                self.loose_blocks(&own_blocks(&cx.blocks), &own_blocks(&cy.blocks), (cx.span, cy.span), step);
                let column = x.header.get(c).map(|h| h.text.as_str()).filter(|t| !t.is_empty());
                let place = match column {
                    Some(h) => format!("table row {}, column \"{}\": ", i + 1, clip(h)),
                    None => format!("table row {}, column {}: ", i + 1, c + 1),
                };
                for f in &mut self.out.findings[before..] {
                    f.message.insert_str(0, &place);
                }
            }
        }
    }
}

fn clip(s: &str) -> String {
    model::clip(s, 80)
}

/// Lower-case ASCII letters and digits only: how a name is looked for in the other side.
fn squash(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Whether a text (as [`word_runs`]) holds a name, singular or plural.
fn holds(runs: &BTreeSet<String>, name: &str) -> bool {
    // `64-bit`, `4-core`: an English compound of a number and its unit.
    if let Some((n, unit)) = name.split_once('-')
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
        && !unit.is_empty()
        && unit.bytes().all(|b| b.is_ascii_lowercase())
        && runs.contains(n)
    {
        return true;
    }
    let name = squash(name);
    let singular = name.strip_suffix('s').filter(|s| s.len() >= 3);
    runs.contains(&name) || singular.is_some_and(|s| runs.contains(s)) || runs.contains(&format!("{name}s"))
}

/// Every run of one to [`RUN_WORDS`] consecutive ASCII words of a text, squashed: a
/// name is present when it equals one of them, so `AccessKey` matches `Access Key` and
/// `210408.1454.1459_bin.zip` matches itself, but `AliyunEMRDefaultRole` does not match
/// `AliyunEMRDefaultRoleX`.
const RUN_WORDS: usize = 12;

fn word_runs(text: &str) -> BTreeSet<String> {
    // A number runs into its unit in zh-CN (`20GiB` for `20 GiB`): a word also splits
    // where a digit meets a letter. Runs join adjacent words, so `20gib` stays a run.
    let mut words: Vec<String> = Vec::new();
    for w in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut start = 0;
        for (i, pair) in w.as_bytes().windows(2).enumerate() {
            if pair[0].is_ascii_digit() && pair[1].is_ascii_alphabetic() {
                words.push(w[start..=i].to_ascii_lowercase());
                start = i + 1;
            }
        }
        words.push(w[start..].to_ascii_lowercase());
    }
    let mut runs = BTreeSet::new();
    for i in 0..words.len() {
        let mut run = String::new();
        for w in words.iter().skip(i).take(RUN_WORDS) {
            run.push_str(w);
            runs.insert(run.clone());
        }
    }
    runs
}

fn heading_text(s: &Section) -> String {
    s.heading.as_ref().map_or_else(String::new, |h| h.text.clone())
}

fn first_command(p: &Procedure) -> String {
    p.steps.first().map_or_else(String::new, |s| s.command_text.clone())
}

fn note_text(n: &Note) -> String {
    let mut text = format!("{}: ", n.label);
    for b in &n.blocks {
        if let Block::Paragraph { content, .. } = b {
            text.push_str(&plain_text(content));
            text.push(' ');
        }
    }
    text
}

fn header_text(t: &Table) -> String {
    t.header.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" | ")
}

pub(super) fn section_sim(x: &Section, kx: &[String], y: &Section, ky: &[String]) -> f64 {
    let anchors = match (
        x.heading.as_ref().and_then(|h| h.anchor.as_ref()),
        y.heading.as_ref().and_then(|h| h.anchor.as_ref()),
    ) {
        (Some(a), Some(b)) if a == b => 1.0,
        _ => 0.0,
    };
    let level = if x.level == y.level { 0.2 } else { 0.0 };
    (anchors + level + jaccard(kx, ky)) / 2.2
}

pub(super) fn section_keys(s: &Section) -> Vec<String> {
    let mut keys = BTreeSet::new();
    crate::walk::blocks(&s.blocks, &mut |b| match b {
        Block::Procedure(p) => {
            for step in &p.steps {
                keys.extend(step.identifiers.iter().map(|i| format!("{:?}:{}", i.kind, i.value)));
            }
        }
        Block::Note(n) => {
            keys.insert(format!("note:{}", n.kind.as_str()));
        }
        Block::Table(t) => {
            keys.extend(table_keys(t));
        }
        _ => {}
    });
    keys.into_iter().collect()
}

/// Link, image and code keys of a section outside its procedures, as steps key them.
fn section_refs(s: &Section) -> BTreeSet<(IdentifierKind, String)> {
    fn inlines(content: &[Inline], out: &mut BTreeSet<(IdentifierKind, String)>) {
        for i in content {
            match i {
                Inline::Link { key, content, .. } => {
                    let value = match key.kind {
                        LinkKind::Url => Some(format!("url:{}", key.value)),
                        LinkKind::DocId => Some(format!("doc:{}", key.value)),
                        LinkKind::Fragment => Some(format!("fragment:{}", key.value)),
                        LinkKind::Mailto => Some(format!("mailto:{}", key.value)),
                        LinkKind::Path => key.value.split_once('#').map(|(_, f)| format!("fragment:{f}")),
                        LinkKind::Page => Some(format!("page:{}", key.value)),
                        // `[text]()`: a link whose target was lost, a defect of that side.
                        LinkKind::Empty => Some("empty-link".to_string()),
                    };
                    out.extend(value.map(|v| (IdentifierKind::Link, v)));
                    inlines(content, out);
                }
                Inline::Image { key, .. } => {
                    out.insert((IdentifierKind::Image, key.clone()));
                }
                Inline::Strong { content } | Inline::Emphasis { content } | Inline::Strikethrough { content } => {
                    inlines(content, out)
                }
                _ => {}
            }
        }
    }
    fn blocks(bs: &[Block], out: &mut BTreeSet<(IdentifierKind, String)>) {
        for b in bs {
            match b {
                Block::Paragraph { content, .. } => inlines(content, out),
                Block::Heading { heading, .. } => inlines(&heading.content, out),
                Block::Note(n) => blocks(&n.blocks, out),
                Block::Result { content, .. } | Block::Quote { blocks: content, .. } => blocks(content, out),
                Block::Choices { items, .. } | Block::List { items, .. } => {
                    items.iter().for_each(|i| blocks(&i.blocks, out))
                }
                Block::Table(t) => {
                    for cell in
                        t.header.iter().chain(t.rows.iter().flat_map(|r| r.cells[r.inherited as usize..].iter()))
                    {
                        blocks(&cell.blocks, out);
                    }
                }
                Block::Procedure(_) | Block::Code(_) | Block::Html { .. } | Block::Rule { .. } => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    blocks(&s.blocks, &mut out);
    out
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c))
}

/// Code blocks of a section outside its procedures, each with its ASCII words (sorted).
fn section_code(s: &Section) -> Vec<(&CodeBlock, Vec<String>)> {
    let mut out = Vec::new();
    for b in own_blocks(&s.blocks) {
        if let Block::Code(c) = b {
            let words: BTreeSet<String> = c
                .code
                .split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '_')
                .filter(|w| w.len() >= 2)
                .map(str::to_string)
                .collect();
            out.push((c, words.into_iter().collect()));
        }
    }
    out
}

/// A section's own blocks outside its procedures (lists and quotes opened up).
fn section_blocks(s: &Section) -> Vec<&Block> {
    own_blocks(&s.blocks)
}

/// Blocks of a body that belong to it and not to a sub-procedure.
fn own_blocks(blocks: &[Block]) -> Vec<&Block> {
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Procedure(_) => {}
            Block::Choices { items, .. } | Block::List { items, .. } => {
                for item in items {
                    out.extend(own_blocks(&item.blocks));
                }
            }
            Block::Quote { blocks, .. } => out.extend(own_blocks(blocks)),
            other => out.push(other),
        }
    }
    out
}

fn note_keys(n: &Note) -> Vec<String> {
    let mut ids = Vec::new();
    for b in &n.blocks {
        if let Block::Paragraph { content, .. } = b {
            crate::keys::text_identifiers(&plain_text(content), &mut ids);
        }
    }
    let mut keys: Vec<String> = ids.into_iter().map(|i| i.value).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Rows of two tables paired by a first cell that names something (ASCII letters) and
/// occurs once in each table, in the order of the first table.
fn rows_by_first_cell(x: &Table, y: &Table) -> Vec<(usize, usize)> {
    fn unique(t: &Table) -> std::collections::BTreeMap<&str, Option<usize>> {
        let mut m = std::collections::BTreeMap::new();
        for (i, r) in t.rows.iter().enumerate() {
            let Some(c) =
                r.cells.first().filter(|c| r.inherited == 0 && c.text.bytes().any(|b| b.is_ascii_alphabetic()))
            else {
                continue;
            };
            m.entry(c.text.as_str()).and_modify(|v| *v = None).or_insert(Some(i));
        }
        m
    }
    let (ux, uy) = (unique(x), unique(y));
    let mut pairs: Vec<(usize, usize)> = ux.iter().filter_map(|(k, i)| Some(((*i)?, (*uy.get(k)?)?))).collect();
    pairs.sort_unstable();
    pairs
}

/// The ASCII words of a row's cells, sorted and deduplicated: what survives translation.
fn row_words(row: &model::Row) -> Vec<String> {
    let mut words: Vec<String> = row
        .cells
        .iter()
        .flat_map(|c| c.text.split(|ch: char| !ch.is_ascii_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words
}

fn table_keys(t: &Table) -> Vec<String> {
    let mut keys: BTreeSet<String> =
        t.records.iter().flat_map(|r| r.role.iter().chain(r.policy.iter())).cloned().collect();
    keys.insert(format!("columns:{}", t.header.len()));
    if let Some(first) = t.rows.first().and_then(|r| r.cells.first()) {
        keys.insert(format!("first:{}", first.text));
    }
    keys.into_iter().collect()
}

/// How much the shape of two steps weighs in their similarity, against their keys.
const SHAPE_WEIGHT: f64 = 0.3;

/// The shape of a step's own text: how long it is and how many UI labels (bold runs)
/// it names. A translation keeps both roughly (length scaled by the guide's zh/en
/// ratio, as in Gale–Church sentence alignment), so when two steps have no
/// language-neutral keys, the shape still tells "Click OK." from a long instruction.
#[derive(Debug, Clone, Copy)]
struct Shape {
    chars: f64,
    labels: usize,
}

impl Shape {
    fn of(step: &Step) -> Shape {
        let mut labels = strong_runs(&step.command);
        for b in own_blocks(&step.body) {
            if let Block::Paragraph { content, .. } = b {
                labels += strong_runs(content);
            }
        }
        Shape { chars: prose_chars(step) as f64, labels }
    }

    /// 1 for the same shape, towards 0 the more they differ. `self` is en-US.
    fn sim(&self, zh: &Shape, ratio: f64) -> f64 {
        // A few characters of slack so that very short steps do not look different.
        let (a, b) = (self.chars * ratio + 8.0, zh.chars + 8.0);
        let length = a.min(b) / a.max(b);
        let (x, y) = (self.labels as f64 + 1.0, zh.labels as f64 + 1.0);
        let labels = x.min(y) / x.max(y);
        0.5 * length + 0.5 * labels
    }
}

fn strong_runs(inlines: &[Inline]) -> usize {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Strong { .. } => 1,
            Inline::Emphasis { content } | Inline::Strikethrough { content } | Inline::Link { content, .. } => {
                strong_runs(content)
            }
            _ => 0,
        })
        .sum()
}

/// Characters of a step's own prose (command and paragraphs), without link targets or code.
fn prose_chars(step: &Step) -> usize {
    let mut n = plain_text(&step.command).chars().count();
    for b in own_blocks(&step.body) {
        if let Block::Paragraph { content, .. } = b {
            n += plain_text(content).chars().count();
        }
    }
    n
}

/// zh-CN characters per en-US character over all steps of the two guides.
fn length_ratio(en: &Guide, zh: &Guide) -> f64 {
    let total = |g: &Guide| g.steps().iter().map(|s| prose_chars(s)).sum::<usize>() as f64;
    let (e, z) = (total(en), total(zh));
    if e < 1.0 || z < 1.0 { 1.0 } else { z / e }
}

/// The language-neutral face of a step, for alignment.
fn step_signature(step: &Step) -> Vec<String> {
    let mut keys: BTreeSet<String> = step
        .identifiers
        .iter()
        .filter(|i| comparable_identifier(i.kind, &i.value))
        .map(|i| format!("{:?}:{}", i.kind, i.value))
        .collect();
    let subs = step.substeps().len();
    if subs > 0 {
        keys.insert(format!("substeps:{subs}"));
    }
    for b in own_blocks(&step.body) {
        match b {
            Block::Note(n) => {
                keys.insert(format!("note:{}", n.kind.as_str()));
            }
            Block::Table(_) => {
                keys.insert("table".into());
            }
            Block::Code(_) => {
                keys.insert("code".into());
            }
            _ => {}
        }
    }
    keys.into_iter().collect()
}

fn procedure_signature(p: &Procedure) -> Vec<String> {
    let mut keys: BTreeSet<String> = p.steps.iter().flat_map(step_signature).collect();
    keys.insert(format!("steps:{}", p.steps.len()));
    keys.into_iter().collect()
}

/// Identifiers worth comparing: acronyms (`RAM`, `ID`, `AK`) and short tokens are
/// rewritten by translators too often to be evidence of drift.
fn comparable_identifier(kind: IdentifierKind, value: &str) -> bool {
    match kind {
        IdentifierKind::Name => {
            value.len() >= 4 && !(value.len() <= 5 && value.bytes().all(|b| !b.is_ascii_lowercase()))
        }
        _ => true,
    }
}

fn comparable(step: &Step, kind: IdentifierKind) -> BTreeSet<String> {
    step.identifiers
        .iter()
        .filter(|i| i.kind == kind && comparable_identifier(i.kind, &i.value))
        .map(|i| i.value.clone())
        .collect()
}

/// How often each run of ASCII digits that does not end a word (`p48004`, `ecs.g6`)
/// occurs in a text.
fn number_counts(text: &str) -> std::collections::BTreeMap<&str, usize> {
    let mut out = std::collections::BTreeMap::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // A unit may follow (`20GiB`); a letter before makes it part of a name.
        let word = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
        if !word(start.checked_sub(1).and_then(|p| bytes.get(p))) {
            *out.entry(&text[start..i]).or_default() += 1;
        }
    }
    out
}

/// All text of a step (not its sub-steps): command, paragraphs with their link
/// targets, code, cells.
fn step_text(step: &Step) -> String {
    let mut out = plain_text(&step.command);
    out.push(' ');
    blocks_text(&step.body, true, &mut out);
    out
}

/// A step missing at one depth and extra at another, with the same language-neutral
/// face, is one step that moved: report it once, as `sync::nesting-differs`.
fn nesting(out: &mut Comparison, en: &Guide, zh: &Guide) {
    let en_steps = en.steps();
    let zh_steps = zh.steps();
    let find = |steps: &[&Step], id: &StepId| steps.iter().find(|s| s.id == *id).map(|s| (*s).clone());
    let mut merged = Vec::new();
    let missing: Vec<usize> = (0..out.findings.len())
        .filter(|&i| matches!(out.findings[i].code.as_str(), "sync::missing-step" | "sync::missing-substep"))
        .collect();
    let mut used = BTreeSet::new();
    for i in missing {
        let Some(x) = out.findings[i].step.as_ref().and_then(|id| find(&en_steps, id)) else { continue };
        let sig_x = step_signature(&x);
        let best = (0..out.findings.len())
            .filter(|&j| !used.contains(&j))
            .filter(|&j| matches!(out.findings[j].code.as_str(), "sync::extra-step" | "sync::extra-substep"))
            .filter_map(|j| {
                let y = out.findings[j].step.as_ref().and_then(|id| find(&zh_steps, id))?;
                (x.id.path.depth() != y.id.path.depth()).then(|| (j, jaccard(&sig_x, &step_signature(&y)), y))
            })
            .filter(|(_, sim, _)| *sim >= 0.5)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((j, _, y)) = best {
            used.insert(j);
            used.insert(i);
            let en_loc = out.findings[i].en.clone();
            let zh_loc = out.findings[j].zh.clone();
            merged.push(Finding {
                code: "sync::nesting-differs".into(),
                severity: Severity::Error,
                message: format!(
                    "step {} in {EN} is step {} in {ZH}: the same step at another depth",
                    x.id.path.number(),
                    y.id.path.number()
                ),
                en: en_loc,
                zh: zh_loc,
                step: Some(x.id.clone()),
                baseline: None,
            });
        }
    }
    if used.is_empty() {
        return;
    }
    let mut kept: Vec<Finding> =
        out.findings.drain(..).enumerate().filter(|(i, _)| !used.contains(i)).map(|(_, f)| f).collect();
    kept.extend(merged);
    sort_findings(&mut kept);
    out.findings = kept;
}

/// In en position order, then zh position, then code: stable across runs.
pub(super) fn sort_findings(findings: &mut [Finding]) {
    let pos = |l: &Option<Location>| l.as_ref().map_or((u32::MAX, u32::MAX), |l| (l.line, l.column));
    findings.sort_by(|a, b| (pos(&a.en), pos(&a.zh), &a.code).cmp(&(pos(&b.en), pos(&b.zh), &b.code)));
}

fn rows(n: usize) -> String {
    if n == 1 { "1 row".to_string() } else { format!("{n} rows") }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_count_with_units_but_not_inside_names() {
        let c = super::number_counts("wait 30 s, 30s more; 20GiB; p48004 ecs.g6 v2 and 7");
        assert_eq!(c.get("30"), Some(&2));
        assert_eq!(c.get("20"), Some(&1));
        assert_eq!(c.get("48004"), None);
        assert_eq!(c.get("6"), None);
        assert_eq!(c.get("7"), Some(&1));
    }
}
