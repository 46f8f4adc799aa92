//! pulldown-cmark events → generic blocks, with the dialect's callouts recognised.
//!
//! The walk is iterative: open containers live on explicit stacks, so nesting depth
//! never touches the call stack. Containers deeper than [`MAX_DEPTH`] are flattened
//! into their nearest kept ancestor.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Parser, Tag, TagEnd};

use super::lexicon;
use super::tables::{self, TableRegion};
use super::{Ctx, Fragment, MAX_DEPTH};
use crate::diag::Diagnostic;
use crate::keys;
use crate::model::{
    Block, Cell, CodeBlock, ColumnKind, Heading, Inline, ListItem, Note, RoleRecord, Row, Span, Table, collapse_ws,
    plain_text,
};

pub(crate) fn parse_blocks(ctx: &mut Ctx, frag: &Fragment, depth: usize) -> Vec<Block> {
    let regions = tables::find_tables(&frag.text);
    let masked = quote_spaced_links(&normalize_markers(&tables::mask(&frag.text, &regions)));
    let masked_starts = super::line_starts(&masked);
    let mut walker = Walker {
        ctx,
        frag,
        regions: &regions,
        masked_starts: &masked_starts,
        depth,
        frames: Vec::new(),
        containers: vec![Container { kind: ContainerKind::Root, blocks: Vec::new(), start: 0 }],
        inlines: Vec::new(),
    };
    for (event, range) in Parser::new_ext(&masked, super::markdown_options()).into_offset_iter() {
        walker.event(event, range);
    }
    walker.close_implicit();
    let root = walker.containers.swap_remove(0);
    attach_labels(root.blocks)
}

enum Frame {
    /// Beyond the depth limit: the matching end event is ignored.
    Flattened,
    Container,
    Inline,
    Code {
        info: Option<String>,
        text: String,
        start: usize,
    },
    Html {
        text: String,
        start: usize,
    },
}

enum ContainerKind {
    Root,
    Item,
    Quote,
    List { ordered: bool, start_num: Option<u64>, items: Vec<ListItem> },
}

struct Container {
    kind: ContainerKind,
    blocks: Vec<Block>,
    start: usize,
}

enum InlineKind {
    Paragraph {
        implicit: bool,
    },
    Heading {
        level: u8,
        id: Option<String>,
        classes: Vec<String>,
    },
    Strong,
    Emphasis,
    Strikethrough,
    Link {
        dest: String,
        title: String,
    },
    Image {
        src: String,
        title: String,
    },
    /// Superscript and the like: content is spliced into the parent.
    Transparent,
}

struct InlineFrame {
    kind: InlineKind,
    content: Vec<Inline>,
    start: usize,
    end: usize,
}

struct Walker<'c, 'a, 'f> {
    ctx: &'c mut Ctx<'a>,
    frag: &'f Fragment,
    regions: &'f [TableRegion],
    masked_starts: &'f [usize],
    depth: usize,
    frames: Vec<Frame>,
    containers: Vec<Container>,
    inlines: Vec<InlineFrame>,
}

