//! Reading a policy: a policy file (or an embedded profile) and everything it `extends`,
//! each layer validated against the policy schema, then merged into one [`Policy`]: later
//! layers override earlier ones, custom rules and organisation fields and kinds compiled.

use super::*;

#[derive(Debug, Deserialize)]
struct PolicyFile {
    metadata: PolicyMeta,
    spec: PolicySpec,
}

#[derive(Debug, Deserialize)]
struct PolicyMeta {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicySpec {
    #[serde(default)]
    extends: Option<Extends>,
    #[serde(default)]
    priorities: Option<Vec<String>>,
    #[serde(default)]
    categories: Option<Vec<Category>>,
    #[serde(default)]
    rules: BTreeMap<String, RuleSetting>,
    #[serde(default)]
    custom_rules: Vec<serde_json::Value>,
    /// Kinds the organisation adds (`Supplier: {spec: <JSON Schema>, references: [...]}`).
    #[serde(default)]
    kinds: serde_json::Map<String, Value>,
    /// Fields added to kinds (`Service: {properties: {spec: {properties: {...}}}}`).
    #[serde(default)]
    fields: serde_json::Map<String, Value>,
    /// References added to kinds (`Service: [{path: /spec/supplier, kind: Supplier}]`).
    #[serde(default)]
    references: serde_json::Map<String, Value>,
    /// The entity format (`catalint` or `backstage`); later layers override earlier ones.
    #[serde(default)]
    format: Option<String>,
    /// Entities outside the linted files that references may name: globs over
    /// `kind:namespace/name` in lower case (Backstage catalogues).
    #[serde(default)]
    external: Vec<String>,
    /// How `catalint diff` classes change kinds.
    #[serde(default)]
    review: Option<Review>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Extends {
    One(String),
    Many(Vec<String>),
}

impl Extends {
    fn entries(&self) -> Vec<(String, &str)> {
        match self {
            Extends::One(s) => vec![("/spec/extends".to_owned(), s.as_str())],
            Extends::Many(v) => v
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("/spec/extends/{i}"), s.as_str()))
                .collect(),
        }
    }
}

/// One policy file of an `extends` chain, parsed.
struct Layer {
    origin: String,
    path: Option<PathBuf>,
    settings: file::Settings,
    spec: PolicySpec,
    name: String,
}

pub(super) enum Source {
    /// A profile embedded in the binary, by name.
    Profile(&'static str),
    File(PathBuf),
}

pub(super) fn invalid(
    settings: &file::Settings,
    pointer: &str,
    message: String,
    label: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic::new(
        crate::diagnostic::ids::SCHEMA,
        Severity::Error,
        message,
        Label::new(settings.at(pointer), label),
    )
    .with_help(help)
}

impl Policy {
    pub(super) fn compose(source: Source) -> Result<Policy, SettingsError> {
        let schema = crate::schema::policy().map_err(SettingsError::Io)?;
        let root = match &source {
            Source::File(p) => Some(crate::paths::parent_dir(p)),
            Source::Profile(_) => None,
        };
        let mut layers = Vec::new();
        collect(
            source,
            &schema,
            root.as_deref(),
            &mut Vec::new(),
            &mut layers,
        )?;
        Self::merge(layers)
    }

