//! The one walk over the model: every stage that visits blocks, steps, cells or inlines at
//! every depth goes through these functions, so they agree on what is inside what.
//!
//! The containment rules, in document order:
//! - a procedure holds its steps; a step holds its command (inlines) and its body (blocks);
//! - lists and choices hold their items' blocks; notes, results and quotes hold blocks;
//! - a table holds its header cells, then each row's own cells (the placeholders a merged
//!   cell leaves in the rows below it are empty, and are skipped); a cell holds blocks;
//! - strong, emphasis, strikethrough and links hold inlines.
//!
//! The visitor says whether to go inside a node ([`Flow::Descend`]) or not ([`Flow::Skip`]),
//! which is how "a step's own content, not its sub-steps" is written. Recursion is safe:
//! the parser bounds nesting (`parse::MAX_DEPTH`).

use crate::model::{Block, Cell, Guide, Inline, Step};

/// Whether the walk goes inside the node just visited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Descend,
    Skip,
}

/// A node of the model as the walk meets it. Steps and cells are not blocks, but hold them.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    Block(&'a Block),
    Step(&'a Step),
    Cell(&'a Cell),
}

/// A node met by the mutable walk.
#[derive(Debug)]
pub enum NodeMut<'a> {
    Block(&'a mut Block),
    Step(&'a mut Step),
    Cell(&'a mut Cell),
}

/// Visit every node below `blocks`, in document order.
pub fn nodes<'a>(blocks: &'a [Block], f: &mut dyn FnMut(Node<'a>) -> Flow) {
    for block in blocks {
        if f(Node::Block(block)) == Flow::Skip {
            continue;
        }
        match block {
            Block::Procedure(p) => {
                for step in &p.steps {
                    if f(Node::Step(step)) == Flow::Descend {
                        nodes(&step.body, f);
                    }
                }
            }
            Block::Choices { items, .. } | Block::List { items, .. } => items.iter().for_each(|i| nodes(&i.blocks, f)),
            Block::Note(n) => nodes(&n.blocks, f),
            Block::Result { content, .. } | Block::Quote { blocks: content, .. } => nodes(content, f),
            Block::Table(t) => {
                let own = t.rows.iter().flat_map(|r| r.cells.iter().skip(r.inherited as usize));
                for cell in t.header.iter().chain(own) {
                    if f(Node::Cell(cell)) == Flow::Descend {
                        nodes(&cell.blocks, f);
                    }
                }
            }
            Block::Paragraph { .. }
            | Block::Heading { .. }
            | Block::Code(_)
            | Block::Html { .. }
            | Block::Rule { .. } => {}
        }
    }
}

/// Visit every node below `blocks` mutably, in document order.
pub fn nodes_mut(blocks: &mut [Block], f: &mut dyn FnMut(NodeMut<'_>) -> Flow) {
    for block in blocks {
        if f(NodeMut::Block(block)) == Flow::Skip {
            continue;
        }
        match block {
            Block::Procedure(p) => {
                for step in &mut p.steps {
                    if f(NodeMut::Step(step)) == Flow::Descend {
                        nodes_mut(&mut step.body, f);
                    }
                }
            }
            Block::Choices { items, .. } | Block::List { items, .. } => {
                items.iter_mut().for_each(|i| nodes_mut(&mut i.blocks, f))
            }
            Block::Note(n) => nodes_mut(&mut n.blocks, f),
            Block::Result { content, .. } | Block::Quote { blocks: content, .. } => nodes_mut(content, f),
            Block::Table(t) => {
                let own = t.rows.iter_mut().flat_map(|r| {
                    let skip = r.inherited as usize;
                    r.cells.iter_mut().skip(skip)
                });
                for cell in t.header.iter_mut().chain(own) {
                    if f(NodeMut::Cell(cell)) == Flow::Descend {
                        nodes_mut(&mut cell.blocks, f);
                    }
                }
            }
            Block::Paragraph { .. }
            | Block::Heading { .. }
            | Block::Code(_)
            | Block::Html { .. }
            | Block::Rule { .. } => {}
        }
    }
}

/// Every block at every depth (step bodies and table cells included), in document order.
pub fn blocks<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Block)) {
    nodes(blocks, &mut |n| {
        if let Node::Block(b) = n {
            f(b)
        }
        Flow::Descend
    });
}

/// Every block of every section of a guide, at every depth, in document order.
pub fn guide_blocks<'a>(guide: &'a Guide, f: &mut dyn FnMut(&'a Block)) {
    for section in &guide.sections {
        blocks(&section.blocks, f);
    }
}

/// Every step at every depth (sub-steps, and steps inside notes, lists and table cells), in
/// document order.
pub fn steps<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Step)) {
    nodes(blocks, &mut |n| {
        if let Node::Step(s) = n {
            f(s)
        }
        Flow::Descend
    });
}

/// Every step at every depth, mutably, in document order.
pub fn steps_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Step)) {
    nodes_mut(blocks, &mut |n| {
        if let NodeMut::Step(s) = n {
            f(s)
        }
        Flow::Descend
    });
}

