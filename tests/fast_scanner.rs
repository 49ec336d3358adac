//! Differential test of the fast YAML scanner (`catalint::load::fast`): wherever it reads a
//! text, its events and spans (index, line and column of both ends) must be exactly
//! saphyr-parser's, and it must never read a text that saphyr-parser refuses. Run on every
//! case of the YAML test suite, every YAML file of the repository's fixtures and policies,
//! and the mutation corpus (every single-byte mutation and every prefix of a catalogue
//! file, as `tests/mutation.rs` uses). The fuzz target `scanner` does the same on arbitrary
//! input.

mod common;

use std::path::{Path, PathBuf};

use catalint::load::fast::{Verdict, compare};

/// A service and a team as `examples/gen-catalogue.rs` writes them (the benchmarks' shape:
/// flow mappings and sequences inside block ones, quoted strings).
const GENERATED_SERVICE: &str = r##"apiVersion: catalogue/v1
kind: Service
metadata:
  id: svc-0
  name: Service 0
  description: Generated service 0 in category business.
  tags: [generated, business]
  links: {docs: "https://docs.example.org/svc-0"}
spec:
  category: business
  facing: customer-facing
  lifecycle: live
  criticality: 1
  owner:
    team: team-9
    serviceOwner: owner.0@example.org
  supportGroup: team-0
  product: prod-0
  hours:
    service: 24x7
    support: {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00", timeZone: Europe/London}
  serviceLevels:
    agreement: SLA
    availability: {target: 99.90, measuredDuring: 24x7}
    incident:
      - {priority: P1, response: 15m, resolution: 4h}
      - {priority: P2, response: 30m, resolution: 8h}
      - {priority: P3, response: 4h, resolution: 3d}
      - {priority: P4, response: 1d, resolution: 2w}
    requests:
      - {offering: Access, fulfilment: 2d}
  offerings:
    - {name: Access, requestable: true}
  dependencies:
    - {service: svc-2, kind: hard}
"##;
const GENERATED_TEAM: &str = r##"apiVersion: catalogue/v1
kind: Team
metadata:
  id: team-1
  name: Team 1
spec:
  email: team-1@example.org
  chat: "#team-1"
  manager: manager.1@example.org
"##;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

/// Compares on each text; returns how many the fast scanner read.
fn differ(label: &str, texts: impl Iterator<Item = (String, String)>) -> (usize, usize) {
    let (mut same, mut all) = (0, 0);
    let mut failures = Vec::new();
    for (name, text) in texts {
        all += 1;
        match compare(&text) {
            Ok(Verdict::Same) => same += 1,
            Ok(Verdict::Handed) => {}
            Err(e) => failures.push(format!("{name}: {e}\n--- text:\n{text}")),
        }
    }
    eprintln!("{label}: {same} of {all} texts read by the fast scanner, equal");
    assert!(
        failures.is_empty(),
        "{} differences, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n\n")
    );
    (same, all)
}

#[test]
fn yaml_test_suite() {
    let mut files = Vec::new();
    yaml_files(&common::corpus("yaml-test-suite"), &mut files);
    let cases: Vec<_> = files
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "in.yaml"))
        .filter_map(|p| {
            let text = String::from_utf8(std::fs::read(&p).ok()?).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect();
    assert!(cases.len() >= 400, "{} cases", cases.len());
    let (same, _) = differ("yaml-test-suite", cases.into_iter());
    // Most cases exercise what the subset leaves out; the block-style ones must be read.
    assert!(same >= 40, "only {same} cases read by the fast scanner");
}

fn repository_yaml() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["fixtures", "policies"] {
        yaml_files(&root.join(dir), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect()
}

#[test]
fn fixtures_and_policies() {
    let files = repository_yaml();
    assert!(files.len() > 100, "{} files", files.len());
    differ("fixtures", files.into_iter());
}

/// Every file of the example catalogue is inside the subset: that is the path a real
/// catalogue takes.
#[test]
fn the_example_catalogue_is_read_by_the_fast_scanner() {
    let (mut files, target) = common::example_catalogue_without("services/hr-self-service.yaml");
    files.push(("services/hr-self-service.yaml".into(), target));
    files.push(("generated service".into(), GENERATED_SERVICE.into()));
    files.push(("generated team".into(), GENERATED_TEAM.into()));
    // Documents one after the other, as `gen-catalogue --layout multi` writes them.
    let multi = [GENERATED_SERVICE, GENERATED_TEAM, &files[0].1].join("---\n");
    files.push(("three documents".into(), multi.clone()));
    files.push(("three documents after ---".into(), format!("---\n{multi}")));
    let n = files.len();
    let (same, _) = differ("example catalogue", files.into_iter());
    assert_eq!(same, n);
}

#[test]
fn mutation_corpus() {
    let mut texts = Vec::new();
    let (others, target) = common::example_catalogue_without("services/hr-self-service.yaml");
    for (i, text) in common::single_byte_mutants(&target, 0..target.len()) {
        texts.push((format!("hr-self-service.yaml mutated at byte {i}"), text));
    }
    // Two more shapes of file: a team list and a product.
    for (name, text) in others
        .iter()
        .filter(|(n, _)| n.starts_with("teams/") || n.starts_with("products/"))
        .take(2)
    {
        for (i, mutant) in common::single_byte_mutants(text, 0..text.len()) {
            texts.push((format!("{name} mutated at byte {i}"), mutant));
        }
    }
    for (i, mutant) in common::single_byte_mutants(GENERATED_SERVICE, 0..GENERATED_SERVICE.len()) {
        texts.push((format!("generated service mutated at byte {i}"), mutant));
    }
    for end in 0..=target.len() {
        texts.push((
            format!("hr-self-service.yaml cut at {end}"),
            target[..end].to_owned(),
        ));
    }
    let (same, all) = differ("mutation corpus", texts.into_iter());
    assert!(all > 10_000, "{all}");
    // Most mutations keep the file inside the subset: the comparison is not vacuous.
    assert!(same * 2 > all, "{same} of {all}");
}
