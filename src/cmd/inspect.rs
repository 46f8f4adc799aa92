use std::path::PathBuf;

use clap::ValueEnum;
use preflight::project::guess_locale;
use preflight::render;
use preflight::{Severity, Source};

use super::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Markdown file to read.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Locale of the file (default: guessed from its path, `und` if unknown).
    #[arg(long)]
    locale: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> CmdResult {
    let display = args.file.display().to_string();
    let bytes = std::fs::read(&args.file).map_err(|e| format!("{display}: {e}"))?;
    let source = Source::decode(display.clone(), &bytes).map_err(|e| format!("{display}: {e}"))?;
    let locale = args.locale.unwrap_or_else(|| guess_locale(&args.file));
    let (guide, diags) = preflight::parse::parse_guide(&source, &locale);
    match args.format {
        Format::Text => print!("{}", render::text::outline(&guide)),
        Format::Json => print!("{}", render::json::to_json(&guide)),
    }
    for d in &diags {
        eprintln!("{d}");
    }
    Ok(if diags.iter().any(|d| d.severity == Severity::Error) { 2 } else { 0 })
}
