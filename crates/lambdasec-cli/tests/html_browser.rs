//! The HTML report in a real browser: headless Chromium driven through ChromeDriver over the
//! W3C WebDriver protocol (plain HTTP/1.1 on 127.0.0.1, no client library).
//!
//! `html_report_in_chromium` scans the insecure examples of every source format with
//! `--format html`, opens the file, counts the finding rows the page's script drew, clicks
//! filters (a severity checkbox, then a rule in the rule list) with real WebDriver clicks and
//! checks the rows against the JSON report of the same scan, checks that the page raised no
//! script error and fetched nothing, and saves a screenshot to
//! `target/test-artifacts/html-report.png`.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian packages `chromium` and
//! `chromium-driver`; `scripts/test` installs them). Without them the test fails when `CI` is
//! set and is skipped otherwise.
//!
//! `html_render_time` (ignored; `scripts/bench-html` runs it) opens the report named by
//! `LAMBDASEC_HTML_REPORT` `LAMBDASEC_HTML_RUNS` times (default 5) and prints the time from
//! navigation start until the report's script has drawn its first page.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The longest any single wait may take.
const WAIT: Duration = Duration::from_secs(30);
const ROWS: &str = "#findings tbody tr.finding";
const REASON: &str = "Stripe webhook, signature verified in the handler";
/// The key of a W3C WebDriver element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The insecure example of every source format: four formats, more findings than one page.
const EXAMPLES: [&str; 4] = [
    "examples/terraform/insecure",
    "examples/sam/insecure",
    "examples/cloudformation/insecure",
    "examples/serverless/insecure",
];

/// Scans the examples (plus `extra` paths) with `format`, to `output` or standard output.
fn scan(format: &str, output: Option<&Path>, extra: &[&Path]) -> Vec<u8> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambdasec"));
    cmd.arg("scan")
        .args(EXAMPLES)
        .args(extra)
        .args([
            "--format",
            format,
            "--today",
            "2026-11-25",
            "--fail-on",
            "none",
        ])
        .current_dir(repo());
    if let Some(p) = output {
        cmd.arg("--output").arg(p);
    }
    let out = cmd.output().expect("run lambdasec");
    assert!(
        out.status.success(),
        "lambdasec scan --format {format} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Whether the browser can run here; `false` means skip (never under CI).
fn browser_available() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "{} missing: install the Debian packages chromium and chromium-driver (scripts/test does)",
        missing.join(" and ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("HTML browser test cannot run under CI: {msg}");
    }
    eprintln!("skipping the HTML browser test: {msg}");
    false
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client for WebDriver.

fn decode_chunked(mut body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("bad chunk header")?;
        let size_text = std::str::from_utf8(&body[..line_end]).map_err(|e| e.to_string())?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|e| e.to_string())?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size {
            return Err("truncated chunk".into());
        }
        out.extend_from_slice(&body[..size]);
        body = body.get(size + 2..).unwrap_or_default();
    }
}

/// One request; returns the status code and the parsed JSON body.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s =
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(90)))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let payload = body.map(Value::to_string).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    );
    s.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    s.write_all(payload.as_bytes()).map_err(|e| e.to_string())?;
    // ChromeDriver keeps the connection open despite `Connection: close`: read the header,
    // then exactly the body it announces.
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let read_more =
        |s: &mut TcpStream, raw: &mut Vec<u8>, buf: &mut [u8]| -> Result<bool, String> {
            let n = s.read(buf).map_err(|e| format!("{method} {path}: {e}"))?;
            raw.extend_from_slice(&buf[..n]);
            Ok(n > 0)
        };
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        if !read_more(&mut s, &mut raw, &mut buf)? {
            return Err(format!(
                "{method} {path}: connection closed before the header"
            ));
        }
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{method} {path}: bad status line"))?;
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    let body = loop {
        let body = &raw[split + 4..];
        if let Some(len) = length {
            if body.len() >= len {
                break body[..len].to_vec();
            }
        } else if chunked {
            if let Ok(b) = decode_chunked(body) {
                break b;
            }
        }
        if !read_more(&mut s, &mut raw, &mut buf)? {
            if length.is_none() && !chunked {
                break raw[split + 4..].to_vec();
            }
            return Err(format!("{method} {path}: connection closed in the body"));
        }
    };
    let v = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| format!("{method} {path}: not JSON: {e}"))?
    };
    Ok((status, v))
}

