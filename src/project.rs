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

use crate::diag::{Diagnostic, FileError};
use crate::model::{Guide, Span};
use crate::parse;
use crate::source::{Source, parse_toml};

pub const CONFIG_FILE: &str = "preflight.toml";
/// The rules file read when `preflight.toml` names none.
pub const RULES_FILE: &str = "rules.toml";

/// Project settings from `preflight.toml` at the project root. Every key is optional;
/// unknown keys are errors.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Display name of the project (site title). Default: the name of the root folder.
    pub title: String,
    /// Which folder holds which locale: `[locales.en-US] path = "intl.en-US"`, or the short
    /// form `locales = ["en-US", "zh-CN"]` (folders named as their locales). Absent: the
    /// folders are found by their conventional names (see [`detect_locales`]).
    #[serde(rename = "locales")]
    pub locale_spec: Option<toml::Spanned<toml::Value>>,
    /// The locale tags of the project in display order (source locale first), resolved
    /// by [`discover`]; not a key of the file.
    #[serde(skip)]
    pub locales: Vec<String>,
    /// Each locale folder relative to the root with its locale (`("intl.en-US", "en-US")`),
    /// resolved by [`discover`]; not a key of the file.
    #[serde(skip)]
    pub folders: Vec<(String, String)>,
    /// The locale translations are made from.
    pub source_locale: String,
    /// A pairs file (the format `preflight pair -o` writes), relative to `preflight.toml`.
    #[serde(rename = "pairs")]
    pub pairs_file: Option<toml::Spanned<String>>,
    /// Explicit pairs for guides whose paths differ between locales. After [`discover`],
    /// also the entries of the pairs file, as paths relative to the project root.
    #[serde(rename = "pair")]
    pub pairs: Vec<PairEntry>,
    /// The rules file, relative to `preflight.toml` (default `rules.toml`).
    pub rules: Option<String>,
    /// The output folder, relative to `preflight.toml` (default `generated`).
    pub out: Option<String>,
    /// Findings that make `build` fail (exit 1): `["drift"]`. `sync` always fails on them.
    pub deny: Vec<Deny>,
    /// The content checks of sync (`[content]`): see [`content::ContentConfig`].
    pub content: content::ContentConfig,
    /// The baseline file `sync` applies (`--baseline`), relative to `preflight.toml`.
    pub baseline: Option<String>,
}

/// What `deny` (and `build --deny`) can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deny {
    /// Any sync finding.
    Drift,
    /// Any warning diagnostic.
    Warnings,
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
            title: String::new(),
            locale_spec: None,
            locales: Vec::new(),
            folders: Vec::new(),
            source_locale: "en-US".into(),
            pairs_file: None,
            pairs: Vec::new(),
            rules: None,
            out: None,
            deny: Vec::new(),
            content: Default::default(),
            baseline: None,
        }
    }
}

/// A project-level problem that stops the work (as opposed to a diagnostic in one file).
#[derive(Debug)]
pub enum ProjectError {
    Io {
        path: PathBuf,
        err: std::io::Error,
    },
    /// A file of the project's configuration (`preflight.toml`, its pairs file, the rules
    /// file) that cannot be used, at the position of the problem.
    Config(FileError),
    NotFound {
        path: PathBuf,
    },
    /// No locale folder, or no guide in them: building nothing is an error.
    Empty {
        root: PathBuf,
        message: String,
    },
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProjectError::Io { path, err } => write!(f, "{}: {err}", path.display()),
            ProjectError::Config(e) => e.fmt(f),
            ProjectError::NotFound { path } => write!(f, "{}: no such directory", path.display()),
            ProjectError::Empty { root, message } => write!(f, "{}: {message}", root.display()),
        }
    }
}

impl std::error::Error for ProjectError {}

/// One Markdown file of the project.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The locale tag (`en-US`), whatever its folder is called.
    pub locale: String,
    /// Path relative to the locale folder, `/`-separated: the same-path pairing key.
    pub rel: String,
    pub path: PathBuf,
    /// The locale folder relative to the project root (`intl.en-US`), `/`-separated; empty
    /// for a file read alone.
    pub dir: String,
}

impl SourceFile {
    /// A file read alone (`inspect`, `sync EN ZH`, `pair`): shown as `rel`.
    pub fn alone(locale: &str, rel: String, path: PathBuf) -> SourceFile {
        SourceFile { locale: locale.to_string(), rel, path, dir: String::new() }
    }

