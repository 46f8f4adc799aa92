//! Check manifests: a guide pair turned into the list of things to verify before a cluster
//! is created, written by `build` as TOML and read back by `run`.
//!
//! A manifest is built from the en/zh *pair*, not from one language, so a check has the same
//! id whichever side it came from: the step id of the model (`<guide>.s1.p1.4.3`), with
//! `~<rule>` when one step yields several checks, or `<guide>.s<section>.t<table>.r<row>~<rule>`
//! for a row of a role table. Each check carries its title and source span in both
//! languages (what exists of them).
//!
//! Invariants: building is pure and deterministic (the same pair and rules give the same
//! bytes); every step that no rule automates becomes a manual check, so nothing in a guide is
//! dropped silently; reading a manifest is strict (unknown keys, bad patterns, unknown
//! dependencies are errors with file:line:column) and never panics.
//!
//! One job per file, in pipeline order: `items` (the steps and role-table rows of a guide),
//! `bind` (which rule applies to an item, with which values), `build` (a pair → its checks),
//! `toml` (writing and strictly reading the file), `tasks` (the Markdown task list) and
//! `quote` (display forms of an argument list). Nothing here imports `render` or `run`.

mod bind;
mod build;
mod items;
mod quote;
mod tasks;
mod toml_io;

pub use build::{build_all, build_manifest, manifest_path};
pub use quote::display_argv;
pub use tasks::task_list;
pub use toml_io::{load, manifest_schema, parse, to_toml};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::ItemId;
use crate::model::SyncStatus;
use crate::rules;

/// Version of the manifest format. Bump on any change a reader could notice.
pub const MANIFEST_VERSION: u32 = 2;
/// The oldest manifest version this preflight still reads (version 1 had no `tags`).
pub const MANIFEST_VERSION_MIN: u32 = 1;
/// Longest timeout a manifest may ask for (a day).
pub const MAX_TIMEOUT_SECS: u64 = 86_400;

/// A text in the two languages of a project; either may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[serde(rename = "en-US", default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(rename = "zh-CN", default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
}

impl Text {
    /// The text in `lang`, falling back to the other language.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Zh => (&self.zh, &self.en),
            Lang::En => (&self.en, &self.zh),
        };
        first.as_deref().or(second.as_deref()).unwrap_or("")
    }
}

/// Which of the two languages of a manifest a text, a run or a task list is in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub enum Lang {
    #[default]
    #[serde(rename = "en-US")]
    En,
    #[serde(rename = "zh-CN")]
    Zh,
}

impl Lang {
    /// The manifest language a locale reads: Chinese for a `zh` primary subtag (`zh-CN`,
    /// `zh-TW`, `zh_Hans`), the source language for any other (`fr-FR` reads en-US). The one
    /// place a locale tag is looked into.
    pub fn of_locale(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") { Lang::Zh } else { Lang::En }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en-US",
            Lang::Zh => "zh-CN",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Verified by running `argv`.
    Automated,
    /// Asked of a person.
    Manual,
}

/// One runnable or askable item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Stable id, equal whichever language the check was built from: the string form of a
    /// [`CheckId`] in manifests `build` writes; any unique name in one written by hand.
    pub id: String,
    /// The step or table row the check is about, when `id` names one (filled when a
    /// manifest is built or read; not part of the TOML).
    #[serde(skip)]
    #[schemars(skip)]
    pub item: Option<ItemId>,
    pub kind: CheckKind,
    /// For a manual check, the step's command sentence: the question a person answers.
    pub title: Text,
    /// `locale/path.md:line:column` of the step or table row in each language.
    pub span: Text,
    /// Tags for selection (`run --tag`): those of the rule that made the check and of the
    /// guide's front matter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The rule that made an automated check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Program and arguments, run without a shell. Empty for a manual check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub argv: Vec<String>,
    /// Exit code that counts as a pass (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_exit: Option<i32>,
    /// Regex that standard output must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_output: Option<String>,
    /// Seconds before the check's process group is killed (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
    /// Ids of earlier checks that must pass first; otherwise this one is skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Whether running the check changes anything. Checks are read-only by default.
    #[serde(default)]
    pub mutates: bool,
    /// A check that is not required does not change the exit code of `run`.
    #[serde(default = "yes")]
    pub required: bool,
    /// Arguments `run` fills in from inputs (`--input NAME=VALUE`, the inputs file): argv
    /// element `arg` is replaced whole by input `name`. Without that input the check is skipped.
    #[serde(default, rename = "input", skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputArg>,
    /// The input that says whether the item's condition applies (`true`: the check is
    /// required; `false`: it is skipped, with the condition as the reason; not given: the check
    /// runs as `required` says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// When the guide says the item is needed (the "When required" column of a role table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Text>,
    /// The section (heading) of the guide the item is in; none for the untitled lead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<SectionRef>,
    /// The links of the step's command sentence, in each language: text and target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkRef>,
    /// How the step of this check compares with its translation (from sync): a check
    /// built from a drifted or unmatched step may read differently in the two languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncStatus>,
}

/// The heading of the section an item is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionRef {
    /// Heading level, 2–6.
    pub level: u8,
    pub title: Text,
}

/// A link of a step's command sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRef {
    /// `en-US` or `zh-CN`.
    pub lang: String,
    pub text: String,
    pub target: String,
}

/// An argument filled in from an input when the check runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputArg {
    /// Index into `argv`.
    pub arg: usize,
    pub name: String,
}

fn yes() -> bool {
    true
}

impl Check {
    pub fn timeout_secs(&self) -> u64 {
        self.timeout_secs.unwrap_or(rules::DEFAULT_TIMEOUT_SECS)
    }

    pub fn expect_exit(&self) -> i32 {
        self.expect_exit.unwrap_or(0)
    }
}

/// The checks of one guide pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub manifest_version: u32,
    /// Topic id of the guide.
    pub guide: String,
    pub title: Text,
    /// Source file of each language, relative to the source root.
    pub source: Text,
    #[serde(rename = "check", default)]
    pub checks: Vec<Check>,
}

/// A manifest that cannot be read, with the position of the problem.
pub type ManifestError = crate::diag::FileError;
