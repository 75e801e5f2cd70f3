//! The HTML report: one self-contained page for people.
//!
//! `lambdasec scan --format html` writes a single file that needs nothing else to be viewed:
//! the CSS, the JavaScript and the chart (an SVG generated here) are inline, and a
//! `Content-Security-Policy` meta tag (`default-src 'none'`) forbids every fetch, so opening
//! the report never touches the network.
//!
//! The page shows:
//! - the **overall score** and its grade, the totals of non-suppressed findings by severity,
//!   the number of files read, functions, suppressed findings and input errors (each listed
//!   as `file:line: message`), and how many functions got each grade;
//! - a **chart** of the non-suppressed findings by checklist line (the rule's
//!   [`Checklist`] line), stacked by severity, with a letter and a number on every segment, a
//!   legend, a tooltip per segment and the same numbers as a table, so it reads without colour;
//! - a **card per function**: grade, score, findings by severity, the checklist lines it
//!   breaks, its source (the input format: Terraform, Terraform plan, CloudFormation/SAM,
//!   Serverless, AWS) and `file:line`; worst score first;
//! - the **findings**, in the order of the other formats: severity, rule id and name with the
//!   rule's one-line summary, message, resource, function, source, `file:line:column`, the fix;
//!   each rule's documentation (Markdown rendered to plain, escaped HTML) appears once, in the
//!   rules section the findings link to;
//! - **filters** by severity, rule, source (a finding's source is its function's; findings of
//!   no function are in the bucket "(no function)"), function, and a free-text search. They
//!   apply to the findings and to the function cards, and the page says "N of M findings
//!   shown". Suppressed findings are hidden until "show suppressed" is ticked, and then marked
//!   with their reason.
//!
//! The overall score ([`OVERALL_SCORE_DOC`]) is the mean of the function scores (see
//! [`crate::SCORE_DOC`]), rounded to the nearest integer, 100 when no function was scanned;
//! its grade follows the score thresholds alone (A at 90 or more … F below 60).
//!
//! To stay fast with thousands of functions, the findings and functions are embedded once as
//! compact JSON in a `<script type="application/json">` block (with `<`, `>`, `&`, U+2028 and
//! U+2029 escaped, so no string can end the block) and drawn by the page's script in pages of
//! 200 rows and 60 cards, with "show more" buttons. When the first page is drawn, the script
//! sets `document.documentElement.dataset.rendered` to `performance.now()` (milliseconds since
//! navigation start) and makes the `performance` mark `lambdasec-rendered`. Every string from
//! the scan is escaped where it enters HTML, here and in the script (which only ever sets
//! `textContent`). The output depends only on the report: no clock, no randomness, no
//! hash-map order.

use crate::score::{by_function, score_of};
use crate::{score_functions, severity_index, sorted_errors, sorted_findings, totals, Report};
use lambdasec_model::{Checklist, Finding, RuleMeta, Severity, SourceKind};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// How the overall score at the top of the HTML report is computed.
pub const OVERALL_SCORE_DOC: &str = "\
The overall score is the mean of the scores of all scanned functions, rounded to the nearest \
integer (100 when no function was scanned). Its grade follows the score alone: A at 90 or \
more, B at 80 or more, C at 70 or more, D at 60 or more, F below 60.";

const CSS: &str = include_str!("html/report.css");
const JS: &str = include_str!("html/report.js");

/// Rows and cards drawn at first and per "show more" (the script reads them from the data).
const PAGE_ROWS: usize = 200;
const PAGE_CARDS: usize = 60;

/// The CSP: nothing may be fetched; inline style and script only.
const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// Severity names in `severity_index` order.
const SEVERITIES: [Severity; 5] = Severity::ALL;

/// One-letter severity labels used in the chart and the cards (readable without colour).
const SEV_LETTER: [&str; 5] = ["C", "H", "M", "L", "I"];

/// Checklist lines in the order of RULES.md.
const CHECKLIST: [Checklist; 9] = [
    Checklist::LeastPrivilegeRole,
    Checklist::SecretsNotInEnv,
    Checklist::VpcAndEgress,
    Checklist::FunctionUrlAuth,
    Checklist::ResourcePolicy,
    Checklist::LayersAndRuntime,
    Checklist::LoggingAndTracing,
    Checklist::FailureHandling,
    Checklist::AttackPath,
];

/// Index of a checklist line in [`CHECKLIST`] (exhaustive, so a new line must be added).
fn checklist_index(c: Checklist) -> usize {
    match c {
        Checklist::LeastPrivilegeRole => 0,
        Checklist::SecretsNotInEnv => 1,
        Checklist::VpcAndEgress => 2,
        Checklist::FunctionUrlAuth => 3,
        Checklist::ResourcePolicy => 4,
        Checklist::LayersAndRuntime => 5,
        Checklist::LoggingAndTracing => 6,
        Checklist::FailureHandling => 7,
        Checklist::AttackPath => 8,
    }
}

