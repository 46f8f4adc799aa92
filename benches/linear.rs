//! Release wall time of every pathological shape (`benches/common/shapes.rs`) through
//! parse, sync and every renderer, at n and 4n, with the growth ratio and the output
//! per input byte. `cargo bench --bench linear`; the README's table comes from it. The
//! test `tests/suite/linear.rs` holds the same shapes to linear work without timing.

use std::time::Instant;

#[allow(dead_code)]
mod common {
    pub mod shapes;
}
use common::shapes;

/// Input size of the smaller run (bytes of one guide; the pipeline parses it twice, as
/// en-US and as zh-CN).
const N: usize = 50_000;

fn main() {
    // `cargo bench --bench linear -- [FILTER] [N]`: only shapes whose name contains FILTER.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let filter = args.first().cloned().unwrap_or_default();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(N);
    shapes::pipeline("# Warm-up\n");
    println!("| shape | n KB | ms at n | ms at 4n | growth | output / input at 4n |");
    println!("|---|---:|---:|---:|---:|---:|");
    for shape in shapes::SHAPES.iter().filter(|s| s.name.contains(&filter)) {
        let per_rep = ((shape.make)(100).len() / 100).max(1);
        let k = (n / per_rep).max(1);
        let (small, large) = ((shape.make)(k), (shape.make)(4 * k));
        let time = |text: &str| {
            let mut runs: Vec<(f64, shapes::Outcome)> = (0..3)
                .map(|_| {
                    let t = Instant::now();
                    let out = shapes::pipeline(text);
                    (t.elapsed().as_secs_f64(), out)
                })
                .collect();
            runs.sort_by(|a, b| a.0.total_cmp(&b.0));
            runs[1]
        };
        let (a, b) = (time(&small), time(&large));
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.1} | {:.1} |",
            shape.name,
            small.len() / 1000,
            a.0 * 1e3,
            b.0 * 1e3,
            b.0 / a.0,
            b.1.output_bytes as f64 / (2 * large.len()) as f64
        );
    }
}
