//! Which rule applies to an item, and with which values: the variable bindings of a step
//! rule (from the names of the step's command sentence) and of a table-row rule (from the
//! role record).

use crate::walk::{Flow, Node};
use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Block, IdentifierKind, Step};
use crate::rules::Rule;

/// At most this many checks from one rule on one step (names × names × …).
const MAX_BINDINGS: usize = 16;

/// The variable bindings under which a step rule applies to a step (one per check).
pub(super) fn step_bindings(rule: &Rule, steps: &[&Step]) -> Vec<BTreeMap<String, String>> {
    if let Some(re) = &rule.command
        && !steps.iter().any(|s| re.is_match(&s.command_text))
    {
        return Vec::new();
    }
    if let Some(re) = &rule.unless
        && steps.iter().any(|s| re.is_match(&s.command_text))
    {
        return Vec::new();
    }
    if let Some(re) = &rule.step_mentions {
        let mut mentioned = BTreeSet::new();
        for s in steps {
            step_mentions(s, &mut mentioned);
        }
        if !mentioned.iter().any(|n| re.is_match(n)) {
            return Vec::new();
        }
    }
    // Names in the command sentence of either language, sorted: language-neutral values.
    let mut tokens = Vec::new();
    for s in steps {
        crate::keys::text_identifiers(&s.command_text, &mut tokens);
    }
    let names: BTreeSet<String> =
        tokens.into_iter().filter(|i| i.kind == IdentifierKind::Name).map(|i| i.value).collect();
    let mut bindings = vec![BTreeMap::new()];
    for (var, re) in &rule.names {
        let values: Vec<&String> = names.iter().filter(|n| re.is_match(n)).collect();
        let mut next = Vec::new();
        for b in &bindings {
            for v in &values {
                let mut b: BTreeMap<String, String> = b.clone();
                b.insert(var.clone(), (*v).clone());
                next.push(b);
            }
        }
        next.truncate(MAX_BINDINGS);
        bindings = next;
    }
    bindings
}

/// Names a step mentions: its name identifiers, and the names in its code blocks (which the
/// model keeps only as a hash), not counting sub-steps.
fn step_mentions(step: &Step, out: &mut BTreeSet<String>) {
    out.extend(step.identifiers.iter().filter(|i| i.kind == IdentifierKind::Name).map(|i| i.value.clone()));
    let mut tokens = Vec::new();
    code_tokens(&step.body, &mut tokens);
    out.extend(tokens.into_iter().filter(|i| i.kind == IdentifierKind::Name).map(|i| i.value));
}

fn code_tokens(blocks: &[Block], out: &mut Vec<crate::model::Identifier>) {
    // Sub-steps are their own steps; a table's code belongs to its rows.
    crate::walk::nodes(blocks, &mut |node| match node {
        Node::Block(Block::Code(c)) => {
            crate::keys::text_identifiers(&c.code, out);
            Flow::Descend
        }
        Node::Block(Block::Procedure(_) | Block::Table(_)) => Flow::Skip,
        Node::Block(_) | Node::Cell(_) | Node::Step(_) => Flow::Descend,
    });
}
