#![no_main]
//! Fuzz target: see `preflight_fuzz::markdown`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    preflight_fuzz::warm();
    preflight_fuzz::measure(data.len(), || preflight_fuzz::markdown(data)).check(&preflight_fuzz::MARKDOWN);
});
