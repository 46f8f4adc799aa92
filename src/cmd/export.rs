//! `preflight tasks MANIFEST`: a guide's checks as a Markdown task list, for an issue or a
//! pull request.

use std::path::PathBuf;

use preflight::manifest;
use preflight::run::mask::Masker;
use preflight::term::visible;

use super::{CmdResult, Lang};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A manifest written by `preflight build` (generated/checks/…/*.toml).
    manifest: PathBuf,
    /// Language of the list.
    #[arg(long, value_enum, default_value_t = Lang::EnUs)]
    lang: Lang,
}

pub fn run(args: Args) -> CmdResult {
    let manifest = manifest::load(&args.manifest)?;
    // Secrets masked and control characters shown, as `run` does.
    let masker = Masker::from_env(std::env::vars_os());
    print!("{}", visible(&masker.mask(&manifest::task_list(&manifest, args.lang.tag()))));
    Ok(0)
}
