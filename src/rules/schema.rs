//! `schema`: found by JSON Schema validation ([`crate::schema`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: crate::diagnostic::ids::SCHEMA,
    default_severity: Severity::Error,
    stage: Stage::Schema,
    summary: "the document matches its kind's JSON Schema (unknown fields included)",
    doc: r#"## What it checks
That each Service, Product and Team document matches its JSON Schema (`catalint schema KIND`
prints it): required fields, types, allowed values, the forms of ids, e-mails, durations,
dates and times, and no unknown fields. The finding points at the unknown key, at the value
of the wrong type or form, or, for a missing field, at the key of the mapping that lacks it.
Missing fields that a domain rule owns are that rule's finding instead (`spec.category`:
`single-category`; `spec.serviceLevels`: `sla-defined`; a product's `spec.service`:
`product-is-service`).

## Why it matters
Every other rule, and every tool that reads the catalogue, relies on the documents having
the agreed shape. A misspelt `critically:` is not a criticality.

## Example
```yaml
spec:
  criticality: high
  critically: 1
```

Instead:

```yaml
spec:
  criticality: 1
```

## How to fix
Follow the message: it names the field and what is allowed. A help line explains how YAML
read the value when that is the surprise (`1.10` is the number 1.1; quote it).

`catalint check --unsafe-fixes` renames an unknown field when exactly one allowed field is
close to it and the mapping lacks that field (`critically` -> `criticality`), replaces a
value with the one allowed name close to it (`facing: customer` -> `customer-facing`), and
writes `true`/`false` for a YAML 1.1 word where a boolean is expected (`requestable: yes` ->
`true`). All three are unsafe: they are guesses, or change the value; review the diff
(`--diff --unsafe-fixes`).
"#,
};

documented_rule!(Schema, META);
