//! The items of one guide a check can be about: its steps and the rows of its role tables,
//! in document order, each with its language-neutral id.

use crate::ids::{ItemId, RowId};
use crate::model::{Block, Guide, RoleRecord, Row, Step};
use crate::walk::{Flow, Node};

/// A step or a role-table row of one language.
#[derive(Clone, Copy)]
pub(super) enum Item<'a> {
    Step(&'a Step),
    Row { record: &'a RoleRecord, row: Option<&'a Row> },
}

/// Items of one guide in document order, keyed by their language-neutral id.
pub(super) fn items(guide: &Guide) -> Vec<(ItemId, Item<'_>)> {
    let mut out = Vec::new();
    for (si, section) in guide.sections.iter().enumerate() {
        let mut tables = 0;
        collect(&guide.id, si as u32, &section.blocks, &mut tables, &mut out);
    }
    out
}

fn collect<'a>(gid: &str, si: u32, blocks: &'a [Block], tables: &mut u32, out: &mut Vec<(ItemId, Item<'a>)>) {
    // The rows of a table are items; a table inside a cell is part of its row, not counted.
    crate::walk::nodes(blocks, &mut |node| match node {
        Node::Step(step) => {
            out.push((ItemId::Step(step.id.clone()), Item::Step(step)));
            Flow::Descend
        }
        Node::Block(Block::Table(t)) => {
            *tables += 1;
            for record in &t.records {
                let row =
                    RowId { guide: gid.to_string(), section: si, table: *tables, row: record.row.saturating_add(1) };
                out.push((ItemId::Row(row), Item::Row { record, row: t.rows.get(record.row as usize) }));
            }
            Flow::Skip
        }
        Node::Block(_) | Node::Cell(_) => Flow::Descend,
    });
}
