//! Pairing the guides of a project: which en-US guide is the translation of which zh-CN
//! guide, and the one id both then carry.
//!
//! In order: an explicit pair (`[[pair]]` in `preflight.toml` or an entry of its pairs
//! file), the same path under the two locale folders, a topic id that is unique on both
//! sides, then the content-based engine of `preflight pair` ([`crate::matching`]) for what
//! is left. A topic id used by more than one page of a language is never used to pair (a
//! warning lists every page that carries it). What is left has no counterpart.
//!
//! Every pair gets one guide id ([`name_pairs`]): its topic id when that id is unique, else
//! one derived from the source-language path; so step ids, check ids, ticks and anchors
//! agree across languages.
//!
//! Invariants: pure, and linear in the number of guides but for the content engine, which
//! sees only the pages no cheaper rule paired; pairs come out sorted by path.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diag::Diagnostic;
use crate::matching::{self, Page, Params};
use crate::model::IdSource;
use crate::project::{Compiled, Config};

pub use crate::model::PairedBy;

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

/// Pairs as indexes into the compiled guides.
struct Found {
    pairs: Vec<(Option<usize>, Option<usize>, PairedBy)>,
    diagnostics: Vec<Diagnostic>,
    /// Topic ids on more than one page of a language (either language).
    shared: BTreeSet<String>,
}

/// Topic ids written on more than one page of one language: never used to pair or name.
/// The pages of each such id, as indexes into `compiled`.
fn shared_topic_ids(compiled: &[Compiled], side: &[usize]) -> BTreeMap<String, Vec<usize>> {
    let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in side {
        if let Some(id) = compiled[i].guide.as_ref().and_then(|g| g.topic_id.clone()) {
            by_id.entry(id).or_default().push(i);
        }
    }
    by_id.retain(|_, files| files.len() > 1);
    by_id
}

fn find_pairs(config: &Config, compiled: &[Compiled]) -> Found {
    let (en_locale, zh_locale) = locales(config);
    let en: Vec<usize> = (0..compiled.len()).filter(|&i| compiled[i].file.locale == en_locale).collect();
    let zh: Vec<usize> = (0..compiled.len()).filter(|&i| compiled[i].file.locale == zh_locale).collect();
    let mut used = vec![false; compiled.len()];
    let mut pairs = Vec::new();
    type Found3 = Vec<(Option<usize>, Option<usize>, PairedBy)>;
    fn take(pairs: &mut Found3, used: &mut [bool], i: usize, j: usize, by: PairedBy) {
        used[i] = true;
        used[j] = true;
        pairs.push((Some(i), Some(j), by));
    }

    // Guides named by an earlier pairing keep their pair: they share an id.
    let named: HashMap<&str, usize> = zh
        .iter()
        .filter_map(|&j| Some((compiled[j].guide.as_ref()?.id.as_str(), j)).filter(|_| compiled[j].paired_by.is_some()))
        .collect();
    // Guides an earlier pairing left alone stay alone.
    let alone: Vec<bool> = compiled.iter().map(|c| c.paired_by == Some(PairedBy::Unpaired)).collect();
    for (k, a) in alone.iter().enumerate() {
        used[k] |= *a;
    }
    for &i in &en {
        let Some(by) = compiled[i].paired_by.filter(|b| *b != PairedBy::Unpaired) else { continue };
        let Some(id) = compiled[i].guide.as_ref().map(|g| g.id.as_str()) else { continue };
        if let Some(&j) = named.get(id)
            && !used[j]
        {
            take(&mut pairs, &mut used, i, j, by);
        }
    }

    let by_shown = |side: &[usize]| -> HashMap<String, usize> {
        let mut map = HashMap::new();
        for &k in side {
            map.insert(compiled[k].file.rel.clone(), k);
            map.insert(compiled[k].file.display(), k);
        }
        map
    };
    let (en_by, zh_by) = (by_shown(&en), by_shown(&zh));
    for p in &config.pairs {
        if let (Some(&i), Some(&j)) = (en_by.get(&p.en), zh_by.get(&p.zh))
            && !used[i]
            && !used[j]
        {
            take(&mut pairs, &mut used, i, j, PairedBy::Config);
        }
    }
    let by_hand = used.clone();
    let zh_rel: HashMap<&str, usize> = zh.iter().map(|&j| (compiled[j].file.rel.as_str(), j)).collect();
    for &i in &en {
        if let Some(&j) = zh_rel.get(compiled[i].file.rel.as_str())
            && !used[i]
            && !used[j]
        {
            take(&mut pairs, &mut used, i, j, PairedBy::SamePath);
        }
    }

    let mut diagnostics = Vec::new();
    let shared_en = shared_topic_ids(compiled, &en);
    let shared_zh = shared_topic_ids(compiled, &zh);
    for (id, pages) in shared_en.iter().chain(&shared_zh) {
        let files: Vec<String> = pages.iter().map(|&p| compiled[p].file.display()).collect();
        for (k, &page) in pages.iter().enumerate() {
            let others: Vec<&str> =
                files.iter().enumerate().filter(|(o, _)| *o != k).map(|(_, f)| f.as_str()).collect();
            let span = compiled[page].guide.as_ref().map(|g| g.span);
            diagnostics.push(Diagnostic::warning(
                "pairs::shared-topic-id",
                &files[k],
                span.unwrap_or_default(),
                format!("topic id `{id}` is also on {}; it is not used to pair these pages", others.join(", ")),
            ));
        }
    }
    let unique_topic = |k: usize, shared: &BTreeMap<String, Vec<usize>>| {
        compiled[k].guide.as_ref().and_then(|g| g.topic_id.clone()).filter(|id| !shared.contains_key(id))
    };
    let zh_topic: HashMap<String, usize> = zh.iter().filter_map(|&j| Some((unique_topic(j, &shared_zh)?, j))).collect();
    for &i in &en {
        if let Some(id) = unique_topic(i, &shared_en)
            && let Some(&j) = zh_topic.get(&id)
            && !used[i]
            && !used[j]
        {
            take(&mut pairs, &mut used, i, j, PairedBy::TopicId);
        }
    }

    // The content engine, on what is left. Pages paired by hand stay in its statistics, so
    // a pairs file with the engine's own proposals gives the same pairs as none.
    let by_rule: Vec<bool> = (0..compiled.len()).map(|k| used[k] && !by_hand[k]).collect();
    let pool = |side: &[usize]| -> Vec<usize> {
        side.iter().copied().filter(|&k| !by_rule[k] && compiled[k].guide.is_some()).collect()
    };
    let (pool_en, pool_zh) = (pool(&en), pool(&zh));
    let free = |pool: &[usize], used: &[bool]| pool.iter().map(|&k| !used[k]).collect::<Vec<bool>>();
    let (free_en, free_zh) = (free(&pool_en, &used), free(&pool_zh, &used));
    if free_en.contains(&true) && free_zh.contains(&true) {
        let pages = |side: &[usize]| -> Vec<Page> {
            side.iter()
                .map(|&k| Page::from_guide(&compiled[k].file.rel, compiled[k].guide.as_ref().expect("filtered")))
                .collect()
        };
        // Folders of the pairs made so far: where near-identical copies belong.
        let given: Vec<(String, String)> = pairs
            .iter()
            .filter_map(|(i, j, _)| {
                let (i, j) = ((*i)?, (*j)?);
                let folder = |k: usize| matching::folder(&compiled[k].file.rel).to_string();
                Some((folder(i), folder(j)))
            })
            .collect();
        let matching = matching::match_pages_among(
            &pages(&pool_en),
            &pages(&pool_zh),
            free_en,
            free_zh,
            &given,
            &Params::default(),
        );
        for p in &matching.pairs {
            take(&mut pairs, &mut used, pool_en[p.en], pool_zh[p.zh], PairedBy::Content);
        }
    }

    for &k in en.iter().chain(&zh) {
        if !used[k] || alone[k] {
            let is_en = compiled[k].file.locale == en_locale;
            pairs.push(if is_en { (Some(k), None, PairedBy::Unpaired) } else { (None, Some(k), PairedBy::Unpaired) });
        }
    }
    let rel = |k: Option<usize>| k.map_or("", |k| compiled[k].file.rel.as_str());
    pairs.sort_by(|a, b| (rel(a.0), rel(a.1)).cmp(&(rel(b.0), rel(b.1))));
    let shared = shared_en.into_keys().chain(shared_zh.into_keys()).collect();
    Found { pairs, diagnostics, shared }
}

