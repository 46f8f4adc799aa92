//! Model → HTML fragments for the site. Text is escaped here; the chrome around steps,
//! notes, code and tables comes from the theme's `fragments/` templates, which escape
//! every value they get. Raw HTML from the model goes through an allow-list sanitizer
//! (ammonia) and link targets through [`safe_href`].
//!
//! Must never: emit a `<script>`, an event-handler attribute, a `style` attribute, or a
//! `javascript:`/`data:`/`vbscript:` link; load anything from another host (an image on
//! the web becomes a link to it).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Serialize;

use super::theme::{ThemeError, Ui};
use super::{CheckView, Theme};
use crate::ids::StepId;
use crate::model::{Block, Inline, ListItem, NoteKind, Span, Step, StepSync, SyncStatus, Table};

/// How links to other Markdown pages become hrefs on a page (see `links::resolve`).
pub trait PageLinks {
    /// `None`: not a link to a page (rendered as written); `Some(Some(href))`: the page's
    /// URL relative to this page; `Some(None)`: a page that does not exist (rendered as
    /// text; the implementor records the diagnostic).
    fn page_href(&self, dest: &str, span: Span) -> Option<Option<String>>;
}

pub use crate::render::escape_markup as esc;

/// A model id as an HTML id: ids may carry anything the writer typed in `{#…}`, but an
/// HTML id has no whitespace and is not empty. Both languages map an id the same way, so
/// anchors and saved progress still agree across them.
pub fn html_id(id: &str) -> String {
    id.chars().map(|c| if c.is_whitespace() || c.is_control() { '_' } else { c }).collect()
}

/// A link target that is safe to put in `href`: relative, `#fragment`, `http(s):` or
/// `mailto:`. Anything else with a scheme (`javascript:`, `data:`, `vbscript:`, `file:`,
/// obfuscated with case, whitespace or control characters) gives `None`.
pub fn safe_href(dest: &str) -> Option<String> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with("~~") {
        return None;
    }
    // Browsers drop tabs and newlines anywhere in a URL and ignore leading controls.
    let squeezed: String = dest.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let lower = squeezed.to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let path_start = lower.find(['/', '?', '#']);
    match scheme_end {
        Some(i) if path_start.is_none_or(|p| i < p) => {
            let scheme = &lower[..i];
            if matches!(scheme, "http" | "https" | "mailto") { Some(dest.to_string()) } else { None }
        }
        _ if lower.starts_with("//") => Some(format!("https:{dest}")),
        _ => Some(dest.to_string()),
    }
}

/// Image sources shown in place: only `data:image/…` rasters, which load nothing. Images
/// on the web and relative ones (the site does not copy the doc tree's images) become
/// links; anything else shows only its alt text.
fn inline_image_src(src: &str) -> Option<&str> {
    let lower = src.trim().to_ascii_lowercase();
    let raster = ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"];
    raster.iter().any(|p| lower.starts_with(p)).then(|| src.trim())
}

/// An address on the web (`https:`, `http:`, `//host`), as opposed to a file beside the page.
fn is_web(src: &str) -> bool {
    let lower = src.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("//")
}

/// A relative link to another guide (`assign-roles.md#x`) points at its page in the site.
fn md_to_html(href: &str) -> String {
    let relative = !href.contains(':') && !href.starts_with('/') && !href.starts_with('#');
    let end = href.find(['#', '?']).unwrap_or(href.len());
    match href[..end].strip_suffix(".md") {
        Some(stem) if relative => format!("{stem}.html{}", &href[end..]),
        _ => href.to_string(),
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Raw `<img>` is dropped: it would load from the web or from a path the site
        // does not have. Images written in Markdown are links instead (see `inlines`).
        b.url_schemes(["http", "https", "mailto"].into_iter().collect())
            .rm_tags(["img"])
            // `rel` on an `<a>` whose unsafe href was dropped is invalid HTML; raw HTML may
            // not set `target` anyway, so there is no window to protect.
            .link_rel(None)
            .add_allowed_classes("a", ["pf-image-link"])
            .add_allowed_classes("span", ["pf-text-link"]);
        b
    })
}

/// Raw HTML through the allow-list: no script, style, event handlers or unsafe URLs.
pub fn sanitize(html: &str) -> String {
    sanitizer().clean(html).to_string()
}

