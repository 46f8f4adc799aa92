use preflight::build;
use preflight::project::Deny;
use preflight::render::site::Theme;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    folders: super::Folders,
    /// Worker threads for parsing (default: one per core). Output does not depend on it.
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Fail (exit 1) on these findings, besides input errors: `drift` (any sync finding),
    /// `warnings` (any warning). Adds to `deny` of preflight.toml. Default: build succeeds
    /// whatever the translations say; `preflight sync` is the gate.
    #[arg(long, value_enum, value_name = "WHAT")]
    deny: Vec<DenyArg>,
    /// Read git history: report stale steps and mark them on the site (off by default, so
    /// the output depends on the sources only, not on the clone).
    #[arg(long)]
    history: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DenyArg {
    Drift,
    Warnings,
}

pub fn run(args: Args) -> CmdResult {
    if let Some(n) = args.jobs {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global()?;
    }
    let (project, out) = args.folders.project()?;
    for line in super::describe_project(&project) {
        eprintln!("{line}");
    }
    let mut deny = project.config.deny.clone();
    deny.extend(args.deny.iter().map(|d| match d {
        DenyArg::Drift => Deny::Drift,
        DenyArg::Warnings => Deny::Warnings,
    }));
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("building {} pages into {}…", project.files.len(), super::shown(&out));
    }
    let result = build::build_project_with(project, &out, Theme::embedded(), args.history)?;
    for d in result.diagnostics.iter().chain(build::all_diagnostics(&result.compiled)) {
        eprintln!("{d}");
    }
    let s = &result.summary;
    let locales: Vec<String> = s.per_locale.iter().map(|(l, n)| format!("{n} {l}")).collect();
    println!(
        "built {} guides ({}): {} steps, {} notes, {} tables; {} warnings, {} errors",
        s.guides,
        locales.join(", "),
        s.steps,
        s.notes,
        s.tables,
        s.warnings,
        s.errors
    );
    println!("{}", preflight::render::sync::pairing_summary(&result.sync));
    println!(
        "wrote {} files to {} ({} unchanged, {} removed)",
        result.report.written,
        super::shown(&out),
        result.report.unchanged,
        result.report.removed
    );
    if let Some(note) = &result.history {
        println!("{note}");
    }
    println!("{}", preflight::render::sync::summary(&result.sync));
    if result.sync.findings > 0 {
        println!("run `preflight sync` to see each drift");
    }
    let denied =
        (deny.contains(&Deny::Drift) && result.sync.findings > 0) || (deny.contains(&Deny::Warnings) && s.warnings > 0);
    Ok(if s.errors > 0 {
        2
    } else if denied {
        1
    } else {
        0
    })
}
