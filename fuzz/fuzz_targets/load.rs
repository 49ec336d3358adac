//! The loader on arbitrary text: never panics, and every span it reports lies inside the
//! text on character boundaries.
#![no_main]

use catalint::load::{Limits, load};
use catalint::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = load(FileId(0), text, &Limits::default());
    for d in &loaded.diagnostics {
        let s = &d.primary.location.span;
        assert!(s.start <= s.end && s.end <= text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
    for doc in &loaded.documents {
        assert!(doc.span.end <= text.len());
    }
});
