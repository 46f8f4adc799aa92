//! Reports of a run: the summary table, JUnit XML, GitHub workflow commands and a Markdown
//! summary (for a CI step summary). Pure functions of the masked [`Results`].
//!
//! Must never: emit XML that a strict parser rejects (every text is escaped, characters
//! XML 1.0 forbids are replaced), or add anything that is not already in the masked results.

use std::fmt::Write as _;

use super::{CheckResult, Results, State};
use crate::manifest::CheckKind;

/// Lines of a failed check's stderr, then stdout, shown under it: enough for the cause
/// (`EntityNotExist.Role`, `InvalidCredentials`), never the whole output.
pub const EXCERPT_LINES: usize = 3;

/// The first lines of what a check that did not pass printed, stderr first (masked, as
/// everything in the results): the cause, under the check, in every report.
pub fn excerpt(r: &CheckResult) -> Vec<String> {
    let mut out = Vec::new();
    for (name, text) in [("stderr", &r.stderr), ("stdout", &r.stdout)] {
        // Lines of brackets alone (pretty-printed JSON) say nothing.
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim_end)
            .filter(|l| l.chars().any(|c| !c.is_whitespace() && !"{}[](),".contains(c)))
            .collect();
        for l in lines.iter().take(EXCERPT_LINES) {
            out.push(format!("{name}: {l}"));
        }
        if lines.len() > EXCERPT_LINES {
            out.push(format!("{name}: … ({} more lines)", lines.len() - EXCERPT_LINES));
        }
    }
    out
}

fn failed(r: &CheckResult) -> bool {
    matches!(r.state, State::Fail | State::Error | State::Timeout)
}

/// The table printed at the end of a run, in the language of the run: one block per guide
/// when the run had several, the reason and the first lines of output under every check that
/// failed, the totals last.
pub fn summary_table(results: &Results) -> String {
    let zh = results.lang == crate::manifest::Lang::Zh;
    let (h_state, h_id, h_title) = if zh { ("状态", "检查项", "标题") } else { ("state", "check", "title") };
    let state_w = State::ALL.iter().map(|s| s.as_str().len()).max().unwrap_or(0).max(width(h_state));
    let id_w = results.checks.iter().map(|r| width(&r.id)).max().unwrap_or(0).max(width(h_id));
    let mut out = String::new();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    let _ = writeln!(out, "{}  {}  {h_title}", pad(h_state, state_w), pad(h_id, id_w));
    let several = results.guides.len() > 1;
    let mut guide = None;
    for r in &results.checks {
        if several && guide != Some(&r.guide) {
            guide = Some(&r.guide);
            if let Some(g) = results.guides.iter().find(|g| g.guide == r.guide) {
                let _ = writeln!(out, "── {} ({})", g.title, g.manifest);
            }
        }
        let optional = if r.required {
            ""
        } else if zh {
            "（可选）"
        } else {
            " (optional)"
        };
        let _ = writeln!(out, "{}  {}  {}{optional}", pad(r.state.as_str(), state_w), pad(&r.id, id_w), r.title);
        if failed(r) {
            let indent = " ".repeat(state_w + 2);
            let _ = writeln!(out, "{indent}{}", r.message);
            for line in excerpt(r) {
                let _ = writeln!(out, "{indent}  {line}");
            }
        }
    }
    let c = &results.counts;
    let guides = if several {
        if zh { format!("{} 个指南，", results.guides.len()) } else { format!("{} guides, ", results.guides.len()) }
    } else {
        String::new()
    };
    if zh {
        let _ = writeln!(
            out,
            "{guides}{} 项检查：{} 通过，{} 失败，{} 出错，{} 超时，{} 跳过，{} 未确认",
            c.total, c.pass, c.fail, c.error, c.timeout, c.skipped, c.not_reviewed
        );
    } else {
        let _ = writeln!(
            out,
            "{guides}{} checks: {} pass, {} fail, {} error, {} timeout, {} skipped, {} not_reviewed",
            c.total, c.pass, c.fail, c.error, c.timeout, c.skipped, c.not_reviewed
        );
    }
    out
}

/// Columns a text takes in a terminal: CJK and full-width characters take two.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF => 2,
            0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

pub use crate::render::escape_markup as xml_escape;

