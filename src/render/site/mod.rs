//! The static site: every guide as a page per locale, rendered from the model (never from
//! Markdown) through the theme's tera templates, with a fillable checklist, sync marks,
//! search and a language switcher that keeps the step.
//!
//! Layout of `site/`: `index.html` (pick a language), `404.html`, per locale
//! `<locale>/index.html` (the guides as a tree of their folders), `<locale>/404.html`,
//! `<locale>/nav.js` (the same tree as data, which the page script turns into the
//! sidebar), `<locale>/<rel>.html` per guide (a "not translated" page where a guide exists
//! only in the other language; every path segment through `links::url_segment`, so any
//! file name gives a working URL), `assets/` (copied from `templates/assets/`),
//! `search-index.json` and the same index as `search-index.js`.
//!
//! Invariants: pure and deterministic like the rest of `render`; templates get view structs
//! built here, never the model; every link is relative and nothing refers to another host
//! except links a reader clicks; pages declare a strict Content-Security-Policy and carry
//! no inline script or style.

mod html;
pub mod links;
pub mod search;
pub mod theme;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

pub use html::{esc, html_id, safe_href, sanitize};
pub use theme::{Theme, ThemeError, Ui};

use self::html::{Other, PageLinks, PageRenderer, finding_label};
use self::links::{Link, encode, url_segment};
use self::search::{Entry, SearchIndex};
use super::OutputFile;
use super::json::StepStatuses;
use crate::diag::Diagnostic;
use crate::ids::ItemId;
use crate::manifest::{self, CheckKind, Manifest};
use crate::model::{Block, Span};
use crate::model::{Guide, blocks_text, plain_text};
use crate::pairs::GuidePair;
use crate::project::{Compiled, Config};
use crate::sync::Finding;
use crate::sync::SyncReport;

/// Ids the page frame uses; headings and steps cannot take them.
const RESERVED_IDS: &[&str] = &[
    "main",
    "pf-search",
    "pf-q",
    "pf-search-results",
    "pf-toolbar",
    "pf-progress",
    "pf-progress-text",
    "pf-reset",
    "pf-export",
    "pf-results",
    "pf-results-status",
    "pf-nav",
];

/// Where the site goes inside the output folder.
pub const SITE_DIR: &str = "site";

/// A check of the manifest, shown beside its step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckView {
    pub id: String,
    /// `automated` or `manual`.
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    /// The command, for an automated check.
    pub command: String,
}

#[derive(Serialize, Clone)]
struct Alternate {
    lang: String,
    href: String,
    name: String,
}

/// What every page's frame (`base.html`) needs.
#[derive(Serialize)]
struct Chrome<'a> {
    lang: String,
    ui: &'a Ui,
    title: String,
    /// The project's title (`title` in `preflight.toml`).
    site_title: String,
    /// Prefix from this page to the site root (`../../`).
    root: String,
    index_href: String,
    alternates: Vec<Alternate>,
    switch: Option<Alternate>,
    /// `guide`, `missing`, `index`, `root` or `not-found`.
    kind: &'static str,
    /// Breadcrumbs: the locale's index, the folders, the page (no `href`).
    crumbs: Vec<Crumb>,
    /// The locale's `nav.js`, for pages that show the sidebar.
    nav_href: Option<String>,
}

#[derive(Serialize, Clone)]
struct Crumb {
    text: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct TocItem {
    level: u8,
    id: String,
    text: String,
}

#[derive(Serialize, Default)]
struct Pager {
    previous: Option<Crumb>,
    next: Option<Crumb>,
}

#[derive(Serialize)]
struct SectionView {
    /// Checks of the role-table rows in this section.
    checks: Vec<CheckView>,
    level: u8,
    id: Option<String>,
    heading_html: Option<String>,
    body_html: String,
}

/// One finding of the pair, as the banner lists it.
#[derive(Serialize)]
struct MarkLink {
    /// What differs, in words of the page's language.
    what: String,
    /// The step concerned on this page, if any.
    href: Option<String>,
    text: String,
    /// The finding's message as sync wrote it.
    detail: String,
    status: &'static str,
}

#[derive(Serialize)]
struct Banner {
    /// `drift` (the translation differs) or `missing` (there is none).
    kind: &'static str,
    text: String,
    link_href: String,
    link_text: String,
    marks: Vec<MarkLink>,
}

#[derive(Serialize)]
struct GuideView<'a> {
    page: Chrome<'a>,
    id: String,
    manifest: String,
    title_html: String,
    title_text: String,
    shortdesc_html: Option<String>,
    sections: Vec<SectionView>,
    steps: usize,
    checklist: bool,
    contents: Vec<TocItem>,
    pager: Pager,
    banner: Option<Banner>,
}

#[derive(Serialize)]
struct MissingView<'a> {
    page: Chrome<'a>,
    heading: String,
    body: String,
    link_href: String,
    link_text: String,
}

#[derive(Serialize)]
struct IndexView<'a> {
    page: Chrome<'a>,
    /// The guides as nested `<details>` of their folders.
    tree_html: String,
}

