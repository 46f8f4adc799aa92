use std::path::{Path, PathBuf};

use clap::ValueEnum;
use preflight::history;
use preflight::pairfile;
use preflight::pairs::{GuidePair, PairedBy};
use preflight::project::{self, Compiled, SourceFile};
use preflight::render;
use preflight::sync;
use preflight::sync::baseline;

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
    /// Count only findings not in this baseline file (default: `baseline` of preflight.toml).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write every finding of this run to FILE as a baseline (reasons and expiry dates of
    /// the baseline in use carry over), then exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Pull-request mode: report only pairs with a page changed since REF (a commit, branch
    /// or tag), on either side, in commits or in the work tree.
    #[arg(long, value_name = "REF")]
    since: Option<String>,
    /// Do not read git history (no stale steps).
    #[arg(long)]
    no_history: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
    /// GitHub Actions workflow commands (`::warning file=…,line=…::…`).
    Github,
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
    let (mut compiled, base) = if let [en, zh] = args.files.as_slice() {
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
        let input_errors = diagnostics.iter().any(|d| d.severity == preflight::Severity::Error);
        let base = super::shown(&project.root);
        let base = if base == "." { String::new() } else { base };
        let root = project.root.clone();
        let config = project.config;
        let mut compiled = compiled;
        let code = finish(&args, &mut compiled, &base, Some(&root), &config)?;
        return Ok(if input_errors { 2 } else { code });
    };
    finish(&args, &mut compiled, &base, None, &Default::default())
}

/// Today's date (UTC), for waiver expiry: `PREFLIGHT_TODAY` if set (tests), else the clock.
fn today() -> String {
    if let Ok(day) = std::env::var("PREFLIGHT_TODAY")
        && preflight::sync::baseline::is_date(&day)
    {
        return day;
    }
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    preflight::sync::baseline::civil_date(i64::try_from(secs).unwrap_or(0))
}

fn read_baseline(path: &Path) -> Result<Vec<baseline::Entry>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(baseline::parse(&text).map_err(|(l, c, m)| format!("{}:{l}:{c}: {m}", path.display()))?)
}

fn finish(
    args: &Args,
    compiled: &mut [Compiled],
    base: &str,
    root: Option<&Path>,
    config: &preflight::project::Config,
) -> CmdResult {
    let mut input_errors = false;
    for d in compiled.iter().flat_map(|c| &c.diagnostics) {
        input_errors |= d.severity == preflight::Severity::Error;
        eprintln!("{d}");
    }
    // History is read here, at the edge, and handed to sync on each page.
    let history_note = if args.no_history {
        None
    } else {
        let started = std::time::Instant::now();
        match history::attach(compiled) {
            Ok(summary) => {
                eprintln!("{} (in {:.2} s)", summary.note(), started.elapsed().as_secs_f64());
                Some(summary.note())
            }
            Err(why) => {
                let note = format!("stale steps not computed: {why}");
                eprintln!("{note}");
                Some(note)
            }
        }
    };
    let changed = match &args.since {
        Some(reference) => {
            let start = root.map(Path::to_path_buf).or_else(|| compiled.first().map(|c| c.file.path.clone()));
            let start = start.unwrap_or_else(|| PathBuf::from("."));
            Some(history::changed_since(&start, reference).map_err(|e| format!("--since {reference}: {e}"))?)
        }
        None => None,
    };
    let pairs: Vec<GuidePair> = match root {
        Some(_) => preflight::pairs::pair_project(config, compiled),
        None => {
            compiled.chunks(2).map(|c| GuidePair { en: Some(&c[0]), zh: Some(&c[1]), by: PairedBy::Config }).collect()
        }
    };
    let pairs: Vec<GuidePair> = match &changed {
        Some(changed) => pairs
            .into_iter()
            .filter(|p| [p.en, p.zh].into_iter().flatten().any(|c| changed.contains(&history::canonical(&c.file.path))))
            .collect(),
        None => pairs,
    };
    let (mut report, _) = sync::sync_pairs_with(&pairs, &config.content);
    report.history = history_note;
    if let Some(out) = &args.write_baseline {
        let keep = match baseline_path(args, root, config) {
            Some(p) if p.is_file() => read_baseline(&p)?,
            _ => Vec::new(),
        };
        preflight::emit::write_atomic(out, baseline::write(&report, &keep).as_bytes())
            .map_err(|e| format!("{}: {e}", out.display()))?;
        eprintln!("wrote {} findings to {}", report.findings, out.display());
        return Ok(if input_errors { 2 } else { 0 });
    }
    let outcome = match baseline_path(args, root, config) {
        Some(path) => {
            let entries = read_baseline(&path)?;
            let outcome = baseline::apply(&mut report, &entries, &today());
            report.removable = outcome.removable.clone();
            Some(outcome)
        }
        None => None,
    };
    match args.format {
        Format::Text => {
            print!("{}", preflight::term::visible(&render::sync::text(&report, base)));
            if let Some(note) = &report.history {
                println!("{note}");
            }
            println!("{}", render::sync::summary(&report));
            if let Some(o) = &outcome {
                println!("{}", preflight::term::visible(&render::sync::baseline_summary(&report, base, o)));
            }
        }
        Format::Json => print!("{}", render::json::to_json(&report)),
        Format::Sarif => print!("{}", render::sync::sarif(&report, base)),
        Format::Github => print!("{}", render::sync::github(&report, base)),
    }
    let counting = outcome.as_ref().map_or(report.findings, baseline::Outcome::counting);
    Ok(if input_errors {
        2
    } else if counting > 0 {
        1
    } else {
        0
    })
}

/// `--baseline`, else `baseline` of preflight.toml (relative to the project root).
fn baseline_path(args: &Args, root: Option<&Path>, config: &preflight::project::Config) -> Option<PathBuf> {
    args.baseline.clone().or_else(|| Some(root?.join(config.baseline.as_deref()?)))
}
