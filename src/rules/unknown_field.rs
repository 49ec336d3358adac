//! `unknown-field`: found by JSON Schema validation ([`crate::schema`]) in a profile whose
//! schemas leave mappings open (Backstage's), where a key the kind does not define in
//! `metadata` or `spec` is a warning of its own rather than a `schema` error (a key at the
//! top level stays a `schema` error: Backstage refuses the entity).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "unknown-field",
    default_severity: Severity::Warning,
    stage: Stage::Schema,
    summary: "no key that the kind does not define in a Backstage entity's `metadata` or `spec`",
    doc: r#"## What it checks
In a catalogue linted with the `backstage` profile: that every key in `metadata` and in the
kind's `spec` is one the kind defines, with "did you mean" for a near miss. In catalint's own
format an unknown field is a `schema` error instead, and so is a key at the top level of a
Backstage document (anything but `apiVersion`, `kind`, `metadata` and `spec`), which
Backstage itself refuses.

## Why it matters
Backstage's own entity schemas leave `metadata` and `spec` open, so a misspelt relation
passes everywhere and the relation silently never appears: `consumesApi:` is not
`consumesApis:`, and a `descripton:` is no description.

## Example
```yaml
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payments, descripton: Takes card payments.}
spec:
  type: service
  lifecycle: production
  owner: team-a
  consumesApi: [orders-api]
```

Instead:

```yaml
metadata: {name: payments, description: Takes card payments.}
spec:
  type: service
  lifecycle: production
  owner: team-a
  consumesApis: [orders-api]
```

## How to fix
Correct the key (the help names the nearest defined one), or remove it. A field of the
organisation's own is added to the kind in the policy (`fields:`, see `catalint explain
schema`).

`catalint check --unsafe-fixes` renames a key when exactly one defined key is close to it.
"#,
};

documented_rule!(UnknownField, META);