    /// Path relative to the project root, as diagnostics and reports show it.
    pub fn display(&self) -> String {
        if self.dir.is_empty() { self.rel.clone() } else { format!("{}/{}", self.dir, self.rel) }
    }
}

/// A locale and the folder that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleDir {
    pub locale: String,
    /// Relative to the project root, `/`-separated.
    pub dir: String,
    /// How it was chosen: `preflight.toml`, or found by its conventional name.
    pub configured: bool,
}

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    /// `preflight.toml`, when the project has one.
    pub config_file: Option<PathBuf>,
    pub config: Config,
    pub locale_dirs: Vec<LocaleDir>,
    /// Folders with a conventional locale name that were not taken (`cn.zh-CN` beside
    /// `intl.zh-CN`), with the locale they would hold.
    pub passed_over: Vec<LocaleDir>,
    pub files: Vec<SourceFile>,
    /// Problems with single files or entries (unreadable folders, symbolic links that lead
    /// out of the project, pairs-file entries naming no page): they cost only themselves.
    pub diagnostics: Vec<Diagnostic>,
}

impl Project {
    /// The rules file of the project (which need not exist).
    pub fn rules_path(&self) -> PathBuf {
        self.root.join(self.config.rules.as_deref().unwrap_or(RULES_FILE))
    }

    /// Default output folder: `out` of `preflight.toml`, else `generated/` at the root.
    pub fn default_out(&self) -> PathBuf {
        self.root.join(self.config.out.as_deref().unwrap_or("generated"))
    }

    /// The locale folders, as paths.
    pub fn source_dirs(&self) -> Vec<PathBuf> {
        self.locale_dirs.iter().map(|l| self.root.join(&l.dir)).collect()
    }
}

/// The project root for a command run in `start` without `--src`: the nearest folder at or
/// above `start` that holds a `preflight.toml` (as cargo finds `Cargo.toml`), else `start`.
pub fn find_root(start: &Path) -> PathBuf {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    start.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file()).map_or(start.clone(), Path::to_path_buf)
}

/// The config of the project at `root` and its text (for positions in later errors), or
/// `None` when the project has no `preflight.toml`.
pub fn load_config(root: &Path) -> Result<Option<(Config, String)>, ProjectError> {
    let path = root.join(CONFIG_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(ProjectError::Io { path, err }),
    };
    let text = match Source::decode(path.display().to_string(), &bytes) {
        Ok(source) => source.text,
        Err(err) => {
            let d = err.to_diagnostic(&path.display().to_string());
            return Err(ProjectError::Config(FileError {
                path,
                line: d.span.line,
                column: d.span.column,
                message: d.message,
            }));
        }
    };
    match parse_config(&text) {
        Ok(config) => Ok(Some((config, text))),
        Err((line, column, message)) => Err(ProjectError::Config(FileError { path, line, column, message })),
    }
}

/// Parse a config text; errors carry 1-based line and column.
pub fn parse_config(text: &str) -> Result<Config, (u32, u32, String)> {
    parse_toml(text)
}

/// The locale a folder holds by its conventional name, and how strongly the name says so
/// (0 is best): `en-US`/`zh-CN` (0), `intl.en-US` (1), `en`/`zh` (2), any other
/// `<site>.zh-CN` such as `cn.zh-CN` (3).
pub fn conventional_locale(name: &str) -> Option<(&'static str, u8)> {
    let (prefix, tag) = match name.rsplit_once('.') {
        Some((prefix, tag)) => (Some(prefix), tag),
        None => (None, name),
    };
    let tag = tag.replace('_', "-").to_ascii_lowercase();
    let (locale, exact) = match tag.as_str() {
        "en-us" => ("en-US", true),
        "zh-cn" => ("zh-CN", true),
        "en" => ("en-US", false),
        "zh" => ("zh-CN", false),
        _ => return None,
    };
    let rank = match (prefix, exact) {
        (None, true) => 0,
        (Some("intl"), true) => 1,
        (None, false) => 2,
        (Some(_), _) => 3,
    };
    Some((locale, rank))
}

/// Locale folders found by name directly under `root`: the best-named folder per locale,
/// and the other candidates, passed over.
pub fn detect_locales(root: &Path) -> Result<(Vec<LocaleDir>, Vec<LocaleDir>), ProjectError> {
    let entries = std::fs::read_dir(root).map_err(|err| ProjectError::Io { path: root.to_path_buf(), err })?;
    let mut found: Vec<(&'static str, u8, String)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.file_type().is_ok_and(|t| t.is_dir())
            && let Some((locale, rank)) = conventional_locale(&name)
        {
            found.push((locale, rank, name));
        }
    }
    found.sort();
    let (mut taken, mut passed) = (Vec::new(), Vec::new());
    for (locale, _, dir) in found {
        let entry = LocaleDir { locale: locale.to_string(), dir, configured: false };
        if taken.iter().any(|t: &LocaleDir| t.locale == locale) { passed.push(entry) } else { taken.push(entry) }
    }
    Ok((taken, passed))
}

