//! The checklist model: what preflight understood of one guide.
//!
//! The types follow the DITA task model (topic → sections → procedures → steps) because
//! that is what the Alibaba Cloud dialect was generated from. They are plain data: no
//! behaviour beyond small accessors, no I/O, no knowledge of Markdown. Everything a
//! renderer needs is here, so HTML, manifests and sync never go back to the source text.
//!
//! Invariant: the model of a guide depends only on the bytes of its file and its
//! path relative to the source root; no clock, no environment, no hash-map order.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::StepId;

/// Version of the JSON form of [`Guide`]. Bump on any change a consumer could notice.
pub const SCHEMA_VERSION: u32 = 2;

/// A position in a source file: 1-based line and column (columns count characters).
/// Serialized compactly as `[line, column, end_line, end_column]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(from = "[u32; 4]", into = "[u32; 4]")]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl From<[u32; 4]> for Span {
    fn from([line, column, end_line, end_column]: [u32; 4]) -> Span {
        Span { line, column, end_line, end_column }
    }
}

impl From<Span> for [u32; 4] {
    fn from(s: Span) -> [u32; 4] {
        [s.line, s.column, s.end_line, s.end_column]
    }
}

/// One parsed guide: the unit that `inspect` prints and `build` writes as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Guide {
    pub schema_version: u32,
    /// The guide's id, the same in both languages of a pair: inside a project, the pair's
    /// topic id when it is unique, else one derived from the source-language path (set by
    /// `build`); for a file read alone, its topic id or its path.
    pub id: String,
    pub id_source: IdSource,
    /// The title's `{#id}` attribute as written (sanitized), if any.
    pub topic_id: Option<String>,
    pub kind: TopicKind,
    /// `en-US`, `zh-CN`, … or `und` when the locale is not known.
    pub locale: String,
    /// Path of the source file, relative to the source root, with `/` separators.
    pub file: String,
    pub title: Vec<Inline>,
    pub title_text: String,
    pub span: Span,
    /// The first paragraph after the title (DITA `shortdesc`).
    pub shortdesc: Option<Vec<Inline>>,
    /// Raw front matter between `---` lines, if the page has it.
    pub front_matter: Option<String>,
    /// Section 0 holds what comes before the first sub-heading; it has no heading.
    pub sections: Vec<Section>,
}

/// How a pair was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PairedBy {
    /// `[[pair]]` in `preflight.toml` or an entry of its pairs file.
    Config,
    SamePath,
    TopicId,
    /// The content-based engine of `preflight pair`.
    Content,
    /// No counterpart was found: one side is `None`.
    Unpaired,
}

