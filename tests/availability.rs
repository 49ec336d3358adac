//! `availability-exceeds-dependencies` beyond the fixtures: exact decimals as written,
//! targets that failed the schema left alone, and the one-pass transitive check agreeing
//! with a brute-force exact product on random graphs (closures far above the ten a
//! finding lists, boundary cases included).

use std::collections::{BTreeSet, HashSet};

use catalint::engine::check_texts;
use catalint::policy::Policy;
use catalint::rules::percent::Decimal;
use catalint::schema::Schemas;

const TEAM: &str = "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: t, name: T}\nspec: {email: t@example.org, chat: \"#t\", manager: m@example.org}\n";

fn service(id: &str, target: &str, hard: &[String]) -> String {
    let mut s = format!(
        "apiVersion: catalogue/v1\nkind: Service\nmetadata: {{id: {id}, name: S}}\nspec:\n  category: application\n  facing: supporting\n  lifecycle: live\n  criticality: 3\n  owner: {{team: t, serviceOwner: o@example.org}}\n  supportGroup: t\n  hours: {{service: 24x7, support: 24x7}}\n  serviceLevels:\n    agreement: OLA\n    availability: {{target: {target}, measuredDuring: 24x7}}\n    incident: [{{priority: P1, response: 15m, resolution: 4h}}, {{priority: P2, response: 30m, resolution: 8h}}, {{priority: P3, response: 4h, resolution: 3d}}, {{priority: P4, response: 1d, resolution: 2w}}]\n    recovery: {{rto: 4h, rpo: 15m}}\n"
    );
    if !hard.is_empty() {
        s.push_str("  dependencies:\n");
        for d in hard {
            s.push_str(&format!("    - {{service: {d}, kind: hard}}\n"));
        }
    }
    s
}

fn policy(transitive: bool) -> Policy {
    if !transitive {
        return Policy::builtin().unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    std::fs::write(
        &path,
        "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: p, name: P}\nspec:\n  extends: default\n  rules:\n    availability-exceeds-dependencies: {options: {scope: transitive}}\n",
    )
    .unwrap();
    Policy::from_file(&path).unwrap()
}

/// (rule, message) of every finding.
fn findings(docs: &[String], policy: &Policy) -> Vec<(String, String)> {
    let text = docs.join("---\n");
    let schemas = Schemas::new().unwrap();
    let (_, diagnostics) =
        check_texts(&[("teams.yaml", TEAM), ("s.yaml", &text)], &schemas, policy);
    diagnostics
        .into_iter()
        .map(|d| (d.rule.to_string(), d.message))
        .collect()
}

fn rules(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(r, _)| r.as_str()).collect()
}

#[test]
fn a_target_that_failed_the_schema_is_not_multiplied() {
    let docs = [
        service("app", "99.99", &["db".into()]),
        service("web", "99.99", &["app".into()]),
        service("db", "0", &[]),
    ];
    for transitive in [false, true] {
        let found = findings(&docs, &policy(transitive));
        assert_eq!(rules(&found), ["schema"], "{found:?}");
    }
}

#[test]
fn targets_are_compared_as_written_not_as_floats() {
    let deps = [service("a", "99.95", &[]), service("b", "99.95", &[])];
    let with = |own: &str| {
        let mut docs = deps.to_vec();
        docs.push(service("top", own, &["a".into(), "b".into()]));
        findings(&docs, &policy(false))
    };
    // 99.95% x 99.95% = 99.900025% exactly: equality passes, one digit more does not,
    // however far down it is.
    assert!(with("99.900025").is_empty());
    let found = with("99.9000250000000000001");
    assert_eq!(
        rules(&found),
        ["availability-exceeds-dependencies"],
        "{found:?}"
    );
    assert!(
        found[0].1.contains("promises 99.9000250000000000001%"),
        "{found:?}"
    );
    assert!(with("99.9000249999999999999").is_empty());
}

/// Deterministic pseudo-random numbers (no dependency for a test).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn exact_product(targets: &[Decimal]) -> Option<Decimal> {
    Decimal::product_of_percents(targets.iter())
}