/// Inline content as HTML, with links to other pages resolved by `links` (left as
/// written without it). A run that holds raw HTML is sanitized as a whole, so tags
/// opened and closed in separate pieces (`<sup>`…`</sup>`) stay balanced.
pub fn inlines_with(content: &[Inline], ui: &Ui, links: Option<&dyn PageLinks>) -> String {
    let mut out = String::new();
    let mut raw = false;
    push_inlines(content, &Ctx { ui, links }, &mut out, &mut raw);
    if raw { sanitize(&out) } else { out }
}

struct Ctx<'a> {
    ui: &'a Ui,
    links: Option<&'a dyn PageLinks>,
}

fn push_inlines(content: &[Inline], cx: &Ctx, out: &mut String, raw: &mut bool) {
    let ui = cx.ui;
    for inline in content {
        match inline {
            Inline::Text { text } => out.push_str(&esc(text)),
            Inline::Code { code } => {
                out.push_str("<code>");
                out.push_str(&esc(code));
                out.push_str("</code>");
            }
            Inline::Strong { content } => wrap("strong", content, cx, out, raw),
            Inline::Emphasis { content } => wrap("em", content, cx, out, raw),
            Inline::Strikethrough { content } => wrap("del", content, cx, out, raw),
            Inline::Link { dest, title, content, span, .. } => match cx
                .links
                .and_then(|l| l.page_href(dest, *span))
                .unwrap_or_else(|| safe_href(dest).map(|h| md_to_html(&h)))
            {
                Some(href) => {
                    out.push_str("<a href=\"");
                    out.push_str(&esc(&href));
                    out.push('"');
                    if !title.is_empty() {
                        out.push_str(" title=\"");
                        out.push_str(&esc(title));
                        out.push('"');
                    }
                    out.push('>');
                    push_inlines(content, cx, out, raw);
                    out.push_str("</a>");
                }
                None => {
                    out.push_str("<span class=\"pf-text-link\">");
                    push_inlines(content, cx, out, raw);
                    out.push_str("</span>");
                }
            },
            Inline::Image { src, alt, title, .. } => {
                if let Some(src) = inline_image_src(src) {
                    out.push_str(&format!("<img src=\"{}\" alt=\"{}\"", esc(src), esc(alt)));
                    if !title.is_empty() {
                        out.push_str(&format!(" title=\"{}\"", esc(title)));
                    }
                    out.push('>');
                } else if let Some(href) = safe_href(src).filter(|_| is_web(src)) {
                    let text = if alt.is_empty() { ui.image_link.clone() } else { format!("{}: {alt}", ui.image_link) };
                    out.push_str(&format!("<a class=\"pf-image-link\" href=\"{}\">{}</a>", esc(&href), esc(&text)));
                } else if !alt.is_empty() && !src.trim().starts_with('#') {
                    // A file of the doc tree, which the site does not copy: its alt text.
                    out.push_str(&format!("<span class=\"pf-text-link\">{}: {}</span>", esc(&ui.image_link), esc(alt)));
                } else {
                    out.push_str(&esc(alt));
                }
            }
            Inline::Html { html } => {
                *raw = true;
                out.push_str(html);
            }
            Inline::SoftBreak => out.push('\n'),
            Inline::HardBreak => out.push_str("<br>\n"),
        }
    }
}

fn wrap(tag: &str, content: &[Inline], cx: &Ctx, out: &mut String, raw: &mut bool) {
    out.push_str(&format!("<{tag}>"));
    push_inlines(content, cx, out, raw);
    out.push_str(&format!("</{tag}>"));
}

/// How a step compares with its translation, as shown beside it.
#[derive(Debug, Clone, Serialize)]
pub struct SyncMark {
    /// `drift` or `unmatched`.
    pub status: &'static str,
    pub label: String,
    /// The counterpart step (or the other page) in the other language.
    pub href: Option<String>,
    pub link_text: String,
    /// What differs, in words (`finding_label` of each finding's code).
    pub findings: Vec<String>,
}

/// Stands for a fragment's body while its template renders (see [`PageRenderer::around`]).
const BODY_MARK: &str = "<!--preflight:body-->";

