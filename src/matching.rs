//! Pairing two trees whose file names differ: which en-US page is the translation of which
//! zh-CN page, from language-neutral evidence only. [`crate::pairs`] pairs a project by path
//! and topic id; this module is for the trees where neither helps (translated file names,
//! 60% of pages without a topic id).
//!
//! Each page becomes a bag of tokens no translator changes: topic id (type prefix dropped),
//! image keys, section anchors, doc-id links, code blocks without CJK text, external URLs and
//! identifier-like names. Tokens are weighted by kind and by TF-IDF over both trees; pages
//! are compared by cosine similarity, and a pair is proposed only when the two pages are each
//! other's best match with a margin over the runner-up.
//!
//! Invariant: pure. Pages in, proposals out: no I/O, no clock, no hash-map order; the result
//! depends only on the pages and their order-independent content (ties break on paths).

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::keys;
use crate::model::{Block, Guide, IdentifierKind, Inline, LinkKind};
use crate::walk::{Flow, Node};

/// What kind of evidence a token is; the order is the order of the `key` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    TopicId,
    Image,
    Anchor,
    DocId,
    Code,
    Url,
    Identifier,
}

impl TokenKind {
    /// The name used in the `key` evidence string (the names of `pairs.toml`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::TopicId => "topic-id",
            TokenKind::Image => "image",
            TokenKind::Anchor => "section-anchor",
            TokenKind::DocId => "doc-id-link",
            TokenKind::Code => "code-block",
            TokenKind::Url => "url",
            TokenKind::Identifier => "identifier",
        }
    }

    /// Ids, screenshots and anchors are rare and specific to one page; names and URLs
    /// recur across a product's pages, so they count for less.
    fn weight(self) -> f64 {
        match self {
            TokenKind::TopicId => 4.0,
            TokenKind::Image | TokenKind::Anchor => 3.0,
            TokenKind::DocId | TokenKind::Code => 2.0,
            TokenKind::Url => 1.5,
            TokenKind::Identifier => 1.0,
        }
    }
}

/// The topic id of a page's title, with the DITA type prefix removed: `concept_abc` and
/// `reference_abc` are the same topic (the prefix drifts between languages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicId {
    pub value: String,
    /// The id had a `task_`/`concept_`/`reference_` prefix: a generated DITA id. Two
    /// generated ids that differ mean two different topics.
    pub generated: bool,
}

impl TopicId {
    pub fn new(id: &str) -> TopicId {
        for prefix in ["task_", "concept_", "reference_"] {
            if let Some(rest) = id.strip_prefix(prefix).filter(|r| !r.is_empty()) {
                return TopicId { value: rest.to_string(), generated: true };
            }
        }
        TopicId { value: id.to_string(), generated: false }
    }
}

/// One page reduced to what pairing looks at.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to its tree, `/`-separated.
    pub path: String,
    pub topic_id: Option<TopicId>,
    /// Token counts, by kind and value.
    pub tokens: BTreeMap<(TokenKind, String), u32>,
}

impl Page {
    /// The tokens of a parsed guide. `path` is relative to the tree's root.
    pub fn from_guide(path: &str, guide: &Guide) -> Page {
        let mut c = Collector::default();
        let topic_id = guide.topic_id.as_deref().map(TopicId::new);
        if let Some(id) = &topic_id {
            c.add(TokenKind::TopicId, id.value.clone());
        }
        c.inlines(&guide.title);
        if let Some(s) = &guide.shortdesc {
            c.inlines(s);
        }
        for section in &guide.sections {
            if let Some(h) = &section.heading {
                c.heading(h);
            }
            c.blocks(&section.blocks);
        }
        let mut ids = Vec::new();
        keys::text_identifiers(&c.text, &mut ids);
        for id in ids {
            if id.kind == IdentifierKind::Name {
                c.add(TokenKind::Identifier, id.value);
            }
        }
        Page { path: path.to_string(), topic_id, tokens: c.tokens }
    }
}

