//! `yaml-ambiguous-value`: found after schema validation ([`crate::schema::ambiguity`]).

use super::{RuleMeta, Stage, documented_rule};
use crate::diagnostic::Severity;

pub static META: RuleMeta = RuleMeta {
    id: crate::diagnostic::ids::YAML_AMBIGUOUS_VALUE,
    default_severity: Severity::Warning,
    stage: Stage::Schema,
    summary: "no unquoted value that YAML 1.1 tools read differently from YAML 1.2",
    doc: r#"## What it checks
Unquoted keys and values that YAML 1.2 (catalint, most current parsers) and YAML 1.1 (PyYAML,
older Ruby and Go libraries, many CI tools) read differently: `yes`, `no`, `on`, `off`, `y`,
`n` (strings in 1.2, booleans in 1.1), `0777` (777 in 1.2, octal 511 in 1.1), `18:00`
(a string in 1.2, the base-60 number 1080 in 1.1), `1_000`, `0b101`. Only where the schema
accepts the value: a trap that breaks the schema (`requestable: yes`) is one `schema` finding
whose help explains both readings. Unquoted dates are not reported.

## Why it matters
The catalogue is read by more than one tool. The same file must mean the same thing to a
Python report script, a Go exporter and catalint.

## Example
```yaml
metadata:
  name: NO
```

Instead:

```yaml
metadata:
  name: "NO"
```

## How to fix
Quote the value (`"no"`, `"18:00"`), or write the YAML 1.2 form you mean (`false`, `511`).

`catalint check --fix` quotes the value (a safe fix: catalint reads the same string), or
writes a number that YAML 1.2 reads as a number in its plain decimal form.
"#,
};

documented_rule!(YamlAmbiguousValue, META);
