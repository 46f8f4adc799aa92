//! The theme of the site: tera templates, UI strings per locale and static assets, all
//! from `templates/`. The copy compiled into the binary ([`Theme::embedded`]) is what
//! `build` uses, so a build depends only on the sources and the binary; `serve` loads the
//! folder from disk (`preflight serve` reads it and hands the files to [`Theme::from_files`]) so that an edited template shows without a rebuild
//! of preflight.
//!
//! Invariant: every template escapes every value, whatever its file name: autoescape is
//! switched on for all names (the empty suffix) and the escape function is tera's HTML
//! escaper. Only fields named `*_html`, which the site renderer builds from escaped text and
//! sanitized HTML, may pass through `| safe` (a test checks the templates for that).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A problem with a theme: a template that does not compile or render, a UI-strings file
/// with a missing or unknown key. Always names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for ThemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for ThemeError {}

/// The UI strings used for a locale the theme has no words for, nor a locale of its language.
const FALLBACK_UI: &str = "en-US";

/// The UI strings of one locale (`templates/i18n/<locale>.toml`). Every key is required
/// and unknown keys are errors, so the two files cannot drift apart silently. `{name}`
/// placeholders are filled by the renderer (or by the site script for the `js_` strings).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ui {
    /// The language's own name, shown in the switcher of the other language.
    pub language_name: String,
    pub all_guides: String,
    pub language_switcher: String,
    pub choose_language: String,
    pub skip_to_content: String,
    pub guides_heading: String,
    pub steps_count: String,
    pub only_in: String,
    pub differs_in: String,
    pub search_label: String,
    pub search_placeholder: String,
    pub search_button: String,
    pub checklist_label: String,
    pub progress_label: String,
    pub progress_text: String,
    pub reset: String,
    pub export: String,
    pub load_results: String,
    pub results_loaded: String,
    pub results_other_guide: String,
    pub results_invalid: String,
    pub search_no_results: String,
    pub mark_step: String,
    pub checks_heading: String,
    pub check_automated: String,
    pub check_manual: String,
    pub drift_banner: String,
    pub drift_open_other: String,
    pub drift_mark: String,
    pub unmatched_mark: String,
    /// A stale step's mark: `{other}` the source language, `{date}` the day it changed.
    pub stale_mark: String,
    /// The index's count of a page's stale steps: `{n}`.
    pub stale_in: String,
    pub counterpart_link: String,
    pub missing_title: String,
    pub missing_body: String,
    pub missing_link: String,
    pub copy: String,
    pub copied: String,
    pub code_label: String,
    pub image_link: String,
    pub result_label: String,
    pub footer: String,
    pub contents_label: String,
    pub breadcrumb_label: String,
    pub pager_label: String,
    pub previous: String,
    pub next: String,
    pub nav_label: String,
    pub search_count: String,
    pub not_found_title: String,
    pub not_found_body: String,
    pub findings_heading: String,
    /// A step's drift mark with what differs: `{label}` and `{what}`, the kinds of
    /// difference joined by `list_separator`.
    pub mark_what: String,
    pub list_separator: String,
    /// Names of the project's languages in this language (`"en-US" = "英文"`), for prose;
    /// the switcher shows each language by its own name (`language_name`).
    pub languages: BTreeMap<String, String>,
    pub notes: NoteLabels,
    pub states: StateLabels,
    /// What each sync finding says differs, by its code without `sync::`
    /// (`number-differs = "Numbers differ"`), shown on drift marks instead of the code.
    pub findings: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteLabels {
    pub note: String,
    pub tip: String,
    pub notice: String,
    pub important: String,
    pub caution: String,
    pub warning: String,
    pub danger: String,
}

/// Labels of the states of `preflight run` results.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateLabels {
    pub pass: String,
    pub fail: String,
    pub error: String,
    pub timeout: String,
    pub skipped: String,
    pub not_reviewed: String,
}

