//! The fast YAML scanner against saphyr-parser on arbitrary text: wherever the fast scanner
//! reads a text, its events and spans must be exactly saphyr-parser's (and saphyr-parser
//! must accept the text). Seeds: the YAML test suite's cases, the fixtures and policies;
//! dictionary: `yaml.dict`. From the repository's root (`-s none`: safe Rust needs no
//! AddressSanitizer, and the run is about twice as fast without it):
//!
//!     mkdir -p fuzz/corpus/scanner fuzz/seeds
//!     find tests/corpora/yaml-test-suite -name in.yaml | while read -r f; do
//!       cp "$f" "fuzz/seeds/$(basename "$(dirname "$f")").yaml"; done
//!     cargo +nightly fuzz run -s none scanner fuzz/corpus/scanner fuzz/seeds -- \
//!       -dict=fuzz/yaml.dict -max_total_time=2700
#![no_main]

use catalint::load::fast::compare;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(difference) = compare(text) {
        panic!("{difference}");
    }
});
