//! Generic blocks → the task model: title and id, sections, procedures, steps.
//!
//! A numbered list at section level is a procedure; numbered lists inside a step are
//! its sub-steps; bulleted lists inside a step are its choices. A run of `Step N:`
//! headings is a procedure too, each heading a step. Step ids come from the guide id
//! and the structural path (section, procedure, step ordinals), never from text, so the
//! en and zh model of one guide give the same ids where their structure agrees.

use super::{Ctx, lexicon};
use crate::diag::Diagnostic;
use crate::ids::{StepId, StepPath};
use crate::keys;
use crate::model::{
    Block, Guide, Heading, IdSource, Identifier, IdentifierKind, Inline, LinkKind, ListItem, Procedure, ProcedureStyle,
    SCHEMA_VERSION, Section, Span, Step, TopicKind, plain_text,
};

pub(crate) fn build_guide(ctx: &mut Ctx, blocks: Vec<Block>, locale: &str, front_matter: Option<String>) -> Guide {
    let source = ctx.source;
    let doc_span = source.span(0..source.text.len());
    let title_at = blocks.iter().position(|b| matches!(b, Block::Heading { level: 1, .. }));
    let mut blocks = blocks;
    let (title, title_span) = match title_at {
        Some(i) => match blocks.remove(i) {
            Block::Heading { heading, span, .. } => (Some(heading), span),
            _ => unreachable!("position() matched a heading"),
        },
        None => {
            ctx.diags.push(Diagnostic::warning(
                "parse::no-title",
                &source.path,
                source.span(0..0),
                "the guide has no `# Title` heading; its file name is used as the title",
            ));
            (None, source.span(0..0))
        }
    };

    let mut sections = split_sections(blocks, doc_span);
    let shortdesc = match sections[0].blocks.first() {
        Some(Block::Paragraph { .. }) => match sections[0].blocks.remove(0) {
            Block::Paragraph { content, .. } => Some(content),
            _ => None,
        },
        _ => None,
    };
    let sections = step_heading_runs(sections);

    let classes = title.as_ref().map(|t| t.classes.clone()).unwrap_or_default();
    let stem = source.path.rsplit('/').next().unwrap_or(&source.path);
    let stem = stem.strip_suffix(".md").unwrap_or(stem).to_string();
    let (id, id_source) = match title.as_ref().and_then(|t| t.anchor.clone()).filter(|a| !a.trim().is_empty()) {
        Some(anchor) => (sanitize_id(&anchor), IdSource::Heading),
        None => (path_id(&source.path), IdSource::Path),
    };
    let topic_id = (id_source == IdSource::Heading).then(|| id.clone());
    let mut guide = Guide {
        schema_version: SCHEMA_VERSION,
        id,
        id_source,
        topic_id,
        kind: TopicKind::Topic,
        locale: locale.to_string(),
        file: source.path.clone(),
        title_text: title.as_ref().map_or(stem.clone(), |t| t.text.clone()),
        title: title.map_or(vec![Inline::Text { text: stem }], |t| t.content),
        span: title_span,
        shortdesc,
        front_matter,
        sections: Vec::new(),
    };
    for (s, section) in sections.into_iter().enumerate() {
        guide.sections.push(read_section(section, &guide.id, s));
    }
    let has_procedure = guide.procedures().next().is_some();
    guide.kind = topic_kind(classes, has_procedure);
    guide
}

fn topic_kind(classes: Vec<String>, has_procedure: bool) -> TopicKind {
    for class in &classes {
        match class.as_str() {
            "task" => return TopicKind::Task,
            "concept" => return TopicKind::Concept,
            "reference" => return TopicKind::Reference,
            _ => {}
        }
    }
    if has_procedure { TopicKind::Task } else { TopicKind::Topic }
}

/// Ids become HTML anchors and file names: keep letters, digits, `_`, `-`, `.`.
pub fn sanitize_id(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "guide".to_string() } else { out }
}

pub fn path_id(path: &str) -> String {
    let path = path.strip_suffix(".md").unwrap_or(path);
    sanitize_id(&path.replace('/', "-").to_lowercase())
}

fn split_sections(blocks: Vec<Block>, doc_span: Span) -> Vec<Section> {
    let mut sections = vec![Section { level: 0, heading: None, blocks: Vec::new(), span: doc_span }];
    for block in blocks {
        match block {
            Block::Heading { level, heading, span } => {
                sections.push(Section { level, heading: Some(heading), blocks: Vec::new(), span })
            }
            other => sections.last_mut().expect("starts with one").blocks.push(other),
        }
    }
    sections
}

