//! Reports of a run: the summary table, JSON and JUnit XML. Pure functions of [`Results`].
//!
//! Must never: emit XML that a strict parser rejects (every text is escaped, characters
//! XML 1.0 forbids are replaced), or add anything that is not already in the masked results.

use std::fmt::Write as _;

use super::{Results, State};
use crate::manifest::CheckKind;

/// The table printed at the end of a run, in the language of the run.
pub fn summary_table(results: &Results) -> String {
    let zh = results.lang.starts_with("zh");
    let (h_state, h_id, h_title) = if zh { ("状态", "检查项", "标题") } else { ("state", "check", "title") };
    let state_w = State::ALL.iter().map(|s| s.as_str().len()).max().unwrap_or(0).max(width(h_state));
    let id_w = results.checks.iter().map(|r| width(&r.id)).max().unwrap_or(0).max(width(h_id));
    let mut out = String::new();
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    let _ = writeln!(out, "{}  {}  {h_title}", pad(h_state, state_w), pad(h_id, id_w));
    for r in &results.checks {
        let optional = if r.required {
            ""
        } else if zh {
            "（可选）"
        } else {
            " (optional)"
        };
        let _ = writeln!(out, "{}  {}  {}{optional}", pad(r.state.as_str(), state_w), pad(&r.id, id_w), r.title);
    }
    let c = &results.counts;
    if zh {
        let _ = writeln!(
            out,
            "{} 项检查：{} 通过，{} 失败，{} 出错，{} 超时，{} 跳过，{} 未确认",
            c.total, c.pass, c.fail, c.error, c.timeout, c.skipped, c.not_reviewed
        );
    } else {
        let _ = writeln!(
            out,
            "{} checks: {} pass, {} fail, {} error, {} timeout, {} skipped, {} not_reviewed",
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

/// JUnit XML: one test suite per manifest, one test case per check. `fail` and
/// `not_reviewed` are failures (nothing confirmed them), `error` and `timeout` errors,
/// `skipped` skipped.
pub fn junit(results: &Results) -> String {
    let c = &results.counts;
    let failures = c.fail + c.not_reviewed;
    let errors = c.error + c.timeout;
    let time: u64 = results.checks.iter().map(|r| r.duration_ms).sum();
    let secs = |ms: u64| format!("{}.{:03}", ms / 1000, ms % 1000);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"preflight\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{}\" time=\"{}\">",
        c.total,
        c.skipped,
        secs(time)
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{}\" time=\"{}\">",
        xml_escape(&results.guide),
        c.total,
        c.skipped,
        secs(time)
    );
    for r in &results.checks {
        let name = format!("{}: {}", r.id, r.title);
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
            xml_escape(&results.guide),
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
            continue;
        }
        out.push_str(">\n");
        if let Some(el) = element {
            let _ = writeln!(out, "      <{el} type=\"{}\" message=\"{}\"/>", r.state.as_str(), xml_escape(&r.message));
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
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_handles_markup_and_controls() {
        assert_eq!(xml_escape("a<b>&\"c\"'\u{1b}[0m\n"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;\u{FFFD}[0m\n");
    }
}
