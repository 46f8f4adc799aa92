//! `build`: discover → parse → render → emit, the whole pipeline for one project.

use std::path::Path;

use crate::diag::{Diagnostic, Severity};
use crate::emit::{self, EmitReport};
use crate::model::{Block, Guide};
use std::collections::BTreeMap;

use crate::manifest;
use crate::pairs;
use crate::project::{self, Compiled, Config, Project, ProjectError};
use crate::render::{self, OutputFile};
use crate::rules::{self, Rules};
use crate::sync::{self, SyncReport};

#[derive(Debug)]
pub struct BuildResult {
    pub project: Project,
    pub compiled: Vec<Compiled>,
    /// Diagnostics of the project and of pairing (those of each file are in `compiled`).
    pub diagnostics: Vec<Diagnostic>,
    pub report: EmitReport,
    pub summary: Summary,
    pub sync: SyncReport,
    /// How stale steps were looked for (`build --history`), or why they were not.
    pub history: Option<String>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub guides: usize,
    pub per_locale: Vec<(String, usize)>,
    pub steps: usize,
    pub notes: usize,
    pub tables: usize,
    pub warnings: usize,
    pub errors: usize,
}

#[derive(Debug)]
pub enum BuildError {
    Project(ProjectError),
    Write {
        path: std::path::PathBuf,
        err: std::io::Error,
    },
    /// The site's templates or UI strings are broken.
    Site(render::site::ThemeError),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Project(e) => e.fmt(f),
            BuildError::Write { path, err } => write!(f, "cannot write {}: {err}", path.display()),
            BuildError::Site(e) => write!(f, "templates: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// All output files of a project, rendered in memory, and the sync report they
/// include, with the site's theme compiled into preflight.
pub fn render_all(
    config: &Config,
    rules: &Rules,
    compiled: &[Compiled],
) -> (Vec<OutputFile>, SyncReport, Vec<Diagnostic>) {
    render_all_with(config, rules, compiled, render::site::Theme::embedded())
        .expect("the embedded theme renders (tested)")
}

/// All output files of a project with a given site theme. Each stage adds its files here.
pub fn render_all_with(
    config: &Config,
    rules: &Rules,
    compiled: &[Compiled],
    theme: &render::site::Theme,
) -> Result<(Vec<OutputFile>, SyncReport, Vec<Diagnostic>), render::site::ThemeError> {
    let pairs = pairs::pair_project(config, compiled);
    let (sync_report, comparisons) = sync::sync_pairs_with(&pairs, &config.content);
    let mut statuses = BTreeMap::new();
    for (pair, comparison) in pairs.iter().zip(&comparisons) {
        for (side, en_side) in [(pair.en, true), (pair.zh, false)] {
            let Some(c) = side else { continue };
            for (id, status) in sync::step_statuses(comparison, en_side) {
                statuses.insert((c.file.display(), id), status);
            }
        }
    }
    let manifests = manifest::build_all(&pairs, &comparisons, rules);
    let links = index_links(&pairs, &comparisons, &manifests);
    let mut files = render::json::outputs_linked(compiled, &statuses, &links, render::json::JsonStyle::Compact);
    files.push(OutputFile { path: "sync.json".into(), bytes: render::json::to_json(&sync_report).into_bytes() });
    files.push(OutputFile { path: "schema/sync.schema.json".into(), bytes: render::sync::sync_schema().into_bytes() });
    files.extend(manifest_outputs(&manifests));
    let manifests: Vec<manifest::Manifest> = manifests.into_iter().map(|(_, m)| m).collect();
    let (site, site_diagnostics) =
        render::site::outputs(config, compiled, &pairs, &sync_report, &statuses, &manifests, theme)?;
    files.extend(site);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut diagnostics = site_diagnostics;
    for (dir, locale) in &config.folders {
        let ui = theme.ui_locale(locale);
        if ui != locale {
            diagnostics.push(Diagnostic::warning(
                "site::no-ui-strings",
                dir,
                crate::model::Span::default(),
                format!("the site has no words for `{locale}`: its pages use those of `{ui}`"),
            ));
        }
    }
    Ok((files, sync_report, diagnostics))
}

/// Build the project at `root` into `out`.
pub fn build(root: &Path, out: &Path) -> Result<BuildResult, BuildError> {
    build_with_theme(root, out, render::site::Theme::embedded())
}

/// [`build`] with a site theme read at run time (`serve` reloads `templates/`).
pub fn build_with_theme(root: &Path, out: &Path, theme: &render::site::Theme) -> Result<BuildResult, BuildError> {
    let project = project::discover(root).map_err(BuildError::Project)?;
    build_project(project, out, theme)
}

/// Read, pair and name every guide of a project: what `build` and `sync` work on.
pub fn compile(project: &Project) -> Result<(Vec<Compiled>, Vec<Diagnostic>), ProjectError> {
    if project.files.is_empty() {
        let dirs: Vec<String> = project.locale_dirs.iter().map(|l| format!("{} ({})", l.dir, l.locale)).collect();
        return Err(ProjectError::Empty {
            root: project.root.clone(),
            message: format!("no Markdown pages (*.md) in {}", dirs.join(", ")),
        });
    }
    let mut compiled = project::compile_all(project);
    if compiled.iter().all(|c| c.guide.is_none()) {
        let why: Vec<String> = all_diagnostics(&compiled).map(|d| format!("\n  {d}")).collect();
        return Err(ProjectError::Empty {
            root: project.root.clone(),
            message: format!("none of the {} pages could be read:{}", compiled.len(), why.concat()),
        });
    }
    let mut diagnostics = project.diagnostics.clone();
    diagnostics.extend(pair_and_link(&project.config, &mut compiled));
    Ok((compiled, diagnostics))
}

/// Pair and name the guides, resolve links between pages, and share step ids across each
/// pair: everything between parsing and rendering. Returns pairing's diagnostics.
pub fn pair_and_link(config: &Config, compiled: &mut [Compiled]) -> Vec<Diagnostic> {
    let diagnostics = pairs::name_pairs(config, compiled);
    // Page links first: they are part of what sync aligns steps by.
    page_links(&config.folders, compiled);
    share_step_ids(config, compiled);
    diagnostics
}

/// Links to pages of the project name the page's pair (`LinkKind::Page`), and each step
/// lists those of its own content among its identifiers, so a link to page X in en-US and
/// to its translation X' in zh-CN is the same link to sync, and a link to another pair is
/// drift. Links to pages the project lacks stay paths (the site reports them).
fn page_links(folders: &[(String, String)], compiled: &mut [Compiled]) {
    use crate::model::{Identifier, IdentifierKind, Inline, LinkKey, LinkKind};
    use crate::render::site::links::{self, Link};
    use std::collections::HashMap;
    let ids: HashMap<(String, String), String> = compiled
        .iter()
        .filter_map(|c| Some(((c.file.locale.clone(), c.file.rel.clone()), c.guide.as_ref()?.id.clone())))
        .collect();
    for c in compiled.iter_mut() {
        let Some(guide) = c.guide.as_mut() else { continue };
        let (locale, rel) = (&c.file.locale, &c.file.rel);
        let mut rewrite = |inline: &mut Inline| {
            let Inline::Link { dest, key, .. } = inline else { return };
            if key.kind != LinkKind::Path {
                return;
            }
            if let Link::Page { locale, rel, fragment } = links::resolve(locale, rel, dest, folders)
                && let Some(id) = ids.get(&(locale, rel))
            {
                let value = if fragment.is_empty() { id.clone() } else { format!("{id}#{fragment}") };
                *key = LinkKey { kind: LinkKind::Page, value };
            }
        };
        for section in &mut guide.sections {
            crate::model::for_each_inline_mut(&mut section.blocks, &mut rewrite);
        }
        guide.for_each_step_mut(&mut |step| {
            let before = step.identifiers.len();
            for key in crate::model::own_link_keys(step) {
                if key.kind == LinkKind::Page {
                    step.identifiers
                        .push(Identifier { kind: IdentifierKind::Link, value: format!("page:{}", key.value) });
                }
            }
            if step.identifiers.len() > before {
                crate::keys::normalize(&mut step.identifiers);
            }
        });
    }
}

/// Compare each pair once and give the zh-CN steps the ids of the en-US steps they align
/// with (see [`sync::shared_step_ids`]).
fn share_step_ids(config: &Config, compiled: &mut [Compiled]) {
    use rayon::prelude::*;
    let pairs = pairs::pair_indices(config, compiled);
    let renames: Vec<(usize, Vec<_>)> = pairs
        .par_iter()
        .filter_map(|(i, j, _)| {
            let (en, zh) = (compiled[(*i)?].guide.as_ref()?, compiled[(*j)?].guide.as_ref()?);
            Some(((*j)?, sync::shared_step_ids(&sync::compare(en, zh), en, zh)))
        })
        .collect();
    for (j, renames) in renames {
        if let Some(g) = compiled[j].guide.as_mut() {
            g.rename_steps(&renames);
        }
    }
}

/// Build a discovered project into `out`.
pub fn build_project(project: Project, out: &Path, theme: &render::site::Theme) -> Result<BuildResult, BuildError> {
    build_project_with(project, out, theme, false)
}

/// [`build_project`], with git history read first when `history` is set (`build
/// --history`): stale steps are then reported and marked on the site. Off by default, so
/// the output is a function of the sources alone.
pub fn build_project_with(
    project: Project,
    out: &Path,
    theme: &render::site::Theme,
    history: bool,
) -> Result<BuildResult, BuildError> {
    // A bad rules file stops the build before anything is rendered or written.
    let rules = rules::load_file(&project.rules_path()).map_err(|e| BuildError::Project(ProjectError::Config(e)))?;
    let (mut compiled, mut diagnostics) = compile(&project).map_err(BuildError::Project)?;
    let history = history.then(|| match crate::history::attach(&mut compiled) {
        Ok(summary) => summary.note(),
        Err(why) => format!("stale steps not computed: {why}"),
    });
    let (files, sync, site_diagnostics) =
        render_all_with(&project.config, &rules, &compiled, theme).map_err(BuildError::Site)?;
    // The site's diagnostics (broken links) belong to the page that holds them; the others
    // (a locale without UI strings) to the project.
    let by_file: BTreeMap<String, usize> = compiled.iter().enumerate().map(|(i, c)| (c.file.display(), i)).collect();
    for d in site_diagnostics {
        match by_file.get(&d.file) {
            Some(&i) => compiled[i].diagnostics.push(d),
            None => diagnostics.push(d),
        }
    }
    let report = emit::write_tree(out, &project.source_dirs(), &files)
        .map_err(|err| BuildError::Write { path: out.to_path_buf(), err })?;
    let mut summary = summarize(&project, &compiled);
    for d in &diagnostics {
        match d.severity {
            Severity::Warning => summary.warnings += 1,
            Severity::Error => summary.errors += 1,
        }
    }
    Ok(BuildResult { project, compiled, diagnostics, report, summary, sync, history })
}

pub fn summarize(project: &Project, compiled: &[Compiled]) -> Summary {
    let mut s = Summary::default();
    for locale in &project.config.locales {
        let n = compiled.iter().filter(|c| &c.file.locale == locale && c.guide.is_some()).count();
        s.per_locale.push((locale.clone(), n));
    }
    for c in compiled {
        for d in &c.diagnostics {
            match d.severity {
                Severity::Warning => s.warnings += 1,
                Severity::Error => s.errors += 1,
            }
        }
        let Some(guide) = &c.guide else { continue };
        s.guides += 1;
        let (notes, tables) = count_blocks(guide);
        s.steps += guide.steps().len();
        s.notes += notes;
        s.tables += tables;
    }
    s
}

/// Notes and tables anywhere in a guide.
pub fn count_blocks(guide: &Guide) -> (usize, usize) {
    let mut counts = (0, 0);
    crate::walk::guide_blocks(guide, &mut |b| match b {
        Block::Note(_) => counts.0 += 1,
        Block::Table(_) => counts.1 += 1,
        _ => {}
    });
    counts
}

pub fn all_diagnostics(compiled: &[Compiled]) -> impl Iterator<Item = &Diagnostic> {
    compiled.iter().flat_map(|c| c.diagnostics.iter())
}

/// The manifest files of a build, and the schemas of manifests and run results.
pub fn manifest_outputs(manifests: &[(String, manifest::Manifest)]) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = manifests
        .iter()
        .map(|(path, m)| OutputFile { path: path.clone(), bytes: manifest::to_toml(m).into_bytes() })
        .collect();
    files.push(OutputFile {
        path: "schema/manifest.schema.json".into(),
        bytes: manifest::manifest_schema().into_bytes(),
    });
    files.push(OutputFile {
        path: "schema/results.schema.json".into(),
        bytes: crate::run::results_schema().into_bytes(),
    });
    files
}

/// Each guide's manifest, counterpart and sync status, for `index.json`.
fn index_links(
    pairs: &[pairs::GuidePair],
    comparisons: &[sync::Comparison],
    manifests: &[(String, manifest::Manifest)],
) -> render::json::IndexLinks {
    use crate::model::SyncStatus;
    let written: std::collections::BTreeSet<&str> = manifests.iter().map(|(p, _)| p.as_str()).collect();
    let mut out = render::json::IndexLinks::new();
    for (pair, comparison) in pairs.iter().zip(comparisons) {
        let rel = pair.en.or(pair.zh).map(|c| c.file.rel.as_str()).unwrap_or_default();
        let path = manifest::manifest_path(rel);
        let manifest = written.contains(path.as_str()).then_some(path);
        let sync = match (pair.en, pair.zh) {
            (Some(_), Some(_)) if comparison.findings.is_empty() => SyncStatus::InSync,
            (Some(_), Some(_)) => SyncStatus::Drift,
            _ => SyncStatus::Unmatched,
        };
        for (me, other) in [(pair.en, pair.zh), (pair.zh, pair.en)] {
            let Some(me) = me else { continue };
            let counterpart = other.map(|o| o.file.display());
            out.insert(me.file.display(), render::json::GuideLinks { manifest: manifest.clone(), counterpart, sync });
        }
    }
    out
}
