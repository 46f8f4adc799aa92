//! `preflight run [MANIFEST|FOLDER…]`: run the checks of one or more manifests (default:
//! every manifest of the project's build), ask about the manual ones, one aggregate report.

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::ValueEnum;
use preflight::manifest::{self, Check, CheckKind};
use preflight::run::{self, Answer, CheckResult, Context, Observer, Options, mask::Masker, report};

use preflight::term::visible;

use super::{CmdResult, Lang};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifests written by `preflight build` (generated/checks/…/*.toml), or folders of
    /// them. Default: every manifest of the project's build.
    manifests: Vec<PathBuf>,
    /// Language of titles, questions and the summary.
    #[arg(long, value_enum, default_value_t = Lang::EnUs)]
    lang: Lang,
    /// Answers to manual checks: a TOML file of `"<check id>" = "pass" | "fail" | "skip"`
    /// (`preflight answers` writes a template).
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Also write the results as JUnit XML (one suite per guide) to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write a Markdown summary to FILE (e.g. `"$GITHUB_STEP_SUMMARY"`).
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// What to print on stdout at the end.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print what would run, run nothing.
    #[arg(long)]
    dry_run: bool,
    /// Run only this check (repeatable); `PREFIX*` runs every check whose id starts with PREFIX.
    #[arg(long, value_name = "ID")]
    only: Vec<String>,
    /// Start at this check.
    #[arg(long, value_name = "ID")]
    from: Option<String>,
    /// Run only checks of this kind (repeatable).
    #[arg(long, value_enum, value_name = "KIND")]
    kind: Vec<KindArg>,
    /// Run only checks made by this rule (repeatable).
    #[arg(long, value_name = "RULE")]
    rule: Vec<String>,
    /// Run only checks of this guide, by topic id (repeatable).
    #[arg(long, value_name = "GUIDE")]
    guide: Vec<String>,
    /// Run only checks with this tag (repeatable; a check's tags come from its rule).
    #[arg(long, value_name = "TAG")]
    tag: Vec<String>,
    /// Run again only the checks that failed (fail, error, timeout) in these JSON results.
    #[arg(long, value_name = "RESULTS.json")]
    rerun_failed: Option<PathBuf>,
    /// Leave the context block (time, version, profile, region) out of the results, so that
    /// two runs with the same outcome give the same JSON but `duration_ms`.
    #[arg(long)]
    deterministic: bool,
    /// The Alibaba Cloud CLI profile: recorded in the context and passed to checks as
    /// `ALIBABA_CLOUD_PROFILE`.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The region: recorded in the context and passed to checks as `ALIBABA_CLOUD_REGION_ID`.
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// Inputs for checks: a TOML file of `NAME = "value"` or `NAME = true|false`.
    #[arg(long, value_name = "FILE")]
    inputs: Option<PathBuf>,
    /// An input (repeatable; wins over the inputs file): a value for checks that take one
    /// (`user=alice`), or whether a condition applies (`emr_studio=false`).
    #[arg(long, value_name = "NAME=VALUE")]
    input: Vec<String>,
    /// Also pass this environment variable to checks (repeatable); see README for the
    /// variables that always pass.
    #[arg(long, value_name = "NAME")]
    pass_env: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// The summary table, with the reason and first lines of output under each failure.
    Text,
    Json,
    Junit,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
    /// A Markdown summary, for a CI step summary.
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Automated,
    Manual,
}

pub fn run(args: Args) -> CmdResult {
    let lang = args.lang.lang();
    let manifests = super::manifests::load(&args.manifests)?;
    let answers = match &args.answers {
        Some(path) => run::load_answers(path, &manifests)?,
        None => Default::default(),
    };
    let rerun: Option<BTreeSet<String>> = match &args.rerun_failed {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read: {}", path.display(), run::io_message(&e)))?;
            Some(run::failed_ids(&text, path)?)
        }
        None => None,
    };
    let mut inputs = match &args.inputs {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read: {}", path.display(), run::io_message(&e)))?;
            run::parse_inputs(&text, path)?
        }
        None => Default::default(),
    };
    for pair in &args.input {
        match pair.split_once('=') {
            Some((name, value)) if preflight::rules::input_name_ok(name) => {
                inputs.insert(name.to_string(), value.to_string());
            }
            _ => {
                return Err(
                    format!("--input {pair}: expected NAME=VALUE, NAME a letter then letters, digits, _").into()
                );
            }
        }
    }
    let mut env = run::allowed_env(std::env::vars_os(), &args.pass_env);
    let env_value = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let profile = args.profile.clone().or_else(|| env_value("ALIBABA_CLOUD_PROFILE"));
    let region = args.region.clone().or_else(|| env_value("ALIBABA_CLOUD_REGION_ID"));
    for (name, value) in [("ALIBABA_CLOUD_PROFILE", &args.profile), ("ALIBABA_CLOUD_REGION_ID", &args.region)] {
        if let Some(v) = value {
            env.retain(|(k, _)| k != name);
            env.push((name.into(), v.into()));
        }
    }
    env.sort();
    let masker = Masker::from_env(std::env::vars_os());
    let context = (!args.deterministic).then(|| Context {
        started_at: utc_now(),
        preflight_version: env!("CARGO_PKG_VERSION").to_string(),
        profile: profile.map(|p| masker.mask(&p)),
        region: region.map(|r| masker.mask(&r)),
    });
    let options = Options {
        lang,
        answers,
        only: args.only,
        from: args.from,
        kinds: args
            .kind
            .iter()
            .map(|k| match k {
                KindArg::Automated => CheckKind::Automated,
                KindArg::Manual => CheckKind::Manual,
            })
            .collect(),
        rules: args.rule,
        guides: args.guide,
        tags: args.tag,
        rerun,
        inputs,
        context,
        env,
        masker,
    };
    if args.dry_run {
        let checks = run::select(&manifests, &options)?;
        // What would run is masked like what did run: argv and titles can hold secrets.
        let masker = &options.masker;
        let checks: Vec<&Check> = checks.into_iter().map(|(_, c)| c).collect();
        match args.format {
            Format::Json => print!("{}", masker.mask(&preflight::render::json::to_json(&checks))),
            _ => print!("{}", visible(&masker.mask(&dry_run_text(&checks, lang)))),
        }
        return Ok(0);
    }
    // Every descendant of a check dies with it, also one that left its process group.
    run::exec::become_subreaper();
    let mut progress = Progress { ask_terminal: std::io::stdin().is_terminal(), masker: options.masker.clone() };
    let results = run::run(&manifests, &options, &mut progress)?;
    if results.checks.is_empty() {
        return Err("no check selected: nothing to run".into());
    }
    if let Some(path) = &args.junit {
        write(path, &report::junit(&results))?;
    }
    if let Some(path) = &args.summary {
        write(path, &report::markdown(&results))?;
    }
    match args.format {
        Format::Text => print!("{}", visible(&report::summary_table(&results))),
        Format::Json => print!("{}", preflight::render::json::to_json(&results)),
        Format::Junit => print!("{}", report::junit(&results)),
        Format::Github => print!("{}", visible(&report::github(&results))),
        Format::Markdown => print!("{}", visible(&report::markdown(&results))),
    }
    Ok(results.exit_code)
}

fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: cannot write: {}", path.display(), run::io_message(&e)))
}

/// Now, UTC, RFC 3339 to the second.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    run::rfc3339(secs)
}

fn dry_run_text(checks: &[&Check], lang: manifest::Lang) -> String {
    let mut out = String::new();
    for c in checks {
        let what = match c.kind {
            CheckKind::Automated => format!("run   {}", manifest::display_argv(&c.argv)),
            CheckKind::Manual if lang == manifest::Lang::Zh => "询问  是否已完成？".to_string(),
            CheckKind::Manual => "ask   done?".to_string(),
        };
        out.push_str(&format!("{}\n    {}\n    {what}\n", c.id, c.title.get(lang)));
        if !c.depends_on.is_empty() {
            let after = if lang == manifest::Lang::Zh { "依赖" } else { "after" };
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

    fn ask(&mut self, check: &Check, lang: manifest::Lang) -> Option<Answer> {
        if !self.ask_terminal {
            return None;
        }
        let title = visible(&self.masker.mask(check.title.get(lang))).into_owned();
        let zh = lang == manifest::Lang::Zh;
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