impl PairedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            PairedBy::Config => "config",
            PairedBy::SamePath => "same-path",
            PairedBy::TopicId => "topic-id",
            PairedBy::Content => "content",
            PairedBy::Unpaired => "unpaired",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdSource {
    /// `# Title {#task_abc .task}`.
    Heading,
    /// No id on the title: derived from the file's relative path.
    Path,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TopicKind {
    Task,
    Concept,
    Reference,
    /// No class on the title; a page with no procedure.
    Topic,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    /// 0 for the untitled lead section, otherwise the heading level (2–6).
    pub level: u8,
    pub heading: Option<Heading>,
    pub blocks: Vec<Block>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Heading {
    pub content: Vec<Inline>,
    pub text: String,
    /// `{#id}` attribute, when present.
    pub anchor: Option<String>,
    /// `{.section}` and other classes.
    pub classes: Vec<String>,
}

/// Block-level content, in document order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        content: Vec<Inline>,
        span: Span,
    },
    /// A numbered list read as steps (or a run of `Step N:` headings).
    Procedure(Procedure),
    /// A bulleted list directly inside a step: DITA `choices`.
    Choices {
        items: Vec<ListItem>,
        span: Span,
    },
    /// Any other list; `contents` marks a list of in-page `#section` links.
    List {
        ordered: bool,
        start: Option<u64>,
        contents: bool,
        items: Vec<ListItem>,
        span: Span,
    },
    Note(Note),
    /// The expected result of a step (`**Result:**` / `**结果：**`).
    Result {
        label: String,
        content: Vec<Block>,
        span: Span,
    },
    Table(Table),
    Code(CodeBlock),
    Quote {
        blocks: Vec<Block>,
        span: Span,
    },
    /// A sub-heading below the section level kept in place (`####` inside a section
    /// that is itself a step, for example).
    Heading {
        level: u8,
        heading: Heading,
        span: Span,
    },
    /// Raw HTML, kept as written; renderers sanitize it.
    Html {
        html: String,
        span: Span,
    },
    Rule {
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ListItem {
    pub blocks: Vec<Block>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Procedure {
    pub style: ProcedureStyle,
    pub steps: Vec<Step>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureStyle {
    /// `1.  Do this.`
    List,
    /// `## Step 1: Do this` / `## 步骤一：…`.
    Headings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    /// Stable id: guide id plus structural path; equal in both languages of a guide.
    pub id: StepId,
    /// Position in its procedure, 1-based (what a reader sees as the step number).
    pub number: u32,
    /// The command sentence: the item's first paragraph (or the step heading).
    pub command: Vec<Inline>,
    pub command_text: String,
    /// Everything after the command, in order: info, notes, choices, tables, sub-steps.
    pub body: Vec<Block>,
    /// Language-neutral references of this step (not of its sub-steps), sorted.
    pub identifiers: Vec<Identifier>,
    pub span: Span,
    /// How this step compares with its translation; set by `build`, absent from
    /// `inspect` (which sees one file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<StepSync>,
}

/// Sync status of a step, as the build marks it in the JSON model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StepSync {
    pub status: SyncStatus,
    /// Id of the matching step in the other language.
    pub counterpart: Option<StepId>,
    /// Codes of the sync findings about this step.
    pub findings: Vec<String>,
    /// On the translated side: the source text of this step changed after this step
    /// (`sync::stale-step`, from git history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<StaleMark>,
}

/// When and how the source text of a stale step changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StaleMark {
    /// The commit that changed it (its first ten hex digits).
    pub commit: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// A short word diff of the source step (`[-old-] {+new+}`).
    pub diff: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    InSync,
    Drift,
    /// No counterpart step (or no counterpart guide) in the other language.
    Unmatched,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Identifier {
    pub kind: IdentifierKind,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// Role, policy, user, API or parameter name: a token no translator changes.
    Name,
    Number,
    /// Normalised link key (see [`LinkKey`]).
    Link,
    /// Normalised image key.
    Image,
    /// Code span or block content key.
    Code,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    pub kind: NoteKind,
    /// The label as written, without the colon: `Note`, `说明`, `警告`, …
    pub label: String,
    pub blocks: Vec<Block>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Note,
    Tip,
    Notice,
    Important,
    Caution,
    Warning,
    Danger,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::Tip => "tip",
            NoteKind::Notice => "notice",
            NoteKind::Important => "important",
            NoteKind::Caution => "caution",
            NoteKind::Warning => "warning",
            NoteKind::Danger => "danger",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Table {
    pub header: Vec<Cell>,
    pub rows: Vec<Row>,
    /// What each column holds, from the header (bilingual lexicon).
    pub columns: Vec<ColumnKind>,
    /// Typed records when the table names roles or policies.
    pub records: Vec<RoleRecord>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Leading cells this row lacks (merged cells flattened into a short row). `cells`
    /// starts with that many empty placeholders (no blocks, no text, the span of the cell
    /// they continue), so a column has the same index in every row; the content is in
    /// the nearest row above that has its own cell there, never copied.
    pub inherited: u32,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Cell {
    pub blocks: Vec<Block>,
    /// Plain text of the cell, whitespace collapsed.
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Role,
    Policy,
    Purpose,
    Condition,
    User,
    Other,
}

/// One role (or policy) named by a row of a role table. A value in a merged cell (see
/// [`Row::inherited`]) is repeated in the records of the rows it spans when it is at most
/// 128 bytes long, and is `None` there otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RoleRecord {
    pub role: Option<String>,
    pub policy: Option<String>,
    pub purpose: Option<String>,
    pub condition: Option<String>,
    /// Index into `rows`.
    pub row: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CodeBlock {
    pub lang: Option<String>,
    /// `{#codeblock_…}` attribute id, when present.
    pub attr_id: Option<String>,
    pub code: String,
    /// Language-neutral key of the content.
    pub key: String,
    pub span: Span,
}

/// Inline content. Text keeps its formatting so HTML can be rendered from the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    Code {
        code: String,
    },
    Strong {
        content: Vec<Inline>,
    },
    Emphasis {
        content: Vec<Inline>,
    },
    Strikethrough {
        content: Vec<Inline>,
    },
    Link {
        dest: String,
        key: LinkKey,
        title: String,
        content: Vec<Inline>,
        span: Span,
    },
    Image {
        src: String,
        key: String,
        alt: String,
        title: String,
        span: Span,
    },
    /// Raw inline HTML (`<br>`, `<sup>` …), kept as written; renderers sanitize it.
    Html {
        html: String,
    },
    SoftBreak,
    HardBreak,
}

/// A link target reduced to what stays equal across languages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct LinkKey {
    pub kind: LinkKind,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// `http(s)://…`, locale segments and tracking parameters removed.
    Url,
    /// `~~25609~~` document-id links.
    DocId,
    /// `#section_…` in-page anchors.
    Fragment,
    /// Relative or root-relative paths into the doc tree (translated, so rarely equal).
    Path,
    Mailto,
    Empty,
    /// A page of the project, by the guide id its pair shares (`<guide>` or
    /// `<guide>#<fragment>`): links between two paired pages compare equal. Set by `build`
    /// once pages are paired; a page read alone has only `Path` links.
    Page,
}

impl Guide {
    /// All steps at every depth, in document order.
    pub fn steps(&self) -> Vec<&Step> {
        let mut out = Vec::new();
        for section in &self.sections {
            crate::walk::steps(&section.blocks, &mut |s| out.push(s));
        }
        out
    }

    /// Visit every step at every depth, mutably, in document order.
    pub fn for_each_step_mut(&mut self, f: &mut dyn FnMut(&mut Step)) {
        for section in &mut self.sections {
            crate::walk::steps_mut(&mut section.blocks, f);
        }
    }

    /// Whether readers work through this page as a checklist: a task, or an untyped page
    /// with a procedure. Concept and reference pages are read, not ticked, even where
    /// they hold a numbered list.
    pub fn is_checklist(&self) -> bool {
        match self.kind {
            TopicKind::Task => true,
            TopicKind::Topic => self.procedures().next().is_some(),
            TopicKind::Concept | TopicKind::Reference => false,
        }
    }

    /// Give the guide the id of its pair: every step id follows.
    pub fn set_id(&mut self, id: &str, source: IdSource) {
        self.id = id.to_string();
        self.id_source = source;
        let id = self.id.clone();
        self.for_each_step_mut(&mut |step| step.id.guide.clone_from(&id));
    }

    /// Give steps new ids (`(old, new)`, as [`crate::sync::shared_step_ids`] makes them).
    pub fn rename_steps(&mut self, renames: &[(StepId, StepId)]) {
        if renames.is_empty() {
            return;
        }
        let map: std::collections::HashMap<&StepId, &StepId> = renames.iter().map(|(a, b)| (a, b)).collect();
        self.for_each_step_mut(&mut |step| {
            if let Some(new) = map.get(&step.id) {
                step.id = (*new).clone();
            }
        });
    }

    pub fn procedures(&self) -> impl Iterator<Item = &Procedure> {
        self.sections.iter().flat_map(|s| {
            s.blocks.iter().filter_map(|b| match b {
                Block::Procedure(p) => Some(p),
                _ => None,
            })
        })
    }
}

impl Step {
    /// Sub-steps directly below this step (including those written inside a choice).
    pub fn substeps(&self) -> Vec<&Step> {
        let mut out = Vec::new();
        direct_substeps(&self.body, &mut out);
        out
    }
}

fn direct_substeps<'a>(blocks: &'a [Block], out: &mut Vec<&'a Step>) {
    for block in blocks {
        match block {
            Block::Procedure(p) => out.extend(p.steps.iter()),
            Block::Choices { items, .. } => items.iter().for_each(|i| direct_substeps(&i.blocks, out)),
            _ => {}
        }
    }
}

/// Visit every inline at every depth of these blocks, mutably (table cells included), and
/// of the inlines nested in links and emphasis.
pub fn for_each_inline_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Inline)) {
    crate::walk::all_inlines_mut(blocks, f)
}

