//! Rule fixtures with inline expectations.
//!
//! Layout: `tests/fixtures/<RULE_ID>/<case>` where a case is a `.tf` file (scanned alone), a
//! directory with Terraform files (a Terraform root with its modules; a directory without
//! any is code that cases point at, not a case), a plan `.json` with a sidecar
//! `<case>.expect`, a CloudFormation / SAM / Serverless `.yaml`/`.yml` template (inline
//! `# expect:`), or a CloudFormation `.json` template with a sidecar `<case>.expect`. Only the directory's rule runs, except under `tests/fixtures/all/`, where
//! every rule runs.
//!
//! Expectations:
//! - `# expect: LS401` (or `// expect: LS401 LS402`) at the end of the line the finding must
//!   point at; `# expect-suppressed: LS401` for a finding that must be reported as suppressed;
//!   `LS801:medium` also checks the finding's severity;
//! - in `<case>.expect`: one `LS401 <line>` per line (`#` comments allowed), with
//!   `suppressed` as an optional third word; `LS204 code/app.py:3` expects a finding in
//!   another file (YAML cases may have one too, named `<case>.yaml.expect`);
//! - in the code a case's functions and layers point at (a directory or a zip, found from
//!   the configuration): `# expect: LS703` (Python) or `// expect: LS703` (JavaScript,
//!   TypeScript) at the end of the line the finding must point at, for every case whose
//!   functions use that code, so a code directory or zip belongs to failing cases only or
//!   to passing cases only (inside a zip, the file is named `code.zip!app.py`);
//! - `# fixture: key=value ...` anywhere in a case sets `today`, `accounts`,
//!   `allowed_layer_accounts` (comma-separated) or `require_log_kms=true`.
//!
//! A case fails on any missing or unexpected finding, and on any input error unless the case
//! name starts with `error-`. Every rule needs a failing and a passing case in each format:
//! Terraform HCL, plan JSON, CloudFormation YAML, CloudFormation JSON, SAM and Serverless.

use lambdasec_model::Inventory;
use lambdasec_rules::{Date, RuleConfig, Selection};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

const FIXTURE_TODAY: &str = "2026-11-25";

/// The real OSV advisories the package tests use (sources in their SOURCES.md).
fn osv_db() -> &'static lambdasec_packages::osv::Database {
    static DB: std::sync::OnceLock<lambdasec_packages::osv::Database> = std::sync::OnceLock::new();
    DB.get_or_init(|| {
        let dir =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../lambdasec-packages/tests/data/osv");
        lambdasec_packages::osv::Database::load(&[dir]).expect("OSV test database")
    })
}

/// What the CLI does after reading the sources: scan the code the functions and layers
/// point at for secrets (LS204), analyse the handlers (LS205, LS703, LS903), list the
/// packages and match them (LS603).
///
/// Returns the inline expectations written in that code (see [`code_expectations`]).
fn attach_code(inventory: &mut Inventory, root: &Path) -> (Vec<Expectation>, Severities) {
    lambdasec_secrets::attach::attach_code_secrets(inventory, root, &Default::default(), &|| {});
    lambdasec_code::attach::attach_code_analysis(inventory, root, &Default::default(), &|| {});
    lambdasec_packages::attach::attach_packages(inventory, root, &Default::default(), &|| {});
    lambdasec_packages::attach::attach_vulns(inventory, osv_db());
    code_expectations(inventory, root)
}

/// Source files whose comments may carry expectations: `#` or `//` comments.
const CODE_EXTS: [&str; 8] = ["py", "js", "mjs", "cjs", "ts", "mts", "cts", "jsx"];

/// Collects the inline expectations of a code location's source files.
struct CodeMarks<'a> {
    /// How the location is reported: `code/py-leak` (a directory) or `code.zip` (a zip).
    rel: &'a str,
    is_dir: bool,
    expected: Vec<Expectation>,
    severities: Severities,
}

