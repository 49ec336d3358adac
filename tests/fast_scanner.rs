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

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "yaml" || x == "yml")
        {
            out.push(p);
        }
    }
}

/// Compares on each text; returns how many the fast scanner read.
fn differ<'a>(label: &str, texts: impl Iterator<Item = (String, String)>) -> (usize, usize) {
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
    for end in 0..=target.len() {
        texts.push((format!("hr-self-service.yaml cut at {end}"), target[..end].to_owned()));
    }
    let (same, all) = differ("mutation corpus", texts.into_iter());
    assert!(all > 10_000, "{all}");
    // Most mutations keep the file inside the subset: the comparison is not vacuous.
    assert!(same * 2 > all, "{same} of {all}");
}