/// Collapse each run of `## Step N: …` sections into one procedure of heading steps.
fn step_heading_runs(sections: Vec<Section>) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut run: Option<(u8, Vec<Step>, Span)> = None;
    for section in sections {
        let step_title = section.heading.as_ref().and_then(|h| lexicon::step_heading(&h.text).map(|(n, _)| n));
        if let Some((level, steps, span)) = run.as_mut() {
            if section.level > *level {
                // A sub-heading inside a step belongs to that step.
                let step = steps.last_mut().expect("a run starts with a step");
                if let Some(heading) = section.heading {
                    step.body.push(Block::Heading { level: section.level, heading, span: section.span });
                }
                step.body.extend(section.blocks);
                span.end_line = section.span.end_line;
                continue;
            }
            if section.level == *level && step_title.is_some() {
                steps.push(heading_step(section, step_title.unwrap_or(0)));
                continue;
            }
            let (level, steps, span) = run.take().expect("checked");
            out.push(run_section(level, steps, span));
        }
        match step_title {
            Some(n) if section.level >= 2 => {
                let (level, span) = (section.level, section.span);
                run = Some((level, vec![heading_step(section, n)], span));
            }
            _ => out.push(section),
        }
    }
    if let Some((level, steps, span)) = run {
        out.push(run_section(level, steps, span));
    }
    out
}

fn heading_step(section: Section, number: u32) -> Step {
    let heading = section.heading.unwrap_or(Heading {
        content: Vec::new(),
        text: String::new(),
        anchor: None,
        classes: Vec::new(),
    });
    let command = strip_step_prefix(heading.content);
    Step {
        id: StepId::default(),
        number,
        command_text: plain_text(&command),
        command,
        body: section.blocks,
        identifiers: Vec::new(),
        span: section.span,
        sync: None,
    }
}

/// `Step 1: Create a bucket` → `Create a bucket`, keeping inline formatting.
fn strip_step_prefix(mut content: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text { text }) = content.first_mut()
        && let Some((_, rest)) = lexicon::step_heading(text)
    {
        *text = rest.to_string();
    }
    if matches!(content.first(), Some(Inline::Text { text }) if text.is_empty()) {
        content.remove(0);
    }
    content
}

fn run_section(level: u8, steps: Vec<Step>, span: Span) -> Section {
    let procedure = Procedure { style: ProcedureStyle::Headings, steps, span };
    Section { level, heading: None, blocks: vec![Block::Procedure(procedure)], span }
}

fn read_section(section: Section, guide_id: &str, s: usize) -> Section {
    let mut p = 0;
    let base = |p: u32| StepId {
        guide: guide_id.to_string(),
        path: StepPath { section: s as u32, procedure: p, steps: Vec::new() },
    };
    let blocks = section
        .blocks
        .into_iter()
        .map(|block| match block {
            Block::List { ordered: true, contents: false, items, span, start } => {
                p += 1;
                Block::Procedure(list_procedure(items, span, start, &base(p), 0))
            }
            Block::Procedure(mut proc) => {
                p += 1;
                let parent = base(p);
                for (i, step) in proc.steps.iter_mut().enumerate() {
                    let body = std::mem::take(&mut step.body);
                    step.id = child(&parent, i + 1);
                    step.body = read_step_body(body, &step.id);
                    step.identifiers = step_identifiers(&step.command, &step.body);
                }
                Block::Procedure(proc)
            }
            other => other,
        })
        .collect();
    Section { blocks, ..section }
}

/// The id of the `n`-th step below `parent` (a procedure's base id has no steps yet).
fn child(parent: &StepId, n: usize) -> StepId {
    StepId { guide: parent.guide.clone(), path: parent.path.child(u32::try_from(n).unwrap_or(u32::MAX)) }
}

/// Steps of a numbered list below `parent`, numbered on after `offset` earlier siblings.
fn list_procedure(items: Vec<ListItem>, span: Span, start: Option<u64>, parent: &StepId, offset: usize) -> Procedure {
    let first = start.unwrap_or(1);
    let steps = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let id = child(parent, offset + i + 1);
            let mut blocks = item.blocks;
            let command = match blocks.first() {
                Some(Block::Paragraph { .. }) => match blocks.remove(0) {
                    Block::Paragraph { content, .. } => content,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let body = read_step_body(blocks, &id);
            let identifiers = step_identifiers(&command, &body);
            let number = u32::try_from(first.saturating_add(i as u64)).unwrap_or(u32::MAX);
            Step {
                id,
                number,
                command_text: plain_text(&command),
                command,
                body,
                identifiers,
                span: item.span,
                sync: None,
            }
        })
        .collect();
    Procedure { style: ProcedureStyle::List, steps, span }
}

