//! Snapshots of every format for the shared hand-built scan.

mod common;

use lambdasec_report::{render_json, render_sarif, render_text};

#[test]
fn text_report() {
    let scan = common::scan();
    insta::assert_snapshot!(render_text(&scan.report(), false));
}

#[test]
fn text_report_colour_only_adds_escapes() {
    let scan = common::scan();
    let coloured = render_text(&scan.report(), true);
    assert!(coloured.contains("\x1b[1;31mhigh    \x1b[0m"));
    assert!(coloured.contains("\x1b[33mmedium  \x1b[0m"));
    assert!(coloured.contains("\x1b[36mlow     \x1b[0m"));
    assert!(coloured.contains("\x1b[2minfo    \x1b[0m"));
    let stripped = coloured
        .replace("\x1b[1;31m", "")
        .replace("\x1b[33m", "")
        .replace("\x1b[36m", "")
        .replace("\x1b[2m", "")
        .replace("\x1b[1m", "")
        .replace("\x1b[0m", "");
    assert_eq!(stripped, render_text(&scan.report(), false));
}

#[test]
fn json_report() {
    let scan = common::scan();
    insta::assert_snapshot!(render_json(&scan.report()));
}

#[test]
fn sarif_report() {
    let scan = common::scan();
    insta::assert_snapshot!(render_sarif(&scan.report()));
}

#[test]
fn output_does_not_depend_on_input_order() {
    let scan = common::scan();
    let mut shuffled = common::scan();
    shuffled.findings.reverse();
    shuffled.errors.reverse();
    let (a, b) = (scan.report(), shuffled.report());
    assert_eq!(render_text(&a, false), render_text(&b, false));
    assert_eq!(render_json(&a), render_json(&b));
    assert_eq!(render_sarif(&a), render_sarif(&b));
}

#[test]
fn empty_report() {
    let scan = common::Scan {
        findings: vec![],
        functions: vec![],
        rules: vec![],
        errors: vec![],
    };
    let r = scan.report();
    assert_eq!(
        render_text(&r, false),
        "0 findings (0 critical, 0 high, 0 medium, 0 low, 0 info), 0 suppressed, 0 functions, 4 files\n"
    );
    let json: serde_json::Value = serde_json::from_str(&render_json(&r)).unwrap();
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["summary"]["functions"], 0);
}

#[test]
fn text_escapes_control_characters_from_input() {
    let mut scan = common::scan();
    scan.findings[1].message = "evil\x1b[2Jmessage\nfake line".into();
    let text = render_text(&scan.report(), false);
    assert!(!text.contains('\x1b'));
    assert!(text.contains("evil\\u{1b}[2Jmessage\\nfake line"));
}