#[derive(Serialize)]
struct StepView<'a> {
    ui: &'a Ui,
    checklist: bool,
    id: String,
    number: u32,
    depth: usize,
    command_html: String,
    /// [`BODY_MARK`]: the body is written in its place (see [`PageRenderer::around`]).
    body_html: &'static str,
    checks: &'a [CheckView],
    sync: Option<SyncMark>,
    counterpart: Option<String>,
}

#[derive(Serialize)]
struct NoteView<'a> {
    ui: &'a Ui,
    kind: &'static str,
    label: &'a str,
    original: &'a str,
    /// [`BODY_MARK`], as in [`StepView`].
    body_html: &'static str,
}

#[derive(Serialize)]
struct CodeView<'a> {
    ui: &'a Ui,
    lang: Option<&'a str>,
    code: &'a str,
}

#[derive(Serialize)]
struct TableView<'a> {
    ui: &'a Ui,
    role_table: bool,
    header_html: Vec<String>,
    rows_html: Vec<Vec<String>>,
}

/// The other language of a page, for counterpart links.
#[derive(Debug, Clone)]
pub struct Other {
    pub name: String,
    /// The page of the counterpart guide, relative to this page; `None` when the guide
    /// has no counterpart (links then go to the "missing" page at the same path).
    pub page: String,
}

/// Renders the blocks of one guide page. Holds what the page needs across blocks: the
/// ids already used (an id is given once), the sync marks for the banner.
pub struct PageRenderer<'a> {
    pub theme: &'a Theme,
    pub ui: &'a Ui,
    pub other: Option<Other>,
    pub statuses: BTreeMap<StepId, StepSync>,
    pub checks: &'a BTreeMap<String, Vec<CheckView>>,
    pub ids: BTreeSet<String>,
    /// Every step on the page in document order: (html id, command text, mark).
    pub steps: Vec<(String, String, Option<&'static str>)>,
    /// Whether the page is a checklist (`Guide::is_checklist`): only then do steps get
    /// checkboxes and checks; otherwise procedures are plain ordered lists.
    pub checklist: bool,
    pub links: Option<&'a dyn PageLinks>,
}

const NO_CHECKS: &[CheckView] = &[];

impl<'a> PageRenderer<'a> {
    /// Claim an id for an element; `None` when it is taken (or empty).
    pub fn claim(&mut self, id: &str) -> Option<String> {
        let id = html_id(id);
        if id.is_empty() || !self.ids.insert(id.clone()) { None } else { Some(id) }
    }

    pub fn inlines(&self, content: &[Inline]) -> String {
        inlines_with(content, self.ui, self.links)
    }

    pub fn blocks(&mut self, blocks: &[Block]) -> Result<String, ThemeError> {
        let mut out = String::new();
        for block in blocks {
            self.block(block, &mut out)?;
        }
        Ok(out)
    }

    fn block(&mut self, block: &Block, out: &mut String) -> Result<(), ThemeError> {
        match block {
            Block::Paragraph { content, .. } => {
                out.push_str("<p>");
                out.push_str(&self.inlines(content));
                out.push_str("</p>\n");
            }
            Block::Procedure(p) => {
                out.push_str(if self.checklist {
                    "<ol class=\"pf-procedure\">\n"
                } else {
                    "<ol class=\"pf-steps\">\n"
                });
                for step in &p.steps {
                    self.step(step, out)?;
                }
                out.push_str("</ol>\n");
            }
            Block::Choices { items, .. } => self.list("ul", " class=\"pf-choices\"", items, out)?,
            Block::List { ordered, start, contents, items, .. } => {
                let mut attrs = String::new();
                if *contents {
                    attrs.push_str(" class=\"pf-contents\"");
                }
                if let Some(n) = start.filter(|n| *ordered && *n != 1) {
                    attrs.push_str(&format!(" start=\"{n}\""));
                }
                self.list(if *ordered { "ol" } else { "ul" }, &attrs, items, out)?
            }
            Block::Note(note) => {
                let view = NoteView {
                    ui: self.ui,
                    kind: note.kind.as_str(),
                    label: note_label(self.ui, note.kind),
                    original: &note.label,
                    body_html: BODY_MARK,
                };
                let html = self.theme.render("fragments/note.html", &view)?;
                self.around(&html, &note.blocks, out)?;
            }
            Block::Result { content, .. } => {
                out.push_str("<div class=\"pf-result\">\n<p class=\"pf-result-label\">");
                out.push_str(&esc(&self.ui.result_label));
                out.push_str("</p>\n");
                out.push_str(&self.blocks(content)?);
                out.push_str("</div>\n");
            }
            Block::Table(table) => self.table(table, out)?,
            Block::Code(code) => {
                let view = CodeView { ui: self.ui, lang: code.lang.as_deref(), code: &code.code };
                out.push_str(&self.theme.render("fragments/code.html", &view)?);
            }
            Block::Quote { blocks, .. } => {
                out.push_str("<blockquote>\n");
                out.push_str(&self.blocks(blocks)?);
                out.push_str("</blockquote>\n");
            }
            Block::Heading { level, heading, .. } => {
                let level = (*level).clamp(3, 6);
                let id = heading.anchor.as_deref().and_then(|a| self.claim(a));
                let id_attr = id.map(|id| format!(" id=\"{}\"", esc(&id))).unwrap_or_default();
                out.push_str(&format!("<h{level}{id_attr}>{}</h{level}>\n", self.inlines(&heading.content)));
            }
            Block::Html { html, .. } => {
                out.push_str(&sanitize(html));
                out.push('\n');
            }
            Block::Rule { .. } => out.push_str("<hr>\n"),
        }
        Ok(())
    }

