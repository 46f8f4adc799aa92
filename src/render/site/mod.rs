//! The static site: every guide as a page per locale, rendered from the model (never from
//! Markdown) through the theme's tera templates, with a fillable checklist, sync marks,
//! search and a language switcher that keeps the step.
//!
//! Layout of `site/`: `index.html` (pick a language), `<locale>/index.html`,
//! `<locale>/<rel>.html` per guide (a "not translated" page where a guide exists only in the
//! other language), `assets/` (copied from `templates/assets/`), `search-index.json` and
//! the same index as `search-index.js`.
//!
//! Invariants: pure and deterministic like the rest of `render`; templates get view structs
//! built here, never the model; every link is relative and nothing refers to another host
//! except links a reader clicks; pages declare a strict Content-Security-Policy and carry
//! no inline script or style.

mod html;
pub mod search;
pub mod theme;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use html::{esc, html_id, safe_href, sanitize};
pub use theme::{Theme, ThemeError, Ui};

use self::html::{Other, PageRenderer};
use self::search::{Entry, SearchIndex};
use super::OutputFile;
use super::json::StepStatuses;
use crate::ids::ItemId;
use crate::manifest::{self, CheckKind, Manifest};
use crate::model::{Guide, blocks_text, plain_text};
use crate::pairs::GuidePair;
use crate::project::{Compiled, Config};
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

#[derive(Serialize)]
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
    /// `guide`, `missing`, `index` or `root`.
    kind: &'static str,
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

#[derive(Serialize)]
struct MarkLink {
    href: String,
    text: String,
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
struct IndexEntry {
    title: String,
    /// The guide's language, when it is not the page's (a guide not translated yet).
    lang: Option<String>,
    href: String,
    steps: String,
    status: Option<String>,
    status_kind: &'static str,
}

#[derive(Serialize)]
struct IndexView<'a> {
    page: Chrome<'a>,
    guides: Vec<IndexEntry>,
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
            title: check.title.get(locale).to_string(),
            command: manifest::display_argv(&check.argv),
        });
    }
    out
}

/// One page to render: a guide, or the stand-in for a guide missing in this locale.
struct PageSpec<'a> {
    locale: String,
    /// Relative path of the page's guide below its locale folder, without `.md`.
    rel: String,
    guide: &'a Compiled,
    /// `false`: this is the stand-in page; `guide` is the one in the other language.
    real: bool,
    /// (locale, rel) of the page in the other language, when there is one to link to.
    other: Option<(String, String)>,
    /// Whether `other` is the real translation (`false`: it is a stand-in page).
    other_real: bool,
    findings: usize,
    manifest: String,
}

fn page_rel(rel: &str) -> String {
    rel.strip_suffix(".md").unwrap_or(rel).to_string()
}

fn root_prefix(rel: &str) -> String {
    "../".repeat(rel.matches('/').count() + 1)
}

fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// The site's files (paths below the output folder), from the compiled guides, their pairs
/// and sync results.
pub fn outputs(
    config: &Config,
    compiled: &[Compiled],
    pairs: &[GuidePair],
    report: &SyncReport,
    statuses: &StepStatuses,
    manifests: &[Manifest],
    theme: &Theme,
) -> Result<Vec<OutputFile>, ThemeError> {
    let _ = compiled;
    let specs = page_specs(pairs, report, &crate::pairs::locales(config), &config.locales);
    let mut files = Vec::new();
    let mut index = SearchIndex { version: 1, ..SearchIndex::default() };
    let mut by_locale: BTreeMap<String, Vec<IndexEntry>> = BTreeMap::new();
    for spec in &specs {
        let path = format!("{}/{}.html", spec.locale, spec.rel);
        let guide = spec.guide.guide.as_ref().expect("specs hold parsed guides");
        let html = if spec.real {
            let manifest = manifests.iter().find(|m| m.guide == guide.id);
            let checks = check_views(manifest, &spec.locale, theme.ui(&spec.locale)?);
            guide_page(spec, guide, statuses, &checks, theme, &config.title, &mut index)?
        } else {
            missing_page(spec, guide, theme, &config.title)?
        };
        let ui = theme.ui(&spec.locale)?;
        let other_name = match &spec.other {
            Some((l, _)) => theme.language_in(ui, l)?,
            None => String::new(),
        };
        let (status, status_kind) = if !spec.real {
            (Some(fill(&ui.only_in, &[("other", &other_name)])), "missing")
        } else if spec.findings > 0 && spec.other_real {
            (Some(fill(&ui.differs_in, &[("n", &spec.findings.to_string()), ("other", &other_name)])), "drift")
        } else if spec.other.is_some() && !spec.other_real {
            (Some(fill(&ui.only_in, &[("other", &theme.language_in(ui, &spec.locale)?)])), "missing")
        } else {
            (None, "")
        };
        by_locale.entry(spec.locale.clone()).or_default().push(IndexEntry {
            title: guide.title_text.clone(),
            lang: (!spec.real).then(|| spec.guide.file.locale.clone()),
            href: format!("{}.html", spec.rel),
            steps: fill(&ui.steps_count, &[("n", &guide.steps().len().to_string())]),
            status,
            status_kind,
        });
        files.push(OutputFile { path: format!("{SITE_DIR}/{path}"), bytes: html.into_bytes() });
    }
    let locales: Vec<&String> = config.locales.iter().filter(|l| theme.ui.contains_key(*l)).collect();
    for locale in &locales {
        let ui = theme.ui(locale)?;
        let mut guides = by_locale.remove(*locale).unwrap_or_default();
        guides.sort_by(|a, b| a.href.cmp(&b.href));
        let page = Chrome {
            lang: locale.to_string(),
            ui,
            title: config.title.clone(),
            site_title: config.title.clone(),
            root: "../".into(),
            index_href: "index.html".into(),
            alternates: locales
                .iter()
                .map(|l| alternate(theme, l, &format!("../{l}/index.html")))
                .collect::<Result<_, _>>()?,
            switch: match locales.iter().find(|l| *l != locale) {
                Some(l) => Some(alternate(theme, l, &format!("../{l}/index.html"))?),
                None => None,
            },
            kind: "index",
        };
        let html = theme.render("index.html", &IndexView { page, guides })?;
        files.push(OutputFile { path: format!("{SITE_DIR}/{locale}/index.html"), bytes: html.into_bytes() });
    }
    if let Some(first) = locales.first() {
        let ui = theme.ui(first)?;
        let languages =
            locales.iter().map(|l| alternate(theme, l, &format!("{l}/index.html"))).collect::<Result<Vec<_>, _>>()?;
        let page = Chrome {
            lang: first.to_string(),
            ui,
            title: config.title.clone(),
            site_title: config.title.clone(),
            root: String::new(),
            index_href: format!("{first}/index.html"),
            alternates: locales
                .iter()
                .map(|l| alternate(theme, l, &format!("{l}/index.html")))
                .collect::<Result<_, _>>()?,
            switch: None,
            kind: "root",
        };
        let html = theme.render("root.html", &RootView { page, languages })?;
        files.push(OutputFile { path: format!("{SITE_DIR}/index.html"), bytes: html.into_bytes() });
    }
    for (name, bytes) in &theme.assets {
        files.push(OutputFile { path: format!("{SITE_DIR}/assets/{name}"), bytes: bytes.clone() });
    }
    files.push(OutputFile { path: format!("{SITE_DIR}/search-index.json"), bytes: index.to_json().into_bytes() });
    files.push(OutputFile { path: format!("{SITE_DIR}/search-index.js"), bytes: index.to_script().into_bytes() });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn alternate(theme: &Theme, locale: &str, href: &str) -> Result<Alternate, ThemeError> {
    Ok(Alternate { lang: locale.to_string(), href: href.to_string(), name: theme.ui(locale)?.language_name.clone() })
}

/// Every page of the site: the guides, and a stand-in wherever a guide has no translation
/// (unless a real page already sits at that path). In pair order, which is sorted.
fn page_specs<'a>(
    pairs: &[GuidePair<'a>],
    report: &SyncReport,
    locales: &(String, String),
    known: &[String],
) -> Vec<PageSpec<'a>> {
    let parsed = |c: Option<&'a Compiled>| c.filter(|c| c.guide.is_some());
    let mut specs = Vec::new();
    let mut missing = Vec::new();
    for (i, pair) in pairs.iter().enumerate() {
        let findings = report.pairs.get(i).map_or(0, |p| p.findings.len());
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

fn guide_page(
    spec: &PageSpec,
    guide: &Guide,
    statuses: &StepStatuses,
    checks: &BTreeMap<String, Vec<CheckView>>,
    theme: &Theme,
    site_title: &str,
    index: &mut SearchIndex,
) -> Result<String, ThemeError> {
    let ui = theme.ui(&spec.locale)?;
    let root = root_prefix(&spec.rel);
    let file = spec.guide.file.display();
    let mine: BTreeMap<crate::ids::StepId, crate::model::StepSync> = statuses
        .range((file.clone(), crate::ids::StepId::default())..)
        .take_while(|((f, _), _)| *f == file)
        .map(|((_, id), s)| (id.clone(), s.clone()))
        .collect();
    let other = match &spec.other {
        Some((locale, rel)) => {
            Some(Other { name: theme.language_in(ui, locale)?, page: format!("{root}{locale}/{rel}.html") })
        }
        None => None,
    };
    let mut r = PageRenderer {
        theme,
        ui,
        other: other.clone().filter(|_| spec.other_real),
        statuses: mine,
        checks,
        ids: RESERVED_IDS.iter().map(|s| s.to_string()).collect(),
        steps: Vec::new(),
    };
    let title_html = r.inlines(&guide.title);
    let shortdesc_html = guide.shortdesc.as_ref().map(|s| r.inlines(s));
    let mut sections = Vec::new();
    for (n, section) in guide.sections.iter().enumerate() {
        let section_checks = checks.get(&format!("{}.s{n}", guide.id)).cloned().unwrap_or_default();
        let (heading_html, id) = match &section.heading {
            Some(h) => (Some(r.inlines(&h.content)), h.anchor.as_deref().and_then(|a| r.claim(a))),
            None => (None, None),
        };
        let body_html = r.blocks(&section.blocks)?;
        if heading_html.is_none() && body_html.is_empty() && section_checks.is_empty() {
            continue;
        }
        sections.push(SectionView {
            checks: section_checks,
            level: section.level.clamp(2, 6),
            id,
            heading_html,
            body_html,
        });
    }
    let page_url = format!("{}/{}.html", spec.locale, spec.rel);
    let mut page_text = guide.shortdesc.as_ref().map(|s| plain_text(s)).unwrap_or_default();
    for s in &guide.sections {
        if let Some(h) = &s.heading {
            page_text.push(' ');
            page_text.push_str(&h.text);
        }
    }
    index.add(
        Entry { l: spec.locale.clone(), u: page_url.clone(), t: guide.title_text.clone(), g: String::new() },
        &page_text,
    );
    for step in guide.steps() {
        let mut text = String::new();
        blocks_text(&step.body, false, &mut text);
        index.add(
            Entry {
                l: spec.locale.clone(),
                u: format!("{page_url}#{}", html_id(&step.id.to_string())),
                t: step.command_text.clone(),
                g: guide.title_text.clone(),
            },
            &text,
        );
    }
    let banner = match &other {
        Some(o) if spec.other_real && spec.findings > 0 => Some(Banner {
            kind: "drift",
            text: fill(&ui.drift_banner, &[("n", &spec.findings.to_string()), ("other", &o.name)]),
            link_href: o.page.clone(),
            link_text: fill(&ui.drift_open_other, &[("other", &o.name)]),
            marks: r
                .steps
                .iter()
                .filter_map(|(id, text, mark)| {
                    mark.map(|status| MarkLink { href: format!("#{id}"), text: text.clone(), status })
                })
                .collect(),
        }),
        Some(o) if !spec.other_real => Some(Banner {
            kind: "missing",
            text: fill(&ui.only_in, &[("other", &theme.language_in(ui, &spec.locale)?)]),
            link_href: o.page.clone(),
            link_text: fill(&ui.missing_link, &[("other", &o.name)]),
            marks: Vec::new(),
        }),
        _ => None,
    };
    let page = chrome(spec, ui, theme, &root, (guide.title_text.clone(), site_title), "guide")?;
    let view = GuideView {
        page,
        id: guide.id.clone(),
        manifest: spec.manifest.clone(),
        title_html,
        title_text: guide.title_text.clone(),
        shortdesc_html,
        sections,
        steps: r.steps.len(),
        banner,
    };
    theme.render("guide.html", &view)
}

fn chrome<'a>(
    spec: &PageSpec,
    ui: &'a Ui,
    theme: &Theme,
    root: &str,
    (title, site_title): (String, &str),
    kind: &'static str,
) -> Result<Chrome<'a>, ThemeError> {
    let mut alternates = vec![alternate(theme, &spec.locale, &format!("{root}{}/{}.html", spec.locale, spec.rel))?];
    let mut switch = None;
    if let Some((locale, rel)) = &spec.other {
        let alt = alternate(theme, locale, &format!("{root}{locale}/{rel}.html"))?;
        alternates.push(alternate(theme, locale, &alt.href)?);
        switch = Some(alt);
    }
    alternates.sort_by(|a, b| a.lang.cmp(&b.lang));
    Ok(Chrome {
        lang: spec.locale.clone(),
        ui,
        title,
        site_title: site_title.to_string(),
        root: root.to_string(),
        index_href: format!("{root}{}/index.html", spec.locale),
        alternates,
        switch,
        kind,
    })
}

fn missing_page(spec: &PageSpec, guide: &Guide, theme: &Theme, site_title: &str) -> Result<String, ThemeError> {
    let ui = theme.ui(&spec.locale)?;
    let root = root_prefix(&spec.rel);
    let (other_locale, other_rel) = spec.other.clone().expect("a stand-in page points at its guide");
    let other_name = theme.language_in(ui, &other_locale)?;
    let own_name = theme.language_in(ui, &spec.locale)?;
    let page = chrome(spec, ui, theme, &root, (guide.title_text.clone(), site_title), "missing")?;
    let view = MissingView {
        page,
        heading: fill(&ui.missing_title, &[("language", &own_name)]),
        body: fill(&ui.missing_body, &[("language", &own_name), ("other", &other_name)]),
        link_href: format!("{root}{other_locale}/{other_rel}.html"),
        link_text: guide.title_text.clone(),
    };
    theme.render("missing.html", &view)
}
