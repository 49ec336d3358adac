//! Durations of the catalogue format (`15m`, `4h`, `2d`, `1w`) in minutes, so that `1d`
//! compares equal to `24h` and `1w` to `7d`.

/// Minutes in a duration, or `None` for text that is not a duration (schema reports it).
pub fn minutes(text: &str) -> Option<u64> {
    let unit = text.chars().last()?;
    let digits = &text[..text.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    let factor = match unit {
        'm' => 1,
        'h' => 60,
        'd' => 60 * 24,
        'w' => 60 * 24 * 7,
        _ => return None,
    };
    n.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::minutes;

    #[test]
    fn units_convert_exactly() {
        assert_eq!(minutes("15m"), Some(15));
        assert_eq!(minutes("4h"), Some(240));
        assert_eq!(minutes("1d"), minutes("24h"));
        assert_eq!(minutes("1w"), minutes("7d"));
        assert_eq!(minutes("h"), None);
        assert_eq!(minutes("4x"), None);
        assert_eq!(minutes("99999999999999999999d"), None);
    }
}