impl Walker<'_, '_, '_> {
    fn span(&self, range: Range<usize>) -> Span {
        let a = super::map_offset(self.masked_starts, self.frag.source_starts(), range.start);
        let b = super::map_offset(self.masked_starts, self.frag.source_starts(), range.end);
        self.ctx.source.span(a..b.max(a))
    }

    /// The source span of a range of the unmasked fragment text (tables).
    fn frag_span(&self, range: Range<usize>) -> Span {
        let a = self.frag.to_source(range.start);
        let b = self.frag.to_source(range.end);
        self.ctx.source.span(a..b.max(a))
    }

    fn block_depth(&self) -> usize {
        self.depth + self.containers.len()
    }

    fn push_block(&mut self, block: Block) {
        let top = self.containers.last_mut().expect("root container is never popped");
        match &mut top.kind {
            ContainerKind::List { items, .. } => {
                // Only items sit in a list; anything else becomes an item of its own.
                let span = block_span(&block);
                items.push(ListItem { blocks: vec![block], span });
            }
            _ => top.blocks.push(block),
        }
    }

    fn close_implicit(&mut self) {
        if let Some(InlineFrame { kind: InlineKind::Paragraph { implicit: true }, .. }) = self.inlines.last() {
            let frame = self.inlines.pop().expect("checked above");
            self.finish_paragraph(frame);
        }
    }

    fn ensure_inline(&mut self, at: usize) {
        if self.inlines.is_empty() {
            self.inlines.push(InlineFrame {
                kind: InlineKind::Paragraph { implicit: true },
                content: Vec::new(),
                start: at,
                end: at,
            });
        }
    }

    fn push_inline(&mut self, inline: Inline, range: &Range<usize>) {
        self.ensure_inline(range.start);
        let top = self.inlines.last_mut().expect("ensured above");
        top.end = top.end.max(range.end);
        if let (Inline::Text { text }, Some(Inline::Text { text: prev })) = (&inline, top.content.last_mut()) {
            prev.push_str(text);
            return;
        }
        top.content.push(inline);
    }

    fn event(&mut self, event: Event, range: Range<usize>) {
        if let Some(Frame::Code { text, .. } | Frame::Html { text, .. }) = self.frames.last_mut() {
            match &event {
                Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                    text.push_str(t);
                    return;
                }
                Event::End(_) => {}
                _ => return,
            }
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(t) => {
                // U+00A0 reads as a space; zero-width characters do not read at all.
                let text: String = t
                    .chars()
                    .filter(|c| !matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}'))
                    .map(|c| if c == '\u{a0}' { ' ' } else { c })
                    .collect();
                self.push_inline(Inline::Text { text }, &range)
            }
            Event::Code(c) => self.push_inline(Inline::Code { code: c.to_string() }, &range),
            Event::SoftBreak => self.push_inline(Inline::SoftBreak, &range),
            Event::HardBreak => self.push_inline(Inline::HardBreak, &range),
            Event::InlineHtml(h) | Event::Html(h) => {
                let h = h.to_string();
                if h.starts_with("<!--") {
                    return;
                }
                let inline = if is_known_tag(&h) { Inline::Html { html: h } } else { Inline::Text { text: h } };
                self.push_inline(inline, &range)
            }
            Event::Rule => {
                self.close_implicit();
                let span = self.span(range);
                self.push_block(Block::Rule { span })
            }
            Event::FootnoteReference(r) => self.push_inline(Inline::Text { text: format!("[^{r}]") }, &range),
            Event::TaskListMarker(done) => {
                self.push_inline(Inline::Text { text: if done { "[x] " } else { "[ ] " }.into() }, &range)
            }
            Event::InlineMath(m) | Event::DisplayMath(m) => {
                self.push_inline(Inline::Code { code: m.to_string() }, &range)
            }
        }
    }

    fn start(&mut self, tag: Tag, range: Range<usize>) {
        let is_inline = matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript
        );
        if is_inline {
            self.ensure_inline(range.start);
            if self.inlines.len() > MAX_DEPTH {
                self.ctx.flattened = true;
                self.frames.push(Frame::Flattened);
                return;
            }
            let kind = match tag {
                Tag::Strong => InlineKind::Strong,
                Tag::Emphasis => InlineKind::Emphasis,
                Tag::Strikethrough => InlineKind::Strikethrough,
                Tag::Link { link_type, dest_url, title, .. } => {
                    let dest = if link_type == LinkType::Email && !dest_url.starts_with("mailto:") {
                        format!("mailto:{dest_url}")
                    } else {
                        dest_url.to_string()
                    };
                    InlineKind::Link { dest, title: title.to_string() }
                }
                Tag::Image { dest_url, title, .. } => {
                    InlineKind::Image { src: dest_url.to_string(), title: title.to_string() }
                }
                _ => InlineKind::Transparent,
            };
            self.inlines.push(InlineFrame { kind, content: Vec::new(), start: range.start, end: range.end });
            self.frames.push(Frame::Inline);
            return;
        }
        self.close_implicit();
        match tag {
            Tag::Paragraph => {
                self.inlines.push(InlineFrame {
                    kind: InlineKind::Paragraph { implicit: false },
                    content: Vec::new(),
                    start: range.start,
                    end: range.end,
                });
                self.frames.push(Frame::Inline);
            }
            Tag::Heading { level, id, classes, .. } => {
                self.inlines.push(InlineFrame {
                    kind: InlineKind::Heading {
                        level: level as u8,
                        id: id.map(|s| s.to_string()),
                        classes: classes.iter().map(|c| c.to_string()).collect(),
                    },
                    content: Vec::new(),
                    start: range.start,
                    end: range.end,
                });
                self.frames.push(Frame::Inline);
            }
            Tag::CodeBlock(kind) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) if !info.trim().is_empty() => Some(info.to_string()),
                    _ => None,
                };
                self.frames.push(Frame::Code { info, text: String::new(), start: range.start });
            }
            Tag::HtmlBlock => self.frames.push(Frame::Html { text: String::new(), start: range.start }),
            // An item of a flattened list is flattened with it.
            Tag::Item if matches!(self.frames.last(), Some(Frame::Flattened)) => self.frames.push(Frame::Flattened),
            Tag::List(_) | Tag::BlockQuote(_) if self.block_depth() >= MAX_DEPTH => {
                self.ctx.flattened = true;
                self.frames.push(Frame::Flattened);
            }
            Tag::List(start_num) => {
                self.containers.push(Container {
                    kind: ContainerKind::List { ordered: start_num.is_some(), start_num, items: Vec::new() },
                    blocks: Vec::new(),
                    start: range.start,
                });
                self.frames.push(Frame::Container);
            }
            Tag::Item => {
                self.containers.push(Container { kind: ContainerKind::Item, blocks: Vec::new(), start: range.start });
                self.frames.push(Frame::Container);
            }
            Tag::BlockQuote(_) => {
                self.containers.push(Container { kind: ContainerKind::Quote, blocks: Vec::new(), start: range.start });
                self.frames.push(Frame::Container);
            }
            // Extensions that are off: treat as transparent containers.
            _ => self.frames.push(Frame::Flattened),
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        if !matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Paragraph
                | TagEnd::Heading(_)
        ) {
            self.close_implicit();
        }
        let Some(frame) = self.frames.pop() else {
            return;
        };
        match frame {
            Frame::Flattened => {}
            Frame::Inline => self.end_inline(range),
            Frame::Code { info, text, start } => {
                let (lang, attr_id) = parse_fence_info(info.as_deref());
                let key = keys::code_key(&text);
                let span = self.span(start..range.end);
                self.push_block(Block::Code(CodeBlock { lang, attr_id, code: text, key, span }));
            }
            Frame::Html { text, start } => self.end_html(text, start..range.end),
            Frame::Container => self.end_container(range),
        }
    }

    fn end_inline(&mut self, range: Range<usize>) {
        let Some(mut frame) = self.inlines.pop() else {
            return;
        };
        frame.end = frame.end.max(range.end);
        let inline = match frame.kind {
            InlineKind::Paragraph { .. } => return self.finish_paragraph(frame),
            InlineKind::Heading { level, id, classes } => {
                let span = self.span(frame.start..frame.end);
                let text = plain_text(&frame.content);
                let heading = Heading { content: frame.content, text, anchor: id, classes };
                self.push_block(Block::Heading { level, heading, span });
                return;
            }
            InlineKind::Strong => Inline::Strong { content: frame.content },
            InlineKind::Emphasis => Inline::Emphasis { content: frame.content },
            InlineKind::Strikethrough => Inline::Strikethrough { content: frame.content },
            InlineKind::Link { dest, title } => Inline::Link {
                key: keys::link_key(&dest),
                dest,
                title,
                content: frame.content,
                span: self.span(frame.start..frame.end),
            },
            InlineKind::Image { src, title } => Inline::Image {
                key: keys::image_key(&src),
                alt: plain_text(&frame.content),
                src,
                title,
                span: self.span(frame.start..frame.end),
            },
            InlineKind::Transparent => {
                for inline in frame.content {
                    self.push_inline(inline, &range);
                }
                return;
            }
        };
        self.push_inline(inline, &(frame.start..frame.end));
    }

    fn finish_paragraph(&mut self, frame: InlineFrame) {
        let span = self.span(frame.start..frame.end);
        let Some((before, label, rest)) = split_label(&frame.content) else {
            if !frame.content.is_empty() {
                self.push_block(Block::Paragraph { content: frame.content, span });
            }
            return;
        };
        if !before.is_empty() {
            self.push_block(Block::Paragraph { content: before, span });
        }
        let content = if rest.is_empty() { Vec::new() } else { vec![Block::Paragraph { content: rest, span }] };
        self.push_block(match lexicon::note_kind(&label) {
            Some(kind) => Block::Note(Note { kind, label, blocks: content, span }),
            None => Block::Result { label, content, span },
        });
    }

    fn end_container(&mut self, range: Range<usize>) {
        if self.containers.len() <= 1 {
            return;
        }
        let Some(c) = self.containers.pop() else {
            return;
        };
        let span = self.span(c.start..range.end);
        match c.kind {
            ContainerKind::Root => {}
            ContainerKind::Item => {
                let item = ListItem { blocks: attach_labels(c.blocks), span };
                match self.containers.last_mut().map(|c| &mut c.kind) {
                    Some(ContainerKind::List { items, .. }) => items.push(item),
                    _ => self.push_block(Block::List {
                        ordered: false,
                        start: None,
                        contents: false,
                        items: vec![item],
                        span,
                    }),
                }
            }
            ContainerKind::Quote => self.push_block(Block::Quote { blocks: attach_labels(c.blocks), span }),
            ContainerKind::List { ordered, start_num, items } => {
                let contents = is_contents_list(&items);
                self.push_block(Block::List { ordered, start: start_num.filter(|_| ordered), contents, items, span })
            }
        }
    }

    fn end_html(&mut self, text: String, range: Range<usize>) {
        let span = self.span(range.clone());
        if let Some(index) = tables::placeholder_index(&text) {
            if let Some(region) = self.regions.get(index) {
                let table = self.table(region);
                self.push_block(Block::Table(table));
            }
            return;
        }
        let trimmed = text.trim();
        if trimmed.is_empty() || (trimmed.starts_with("<!--") && trimmed.ends_with("-->")) {
            return;
        }
        if is_known_tag(trimmed) {
            self.push_block(Block::Html { html: text, span });
            return;
        }
        // `<YourBucket>` alone on a line is text to a reader, not an HTML element.
        if self.block_depth() >= MAX_DEPTH {
            self.push_block(Block::Paragraph { content: vec![Inline::Text { text: collapse_ws(&text) }], span });
            return;
        }
        let start = super::map_offset(self.masked_starts, self.frag.source_starts(), range.start);
        let escaped = escape_unknown_tags(&text);
        let sub = Fragment::from_text(escaped, start, self.ctx.source);
        let depth = self.block_depth();
        for block in parse_blocks(self.ctx, &sub, depth) {
            self.push_block(block);
        }
    }

    fn table(&mut self, region: &TableRegion) -> Table {
        let span = self.frag_span(region.range.clone());
        if let Some(at) = region.unterminated {
            let span = self.frag_span(at..at);
            let file = self.ctx.source.path.clone();
            self.ctx.diags.push(Diagnostic::warning(
                "parse::unterminated-row",
                &file,
                span,
                "table row does not end with `|`; it was closed at the end of the table",
            ));
        }
        let header: Vec<Cell> = region.header.iter().map(|r| self.cell(r.clone(), region.indent)).collect();
        let columns: Vec<ColumnKind> = header.iter().map(|c| lexicon::column_kind(&c.text)).collect();
        let mut rows: Vec<Row> = Vec::new();
        for raw in &region.rows {
            let mut cells: Vec<Cell> = raw.cells.iter().map(|r| self.cell(r.clone(), region.indent)).collect();
            let mut inherited = 0;
            if cells.len() < header.len()
                && let Some(prev) = rows.last()
            {
                // Placeholders, not copies: the content stays in the row that has it.
                let missing = header.len() - cells.len();
                let mut filled: Vec<Cell> = prev
                    .cells
                    .iter()
                    .take(missing)
                    .map(|c| Cell { blocks: Vec::new(), text: String::new(), span: c.span })
                    .collect();
                inherited = filled.len() as u32;
                filled.append(&mut cells);
                cells = filled;
            }
            rows.push(Row { cells, inherited, span: self.frag_span(raw.range.clone()) });
        }
        let records = role_records(&columns, &rows);
        Table { header, rows, columns, records, span }
    }

    fn cell(&mut self, range: Range<usize>, indent: usize) -> Cell {
        let span = self.frag_span(range.clone());
        let sub = self.frag.sub(range, indent);
        let blocks = if self.block_depth() >= MAX_DEPTH {
            self.ctx.flattened = true;
            vec![Block::Paragraph { content: vec![Inline::Text { text: collapse_ws(&sub.text) }], span }]
        } else {
            let depth = self.block_depth();
            parse_blocks(self.ctx, &sub, depth)
        };
        let text = cell_text(&blocks);
        Cell { blocks, text, span }
    }
}

