//! A small binary encoding for the on-disk cache (`crate::cache`): little-endian integers,
//! lengths as LEB128 varints, strings as length and bytes. Every read is bounds-checked and
//! gives `None` past the end or on a malformed value, so a cache that does not decode is
//! ignored, never a panic. Hand-written rather than a serde format crate: the cache holds
//! few types (document trees, findings), and their hot part (tree arenas) is plain arrays of
//! `u32` that read fastest at a fixed width.

/// Appends encoded values to a buffer.
#[derive(Default)]
pub(crate) struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn bool(&mut self, v: bool) {
        self.buf.push(u8::from(v));
    }

    /// A LEB128 varint.
    pub fn var(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    pub fn usize(&mut self, v: usize) {
        self.var(v as u64);
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.usize(b.len());
        self.buf.extend_from_slice(b);
    }

    pub fn opt_str(&mut self, s: Option<&str>) {
        self.bool(s.is_some());
        if let Some(s) = s {
            self.str(s);
        }
    }
}

/// Reads values back from a byte slice.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes read so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn at_end(&self) -> bool {
        self.pos == self.buf.len()
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let out = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(out)
    }

    pub fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub fn bool(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub fn var(&mut self) -> Option<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    pub fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.var()?).ok()
    }

    /// A count of items each at least `min_bytes` long: refused when the rest of the buffer
    /// cannot hold them, so a corrupt count never reserves gigabytes.
    pub fn count(&mut self, min_bytes: usize) -> Option<usize> {
        let n = self.usize()?;
        (n.checked_mul(min_bytes.max(1))? <= self.buf.len() - self.pos).then_some(n)
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.usize()?;
        self.take(n)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    pub fn opt_str(&mut self) -> Option<Option<&'a str>> {
        match self.bool()? {
            true => Some(Some(self.str()?)),
            false => Some(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_and_truncation_is_none() {
        let mut w = Writer::default();
        w.var(0);
        w.var(300);
        w.var(u64::MAX);
        w.u32(7);
        w.str("héllo");
        w.opt_str(None);
        w.bool(true);
        let mut r = Reader::new(&w.buf);
        assert_eq!(r.var(), Some(0));
        assert_eq!(r.var(), Some(300));
        assert_eq!(r.var(), Some(u64::MAX));
        assert_eq!(r.u32(), Some(7));
        assert_eq!(r.str(), Some("héllo"));
        assert_eq!(r.opt_str(), Some(None));
        assert_eq!(r.bool(), Some(true));
        assert!(r.at_end());
        for cut in 0..w.buf.len() {
            let mut r = Reader::new(&w.buf[..cut]);
            let whole = (|| {
                r.var()?;
                r.var()?;
                r.var()?;
                r.u32()?;
                r.str()?;
                r.opt_str()?;
                r.bool()
            })();
            assert_eq!(whole, None, "cut at {cut}");
        }
        // A huge count in a short buffer is refused before anything is reserved.
        let mut w = Writer::default();
        w.var(1 << 40);
        assert_eq!(Reader::new(&w.buf).count(1), None);
    }
}
