//! A readable outline of a guide: what `inspect` prints and fixture snapshots hold.
//! One line per node, indented by depth, with `line:column` of each node.

use std::fmt::Write;

use crate::model::{Block, Guide, Inline, Span, Step, plain_text};

pub fn outline(guide: &Guide) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "guide {} ({:?}, {}, id from {:?}) {} {:?}",
        guide.id,
        guide.kind,
        guide.locale,
        guide.id_source,
        at(guide.span),
        guide.title_text
    );
    if let Some(sd) = &guide.shortdesc {
        let _ = writeln!(out, "  shortdesc {:?}", clip(&plain_text(sd)));
    }
    if let Some(fm) = &guide.front_matter {
        let _ = writeln!(out, "  front-matter {:?}", clip(fm));
    }
    for (i, section) in guide.sections.iter().enumerate() {
        let title = section.heading.as_ref().map_or(String::new(), |h| {
            let mut t = format!(" {:?}", h.text);
            if let Some(a) = &h.anchor {
                let _ = write!(t, " #{a}");
            }
            for c in &h.classes {
                let _ = write!(t, " .{c}");
            }
            t
        });
        let _ = writeln!(out, "  section {i} h{}{title} {}", section.level, at(section.span));
        blocks(&mut out, &section.blocks, 2);
    }
    out
}

fn at(span: Span) -> String {
    format!("@{}:{}", span.line, span.column)
}

fn clip(s: &str) -> String {
    crate::model::clip(s, 60)
}

fn pad(depth: usize) -> String {
    "  ".repeat(depth)
}

fn blocks(out: &mut String, list: &[Block], depth: usize) {
    for block in list {
        block_line(out, block, depth);
    }
}

fn block_line(out: &mut String, block: &Block, depth: usize) {
    let p = pad(depth);
    match block {
        Block::Paragraph { content, span } => {
            let _ = writeln!(out, "{p}paragraph {} {:?}{}", at(*span), clip(&plain_text(content)), refs(content));
        }
        Block::Procedure(proc) => {
            let _ = writeln!(out, "{p}procedure ({:?}, {} steps) {}", proc.style, proc.steps.len(), at(proc.span));
            for step in &proc.steps {
                step_line(out, step, depth + 1);
            }
        }
        Block::Choices { items, span } | Block::List { items, span, .. } => {
            let kind = match block {
                Block::Choices { .. } => "choices".to_string(),
                Block::List { ordered, contents, .. } => {
                    let mut k = if *ordered { "ordered-list".to_string() } else { "list".to_string() };
                    if *contents {
                        k.push_str(" (contents)");
                    }
                    k
                }
                _ => unreachable!(),
            };
            let _ = writeln!(out, "{p}{kind} ({} items) {}", items.len(), at(*span));
            for item in items {
                let _ = writeln!(out, "{p}  item {}", at(item.span));
                blocks(out, &item.blocks, depth + 2);
            }
        }
        Block::Note(note) => {
            let _ = writeln!(out, "{p}note {} [{}] {}", note.kind.as_str(), note.label, at(note.span));
            blocks(out, &note.blocks, depth + 1);
        }
        Block::Result { label, content, span } => {
            let _ = writeln!(out, "{p}result [{label}] {}", at(*span));
            blocks(out, content, depth + 1);
        }
        Block::Table(t) => {
            let cols: Vec<String> =
                t.header.iter().zip(&t.columns).map(|(h, k)| format!("{:?}:{k:?}", h.text)).collect();
            let _ = writeln!(out, "{p}table ({} rows) {} [{}]", t.rows.len(), at(t.span), cols.join(", "));
            for (i, row) in t.rows.iter().enumerate() {
                // A merged cell continued from the row above shows as `^`.
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| if i < row.inherited as usize { "^".into() } else { format!("{:?}", clip(&c.text)) })
                    .collect();
                let inherited =
                    if row.inherited > 0 { format!(" (inherits {})", row.inherited) } else { String::new() };
                let _ = writeln!(out, "{p}  row {i} {}{inherited} {}", at(row.span), cells.join(" | "));
                for cell in &row.cells[row.inherited as usize..] {
                    for b in &cell.blocks {
                        if !matches!(b, Block::Paragraph { .. }) {
                            block_line(out, b, depth + 2);
                        }
                    }
                }
            }
            for r in &t.records {
                let _ = writeln!(
                    out,
                    "{p}  record row {}: role={:?} policy={:?} condition={:?}",
                    r.row, r.role, r.policy, r.condition
                );
            }
        }
        Block::Code(c) => {
            let _ = writeln!(
                out,
                "{p}code {:?} id={:?} key={} {} {:?}",
                c.lang,
                c.attr_id,
                c.key,
                at(c.span),
                clip(&c.code)
            );
        }
        Block::Quote { blocks: inner, span } => {
            let _ = writeln!(out, "{p}quote {}", at(*span));
            blocks(out, inner, depth + 1);
        }
        Block::Heading { level, heading, span } => {
            let _ = writeln!(out, "{p}heading h{level} {} {:?}", at(*span), heading.text);
        }
        Block::Html { html, span } => {
            let _ = writeln!(out, "{p}html {} {:?}", at(*span), clip(html));
        }
        Block::Rule { span } => {
            let _ = writeln!(out, "{p}rule {}", at(*span));
        }
    }
}

fn step_line(out: &mut String, step: &Step, depth: usize) {
    let p = pad(depth);
    let _ = writeln!(out, "{p}step {} {} {} {:?}", step.number, step.id, at(step.span), clip(&step.command_text));
    if !step.identifiers.is_empty() {
        let ids: Vec<String> = step
            .identifiers
            .iter()
            .map(|i| format!("{}:{}", format!("{:?}", i.kind).to_lowercase(), i.value))
            .collect();
        let _ = writeln!(out, "{p}  identifiers {}", ids.join(" "));
    }
    blocks(out, &step.body, depth + 1);
}

/// Links and images of a paragraph, as `→key` markers.
fn refs(content: &[Inline]) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Link { key, .. } => {
                let _ = write!(out, " →{:?}:{}", key.kind, key.value);
            }
            Inline::Image { key, .. } => {
                let _ = write!(out, " ▣{key}");
            }
            Inline::Strong { content } | Inline::Emphasis { content } | Inline::Strikethrough { content } => {
                out.push_str(&refs(content))
            }
            _ => {}
        }
    }
    out
}
