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
    pub report: EmitReport,
    pub summary: Summary,
    pub sync: SyncReport,
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
pub fn render_all(config: &Config, rules: &Rules, compiled: &[Compiled]) -> (Vec<OutputFile>, SyncReport) {
    render_all_with(config, rules, compiled, render::site::Theme::embedded())
        .expect("the embedded theme renders (tested)")
}

/// All output files of a project with a given site theme. Each stage adds its files here.
pub fn render_all_with(
    config: &Config,
    rules: &Rules,
    compiled: &[Compiled],
    theme: &render::site::Theme,
) -> Result<(Vec<OutputFile>, SyncReport), render::site::ThemeError> {
    let pairs = pairs::pair_project(config, compiled);
    let (sync_report, comparisons) = sync::sync_pairs(&pairs);
    let mut statuses = BTreeMap::new();
    for (pair, comparison) in pairs.iter().zip(&comparisons) {
        for (side, en_side) in [(pair.en, true), (pair.zh, false)] {
            let Some(c) = side else { continue };
            for (id, status) in sync::step_statuses(comparison, en_side) {
                statuses.insert((c.file.display(), id), status);
            }
        }
    }
    let mut files = render::json::outputs(compiled, &statuses);
    files.push(OutputFile { path: "sync.json".into(), bytes: render::json::to_json(&sync_report).into_bytes() });
    files.push(OutputFile { path: "schema/sync.schema.json".into(), bytes: render::sync::sync_schema().into_bytes() });
    let manifests = manifest::build_all(&pairs, &comparisons, rules);
    files.extend(manifest::outputs(&manifests));
    let manifests: Vec<manifest::Manifest> = manifests.into_iter().map(|(_, m)| m).collect();
    files.extend(render::site::outputs(config, compiled, &pairs, &sync_report, &statuses, &manifests, theme)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, sync_report))
}

pub fn build(src: &Path, out: &Path) -> Result<BuildResult, BuildError> {
    build_with_theme(src, out, render::site::Theme::embedded())
}

/// [`build`] with a site theme read at run time (`serve` reloads `templates/`).
pub fn build_with_theme(src: &Path, out: &Path, theme: &render::site::Theme) -> Result<BuildResult, BuildError> {
    let project = project::discover(src).map_err(BuildError::Project)?;
    // A bad rules file stops the build before anything is rendered or written.
    let rules = rules::load(src).map_err(|e| {
        BuildError::Project(ProjectError::Config { path: e.path, line: e.line, column: e.column, message: e.message })
    })?;
    let compiled = project::compile_all(&project);
    let (files, sync) = render_all_with(&project.config, &rules, &compiled, theme).map_err(BuildError::Site)?;
    let sources: Vec<std::path::PathBuf> = project.config.locales.iter().map(|l| src.join(l)).collect();
    let report =
        emit::write_tree(out, &sources, &files).map_err(|err| BuildError::Write { path: out.to_path_buf(), err })?;
    let summary = summarize(&project, &compiled);
    Ok(BuildResult { project, compiled, report, summary, sync })
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
    for section in &guide.sections {
        walk(&section.blocks, &mut |b| match b {
            Block::Note(_) => counts.0 += 1,
            Block::Table(_) => counts.1 += 1,
            _ => {}
        });
    }
    counts
}

/// Visit every block at every depth (the parser bounds the depth).
pub fn walk(blocks: &[Block], f: &mut dyn FnMut(&Block)) {
    for block in blocks {
        f(block);
        match block {
            Block::Procedure(p) => p.steps.iter().for_each(|s| walk(&s.body, f)),
            Block::Choices { items, .. } | Block::List { items, .. } => items.iter().for_each(|i| walk(&i.blocks, f)),
            Block::Note(n) => walk(&n.blocks, f),
            Block::Result { content, .. } | Block::Quote { blocks: content, .. } => walk(content, f),
            Block::Table(t) => {
                for cell in t.rows.iter().flat_map(|r| r.cells[r.inherited as usize..].iter()).chain(&t.header) {
                    walk(&cell.blocks, f)
                }
            }
            _ => {}
        }
    }
}

pub fn all_diagnostics(compiled: &[Compiled]) -> impl Iterator<Item = &Diagnostic> {
    compiled.iter().flat_map(|c| c.diagnostics.iter())
}
