//! Generates a realistic catalogue for benchmarks: teams, services in all seven categories
//! with dependency graphs, products, and (with `--defect-rate`) seeded defects of every
//! rule. Deterministic for a seed.
//!
//! ```sh
//! cargo run --release --example gen-catalogue -- --services 10000 --products 2000 --out /tmp/cat
//! cargo run --release --example gen-catalogue -- --services 10000 --products 2000 --defect-rate 0.05 --seed 7 --out /tmp/broken
//! cargo run --release --example gen-catalogue -- --services 20000 --layout multi --out /tmp/one   # one file, many documents
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;

/// splitmix64: small, fast and reproducible; no dependency needed for benchmark data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
}

struct Args {
    services: usize,
    products: usize,
    teams: usize,
    defect_rate: f64,
    seed: u64,
    out: PathBuf,
    multi: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        services: 1000,
        products: 200,
        teams: 0,
        defect_rate: 0.0,
        seed: 1,
        out: PathBuf::from("catalogue"),
        multi: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--services" => {
                a.services = value()?.parse().map_err(|e| format!("--services: {e}"))?
            }
            "--products" => {
                a.products = value()?.parse().map_err(|e| format!("--products: {e}"))?
            }
            "--teams" => a.teams = value()?.parse().map_err(|e| format!("--teams: {e}"))?,
            "--defect-rate" => {
                a.defect_rate = value()?
                    .parse()
                    .map_err(|e| format!("--defect-rate: {e}"))?
            }
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => a.out = PathBuf::from(value()?),
            "--layout" => {
                a.multi = match value()?.as_str() {
                    "files" => false,
                    "multi" => true,
                    other => return Err(format!("--layout is `files` or `multi`, not `{other}`")),
                }
            }
            "--help" | "-h" => {
                return Err("usage: gen-catalogue [--services N] [--products M] [--teams T] [--defect-rate R] [--seed S] [--layout files|multi] --out DIR".into());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if a.teams == 0 {
        a.teams = (a.services / 20).max(5);
    }
    Ok(a)
}

const CATEGORIES: [&str; 7] = [
    "business",
    "application",
    "infrastructure",
    "platform",
    "end-user",
    "security",
    "professional",
];
/// Defects, one per rule they trigger.
const DEFECTS: [&str; 12] = [
    "schema",
    "single-category",
    "sla-defined",
    "sla-consistent",
    "agreement-type",
    "unique-id",
    "unresolved-reference",
    "dependency-cycle",
    "availability",
    "retired-dependency",
    "individual-owner",
    "ambiguous",
];

fn team(i: usize) -> String {
    format!(
        "apiVersion: catalogue/v1\nkind: Team\nmetadata:\n  id: team-{i}\n  name: Team {i}\nspec:\n  email: team-{i}@example.org\n  chat: \"#team-{i}\"\n  manager: manager.{i}@example.org\n"
    )
}