#[derive(Default)]
struct Collector {
    tokens: BTreeMap<(TokenKind, String), u32>,
    /// All prose, so identifiers are found once over the whole page.
    text: String,
}

impl Collector {
    fn add(&mut self, kind: TokenKind, value: String) {
        if !value.is_empty() {
            *self.tokens.entry((kind, value)).or_default() += 1;
        }
    }

    fn heading(&mut self, h: &crate::model::Heading) {
        if let Some(a) = &h.anchor {
            self.add(TokenKind::Anchor, a.clone());
        }
        self.inlines(&h.content);
    }

    fn text(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        crate::walk::inlines(inlines, &mut |inline| match inline {
            Inline::Text { text } | Inline::Code { code: text } => self.text(text),
            Inline::Link { key, .. } => match key.kind {
                LinkKind::Url => self.add(TokenKind::Url, key.value.clone()),
                LinkKind::DocId => self.add(TokenKind::DocId, key.value.clone()),
                LinkKind::Fragment => self.add(TokenKind::Anchor, key.value.clone()),
                LinkKind::Path | LinkKind::Page => {
                    if let Some((_, frag)) = key.value.split_once('#') {
                        self.add(TokenKind::Anchor, frag.to_string());
                    }
                }
                LinkKind::Mailto | LinkKind::Empty => {}
            },
            Inline::Image { src, .. } => self.add(TokenKind::Image, keys::image_key(src)),
            _ => {}
        });
    }

    fn blocks(&mut self, blocks: &[Block]) {
        crate::walk::nodes(blocks, &mut |node| {
            match node {
                Node::Step(step) => {
                    self.inlines(&step.command);
                    for id in step.identifiers.iter().filter(|i| i.kind == IdentifierKind::Name) {
                        self.text(&id.value);
                    }
                }
                Node::Block(Block::Paragraph { content, .. }) => self.inlines(content),
                Node::Block(Block::Code(code)) => {
                    if let Some(id) = &code.attr_id {
                        self.add(TokenKind::Anchor, id.clone());
                    }
                    // Comments and sample values in code are translated; such blocks are
                    // not language-neutral as a whole.
                    if !code.code.chars().any(is_cjk) {
                        self.add(TokenKind::Code, code.key.clone());
                    }
                    self.text(&code.code);
                }
                Node::Block(Block::Heading { heading, .. }) => self.heading(heading),
                Node::Block(_) | Node::Cell(_) => {}
            }
            Flow::Descend
        });
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// Thresholds of the selection. The defaults were tuned on the corpus (see README).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Bonus added to the cosine when both pages have the same topic id.
    pub topic_id_bonus: f64,
    /// Bonus when both pages have the same ASCII file name (`CreateUser.md`).
    pub file_name_bonus: f64,
    /// Penalty when the zh path has an ASCII folder (`Java`, `Node.js`) the en path lacks.
    pub folder_penalty: f64,
    /// Lowest score a proposed pair may have.
    pub min_score: f64,
    /// Lowest margin of the score over the runner-up, on both sides.
    pub min_margin: f64,
    /// Below this score, weak evidence must win clearly: the margin must reach
    /// `weak_margin`.
    pub sure_score: f64,
    pub weak_margin: f64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            topic_id_bonus: 0.25,
            file_name_bonus: 0.25,
            folder_penalty: 0.5,
            min_score: 0.3,
            min_margin: 0.05,
            sure_score: 0.45,
            weak_margin: 0.2,
        }
    }
}

impl Params {
    /// Whether a mutual best match with this score and margin is proposed.
    pub fn accepts(&self, score: f64, margin: f64) -> bool {
        let needed = if score >= self.sure_score { self.min_margin } else { self.weak_margin };
        score >= self.min_score && margin >= needed
    }
}

