//! Discovering a project: `preflight.toml`, the locale folders and the guides in them,
//! and reading their bytes. One of the three places that touch the file system
//! (with [`crate::emit`] and the CLI).
//!
//! Invariant: discovery only reads. Files are listed in a stable order (sorted by
//! relative path, `/`-separated), whatever the file system returns.

use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::model::{Guide, Span};
use crate::parse;
use crate::source::Source;

pub const CONFIG_FILE: &str = "preflight.toml";

/// Project settings from `docs-src/preflight.toml`. Every key is optional; unknown
/// keys are errors.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Display name of the project (site title).
    pub title: String,
    /// Locale folders under the source root, in display order.
    pub locales: Vec<String>,
    /// The locale translations are made from.
    pub source_locale: String,
    /// Explicit pairs for guides whose paths differ between locales.
    #[serde(rename = "pair")]
    pub pairs: Vec<PairEntry>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PairEntry {
    pub en: String,
    pub zh: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            title: "preflight".into(),
            locales: vec!["en-US".into(), "zh-CN".into()],
            source_locale: "en-US".into(),
            pairs: Vec::new(),
        }
    }
}

/// A project-level problem that stops the work (as opposed to a diagnostic in one file).
#[derive(Debug)]
pub enum ProjectError {
    Io { path: PathBuf, err: std::io::Error },
    Config { path: PathBuf, line: u32, column: u32, message: String },
    NotFound { path: PathBuf },
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectError::Io { path, err } => write!(f, "{}: {err}", path.display()),
            ProjectError::Config { path, line, column, message } => {
                write!(f, "{}:{line}:{column}: {message}", path.display())
            }
            ProjectError::NotFound { path } => write!(f, "{}: no such directory", path.display()),
        }
    }
}

impl std::error::Error for ProjectError {}

/// One Markdown file of the project.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub locale: String,
    /// Path relative to the locale folder, `/`-separated: the pairing key.
    pub rel: String,
    pub path: PathBuf,
}

impl SourceFile {
    /// Path relative to the source root, as diagnostics show it.
    pub fn display(&self) -> String {
        format!("{}/{}", self.locale, self.rel)
    }
}

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub files: Vec<SourceFile>,
    /// Markdown files outside every locale folder (reported, not built).
    pub stray: Vec<String>,
}

pub fn load_config(root: &Path) -> Result<Config, ProjectError> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(err) => return Err(ProjectError::Io { path, err }),
    };
    parse_config(&text).map_err(|(line, column, message)| ProjectError::Config { path, line, column, message })
}

/// Parse a config text; errors carry 1-based line and column.
pub fn parse_config(text: &str) -> Result<Config, (u32, u32, String)> {
    parse_toml(text)
}

/// Parse any TOML document into `T`; errors carry 1-based line and column.
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (u32, u32, String)> {
    toml::from_str(text).map_err(|err| {
        let (line, column) = err.span().map_or((1, 1), |s| {
            let src = Source::new("", text);
            src.line_col(s.start)
        });
        (line, column, err.message().to_string())
    })
}

pub fn discover(root: &Path) -> Result<Project, ProjectError> {
    if !root.is_dir() {
        return Err(ProjectError::NotFound { path: root.to_path_buf() });
    }
    let config = load_config(root)?;
    let mut files = Vec::new();
    for locale in &config.locales {
        let dir = root.join(locale);
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|err| ProjectError::Io {
                path: err.path().map_or_else(|| dir.clone(), Path::to_path_buf),
                err: err.into(),
            })?;
            if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let rel = rel_path(&dir, entry.path());
            files.push(SourceFile { locale: locale.clone(), rel, path: entry.into_path() });
        }
    }
    files.sort_by(|a, b| (&a.locale, &a.rel).cmp(&(&b.locale, &b.rel)));
    let mut stray = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name().into_iter().filter_map(Result::ok) {
        let rel = rel_path(root, entry.path());
        let in_locale = config.locales.iter().any(|l| rel.starts_with(&format!("{l}/")));
        if entry.file_type().is_file() && rel.ends_with(".md") && !in_locale {
            stray.push(rel);
        }
    }
    Ok(Project { root: root.to_path_buf(), config, files, stray })
}

fn rel_path(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Guess a locale from a path (`…/zh-CN/…`, `…_en-US.md`), for files given alone.
pub fn guess_locale(path: &Path) -> String {
    let text = path.to_string_lossy();
    for (needle, locale) in [("zh-CN", "zh-CN"), ("zh_CN", "zh-CN"), ("en-US", "en-US"), ("en_US", "en-US")] {
        if text.contains(needle) {
            return locale.to_string();
        }
    }
    "und".to_string()
}

/// A guide read and parsed, or the reason it could not be read.
#[derive(Debug)]
pub struct Compiled {
    pub file: SourceFile,
    pub guide: Option<Guide>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Read one file and parse it. Unreadable or non-UTF-8 files give an error diagnostic.
pub fn compile_file(file: &SourceFile) -> Compiled {
    let display = file.display();
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let diag = Diagnostic::error("input::unreadable", &display, Span::default(), format!("cannot read: {err}"));
            return Compiled { file: file.clone(), guide: None, diagnostics: vec![diag] };
        }
    };
    match Source::decode(display.clone(), &bytes) {
        Ok(source) => {
            let (guide, diagnostics) = parse::parse_guide(&source, &file.locale);
            let guide = Guide { file: display, ..guide };
            Compiled { file: file.clone(), guide: Some(guide), diagnostics }
        }
        Err(err) => Compiled { file: file.clone(), guide: None, diagnostics: vec![err.to_diagnostic(&display)] },
    }
}

/// Parse every file of the project, in parallel; the result is in file order.
pub fn compile_all(project: &Project) -> Vec<Compiled> {
    project.files.par_iter().map(compile_file).collect()
}