#[derive(Serialize)]
struct NotFoundView<'a> {
    page: Chrome<'a>,
}

#[derive(Serialize)]
struct RootView<'a> {
    page: Chrome<'a>,
    languages: Vec<Alternate>,
}

/// The checks of a manifest by where the page shows them: a step's checks under its step
/// id, a table row's under its section (`<guide>.s<n>`).
fn check_views(manifest: Option<&Manifest>, locale: &str, ui: &Ui) -> BTreeMap<String, Vec<CheckView>> {
    let mut out: BTreeMap<String, Vec<CheckView>> = BTreeMap::new();
    for check in manifest.map(|m| m.checks.as_slice()).unwrap_or_default() {
        let key = match &check.item {
            Some(ItemId::Step(step)) => step.to_string(),
            Some(ItemId::Row(row)) => row.section_key(),
            None => check.id.clone(),
        };
        let (kind, kind_label) = match check.kind {
            CheckKind::Automated => ("automated", &ui.check_automated),
            CheckKind::Manual => ("manual", &ui.check_manual),
        };
        out.entry(key).or_default().push(CheckView {
            id: check.id.clone(),
            kind: kind.to_string(),
            kind_label: kind_label.clone(),
            title: check.title.get(manifest::Lang::of_locale(locale)).to_string(),
            command: manifest::display_argv(&check.argv),
        });
    }
    out
}

/// One page to render: a guide, or the stand-in for a guide missing in this locale.
struct PageSpec<'a> {
    locale: String,
    /// Path of the guide relative to its locale folder, without `.md`.
    rel: String,
    /// The guide shown (or, for a stand-in page, the one in the other language).
    guide: &'a Compiled,
    /// `false` for a stand-in page; `guide` is the one in the other language.
    real: bool,
    /// (locale, rel) of the page in the other language, when there is one to link to.
    other: Option<(String, String)>,
    /// Whether `other` is the real translation (`false`: it is a stand-in page).
    other_real: bool,
    /// The findings of sync on the pair.
    findings: &'a [Finding],
    manifest: String,
}

fn page_rel(rel: &str) -> String {
    rel.strip_suffix(".md").unwrap_or(rel).to_string()
}

/// `../../` from a page at `url` (below the site root) back to the root.
fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Each locale folder as written under the project root (`intl.en-US`), with its locale.
fn locale_folders(config: &Config) -> Vec<(String, String)> {
    if config.folders.is_empty() {
        return config.locales.iter().map(|l| (l.clone(), l.clone())).collect();
    }
    config.folders.clone()
}

/// Where each page goes below `site/` (`en-US/User Guide/What is RAM_.html`), in spec
/// order: every segment through [`url_segment`]; a path that another page (or a locale's
/// `index.html` or `404.html`) already takes, compared without case so that the site also
/// unpacks on a case-insensitive file system, gets `-2`, `-3`… Deterministic: specs come
/// sorted.
fn assign_urls(specs: &[PageSpec]) -> Vec<String> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for spec in specs {
        for name in ["index", "404"] {
            taken.insert(format!("{}/{name}.html", spec.locale).to_lowercase());
        }
    }
    let mut urls = Vec::with_capacity(specs.len());
    for spec in specs {
        let segments: Vec<String> = spec.rel.split('/').map(url_segment).collect();
        let stem = format!("{}/{}", url_segment(&spec.locale), segments.join("/"));
        let mut url = format!("{stem}.html");
        let mut n = 2;
        while !taken.insert(url.to_lowercase()) {
            url = format!("{stem}-{n}.html");
            n += 1;
        }
        urls.push(url);
    }
    urls
}

/// What links between pages need to know about the site.
struct SiteMap<'a> {
    specs: &'a [PageSpec<'a>],
    urls: &'a [String],
    folders: Vec<(String, String)>,
    /// (locale, file path relative to the locale folder, with `.md`) → spec, real pages only.
    by_file: BTreeMap<(String, String), usize>,
    /// (locale, rel without `.md`) → spec, every page.
    by_page: BTreeMap<(String, String), usize>,
    /// The translation of a real page, where it has one.
    counterpart: BTreeMap<usize, usize>,
    /// The ids each real page has, for `#fragment`s.
    anchors: BTreeMap<usize, BTreeSet<String>>,
}

impl<'a> SiteMap<'a> {
    fn new(specs: &'a [PageSpec<'a>], urls: &'a [String], folders: Vec<(String, String)>) -> SiteMap<'a> {
        let by_page: BTreeMap<(String, String), usize> =
            specs.iter().enumerate().map(|(i, s)| ((s.locale.clone(), s.rel.clone()), i)).collect();
        let mut map = SiteMap {
            specs,
            urls,
            folders,
            by_page,
            by_file: BTreeMap::new(),
            counterpart: BTreeMap::new(),
            anchors: BTreeMap::new(),
        };
        for (i, spec) in specs.iter().enumerate().filter(|(_, s)| s.real) {
            map.by_file.insert((spec.locale.clone(), spec.guide.file.rel.clone()), i);
            if let Some(other) = spec.other.as_ref().filter(|_| spec.other_real)
                && let Some(&j) = map.by_page.get(other)
            {
                map.counterpart.insert(i, j);
            }
            if let Some(guide) = &spec.guide.guide {
                map.anchors.insert(i, anchors(guide));
            }
        }
        map
    }
}

