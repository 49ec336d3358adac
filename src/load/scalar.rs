//! Plain scalars resolved by the YAML 1.2 core schema, in our own code, and the YAML 1.1
//! readings that make a value ambiguous between the two.

use serde_json::{Number, Value};

/// What a plain (unquoted, untagged) scalar means under the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Plain {
    Value(Value),
    /// A string: the scalar's own text (left to the caller, which owns it already).
    Text,
    /// `.inf`, `-.inf`, `.nan`: floats that JSON cannot hold.
    NonFinite(&'static str),
}

pub fn resolve_plain(s: &str) -> Plain {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Value(Value::Null),
        "true" | "True" | "TRUE" => return Plain::Value(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Plain::Value(Value::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Plain::NonFinite("infinity");
        }
        "-.inf" | "-.Inf" | "-.INF" => return Plain::NonFinite("negative infinity"),
        ".nan" | ".NaN" | ".NAN" => return Plain::NonFinite("not-a-number"),
        _ => {}
    }
    if let Some(v) = resolve_int(s) {
        return Plain::Value(v);
    }
    if is_core_float(s)
        && let Ok(f) = s.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Plain::Value(Value::Number(n));
    }
    Plain::Text
}

fn resolve_int(s: &str) -> Option<Value> {
    let (digits, radix) = if let Some(oct) = s.strip_prefix("0o") {
        (oct, 8)
    } else if let Some(hex) = s.strip_prefix("0x") {
        (hex, 16)
    } else {
        let body = s.strip_prefix(['-', '+']).unwrap_or(s);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if let Ok(i) = s.parse::<i64>() {
            return Some(Value::from(i));
        }
        if let Ok(u) = s.trim_start_matches('+').parse::<u64>() {
            return Some(Value::from(u));
        }
        // Too large for 64 bits: keep it as a float, as JSON readers do.
        return s
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    };
    let ok = match radix {
        8 => !digits.is_empty() && digits.bytes().all(|b| (b'0'..=b'7').contains(&b)),
        _ => !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()),
    };
    if !ok {
        return None;
    }
    match u64::from_str_radix(digits, radix) {
        Ok(u) => Some(Value::from(u)),
        Err(_) => None,
    }
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac_digits = i - f;
        if int_digits == 0 && frac_digits == 0 {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// How a YAML 1.1 tool (PyYAML, Ruby's Psych, go-yaml v2, SnakeYAML) reads a plain scalar,
/// when that differs from the YAML 1.2 core schema's reading; `None` when both read the
/// same value. Decided from the YAML 1.1 type specifications (yaml.org/type: bool, int,
/// float, null, timestamp), not from a list of examples:
///
/// - bool: `y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF` (1.2: strings);
/// - int: `[-+]?0b[01_]+`, `[-+]?0[0-7_]+` (octal: `0777` is 511, but `02` is 2 in both),
///   `[-+]?(0|[1-9][0-9_]*)` (so `08` is a string in 1.1, 8 in 1.2), `[-+]?0x[0-9a-fA-F_]+`,
///   and base 60 `[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+` (`18:00` is 1080; `08:00` is a string
///   to both);
/// - float: `[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?` with at least one digit (the
///   exponent needs its sign: `9.9900025e1` and `1e3` are strings in 1.1, numbers in 1.2),
///   and base 60 `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`. (The spec's `[0-9.]*` after
///   the point is read, as every implementation reads it, as digits and underscores.)
///
/// Whatever matches none of these is a string in YAML 1.1, so a 1.2-only form (`0o2`, a
/// signless exponent) is a string there. Timestamps are left alone: the contract does not
/// count unquoted dates as ambiguous.
pub fn yaml11_reading(s: &str) -> Option<String> {
    // Every difference starts with one of these; this runs on every plain scalar and key.
    if !s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b"yYnNoO+-.".contains(&b))
    {
        return None;
    }
    let v11 = yaml11(s);
    let v12 = resolve_plain(s);
    let same = match (&v11, &v12) {
        (Y11::String, Plain::Text) => true,
        (Y11::Bool(a), Plain::Value(Value::Bool(b))) => a == b,
        (Y11::Null, Plain::Value(Value::Null)) => true,
        (Y11::NonFinite, Plain::NonFinite(_)) => true,
        // Both read a number from the same digits: the same value, but for octal, where
        // `0` followed by digits is base 8 in 1.1 and base 10 in 1.2.
        (Y11::Int { octal, .. }, Plain::Value(Value::Number(_))) => {
            !*octal
                || s.trim_start_matches(['-', '+'])
                    .trim_start_matches('0')
                    .len()
                    <= 1
        }
        (Y11::Float, Plain::Value(Value::Number(_))) => true,
        _ => false,
    };
    if same {
        return None;
    }
    Some(match v11 {
        Y11::Bool(b) => b.to_string(),
        Y11::Null => "null".into(),
        Y11::NonFinite => s.to_owned(),
        Y11::Int { value, .. } => value.unwrap_or_else(|| "a number too large to show".into()),
        Y11::Float => float_text(s),
        Y11::String => format!("the string \"{s}\""),
    })
}

