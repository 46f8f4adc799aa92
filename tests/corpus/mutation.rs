//! Mutation test: one edit to the zh-CN Markdown of a corpus pair, in memory, and sync
//! must report that edit, with the expected code, at the edited place.
//!
//! Selection is fixed: for every pair and every kind of edit, the candidate sites are
//! listed in document order and the middle one is edited. A site qualifies only when
//! the baseline (unedited) comparison aligns its step and reports nothing of the
//! expected codes there, so a finding after the edit can only come from the edit.
//!
//! "Detected" means: a finding of one of the kind's codes that the baseline does not
//! have (compared by code, en step and en line, which the edit does not move), placed
//! as [`Near`] says:
//! - for an edit inside a step, the finding names the en-US counterpart of the edited
//!   zh-CN step, and its zh-CN line is the step's line (for a changed note type, the
//!   note's line; for a deleted step, anywhere from the enclosing procedure or parent
//!   step down to the line where the deleted step was);
//! - for an edit to a table, the finding's zh-CN line lies inside that table;
//! - for an edit to a note in a table cell, the finding's zh-CN line lies inside that
//!   cell.

use std::collections::BTreeMap;

use preflight::Source;
use preflight::model::{Block, Guide, IdentifierKind, Note, ProcedureStyle, Span, Step, Table};
use preflight::sync::{Comparison, Finding};

use crate::drift::{Pair, load_pairs, parse_pair};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    DeleteStep,
    DeleteSubstep,
    DeleteNote,
    NoteType,
    DropRow,
    RenameRecord,
    RenameIdentifier,
    ChangeNumber,
    ChangeLink,
    DeleteCellNote,
    CellNoteType,
    RepeatedNumber,
}

const KINDS: &[(Kind, &str, &[&str])] = &[
    (Kind::DeleteStep, "delete a top-level step", &["sync::missing-step"]),
    (Kind::DeleteSubstep, "delete a sub-step", &["sync::missing-substep"]),
    (Kind::DeleteNote, "delete a note", &["sync::missing-note"]),
    (Kind::NoteType, "说明 → 警告", &["sync::note-kind-differs"]),
    (Kind::DropRow, "drop a table row", &["sync::table-rows-differ", "sync::record-missing"]),
    (Kind::RenameRecord, "rename a role/policy in a table", &["sync::record-missing", "sync::record-extra"]),
    (Kind::RenameIdentifier, "rename an identifier in a step", &["sync::identifier-differs"]),
    (Kind::ChangeNumber, "change a number in a step", &["sync::number-differs"]),
    (Kind::ChangeLink, "change a link target in a step", &["sync::link-differs"]),
    (Kind::DeleteCellNote, "delete a note in a table cell", &["sync::missing-note"]),
    (Kind::CellNoteType, "说明 → 警告 in a table cell", &["sync::note-kind-differs"]),
    (Kind::RepeatedNumber, "number → one also in the step", &["sync::number-differs"]),
];

/// Measured on the corpus: (kind, sites edited, detected). The test asserts each kind
/// finds and detects at least its measured counts minus a small margin ([`floor`]); the
/// number of sites moves a little when the parser changes.
const MEASURED: &[(Kind, usize, usize)] = &[
    (Kind::DeleteStep, 147, 129),
    (Kind::DeleteSubstep, 84, 75),
    (Kind::DeleteNote, 102, 99),
    (Kind::NoteType, 98, 98),
    (Kind::DropRow, 159, 157),
    (Kind::RenameRecord, 3, 3),
    (Kind::RenameIdentifier, 107, 107),
    (Kind::ChangeNumber, 48, 48),
    (Kind::ChangeLink, 107, 106),
    (Kind::DeleteCellNote, 12, 12),
    (Kind::CellNoteType, 53, 52),
    (Kind::RepeatedNumber, 5, 5),
];

fn floor(measured: usize) -> usize {
    measured.saturating_sub(1.max(measured / 50))
}

/// Where a finding must be to count as reporting the edit.
#[derive(Debug)]
enum Near {
    /// About the en step `en_step`, with a zh line in `zh`.
    Step { en_step: String, zh: (u32, u32) },
    /// A zh line in this range.
    Lines(u32, u32),
}