/// The source buckets of the filter, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Kind(u8),
    /// A function named by findings but not in the scanned list.
    Unknown,
    /// Findings that belong to no function.
    NoFunction,
}

fn kind_order(k: SourceKind) -> u8 {
    match k {
        SourceKind::Terraform => 0,
        SourceKind::TerraformPlan => 1,
        SourceKind::CloudFormation => 2,
        SourceKind::Serverless => 3,
        SourceKind::Aws => 4,
    }
}

fn source_label(s: Source) -> &'static str {
    match s {
        Source::Kind(0) => "Terraform",
        Source::Kind(1) => "Terraform plan",
        Source::Kind(2) => "CloudFormation/SAM",
        Source::Kind(3) => "Serverless",
        Source::Kind(_) => "AWS account",
        Source::Unknown => "(unknown source)",
        Source::NoFunction => "(no function)",
    }
}

/// Escapes text for HTML element content and quoted attribute values. Control characters
/// other than tab, newline and carriage return become U+FFFD.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// JSON text that is safe inside `<script type="application/json">`: `<`, `>` and `&` (which
/// JSON can only hold inside strings) become `\u` escapes, so `</script>` or `<!--` can never
/// appear, and so do U+2028 and U+2029.
fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Markdown (the subset rule docs use) to safe HTML.

/// Inline Markdown: `code`, **strong**, and `[text](url)` shown as text with the address in
/// parentheses (no link: the report fetches nothing and links nowhere). Everything is escaped.
fn md_inline(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut plain = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '`' {
            let mut run = 0;
            while i + run < chars.len() && chars[i + run] == '`' {
                run += 1;
            }
            // Find a closing run of the same length.
            let mut j = i + run;
            let mut close = None;
            while j < chars.len() {
                if chars[j] == '`' {
                    let mut r2 = 0;
                    while j + r2 < chars.len() && chars[j + r2] == '`' {
                        r2 += 1;
                    }
                    if r2 == run {
                        close = Some(j);
                        break;
                    }
                    j += r2;
                } else {
                    j += 1;
                }
            }
            if let Some(j) = close {
                out.push_str(&md_text(&plain));
                plain.clear();
                let code: String = chars[i + run..j].iter().collect();
                let code = code.trim();
                let _ = write!(out, "<code>{}</code>", esc(code));
                i = j + run;
            } else {
                plain.extend(&chars[i..i + run]);
                i += run;
            }
        } else {
            plain.push(chars[i]);
            i += 1;
        }
    }
    out.push_str(&md_text(&plain));
    out
}

/// Plain inline text: `**strong**` and `[text](url)`, escaped.
fn md_text(s: &str) -> String {
    // Links first, on the raw text: [text](url) -> text (url).
    let mut linked = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let parsed = after.find("](").and_then(|mid| {
            let url_part = &after[mid + 2..];
            url_part
                .find(')')
                .map(|end| (&after[..mid], &url_part[..end], &url_part[end + 1..]))
        });
        match parsed {
            Some((text, url, tail)) if !text.contains('[') && !url.contains(' ') => {
                linked.push_str(&rest[..open]);
                linked.push_str(text);
                if !url.is_empty() && url != text {
                    let _ = write!(linked, " ({url})");
                }
                rest = tail;
            }
            _ => {
                linked.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    linked.push_str(rest);
    // **strong**, in pairs; a lone ** stays literal.
    let parts: Vec<&str> = linked.split("**").collect();
    let mut out = String::new();
    let pairs = (parts.len() - 1) / 2 * 2;
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            if k <= pairs {
                out.push_str(if k % 2 == 1 { "<strong>" } else { "</strong>" });
            } else {
                out.push_str("**");
            }
        }
        out.push_str(&esc(part));
    }
    out
}

fn list_marker(line: &str) -> Option<(bool, &str)> {
    let t = line.trim_start();
    for m in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(m) {
            return Some((false, rest));
        }
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 10 {
        let rest = &t[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some((true, r));
        }
    }
    None
}

