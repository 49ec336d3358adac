//! The fast YAML scanner against saphyr-parser on arbitrary text: wherever the fast scanner
//! reads a text, its events and spans must be exactly saphyr-parser's (and saphyr-parser
//! must accept the text). Seeds: the example catalogue; dictionary: `yaml.dict`.
//!
//!     RUSTC_BOOTSTRAP=1 cargo fuzz run scanner -- -dict=yaml.dict
#![no_main]

use catalint::load::fast::compare;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(difference) = compare(text) {
        panic!("{difference}");
    }
});
