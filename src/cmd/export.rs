//! `preflight tasks MANIFEST`: a guide's checks as a Markdown task list, for an issue or a
//! pull request.

use std::path::PathBuf;

use preflight::manifest;
use preflight::run::mask::Masker;
use preflight::term::visible;

use super::{CmdResult, Lang};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifests written by `preflight build` (generated/checks/…/*.toml), or folders of
    /// them. Default: every manifest of the build.
    manifests: Vec<PathBuf>,
    /// Language of the list.
    #[arg(long, value_enum, default_value_t = Lang::EnUs)]
    lang: Lang,
}

pub fn run(args: Args) -> CmdResult {
    let manifests = super::manifests::load(&args.manifests)?;
    // Secrets masked and control characters shown, as `run` does.
    let masker = Masker::from_env(std::env::vars_os());
    let lists: Vec<String> = manifests.iter().map(|m| manifest::task_list(&m.manifest, args.lang.lang())).collect();
    print!("{}", visible(&masker.mask(&lists.join("\n"))));
    Ok(0)
}