/// A proposed pair: indexes into the en and zh pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub en: usize,
    pub zh: usize,
    /// In 0..1; grows with the score and with the margin over the runner-up.
    pub confidence: f64,
    pub cosine: f64,
    /// Cosine plus bonuses minus penalties.
    pub score: f64,
    /// Score minus the best score either page has with any other page still unpaired.
    pub margin: f64,
    pub same_topic_id: bool,
    pub same_file_name: bool,
    /// Shared tokens by kind (topic id not counted here).
    pub shared: BTreeMap<TokenKind, usize>,
    /// Pairs of this pair's two folders among the other pairs, when the pair was chosen
    /// between near-identical copies by where they sit (see [`match_pages_among`]).
    pub folder_pairs: Option<u32>,
}

impl Proposal {
    /// The evidence, in the style of `pairs.toml`'s `key` field:
    /// `topic-id:abc + anchors(image=3,url=1) + same-filename; cos=0.91; margin=0.60`.
    pub fn key(&self, en: &Page) -> String {
        let mut parts = Vec::new();
        if self.same_topic_id
            && let Some(id) = &en.topic_id
        {
            parts.push(format!("topic-id:{}", id.value));
        }
        let counts: Vec<String> = self.shared.iter().map(|(k, n)| format!("{}={n}", k.as_str())).collect();
        if !counts.is_empty() {
            parts.push(format!("anchors({})", counts.join(",")));
        }
        if self.same_file_name {
            parts.push("same-filename".to_string());
        }
        if let Some(n) = self.folder_pairs {
            parts.push(format!("copies-by-folder({n})"));
        }
        if parts.is_empty() {
            parts.push("no-shared-tokens".to_string());
        }
        format!("{}; cos={:.2}; margin={:.2}", parts.join(" + "), self.cosine, self.margin)
    }
}

