//! Version ordering per package ecosystem, for matching installed packages against OSV ranges.
//!
//! OSV `ECOSYSTEM` ranges are ordered by each ecosystem's own rules, and `SEMVER` ranges by
//! SemVer 2.0 (ossf/osv-schema `docs/schema.md`, "Evaluation"). A [`Version`] is parsed with
//! the rules of one [`Ecosystem`] and only compares with versions of the same ecosystem:
//!
//! | ecosystem | rules | implementation |
//! |---|---|---|
//! | PyPI | PEP 440 ("Version specifiers" in the PyPA specifications): epoch, release, `dev` < pre-release (`a` < `b` < `rc`) < release < `post`; a `+local` label sorts after the public version; normalisation (`1.0.0a1` = `1.0.0-alpha1`, leading `v`, case-insensitive) | crate `pep440_rs` |
//! | npm | SemVer 2.0 (semver.org §11) as node-semver reads a version: `v`, `=` and spaces before it are accepted (its loose prefix), the rest must be strict SemVer; build metadata is ignored | crate `nodejs-semver`, shape checked first |
//! | Maven | Apache Maven's `ComparableVersion` ("Version Order Specification" of the POM reference): see [`maven`](self#maven) below | own port |
//! | RubyGems | `Gem::Version#<=>`: see [`rubygems`](self#rubygems) below | own port |
//! | Go, crates.io | SemVer 2.0; Go's leading `v` is optional and `vMAJOR` / `vMAJOR.MINOR` mean `.0` (golang.org/x/mod/semver); build metadata such as `+incompatible` is ignored; pseudo-versions (`v0.0.0-20210101000000-abcdef123456`) are ordinary pre-releases | crate `semver`, build metadata dropped from the ordering |
//!
//! # Maven
//!
//! The string is lower-cased and split into items at `.`, at `-` and at transitions between
//! ASCII digits and other characters; a `-` and a transition open a nested list, and so does
//! a qualifier after `.` that ends the string or is followed by a digit (`2.0.x` = `2-x`,
//! `1.0.0.rc1` is ordered as `1.0.0-rc1`). Numbers
//! compare numerically (any length). Qualifiers are ordered `alpha` < `beta` < `milestone` <
//! `rc` = `cr` < `snapshot` < `""` = `ga` = `final` = `release` < `sp` < unknown qualifiers,
//! which compare lexically (by UTF-16 code unit, as Java does); `a`, `b` and `m` directly
//! followed by a digit mean `alpha`, `beta` and `milestone`. A qualifier sorts below a list,
//! and both below a number (so `1.0 < 1.0-1 < 1.0.1` and `1-sp < 1-abc < 1-1`). Null items
//! (`0`, `""`, empty lists) are trimmed from the end of each list, also from before a trailing
//! sublist (`1.0-1` = `1-1`), so `1 = 1.0 = 1-0 = 1.ga`; a missing item compares as null.
//! This is the ordering of `ComparableVersion` in Maven 3.9 (checked against maven-artifact
//! 3.9.9 on the test vectors and on random strings), with two differences: only ASCII digits
//! are digits (as in Maven 4; Maven 3.9 also takes other Unicode digits) and surrounding white
//! space is ignored. Maven 4 also changed how `1.0.final-redhat` and `1.0-sp1-redhat` compare
//! (MNG-7714); that change is not followed.
//!
//! # RubyGems
//!
//! As `Gem::Version`: the string must match Gem::Version's pattern
//! (`[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`, surrounding white space
//! allowed); `-` is read as `.pre.`; segments are runs of digits or of letters (`1.0.a2` =
//! `1.0.a.2`); trailing zeros are dropped from the numeric part and from the part after the
//! first letter segment (`1.0 = 1`); segments compare pairwise with `0` for missing ones, a
//! letter segment is below a number (so `1.2.4.beta < 1.2.4`), letters compare by byte.
//!
//! # Limits
//!
//! Every parser is total: any string gives `Some` or `None`, never a panic. Strings longer
//! than [`MAX_VERSION_LEN`] bytes and empty (or all white space) strings are `None` in every
//! ecosystem. Numbers:
//! - Maven and RubyGems compare numbers of any length exactly (as digit strings without
//!   leading zeros).
//! - Go and crates.io (`semver`): a major, minor or patch number above `u64::MAX` is `None`;
//!   pre-release numbers of any length compare exactly.
//! - PyPI (`pep440_rs`): an epoch, release, pre, post or dev number above `u64::MAX` is `None`
//!   (Python's `packaging` takes any size), and a longer number in a `+local` label is read
//!   as text.
//! - npm (`nodejs-semver`): a major, minor or patch number above 900,719,925,474,099 is `None`
//!   (the crate's limit; node-semver's is 2^53 - 1); larger pre-release numbers are read as
//!   text, as node-semver does.
//!
//! # Sorting
//!
//! Maven's order is not transitive, in Maven itself (maven-artifact 3.9.9:
//! `0.1 < 0.1.sp-1 < 0.1.0-SNAPSHOT < 0.1`), and `slice::sort_by` may panic on such an order;
//! [`sort_tolerant`] sorts without that risk. The other ecosystems' orders are total.