    fn list(&mut self, tag: &str, attrs: &str, items: &[ListItem], out: &mut String) -> Result<(), ThemeError> {
        out.push_str(&format!("<{tag}{attrs}>\n"));
        for item in items {
            out.push_str("<li>");
            out.push_str(&self.blocks(&item.blocks)?);
            out.push_str("</li>\n");
        }
        out.push_str(&format!("</{tag}>\n"));
        Ok(())
    }

    /// A cell's blocks; a cell of one paragraph is rendered without the `<p>`.
    fn cell(&mut self, blocks: &[Block]) -> Result<String, ThemeError> {
        match blocks {
            [Block::Paragraph { content, .. }] => Ok(self.inlines(content)),
            _ => self.blocks(blocks),
        }
    }

    fn table(&mut self, table: &Table, out: &mut String) -> Result<(), ThemeError> {
        let header_html = table.header.iter().map(|c| self.cell(&c.blocks)).collect::<Result<Vec<_>, _>>()?;
        let mut rows_html = Vec::new();
        for row in &table.rows {
            rows_html.push(row.cells.iter().map(|c| self.cell(&c.blocks)).collect::<Result<Vec<_>, _>>()?);
        }
        let view = TableView { ui: self.ui, role_table: !table.records.is_empty(), header_html, rows_html };
        out.push_str(&self.theme.render("fragments/table.html", &view)?);
        Ok(())
    }

    fn step(&mut self, step: &Step, out: &mut String) -> Result<(), ThemeError> {
        let step_id = step.id.to_string();
        let id = self.claim(&step_id).unwrap_or_else(|| html_id(&format!("{step_id}-{}", self.ids.len())));
        let sync = self.statuses.get(&step.id).cloned();
        let mark = sync.as_ref().and_then(|s| self.mark(s));
        self.steps.push((id.clone(), step.command_text.clone(), mark.as_ref().map(|m| m.status)));
        let command_html = self.inlines(&step.command);
        let checks = self.checks.get(&step_id).map(Vec::as_slice).filter(|_| self.checklist).unwrap_or(NO_CHECKS);
        let counterpart =
            sync.as_ref().and_then(|s| s.counterpart.as_ref()).map(|c| html_id(&c.to_string())).filter(|c| *c != id);
        let view = StepView {
            ui: self.ui,
            checklist: self.checklist,
            depth: step.id.path.depth(),
            id,
            number: step.number,
            command_html,
            body_html: BODY_MARK,
            checks,
            counterpart,
            sync: mark,
        };
        let html = self.theme.render("fragments/step.html", &view)?;
        self.around(&html, &step.body, out)
    }

