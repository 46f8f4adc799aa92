//! The dialect's pipe tables, found by lines before CommonMark sees the text.
//!
//! These are not GFM tables: a row starts at a line beginning with `|` and ends at
//! the next line that ends with `|`, so a cell may hold blank lines, lists, notes and
//! fenced code. CommonMark would tear such a row apart, so each table is cut out of
//! the text here and replaced by a one-line placeholder that keeps the line count.
//!
//! Invariant: masking keeps every line that is not part of a table byte-identical, and
//! keeps the number of lines, so offsets outside tables still map 1:1 to lines.

use std::ops::Range;

/// A table found in a fragment: byte ranges into the fragment text.
#[derive(Debug, Clone)]
pub struct TableRegion {
    /// Indentation (in bytes of spaces) of the table's first line.
    pub indent: usize,
    /// The lines of the table, as a byte range.
    pub range: Range<usize>,
    pub header: Vec<Range<usize>>,
    pub rows: Vec<RawRow>,
    /// A row that reached the end of the input without a closing `|`.
    pub unterminated: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct RawRow {
    pub range: Range<usize>,
    pub cells: Vec<Range<usize>>,
}

pub const PLACEHOLDER_PREFIX: &str = "<!--preflight:table:";

struct Lines<'a> {
    text: &'a str,
    /// (start, end) of each line, end excluding the `\n`.
    spans: Vec<(usize, usize)>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let mut spans = Vec::new();
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                spans.push((start, i));
                start = i + 1;
            }
        }
        if start < text.len() {
            spans.push((start, text.len()));
        }
        Lines { text, spans }
    }

    fn get(&self, i: usize) -> &'a str {
        let (s, e) = self.spans[i];
        &self.text[s..e]
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

/// How many fences (runs of three or more backticks or tildes) a line of a row holds:
/// in a cell, a fence may open right after a bar (`|```…`).
fn fence_marks(line: &str) -> usize {
    let mut marks = 0;
    for tick in ['`', '~'] {
        let mut run = 0;
        for c in line.chars().chain(std::iter::once(' ')) {
            if c == tick {
                run += 1;
            } else {
                if run >= 3 {
                    marks += 1;
                }
                run = 0;
            }
        }
    }
    marks
}

fn ends_row(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with('|') && !t.ends_with("\\|")
}

fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    if !t.contains('-') || !t.contains('|') {
        return false;
    }
    t.split('|').map(str::trim).filter(|c| !c.is_empty()).all(|c| {
        let c = c.strip_prefix(':').unwrap_or(c);
        let c = c.strip_suffix(':').unwrap_or(c);
        !c.is_empty() && c.bytes().all(|b| b == b'-')
    })
}

/// Find every table in `text`.
pub fn find_tables(text: &str) -> Vec<TableRegion> {
    let lines = Lines::new(text);
    let n = lines.spans.len();
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut i = 0;
    while i < n {
        let line = lines.get(i);
        if is_fence(line) {
            in_fence = !in_fence;
            i += 1;
            continue;
        }
        let t = line.trim_start_matches(' ');
        // The header row follows the row rule too: `|Field⏎⏎|Type⏎⏎|Description |` is
        // one row of three cells when a delimiter row follows its last line.
        let header_end =
            if in_fence || !t.starts_with('|') || t.trim_end().len() <= 1 { None } else { header_end(&lines, i) };
        let Some(header_last) = header_end.filter(|&k| k + 1 < n && is_delimiter_row(lines.get(k + 1))) else {
            i += 1;
            continue;
        };
        let indent = indent_of(line);
        let header_range = lines.spans[i].0 + indent..lines.spans[header_last].1;
        let header = split_cells(text, header_range.clone());
        let mut rows = Vec::new();
        let mut unterminated = None;
        let mut j = header_last + 2;
        while j < n && lines.get(j).trim_start_matches(' ').starts_with('|') {
            let start = lines.spans[j].0 + indent_of(lines.get(j));
            let mut k = j;
            let mut fence = false;
            let end_line = loop {
                if k >= n {
                    unterminated = Some(start);
                    break n - 1;
                }
                let l = lines.get(k);
                if fence_marks(l) % 2 == 1 {
                    fence = !fence;
                }
                if fence {
                    k += 1;
                    continue;
                }
                let lone_bar = k == j && l.trim() == "|";
                if ends_row(l) && !lone_bar {
                    break k;
                }
                // A heading at the margin ends a runaway row: nobody writes one in a cell.
                if k > j && l.starts_with('#') {
                    unterminated = Some(start);
                    break k - 1;
                }
                k += 1;
            };
            let end = lines.spans[end_line].1;
            let range = start..end;
            let mut cells = split_cells(text, range.clone());
            if unterminated.is_some() {
                // The text after the last bar of an unclosed row is its last cell.
                let last = cells.last().map_or(start + 1, |c| c.end + 1).min(end);
                if !text[last..end].trim().is_empty() {
                    cells.push(last..end);
                }
            }
            rows.push(RawRow { cells, range });
            j = end_line + 1;
            if unterminated.is_some() {
                break;
            }
        }
        let range = lines.spans[i].0..lines.spans[j - 1].1;
        out.push(TableRegion { indent, range, header, rows, unterminated });
        i = j;
    }
    out
}

