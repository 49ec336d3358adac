//! The index: every entity in one filterable, searchable table. The rows are data (compact
//! JSON in the page, values listed once and referred to by number) that the script filters
//! and draws a page at a time, so that 10,000 services stay one small page that is
//! interactive at once; the counts and the map link work without the script.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::Context;
use super::html::{Links, Mode, esc, script_json};

/// Interns the values of one column: each distinct value once, rows hold its number.
#[derive(Default)]
struct Column {
    values: Vec<String>,
    index: HashMap<String, usize>,
}

impl Column {
    fn add(&mut self, v: Option<&str>) -> Value {
        let Some(v) = v else {
            return Value::from(-1);
        };
        if let Some(&i) = self.index.get(v) {
            return Value::from(i);
        }
        self.values.push(v.to_owned());
        self.index.insert(v.to_owned(), self.values.len() - 1);
        Value::from(self.values.len() - 1)
    }
}

pub(super) fn page(cx: &Context<'_>, links: &Links<'_>) -> (String, String) {
    let catalogue = cx.input.catalogue;
    let (mut kinds, mut cats, mut facing, mut life, mut owners) = (
        Column::default(),
        Column::default(),
        Column::default(),
        Column::default(),
        Column::default(),
    );
    let mut rows = Vec::with_capacity(cx.graph.nodes.len());
    for (i, n) in cx.graph.nodes.iter().enumerate() {
        let e = catalogue.entity(n.entity);
        let owner = e
            .str_at("/spec/owner/team")
            .or_else(|| e.str_at("/spec/team"))
            .or_else(|| e.str_at("/spec/owner"));
        // The page's path, unless it is the usual `{kind}/{id}.html`.
        let kind_dir = super::slug(n.kind.as_str());
        let path = &cx.paths[i];
        let usual = format!("{kind_dir}/{}.html", n.id);
        let href = if *path == usual {
            Value::from(0)
        } else {
            Value::from(path.as_str())
        };
        rows.push(json!([
            kinds.add(Some(n.kind.as_str())),
            n.id,
            n.name.as_deref().unwrap_or(""),
            cats.add(e.str_at("/spec/category")),
            facing.add(e.str_at("/spec/facing")),
            life.add(e.str_at("/spec/lifecycle")),
            owners.add(owner),
            n.errors,
            n.warnings,
            href,
        ]));
    }
    let dirs: Vec<String> = kinds.values.iter().map(|k| super::slug(k)).collect();
    // An owner's display name, where the owner is an entity of the catalogue.
    let owner_names: Vec<String> = owners
        .values
        .iter()
        .map(|id| {
            catalogue
                .get(id)
                .and_then(|t| cx.node_of[t.index])
                .map(|t| cx.graph.nodes[t].label().to_owned())
                .unwrap_or_else(|| id.clone())
        })
        .collect();
    let data = json!({
        "kinds": kinds.values,
        "dirs": dirs,
        "categories": cats.values,
        "facing": facing.values,
        "lifecycles": life.values,
        "owners": owner_names,
        "rows": rows,
        "single": links.mode == Mode::SingleFile,
    });
    let s = &cx.input.summary;
    let mut h = String::with_capacity(64 * 1024 + rows.len() * 96);
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"lead\">{}</p><ul class=\"stats\" aria-label=\"Catalogue in numbers\">",
        esc(&cx.input.title),
        esc(&crate::report::summary_line(s))
    );
    let mut per_kind: Vec<(String, usize)> = Vec::new();
    for n in &cx.graph.nodes {
        match per_kind.iter_mut().find(|(k, _)| k == n.kind.as_str()) {
            Some((_, c)) => *c += 1,
            None => per_kind.push((n.kind.as_str().to_owned(), 1)),
        }
    }
    for (k, c) in &per_kind {
        let _ = write!(
            h,
            "<li><strong>{}</strong> {}</li>",
            crate::diagnostic::thousands(*c),
            esc(&plural(k, *c))
        );
    }
    let _ = write!(
        h,
        "<li><a href=\"{}\"><strong>{}</strong> error{}, <strong>{}</strong> warning{}</a></li></ul>",
        links.to("findings.html"),
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
    );
    h.push_str(
        "<form class=\"filters\" role=\"search\" aria-label=\"Filter the catalogue\" data-index>\
         <div class=\"search\"><label for=\"q\">Search</label>\
         <input id=\"q\" type=\"search\" placeholder=\"Name or id, e.g. payroll\" autocomplete=\"off\" spellcheck=\"false\"></div>",
    );
    for (id, label) in [
        ("f-kind", "Kind"),
        ("f-category", "Category"),
        ("f-facing", "Facing"),
        ("f-lifecycle", "Lifecycle"),
        ("f-owner", "Owner team"),
        ("f-findings", "Findings"),
    ] {
        let _ = write!(
            h,
            "<div><label for=\"{id}\">{label}</label><select id=\"{id}\"><option value=\"\">All</option></select></div>"
        );
    }
    let _ = write!(
        h,
        "</form><p class=\"count\" id=\"count\" role=\"status\" aria-live=\"polite\"></p>\
         <noscript><p>The list needs JavaScript. Every entity is on the <a href=\"{}\">map</a>.</p></noscript>\
         <table class=\"list\" id=\"list\"><caption class=\"sr\">Entities of the catalogue</caption><thead><tr>\
         <th scope=\"col\">Name</th><th scope=\"col\">Kind</th><th scope=\"col\">Category</th>\
         <th scope=\"col\">Facing</th><th scope=\"col\">Lifecycle</th><th scope=\"col\">Owner</th>\
         <th scope=\"col\">Findings</th></tr></thead><tbody></tbody></table>\
         <p class=\"more\"><button type=\"button\" id=\"more\" hidden>Show more</button></p>\
         <script type=\"application/json\" id=\"catalogue-data\">{}</script>",
        links.to("map.html"),
        script_json(&data),
    );
    ("Catalogue".into(), h)
}

fn plural(kind: &str, n: usize) -> String {
    if n == 1 {
        return kind.to_lowercase();
    }
    match kind {
        "Service" => "services".into(),
        "Product" => "products".into(),
        "Team" => "teams".into(),
        k if k.ends_with('y') => format!("{}ies", k[..k.len() - 1].to_lowercase()),
        k if k.ends_with('s') => format!("{}es", k.to_lowercase()),
        k => format!("{}s", k.to_lowercase()),
    }
}