/// Every id a guide's page has: the frame's, the section headings' (given or made), the
/// steps'.
fn anchors(guide: &Guide) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    for (n, section) in guide.sections.iter().enumerate() {
        if let Some(h) = &section.heading {
            ids.insert(html_id(h.anchor.as_deref().unwrap_or(&section_id(guide, n))));
        }
        let mut walk = vec![&section.blocks[..]];
        while let Some(blocks) = walk.pop() {
            for b in blocks {
                match b {
                    Block::Heading { heading, .. } => {
                        if let Some(a) = &heading.anchor {
                            ids.insert(html_id(a));
                        }
                    }
                    Block::Note(n) => walk.push(&n.blocks),
                    Block::Quote { blocks, .. } => walk.push(blocks),
                    _ => {}
                }
            }
        }
    }
    ids.extend(guide.steps().iter().map(|s| html_id(&s.id.to_string())));
    ids
}

/// The id of a section heading that has no `{#id}`: the same in both languages.
fn section_id(guide: &Guide, n: usize) -> String {
    format!("{}.s{n}", guide.id)
}

/// Resolves the links of one page against the site and records the broken ones.
struct Linker<'a> {
    map: &'a SiteMap<'a>,
    page: usize,
    broken: RefCell<Vec<Diagnostic>>,
}

impl PageLinks for Linker<'_> {
    fn page_href(&self, dest: &str, span: Span) -> Option<Option<String>> {
        let from = &self.map.specs[self.page];
        let broken = |why: String| {
            self.broken.borrow_mut().push(Diagnostic::warning(
                "site::broken-link",
                &from.guide.file.display(),
                span,
                format!("link to `{dest}`: {why}"),
            ));
            Some(None)
        };
        // An anchor on this page: kept where the page has that id, text where it has not.
        if let Some(fragment) = dest.trim().strip_prefix('#').filter(|f| !f.is_empty()) {
            let id = html_id(&links::decode(fragment));
            let here = self.map.anchors.get(&self.page).is_some_and(|a| a.contains(&id));
            return Some(here.then(|| format!("#{}", encode(&id))));
        }
        match links::resolve(&from.locale, &from.guide.file.rel, dest, &self.map.folders) {
            // A file of the doc tree that is not a page (`t1835681.dita`): the site has no
            // copy, so its text, rather than a link that leads nowhere.
            Link::Keep if links::is_file(dest) => Some(None),
            Link::Keep => None,
            Link::Outside { path } => broken(format!("`{path}` is in no locale folder of the project")),
            Link::Page { locale, rel, fragment } => {
                let Some(&found) = self.map.by_file.get(&(locale.clone(), rel.clone())) else {
                    return broken(format!("no page `{locale}/{rel}` in the project"));
                };
                // A link into the other language's tree goes to the page in this language.
                let target = match self.map.counterpart.get(&found) {
                    Some(&c) if locale != from.locale && self.map.specs[c].locale == from.locale => c,
                    _ => found,
                };
                let id = html_id(&fragment);
                let fragment = if self.map.anchors.get(&target).is_some_and(|a| a.contains(&id)) {
                    format!("#{}", encode(&id))
                } else {
                    String::new()
                };
                let root = root_of(&self.map.urls[self.page]);
                Some(Some(format!("{root}{}{fragment}", encode(&self.map.urls[target]))))
            }
        }
    }
}

/// A locale's guides by folder.
#[derive(Default)]
struct Folder {
    folders: BTreeMap<String, Folder>,
    /// (file name, spec).
    pages: Vec<(String, usize)>,
}

enum Item<'t> {
    Folder(&'t str, &'t Folder),
    Page(usize),
}

impl Folder {
    /// Folders and pages mixed, by name (case folded first, so `api` sits beside `API`).
    fn items(&self) -> Vec<Item<'_>> {
        let mut items: Vec<(String, String, Item)> = Vec::new();
        for (name, f) in &self.folders {
            items.push((name.to_lowercase(), name.clone(), Item::Folder(name, f)));
        }
        for (name, i) in &self.pages {
            items.push((name.to_lowercase(), name.clone(), Item::Page(*i)));
        }
        items.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        items.into_iter().map(|(_, _, i)| i).collect()
    }
}

fn folder_id(path: &str) -> String {
    html_id(&format!("dir-{path}"))
}

/// The navigation of one locale: its tree in reading order.
struct Nav {
    /// Real pages in sidebar order (for prev/next).
    order: Vec<usize>,
    /// `window.PREFLIGHT_NAV = …;`: folders `[name, [items]]`, pages `[title, href]`, hrefs
    /// relative to the locale's folder; `l` is that folder (URL-encoded).
    script: String,
    /// The tree as nested `<details>`, for the locale's index.
    tree_html: String,
}

