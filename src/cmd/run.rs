//! `preflight run MANIFEST`: run the checks of a manifest, ask about the manual ones, report.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;
use preflight::manifest::{self, Check, CheckKind};
use preflight::run::{self, Answer, CheckResult, Observer, Options, mask::Masker, report};

use preflight::term::visible;

use super::{CmdResult, Lang};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A manifest written by `preflight build` (generated/checks/…/*.toml).
    manifest: PathBuf,
    /// Language of titles, questions and the summary.
    #[arg(long, value_enum, default_value_t = Lang::EnUs)]
    lang: Lang,
    /// Answers to manual checks: a TOML file of `"<check id>" = "pass" | "fail" | "skip"`.
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Also write the results as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// What to print on stdout at the end: the summary table or the results as JSON.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print what would run, run nothing.
    #[arg(long)]
    dry_run: bool,
    /// Run only this check (repeatable).
    #[arg(long, value_name = "ID")]
    only: Vec<String>,
    /// Start at this check.
    #[arg(long, value_name = "ID")]
    from: Option<String>,
    /// Also pass this environment variable to checks (repeatable); see README for the
    /// variables that always pass.
    #[arg(long, value_name = "NAME")]
    pass_env: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> CmdResult {
    let lang = args.lang.tag();
    let manifest = manifest::load(&args.manifest)?;
    let answers = match &args.answers {
        Some(path) => run::load_answers(path, &manifest)?,
        None => Default::default(),
    };
    let options = Options {
        lang: lang.to_string(),
        answers,
        only: args.only,
        from: args.from,
        env: run::allowed_env(std::env::vars_os(), &args.pass_env),
        masker: Masker::from_env(std::env::vars_os()),
    };
    if args.dry_run {
        let checks = run::select(&manifest, &options)?;
        // What would run is masked like what did run: argv and titles can hold secrets.
        let masker = &options.masker;
        match args.format {
            Format::Text => print!("{}", visible(&masker.mask(&dry_run_text(&checks, lang)))),
            Format::Json => print!("{}", masker.mask(&preflight::render::json::to_json(&checks))),
        }
        return Ok(0);
    }
    // Every descendant of a check dies with it, also one that left its process group.
    run::exec::become_subreaper();
    let mut progress = Progress { ask_terminal: std::io::stdin().is_terminal(), masker: options.masker.clone() };
    let display = args.manifest.display().to_string();
    let results = run::run(&manifest, &display, &options, &mut progress)?;
    if let Some(path) = &args.junit {
        std::fs::write(path, report::junit(&results))
            .map_err(|e| format!("{}: cannot write: {}", path.display(), run::io_message(&e)))?;
    }
    match args.format {
        Format::Text => print!("{}", visible(&report::summary_table(&results))),
        Format::Json => print!("{}", preflight::render::json::to_json(&results)),
    }
    Ok(results.exit_code)
}

fn dry_run_text(checks: &[&Check], lang: &str) -> String {
    let mut out = String::new();
    for c in checks {
        let what = match c.kind {
            CheckKind::Automated => format!("run   {}", manifest::display_argv(&c.argv)),
            CheckKind::Manual if lang.starts_with("zh") => "询问  是否已完成？".to_string(),
            CheckKind::Manual => "ask   done?".to_string(),
        };
        out.push_str(&format!("{}\n    {}\n    {what}\n", c.id, c.title.get(lang)));
        if !c.depends_on.is_empty() {
            let after = if lang.starts_with("zh") { "依赖" } else { "after" };
            out.push_str(&format!("    {after} {}\n", c.depends_on.join(", ")));
        }
    }
    out
}

/// Progress on stderr, one line per check, and questions on the terminal.
struct Progress {
    /// Only a terminal on stdin can answer; otherwise manual checks stay not_reviewed.
    ask_terminal: bool,
    masker: Masker,
}

impl Observer for Progress {
    fn finished(&mut self, index: usize, total: usize, r: &CheckResult) {
        let width = total.to_string().len();
        let time = if r.kind == CheckKind::Automated && r.state != run::State::Skipped {
            format!(" ({} ms)", r.duration_ms)
        } else {
            String::new()
        };
        let (id, title) = (visible(&r.id), visible(&r.title));
        eprintln!("[{:>width$}/{total}] {:<12} {id}  {title}{time}", index + 1, r.state.as_str());
        if !matches!(r.state, run::State::Pass | run::State::NotReviewed) {
            eprintln!("{:>w$}{}", "", visible(&r.message), w = 2 * width + 17);
        }
    }

    fn ask(&mut self, check: &Check, lang: &str) -> Option<Answer> {
        if !self.ask_terminal {
            return None;
        }
        let title = visible(&self.masker.mask(check.title.get(lang))).into_owned();
        let zh = lang.starts_with("zh");
        let stdin = std::io::stdin();
        for _ in 0..3 {
            if zh {
                eprint!("? {title}\n  是否已完成？[y]是 / [n]否 / [s]跳过：");
            } else {
                eprint!("? {title}\n  Done? [y]es / [n]o / [s]kip: ");
            }
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            match stdin.lock().read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            match line.trim().to_lowercase().as_str() {
                "y" | "yes" | "是" => return Some(Answer::Pass),
                "n" | "no" | "否" => return Some(Answer::Fail),
                "s" | "skip" | "跳过" => return Some(Answer::Skip),
                _ => {}
            }
        }
        None
    }
}