/// A YAML 1.1 float as catalint shows it: underscores dropped, base 60 worked out.
fn float_text(s: &str) -> String {
    let plain = s.replace('_', "");
    let Some((whole, fraction)) = plain.split_once('.').filter(|(w, _)| w.contains(':')) else {
        return plain;
    };
    let negative = whole.starts_with('-');
    let whole = whole.trim_start_matches(['-', '+']);
    let mut value = 0f64;
    for part in whole.split(':') {
        value = value * 60.0 + part.parse::<f64>().unwrap_or(0.0);
    }
    value += format!("0.{fraction}").parse::<f64>().unwrap_or(0.0);
    format!("{}{value}", if negative { "-" } else { "" })
}

/// A plain scalar as YAML 1.1 reads it (the value, where catalint needs to show it).
#[derive(Debug, PartialEq)]
enum Y11 {
    Null,
    Bool(bool),
    /// `value`: in decimal, `None` beyond 128 bits; `octal`: written in base 8.
    Int {
        octal: bool,
        value: Option<String>,
    },
    Float,
    NonFinite,
    String,
}

fn yaml11(s: &str) -> Y11 {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Y11::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Y11::Bool(false);
        }
        "" | "~" | "null" | "Null" | "NULL" => return Y11::Null,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Y11::NonFinite,
        _ => {}
    }
    let negative = s.starts_with('-');
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let signed = |v: Option<u128>| {
        v.map(|v| {
            if negative {
                format!("-{v}")
            } else {
                v.to_string()
            }
        })
    };
    let digits_in = |t: &str, radix: u32| {
        !t.is_empty()
            && t.chars().all(|c| c == '_' || c.is_digit(radix))
            && t.chars().any(|c| c != '_')
    };
    let value_in = |t: &str, radix: u32| u128::from_str_radix(&t.replace('_', ""), radix).ok();
    if let Some(bin) = body.strip_prefix("0b") {
        if digits_in(bin, 2) {
            return Y11::Int {
                octal: false,
                value: signed(value_in(bin, 2)),
            };
        }
    } else if let Some(hex) = body.strip_prefix("0x") {
        if digits_in(hex, 16) {
            return Y11::Int {
                octal: false,
                value: signed(value_in(hex, 16)),
            };
        }
    } else if body.len() > 1 && body.starts_with('0') && digits_in(&body[1..], 8) {
        return Y11::Int {
            octal: true,
            value: signed(value_in(&body[1..], 8)),
        };
    } else if body == "0"
        || body.starts_with(|c: char| ('1'..='9').contains(&c)) && digits_in(body, 10)
    {
        return Y11::Int {
            octal: false,
            value: signed(value_in(body, 10)),
        };
    }
    if let Some(v) = sexagesimal(body) {
        return Y11::Int {
            octal: false,
            value: signed(u128::try_from(v).ok()),
        };
    }
    if is_yaml11_float(body) {
        return Y11::Float;
    }
    Y11::String
}

