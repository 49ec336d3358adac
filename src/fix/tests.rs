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

#[test]
fn a_moved_finding_is_placed_where_the_edits_moved_it() {
    let edits = [
        Edit::replace(4..6, "\"no\""),
        Edit::delete(10..15),
        Edit::replace(20..20, "# c\n"),
    ];
    let refs: Vec<&Edit> = edits.iter().collect();
    let s = recheck::Shifts::new(&refs);
    // Before every edit: unchanged; after one: shifted by what it added or removed.
    assert_eq!(s.moved(&(0..3)), Some(0..3));
    assert_eq!(s.moved(&(7..9)), Some(9..11));
    assert_eq!(s.moved(&(16..18)), Some(13..15));
    // The replaced text itself, and a span holding an edit (its end moves).
    assert_eq!(s.moved(&(4..6)), Some(4..8));
    assert_eq!(s.moved(&(0..18)), Some(0..15));
    // Inserted at a span's start: before it; at its end: after it.
    assert_eq!(s.moved(&(20..22)), Some(21..23));
    assert_eq!(s.moved(&(18..20)), Some(15..17));
    assert_eq!(s.moved(&(20..20)), Some(21..21));
    // Starting or ending strictly inside a replaced range: no place in the new text.
    assert_eq!(s.moved(&(5..9)), None);
    assert_eq!(s.moved(&(8..12)), None);
}

#[test]
fn rounds_compose_into_edits_of_the_original() {
    let original = "aaaa bbbb cccc dddd";
    let mut composed = compose::Composed::default();
    let round = |text: &str, c: &mut compose::Composed, edits: Vec<Edit>| {
        c.add(edits.iter());
        apply_edits(text, edits.iter())
    };
    // Round 1: two edits; round 2: one inside the first's new text, one touching the
    // second's, one in untouched text; round 3: an insertion.
    let t1 = round(
        original,
        &mut composed,
        vec![Edit::replace(0..4, "A"), Edit::replace(10..14, "CCCCCC")],
    );
    assert_eq!(t1, "A bbbb CCCCCC dddd");
    let t2 = round(
        &t1,
        &mut composed,
        vec![
            Edit::replace(0..1, "xy"),
            Edit::delete(2..4),
            Edit::replace(13..14, "_"),
        ],
    );
    assert_eq!(t2, "xy bb CCCCCC_dddd");
    let t3 = round(&t2, &mut composed, vec![Edit::replace(17..17, "!")]);
    assert_eq!(t3, "xy bb CCCCCC_dddd!");
    let edits = composed.edits(&t3);
    assert_eq!(apply_edits(original, edits.iter()), t3);
    assert_eq!(composed.ranges(), vec![0..4, 5..7, 10..15, 19..19]);
    let kept: Vec<&str> = [4..5, 7..10, 15..19].map(|r| &original[r]).to_vec();
    assert_eq!(kept, [" ", "bb ", "dddd"]);
}

#[test]
fn a_twin_elsewhere_is_new_and_a_moved_finding_is_not() {
    let policy = crate::policy::Policy::builtin().unwrap();
    let schemas = &policy.schemas;
    let run = Run {
        policy: &policy,
        limits: crate::engine::ReadLimits::default(),
    };
    let names = vec!["t.yaml".to_owned()];
    let check = |text: &str| recheck::Check::run(&names, &[text.to_owned()], schemas, &run);
    let before_text = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: ops, name: NO}\nspec: {email: ops@example.org, chat: YES}\n";
    let before = check(before_text);
    let ambiguous = |c: &recheck::Check| {
        c.diagnostics
            .iter()
            .filter(|d| d.rule == ids::YAML_AMBIGUOUS_VALUE)
            .count()
    };
    assert_eq!(ambiguous(&before), 2);
    let at = before_text.find("NO").unwrap();
    let quote = Edit::replace(at..at + 2, "\"NO\"");
    // Quoting `NO` moves the `YES` finding along its line: nothing new.
    let fixed = apply_edits(before_text, [&quote]);
    let edits: recheck::Edits<'_> = [(0, vec![&quote])].into();
    assert!(check(&fixed).new_since(&before, &edits).is_empty());
    // A fix that quotes `NO` and writes its twin elsewhere: the twin is new, though
    // counting by file, rule and message would see one `NO` finding before and after.
    let end = before_text.find("NO}").unwrap() + 2;
    let twin = Edit::replace(end..end, ", description: NO");
    let text = apply_edits(before_text, [&quote, &twin]);
    let after = check(&text);
    assert_eq!(ambiguous(&after), 2);
    let new = after.new_since(&before, &[(0, vec![&quote, &twin])].into());
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(
        new[0].primary.location.span.start,
        text.rfind("NO").unwrap()
    );
}
