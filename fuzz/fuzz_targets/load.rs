//! The loader on arbitrary text: never panics, every span it reports lies inside the text
//! on character boundaries, and the fast pass (values only, strings pointing into the
//! text) reads exactly the values of the full one.
#![no_main]

use catalint::load::{Limits, Loaded, load, load_fast};
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
    let fast = load_fast(FileId(0), &text.into(), &Limits::default());
    let values = |l: &Loaded| -> Vec<serde_json::Value> {
        l.documents.iter().map(|d| d.value.root().to_value()).collect()
    };
    assert_eq!(values(&fast), values(&loaded));
});