impl lambdasec_archive::Visitor for CodeMarks<'_> {
    fn select(
        &mut self,
        path: &str,
        meta: &lambdasec_archive::EntryMeta,
    ) -> lambdasec_archive::Select {
        let code = path
            .rsplit_once('.')
            .is_some_and(|(_, ext)| CODE_EXTS.contains(&ext));
        if code && meta.depth == 0 && meta.size < 1 << 20 {
            lambdasec_archive::Select::Read
        } else {
            lambdasec_archive::Select::Skip
        }
    }

    fn file(&mut self, path: &str, content: &[u8]) {
        let Ok(text) = std::str::from_utf8(content) else {
            return;
        };
        let file = if self.is_dir {
            format!("{}/{path}", self.rel)
        } else {
            format!("{}!{path}", self.rel)
        };
        self.expected.extend(inline_expectations(&file, text));
        self.severities.extend(inline_severities(&file, text));
    }

    fn problem(&mut self, path: &str, message: String) {
        panic!("fixture code {}: {path}: {message}", self.rel);
    }
}

/// Inline expectations (`# expect: LS703` in Python, `// expect: LS703` in JavaScript and
/// TypeScript) in the source files of the code the case's functions and layers point at:
/// directories and zips alike (inside a zip, files are named `code.zip!app.py`, as findings
/// name them). The code is found from the configuration the source read, not from what the
/// analyser made of it, so an expectation in code the analyser failed to read still counts.
fn code_expectations(inventory: &Inventory, root: &Path) -> (Vec<Expectation>, Severities) {
    let mut expected = Vec::new();
    let mut severities = Vec::new();
    for loc in inventory.code_locations(root) {
        if !loc.path.exists() {
            continue;
        }
        let mut marks = CodeMarks {
            rel: &loc.rel,
            is_dir: loc.path.is_dir(),
            expected: Vec::new(),
            severities: Vec::new(),
        };
        lambdasec_archive::walk(&loc.path, &Default::default(), &mut marks);
        expected.append(&mut marks.expected);
        severities.append(&mut marks.severities);
    }
    (expected, severities)
}

/// The formats every rule has failing and passing fixtures in.
const FORMATS: [&str; 6] = ["hcl", "plan", "cfn-yaml", "cfn-json", "sam", "serverless"];

/// Formats whose coverage is enforced: all of them.
const ENFORCED: &[&str] = &FORMATS;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// (file relative to the case root, line, rule, suppressed)
type Expectation = (String, u32, String, bool);

/// Rule ids, each with an optional `:severity`.
fn rule_ids_in(text: &str) -> Vec<(String, Option<String>)> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter_map(|w| {
            let (id, sev) = match w.split_once(':') {
                Some((id, sev)) => (id, Some(sev.to_string())),
                None => (w, None),
            };
            let is_id = id.len() == 5
                && id.starts_with("LS")
                && id[2..].bytes().all(|b| b.is_ascii_digit());
            is_id.then(|| (id.to_string(), sev))
        })
        .collect()
}

/// Expected severities: (file, line, rule, severity).
type Severities = Vec<(String, u32, String, String)>;

fn inline_severities(rel: &str, text: &str) -> Severities {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for marker in ["expect-suppressed:", "expect:"] {
            if let Some(pos) = line.find(marker) {
                for (id, sev) in rule_ids_in(&line[pos + marker.len()..]) {
                    if let Some(sev) = sev {
                        out.push((rel.to_string(), i as u32 + 1, id, sev));
                    }
                }
                break;
            }
        }
    }
    out
}

fn inline_expectations(rel: &str, text: &str) -> Vec<Expectation> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (marker, suppressed) in [("expect-suppressed:", true), ("expect:", false)] {
            if let Some(pos) = line.find(marker) {
                let before = &line[..pos];
                if !(before.trim_end().ends_with('#') || before.trim_end().ends_with("//")) {
                    continue;
                }
                for (id, _) in rule_ids_in(&line[pos + marker.len()..]) {
                    out.push((rel.to_string(), i as u32 + 1, id, suppressed));
                }
                break;
            }
        }
    }
    out
}

fn sidecar_expectations(rel: &str, text: &str) -> Vec<Expectation> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            // `LS401 12` (in the case file) or `LS204 code/app.py:3` (another file).
            let at = w.get(1).copied().unwrap_or("");
            let (file, line) = match at.rsplit_once(':') {
                Some((f, n)) => (f.to_string(), n),
                None => (rel.to_string(), at),
            };
            let line = line
                .parse()
                .unwrap_or_else(|_| panic!("{rel}.expect: bad line \"{l}\""));
            (
                file,
                line,
                w[0].to_string(),
                w.get(2) == Some(&"suppressed"),
            )
        })
        .collect()
}