mod maven;
mod rubygems;

use std::cmp::Ordering;

/// The package ecosystems (from `lambdasec-model`).
pub use lambdasec_model::Ecosystem;

/// The longest version string accepted, in bytes (node-semver's `MAX_LENGTH`).
pub const MAX_VERSION_LEN: usize = 256;

/// A version parsed by its ecosystem's rules. Ordering between versions of different
/// ecosystems is not defined (`partial_cmp` is `None`, and they are never equal).
///
/// Equality is equality in the ecosystem's order, not of the text: PyPI `1.0 == 1.0.0`,
/// Maven `1 == 1.ga`, npm `1.2.3+a == 1.2.3+b`.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    inner: Inner,
}

#[derive(Debug, Clone)]
enum Inner {
    PyPI(pep440_rs::Version),
    Npm(nodejs_semver::Version),
    Maven(maven::MavenVersion),
    RubyGems(rubygems::GemVersion),
    Go(semver::Version),
    CratesIo(semver::Version),
}

impl Version {
    /// Parses `s` by `eco`'s rules; `None` when the string is not a valid version for that
    /// ecosystem (or is empty, or longer than [`MAX_VERSION_LEN`] bytes).
    pub fn parse(eco: Ecosystem, s: &str) -> Option<Version> {
        if s.len() > MAX_VERSION_LEN {
            return None;
        }
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        let inner = match eco {
            Ecosystem::PyPI => Inner::PyPI(t.parse::<pep440_rs::Version>().ok()?),
            Ecosystem::Npm => Inner::Npm(parse_npm(t)?),
            Ecosystem::Maven => Inner::Maven(maven::MavenVersion::parse(t)),
            Ecosystem::RubyGems => Inner::RubyGems(rubygems::GemVersion::parse(s)?),
            Ecosystem::Go => Inner::Go(parse_go(t)?),
            Ecosystem::CratesIo => Inner::CratesIo(semver::Version::parse(t).ok()?),
        };
        Some(Version {
            text: t.into(),
            inner,
        })
    }

    /// The ecosystem whose rules parsed this version.
    pub fn ecosystem(&self) -> Ecosystem {
        match self.inner {
            Inner::PyPI(_) => Ecosystem::PyPI,
            Inner::Npm(_) => Ecosystem::Npm,
            Inner::Maven(_) => Ecosystem::Maven,
            Inner::RubyGems(_) => Ecosystem::RubyGems,
            Inner::Go(_) => Ecosystem::Go,
            Inner::CratesIo(_) => Ecosystem::CratesIo,
        }
    }

