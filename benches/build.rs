//! The whole build, side by side with the pulldown-cmark floor, in one run.
//!
//! `cargo bench --bench build` lays out three projects in a temporary folder, as
//! `<root>/en-US/…` and `<root>/zh-CN/…` with the project's `rules.toml`:
//!
//! - `ram`: `../shared/real/ram.bundle` cloned (its `intl.en-US` and `intl.zh-CN` trees);
//! - `corpus 1×`: the corpus trees (`../shared/corpus/<repo>/{en-US,zh-CN}`);
//! - `corpus 10×`: the same copied ten times, each copy in a folder of its own.
//!
//! For each it runs, in a child process each time (so peak memory is the run's own),
//! pulldown-cmark parse + `push_html` over the same Markdown (the floor, one thread),
//! `build` with one thread and with two, and a stage-by-stage run with one thread.
//! It prints wall (median of the rounds), ratio to the floor, MB/s of Markdown, peak
//! resident memory and output bytes. Without `../shared` it says so and exits.
//!
//! `PREFLIGHT_SHARED=DIR` reads the shared material from DIR instead of `../shared`;
//! `PREFLIGHT_BENCH=ram` (or `corpus`) runs only the projects whose name starts with it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use preflight::{build, emit, manifest, pairs, project, render, rules, sync};

