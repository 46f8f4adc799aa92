//! The bilingual vocabulary of the dialect: callout labels, result labels, step
//! headings and table column names, in English and Chinese.
//!
//! Invariant: lookups are case-insensitive for English and ignore surrounding
//! whitespace, a trailing ASCII or full-width colon, and U+00A0.

use crate::model::{ColumnKind, NoteKind};

const NOTES: &[(&str, NoteKind)] = &[
    ("note", NoteKind::Note),
    ("notes", NoteKind::Note),
    ("说明", NoteKind::Note),
    ("备注", NoteKind::Note),
    ("tip", NoteKind::Tip),
    ("tips", NoteKind::Tip),
    ("提示", NoteKind::Tip),
    ("notice", NoteKind::Notice),
    ("注意", NoteKind::Notice),
    ("important", NoteKind::Important),
    ("重要", NoteKind::Important),
    ("caution", NoteKind::Caution),
    ("小心", NoteKind::Caution),
    ("warning", NoteKind::Warning),
    ("警告", NoteKind::Warning),
    ("danger", NoteKind::Danger),
    ("危险", NoteKind::Danger),
];

const RESULTS: &[&str] = &["result", "results", "expected result", "结果", "预期结果", "执行结果"];

const COLUMNS: &[(&str, ColumnKind)] = &[
    ("role", ColumnKind::Role),
    ("roles", ColumnKind::Role),
    ("role name", ColumnKind::Role),
    ("ram role", ColumnKind::Role),
    ("service role", ColumnKind::Role),
    ("角色", ColumnKind::Role),
    ("角色名称", ColumnKind::Role),
    ("ram角色", ColumnKind::Role),
    ("服务角色", ColumnKind::Role),
    ("policy", ColumnKind::Policy),
    ("policies", ColumnKind::Policy),
    ("policy name", ColumnKind::Policy),
    ("system policy", ColumnKind::Policy),
    ("permission policy", ColumnKind::Policy),
    ("策略", ColumnKind::Policy),
    ("策略名称", ColumnKind::Policy),
    ("系统策略", ColumnKind::Policy),
    ("权限策略", ColumnKind::Policy),
    ("授权策略", ColumnKind::Policy),
    ("purpose", ColumnKind::Purpose),
    ("description", ColumnKind::Purpose),
    ("用途", ColumnKind::Purpose),
    ("描述", ColumnKind::Purpose),
    ("说明", ColumnKind::Purpose),
    ("作用", ColumnKind::Purpose),
    ("when required", ColumnKind::Condition),
    ("required for", ColumnKind::Condition),
    ("required when", ColumnKind::Condition),
    ("condition", ColumnKind::Condition),
    ("scenario", ColumnKind::Condition),
    ("何时需要", ColumnKind::Condition),
    ("适用场景", ColumnKind::Condition),
    ("使用场景", ColumnKind::Condition),
    ("使用条件", ColumnKind::Condition),
    ("user", ColumnKind::User),
    ("ram user", ColumnKind::User),
    ("user name", ColumnKind::User),
    ("用户", ColumnKind::User),
    ("ram用户", ColumnKind::User),
    ("用户名", ColumnKind::User),
];

/// Strip whitespace, U+00A0 and one trailing colon (ASCII or full-width).
pub fn label_core(s: &str) -> (&str, bool) {
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let (t, colon) = match t.strip_suffix(':').or_else(|| t.strip_suffix('：')) {
        Some(rest) => (rest, true),
        None => (t, false),
    };
    (t.trim_matches(|c: char| c.is_whitespace()), colon)
}

pub fn note_kind(label: &str) -> Option<NoteKind> {
    let lower = label.to_lowercase();
    NOTES.iter().find(|(l, _)| *l == lower).map(|(_, k)| *k)
}

pub fn is_result_label(label: &str) -> bool {
    let lower = label.to_lowercase();
    RESULTS.contains(&lower.as_str())
}

pub fn column_kind(header: &str) -> ColumnKind {
    let (core, _) = label_core(header);
    let lower = crate::model::collapse_ws(&core.to_lowercase());
    COLUMNS.iter().find(|(l, _)| *l == lower).map_or(ColumnKind::Other, |(_, k)| *k)
}

/// `Step 1: Do this`, `Step 2. Do that`, `步骤一：…`, `步骤1：…`, `第一步：…`.
/// Returns the step number and the rest of the title.
pub fn step_heading(text: &str) -> Option<(u32, &str)> {
    let t = text.trim();
    let (num, rest) = if let Some(rest) = strip_prefix_ci(t, "step") {
        split_number(rest.trim_start())?
    } else if let Some(rest) = t.strip_prefix("步骤") {
        split_number(rest.trim_start())?
    } else if let Some(rest) = t.strip_prefix('第') {
        let (n, rest) = split_number(rest)?;
        (n, rest.strip_prefix('步')?)
    } else {
        return None;
    };
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix(':')
        .or_else(|| rest.strip_prefix('：'))
        .or_else(|| rest.strip_prefix('.'))
        .or_else(|| rest.strip_prefix('、'))
        .unwrap_or(rest);
    Some((num, rest.trim_start()))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

fn split_number(s: &str) -> Option<(u32, &str)> {
    let digits: usize = s.chars().take_while(|c| c.is_ascii_digit()).map(char::len_utf8).sum();
    if digits > 0 {
        let n = s[..digits].parse().ok()?;
        return Some((n, &s[digits..]));
    }
    let chinese: usize = s.chars().take_while(|c| "零一二三四五六七八九十".contains(*c)).map(char::len_utf8).sum();
    if chinese == 0 {
        return None;
    }
    Some((chinese_number(&s[..chinese])?, &s[chinese..]))
}

fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".find(c).map(|i| (i / 3) as u32);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_headings_in_both_languages() {
        assert_eq!(step_heading("Step 1: Create a bucket"), Some((1, "Create a bucket")));
        assert_eq!(step_heading("步骤一：创建存储空间"), Some((1, "创建存储空间")));
        assert_eq!(step_heading("步骤十二：x"), Some((12, "x")));
        assert_eq!(step_heading("步骤3：x"), Some((3, "x")));
        assert_eq!(step_heading("第二步：x"), Some((2, "x")));
        assert_eq!(step_heading("Steps"), None);
        assert_eq!(step_heading("Stepping stones"), None);
    }

    #[test]
    fn labels_with_either_colon() {
        assert_eq!(label_core("Note:"), ("Note", true));
        assert_eq!(label_core("说明： "), ("说明", true));
        assert_eq!(note_kind("NOTE"), Some(NoteKind::Note));
        assert_eq!(note_kind("警告"), Some(NoteKind::Warning));
        assert_eq!(column_kind("System policy"), ColumnKind::Policy);
        assert_eq!(column_kind("系统策略"), ColumnKind::Policy);
    }
}