impl Fragment {
    /// A fragment whose first line starts at `source_offset`, following the source's lines.
    fn from_text(text: String, source_offset: usize, source: &crate::source::Source) -> Fragment {
        let line_starts = super::line_starts(&text);
        let (first_line, _) = source.line_col(source_offset);
        let mut source_starts = vec![source_offset];
        for i in 1..line_starts.len() {
            source_starts.push(source.line_start(first_line as usize - 1 + i));
        }
        Fragment::from_parts(text, line_starts, source_starts)
    }
}

fn block_span(block: &Block) -> Span {
    match block {
        Block::Paragraph { span, .. }
        | Block::Choices { span, .. }
        | Block::List { span, .. }
        | Block::Result { span, .. }
        | Block::Quote { span, .. }
        | Block::Heading { span, .. }
        | Block::Html { span, .. }
        | Block::Rule { span } => *span,
        Block::Procedure(p) => p.span,
        Block::Note(n) => n.span,
        Block::Table(t) => t.span,
        Block::Code(c) => c.span,
    }
}

/// A bold callout or result label in a paragraph: `**Note:** …`, `**说明：**`,
/// `**Warning**: …`. Usually it opens the paragraph; where a DITA note was flattened
/// into a table cell it follows other text. Returns the text before the label, the
/// label (without colon) and the rest of the paragraph.
fn split_label(content: &[Inline]) -> Option<(Vec<Inline>, String, Vec<Inline>)> {
    content.iter().enumerate().find_map(|(i, inline)| {
        let Inline::Strong { content: bold } = inline else {
            return None;
        };
        let label = plain_text(bold);
        let (core, colon_inside) = lexicon::label_core(&label);
        if lexicon::note_kind(core).is_none() && !lexicon::is_result_label(core) {
            return None;
        }
        // Decide before copying anything: a paragraph of many bold words copies once.
        let (colon, skip, first) = strip_colon(&content[i + 1..], colon_inside);
        if !colon {
            return None;
        }
        let mut rest: Vec<Inline> = Vec::with_capacity(content.len() - i - 1 - skip);
        if let Some(text) = first {
            rest.push(Inline::Text { text });
            rest.extend_from_slice(&content[i + 2 + skip..]);
        } else {
            rest.extend_from_slice(&content[i + 1 + skip..]);
        }
        let mut before = content[..i].to_vec();
        while matches!(before.last(), Some(Inline::SoftBreak | Inline::HardBreak)) {
            before.pop();
        }
        if let Some(Inline::Text { text }) = before.last_mut() {
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
        }
        Some((before, core.to_string(), rest))
    })
}

