#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kanbao_fuzz::front_matter(data));
