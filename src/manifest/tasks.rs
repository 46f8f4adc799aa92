//! A manifest as a Markdown task list in one language.

use super::quote::{code_span, display_argv};
use super::{CheckKind, Lang, LinkRef, Manifest, SectionRef};
use crate::ids::ItemId;

/// The manifest as a Markdown task list in one language, for an issue or a pull request.
/// The guide's sections are headings (one level below the guide's title), sub-steps are
/// indented under their step, the links of a step follow it, and automated checks show
/// their command.
pub fn task_list(manifest: &Manifest, lang: Lang) -> String {
    let mut out = format!(
        "## {}

",
        one_line_md(manifest.title.get(lang))
    );
    let mut section: Option<&SectionRef> = None;
    for check in &manifest.checks {
        if check.section.as_ref() != section {
            section = check.section.as_ref();
            if let Some(s) = section {
                let level = usize::from(s.level.clamp(2, 5)) + 1;
                if !out.ends_with("\n\n") {
                    out.push('\n');
                }
                out.push_str(&format!("{} {}\n\n", "#".repeat(level), one_line_md(s.title.get(lang))));
            }
        }
        let depth = match &check.item {
            Some(ItemId::Step(step)) => step.path.depth().saturating_sub(1),
            _ => 0,
        };
        let indent = "  ".repeat(depth);
        out.push_str(&format!("{indent}- [ ] {}", one_line_md(check.title.get(lang))));
        if check.kind == CheckKind::Automated {
            out.push_str(&format!(" ({})", code_span(&display_argv(&check.argv))));
        }
        let own = |l: &&LinkRef| Lang::of_locale(&l.lang) == lang;
        let links: Vec<String> = check
            .links
            .iter()
            .filter(own)
            .map(|l| format!("[{}](<{}>)", link_text(&l.text), l.target.replace(['<', '>', '\n'], "")))
            .collect();
        if !links.is_empty() {
            out.push_str(&format!(" — {}", links.join(", ")));
        }
        out.push('\n');
    }
    out
}

/// Link text: one line, brackets and backslashes escaped.
fn link_text(text: &str) -> String {
    let mut out = String::new();
    for c in one_line_md(text).chars() {
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn one_line_md(text: &str) -> String {
    crate::model::collapse_ws(text)
}
