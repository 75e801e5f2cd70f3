//! The HTML report: escaping, the embedded data, self-containment, determinism and counts.

mod common;

use common::{finding, loc, scan, API, LIVE, WORKER};
use lambdasec_model::{Checklist, Location, RuleMeta, Severity, SourceError, SourceKind};
use lambdasec_report::{
    render_html, render_json, score_functions, FunctionEntry, Report, OVERALL_SCORE_DOC,
};
use serde_json::Value;

const EVIL: &str = "</script><img src=x onerror=alert(1)>";
const QUOTES: &str = "\"'&";
const DATA_OPEN: &str = "<script type=\"application/json\" id=\"lambdasec-data\">";

/// The embedded data block, parsed.
fn data(html: &str) -> Value {
    let start = html.find(DATA_OPEN).expect("data block") + DATA_OPEN.len();
    let end = start + html[start..].find("</script>").expect("end of data block");
    serde_json::from_str(&html[start..end]).expect("data block is JSON")
}

/// Values of every `attr="..."` in the page.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!("{attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&pat) {
        let v = &rest[i + pat.len()..];
        let end = v.find('"').unwrap_or(v.len());
        out.push(&v[..end]);
        rest = &v[end..];
    }
    out
}

/// A scan whose every user-controlled string carries markup and quotes.
fn hostile() -> common::Scan {
    let mut s = scan();
    let evil_fn = format!("aws_lambda_function.x{EVIL}{QUOTES}");
    for f in &mut s.findings {
        f.resource = format!("{EVIL}{QUOTES}");
        f.message = format!("message {EVIL} {QUOTES}\u{2028}\u{2029}<!--");
        f.remediation = format!("fix {EVIL}");
        if f.function.as_deref() == Some(API) {
            f.function = Some(evil_fn.clone());
        }
        if f.suppressed.is_some() {
            f.suppressed = Some(format!("reason {EVIL}"));
        }
        if f.loc.file.is_some() {
            f.loc = loc(&format!("dir/{EVIL}.tf"), f.loc.line, f.loc.column);
        }
    }
    s.functions[0].id = evil_fn;
    s.functions[0].loc = loc(&format!("{EVIL}{QUOTES}.tf"), 18, 1);
    s.errors.push(SourceError {
        file: format!("{EVIL}.yaml"),
        line: Some(2),
        message: format!("bad {EVIL} {QUOTES}"),
    });
    s
}

#[test]
fn user_strings_cannot_inject_markup() {
    let s = hostile();
    let r = s.report();
    let html = render_html(&Report {
        tool_version: "0.1.0<script>",
        ..r
    });
    // The only script elements are the report's own three.
    assert_eq!(html.matches("</script>").count(), 3, "{html}");
    assert_eq!(html.to_ascii_lowercase().matches("<script").count(), 3);
    assert!(!html.contains("<img"), "an <img> tag got through");
    // (The escaped text "&lt;img src=x onerror=..." is fine: it is text, not a tag.)
    assert!(!html.contains("<!--"));
    assert!(!html.contains('\u{2028}') && !html.contains('\u{2029}'));
    // Escaped where the page shows them statically (errors, functions).
    assert!(html.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;.yaml:2"));
    assert!(html.contains("bad &lt;/script&gt;"));
    assert!(html.contains("&quot;&#39;&amp;"));
    assert!(html.contains("lambdasec 0.1.0&lt;script&gt;"));
    // And intact in the data, which the script only ever puts in textContent.
    let d = data(&html);
    let strings: Vec<&str> = d["strings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(strings.contains(&format!("{EVIL}{QUOTES}").as_str()));
    let messages: Vec<&str> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f[2].as_str().unwrap())
        .collect();
    assert!(messages.contains(&format!("message {EVIL} {QUOTES}\u{2028}\u{2029}<!--").as_str()));
    let functions: Vec<&str> = d["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f[0].as_str().unwrap())
        .collect();
    assert!(functions.contains(&format!("aws_lambda_function.x{EVIL}{QUOTES}").as_str()));
    // The script never parses data as HTML.
    assert!(!html.contains("innerHTML"));
    assert!(!html.contains("insertAdjacentHTML"));
    assert!(!html.contains("document.write"));
}

#[test]
fn the_page_is_self_contained() {
    let s = hostile();
    let html = render_html(&s.report());
    assert!(html.starts_with("<!DOCTYPE html>\n"));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
    ));
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<link"));
    assert!(!lower.contains("<iframe") && !lower.contains("<object") && !lower.contains("<embed"));
    assert!(!lower.contains("@import") && !lower.contains("url("));
    for attr in ["src", "href", "action", "srcset", "poster", "data"] {
        for v in attr_values(&html, attr) {
            let v = v.trim().to_ascii_lowercase();
            assert!(
                !v.starts_with("http:") && !v.starts_with("https:") && !v.starts_with("//"),
                "{attr}=\"{v}\" fetches"
            );
        }
    }
    // The script only fetches nothing.
    for api in [
        "fetch(",
        "XMLHttpRequest",
        "new Image",
        "WebSocket",
        "sendBeacon",
        "import(",
    ] {
        assert!(!html.contains(api), "script uses {api}");
    }
}