    /// The text this version was parsed from, without surrounding white space.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(match (&self.inner, &other.inner) {
            (Inner::PyPI(a), Inner::PyPI(b)) => a.cmp(b),
            (Inner::Npm(a), Inner::Npm(b)) => a.cmp(b),
            (Inner::Maven(a), Inner::Maven(b)) => a.cmp(b),
            (Inner::RubyGems(a), Inner::RubyGems(b)) => a.cmp(b),
            (Inner::Go(a), Inner::Go(b)) | (Inner::CratesIo(a), Inner::CratesIo(b)) => {
                cmp_semver(a, b)
            }
            _ => return None,
        })
    }
}

/// Compares two version strings by `eco`'s rules; `None` when either is not a valid version
/// for that ecosystem.
pub fn compare(eco: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    Version::parse(eco, a)?.partial_cmp(&Version::parse(eco, b)?)
}

/// Sorts `items` in ascending order by `cmp`, keeping equal items in their order, without
/// assuming that `cmp` is a total order: it never panics, where `slice::sort_by` may panic
/// when the order is not transitive. Maven's order is not (in Maven 3.9.9 itself,
/// `0.1 < 0.1.sp-1 < 0.1.0-SNAPSHOT < 0.1`), so sort Maven versions with this. Insertion
/// sort: quadratic, meant for short lists such as the events of an OSV range.
pub fn sort_tolerant<T>(items: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && cmp(&items[j - 1], &items[j]) == Ordering::Greater {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// SemVer 2.0 precedence: the `semver` crate's `Ord` also orders build metadata, which
/// SemVer (§10) and Go ignore.
fn cmp_semver(a: &semver::Version, b: &semver::Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| a.pre.cmp(&b.pre))
}

/// npm: node-semver accepts a version preceded by `v`, `=` and white space (`[v=\s]*`); the
/// rest must be a strict SemVer 2.0 version. The `nodejs-semver` crate parses loosely (it reads
/// `1.2.3-` as `1.2.3` and `1.2.3-01` as `1.2.3-1`), so the shape is checked here first.
fn parse_npm(t: &str) -> Option<nodejs_semver::Version> {
    let rest = t.trim_start_matches(|c: char| c == 'v' || c == '=' || c.is_ascii_whitespace());
    if !is_strict_semver(rest) {
        return None;
    }
    nodejs_semver::Version::parse(rest).ok()
}

/// Whether `s` is a SemVer 2.0 version (semver.org, "Backus–Naur Form Grammar"):
/// `MAJOR.MINOR.PATCH[-pre.release][+build.meta]`, numbers without leading zeros.
fn is_strict_semver(s: &str) -> bool {
    fn numeric(p: &str) -> bool {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p == "0" || !p.starts_with('0'))
    }
    fn ident_chars(p: &str) -> bool {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    }
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let mut n = 0;
    for p in core.split('.') {
        n += 1;
        if !numeric(p) {
            return false;
        }
    }
    let pre_ok = pre.is_none_or(|p| {
        p.split('.')
            .all(|i| ident_chars(i) && (numeric(i) || !i.bytes().all(|b| b.is_ascii_digit())))
    });
    let build_ok = build.is_none_or(|b| b.split('.').all(ident_chars));
    n == 3 && pre_ok && build_ok
}

