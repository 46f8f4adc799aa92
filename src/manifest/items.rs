//! The items of one guide a check can be about: its steps and the rows of its role tables,
//! in document order, each with its language-neutral id.

use crate::ids::{ItemId, RowId};
use crate::model::{Block, Guide, RoleRecord, Row, Step};

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