/// Renders rule documentation Markdown to HTML: headings (shifted down two levels), paragraphs,
/// unordered and ordered lists, fenced code blocks and inline code. Everything else is text;
/// all text is escaped, no raw HTML passes through.
fn markdown(md: &str) -> String {
    // Doc comments keep the space after `///`; drop one leading space per line.
    let lines: Vec<&str> = md
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let mut out = String::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let flush_para = |out: &mut String, para: &mut Vec<&str>| {
        if !para.is_empty() {
            let text = para.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
            let _ = writeln!(out, "<p>{}</p>", md_inline(&text));
            para.clear();
        }
    };
    let flush_list = |out: &mut String, list: &mut Option<(bool, Vec<String>)>| {
        if let Some((ordered, items)) = list.take() {
            let tag = if ordered { "ol" } else { "ul" };
            let _ = write!(out, "<{tag}>");
            for item in items {
                let _ = write!(out, "<li>{}</li>", md_inline(item.trim()));
            }
            let _ = writeln!(out, "</{tag}>");
        }
    };
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // Only ASCII blanks count as indentation, so byte offsets stay on char boundaries.
        let trimmed = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - trimmed.len();
        if indent <= 3 && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            flush_para(&mut out, &mut para);
            flush_list(&mut out, &mut list);
            let fence: String = trimmed
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            let lang: String = trimmed[fence.len()..]
                .trim()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .take(20)
                .collect();
            let mut code = Vec::new();
            i += 1;
            while i < lines.len() {
                let l = lines[i];
                let t = l.trim();
                if t.starts_with(fence.as_str()) && t.bytes().all(|b| b == fence.as_bytes()[0]) {
                    break;
                }
                // Remove the fence's own indentation from code lines.
                let strip = l.len() - l.trim_start_matches([' ', '\t']).len();
                code.push(&l[strip.min(indent)..]);
                i += 1;
            }
            i += 1; // the closing fence (or the end)
            if lang.is_empty() {
                out.push_str("<pre><code>");
            } else {
                let _ = write!(out, "<pre><code class=\"lang-{lang}\">");
            }
            out.push_str(&esc(&code.join("\n")));
            out.push_str("</code></pre>\n");
            continue;
        }
        if trimmed.is_empty() {
            flush_para(&mut out, &mut para);
            flush_list(&mut out, &mut list);
            i += 1;
            continue;
        }
        let hashes = trimmed.bytes().take_while(|b| *b == b'#').count();
        if indent <= 3
            && (1..=6).contains(&hashes)
            && (trimmed.len() == hashes || trimmed.as_bytes()[hashes] == b' ')
        {
            flush_para(&mut out, &mut para);
            flush_list(&mut out, &mut list);
            let level = (hashes + 2).min(6);
            let text = trimmed[hashes..].trim().trim_end_matches('#').trim();
            let _ = writeln!(out, "<h{level}>{}</h{level}>", md_inline(text));
            i += 1;
            continue;
        }
        if let Some((ordered, item)) = list_marker(line) {
            flush_para(&mut out, &mut para);
            match &mut list {
                Some((o, items)) if *o == ordered => items.push(item.to_string()),
                _ => {
                    flush_list(&mut out, &mut list);
                    list = Some((ordered, vec![item.to_string()]));
                }
            }
            i += 1;
            continue;
        }
        match &mut list {
            // A continuation line of the last list item.
            Some((_, items)) if para.is_empty() => {
                if let Some(last) = items.last_mut() {
                    last.push(' ');
                    last.push_str(trimmed);
                }
            }
            _ => {
                let t = trimmed.strip_prefix("> ").unwrap_or(trimmed);
                para.push(t);
            }
        }
        i += 1;
    }
    flush_para(&mut out, &mut para);
    flush_list(&mut out, &mut list);
    out
}

// ---------------------------------------------------------------------------------------------
// The embedded data.

/// A finding, as an array: rule index, severity index, message, resource (string index),
/// function (card index or -1), source index, file (string index or -1), line, column,
/// remediation (string index), suppression reason or null.
#[derive(Serialize)]
struct DataFinding<'a>(
    usize,
    usize,
    &'a str,
    usize,
    i64,
    usize,
    i64,
    u32,
    u32,
    usize,
    Option<&'a str>,
);

/// A function card, as an array: id, file (string index or -1), line, source index, score,
/// grade, counts by severity, checklist line indices it breaks, suppressed findings, listed
/// (false for a function only named by findings).
#[derive(Serialize)]
struct DataFunction<'a>(
    &'a str,
    i64,
    u32,
    usize,
    u8,
    String,
    [usize; 5],
    Vec<usize>,
    usize,
    bool,
);

/// A rule, as an array: id, name, checklist line index or -1, summary.
#[derive(Serialize)]
struct DataRule<'a>(&'a str, &'a str, i64, &'a str);

#[derive(Serialize)]
struct Data<'a> {
    /// Rows and cards per page.
    page: [usize; 2],
    sev: [&'static str; 5],
    checklist: Vec<&'static str>,
    sources: Vec<&'static str>,
    rules: Vec<DataRule<'a>>,
    strings: Vec<&'a str>,
    functions: Vec<DataFunction<'a>>,
    findings: Vec<DataFinding<'a>>,
}