/// JUnit XML: one test suite per guide, one test case per check. `fail` and `not_reviewed`
/// are failures (nothing confirmed them), `error` and `timeout` errors, `skipped` skipped. A
/// failure's body holds the reason and the first lines of output.
pub fn junit(results: &Results) -> String {
    let secs = |ms: u64| format!("{}.{:03}", ms / 1000, ms % 1000);
    let totals = |c: &super::Counts| (c.fail + c.not_reviewed, c.error + c.timeout);
    let c = &results.counts;
    let (failures, errors) = totals(c);
    let time: u64 = results.checks.iter().map(|r| r.duration_ms).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"preflight\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{}\" time=\"{}\">",
        c.total,
        c.skipped,
        secs(time)
    );
    for g in &results.guides {
        let checks: Vec<&CheckResult> = results.checks.iter().filter(|r| r.guide == g.guide).collect();
        let (failures, errors) = totals(&g.counts);
        let time: u64 = checks.iter().map(|r| r.duration_ms).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{}\" time=\"{}\" file=\"{}\">",
            xml_escape(&g.guide),
            g.counts.total,
            g.counts.skipped,
            secs(time),
            xml_escape(&g.manifest)
        );
        for r in checks {
            testcase(&mut out, r, &secs);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(out: &mut String, r: &CheckResult, secs: &dyn Fn(u64) -> String) {
    let name = format!("{}: {}", r.id, r.title);
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
        xml_escape(&r.guide),
        xml_escape(&name),
        secs(r.duration_ms)
    );
    let element = match r.state {
        State::Pass => None,
        State::Fail | State::NotReviewed => Some("failure"),
        State::Error | State::Timeout => Some("error"),
        State::Skipped => Some("skipped"),
    };
    let has_output = !r.stdout.is_empty() || !r.stderr.is_empty();
    if element.is_none() && !has_output {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if let Some(el) = element {
        let lines = excerpt(r);
        if lines.is_empty() {
            let _ = writeln!(out, "      <{el} type=\"{}\" message=\"{}\"/>", r.state.as_str(), xml_escape(&r.message));
        } else {
            let body = xml_escape(&lines.join("\n"));
            let _ = writeln!(
                out,
                "      <{el} type=\"{}\" message=\"{}\">{body}</{el}>",
                r.state.as_str(),
                xml_escape(&r.message)
            );
        }
    }
    if r.kind == CheckKind::Automated && !r.argv.is_empty() || has_output {
        let mut text = String::new();
        if !r.argv.is_empty() {
            let _ = writeln!(text, "$ {}", crate::manifest::display_argv(&r.argv));
        }
        text.push_str(&r.stdout);
        let _ = writeln!(out, "      <system-out>{}</system-out>", xml_escape(&text));
    }
    if !r.stderr.is_empty() {
        let _ = writeln!(out, "      <system-err>{}</system-err>", xml_escape(&r.stderr));
    }
    out.push_str("    </testcase>\n");
}

/// GitHub Actions workflow commands: an `::error` (required) or `::warning` (optional) per
/// check that did not pass, pointing at the step's source file and line, then a `::notice`
/// with the totals. Every value is escaped the way the runner reads it back
/// ([`crate::run::github`]), so no text of a guide or a command can start a command of its own.
pub fn github(results: &Results) -> String {
    use super::github::{escape_data, escape_property};
    let mut out = String::new();
    for r in results.checks.iter().filter(|r| r.state != State::Pass) {
        // Errors for what failed; a manual check nobody answered, an optional or a skipped one
        // is a warning (the exit code still counts an unanswered required check).
        let level = if r.required && failed(r) { "error" } else { "warning" };
        let mut props = vec![format!("title={}", escape_property(&format!("{} {}", r.state.as_str(), r.id)))];
        if let Some((file, line)) = r.span.as_deref().and_then(super::github::file_line) {
            props.insert(0, format!("file={},line={line}", escape_property(file)));
        }
        let mut message = format!("{}: {}", r.title, r.message);
        for line in excerpt(r) {
            message.push('\n');
            message.push_str(&line);
        }
        let _ = writeln!(out, "::{level} {}::{}", props.join(","), escape_data(&message));
    }
    let c = &results.counts;
    let _ = writeln!(
        out,
        "::notice title=preflight::{}",
        escape_data(&format!(
            "{} checks in {} guides: {} pass, {} fail, {} error, {} timeout, {} skipped, {} not_reviewed",
            c.total,
            results.guides.len(),
            c.pass,
            c.fail,
            c.error,
            c.timeout,
            c.skipped,
            c.not_reviewed
        ))
    );
    out
}

/// A Markdown summary for a CI step summary (`$GITHUB_STEP_SUMMARY`): totals, a table of the
/// guides, and every check that did not pass with its reason. Text from a guide or a command is
/// escaped so that it cannot add Markdown or HTML of its own.
pub fn markdown(results: &Results) -> String {
    let c = &results.counts;
    let mut out = String::new();
    let verdict = if results.exit_code == 0 { "passed" } else { "failed" };
    let _ = writeln!(out, "## preflight: {verdict}\n");
    let _ = writeln!(
        out,
        "{} checks in {} guides: {} pass, {} fail, {} error, {} timeout, {} skipped, {} not reviewed.\n",
        c.total,
        results.guides.len(),
        c.pass,
        c.fail,
        c.error,
        c.timeout,
        c.skipped,
        c.not_reviewed
    );
    out.push_str(
        "| guide | pass | fail | error | timeout | skipped | not reviewed |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for g in &results.guides {
        let k = &g.counts;
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | {} | {} |",
            md_cell(&g.title),
            md_code(&g.manifest),
            k.pass,
            k.fail,
            k.error,
            k.timeout,
            k.skipped,
            k.not_reviewed
        );
    }
    let bad: Vec<&CheckResult> = results.checks.iter().filter(|r| failed(r)).collect();
    if !bad.is_empty() {
        out.push_str("\n### Did not pass\n\n");
        for r in bad {
            let _ = writeln!(out, "- **{}** `{}`: {}", r.state.as_str(), md_code(&r.id), md_cell(&r.title));
            let _ = writeln!(out, "  {}", md_cell(&r.message));
            let lines = excerpt(r);
            if !lines.is_empty() {
                let fence = "`".repeat(lines.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0).max(2) + 1);
                let _ = writeln!(out, "  {fence}text");
                for l in lines {
                    let _ = writeln!(out, "  {}", xml_escape(&l));
                }
                let _ = writeln!(out, "  {fence}");
            }
        }
    }
    out
}

fn longest_run(text: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Text inside a Markdown table cell or list item: markup characters escaped, one line.
fn md_cell(text: &str) -> String {
    let mut out = String::new();
    for c in crate::model::collapse_ws(text).chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '&' | '~' => {
                out.push('\\');
                out.push(c)
            }
            c => out.push(c),
        }
    }
    out
}

/// An id inside a code span: backticks cannot appear in a built id; drop them from any other.
fn md_code(text: &str) -> String {
    crate::model::collapse_ws(text).replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_handles_markup_and_controls() {
        assert_eq!(xml_escape("a<b>&\"c\"'\u{1b}[0m\n"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;\u{FFFD}[0m\n");
    }
}
