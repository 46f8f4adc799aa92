use std::path::{Path, PathBuf};

use clap::ValueEnum;
use preflight::pairfile;
use preflight::pairs::{GuidePair, PairedBy};
use preflight::project::{self, Compiled, SourceFile};
use preflight::render;
use preflight::sync;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Compare one pair: the en-US file and the zh-CN file.
    #[arg(num_args = 2, value_names = ["EN", "ZH"])]
    files: Vec<PathBuf>,
    /// A list of pairs (`[[pair]] en = … zh = …`, paths relative to the list file).
    #[arg(long, conflicts_with = "files")]
    pairs: Option<PathBuf>,
    /// The project to check when no files are given (default: the nearest folder at or
    /// above the working directory with a `preflight.toml`, else the working directory).
    #[arg(long, value_name = "DIR")]
    src: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

fn source_file(path: &Path, locale: &str) -> SourceFile {
    SourceFile::alone(locale, path.to_string_lossy().to_string(), path.to_path_buf())
}

fn compile_pair(en: &Path, zh: &Path, display_base: &Path) -> (Compiled, Compiled) {
    let rel = |p: &Path| p.strip_prefix(display_base).unwrap_or(p).to_path_buf();
    let mut en_c = project::compile_file(&source_file(en, "en-US"));
    let mut zh_c = project::compile_file(&source_file(zh, "zh-CN"));
    // Show paths as the user gave them (or relative to the pair list).
    for (c, p) in [(&mut en_c, rel(en)), (&mut zh_c, rel(zh))] {
        let shown = p.to_string_lossy().to_string();
        if let Some(g) = c.guide.as_mut() {
            g.file = shown.clone();
        }
        for d in &mut c.diagnostics {
            d.file = shown.clone();
        }
        c.file.rel = shown;
    }
    (en_c, zh_c)
}

pub fn run(args: Args) -> CmdResult {
    let (compiled, base): (Vec<Compiled>, String) = if let [en, zh] = args.files.as_slice() {
        let (a, b) = compile_pair(en, zh, Path::new(""));
        (vec![a, b], String::new())
    } else if let Some(list) = &args.pairs {
        let text = std::fs::read_to_string(list).map_err(|e| format!("{}: {e}", list.display()))?;
        let parsed = pairfile::parse(&text).map_err(|(l, c, m)| format!("{}:{l}:{c}: {m}", list.display()))?;
        if parsed.is_empty() {
            return Err(format!("{}: no [[pair]] entries: nothing to compare", list.display()).into());
        }
        let dir = list.parent().unwrap_or(Path::new(".")).to_path_buf();
        let compiled: Vec<Compiled> = {
            use rayon::prelude::*;
            parsed
                .par_iter()
                .flat_map(|p| {
                    let (a, b) = compile_pair(&dir.join(&p.en), &dir.join(&p.zh), &dir);
                    vec![a, b]
                })
                .collect()
        };
        eprintln!(
            "comparing the {} pairs listed in {}; pages it does not list are not compared \
             (name the file in preflight.toml, `pairs = …`, to check a whole project)",
            parsed.len(),
            list.display()
        );
        (compiled, dir.to_string_lossy().to_string())
    } else {
        let root = args.src.clone().unwrap_or_else(|| project::find_root(Path::new(".")));
        let project = project::discover(&root)?;
        for line in super::describe_project(&project) {
            eprintln!("{line}");
        }
        let (compiled, diagnostics) = preflight::build::compile(&project)?;
        for d in &diagnostics {
            eprintln!("{d}");
        }
        let pairs = preflight::pairs::pair_project(&project.config, &compiled);
        let base = super::shown(&project.root);
        let base = if base == "." { String::new() } else { base };
        let code = finish(&pairs, &compiled, args.format, &base, &project.config.content)?;
        let input_errors = diagnostics.iter().any(|d| d.severity == preflight::Severity::Error);
        return Ok(if input_errors { 2 } else { code });
    };
    let pairs: Vec<GuidePair> =
        compiled.chunks(2).map(|c| GuidePair { en: Some(&c[0]), zh: Some(&c[1]), by: PairedBy::Config }).collect();
    finish(&pairs, &compiled, args.format, &base, &Default::default())
}

fn finish(
    pairs: &[GuidePair],
    compiled: &[Compiled],
    format: Format,
    base: &str,
    content: &sync::content::ContentConfig,
) -> CmdResult {
    let mut input_errors = false;
    for d in compiled.iter().flat_map(|c| &c.diagnostics) {
        input_errors |= d.severity == preflight::Severity::Error;
        eprintln!("{d}");
    }
    let (report, _) = sync::sync_pairs_with(pairs, content);
    match format {
        Format::Text => {
            print!("{}", preflight::term::visible(&render::sync::text(&report, base)));
            println!("{}", render::sync::summary(&report));
        }
        Format::Json => print!("{}", render::json::to_json(&report)),
        Format::Sarif => print!("{}", render::sync::sarif(&report, base)),
    }
    Ok(if input_errors {
        2
    } else if report.findings > 0 {
        1
    } else {
        0
    })
}
