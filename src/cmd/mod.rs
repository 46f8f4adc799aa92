//! One module per subcommand; clap lives here and only here.

mod build;
mod export;
mod inspect;
mod pair;
mod run;
mod schema;
mod serve;
mod sync;

use std::path::PathBuf;

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
    /// Compile the guides of a project (default `docs-src/`) into `generated/`.
    Build(build::Args),
    /// Print the model of one guide: how preflight understood the page.
    Inspect(inspect::Args),
    /// Print the JSON Schema of the guide model.
    Schema,
    /// Compare en-US with zh-CN: every pair of the project, one pair, or a list of pairs.
    Sync(sync::Args),
    /// Serve the built site on 127.0.0.1, rebuilding and reloading on change.
    Serve(serve::Args),
    /// Propose en-US/zh-CN pairs for two trees whose file names differ.
    Pair(pair::Args),
    /// Run the checks of a manifest: commands for what can be verified, questions for the rest.
    Run(run::Args),
    /// Print the checks of a manifest as a Markdown task list (`- [ ] …`) in one language.
    Tasks(export::Args),
}

pub type CmdResult = Result<u8, Box<dyn std::error::Error>>;

pub fn run(cli: Cli) -> CmdResult {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Schema => schema::run(),
        Command::Sync(args) => sync::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Run(args) => run::run(args),
        Command::Tasks(args) => export::run(args),
        Command::Pair(args) => pair::run(args),
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
    pub fn tag(self) -> &'static str {
        match self {
            Lang::EnUs => "en-US",
            Lang::ZhCn => "zh-CN",
        }
    }
}

/// The folders of a project, shared by `build` and `serve`.
#[derive(Debug, clap::Args)]
pub struct Folders {
    /// Source folder: `preflight.toml` and one folder per locale.
    #[arg(long, default_value_os_t = default_src())]
    pub src: PathBuf,
    /// Output folder (created; only files preflight wrote are ever replaced; `serve` serves
    /// its `site/` folder).
    #[arg(long, default_value = "generated")]
    pub out: PathBuf,
}

/// Default source folder, relative to the working directory.
pub fn default_src() -> PathBuf {
    PathBuf::from("docs-src")
}