#[test]
fn data_block_holds_every_finding_and_function() {
    let s = scan();
    let r = s.report();
    let html = render_html(&r);
    let d = data(&html);
    let findings = d["findings"].as_array().unwrap();
    assert_eq!(findings.len(), s.findings.len());
    // Same order as the JSON report.
    let json: Value = serde_json::from_str(&render_json(&r)).unwrap();
    let rules: Vec<&str> = d["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap())
        .collect();
    let strings = d["strings"].as_array().unwrap();
    for (a, b) in findings.iter().zip(json["findings"].as_array().unwrap()) {
        assert_eq!(rules[a[0].as_u64().unwrap() as usize], b["rule_id"]);
        assert_eq!(d["sev"][a[1].as_u64().unwrap() as usize], b["severity"]);
        assert_eq!(a[2], b["message"]);
        assert_eq!(strings[a[3].as_u64().unwrap() as usize], b["resource"]);
        match a[6].as_i64().unwrap() {
            -1 => assert!(b.get("file").is_none()),
            i => assert_eq!(strings[i as usize], b["file"]),
        }
        assert_eq!(a[7], b["line"]);
        assert_eq!(a[8], b["column"]);
        assert_eq!(strings[a[9].as_u64().unwrap() as usize], b["remediation"]);
        assert_eq!(
            a[10].as_str(),
            b["suppressed"]["reason"].as_str(),
            "suppression"
        );
        let function = match a[4].as_i64().unwrap() {
            -1 => Value::Null,
            i => d["functions"][i as usize][0].clone(),
        };
        assert_eq!(function, b["function"]);
    }
    // Cards: every scanned function, worst score first.
    let functions = d["functions"].as_array().unwrap();
    assert_eq!(functions.len(), 3);
    let scores: Vec<u64> = functions.iter().map(|f| f[4].as_u64().unwrap()).collect();
    let mut sorted = scores.clone();
    sorted.sort_unstable();
    assert_eq!(scores, sorted);
    // Sources: the function's kind; findings of no function in their own bucket.
    let sources: Vec<&str> = d["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(sources, ["Terraform", "AWS account", "(no function)"]);
    for f in functions {
        let want = if f[0] == LIVE {
            "AWS account"
        } else {
            "Terraform"
        };
        assert_eq!(sources[f[3].as_u64().unwrap() as usize], want);
    }
    for f in findings {
        if f[4] == -1 {
            assert_eq!(sources[f[5].as_u64().unwrap() as usize], "(no function)");
        }
    }
    // The API function breaks four checklist lines with findings that are not suppressed.
    let api = functions.iter().find(|f| f[0] == API).unwrap();
    let checklist = d["checklist"].as_array().unwrap();
    let lines: Vec<&str> = api[7]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| checklist[i.as_u64().unwrap() as usize].as_str().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            Checklist::LeastPrivilegeRole.title(),
            Checklist::VpcAndEgress.title(),
            Checklist::FunctionUrlAuth.title(),
            Checklist::LoggingAndTracing.title(),
            Checklist::FailureHandling.title(),
        ]
    );
    assert_eq!(api[8], 1, "one suppressed finding");
    let worker = functions.iter().find(|f| f[0] == WORKER).unwrap();
    assert_eq!(worker[4], 100);
    assert_eq!(worker[5], "A");
}

