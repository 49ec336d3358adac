//! Custom rules: organisation-specific checks written as data in a policy file.
//!
//! ```yaml
//! customRules:
//!   - id: critical-needs-runbook
//!     severity: error
//!     summary: Criticality-1 services link a runbook
//!     appliesTo:
//!       kind: Service
//!       where: {properties: {spec: {properties: {criticality: {const: 1}}}}}
//!     require: {properties: {metadata: {required: [links], properties: {links: {required: [runbook]}}}}}
//!     message: "criticality-1 service {id} has no runbook link"
//! ```
//!
//! The selector (`where`) and the requirement (`require`) are JSON Schema fragments,
//! validated by the same engine as the catalogue's schemas, so their failures land on the
//! exact key or value like any `schema` finding. `references` reach across entities and
//! `unique` across the catalogue, which JSON Schema alone cannot.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::Context;
use crate::catalogue::{EntityRef, Kind, Kinds};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::load::{Node, View};
use crate::schema::{Compiled, SchemaCheck, check_document};

/// How a custom rule is written in a policy file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomRuleDef {
    pub id: String,
    #[serde(default)]
    pub severity: Option<super::super::policy::Level>,
    pub summary: String,
    #[serde(default)]
    pub description: Option<String>,
    pub applies_to: AppliesTo,
    #[serde(default)]
    pub require: Option<Value>,
    #[serde(default)]
    pub references: Vec<ReferenceDef>,
    #[serde(default)]
    pub unique: Vec<String>,
    pub message: String,
    #[serde(default)]
    pub help: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    pub kind: KindSet,
    #[serde(default, rename = "where")]
    pub selector: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum KindSet {
    One(String),
    Many(Vec<String>),
}

impl KindSet {
    fn entries(&self) -> Vec<(String, &str)> {
        match self {
            KindSet::One(k) => vec![(String::new(), k.as_str())],
            KindSet::Many(ks) => ks
                .iter()
                .enumerate()
                .map(|(i, k)| (format!("/{i}"), k.as_str()))
                .collect(),
        }
    }
}