/// Interns strings so each distinct file, resource and fix is stored once.
#[derive(Default)]
struct Strings<'a> {
    list: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Strings<'a> {
    fn get(&mut self, s: &'a str) -> usize {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = self.list.len();
        self.list.push(s);
        self.index.insert(s, i);
        i
    }
}

/// One function card before serialization.
struct Card<'a> {
    id: &'a str,
    file: Option<&'a str>,
    line: u32,
    source: Source,
    score: u8,
    grade: char,
    counts: [usize; 5],
    checklist: Vec<usize>,
    suppressed: usize,
    listed: bool,
    /// Position in scan order (unlisted functions after all listed ones).
    order: usize,
}

/// The rules that occur in the findings, by id, with their metadata when known.
struct RuleRow<'a> {
    id: &'a str,
    name: &'a str,
    meta: Option<&'a RuleMeta>,
}

/// Everything the page shows, computed once.
struct Model<'a> {
    findings: Vec<&'a Finding>,
    cards: Vec<Card<'a>>,
    rules: Vec<RuleRow<'a>>,
    rule_index: HashMap<&'a str, usize>,
    sources: Vec<Source>,
    /// Card index of each function id (the first card of that id).
    card_of: HashMap<&'a str, usize>,
    overall: (u8, char),
    grades: BTreeMap<char, usize>,
    /// Non-suppressed findings by checklist line (9 lines + "other") and severity.
    chart: Vec<[usize; 5]>,
}

fn build<'a>(r: &Report<'a>) -> Model<'a> {
    let findings = sorted_findings(r);
    let meta: HashMap<&str, &RuleMeta> = r.rules.iter().map(|m| (m.id, m)).collect();
    let checklist_of = |rule_id: &str| -> Option<usize> {
        meta.get(rule_id).map(|m| checklist_index(m.checklist))
    };

    // Rules that occur, by id.
    let mut occurring: BTreeMap<&str, &str> = BTreeMap::new();
    for f in &findings {
        occurring.entry(f.rule_id).or_insert(f.rule);
    }
    let rules: Vec<RuleRow> = occurring
        .into_iter()
        .map(|(id, name)| {
            let m = meta.get(id).copied();
            RuleRow {
                id,
                name: m.map_or(name, |m| m.name),
                meta: m,
            }
        })
        .collect();
    let rule_index: HashMap<&str, usize> =
        rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();

    // Function cards: scanned functions, then functions only named by findings.
    let groups = by_function(r);
    let scores = score_functions(r);
    let mut cards: Vec<Card> = Vec::with_capacity(r.functions.len());
    let checklist_lines = |fs: &[&Finding]| -> (Vec<usize>, usize) {
        let mut lines: Vec<usize> = fs
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| checklist_of(f.rule_id).unwrap_or(CHECKLIST.len()))
            .collect();
        lines.sort_unstable();
        lines.dedup();
        let suppressed = fs.iter().filter(|f| f.suppressed.is_some()).count();
        (lines, suppressed)
    };
    for (i, (entry, s)) in r.functions.iter().zip(&scores).enumerate() {
        let fs = groups
            .get(entry.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let (checklist, suppressed) = checklist_lines(fs);
        cards.push(Card {
            id: &entry.id,
            file: entry.loc.file.as_deref(),
            line: entry.loc.line,
            source: Source::Kind(kind_order(entry.kind)),
            score: s.score,
            grade: s.grade,
            counts: s.counts,
            checklist,
            suppressed,
            listed: true,
            order: i,
        });
    }
    let n_scores = scores.len();
    let listed: std::collections::HashSet<&str> =
        r.functions.iter().map(|f| f.id.as_str()).collect();
    let mut unlisted: Vec<&str> = groups
        .keys()
        .copied()
        .filter(|id| !listed.contains(id))
        .collect();
    unlisted.sort_unstable();
    for (k, id) in unlisted.into_iter().enumerate() {
        let fs = groups[id].as_slice();
        let (score, grade, counts) = score_of(fs.iter().copied());
        let (checklist, suppressed) = checklist_lines(fs);
        cards.push(Card {
            id,
            file: None,
            line: 0,
            source: Source::Unknown,
            score,
            grade,
            counts,
            checklist,
            suppressed,
            listed: false,
            order: n_scores + k,
        });
    }
    // Worst first; ties keep scan order.
    cards.sort_by_key(|c| (c.score, c.order));
    let mut card_of: HashMap<&str, usize> = HashMap::new();
    for (i, c) in cards.iter().enumerate() {
        card_of.entry(c.id).or_insert(i);
    }

    let mut sources: Vec<Source> = cards.iter().map(|c| c.source).collect();
    if findings.iter().any(|f| f.function.is_none()) {
        sources.push(Source::NoFunction);
    }
    sources.sort_unstable();
    sources.dedup();

    // Overall score: mean of the scanned functions' scores.
    let overall_score = if scores.is_empty() {
        100
    } else {
        let sum: usize = scores.iter().map(|s| s.score as usize).sum();
        let n = scores.len();
        ((sum + n / 2) / n) as u8
    };
    let overall = (overall_score, crate::grade(overall_score, false, false));
    let mut grades: BTreeMap<char, usize> = ['A', 'B', 'C', 'D', 'F'].map(|g| (g, 0)).into();
    for s in &scores {
        *grades.entry(s.grade).or_default() += 1;
    }

    let mut chart = vec![[0usize; 5]; CHECKLIST.len() + 1];
    for f in &findings {
        if f.suppressed.is_none() {
            let line = checklist_of(f.rule_id).unwrap_or(CHECKLIST.len());
            chart[line][severity_index(f.severity)] += 1;
        }
    }

    Model {
        findings,
        cards,
        rules,
        rule_index,
        sources,
        card_of,
        overall,
        grades,
        chart,
    }
}