#[test]
fn overview_counts_match_the_json_report() {
    let s = scan();
    let r = s.report();
    let html = render_html(&r);
    let json: Value = serde_json::from_str(&render_json(&r)).unwrap();
    let summary = &json["summary"];
    for key in [
        "critical",
        "high",
        "medium",
        "low",
        "info",
        "suppressed",
        "files",
        "functions",
    ] {
        let cell = format!("<td data-total=\"{key}\">{}</td>", summary[key]);
        assert!(html.contains(&cell), "missing {cell}");
    }
    assert!(html.contains("<td data-total=\"errors\">2</td>"));
    // Errors listed with file:line, sorted.
    let a = html
        .find("<code>broken.tf:3</code>: expected &#39;}&#39;")
        .unwrap();
    let b = html
        .find("<code>package.zip</code>: not a zip archive")
        .unwrap();
    assert!(a < b);
    // The overall score: the rounded mean of the function scores.
    let scores = score_functions(&r);
    let mean = (scores.iter().map(|s| s.score as f64).sum::<f64>() / scores.len() as f64).round();
    assert!(html.contains(&format!("<span id=\"overall-score\">{mean}</span>")));
    assert!(html.contains(&OVERALL_SCORE_DOC.replace('\n', " ")[..40]));
    // Severity filters show totals; the status line counts all findings.
    assert!(html.contains("id=\"sev-high\" data-sev=\"1\" checked>"));
    let d = data(&html);
    assert_eq!(d["page"][0], 200);
}

#[test]
fn chart_has_a_labelled_bar_per_checklist_line() {
    let s = scan();
    let html = render_html(&s.report());
    let start = html.find("<svg class=\"chart\"").unwrap();
    let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
    for line in [
        Checklist::LeastPrivilegeRole,
        Checklist::SecretsNotInEnv,
        Checklist::VpcAndEgress,
        Checklist::FunctionUrlAuth,
        Checklist::ResourcePolicy,
        Checklist::LayersAndRuntime,
        Checklist::LoggingAndTracing,
        Checklist::FailureHandling,
        Checklist::AttackPath,
    ] {
        assert!(
            svg.contains(&format!(">{}</text>", line.title())),
            "{line:?}"
        );
    }
    // Legend and readable labels: least privilege has 2 high (LS102) and 1 low (LS108).
    assert!(svg.contains(">H = high</text>"));
    assert!(svg.contains("<title>execution role is least-privilege: 2 high findings</title>"));
    assert!(svg.contains(">H2</text>"));
    assert!(svg.contains("<title>execution role is least-privilege: 1 low finding</title>"));
    // The suppressed LS201 does not count.
    assert!(!svg.contains("<title>secrets come from SSM / Secrets Manager:"));
    assert!(html.contains("<tr><th scope=\"row\">execution role is least-privilege</th><td>0</td><td>2</td><td>0</td><td>1</td><td>0</td><td>3</td></tr>"));
}

#[test]
fn narrow_chart_segments_are_named_after_the_total() {
    let mut s = scan();
    for i in 0..100 {
        s.findings.push(finding(
            "LS102",
            "aws_iam_role_policy.api",
            Some(API),
            loc("infra/iam.tf", 100 + i, 1),
        ));
    }
    let html = render_html(&s.report());
    // 102 high and 1 low on the least-privilege line: the low segment is a few pixels wide.
    assert!(html.contains(">H102</text>"));
    assert!(html.contains(">103 (L1)</text>"), "narrow segment unnamed");
}

