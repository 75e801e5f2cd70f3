//! The per-function score and grade.

use crate::{severity_index, Report};
use lambdasec_model::{Finding, Severity};
use std::collections::{BTreeMap, HashMap};

/// How the score is computed, for the README and `lambdasec --help` texts.
pub const SCORE_DOC: &str = "\
Each function gets a score from 0 to 100 and a grade from A to F, computed over its findings \
that are not suppressed. Each distinct rule counts once per function, at the highest severity \
it was reported with for that function, and takes a penalty: critical 40, high 20, medium 8, \
low 3, info 0. The score is `100 - sum of penalties`, never below 0. The grade follows the \
score: A at 90 or more, B at 80 or more, C at 70 or more, D at 60 or more, F below 60; but \
any critical finding makes the grade F, and any high finding caps it at C.";

/// The score of one scanned function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionScore {
    pub function: String,
    pub file: Option<String>,
    pub line: u32,
    /// 0..=100.
    pub score: u8,
    /// 'A'..='F' (no 'E').
    pub grade: char,
    /// Non-suppressed findings of the function by severity: critical, high, medium, low, info
    /// (every finding, not distinct rules).
    pub counts: [usize; 5],
}

/// The penalty one distinct rule at this severity costs a function.
pub fn penalty(s: Severity) -> u32 {
    match s {
        Severity::Critical => 40,
        Severity::High => 20,
        Severity::Medium => 8,
        Severity::Low => 3,
        Severity::Info => 0,
    }
}

/// The grade for a score, given whether the function has any critical or high finding.
pub fn grade(score: u8, has_critical: bool, has_high: bool) -> char {
    let by_score = match score {
        90.. => 'A',
        80..=89 => 'B',
        70..=79 => 'C',
        60..=69 => 'D',
        _ => 'F',
    };
    if has_critical {
        'F'
    } else if has_high && by_score < 'C' {
        'C'
    } else {
        by_score
    }
}

/// Score, grade and per-severity counts over one function's findings; suppressed findings
/// are ignored.
pub(crate) fn score_of<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
) -> (u8, char, [usize; 5]) {
    let mut worst: BTreeMap<&str, Severity> = BTreeMap::new();
    let mut counts = [0usize; 5];
    for f in findings {
        if f.suppressed.is_some() {
            continue;
        }
        counts[severity_index(f.severity)] += 1;
        let e = worst.entry(f.rule_id).or_insert(f.severity);
        if f.severity > *e {
            *e = f.severity;
        }
    }
    let sum: u32 = worst.values().map(|s| penalty(*s)).sum();
    let score = 100u32.saturating_sub(sum) as u8;
    let g = grade(score, counts[0] > 0, counts[1] > 0);
    (score, g, counts)
}

/// Non-suppressed and suppressed findings grouped by function id.
pub(crate) fn by_function<'a>(r: &Report<'a>) -> HashMap<&'a str, Vec<&'a Finding>> {
    let mut map: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in r.findings {
        if let Some(func) = &f.function {
            map.entry(func.as_str()).or_default().push(f);
        }
    }
    map
}

/// The score of every scanned function, in scan order.
pub fn score_functions(r: &Report) -> Vec<FunctionScore> {
    let groups = by_function(r);
    r.functions
        .iter()
        .map(|entry| {
            let (score, grade, counts) = score_of(
                groups
                    .get(entry.id.as_str())
                    .map(|v| v.as_slice())
                    .unwrap_or_default()
                    .iter()
                    .copied(),
            );
            FunctionScore {
                function: entry.id.clone(),
                file: entry.loc.file.as_deref().map(str::to_owned),
                line: entry.loc.line,
                score,
                grade,
                counts,
            }
        })
        .collect()
}