fn data_json(m: &Model) -> String {
    let mut strings = Strings::default();
    let source_index = |s: Source| m.sources.iter().position(|x| *x == s).unwrap_or(0);
    let functions: Vec<DataFunction> = m
        .cards
        .iter()
        .map(|c| {
            DataFunction(
                c.id,
                c.file.map_or(-1, |f| strings.get(f) as i64),
                c.line,
                source_index(c.source),
                c.score,
                c.grade.to_string(),
                c.counts,
                c.checklist.clone(),
                c.suppressed,
                c.listed,
            )
        })
        .collect();
    let findings: Vec<DataFinding> = m
        .findings
        .iter()
        .map(|f| {
            let card = f
                .function
                .as_deref()
                .and_then(|id| m.card_of.get(id).copied());
            let source = match card {
                Some(c) => m.cards[c].source,
                None => Source::NoFunction,
            };
            DataFinding(
                m.rule_index.get(f.rule_id).copied().unwrap_or(0),
                severity_index(f.severity),
                &f.message,
                strings.get(&f.resource),
                card.map_or(-1, |c| c as i64),
                source_index(source),
                f.loc.file.as_deref().map_or(-1, |s| strings.get(s) as i64),
                f.loc.line,
                f.loc.column,
                strings.get(&f.remediation),
                f.suppressed.as_deref(),
            )
        })
        .collect();
    let data = Data {
        page: [PAGE_ROWS, PAGE_CARDS],
        sev: SEVERITIES.map(Severity::as_str),
        checklist: CHECKLIST
            .iter()
            .map(|c| c.title())
            .chain(["(other rules)"])
            .collect(),
        sources: m.sources.iter().map(|s| source_label(*s)).collect(),
        rules: m
            .rules
            .iter()
            .map(|r| {
                DataRule(
                    r.id,
                    r.name,
                    r.meta.map_or(-1, |m| checklist_index(m.checklist) as i64),
                    r.meta.map_or("", |m| m.summary),
                )
            })
            .collect(),
        strings: Vec::new(),
        functions,
        findings,
    };
    let data = Data {
        strings: strings.list,
        ..data
    };
    // Plain structs of strings and integers always serialize.
    script_json(&serde_json::to_string(&data).expect("HTML report data serializes"))
}

// ---------------------------------------------------------------------------------------------
// The chart.