/// A page left without a partner, and its best candidate (for a human to look at).
#[derive(Debug, Clone, PartialEq)]
pub struct Unpaired {
    pub page: usize,
    /// Best candidate on the other side and its score, when any score is positive.
    pub best: Option<(usize, f64)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matching {
    /// Sorted by en path, then zh path.
    pub pairs: Vec<Proposal>,
    /// Sorted by path.
    pub unpaired_en: Vec<Unpaired>,
    pub unpaired_zh: Vec<Unpaired>,
}

/// A unit vector of token ids (sorted) and weights.
type Vector = Vec<(u32, f64)>;

fn vectors(en: &[Page], zh: &[Page]) -> (Vec<Vector>, Vec<Vector>) {
    let mut ids: HashMap<&(TokenKind, String), u32> = HashMap::new();
    let mut df: Vec<u32> = Vec::new();
    // Ids are assigned in page order and BTreeMap order: deterministic.
    for page in en.iter().chain(zh) {
        for token in page.tokens.keys() {
            let next = ids.len() as u32;
            let id = *ids.entry(token).or_insert(next);
            if id as usize == df.len() {
                df.push(0);
            }
            df[id as usize] += 1;
        }
    }
    let n = (en.len() + zh.len()) as f64;
    let vector = |page: &Page| -> Vector {
        let mut v: Vector = page
            .tokens
            .iter()
            .map(|(token, &tf)| {
                let id = ids[token];
                let idf = (n / f64::from(df[id as usize])).ln() + 1.0;
                (id, token.0.weight() * (1.0 + f64::from(tf).ln()) * idf)
            })
            .collect();
        v.sort_by_key(|e| e.0);
        let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        v
    };
    (en.iter().map(vector).collect(), zh.iter().map(vector).collect())
}

fn dot(a: &Vector, b: &Vector) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Folders of a path whose names are pure ASCII letters, digits and `.-_+ `: product or
/// language names (`Java`, `Node.js`) that translators keep.
fn ascii_folders(path: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts.retain(|p| p.chars().any(|c| c.is_ascii_alphabetic()) && p.is_ascii());
    parts
}

/// Two pages with generated topic ids that differ are two different topics.
fn conflict(a: &Page, b: &Page) -> bool {
    match (&a.topic_id, &b.topic_id) {
        (Some(x), Some(y)) => x.generated && y.generated && x.value != y.value,
        _ => false,
    }
}

struct Scored {
    cosine: f64,
    score: f64,
}

fn score(en: &Page, zh: &Page, ve: &Vector, vz: &Vector, p: &Params) -> Option<Scored> {
    if conflict(en, zh) {
        return None;
    }
    let cosine = dot(ve, vz);
    let mut score = cosine;
    if same_topic(en, zh) {
        score += p.topic_id_bonus;
    }
    if same_ascii_file_name(en, zh) {
        score += p.file_name_bonus;
    }
    let en_folders = ascii_folders(&en.path);
    if ascii_folders(&zh.path).iter().any(|f| !en_folders.contains(f)) {
        score -= p.folder_penalty;
    }
    Some(Scored { cosine, score })
}

fn same_topic(en: &Page, zh: &Page) -> bool {
    matches!((&en.topic_id, &zh.topic_id), (Some(a), Some(b)) if a.value == b.value)
}

fn same_ascii_file_name(en: &Page, zh: &Page) -> bool {
    let (a, b) = (file_name(&en.path), file_name(&zh.path));
    a == b && a.is_ascii()
}

fn shared(en: &Page, zh: &Page) -> BTreeMap<TokenKind, usize> {
    let mut out = BTreeMap::new();
    for (kind, value) in en.tokens.keys() {
        if *kind != TokenKind::TopicId && zh.tokens.contains_key(&(*kind, value.clone())) {
            *out.entry(*kind).or_default() += 1;
        }
    }
    out
}

/// Propose pairs between `en` and `zh` pages.
///
/// Rounds of mutual best matches: in each round, every still-unpaired page finds its best
/// partner among the unpaired pages of the other side; a pair is taken when each page is
/// the other's best, the score reaches `min_score` and beats both runners-up by
/// `min_margin`. Pairing stops when a round takes nothing.
pub fn match_pages(en: &[Page], zh: &[Page], params: &Params) -> Matching {
    match_pages_among(en, zh, vec![true; en.len()], vec![true; zh.len()], &[], params)
}

/// [`match_pages`] where only the pages marked free may pair; the others still weigh in
/// the token statistics. So pairing a few pages by hand (a pairs file) leaves the scores of
/// the rest, and so their pairs, as they were. `given` are the (en, zh) folders of pairs
/// made elsewhere (by hand, by path), which tell near-identical copies apart.
pub fn match_pages_among(
    en: &[Page],
    zh: &[Page],
    mut free_en: Vec<bool>,
    mut free_zh: Vec<bool>,
    given: &[(String, String)],
    params: &Params,
) -> Matching {
    let (ve, vz) = vectors(en, zh);
    // Scores, en-major; None where the topic ids conflict.
    let scores: Vec<Vec<Option<Scored>>> = (0..en.len())
        .into_par_iter()
        .map(|i| (0..zh.len()).map(|j| score(&en[i], &zh[j], &ve[i], &vz[j], params)).collect())
        .collect();
    let value = |i: usize, j: usize| scores[i][j].as_ref().map(|s| s.score);
    let (taken_en, taken_zh): (Vec<bool>, Vec<bool>) =
        (free_en.iter().map(|f| !f).collect(), free_zh.iter().map(|f| !f).collect());
    let mut pairs = Vec::new();
    // Mutual best matches, then near-identical copies told apart by folder; a copy taken
    // can leave its twin a clear best match, so again until neither takes anything.
    loop {
        loop {
            // Best and runner-up per page, among free pages; ties go to the smaller path.
            let best_zh: Vec<Option<(usize, f64, f64)>> = (0..en.len())
                .map(|i| {
                    if !free_en[i] {
                        return None;
                    }
                    let cands = (0..zh.len()).filter(|&j| free_zh[j]).filter_map(|j| value(i, j).map(|s| (j, s)));
                    best_two(cands, |j| zh[j].path.as_str())
                })
                .collect();
            let best_en: Vec<Option<(usize, f64, f64)>> = (0..zh.len())
                .map(|j| {
                    if !free_zh[j] {
                        return None;
                    }
                    let cands = (0..en.len()).filter(|&i| free_en[i]).filter_map(|i| value(i, j).map(|s| (i, s)));
                    best_two(cands, |i| en[i].path.as_str())
                })
                .collect();
            let mut taken = Vec::new();
            for (i, best) in best_zh.iter().enumerate() {
                let Some((j, s, second_i)) = *best else { continue };
                let Some((back, _, second_j)) = best_en[j] else { continue };
                if back != i {
                    continue;
                }
                let margin = s - second_i.max(second_j);
                if params.accepts(s, margin) {
                    taken.push((i, j, margin));
                }
            }
            if taken.is_empty() {
                break;
            }
            for (i, j, margin) in taken {
                free_en[i] = false;
                free_zh[j] = false;
                let s = scores[i][j].as_ref().expect("a taken pair has a score");
                pairs.push(Proposal {
                    en: i,
                    zh: j,
                    confidence: confidence(s.score, margin),
                    cosine: s.cosine,
                    score: s.score,
                    margin,
                    same_topic_id: same_topic(&en[i], &zh[j]),
                    same_file_name: same_ascii_file_name(&en[i], &zh[j]),
                    shared: shared(&en[i], &zh[j]),
                    folder_pairs: None,
                });
            }
        }
        let before = pairs.len();
        copies_by_folder(en, zh, &scores, (&mut free_en, &mut free_zh), given, &mut pairs, params);
        if pairs.len() == before {
            break;
        }
    }
    pairs.sort_by(|a, b| (&en[a.en].path, &zh[a.zh].path).cmp(&(&en[b.en].path, &zh[b.zh].path)));
    let unpaired = |free: &[bool], n_other: usize, pages: &[Page], s: &dyn Fn(usize, usize) -> Option<f64>| {
        let mut out: Vec<Unpaired> = (0..free.len())
            .filter(|&k| free[k])
            .map(|k| {
                let best = (0..n_other).filter_map(|o| s(k, o).filter(|v| *v > 0.0).map(|v| (o, v))).fold(
                    None::<(usize, f64)>,
                    |acc, c| match acc {
                        Some(a) if a.1 >= c.1 => Some(a),
                        _ => Some(c),
                    },
                );
                Unpaired { page: k, best }
            })
            .collect();
        out.sort_by(|a, b| pages[a.page].path.cmp(&pages[b.page].path));
        out
    };
    // Pages that were never free are neither paired here nor unpaired.
    free_en.iter_mut().zip(&taken_en).for_each(|(f, t)| *f &= !t);
    free_zh.iter_mut().zip(&taken_zh).for_each(|(f, t)| *f &= !t);
    let unpaired_en = unpaired(&free_en, zh.len(), en, &|i, j| value(i, j));
    let unpaired_zh = unpaired(&free_zh, en.len(), zh, &|j, i| value(i, j));
    Matching { pairs, unpaired_en, unpaired_zh }
}

/// The folder of a page's path (`a/b` of `a/b/c.md`).
pub fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Near-identical copies: a page kept in two folders of each tree (`Quick Start/Create a
/// user.md` and `User Management/Create a user.md`, with their two translations) scores the
/// same against both candidates, so no margin ever separates them. Where the candidates of a
/// page score within `COPY_TIE` of its best, the one in the folder that the page's folder pairs
/// with most often among the pairs made (and strictly more often than the other candidates'
/// folders) wins, if the choice is mutual. Rounds until nothing is taken.
fn copies_by_folder(
    en: &[Page],
    zh: &[Page],
    scores: &[Vec<Option<Scored>>],
    (free_en, free_zh): (&mut [bool], &mut [bool]),
    given: &[(String, String)],
    pairs: &mut Vec<Proposal>,
    params: &Params,
) {
    const COPY_TIE: f64 = 0.02;
    let value = |i: usize, j: usize| scores[i][j].as_ref().map(|s| s.score);
    loop {
        let mut affinity: HashMap<(&str, &str), u32> = HashMap::new();
        for (e, z) in given {
            *affinity.entry((e.as_str(), z.as_str())).or_default() += 1;
        }
        for p in pairs.iter() {
            *affinity.entry((folder(&en[p.en].path), folder(&zh[p.zh].path))).or_default() += 1;
        }
        let aff = |i: usize, j: usize| affinity.get(&(folder(&en[i].path), folder(&zh[j].path))).copied().unwrap_or(0);
        // The near-best candidates of a page, and the one its folder pairs with most.
        let choose = |cands: Vec<(usize, f64)>, aff_of: &dyn Fn(usize) -> u32| -> Option<(usize, u32)> {
            let best = cands.iter().map(|c| c.1).fold(f64::MIN, f64::max);
            if best < params.min_score {
                return None;
            }
            let near: Vec<usize> = cands.iter().filter(|c| c.1 >= best - COPY_TIE).map(|c| c.0).collect();
            if near.len() < 2 {
                return None;
            }
            let mut ranked: Vec<(u32, usize)> = near.iter().map(|&k| (aff_of(k), k)).collect();
            ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            (ranked[0].0 > 0 && ranked[0].0 > ranked[1].0).then_some((ranked[0].1, ranked[0].0))
        };
        let mut taken = Vec::new();
        for i in (0..en.len()).filter(|&i| free_en[i]) {
            let cands: Vec<(usize, f64)> =
                (0..zh.len()).filter(|&j| free_zh[j]).filter_map(|j| value(i, j).map(|s| (j, s))).collect();
            let Some((j, n)) = choose(cands, &|j| aff(i, j)) else { continue };
            let back: Vec<(usize, f64)> =
                (0..en.len()).filter(|&k| free_en[k]).filter_map(|k| value(k, j).map(|s| (k, s))).collect();
            if choose(back, &|k| aff(k, j)).map(|(k, _)| k) == Some(i) {
                taken.push((i, j, n));
            }
        }
        if taken.is_empty() {
            return;
        }
        for (i, j, n) in taken {
            if !free_en[i] || !free_zh[j] {
                continue;
            }
            free_en[i] = false;
            free_zh[j] = false;
            let s = scores[i][j].as_ref().expect("a candidate has a score");
            pairs.push(Proposal {
                en: i,
                zh: j,
                confidence: confidence(s.score, 0.0),
                cosine: s.cosine,
                score: s.score,
                margin: 0.0,
                same_topic_id: same_topic(&en[i], &zh[j]),
                same_file_name: same_ascii_file_name(&en[i], &zh[j]),
                shared: shared(&en[i], &zh[j]),
                folder_pairs: Some(n),
            });
        }
    }
}

/// Best candidate, its score and the runner-up's score (0 when there is none).
fn best_two<'a>(
    cands: impl Iterator<Item = (usize, f64)>,
    path: impl Fn(usize) -> &'a str,
) -> Option<(usize, f64, f64)> {
    let mut best: Option<(usize, f64)> = None;
    let mut second = 0.0_f64;
    for (k, s) in cands {
        match best {
            Some((b, bs)) if s > bs || (s == bs && path(k) < path(b)) => {
                second = second.max(bs);
                best = Some((k, s));
            }
            Some(_) => second = second.max(s),
            None => best = Some((k, s)),
        }
    }
    best.map(|(k, s)| (k, s, second))
}

