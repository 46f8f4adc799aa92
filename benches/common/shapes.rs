//! Inputs that break naive Markdown tools, for the linearity test
//! (`tests/suite/linear.rs`) and its benchmark (`benches/linear.rs`): the shapes of
//! cmark's pathological suite (`test/pathological_tests.py`) and this dialect's own.
//! Each shape takes a repetition count `k`; the text grows linearly with it.

use std::path::PathBuf;

use preflight::project::{Compiled, Config, SourceFile};
use preflight::{Source, parse, render};

/// A named generator of text from a repetition count.
pub struct Shape {
    pub name: &'static str,
    pub make: fn(usize) -> String,
}

fn rep(s: &str, k: usize) -> String {
    s.repeat(k)
}

const TITLE: &str = "# A guide {#task_linear .task}\n\n";

pub const SHAPES: &[Shape] = &[
    // cmark's pathological suite.
    Shape { name: "nested strong emph", make: |k| format!("{}b{}", rep("*a **a ", k), rep(" a** a*", k)) },
    Shape { name: "emph closers without openers", make: |k| rep("a_ ", k) },
    Shape { name: "emph openers without closers", make: |k| rep("_a ", k) },
    Shape { name: "link closers without openers", make: |k| rep("a]", k) },
    Shape { name: "link openers without closers", make: |k| rep("[a", k) },
    Shape { name: "mismatched openers and closers", make: |k| rep("*a_ ", k) },
    Shape { name: "openers and closers multiple of 3", make: |k| format!("a**b{}", rep("c* ", k)) },
    Shape { name: "link openers and emph closers", make: |k| rep("[ a_", k) },
    Shape { name: "pattern [ (]( repeated", make: |k| rep("[ (](", k) },
    Shape { name: "pattern ![[]() repeated", make: |k| rep("![[]()", k) },
    Shape { name: "nested brackets", make: |k| format!("{}a{}", rep("[", k), rep("]", k)) },
    Shape { name: "nested block quotes", make: |k| format!("{}a\n", rep(">", k)) },
    Shape { name: "deeply nested lists", make: |k| (0..k).map(|x| format!("{}* a\n", "  ".repeat(x % 100))).collect() },
    Shape { name: "U+0000 in input", make: |k| rep("abc\u{0}de\u{0}\n", k) },
    Shape {
        name: "backticks",
        make: |k| {
            // Runs of 1, 2, 3 … backticks, restarting so the text stays linear in k.
            (0..k).map(|x| format!("e{}", "`".repeat(1 + x % 16))).collect()
        },
    },
    Shape { name: "unclosed links A", make: |k| rep("[a](<b", k) },
    Shape { name: "unclosed links B", make: |k| rep("[a](b", k) },
    Shape { name: "unclosed <!--", make: |k| format!("</{}", rep("<!--", k)) },
    Shape {
        name: "many link references",
        make: |k| (0..k).map(|i| format!("[{i}]: u\n")).chain((0..k / 4).map(|_| "[0] ".to_string())).collect(),
    },
    Shape { name: "many html tags", make: |k| rep("<a><b>x</b></a> <YourName> ", k) },
    // The dialect's own.
    Shape {
        name: "one long table row",
        make: |k| format!("{TITLE}|{}\n|{}\n|{}\n", rep("h|", k), rep("-|", k), rep("cell text|", k)),
    },
    Shape {
        name: "thousands of cells",
        make: |k| {
            let rows: String = (0..k).map(|i| format!("|Role{i}|Policy{i}|Some words.|\n")).collect();
            format!("{TITLE}|Role|Policy|Description|\n|-|-|-|\n{rows}")
        },
    },
    Shape {
        name: "one role over many rows",
        make: |k| {
            format!("{TITLE}|Role|Policy|Description|\n|-|-|-|\n{}", rep("|AliyunRole|AliyunPolicy|Some words.|\n", k))
        },
    },
    Shape {
        name: "merged cell over many rows",
        make: |k| {
            format!("{TITLE}|Role|Policy|Description|\n|-|-|-|\n|{}|P|D|\n{}", rep("word ", k), rep("|P|D|\n", k))
        },
    },
    Shape { name: "a line of links and CJK", make: |k| format!("{TITLE}{}\n", rep("说明 [a b](/x y.md) `c` ", k)) },
    Shape { name: "brackets and parens on one line", make: |k| format!("{TITLE}{}\n", rep("](( x ", k)) },
    Shape {
        name: "many notes in one step",
        make: |k| format!("{TITLE}1.  Do it.\n\n{}", rep("    **Note:** Read `AliyunRole` first.\n\n", k)),
    },
    Shape {
        name: "many links in one step",
        make: |k| format!("{TITLE}1.  Open {}\n", rep("[the page](https://example.com/a b?x=1) ", k)),
    },
    Shape { name: "bold words without colon", make: |k| format!("{TITLE}{}\n", rep("**Note** x ", k)) },
    Shape {
        name: "deep sub-steps",
        make: |k| {
            let tree: String = (0..40).map(|d| format!("{}1.  Step at depth {d}.\n\n", "    ".repeat(d))).collect();
            format!("{TITLE}{}", (0..k / 40 + 1).map(|_| tree.as_str()).collect::<Vec<_>>().join("\n<!-- -->\n\n"))
        },
    },
    Shape {
        name: "many steps",
        make: |k| format!("{TITLE}{}", (0..k).map(|i| format!("1.  Attach `Policy{i}`.\n")).collect::<String>()),
    },
    Shape {
        name: "many sections",
        make: |k| {
            let body: String =
                (0..k).map(|i| format!("## Part {i} {{#s{i}}}\n\nRead [it](/doc/{i}) and `Role{i}`.\n\n")).collect();
            format!("{TITLE}{body}")
        },
    },
];

/// What one pass of the whole pipeline produced.
#[derive(Debug, Default, Clone, Copy)]
pub struct Outcome {
    /// Bytes of every output: model JSON, index, sync report, manifests, site, outline.
    pub output_bytes: usize,
    /// The largest single output file.
    pub largest_file: usize,
}

/// The text as an en-US and a zh-CN guide through parse, pairing, sync, every renderer
/// (model JSON, sync, manifests, site, text outline), all on the calling thread.
pub fn pipeline(text: &str) -> Outcome {
    let rules = preflight::rules::load(&PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/docs-src")))
        .expect("the project's rules load");
    let compiled: Vec<Compiled> = ["en-US", "zh-CN"]
        .into_iter()
        .map(|locale| {
            let file = SourceFile {
                locale: locale.into(),
                rel: "guide.md".into(),
                path: PathBuf::from("guide.md"),
                dir: locale.into(),
            };
            let source = Source::new(file.display(), text);
            let (guide, diagnostics) = parse::parse_guide(&source, locale);
            Compiled {
                file,
                guide: Some(guide),
                diagnostics,
                paired_by: None,
                text: Some(text.to_string()),
                history: None,
            }
        })
        .collect();
    let (files, _, _) = preflight::build::render_all(&Config::default(), &rules, &compiled);
    let outline: usize = compiled.iter().filter_map(|c| c.guide.as_ref()).map(|g| render::text::outline(g).len()).sum();
    let largest_file = files.iter().map(|f| f.bytes.len()).max().unwrap_or(0);
    Outcome { output_bytes: files.iter().map(|f| f.bytes.len()).sum::<usize>() + outline, largest_file }
}
