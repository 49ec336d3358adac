//! "Did you mean?" suggestions for misspelt ids, fields and values.
//!
//! The answer is always the candidate closest to the input by edit distance (case
//! ignored), among those close enough to be a typo (at most a third of the longer
//! string's length, at least 1), the earliest candidate winning a tie. [`nearest`] scans a
//! short list; [`Index`] answers the same question over thousands of candidates without
//! comparing the input with each: a trie of the candidates is searched with a distance
//! row per trie node, for distance 0, then 1, then 2..., and every branch whose row
//! already exceeds the radius is cut. The cost follows the number of candidates near
//! the input, not the size of the catalogue. [`Live`] is the same search over candidates
//! that come and go one at a time, each with a key that breaks ties.

/// The candidate closest to `input` by edit distance, if it is close enough to be a typo.
pub fn nearest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_lower: Vec<char> = input.to_lowercase().chars().collect();
    let input_len = input.chars().count();
    let mut best: Option<(usize, &str)> = None;
    let mut scratch = Vec::new();
    for c in candidates {
        let max = threshold(c.chars().count(), input_len);
        // A later candidate must be strictly closer to win.
        let cap = best.map_or(max, |(bd, _)| max.min(bd.saturating_sub(1)));
        if best.is_some_and(|(bd, _)| bd == 0) {
            break;
        }
        let c_lower: Vec<char> = c.to_lowercase().chars().collect();
        if let Some(d) = bounded(&input_lower, &c_lower, cap, &mut scratch) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// How far a candidate may be from the input and still count as a typo of it.
fn threshold(candidate_chars: usize, input_chars: usize) -> usize {
    (candidate_chars.max(input_chars) / 3).max(1)
}

/// Edit distance over characters, counting a swap of neighbours as one edit (optimal
/// string alignment), since `emial` for `email` is the commonest typo.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let cap = a.len().max(b.len());
    bounded(&a, &b, cap, &mut Vec::new()).unwrap_or(cap)
}

/// The optimal-string-alignment distance of `a` and `b` if it is at most `cap`, else
/// `None`. Only cells within `cap` of the diagonal are computed (the others are over
/// `cap` anyway) and the work stops at the first row whose cells all exceed `cap`.
fn bounded(a: &[char], b: &[char], cap: usize, d: &mut Vec<usize>) -> Option<usize> {
    if a.len().abs_diff(b.len()) > cap {
        return None;
    }
    let over = cap + 1;
    let w = b.len() + 1;
    d.clear();
    d.resize((a.len() + 1) * w, over);
    for (j, cell) in d.iter_mut().enumerate().take(w.min(over)) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let lo = i.saturating_sub(cap).max(1);
        let hi = (i + cap).min(b.len());
        if i <= cap {
            d[i * w] = i;
        }
        let mut row_min = d[i * w];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            let v = v.min(over);
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > cap {
            return None;
        }
    }
    let v = d[a.len() * w + b.len()];
    (v <= cap).then_some(v)
}

/// Candidates prepared once for many lookups: the answers are those of [`nearest`] over
/// the same candidates in the same order (restricted, for [`Index::nearest_within`], to
/// lengths near the input's).
pub struct Index<'a>(Trie<&'a str, u32>);

impl<'a> Index<'a> {
    /// Candidates in order of preference: the earliest of equally close ones is suggested.
    pub fn new(candidates: Vec<&'a str>) -> Self {
        let mut trie = Trie::default();
        for (i, c) in candidates.into_iter().enumerate() {
            trie.insert(c, u32::try_from(i).unwrap_or(u32::MAX));
        }
        Index(trie)
    }

    /// The candidate [`nearest`] would choose.
    pub fn nearest(&self, input: &str) -> Option<&'a str> {
        self.0.search(input, None).copied()
    }

    /// The candidate [`nearest`] would choose among those whose length is within `reach`
    /// characters of the input's.
    pub fn nearest_within(&self, input: &str, reach: usize) -> Option<&'a str> {
        self.0.search(input, Some(reach)).copied()
    }
}

/// Candidates kept from one search to the next and changed one at a time: each has a key,
/// and of equally close candidates the one with the smallest key is suggested (an [`Index`]
/// is this with the candidates' positions as keys). A workspace keeps the ids of a kind in
/// one across checks, taking a changed file's ids out and its new ones in, instead of
/// indexing every id again for each check that asks.
pub struct Live<K> {
    trie: Trie<Box<str>, K>,
    len: usize,
}

impl<K: Ord + Copy> Default for Live<K> {
    fn default() -> Self {
        Live {
            trie: Trie::default(),
            len: 0,
        }
    }
}

impl<K: Ord + Copy> Live<K> {
    pub fn insert(&mut self, candidate: &str, key: K) {
        self.trie.insert(candidate.into(), key);
        self.len += 1;
    }

    /// Takes out the candidate with this text and key; whether there was one.
    pub fn remove(&mut self, candidate: &str, key: K) -> bool {
        let removed = self.trie.remove(candidate, key);
        self.len -= usize::from(removed);
        removed
    }

