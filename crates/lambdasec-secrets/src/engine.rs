//! The scan loop: prefilter automata, anchored detectors, assignment recognition, merging.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::detectors::generic::{self, ValueKind};
use crate::detectors::{aws, ANCHORS, NAME_KEYWORDS};
use crate::Detection;

struct Automata {
    anchors: AhoCorasick,
    keywords: AhoCorasick,
}

fn automata() -> &'static Automata {
    static A: OnceLock<Automata> = OnceLock::new();
    A.get_or_init(|| Automata {
        anchors: AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::DFA))
            .build(ANCHORS.iter().map(|(p, _)| p))
            .expect("anchor automaton"),
        keywords: AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(NAME_KEYWORDS)
            .expect("keyword automaton"),
    })
}

/// Content detectors only (no name gating): used for values and as the first text pass.
fn scan_content(text: &[u8], out: &mut Vec<Detection>) {
    for m in automata().anchors.find_iter(text) {
        (ANCHORS[m.pattern().as_usize()].1)(text, m.start(), out);
    }
    if out.iter().any(|d| d.detector == aws::KEY_ID) {
        let found = out.clone();
        aws::pair_secret_keys(text, &found, out);
    }
    out.sort_by_key(|d| (d.start, d.end));
}

fn overlaps(sorted: &[Detection], start: usize, end: usize) -> bool {
    // Detections are short; any that overlaps [start, end) starts before `end`.
    let idx = sorted.partition_point(|d| d.start < end);
    sorted[..idx]
        .iter()
        .rev()
        .take(64)
        .any(|d| d.end > start && d.start < end)
}

fn finish(mut out: Vec<Detection>) -> Vec<Detection> {
    out.sort_by(|a, b| {
        (a.start, a.end)
            .cmp(&(b.start, b.end))
            .then(b.confidence.cmp(&a.confidence))
    });
    out.dedup_by(|b, a| a.start == b.start && a.end == b.end);
    out
}

pub fn scan_bytes(text: &[u8]) -> Vec<Detection> {
    let mut out = Vec::new();
    scan_content(text, &mut out);
    let mut extra = Vec::new();
    let mut name_end_seen = 0usize;
    for m in automata().keywords.find_iter(text) {
        if m.start() < name_end_seen {
            continue;
        }
        let Some(a) = recognize(text, m.start(), m.end()) else {
            continue;
        };
        name_end_seen = a.name.1;
        let Ok(name) = std::str::from_utf8(&text[a.name.0..a.name.1]) else {
            continue;
        };
        let (vs, ve) = a.value;
        let covered = overlaps(&out, vs, ve);
        generic::assignment(name, &text[vs..ve], vs, covered, a.kind, &mut extra);
    }
    out.extend(extra);
    finish(out)
}

pub fn scan_assignment(name: &str, value: &str) -> Vec<Detection> {
    let mut out = Vec::new();
    scan_content(value.as_bytes(), &mut out);
    let covered = !out.is_empty();
    generic::assignment(name, value.as_bytes(), 0, covered, ValueKind::Env, &mut out);
    finish(out)
}

/// A `name <op> value` found around a keyword.
struct Assignment {
    name: (usize, usize),
    value: (usize, usize),
    kind: ValueKind,
}

const MAX_NAME: usize = 128;
const MAX_VALUE: usize = 4096;

#[inline]
fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'
}

fn recognize(text: &[u8], kw_start: usize, kw_end: usize) -> Option<Assignment> {
    let mut ns = kw_start;
    while ns > 0 && kw_start - ns < MAX_NAME && is_name_char(text[ns - 1]) {
        ns -= 1;
    }
    let mut ne = kw_end;
    while ne < text.len() && ne - kw_end < MAX_NAME && is_name_char(text[ne]) {
        ne += 1;
    }
    while ns < ne && matches!(text[ns], b'.' | b'-') {
        ns += 1;
    }
    while ne > ns && matches!(text[ne - 1], b'.' | b'-') {
        ne -= 1;
    }
    if ns == ne {
        return None;
    }
    // A key inside an ARN, path or URL (`secret:prod/db`, `/auth:x`) is not an assignment.
    if ns > 0
        && matches!(
            text[ns - 1],
            b':' | b'/' | b'@' | b'\\' | b'#' | b'%' | b'*'
        )
    {
        return None;
    }
    let mut i = ne;
    // Closing quote of a quoted key (`"password": ...`).
    if i < text.len() && matches!(text[i], b'"' | b'\'') && ns > 0 && text[ns - 1] == text[i] {
        i += 1;
    }
    let sp_before = skip_blanks(text, &mut i);
    let op_colon;
    match text.get(i..i + 2) {
        Some(b":=") | Some(b"=>") => {
            op_colon = false;
            i += 2;
        }
        _ => match text.get(i) {
            Some(b'=') if text.get(i + 1) != Some(&b'=') => {
                op_colon = false;
                i += 1;
            }
            Some(b':') if text.get(i + 1) != Some(&b':') => {
                op_colon = true;
                i += 1;
            }
            _ => return None,
        },
    }
    let sp_after = skip_blanks(text, &mut i);
    if i >= text.len() {
        return None;
    }
    let mut q = i;
    if matches!(text[q], b'r' | b'b' | b'u' | b'R' | b'B' | b'U')
        && matches!(text.get(q + 1), Some(b'"' | b'\''))
    {
        q += 1;
    }
    let c = text[q];
    if matches!(c, b'"' | b'\'' | b'`') {
        let vs = q + 1;
        let limit = text.len().min(vs + MAX_VALUE);
        let mut j = vs;
        while j < limit && text[j] != c && text[j] != b'\n' {
            if text[j] == b'\\' {
                j += 1;
            }
            j += 1;
        }
        if j >= limit || text[j] != c {
            return None;
        }
        return Some(Assignment {
            name: (ns, ne),
            value: (vs, j),
            kind: ValueKind::Quoted,
        });
    }
    let ls = crate::util::line_start(text, ns);
    let prefix = text[ls..ns].trim_ascii_start();
    let at_line_start = prefix.is_empty() || prefix == b"export ";
    let le = crate::util::line_end(text, i).min(i + MAX_VALUE);
    if at_line_start && !op_colon && sp_before == 0 && sp_after == 0 {
        // dotenv / shell: the rest of the line, minus a trailing comment.
        let mut ve = le;
        if let Some(p) = memchr::memmem::find(&text[i..le], b" #") {
            ve = i + p;
        }
        while ve > i && text[ve - 1].is_ascii_whitespace() {
            ve -= 1;
        }
        return Some(Assignment {
            name: (ns, ne),
            value: (i, ve),
            kind: ValueKind::DotEnv,
        });
    }
    let mut ve = i;
    while ve < le
        && !text[ve].is_ascii_whitespace()
        && !matches!(
            text[ve],
            b',' | b';' | b')' | b']' | b'}' | b'"' | b'\'' | b'('
        )
    {
        ve += 1;
    }
    if ve < le && text[ve] == b'(' {
        return None; // a call
    }
    Some(Assignment {
        name: (ns, ne),
        value: (i, ve),
        kind: ValueKind::Unquoted,
    })
}

fn skip_blanks(text: &[u8], i: &mut usize) -> usize {
    let s = *i;
    while *i < text.len() && (text[*i] == b' ' || text[*i] == b'\t') {
        *i += 1;
    }
    *i - s
}
