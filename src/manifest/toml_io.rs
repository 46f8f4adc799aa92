//! The manifest file: its TOML text as `build` writes it, its JSON Schema, and strict
//! reading (unknown keys, bad patterns, unknown dependencies: errors with file:line:column).

use std::collections::BTreeSet;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use super::{CheckKind, MANIFEST_VERSION, MANIFEST_VERSION_MIN, MAX_TIMEOUT_SECS, Manifest, ManifestError};
use crate::ids::CheckId;
use crate::rules;

pub fn manifest_schema() -> String {
    let mut schema = schemars::schema_for!(Manifest);
    schema.insert("$id".into(), "https://preflight.invalid/schema/manifest.schema.json".into());
    let mut text = serde_json::to_string(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

/// The TOML text of a manifest, with a header saying where it came from.
pub fn to_toml(manifest: &Manifest) -> String {
    let body = toml::to_string(manifest).unwrap_or_default();
    format!(
        "# Check manifest of `{}`, written by `preflight build` from the guide and rules.toml.\n\
         # Run it with `preflight run <this file>`. Rebuilding replaces this file.\n\n{body}",
        manifest.guide
    )
}

// ---------------------------------------------------------------------------------------
// Reading

/// Positions of the fields a semantic check can complain about.
#[derive(Deserialize)]
struct Positions {
    #[serde(default)]
    manifest_version: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    check: Vec<toml::Spanned<CheckPositions>>,
}

#[derive(Deserialize)]
struct CheckPositions {
    #[serde(default)]
    id: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    argv: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    expect_output: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    timeout_secs: Option<toml::Spanned<toml::Value>>,
    #[serde(default)]
    depends_on: Option<toml::Spanned<toml::Value>>,
}

pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
    let text = std::fs::read_to_string(path).map_err(|err| ManifestError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: format!("cannot read: {}", crate::diag::io_message(&err)),
    })?;
    parse(&text, path)
}

/// Parse and validate a manifest text; `path` is only used in errors.
pub fn parse(text: &str, path: &Path) -> Result<Manifest, ManifestError> {
    let err_at = |offset: usize, message: String| {
        let (line, column) = rules::position(text, offset);
        ManifestError { path: path.to_path_buf(), line, column, message }
    };
    let mut manifest: Manifest = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        err_at(offset, e.message().trim_end().trim_end_matches('.').to_string())
    })?;
    let pos: Positions = toml::from_str(text).map_err(|e| err_at(0, e.message().trim_end().to_string()))?;
    let at = |i: usize, field: fn(&CheckPositions) -> &Option<toml::Spanned<toml::Value>>| {
        pos.check.get(i).map_or(0, |c| field(c.get_ref()).as_ref().map_or(c.span().start, |s| s.span().start))
    };
    if !(MANIFEST_VERSION_MIN..=MANIFEST_VERSION).contains(&manifest.manifest_version) {
        let offset = pos.manifest_version.as_ref().map_or(0, |s| s.span().start);
        let v = manifest.manifest_version;
        return Err(err_at(
            offset,
            format!(
                "unsupported manifest_version {v} (this preflight reads {MANIFEST_VERSION_MIN} to {MANIFEST_VERSION})"
            ),
        ));
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (i, check) in manifest.checks.iter().enumerate() {
        if check.id.trim().is_empty() {
            return Err(err_at(at(i, |c| &c.id), "a check id must not be empty".into()));
        }
        match check.kind {
            CheckKind::Automated if check.argv.is_empty() || check.argv[0].is_empty() => {
                return Err(err_at(at(i, |c| &c.argv), format!("check `{}`: an automated check needs argv", check.id)));
            }
            CheckKind::Manual if !check.argv.is_empty() => {
                return Err(err_at(at(i, |c| &c.argv), format!("check `{}`: a manual check has no argv", check.id)));
            }
            _ => {}
        }
        if let Some(pattern) = &check.expect_output
            && let Err(e) = Regex::new(pattern)
        {
            let message = format!("check `{}`: invalid expect_output pattern: {}", check.id, rules::one_line(&e));
            return Err(err_at(at(i, |c| &c.expect_output), message));
        }
        if check.timeout_secs.is_some_and(|t| t == 0 || t > MAX_TIMEOUT_SECS) {
            let message = format!("check `{}`: timeout_secs must be between 1 and {MAX_TIMEOUT_SECS}", check.id);
            return Err(err_at(at(i, |c| &c.timeout_secs), message));
        }
        for dep in &check.depends_on {
            if !seen.contains(dep.as_str()) {
                let message = format!("check `{}`: depends on `{dep}`, which is not an earlier check", check.id);
                return Err(err_at(at(i, |c| &c.depends_on), message));
            }
        }
        if !seen.insert(&check.id) {
            return Err(err_at(at(i, |c| &c.id), format!("duplicate check id `{}`", check.id)));
        }
    }
    // The edge where a check id's string form is read: ids of built manifests name their item.
    for check in &mut manifest.checks {
        check.item = check.id.parse::<CheckId>().ok().map(|c| c.item);
    }
    Ok(manifest)
}
