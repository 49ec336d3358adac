//! Scale benchmark: each catalogue shape that once hid a quadratic trap, built at two
//! sizes four times apart, checked and reported in memory (the whole pipeline but reading
//! files), with the growth factor of the time. Linear work grows about 4x, n log n a
//! little more; every factor should stay at most 5. `cargo bench --bench scale`
//! (`SCALE=4` for sizes four times larger, `ONLY=name` for one shape). Never part of
//! `cargo test`: a benchmark, not a timed test.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use catalint::diagnostic::Summary;
use catalint::engine::check_texts;
use catalint::policy::Policy;
use catalint::report::{self, Format, Human, HumanOptions, Report, Reporter};

/// The policy a shape is checked under.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Default,
    /// `availability-exceeds-dependencies` over the whole hard closure.
    Transitive,
    /// The `backstage` profile.
    Backstage,
}

/// One shape: its name, what it stresses, the output format, and how to build it at size `n`.
struct Shape {
    name: &'static str,
    what: &'static str,
    format: Format,
    policy: Which,
    /// The smaller size; the larger is four times it.
    base: usize,
    build: fn(usize) -> Vec<(String, String)>,
}

fn service(id: &str, team: &str, target: &str, deps: &[(String, &str)], extra: &str) -> String {
    let mut s = format!(
        "apiVersion: catalogue/v1\nkind: Service\nmetadata:\n  id: {id}\n  name: Service {id}\nspec:\n  category: application\n  facing: supporting\n  lifecycle: live\n  criticality: 3\n  owner: {{team: {team}, serviceOwner: owner@example.org}}\n  supportGroup: {team}\n  hours: {{service: 24x7, support: 24x7}}\n  serviceLevels:\n    agreement: OLA\n    availability: {{target: {target}, measuredDuring: 24x7}}\n    incident: [{{priority: P1, response: 15m, resolution: 4h}}, {{priority: P2, response: 30m, resolution: 8h}}, {{priority: P3, response: 4h, resolution: 3d}}, {{priority: P4, response: 1d, resolution: 2w}}]\n    recovery: {{rto: 4h, rpo: 15m}}\n{extra}"
    );
    if !deps.is_empty() {
        s.push_str("  dependencies:\n");
        for (d, kind) in deps {
            let _ = writeln!(s, "    - {{service: {d}, kind: {kind}}}");
        }
    }
    s
}

fn team(id: &str) -> String {
    format!(
        "apiVersion: catalogue/v1\nkind: Team\nmetadata:\n  id: {id}\n  name: Team {id}\nspec:\n  email: {id}@example.org\n  chat: \"#{id}\"\n  manager: manager@example.org\n"
    )
}

fn one_file(name: &str, docs: Vec<String>) -> Vec<(String, String)> {
    vec![(name.to_owned(), docs.join("---\n"))]
}

fn teams(n: usize, id: impl Fn(usize) -> String) -> String {
    (0..n)
        .map(|i| team(&id(i)))
        .collect::<Vec<_>>()
        .join("---\n")
}

fn long_team_id(i: usize) -> String {
    format!("team-responsible-for-the-regional-operations-platform-{i:08}")
}

