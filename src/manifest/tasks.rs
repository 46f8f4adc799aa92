//! A manifest as a Markdown task list in one language.

use super::quote::{code_span, display_argv};
use super::{CheckKind, Manifest};
use crate::ids::ItemId;

// ---------------------------------------------------------------------------------------
// Task list

/// The manifest as a Markdown task list in one language, for an issue or a pull request.
/// Sub-steps are indented under their step; automated checks show their command.
pub fn task_list(manifest: &Manifest, lang: &str) -> String {
    let mut out = format!("## {}\n\n", one_line_md(manifest.title.get(lang)));
    for check in &manifest.checks {
        let depth = match &check.item {
            Some(ItemId::Step(step)) => step.path.depth().saturating_sub(1),
            _ => 0,
        };
        let indent = "  ".repeat(depth);
        out.push_str(&format!("{indent}- [ ] {}", one_line_md(check.title.get(lang))));
        if check.kind == CheckKind::Automated {
            out.push_str(&format!(" ({})", code_span(&display_argv(&check.argv))));
        }
        out.push('\n');
    }
    out
}

fn one_line_md(text: &str) -> String {
    crate::model::collapse_ws(text)
}
