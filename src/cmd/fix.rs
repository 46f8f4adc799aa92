//! `preflight fix`: the mechanical content fixes (CJK–Latin spacing, punctuation width)
//! on the zh-CN pages of a project. Prints a diff; changes files only without `--check`.

use std::path::{Path, PathBuf};

use preflight::pairs::pair_project;
use preflight::project;
use preflight::sync::content::{self, FixKinds, Level};

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Change nothing: print the diff and exit 1 when something would change.
    #[arg(long, alias = "check-only")]
    check: bool,
    /// The project (default: the nearest folder at or above the working directory with a
    /// `preflight.toml`, else the working directory).
    #[arg(long, value_name = "DIR")]
    src: Option<PathBuf>,
    /// Only these zh-CN files of the project (default: every paired zh-CN page).
    files: Vec<PathBuf>,
}

pub fn run(args: Args) -> CmdResult {
    let root = args.src.clone().unwrap_or_else(|| project::find_root(Path::new(".")));
    let project = project::discover(&root)?;
    for line in super::describe_project(&project) {
        eprintln!("{line}");
    }
    let (compiled, _) = preflight::build::compile(&project)?;
    let pairs = pair_project(&project.config, &compiled);
    let zh_files: Vec<(&project::SourceFile, String)> = pairs
        .iter()
        .filter(|p| p.en.is_some_and(|c| c.guide.is_some()))
        .filter_map(|p| p.zh.filter(|c| c.guide.is_some()))
        .filter_map(|c| Some((&c.file, std::fs::read_to_string(&c.file.path).ok()?)))
        .collect();
    let config = &project.config.content;
    let en: Vec<&preflight::model::Guide> = pairs.iter().filter_map(|p| p.en.and_then(|c| c.guide.as_ref())).collect();
    let texts: Vec<&str> = zh_files.iter().map(|(_, t)| t.as_str()).collect();
    let settings = content::settings(config, &en, &texts);
    let kinds = FixKinds { spacing: settings.spacing, punctuation: config.checks.punctuation_width != Level::Off };
    let wanted: Vec<PathBuf> =
        args.files.iter().map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone())).collect();
    for f in &wanted {
        let known = zh_files.iter().any(|(s, _)| std::path::absolute(&s.path).ok().as_ref() == Some(f));
        if !known {
            return Err(format!("{}: not a paired zh-CN page of the project", f.display()).into());
        }
    }
    let mut changed = 0;
    for (file, text) in &zh_files {
        if !wanted.is_empty() && !wanted.iter().any(|w| std::path::absolute(&file.path).ok().as_ref() == Some(w)) {
            continue;
        }
        let Some(fixed) = content::fixes(text, kinds) else { continue };
        print!("{}", content::line_diff(&file.display(), text, &fixed));
        changed += 1;
        if !args.check {
            write_atomically(&file.path, &fixed)?;
        }
    }
    let verb = if args.check { "would change" } else { "changed" };
    eprintln!("{verb} {changed} of {} zh-CN pages", zh_files.len());
    Ok(if args.check && changed > 0 { 1 } else { 0 })
}

/// Write a sibling temporary file and rename it over the page.
fn write_atomically(path: &Path, text: &str) -> Result<(), Box<dyn std::error::Error>> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.preflight-fix"));
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })?;
    Ok(())
}
