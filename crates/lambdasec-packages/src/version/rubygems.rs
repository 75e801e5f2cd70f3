//! RubyGems version ordering, after `Gem::Version` (see the parent module's documentation).

use std::cmp::Ordering;

/// A parsed RubyGems version: its canonical segments.
#[derive(Debug, Clone)]
pub(crate) struct GemVersion {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Decimal digits without leading zeros (zero is the empty string).
    Number(Box<str>),
    Letters(Box<str>),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Number(d) if d.is_empty())
    }
}

/// `\s` in a Ruby regular expression.
fn is_ruby_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Whether `s` (already without surrounding white space) matches Gem::Version's pattern
/// `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`. No part of the pattern can
/// give back characters to let a later part match, so a greedy scan decides it.
fn matches_pattern(s: &[u8]) -> bool {
    fn run(s: &[u8], mut i: usize, ok: impl Fn(u8) -> bool) -> usize {
        while i < s.len() && ok(s[i]) {
            i += 1;
        }
        i
    }
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    let alnum_dash = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
    let mut i = run(s, 0, |b| b.is_ascii_digit());
    if i == 0 {
        return false;
    }
    while i < s.len() && s[i] == b'.' {
        let j = run(s, i + 1, alnum);
        if j == i + 1 {
            return false;
        }
        i = j;
    }
    if i < s.len() && s[i] == b'-' {
        let j = run(s, i + 1, alnum_dash);
        if j == i + 1 {
            return false;
        }
        i = j;
        while i < s.len() && s[i] == b'.' {
            let j = run(s, i + 1, alnum_dash);
            if j == i + 1 {
                return false;
            }
            i = j;
        }
    }
    i == s.len()
}

impl GemVersion {
    /// Parses `s` as `Gem::Version.new` does, except that an empty string is refused rather
    /// than read as `0`.
    pub(crate) fn parse(s: &str) -> Option<GemVersion> {
        let b = s.as_bytes();
        let start = b.iter().position(|&c| !is_ruby_space(c))?;
        let end = b.iter().rposition(|&c| !is_ruby_space(c))? + 1;
        let core = &b[start..end];
        if !matches_pattern(core) {
            return None;
        }
        // `-` reads as `.pre.`; then segments are runs of digits or of letters.
        let mut segments = Vec::new();
        let mut i = 0;
        while i < core.len() {
            let c = core[i];
            if c == b'-' {
                segments.push(Segment::Letters("pre".into()));
                i += 1;
            } else if c.is_ascii_digit() {
                let j = i + core[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                let digits = std::str::from_utf8(&core[i..j]).ok()?;
                segments.push(Segment::Number(digits.trim_start_matches('0').into()));
                i = j;
            } else if c.is_ascii_alphabetic() {
                let j = i + core[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphabetic())
                    .count();
                segments.push(Segment::Letters(
                    std::str::from_utf8(&core[i..j]).ok()?.into(),
                ));
                i = j;
            } else {
                i += 1;
            }
        }
        // Canonical segments: trailing zeros dropped from the numeric part and from the part
        // that starts at the first letter segment.
        let split = segments
            .iter()
            .position(|s| matches!(s, Segment::Letters(_)))
            .unwrap_or(segments.len());
        let mut rest = segments.split_off(split);
        while segments.last().is_some_and(Segment::is_zero) {
            segments.pop();
        }
        while rest.last().is_some_and(Segment::is_zero) {
            rest.pop();
        }
        segments.extend(rest);
        Some(GemVersion { segments })
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.segments, &other.segments);
        let zero = Segment::Number("".into());
        for i in 0..a.len().max(b.len()) {
            let l = a.get(i).unwrap_or(&zero);
            let r = b.get(i).unwrap_or(&zero);
            let o = match (l, r) {
                (Segment::Number(x), Segment::Number(y)) => {
                    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
                }
                (Segment::Letters(x), Segment::Letters(y)) => x.as_bytes().cmp(y.as_bytes()),
                (Segment::Letters(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Letters(_)) => Ordering::Greater,
            };
            if o.is_ne() {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}