/// What the index says beside a page: (text, `drift` or `missing`).
type Statuses = BTreeMap<usize, (String, &'static str)>;

fn build_nav(locale: &str, specs: &[PageSpec], urls: &[String], indices: &[usize], statuses: &Statuses) -> Nav {
    let mut root = Folder::default();
    for &i in indices {
        let mut parts: Vec<&str> = specs[i].rel.split('/').collect();
        let name = parts.pop().unwrap_or_default().to_string();
        let mut f = &mut root;
        for p in parts {
            f = f.folders.entry(p.to_string()).or_default();
        }
        f.pages.push((name, i));
    }
    let mut order = Vec::new();
    let mut html = String::new();
    let prefix = format!("{}/", url_segment(locale));
    let data = nav_items(&root, "", (specs, urls, statuses), &prefix, &mut order, &mut html, 0);
    let script = format!(
        "window.PREFLIGHT_NAV = {};\n",
        serde_json::to_string(&serde_json::json!({ "l": encode(&url_segment(locale)), "t": data }))
            .expect("the tree serializes")
    );
    Nav { order, script, tree_html: html }
}

fn nav_items(
    folder: &Folder,
    path: &str,
    site: (&[PageSpec], &[String], &Statuses),
    prefix: &str,
    order: &mut Vec<usize>,
    html: &mut String,
    depth: usize,
) -> Vec<serde_json::Value> {
    let (specs, urls, statuses) = site;
    let mut out = Vec::new();
    html.push_str("<ul>\n");
    for item in folder.items() {
        match item {
            Item::Folder(name, f) => {
                let sub = if path.is_empty() { name.to_string() } else { format!("{path}/{name}") };
                let open = if depth == 0 { " open" } else { "" };
                html.push_str(&format!(
                    "<li><details id=\"{}\"{open}><summary>{}</summary>\n",
                    esc(&folder_id(&sub)),
                    esc(name)
                ));
                let children = nav_items(f, &sub, site, prefix, order, html, depth + 1);
                html.push_str("</details></li>\n");
                out.push(serde_json::json!([name, children]));
            }
            Item::Page(i) => {
                order.push(i);
                let title = specs[i].guide.guide.as_ref().map_or(String::new(), |g| g.title_text.clone());
                let href = encode(urls[i].strip_prefix(prefix).unwrap_or(&urls[i]));
                let status = match statuses.get(&i) {
                    Some((text, kind)) => format!(" <span class=\"pf-status pf-status-{kind}\">{}</span>", esc(text)),
                    None => String::new(),
                };
                html.push_str(&format!("<li><a href=\"{}\">{}</a>{status}</li>\n", esc(&href), esc(&title)));
                out.push(serde_json::json!([title, href]));
            }
        }
    }
    html.push_str("</ul>\n");
    out
}

/// The site's files (paths below the output folder), from the compiled guides, their pairs
/// and sync results, and the diagnostics of the site (links to pages that do not exist).
pub fn outputs(
    config: &Config,
    compiled: &[Compiled],
    pairs: &[GuidePair],
    report: &SyncReport,
    statuses: &StepStatuses,
    manifests: &[Manifest],
    theme: &Theme,
) -> Result<(Vec<OutputFile>, Vec<Diagnostic>), ThemeError> {
    let _ = compiled;
    let specs = page_specs(pairs, report, &crate::pairs::locales(config), &config.locales);
    let urls = assign_urls(&specs);
    let map = SiteMap::new(&specs, &urls, locale_folders(config));
    let locales: Vec<&String> = config.locales.iter().filter(|l| theme.ui.contains_key(*l)).collect();
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let mut index = SearchIndex { version: 1, ..SearchIndex::default() };
    // Navigation per locale: the real pages of the locale.
    let mut navs: BTreeMap<String, Nav> = BTreeMap::new();
    let mut position: BTreeMap<usize, (String, usize)> = BTreeMap::new();
    // The first manifest of each guide id, as a linear search per page would find it.
    let mut by_guide: BTreeMap<&str, &Manifest> = BTreeMap::new();
    for m in manifests {
        by_guide.entry(m.guide.as_str()).or_insert(m);
    }
    let mut index_status = Statuses::new();
    for (i, spec) in specs.iter().enumerate().filter(|(_, s)| s.real) {
        let ui = theme.ui(&spec.locale)?;
        if let Some((other, _)) = &spec.other {
            let other_name = theme.language_in(ui, other)?;
            if !spec.other_real {
                index_status
                    .insert(i, (fill(&ui.only_in, &[("other", &theme.language_in(ui, &spec.locale)?)]), "missing"));
            } else if !spec.findings.is_empty() {
                let n = spec.findings.len().to_string();
                let mut text = fill(&ui.differs_in, &[("n", &n), ("other", &other_name)]);
                // Stale steps are counted on the translated page (their findings name the
                // source step, and sit with the pair's findings on both sides).
                let stale = spec.findings.iter().filter(|f| f.code == "sync::stale-step").count();
                if stale > 0 && spec.locale != config.source_locale {
                    text.push_str(&ui.list_separator);
                    text.push_str(&fill(&ui.stale_in, &[("n", &stale.to_string())]));
                }
                index_status.insert(i, (text, "drift"));
            }
        }
    }
    for locale in &locales {
        let mine: Vec<usize> = (0..specs.len()).filter(|&i| specs[i].real && &specs[i].locale == *locale).collect();
        let nav = build_nav(locale, &specs, &urls, &mine, &index_status);
        for (n, &i) in nav.order.iter().enumerate() {
            position.insert(i, (locale.to_string(), n));
        }
        navs.insert(locale.to_string(), nav);
    }
    // Pages on the build's threads; their search entries and diagnostics are then taken in
    // page order, so the output does not depend on the number of threads.
    let site = Site { theme, site_title: &config.title, map: &map, navs: &navs };
    let pages: Vec<Result<PageOutput, ThemeError>> = specs
        .par_iter()
        .enumerate()
        .map(|(i, spec)| {
            let guide = spec.guide.guide.as_ref().expect("specs hold parsed guides");
            let mut out = PageOutput::default();
            out.html = if spec.real {
                let manifest = by_guide.get(guide.id.as_str()).copied();
                let checks = check_views(manifest, &spec.locale, theme.ui(&spec.locale)?);
                let linker = Linker { map: &map, page: i, broken: RefCell::new(Vec::new()) };
                let pager = match position.get(&i) {
                    Some((l, n)) => pager(&site, i, &navs[l].order, *n),
                    None => Pager::default(),
                };
                let html = guide_page(&site, i, guide, statuses, &checks, &linker, pager, &mut out.search)?;
                out.diagnostics = linker.broken.into_inner();
                html
            } else {
                missing_page(&site, i, guide)?
            };
            Ok(out)
        })
        .collect();
    for (i, page) in pages.into_iter().enumerate() {
        let page = page?;
        for (entry, text) in page.search {
            index.add(entry, &text);
        }
        diagnostics.extend(page.diagnostics);
        files.push(OutputFile { path: format!("{SITE_DIR}/{}", urls[i]), bytes: page.html.into_bytes() });
    }
    for locale in &locales {
        let ui = theme.ui(locale)?;
        let nav = &navs[locale.as_str()];
        let dir = url_segment(locale);
        let alternates: Vec<Alternate> = locales
            .iter()
            .map(|l| alternate(theme, l, &format!("../{}/index.html", url_segment(l))))
            .collect::<Result<_, _>>()?;
        let switch = match locales.iter().find(|l| *l != locale) {
            Some(l) => Some(alternate(theme, l, &format!("../{}/index.html", url_segment(l)))?),
            None => None,
        };
        let frame = |kind: &'static str, alternates: Vec<Alternate>, switch: Option<Alternate>| Chrome {
            lang: locale.to_string(),
            ui,
            title: config.title.clone(),
            site_title: config.title.clone(),
            root: "../".into(),
            index_href: "index.html".into(),
            alternates,
            switch,
            kind,
            crumbs: Vec::new(),
            nav_href: None,
        };
        let page = frame("index", alternates, switch);
        let html = theme.render("index.html", &IndexView { page, tree_html: nav.tree_html.clone() })?;
        files.push(OutputFile { path: format!("{SITE_DIR}/{dir}/index.html"), bytes: html.into_bytes() });
        let mut page = frame("not-found", Vec::new(), None);
        page.title = ui.not_found_title.clone();
        let html = theme.render("404.html", &NotFoundView { page })?;
        files.push(OutputFile { path: format!("{SITE_DIR}/{dir}/404.html"), bytes: html.into_bytes() });
        files.push(OutputFile { path: format!("{SITE_DIR}/{dir}/nav.js"), bytes: nav.script.clone().into_bytes() });
    }
    if let Some(first) = locales.first() {
        let ui = theme.ui(first)?;
        let languages = locales
            .iter()
            .map(|l| alternate(theme, l, &format!("{}/index.html", url_segment(l))))
            .collect::<Result<Vec<_>, _>>()?;
        let frame = |kind: &'static str, alternates: Vec<Alternate>| Chrome {
            lang: first.to_string(),
            ui,
            title: config.title.clone(),
            site_title: config.title.clone(),
            root: String::new(),
            index_href: format!("{}/index.html", url_segment(first)),
            alternates,
            switch: None,
            kind,
            crumbs: Vec::new(),
            nav_href: None,
        };
        let html = theme.render("root.html", &RootView { page: frame("root", languages.clone()), languages })?;
        files.push(OutputFile { path: format!("{SITE_DIR}/index.html"), bytes: html.into_bytes() });
        let mut page = frame("not-found", Vec::new());
        page.title = ui.not_found_title.clone();
        let html = theme.render("404.html", &NotFoundView { page })?;
        files.push(OutputFile { path: format!("{SITE_DIR}/404.html"), bytes: html.into_bytes() });
    }
    for (name, bytes) in &theme.assets {
        files.push(OutputFile { path: format!("{SITE_DIR}/assets/{name}"), bytes: bytes.clone() });
    }
    files.push(OutputFile { path: format!("{SITE_DIR}/search-index.json"), bytes: index.to_json().into_bytes() });
    files.push(OutputFile { path: format!("{SITE_DIR}/search-index.js"), bytes: index.to_script().into_bytes() });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    diagnostics.sort_by(|a, b| (&a.file, a.span.line, a.span.column).cmp(&(&b.file, b.span.line, b.span.column)));
    Ok((files, diagnostics))
}