/// A Backstage catalogue of `n` entities: a group per 20 components, a system per 10, an
/// API per component; each component depends on the one before it (a chain) and on a
/// resource, and every 50th names a missing owner one letter off a real one.
fn backstage(n: usize) -> Vec<(String, String)> {
    let doc = |kind: &str, name: &str, spec: String| {
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\n  annotations: {{backstage.io/techdocs-ref: \"dir:.\"}}\n  tags: [generated]\nspec:\n{spec}"
        )
    };
    let components = n / 3;
    let mut docs = Vec::with_capacity(n);
    for g in 0..components.div_ceil(20) {
        docs.push(doc(
            "Group",
            &format!("team-{g:05}"),
            "  type: team\n  children: []\n".into(),
        ));
    }
    for s in 0..components.div_ceil(10) {
        docs.push(doc(
            "System",
            &format!("system-{s:05}"),
            format!("  owner: team-{:05}\n", s / 2),
        ));
    }
    for i in 0..components {
        let owner = if i % 50 == 49 {
            format!("team-{:05}x", i / 20)
        } else {
            format!("team-{:05}", i / 20)
        };
        let mut spec = format!(
            "  type: service\n  lifecycle: production\n  owner: {owner}\n  system: system-{:05}\n  providesApis: [api-{i:06}]\n  dependsOn: [resource:db-{i:06}",
            i / 10
        );
        if i > 0 {
            let _ = write!(spec, ", component:service-{:06}", i - 1);
        }
        spec.push_str("]\n");
        docs.push(doc("Component", &format!("service-{i:06}"), spec));
        docs.push(doc("API", &format!("api-{i:06}"), format!("  type: openapi\n  lifecycle: production\n  owner: team-{:05}\n  definition: \"openapi: 3.0.0\"\n", i / 20)));
        docs.push(doc(
            "Resource",
            &format!("db-{i:06}"),
            format!("  type: database\n  owner: team-{:05}\n", i / 20),
        ));
    }
    docs.truncate(n);
    // About a hundred entities per file, as catalog-info.yaml files of many repositories.
    docs.chunks(100)
        .enumerate()
        .map(|(i, chunk)| {
            (
                format!("repo-{i:04}/catalog-info.yaml"),
                chunk.join("---\n"),
            )
        })
        .collect()
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "long-line",
        what: "finding at the end of a one-line flow mapping of n KiB",
        format: Format::Human,
        policy: Which::Default,
        base: 4096,
        build: |n| {
            let text = format!(
                "apiVersion: catalogue/v1\nkind: Team\nmetadata: {{id: t, name: T, description: {}, bogus: 1}}\nspec: {{email: t@example.org, chat: \"#t\", manager: m@example.org}}\n",
                "x".repeat(n * 1024)
            );
            vec![("teams.yaml".into(), text)]
        },
    },
    Shape {
        name: "long-value",
        what: "finding on a value of n KiB",
        format: Format::Human,
        policy: Which::Default,
        base: 4096,
        build: |n| {
            let text = format!(
                "apiVersion: catalogue/v1\nkind: Team\nmetadata: {{id: t, name: T}}\nspec: {{email: {}, chat: \"#t\", manager: m@example.org}}\n",
                "x".repeat(n * 1024)
            );
            vec![("teams.yaml".into(), text)]
        },
    },
    Shape {
        name: "same-missing-team",
        what: "n services naming one missing team, n/2 teams",
        format: Format::Json,
        policy: Which::Default,
        base: 4000,
        build: |n| {
            let mut files = vec![("teams.yaml".into(), teams(n / 2, |i| format!("team-{i}")))];
            files.extend(one_file(
                "services.yaml",
                (0..n)
                    .map(|i| service(&format!("svc-{i}"), "team-missing", "99", &[], ""))
                    .collect(),
            ));
            files
        },
    },
    Shape {
        name: "long-missing-teams",
        what: "n/2 services naming distinct missing 63-character teams, n/2 such teams",
        format: Format::Json,
        policy: Which::Default,
        base: 4000,
        build: |n| {
            let mut files = vec![("teams.yaml".into(), teams(n / 2, long_team_id))];
            files.extend(one_file(
                "services.yaml",
                (0..n / 2)
                    .map(|i| {
                        let missing = long_team_id(i + n).replace("regional", "national");
                        service(&format!("svc-{i}"), &missing, "99", &[], "")
                    })
                    .collect(),
            ));
            files
        },
    },
    Shape {
        name: "one-letter-off",
        what: "n services, each depending on a service id one letter off",
        format: Format::Json,
        policy: Which::Default,
        base: 4000,
        build: |n| {
            let mut files = vec![("teams.yaml".into(), team("t"))];
            files.extend(one_file(
                "services.yaml",
                (0..n)
                    .map(|i| {
                        let dep = format!("svd-{}", (i + 1) % n);
                        service(&format!("svc-{i}"), "t", "99", &[(dep, "soft")], "")
                    })
                    .collect(),
            ));
            files
        },
    },
    Shape {
        name: "missing-dependencies",
        what: "n services, each depending on a missing service",
        format: Format::Json,
        policy: Which::Default,
        base: 4000,
        build: |n| {
            let mut files = vec![("teams.yaml".into(), team("t"))];
            files.extend(one_file(
                "services.yaml",
                (0..n)
                    .map(|i| {
                        let dep = format!("external-system-{i}");
                        service(&format!("svc-{i}"), "t", "99", &[(dep, "soft")], "")
                    })
                    .collect(),
            ));
            files
        },
    },
    Shape {
        name: "transitive-chain",
        what: "hard chain of n services, all failing, scope transitive",
        format: Format::Json,
        policy: Which::Transitive,
        base: 4000,
        build: |n| {
            let mut files = vec![("teams.yaml".into(), team("t"))];
            files.extend(one_file(
                "services.yaml",
                (0..n)
                    .map(|i| {
                        let deps = if i + 1 < n {
                            vec![(format!("svc-{}", i + 1), "hard")]
                        } else {
                            vec![]
                        };
                        service(&format!("svc-{i}"), "t", "99.9", &deps, "")
                    })
                    .collect(),
            ));
            files
        },
    },
    Shape {
        name: "transitive-layered",
        what: "layers 32 wide, each service needing 3 of the next layer, scope transitive",
        format: Format::Json,
        policy: Which::Transitive,
        base: 4000,
        build: |n| {
            let mut files = vec![("teams.yaml".into(), team("t"))];
            files.extend(one_file(
                "services.yaml",
                (0..n)
                    .map(|i| {
                        let (layer, k) = (i / 32, i % 32);
                        let deps: Vec<(String, &str)> = if (layer + 1) * 32 < n {
                            (0..3)
                                .map(|j| {
                                    (
                                        format!("svc-{}", (layer + 1) * 32 + (k + j * 11) % 32),
                                        "hard",
                                    )
                                })
                                .filter(|(d, _)| d[4..].parse::<usize>().is_ok_and(|x| x < n))
                                .collect()
                        } else {
                            vec![]
                        };
                        service(&format!("svc-{i}"), "t", "99.99", &deps, "")
                    })
                    .collect(),
            ));
            files
        },
    },
    Shape {
        name: "one-cycle",
        what: "one hard cycle of n services in one file",
        format: Format::Human,
        policy: Which::Default,
        base: 4000,
        build: |n| {
            let mut files = vec![("teams.yaml".into(), team("t"))];
            files.extend(one_file(
                "services.yaml",
                (0..n)
                    .map(|i| {
                        let deps = vec![(format!("svc-{}", (i + 1) % n), "hard")];
                        service(&format!("svc-{i}"), "t", "50", &deps, "")
                    })
                    .collect(),
            ));
            files
        },
    },
    Shape {
        name: "many-hard-deps",
        what: "one service with n hard dependencies, all in one file",
        format: Format::Human,
        policy: Which::Default,
        base: 4000,
        build: |n| {
            let mut docs: Vec<String> = (0..n)
                .map(|i| service(&format!("dep-{i}"), "t", "99.9", &[], ""))
                .collect();
            let deps: Vec<(String, &str)> = (0..n).map(|i| (format!("dep-{i}"), "hard")).collect();
            docs.push(service("top", "t", "99.9", &deps, ""));
            let mut files = vec![("teams.yaml".into(), team("t"))];
            files.extend(one_file("services.yaml", docs));
            files
        },
    },
    Shape {
        name: "duplicate-keys",
        what: "4n duplicate keys in one mapping, SARIF",
        format: Format::Sarif,
        policy: Which::Default,
        base: 4000,
        build: |n| {
            let mut text = String::from(
                "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: t, name: T}\nspec:\n  email: t@example.org\n  chat: \"#t\"\n  manager: m@example.org\n  x-notes:\n",
            );
            for _ in 0..4 * n {
                text.push_str("    k: 1\n");
            }
            vec![("teams.yaml".into(), text)]
        },
    },
    Shape {
        name: "suppressions-before-one",
        what: "4n suppression comments before one finding",
        format: Format::Json,
        policy: Which::Default,
        base: 4000,
        build: |n| {
            let mut text = String::from(
                "apiVersion: catalogue/v1\nkind: Team\nmetadata: {id: t, name: T}\nspec:\n  email: t@example.org\n  chat: \"#t\"\n",
            );
            for _ in 0..4 * n {
                text.push_str("  # catalint-disable-next-line schema -- generated\n");
            }
            text.push_str("  manager: not-an-email\n");
            vec![("teams.yaml".into(), text)]
        },
    },
    Shape {
        name: "used-suppressions",
        what: "4n used suppressions in one file",
        format: Format::Json,
        policy: Which::Default,
        base: 4000,
        build: |n| {
            let docs = (0..4 * n)
                .map(|i| {
                    format!("apiVersion: catalogue/v1\nkind: Team\nmetadata: {{id: t{i}, name: T}}\nspec:\n  email: t{i}@example.org\n  chat: \"#t\"\n  # catalint-disable-next-line schema -- generated\n  manager: not-an-email\n")
                })
                .collect();
            one_file("teams.yaml", docs)
        },
    },
    Shape {
        name: "offerings",
        what: "one service with n offerings and n requests naming missing ones",
        format: Format::Json,
        policy: Which::Default,
        base: 1000,
        build: |n| {
            let mut extra = String::from("    requests:\n");
            for i in 0..n {
                let _ = writeln!(
                    extra,
                    "      - {{offering: request type {i} x, fulfilment: 1d}}"
                );
            }
            extra.push_str("  offerings:\n");
            for i in 0..n {
                let _ = writeln!(extra, "    - {{name: offering number {i}}}");
            }
            vec![
                ("teams.yaml".into(), team("t")),
                ("services.yaml".into(), service("s", "t", "99", &[], &extra)),
            ]
        },
    },
    Shape {
        name: "clean-services",
        what: "n services (every rule runs, nothing found) and n/10 teams, 100 per file",
        format: Format::Json,
        policy: Which::Default,
        base: 2500,
        build: |n| {
            let mut files = vec![("teams.yaml".into(), teams(n / 10, |i| format!("team-{i}")))];
            let docs: Vec<String> = (0..n)
                .map(|i| {
                    let deps = if i > 0 {
                        vec![(format!("svc-{}", i - 1), "soft")]
                    } else {
                        Vec::new()
                    };
                    service(
                        &format!("svc-{i}"),
                        &format!("team-{}", i % (n / 10)),
                        "99",
                        &deps,
                        "",
                    )
                })
                .collect();
            files.extend(
                docs.chunks(100)
                    .enumerate()
                    .map(|(i, c)| (format!("services-{i:04}.yaml"), c.join("---\n"))),
            );
            files
        },
    },
    Shape {
        name: "backstage",
        what: "a Backstage catalogue of n entities (components, APIs, resources, systems, groups), 100 per file",
        format: Format::Json,
        policy: Which::Backstage,
        base: 2500,
        build: backstage,
    },
    Shape {
        name: "deep-flow",
        what: "flow sequences nested n deep",
        format: Format::Json,
        policy: Which::Default,
        base: 25_000,
        build: |n| {
            let text = format!(
                "apiVersion: catalogue/v1\nkind: Team\nmetadata: {{id: t, name: T}}\nspec: {}{}\n",
                "[".repeat(n),
                "]".repeat(n)
            );
            vec![("teams.yaml".into(), text)]
        },
    },
];