/// Score and margin mapped into 0..1: a clear winner (margin ≥ 0.5) keeps its score, a
/// narrow one loses up to half of it.
fn confidence(score: f64, margin: f64) -> f64 {
    let s = score.clamp(0.0, 1.0);
    let m = (margin / 0.5).clamp(0.0, 1.0);
    (s * (0.5 + 0.5 * m)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, id: Option<&str>, tokens: &[(TokenKind, &str)]) -> Page {
        let mut map = BTreeMap::new();
        for (k, v) in tokens {
            *map.entry((*k, v.to_string())).or_default() += 1;
        }
        let topic_id = id.map(TopicId::new);
        if let Some(t) = &topic_id {
            map.insert((TokenKind::TopicId, t.value.clone()), 1);
        }
        Page { path: path.to_string(), topic_id, tokens: map }
    }

    #[test]
    fn topic_id_prefix_is_ignored() {
        assert_eq!(TopicId::new("concept_abc"), TopicId { value: "abc".into(), generated: true });
        assert_eq!(TopicId::new("reference_abc").value, "abc");
        assert!(!TopicId::new("doc_api_977681").generated);
    }

    #[test]
    fn mutual_best_with_margin() {
        use TokenKind::*;
        let en = [
            page("a.md", None, &[(Image, "p1"), (Image, "p2"), (Identifier, "RAM")]),
            page("b.md", None, &[(Anchor, "section_x"), (Url, "x.com"), (Identifier, "RAM")]),
            page("lonely.md", None, &[(Identifier, "Nothing")]),
        ];
        let zh = [
            page("乙.md", None, &[(Anchor, "section_x"), (Url, "x.com"), (Identifier, "RAM")]),
            page("甲.md", None, &[(Image, "p1"), (Image, "p2")]),
        ];
        let m = match_pages(&en, &zh, &Params::default());
        let got: Vec<(usize, usize)> = m.pairs.iter().map(|p| (p.en, p.zh)).collect();
        assert_eq!(got, [(0, 1), (1, 0)]);
        assert_eq!(m.unpaired_en.iter().map(|u| u.page).collect::<Vec<_>>(), [2]);
        assert!(m.unpaired_zh.is_empty());
        assert!(m.pairs.iter().all(|p| (0.0..=1.0).contains(&p.confidence)));
        assert_eq!(m.pairs[0].key(&en[0]).split(';').next(), Some("anchors(image=2)"));
    }

    #[test]
    fn conflicting_topic_ids_never_pair() {
        use TokenKind::*;
        let en = [page("a.md", Some("task_aaa"), &[(Image, "p1"), (Image, "p2")])];
        let zh = [page("a.md", Some("task_bbb"), &[(Image, "p1"), (Image, "p2")])];
        let m = match_pages(&en, &zh, &Params::default());
        assert!(m.pairs.is_empty());
        assert_eq!(m.unpaired_en[0].best, None);
    }

    /// One page kept in two folders of each tree: content cannot tell the copies apart, the
    /// folders their neighbours pair with can.
    #[test]
    fn near_identical_copies_pair_by_folder() {
        use TokenKind::*;
        let copy = [(Image, "p7"), (Image, "p8"), (Identifier, "CreateUser")];
        let en = [
            page("Quick Start/Create a user.md", None, &copy),
            page("Quick Start/Log on.md", None, &[(Image, "p1"), (Url, "a.com")]),
            page("Users/Basics/Create a user.md", None, &copy),
            page("Users/Basics/Delete a user.md", None, &[(Image, "p2"), (Url, "b.com")]),
        ];
        let zh = [
            page("快速入门/创建用户.md", None, &copy),
            page("快速入门/登录.md", None, &[(Image, "p1"), (Url, "a.com")]),
            page("用户/基本操作/创建用户.md", None, &copy),
            page("用户/基本操作/删除用户.md", None, &[(Image, "p2"), (Url, "b.com")]),
        ];
        let m = match_pages(&en, &zh, &Params::default());
        let mut got: Vec<(usize, usize, Option<u32>)> = m.pairs.iter().map(|p| (p.en, p.zh, p.folder_pairs)).collect();
        got.sort();
        assert_eq!(got, [(0, 0, Some(1)), (1, 1, None), (2, 2, Some(1)), (3, 3, None)]);
        // Without a neighbour to say which folder is which, no guess.
        let m = match_pages(
            &en[..1].iter().chain(&en[2..3]).cloned().collect::<Vec<_>>(),
            &[zh[0].clone(), zh[2].clone()],
            &Params::default(),
        );
        assert!(m.pairs.is_empty());
    }
}
