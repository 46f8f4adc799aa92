//! Masking secrets in everything a run reports: captured output, argv, messages.
//!
//! Three kinds are masked: AccessKey ids (`LTAI` and 8 or more letters and digits), the
//! values of secret-looking environment variables (`*ACCESS_KEY*`, `*SECRET*`, `*TOKEN*`,
//! `*PASSWORD*`, which covers `ALIBABA_CLOUD_ACCESS_KEY_ID` and `_SECRET`) wherever they
//! appear, under any field name, as written or in their JSON- or XML-escaped forms, and the
//! values of `AccessKeySecret` / `SecurityToken` / `Password`-like fields in JSON or
//! `key=value` output (a JSON string value whole, escapes included).
//!
//! Must never: let a report contain a value it was told is secret, also when the capture
//! cap cut the value in two (a cut tail that starts a secret is masked too).

use std::ffi::OsString;
use std::sync::LazyLock;

use regex::Regex;

pub const MASK: &str = "****";

/// The shortest environment value treated as a secret; shorter ones would mask ordinary words.
const MIN_SECRET_LEN: usize = 4;

static ACCESS_KEY_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"LTAI[0-9A-Za-z]{8,}").expect("valid regex"));
/// A secret-looking field and its value: a JSON string whole (escapes and all), or a bare
/// value up to a space, comma, quote or brace.
static SECRET_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)("?[A-Za-z_]*(?:access_?key_?secret|security_?token|secret_?access_?key|password|passwd)"?\s*[:=]\s*)(?:"(?:[^"\\]|\\.)*"?|[^"\s,}<]+)"#,
    )
    .expect("valid regex")
});
/// A cut-off `LTAI…` at the very end of a capped buffer.
static ACCESS_KEY_TAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"LTAI[0-9A-Za-z]*$").expect("valid regex"));

/// A secret as written and as JSON and XML would write it (a value with `"`, `\\`, `<`, `&`
/// or a control character looks different in a command's JSON or XML output).
fn escaped_forms(value: &str) -> Vec<String> {
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = json.get(1..json.len().saturating_sub(1)).unwrap_or_default().to_string();
    let xml = |gt: &str, quot: &str, apos: &str| {
        value.replace('&', "&amp;").replace('<', "&lt;").replace('>', gt).replace('"', quot).replace('\'', apos)
    };
    let mut forms = vec![value.to_string(), json.replace('/', "\\/"), json];
    for gt in ["&gt;", ">"] {
        for quot in ["&quot;", "&#34;", "\""] {
            for apos in ["&apos;", "&#39;", "'"] {
                forms.push(xml(gt, quot, apos));
            }
        }
    }
    forms.sort();
    forms.dedup();
    forms
}

/// Is an environment variable of this name a secret whose value must never be shown?
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["ACCESS_KEY", "SECRET", "TOKEN", "PASSWORD"].iter().any(|w| upper.contains(w))
}

#[derive(Debug, Clone, Default)]
pub struct Masker {
    /// Longest first, so a secret that contains another is masked whole.
    secrets: Vec<String>,
}

impl Masker {
    /// A masker for the secret values of an environment (the caller's whole environment,
    /// not only what a check receives: a child can read secrets from elsewhere too).
    pub fn from_env<I: IntoIterator<Item = (OsString, OsString)>>(vars: I) -> Masker {
        let mut secrets: Vec<String> = vars
            .into_iter()
            .filter(|(k, _)| is_secret_name(&k.to_string_lossy()))
            .map(|(_, v)| v.to_string_lossy().into_owned())
            .filter(|v| v.chars().count() >= MIN_SECRET_LEN)
            .flat_map(|v| escaped_forms(&v))
            .collect();
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        secrets.dedup();
        Masker { secrets }
    }

    /// Mask a complete text.
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), MASK);
            }
        }
        let out = ACCESS_KEY_ID.replace_all(&out, "LTAI****");
        SECRET_FIELD
            .replace_all(&out, |c: &regex::Captures| {
                let quoted = c[0][c[1].len()..].starts_with('"');
                format!("{}{}", &c[1], if quoted { "\"****\"" } else { MASK })
            })
            .into_owned()
    }

    /// Mask a text that was cut at a cap: also a tail that may be the start of a secret.
    pub fn mask_truncated(&self, text: &str) -> String {
        let mut out = self.mask(text);
        out = ACCESS_KEY_TAIL.replace(&out, "LTAI****").into_owned();
        for s in &self.secrets {
            let cut =
                (MIN_SECRET_LEN..s.len()).rev().filter(|&k| s.is_char_boundary(k)).find(|&k| out.ends_with(&s[..k]));
            if let Some(k) = cut {
                out.truncate(out.len() - k);
                out.push_str(MASK);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masker() -> Masker {
        Masker::from_env([
            (OsString::from("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), OsString::from("s3cr3tValue/xyz")),
            (OsString::from("ALIBABA_CLOUD_ACCESS_KEY_ID"), OsString::from("LTAI5tAbCdEfGh")),
            (OsString::from("HOME"), OsString::from("/root")),
            (OsString::from("MY_TOKEN"), OsString::from("abc")),
        ])
    }

    #[test]
    fn masks_ids_env_values_and_secret_fields() {
        let m = masker();
        assert_eq!(
            m.mask("id LTAI5tAbCdEfGh and LTAIzzzzzzzzzz, secret s3cr3tValue/xyz"),
            "id **** and LTAI****, secret ****"
        );
        assert_eq!(
            m.mask(r#"{"AccessKeySecret": "hunter22", "Home": "/root"}"#),
            r#"{"AccessKeySecret": "****", "Home": "/root"}"#
        );
        assert_eq!(
            m.mask("LTAI123 is too short to be an id; abc is too short to mask"),
            "LTAI123 is too short to be an id; abc is too short to mask"
        );
    }

    #[test]
    fn masks_escaped_forms_of_secrets_under_any_field_name() {
        let m = Masker::from_env([
            (OsString::from("DB_PASSWORD"), OsString::from(r#"pa"ss\word9"#)),
            (OsString::from("APP_TOKEN"), OsString::from("a<b>&'c\"d/e")),
        ]);
        // JSON-escaped, under a field name the masker does not know.
        assert_eq!(m.mask(r#"{"Whatever": "pa\"ss\\word9"}"#), r#"{"Whatever": "****"}"#);
        assert_eq!(m.mask(r#"{"x": "a<b>&'c\"d\/e", "y": "a<b>&'c\"d/e"}"#), r#"{"x": "****", "y": "****"}"#);
        // XML-escaped, with either entity style.
        assert_eq!(m.mask("<v>a&lt;b&gt;&amp;&apos;c&quot;d/e</v>"), "<v>****</v>");
        assert_eq!(m.mask("<v a=\"a&lt;b&gt;&amp;&#39;c&#34;d/e\"/>"), "<v a=\"****\"/>");
        // A secret-looking field whose value the masker was not told: the JSON string whole.
        assert_eq!(m.mask(r#"{"DB_PASSWORD": "x\"y\\z", "n": 1}"#), r#"{"DB_PASSWORD": "****", "n": 1}"#);
        assert_eq!(m.mask("db_password=hunter2 next"), "db_password=**** next");
    }

    #[test]
    fn masks_a_secret_cut_by_the_cap() {
        let m = masker();
        assert_eq!(m.mask_truncated("value: s3cr3tVa"), "value: ****");
        assert_eq!(m.mask_truncated("id: LTAI5tA"), "id: LTAI****");
        assert_eq!(m.mask_truncated("nothing to hide"), "nothing to hide");
    }
}