#[test]
fn one_pass_transitive_agrees_with_brute_force_on_random_graphs() {
    let choices = ["99.9", "99.99", "99.95", "99.5", "99.999", "99.95001"];
    // `base` services in a random DAG with common targets, then `top` services on top of
    // them (nothing depends on these) promising exactly what their parts allow (which
    // passes), or one digit more, or a common value.
    let (base, top) = (100, 60);
    let n = base + top;
    for seed in 1..=4u64 {
        let mut rng = Rng(seed);
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, d) in deps.iter_mut().enumerate() {
            let (from, span) = if i < base {
                (i + 1, (base - i - 1).min(12))
            } else {
                (0, base)
            };
            if span == 0 {
                continue;
            }
            for _ in 0..=rng.below(3) {
                let j = from + rng.below(span as u64) as usize;
                if !d.contains(&j) {
                    d.push(j);
                }
            }
        }
        let mut texts: Vec<String> = (0..n)
            .map(|_| choices[rng.below(choices.len() as u64) as usize].to_owned())
            .collect();
        for transitive in [true, false] {
            let parts_of = |i: usize| -> Vec<usize> {
                if !transitive {
                    return deps[i].clone();
                }
                let mut seen = HashSet::new();
                let mut stack = deps[i].clone();
                while let Some(v) = stack.pop() {
                    if seen.insert(v) {
                        stack.extend(&deps[v]);
                    }
                }
                seen.into_iter().collect()
            };
            let allowed = |i: usize, texts: &[String]| -> Option<Decimal> {
                let values: Vec<Decimal> = parts_of(i)
                    .iter()
                    .map(|&p| Decimal::parse(&texts[p]).unwrap())
                    .collect();
                exact_product(&values)
            };
            for i in base..n {
                if let Some(a) = allowed(i, &texts) {
                    texts[i] = match i % 3 {
                        0 => a.to_string(),
                        1 => format!("{a}1"),
                        _ => texts[i].clone(),
                    };
                }
            }
            let expected: BTreeSet<String> = (0..n)
                .filter(|&i| {
                    allowed(i, &texts).is_some_and(|a| Decimal::parse(&texts[i]).unwrap() > a)
                })
                .map(|i| format!("svc-{i}"))
                .collect();
            let docs: Vec<String> = (0..n)
                .map(|i| {
                    let hard: Vec<String> = deps[i].iter().map(|j| format!("svc-{j}")).collect();
                    service(&format!("svc-{i}"), &texts[i], &hard)
                })
                .collect();
            let found = findings(&docs, &policy(transitive));
            let got: BTreeSet<String> = found
                .iter()
                .filter(|(r, _)| r == "availability-exceeds-dependencies")
                .map(|(_, m)| m[1..].split('`').next().unwrap().to_owned())
                .collect();
            assert!(
                found
                    .iter()
                    .all(|(r, _)| r == "availability-exceeds-dependencies"),
                "{found:?}"
            );
            assert_eq!(got, expected, "seed {seed}, transitive {transitive}");
            if transitive {
                let long = found
                    .iter()
                    .find(|(_, m)| m.contains("the weakest:"))
                    .expect("a closure of more than ten is summarised");
                assert!(long.1.contains(" more"), "{long:?}");
            }
        }
    }
}

#[test]
fn a_long_chain_names_its_weakest_and_counts_the_rest() {
    let n = 200;
    let docs: Vec<String> = (0..n)
        .map(|i| {
            let target = if i == 150 { "99.5" } else { "99.9" };
            let hard = if i + 1 < n {
                vec![format!("svc-{}", i + 1)]
            } else {
                vec![]
            };
            service(&format!("svc-{i}"), target, &hard)
        })
        .collect();
    let text = docs.join("---\n");
    let schemas = Schemas::new().unwrap();
    let (_, diagnostics) = check_texts(
        &[("teams.yaml", TEAM), ("s.yaml", &text)],
        &schemas,
        &policy(true),
    );
    let first = diagnostics
        .iter()
        .find(|d| d.message.starts_with("`svc-0`"))
        .unwrap();
    assert!(
        first
            .message
            .contains("hard dependency chain (199 services) allows; the weakest: svc-150 99.5%, "),
        "{}",
        first.message
    );
    assert!(
        first.message.ends_with(", and 189 more"),
        "{}",
        first.message
    );
    assert!(
        first.message.contains("more than the about "),
        "{}",
        first.message
    );
    assert_eq!(first.related.len(), 10);
    // The last two pass: nothing below the last, and equality for the one above it.
    assert_eq!(diagnostics.len(), n - 2);
}