/// A locale tag as BCP 47 writes it: `en`, `en-US`, `zh-Hans-CN`.
fn is_locale_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The locale folders the config names, checked: each a relative path inside the project,
/// an existing folder, under a well-formed locale tag.
fn configured_locales(root: &Path, config: &Config, text: &str) -> Result<Option<Vec<LocaleDir>>, ProjectError> {
    let config_path = root.join(CONFIG_FILE);
    let err = |offset: usize, message: String| {
        let (line, column) = Source::new("", text).line_col(offset);
        ProjectError::Config(FileError { path: config_path.clone(), line, column, message })
    };
    let Some(spec) = &config.locale_spec else { return Ok(None) };
    let at = spec.span().start;
    let shape = "`locales` is a list of folders named as their locales (`[\"en-US\", \"zh-CN\"]`) \
                 or a table of `[locales.<locale>] path = \"<folder>\"`";
    // Where a folder name is written, for errors about it.
    let where_is = |dir: &str| text[at..].find(&format!("\"{dir}\"")).map_or(at, |i| at + i);
    let mut entries: Vec<(String, String, usize)> = Vec::new();
    match spec.get_ref() {
        toml::Value::Array(list) => {
            for v in list {
                let dir = v.as_str().ok_or_else(|| err(at, shape.to_string()))?;
                entries.push((dir.to_string(), dir.to_string(), where_is(dir)));
            }
        }
        toml::Value::Table(table) => {
            for (locale, entry) in table {
                let fields = entry.as_table().ok_or_else(|| err(at, shape.to_string()))?;
                if let Some(key) = fields.keys().find(|k| *k != "path") {
                    return Err(err(at, format!("unknown key `{key}` in `[locales.{locale}]`, expected `path`")));
                }
                let dir = fields
                    .get("path")
                    .and_then(toml::Value::as_str)
                    .ok_or_else(|| err(at, format!("`[locales.{locale}]` needs `path = \"<folder>\"`")))?;
                entries.push((locale.clone(), dir.to_string(), where_is(dir)));
            }
        }
        _ => return Err(err(at, shape.to_string())),
    }
    let mut out = Vec::new();
    for (locale, dir, at) in entries {
        if !is_locale_tag(&locale) {
            return Err(err(at, format!("`{locale}` is not a locale tag (write it as `en-US`, `zh-CN`, …)")));
        }
        let path = Path::new(&dir);
        let outside = path.is_absolute() || path.components().any(|c| matches!(c, std::path::Component::ParentDir));
        if outside || dir.trim().is_empty() {
            return Err(err(
                at,
                format!("the folder of `{locale}` must be a relative path inside the project, not `{dir}`"),
            ));
        }
        let full = root.join(path);
        if !full.is_dir() {
            let hint = detect_locales(root)
                .ok()
                .and_then(|(found, _)| found.into_iter().find(|f| f.locale.eq_ignore_ascii_case(&locale)))
                .map_or_else(String::new, |f| format!(" (found `{}`)", f.dir));
            return Err(err(
                at,
                format!("`{dir}`, the folder of `{locale}`, does not exist under {}{hint}", root.display()),
            ));
        }
        if let (Ok(real), Ok(real_root)) = (full.canonicalize(), root.canonicalize())
            && !real.starts_with(&real_root)
        {
            return Err(err(at, format!("`{dir}` leads outside the project (symbolic link to {})", real.display())));
        }
        let dir = path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        out.push(LocaleDir { locale, dir, configured: true });
    }
    Ok(Some(out))
}