    /// Write a fragment rendered with [`BODY_MARK`] in place of its body, with `blocks`
    /// rendered straight into `out` where the mark is: a step's or note's body is written
    /// once, not copied through the template of every step or note around it (which made
    /// the time and memory of a page grow with its depth times its size).
    fn around(&mut self, html: &str, blocks: &[Block], out: &mut String) -> Result<(), ThemeError> {
        // The body is the fragment's last field, and nothing before it can hold the mark
        // (escaped text has no `<`, sanitized HTML no comment): the last match is the mark.
        let (head, tail) = html.rsplit_once(BODY_MARK).unwrap_or((html, ""));
        out.push_str(head);
        for block in blocks {
            self.block(block, out)?;
        }
        out.push_str(tail);
        Ok(())
    }

    fn mark(&self, sync: &StepSync) -> Option<SyncMark> {
        let other = self.other.as_ref()?;
        let fill = |s: &str| s.replace("{other}", &other.name);
        let (status, label) = match (sync.status, &sync.stale) {
            // A stale step is marked in place, with what changed in the source.
            (SyncStatus::InSync, Some(stale)) => {
                let label = self.ui.stale_mark.replace("{other}", &other.name).replace("{date}", &stale.date);
                let label = format!("{label}: {}", stale.diff);
                let href = match &sync.counterpart {
                    Some(id) => format!("{}#{}", other.page, html_id(&id.to_string())),
                    None => other.page.clone(),
                };
                let link_text = fill(&self.ui.counterpart_link);
                return Some(SyncMark { status: "stale", label, href: Some(href), link_text, findings: Vec::new() });
            }
            (SyncStatus::InSync, None) => return None,
            (SyncStatus::Drift, _) => ("drift", fill(&self.ui.drift_mark)),
            (SyncStatus::Unmatched, _) => ("unmatched", fill(&self.ui.unmatched_mark)),
        };
        let (href, link_text) = match &sync.counterpart {
            Some(id) => (format!("{}#{}", other.page, html_id(&id.to_string())), fill(&self.ui.counterpart_link)),
            None => (other.page.clone(), fill(&self.ui.drift_open_other)),
        };
        let mut findings: Vec<String> = sync.findings.iter().map(|code| finding_label(self.ui, code)).collect();
        findings.dedup();
        let label = if findings.is_empty() {
            label
        } else {
            let what = findings.join(&self.ui.list_separator);
            self.ui.mark_what.replace("{label}", &label).replace("{what}", &what)
        };
        Some(SyncMark { status, label, href: Some(href), link_text, findings })
    }
}

/// A sync finding's code in words, in the language of `ui` (`[findings]` of the UI
/// strings, keyed by the code without `sync::`); the code itself only for a code the UI
/// strings do not know (a test checks they know every code).
pub fn finding_label(ui: &Ui, code: &str) -> String {
    let key = code.strip_prefix("sync::").unwrap_or(code);
    ui.findings.get(key).cloned().unwrap_or_else(|| code.to_string())
}

pub fn note_label(ui: &Ui, kind: NoteKind) -> &str {
    let n = &ui.notes;
    match kind {
        NoteKind::Note => &n.note,
        NoteKind::Tip => &n.tip,
        NoteKind::Notice => &n.notice,
        NoteKind::Important => &n.important,
        NoteKind::Caution => &n.caution,
        NoteKind::Warning => &n.warning,
        NoteKind::Danger => &n.danger,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_schemes_are_dropped() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "~~25609~~",
        ] {
            assert_eq!(safe_href(bad), None, "{bad:?}");
        }
        for good in ["https://a.example/x", "http://a", "mailto:a@b", "#section", "../b.html", "a/b:c", "?q=1"] {
            assert!(safe_href(good).is_some(), "{good:?}");
        }
    }

    #[test]
    fn sanitizer_keeps_markup_and_drops_vectors() {
        let out = sanitize(
            "<b>ok</b><script>alert(1)</script><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>\
             <p style=\"color:red\" onclick=\"alert(1)\">p</p><img src=\"https://evil.example/p.png\">",
        );
        assert!(out.contains("<b>ok</b>"), "{out}");
        for vector in ["<script", "onerror", "javascript:", "style=", "onclick", "evil.example"] {
            assert!(!out.contains(vector), "{vector} in {out}");
        }
    }

    #[test]
    fn ids_have_no_whitespace() {
        assert_eq!(html_id("x\" onmouseover=\"alert(1)"), "x\"_onmouseover=\"alert(1)");
    }
}