/// One page of the site as rendered on its own: its HTML, its search entries (with the text
/// they are found by) and the broken links it holds.
#[derive(Default)]
struct PageOutput {
    html: String,
    search: Vec<(Entry, String)>,
    diagnostics: Vec<Diagnostic>,
}

/// What every page renderer needs of the whole site.
struct Site<'a> {
    theme: &'a Theme,
    site_title: &'a str,
    map: &'a SiteMap<'a>,
    navs: &'a BTreeMap<String, Nav>,
}

fn pager(site: &Site, i: usize, order: &[usize], n: usize) -> Pager {
    let root = root_of(&site.map.urls[i]);
    let link = |j: usize| Crumb {
        text: site.map.specs[j].guide.guide.as_ref().map_or(String::new(), |g| g.title_text.clone()),
        href: Some(format!("{root}{}", encode(&site.map.urls[j]))),
    };
    Pager {
        previous: n.checked_sub(1).and_then(|p| order.get(p)).map(|&j| link(j)),
        next: order.get(n + 1).map(|&j| link(j)),
    }
}

fn alternate(theme: &Theme, locale: &str, href: &str) -> Result<Alternate, ThemeError> {
    Ok(Alternate { lang: locale.to_string(), href: href.to_string(), name: theme.ui(locale)?.language_name.clone() })
}
/// Every page of the site: the guides, and a stand-in wherever a guide has no translation
/// (unless a real page already sits at that path). In pair order, which is sorted.
fn page_specs<'a>(
    pairs: &[GuidePair<'a>],
    report: &'a SyncReport,
    locales: &(String, String),
    known: &[String],
) -> Vec<PageSpec<'a>> {
    let parsed = |c: Option<&'a Compiled>| c.filter(|c| c.guide.is_some());
    let mut specs = Vec::new();
    let mut missing = Vec::new();
    for (i, pair) in pairs.iter().enumerate() {
        let findings = report.pairs.get(i).map_or(&[][..], |p| p.findings.as_slice());
        let (en, zh) = (parsed(pair.en), parsed(pair.zh));
        let manifest = format!("checks/{}.toml", page_rel(&en.or(zh).map(|c| c.file.rel.clone()).unwrap_or_default()));
        let side = |c: &Compiled| (c.file.locale.clone(), page_rel(&c.file.rel));
        match (en, zh) {
            (Some(a), Some(b)) => {
                for (me, other) in [(a, b), (b, a)] {
                    let (locale, rel) = side(me);
                    specs.push(PageSpec {
                        locale,
                        rel,
                        guide: me,
                        real: true,
                        other: Some(side(other)),
                        other_real: true,
                        findings,
                        manifest: manifest.clone(),
                    });
                }
            }
            (Some(c), None) | (None, Some(c)) => {
                let (locale, rel) = side(c);
                let other_locale = if locale == locales.0 { &locales.1 } else { &locales.0 };
                let other =
                    Some((other_locale.clone(), rel.clone())).filter(|(l, _)| *l != locale && known.contains(l));
                specs.push(PageSpec {
                    locale: locale.clone(),
                    rel: rel.clone(),
                    guide: c,
                    real: true,
                    other: other.clone(),
                    other_real: false,
                    findings,
                    manifest: manifest.clone(),
                });
                if let Some((l, r)) = other {
                    missing.push(PageSpec {
                        locale: l,
                        rel: r,
                        guide: c,
                        real: false,
                        other: Some((locale, rel)),
                        other_real: true,
                        findings,
                        manifest,
                    });
                }
            }
            (None, None) => {}
        }
    }
    let taken: BTreeSet<(String, String)> = specs.iter().map(|s| (s.locale.clone(), s.rel.clone())).collect();
    for m in missing {
        if !taken.contains(&(m.locale.clone(), m.rel.clone())) {
            specs.push(m);
            continue;
        }
        // Another guide lives at that path (pairs made by config): link to no page
        // rather than to the wrong one.
        for s in specs.iter_mut().filter(|s| s.real && Some((s.locale.clone(), s.rel.clone())) == m.other) {
            s.other = None;
        }
    }
    specs
}

