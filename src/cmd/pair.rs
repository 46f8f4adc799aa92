//! `preflight pair EN_DIR ZH_DIR [-o FILE]`: propose pairs for two trees whose file names
//! differ, in the format of `pairs.toml` (what `sync --pairs` reads).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use preflight::matching::{self, Matching, Page, Params};
use preflight::pairfile::{lexical, relative};
use preflight::project::{self, Compiled, SourceFile};
use rayon::prelude::*;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The en-US tree.
    en_dir: PathBuf,
    /// The zh-CN tree.
    zh_dir: PathBuf,
    /// Write the pairs to FILE (atomically); paths in it are relative to FILE's folder.
    /// Default: print to stdout, paths relative to the working directory.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Every `.md` file under `dir`, sorted by relative path.
fn list(dir: &Path, locale: &str) -> Result<Vec<SourceFile>, String> {
    if !dir.is_dir() {
        return Err(format!("{}: no such directory", dir.display()));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| format!("{}: {e}", e.path().unwrap_or(dir).display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.push(SourceFile::alone(locale, rel, entry.into_path()));
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(files)
}

fn slash(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

pub fn run(args: Args) -> CmdResult {
    let en_files = list(&args.en_dir, "en-US")?;
    let zh_files = list(&args.zh_dir, "zh-CN")?;
    let compile = |files: &[SourceFile]| -> Vec<Compiled> { files.par_iter().map(project::compile_file).collect() };
    let (en_c, zh_c) = (compile(&en_files), compile(&zh_files));
    let mut skipped = 0;
    let mut pages = |compiled: &[Compiled], dir: &Path| -> Vec<Page> {
        let mut out = Vec::new();
        for c in compiled {
            match &c.guide {
                Some(g) => out.push(Page::from_guide(&c.file.rel, g)),
                None => {
                    skipped += 1;
                    for d in &c.diagnostics {
                        let file = dir.join(&c.file.rel);
                        eprintln!(
                            "{}: skipped",
                            preflight::Diagnostic { file: file.display().to_string(), ..d.clone() }
                        );
                    }
                }
            }
        }
        out
    };
    let en = pages(&en_c, &args.en_dir);
    let zh = pages(&zh_c, &args.zh_dir);
    let matching = matching::match_pages(&en, &zh, &Params::default());

    let base = match &args.output {
        Some(out) => {
            let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            parent.to_path_buf()
        }
        None => PathBuf::from("."),
    };
    let abs = |p: &Path| std::path::absolute(p).map(|p| lexical(&p)).map_err(|e| format!("{}: {e}", p.display()));
    let base_abs = abs(&base)?;
    let en_root = relative(&base_abs, &abs(&args.en_dir)?);
    let zh_root = relative(&base_abs, &abs(&args.zh_dir)?);
    let text = render(&matching, &en, &zh, &en_root, &zh_root);

    match &args.output {
        Some(out) => {
            preflight::emit::write_atomic(out, text.as_bytes()).map_err(|e| format!("{}: {e}", out.display()))?;
            println!(
                "proposed {} pairs ({} en-US, {} zh-CN pages); {} en-US and {} zh-CN unpaired; wrote {}",
                matching.pairs.len(),
                en.len(),
                zh.len(),
                matching.unpaired_en.len(),
                matching.unpaired_zh.len(),
                out.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(if skipped > 0 { 2 } else { 0 })
}

/// The pairs file: `[[pair]]` tables as `sync --pairs` reads them, then the pages left
/// unpaired as comments (a table there would be an unknown key to `sync --pairs`).
fn render(m: &Matching, en: &[Page], zh: &[Page], en_root: &Path, zh_root: &Path) -> String {
    let en_path = |i: usize| slash(&en_root.join(&en[i].path));
    let zh_path = |j: usize| slash(&zh_root.join(&zh[j].path));
    let mut out = String::new();
    out.push_str("# en-US/zh-CN pairs proposed by `preflight pair` from language-neutral evidence.\n");
    out.push_str("# Paths are relative to this file. `confidence` is in 0..1; `key` lists the evidence:\n");
    out.push_str("# shared tokens by kind, same topic id or file name, the cosine and the margin over\n");
    out.push_str("# the runner-up. Pages left unpaired are listed as comments at the end.\n");
    for p in &m.pairs {
        let _ = writeln!(out, "\n[[pair]]");
        let _ = writeln!(out, "en = {}", quote(&en_path(p.en)));
        let _ = writeln!(out, "zh = {}", quote(&zh_path(p.zh)));
        let _ = writeln!(out, "confidence = {:.2}", p.confidence);
        let _ = writeln!(out, "key = {}", quote(&p.key(&en[p.en])));
    }
    for (label, list, path, other) in [
        ("en-US", &m.unpaired_en, &en_path as &dyn Fn(usize) -> String, &zh_path as &dyn Fn(usize) -> String),
        ("zh-CN", &m.unpaired_zh, &zh_path, &en_path),
    ] {
        let _ = writeln!(out, "\n# unpaired {label}: {}", list.len());
        for u in list.iter() {
            match u.best {
                Some((b, s)) => {
                    let _ = writeln!(out, "#   {}  (best: {}, score={s:.2})", quote(&path(u.page)), quote(&other(b)));
                }
                None => {
                    let _ = writeln!(out, "#   {}  (no candidate)", quote(&path(u.page)));
                }
            }
        }
    }
    out
}