struct Mutation {
    kind: Kind,
    text: String,
    near: Near,
    /// What was edited, for the list of misses.
    what: String,
}

/// The lines a span covers, inclusive; spans that end at column 1 end before that line.
fn lines(span: Span) -> (u32, u32) {
    if span.end_column <= 1 && span.end_line > span.line {
        (span.line, span.end_line - 1)
    } else {
        (span.line, span.end_line)
    }
}

fn delete_lines(text: &str, (from, to): (u32, u32)) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .filter(|(i, _)| !(from as usize..=to as usize).contains(&(i + 1)))
        .map(|(_, l)| l)
        .collect()
}

/// Replace the first `from` on one of `lines` (1-based) that `ok` accepts at its byte offset.
fn replace_on_lines(
    text: &str,
    lines: &[u32],
    from: &str,
    to: &str,
    ok: impl Fn(&str, usize) -> bool,
) -> Option<String> {
    let mut out = String::with_capacity(text.len() + to.len());
    let mut done = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if !done && lines.contains(&(i as u32 + 1)) {
            if let Some((at, _)) = line.match_indices(from).find(|(at, _)| ok(line, *at)) {
                out.push_str(&line[..at]);
                out.push_str(to);
                out.push_str(&line[at + from.len()..]);
                done = true;
                continue;
            }
        }
        out.push_str(line);
    }
    done.then_some(out)
}

/// Token characters as `keys::text_identifiers` reads them.
fn is_tok(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/' | '@' | '$' | '*')
}

/// `line[at..at+len]` is a whole token: no token character touches it.
fn whole(line: &str, at: usize, len: usize) -> bool {
    let before = line[..at].chars().next_back().is_none_or(|c| !is_tok(c));
    let after = line[at + len..].chars().next().is_none_or(|c| !is_tok(c));
    before && after
}

/// A step with where it sits.
struct Placed<'g> {
    step: &'g Step,
    depth: usize,
    /// Line of the enclosing procedure (top level) or parent step.
    container: u32,
    style: ProcedureStyle,
}