/// The colon written after a bold label (unless it was inside the bold), and the space or
/// line break after it, at the start of `rest`: whether there was a colon at all, how many
/// leading inlines to drop, and the new text of the next one when only its start goes.
fn strip_colon(rest: &[Inline], mut colon: bool) -> (bool, usize, Option<String>) {
    for (skip, inline) in rest.iter().enumerate() {
        match inline {
            Inline::SoftBreak | Inline::HardBreak => {}
            Inline::Text { text } => {
                let t = text.trim_start();
                let t = match t.strip_prefix(':').or_else(|| t.strip_prefix('：')) {
                    Some(after) if !colon => {
                        colon = true;
                        after.trim_start()
                    }
                    _ => t,
                };
                if !t.is_empty() {
                    return (colon, skip, Some(t.to_string()));
                }
            }
            _ => return (colon, skip, None),
        }
    }
    (colon, rest.len(), None)
}

/// A label alone on its line owns the block that follows it (a list, usually).
fn attach_labels(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks {
        let absorbable = matches!(
            block,
            Block::Paragraph { .. }
                | Block::List { .. }
                | Block::Code(_)
                | Block::Table(_)
                | Block::Quote { .. }
                | Block::Html { .. }
        );
        if absorbable {
            let end = block_span(&block);
            match out.last_mut() {
                Some(Block::Note(Note { blocks, span, .. })) | Some(Block::Result { content: blocks, span, .. })
                    if blocks.is_empty() =>
                {
                    span.end_line = end.end_line;
                    span.end_column = end.end_column;
                    blocks.push(block);
                    continue;
                }
                _ => {}
            }
        }
        out.push(block);
    }
    out
}