fn service(i: usize, a: &Args, rng: &mut Rng, defect: Option<&str>) -> String {
    // Services depend only on services with a higher index: a DAG, so clean data has no cycle.
    let category = CATEGORIES[i % CATEGORIES.len()];
    let tier = i % CATEGORIES.len();
    let facing = if matches!(category, "business" | "end-user" | "professional") {
        "customer-facing"
    } else {
        "supporting"
    };
    let mut agreement = if facing == "customer-facing" {
        "SLA"
    } else {
        "OLA"
    };
    let team = rng.below(a.teams as u64);
    let mut s = String::with_capacity(1400);
    let mut id = format!("svc-{i}");
    if defect == Some("unique-id") && i > 0 {
        id = format!("svc-{}", i - 1);
    }
    let _ = write!(
        s,
        "apiVersion: catalogue/v1\nkind: Service\nmetadata:\n  id: {id}\n  name: Service {i}\n  description: Generated service {i} in category {category}.\n  tags: [generated, {category}]\n  links: {{docs: \"https://docs.example.org/svc-{i}\"}}\nspec:\n"
    );
    match defect {
        Some("single-category") => s.push_str("  category: [business, application]\n"),
        _ => {
            let _ = writeln!(s, "  category: {category}");
        }
    }
    if defect == Some("agreement-type") {
        agreement = if agreement == "SLA" { "OLA" } else { "SLA" };
    }
    let _ = writeln!(s, "  facing: {facing}");
    // With defects on, the last service is retired, for `retired-dependency` to find.
    let lifecycle = if a.defect_rate > 0.0 && i + 1 == a.services {
        "retired"
    } else {
        "live"
    };
    let _ = writeln!(s, "  lifecycle: {lifecycle}");
    match defect {
        Some("schema") => s.push_str("  criticality: high\n"),
        _ => {
            let _ = writeln!(s, "  criticality: {}", 1 + i % 4);
        }
    }
    let owner = if defect == Some("individual-owner") {
        format!("team-{team}@example.org")
    } else {
        format!("owner.{i}@example.org")
    };
    let owner_team = if defect == Some("unresolved-reference") {
        format!("team-x{team}")
    } else {
        format!("team-{team}")
    };
    let _ = write!(
        s,
        "  owner:\n    team: {owner_team}\n    serviceOwner: {owner}\n  supportGroup: team-{}\n",
        rng.below(a.teams as u64)
    );
    if i < a.products {
        let _ = writeln!(s, "  product: prod-{i}");
    }
    s.push_str("  hours:\n    service: 24x7\n    support: {days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\", timeZone: Europe/London}\n");
    if defect == Some("ambiguous") {
        s = s.replace(&format!("  name: Service {i}\n"), "  name: off\n");
    }
    if defect != Some("sla-defined") {
        let _ = write!(s, "  serviceLevels:\n    agreement: {agreement}\n");
        let needs_availability = !matches!(category, "end-user" | "professional");
        // Infrastructure, which the others depend on, promises most; the others stay below
        // what up to three infrastructure dependencies allow together.
        let target = match (defect, category) {
            (Some("availability"), _) => "99.999".to_owned(),
            (_, "infrastructure") => "99.99".to_owned(),
            _ => format!("{:.2}", 99.9 - (tier as f64) * 0.05),
        };
        if needs_availability {
            let _ = writeln!(
                s,
                "    availability: {{target: {target}, measuredDuring: 24x7}}"
            );
        }
        if category != "professional" {
            let p2 = if defect == Some("sla-consistent") {
                "10m"
            } else {
                "30m"
            };
            let _ = write!(
                s,
                "    incident:\n      - {{priority: P1, response: 15m, resolution: 4h}}\n      - {{priority: P2, response: {p2}, resolution: 8h}}\n      - {{priority: P3, response: 4h, resolution: 3d}}\n      - {{priority: P4, response: 1d, resolution: 2w}}\n"
            );
        }
        if matches!(category, "business" | "end-user" | "professional") {
            s.push_str("    requests:\n      - {offering: Access, fulfilment: 2d}\n");
        }
        if matches!(
            category,
            "application" | "infrastructure" | "platform" | "security"
        ) {
            s.push_str("    recovery: {rto: 4h, rpo: 15m}\n");
        }
    }
    if matches!(category, "business" | "end-user" | "professional") {
        s.push_str("  offerings:\n    - {name: Access, requestable: true}\n");
    }
    // Dependencies: on services of a lower tier's index range (higher indices), hard or soft.
    let mut deps: Vec<(usize, &str)> = Vec::new();
    if !matches!(category, "infrastructure" | "professional") {
        for _ in 0..1 + rng.below(3) {
            let j = i + 1 + rng.below(40) as usize;
            let j = j - (j % CATEGORIES.len()) + 2; // an infrastructure service: highest availability
            if j < a.services && j != i {
                deps.push((j, if rng.chance(0.5) { "hard" } else { "soft" }));
            }
        }
    }
    if defect == Some("dependency-cycle") && i >= 3 {
        deps.push((i - 3, "hard"));
    }
    if defect == Some("retired-dependency") && i + 1 < a.services {
        deps.push((a.services - 1, "soft"));
    }
    deps.sort();
    deps.dedup_by_key(|d| d.0);
    if !deps.is_empty() {
        s.push_str("  dependencies:\n");
        for (j, kind) in deps {
            let _ = writeln!(s, "    - {{service: svc-{j}, kind: {kind}}}");
        }
    }
    s
}

fn product(i: usize, a: &Args, rng: &mut Rng, broken: bool) -> String {
    let svc = if broken {
        format!("svc-missing-{i}")
    } else {
        format!("svc-{i}")
    };
    format!(
        "apiVersion: catalogue/v1\nkind: Product\nmetadata:\n  id: prod-{i}\n  name: Product {i}\n  description: Generated product {i}.\nspec:\n  service: {svc}\n  productType: digital\n  lifecycle: live\n  productOwner: product.owner.{i}@example.org\n  team: team-{}\n",
        rng.below(a.teams as u64)
    )
}

fn main() {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut rng = Rng(a.seed);
    let mut docs: Vec<(String, String)> = Vec::with_capacity(a.teams + a.services + a.products);
    for i in 0..a.teams {
        docs.push((format!("teams/team-{i}.yaml"), team(i)));
    }
    let mut defects = 0;
    for i in 0..a.services {
        let defect = rng
            .chance(a.defect_rate)
            .then(|| DEFECTS[rng.below(DEFECTS.len() as u64) as usize]);
        defects += usize::from(defect.is_some());
        docs.push((
            format!("services/svc-{i}.yaml"),
            service(i, &a, &mut rng, defect),
        ));
    }
    for i in 0..a.products {
        let broken = rng.chance(a.defect_rate);
        defects += usize::from(broken);
        docs.push((
            format!("products/prod-{i}.yaml"),
            product(i, &a, &mut rng, broken),
        ));
    }
    let write = |path: PathBuf, text: &str| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        std::fs::write(&path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    };
    if a.multi {
        let joined: Vec<&str> = docs.iter().map(|(_, t)| t.as_str()).collect();
        write(a.out.join("catalogue.yaml"), &joined.join("---\n"));
    } else {
        for (name, text) in &docs {
            write(a.out.join(name), text);
        }
    }
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    eprintln!(
        "{} entities ({} teams, {} services, {} products), {defects} seeded defects, {:.1} MB in {}",
        docs.len(),
        a.teams,
        a.services,
        a.products,
        bytes as f64 / 1e6,
        a.out.display()
    );
}
