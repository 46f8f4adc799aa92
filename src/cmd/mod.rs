//! One module per subcommand; clap lives here and only here.

mod build;
mod inspect;
mod pair;
mod schema;
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
    /// Propose en-US/zh-CN pairs for two trees whose file names differ.
    Pair(pair::Args),
}

pub type CmdResult = Result<u8, Box<dyn std::error::Error>>;

pub fn run(cli: Cli) -> CmdResult {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Schema => schema::run(),
        Command::Sync(args) => sync::run(args),
        Command::Pair(args) => pair::run(args),
    }
}

/// Default source folder, relative to the working directory.
pub fn default_src() -> PathBuf {
    PathBuf::from("docs-src")
}
