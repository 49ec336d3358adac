use super::*;

fn fix(edits: &[(Range<usize>, &str)]) -> Fix {
    Fix::safe(
        "test",
        edits
            .iter()
            .map(|(r, t)| Edit::replace(r.clone(), *t))
            .collect(),
    )
}

#[test]
fn apply_keeps_every_byte_outside_the_edits() {
    let text = "\u{feff}a: no \r\n# keep\tthis  \r\nb: x";
    let at = text.find("no").unwrap();
    let out = apply(text, [&fix(&[(at..at + 2, "\"no\"")])]);
    assert_eq!(out, "\u{feff}a: \"no\" \r\n# keep\tthis  \r\nb: x");
}

#[test]
fn overlapping_fixes_are_not_chosen_together() {
    let c = |file, r: Range<usize>| Candidate {
        file,
        line: 1,
        rule: "r".into(),
        fix: fix(&[(r, "x")]),
    };
    let kept = non_overlapping(vec![
        c(0, 5..9),
        c(0, 0..6),
        c(0, 9..10),
        c(1, 0..6),
        c(0, 9..9),
    ]);
    let ranges: Vec<(usize, Range<usize>)> = kept.iter().map(|k| (k.file, k.fix.range())).collect();
    // 0..6 first; 5..9 overlaps it; 9..9 inserts where 9..10 starts: only the first stays.
    assert_eq!(ranges, vec![(0, 0..6), (0, 9..9), (1, 0..6)]);
}

#[test]
fn invalid_edits_are_refused() {
    assert!(!valid(&fix(&[(0..10, "x")]), "short"));
    assert!(!valid(&fix(&[(1..2, "x")]), "é"));
    assert!(!valid(&fix(&[(0..2, "x"), (1..3, "y")]), "abcd"));
    assert!(valid(&fix(&[(0..1, "x"), (1..3, "y")]), "abcd"));
}

#[test]
fn sole_nearest_needs_exactly_one_close_name() {
    assert_eq!(
        sole_nearest("critically", ["criticality", "owner"]),
        Some("criticality")
    );
    assert_eq!(sole_nearest("team-a", ["team-b", "team-c"]), None);
    assert_eq!(sole_nearest("banana", ["criticality"]), None);
}

#[test]
fn replaced_scalars_keep_their_quoting() {
    let t = "a: \"x\"\nb: 'y'\nc: z\nd: *al\n";
    let span = |s: &str| t.find(s).unwrap()..t.find(s).unwrap() + s.len();
    assert_eq!(
        replace_scalar(t, &span("\"x\""), "v1").unwrap().text,
        "\"v1\""
    );
    assert_eq!(
        replace_scalar(t, &span("'y'"), "it's").unwrap().text,
        "'it''s'"
    );
    assert_eq!(
        replace_scalar(t, &span("z"), "team-a").unwrap().text,
        "team-a"
    );
    assert_eq!(replace_scalar(t, &span("z"), "no").unwrap().text, "\"no\"");
    assert_eq!(replace_scalar(t, &span("z"), "12").unwrap().text, "\"12\"");
    assert!(replace_scalar(t, &span("*al"), "x").is_none());
}

#[test]
fn sole_value_matches_a_word_of_one_name() {
    let facing = ["customer-facing", "supporting"];
    assert_eq!(sole_value("customer", facing), Some("customer-facing"));
    assert_eq!(sole_value("SLAA", ["SLA", "OLA", "UC"]), Some("SLA"));
    assert_eq!(sole_value("XLA", ["SLA", "OLA"]), None);
    assert_eq!(
        sole_value("facing", ["customer-facing", "user-facing"]),
        None
    );
}
