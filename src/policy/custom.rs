//! A custom rule as a policy defines it: its definition as written (`customRules:` in a
//! policy file) and its compiled form, schema fragments compiled once. How a custom rule
//! checks the catalogue is in [`crate::rules::custom`].

use serde::Deserialize;
use serde_json::Value;

use crate::catalogue::{Kind, Kinds};
use crate::diagnostic::Severity;

use crate::schema::Compiled;

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
    pub(crate) kinds: Vec<Kind>,
    pub(crate) selector: Option<Compiled>,
    pub(crate) require: Option<Compiled>,
    pub(crate) references: Vec<(ReferenceDef, Kind, Option<Compiled>)>,
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
}