/// Inside a step: numbered lists are sub-steps (numbered on from one list to the
/// next, so ids stay unique), bulleted lists are choices. A numbered list inside a
/// choice is a sub-step list too: the bullet is layout, not a level of the procedure.
fn read_step_body(blocks: Vec<Block>, step_id: &StepId) -> Vec<Block> {
    let mut seen = 0usize;
    convert_step_blocks(blocks, step_id, &mut seen, 0)
}

fn convert_step_blocks(blocks: Vec<Block>, step_id: &StepId, seen: &mut usize, choice_depth: usize) -> Vec<Block> {
    blocks
        .into_iter()
        .map(|block| match block {
            Block::List { ordered: true, contents: false, items, span, start } => {
                let offset = *seen;
                *seen += items.len();
                Block::Procedure(list_procedure(items, span, start, step_id, offset))
            }
            Block::List { ordered: false, contents: false, items, span, .. } if choice_depth < super::MAX_DEPTH => {
                let items = items
                    .into_iter()
                    .map(|item| ListItem {
                        blocks: convert_step_blocks(item.blocks, step_id, seen, choice_depth + 1),
                        span: item.span,
                    })
                    .collect();
                Block::Choices { items, span }
            }
            other => other,
        })
        .collect()
}

/// Language-neutral references of a step's own text (sub-steps have their own).
fn step_identifiers(command: &[Inline], body: &[Block]) -> Vec<Identifier> {
    let mut out = Vec::new();
    inline_identifiers(command, &mut out);
    for block in body {
        block_identifiers(block, &mut out);
    }
    keys::normalize(&mut out);
    out
}

fn block_identifiers(block: &Block, out: &mut Vec<Identifier>) {
    match block {
        Block::Paragraph { content, .. } => inline_identifiers(content, out),
        Block::Procedure(_) => {}
        Block::Choices { items, .. } | Block::List { items, .. } => {
            for item in items {
                item.blocks.iter().for_each(|b| block_identifiers(b, out));
            }
        }
        Block::Note(n) => n.blocks.iter().for_each(|b| block_identifiers(b, out)),
        Block::Result { content, .. } | Block::Quote { blocks: content, .. } => {
            content.iter().for_each(|b| block_identifiers(b, out))
        }
        Block::Table(t) => {
            for cell in t.header.iter().chain(t.rows.iter().flat_map(|r| r.cells[r.inherited as usize..].iter())) {
                cell.blocks.iter().for_each(|b| block_identifiers(b, out));
            }
        }
        Block::Code(c) => out.push(Identifier { kind: IdentifierKind::Code, value: c.key.clone() }),
        Block::Heading { heading, .. } => inline_identifiers(&heading.content, out),
        Block::Html { .. } | Block::Rule { .. } => {}
    }
}

fn inline_identifiers(inlines: &[Inline], out: &mut Vec<Identifier>) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => keys::text_identifiers(text, out),
            Inline::Code { code } => {
                let before = out.len();
                keys::text_identifiers(code, out);
                if out.len() == before {
                    out.push(Identifier { kind: IdentifierKind::Code, value: code.trim().to_string() });
                }
            }
            Inline::Strong { content } | Inline::Emphasis { content } | Inline::Strikethrough { content } => {
                inline_identifiers(content, out)
            }
            Inline::Link { key, content, .. } => {
                // A path into the doc tree is translated; its `#fragment` is not.
                if key.kind == LinkKind::Path
                    && let Some((_, frag)) = key.value.split_once('#')
                    && !frag.is_empty()
                {
                    out.push(Identifier { kind: IdentifierKind::Link, value: format!("fragment:{frag}") });
                }
                if matches!(key.kind, LinkKind::Url | LinkKind::DocId | LinkKind::Fragment | LinkKind::Mailto) {
                    let kind = match key.kind {
                        LinkKind::Url => "url",
                        LinkKind::DocId => "doc",
                        LinkKind::Fragment => "fragment",
                        _ => "mailto",
                    };
                    out.push(Identifier { kind: IdentifierKind::Link, value: format!("{kind}:{}", key.value) });
                }
                inline_identifiers(content, out)
            }
            Inline::Image { key, .. } => out.push(Identifier { kind: IdentifierKind::Image, value: key.clone() }),
            Inline::Html { .. } | Inline::SoftBreak | Inline::HardBreak => {}
        }
    }
}