fn placed_steps(guide: &Guide) -> Vec<Placed<'_>> {
    fn walk<'g>(blocks: &'g [Block], depth: usize, container: Option<u32>, out: &mut Vec<Placed<'g>>) {
        for b in blocks {
            match b {
                Block::Procedure(p) => {
                    for s in &p.steps {
                        let container = container.unwrap_or(p.span.line);
                        out.push(Placed { step: s, depth, container, style: p.style });
                        walk(&s.body, depth + 1, Some(s.span.line), out);
                    }
                }
                Block::Choices { items, .. } | Block::List { items, .. } => {
                    items.iter().for_each(|i| walk(&i.blocks, depth, container, out))
                }
                Block::Note(n) => walk(&n.blocks, depth, container, out),
                Block::Quote { blocks, .. } | Block::Result { content: blocks, .. } => {
                    walk(blocks, depth, container, out)
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for s in &guide.sections {
        walk(&s.blocks, 1, None, &mut out);
    }
    out
}

/// Notes of a step's own body (not of its sub-steps, not inside table cells).
fn own_notes(blocks: &[Block], out: &mut Vec<Note>) {
    for b in blocks {
        match b {
            Block::Note(n) => out.push(n.clone()),
            Block::Choices { items, .. } | Block::List { items, .. } => {
                items.iter().for_each(|i| own_notes(&i.blocks, out))
            }
            Block::Quote { blocks, .. } => own_notes(blocks, out),
            _ => {}
        }
    }
}

/// Lines of a step's own text: from its line to its first sub-step, outside fenced code.
fn own_lines(text: &[&str], step: &Step) -> Vec<u32> {
    let (from, mut to) = lines(step.span);
    if let Some(first) = step.substeps().first() {
        to = to.min(first.span.line - 1);
    }
    let mut out = Vec::new();
    let mut fence = false;
    for n in from..=to {
        let Some(line) = text.get(n as usize - 1) else { break };
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if !fence {
            out.push(n);
        }
    }
    out
}

fn tables(guide: &Guide) -> Vec<&Table> {
    let mut out = Vec::new();
    fn walk<'g>(blocks: &'g [Block], out: &mut Vec<&'g Table>) {
        for b in blocks {
            match b {
                Block::Table(t) => out.push(t),
                Block::Procedure(p) => p.steps.iter().for_each(|s| walk(&s.body, out)),
                Block::Choices { items, .. } | Block::List { items, .. } => {
                    items.iter().for_each(|i| walk(&i.blocks, out))
                }
                Block::Note(n) => walk(&n.blocks, out),
                Block::Quote { blocks, .. } | Block::Result { content: blocks, .. } => walk(blocks, out),
                _ => {}
            }
        }
    }
    for s in &guide.sections {
        walk(&s.blocks, &mut out);
    }
    out
}

fn middle<T>(mut v: Vec<T>) -> Option<T> {
    if v.is_empty() {
        return None;
    }
    let i = v.len() / 2;
    Some(v.swap_remove(i))
}

/// The one edit of `kind` to this pair, if it has a qualifying site.
fn mutate(kind: Kind, text: &str, zh: &Guide, base: &Comparison) -> Option<Mutation> {
    let codes = KINDS.iter().find(|k| k.0 == kind).unwrap().2;
    let counterpart = |zh_id: &str| -> Option<String> {
        base.steps
            .iter()
            .find(|(_, z)| z.as_ref().is_some_and(|z| z.to_string() == zh_id))
            .and_then(|(e, _)| e.as_ref().map(ToString::to_string))
    };
    // No baseline finding of the kind's codes about this en step.
    let clean_step = |en_id: &str| {
        !base.findings.iter().any(|f| {
            f.step.as_ref().is_some_and(|s| s.to_string() == en_id)
                && (codes.contains(&f.code.as_str()) || (kind == Kind::NoteType && f.code.contains("-note")))
        })
    };
    let clean_lines = |(a, b): (u32, u32)| {
        !base.findings.iter().any(|f| {
            (codes.contains(&f.code.as_str()) || f.code.contains("-table") || f.code.contains("record-"))
                && f.zh.as_ref().is_some_and(|l| (a..=b).contains(&l.line))
        })
    };
    let src: Vec<&str> = text.lines().collect();
    let steps = placed_steps(zh);
    let aligned: Vec<(&Placed, String)> = steps
        .iter()
        .filter_map(|p| counterpart(&p.step.id.to_string()).filter(|e| clean_step(e)).map(|e| (p, e)))
        .collect();
    match kind {
        Kind::DeleteStep | Kind::DeleteSubstep => {
            let top = kind == Kind::DeleteStep;
            let sites: Vec<_> =
                aligned.into_iter().filter(|(p, _)| (p.depth == 1) == top && p.style == ProcedureStyle::List).collect();
            let (p, en) = middle(sites)?;
            Some(Mutation {
                kind,
                text: delete_lines(text, lines(p.step.span)),
                near: Near::Step { en_step: en, zh: (p.container, p.step.span.line) },
                what: format!("deleted {} at line {}", p.step.id, p.step.span.line),
            })
        }
        Kind::DeleteNote | Kind::NoteType => {
            let mut sites = Vec::new();
            for (p, en) in &aligned {
                let mut notes = Vec::new();
                own_notes(&p.step.body, &mut notes);
                for n in notes {
                    let line = src.get(n.span.line as usize - 1).copied().unwrap_or_default();
                    let own_line = n.span.line > p.step.span.line && line.trim_start().starts_with("**");
                    let typed = kind == Kind::DeleteNote || n.label == "说明";
                    if own_line && typed {
                        sites.push((p, en.clone(), n));
                    }
                }
            }
            let (p, en, n) = middle(sites)?;
            if kind == Kind::DeleteNote {
                Some(Mutation {
                    kind,
                    text: delete_lines(text, lines(n.span)),
                    near: Near::Step { en_step: en, zh: (p.step.span.line, p.step.span.line) },
                    what: format!("deleted the note at line {} of {}", n.span.line, p.step.id),
                })
            } else {
                let text = replace_on_lines(text, &[n.span.line], "说明", "警告", |_, _| true)?;
                Some(Mutation {
                    kind,
                    text,
                    near: Near::Step { en_step: en, zh: (n.span.line, n.span.line) },
                    what: format!("note at line {} of {} made a warning", n.span.line, p.step.id),
                })
            }
        }
        Kind::DropRow => {
            let sites: Vec<_> =
                tables(zh).into_iter().filter(|t| t.rows.len() >= 3 && clean_lines(lines(t.span))).collect();
            let t = middle(sites)?;
            let row = &t.rows[t.rows.len() / 2];
            let span = lines(t.span);
            Some(Mutation {
                kind,
                text: delete_lines(text, lines(row.span)),
                near: Near::Lines(span.0, span.1),
                what: format!("dropped the row at line {} of the table at line {}", row.span.line, t.span.line),
            })
        }
        Kind::RenameRecord => {
            let mut sites = Vec::new();
            for t in tables(zh).into_iter().filter(|t| !t.records.is_empty() && clean_lines(lines(t.span))) {
                for r in &t.records {
                    let Some(row) = t.rows.get(r.row as usize) else { continue };
                    let (a, b) = lines(row.span);
                    let row_lines: Vec<u32> = (a..=b).collect();
                    for name in r.role.iter().chain(r.policy.iter()) {
                        let found = row_lines.iter().any(|&n| {
                            let l = src.get(n as usize - 1).copied().unwrap_or_default();
                            l.match_indices(name.as_str()).any(|(at, _)| whole(l, at, name.len()))
                        });
                        if found {
                            sites.push((t, row_lines.clone(), name.clone()));
                        }
                    }
                }
            }
            let (t, row_lines, name) = middle(sites)?;
            let text =
                replace_on_lines(text, &row_lines, &name, &format!("{name}X"), |l, at| whole(l, at, name.len()))?;
            let span = lines(t.span);
            Some(Mutation {
                kind,
                text,
                near: Near::Lines(span.0, span.1),
                what: format!("renamed {name} at line {} (table at line {})", row_lines[0], t.span.line),
            })
        }
        Kind::DeleteCellNote | Kind::CellNoteType => {
            let delete = kind == Kind::DeleteCellNote;
            let mut sites = Vec::new();
            // A table whose rows already differ may have the note's row on one side only:
            // a reader sees no counterpart to compare, so it is no site.
            let same_rows = |t: &Table| {
                let (a, b) = lines(t.span);
                !base.findings.iter().any(|f| {
                    f.code.ends_with("rows-differ") && f.zh.as_ref().is_some_and(|l| (a..=b).contains(&l.line))
                })
            };
            for t in tables(zh).into_iter().filter(|t| clean_lines(lines(t.span)) && same_rows(t)) {
                for row in &t.rows {
                    for cell in &row.cells {
                        for b in &cell.blocks {
                            let Block::Note(n) = b else { continue };
                            let (a, z) = lines(n.span);
                            let own: Vec<&str> = (a..=z).filter_map(|l| src.get(l as usize - 1).copied()).collect();
                            // Only a note on lines of its own can be deleted without
                            // touching the row's bars.
                            let alone =
                                own.iter().all(|l| !l.trim_start().starts_with('|') && !l.trim_end().ends_with('|'))
                                    && own.first().is_some_and(|l| l.trim_start().starts_with("**"));
                            let typed = own.first().is_some_and(|l| l.contains("**说明"));
                            // A note already reported (one side only) is no site.
                            let cell_lines = lines(cell.span);
                            let reported = base.findings.iter().any(|f| {
                                f.code.contains("-note")
                                    && f.zh.as_ref().is_some_and(|l| (cell_lines.0..=cell_lines.1).contains(&l.line))
                            });
                            if !reported && ((delete && alone) || (!delete && typed)) {
                                sites.push((t, lines(cell.span), n.span));
                            }
                        }
                    }
                }
            }
            let (t, cell, note) = middle(sites)?;
            let text = if delete {
                delete_lines(text, lines(note))
            } else {
                replace_on_lines(text, &[note.line], "**说明", "**警告", |_, _| true)?
            };
            Some(Mutation {
                kind,
                text,
                near: Near::Lines(cell.0, cell.1),
                what: format!("note at line {} of the table at line {}", note.line, t.span.line),
            })
        }
        Kind::RepeatedNumber => {
            // A number written twice in the step's own text, one of them changed to another
            // number of the step: both stay present, only their counts change.
            let mut sites = Vec::new();
            for (p, en) in &aligned {
                let own = own_lines(&src, p.step);
                let numbers: Vec<&str> = p
                    .step
                    .identifiers
                    .iter()
                    .filter(|i| i.kind == IdentifierKind::Number)
                    .map(|i| i.value.as_str())
                    .filter(|v| v.len() >= 2 && !v.starts_with('0') && v.bytes().all(|b| b.is_ascii_digit()))
                    .collect();
                let count = |v: &str| -> usize {
                    own.iter()
                        .map(|&n| {
                            let l = src[n as usize - 1];
                            l.match_indices(v).filter(|(at, _)| whole(l, *at, v.len())).count()
                        })
                        .sum()
                };
                let Some(a) = numbers.iter().find(|v| count(v) >= 2) else { continue };
                let Some(b) = numbers.iter().find(|v| *v != a && count(v) >= 1) else { continue };
                sites.push((p, en.clone(), own, a.to_string(), b.to_string()));
            }
            let (p, en, own, from, to) = middle(sites)?;
            let text = replace_on_lines(text, &own, &from, &to, |l, at| whole(l, at, from.len()))?;
            Some(Mutation {
                kind,
                text,
                near: Near::Step { en_step: en, zh: (p.step.span.line, p.step.span.line) },
                what: format!("{from} → {to} in {} (line {})", p.step.id, p.step.span.line),
            })
        }
        Kind::RenameIdentifier | Kind::ChangeNumber | Kind::ChangeLink => {
            let mut sites = Vec::new();
            for (p, en) in &aligned {
                let own = own_lines(&src, p.step);
                for id in &p.step.identifiers {
                    let (from, to) = match (kind, id.kind) {
                        (Kind::RenameIdentifier, IdentifierKind::Name) if name_worth_comparing(&id.value) => {
                            (id.value.clone(), format!("{}X", id.value))
                        }
                        (Kind::ChangeNumber, IdentifierKind::Number)
                            if id.value.len() >= 2
                                && !id.value.starts_with('0')
                                && id.value.bytes().all(|b| b.is_ascii_digit()) =>
                        {
                            let Ok(n) = id.value.parse::<u64>() else { continue };
                            (id.value.clone(), (n + 1).to_string())
                        }
                        (Kind::ChangeLink, IdentifierKind::Link) if id.value.starts_with("url:") => {
                            // The URL as written: find `](http…` on the step's lines.
                            let Some(dest) = own.iter().find_map(|&n| url_on_line(src[n as usize - 1], &id.value))
                            else {
                                continue;
                            };
                            let to = changed_url(&dest);
                            (dest, to)
                        }
                        _ => continue,
                    };
                    let found = own.iter().any(|&n| {
                        let l = src[n as usize - 1];
                        l.match_indices(from.as_str())
                            .any(|(at, _)| kind == Kind::ChangeLink || whole(l, at, from.len()))
                    });
                    if found {
                        sites.push((p, en.clone(), own.clone(), from, to));
                    }
                }
            }
            let (p, en, own, from, to) = middle(sites)?;
            let link = kind == Kind::ChangeLink;
            let text = replace_on_lines(text, &own, &from, &to, |l, at| link || whole(l, at, from.len()))?;
            Some(Mutation {
                kind,
                text,
                near: Near::Step { en_step: en, zh: (p.step.span.line, p.step.span.line) },
                what: format!("{from} → {to} in {} (line {})", p.step.id, p.step.span.line),
            })
        }
    }
}

/// Names sync compares (see `comparable_identifier` in src/sync/compare.rs).
fn name_worth_comparing(v: &str) -> bool {
    v.len() >= 4 && !(v.len() <= 5 && v.bytes().all(|b| !b.is_ascii_lowercase()))
}

/// The destination of a link on this line whose key is `key` (`url:host/path`).
fn url_on_line(line: &str, key: &str) -> Option<String> {
    for (at, _) in line.match_indices("](http") {
        let rest = &line[at + 2..];
        let end = rest.find([')', ' ', '"']).unwrap_or(rest.len());
        let dest = &rest[..end];
        let k = preflight::keys::link_key(dest);
        if format!("url:{}", k.value) == key {
            return Some(dest.to_string());
        }
    }
    None
}

/// `https://host/a/b` → `https://host/mutated/a/b`: a different page on the same site.
fn changed_url(dest: &str) -> String {
    let scheme = dest.find("://").map_or(0, |i| i + 3);
    match dest[scheme..].find('/') {
        Some(i) => format!("{}/mutated{}", &dest[..scheme + i], &dest[scheme + i..]),
        None => format!("{dest}/mutated"),
    }
}

fn key(f: &Finding) -> (String, Option<String>, Option<u32>) {
    (f.code.clone(), f.step.as_ref().map(ToString::to_string), f.en.as_ref().map(|l| l.line))
}

fn detected(m: &Mutation, base: &Comparison, after: &Comparison) -> bool {
    let codes = KINDS.iter().find(|k| k.0 == m.kind).unwrap().2;
    let mut seen: BTreeMap<_, usize> = BTreeMap::new();
    for f in &base.findings {
        *seen.entry(key(f)).or_default() += 1;
    }
    after.findings.iter().any(|f| {
        let new = match seen.get_mut(&key(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        };
        let zh_line = f.zh.as_ref().map_or(0, |l| l.line);
        let near = match &m.near {
            Near::Step { en_step, zh } => {
                f.step.as_ref().is_some_and(|s| s.to_string() == *en_step) && (zh.0..=zh.1).contains(&zh_line)
            }
            Near::Lines(a, b) => (*a..=*b).contains(&zh_line),
        };
        new && near && codes.contains(&f.code.as_str())
    })
}

fn zh_text(p: &Pair) -> String {
    let bytes = std::fs::read(crate::corpus_dir().join(&p.zh)).unwrap();
    Source::decode(p.zh.as_str(), &bytes).unwrap().text
}

#[test]
fn sync_reports_each_edit_at_its_place() {
    let mut tally: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
    let mut misses: Vec<String> = Vec::new();
    for pair in load_pairs() {
        let (en, zh) = parse_pair(&pair);
        let base = preflight::sync::compare(&en, &zh);
        let text = zh_text(&pair);
        for &(kind, _, _) in KINDS {
            let Some(m) = mutate(kind, &text, &zh, &base) else { continue };
            let (guide, _) = preflight::parse::parse_guide(&Source::new(pair.zh.as_str(), &m.text), "zh-CN");
            let after = preflight::sync::compare(&en, &guide);
            let t = tally.entry(kind).or_default();
            t.0 += 1;
            if detected(&m, &base, &after) {
                t.1 += 1;
            } else {
                let got: Vec<String> = after
                    .findings
                    .iter()
                    .filter(|f| !base.findings.iter().any(|b| key(b) == key(f)))
                    .map(|f| {
                        format!(
                            "{} en {:?} zh {:?}",
                            f.code,
                            f.en.as_ref().map(|l| l.line),
                            f.zh.as_ref().map(|l| l.line)
                        )
                    })
                    .collect();
                misses.push(format!("{kind:?} {}: {}; near {:?}; new: {got:?}", pair.en, m.what, m.near));
            }
        }
    }
    let mut table = String::from("mutation                          sites  detected  recall\n");
    let mut failures = Vec::new();
    for &(kind, name, _) in KINDS {
        let (n, hit) = tally.get(&kind).copied().unwrap_or_default();
        table.push_str(&format!("{name:<32} {n:>6}  {hit:>8}  {:>5.1}%\n", 100.0 * hit as f64 / n.max(1) as f64));
        let (_, want_n, want) = MEASURED.iter().find(|m| m.0 == kind).copied().unwrap();
        if n < floor(want_n) {
            failures.push(format!("{name}: {n} sites, measured {want_n} (floor {})", floor(want_n)));
        }
        if hit < floor(want) {
            failures.push(format!("{name}: {hit} detected, measured {want} (floor {})", floor(want)));
        }
    }
    if std::env::var_os("PREFLIGHT_MUTATION_MISSED").is_some() {
        table.push_str("\nmissed:\n");
        for m in &misses {
            table.push_str(&format!("  {m}\n"));
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}\n{table}", failures.join("\n"));
}
