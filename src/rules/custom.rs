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

use super::Context;
use crate::catalogue::EntityRef;
use crate::diagnostic::{Diagnostic, Label};
use crate::load::{Node, View};
use crate::schema::{SchemaCheck, check_document};

use crate::policy::custom::CustomRule;

impl CustomRule {
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
