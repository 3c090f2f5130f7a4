#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kql_detect_fuzz::checks::rule_load::check(data));