/// Longest header row, in lines: a header spread wider is read as text.
const MAX_HEADER_LINES: usize = 32;

/// The last line of a header row starting at line `i`: the first line from `i` on that
/// ends with `|`, within [`MAX_HEADER_LINES`] (which keeps the scan linear) and with no
/// fence or heading on the way.
fn header_end(lines: &Lines<'_>, i: usize) -> Option<usize> {
    let n = lines.spans.len();
    for k in i..n.min(i + MAX_HEADER_LINES) {
        let l = lines.get(k);
        if k > i && (l.starts_with('#') || fence_marks(l) > 0) {
            return None;
        }
        if ends_row(l) {
            // A continuation line must still look like a cell start or be blank, so
            // prose after an unclosed `|` line is not swallowed.
            return (k == i || lines.get(k).trim_start().starts_with('|')).then_some(k);
        }
        let next_is_delimiter = k + 1 < n && is_delimiter_row(lines.get(k + 1));
        if next_is_delimiter {
            return None;
        }
        if k > i && !l.trim().is_empty() && !l.trim_start().starts_with('|') {
            return None;
        }
    }
    None
}

/// Split a row into cell ranges on `|` that is not escaped and not inside a fence.
fn split_cells(text: &str, row: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[row.clone()];
    let mut seps = Vec::new();
    let mut fence = false;
    let mut escaped = false;
    let mut run = (' ', 0usize);
    for (i, c) in s.char_indices() {
        // A run of three backticks (or tildes) opens or closes a fence, also mid-line.
        if c == '`' || c == '~' {
            run = if run.0 == c { (c, run.1 + 1) } else { (c, 1) };
            if run.1 == 3 && !escaped {
                fence = !fence;
            }
        } else {
            run = (' ', 0);
        }
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '|' if !escaped && !fence => seps.push(i),
            _ => {}
        }
        escaped = false;
    }
    // Text before the first bar or after the last is not a cell.
    seps.windows(2).map(|w| row.start + w[0] + 1..row.start + w[1]).collect()
}

/// Replace each table by a placeholder comment line and blank lines.
pub fn mask(text: &str, tables: &[TableRegion]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (n, t) in tables.iter().enumerate() {
        out.push_str(&text[pos..t.range.start]);
        out.push_str(&" ".repeat(t.indent));
        out.push_str(PLACEHOLDER_PREFIX);
        out.push_str(&n.to_string());
        out.push_str("-->");
        let lines = text[t.range.clone()].matches('\n').count();
        for _ in 0..lines {
            out.push('\n');
        }
        pos = t.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// The table index of a placeholder HTML block, if it is one.
pub fn placeholder_index(html: &str) -> Option<usize> {
    html.trim().strip_prefix(PLACEHOLDER_PREFIX)?.strip_suffix("-->")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_rows_end_at_a_trailing_bar() {
        let text = "|A|B|\n|-|-|\n|x|first\n\n- item\n\n```\na | b\n```\n\n |\n|y|z|\nafter\n";
        let tables = find_tables(text);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells.len(), 2);
        assert!(text[t.rows[0].cells[1].clone()].contains("a | b"));
        let masked = mask(text, &tables);
        assert_eq!(masked.lines().count(), text.lines().count());
        assert!(masked.ends_with("\nafter\n"));
    }

    #[test]
    fn a_fence_may_open_right_after_a_bar() {
        let text = "|A|B|\n|-|-|\n|x|text\n\n|```\ncode | more\n``` |\n|y|z|\n";
        let t = &find_tables(text)[0];
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells.len(), 3);
        assert!(text[t.rows[0].cells[2].clone()].contains("code | more"));
        assert_eq!(&text[t.rows[1].cells[0].clone()], "y");
    }

    #[test]
    fn a_header_may_spread_over_several_lines() {
        let text = "|Field\n\n|Type\n\n|Description |\n|--|--|--|\n|Name|String|The name. |\n";
        let t = &find_tables(text)[0];
        let header: Vec<&str> = t.header.iter().map(|r| text[r.clone()].trim()).collect();
        assert_eq!(header, ["Field", "Type", "Description"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.range.start, 0);
        // Prose between the bar lines is not a header.
        let t = &find_tables("|Field\nsome prose\n|Type |\n|--|--|\n")[0];
        assert_eq!(t.header.len(), 1);
    }

    #[test]
    fn escaped_bars_do_not_split() {
        let text = "|A|B|\n|--|--|\n|a\\|b|c|\n";
        let t = &find_tables(text)[0];
        assert_eq!(t.rows[0].cells.len(), 2);
    }

    #[test]
    fn tables_in_fences_are_code() {
        assert!(find_tables("```\n|A|B|\n|-|-|\n```\n").is_empty());
    }
}