fn is_contents_list(items: &[ListItem]) -> bool {
    !items.is_empty()
        && items.iter().all(|item| match item.blocks.as_slice() {
            [Block::Paragraph { content, .. }] => {
                let mut links =
                    content.iter().filter(|i| !matches!(i, Inline::Text { text } if text.trim().is_empty()));
                matches!(
                    (links.next(), links.next()),
                    (Some(Inline::Link { key, .. }), None) if key.kind == crate::model::LinkKind::Fragment
                )
            }
            _ => false,
        })
}

fn cell_text(blocks: &[Block]) -> String {
    let mut parts = Vec::new();
    for b in blocks {
        match b {
            Block::Paragraph { content, .. } => parts.push(plain_text(content)),
            Block::Code(c) => parts.push(collapse_ws(&c.code)),
            Block::Note(n) => {
                parts.push(format!("{}:", n.label));
                parts.push(cell_text(&n.blocks));
            }
            Block::List { items, .. } | Block::Choices { items, .. } => {
                for item in items {
                    parts.push(cell_text(&item.blocks));
                }
            }
            Block::Quote { blocks, .. } | Block::Result { content: blocks, .. } => parts.push(cell_text(blocks)),
            _ => {}
        }
    }
    collapse_ws(&parts.join(" "))
}