/// Go: the leading `v` is optional (OSV records have none, module versions have it);
/// `v1` and `v1.2` are shorthands for `v1.0.0` and `v1.2.0` as in golang.org/x/mod/semver.
fn parse_go(t: &str) -> Option<semver::Version> {
    let s = t.strip_prefix('v').unwrap_or(t);
    let is_num = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let dots = s.bytes().filter(|&b| b == b'.').count();
    if s.split('.').all(is_num) && dots < 2 {
        let padded = if dots == 0 {
            format!("{s}.0.0")
        } else {
            format!("{s}.0")
        };
        return semver::Version::parse(&padded).ok();
    }
    semver::Version::parse(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Ecosystem; 6] = Ecosystem::ALL;

    #[test]
    fn invalid_strings_are_none() {
        for eco in ALL {
            for bad in ["", "   ", "\t\n"] {
                assert!(Version::parse(eco, bad).is_none(), "{eco:?} {bad:?}");
            }
            let long = format!("1.{}", "0".repeat(MAX_VERSION_LEN));
            assert!(Version::parse(eco, &long).is_none(), "{eco:?} long");
        }
    }

    #[test]
    fn maven_accepts_any_nonempty_string() {
        for s in ["junk", "1.0_1", "é", "?!", "-", ".", "1--2..3"] {
            assert!(Version::parse(Ecosystem::Maven, s).is_some(), "{s:?}");
        }
    }

    #[test]
    fn ecosystems_do_not_mix() {
        let a = Version::parse(Ecosystem::Go, "1.2.3").unwrap();
        let b = Version::parse(Ecosystem::CratesIo, "1.2.3").unwrap();
        assert_eq!(a.partial_cmp(&b), None);
        assert_ne!(a, b);
        assert_eq!(a.ecosystem(), Ecosystem::Go);
        assert_eq!(b.ecosystem(), Ecosystem::CratesIo);
        for eco in ALL {
            assert_eq!(Version::parse(eco, "1.2.3").unwrap().ecosystem(), eco);
        }
    }

    #[test]
    fn text_is_kept() {
        let v = Version::parse(Ecosystem::Npm, " v1.2.3+build ").unwrap();
        assert_eq!(v.as_str(), "v1.2.3+build");
        assert_eq!(v.to_string(), "v1.2.3+build");
    }

    #[test]
    fn build_metadata_is_ignored() {
        for eco in [Ecosystem::Go, Ecosystem::CratesIo, Ecosystem::Npm] {
            assert_eq!(
                compare(eco, "1.2.3+a", "1.2.3+b"),
                Some(Ordering::Equal),
                "{eco:?}"
            );
            assert_eq!(
                compare(eco, "1.2.3-rc.1+zzz", "1.2.3-rc.1"),
                Some(Ordering::Equal)
            );
        }
        assert_eq!(
            compare(Ecosystem::Go, "v2.0.0+incompatible", "2.0.0"),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn go_shorthands() {
        assert_eq!(compare(Ecosystem::Go, "v1", "1.0.0"), Some(Ordering::Equal));
        assert_eq!(
            compare(Ecosystem::Go, "v1.2", "1.2.0"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(Ecosystem::Go, "1.21", "1.21.0-rc.2"),
            Some(Ordering::Greater)
        );
    }

    /// A small deterministic generator (xorshift) instead of a property-testing dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn junk(rng: &mut Rng) -> String {
        const PIECES: &[&str] = &[
            "0",
            "1",
            "9",
            "00",
            "10",
            "99999999999999999999999999",
            "18446744073709551616",
            ".",
            "..",
            "-",
            "--",
            "+",
            "_",
            "!",
            "=",
            "v",
            "V",
            "a",
            "b",
            "c",
            "m",
            "z",
            "A",
            "Z",
            "alpha",
            "beta",
            "rc",
            "cr",
            "dev",
            "post",
            "pre",
            "sp",
            "ga",
            "final",
            "release",
            "snapshot",
            "SNAPSHOT",
            "milestone",
            "local",
            " ",
            "\t",
            "\n",
            "\0",
            "é",
            "É",
            "ζ",
            "\u{0668}",
            "\u{1D7E4}",
            "İ",
            "ß",
            "*",
            "x",
            "^",
            "~",
            ">=",
            "<",
            "incompatible",
        ];
        let n = rng.below(14);
        let mut s = String::new();
        for _ in 0..n {
            if rng.below(10) == 0 {
                // an arbitrary code point, including control characters
                let c = char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{FFFD}');
                s.push(c);
            } else {
                s.push_str(PIECES[rng.below(PIECES.len())]);
            }
        }
        s
    }

    #[test]
    fn fuzz_never_panics_and_orders_consistently() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let a = junk(&mut rng);
            let b = junk(&mut rng);
            for eco in ALL {
                let (va, vb) = (Version::parse(eco, &a), Version::parse(eco, &b));
                if let (Some(va), Some(vb)) = (&va, &vb) {
                    let ab = va.partial_cmp(vb).expect("same ecosystem");
                    let ba = vb.partial_cmp(va).expect("same ecosystem");
                    assert_eq!(ab, ba.reverse(), "{eco:?} {a:?} {b:?}");
                    assert_eq!(va == vb, ab == Ordering::Equal);
                    assert_eq!(va.partial_cmp(va), Some(Ordering::Equal), "{eco:?} {a:?}");
                }
            }
        }
        // very long and deeply nested inputs
        for eco in ALL {
            for unit in ["1-", "a1", "1.", "-", "0.", "a-1."] {
                let s = unit.repeat(MAX_VERSION_LEN / unit.len());
                if let Some(v) = Version::parse(eco, &s) {
                    assert_eq!(v.partial_cmp(&v), Some(Ordering::Equal));
                }
            }
        }
    }

    #[test]
    fn fuzz_transitivity_on_small_alphabet() {
        // Sorting must agree with pairwise comparison (no cycles) on random input. Not for
        // Maven, whose order has cycles in Maven itself (see `maven_order_is_not_transitive`).
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        const P: &[&str] = &[
            "0", "1", "2", "10", ".", "-", "+", "a", "b", "rc", "sp", "ga", "x",
        ];
        for eco in ALL.into_iter().filter(|e| *e != Ecosystem::Maven) {
            let mut vs: Vec<Version> = Vec::new();
            while vs.len() < 300 {
                let n = 1 + rng.below(7);
                let s: String = (0..n).map(|_| P[rng.below(P.len())]).collect();
                if let Some(v) = Version::parse(eco, &s) {
                    vs.push(v);
                }
                if vs.is_empty() && rng.below(1000) == 0 {
                    break;
                }
            }
            vs.sort_by(|a, b| a.partial_cmp(b).expect("same ecosystem"));
            for i in 0..vs.len() {
                for j in i + 1..vs.len() {
                    assert_ne!(
                        vs[i].partial_cmp(&vs[j]),
                        Some(Ordering::Greater),
                        "{eco:?}: {} sorted before {}",
                        vs[i],
                        vs[j]
                    );
                }
            }
        }
    }

    #[test]
    fn maven_order_is_not_transitive() {
        // As in maven-artifact 3.9.9: a cycle of three ordinary-looking versions.
        let cycle = ["0.1", "0.1.sp-1", "0.1.0-SNAPSHOT"];
        for i in 0..3 {
            let (a, b) = (cycle[i], cycle[(i + 1) % 3]);
            assert_eq!(
                compare(Ecosystem::Maven, a, b),
                Some(Ordering::Less),
                "{a} < {b}"
            );
        }
        let mut vs: Vec<Version> = cycle
            .iter()
            .chain(["1", "0.0.1", "0.1-rc1"].iter())
            .map(|s| Version::parse(Ecosystem::Maven, s).unwrap())
            .collect();
        sort_tolerant(&mut vs, |a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
        assert_eq!(vs.first().map(Version::as_str), Some("0.0.1"));
        assert_eq!(vs.last().map(Version::as_str), Some("1"));
    }

    #[test]
    fn sort_tolerant_sorts_and_survives_bad_comparators() {
        let mut v = vec![5, 3, 9, 1, 3, 0];
        sort_tolerant(&mut v, |a, b| a.cmp(b));
        assert_eq!(v, [0, 1, 3, 3, 5, 9]);
        let mut rng = Rng(7);
        let mut w: Vec<u64> = (0..200).map(|_| rng.next()).collect();
        sort_tolerant(&mut w, |_, _| match rng.below(3) {
            0 => Ordering::Less,
            1 => Ordering::Equal,
            _ => Ordering::Greater,
        });
        assert_eq!(w.len(), 200);
    }
}