#[test]
fn each_rule_doc_appears_once_as_safe_html() {
    let mut s = scan();
    let doc: &'static str = " ## What it does\n Checks `<b>x</b>`.\n\n ```hcl\n a = \"</script>\"\n ```\n - item <i>one</i>\n";
    for r in &mut s.rules {
        r.doc = doc;
    }
    let html = render_html(&s.report());
    // LS102 and LS701 occur twice each but are documented once; unused rules not at all.
    assert_eq!(html.matches("id=\"rule-LS102\"").count(), 1);
    assert_eq!(html.matches("id=\"rule-LS701\"").count(), 1);
    assert_eq!(
        html.matches("id=\"rule-LS201\"").count(),
        1,
        "suppressed counts"
    );
    assert!(!html.contains("id=\"rule-LS999\""));
    assert!(html.contains("<h4>What it does</h4>"));
    assert!(html.contains("<p>Checks <code>&lt;b&gt;x&lt;/b&gt;</code>.</p>"));
    assert!(
        html.contains("<pre><code class=\"lang-hcl\">a = &quot;&lt;/script&gt;&quot;</code></pre>")
    );
    assert!(html.contains("<ul><li>item &lt;i&gt;one&lt;/i&gt;</li></ul>"));
    assert!(html.contains("<p class=\"fix\"><strong>Fix:</strong> do the other thing</p>"));
    assert!(html.contains("a test rule fails"), "summary");
}

#[test]
fn output_is_deterministic_and_independent_of_input_order() {
    let s = scan();
    let a = render_html(&s.report());
    assert_eq!(a, render_html(&s.report()));
    let mut shuffled = scan();
    shuffled.findings.reverse();
    shuffled.errors.reverse();
    assert_eq!(a, render_html(&shuffled.report()));
    assert!(a.ends_with("</html>\n"));
}

#[test]
fn empty_report_renders() {
    let r = Report {
        tool_version: "0.1.0",
        findings: &[],
        functions: &[],
        rules: &[],
        errors: &[],
        files: 0,
    };
    let html = render_html(&r);
    assert!(html.contains("<span id=\"overall-score\">100</span>"));
    assert!(html.contains("class=\"overall grade-A\""));
    assert!(html.contains("<td data-total=\"functions\">0</td>"));
    assert!(!html.contains("id=\"errors\""));
    let d = data(&html);
    assert_eq!(d["findings"].as_array().unwrap().len(), 0);
    assert_eq!(d["functions"].as_array().unwrap().len(), 0);
    assert_eq!(d["sources"].as_array().unwrap().len(), 0);
}

#[test]
fn odd_inputs_do_not_panic() {
    let mut s = scan();
    // A rule id no rule metadata knows, an unlisted function, a duplicate function, empty and
    // control-character strings, line 0.
    let mut odd = finding(
        "LS303",
        "",
        Some("aws_lambda_function.ghost"),
        Location::none(),
    );
    odd.rule_id = "LS999";
    odd.rule = "";
    odd.message = "\u{0}\u{1b}[31m\r\n".into();
    s.findings.push(odd);
    s.functions.push(FunctionEntry {
        id: API.into(),
        loc: loc("", 0, 0),
        kind: SourceKind::Serverless,
    });
    s.rules.push(RuleMeta {
        id: "LS000",
        name: "",
        severity: Severity::Info,
        checklist: Checklist::AttackPath,
        summary: "",
        doc: "```\n",
        remediation: "",
    });
    let html = render_html(&s.report());
    let d = data(&html);
    assert_eq!(d["findings"].as_array().unwrap().len(), s.findings.len());
    assert!(html.contains("id=\"rule-LS999\""));
    assert!(html.contains("(other rules)"));
    assert!(d["sources"]
        .as_array()
        .unwrap()
        .contains(&Value::from("(unknown source)")));
    assert!(!html.contains('\u{0}') && !html.contains('\u{1b}'));
}