const ROUNDS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(&args[i + 1..]);
        return;
    }
    let shared = std::env::var_os("PREFLIGHT_SHARED")
        .map_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")), PathBuf::from);
    let only = std::env::var("PREFLIGHT_BENCH").unwrap_or_default();
    if !shared.is_dir() {
        println!("skipped: {} is absent (the whole-build benchmark needs the shared corpus)", shared.display());
        return;
    }
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let mut projects = Vec::new();
    let ram = tmp.path().join("ram-clone");
    let bundle = shared.join("real/ram.bundle");
    let cloned = "ram".starts_with(&only)
        && Command::new("git").args(["clone", "-q"]).arg(&bundle).arg(&ram).status().is_ok_and(|s| s.success());
    if cloned {
        let root = tmp.path().join("ram");
        copy_tree(&ram.join("intl.en-US"), &root.join("en-US"));
        copy_tree(&ram.join("intl.zh-CN"), &root.join("zh-CN"));
        projects.push(("ram", root));
    } else if "ram".starts_with(&only) {
        println!("skipped ram: cannot clone {}", bundle.display());
    }
    let corpus = shared.join("corpus");
    for copies in [1, 10].into_iter().filter(|_| "corpus".starts_with(&only)) {
        let root = tmp.path().join(format!("corpus-{copies}"));
        for repo in std::fs::read_dir(&corpus).into_iter().flatten().flatten().map(|e| e.path()) {
            for locale in ["en-US", "zh-CN"] {
                if !repo.join(locale).is_dir() {
                    continue;
                }
                let name = repo.file_name().unwrap().to_string_lossy().to_string();
                for c in 0..copies {
                    let dest = if copies == 1 {
                        root.join(locale).join(&name)
                    } else {
                        root.join(locale).join(format!("copy{c}")).join(&name)
                    };
                    copy_tree(&repo.join(locale), &dest);
                }
            }
        }
        projects.push((if copies == 1 { "corpus 1×" } else { "corpus 10×" }, root));
    }
    let rules = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/docs-src/rules.toml"));
    for (_, root) in &projects {
        std::fs::copy(&rules, root.join("rules.toml")).expect("rules.toml copied");
    }
    println!("{ROUNDS} rounds each, median wall; each run in a child process (peak memory is its own)\n");
    println!("| project | run | wall s | vs floor | MB/s | peak MB | output MB | output / input |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let mut stages = Vec::new();
    for (name, root) in &projects {
        let out = tmp.path().join("out");
        let floor = median(ROUNDS, || run_child(&["floor", path(root)]));
        let row = |run: &str, r: &Stats| {
            println!(
                "| {name} | {run} | {:.3} | {:.1}× | {:.1} | {:.0} | {:.1} | {:.2} |",
                r.wall,
                r.wall / floor.wall,
                r.input as f64 / 1e6 / r.wall,
                r.peak_kb as f64 / 1024.0,
                r.output as f64 / 1e6,
                r.output as f64 / r.input.max(1) as f64
            )
        };
        row("pulldown-cmark parse + push_html, 1 thread", &floor);
        for threads in ["1", "2"] {
            let r = median(ROUNDS, || {
                let _ = std::fs::remove_dir_all(&out);
                run_child(&["build", path(root), path(&out), threads])
            });
            row(&format!("`build`, {threads} thread{}, fresh output", if threads == "1" { "" } else { "s" }), &r);
        }
        let _ = std::fs::remove_dir_all(&out);
        let s = run_child(&["stages", path(root), path(&out)]);
        stages.push((name.to_string(), s.stages));
    }
    println!("\nwhere the time goes, one thread, fresh output (seconds, share of the total):\n");
    let names: Vec<&str> = stages.first().map(|s| s.1.iter().map(|(n, _)| n.as_str()).collect()).unwrap_or_default();
    println!("| stage | {} |", stages.iter().map(|s| s.0.as_str()).collect::<Vec<_>>().join(" | "));
    println!("|---|{}", "---:|".repeat(stages.len()));
    for (i, stage) in names.iter().enumerate() {
        let cells: Vec<String> = stages
            .iter()
            .map(|(_, s)| {
                let total: f64 = s.iter().map(|(_, t)| t).sum();
                format!("{:.3} ({:.0}%)", s[i].1, 100.0 * s[i].1 / total)
            })
            .collect();
        println!("| {stage} | {} |", cells.join(" | "));
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

#[derive(Debug, Default, Clone)]
struct Stats {
    wall: f64,
    peak_kb: u64,
    input: u64,
    output: u64,
    stages: Vec<(String, f64)>,
}

fn median(rounds: usize, mut f: impl FnMut() -> Stats) -> Stats {
    let mut runs: Vec<Stats> = (0..rounds).map(|_| f()).collect();
    runs.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    runs.swap_remove(rounds / 2)
}

fn run_child(args: &[&str]) -> Stats {
    let exe = std::env::current_exe().expect("the bench binary");
    let out = Command::new(exe).arg("--child").args(args).output().expect("the child runs");
    assert!(out.status.success(), "child {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut s = Stats::default();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((k, v)) = line.split_once('=') else { continue };
        match k {
            "wall" => s.wall = v.parse().unwrap(),
            "peak_kb" => s.peak_kb = v.parse().unwrap(),
            "input" => s.input = v.parse().unwrap(),
            "output" => s.output = v.parse().unwrap(),
            _ => s.stages.push((k.to_string(), v.parse().unwrap())),
        }
    }
    s
}

fn child(args: &[String]) {
    let root = Path::new(&args[1]);
    let input: u64 = markdown_files(root).iter().map(|p| std::fs::metadata(p).map_or(0, |m| m.len())).sum();
    match args[0].as_str() {
        "floor" => {
            let texts: Vec<String> =
                markdown_files(root).iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()).collect();
            let t = Instant::now();
            let mut html = String::new();
            for text in &texts {
                html.clear();
                let parser = pulldown_cmark::Parser::new_ext(text, preflight::parse::markdown_options());
                pulldown_cmark::html::push_html(&mut html, parser);
                std::hint::black_box(&html);
            }
            println!("wall={}", t.elapsed().as_secs_f64());
        }
        "build" => {
            let threads: usize = args[3].parse().unwrap();
            rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().unwrap();
            let t = Instant::now();
            build::build(root, Path::new(&args[2])).expect("the build succeeds");
            println!("wall={}", t.elapsed().as_secs_f64());
            println!("output={}", tree_bytes(Path::new(&args[2])));
        }
        "stages" => stages(root, Path::new(&args[2])),
        other => panic!("unknown child run {other}"),
    }
    println!("input={input}");
    println!("peak_kb={}", peak_kb());
}

/// The stages of `build::build`, one after the other on one thread, each timed.
fn stages(root: &Path, out: &Path) {
    rayon::ThreadPoolBuilder::new().num_threads(1).build_global().unwrap();
    let total = Instant::now();
    let mut t = Instant::now();
    let mut lap = |name: &str| {
        println!("{name}={}", t.elapsed().as_secs_f64());
        t = Instant::now();
    };
    let project = project::discover(root).expect("the project is found");
    let rules = rules::load_file(&project.rules_path()).expect("the rules load");
    lap("discover and rules");
    let mut compiled = project::compile_all(&project);
    lap("read and parse");
    preflight::build::pair_and_link(&project.config, &mut compiled);
    let pairs = pairs::pair_project(&project.config, &compiled);
    lap("pairing, page links, shared step ids");
    let (report, comparisons) = sync::sync_pairs(&pairs);
    let mut statuses = std::collections::BTreeMap::new();
    for (pair, comparison) in pairs.iter().zip(&comparisons) {
        for (side, en_side) in [(pair.en, true), (pair.zh, false)] {
            let Some(c) = side else { continue };
            for (id, status) in sync::step_statuses(comparison, en_side) {
                statuses.insert((c.file.display(), id), status);
            }
        }
    }
    lap("sync");
    let mut files = render::json::outputs(&compiled, &statuses);
    files.push(render::OutputFile { path: "sync.json".into(), bytes: render::json::to_json(&report).into_bytes() });
    lap("JSON");
    let manifests = manifest::build_all(&pairs, &comparisons, &rules);
    files.extend(preflight::build::manifest_outputs(&manifests));
    let manifests: Vec<manifest::Manifest> = manifests.into_iter().map(|(_, m)| m).collect();
    lap("manifests");
    let theme = render::site::Theme::embedded();
    files.extend(
        render::site::outputs(&project.config, &compiled, &pairs, &report, &statuses, &manifests, theme)
            .expect("the site renders")
            .0,
    );
    lap("site and search index");
    files.sort_by(|a, b| a.path.cmp(&b.path));
    emit::write_tree(out, &project.source_dirs(), &files).expect("the output is written");
    lap("write");
    drop((files, manifests, comparisons, report));
    drop(pairs);
    drop((compiled, project));
    lap("free");
    println!("wall={}", total.elapsed().as_secs_f64());
}

fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

fn tree_bytes(root: &Path) -> u64 {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum()
}

fn peak_kb() -> u64 {
    // SAFETY: getrusage writes into the zeroed struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss as u64
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let rel = e.path().strip_prefix(from).expect("below the root");
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("a folder is created");
        } else if e.file_type().is_file() {
            std::fs::copy(e.path(), &dest).expect("a file is copied");
        }
    }
}
