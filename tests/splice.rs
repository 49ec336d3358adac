//! An edit inside one document of a multi-document file re-checks that document only (the
//! workspace's splice); after any sequence of edits, inside documents, across them and at
//! their `---` boundaries, the workspace's findings equal a fresh check of the final text.

mod common;

use std::path::Path;

use catalint::engine::{self, CheckOptions, ConfigChoice};
use catalint::report::{self, Format};
use catalint::workspace::{Change, Workspace};
use common::copy_dir;

/// A small deterministic generator (xorshift64*): the same sequences on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn json(report: &report::Report<'_>) -> String {
    let mut out = Vec::new();
    report::machine(Format::Json)
        .unwrap()
        .report(report, &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

fn options(dir: &Path) -> CheckOptions {
    CheckOptions {
        paths: vec![dir.to_path_buf()],
        config: ConfigChoice::None,
        ..CheckOptions::default()
    }
}

fn fresh(dir: &Path) -> String {
    let outcome = engine::check(&options(dir)).unwrap();
    json(&outcome.report(&catalint::rules::rulebook(&outcome.policy)))
}

fn current(ws: &Workspace) -> String {
    json(&ws.report(&catalint::rules::rulebook(&ws.settings().policy)))
}

/// The example catalogue with its services in one file of many documents.
fn catalogue(dir: &Path) -> String {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue");
    copy_dir(&fixture, dir);
    let services = dir.join("services");
    let mut parts: Vec<String> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&services)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        parts.push(std::fs::read_to_string(&path).unwrap());
        std::fs::remove_file(&path).unwrap();
    }
    let text = parts.join("---\n");
    std::fs::write(services.join("all.yaml"), &text).unwrap();
    text
}

const IDS: &[&str] = &[
    "payroll-application",
    "cloud-hosting",
    "database-platform",
    "hr-systems",
    "service-desk",
    "platform-engineering",
    "nobody",
];

/// Byte offsets where lines start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One random edit: (what it is, the new text).
fn edit(rng: &mut Rng, text: &str, original: &str) -> (&'static str, String) {
    let lines = line_starts(text);
    let markers: Vec<usize> = lines
        .iter()
        .copied()
        .filter(|&i| text[i..].starts_with("---"))
        .collect();
    let mut t = text.to_owned();
    let line = *rng.pick(&lines);
    let line_end = text[line..].find('\n').map_or(text.len(), |n| line + n);
    match rng.below(16) {
        0..=4 => {
            // A keystroke in a value: delete a character or type one.
            let value = text[line..line_end].find(": ").map(|c| line + c + 2);
            let Some(v) = value.filter(|&v| v < line_end) else {
                return ("nothing", t);
            };
            let at = floor(text, v + rng.below(line_end - v + 1));
            if rng.below(2) == 0 && at < line_end {
                let next = (at + 1..=line_end)
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(line_end);
                t.replace_range(at..next, "");
                ("delete in a value", t)
            } else {
                t.insert_str(at, rng.pick::<&str>(&["s", "x", "1", "-", " "]));
                ("type in a value", t)
            }
        }
        5 | 6 => {
            // A reference or an id swapped for another (cycles, duplicates, dangling).
            let from = rng.pick(IDS);
            let to = rng.pick(IDS);
            let hits: Vec<usize> = text.match_indices(from).map(|(i, _)| i).collect();
            if hits.is_empty() {
                return ("nothing", t);
            }
            let at = *rng.pick(&hits);
            t.replace_range(at..at + from.len(), to);
            ("swap a name", t)
        }
        7 => {
            // A document split in two.
            t.insert_str(line, "---\n");
            ("split a document", t)
        }
        8 => {
            // Two documents merged (their keys collide).
            let Some(&m) = markers.get(rng.below(markers.len())) else {
                return ("nothing", t);
            };
            let end = text[m..].find('\n').map_or(text.len(), |n| m + n + 1);
            t.replace_range(m..end, "");
            ("merge documents", t)
        }
        9 => {
            // At a boundary: just before a marker, on it, or just after it.
            let Some(&m) = markers.get(rng.below(markers.len())) else {
                return ("nothing", t);
            };
            let after = text[m..].find('\n').map_or(text.len(), |n| m + n + 1);
            let at = *rng.pick(&[m, m + 1, m + 3, after, m.saturating_sub(1)]);
            let at = floor(text, at);
            let what = *rng.pick(&["x", "\n", "  extra: 1\n", "# note\n", "kind: Team\n"]);
            t.insert_str(at, what);
            ("edit at a boundary", t)
        }
        10 => {
            // A range across documents deleted.
            let a = floor(text, rng.below(text.len()));
            let b = floor(text, a + rng.below(400));
            t.replace_range(a..b, "");
            ("delete across", t)
        }
        11 => {
            // The YAML broken, inside a document.
            let at = floor(text, line + rng.below(line_end - line + 1));
            t.insert_str(at, rng.pick::<&str>(&["\t", ": [", "{", "\"", "&a ", "*b"]));
            ("break the YAML", t)
        }
        12 => {
            // A line deleted or repeated.
            let end = (line_end + 1).min(text.len());
            if rng.below(2) == 0 {
                t.replace_range(line..end, "");
                ("delete a line", t)
            } else {
                t.insert_str(line, &text[line..end]);
                ("repeat a line", t)
            }
        }
        13 => {
            // Anywhere at all: one character typed.
            let at = floor(text, rng.below(text.len() + 1));
            t.insert_str(at, rng.pick::<&str>(&["a", ":", "-", "\n", "é"]));
            ("type anywhere", t)
        }
        14 => ("back to the original", original.to_owned()),
        _ => {
            // A comment typed in a document.
            t.insert_str(line, "# a comment\n");
            ("a comment", t)
        }
    }
}