fn run(shape: &Shape, n: usize, policy: &Policy) -> (Duration, usize, usize) {
    let files = (shape.build)(n);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let started = Instant::now();
    let (catalogue, diagnostics) = check_texts(&refs, &policy.schemas, policy);
    let summary = Summary::count(&diagnostics, files.len(), catalogue.entities.len());
    let rules = catalint::rules::rulebook(policy);
    let report = Report::new(&catalogue.files, &diagnostics, summary, &rules);
    let mut out = Vec::new();
    let written = match report::machine(shape.format) {
        Some(r) => r.report(&report, &mut out),
        None => Human::new(HumanOptions {
            color: false,
            width: Some(100),
        })
        .report(&report, &mut out),
    };
    let elapsed = started.elapsed();
    assert!(written.is_ok(), "{}: report failed", shape.name);
    let count = diagnostics.len();
    // Dropping the catalogue is not part of the work measured (the CLI never drops it).
    std::mem::forget(catalogue);
    (elapsed, count, out.len())
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let scale: usize = std::env::var("SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let only = std::env::var("ONLY").ok();
    let default = Policy::builtin().expect("built-in policy loads");
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("transitive.yaml");
    std::fs::write(
        &path,
        "apiVersion: catalogue/v1\nkind: Policy\nmetadata: {id: transitive, name: Transitive}\nspec:\n  extends: default\n  rules:\n    availability-exceeds-dependencies: {options: {scope: transitive}}\n",
    )
    .expect("write the policy");
    let transitive = Policy::from_file(&path).expect("transitive policy loads");
    let backstage =
        Policy::from_file(std::path::Path::new("backstage")).expect("the backstage profile loads");
    println!(
        "| shape | work | format | size | time | findings | output | size x4 | time | growth |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut worst: f64 = 0.0;
    for shape in SHAPES {
        if only.as_deref().is_some_and(|o| o != shape.name) {
            continue;
        }
        let policy = match shape.policy {
            Which::Default => &default,
            Which::Transitive => &transitive,
            Which::Backstage => &backstage,
        };
        let small = shape.base * scale;
        let large = 4 * small;
        let (t1, f1, o1) = run(shape, small, policy);
        let (t2, _, o2) = run(shape, large, policy);
        let growth = t2.as_secs_f64() / t1.as_secs_f64().max(1e-6);
        worst = worst.max(growth);
        println!(
            "| {} | {} | {:?} | {small} | {:.3} s | {f1} | {} | {large} | {:.3} s | {growth:.1}x |",
            shape.name,
            shape.what,
            shape.format,
            t1.as_secs_f64(),
            bytes(o1),
            t2.as_secs_f64(),
        );
        let _ = o2;
    }
    println!("\nworst growth factor for 4x the size: {worst:.1}x (linear: about 4x)");
}

fn bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KB", n as f64 / 1024.0)
    }
}
