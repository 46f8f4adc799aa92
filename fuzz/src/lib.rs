//! The fuzz targets' bodies and their oracle, shared by `fuzz_targets/*` and `calibrate`.
//!
//! The oracle checks more than "no panic": each run's work and output must be linear in its
//! input. Work is counted deterministically as the bytes and the number of allocations made
//! during the run (a counting global allocator), output as the bytes produced (rendered
//! files, messages). Each is bounded by `PER_BYTE * input_len + BASE`; a quadratic path shows
//! up as a run far over its bound long before it shows up as a slow run. The bounds are ~10×
//! the worst seen on real pages and on the project's own files (`calibrate`: for Markdown
//! about 1.4 MB allocated, 7,700 allocations and 70 KB rendered for an empty page, plus at
//! most 2,000 bytes allocated, 5 allocations and 91 bytes rendered per input byte).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOC_BYTES: AtomicU64 = AtomicU64::new(0);
static ALLOC_COUNT: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOC_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        ALLOC_COUNT.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOC_BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        ALLOC_COUNT.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What one run cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    pub input: u64,
    pub alloc_bytes: u64,
    pub allocs: u64,
    pub output: u64,
}

/// Linear bounds of one target: `per_byte * input + base` for each measure.
pub struct Bounds {
    pub alloc_bytes: (u64, u64),
    pub allocs: (u64, u64),
    pub output: (u64, u64),
}

impl Cost {
    /// Panics (a finding for libFuzzer) when a measure is over its bound.
    pub fn check(&self, b: &Bounds) {
        let over = |what: &str, got: u64, (per_byte, base): (u64, u64)| {
            let limit = per_byte * self.input + base;
            assert!(got <= limit, "{what}: {got} for {} input bytes, over the linear bound {limit}", self.input);
        };
        over("allocated bytes", self.alloc_bytes, b.alloc_bytes);
        over("allocations", self.allocs, b.allocs);
        over("output bytes", self.output, b.output);
    }
}

/// Run `f` (which returns its output size) and count what it cost.
pub fn measure(input: usize, f: impl FnOnce() -> usize) -> Cost {
    let (b0, c0) = (ALLOC_BYTES.load(Ordering::Relaxed), ALLOC_COUNT.load(Ordering::Relaxed));
    let output = f() as u64;
    Cost {
        input: input as u64,
        alloc_bytes: ALLOC_BYTES.load(Ordering::Relaxed) - b0,
        allocs: ALLOC_COUNT.load(Ordering::Relaxed) - c0,
        output,
    }
}

/// The project's own rules, so manifests get automated checks.
static RULES: LazyLock<preflight::rules::Rules> = LazyLock::new(|| {
    preflight::rules::parse(include_str!("../../docs-src/rules.toml"), Path::new("rules.toml")).expect("docs-src rules")
});

/// A real manifest, for answers files to refer to.
static MANIFEST: LazyLock<[preflight::run::Loaded; 1]> = LazyLock::new(|| {
    let manifest = preflight::manifest::parse(
        include_str!("../../generated/checks/emr/assign-roles.toml"),
        Path::new("assign-roles.toml"),
    )
    .expect("generated manifest");
    [preflight::run::Loaded { path: "assign-roles.toml".into(), manifest }]
});

fn compiled(locale: &str, text: &str) -> preflight::project::Compiled {
    let file = preflight::project::SourceFile {
        locale: locale.into(),
        rel: "guide.md".into(),
        path: format!("{locale}/guide.md").into(),
        dir: locale.into(),
    };
    let source = preflight::Source::new(file.display(), text);
    let (guide, diagnostics) = preflight::parse::parse_guide(&source, locale);
    let guide = preflight::Guide { file: file.display(), ..guide };
    preflight::project::Compiled {
        file,
        guide: Some(guide),
        diagnostics,
        paired_by: None,
        text: Some(text.to_string()),
        history: None,
    }
}

/// The en-US page and (after the first NUL byte, if any) its zh-CN translation; without a
/// NUL both sides are the same page.
fn pages(data: &[u8]) -> [preflight::project::Compiled; 2] {
    let text = String::from_utf8_lossy(data);
    let (en, zh) = text.split_once('\0').unwrap_or((&text, &text));
    [compiled("en-US", en), compiled("zh-CN", zh)]
}

