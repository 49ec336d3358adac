//! `availability-exceeds-dependencies`: no service promises more than its hard
//! dependencies allow together.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde_json::Value;

use crate::load::Node;

use super::graph::Graph;
use super::percent::Decimal;
use super::{Context, Rule, RuleMeta, Stage, finding};
use crate::diagnostic::{Diagnostic, Label, RELATED_SHOWN, Severity, thousands};

mod transitive;
use transitive::{Closures, closure, transitive_pass};

pub static META: RuleMeta = RuleMeta {
    id: "availability-exceeds-dependencies",
    default_severity: Severity::Warning,
    stage: Stage::Catalogue,
    summary: "a service's availability target is not above the product of its hard dependencies' targets",
    doc: r#"## What it checks
That a service's `serviceLevels.availability.target` is not above what its hard dependencies
allow together: serial availability is the product of the parts (99.95% x 99.95% =
99.900025%). Equality passes. The arithmetic is exact (decimal, not floating point). Skipped
where the service or one of its hard dependencies has no target.

Option `scope` (in the policy, under `rules:`): `direct` (default) multiplies the direct hard
dependencies; `transitive` multiplies every service in the hard-dependency closure, each once.

## Why it matters
If identity is down, the HR portal that needs it is down too. A service that promises 99.99%
on top of two 99.95% dependencies has promised something its own architecture cannot
deliver, and will breach its SLA through no incident of its own.

## Example
```yaml
metadata: {id: hr-self-service, name: HR Self-Service}
spec:
  serviceLevels:
    availability: {target: 99.99, measuredDuring: 24x7}
  dependencies:
    - {service: identity-and-access, kind: hard}   # 99.95
    - {service: cloud-hosting, kind: hard}         # 99.9
```

Instead:

```yaml
spec:
  serviceLevels:
    availability: {target: 99.8, measuredDuring: 24x7}
```

## How to fix
Lower the target to at most the product, raise the dependencies' targets, or make a
dependency soft if the service really survives without it.

A target that fails the schema (`target: 0`) is fixed first: until then it is not used here,
and its service and the services that depend on it are skipped. A finding lists up to ten
dependencies; with more, it names the ten weakest and says how many more there are.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

pub struct AvailabilityExceedsDependencies;

const TARGET: &str = "/spec/serviceLevels/availability/target";

/// A bound on the relative error of a product estimated from logarithms. The true error is
/// below 1e-11 for a million factors (each logarithm is within an ulp and summed exactly in
/// fixed point); the margin leaves room to spare, and whatever falls inside it is decided
/// by exact arithmetic.
const MARGIN: f64 = 1e-9;

/// A percentage for messages: exact up to six decimals.
fn pct(d: &Decimal) -> String {
    let exact = d.to_string();
    match exact.split_once('.') {
        Some((_, f)) if f.len() > 6 => format!("about {}", d.truncated(6)),
        _ => exact,
    }
}

/// [`pct`] of a product known only as an estimate within a relative `error`, when the estimate
/// settles it: the six decimals shown are certain and the value has more than six.
fn pct_of_estimate(estimate: f64, error: f64) -> Option<String> {
    let lo = estimate * (1.0 - error) * 1e6;
    let hi = estimate * (1.0 + error) * 1e6;
    if !(lo.is_finite() && hi.is_finite()) || lo.floor() != hi.floor() || lo.floor() == lo {
        return None;
    }
    // No factor is 0 (the schema wants a target above 0), so a product under 1e-6 is "about 0".
    let millionths = lo.floor() as u64;
    let (int, frac) = (millionths / 1_000_000, millionths % 1_000_000);
    let frac = format!("{frac:06}");
    let frac = frac.trim_end_matches('0');
    Some(if frac.is_empty() {
        format!("about {int}")
    } else {
        format!("about {int}.{frac}")
    })
}

/// The targets of the graph's services: a float estimate for every one (read once), the
/// exact decimal as written in the file on first need.
struct Targets<'a, 'c> {
    cx: &'a Context<'c>,
    graph: &'a Graph<'c>,
    estimates: Vec<Option<f64>>,
    exact: Vec<OnceLock<Option<Decimal>>>,
}

impl<'a, 'c> Targets<'a, 'c> {
    fn new(cx: &'a Context<'c>, graph: &'a Graph<'c>) -> Self {
        let estimates = graph
            .nodes
            .iter()
            .map(|n| {
                if cx.broke_schema(*n, TARGET) {
                    return None;
                }
                n.get(TARGET)
                    .and_then(Node::as_f64)
                    .filter(|t| t.is_finite() && *t > 0.0)
            })
            .collect();
        Targets {
            cx,
            graph,
            estimates,
            exact: (0..graph.nodes.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The target as the author wrote it: `99.9000250000000000001` has more digits than a
    /// float holds, so the decimal is read from the file's text.
    fn exact(&self, i: usize) -> Option<&Decimal> {
        self.exact[i]
            .get_or_init(|| {
                self.estimates[i]?;
                written_target(&self.cx.catalogue.files, self.graph.nodes[i])
            })
            .as_ref()
    }

    /// `ln(target / 100)` in fixed point (2^-64 units); summed exactly, so a sum over any
    /// set of services carries only each term's own rounding.
    fn log_term(&self, i: usize) -> i128 {
        self.estimates[i].map_or(0, |t| ((t / 100.0).ln() * TWO_64) as i128)
    }
}

/// A service's availability target as the author wrote it, exactly: `99.9000250000000000001`
/// has more digits than a float holds, so the decimal is read from the file's text (an alias
/// or a tagged value is not the number's text: then the parsed number). `None` without a
/// positive number. `catalint diff` compares targets with this too.
pub fn written_target(
    files: &crate::source::Files,
    e: crate::catalogue::EntityRef<'_>,
) -> Option<Decimal> {
    let number = e.get(TARGET)?.as_number()?;
    number.as_f64().filter(|t| t.is_finite() && *t > 0.0)?;
    let written = files.get(e.file()).slice(&e.value_span(TARGET)).trim();
    let from_text = Decimal::parse(written.strip_prefix('+').unwrap_or(written)).filter(|d| {
        let f: Option<f64> = d.to_string().parse().ok();
        f.zip(number.as_f64())
            .is_some_and(|(a, b)| (a - b).abs() <= b.abs() * 1e-12)
    });
    from_text.or_else(|| Decimal::from_number(&number))
}

const TWO_64: f64 = 18_446_744_073_709_551_616.0;

/// What a finding needs to know about the dependencies a service is judged against.
struct Verdict {
    count: usize,
    /// Estimated product of the parts' targets, in percent.
    estimate: f64,
    /// A bound on the estimate's relative error.
    error: f64,
}

impl Verdict {
    /// From the fixed-point sum of `count` logarithms. Each logarithm is within 4 ulp of
    /// its term (glibc's `ln` is within 1), each truncated to 2^-64 in fixed point, the sum
    /// exact, `exp` within 4 ulp: relative error at most (|sum| + 1) 2^-50 + count 2^-62.
    fn new(count: usize, log: i128) -> Verdict {
        let sum = log as f64 / TWO_64;
        Verdict {
            count,
            estimate: 100.0 * sum.exp(),
            error: (sum.abs() + 1.0) * 2f64.powi(-50) + count as f64 * 2f64.powi(-62),
        }
    }
}

impl Rule for AvailabilityExceedsDependencies {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let graph = cx.hard_graph();
        if transitive(cx) {
            let targets = Targets::new(cx, graph);
            let judge = Judge {
                graph,
                targets: &targets,
                transitive: true,
            };
            return transitive_pass(&judge, None, out);
        }
        judge_direct(cx, graph, 0..graph.nodes.len(), out);
    }
}

fn transitive(cx: &Context<'_>) -> bool {
    cx.policy.option(META.id, "scope").and_then(Value::as_str) == Some("transitive")
}

/// The services at `nodes` of `graph`, each against its direct hard dependencies.
fn judge_direct<'c>(
    cx: &Context<'c>,
    graph: &Graph<'c>,
    nodes: impl Iterator<Item = usize>,
    out: &mut Vec<Diagnostic>,
) {
    let targets = Targets::new(cx, graph);
    let judge = Judge {
        graph,
        targets: &targets,
        transitive: false,
    };
    for v in nodes {
        if !judge.worth_judging(v) {
            continue;
        }
        let mut seen = HashSet::new();
        let parts: Vec<usize> = graph.edges[v]
            .iter()
            .map(|&(t, _)| t)
            .filter(|t| seen.insert(*t))
            .collect();
        judge.judge(v, &Members::List(&parts), out);
    }
}

/// The incremental form, in the direct scope: the findings about the services of `ids`
/// only, judged on the part of the graph they and their dependencies make. `false` (nothing
/// done) in the transitive scope, where a change anywhere below a service can alter its
/// finding: the caller runs the rule whole.
pub fn judge_services<'r, 'c>(
    cx: &Context<'c>,
    ids: impl IntoIterator<Item = &'r str>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    if transitive(cx) {
        return false;
    }
    let ids: HashSet<&str> = ids.into_iter().collect();
    let graph = Graph::around(cx.catalogue, ids.iter().copied(), false);
    let roots: Vec<usize> = (0..graph.nodes.len())
        .filter(|&v| ids.contains(graph.nodes[v].id()))
        .collect();
    judge_direct(cx, &graph, roots.into_iter(), out);
    true
}

/// The incremental form of the transitive scope: the findings about `services` only, judged
/// on the part of the graph their closures make (a service's finding reads its closure and
/// nothing else, so the caller names every service whose closure the change reaches: those
/// above a changed one). `false` (nothing done) in the direct scope.
pub fn judge_transitive<'c>(
    cx: &Context<'c>,
    services: &[crate::catalogue::EntityRef<'c>],
    out: &mut Vec<Diagnostic>,
) -> bool {
    if !transitive(cx) {
        return false;
    }
    let graph = Graph::around(cx.catalogue, services.iter().map(|s| s.id()), true);
    let wanted: HashSet<usize> = services.iter().map(|s| s.index).collect();
    let judged: Vec<bool> = graph
        .nodes
        .iter()
        .map(|n| wanted.contains(&n.index))
        .collect();
    let targets = Targets::new(cx, &graph);
    let judge = Judge {
        graph: &graph,
        targets: &targets,
        transitive: true,
    };
    transitive_pass(&judge, Some(&judged), out);
    true
}

/// The services a service is judged against: a list, or (transitive scope) its closure
/// as a set of positions, the service itself excluded.
enum Members<'s> {
    List(&'s [usize]),
    Closure {
        /// The closure's positions (the service's own included), as runs.
        runs: &'s [(u32, u32)],
        of: usize,
        closures: &'s Closures,
    },
}

impl Members<'_> {
    /// Every member; used only for the few, or where the estimate cannot decide.
    fn all(&self) -> Vec<usize> {
        match *self {
            Members::List(l) => l.to_vec(),
            Members::Closure { runs, of, closures } => runs
                .iter()
                .flat_map(|&(s, e)| s as usize..e as usize)
                .map(|p| closures.at[p] as usize)
                .filter(|&n| n != of)
                .collect(),
        }
    }
}

