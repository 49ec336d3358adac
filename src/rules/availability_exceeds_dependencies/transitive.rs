//! The transitive scope of `availability-exceeds-dependencies`: every service judged against
//! the closure of its hard dependencies, in one pass over the strongly connected components,
//! with closures kept as runs of positions or bitsets.

use super::*;

/// Every service reachable from `start` by hard dependencies, each once, start excluded.
pub(super) fn closure(graph: &Graph<'_>, start: usize) -> Vec<usize> {
    let mut seen = HashSet::from([start]);
    let mut order = Vec::new();
    let mut stack = vec![start];
    while let Some(v) = stack.pop() {
        for &(w, _) in &graph.edges[v] {
            if seen.insert(w) {
                order.push(w);
                stack.push(w);
            }
        }
    }
    order
}

/// Transitive scope in one pass over the strongly connected components, dependencies
/// first (the order Tarjan's algorithm finds them in). Services are numbered in that
/// order, so a component and everything it reaches is a set of positions below its end;
/// such sets are kept as runs of consecutive positions (chains, trees and layered graphs
/// give a handful of runs), or as bitsets when runs would take more room. Each set is
/// the union of its dependencies' sets, and is dropped once every dependent has used it.
/// `judged` (by node), when given, says which services are judged; the others only
/// lend their closures.
pub(super) fn transitive_pass(
    judge: &Judge<'_, '_>,
    judged: Option<&[bool]>,
    out: &mut Vec<Diagnostic>,
) {
    let graph = judge.graph;
    let components = graph.components();
    let n = graph.nodes.len();
    let mut comp_of = vec![0u32; n];
    let mut at = Vec::with_capacity(n);
    let mut block = Vec::with_capacity(components.len());
    for (c, members) in components.iter().enumerate() {
        let start = at.len() as u32;
        for &v in members {
            comp_of[v] = c as u32;
            at.push(v as u32);
        }
        block.push((start, at.len() as u32));
    }
    let mut pending = vec![0u32; components.len()];
    for (v, edges) in graph.edges.iter().enumerate() {
        for &(w, _) in edges {
            if comp_of[w] != comp_of[v] {
                pending[comp_of[w] as usize] += 1;
            }
        }
    }
    let closures = Closures::new(at, judge.targets);
    let mut sets: Vec<Option<Set>> = (0..components.len()).map(|_| None).collect();
    let mut stamp = vec![u32::MAX; components.len()];
    for (c, members) in components.iter().enumerate() {
        let mut children = Vec::new();
        for &v in members {
            for &(w, _) in &graph.edges[v] {
                let cw = comp_of[w] as usize;
                if cw != c && stamp[cw] != c as u32 {
                    stamp[cw] = c as u32;
                    children.push(cw);
                }
            }
        }
        let set = Set::union(
            n,
            block[c],
            children.iter().filter_map(|&cw| sets[cw].as_ref()),
        );
        let runs = set.runs();
        for &v in members {
            if judged.is_none_or(|j| j[v]) && judge.worth_judging(v) {
                let m = Members::Closure {
                    runs: &runs,
                    of: v,
                    closures: &closures,
                };
                judge.judge(v, &m, out);
            }
        }
        for &v in members {
            for &(w, _) in &graph.edges[v] {
                let cw = comp_of[w] as usize;
                if cw != c {
                    pending[cw] -= 1;
                    if pending[cw] == 0 {
                        sets[cw] = None;
                    }
                }
            }
        }
        if pending[c] > 0 {
            sets[c] = Some(set);
        }
    }
}

/// A set of positions: sorted, disjoint, non-adjacent runs, or a bitset.
pub(super) enum Set {
    Runs(Vec<(u32, u32)>),
    Bits(Vec<u64>),
}

impl Set {
    /// `own` (a component's block of positions) and everything in `children`.
    fn union<'s>(n: usize, own: (u32, u32), children: impl Iterator<Item = &'s Set>) -> Set {
        let children: Vec<&Set> = children.collect();
        let words = n.div_ceil(64);
        let runs: usize = children
            .iter()
            .map(|s| match s {
                Set::Runs(r) => r.len(),
                Set::Bits(_) => usize::MAX / 4,
            })
            .fold(0usize, usize::saturating_add);
        // A run takes a word; past as many runs as a bitset has words, the bitset wins.
        if runs >= words.max(64) {
            let mut bits = vec![0u64; words];
            set_range(&mut bits, own);
            for s in children {
                match s {
                    Set::Runs(r) => r.iter().for_each(|&run| set_range(&mut bits, run)),
                    Set::Bits(b) => bits.iter_mut().zip(b).for_each(|(a, b)| *a |= b),
                }
            }
            return Set::Bits(bits);
        }
        let mut all: Vec<(u32, u32)> = Vec::with_capacity(runs + 1);
        all.push(own);
        for s in children {
            if let Set::Runs(r) = s {
                all.extend_from_slice(r);
            }
        }
        all.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(all.len());
        for (s, e) in all {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged.shrink_to_fit();
        Set::Runs(merged)
    }

    /// The set as runs of consecutive positions, in order.
    fn runs(&self) -> std::borrow::Cow<'_, [(u32, u32)]> {
        let bits = match self {
            Set::Runs(r) => return std::borrow::Cow::Borrowed(r),
            Set::Bits(b) => b,
        };
        let mut out: Vec<(u32, u32)> = Vec::new();
        for (i, &word) in bits.iter().enumerate() {
            let (mut w, mut offset) = (word, 0u32);
            while w != 0 {
                let zeros = w.trailing_zeros();
                w >>= zeros;
                offset += zeros;
                let ones = w.trailing_ones();
                let start = i as u32 * 64 + offset;
                match out.last_mut() {
                    Some(last) if last.1 == start => last.1 = start + ones,
                    _ => out.push((start, start + ones)),
                }
                offset += ones;
                w = w.checked_shr(ones).unwrap_or(0);
            }
        }
        std::borrow::Cow::Owned(out)
    }
}