fn role_records(columns: &[ColumnKind], rows: &[Row]) -> Vec<RoleRecord> {
    let col = |kind| columns.iter().position(|c| *c == kind);
    let (role, policy) = (col(ColumnKind::Role), col(ColumnKind::Policy));
    if role.is_none() && policy.is_none() {
        return Vec::new();
    }
    let (purpose, condition) = (col(ColumnKind::Purpose), col(ColumnKind::Condition));
    let text = |row: &Row, c: Option<usize>| {
        c.and_then(|i| row.cells.get(i)).map(|cell| cell.text.clone()).filter(|t| !t.is_empty())
    };
    let name = |row: &Row, c: Option<usize>| {
        let t = text(row, c)?;
        // A type written before the name (`自定义策略AssumeRole-x`, `系统策略AdministratorAccess`:
        // the console's "custom policy" / "system policy" column run into the name) is
        // not part of it.
        let t = strip_cjk_prefix(&t).to_string();
        // One token is the name as written; in a longer cell, the first identifier.
        if !t.contains(char::is_whitespace) {
            return Some(t);
        }
        let mut ids = Vec::new();
        keys::text_identifiers(&t, &mut ids);
        Some(ids.into_iter().find(|i| i.kind == crate::model::IdentifierKind::Name).map_or(t, |i| i.value))
    };
    let mut records: Vec<RoleRecord> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let inherited = row.inherited as usize;
        // A merged cell's value comes from the record above (whose own value may itself be
        // inherited), and only when short: a long text is not copied into every row.
        let field = |c: Option<usize>,
                     own: &dyn Fn(&Row, Option<usize>) -> Option<String>,
                     pick: fn(&RoleRecord) -> &Option<String>| match c {
            Some(c) if c < inherited => {
                records.last().and_then(|r| pick(r).clone()).filter(|v| v.len() <= INHERITED_VALUE_MAX)
            }
            _ => own(row, c),
        };
        let record = RoleRecord {
            role: field(role, &name, |r| &r.role),
            policy: field(policy, &name, |r| &r.policy),
            purpose: field(purpose, &text, |r| &r.purpose),
            condition: field(condition, &text, |r| &r.condition),
            row: i as u32,
        };
        records.push(record);
    }
    records
}

