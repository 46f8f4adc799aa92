//! The JSON form of the model and its JSON Schema.

use std::collections::BTreeMap;

use serde::Serialize;

use super::OutputFile;
use crate::ids::StepId;
use crate::model::{Guide, StepSync};
use crate::project::Compiled;

/// How JSON is laid out. Compact is the default everywhere: the model JSON of a whole
/// site is read by programs, and pretty-printing it tripled its size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JsonStyle {
    #[default]
    Compact,
    /// Indented by two spaces: for people reading or diffing the JSON.
    Pretty,
}

/// Compact JSON with a trailing newline: stable, one line per file.
pub fn to_json<T: Serialize>(value: &T) -> String {
    to_json_with(value, JsonStyle::Compact)
}

/// JSON in the given style, with a trailing newline.
pub fn to_json_with<T: Serialize>(value: &T, style: JsonStyle) -> String {
    let mut s = match style {
        JsonStyle::Compact => serde_json::to_string(value),
        JsonStyle::Pretty => serde_json::to_string_pretty(value),
    }
    .expect("model types serialize infallibly");
    s.push('\n');
    s
}

/// The JSON Schema of the model JSON. Pretty: it is documentation, read by people. Made
/// once per process (every build writes it; making it costs more than a small page).
pub fn guide_schema() -> String {
    static SCHEMA: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let mut schema = schemars::schema_for!(Guide);
        schema.insert("$id".into(), "https://preflight.invalid/schema/guide.schema.json".into());
        to_json_with(&schema, JsonStyle::Pretty)
    });
    SCHEMA.clone()
}

/// Where the JSON of a guide goes: `guides/<locale>/<rel>.json`.
pub fn guide_path(locale: &str, rel: &str) -> String {
    let rel = rel.strip_suffix(".md").unwrap_or(rel);
    format!("guides/{locale}/{rel}.json")
}

#[derive(Serialize)]
struct Index<'a> {
    schema_version: u32,
    /// Version of the index itself: 2 added `manifest`, `counterpart` and `sync`.
    index_version: u32,
    guides: Vec<IndexEntry<'a>>,
}

/// Version of `index.json`'s own fields.
pub const INDEX_VERSION: u32 = 2;

/// What the index says of a guide beyond its model: its manifest, the source of its
/// counterpart in the other language, and how the pair compares.
#[derive(Debug, Clone, Serialize)]
pub struct GuideLinks {
    /// The manifest `build` wrote for the pair (`checks/….toml`), if it has checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// Source file of the other language's page of the pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<String>,
    /// `in_sync` (paired, no finding), `drift` (paired, findings) or `unmatched` (no counterpart).
    pub sync: crate::model::SyncStatus,
}

/// Links of each guide, keyed by its source file as shown.
pub type IndexLinks = BTreeMap<String, GuideLinks>;

#[derive(Serialize)]
struct IndexEntry<'a> {
    id: &'a str,
    locale: &'a str,
    source: &'a str,
    json: String,
    title: &'a str,
    steps: usize,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    links: Option<&'a GuideLinks>,
}

/// Sync status of each step, keyed by (source file as shown, step id).
pub type StepStatuses = BTreeMap<(String, StepId), StepSync>;

/// The JSON files of a build: one per guide (each step marked with its sync status),
/// an index and the schema; compact.
pub fn outputs(compiled: &[Compiled], statuses: &StepStatuses) -> Vec<OutputFile> {
    outputs_with(compiled, statuses, JsonStyle::Compact)
}

/// [`outputs`] in a given JSON style (the CLI's `--pretty`).
pub fn outputs_with(compiled: &[Compiled], statuses: &StepStatuses, style: JsonStyle) -> Vec<OutputFile> {
    outputs_linked(compiled, statuses, &IndexLinks::new(), style)
}

/// [`outputs_with`], the index giving each guide its manifest, counterpart and sync status.
pub fn outputs_linked(
    compiled: &[Compiled],
    statuses: &StepStatuses,
    links: &IndexLinks,
    style: JsonStyle,
) -> Vec<OutputFile> {
    use rayon::prelude::*;
    // Each guide's JSON on the build's threads, collected in guide order.
    let mut files: Vec<OutputFile> = compiled
        .par_iter()
        .filter_map(|c| {
            let guide = c.guide.as_ref()?;
            let mut marked = guide.clone();
            let file = c.file.display();
            marked.for_each_step_mut(&mut |step| {
                step.sync = statuses.get(&(file.clone(), step.id.clone())).cloned();
            });
            let path = guide_path(&c.file.locale, &c.file.rel);
            Some(OutputFile { path, bytes: to_json_with(&marked, style).into_bytes() })
        })
        .collect();
    let guides: Vec<IndexEntry> = compiled
        .iter()
        .filter_map(|c| {
            let guide = c.guide.as_ref()?;
            Some(IndexEntry {
                id: &guide.id,
                locale: &guide.locale,
                source: &guide.file,
                json: guide_path(&c.file.locale, &c.file.rel),
                title: &guide.title_text,
                steps: guide.steps().len(),
                links: links.get(&c.file.display()),
            })
        })
        .collect();
    let index = Index { schema_version: crate::model::SCHEMA_VERSION, index_version: INDEX_VERSION, guides };
    files.push(OutputFile { path: "index.json".into(), bytes: to_json_with(&index, style).into_bytes() });
    files.push(OutputFile { path: "schema/guide.schema.json".into(), bytes: guide_schema().into_bytes() });
    files
}