#[allow(clippy::too_many_arguments)]
fn guide_page(
    site: &Site,
    i: usize,
    guide: &Guide,
    statuses: &StepStatuses,
    checks: &BTreeMap<String, Vec<CheckView>>,
    linker: &Linker,
    pager: Pager,
    index: &mut Vec<(Entry, String)>,
) -> Result<String, ThemeError> {
    let spec = &site.map.specs[i];
    let theme = site.theme;
    let ui = theme.ui(&spec.locale)?;
    let url = &site.map.urls[i];
    let root = root_of(url);
    let file = spec.guide.file.display();
    let mine: BTreeMap<crate::ids::StepId, crate::model::StepSync> = statuses
        .range((file.clone(), crate::ids::StepId::default())..)
        .take_while(|((f, _), _)| *f == file)
        .map(|((_, id), s)| (id.clone(), s.clone()))
        .collect();
    let other_page = site.map.counterpart.get(&i).map(|&j| format!("{root}{}", encode(&site.map.urls[j])));
    let other = match (&spec.other, other_page) {
        (Some((locale, _)), page) => Some(Other {
            name: theme.language_in(ui, locale)?,
            page: page
                .unwrap_or_else(|| other_url(site, spec).map(|u| format!("{root}{}", encode(&u))).unwrap_or_default()),
        }),
        (None, _) => None,
    };
    let checklist = guide.is_checklist();
    let mut r = PageRenderer {
        theme,
        ui,
        other: other.clone().filter(|_| spec.other_real),
        statuses: mine,
        checks,
        ids: RESERVED_IDS.iter().map(|s| s.to_string()).collect(),
        steps: Vec::new(),
        checklist,
        links: Some(linker),
    };
    let title_html = r.inlines(&guide.title);
    let shortdesc_html = guide.shortdesc.as_ref().map(|s| r.inlines(s));
    let mut sections = Vec::new();
    let mut contents = Vec::new();
    for (n, section) in guide.sections.iter().enumerate() {
        let section_checks = checks.get(&format!("{}.s{n}", guide.id)).cloned().unwrap_or_default();
        let (heading_html, id) = match &section.heading {
            Some(h) => {
                let made = section_id(guide, n);
                (Some(r.inlines(&h.content)), r.claim(h.anchor.as_deref().unwrap_or(&made)).or_else(|| r.claim(&made)))
            }
            None => (None, None),
        };
        let body_html = r.blocks(&section.blocks)?;
        if heading_html.is_none() && body_html.is_empty() && section_checks.is_empty() {
            continue;
        }
        let level = section.level.clamp(2, 6);
        if let (Some(id), Some(h)) = (&id, &section.heading)
            && level <= 3
        {
            contents.push(TocItem { level, id: id.clone(), text: h.text.clone() });
        }
        sections.push(SectionView { checks: section_checks, level, id, heading_html, body_html });
    }
    if contents.len() < 2 {
        contents.clear();
    }
    let page_url = encode(url);
    let path = folder_path(&spec.rel);
    let mut page_text = guide.shortdesc.as_ref().map(|s| plain_text(s)).unwrap_or_default();
    for s in &guide.sections {
        if let Some(h) = &s.heading {
            page_text.push(' ');
            page_text.push_str(&h.text);
        }
    }
    let mut first_text = guide.shortdesc.as_ref().map(|s| plain_text(s)).unwrap_or_default();
    if first_text.is_empty() {
        for s in &guide.sections {
            blocks_text(&s.blocks, false, &mut first_text);
            if first_text.len() > 200 {
                break;
            }
        }
    }
    index.push((
        Entry {
            l: spec.locale.clone(),
            u: page_url.clone(),
            t: guide.title_text.clone(),
            g: String::new(),
            p: path.clone(),
            s: search::snippet(&first_text),
        },
        page_text,
    ));
    for step in guide.steps() {
        let mut text = String::new();
        blocks_text(&step.body, false, &mut text);
        let s = search::snippet(&text);
        index.push((
            Entry {
                l: spec.locale.clone(),
                u: format!("{page_url}#{}", encode(&html_id(&step.id.to_string()))),
                t: step.command_text.clone(),
                g: guide.title_text.clone(),
                p: path.clone(),
                s,
            },
            text,
        ));
    }
    let banner = match &other {
        Some(o) if spec.other_real && !spec.findings.is_empty() => {
            let n = spec.findings.len().to_string();
            Some(Banner {
                kind: "drift",
                text: fill(&ui.drift_banner, &[("n", &n), ("other", &o.name)]),
                link_href: o.page.clone(),
                link_text: fill(&ui.drift_open_other, &[("other", &o.name)]),
                marks: banner_marks(spec, &r, ui),
            })
        }
        Some(o) if !spec.other_real => Some(Banner {
            kind: "missing",
            text: fill(&ui.only_in, &[("other", &theme.language_in(ui, &spec.locale)?)]),
            link_href: o.page.clone(),
            link_text: fill(&ui.missing_link, &[("other", &o.name)]),
            marks: Vec::new(),
        }),
        _ => None,
    };
    let mut page = chrome(site, i, ui, guide.title_text.clone(), "guide")?;
    page.crumbs = crumbs(site, i, ui, &guide.title_text);
    let view = GuideView {
        page,
        id: guide.id.clone(),
        manifest: spec.manifest.clone(),
        title_html,
        title_text: guide.title_text.clone(),
        shortdesc_html,
        sections,
        steps: r.steps.len(),
        checklist,
        contents,
        pager,
        banner,
    };
    theme.render("guide.html", &view)
}

