//! The progress line: drawn on stderr when it is a terminal, never otherwise or with
//! `--quiet`, and never mixed into the report.
//!
//! A terminal is provided by `script` (util-linux, in every Debian base system), which runs
//! the command on a pseudo-terminal and copies what it printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const COUNTERS: [&str; 3] = ["files parsed", "functions analysed", "archives scanned"];

/// `lambdasec scan ARGS` on a pseudo-terminal 200 columns wide, or None without `script`.
fn on_terminal(args: &str) -> Option<Output> {
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "`script` (util-linux) is needed for the progress test"
        );
        eprintln!("skipped: no `script` command (util-linux)");
        return None;
    }
    let cmd = format!(
        "stty cols 200 2>/dev/null; {} scan {args}",
        env!("CARGO_BIN_EXE_lambdasec")
    );
    Some(
        Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .current_dir(repo())
            .env("TERM", "xterm")
            .output()
            .expect("run script"),
    )
}

#[test]
fn drawn_on_a_terminal_with_every_counter() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let Some(out) = on_terminal(&format!(
        "examples/sam/insecure --format json --output {}",
        report.display()
    )) else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    for c in COUNTERS {
        assert!(text.contains(c), "no `{c}` on the terminal:\n{text}");
    }
    // The last state drawn counts the template, both functions and both code locations.
    assert!(text.contains("1 files parsed"), "{text}");
    assert!(text.contains("2 functions analysed"), "{text}");
    assert!(text.contains("2 archives scanned"), "{text}");
    // The report file is untouched by it.
    let json = std::fs::read_to_string(&report).unwrap();
    assert!(json.starts_with('{'), "{json}");
    for c in COUNTERS {
        assert!(!json.contains(c));
    }
}

#[test]
fn silent_with_quiet_on_a_terminal() {
    let Some(out) = on_terminal("examples/sam/insecure --quiet --format json --output /dev/null")
    else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    for c in COUNTERS {
        assert!(!text.contains(c), "`{c}` drawn despite --quiet:\n{text}");
    }
}

#[test]
fn silent_when_stderr_is_not_a_terminal() {
    let out = Command::new(env!("CARGO_BIN_EXE_lambdasec"))
        .args(["scan", "examples/sam/insecure", "--format", "json"])
        .current_dir(repo())
        .output()
        .expect("run lambdasec");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for c in COUNTERS {
        assert!(!stderr.contains(c), "`{c}` on a piped stderr:\n{stderr}");
        assert!(!stdout.contains(c));
    }
    assert!(!stderr.contains('\u{1b}'), "escape codes on a piped stderr");
}

#[test]
fn silent_on_a_dumb_terminal() {
    let Some(out) = on_terminal("examples/sam/insecure --format json --output /dev/null") else {
        return;
    };
    assert!(String::from_utf8_lossy(&out.stdout).contains("files parsed"));
    let dumb = Command::new("script")
        .args([
            "-qec",
            &format!(
                "{} scan examples/sam/insecure --format json --output /dev/null",
                env!("CARGO_BIN_EXE_lambdasec")
            ),
            "/dev/null",
        ])
        .current_dir(repo())
        .env("TERM", "dumb")
        .output()
        .expect("run script");
    let text = String::from_utf8_lossy(&dumb.stdout);
    assert!(!text.contains("files parsed"), "{text}");
}