/// `([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?` with a digit somewhere, or base 60 with a
/// fraction: `[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`; the sign is already stripped.
fn is_yaml11_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if let Some(e) = exponent {
        let Some(digits) = e.strip_prefix(['-', '+']) else {
            return false;
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    let Some((whole, fraction)) = mantissa.split_once('.') else {
        return false;
    };
    let digits_or_underscores = |t: &str| t.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !digits_or_underscores(fraction) {
        return false;
    }
    let whole_ok = if whole.contains(':') {
        // Base 60: `[0-9][0-9_]*(:[0-5]?[0-9])+`, no exponent.
        exponent.is_none() && {
            let mut parts = whole.split(':');
            let first = parts.next().unwrap_or("");
            first.starts_with(|c: char| c.is_ascii_digit())
                && digits_or_underscores(first)
                && parts.all(|p| {
                    let b = p.as_bytes();
                    match b {
                        [d] => d.is_ascii_digit(),
                        [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
                        _ => false,
                    }
                })
        }
    } else {
        whole.is_empty()
            || whole.starts_with(|c: char| c.is_ascii_digit()) && digits_or_underscores(whole)
    };
    whole_ok
        && (whole
            .bytes()
            .chain(fraction.bytes())
            .any(|b| b.is_ascii_digit()))
}

/// Base 60 integers: `[1-9][0-9_]*(:[0-5]?[0-9])+` (the sign already stripped).
fn sexagesimal(s: &str) -> Option<i128> {
    let mut parts = s.split(':');
    let first = parts.next()?;
    if !first.starts_with(|c: char| ('1'..='9').contains(&c))
        || !first.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let mut value: i128 = first.replace('_', "").parse().ok()?;
    let mut any = false;
    for part in parts {
        let p: i128 = match part.as_bytes() {
            [d] if d.is_ascii_digit() => i128::from(d - b'0'),
            [t, d] if (b'0'..=b'5').contains(t) && d.is_ascii_digit() => {
                i128::from((t - b'0') * 10 + (d - b'0'))
            }
            _ => return None,
        };
        value = value.checked_mul(60)?.checked_add(p)?;
        any = true;
    }
    any.then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(s: &str) -> Value {
        match resolve_plain(s) {
            Plain::Value(v) => v,
            Plain::Text => Value::String(s.to_owned()),
            Plain::NonFinite(w) => panic!("{s} is {w}"),
        }
    }

    #[test]
    fn core_schema() {
        assert_eq!(v("~"), Value::Null);
        assert_eq!(v(""), Value::Null);
        assert_eq!(v("True"), json!(true));
        assert_eq!(v("no"), json!("no"));
        assert_eq!(v("yes"), json!("yes"));
        assert_eq!(v("0777"), json!(777));
        assert_eq!(v("0o17"), json!(15));
        assert_eq!(v("0x1F"), json!(31));
        assert_eq!(v("-12"), json!(-12));
        assert_eq!(v("99.95"), json!(99.95));
        assert_eq!(v("1.10"), json!(1.1));
        assert_eq!(v(".5"), json!(0.5));
        assert_eq!(v("1e3"), json!(1000.0));
        assert_eq!(v("1."), json!(1.0));
        assert_eq!(v("18:00"), json!("18:00"));
        assert_eq!(v("2024-01-31"), json!("2024-01-31"));
        assert_eq!(v("1_000"), json!("1_000"));
        assert_eq!(v("."), json!("."));
        assert_eq!(v("e3"), json!("e3"));
        assert_eq!(resolve_plain(".nan"), Plain::NonFinite("not-a-number"));
        assert_eq!(
            resolve_plain("-.inf"),
            Plain::NonFinite("negative infinity")
        );
    }

    #[test]
    fn yaml11_traps() {
        assert_eq!(yaml11_reading("no").as_deref(), Some("false"));
        assert_eq!(yaml11_reading("On").as_deref(), Some("true"));
        assert_eq!(yaml11_reading("0777").as_deref(), Some("511"));
        assert_eq!(yaml11_reading("18:00").as_deref(), Some("1080"));
        assert_eq!(yaml11_reading("1_000").as_deref(), Some("1000"));
        assert_eq!(yaml11_reading("0b101").as_deref(), Some("5"));
        assert_eq!(yaml11_reading("2024-01-31"), None);
        assert_eq!(yaml11_reading("true"), None);
        assert_eq!(yaml11_reading("0"), None);
        assert_eq!(yaml11_reading("10:75"), None);
        assert_eq!(yaml11_reading("hello"), None);
    }

    /// Cases decided from the YAML 1.1 type specs: equal readings are not ambiguous,
    /// different ones are, in both directions.
    #[test]
    fn yaml11_and_yaml12_compared_value_by_value() {
        let same = [
            "02",
            "00",
            "-07",
            "+12",
            "0x1F",
            "1.5",
            "1.",
            ".5",
            "1.0e+3",
            "08:00",
            "0:30",
            "null",
            "~",
            "",
            "True",
            "FALSE",
            ".inf",
            "-.Inf",
            ".nan",
            "2024-01-31",
            "123",
            "-0",
            "1.2.3",
            "e3",
            "1.5e-3",
        ];
        for s in same {
            assert_eq!(yaml11_reading(s), None, "{s:?}");
        }
        let differ = [
            ("010", "8"),
            ("0777", "511"),
            ("-010", "-8"),
            ("08", "the string \"08\""),
            ("0o2", "the string \"0o2\""),
            ("9.9900025e1", "the string \"9.9900025e1\""),
            ("1e3", "the string \"1e3\""),
            (".5e3", "the string \".5e3\""),
            ("18:00", "1080"),
            ("-1:30", "-90"),
            ("1:30.5", "90.5"),
            ("1_0.5", "10.5"),
            ("0b11", "3"),
            ("+0x10", "16"),
            ("0x1_F", "31"),
            ("y", "true"),
            ("OFF", "false"),
        ];
        for (s, reading) in differ {
            assert_eq!(yaml11_reading(s).as_deref(), Some(reading), "{s:?}");
        }
    }
}