/// Stacked horizontal bars of non-suppressed findings per checklist line, by severity.
fn chart_svg(m: &Model) -> String {
    let rows: Vec<(usize, &[usize; 5])> = m
        .chart
        .iter()
        .enumerate()
        .filter(|(i, c)| *i < CHECKLIST.len() || c.iter().sum::<usize>() > 0)
        .collect();
    let label_w = 330.0;
    let bar_w = 470.0;
    let row_h = 26.0;
    let top = 34.0;
    // Room after the longest bar for its total and the names of unlabelled segments.
    let width = label_w + bar_w + 210.0;
    let height = top + row_h * rows.len() as f64 + 8.0;
    let max = rows
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">\
<title id=\"chart-title\">Findings by checklist line and severity</title>\
<desc id=\"chart-desc\">Stacked bars: one per checklist line; segments are severities, labelled with their initial and count (C critical, H high, M medium, L low, I info); the number after a bar is its total, followed in parentheses by the segments too narrow to carry their label. The same numbers are in the table below.</desc>"
    );
    // Legend.
    let mut x = 0.0;
    for (i, sev) in SEVERITIES.iter().enumerate() {
        let _ = write!(
            s,
            "<g class=\"legend\"><rect class=\"sev{i}\" x=\"{x}\" y=\"4\" width=\"14\" height=\"14\"/><text x=\"{}\" y=\"15\">{} = {}</text></g>",
            x + 18.0,
            SEV_LETTER[i],
            sev.as_str()
        );
        x += 110.0;
    }
    for (row, (line, counts)) in rows.iter().enumerate() {
        let y = top + row_h * row as f64;
        let title = if *line < CHECKLIST.len() {
            CHECKLIST[*line].title()
        } else {
            "(other rules)"
        };
        let total: usize = counts.iter().sum();
        let _ = write!(
            s,
            "<g class=\"bar\"><text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 16.0,
            esc(title)
        );
        let mut x = label_w;
        // Segments too narrow for their label are named after the total instead.
        let mut unlabelled: Vec<String> = Vec::new();
        for (i, n) in counts.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let w = bar_w * (*n as f64) / (max as f64);
            let _ = write!(
                s,
                "<g><title>{}: {} {} finding{}</title><rect class=\"sev{i}\" x=\"{x:.1}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\"/>",
                esc(title),
                n,
                SEVERITIES[i].as_str(),
                if *n == 1 { "" } else { "s" },
                y + 3.0,
                row_h - 6.0
            );
            let label = format!("{}{}", SEV_LETTER[i], n);
            // About 7 px per character at this size.
            if w >= 7.0 * label.len() as f64 + 6.0 {
                let _ = write!(
                    s,
                    "<text class=\"seg seg{i}\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
                    x + w / 2.0,
                    y + 17.0
                );
            } else {
                unlabelled.push(label);
            }
            s.push_str("</g>");
            x += w;
        }
        let rest = if unlabelled.is_empty() {
            String::new()
        } else {
            format!(" ({})", unlabelled.join(" "))
        };
        let _ = write!(
            s,
            "<text class=\"total\" x=\"{:.1}\" y=\"{}\">{total}{rest}</text></g>",
            x + 6.0,
            y + 17.0
        );
    }
    s.push_str("</svg>");
    s
}

fn chart_table(m: &Model) -> String {
    let mut s =
        String::from("<table class=\"numbers\"><thead><tr><th scope=\"col\">checklist line</th>");
    for sev in SEVERITIES {
        let _ = write!(s, "<th scope=\"col\">{}</th>", sev.as_str());
    }
    s.push_str("<th scope=\"col\">total</th></tr></thead><tbody>");
    for (line, counts) in m.chart.iter().enumerate() {
        let total: usize = counts.iter().sum();
        if line == CHECKLIST.len() && total == 0 {
            continue;
        }
        let title = if line < CHECKLIST.len() {
            CHECKLIST[line].title()
        } else {
            "(other rules)"
        };
        let _ = write!(s, "<tr><th scope=\"row\">{}</th>", esc(title));
        for n in counts {
            let _ = write!(s, "<td>{n}</td>");
        }
        let _ = write!(s, "<td>{total}</td></tr>");
    }
    s.push_str("</tbody></table>");
    s
}

