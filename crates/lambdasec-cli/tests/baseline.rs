//! End-to-end tests of baselines: `--write-baseline FILE` and `--baseline FILE`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn lambdasec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdasec"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run lambdasec")
}

/// `scan --format json` of `tree` with extra arguments: the report, the exit code, stderr.
fn scan(tree: &Path, extra: &[&str]) -> (Value, i32, String) {
    let tree = tree.to_str().unwrap();
    let mut all = vec!["scan", "--format", "json", "--today", "2026-11-25", tree];
    all.extend_from_slice(extra);
    let out = lambdasec(&all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (v, out.status.code().unwrap_or(-1), stderr)
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings array")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A copy of the insecure example in a temporary directory: (guard, tree, baseline path).
fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tf");
    copy_dir(&repo().join("examples/terraform/insecure"), &tree);
    let base = dir.path().join("baseline.json");
    (dir, tree, base)
}

fn tf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            tf_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "tf") {
            out.push(p);
        }
    }
}

/// Moves the block starting at `start` (up to the next top-level block) to the end of `text`.
fn move_block_to_end(text: &str, start: &str) -> String {
    let a = text.find(start).expect("block");
    let b = text[a + 1..]
        .find("\nresource \"")
        .map_or(text.len(), |i| a + 2 + i);
    let block = &text[a..b];
    format!(
        "{}{}\n{}\n",
        &text[..a],
        &text[b..].trim_end(),
        block.trim_end()
    )
}

fn stderr_count(stderr: &str, base: &Path) -> usize {
    let suffix = format!(" finding(s) in the baseline {} not shown", base.display());
    let line = stderr
        .lines()
        .find(|l| l.ends_with(&suffix))
        .unwrap_or_else(|| panic!("no baseline count in stderr: {stderr}"));
    line.trim_start_matches("lambdasec: ")
        .trim_end_matches(&suffix)
        .parse()
        .unwrap()
}

fn line_of(v: &Value, rule: &str) -> u64 {
    findings(v)
        .iter()
        .find(|f| f["rule_id"] == rule)
        .and_then(|f| f["line"].as_u64())
        .unwrap()
}

#[test]
fn baseline_hides_known_findings_across_reformatting_and_reports_new_ones() {
    let (_dir, tree, base) = setup();
    let b = base.to_str().unwrap();

    let (v, code, _) = scan(&tree, &["--write-baseline", b]);
    assert_eq!(code, 1);
    let reported = findings(&v).len();
    assert!(reported > 30);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    assert_eq!(written["schema"], "lambdasec-baseline/v1");
    assert_eq!(written["tool"], env!("CARGO_PKG_VERSION"));
    let entries = written["findings"].as_array().unwrap();
    assert_eq!(entries.len(), reported);
    for e in entries {
        let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["file", "fingerprint", "resource", "rule_id"]);
    }
    // Deterministic: writing again gives the same bytes.
    let again = base.with_extension("again.json");
    scan(&tree, &["--write-baseline", again.to_str().unwrap()]);
    assert_eq!(
        std::fs::read(&base).unwrap(),
        std::fs::read(&again).unwrap()
    );

    // Everything is in the baseline: nothing reported, exit 0.
    let (v, code, stderr) = scan(&tree, &["--baseline", b]);
    assert_eq!(findings(&v).len(), 0, "{v}");
    assert_eq!(code, 0);
    assert_eq!(stderr_count(&stderr, &base), entries.len());
    // --quiet says nothing.
    let (_, _, stderr) = scan(&tree, &["--baseline", b, "--quiet"]);
    assert!(!stderr.contains("baseline"), "{stderr}");

    // (a) Reformatting: blank lines and comments on top of every file, two resources moved.
    let (before, _, _) = scan(&tree, &[]);
    let mut files = Vec::new();
    tf_files(&tree, &mut files);
    assert!(files.len() >= 5);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        std::fs::write(
            f,
            format!("\n\n# Reformatted.\n// Still reformatted.\n\n{text}"),
        )
        .unwrap();
    }
    let api = tree.join("api.tf");
    let text = std::fs::read_to_string(&api).unwrap();
    let text = move_block_to_end(&text, "resource \"aws_lambda_function_url\" \"api\"");
    let text = move_block_to_end(&text, "resource \"aws_cloudwatch_log_group\" \"api\"");
    std::fs::write(&api, text).unwrap();
    let (after, _, _) = scan(&tree, &[]);
    assert_eq!(findings(&after).len(), reported);
    assert_ne!(line_of(&before, "LS401"), line_of(&after, "LS401"));
    assert_ne!(line_of(&before, "LS702"), line_of(&after, "LS702"));
    let (v, code, stderr) = scan(&tree, &["--baseline", b]);
    assert_eq!(findings(&v).len(), 0, "{v}");
    assert_eq!(code, 0);
    assert_eq!(stderr_count(&stderr, &base), entries.len());

    // (b) A new insecure resource: exactly its findings are reported.
    let mut text = std::fs::read_to_string(&api).unwrap();
    text.push_str(
        "\nresource \"aws_lambda_permission\" \"anyone\" {\n  statement_id  = \"AllowAnyone\"\n  \
         action        = \"lambda:InvokeFunction\"\n  function_name = aws_lambda_function.api.function_name\n  \
         principal     = \"*\"\n}\n",
    );
    std::fs::write(&api, text).unwrap();
    let (full, _, _) = scan(&tree, &[]);
    let new: Vec<&Value> = findings(&full)
        .iter()
        .filter(|f| f["resource"] == "aws_lambda_permission.anyone")
        .collect();
    assert!(new.iter().any(|f| f["rule_id"] == "LS501"), "{full}");
    let (v, code, stderr) = scan(&tree, &["--baseline", b]);
    let shown: Vec<&Value> = findings(&v).iter().collect();
    assert_eq!(shown, new);
    assert_eq!(code, 1);
    assert_eq!(stderr_count(&stderr, &base), entries.len());
    // The text report agrees.
    let out = lambdasec(&[
        "scan",
        "--today",
        "2026-11-25",
        tree.to_str().unwrap(),
        "--baseline",
        b,
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("aws_lambda_permission.anyone"), "{text}");
    assert!(!text.contains("aws_lambda_permission.public"), "{text}");
}

