//! The per-function score and grade.

mod common;

use common::{finding, loc, API};
use lambdasec_model::{Finding, Severity, SourceKind};
use lambdasec_report::{grade, score_functions, FunctionEntry, FunctionScore, Report};

/// Rule ids with the given severity; the severity overrides the rule's default.
fn f(rule_id: &'static str, severity: Severity) -> Finding {
    let mut f = finding(
        rule_id,
        "aws_lambda_function.api",
        Some(API),
        loc("main.tf", 1, 1),
    );
    f.severity = severity;
    f
}

/// `n` distinct rules at `severity`, with ids made unique per call site via `prefix`.
fn distinct(n: usize, severity: Severity, prefix: usize) -> Vec<Finding> {
    // Leak a few short ids: fine in a test, and Finding wants &'static str.
    (0..n)
        .map(|i| {
            let id: &'static str = Box::leak(format!("LS{prefix}{i:02}").into_boxed_str());
            let mut x = f("LS303", severity);
            x.rule_id = id;
            x
        })
        .collect()
}

fn score(findings: &[Finding]) -> FunctionScore {
    let functions = [FunctionEntry {
        id: API.into(),
        loc: loc("main.tf", 1, 1),
        kind: SourceKind::Terraform,
    }];
    let r = Report {
        tool_version: "0",
        findings,
        functions: &functions,
        rules: &[],
        errors: &[],
        files: 1,
    };
    let mut v = score_functions(&r);
    assert_eq!(v.len(), 1);
    v.remove(0)
}

fn sg(findings: &[Finding]) -> (u8, char) {
    let s = score(findings);
    (s.score, s.grade)
}

#[test]
fn no_findings_is_a_perfect_a() {
    assert_eq!(sg(&[]), (100, 'A'));
}

#[test]
fn grade_boundaries_by_score() {
    for (score, want) in [
        (100, 'A'),
        (90, 'A'),
        (89, 'B'),
        (80, 'B'),
        (79, 'C'),
        (70, 'C'),
        (69, 'D'),
        (60, 'D'),
        (59, 'F'),
        (0, 'F'),
    ] {
        assert_eq!(grade(score, false, false), want, "score {score}");
    }
}

#[test]
fn grade_boundaries_from_findings() {
    // 3 lows: 100 - 9 = 91.
    assert_eq!(sg(&distinct(3, Severity::Low, 1)), (91, 'A'));
    // medium + low: 100 - 11 = 89.
    let mut v = distinct(1, Severity::Medium, 1);
    v.extend(distinct(1, Severity::Low, 2));
    assert_eq!(sg(&v), (89, 'B'));
    // medium + 4 lows: 100 - 20 = 80.
    let mut v = distinct(1, Severity::Medium, 1);
    v.extend(distinct(4, Severity::Low, 2));
    assert_eq!(sg(&v), (80, 'B'));
    // 3 mediums + 2 lows: 100 - 30 = 70.
    let mut v = distinct(3, Severity::Medium, 1);
    v.extend(distinct(2, Severity::Low, 2));
    assert_eq!(sg(&v), (70, 'C'));
    // 5 mediums: 100 - 40 = 60.
    assert_eq!(sg(&distinct(5, Severity::Medium, 1)), (60, 'D'));
    // medium + 11 lows: 100 - 41 = 59.
    let mut v = distinct(1, Severity::Medium, 1);
    v.extend(distinct(11, Severity::Low, 2));
    assert_eq!(sg(&v), (59, 'F'));
    // infos cost nothing.
    assert_eq!(sg(&distinct(20, Severity::Info, 1)), (100, 'A'));
}

#[test]
fn score_never_goes_below_zero() {
    assert_eq!(sg(&distinct(4, Severity::Critical, 1)), (0, 'F'));
}

#[test]
fn any_critical_forces_f() {
    // 100 - 40 = 60 would be a D.
    assert_eq!(sg(&[f("LS201", Severity::Critical)]), (60, 'F'));
    assert_eq!(grade(100, true, false), 'F');
}

#[test]
fn any_high_caps_at_c() {
    // 100 - 20 = 80 would be a B.
    assert_eq!(sg(&[f("LS401", Severity::High)]), (80, 'C'));
    assert_eq!(grade(100, false, true), 'C');
    // The cap never raises a grade.
    let mut v = vec![f("LS401", Severity::High)];
    v.extend(distinct(2, Severity::Medium, 1));
    assert_eq!(sg(&v), (64, 'D'));
}

#[test]
fn a_rule_reported_twice_counts_once_at_its_highest_severity() {
    let twice = [f("LS303", Severity::Medium), f("LS303", Severity::Medium)];
    let s = score(&twice);
    assert_eq!((s.score, s.grade), (92, 'A'));
    assert_eq!(
        s.counts,
        [0, 0, 2, 0, 0],
        "counts are of findings, not rules"
    );

    let mixed = [f("LS303", Severity::Low), f("LS303", Severity::High)];
    assert_eq!(sg(&mixed), (80, 'C'));
}

#[test]
fn suppressed_findings_are_ignored() {
    let mut crit = f("LS201", Severity::Critical);
    crit.suppressed = Some("accepted risk".into());
    let s = score(&[crit, f("LS701", Severity::Low)]);
    assert_eq!((s.score, s.grade), (97, 'A'));
    assert_eq!(s.counts, [0, 0, 0, 1, 0]);
}

#[test]
fn other_functions_findings_do_not_count() {
    let mut other = f("LS201", Severity::Critical);
    other.function = Some("aws_lambda_function.other".into());
    let mut none = f("LS201", Severity::Critical);
    none.function = None;
    assert_eq!(sg(&[other, none]), (100, 'A'));
}

type Row<'a> = (&'a str, Option<&'a str>, u32, u8, char, [usize; 5]);

#[test]
fn shared_scan_scores() {
    let scan = common::scan();
    let scores = score_functions(&scan.report());
    let got: Vec<Row> = scores
        .iter()
        .map(|s| {
            (
                s.function.as_str(),
                s.file.as_deref(),
                s.line,
                s.score,
                s.grade,
                s.counts,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            // LS401 high 20 + LS102 high 20 (twice) + LS303 medium 8 + LS701 low 3 + LS802 info 0;
            // the suppressed LS201 critical is ignored.
            (API, Some("infra/main.tf"), 18, 49, 'F', [0, 3, 1, 1, 1]),
            (common::WORKER, Some("infra/worker.tf"), 5, 100, 'A', [0; 5]),
            (common::LIVE, None, 0, 97, 'A', [0, 0, 0, 1, 0]),
        ]
    );
}

#[test]
fn score_doc_states_the_formula() {
    let doc = lambdasec_report::SCORE_DOC;
    for needle in [
        "critical 40",
        "high 20",
        "medium 8",
        "low 3",
        "info 0",
        "A at 90",
        "B at 80",
        "C at 70",
        "D at 60",
        "critical finding makes the grade F",
        "high finding caps it at C",
        "suppressed",
        "distinct rule",
    ] {
        assert!(doc.contains(needle), "SCORE_DOC lacks {needle:?}");
    }
}
