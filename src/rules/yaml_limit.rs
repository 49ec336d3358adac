//! `yaml-limit`: found by the loader ([`crate::load`]) and by discovery (file size).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: crate::diagnostic::ids::YAML_LIMIT,
    default_severity: Severity::Error,
    stage: Stage::Load,
    summary: "the file stays within the input limits (size, nesting, documents, alias expansion)",
    doc: r#"## What it checks
That a file stays within catalint's input limits: file size (64 MiB), nesting depth (128),
documents per file (100,000) and the values that aliases may add to one document (100,000).
Each limit can be changed under `limits:` in `catalint.yaml`.

## Why it matters
A catalogue file is written by anyone with commit rights. A few lines of aliases (a
"billion laughs") can expand to gigabytes; a CI gate must refuse them quickly and say so,
not run out of memory.

## Example
```yaml
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
# ... and so on
```

Instead:

```yaml
a: [x, x, x]
```

## How to fix
Write values out instead of multiplying aliases; split very large files; flatten very deep
structures. If a real catalogue needs more, raise the limit in `catalint.yaml`.

No automatic fix: `catalint check --fix` leaves this to a person.
"#,
};

documented_rule!(YamlLimit, META);