/// The pairs of a project as indexes into `compiled`, sorted by path.
pub fn pair_indices(config: &Config, compiled: &[Compiled]) -> Vec<(Option<usize>, Option<usize>, PairedBy)> {
    find_pairs(config, compiled).pairs
}

/// The pairs of a project, sorted by path.
pub fn pair_project<'a>(config: &Config, compiled: &'a [Compiled]) -> Vec<GuidePair<'a>> {
    let found = find_pairs(config, compiled);
    found
        .pairs
        .into_iter()
        .map(|(i, j, by)| GuidePair { en: i.map(|i| &compiled[i]), zh: j.map(|j| &compiled[j]), by })
        .collect()
}

/// Pair the guides and give both guides of each pair one id: the pair's topic id when it is
/// unique in its language and across the project, else one derived from the source-language
/// path (numbered on where two paths give the same id). Returns what pairing found worth
/// saying (topic ids shared by several pages).
pub fn name_pairs(config: &Config, compiled: &mut [Compiled]) -> Vec<Diagnostic> {
    let found = find_pairs(config, compiled);
    let shared = &found.shared;
    let topic = |k: Option<usize>| {
        k.and_then(|k| compiled[k].guide.as_ref()?.topic_id.clone()).filter(|id| !shared.contains(id))
    };
    // Topic ids first, so a path-derived id never takes a topic id's name.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut names: Vec<Option<(String, IdSource)>> = vec![None; found.pairs.len()];
    for (n, (i, j, _)) in found.pairs.iter().enumerate() {
        if let Some(id) = topic(*i).or_else(|| topic(*j))
            && taken.insert(id.clone())
        {
            names[n] = Some((id, IdSource::Heading));
        }
    }
    for (n, (i, j, _)) in found.pairs.iter().enumerate() {
        if names[n].is_some() {
            continue;
        }
        let Some(k) = i.or(*j) else { continue };
        let base = crate::parse::path_id(&compiled[k].file.rel);
        let mut id = base.clone();
        let mut suffix = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}-{suffix}");
            suffix += 1;
        }
        names[n] = Some((id, IdSource::Path));
    }
    for ((i, j, by), name) in found.pairs.iter().zip(names) {
        let Some((id, source)) = name else { continue };
        for k in [i, j].into_iter().flatten() {
            let c = &mut compiled[*k];
            c.paired_by = Some(*by);
            if let Some(g) = c.guide.as_mut() {
                g.set_id(&id, source);
            }
        }
    }
    found.diagnostics
}
