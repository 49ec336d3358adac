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

/// Edit distance over characters, counting a swap of neighbours as one edit (optimal
/// string alignment), since `emial` for `email` is the commonest typo.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
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
        assert_eq!(nearest("emial", ["email", "chat"]), Some("email"));
        assert_eq!(distance("ab", "ba"), 1);
    }
}
