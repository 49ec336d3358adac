//! The fast paths of "did you mean" against the straightforward definition.

use super::*;

#[test]
fn suggests_close_names_only() {
    let ids = ["single-category", "sla-defined", "unique-id"];
    assert_eq!(nearest("single-categroy", ids), Some("single-category"));
    assert_eq!(nearest("sla-define", ids), Some("sla-defined"));
    assert_eq!(nearest("banana", ids), None);
    assert_eq!(nearest("Servce", ["Service", "Team"]), Some("Service"));
    assert_eq!(nearest("emial", ["email", "chat"]), Some("email"));
    assert_eq!(distance("ab", "ba"), 1);
}

/// The straightforward definition the fast paths must agree with: every candidate
/// compared in full, the first of the closest kept.
fn reference<'a>(input: &str, candidates: &[&'a str], reach: Option<usize>) -> Option<&'a str> {
    let input_chars = input.chars().count();
    let mut best: Option<(usize, &str)> = None;
    for &c in candidates {
        let chars = c.chars().count();
        if reach.is_some_and(|r| chars.abs_diff(input_chars) > r) {
            continue;
        }
        let d = distance(&input.to_lowercase(), &c.to_lowercase());
        if d <= threshold(chars, input_chars) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[test]
fn bounded_distance_agrees_with_the_full_one() {
    let words = [
        "",
        "a",
        "ab",
        "ba",
        "abc",
        "acb",
        "ca",
        "abcdef",
        "abdcef",
        "team-a",
        "Team-A",
        "tema-a",
        "xyz",
        "kitten",
        "sitting",
        "identity-and-access",
        "identity-access",
    ];
    let mut scratch = Vec::new();
    for a in words {
        for b in words {
            let full = distance(a, b);
            let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            for cap in 0..8 {
                let got = bounded(&ac, &bc, cap, &mut scratch);
                assert_eq!(got, (full <= cap).then_some(full), "{a:?} {b:?} cap {cap}");
            }
        }
    }
}

#[test]
fn index_answers_as_the_full_scan() {
    // A deterministic mix: near-duplicates, case variants, swaps, other lengths.
    let mut pool: Vec<String> = Vec::new();
    let mut x: u64 = 7;
    for i in 0..400 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = 1 + (x >> 60) as usize;
        let s: String = (0..len)
            .map(|k| (b"abcde-"[((x >> (k * 3)) % 6) as usize]) as char)
            .collect();
        pool.push(if i % 7 == 0 { s.to_uppercase() } else { s });
    }
    let candidates: Vec<&str> = pool.iter().map(String::as_str).collect();
    let index = Index::new(candidates.clone());
    let mut queries: Vec<String> = pool.iter().take(150).map(|s| format!("{s}x")).collect();
    queries.extend(pool.iter().take(150).map(|s| s.chars().rev().collect()));
    queries.extend(["", "zzzz", "abcdeabcde", "A-B"].map(String::from));
    for q in &queries {
        assert_eq!(index.nearest(q), reference(q, &candidates, None), "{q:?}");
        assert_eq!(
            index.nearest(q),
            nearest(q, candidates.iter().copied()),
            "{q:?}"
        );
        for reach in [1, 2, 4] {
            assert_eq!(
                index.nearest_within(q, reach),
                reference(q, &candidates, Some(reach)),
                "{q:?} within {reach}"
            );
        }
    }
}

#[test]
fn a_live_index_answers_as_a_fresh_one_over_its_candidates() {
    // Candidates come and go; after each change the live index answers as an index
    // built afresh over those held, in key order.
    let mut held: Vec<(u32, String)> = Vec::new();
    let mut live = Live::default();
    let mut x: u64 = 11;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        x >> 33
    };
    for step in 0..600u32 {
        let r = next();
        if r % 3 == 0 && !held.is_empty() {
            let (key, text) = held.remove((r as usize / 3) % held.len());
            assert!(live.remove(&text, key));
            assert!(!live.remove(&text, key), "taken out once");
        } else {
            let len = 1 + (r % 9) as usize;
            let text: String = (0..len)
                .map(|k| (b"abcAB-"[((r >> (k * 3)) % 6) as usize]) as char)
                .collect();
            // Keys out of insertion order, and a text held twice under two keys.
            let key = (step * 7919) % 1000;
            live.insert(&text, key);
            held.push((key, text));
        }
        assert_eq!(live.len(), held.len());
        let mut sorted = held.clone();
        sorted.sort();
        let candidates: Vec<&str> = sorted.iter().map(|(_, t)| t.as_str()).collect();
        let fresh = Index::new(candidates.clone());
        for q in ["abc", "AB-", "b", "aaaa", "cab-ab", ""] {
            assert_eq!(live.nearest(q), fresh.nearest(q), "{q:?} at step {step}");
            assert_eq!(
                live.nearest_within(q, 2),
                reference(q, &candidates, Some(2)),
                "{q:?} at step {step}"
            );
        }
    }
}