/// A kind the policy does not know: the message names the place as a schema finding
/// would, with "did you mean" over the policy's kinds.
fn unknown_kind(kinds: &Kinds, at: &str, name: &str) -> DefinitionError {
    let all: Vec<&str> = kinds.all().map(Kind::as_str).collect();
    let help =
        crate::suggest::nearest(name, all.iter().copied()).map(|n| format!("did you mean `{n}`?"));
    (
        String::new(),
        format!(
            "`{}` must be {}, found the string `{name}`",
            crate::schema::display_path(at),
            crate::catalogue::join_words(&all, "or", |k| format!("`{k}`"))
        ),
        help,
    )
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceDef {
    pub path: String,
    pub kind: String,
    #[serde(default, rename = "where")]
    pub selector: Option<Value>,
}

/// A custom rule ready to run: its schema fragments compiled once.
#[derive(Debug)]
pub struct CustomRule {
    pub def: CustomRuleDef,
    /// The policy file it was defined in.
    pub origin: String,
    pub severity: Severity,
    kinds: Vec<Kind>,
    selector: Option<Compiled>,
    require: Option<Compiled>,
    references: Vec<(ReferenceDef, Kind, Option<Compiled>)>,
}

/// A problem with a custom rule's definition: the pointer (within the rule's entry), why,
/// and how to fix it when that is more than "fix the definition".
pub type DefinitionError = (String, String, Option<String>);

impl CustomRule {
    /// `kinds` are the policy's; `at` is the rule's place in its policy file.
    pub fn compile(
        def: CustomRuleDef,
        origin: String,
        kinds: &Kinds,
        at: &str,
    ) -> Result<CustomRule, Vec<DefinitionError>> {
        let mut errors = Vec::new();
        let compile = |pointer: &str,
                       schema: &Option<Value>,
                       errors: &mut Vec<DefinitionError>|
         -> Option<Compiled> {
            let s = schema.as_ref()?;
            match Compiled::new(s.clone()) {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push((
                        pointer.to_owned(),
                        format!("not a valid JSON Schema: {e}"),
                        None,
                    ));
                    None
                }
            }
        };
        let selector = compile("/appliesTo/where", &def.applies_to.selector, &mut errors);
        let require = compile("/require", &def.require, &mut errors);
        let mut references = Vec::new();
        for (i, r) in def.references.iter().enumerate() {
            let compiled = compile(&format!("/references/{i}/where"), &r.selector, &mut errors);
            let pointer = format!("/references/{i}/kind");
            match kinds.parse(&r.kind) {
                Some(k) => references.push((r.clone(), k, compiled)),
                None => {
                    let (_, message, help) =
                        unknown_kind(kinds, &format!("{at}{pointer}"), &r.kind);
                    errors.push((pointer, message, help));
                }
            }
            if !r.path.starts_with('/') {
                errors.push((
                    format!("/references/{i}/path"),
                    "a JSON pointer starts with `/`".into(),
                    None,
                ));
            }
        }
        let mut applies_to = Vec::new();
        for (suffix, name) in def.applies_to.kind.entries() {
            let pointer = format!("/appliesTo/kind{suffix}");
            match kinds.parse(name) {
                Some(k) => applies_to.push(k),
                None => {
                    let (_, message, help) = unknown_kind(kinds, &format!("{at}{pointer}"), name);
                    errors.push((pointer, message, help));
                }
            }
        }
        for (i, p) in def.unique.iter().enumerate() {
            if !p.starts_with('/') {
                errors.push((
                    format!("/unique/{i}"),
                    "a JSON pointer starts with `/`".into(),
                    None,
                ));
            }
        }
        if def.require.is_none() && def.references.is_empty() && def.unique.is_empty() {
            errors.push((
                String::new(),
                "a custom rule needs `require`, `references` or `unique`".into(),
                None,
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let severity = match def.severity {
            Some(super::super::policy::Level::Warning) => Severity::Warning,
            _ => Severity::Error,
        };
        Ok(CustomRule {
            kinds: applies_to,
            severity,
            selector,
            require,
            references,
            origin,
            def,
        })
    }

    /// The kinds of entity the rule applies to.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// The documentation `catalint explain` serves for this rule.
    pub fn doc(&self) -> String {
        let mut doc = format!("## What it checks\n{}\n", self.def.summary);
        if let Some(d) = &self.def.description {
            doc.push('\n');
            doc.push_str(d.trim_end());
            doc.push('\n');
        }
        doc.push_str(&format!(
            "\nDefined in the policy `{}`; applies to {}.\n",
            self.origin,
            self.kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        doc.push_str("\n## How to fix\n");
        if let Some(h) = &self.def.help {
            doc.push_str(&format!("{h}\n\n"));
        }
        // A policy states what is required, not how to repair it: custom rules carry none.
        doc.push_str("No automatic fix: `catalint check --fix` leaves a custom rule's findings to a person.\n");
        doc
    }

    fn applies(&self, e: EntityRef<'_>) -> bool {
        self.kinds.contains(&e.kind())
            && self
                .selector
                .as_ref()
                .is_none_or(|s| s.validator.is_valid(e.value()))
    }

    fn finding(&self, e: EntityRef<'_>, pointer: &str, primary: Label) -> Diagnostic {
        let value = e
            .get(pointer)
            .map(|v| match v.as_str() {
                Some(s) => s.to_owned(),
                None => v.to_string(),
            })
            .unwrap_or_default();
        let message = self
            .def
            .message
            .replace("{id}", e.id())
            .replace("{kind}", e.kind().as_str())
            .replace("{pointer}", pointer)
            .replace("{value}", &value);
        let mut d = Diagnostic::new(self.def.id.clone(), self.severity, message, primary)
            .with_pointer(pointer);
        d.help = self.def.help.clone();
        d
    }

    /// `require` and `references` on one entity.
    pub fn check_entity(&self, cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
        self.check_require(cx, e, out);
        self.check_references(cx, e, out);
    }

    /// `require`: a finding of the entity alone.
    fn check_require(&self, cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
        if !self.applies(e) {
            return;
        }
        let text = &cx.catalogue.files.get(e.file()).text;
        if let Some(require) = &self.require {
            let check = SchemaCheck {
                compiled: require,
                file: e.file(),
                text,
                doc: &e.source.doc,
            };
            for found in check_document(&check, &|_| false) {
                let pointer = found.pointer.clone().unwrap_or_default();
                let mut d = self.finding(e, &pointer, found.primary);
                d.related = found.related;
                if d.help.is_none() {
                    d.help = found.help;
                }
                out.push(d);
            }
        }
    }

    /// `references`: whether the entities that `e` names qualify. The answer depends on
    /// other entities too, so a run that reports only some files runs this for every
    /// entity (a staged target that stops qualifying is reported on its unchanged referrer,
    /// where the target's failing place is a related place).
    pub fn check_references(&self, cx: &Context<'_>, e: EntityRef<'_>, out: &mut Vec<Diagnostic>) {
        if !self.applies(e) {
            return;
        }
        for (r, kind, selector) in &self.references {
            let targets: Vec<(String, &str)> = match e.get(&r.path).map(Node::view) {
                Some(View::String(s)) => vec![(r.path.clone(), s)],
                Some(View::Array(items)) => items
                    .enumerate()
                    .filter_map(|(i, v)| Some((format!("{}/{i}", r.path), v.as_str()?)))
                    .collect(),
                _ => Vec::new(),
            };
            for (pointer, target_id) in targets {
                let Some(target) = cx.catalogue.get_kind(target_id, *kind) else {
                    out.push(self.finding(
                        e,
                        &pointer,
                        Label::new(
                            e.at_value(&pointer),
                            format!("no {} has this id", kind.as_str()),
                        ),
                    ));
                    continue;
                };
                let Some(selector) = selector else { continue };
                let target_text = &cx.catalogue.files.get(target.file()).text;
                let check = SchemaCheck {
                    compiled: selector,
                    file: target.file(),
                    text: target_text,
                    doc: &target.source.doc,
                };
                let failures = check_document(&check, &|_| false);
                if let Some(first) = failures.first() {
                    let mut d = self.finding(
                        e,
                        &pointer,
                        Label::new(
                            e.at_value(&pointer),
                            format!("`{target_id}` does not qualify"),
                        ),
                    );
                    d.related.push(Label::new(
                        first.primary.location.clone(),
                        first.message.clone(),
                    ));
                    out.push(d);
                }
            }
        }
    }

    /// `unique` across the catalogue: one finding per repeat, at the later place.
    pub fn check_catalogue(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for pointer in &self.def.unique {
            let mut first: HashMap<String, EntityRef<'_>> = HashMap::new();
            for e in cx.catalogue.iter().filter(|e| self.applies(*e)) {
                let Some(v) = e.get(pointer) else { continue };
                let key = v.to_string();
                match first.get(&key) {
                    Some(earlier) => {
                        let d = self
                            .finding(
                                e,
                                pointer,
                                Label::new(e.at_value(pointer), "used again here"),
                            )
                            .with_related(Label::new(
                                earlier.at_value(pointer),
                                format!("first used by `{}`", earlier.id()),
                            ));
                        out.push(d);
                    }
                    None => {
                        first.insert(key, e);
                    }
                }
            }
        }
    }
}
