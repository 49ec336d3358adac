//! "Did you mean?" suggestions for misspelt ids, fields and values.

/// The candidate closest to `input` by edit distance, if it is close enough to be a typo.
pub fn nearest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_lower = input.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = distance(&input_lower, &c.to_lowercase());
        let max = (c.chars().count().max(input.chars().count()) / 3).max(1);
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let ids = ["single-category", "sla-defined", "unique-id"];
        assert_eq!(nearest("single-categroy", ids), Some("single-category"));
        assert_eq!(nearest("sla-define", ids), Some("sla-defined"));
        assert_eq!(nearest("banana", ids), None);
        assert_eq!(nearest("Servce", ["Service", "Team"]), Some("Service"));
    }
}