#[test]
fn edits_inside_across_and_at_boundaries_of_documents_equal_fresh_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    let original = catalogue(&dir);
    let path = dir.join("services/all.yaml");
    let mut ws = Workspace::open(&options(&dir)).unwrap();
    assert_eq!(current(&ws), fresh(&dir));
    let mut rng = Rng(0x5eed_0fd0_c500_0001);
    let mut text = original.clone();
    let mut before = 0;
    for step in 0..400 {
        // A text left broken (or split) is mended now and then, so that most edits land in
        // a file the splice can take.
        let broken = ws.spliced_checks() == before && rng.below(2) == 0;
        before = ws.spliced_checks();
        let (what, next) = match broken {
            true => ("back to the original", original.clone()),
            false => edit(&mut rng, &text, &original),
        };
        text = next;
        std::fs::write(&path, &text).unwrap();
        ws.apply([Change::Text {
            path: path.clone(),
            text: text.clone(),
        }])
        .unwrap();
        let want = fresh(&dir);
        assert_eq!(
            current(&ws),
            want,
            "step {step} ({what}); the text now:\n{text}"
        );
    }
    // A quarter of the steps or more were spliced (the others broke the YAML, split or
    // merged documents, or edited a boundary): the path under test is taken.
    assert!(ws.spliced_checks() >= 90, "{} spliced", ws.spliced_checks());
}

/// The teams' file too: a team's mailbox changed redoes `individual-owner` everywhere.
#[test]
fn edits_in_a_file_of_teams_equal_fresh_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("catalogue");
    catalogue(&dir);
    let path = dir.join("teams/teams.yaml");
    let original = std::fs::read_to_string(&path).unwrap();
    let mut ws = Workspace::open(&options(&dir)).unwrap();
    let mut rng = Rng(0x5eed_7ea5_0002);
    let mut text = original.clone();
    let mut before = 0;
    for step in 0..150 {
        let broken = ws.spliced_checks() == before && rng.below(2) == 0;
        before = ws.spliced_checks();
        let (what, next) = match broken {
            true => ("back to the original", original.clone()),
            false => edit(&mut rng, &text, &original),
        };
        text = next;
        std::fs::write(&path, &text).unwrap();
        ws.apply([Change::Text {
            path: path.clone(),
            text: text.clone(),
        }])
        .unwrap();
        assert_eq!(current(&ws), fresh(&dir), "step {step} ({what}):\n{text}");
    }
    assert!(ws.spliced_checks() >= 30, "{} spliced", ws.spliced_checks());
}