/// The ASCII name after a run of CJK characters at the start of a cell, or the cell.
fn strip_cjk_prefix(t: &str) -> &str {
    let rest = t
        .trim_start_matches(|c: char| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c));
    if rest.len() < t.len() && rest.starts_with(|c: char| c.is_ascii_alphanumeric()) { rest } else { t }
}

/// Longest value (in bytes) a record takes over from a merged cell above.
const INHERITED_VALUE_MAX: usize = 128;

/// `{#codeblock_x .language-json}`, `language-java`, `json`, `.lanuage-xml` (sic).
fn parse_fence_info(info: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(info) = info.map(str::trim) else {
        return (None, None);
    };
    let mut lang = None;
    let mut id = None;
    let inner = info.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
    let words: Vec<&str> = inner.unwrap_or(info).split_whitespace().collect();
    for word in words {
        if let Some(i) = word.strip_prefix('#') {
            id = Some(i.to_string());
            continue;
        }
        let w = word.strip_prefix('.').unwrap_or(word);
        let w = w.strip_prefix("language-").or_else(|| w.strip_prefix("lanuage-")).unwrap_or(w);
        if lang.is_none() && !w.is_empty() {
            lang = Some(w.to_ascii_lowercase());
        }
    }
    (lang, id)
}

const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "article",
    "aside",
    "audio",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "li",
    "link",
    "main",
    "mark",
    "meta",
    "nav",
    "noscript",
    "object",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "script",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// Whether raw HTML opens (or closes) a real HTML element rather than `<placeholder>` text.
fn is_known_tag(html: &str) -> bool {
    let t = html.trim_start();
    let Some(rest) = t.strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    if rest.starts_with('!') || rest.starts_with('?') {
        return true;
    }
    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    HTML_TAGS.contains(&name.as_str())
}

fn escape_unknown_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        if c == '<' && !is_known_tag(&text[i..]) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The dialect writes root-relative links with unencoded spaces
/// (`](/intl.en-US/User Guide/Create an instance.md)`), which CommonMark does not read
/// as links. Wrap such destinations in `<…>`, which it does. Columns after the link on
/// that line shift by two; lines do not move.
fn quote_spaced_links(text: &str) -> String {
    if !text.contains("](") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if in_fence || !line.contains("](") {
            out.push_str(line);
            continue;
        }
        let dests = Destinations::new(line);
        let mut done = 0;
        let mut from = 0;
        while let Some(i) = line[from..].find("](") {
            let start = from + i + 2;
            from = start;
            let Some(close) = dests.end(start) else { continue };
            if dests.needs_quotes(start, close) {
                out.push_str(&line[done..start]);
                out.push('<');
                out.push_str(&line[start..close]);
                out.push('>');
                done = close;
                from = close;
            }
        }
        out.push_str(&line[done..]);
    }
    out
}

/// What [`quote_spaced_links`] asks of the destinations of one line, answered in O(1)
/// each from tables built in one pass: however many `](` a line holds, the line is
/// scanned a fixed number of times.
struct Destinations<'a> {
    line: &'a str,
    /// For each byte offset, where a destination starting there ends: the first `)` that
    /// is not balanced by a `(` after the offset.
    close: Vec<Option<usize>>,
    /// Running counts (before each byte offset) of spaces, of the characters that rule
    /// quoting out (`<`, `>`, `"`, `'`), and of non-whitespace characters.
    spaces: Vec<u32>,
    forbidden: Vec<u32>,
    visible: Vec<u32>,
}