/// Read a project at `root`: its config, its locale folders and the guides in them.
pub fn discover(root: &Path) -> Result<Project, ProjectError> {
    if !root.is_dir() {
        return Err(ProjectError::NotFound { path: root.to_path_buf() });
    }
    let config_file = Some(root.join(CONFIG_FILE)).filter(|p| p.is_file());
    let (mut config, text) = load_config(root)?.unwrap_or_default();
    let (mut locale_dirs, passed_over) = match configured_locales(root, &config, &text)? {
        Some(dirs) => (dirs, Vec::new()),
        None => detect_locales(root)?,
    };
    if locale_dirs.is_empty() {
        return Err(ProjectError::Empty {
            root: root.to_path_buf(),
            message: "no locale folders: looked for en-US, zh-CN, intl.en-US, intl.zh-CN, en, zh (and \
                      <site>.zh-CN); name them in preflight.toml (`[locales.en-US] path = \"…\"`) or run \
                      `preflight init`"
                .into(),
        });
    }
    if config.title.trim().is_empty() {
        config.title = default_title(root);
    }
    // Display order: the source locale first, then the others as written or found.
    locale_dirs.sort_by_key(|l| l.locale != config.source_locale);
    config.locales = locale_dirs.iter().map(|l| l.locale.clone()).collect();
    config.folders = locale_dirs.iter().map(|l| (l.dir.clone(), l.locale.clone())).collect();
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for l in &locale_dirs {
        list_locale(root, &real_root, l, &mut files, &mut diagnostics);
    }
    files.sort_by(|a, b| (&a.locale, &a.rel).cmp(&(&b.locale, &b.rel)));
    if let Some(pairs_file) = config.pairs_file.clone() {
        let (entries, diags) = read_pairs_file(root, pairs_file, &text, &files)?;
        config.pairs.extend(entries);
        diagnostics.extend(diags);
    }
    Ok(Project { root: root.to_path_buf(), config_file, config, locale_dirs, passed_over, files, diagnostics })
}

/// Every `.md` file below one locale folder. An unreadable folder costs only itself; a
/// symbolic link is followed when it leads to a file inside the project, and reported
/// when it does not.
fn list_locale(root: &Path, real_root: &Path, l: &LocaleDir, files: &mut Vec<SourceFile>, diags: &mut Vec<Diagnostic>) {
    let dir = root.join(&l.dir);
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().map_or_else(|| dir.clone(), Path::to_path_buf);
                let shown = rel_path(root, &path);
                let message =
                    format!("cannot read: {}", err.io_error().map_or_else(|| err.to_string(), |e| e.to_string()));
                diags.push(Diagnostic::error("input::unreadable", &shown, Span::default(), message));
                continue;
            }
        };
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let ty = entry.file_type();
        if ty.is_symlink() {
            let inside = entry.path().canonicalize().is_ok_and(|real| real.starts_with(real_root) && real.is_file());
            if !inside {
                let shown = rel_path(root, entry.path());
                diags.push(Diagnostic::warning(
                    "input::symlink-outside",
                    &shown,
                    Span::default(),
                    "a symbolic link that leads outside the project (or nowhere); not built".to_string(),
                ));
                continue;
            }
        } else if !ty.is_file() {
            continue;
        }
        let rel = rel_path(&dir, entry.path());
        files.push(SourceFile { locale: l.locale.clone(), rel, path: entry.into_path(), dir: l.dir.clone() });
    }
}

/// The entries of the pairs file named by `pairs = "…"`, as project paths; an entry that
/// names no page of the project is an error diagnostic at its line.
fn read_pairs_file(
    root: &Path,
    name: toml::Spanned<String>,
    config_text: &str,
    files: &[SourceFile],
) -> Result<(Vec<PairEntry>, Vec<Diagnostic>), ProjectError> {
    let config_path = root.join(CONFIG_FILE);
    let path = root.join(name.get_ref());
    let text = std::fs::read_to_string(&path).map_err(|err| {
        let (line, column) = Source::new("", config_text).line_col(name.span().start);
        ProjectError::Config(FileError {
            path: config_path,
            line,
            column,
            message: format!("pairs file `{}`: {err}", name.get_ref()),
        })
    })?;
    let list = crate::pairfile::parse(&text).map_err(|(line, column, message)| {
        ProjectError::Config(FileError { path: path.clone(), line, column, message })
    })?;
    let base = path.parent().unwrap_or(root);
    let by_path: std::collections::HashMap<PathBuf, &SourceFile> = files
        .iter()
        .map(|f| (crate::pairfile::lexical(&std::path::absolute(&f.path).unwrap_or(f.path.clone())), f))
        .collect();
    let shown = rel_path(root, &path);
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    for e in list {
        let find = |p: &str| {
            let full = crate::pairfile::lexical(&std::path::absolute(base.join(p)).unwrap_or_else(|_| base.join(p)));
            by_path.get(&full).copied()
        };
        match (find(&e.en), find(&e.zh)) {
            (Some(en), Some(zh)) => entries.push(PairEntry { en: en.display(), zh: zh.display() }),
            (en, _) => {
                let (which, p) = if en.is_none() { ("en", &e.en) } else { ("zh", &e.zh) };
                let span = Span { line: e.line, column: 1, end_line: e.line, end_column: 1 };
                diags.push(Diagnostic::error(
                    "pairs::no-such-page",
                    &shown,
                    span,
                    format!("`{which} = {p}` names no page of the project (paths are relative to the pairs file)"),
                ));
            }
        }
    }
    Ok((entries, diags))
}