#[test]
fn a_fingerprint_counts_as_many_times_as_it_is_in_the_baseline() {
    let (_dir, tree, base) = setup();
    let b = base.to_str().unwrap();
    scan(&tree, &["--write-baseline", b]);
    let mut written: Value =
        serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    let entries = written["findings"].as_array_mut().unwrap();
    // The example has findings that share a fingerprint (two LS103 on one policy file).
    let dup = (1..entries.len())
        .find(|&i| entries[i]["fingerprint"] == entries[i - 1]["fingerprint"])
        .expect("a repeated fingerprint");
    let removed = entries.remove(dup);
    let total = entries.len();
    std::fs::write(&base, serde_json::to_string_pretty(&written).unwrap()).unwrap();
    let (v, code, stderr) = scan(&tree, &["--baseline", b]);
    let shown = findings(&v);
    assert_eq!(shown.len(), 1, "{v}");
    assert_eq!(shown[0]["rule_id"], removed["rule_id"]);
    assert_eq!(shown[0]["resource"], removed["resource"]);
    assert_eq!(shown[0]["file"], removed["file"]);
    assert_eq!(stderr_count(&stderr, &base), total);
    assert_eq!(code, 1);
}

#[test]
fn a_bad_baseline_is_a_usage_error_naming_the_file_and_line() {
    let (_dir, tree, base) = setup();
    let b = base.to_str().unwrap();
    let cases = [
        ("{\n  \"schema\": \"lambdasec-baseline/v1\",\n  \"findings\": [\n    {\"fingerprint\": 3}\n  ]\n}\n", 4),
        ("{\n  \"schema\": \"lambdasec-baseline/v1\",\n  \"findings\": [\n", 4),
        ("{\n  \"schema\": \"something-else/v9\",\n  \"findings\": []\n}\n", 2),
        ("", 1),
    ];
    for (text, line) in cases {
        std::fs::write(&base, text).unwrap();
        let out = lambdasec(&["scan", tree.to_str().unwrap(), "--baseline", b]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains(&format!("{b}:{line}:")), "{text}: {stderr}");
        assert!(out.stdout.is_empty());
    }
    let missing = base.with_file_name("missing.json");
    let out = lambdasec(&[
        "scan",
        tree.to_str().unwrap(),
        "--baseline",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
}

#[test]
fn the_baseline_holds_no_secret_value() {
    let (_dir, tree, base) = setup();
    let secret = format!("{}{}", "sk_live_", "51Hc9xQ2eZvKYlo2C8dVt4Ws");
    let api = tree.join("api.tf");
    let text = std::fs::read_to_string(&api).unwrap().replace(
        "      TABLE_NAME",
        &format!("      STRIPE_KEY = \"{secret}\"\n      TABLE_NAME"),
    );
    std::fs::write(&api, text).unwrap();
    let (v, _, _) = scan(&tree, &["--write-baseline", base.to_str().unwrap()]);
    assert!(findings(&v).iter().any(|f| f["rule_id"] == "LS201"), "{v}");
    let written = std::fs::read_to_string(&base).unwrap();
    assert!(written.contains("\"LS201\""));
    assert!(!written.contains(&secret));
    assert!(!written.contains("51Hc9xQ2"));
}

#[test]
fn the_configuration_file_can_name_the_baseline() {
    let (_dir, tree, _) = setup();
    let base = tree.join("accepted.baseline");
    scan(&tree, &["--write-baseline", base.to_str().unwrap()]);
    let cfg = tree.join(".lambdasec.toml");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("baseline = \"accepted.baseline\"\n");
    std::fs::write(&cfg, text).unwrap();
    let (v, code, stderr) = scan(&tree, &[]);
    assert_eq!(findings(&v).len(), 0, "{v}");
    assert_eq!(code, 0);
    assert!(stderr.contains("accepted.baseline not shown"), "{stderr}");
}