    /// Later layers override earlier ones: `priorities` and `categories` are replaced
    /// whole, rule settings and custom rules per id.
    fn merge(layers: Vec<Layer>) -> Result<Policy, SettingsError> {
        let mut priorities = None;
        let mut categories = None;
        let mut rules_map: BTreeMap<String, RuleSetting> = BTreeMap::new();
        let mut custom: Vec<std::sync::Arc<CustomRule>> = Vec::new();
        // Classes merge per kind; a layer's `required` list replaces the one before.
        let mut review = Review::default();
        let (mut name, mut origin) = (String::new(), String::new());
        let files: Vec<PathBuf> = layers.iter().filter_map(|l| l.path.clone()).collect();
        let format = match layers.iter().rev().find_map(|l| l.spec.format.as_deref()) {
            Some("backstage") => crate::catalogue::Format::Backstage,
            _ => crate::catalogue::Format::Catalint,
        };
        let external_lists: Vec<(&file::Settings, &[String])> = layers
            .iter()
            .map(|l| (&l.settings, l.spec.external.as_slice()))
            .collect();
        let external = match external::globs(&external_lists) {
            Ok(g) => g,
            Err((li, diagnostics)) => {
                return Err(layers
                    .into_iter()
                    .nth(li)
                    .map_or(SettingsError::Io("policy".into()), |l| {
                        l.settings.invalid(diagnostics)
                    }));
            }
        };
        let composed = kinds::compose(
            format,
            &layers
                .iter()
                .map(|l| kinds::LayerKinds {
                    settings: &l.settings,
                    origin: &l.origin,
                    kinds: &l.spec.kinds,
                    fields: &l.spec.fields,
                    references: &l.spec.references,
                })
                .collect::<Vec<_>>(),
        );
        let composed = match composed {
            Ok(c) => c,
            Err((li, diagnostics)) => {
                return Err(layers
                    .into_iter()
                    .nth(li)
                    .map_or(SettingsError::Io("policy".into()), |l| {
                        l.settings.invalid(diagnostics)
                    }));
            }
        };
        // Custom rules first, so that `rules:` settings may name them in any layer.
        let mut all_custom: Vec<(usize, usize, CustomRuleDef)> = Vec::new();
        for (li, layer) in layers.iter().enumerate() {
            let mut diagnostics = Vec::new();
            for (i, raw) in layer.spec.custom_rules.iter().enumerate() {
                let at = format!("/spec/customRules/{i}");
                match serde_json::from_value::<CustomRuleDef>(raw.clone()) {
                    Ok(def) => {
                        if BUILTIN_RULES.contains(&def.id.as_str()) {
                            diagnostics.push(invalid(
                                &layer.settings,
                                &format!("{at}/id"),
                                format!("custom rule `{}` has the id of a built-in rule", def.id),
                                "already a built-in rule",
                                "choose another id; to change a built-in rule's severity, use `rules:`",
                            ));
                        } else {
                            all_custom.push((li, i, def));
                        }
                    }
                    Err(e) => diagnostics.push(invalid(
                        &layer.settings,
                        &at,
                        format!("invalid custom rule: {e}"),
                        "here",
                        "see `catalint schema Policy`",
                    )),
                }
            }
            if !diagnostics.is_empty() {
                return Err(layers
                    .into_iter()
                    .nth(li)
                    .map_or(SettingsError::Io("policy".into()), |l| {
                        l.settings.invalid(diagnostics)
                    }));
            }
        }
        let mut compile_errors: Vec<(usize, Diagnostic)> = Vec::new();
        for (li, i, def) in all_custom {
            let layer = &layers[li];
            let at = format!("/spec/customRules/{i}");
            match CustomRule::compile(def, layer.origin.clone(), &composed.kinds, &at) {
                Ok(rule) => {
                    custom.retain(|r| r.def.id != rule.def.id);
                    custom.push(std::sync::Arc::new(rule));
                }
                Err(errors) => {
                    for (pointer, message, help) in errors {
                        compile_errors.push((
                            li,
                            invalid(
                                &layer.settings,
                                &format!("{at}{pointer}"),
                                format!("custom rule: {message}"),
                                "here",
                                help.as_deref().unwrap_or(
                                    "fix the rule's definition; `catalint schema Policy` describes it",
                                ),
                            ),
                        ));
                    }
                }
            }
        }
        if let Some((li, _)) = compile_errors.first() {
            let li = *li;
            let diagnostics = compile_errors
                .into_iter()
                .filter(|(l, _)| *l == li)
                .map(|(_, d)| d)
                .collect();
            return Err(layers
                .into_iter()
                .nth(li)
                .map_or(SettingsError::Io("policy".into()), |l| {
                    l.settings.invalid(diagnostics)
                }));
        }
        let knows = |id: &str| BUILTIN_RULES.contains(&id) || custom.iter().any(|r| r.def.id == id);
        let all_ids: Vec<String> = BUILTIN_RULES
            .iter()
            .map(|id| (*id).to_owned())
            .chain(custom.iter().map(|r| r.def.id.clone()))
            .collect();
        for layer in layers {
            let mut diagnostics = Vec::new();
            for id in layer.spec.rules.keys() {
                if !knows(id) {
                    diagnostics.push(
                        Diagnostic::new(
                            crate::diagnostic::ids::SCHEMA,
                            Severity::Error,
                            crate::suggest::unknown_rule_message(
                                id,
                                all_ids.iter().map(String::as_str),
                            ),
                            Label::new(
                                layer
                                    .settings
                                    .at_key(&crate::load::push_segment("/spec/rules", id)),
                                "not a rule id",
                            ),
                        )
                        .with_help("`catalint rules` lists every rule id, custom rules included"),
                    );
                }
            }
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (i, c) in layer.spec.categories.iter().flatten().enumerate() {
                if let Some(first) = seen.insert(&c.id, i) {
                    diagnostics.push(
                        invalid(
                            &layer.settings,
                            &format!("/spec/categories/{i}/id"),
                            format!("category `{}` is defined twice", c.id),
                            "defined again here",
                            "keep one definition",
                        )
                        .with_related(Label::new(
                            layer.settings.at(&format!("/spec/categories/{first}/id")),
                            "first defined here",
                        )),
                    );
                }
            }
            if !diagnostics.is_empty() {
                return Err(layer.settings.invalid(diagnostics));
            }
            if let Some(p) = layer.spec.priorities {
                priorities = Some(p);
            }
            if let Some(c) = layer.spec.categories {
                categories = Some(c);
            }
            rules_map.extend(layer.spec.rules);
            if let Some(r) = layer.spec.review {
                review.classes.extend(r.classes);
                if !r.required.is_empty() {
                    review.required = r.required;
                }
            }
            name = layer.name;
            origin = layer.origin;
        }
        // A Backstage catalogue has no service categories or priorities.
        if format == crate::catalogue::Format::Backstage {
            priorities = priorities.or(Some(Vec::new()));
            categories = categories.or(Some(Vec::new()));
        }
        let (Some(priorities), Some(categories)) = (priorities, categories) else {
            return Err(SettingsError::Io(format!(
                "policy {origin} defines no `priorities` or no `categories` (nor does any policy it extends); add them, or `extends: {BUILTIN}`"
            )));
        };
        Ok(Policy {
            name,
            origin,
            priorities,
            categories,
            rules: rules_map,
            custom_rules: custom,
            files,
            kinds: composed.kinds,
            schemas: composed.schemas,
            references: composed.references,
            external,
            review,
        })
    }
}

/// Reads one policy file and, first, everything it extends.
fn collect(
    source: Source,
    schema: &crate::schema::Compiled,
    root: Option<&Path>,
    stack: &mut Vec<PathBuf>,
    layers: &mut Vec<Layer>,
) -> Result<(), SettingsError> {
    let (settings, origin, dir) = match &source {
        Source::Profile(name) => {
            let origin = match *name {
                BUILTIN => "built-in default policy".to_owned(),
                other => format!("built-in {other} profile"),
            };
            let text = profile(name).unwrap_or(DEFAULT_POLICY);
            (
                file::parse(&origin, text.to_owned(), schema, "policy")?,
                origin,
                None,
            )
        }
        Source::File(path) => (
            file::read(path, schema, "policy")?,
            crate::paths::shown(path),
            Some(crate::paths::parent_dir(path)),
        ),
    };
    let parsed: PolicyFile = serde_json::from_value(settings.value())
        .map_err(|e| SettingsError::Io(format!("policy {origin}: {e}")))?;
    if let Some(extends) = &parsed.spec.extends {
        for (pointer, entry) in extends.entries() {
            let next = if let Some((name, _)) = PROFILES.iter().find(|(n, _)| *n == entry) {
                Source::Profile(name)
            } else {
                let (Some(dir), Some(root)) = (dir.as_deref(), root) else {
                    return Err(SettingsError::Io(
                        "the built-in policy extends nothing".into(),
                    ));
                };
                let path = dir.join(entry);
                if !file::stays_inside(root, &path) {
                    let d = invalid(
                        &settings,
                        &pointer,
                        format!("`{entry}` is outside the policy's folder"),
                        "leads outside",
                        "a policy may extend `default` or files in its own folder tree",
                    );
                    return Err(settings.invalid(vec![d]));
                }
                let canonical = std::fs::canonicalize(&path).map_err(|e| (e, path.clone()));
                match canonical {
                    Err((e, path)) => {
                        let d = invalid(
                            &settings,
                            &pointer,
                            format!("cannot read `{}`: {e}", path.display()),
                            "extended here",
                            "check the path; it is relative to this policy file",
                        );
                        return Err(settings.invalid(vec![d]));
                    }
                    Ok(c) if stack.contains(&c) => {
                        let mut chain: Vec<String> =
                            stack.iter().map(|p| p.display().to_string()).collect();
                        chain.push(c.display().to_string());
                        let d = invalid(
                            &settings,
                            &pointer,
                            format!(
                                "policies extend each other in a cycle: {}",
                                chain.join(" -> ")
                            ),
                            "extends a policy that extends this one",
                            "remove one of the `extends`",
                        );
                        return Err(settings.invalid(vec![d]));
                    }
                    Ok(_) => Source::File(path),
                }
            };
            if let Source::File(p) = &source
                && let Ok(c) = std::fs::canonicalize(p)
            {
                stack.push(c);
            }
            let nested = collect(next, schema, root, stack, layers);
            if matches!(source, Source::File(_)) {
                stack.pop();
            }
            nested?;
        }
    }
    layers.push(Layer {
        origin,
        path: match &source {
            Source::File(p) => Some(p.clone()),
            Source::Profile(_) => None,
        },
        name: parsed.metadata.name,
        spec: parsed.spec,
        settings,
    });
    Ok(())
}