pub(super) fn set_range(bits: &mut [u64], (s, e): (u32, u32)) {
    let (mut p, e) = (s as usize, e as usize);
    while p < e {
        if p % 64 == 0 && p + 64 <= e {
            bits[p / 64] = u64::MAX;
            p += 64;
        } else {
            bits[p / 64] |= 1 << (p % 64);
            p += 1;
        }
    }
}

/// Sums over positions, so that a run's product, size and missing targets cost O(1), and
/// the few weakest services of a run come from a tree of the weakest per range.
pub(super) struct Closures {
    /// Position -> service.
    pub(super) at: Vec<u32>,
    /// Prefix sums by position: log terms, and services without a usable target.
    logs: Vec<i128>,
    missing: Vec<u32>,
    estimates: Vec<f64>,
    weakest: OnceLock<Weakest>,
}

impl Closures {
    fn new(at: Vec<u32>, t: &Targets<'_, '_>) -> Closures {
        let mut logs = Vec::with_capacity(at.len() + 1);
        let mut missing = Vec::with_capacity(at.len() + 1);
        let (mut l, mut m) = (0i128, 0u32);
        logs.push(0);
        missing.push(0);
        let mut estimates = Vec::with_capacity(at.len());
        for &v in &at {
            let v = v as usize;
            l += t.log_term(v);
            m += u32::from(t.estimates[v].is_none());
            logs.push(l);
            missing.push(m);
            estimates.push(t.estimates[v].unwrap_or(f64::INFINITY));
        }
        Closures {
            at,
            logs,
            missing,
            estimates,
            weakest: OnceLock::new(),
        }
    }

    /// Size and estimated product of the closure of `of` (`set` without `of`); `None`
    /// when a member has no usable target.
    pub(super) fn verdict(
        &self,
        runs: &[(u32, u32)],
        of: usize,
        t: &Targets<'_, '_>,
    ) -> Option<Verdict> {
        let (mut count, mut log, mut missing) = (0usize, 0i128, 0u32);
        for &(s, e) in runs {
            let (s, e) = (s as usize, e as usize);
            count += e - s;
            log += self.logs[e] - self.logs[s];
            missing += self.missing[e] - self.missing[s];
        }
        count -= 1;
        log -= t.log_term(of);
        (missing == 0).then(|| Verdict::new(count, log))
    }

    /// The [`RELATED_SHOWN`] services of the closure of `of` with the lowest targets
    /// (ties: by node, which is catalogue order, so that a part of the graph gives the same
    /// answer as the whole), weakest first.
    pub(super) fn weakest(&self, runs: &[(u32, u32)], of: usize) -> Vec<usize> {
        let k = RELATED_SHOWN + 1;
        let size: usize = runs.iter().map(|&(s, e)| (e - s) as usize).sum();
        let mut found: Vec<(f64, u32)> = if runs.len() * 32 <= size {
            // Few long runs: a tree query per run.
            let tree = self
                .weakest
                .get_or_init(|| Weakest::new(&self.estimates, &self.at, k));
            runs.iter()
                .flat_map(|&(s, e)| tree.query(s as usize, e as usize))
                .collect()
        } else {
            // Scattered: one pass keeping the `k` weakest seen.
            let mut kept: Vec<(f64, u32)> = Vec::with_capacity(k + 1);
            for p in runs.iter().flat_map(|&(s, e)| s..e) {
                let item = (self.estimates[p as usize], self.at[p as usize]);
                let worse =
                    |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
                if kept.len() == k && worse(&item, &kept[k - 1]).is_ge() {
                    continue;
                }
                let at = kept.partition_point(|x| worse(x, &item).is_lt());
                kept.insert(at, item);
                kept.truncate(k);
            }
            kept
        };
        found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        found
            .into_iter()
            .map(|(_, v)| v as usize)
            .filter(|&v| v != of)
            .take(RELATED_SHOWN)
            .collect()
    }
}

/// A segment tree over positions holding, per range, its `k` weakest (estimate, node).
pub(super) struct Weakest {
    size: usize,
    k: usize,
    lists: Vec<Vec<(f64, u32)>>,
}

impl Weakest {
    fn new(estimates: &[f64], at: &[u32], k: usize) -> Weakest {
        let size = estimates.len().next_power_of_two().max(1);
        let mut lists: Vec<Vec<(f64, u32)>> = vec![Vec::new(); 2 * size];
        for (p, &e) in estimates.iter().enumerate() {
            lists[size + p] = vec![(e, at[p])];
        }
        for i in (1..size).rev() {
            let mut merged: Vec<(f64, u32)> = lists[2 * i]
                .iter()
                .chain(&lists[2 * i + 1])
                .copied()
                .collect();
            merged.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            merged.truncate(k);
            lists[i] = merged;
        }
        Weakest { size, k, lists }
    }

    /// The `k` weakest of positions `s..e` (possibly more, unsorted).
    fn query(&self, s: usize, e: usize) -> Vec<(f64, u32)> {
        let (mut l, mut r) = (s + self.size, e + self.size);
        let mut out = Vec::new();
        while l < r {
            if l & 1 == 1 {
                out.extend_from_slice(&self.lists[l]);
                l += 1;
            }
            if r & 1 == 1 {
                r -= 1;
                out.extend_from_slice(&self.lists[r]);
            }
            l /= 2;
            r /= 2;
        }
        out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        out.truncate(self.k);
        out
    }
}
