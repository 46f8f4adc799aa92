#![no_main]
//! Fuzz target: see `preflight_fuzz::config`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    preflight_fuzz::warm();
    preflight_fuzz::measure(data.len(), || preflight_fuzz::config(data)).check(&preflight_fuzz::CONFIG);
});