    /// How many candidates it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// [`Index::nearest_within`] over the candidates held, the smallest key winning a tie.
    pub fn nearest_within(&self, input: &str, reach: usize) -> Option<&str> {
        self.trie.search(input, Some(reach)).map(|s| &**s)
    }

    /// [`Index::nearest`] over the candidates held.
    pub fn nearest(&self, input: &str) -> Option<&str> {
        self.trie.search(input, None).map(|s| &**s)
    }
}

const NONE: u32 = u32::MAX;

/// A trie over lower-cased candidates; node 0 is the root. A candidate taken out leaves its
/// nodes in place, and the lengths kept per node and overall stay upper bounds: they only
/// cut branches that hold nothing close enough, so an upper bound cuts less, never wrongly.
struct Trie<S, K> {
    nodes: Vec<TrieNode>,
    entries: Vec<Entry<S, K>>,
    /// Slots of `entries` freed by [`Trie::remove`], reused first.
    free: Vec<u32>,
    /// The longest lower-cased candidate ever held, in characters.
    longest: usize,
    /// The longest candidate ever held, in characters as written.
    max_chars: u32,
}

struct Entry<S, K> {
    text: Option<S>,
    key: K,
    /// Its length in characters (as written, not lower-cased).
    chars: u32,
    /// The next candidate ending at the same node.
    next: u32,
}

struct TrieNode {
    ch: char,
    first_child: u32,
    next_sibling: u32,
    /// First candidate whose lower-cased text ends here (chained by [`Entry::next`]).
    first_end: u32,
    /// Length of the longest lower-cased candidate in this subtree (an upper bound).
    deepest: u32,
}

impl<S, K> Default for Trie<S, K> {
    fn default() -> Self {
        Trie {
            nodes: vec![TrieNode {
                ch: '\0',
                first_child: NONE,
                next_sibling: NONE,
                first_end: NONE,
                deepest: 0,
            }],
            entries: Vec::new(),
            free: Vec::new(),
            longest: 0,
            max_chars: 0,
        }
    }
}

impl<S: AsRef<str>, K: Ord + Copy> Trie<S, K> {
    fn insert(&mut self, text: S, key: K) {
        let lower: Vec<char> = text.as_ref().to_lowercase().chars().collect();
        let depth = u32::try_from(lower.len()).unwrap_or(u32::MAX);
        let chars = u32::try_from(text.as_ref().chars().count()).unwrap_or(u32::MAX);
        let mut at = 0usize;
        self.nodes[0].deepest = self.nodes[0].deepest.max(depth);
        for &ch in &lower {
            let mut child = self.nodes[at].first_child;
            while child != NONE && self.nodes[child as usize].ch != ch {
                child = self.nodes[child as usize].next_sibling;
            }
            if child == NONE {
                child = u32::try_from(self.nodes.len()).unwrap_or(NONE);
                self.nodes.push(TrieNode {
                    ch,
                    first_child: NONE,
                    next_sibling: self.nodes[at].first_child,
                    first_end: NONE,
                    deepest: 0,
                });
                self.nodes[at].first_child = child;
            }
            at = child as usize;
            self.nodes[at].deepest = self.nodes[at].deepest.max(depth);
        }
        self.longest = self.longest.max(lower.len());
        self.max_chars = self.max_chars.max(chars);
        let entry = Entry {
            text: Some(text),
            key,
            chars,
            next: self.nodes[at].first_end,
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.entries[slot as usize] = entry;
                slot
            }
            None => {
                self.entries.push(entry);
                u32::try_from(self.entries.len() - 1).unwrap_or(NONE)
            }
        };
        self.nodes[at].first_end = slot;
    }

    /// The node a lower-cased text ends at, if the trie has its path.
    fn node_of(&self, text: &str) -> Option<usize> {
        let mut at = 0usize;
        for ch in text.to_lowercase().chars() {
            let mut child = self.nodes[at].first_child;
            while child != NONE && self.nodes[child as usize].ch != ch {
                child = self.nodes[child as usize].next_sibling;
            }
            if child == NONE {
                return None;
            }
            at = child as usize;
        }
        Some(at)
    }

    fn remove(&mut self, text: &str, key: K) -> bool {
        let Some(node) = self.node_of(text) else {
            return false;
        };
        let mut prev = NONE;
        let mut c = self.nodes[node].first_end;
        while c != NONE {
            let e = &self.entries[c as usize];
            let next = e.next;
            if e.key == key && e.text.as_ref().is_some_and(|t| t.as_ref() == text) {
                match prev {
                    NONE => self.nodes[node].first_end = next,
                    p => self.entries[p as usize].next = next,
                }
                self.entries[c as usize].text = None;
                self.free.push(c);
                return true;
            }
            prev = c;
            c = next;
        }
        false
    }

    fn search(&self, input: &str, reach: Option<usize>) -> Option<&S> {
        let query: Vec<char> = input.to_lowercase().chars().collect();
        let input_chars = input.chars().count();
        let longest_allowed = match reach {
            Some(r) => input_chars + r,
            None => self.max_chars as usize,
        };
        let max_radius = threshold(longest_allowed, input_chars).min(query.len().max(self.longest));
        let mut search = Search {
            trie: self,
            query: &query,
            input_chars,
            reach,
            rows: Vec::new(),
            path: Vec::new(),
            best: None,
        };
        // Rounds of growing radius: a close candidate (the usual typo) is found by a small,
        // cheap search; within a round the radius shrinks to the best distance found.
        let mut radius = 0;
        loop {
            search.run(radius);
            if let Some((_, _, e)) = search.best {
                return self.entries[e as usize].text.as_ref();
            }
            if radius >= max_radius {
                return None;
            }
            radius = (radius * 2).clamp(1, max_radius);
        }
    }
}

