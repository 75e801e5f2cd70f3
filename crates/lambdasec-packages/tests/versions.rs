//! Version ordering against vectors taken from each ecosystem's reference implementation
//! (`tests/data/versions/*.tsv`; each file's header names its sources and licences).
//!
//! Every line `a<TAB>op<TAB>b` is checked both ways (`a op b` and `b reversed-op a`), all
//! failures of a file are reported at once with their line numbers, and each file must hold a
//! minimum number of pairs so that an emptied or truncated file fails.

use std::cmp::Ordering;
use std::path::PathBuf;

use lambdasec_packages::version::{compare, Ecosystem, Version};

struct Pair {
    line: usize,
    a: String,
    op: Ordering,
    b: String,
}

fn load(file: &str) -> Vec<Pair> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/versions")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut pairs = Vec::new();
    let mut bad = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.starts_with('#') || raw.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = raw.split('\t').collect();
        let op = match fields.get(1).copied() {
            Some("<") => Some(Ordering::Less),
            Some("=") => Some(Ordering::Equal),
            Some(">") => Some(Ordering::Greater),
            _ => None,
        };
        match (fields.len(), op) {
            (3, Some(op)) => pairs.push(Pair {
                line,
                a: fields[0].to_string(),
                op,
                b: fields[2].to_string(),
            }),
            _ => bad.push(format!("{file}:{line}: malformed line {raw:?}")),
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    pairs
}

fn sym(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

/// Checks one pair both ways under `eco`; returns the failures.
fn check(file: &str, eco: Ecosystem, p: &Pair) -> Vec<String> {
    let mut out = Vec::new();
    for (x, want, y) in [(&p.a, p.op, &p.b), (&p.b, p.op.reverse(), &p.a)] {
        let got = compare(eco, x, y);
        if got != Some(want) {
            let got = got.map_or("None (unparsable)", sym);
            out.push(format!(
                "{file}:{}: {eco:?}: expected {x:?} {} {y:?}, got {got}",
                p.line,
                sym(want)
            ));
        }
        // The parsed values must agree with `compare` (PartialEq consistent with PartialOrd).
        if let (Some(vx), Some(vy)) = (Version::parse(eco, x), Version::parse(eco, y)) {
            if (vx == vy) != (want == Ordering::Equal) {
                out.push(format!(
                    "{file}:{}: {eco:?}: == disagrees with the order for {x:?}, {y:?}",
                    p.line
                ));
            }
        }
    }
    out
}

fn run(
    file: &str,
    ecos: &[Ecosystem],
    min_pairs: usize,
    applies: impl Fn(Ecosystem, &Pair) -> bool,
) {
    let pairs = load(file);
    assert!(
        pairs.len() >= min_pairs,
        "{file}: {} pairs, expected at least {min_pairs}",
        pairs.len()
    );
    let mut failures = Vec::new();
    let mut checked = vec![0usize; ecos.len()];
    for p in &pairs {
        for (k, &eco) in ecos.iter().enumerate() {
            if applies(eco, p) {
                checked[k] += 1;
                failures.extend(check(file, eco, p));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s) in {file}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for (k, eco) in ecos.iter().enumerate() {
        assert!(checked[k] > 0, "{file}: no pair checked for {eco:?}");
    }
}

#[test]
fn pypi() {
    run("pypi.tsv", &[Ecosystem::PyPI], 150, |_, _| true);
}

#[test]
fn npm() {
    run("npm.tsv", &[Ecosystem::Npm], 150, |_, _| true);
}

#[test]
fn maven() {
    run("maven.tsv", &[Ecosystem::Maven], 150, |_, _| true);
}

#[test]
fn rubygems() {
    run("rubygems.tsv", &[Ecosystem::RubyGems], 80, |_, _| true);
}

#[test]
fn semver_go_and_crates() {
    // crates.io versions have no leading `v` and no Go shorthands (which all have a `v` here).
    run(
        "semver.tsv",
        &[Ecosystem::Go, Ecosystem::CratesIo],
        50,
        |eco, p| eco == Ecosystem::Go || !(p.a.starts_with('v') || p.b.starts_with('v')),
    );
}

#[test]
fn go_pseudo_versions_and_incompatible_are_covered() {
    let pairs = load("semver.tsv");
    let has = |needle: &str| {
        pairs
            .iter()
            .any(|p| p.a.contains(needle) || p.b.contains(needle))
    };
    assert!(has("v0.0.0-20210101000000-abcdef123456"));
    assert!(has("+incompatible"));
    assert!(has("-0.20060102150405-hash"));
}

#[test]
fn invalid_versions_are_none() {
    let cases: &[(Ecosystem, &[&str])] = &[
        // pypa/packaging test_invalid_versions
        (
            Ecosystem::PyPI,
            &[
                "french toast",
                "1.0+a+",
                "1.0++",
                "1.0+_foobar",
                "1.0+foo&asd",
                "1.0+1+1",
                "1. 0",
                "1 .0",
                "1. 0a1",
                "1 .0a1",
                "1.0 a1",
                "1.0a 1",
                "\u{0660}\u{0661}\u{0662}.\u{0663}\u{0664}\u{0665}.\u{0666}\u{0667}\u{0668}\u{0669}",
                ".",
                "..",
                "1..0",
                "1.0.",
                ".1.0",
                "1..2.3",
                "1.0+\u{0130}",
                "",
            ],
        ),
        // node-semver test/fixtures/invalid-versions.js style inputs
        (
            Ecosystem::Npm,
            &[
                "hello, world",
                "xyz",
                "1.2",
                "1.2.3.4",
                "1.2.3-",
                "1.2.3-01",
                "1.2.3+",
                "01.2.3",
                "1.2.3beta",
                "",
                &"1".repeat(300),
            ],
        ),
        // test_gem_version.rb test_initialize_invalid
        (
            Ecosystem::RubyGems,
            &[
                "junk",
                "1.0\n2.0",
                "1..2",
                "1.2 3.4",
                "2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.",
                "",
                "   ",
            ],
        ),
        // golang.org/x/mod semver_test.go invalid entries
        (
            Ecosystem::Go,
            &[
                "bad",
                "v1-alpha.beta.gamma",
                "v1-pre",
                "v1+meta",
                "v1-pre+meta",
                "v1.2-pre",
                "v1.2+meta",
                "v1.2-pre+meta",
                "",
            ],
        ),
        (Ecosystem::CratesIo, &["v1.2.3", "1.2", "1.2.3.4", "1.2.3-", ""]),
        (Ecosystem::Maven, &["", " ", &"1.".repeat(200)]),
    ];
    let mut failures = Vec::new();
    for (eco, bad) in cases {
        for s in *bad {
            if let Some(v) = Version::parse(*eco, s) {
                failures.push(format!("{eco:?} accepted {s:?} as {v:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
