//! One module per subcommand; clap lives here and only here.

mod answers;
mod build;
mod export;
mod fix;
mod init;
mod inspect;
mod manifests;
mod pair;
mod run;
mod schema;
mod serve;
mod sync;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

/// preflight: compile bilingual (en-US / zh-CN) preparation guides into checklists.
#[derive(Debug, Parser)]
#[command(name = "preflight", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compile the guides of a project into its output folder (default `generated/`).
    Build(build::Args),
    /// Write a commented `preflight.toml` (and a pairs file) for an existing doc repository.
    Init(init::Args),
    /// Print the model of one guide: how preflight understood the page.
    Inspect(inspect::Args),
    /// Print the JSON Schema of the guide model.
    Schema,
    /// Compare en-US with zh-CN: every pair of the project, one pair, or a list of pairs.
    Sync(sync::Args),
    /// Serve the built site on 127.0.0.1, rebuilding and reloading on change.
    Serve(serve::Args),
    /// Fix CJK–Latin spacing and punctuation width in the zh-CN pages (`--check`: only show).
    Fix(fix::Args),
    /// Propose en-US/zh-CN pairs for two trees whose file names differ.
    Pair(pair::Args),
    /// Run the checks of manifests (default: every manifest of the build): commands for what
    /// can be verified, questions for the rest; one aggregate report.
    Run(Box<run::Args>),
    /// Write an answers template for `run --answers`: every manual check with its question in
    /// both languages.
    Answers(answers::Args),
    /// Print the checks of a manifest as a Markdown task list (`- [ ] …`) in one language.
    Tasks(export::Args),
}

pub type CmdResult = Result<u8, Box<dyn std::error::Error>>;

pub fn run(cli: Cli) -> CmdResult {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Init(args) => init::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Schema => schema::run(),
        Command::Sync(args) => sync::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Run(args) => run::run(*args),
        Command::Answers(args) => answers::run(args),
        Command::Tasks(args) => export::run(args),
        Command::Pair(args) => pair::run(args),
        Command::Fix(args) => fix::run(args),
    }
}

/// The language of what a command prints (`--lang`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Lang {
    #[value(name = "en-US")]
    EnUs,
    #[value(name = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// The library's language of a manifest's texts.
    pub fn lang(self) -> preflight::manifest::Lang {
        match self {
            Lang::EnUs => preflight::manifest::Lang::En,
            Lang::ZhCn => preflight::manifest::Lang::Zh,
        }
    }
}

/// The folders of a project, shared by `build`, `sync` and `serve`.
#[derive(Debug, clap::Args)]
pub struct Folders {
    /// The project root: the folder of `preflight.toml`, or the folder that holds the locale
    /// folders. Default: the nearest folder at or above the working directory with a
    /// `preflight.toml`, else the working directory.
    #[arg(long, value_name = "DIR")]
    pub src: Option<PathBuf>,
    /// Output folder (default: `out` of `preflight.toml`, else `generated/` in the project
    /// root). Only files preflight wrote are ever replaced; `serve` serves its `site/` folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

impl Folders {
    /// The project root.
    pub fn root(&self) -> PathBuf {
        match &self.src {
            Some(src) => src.clone(),
            None => preflight::project::find_root(Path::new(".")),
        }
    }

    /// The project, discovered, and the output folder.
    pub fn project(&self) -> Result<(preflight::project::Project, PathBuf), preflight::project::ProjectError> {
        let project = preflight::project::discover(&self.root())?;
        let out = self.out.clone().unwrap_or_else(|| project.default_out());
        Ok((project, out))
    }
}

/// A path as the user would type it from the working directory.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let rel = cwd.as_deref().and_then(|c| abs.strip_prefix(c).ok());
    match rel {
        Some(r) if r.as_os_str().is_empty() => ".".to_string(),
        Some(r) => r.display().to_string(),
        None => path.display().to_string(),
    }
}

/// What discovery took: one line for the locale folders, one per folder passed over.
pub fn describe_project(project: &preflight::project::Project) -> Vec<String> {
    let mut lines = Vec::new();
    let how = |configured: bool| if configured { "from preflight.toml" } else { "found by name" };
    let taken: Vec<String> =
        project.locale_dirs.iter().map(|l| format!("{} → {} ({})", l.dir, l.locale, how(l.configured))).collect();
    lines.push(format!("project {}: {}", shown(&project.root), taken.join(", ")));
    for p in &project.passed_over {
        lines.push(format!(
            "also found {} ({}), not built: to build it instead, write `[locales.{}] path = \"{}\"` in preflight.toml",
            p.dir, p.locale, p.locale, p.dir
        ));
    }
    lines
}