/// `User Guide / RAM users`: the folders of a page, for search results.
fn folder_path(rel: &str) -> String {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    parts.join(" / ")
}

/// The URL of the page at `spec.other` (a stand-in page, or the translation).
fn other_url(site: &Site, spec: &PageSpec) -> Option<String> {
    let (l, r) = spec.other.as_ref()?;
    site.map.by_page.get(&(l.clone(), r.clone())).map(|&j| site.map.urls[j].clone())
}

/// Every finding of the pair, in words, each linked to its step on this page where it
/// concerns one: the banner's list, as long as its count.
fn banner_marks(spec: &PageSpec, r: &PageRenderer, ui: &Ui) -> Vec<MarkLink> {
    // A finding names its step by the id on the side that has it: this page's, or the
    // other page's (then this page's step is the one whose counterpart it is).
    // Keys are anchors (`html_id` of the step id), as `r.steps` holds them.
    let mut by_id: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    for (id, text, _) in &r.steps {
        by_id.insert(id.clone(), (id.as_str(), text.as_str()));
    }
    let anchors: BTreeMap<&str, (&str, &str)> =
        r.steps.iter().map(|(h, t, _)| (h.as_str(), (h.as_str(), t.as_str()))).collect();
    for (id, s) in &r.statuses {
        if let (Some(c), Some(mine)) = (&s.counterpart, anchors.get(html_id(&id.to_string()).as_str())) {
            by_id.entry(html_id(&c.to_string())).or_insert(*mine);
        }
    }
    spec.findings
        .iter()
        .map(|f| {
            let step = f.step.as_ref().and_then(|s| by_id.get(&html_id(&s.to_string())));
            MarkLink {
                what: finding_label(ui, &f.code),
                href: step.map(|(id, _)| format!("#{}", encode(id))),
                text: step.map_or(String::new(), |(_, t)| t.to_string()),
                detail: f.message.clone(),
                status: match f.severity {
                    crate::diag::Severity::Error => "drift",
                    crate::diag::Severity::Warning => "unmatched",
                },
            }
        })
        .collect()
}

