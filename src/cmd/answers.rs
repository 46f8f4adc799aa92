//! `preflight answers [MANIFEST|FOLDER…]`: an answers template for `run --answers`.

use std::path::PathBuf;

use preflight::run::mask::Masker;
use preflight::term::visible;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifests or folders of them, as `run` takes them. Default: every manifest of the build.
    manifests: Vec<PathBuf>,
    /// Write the template to FILE (never replacing one) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> CmdResult {
    let manifests = super::manifests::load(&args.manifests)?;
    // Titles can hold secrets; masked as `run` and `tasks` do.
    let masker = Masker::from_env(std::env::vars_os());
    let text = masker.mask(&preflight::run::answers::template(&manifests));
    match &args.output {
        None => print!("{}", visible(&text)),
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| format!("{}: cannot write: {}", path.display(), preflight::diag::io_message(&e)))?;
            std::io::Write::write_all(&mut file, text.as_bytes())
                .map_err(|e| format!("{}: cannot write: {}", path.display(), preflight::diag::io_message(&e)))?;
        }
    }
    Ok(0)
}
