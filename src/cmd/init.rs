//! `preflight init`: write a commented `preflight.toml` for an existing documentation
//! repository (the locale folders found, a title) and a pairs file with the pairs that only
//! the content engine could find, for review. Never replaces a file.

use std::fmt::Write as _;
use std::path::PathBuf;

use preflight::pairs::{self, PairedBy};
use preflight::project::{self, CONFIG_FILE};

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The repository root (default: the working directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    src: PathBuf,
    /// Name of the pairs file to write beside `preflight.toml`.
    #[arg(long, value_name = "FILE", default_value = "pairs.toml")]
    pairs: String,
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

pub fn run(args: Args) -> CmdResult {
    let config_path = args.src.join(CONFIG_FILE);
    let pairs_path = args.src.join(&args.pairs);
    for path in [&config_path, &pairs_path] {
        if path.exists() {
            return Err(format!("{}: already exists; preflight init never replaces a file", path.display()).into());
        }
    }
    let project = project::discover(&args.src)?;
    if project.config_file.is_some() {
        return Err(format!("{}: already a project", config_path.display()).into());
    }
    for line in super::describe_project(&project) {
        eprintln!("{line}");
    }
    let (compiled, _) = preflight::build::compile(&project)?;
    let found = pairs::pair_project(&project.config, &compiled);
    let by_content: Vec<_> = found.iter().filter(|p| p.by == PairedBy::Content).collect();

    let mut pairs_text = String::from(
        "# en-US/zh-CN pairs that `preflight init` found by content alone (translated file names, no\n\
         # shared topic id). Paths are relative to this file. Review them: remove a wrong pair, add\n\
         # one that is missing. Pages with the same path or a unique shared topic id pair by\n\
         # themselves and are not listed.\n",
    );
    for p in &by_content {
        let (Some(en), Some(zh)) = (p.en, p.zh) else { continue };
        let _ =
            write!(pairs_text, "\n[[pair]]\nen = {}\nzh = {}\n", quote(&en.file.display()), quote(&zh.file.display()));
    }

    let mut config = String::from(
        "# preflight project settings, written by `preflight init`. Every key is optional;\n# unknown keys are errors. See the README, \"Projects\".\n\n",
    );
    let _ = writeln!(config, "title = {}", quote(&project.config.title));
    let _ = writeln!(config, "source_locale = {}", quote(&project.config.source_locale));
    let _ = writeln!(config, "# Pairs that neither the same path nor a shared topic id gives (see that file).");
    let _ = writeln!(config, "pairs = {}", quote(&args.pairs));
    let _ = writeln!(config, "# Make `build` fail on drift (it reports it either way; `sync` is the gate):");
    let _ = writeln!(config, "# deny = [\"drift\"]");
    let _ = writeln!(config, "\n# The folder of each locale, relative to this file.");
    for l in &project.locale_dirs {
        let _ = writeln!(config, "[locales.{}]\npath = {}\n", l.locale, quote(&l.dir));
    }
    for p in &project.passed_over {
        let _ = writeln!(
            config,
            "# Also found {} ({}). To build it instead, set the `path` of [locales.{}] to it.",
            quote(&p.dir),
            p.locale,
            p.locale
        );
    }
    preflight::emit::write_atomic(&pairs_path, pairs_text.as_bytes())
        .map_err(|e| format!("{}: {e}", pairs_path.display()))?;
    preflight::emit::write_atomic(&config_path, format!("{}\n", config.trim_end()).as_bytes())
        .map_err(|e| format!("{}: {e}", config_path.display()))?;
    println!(
        "wrote {} and {} ({} pairs found by content, of {} pairs); run `preflight build`",
        super::shown(&config_path),
        super::shown(&pairs_path),
        by_content.len(),
        found.iter().filter(|p| p.en.is_some() && p.zh.is_some()).count()
    );
    Ok(0)
}
