//! The ids the product promises: a step's id, a table row's id and a check's id are the
//! same in both languages of a guide, so a tick, an anchor, a check and a finding all meet.
//!
//! They are types, built from structure (section, procedure and step ordinals), never from
//! text. The string forms (`emr-roles.s1.p1.3.2`, `emr-roles.s2.t1.r4`,
//! `emr-roles.s1.p1.3~ram-role`) exist only at the edges: JSON, TOML, HTML attributes.
//! Each type has one `Display` and one `FromStr`, here; nothing else in the library
//! takes an id apart.
//!
//! Invariant: `Display` then `FromStr` gives the value back, whatever the guide id holds
//! (dots included): see `tests::round_trip`.

use std::fmt;
use std::str::FromStr;

/// Where a step sits in its guide: section, procedure in the section, and the step's
/// ordinal at each level (`[3, 2]` is sub-step 2 of step 3).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StepPath {
    pub section: u32,
    pub procedure: u32,
    pub steps: Vec<u32>,
}

impl StepPath {
    /// 1 for a step of a procedure, 2 for its sub-step, …
    pub fn depth(&self) -> usize {
        self.steps.len()
    }

    /// The path of this step's `n`-th sub-step.
    pub fn child(&self, n: u32) -> StepPath {
        let mut steps = self.steps.clone();
        steps.push(n);
        StepPath { steps, ..self.clone() }
    }

    /// The structural number a reader would say: `3.2`.
    pub fn number(&self) -> String {
        join(&self.steps)
    }
}

fn join(numbers: &[u32]) -> String {
    numbers.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

impl fmt::Display for StepPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}.p{}.{}", self.section, self.procedure, join(&self.steps))
    }
}

/// `sN` → N.
fn ordinal(part: &str, prefix: char) -> Option<u32> {
    let digits = part.strip_prefix(prefix)?;
    number(digits)
}

fn number(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl FromStr for StepPath {
    type Err = IdError;

    fn from_str(s: &str) -> Result<StepPath, IdError> {
        let bad = || IdError(format!("`{s}` is not a step path (s<section>.p<procedure>.<step>…)"));
        let mut parts = s.split('.');
        let section = parts.next().and_then(|p| ordinal(p, 's')).ok_or_else(bad)?;
        let procedure = parts.next().and_then(|p| ordinal(p, 'p')).ok_or_else(bad)?;
        let steps = parts.map(number).collect::<Option<Vec<u32>>>().ok_or_else(bad)?;
        if steps.is_empty() {
            return Err(bad());
        }
        Ok(StepPath { section, procedure, steps })
    }
}

/// A step of a guide: `<guide>.<path>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StepId {
    pub guide: String,
    pub path: StepPath,
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.guide, self.path)
    }
}

/// Split `<guide>.<suffix>` at the last `.s` whose suffix parses: guide ids may hold dots.
fn split_guide<T: FromStr>(s: &str) -> Option<(String, T)> {
    let mut end = s.len();
    while let Some(at) = s[..end].rfind(".s") {
        if at > 0
            && let Ok(value) = s[at + 1..].parse()
        {
            return Some((s[..at].to_string(), value));
        }
        end = at;
    }
    None
}

impl FromStr for StepId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<StepId, IdError> {
        split_guide(s)
            .map(|(guide, path)| StepId { guide, path })
            .ok_or_else(|| IdError(format!("`{s}` is not a step id (<guide>.s<section>.p<procedure>.<step>…)")))
    }
}

/// A row of a role table: `<guide>.s<section>.t<table>.r<row>`, all 1-based but the
/// section (0 is the lead section, as in step paths).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowId {
    pub guide: String,
    pub section: u32,
    pub table: u32,
    pub row: u32,
}

impl RowId {
    /// The section the row's table is in, as a key the site groups row checks by.
    pub fn section_key(&self) -> String {
        format!("{}.s{}", self.guide, self.section)
    }
}

impl fmt::Display for RowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.s{}.t{}.r{}", self.guide, self.section, self.table, self.row)
    }
}

/// `s<section>.t<table>.r<row>`, the part of a row id after the guide.
struct RowPath(u32, u32, u32);

impl FromStr for RowPath {
    type Err = ();

