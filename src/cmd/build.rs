use preflight::build;

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    folders: super::Folders,
    /// Worker threads for parsing (default: one per core). Output does not depend on it.
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
}

pub fn run(args: Args) -> CmdResult {
    if let Some(n) = args.jobs {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global()?;
    }
    let result = build::build(&args.folders.src, &args.folders.out)?;
    for d in build::all_diagnostics(&result.compiled) {
        eprintln!("{d}");
    }
    for stray in &result.project.stray {
        eprintln!(
            "{}: warning: not in a locale folder ({}); not built",
            stray,
            result.project.config.locales.join(", ")
        );
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
    println!(
        "wrote {} files to {} ({} unchanged, {} removed)",
        result.report.written,
        args.folders.out.display(),
        result.report.unchanged,
        result.report.removed
    );
    println!("{}", preflight::render::sync::summary(&result.sync));
    if result.sync.findings > 0 {
        println!("run `preflight sync --src {}` to see each drift", args.folders.src.display());
    }
    Ok(if s.errors > 0 {
        2
    } else if result.sync.findings > 0 {
        1
    } else {
        0
    })
}
