//! Masking secrets in everything a run reports: captured output, argv, messages.
//!
//! Three kinds are masked: AccessKey ids (`LTAI` and 8 or more letters and digits), the
//! values of secret-looking environment variables (`*ACCESS_KEY*`, `*SECRET*`, `*TOKEN*`,
//! `*PASSWORD*`, which covers `ALIBABA_CLOUD_ACCESS_KEY_ID` and `_SECRET`), and the values of
//! `AccessKeySecret` / `SecurityToken` / `Password` fields in JSON or `key=value` output.
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
static SECRET_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)("?(?:access_?key_?secret|security_?token|secret_?access_?key|password)"?\s*[:=]\s*"?)([^"\s,}]+)"#,
    )
    .expect("valid regex")
});
/// A cut-off `LTAI…` at the very end of a capped buffer.
static ACCESS_KEY_TAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"LTAI[0-9A-Za-z]*$").expect("valid regex"));

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
        SECRET_FIELD.replace_all(&out, "${1}****").into_owned()
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
    fn masks_a_secret_cut_by_the_cap() {
        let m = masker();
        assert_eq!(m.mask_truncated("value: s3cr3tVa"), "value: ****");
        assert_eq!(m.mask_truncated("id: LTAI5tA"), "id: LTAI****");
        assert_eq!(m.mask_truncated("nothing to hide"), "nothing to hide");
    }
}