impl<'a> Destinations<'a> {
    fn new(line: &'a str) -> Destinations<'a> {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let n = line.len();
        let mut close = vec![None; n + 1];
        let mut open: Vec<usize> = Vec::new();
        for (i, c) in line.char_indices().rev() {
            match c {
                ')' => open.push(i),
                '(' => {
                    open.pop();
                }
                _ => {}
            }
            close[i] = open.last().copied();
        }
        let (mut spaces, mut forbidden, mut visible) = (vec![0; n + 1], vec![0; n + 1], vec![0; n + 1]);
        let mut counts = (0u32, 0u32, 0u32);
        let mut last = 0;
        for (i, c) in line.char_indices() {
            for j in last..=i {
                (spaces[j], forbidden[j], visible[j]) = counts;
            }
            last = i + 1;
            counts.0 += u32::from(c == ' ');
            counts.1 += u32::from(matches!(c, '<' | '>' | '"' | '\''));
            counts.2 += u32::from(!c.is_whitespace());
        }
        for j in last..=n {
            (spaces[j], forbidden[j], visible[j]) = counts;
        }
        Destinations { line, close, spaces, forbidden, visible }
    }

    /// Where a destination starting at `start` ends: the `)` that balances the opening one.
    fn end(&self, start: usize) -> Option<usize> {
        self.close.get(start).copied().flatten()
    }

    /// A destination with a space, not already in `<…>`, and free of quotes and brackets.
    fn needs_quotes(&self, start: usize, end: usize) -> bool {
        let count = |v: &[u32]| v[end] - v[start];
        count(&self.spaces) > 0
            && !self.line[start..].starts_with('<')
            && count(&self.forbidden) == 0
            && count(&self.visible) > 0
    }
}

/// The dialect nests lists by four spaces, but some pages write `1.   Step` (three
/// spaces after the marker). CommonMark then puts the item's content one column further
/// right, and a paragraph indented by the usual four spaces falls out of the item and
/// becomes code. A reader sees it inside the item, so such markers are rewritten to the
/// usual `1.  ` / `-   ` width. Columns on that line shift; lines do not move.
fn normalize_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        if body.starts_with("```") || body.starts_with("~~~") {
            in_fence = !in_fence;
        }
        let indent = line.len() - body.len();
        let marker_len = if body.starts_with(['-', '*', '+']) {
            1
        } else {
            let digits = body.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && digits <= 9 && body[digits..].starts_with(['.', ')']) { digits + 1 } else { 0 }
        };
        let spaces = body[marker_len..].bytes().take_while(|b| *b == b' ').count();
        let want = 4 - marker_len.min(3);
        let rest = &body[marker_len + spaces..];
        if in_fence || marker_len == 0 || spaces <= want || rest.is_empty() || rest.starts_with('\n') {
            out.push_str(line);
            continue;
        }
        out.push_str(&line[..indent + marker_len]);
        out.push_str(&" ".repeat(want));
        out.push_str(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaced_destinations_are_quoted_once_each() {
        let text = "[a](/x/A b.md) and [c](/y/(C d).md) and [e](<f g>) [h](i j \"t\") [k](l)\n";
        assert_eq!(
            quote_spaced_links(text),
            "[a](</x/A b.md>) and [c](</y/(C d).md>) and [e](<f g>) [h](i j \"t\") [k](l)\n"
        );
        // An unbalanced destination is left alone; a later one on the line still counts.
        assert_eq!(quote_spaced_links("](( x ](a b)\n"), "](( x ](<a b>)\n");
        assert_eq!(quote_spaced_links("](  )\n"), "](  )\n");
    }

    #[test]
    fn a_label_without_colon_is_no_label() {
        let bold = |t: &str| Inline::Strong { content: vec![Inline::Text { text: t.into() }] };
        let text = |t: &str| Inline::Text { text: t.into() };
        assert!(split_label(&[bold("Note"), text(" no colon")]).is_none());
        let (before, label, rest) =
            split_label(&[text("x "), bold("Note"), Inline::SoftBreak, text(": "), text("y")]).unwrap();
        assert_eq!((before, label.as_str(), rest), (vec![text("x")], "Note", vec![text("y")]));
    }
}