fn crumbs(site: &Site, i: usize, ui: &Ui, title: &str) -> Vec<Crumb> {
    let spec = &site.map.specs[i];
    let root = root_of(&site.map.urls[i]);
    let index = format!("{root}{}/index.html", encode(&url_segment(&spec.locale)));
    let mut out = vec![Crumb { text: ui.all_guides.clone(), href: Some(index.clone()) }];
    if spec.real {
        let parts: Vec<&str> = spec.rel.split('/').collect();
        for n in 1..parts.len() {
            let path = parts[..n].join("/");
            out.push(Crumb {
                text: parts[n - 1].to_string(),
                href: Some(format!("{index}#{}", encode(&folder_id(&path)))),
            });
        }
    }
    out.push(Crumb { text: title.to_string(), href: None });
    out
}

fn chrome<'a>(site: &Site, i: usize, ui: &'a Ui, title: String, kind: &'static str) -> Result<Chrome<'a>, ThemeError> {
    let spec = &site.map.specs[i];
    let theme = site.theme;
    let root = root_of(&site.map.urls[i]);
    let mut alternates = vec![alternate(theme, &spec.locale, &format!("{root}{}", encode(&site.map.urls[i])))?];
    let mut switch = None;
    if let Some((locale, _)) = &spec.other
        && let Some(url) = other_url(site, spec)
    {
        let alt = alternate(theme, locale, &format!("{root}{}", encode(&url)))?;
        alternates.push(alternate(theme, locale, &alt.href)?);
        switch = Some(alt);
    }
    alternates.sort_by(|a, b| a.lang.cmp(&b.lang));
    let dir = encode(&url_segment(&spec.locale));
    Ok(Chrome {
        lang: spec.locale.clone(),
        ui,
        title,
        site_title: site.site_title.to_string(),
        root: root.clone(),
        index_href: format!("{root}{dir}/index.html"),
        alternates,
        switch,
        kind,
        crumbs: Vec::new(),
        nav_href: site.navs.contains_key(&spec.locale).then(|| format!("{root}{dir}/nav.js")),
    })
}

fn missing_page(site: &Site, i: usize, guide: &Guide) -> Result<String, ThemeError> {
    let spec = &site.map.specs[i];
    let theme = site.theme;
    let ui = theme.ui(&spec.locale)?;
    let root = root_of(&site.map.urls[i]);
    let (other_locale, _) = spec.other.clone().expect("a stand-in page points at its guide");
    let other_name = theme.language_in(ui, &other_locale)?;
    let own_name = theme.language_in(ui, &spec.locale)?;
    let mut page = chrome(site, i, ui, guide.title_text.clone(), "missing")?;
    page.crumbs = crumbs(site, i, ui, &guide.title_text);
    let view = MissingView {
        page,
        heading: fill(&ui.missing_title, &[("language", &own_name)]),
        body: fill(&ui.missing_body, &[("language", &own_name), ("other", &other_name)]),
        link_href: other_url(site, spec).map(|u| format!("{root}{}", encode(&u))).unwrap_or_default(),
        link_text: guide.title_text.clone(),
    };
    theme.render("missing.html", &view)
}