// ---------------------------------------------------------------------------------------------
// The page.

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The report as one self-contained HTML page, ending with a newline. See the module doc.
pub fn render_html(r: &Report) -> String {
    let m = build(r);
    let (counts, suppressed) = totals(r);
    let total_open: usize = counts.iter().sum();
    let errors = sorted_errors(r);
    let mut h = String::with_capacity(64 * 1024 + r.findings.len() * 300);

    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"lambdasec {}\">\n\
<title>lambdasec report: score {} ({}), {}</title>\n\
<script>window.__lambdasecErrors=[];window.addEventListener('error',function(e){{window.__lambdasecErrors.push(String(e.message||e.type))}});document.addEventListener('securitypolicyviolation',function(e){{window.__lambdasecErrors.push('CSP blocked '+e.violatedDirective+' '+e.blockedURI)}});</script>\n\
<style>\n{CSS}</style>\n</head>\n<body>\n",
        esc(r.tool_version),
        m.overall.0,
        m.overall.1,
        plural(total_open, "finding", "findings"),
    );

    // Header and overview.
    let _ = write!(
        h,
        "<header><h1>lambdasec report</h1><p class=\"meta\">lambdasec {} · {} · {} · {}</p></header>\n<main>\n",
        esc(r.tool_version),
        plural(r.files, "file scanned", "files scanned"),
        plural(r.functions.len(), "function", "functions"),
        plural(r.findings.len(), "finding", "findings"),
    );
    let (score, grade) = m.overall;
    let _ = write!(
        h,
        "<section id=\"overview\" aria-label=\"Overview\">\n\
<div class=\"overall grade-{grade}\" id=\"overall\"><div class=\"big-grade\" title=\"overall grade\">{grade}</div>\
<div><div class=\"big-score\"><span id=\"overall-score\">{score}</span><small>/100</small></div><div>overall score</div></div></div>\n\
<div class=\"totals\"><table class=\"numbers\" id=\"totals\"><tbody>"
    );
    for (i, sev) in SEVERITIES.iter().enumerate() {
        let _ = write!(
            h,
            "<tr class=\"sevrow{i}\"><th scope=\"row\"><span class=\"sev sev{i}\">{}</span></th><td data-total=\"{}\">{}</td></tr>",
            sev.as_str(),
            sev.as_str(),
            counts[i]
        );
    }
    let _ = write!(
        h,
        "<tr><th scope=\"row\">suppressed</th><td data-total=\"suppressed\">{suppressed}</td></tr>\
</tbody></table>\
<table class=\"numbers\"><tbody>\
<tr><th scope=\"row\">files scanned</th><td data-total=\"files\">{}</td></tr>\
<tr><th scope=\"row\">functions</th><td data-total=\"functions\">{}</td></tr>\
<tr><th scope=\"row\">findings (not suppressed)</th><td data-total=\"findings\">{total_open}</td></tr>\
<tr><th scope=\"row\">input errors</th><td data-total=\"errors\">{}</td></tr>\
</tbody></table>\
<table class=\"numbers\" aria-label=\"functions by grade\"><tbody>",
        r.files,
        r.functions.len(),
        errors.len()
    );
    for (g, n) in &m.grades {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">grade <span class=\"grade-badge grade-{g}\">{g}</span></th><td data-grade=\"{g}\">{}</td></tr>",
            plural(*n, "function", "functions")
        );
    }
    let _ = write!(
        h,
        "</tbody></table></div>\n<details class=\"definition\"><summary>How the scores are computed</summary><p>{}</p><p>{}</p></details>\n</section>\n",
        esc(OVERALL_SCORE_DOC),
        esc(crate::SCORE_DOC)
    );

    // Input errors.
    if !errors.is_empty() {
        let _ = write!(
            h,
            "<section id=\"errors\"><h2>Input errors ({})</h2><p>These inputs could not be read or parsed; the scan went on with the rest.</p><ul class=\"errors\">",
            errors.len()
        );
        for e in &errors {
            let at = match e.line {
                Some(line) => format!("{}:{line}", e.file),
                None => e.file.clone(),
            };
            let _ = write!(h, "<li><code>{}</code>: {}</li>", esc(&at), esc(&e.message));
        }
        h.push_str("</ul></section>\n");
    }

    // Chart.
    let _ = write!(
        h,
        "<section id=\"chart\"><h2>Findings by checklist line</h2>\n<div class=\"chart-wrap\">{}</div>\n\
<details><summary>Chart data</summary>{}</details></section>\n",
        chart_svg(&m),
        chart_table(&m)
    );

    // Filters.
    h.push_str("<section id=\"filters\" aria-label=\"Filters\"><form id=\"filter-form\" onsubmit=\"return false\">\n<fieldset class=\"sevs\"><legend>Severity</legend>");
    for (i, sev) in SEVERITIES.iter().enumerate() {
        let _ = write!(
            h,
            "<label><input type=\"checkbox\" id=\"sev-{name}\" data-sev=\"{i}\" checked> <span class=\"sev sev{i}\">{name}</span> ({n})</label>",
            name = sev.as_str(),
            n = counts[i]
        );
    }
    h.push_str("</fieldset>\n<label>Rule <select id=\"rule-filter\"><option value=\"-1\">all rules</option>");
    let mut per_rule = vec![0usize; m.rules.len()];
    for f in &m.findings {
        if let Some(i) = m.rule_index.get(f.rule_id) {
            per_rule[*i] += 1;
        }
    }
    for (i, rule) in m.rules.iter().enumerate() {
        let _ = write!(
            h,
            "<option value=\"{i}\">{} {} ({})</option>",
            esc(rule.id),
            esc(rule.name),
            per_rule[i]
        );
    }
    h.push_str("</select></label>\n<label>Source <select id=\"source-filter\"><option value=\"-1\">all sources</option>");
    for (i, s) in m.sources.iter().enumerate() {
        let _ = write!(
            h,
            "<option value=\"{i}\">{}</option>",
            esc(source_label(*s))
        );
    }
    let _ = write!(
        h,
        "</select></label>\n<label>Search <input type=\"search\" id=\"search\" placeholder=\"rule, message, resource, file…\" autocomplete=\"off\"></label>\n\
<label><input type=\"checkbox\" id=\"show-suppressed\"> show suppressed ({suppressed})</label>\n\
<span id=\"function-filter\" hidden>function: <code id=\"function-filter-name\"></code> <button type=\"button\" id=\"function-filter-clear\">clear</button></span>\n\
<button type=\"button\" id=\"reset-filters\">reset filters</button>\n\
</form><p id=\"status\" role=\"status\" aria-live=\"polite\">{} findings</p></section>\n",
        r.findings.len()
    );

    // Function cards.
    let _ = writeln!(
        h,
        "<section id=\"functions\"><h2>Functions</h2><p id=\"cards-status\">{}</p><div id=\"cards\" class=\"cards\"></div>\
<p><button type=\"button\" id=\"more-cards\" hidden>show more functions</button></p></section>",
        plural(m.cards.len(), "function", "functions")
    );

    // Findings.
    h.push_str(
        "<section id=\"findings-section\"><h2>Findings</h2>\
<table id=\"findings\" class=\"findings\"><thead><tr><th scope=\"col\">severity</th><th scope=\"col\">rule</th>\
<th scope=\"col\">finding</th><th scope=\"col\">location</th><th scope=\"col\">fix</th></tr></thead><tbody></tbody></table>\
<p id=\"rows-status\"></p><p><button type=\"button\" id=\"more-rows\" hidden>show more findings</button></p>\
<noscript><p>The findings and function cards are drawn by the page's script; enable JavaScript, or use <code>--format json</code>.</p></noscript>\
</section>\n",
    );

    // Rules: each rule's documentation once.
    if !m.rules.is_empty() {
        h.push_str("<section id=\"rules\"><h2>Rules in this report</h2>\n");
        for rule in &m.rules {
            let _ = write!(
                h,
                "<details class=\"rule\" id=\"rule-{}\"><summary><code>{}</code> {}",
                esc(rule.id),
                esc(rule.id),
                esc(rule.name)
            );
            match rule.meta {
                Some(meta) => {
                    let _ = write!(
                        h,
                        " — {}</summary>\n<p class=\"rule-meta\">default severity <span class=\"sev sev{}\">{}</span> · checklist: {}</p>\n<div class=\"doc\">{}</div>\n<p class=\"fix\"><strong>Fix:</strong> {}</p></details>\n",
                        esc(meta.summary),
                        severity_index(meta.severity),
                        meta.severity.as_str(),
                        esc(meta.checklist.title()),
                        markdown(meta.doc),
                        esc(meta.remediation)
                    );
                }
                None => h.push_str("</summary><p>No documentation for this rule.</p></details>\n"),
            }
        }
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n<footer><p>Generated by lambdasec. This file is self-contained: it fetches nothing.</p></footer>\n");

    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"lambdasec-data\">{}</script>\n<script>\n{JS}</script>\n</body>\n</html>\n",
        data_json(&m)
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            esc("</script><img src=x onerror=alert(1)>\"'&\u{1}"),
            "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;\u{FFFD}"
        );
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let j = script_json("{\"a\":\"</script><!--&\u{2028}\u{2029}\"}");
        assert!(!j.contains('<') && !j.contains('>') && !j.contains('&'));
        assert!(!j.contains('\u{2028}') && !j.contains('\u{2029}'));
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["a"], "</script><!--&\u{2028}\u{2029}");
    }

    #[test]
    fn assets_cannot_end_their_elements() {
        assert!(!JS.to_ascii_lowercase().contains("</script"));
        assert!(!JS.contains("<!--") && !JS.to_ascii_lowercase().contains("<script"));
        assert!(!CSS.to_ascii_lowercase().contains("</style"));
        assert!(!CSS.contains("url("));
    }

    #[test]
    fn markdown_subset() {
        let html = markdown(
            " ## What it does\n Finds `NONE` <b>auth</b>.\n more text\n\n - one `a<b`\n - two\n   continued\n\n 1. first\n 2. second\n\n ```hcl\n resource \"x\" \"y\" {\n   a = \"</code>\"\n }\n ```\n\n **bold** and [docs](https://example.com/x) and a lone ** star\n",
        );
        assert!(html.contains("<h4>What it does</h4>"), "{html}");
        assert!(html.contains("<p>Finds <code>NONE</code> &lt;b&gt;auth&lt;/b&gt;. more text</p>"));
        assert!(html.contains("<ul><li>one <code>a&lt;b</code></li><li>two continued</li></ul>"));
        assert!(html.contains("<ol><li>first</li><li>second</li></ol>"));
        assert!(html.contains(
            "<pre><code class=\"lang-hcl\">resource &quot;x&quot; &quot;y&quot; {\n  a = &quot;&lt;/code&gt;&quot;\n}</code></pre>"
        ), "{html}");
        assert!(
            html.contains(
                "<strong>bold</strong> and docs (https://example.com/x) and a lone ** star"
            ),
            "{html}"
        );
        assert!(!html.contains("href"));
    }

    #[test]
    fn markdown_survives_odd_input() {
        for md in [
            "```",
            "#",
            "######## x",
            "- ",
            "1.",
            "[a](",
            "`",
            "``a`",
            "**",
            "\u{0}",
        ] {
            let _ = markdown(md);
        }
        assert_eq!(markdown("```\n<x>"), "<pre><code>&lt;x&gt;</code></pre>\n");
    }
}