/// ChromeDriver with one Chromium session; both end on drop.
struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut b = Browser {
            driver,
            port,
            session: String::new(),
            _profile: tempfile::tempdir().expect("profile dir"),
        };
        let start = Instant::now();
        loop {
            if let Ok((200, v)) = http(port, "GET", "/status", None) {
                if v["value"]["ready"] == true {
                    break;
                }
            }
            assert!(
                start.elapsed() < WAIT,
                "chromedriver not ready after {WAIT:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = b._profile.path().display().to_string();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"pageLoad": 60000, "script": 30000, "implicit": 0},
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1400,1000", format!("--user-data-dir={profile}"),
                ],
            },
        }}});
        let v = b.raw("POST", "/session", Some(&caps));
        b.session = v["sessionId"].as_str().expect("a session id").to_string();
        b
    }

    /// A WebDriver command outside the session; panics on errors.
    fn raw(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        match http(self.port, method, path, body) {
            Ok((200, v)) => v["value"].clone(),
            Ok((status, v)) => panic!("WebDriver {method} {path}: HTTP {status}: {v}"),
            Err(e) => panic!("WebDriver {method} {path}: {e}"),
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.raw(
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        )
    }

    fn exec(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .expect("elements")
            .iter()
            .map(element_id)
            .collect()
    }

    fn find(&self, using: &str, value: &str) -> String {
        element_id(&self.cmd(
            "POST",
            "/element",
            Some(json!({"using": using, "value": value})),
        ))
    }

    fn click(&self, element: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    /// Polls `script` until it returns something other than null or false.
    fn wait_for(&self, what: &str, script: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.exec(script);
            if !v.is_null() && v != false {
                return v;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out after {WAIT:?} waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Opens a report and waits until its script has drawn the first page; returns the time
    /// in ms from navigation start.
    fn open(&self, report: &Path) -> f64 {
        let url = format!(
            "file://{}",
            report.canonicalize().expect("report path").display()
        );
        self.goto(&url);
        self.wait_for(
            "the report to render",
            "return document.documentElement.dataset.rendered || null",
        )
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("data-rendered holds a number")
    }

    fn text(&self, css: &str) -> String {
        let id = self.find("css selector", css);
        self.cmd("GET", &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn screenshot(&self) -> Vec<u8> {
        let v = self.cmd("GET", "/screenshot", None);
        base64_decode(v.as_str().expect("base64 screenshot")).expect("valid base64")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn element_id(v: &Value) -> String {
    // The W3C element reference key.
    v[ELEMENT]
        .as_str()
        .unwrap_or_else(|| panic!("not an element: {v}"))
        .to_string()
}

fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return Err(format!("bad base64 byte {c}")),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}

/// Counts the drawn finding rows, two ways: WebDriver's element search, and the rows the
/// page lays out (display not none).
fn visible_rows(b: &Browser) -> usize {
    let found = b.find_all(ROWS).len();
    let laid_out = b
        .exec(&format!(
            "return Array.from(document.querySelectorAll('{ROWS}')).filter(function (r) {{ return r.getClientRects().length > 0; }}).length"
        ))
        .as_u64()
        .expect("a count") as usize;
    assert_eq!(found, laid_out, "rows in the DOM that are not laid out");
    found
}

fn wait_rows(b: &Browser, want: usize) -> usize {
    let start = Instant::now();
    loop {
        let n = visible_rows(b);
        if n == want || start.elapsed() > WAIT {
            return n;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/test-artifacts");
    dir
}

#[test]
fn html_report_in_chromium() {
    if !browser_available() {
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let report = tmp.path().join("report.html");
    // Plus one suppressed finding, for the "show suppressed" filter.
    let suppressed_dir = tmp.path().join("suppressed");
    std::fs::create_dir(&suppressed_dir).expect("create dir");
    std::fs::write(
        suppressed_dir.join("main.tf"),
        format!("# lambdasec:ignore LS401 {REASON}\nresource \"aws_lambda_function_url\" \"u\" {{\n  function_name = \"hook\"\n  authorization_type = \"NONE\"\n}}\n"),
    )
    .expect("write main.tf");
    scan("html", Some(&report), &[&suppressed_dir]);
    let json: Value =
        serde_json::from_slice(&scan("json", None, &[&suppressed_dir])).expect("JSON report");
    let findings = json["findings"].as_array().expect("findings");
    let open: Vec<&Value> = findings
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .collect();
    assert_eq!(open.len() + 1, findings.len(), "one suppressed finding");
    let page = 200;
    assert!(
        open.len() > page,
        "the examples should fill more than one page of rows"
    );

    let b = Browser::start();
    let rendered_ms = b.open(&report);
    eprintln!("report rendered {rendered_ms:.0} ms after navigation start");

    // First page: as many rows as the page size allows, and the status line counts them all.
    assert_eq!(visible_rows(&b), page.min(open.len()));
    let status = b.text("#status");
    assert!(
        status.starts_with(&format!(
            "{} of {} findings shown",
            open.len(),
            findings.len()
        )),
        "{status}"
    );
    let functions = json["functions"].as_array().expect("functions").len();
    assert_eq!(b.find_all("#cards article.card").len(), functions.min(60));
    assert_eq!(b.text("#overall-score").parse::<usize>().ok(), {
        let scores: Vec<u64> = json["functions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["score"].as_u64().unwrap())
            .collect();
        let sum: u64 = scores.iter().sum();
        Some(((sum + scores.len() as u64 / 2) / scores.len() as u64) as usize)
    });

    // Screenshot of the whole unfiltered report.
    let height = b
        .exec("return document.documentElement.scrollHeight")
        .as_u64()
        .unwrap_or(1000)
        .clamp(1000, 3200);
    b.cmd(
        "POST",
        "/window/rect",
        Some(json!({"width": 1400, "height": height})),
    );
    let png = b.screenshot();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let shot = artifacts_dir().join("html-report.png");
    std::fs::write(&shot, &png).expect("write screenshot");
    println!("screenshot: {}", shot.display());
    b.cmd(
        "POST",
        "/window/rect",
        Some(json!({"width": 1400, "height": 1000})),
    );

    // Untick "high": the rows are the findings of the other severities.
    let not_high: Vec<&&Value> = open.iter().filter(|f| f["severity"] != "high").collect();
    let high_box = b.find("css selector", "#sev-high");
    b.click(&high_box);
    assert_eq!(
        b.exec("return document.getElementById('sev-high').checked"),
        false
    );
    assert_eq!(
        wait_rows(&b, page.min(not_high.len())),
        page.min(not_high.len())
    );
    assert_ne!(not_high.len(), open.len());
    let status = b.text("#status");
    assert!(
        status.starts_with(&format!("{} of {}", not_high.len(), findings.len())),
        "{status}"
    );
    assert_eq!(
        b.exec(&format!(
            "return Array.from(document.querySelectorAll('{ROWS}')).filter(function (r) {{ return r.dataset.sev === 'high'; }}).length"
        )),
        0
    );

    // Then choose the most frequent remaining rule in the rule list.
    let mut per_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in &not_high {
        *per_rule.entry(f["rule_id"].as_str().unwrap()).or_default() += 1;
    }
    let (rule, n) = per_rule
        .iter()
        .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))
        .map(|(id, n)| (*id, *n))
        .expect("a rule");
    let select = b.find("css selector", "#rule-filter");
    b.click(&select);
    let option = b.find(
        "xpath",
        &format!("//select[@id='rule-filter']/option[starts-with(normalize-space(.), '{rule} ')]"),
    );
    b.click(&option);
    assert_eq!(wait_rows(&b, n), n, "rows of {rule} without high");
    let rules_shown = b.exec(&format!(
        "return Array.from(new Set(Array.from(document.querySelectorAll('{ROWS}')).map(function (r) {{ return r.dataset.rule; }})))"
    ));
    assert_eq!(rules_shown, json!([rule]));
    assert!(b
        .text("#status")
        .starts_with(&format!("{n} of {}", findings.len())));
    // The function cards follow: only functions with a finding shown.
    let with_rule: std::collections::BTreeSet<&str> = not_high
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .filter_map(|f| f["function"].as_str())
        .collect();
    assert_eq!(b.find_all("#cards article.card").len(), with_rule.len());

    // Reset restores everything.
    let reset = b.find("css selector", "#reset-filters");
    b.click(&reset);
    assert_eq!(
        wait_rows(&b, page.min(open.len())),
        page.min(open.len()),
        "after reset: {} {}",
        b.text("#status"),
        b.exec("return [document.getElementById('rule-filter').value, document.getElementById('sev-high').checked, window.__lambdasecErrors]")
    );
    // "show more" draws the rest.
    let more = b.find("css selector", "#more-rows");
    b.click(&more);
    assert_eq!(wait_rows(&b, open.len()), open.len());

    // A rule link opens that rule's documentation.
    let link = b.find("css selector", "#findings tbody tr.finding a.rule-link");
    let target = b
        .cmd("GET", &format!("/element/{link}/attribute/href"), None)
        .as_str()
        .unwrap_or_default()
        .to_string();
    // Scrolled clear of the sticky filter bar first, as a person would (ChromeDriver does not
    // scroll an element that is already in the viewport, even when the bar covers it).
    b.cmd(
        "POST",
        "/execute/sync",
        Some(json!({
            "script": "arguments[0].scrollIntoView({block: 'center'})",
            "args": [{ELEMENT: link}],
        })),
    );
    b.click(&link);
    let id = target.rsplit('#').next().unwrap_or_default().to_string();
    b.wait_for(
        "the rule documentation to open",
        &format!("return document.getElementById('{id}').open"),
    );

    // Search for the suppression reason: hidden until "show suppressed" is ticked.
    let reset = b.find("css selector", "#reset-filters");
    b.click(&reset);
    let search = b.find("css selector", "#search");
    b.cmd(
        "POST",
        &format!("/element/{search}/value"),
        Some(json!({"text": "signature verified"})),
    );
    b.wait_for(
        "the search to apply",
        "return document.getElementById('status').textContent.indexOf('0 of ') === 0",
    );
    assert_eq!(visible_rows(&b), 0);
    let show = b.find("css selector", "#show-suppressed");
    b.click(&show);
    assert_eq!(wait_rows(&b, 1), 1, "the suppressed finding");
    let row = b.text("#findings tbody tr.finding.suppressed");
    assert!(row.contains(&format!("suppressed: {REASON}")), "{row}");
    assert!(row.contains("LS401"), "{row}");

    // No script error, no CSP violation, nothing fetched.
    assert_eq!(b.exec("return window.__lambdasecErrors"), json!([]));
    assert_eq!(
        b.exec("return performance.getEntriesByType('resource').length"),
        0
    );
    // ChromeDriver's browser log, where it offers it: no severe console entry.
    if let Ok((200, v)) = http(
        b.port,
        "POST",
        &format!("/session/{}/se/log", b.session),
        Some(&json!({"type": "browser"})),
    ) {
        let severe: Vec<&Value> = v["value"]
            .as_array()
            .map(|a| a.iter().filter(|e| e["level"] == "SEVERE").collect())
            .unwrap_or_default();
        eprintln!(
            "browser console: {} entries",
            v["value"].as_array().map_or(0, Vec::len)
        );
        assert!(severe.is_empty(), "console errors: {severe:?}");
    } else {
        eprintln!("browser console: not offered by this ChromeDriver");
    }
}

/// Without a browser: the CLI writes one page whose embedded data holds the same findings,
/// in the same order, as the JSON report of the same scan, with each function's source.
#[test]
fn html_report_data_matches_the_json_report() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let report = tmp.path().join("report.html");
    assert!(
        scan("html", Some(&report), &[]).is_empty(),
        "--output writes the file only"
    );
    let html = std::fs::read_to_string(&report).expect("report written");
    let json: Value = serde_json::from_slice(&scan("json", None, &[])).expect("JSON report");
    let open = "<script type=\"application/json\" id=\"lambdasec-data\">";
    let start = html.find(open).expect("data block") + open.len();
    let end = start + html[start..].find("</script>").expect("end of data");
    let data: Value = serde_json::from_str(&html[start..end]).expect("data is JSON");
    let findings = json["findings"].as_array().unwrap();
    let embedded = data["findings"].as_array().unwrap();
    assert_eq!(embedded.len(), findings.len());
    for (a, b) in embedded.iter().zip(findings) {
        assert_eq!(a[2], b["message"]);
    }
    assert_eq!(
        data["functions"].as_array().unwrap().len(),
        json["functions"].as_array().unwrap().len()
    );
    let sources: Vec<&str> = data["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(sources.contains(&"Terraform"), "{sources:?}");
    assert!(sources.contains(&"CloudFormation/SAM"), "{sources:?}");
    // Same input, same bytes.
    let again = tmp.path().join("again.html");
    scan("html", Some(&again), &[]);
    assert_eq!(std::fs::read(&again).unwrap(), html.as_bytes());
}

/// The benchmark's browser half (see scripts/bench-html).
#[test]
#[ignore = "benchmark: run by scripts/bench-html with LAMBDASEC_HTML_REPORT set"]
fn html_render_time() {
    let Some(report) = std::env::var_os("LAMBDASEC_HTML_REPORT").map(PathBuf::from) else {
        panic!("set LAMBDASEC_HTML_REPORT to the report to open");
    };
    if !browser_available() {
        return;
    }
    let runs: usize = std::env::var("LAMBDASEC_HTML_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let b = Browser::start();
    // One warm-up (browser start-up, disk cache of the file), then the timed runs.
    let mut times = Vec::new();
    for i in 0..=runs {
        b.goto("about:blank");
        let ms = b.open(&report);
        let rows = b.find_all(ROWS).len();
        let cards = b.find_all("#cards article.card").len();
        assert_eq!(b.exec("return window.__lambdasecErrors"), json!([]));
        if i == 0 {
            eprintln!("warm-up: rendered at {ms:.0} ms ({rows} rows, {cards} cards drawn)");
        } else {
            eprintln!("run {i}: rendered at {ms:.0} ms ({rows} rows, {cards} cards drawn)");
            times.push(ms);
        }
    }
    let status = b.text("#status");
    // One filter change (untick "high"): filtering every finding and redrawing the first page,
    // synchronously in the change handler.
    let filter_ms = b
        .exec("var t = performance.now(); document.getElementById('sev-high').click(); return performance.now() - t;")
        .as_f64()
        .expect("a duration");
    eprintln!("filter change (untick high): {filter_ms:.0} ms");
    println!(
        "BENCH_HTML {}",
        json!({"render_ms": times, "filter_ms": filter_ms, "status": status})
    );
}
