//! `unknown-field`: found by JSON Schema validation ([`crate::schema`]) in a profile whose
//! schemas leave mappings open (Backstage's), where a key the kind does not define is a
//! warning of its own rather than a `schema` error.

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: "unknown-field",
    default_severity: Severity::Warning,
    stage: Stage::Schema,
    summary: "no key that the kind does not define, anywhere in a Backstage document",
    doc: r#"## What it checks
In a catalogue linted with the `backstage` profile: that every key of a document is one the
kind defines, at the top level (`apiVersion`, `kind`, `metadata`, `spec`), in `metadata` and
in the kind's `spec`, with "did you mean" for a near miss. In catalint's own format, an
unknown field is a `schema` error instead.

## Why it matters
Backstage's own entity schemas leave `spec` open, so a misspelt relation passes everywhere
and the relation silently never appears: `consumesApi:` is not `consumesApis:`, and a
`dependsOn:` indented at the document root is no dependency at all.

## Example
```yaml
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payments}
spec:
  type: service
  lifecycle: production
  owner: team-a
  consumesApi: [orders-api]
dependsOn: [resource:payments-db]
```

Instead:

```yaml
spec:
  type: service
  lifecycle: production
  owner: team-a
  consumesApis: [orders-api]
  dependsOn: [resource:payments-db]
```

## How to fix
Correct the key (the help names the nearest defined one; a key at the top level that is a
field of `spec` is to be indented under `spec:`), or remove it. A field of the
organisation's own is added to the kind in the policy (`fields:`, see `catalint explain
schema`).

`catalint check --unsafe-fixes` renames a key when exactly one defined key is close to it.
"#,
};

documented_rule!(UnknownField, META);