struct Judge<'a, 'c> {
    graph: &'a Graph<'c>,
    targets: &'a Targets<'a, 'c>,
    transitive: bool,
}

impl Judge<'_, '_> {
    /// A service with a target and hard dependencies, all of them resolved.
    fn worth_judging(&self, v: usize) -> bool {
        if self.targets.estimates[v].is_none() || self.graph.edges[v].is_empty() {
            return false;
        }
        // Unresolved hard dependencies are left out of the graph; skip the service rather
        // than judge it on part of its dependencies.
        let node = self.graph.nodes[v];
        let hard_declared = match node.get("/spec/dependencies").and_then(Node::as_array) {
            Some(d) => d
                .filter(|x| x.get("kind").and_then(Node::as_str) == Some("hard"))
                .count(),
            None => 0,
        };
        hard_declared <= self.graph.edges[v].len()
    }

    fn judge(&self, v: usize, members: &Members<'_>, out: &mut Vec<Diagnostic>) {
        let t = self.targets;
        let Some(own_estimate) = t.estimates[v] else {
            return;
        };
        let verdict = match members {
            Members::List(parts) => {
                let mut log = 0i128;
                for &p in *parts {
                    if t.estimates[p].is_none() {
                        return;
                    }
                    log += t.log_term(p);
                }
                Verdict::new(parts.len(), log)
            }
            Members::Closure { runs, of, closures } => {
                let Some(v) = closures.verdict(runs, *of, t) else {
                    return;
                };
                v
            }
        };
        if verdict.count <= RELATED_SHOWN {
            self.judge_few(v, members, out);
            return;
        }
        if own_estimate < verdict.estimate * (1.0 - MARGIN) {
            return;
        }
        let Some(own) = t.exact(v) else { return };
        let certain = own_estimate > verdict.estimate * (1.0 + MARGIN);
        let shown = match certain
            .then(|| pct_of_estimate(verdict.estimate, verdict.error))
            .flatten()
        {
            Some(shown) => shown,
            None => {
                // Too close to call from the estimate: the exact product decides.
                let all = members.all();
                let Some(values) = all.iter().map(|&p| t.exact(p)).collect::<Option<Vec<_>>>()
                else {
                    return;
                };
                let Some(allowed) = Decimal::product_of_percents(values) else {
                    return;
                };
                if *own <= allowed {
                    return;
                }
                pct(&allowed)
            }
        };
        let weakest: Vec<usize> = match members {
            Members::List(parts) => {
                let mut sorted = parts.to_vec();
                sorted.sort_by(|&a, &b| {
                    t.estimates[a]
                        .unwrap_or(f64::INFINITY)
                        .total_cmp(&t.estimates[b].unwrap_or(f64::INFINITY))
                        .then(a.cmp(&b))
                });
                sorted.truncate(RELATED_SHOWN);
                sorted
            }
            Members::Closure { runs, of, closures } => closures.weakest(runs, *of),
        };
        let Some(values) = weakest
            .iter()
            .map(|&p| t.exact(p))
            .collect::<Option<Vec<_>>>()
        else {
            return;
        };
        let count = thousands(verdict.count);
        let (whose, together) = if self.transitive {
            (
                format!("hard dependency chain ({count} services)"),
                "allows",
            )
        } else {
            (format!("{count} hard dependencies"), "allow together")
        };
        let named: Vec<String> = weakest
            .iter()
            .zip(&values)
            .map(|(&p, t)| format!("{} {}%", self.graph.nodes[p].id(), t))
            .collect();
        let node = self.graph.nodes[v];
        let mut d = finding(
            &META,
            format!(
                "`{}` promises {own}%, more than the {shown}% that its {whose} {together}; \
                 the weakest: {}, and {} more",
                node.id(),
                named.join(", "),
                thousands(verdict.count - weakest.len()),
            ),
            Label::new(node.at_value(TARGET), format!("{own}% promised")),
        )
        .with_pointer(TARGET)
        .with_help(format!(
            "its {whose} {} at most {shown}%; lower the target, or make a dependency soft if \
             the service survives without it",
            if together == "allows" {
                "allows"
            } else {
                "allow"
            },
        ));
        for (&p, t) in weakest.iter().zip(&values) {
            d.related.push(Label::new(
                self.graph.nodes[p].at_value(TARGET),
                format!("hard dependency `{}` at {t}%", self.graph.nodes[p].id()),
            ));
        }
        out.push(d);
    }

