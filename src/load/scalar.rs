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

/// How a YAML 1.1 tool (PyYAML, older Ruby and Go libraries) reads a plain scalar, where
/// that differs from the YAML 1.2 reading. Dates are left out on purpose: both versions
/// leave them alone in practice for our purposes (the contract says they are not ambiguous).
pub fn yaml11_reading(s: &str) -> Option<String> {
    // Every trap starts with one of these; this runs on every plain scalar and key.
    if !s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b"yYnNoO+-".contains(&b))
    {
        return None;
    }
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Some("true".into()),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Some("false".into());
        }
        _ => {}
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let sign = if s.starts_with('-') { -1i128 } else { 1 };
    // 0777: octal in YAML 1.1, decimal 777 in YAML 1.2.
    if body.len() > 1
        && body.starts_with('0')
        && body.bytes().all(|b| (b'0'..=b'7').contains(&b))
        && let Ok(v) = i128::from_str_radix(body, 8)
    {
        return Some((sign * v).to_string());
    }
    // 0b1010: binary in YAML 1.1, a string in YAML 1.2.
    if let Some(bin) = body.strip_prefix("0b")
        && !bin.is_empty()
        && let Ok(v) = i128::from_str_radix(&bin.replace('_', ""), 2)
    {
        return Some((sign * v).to_string());
    }
    // 1_000: an integer in YAML 1.1, a string in YAML 1.2.
    if body.contains('_')
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        && body.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && let Ok(v) = body.replace('_', "").parse::<i128>()
    {
        return Some((sign * v).to_string());
    }
    // 18:00 or 1:30:00: base-60 numbers in YAML 1.1, strings in YAML 1.2.
    if let Some(v) = sexagesimal(body) {
        return Some((sign * v).to_string());
    }
    None
}

fn sexagesimal(s: &str) -> Option<i128> {
    let mut parts = s.split(':');
    let first = parts.next()?;
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i128 = first.parse().ok()?;
    let mut any = false;
    for part in parts {
        if part.is_empty() || part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let p: i128 = part.parse().ok()?;
        if p >= 60 {
            return None;
        }
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
}
