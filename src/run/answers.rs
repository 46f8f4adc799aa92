//! The answers template (`preflight answers MANIFEST…`): every manual check of the manifests
//! with its question in both languages, as an answers file whose lines are commented out. A
//! person (or a pipeline's author) uncomments the lines they answer; one left commented stays
//! `not_reviewed`, so a template used as it is never passes anything.

use std::fmt::Write as _;

use super::Loaded;
use crate::manifest::CheckKind;
use crate::model::collapse_ws;

/// The template: TOML that `run --answers` reads, one commented entry per manual check.
pub fn template(manifests: &[Loaded]) -> String {
    let mut out = String::from(
        "# Answers for `preflight run --answers FILE`: one entry per manual check.\n\
         # Uncomment an entry and set it to \"pass\", \"fail\" or \"skip\". An entry left\n\
         # commented out stays not_reviewed, which fails a required check.\n",
    );
    for loaded in manifests {
        let m = &loaded.manifest;
        let manual: Vec<_> = m.checks.iter().filter(|c| c.kind == CheckKind::Manual).collect();
        if manual.is_empty() {
            continue;
        }
        let _ = write!(out, "\n# ==== {} ({})\n", m.guide, loaded.path);
        for c in manual {
            out.push('\n');
            for (lang, text) in [("en-US", &c.title.en), ("zh-CN", &c.title.zh)] {
                if let Some(t) = text {
                    let _ = writeln!(out, "# {lang}: {}", collapse_ws(t));
                }
            }
            let spans: Vec<&str> = [&c.span.en, &c.span.zh].into_iter().flatten().map(String::as_str).collect();
            if !spans.is_empty() {
                let _ = writeln!(out, "# at: {}", collapse_ws(&spans.join(", ")));
            }
            if !c.required {
                out.push_str("# (optional)\n");
            }
            let _ = writeln!(out, "# {} = \"pass\"", toml::Value::String(c.id.clone()));
        }
    }
    out
}