    /// A service with at most [`RELATED_SHOWN`] dependencies to multiply: every one is
    /// listed, in graph order.
    fn judge_few(&self, v: usize, members: &Members<'_>, out: &mut Vec<Diagnostic>) {
        let t = self.targets;
        let graph = self.graph;
        let node = graph.nodes[v];
        let Some(own_estimate) = t.estimates[v] else {
            return;
        };
        let parts: Vec<usize> = match members {
            Members::List(l) => l.to_vec(),
            Members::Closure { .. } => closure(graph, v),
        };
        // Exact decimals are only needed near the boundary: a float estimate settles the
        // clear cases (the product of a few floats is off by ~1e-13, far below the 1e-9
        // margin), and the exact arithmetic decides the rest.
        let Some(estimate) = parts
            .iter()
            .try_fold(100.0, |acc, &p| t.estimates[p].map(|x| acc * x / 100.0))
        else {
            return;
        };
        if own_estimate < estimate - 1e-9 {
            return;
        }
        let (Some(own), Some(values)) = (
            t.exact(v),
            parts
                .iter()
                .map(|&p| t.exact(p))
                .collect::<Option<Vec<_>>>(),
        ) else {
            return;
        };
        let Some(allowed) = Decimal::product_of_percents(values.iter().copied()) else {
            return;
        };
        if *own <= allowed {
            return;
        }
        let breakdown: Vec<String> = parts
            .iter()
            .zip(&values)
            .map(|(&p, t)| format!("{} {}%", graph.nodes[p].id(), t))
            .collect();
        let (whose, together) = match (self.transitive, parts.len()) {
            (true, _) => ("hard dependency chain", "allows"),
            (false, 1) => ("hard dependency", "allows"),
            (false, _) => ("hard dependencies", "allow together"),
        };
        let mut d = finding(
            &META,
            format!(
                "`{}` promises {own}%, more than the {}% that its {whose} {together}: {}",
                node.id(),
                pct(&allowed),
                breakdown.join(" x ")
            ),
            Label::new(node.at_value(TARGET), format!("{own}% promised")),
        )
        .with_pointer(TARGET)
        .with_help(format!(
            "its {whose} {} at most {}%; lower the target, or make a dependency soft if \
             the service survives without it",
            if together == "allows" {
                "allows"
            } else {
                "allow"
            },
            pct(&allowed)
        ));
        for (&p, t) in parts.iter().zip(&values) {
            d.related.push(Label::new(
                graph.nodes[p].at_value(TARGET),
                format!("hard dependency `{}` at {t}%", graph.nodes[p].id()),
            ));
        }
        out.push(d);
    }
}
