//! Pairing the guides of a project: which en-US guide is the translation of which zh-CN
//! guide. An explicit `[[pair]]` in `preflight.toml` wins, then the same path under the
//! two locale folders, then the same topic id. What is left has no counterpart.
//!
//! Invariant: pure, and the result is in a stable order (en path, then zh path).

use crate::model::IdSource;
use crate::project::{Compiled, Config};

/// How a pair was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PairedBy {
    Config,
    SamePath,
    TopicId,
    /// No counterpart was found: one side is `None`.
    Unpaired,
}

#[derive(Debug, Clone, Copy)]
pub struct GuidePair<'a> {
    pub en: Option<&'a Compiled>,
    pub zh: Option<&'a Compiled>,
    pub by: PairedBy,
}

/// The two locales a project pairs: the source locale and the first other one.
pub fn locales(config: &Config) -> (String, String) {
    let en = config.source_locale.clone();
    let zh = config.locales.iter().find(|l| **l != en).cloned().unwrap_or_else(|| "zh-CN".to_string());
    (en, zh)
}

pub fn pair_project<'a>(config: &Config, compiled: &'a [Compiled]) -> Vec<GuidePair<'a>> {
    let (en_locale, zh_locale) = locales(config);
    let en: Vec<&Compiled> = compiled.iter().filter(|c| c.file.locale == en_locale).collect();
    let zh: Vec<&Compiled> = compiled.iter().filter(|c| c.file.locale == zh_locale).collect();
    let mut used_en = vec![false; en.len()];
    let mut used_zh = vec![false; zh.len()];
    let mut out = Vec::new();
    let mut take = |i: usize, j: usize, by, used_en: &mut Vec<bool>, used_zh: &mut Vec<bool>| {
        used_en[i] = true;
        used_zh[j] = true;
        out.push(GuidePair { en: Some(en[i]), zh: Some(zh[j]), by });
    };
    for p in &config.pairs {
        let i = en.iter().position(|c| c.file.rel == p.en || c.file.display() == p.en);
        let j = zh.iter().position(|c| c.file.rel == p.zh || c.file.display() == p.zh);
        if let (Some(i), Some(j)) = (i, j)
            && !used_en[i]
            && !used_zh[j]
        {
            take(i, j, PairedBy::Config, &mut used_en, &mut used_zh);
        }
    }
    for i in 0..en.len() {
        if used_en[i] {
            continue;
        }
        if let Some(j) = (0..zh.len()).find(|&j| !used_zh[j] && zh[j].file.rel == en[i].file.rel) {
            take(i, j, PairedBy::SamePath, &mut used_en, &mut used_zh);
        }
    }
    let topic_id = |c: &Compiled| c.guide.as_ref().filter(|g| g.id_source == IdSource::Heading).map(|g| g.id.clone());
    for i in 0..en.len() {
        let Some(id) = topic_id(en[i]).filter(|_| !used_en[i]) else { continue };
        if let Some(j) = (0..zh.len()).find(|&j| !used_zh[j] && topic_id(zh[j]).as_deref() == Some(id.as_str())) {
            take(i, j, PairedBy::TopicId, &mut used_en, &mut used_zh);
        }
    }
    let lone_en = en.iter().zip(&used_en).filter(|(_, used)| !**used);
    out.extend(lone_en.map(|(c, _)| GuidePair { en: Some(*c), zh: None, by: PairedBy::Unpaired }));
    let lone_zh = zh.iter().zip(&used_zh).filter(|(_, used)| !**used);
    out.extend(lone_zh.map(|(c, _)| GuidePair { en: None, zh: Some(*c), by: PairedBy::Unpaired }));
    let key = |p: &GuidePair| {
        (p.en.map(|c| c.file.rel.clone()).unwrap_or_default(), p.zh.map(|c| c.file.rel.clone()).unwrap_or_default())
    };
    out.sort_by_key(key);
    out
}
