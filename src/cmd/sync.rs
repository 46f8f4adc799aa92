use std::path::{Path, PathBuf};

use clap::ValueEnum;
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
    /// The project to check when no files are given.
    #[arg(long, default_value_os_t = super::default_src())]
    src: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PairList {
    #[serde(default, rename = "pair")]
    pairs: Vec<PairListEntry>,
}

/// Extra fields of `pairs.toml` (repo, commit, drift labels…) are allowed and ignored.
#[derive(serde::Deserialize)]
struct PairListEntry {
    en: String,
    zh: String,
}

fn source_file(path: &Path, locale: &str) -> SourceFile {
    SourceFile { locale: locale.to_string(), rel: path.to_string_lossy().to_string(), path: path.to_path_buf() }
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
        let parsed: PairList =
            project::parse_toml(&text).map_err(|(l, c, m)| format!("{}:{l}:{c}: {m}", list.display()))?;
        let dir = list.parent().unwrap_or(Path::new(".")).to_path_buf();
        let compiled: Vec<Compiled> = {
            use rayon::prelude::*;
            parsed
                .pairs
                .par_iter()
                .flat_map(|p| {
                    let (a, b) = compile_pair(&dir.join(&p.en), &dir.join(&p.zh), &dir);
                    vec![a, b]
                })
                .collect()
        };
        (compiled, dir.to_string_lossy().to_string())
    } else {
        let project = project::discover(&args.src)?;
        let compiled = project::compile_all(&project);
        let pairs = preflight::pairs::pair_project(&project.config, &compiled);
        return finish(&pairs, &compiled, args.format, &args.src.to_string_lossy());
    };
    let pairs: Vec<GuidePair> =
        compiled.chunks(2).map(|c| GuidePair { en: Some(&c[0]), zh: Some(&c[1]), by: PairedBy::Config }).collect();
    finish(&pairs, &compiled, args.format, &base)
}

fn finish(pairs: &[GuidePair], compiled: &[Compiled], format: Format, base: &str) -> CmdResult {
    let mut input_errors = false;
    for d in compiled.iter().flat_map(|c| &c.diagnostics) {
        input_errors |= d.severity == preflight::Severity::Error;
        eprintln!("{d}");
    }
    let (report, _) = sync::sync_pairs(pairs);
    match format {
        Format::Text => {
            print!("{}", render::sync::text(&report, base));
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