/// The link keys of a step's own content (its command and body, not its sub-steps).
pub fn own_link_keys(step: &Step) -> Vec<LinkKey> {
    let mut out = Vec::new();
    let mut push = |i: &Inline| {
        if let Inline::Link { key, .. } = i {
            out.push(key.clone())
        }
    };
    crate::walk::inlines(&step.command, &mut push);
    crate::walk::own_blocks(step, &mut |b| crate::walk::inlines(crate::walk::block_inlines(b), &mut push));
    out
}

/// Plain text of inline content, as a reader would read it aloud.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(inlines, &mut out);
    collapse_ws(&out)
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push_str(text),
            Inline::Code { code } => out.push_str(code),
            Inline::Strong { content } | Inline::Emphasis { content } | Inline::Strikethrough { content } => {
                push_plain(content, out)
            }
            Inline::Link { content, .. } => push_plain(content, out),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::Html { html } if html.to_ascii_lowercase().starts_with("<br") => out.push(' '),
            Inline::Html { .. } => {}
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
        }
    }
}

/// Whitespace collapsed, cut to `max` characters with an ellipsis: an excerpt for a report.
pub fn clip(s: &str, max: usize) -> String {
    let s = collapse_ws(s);
    if s.chars().count() > max { format!("{}…", s.chars().take(max).collect::<String>()) } else { s }
}

