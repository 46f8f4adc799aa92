//! Markdown in, model out.
//!
//! Three passes: [`tables`] cuts the dialect's pipe tables out of the text by lines;
//! [`blocks`] walks pulldown-cmark's events into generic blocks (paragraphs, lists,
//! notes, tables, code); [`structure`] reads those blocks as a DITA task (sections,
//! procedures, steps, ids, identifiers).
//!
//! Architecture invariant: parsing never fails and never panics. Whatever the input,
//! it returns a [`Guide`] and diagnostics. Depth is bounded by [`MAX_DEPTH`] (deeper
//! nesting is flattened), so no later recursive pass can overflow the stack, and every
//! pass is linear in the input.

mod blocks;
pub mod lexicon;
mod structure;

pub use structure::path_id;
mod tables;

use crate::diag::Diagnostic;
use crate::model::Guide;
use crate::source::Source;

/// Deepest nesting of blocks (lists, quotes) or inlines (emphasis, links) the model keeps.
pub const MAX_DEPTH: usize = 32;

/// Parse one guide. `locale` is `en-US`, `zh-CN`, … or `und`.
pub fn parse_guide(source: &Source, locale: &str) -> (Guide, Vec<Diagnostic>) {
    let mut ctx = Ctx { source, diags: Vec::new(), flattened: false };
    let (text, front_matter) = split_front_matter(&source.text);
    let fragment = Fragment::whole(source, text);
    let blocks = blocks::parse_blocks(&mut ctx, &fragment, 0);
    let guide = structure::build_guide(&mut ctx, blocks, locale, front_matter);
    if ctx.flattened {
        let span = source.span(0..0);
        ctx.diags.push(Diagnostic::warning(
            "parse::too-deep",
            &source.path,
            span,
            format!("nesting deeper than {MAX_DEPTH} levels was flattened"),
        ));
    }
    (guide, ctx.diags)
}

/// The one place that sets the Markdown options. Tables are ours (see [`tables`]); no
/// extension with known blow-ups is on.
pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_STRIKETHROUGH
}

pub(crate) struct Ctx<'a> {
    pub source: &'a Source,
    pub diags: Vec<Diagnostic>,
    pub flattened: bool,
}

/// A piece of text to parse as Markdown, with the source offset of each of its lines:
/// the whole file, or the contents of one table cell.
pub(crate) struct Fragment {
    pub text: String,
    line_starts: Vec<usize>,
    source_starts: Vec<usize>,
}

impl Fragment {
    fn whole(source: &Source, text: String) -> Fragment {
        let line_starts = line_starts(&text);
        let source_starts = (0..line_starts.len()).map(|i| source.line_start(i)).collect();
        Fragment { text, line_starts, source_starts }
    }

    /// The lines of `range` of this fragment, dedented by up to `indent` spaces after
    /// the first line.
    pub fn sub(&self, range: std::ops::Range<usize>, indent: usize) -> Fragment {
        let mut text = String::new();
        let mut source_starts = Vec::new();
        let mut pos = range.start;
        let mut first = true;
        let mut fence = false;
        while pos <= range.end {
            let line_end = self.text[pos..range.end].find('\n').map_or(range.end, |i| pos + i);
            let mut start = pos;
            if first {
                // `|    -   item` opens a list in the cell, not indented code.
                start += self.text[pos..line_end].bytes().take_while(|b| *b == b' ' || *b == b'\t').count();
            } else {
                let spaces = self.text[pos..line_end].bytes().take(indent).take_while(|b| *b == b' ').count();
                start += spaces;
                text.push('\n');
            }
            first = false;
            let line = &self.text[start..line_end];
            if is_fence_line(line) {
                fence = !fence;
            }
            source_starts.push(self.to_source(start));
            match (!fence).then(|| flattened_list_start(line)).flatten() {
                // `Valid values:     -   on`: a list flattened into the cell after its text
                // starts on a line of its own, as the page shows it.
                Some(at) => {
                    text.push_str(line[..at].trim_end());
                    text.push('\n');
                    source_starts.push(self.to_source(start + at));
                    text.push_str(&line[at..]);
                }
                None => text.push_str(line),
            }
            pos = line_end + 1;
        }
        let line_starts = line_starts(&text);
        Fragment { text, line_starts, source_starts }
    }

    /// Map an offset in this fragment's text to an offset in the source.
    pub fn to_source(&self, offset: usize) -> usize {
        map_offset(&self.line_starts, &self.source_starts, offset)
    }

    pub fn source_starts(&self) -> &[usize] {
        &self.source_starts
    }
}

fn is_fence_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

/// Where a list marker starts that follows text on the same line after four or more spaces
/// (`…name.     -   To add…`, `…engine.     1.  Click…`): the shape a list takes when a
/// DITA cell is flattened into one table line. `None` when the line has no such marker.
fn flattened_list_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b' ' {
            i += 1;
            continue;
        }
        let run = i;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i - run < 4 || line[..run].trim().is_empty() || line[..run].contains('`') {
            continue;
        }
        let rest = &line[i..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let marker = if rest.starts_with("- ") || rest.starts_with("* ") {
            1
        } else if (1..=2).contains(&digits) && rest[digits..].starts_with(". ") {
            digits + 1
        } else {
            continue;
        };
        if rest[marker..].starts_with(' ') && !rest[marker..].trim().is_empty() {
            return Some(i);
        }
    }
    None
}

pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts
}

pub(crate) fn map_offset(line_starts: &[usize], source_starts: &[usize], offset: usize) -> usize {
    let line = match line_starts.binary_search(&offset) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let base = source_starts.get(line).copied().unwrap_or(0);
    base + offset.saturating_sub(line_starts.get(line).copied().unwrap_or(0))
}

/// Front matter (`---` … `---` at the very start) is blanked out, keeping its lines.
fn split_front_matter(text: &str) -> (String, Option<String>) {
    if !text.starts_with("---\n") {
        return (text.to_string(), None);
    }
    let body = &text[4..];
    let close = body.match_indices("\n---").find(|(i, _)| {
        let after = &body[i + 4..];
        after.is_empty() || after.starts_with('\n')
    });
    let Some((i, _)) = close else {
        return (text.to_string(), None);
    };
    let end = 4 + i + 4;
    let matter = body[..i].to_string();
    let blank: String = text[..end].chars().filter(|c| *c == '\n').collect();
    (blank + &text[end..], Some(matter))
}

impl Fragment {
    pub(crate) fn from_parts(text: String, line_starts: Vec<usize>, source_starts: Vec<usize>) -> Fragment {
        Fragment { text, line_starts, source_starts }
    }
}