pub struct Theme {
    pub(crate) tera: tera::Tera,
    /// UI strings by locale.
    pub(crate) ui: BTreeMap<String, Ui>,
    /// Static files copied to `site/assets/`, by path below `templates/assets/`.
    pub(crate) assets: BTreeMap<String, Vec<u8>>,
}

impl fmt::Debug for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Theme").field("locales", &self.ui.keys()).field("assets", &self.assets.keys()).finish()
    }
}

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $path)).as_slice())),*]
    };
}

/// Every file of `templates/`, compiled in: `assets/` are copied to the site, `i18n/` are
/// UI strings, `serve/` is for `preflight serve`, anything else is a template. A test checks this list against the folder.
pub const EMBEDDED: &[(&str, &[u8])] = embed![
    "assets/site.css",
    "assets/site.js",
    "base.html",
    "404.html",
    "fragments/code.html",
    "fragments/note.html",
    "fragments/step.html",
    "fragments/table.html",
    "guide.html",
    "i18n/en-US.toml",
    "i18n/zh-CN.toml",
    "index.html",
    "missing.html",
    "root.html",
    "serve/reload.js",
];

impl Theme {
    /// The theme compiled into this binary from `templates/`.
    pub fn embedded() -> &'static Theme {
        static THEME: std::sync::OnceLock<Theme> = std::sync::OnceLock::new();
        THEME.get_or_init(|| {
            let files = EMBEDDED.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
            Theme::from_files(files).expect("the embedded templates are valid (tested)")
        })
    }

    /// Build a theme from its files, keyed by path relative to the theme folder.
    pub fn from_files(files: BTreeMap<String, Vec<u8>>) -> Result<Theme, ThemeError> {
        let mut tera = tera::Tera::new();
        let mut templates = Vec::new();
        let mut ui = BTreeMap::new();
        let mut assets = BTreeMap::new();
        for (path, bytes) in files {
            let text = || {
                String::from_utf8(bytes.clone())
                    .map_err(|_| ThemeError { file: path.clone(), message: "not UTF-8".into() })
            };
            if let Some(asset) = path.strip_prefix("assets/") {
                assets.insert(asset.to_string(), bytes);
            } else if let Some(locale) = path.strip_prefix("i18n/").and_then(|p| p.strip_suffix(".toml")) {
                let strings: Ui =
                    crate::source::parse_toml(&text()?).map_err(|(line, column, message)| ThemeError {
                        file: format!("{path}:{line}:{column}"),
                        message: message.trim_end_matches('.').to_string(),
                    })?;
                ui.insert(locale.to_string(), strings);
            } else if !path.starts_with("serve/") {
                templates.push((path.clone(), text()?));
            }
        }
        // Escape everything, whatever the template's name: the empty suffix matches all.
        tera.autoescape_on([""]);
        tera.reset_escape_fn();
        // Each template on its own first, so an error names its file; then all at once,
        // so that a template may extend one whose name sorts after its own (`404.html`).
        for (name, content) in &templates {
            let mut alone = tera::Tera::new();
            if let Err(e) = alone.add_raw_template(name, content)
                && !error_chain(&e).contains("doesn't exist or isn't loaded")
            {
                return Err(ThemeError { file: name.clone(), message: error_chain(&e) });
            }
        }
        tera.add_raw_templates(templates.iter().map(|(n, c)| (n.as_str(), c.as_str())))
            .map_err(|e| ThemeError { file: "templates".into(), message: error_chain(&e) })?;
        tera.autoescape_on([""]);
        Ok(Theme { tera, ui, assets })
    }

    /// Render one template with a view.
    pub(crate) fn render<T: Serialize>(&self, template: &str, view: &T) -> Result<String, ThemeError> {
        let context = tera::Context::from_serialize(view)
            .map_err(|e| ThemeError { file: template.to_string(), message: error_chain(&e) })?;
        self.tera
            .render(template, &context)
            .map_err(|e| ThemeError { file: template.to_string(), message: error_chain(&e) })
    }

    /// The name of `locale` in the language of `ui`, for prose ("不同于英文版"); a locale the
    /// theme has no words for is named by its tag.
    pub(crate) fn language_in(&self, ui: &Ui, locale: &str) -> Result<String, ThemeError> {
        match ui.languages.get(locale) {
            Some(name) => Ok(name.clone()),
            None => Ok(self.ui.get(locale).map_or_else(|| locale.to_string(), |u| u.language_name.clone())),
        }
    }

    /// The UI strings the pages of `locale` use: its own, else those of a locale of the
    /// same language (`zh-TW` → `zh-CN`), else English. See [`Theme::ui_locale`].
    pub(crate) fn ui(&self, locale: &str) -> Result<&Ui, ThemeError> {
        let chosen = self.ui_locale(locale);
        self.ui.get(chosen).ok_or_else(|| ThemeError {
            file: format!("i18n/{chosen}.toml"),
            message: format!("no UI strings for locale `{chosen}`"),
        })
    }

    /// Which locale's UI strings the pages of `locale` use. Equal to `locale` when the theme
    /// has words for it; a project in `fr-FR` builds, its pages in English words.
    pub fn ui_locale<'a>(&'a self, locale: &'a str) -> &'a str {
        if self.ui.contains_key(locale) {
            return locale;
        }
        let language = |tag: &str| tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let wanted = language(locale);
        self.ui.keys().find(|k| language(k) == wanted).map_or(FALLBACK_UI, |k| k.as_str())
    }

    /// The reload script `serve` injects into the pages it serves.
    pub fn reload_script() -> &'static [u8] {
        EMBEDDED.iter().find(|(p, _)| *p == "serve/reload.js").map(|(_, b)| *b).unwrap_or_default()
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> BTreeMap<String, Vec<u8>> {
        EMBEDDED.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect()
    }

    #[test]
    fn every_template_escapes_whatever_its_name() {
        let mut f = files();
        f.insert("odd.txt".into(), b"{{ v }}".to_vec());
        f.insert("odd".into(), b"{{ v }}".to_vec());
        let theme = Theme::from_files(f).unwrap();
        let v = serde_json::json!({"v": "<script>\"'&"});
        for name in ["odd.txt", "odd"] {
            assert_eq!(theme.render(name, &v).unwrap(), "&lt;script&gt;&quot;&#39;&amp;");
        }
    }

    #[test]
    fn a_missing_ui_string_names_the_file() {
        let mut f = files();
        let zh = String::from_utf8(f["i18n/zh-CN.toml"].clone()).unwrap();
        let without: String = zh.lines().filter(|l| !l.starts_with("copy ")).map(|l| format!("{l}\n")).collect();
        f.insert("i18n/zh-CN.toml".into(), without.into_bytes());
        let err = Theme::from_files(f).unwrap_err().to_string();
        assert!(err.starts_with("i18n/zh-CN.toml:") && err.contains("missing field `copy`"), "{err}");
    }

    #[test]
    fn every_sync_code_has_words_in_every_language() {
        let theme = Theme::from_files(files()).unwrap();
        for (locale, ui) in &theme.ui {
            for (code, _) in crate::sync::CODES.iter().chain(crate::sync::HISTORY_CODES) {
                let key = code.strip_prefix("sync::").unwrap();
                assert!(ui.findings.contains_key(key), "i18n/{locale}.toml: [findings] has no `{key}`");
            }
            assert_eq!(
                ui.findings.len(),
                crate::sync::CODES.len() + crate::sync::HISTORY_CODES.len(),
                "i18n/{locale}.toml: [findings] has unknown codes"
            );
        }
    }

    #[test]
    fn an_unknown_ui_string_is_an_error() {
        let mut f = files();
        let mut en = f["i18n/en-US.toml"].clone();
        en.splice(0..0, b"cpoy = \"Copy\"\n".iter().copied());
        f.insert("i18n/en-US.toml".into(), en);
        let err = Theme::from_files(f).unwrap_err().to_string();
        assert!(err.starts_with("i18n/en-US.toml:1:1") && err.contains("unknown field `cpoy`"), "{err}");
    }
}
