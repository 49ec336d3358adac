//! `yaml-unsupported`: found by the loader ([`crate::load`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: crate::diagnostic::ids::YAML_UNSUPPORTED,
    default_severity: Severity::Error,
    stage: Stage::Load,
    summary: "no YAML that JSON cannot hold: non-string keys, custom tags, .inf/.nan",
    doc: r#"## What it checks
YAML features that have no JSON equivalent and so no meaning in the catalogue: mapping keys
that are numbers, booleans, null, lists or mappings; custom tags (`!secret`, `!!binary`);
`.inf` and `.nan`; a merge key `<<` that merges something other than mappings.

## Why it matters
Catalogue entities are validated as JSON and exchanged with other tools as JSON. A key `1:`
or a `!vault` tag would be silently turned into something else, or dropped, on the way.

## Example
```yaml
spec:
  criticality: !high 1
```

Instead:

```yaml
spec:
  criticality: 1
```

## How to fix
Quote keys (`"1": x`), remove tags, and write finite numbers.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

documented_rule!(YamlUnsupported, META);