fn fixture_config(text: &str, cfg: &mut RuleConfig) {
    for line in text.lines() {
        let Some(pos) = line.find("fixture:") else {
            continue;
        };
        for kv in line[pos + 8..].split_whitespace() {
            let Some((k, v)) = kv.split_once('=') else {
                continue;
            };
            let list = || v.split(',').map(str::to_string).collect::<Vec<_>>();
            match k {
                "today" => cfg.today = v.parse().expect("fixture today"),
                "accounts" => cfg.own_accounts = list(),
                "allowed_layer_accounts" => cfg.allowed_layer_accounts = list(),
                "require_log_kms" => cfg.require_log_kms = v == "true",
                other => panic!("unknown fixture setting {other}"),
            }
        }
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

struct Case {
    name: String,
    inventory: Inventory,
    expected: Vec<Expectation>,
    severities: Severities,
    config: RuleConfig,
    format: &'static str,
}

fn load_case(path: &Path) -> Option<Case> {
    let name = path.file_name()?.to_str()?.to_string();
    let mut config = RuleConfig {
        today: FIXTURE_TODAY.parse::<Date>().unwrap(),
        ..Default::default()
    };
    if path.is_dir() {
        let all_files = files_under(path);
        let files: Vec<PathBuf> = all_files
            .iter()
            .filter(|f| lambdasec_terraform::is_terraform_file(f))
            .cloned()
            .collect();
        let mut expected = Vec::new();
        let mut severities = Vec::new();
        // Expectations may sit in any file of the case, e.g. the code a function points at.
        for f in &all_files {
            let text = fs::read_to_string(f).unwrap_or_default();
            let rel = lambdasec_terraform::relative(path, f);
            expected.extend(inline_expectations(&rel, &text));
            severities.extend(inline_severities(&rel, &text));
            fixture_config(&text, &mut config);
        }
        let mut inventory = lambdasec_terraform::scan_hcl(path, &files);
        let (code_expected, code_severities) = attach_code(&mut inventory, path);
        expected.extend(code_expected);
        severities.extend(code_severities);
        return Some(Case {
            name,
            inventory,
            expected,
            severities,
            config,
            format: "hcl",
        });
    }
    let root = path.parent()?;
    let template_case = |text: &str,
                         mut expected: Vec<Expectation>,
                         mut severities: Severities,
                         config: RuleConfig| {
        let none = std::collections::HashMap::new();
        let mut inventory = lambdasec_cloudformation::scan::scan_file(root, path, &none, &none);
        let (code_expected, code_severities) = attach_code(&mut inventory, root);
        expected.extend(code_expected);
        severities.extend(code_severities);
        let format = match lambdasec_cloudformation::load::load(&name, text)
            .map(|n| lambdasec_cloudformation::load::kind(&n))
        {
            Ok(lambdasec_cloudformation::load::DocKind::Sam) => "sam",
            Ok(lambdasec_cloudformation::load::DocKind::Serverless) => "serverless",
            _ if name.ends_with(".json") => "cfn-json",
            _ => "cfn-yaml",
        };
        Case {
            name: name.clone(),
            inventory,
            expected,
            severities,
            config,
            format,
        }
    };
    match path.extension()?.to_str()? {
        "yaml" | "yml" => {
            let text = fs::read_to_string(path).unwrap_or_default();
            fixture_config(&text, &mut config);
            let mut expected = inline_expectations(&name, &text);
            // Findings in other files (e.g. the code a template points at) go in a sidecar.
            let sidecar = path.with_file_name(format!("{name}.expect"));
            if let Ok(side) = fs::read_to_string(sidecar) {
                expected.extend(sidecar_expectations(&name, &side));
            }
            let severities = inline_severities(&name, &text);
            Some(template_case(&text, expected, severities, config))
        }
        "tf" => {
            let text = fs::read_to_string(path).unwrap_or_default();
            fixture_config(&text, &mut config);
            let mut inventory = lambdasec_terraform::scan_hcl(root, &[path.to_path_buf()]);
            let (code_expected, code_severities) = attach_code(&mut inventory, root);
            let mut expected = inline_expectations(&name, &text);
            expected.extend(code_expected);
            let mut severities = inline_severities(&name, &text);
            severities.extend(code_severities);
            Some(Case {
                name,
                inventory,
                expected,
                severities,
                config,
                format: "hcl",
            })
        }
        "json" if !is_plan(path) => {
            let text = fs::read_to_string(path).unwrap_or_default();
            let sidecar = path.with_extension("expect");
            let side = fs::read_to_string(&sidecar).unwrap_or_else(|_| {
                panic!("{} has no sidecar {}", path.display(), sidecar.display())
            });
            fixture_config(&side, &mut config);
            let expected = sidecar_expectations(&name, &side);
            Some(template_case(&text, expected, Vec::new(), config))
        }
        "json" => {
            let sidecar = path.with_extension("expect");
            let text = fs::read_to_string(&sidecar).unwrap_or_else(|_| {
                panic!("{} has no sidecar {}", path.display(), sidecar.display())
            });
            fixture_config(&text, &mut config);
            let mut inventory = lambdasec_terraform::plan::scan_plan(root, path);
            let (code_expected, severities) = attach_code(&mut inventory, root);
            let mut expected = sidecar_expectations(&name, &text);
            expected.extend(code_expected);
            Some(Case {
                name,
                inventory,
                expected,
                severities,
                config,
                format: "plan",
            })
        }
        _ => None,
    }
}

/// Runs one case; returns a description of every mismatch.
fn check_case(rule: Option<&str>, case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    if !case.name.starts_with("error-") {
        for e in &case.inventory.errors {
            problems.push(format!(
                "input error: {}:{:?}: {}",
                e.file, e.line, e.message
            ));
        }
    }
    let selection = Selection {
        only: rule.map(|r| vec![r.to_string()]).unwrap_or_default(),
        ..Default::default()
    };
    let findings = lambdasec_rules::run(&case.inventory, &case.config, &selection);
    let got: BTreeSet<(String, u32, String, bool)> = findings
        .iter()
        .map(|f| {
            (
                f.loc.file.as_deref().unwrap_or("").to_string(),
                f.loc.line,
                f.rule_id.to_string(),
                f.suppressed.is_some(),
            )
        })
        .collect();
    for (file, line, rule, sev) in &case.severities {
        let found: Vec<&str> = findings
            .iter()
            .filter(|f| {
                f.rule_id == rule && f.loc.line == *line && f.loc.file.as_deref() == Some(file)
            })
            .map(|f| f.severity.as_str())
            .collect();
        if !found.is_empty() && !found.contains(&sev.as_str()) {
            problems.push(format!(
                "{rule} at {file}:{line} has severity {found:?}, expected {sev}"
            ));
        }
    }
    let want: BTreeSet<Expectation> = case.expected.iter().cloned().collect();
    for w in want.difference(&got) {
        problems.push(format!(
            "missing {}{} at {}:{}",
            w.2,
            if w.3 { " (suppressed)" } else { "" },
            w.0,
            w.1
        ));
    }
    for g in got.difference(&want) {
        let msg = findings
            .iter()
            .find(|f| f.rule_id == g.2 && f.loc.line == g.1)
            .map(|f| f.message.clone())
            .unwrap_or_default();
        problems.push(format!(
            "unexpected {}{} at {}:{}: {msg}",
            g.2,
            if g.3 { " (suppressed)" } else { "" },
            g.0,
            g.1
        ));
    }
    problems
}

fn is_plan(path: &Path) -> bool {
    let text = fs::read_to_string(path).unwrap_or_default();
    lambdasec_terraform::plan::is_plan_json(&text)
}

fn cases_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            // A directory is a case when it is a Terraform configuration; one without any
            // Terraform file is code that cases point at (its inline expectations count for
            // those cases, see `code_expectations`).
            (p.is_dir()
                && files_under(p)
                    .iter()
                    .any(|f| lambdasec_terraform::is_terraform_file(f)))
                || matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("tf" | "json" | "yaml" | "yml")
                )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn rule_fixtures() {
    let root = fixtures_dir();
    let mut failures = Vec::new();
    let mut ran = 0;
    for rule in lambdasec_rules::all_rules() {
        let id = rule.meta().id;
        let dir = root.join(id);
        if !dir.is_dir() {
            failures.push(format!("{id}: no fixture directory tests/fixtures/{id}"));
            continue;
        }
        // (format, failing case seen, passing case seen)
        let mut coverage = FORMATS.map(|f| (f, false, false));
        for path in cases_in(&dir) {
            let Some(case) = load_case(&path) else {
                continue;
            };
            ran += 1;
            let fails = case.expected.iter().any(|e| e.2 == id && !e.3);
            for c in &mut coverage {
                if c.0 == case.format {
                    if fails {
                        c.1 = true;
                    } else {
                        c.2 = true;
                    }
                }
            }
            for p in check_case(Some(id), &case) {
                failures.push(format!("{id}/{}: {p}", case.name));
            }
        }
        for (format, failing, passing) in coverage {
            if !ENFORCED.contains(&format) {
                continue;
            }
            if !failing {
                failures.push(format!("{id}: no failing {format} fixture"));
            }
            if !passing {
                failures.push(format!("{id}: no passing {format} fixture"));
            }
        }
    }
    let all = root.join("all");
    if all.is_dir() {
        for path in cases_in(&all) {
            let Some(case) = load_case(&path) else {
                continue;
            };
            ran += 1;
            for p in check_case(None, &case) {
                failures.push(format!("all/{}: {p}", case.name));
            }
        }
    }
    assert!(ran > 0, "no fixture ran");
    assert!(
        failures.is_empty(),
        "{} fixture problem(s):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    println!("{ran} fixture cases passed");
}

#[test]
fn expectation_parsing() {
    let e = inline_expectations(
        "a.tf",
        "x = 1 # expect: LS401 LS402\n# expect-suppressed: LS303\ny = \"# expect: LS999\"",
    );
    assert_eq!(e.len(), 3);
    assert_eq!(e[0], ("a.tf".into(), 1, "LS401".into(), false));
    assert_eq!(e[2], ("a.tf".into(), 2, "LS303".into(), true));
    let s = sidecar_expectations("p.json", "# comment\nLS401 12\nLS402 3 suppressed\n");
    assert_eq!(
        s,
        vec![
            ("p.json".into(), 12, "LS401".into(), false),
            ("p.json".into(), 3, "LS402".into(), true)
        ]
    );
}

/// Every entry of a zip, by path.
struct ZipEntries(std::collections::BTreeMap<String, Vec<u8>>);

impl lambdasec_archive::Visitor for ZipEntries {
    fn select(&mut self, _: &str, _: &lambdasec_archive::EntryMeta) -> lambdasec_archive::Select {
        lambdasec_archive::Select::Read
    }

    fn file(&mut self, path: &str, content: &[u8]) {
        self.0.insert(path.to_string(), content.to_vec());
    }

    fn problem(&mut self, path: &str, message: String) {
        panic!("{path}: {message}");
    }
}

/// `fixtures/<RULE>/code/<name>.zip` is `code/<name>/` zipped (`tests/zip-fixture-code`
/// rebuilds them), so the expectations read from the zip are the ones in the directory.
#[test]
fn fixture_zips_match_their_directories() {
    let mut checked = 0;
    for rule in fs::read_dir(fixtures_dir()).unwrap().flatten() {
        let code = rule.path().join("code");
        if !code.is_dir() {
            continue;
        }
        for zip in files_under(&code)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        {
            let dir = zip.with_extension("");
            assert!(
                dir.is_dir(),
                "{} has no directory {}",
                zip.display(),
                dir.display()
            );
            let mut entries = ZipEntries(Default::default());
            lambdasec_archive::walk(&zip, &Default::default(), &mut entries);
            let on_disk: std::collections::BTreeMap<String, Vec<u8>> = files_under(&dir)
                .into_iter()
                .map(|f| {
                    let rel = f
                        .strip_prefix(&dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    (rel, fs::read(&f).unwrap())
                })
                .collect();
            assert!(
                entries.0 == on_disk,
                "{} differs from {}: run tests/zip-fixture-code",
                zip.display(),
                dir.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no zipped fixture code");
}
