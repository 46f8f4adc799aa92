//! Never panic on any input: corpus pages cut and spliced at deterministic pseudo-random
//! places, with dialect syntax (bars, fences, labels, list markers, brackets) sprinkled
//! in, go through parse, every renderer of the model, and sync against the original; and
//! what comes out stays proportional to what went in (no output blow-up on any input).

use preflight::Source;

/// xorshift64*: small, deterministic, good enough to pick places.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPLICES: &[&str] = &[
    "|",
    "\n|",
    " |\n",
    "```",
    "\n```\n",
    "**Note:**",
    "**说明：**",
    "\n1.  ",
    "\n    - ",
    "[",
    "](",
    ")",
    "<x>",
    "{#id .task}",
    "\n# ",
    "\n## Step 1: ",
    "\\",
    "\u{a0}",
    "\r",
    "~~",
    "\n|-|-|\n",
    "**",
    "*",
    "`",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(s.len() + 1);
        match rng.below(3) {
            0 => {
                let piece = SPLICES[rng.below(SPLICES.len())];
                s.splice(at..at, piece.chars());
            }
            1 => {
                let end = (at + rng.below(40)).min(s.len());
                s.drain(at..end);
            }
            _ => s.truncate(at),
        }
    }
    s.into_iter().collect()
}

#[test]
fn mutated_pages_never_panic() {
    let dir = super::corpus_dir();
    let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md") && e.file_name() != "README.md")
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0;
    let mut worst: f64 = 0.0;
    // Every 9th page, 6 mutations each: about 360 runs.
    for path in files.iter().step_by(9) {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.to_string_lossy().to_string();
        let (original, _) = preflight::parse::parse_guide(&Source::new(name.clone(), &text), "en-US");
        for _ in 0..6 {
            let mutated = mutate(&text, &mut rng);
            let (guide, _) = preflight::parse::parse_guide(&Source::new(name.clone(), &mutated), "zh-CN");
            let outline = preflight::render::text::outline(&guide);
            let json = preflight::render::json::to_json(&guide);
            let comparison = preflight::sync::compare(&original, &guide);
            // Output bound of issue 10: at most 10× the input, whatever the input (plus a
            // constant for the frame of an empty page).
            let bound = 10 * (mutated.len() + text.len()) + 4096;
            for (what, len) in [("outline", outline.len()), ("json", json.len())] {
                if mutated.len() >= 2000 {
                    worst = worst.max(len as f64 / mutated.len() as f64);
                }
                assert!(len <= bound, "{name}: {what} of {len} bytes for {} bytes of input", mutated.len());
            }
            let steps = original.steps().len() + guide.steps().len();
            assert!(
                comparison.findings.len() <= 4 * (steps + text.lines().count() + mutated.lines().count()) + 16,
                "{name}: {} findings",
                comparison.findings.len()
            );
            runs += 1;
        }
    }
    assert!(runs > 300, "{runs}");
    println!("robust: {runs} mutated pages; largest output {worst:.1}× its input (pages of 2 KB or more)");
}