/// The blocks of a step's own content: its body at every depth, its sub-steps and what
/// they hold left out (they have content of their own).
pub fn own_blocks<'a>(step: &'a Step, f: &mut dyn FnMut(&'a Block)) {
    nodes(&step.body, &mut |n| match n {
        Node::Block(b) => {
            f(b);
            Flow::Descend
        }
        Node::Step(_) => Flow::Skip,
        Node::Cell(_) => Flow::Descend,
    });
}

/// The inlines a block holds directly: a paragraph's content, a heading's.
pub fn block_inlines(block: &Block) -> &[Inline] {
    match block {
        Block::Paragraph { content, .. } => content,
        Block::Heading { heading, .. } => &heading.content,
        _ => &[],
    }
}

/// Every inline of `content` and of the inlines nested in it, in document order.
pub fn inlines<'a>(content: &'a [Inline], f: &mut dyn FnMut(&'a Inline)) {
    for inline in content {
        f(inline);
        if let Some(inner) = inline_children(inline) {
            inlines(inner, f);
        }
    }
}

/// Every inline of `content` and of the inlines nested in it, mutably.
pub fn inlines_mut(content: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
    for inline in content {
        f(inline);
        match inline {
            Inline::Strong { content }
            | Inline::Emphasis { content }
            | Inline::Strikethrough { content }
            | Inline::Link { content, .. } => inlines_mut(content, f),
            _ => {}
        }
    }
}

fn inline_children(inline: &Inline) -> Option<&[Inline]> {
    match inline {
        Inline::Strong { content }
        | Inline::Emphasis { content }
        | Inline::Strikethrough { content }
        | Inline::Link { content, .. } => Some(content),
        _ => None,
    }
}

/// Every inline at every depth below `blocks`, mutably: paragraphs, headings, step
/// commands, table cells, and the inlines nested in links and emphasis.
pub fn all_inlines_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Inline)) {
    nodes_mut(blocks, &mut |n| {
        match n {
            NodeMut::Block(Block::Paragraph { content, .. }) => inlines_mut(content, f),
            NodeMut::Block(Block::Heading { heading, .. }) => inlines_mut(&mut heading.content, f),
            NodeMut::Step(step) => inlines_mut(&mut step.command, f),
            _ => {}
        }
        Flow::Descend
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Guide, Inline};

    fn guide(md: &str) -> Guide {
        crate::parse::parse_guide(&crate::source::Source::new("t.md", md), "en-US").0
    }

    const PAGE: &str = "# T {#t .task}\n\n1. One [a](https://a.example/)\n\n    > **Note:** inside\n\n    1. Sub\n\n        More of the sub-step.\n\n2. Two\n\n|Role|Purpose|\n|----|-------|\n|AliyunEMRDefaultRole|**x** [c](https://c.example/)|\n";

    #[test]
    fn steps_are_met_in_document_order_at_every_depth() {
        let g = guide(PAGE);
        let mut seen = Vec::new();
        for s in &g.sections {
            steps(&s.blocks, &mut |st| seen.push(st.id.to_string()));
        }
        let listed: Vec<String> = g.steps().iter().map(|s| s.id.to_string()).collect();
        assert_eq!(seen, listed);
        assert_eq!(seen.len(), 3, "{seen:?}");
    }

    #[test]
    fn own_blocks_leave_sub_steps_out() {
        let g = guide(PAGE);
        let first = g.steps()[0];
        let mut kinds = Vec::new();
        own_blocks(first, &mut |b| kinds.push(std::mem::discriminant(b)));
        let mut all = Vec::new();
        blocks(&first.body, &mut |b| all.push(std::mem::discriminant(b)));
        assert!(kinds.len() < all.len(), "the sub-step's blocks are not the step's own");
        let mut notes = 0;
        own_blocks(first, &mut |b| notes += matches!(b, Block::Note(_)) as usize);
        assert_eq!(notes, 1, "the note inside the step's quote is its own");
    }

    #[test]
    fn the_mutable_walk_meets_what_the_walk_meets() {
        let mut g = guide(PAGE);
        let mut read = Vec::new();
        for s in &g.sections {
            nodes(&s.blocks, &mut |n| {
                if let Node::Block(b) = n {
                    inlines(block_inlines(b), &mut |i| {
                        if let Inline::Link { dest, .. } = i {
                            read.push(dest.clone())
                        }
                    })
                }
                if let Node::Step(s) = n {
                    inlines(&s.command, &mut |i| {
                        if let Inline::Link { dest, .. } = i {
                            read.push(dest.clone())
                        }
                    })
                }
                Flow::Descend
            });
        }
        let mut written = Vec::new();
        for s in &mut g.sections {
            all_inlines_mut(&mut s.blocks, &mut |i| {
                if let Inline::Link { dest, .. } = i {
                    written.push(dest.clone())
                }
            });
        }
        assert_eq!(read, written);
        assert_eq!(read, ["https://a.example/", "https://c.example/"]);
    }
}