/// Plain text of blocks, sub-procedures left out (their steps have text of their own).
/// With `link_targets`, each paragraph's link destinations follow its text: a name may
/// sit only in a URL.
pub fn blocks_text(blocks: &[Block], link_targets: bool, out: &mut String) {
    use crate::walk::{Flow, Node};
    crate::walk::nodes(blocks, &mut |node| {
        let Node::Block(block) = node else { return Flow::Descend };
        let flow = match block {
            Block::Paragraph { content, .. } => {
                out.push_str(&plain_text(content));
                if link_targets {
                    for inline in content {
                        if let Inline::Link { dest, .. } = inline {
                            out.push(' ');
                            out.push_str(dest);
                        }
                    }
                }
                Flow::Descend
            }
            // A table reads as its cells' texts; sub-procedures have text of their own.
            Block::Table(t) => {
                for cell in t.header.iter().chain(t.rows.iter().flat_map(|r| r.cells.iter())) {
                    out.push_str(&cell.text);
                    out.push(' ');
                }
                Flow::Skip
            }
            Block::Procedure(_) => Flow::Skip,
            Block::Code(c) => {
                out.push_str(&c.code);
                Flow::Descend
            }
            Block::Heading { heading, .. } => {
                out.push_str(&heading.text);
                Flow::Descend
            }
            _ => Flow::Descend,
        };
        out.push(' ');
        flow
    });
}

/// Collapse runs of whitespace (including U+00A0) to one space and trim.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending = !out.is_empty();
        } else {
            if pending {
                out.push(' ');
                pending = false;
            }
            out.push(c);
        }
    }
    out
}