/// One lookup: a depth-first walk of the trie with one distance row per level.
struct Search<'i, S, K> {
    trie: &'i Trie<S, K>,
    query: &'i [char],
    input_chars: usize,
    reach: Option<usize>,
    /// One distance row per depth of the current path (row 0: the empty prefix), flat.
    rows: Vec<usize>,
    path: Vec<char>,
    /// Distance, key and entry of the best candidate so far.
    best: Option<(usize, K, u32)>,
}

impl<S, K: Ord + Copy> Search<'_, S, K> {
    fn run(&mut self, radius: usize) {
        let w = self.query.len() + 1;
        self.rows.clear();
        self.rows.extend((0..w).map(|i| i.min(radius + 1)));
        self.path.clear();
        // Candidates shorter than this (lower-cased, which never shortens) are outside the
        // length window.
        let shortest = self.reach.map_or(0, |r| self.input_chars.saturating_sub(r));
        // Explicit stack of (node, depth): deep tries must not overflow the call stack.
        let mut stack: Vec<(u32, usize)> = Vec::new();
        let nodes = &self.trie.nodes;
        let mut child = nodes[0].first_child;
        while child != NONE {
            stack.push((child, 1));
            child = nodes[child as usize].next_sibling;
        }
        while let Some((node, depth)) = stack.pop() {
            let cap = self.best.map_or(radius, |(d, _, _)| d.min(radius));
            let deepest = nodes[node as usize].deepest as usize;
            // Every candidate below is too short: for the window, or to come within `cap`.
            if deepest < shortest || deepest + cap < self.query.len() {
                continue;
            }
            self.rows.truncate(depth * w);
            self.path.truncate(depth - 1);
            self.path.push(nodes[node as usize].ch);
            let row_min = self.push_row(depth, radius);
            if row_min > cap {
                continue;
            }
            let last = self.rows[depth * w + w - 1];
            if last <= cap {
                self.ends_at(node, last);
            }
            let mut child = nodes[node as usize].first_child;
            while child != NONE {
                stack.push((child, depth + 1));
                child = nodes[child as usize].next_sibling;
            }
        }
    }

    /// Appends the distance row of the prefix `path` (of length `depth`), cells capped at
    /// `radius + 1`, only the band within `radius` of the diagonal computed; returns its
    /// smallest cell.
    fn push_row(&mut self, depth: usize, radius: usize) -> usize {
        let n = self.query.len();
        let w = n + 1;
        let over = radius + 1;
        let start = depth * w;
        self.rows.resize(start + w, over);
        self.rows[start] = depth.min(over);
        let mut row_min = self.rows[start];
        let lo = depth.saturating_sub(radius).max(1);
        let hi = (depth + radius).min(n);
        let ch = self.path[depth - 1];
        let before = (depth > 1).then(|| self.path[depth - 2]);
        for i in lo..=hi {
            let prev = start - w;
            let cost = usize::from(self.query[i - 1] != ch);
            let mut v = (self.rows[prev + i] + 1)
                .min(self.rows[start + i - 1] + 1)
                .min(self.rows[prev + i - 1] + cost);
            if i > 1 && before == Some(self.query[i - 1]) && self.query[i - 2] == ch {
                v = v.min(self.rows[prev - w + i - 2] + 1);
            }
            let v = v.min(over);
            self.rows[start + i] = v;
            row_min = row_min.min(v);
        }
        row_min
    }

    /// Candidates ending at `node`, at distance `d`: the closest wins, then the smallest key.
    fn ends_at(&mut self, node: u32, d: usize) {
        let mut c = self.trie.nodes[node as usize].first_end;
        while c != NONE {
            let e = &self.trie.entries[c as usize];
            let chars = e.chars as usize;
            let in_window = self
                .reach
                .is_none_or(|r| chars.abs_diff(self.input_chars) <= r);
            if in_window
                && d <= threshold(chars, self.input_chars)
                && self.best.is_none_or(|(bd, bk, _)| (d, e.key) < (bd, bk))
            {
                self.best = Some((d, e.key, c));
            }
            c = e.next;
        }
    }
}

/// "unknown rule `x`; did you mean `y`?": the one message for a rule id that no rule has,
/// wherever it is written (`--rule`, `catalint explain`, a config or policy file).
pub fn unknown_rule_message<'a>(id: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    match nearest(id, known) {
        Some(n) => format!("unknown rule `{id}`; did you mean `{n}`?"),
        None => format!("unknown rule `{id}`; `catalint rules` lists them"),
    }
}

#[cfg(test)]
mod tests;