    fn from_str(s: &str) -> Result<RowPath, ()> {
        let mut parts = s.split('.');
        let mut next = |prefix| parts.next().and_then(|p| ordinal(p, prefix)).ok_or(());
        let path = RowPath(next('s')?, next('t')?, next('r')?);
        if parts.next().is_some() { Err(()) } else { Ok(path) }
    }
}

impl FromStr for RowId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<RowId, IdError> {
        split_guide(s)
            .map(|(guide, RowPath(section, table, row))| RowId { guide, section, table, row })
            .ok_or_else(|| IdError(format!("`{s}` is not a table-row id (<guide>.s<section>.t<table>.r<row>)")))
    }
}

/// What a check is about: a step or a table row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemId {
    Step(StepId),
    Row(RowId),
}

impl ItemId {
    pub fn guide(&self) -> &str {
        match self {
            ItemId::Step(s) => &s.guide,
            ItemId::Row(r) => &r.guide,
        }
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemId::Step(s) => s.fmt(f),
            ItemId::Row(r) => r.fmt(f),
        }
    }
}

impl FromStr for ItemId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<ItemId, IdError> {
        if let Ok(step) = s.parse() {
            return Ok(ItemId::Step(step));
        }
        s.parse().map(ItemId::Row).map_err(|_| IdError(format!("`{s}` is not the id of a step or a table row")))
    }
}

/// A check of a manifest: its item, and the rule when one item yields several checks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CheckId {
    pub item: ItemId,
    pub rule: Option<String>,
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(rule) => write!(f, "{}~{rule}", self.item),
            None => self.item.fmt(f),
        }
    }
}

impl FromStr for CheckId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<CheckId, IdError> {
        let (item, rule) = match s.split_once('~') {
            Some((item, rule)) if !rule.is_empty() => (item, Some(rule.to_string())),
            Some(_) => return Err(IdError(format!("`{s}`: empty rule name after `~`"))),
            None => (s, None),
        };
        Ok(CheckId { item: item.parse()?, rule })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError(pub String);

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IdError {}

/// Ids travel as strings in JSON, TOML and HTML: serde and the JSON Schema see the string.
macro_rules! string_form {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($t).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string" })
            }
        }
    )*};
}

string_form!(StepPath, StepId, RowId, ItemId, CheckId);

#[cfg(test)]
mod tests {
    use super::*;

    fn step(guide: &str, section: u32, procedure: u32, steps: &[u32]) -> StepId {
        StepId { guide: guide.into(), path: StepPath { section, procedure, steps: steps.to_vec() } }
    }

    #[test]
    fn round_trip() {
        for guide in ["task_1", "guide.p9", "a.s1.p1.2", "x.s0.t1.r1", "emr-roles"] {
            let s = step(guide, 2, 1, &[3, 2]);
            assert_eq!(s.to_string().parse::<StepId>().unwrap(), s);
            let r = RowId { guide: guide.into(), section: 1, table: 2, row: 3 };
            assert_eq!(r.to_string().parse::<RowId>().unwrap(), r);
            for rule in [None, Some("ram-role".to_string())] {
                for item in [ItemId::Step(s.clone()), ItemId::Row(r.clone())] {
                    let c = CheckId { item, rule: rule.clone() };
                    assert_eq!(c.to_string().parse::<CheckId>().unwrap(), c, "{c}");
                }
            }
        }
    }

    #[test]
    fn numbers_and_depth_ignore_the_guide_id() {
        let s: StepId = "guide.p9.s0.p1.1".parse().unwrap();
        assert_eq!(s.guide, "guide.p9");
        assert_eq!((s.path.number(), s.path.depth()), ("1".to_string(), 1));
        let s: StepId = "g.s1.p2.4.3.1".parse().unwrap();
        assert_eq!((s.path.number(), s.path.depth()), ("4.3.1".to_string(), 3));
    }

    #[test]
    fn malformed_ids_are_errors() {
        for bad in
            ["", "g", "g.s1", "g.s1.p1", "g.s1.p1.", "g.s1.p1.x", "s1.p1.1", "g.sx.p1.1", "g.s1.t1", "g.s1.p1.1~"]
        {
            assert!(bad.parse::<CheckId>().is_err(), "{bad}");
        }
    }
}