/// The name of the root folder, the title of a project that names none.
pub fn default_title(root: &Path) -> String {
    let abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    abs.file_name().map_or_else(|| "preflight".to_string(), |n| n.to_string_lossy().to_string())
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
    /// How the guide was paired and named, once `pairs::name_pairs` has run.
    pub paired_by: Option<crate::model::PairedBy>,
    /// The page's text as decoded (line breaks normalised): what the content checks read,
    /// so no later stage goes back to the file system.
    pub text: Option<String>,
    /// The page's committed versions, when `crate::history` read them (sync's stale steps).
    pub history: Option<std::sync::Arc<crate::sync::stale::FileHistory>>,
}

/// Read one file and parse it. Unreadable or non-UTF-8 files give an error diagnostic.
pub fn compile_file(file: &SourceFile) -> Compiled {
    let display = file.display();
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let diag = Diagnostic::error("input::unreadable", &display, Span::default(), format!("cannot read: {err}"));
            return Compiled {
                file: file.clone(),
                guide: None,
                diagnostics: vec![diag],
                paired_by: None,
                text: None,
                history: None,
            };
        }
    };
    match Source::decode(display.clone(), &bytes) {
        Ok(source) => {
            let (guide, diagnostics) = parse::parse_guide(&source, &file.locale);
            let guide = Guide { file: display, ..guide };
            Compiled {
                file: file.clone(),
                guide: Some(guide),
                diagnostics,
                paired_by: None,
                text: Some(source.text),
                history: None,
            }
        }
        Err(err) => Compiled {
            file: file.clone(),
            guide: None,
            diagnostics: vec![err.to_diagnostic(&display)],
            paired_by: None,
            text: None,
            history: None,
        },
    }
}

/// Parse every file of the project, in parallel; the result is in file order.
pub fn compile_all(project: &Project) -> Vec<Compiled> {
    project.files.par_iter().map(compile_file).collect()
}

/// The `[content]` table of `preflight.toml`: which content checks sync makes on the
/// translated side, and how (see `sync::content`).
pub mod content {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use crate::diag::Severity;

    /// `[content]` of `preflight.toml`.
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    #[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
    pub struct ContentConfig {
        /// Spacing between CJK and Latin letters or digits: `auto` (the majority of the zh-CN
        /// pages checked, when at least `sync::content::CLEAR_MAJORITY` of the gaps agree), `none`
        /// (`创建RAM用户`) or `space` (`创建 RAM 用户`).
        pub spacing: Convention,
        /// Names that must appear unchanged in both languages of an aligned step or section,
        /// added to the learnt ones.
        pub do_not_translate: Vec<String>,
        /// Learn do-not-translate names from the project: the roles and policies of its
        /// en-US tables and the API names (`CreateUser`) of its en-US steps.
        pub learn_names: bool,
        /// `en term = zh term`: where the en-US side of an aligned step or section holds the
        /// en term, the zh-CN side must hold the zh term.
        pub glossary: BTreeMap<String, String>,
        /// Severity of each check, or `off`.
        pub checks: Checks,
    }

    impl Default for ContentConfig {
        fn default() -> ContentConfig {
            ContentConfig {
                spacing: Convention::Auto,
                do_not_translate: Vec::new(),
                learn_names: true,
                glossary: BTreeMap::new(),
                checks: Checks::default(),
            }
        }
    }

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    #[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
    pub struct Checks {
        pub untranslated: Level,
        pub cjk_spacing: Level,
        pub punctuation_width: Level,
        pub do_not_translate: Level,
        pub glossary_term: Level,
    }

    impl Default for Checks {
        fn default() -> Checks {
            Checks {
                untranslated: Level::Warning,
                cjk_spacing: Level::Warning,
                punctuation_width: Level::Warning,
                do_not_translate: Level::Warning,
                glossary_term: Level::Warning,
            }
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Level {
        Off,
        Warning,
        Error,
    }

    impl Level {
        pub fn severity(self) -> Option<Severity> {
            match self {
                Level::Off => None,
                Level::Warning => Some(Severity::Warning),
                Level::Error => Some(Severity::Error),
            }
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Convention {
        Auto,
        None,
        Space,
    }
}
