//! The oracle's figures on real inputs: `calibrate TARGET FILE…` prints, per file, the input
//! size and each measure per input byte, then the worst. Used to choose the bounds.

fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().unwrap_or_default();
    let run: fn(&[u8]) -> usize = match target.as_str() {
        "markdown" => preflight_fuzz::markdown,
        "site" => preflight_fuzz::site,
        "config" => preflight_fuzz::config,
        "rules" => preflight_fuzz::rules,
        "manifest" => preflight_fuzz::manifest,
        "answers" => preflight_fuzz::answers,
        _ => {
            eprintln!("usage: calibrate markdown|site|config|rules|manifest|answers FILE…");
            std::process::exit(2);
        }
    };
    preflight_fuzz::warm();
    let mut worst = [0f64; 3];
    let mut worst_abs = [0u64; 3];
    for file in args {
        let data = std::fs::read(&file).unwrap_or_default();
        let c = preflight_fuzz::measure(data.len(), || run(&data));
        let n = (c.input.max(1)) as f64;
        let ratios = [c.alloc_bytes as f64 / n, c.allocs as f64 / n, c.output as f64 / n];
        for i in 0..3 {
            worst[i] = worst[i].max(ratios[i]);
        }
        worst_abs = [worst_abs[0].max(c.alloc_bytes), worst_abs[1].max(c.allocs), worst_abs[2].max(c.output)];
        println!(
            "{file}: {} bytes, {:.0} alloc B/B, {:.1} allocs/B, {:.1} out B/B",
            c.input, ratios[0], ratios[1], ratios[2]
        );
    }
    println!("worst per byte: {:.0} alloc B, {:.1} allocs, {:.1} out B", worst[0], worst[1], worst[2]);
    println!("worst absolute: {} alloc B, {} allocs, {} out B", worst_abs[0], worst_abs[1], worst_abs[2]);
}
