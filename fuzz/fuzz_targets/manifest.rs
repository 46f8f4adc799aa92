#![no_main]
//! Fuzz target: see `preflight_fuzz::manifest`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    preflight_fuzz::warm();
    preflight_fuzz::measure(data.len(), || preflight_fuzz::manifest(data)).check(&preflight_fuzz::MANIFEST_BOUNDS);
});