/// Markdown, fast: parse both pages, sync them, render the model (JSON, outline). Returns the
/// bytes rendered.
pub fn markdown(data: &[u8]) -> usize {
    let both = pages(data);
    let guides: Vec<&preflight::Guide> = both.iter().filter_map(|c| c.guide.as_ref()).collect();
    let comparison = preflight::sync::compare(guides[0], guides[1]);
    let mut n = format!("{comparison:?}").len();
    for g in guides {
        n += preflight::render::json::to_json(g).len() + preflight::render::text::outline(g).len();
    }
    n
}

/// Markdown, whole: everything a build renders from the two pages (model JSON, sync report,
/// manifests with the project's rules, the site). Returns the bytes rendered.
pub fn site(data: &[u8]) -> usize {
    let both = pages(data);
    let (files, _, _) = preflight::build::render_all(&preflight::project::Config::default(), &RULES, &both);
    files.iter().map(|f| f.bytes.len()).sum::<usize>() + both.iter().map(|c| c.diagnostics.len()).sum::<usize>()
}

pub const MARKDOWN: Bounds = Bounds { alloc_bytes: (20_000, 16 << 20), allocs: (50, 80_000), output: (1000, 1 << 20) };

/// `preflight.toml`. Returns the size of what it produced (the config's debug form or the
/// error message).
pub fn config(data: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(data) else { return 0 };
    match preflight::project::parse_config(text) {
        Ok(c) => format!("{c:?}").len(),
        Err((_, _, message)) => message.len(),
    }
}

pub const SITE: Bounds = MARKDOWN;

pub const CONFIG: Bounds = Bounds { alloc_bytes: (2000, 1 << 20), allocs: (100, 10_000), output: (20, 10_000) };

/// A rules file or a manifest compiles regular expressions: a short pattern may build a big
/// automaton, bounded by the regex crate's own size limits, not by the input's length.
const REGEX_BASE: u64 = 256 << 20;

/// `rules.toml`. Returns the size of the rules' debug form or of the error.
pub fn rules(data: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(data) else { return 0 };
    match preflight::rules::parse(text, Path::new("rules.toml")) {
        Ok(r) => format!("{r:?}").len(),
        Err(e) => e.to_string().len(),
    }
}

pub const RULES_BOUNDS: Bounds =
    Bounds { alloc_bytes: (40_000, REGEX_BASE), allocs: (200, 200_000), output: (40, 10_000) };

/// A check manifest, then everything `run` and `tasks` print from it without running a
/// command: the TOML again, the task lists, the dry run, masked.
pub fn manifest(data: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(data) else { return 0 };
    match preflight::manifest::parse(text, Path::new("m.toml")) {
        Ok(m) => {
            let masker = preflight::run::mask::Masker::default();
            let mut n = preflight::manifest::to_toml(&m).len();
            for lang in [preflight::manifest::Lang::En, preflight::manifest::Lang::Zh] {
                n += preflight::term::visible(&masker.mask(&preflight::manifest::task_list(&m, lang))).len();
            }
            for c in &m.checks {
                n += masker.mask(&preflight::manifest::display_argv(&c.argv)).len();
            }
            n
        }
        Err(e) => e.to_string().len(),
    }
}

pub const MANIFEST_BOUNDS: Bounds =
    Bounds { alloc_bytes: (40_000, REGEX_BASE), allocs: (200, 200_000), output: (40, 20_000) };

/// An answers file for a real manifest.
pub fn answers(data: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(data) else { return 0 };
    match preflight::run::parse_answers(text, Path::new("answers.toml"), &*MANIFEST) {
        Ok(a) => format!("{a:?}").len(),
        Err(e) => e.to_string().len(),
    }
}

pub const ANSWERS: Bounds = Bounds { alloc_bytes: (2000, 1 << 20), allocs: (100, 10_000), output: (20, 10_000) };

/// Warm the lazily built statics, so the first run is not charged for them, and keep the
/// build's stages on this one thread (a fuzzing process uses one core; `-jobs` adds more).
pub fn warm() {
    static WARM: LazyLock<()> = LazyLock::new(|| {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(1).build_global();
        LazyLock::force(&RULES);
        LazyLock::force(&MANIFEST);
        let _ = preflight::render::json::guide_schema();
        let _ = preflight::render::sync::sync_schema();
        let _ = preflight::render::site::Theme::embedded();
    });
    LazyLock::force(&WARM);
}
