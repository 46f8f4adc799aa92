//! `preflight tasks MANIFEST`: a guide's checks as a Markdown task list, for an issue or a
//! pull request.

use std::path::PathBuf;

use clap::ValueEnum;
use preflight::manifest;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A manifest written by `preflight build` (generated/checks/…/*.toml).
    manifest: PathBuf,
    /// Language of the list.
    #[arg(long, value_enum, default_value_t = Lang::EnUs)]
    lang: Lang,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Lang {
    #[value(name = "en-US")]
    EnUs,
    #[value(name = "zh-CN")]
    ZhCn,
}

pub fn run(args: Args) -> CmdResult {
    let manifest = manifest::load(&args.manifest)?;
    let lang = match args.lang {
        Lang::EnUs => "en-US",
        Lang::ZhCn => "zh-CN",
    };
    print!("{}", manifest::task_list(&manifest, lang));
    Ok(0)
}
