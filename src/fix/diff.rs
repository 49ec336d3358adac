//! Unified diffs of what fixing would change (`catalint check --diff`), in the format that
//! `git apply` and `patch -p1` read.

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The unified diff from `before` to `after`, with `a/PATH` and `b/PATH` headers; empty
/// when they are equal. Lines keep their own breaks (`\r\n` stays visible to `patch`); a
/// last line without one is marked `\ No newline at end of file`.
pub fn unified(path: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    let a = lines(before);
    let b = lines(after);
    let ops = script(&a, &b);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    // Hunks: runs of changes with up to 2 * CONTEXT equal lines between them.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| !matches!(o, Op::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        match groups.last_mut() {
            Some((_, end)) if i <= *end + 2 * CONTEXT + 1 => *end = i,
            _ => groups.push((i, i)),
        }
    }
    for (first, last) in groups {
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(ops.len());
        let (mut a_line, mut b_line) = position(&ops[..start]);
        let (a_len, b_len) = {
            let (x, y) = position(&ops[start..end]);
            (x, y)
        };
        // An empty side starts at the line before it, as `diff -u` writes it.
        if a_len > 0 {
            a_line += 1;
        }
        if b_len > 0 {
            b_line += 1;
        }
        out.push_str(&format!("@@ -{a_line},{a_len} +{b_line},{b_len} @@\n"));
        for op in &ops[start..end] {
            let (sign, line) = match op {
                Op::Same(i) => (' ', a[*i]),
                Op::Delete(i) => ('-', a[*i]),
                Op::Insert(j) => ('+', b[*j]),
            };
            out.push(sign);
            out.push_str(line);
            if !line.ends_with('\n') && !line.ends_with('\r') {
                out.push_str("\n\\ No newline at end of file\n");
            } else if line.ends_with('\r') && !line.ends_with("\r\n") {
                // A lone `\r` break: end the diff line too, or the next one would join it.
                out.push('\n');
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Same(usize),
    Delete(usize),
    Insert(usize),
}

/// Lines with their breaks (`\n`, `\r\n`, a lone `\r`).
fn lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..=i]);
                start = i + 1;
            }
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                out.push(&text[start..=i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// (lines of `a`, lines of `b`) that `ops` cover.
fn position(ops: &[Op]) -> (usize, usize) {
    ops.iter().fold((0, 0), |(x, y), o| match o {
        Op::Same(..) => (x + 1, y + 1),
        Op::Delete(_) => (x + 1, y),
        Op::Insert(_) => (x, y + 1),
    })
}

/// An edit script: the common prefix and suffix are matched first, so that the quadratic
/// longest-common-subsequence table only spans the changed middle (fixes are local).
fn script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<Op> = (0..prefix).map(Op::Same).collect();
    // A middle too large for a table is shown as a whole replacement: still a valid diff.
    if am.len().saturating_mul(bm.len()) > 4_000_000 {
        ops.extend((0..am.len()).map(|i| Op::Delete(prefix + i)));
        ops.extend((0..bm.len()).map(|j| Op::Insert(prefix + j)));
    } else {
        let w = bm.len() + 1;
        let mut t = vec![0u32; (am.len() + 1) * w];
        for i in (0..am.len()).rev() {
            for j in (0..bm.len()).rev() {
                t[i * w + j] = if am[i] == bm[j] {
                    t[(i + 1) * w + j + 1] + 1
                } else {
                    t[(i + 1) * w + j].max(t[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < am.len() || j < bm.len() {
            if i < am.len() && j < bm.len() && am[i] == bm[j] {
                ops.push(Op::Same(prefix + i));
                i += 1;
                j += 1;
            } else if i < am.len() && (j == bm.len() || t[(i + 1) * w + j] >= t[i * w + j + 1]) {
                // Deletions first, as `diff -u` shows a changed line.
                ops.push(Op::Delete(prefix + i));
                i += 1;
            } else {
                ops.push(Op::Insert(prefix + j));
                j += 1;
            }
        }
    }
    let a_tail = a.len() - suffix;
    ops.extend((0..suffix).map(|k| Op::Same(a_tail + k)));
    ops
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn equal_texts_give_no_diff() {
        assert_eq!(unified("x.yaml", "a\n", "a\n"), "");
    }

    #[test]
    fn one_changed_line_with_context() {
        let before = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let after = "1\n2\n3\n4x\n5\n6\n7\n8\n";
        assert_eq!(
            unified("c/s.yaml", before, after),
            "--- a/c/s.yaml\n+++ b/c/s.yaml\n@@ -1,7 +1,7 @@\n 1\n 2\n 3\n-4\n+4x\n 5\n 6\n 7\n"
        );
    }

    #[test]
    fn deleted_line_and_missing_final_newline() {
        assert_eq!(
            unified("f", "a\nb\nc", "a\nc"),
            "--- a/f\n+++ b/f\n@@ -1,3 +1,2 @@\n a\n-b\n c\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn crlf_lines_keep_their_breaks() {
        let d = unified("f", "a\r\nb\r\n", "a\r\nB\r\n");
        assert_eq!(d, "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+B\r\n");
    }

    #[test]
    fn distant_changes_make_two_hunks() {
        let before: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let after: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_owned(),
                19 => "nineteen\n".to_owned(),
                i => format!("{i}\n"),
            })
            .collect();
        let d = unified("f", &before, &after);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
    }
}
