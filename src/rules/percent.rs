//! Exact percentages. Availability is multiplied across dependencies and compared at the
//! boundary (99.95% x 99.95% = 99.900025%), where binary floats would round either way, so
//! each percentage is kept as a decimal (digits and scale) and products as exact integers.

use std::cmp::Ordering;
use std::fmt;

use serde_json::Number;

/// A non-negative decimal: `digits / 10^scale`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    digits: Big,
    scale: u32,
}

impl Decimal {
    /// Reads a JSON number as the decimal the author wrote (`99.95` stays 9995 / 10^2).
    pub fn from_number(n: &Number) -> Option<Decimal> {
        Decimal::parse(&n.to_string())
    }

    pub fn parse(text: &str) -> Option<Decimal> {
        let (mantissa, exp) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.starts_with('-') {
            return None;
        }
        let all: String = format!("{int}{frac}");
        if all.is_empty() || !all.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut digits = Big::from_decimal_str(&all)?;
        let mut scale = i64::try_from(frac.len()).ok()? - i64::from(exp);
        if scale < 0 {
            digits = digits.mul_pow10(u32::try_from(-scale).ok()?);
            scale = 0;
        }
        Some(Decimal {
            digits,
            scale: u32::try_from(scale).ok()?,
        })
    }

    /// The product of percentages, as a percentage: `a% x b% = (a x b / 100)%`.
    pub fn product_of_percents<'a>(
        parts: impl IntoIterator<Item = &'a Decimal>,
    ) -> Option<Decimal> {
        let mut acc: Option<Decimal> = None;
        for p in parts {
            acc = Some(match acc {
                None => p.clone(),
                Some(a) => Decimal {
                    digits: a.digits.mul(&p.digits),
                    scale: a.scale + p.scale + 2,
                },
            });
        }
        acc
    }

    /// Rounds down to at most `places` decimals, for display.
    pub fn truncated(&self, places: u32) -> String {
        let s = self.to_string();
        match s.split_once('.') {
            Some((i, f)) if f.len() > places as usize => {
                let f = f[..places as usize].trim_end_matches('0');
                if f.is_empty() {
                    i.to_owned()
                } else {
                    format!("{i}.{f}")
                }
            }
            _ => s,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let s = self.scale.max(other.scale);
        let a = self.digits.mul_pow10(s - self.scale);
        let b = other.digits.mul_pow10(s - other.scale);
        a.cmp(&b)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.digits.to_string();
        let scale = self.scale as usize;
        let (int, frac) = if digits.len() > scale {
            let (i, f) = digits.split_at(digits.len() - scale);
            (i.to_owned(), f.to_owned())
        } else {
            (
                "0".to_owned(),
                format!("{}{digits}", "0".repeat(scale - digits.len())),
            )
        };
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            write!(f, "{int}")
        } else {
            write!(f, "{int}.{frac}")
        }
    }
}

const BASE: u64 = 1_000_000_000;

/// An unsigned integer in base 10^9 limbs, little-endian: just what exact products need.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_decimal_str(s: &str) -> Option<Big> {
        let s = s.trim_start_matches('0');
        let bytes = s.as_bytes();
        let mut limbs = Vec::with_capacity(bytes.len() / 9 + 1);
        let mut end = bytes.len();
        while end > 0 {
            let start = end.saturating_sub(9);
            limbs.push(std::str::from_utf8(&bytes[start..end]).ok()?.parse().ok()?);
            end = start;
        }
        Some(Big(limbs).normalised())
    }

    fn normalised(mut self) -> Big {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn mul(&self, other: &Big) -> Big {
        let mut out = vec![0u64; self.0.len() + other.0.len() + 1];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.0.iter().enumerate() {
                let cur = out[i + j] + u64::from(a) * u64::from(b) + carry;
                out[i + j] = cur % BASE;
                carry = cur / BASE;
            }
            let mut k = i + other.0.len();
            while carry > 0 {
                let cur = out[k] + carry;
                out[k] = cur % BASE;
                carry = cur / BASE;
                k += 1;
            }
        }
        Big(out.into_iter().map(|d| d as u32).collect()).normalised()
    }

    fn mul_pow10(&self, n: u32) -> Big {
        let mut r = self.clone();
        for _ in 0..n / 9 {
            r.0.insert(0, 0);
        }
        let rest = 10u64.pow(n % 9);
        if rest > 1 {
            let mut carry = 0u64;
            for limb in &mut r.0 {
                let cur = u64::from(*limb) * rest + carry;
                *limb = (cur % BASE) as u32;
                carry = cur / BASE;
            }
            if carry > 0 {
                r.0.push(carry as u32);
            }
        }
        r.normalised()
    }
}

impl Ord for Big {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Big {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.split_last() {
            None => write!(f, "0"),
            Some((top, rest)) => {
                write!(f, "{top}")?;
                for limb in rest.iter().rev() {
                    write!(f, "{limb:09}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn products_are_exact() {
        let p = Decimal::product_of_percents([&d("99.95"), &d("99.95")]).unwrap();
        assert_eq!(p.to_string(), "99.900025");
        assert_eq!(p.cmp(&d("99.900025")), Ordering::Equal);
        assert!(d("99.9") < d("99.95"));
        assert!(d("99.90003") > p);
        let many: Vec<Decimal> = (0..12).map(|_| d("99.999")).collect();
        let p = Decimal::product_of_percents(many.iter()).unwrap();
        assert!(p < d("99.99") && p > d("99.98"));
        assert_eq!(p.truncated(2), "99.98");
    }

    #[test]
    fn parses_json_numbers() {
        assert_eq!(d("1e2").to_string(), "100");
        assert_eq!(d("0.5").to_string(), "0.5");
        assert_eq!(d("99").cmp(&d("99.000")), Ordering::Equal);
        assert!(Decimal::parse("-1").is_none());
        let n: Number = serde_json::from_str("99.95").unwrap();
        assert_eq!(Decimal::from_number(&n).unwrap().to_string(), "99.95");
    }
}
