//! The CI integrations run the way their CI systems run them, on copies of `examples/`, with
//! the `lambdasec` built for these tests first on PATH:
//!
//! - the GitHub Action (`action.yml`): every step in order, `if:` conditions evaluated, `run:`
//!   scripts executed with `bash --noprofile --norc -eo pipefail` and their `env:` filled in
//!   from the inputs and earlier steps' outputs, as the runner does; `uses:` steps are not run
//!   but their conditions and inputs are checked;
//! - the pre-commit hook (`.pre-commit-hooks.yaml`, `scripts/pre-commit-hook`) through the
//!   test venv's `pre-commit` (`.venv`, created by `scripts/test`);
//! - the GitLab CI job (`docs/ci/gitlab-ci.yml`): `before_script` and `script` in one
//!   `bash -eo pipefail`, with the job's variables, as GitLab's shell executor runs them.

use saphyr::{LoadableYamlNode, ScalarOwned, YamlOwned};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const INSECURE: &str = "examples/terraform/insecure";
const SECURE: &str = "examples/terraform/secure";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// PATH with the directory of the `lambdasec` under test first.
fn path_env() -> OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_lambdasec")).parent().unwrap();
    let mut dirs = vec![bin.to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap()
}

fn venv_tool(name: &str) -> PathBuf {
    let p = repo().join(".venv/bin").join(name);
    assert!(
        p.exists(),
        "{} not found: run scripts/test (it creates .venv from scripts/test-requirements.txt)",
        p.display()
    );
    p
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// YAML (one document) as JSON, read with saphyr (YAML 1.2: `on` stays a string).
fn yaml(path: &Path) -> Value {
    fn conv(y: &YamlOwned) -> Value {
        match y {
            YamlOwned::Value(s) => match s {
                ScalarOwned::Null => Value::Null,
                ScalarOwned::Boolean(b) => Value::Bool(*b),
                ScalarOwned::Integer(i) => Value::from(*i),
                ScalarOwned::FloatingPoint(f) => Value::from(f.into_inner()),
                ScalarOwned::String(s) => Value::String(s.clone()),
            },
            YamlOwned::Representation(s, _, _) => Value::String(s.clone()),
            YamlOwned::Sequence(v) => Value::Array(v.iter().map(conv).collect()),
            YamlOwned::Mapping(m) => {
                let mut out = Map::new();
                for (k, v) in m {
                    let key = match conv(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    assert!(
                        out.insert(key.clone(), conv(v)).is_none(),
                        "duplicate {key}"
                    );
                }
                Value::Object(out)
            }
            YamlOwned::Tagged(_, inner) => conv(inner),
            YamlOwned::Alias(_) | YamlOwned::BadValue => panic!("unsupported YAML node {y:?}"),
        }
    }
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let docs = YamlOwned::load_from_str(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(docs.len(), 1, "{}: one YAML document", path.display());
    conv(&docs[0])
}

fn s<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"))
}

/// Copies a directory tree (files keep their permissions).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The scan's findings as the JSON report counts them: (non-suppressed findings, rule ids).
fn json_findings(dir: &Path) -> (usize, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_lambdasec"))
        .args(["scan", "--quiet", "--format", "json", "--fail-on", "none"])
        .arg(dir)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    let open: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("suppressed").is_none_or(Value::is_null))
        .collect();
    let ids = open
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_owned())
        .collect();
    (open.len(), ids)
}

/// Validates JUnit files against the published schemas the report crate's tests use.
fn assert_valid_junit(files: &[&Path]) {
    let xsd = repo().join("crates/lambdasec-report/tests/data/junit");
    let schemas: Vec<PathBuf> = std::fs::read_dir(&xsd)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xsd"))
        .collect();
    assert!(!schemas.is_empty(), "no schema in {}", xsd.display());
    let out = Command::new(venv_tool("python"))
        .arg("-c")
        .arg(
            "import sys, xmlschema\n\
             n = int(sys.argv[1])\n\
             for s in sys.argv[2:2 + n]:\n\
             \x20   x = xmlschema.XMLSchema(s)\n\
             \x20   for f in sys.argv[2 + n:]:\n\
             \x20       x.validate(f)\n",
        )
        .arg(schemas.len().to_string())
        .args(&schemas)
        .args(files)
        .output()
        .unwrap();
    assert!(out.status.success(), "JUnit not valid: {}", text(&out));
}

// ---------------------------------------------------------------------------------------------
// GitHub Action

/// What a run of the action left: per step (name), whether it ran and how it ended.
struct ActionRun {
    /// (step name, ran, success)
    steps: Vec<(String, bool, bool)>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// The `with:` of every `uses:` step that would have run, expressions filled in.
    uses: Vec<(String, Map<String, Value>)>,
    log: String,
    failed: bool,
    workspace: PathBuf,
}

impl ActionRun {
    fn step(&self, name: &str) -> (bool, bool) {
        self.steps
            .iter()
            .find(|s| s.0 == name)
            .map(|s| (s.1, s.2))
            .unwrap_or_else(|| panic!("no step {name}"))
    }
    fn output(&self, step: &str, key: &str) -> &str {
        self.outputs
            .get(step)
            .and_then(|o| o.get(key))
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no output {key} of step {step}\n{}", self.log))
    }
}

struct Runner {
    action: Value,
    inputs: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    temp: PathBuf,
    /// The job's PATH, and directories steps added through GITHUB_PATH (latest first).
    path: OsString,
    added_path: Vec<PathBuf>,
}

impl Runner {
    fn new(action: &Value, overrides: &[(&str, &str)], temp: &Path, path: OsString) -> Runner {
        let mut inputs = BTreeMap::new();
        for (name, spec) in action["inputs"].as_object().unwrap() {
            let default = match &spec["default"] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            inputs.insert(name.clone(), default);
        }
        for (k, v) in overrides {
            assert!(inputs.contains_key(*k), "the action has no input {k}");
            inputs.insert(k.to_string(), v.to_string());
        }
        Runner {
            action: action.clone(),
            inputs,
            outputs: BTreeMap::new(),
            temp: temp.to_path_buf(),
            path,
            added_path: Vec::new(),
        }
    }

    /// The value of a context path (`inputs.x`, `steps.id.outputs.k`, `runner.temp`).
    fn lookup(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self
                .inputs
                .get(*name)
                .unwrap_or_else(|| panic!("expression names an undeclared input: {path}"))
                .clone(),
            ["steps", id, "outputs", key] => self
                .outputs
                .get(*id)
                .and_then(|o| o.get(*key))
                .cloned()
                .unwrap_or_default(),
            ["runner", "temp"] => self.temp.display().to_string(),
            _ => panic!("the test does not know the expression {path}"),
        }
    }

    /// Replaces every `${{ path }}` in a string.
    fn substitute(&self, s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${{") {
            out.push_str(&rest[..i]);
            let end = rest[i..].find("}}").expect("closed expression") + i;
            out.push_str(&self.lookup(rest[i + 3..end].trim()));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Evaluates an `if:` made of `always()` and `a == 'x'` / `a != 'x'` terms joined by `&&`
    /// (string comparisons are case-insensitive, as in GitHub's expressions). Without
    /// `always()`, a step runs only while no earlier step failed.
    fn condition(&self, cond: Option<&str>, failed: bool) -> bool {
        let Some(cond) = cond else { return !failed };
        let cond = cond.trim().trim_start_matches("${{").trim_end_matches("}}");
        let mut always = false;
        let mut value = true;
        for term in cond.split("&&").map(str::trim) {
            if term == "always()" {
                always = true;
                continue;
            }
            let (lhs, rhs, eq) = if let Some((l, r)) = term.split_once("==") {
                (l, r, true)
            } else if let Some((l, r)) = term.split_once("!=") {
                (l, r, false)
            } else {
                panic!("the test cannot evaluate the condition term {term:?}")
            };
            let rhs = rhs.trim();
            assert!(
                rhs.starts_with('\'') && rhs.ends_with('\''),
                "compare with a literal: {term}"
            );
            let lhs = self.lookup(lhs.trim());
            let same = lhs.eq_ignore_ascii_case(&rhs[1..rhs.len() - 1]);
            value &= same == eq;
        }
        value && (always || !failed)
    }

    fn run(mut self, workspace: &Path) -> ActionRun {
        let mut run = ActionRun {
            steps: Vec::new(),
            outputs: BTreeMap::new(),
            uses: Vec::new(),
            log: String::new(),
            failed: false,
            workspace: workspace.to_path_buf(),
        };
        let files = [
            "GITHUB_OUTPUT",
            "GITHUB_ENV",
            "GITHUB_PATH",
            "GITHUB_STEP_SUMMARY",
        ];
        for step in self.action["runs"]["steps"].as_array().unwrap().clone() {
            let name = s(&step["name"], "step name").to_owned();
            let ran = self.condition(step["if"].as_str(), run.failed);
            if !ran {
                run.steps.push((name, false, true));
                continue;
            }
            if let Some(uses) = step["uses"].as_str() {
                let mut with = Map::new();
                if let Some(w) = step["with"].as_object() {
                    for (k, v) in w {
                        with.insert(k.clone(), Value::String(self.substitute(s(v, k))));
                    }
                }
                run.uses.push((uses.to_owned(), with));
                run.steps.push((name, true, true));
                continue;
            }
            assert_eq!(step["shell"], "bash", "{name}: shell");
            let script = s(&step["run"], "run");
            let dir = self.temp.join(format!("step{}", run.steps.len()));
            std::fs::create_dir_all(&dir).unwrap();
            let script_file = dir.join("script.sh");
            std::fs::write(&script_file, script).unwrap();
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script_file)
                .current_dir(workspace)
                .env_clear()
                .env(
                    "PATH",
                    std::env::join_paths(
                        self.added_path
                            .iter()
                            .cloned()
                            .chain(std::env::split_paths(&self.path)),
                    )
                    .unwrap(),
                )
                .env("HOME", self.temp.join("home"))
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_WORKSPACE", workspace)
                .env("GITHUB_ACTION_PATH", repo())
                .env("RUNNER_TEMP", &self.temp)
                .env("RUNNER_OS", "Linux")
                .env("RUNNER_ARCH", "X64");
            for f in files {
                let p = dir.join(f);
                std::fs::write(&p, "").unwrap();
                cmd.env(f, p);
            }
            if let Some(env) = step["env"].as_object() {
                for (k, v) in env {
                    cmd.env(k, self.substitute(s(v, k)));
                }
            }
            let out = cmd.output().unwrap();
            run.log.push_str(&format!("=== {name}\n{}\n", text(&out)));
            if let Some(id) = step["id"].as_str() {
                let raw = std::fs::read_to_string(dir.join("GITHUB_OUTPUT")).unwrap();
                let mut map = BTreeMap::new();
                for line in raw.lines() {
                    let (k, v) = line
                        .split_once('=')
                        .unwrap_or_else(|| panic!("{name}: output line {line:?}"));
                    map.insert(k.to_owned(), v.to_owned());
                }
                self.outputs.insert(id.to_owned(), map);
            }
            let added = std::fs::read_to_string(dir.join("GITHUB_PATH")).unwrap();
            for line in added.lines().filter(|l| !l.is_empty()) {
                self.added_path.insert(0, PathBuf::from(line));
            }
            let ok = out.status.success();
            run.failed |= !ok;
            run.steps.push((name, true, ok));
        }
        run.outputs = self.outputs;
        run
    }
}

fn action() -> Value {
    yaml(&repo().join("action.yml"))
}

/// Runs the action on a copy of `example` at the same relative path in a fresh workspace.
fn run_action(example: &str, overrides: &[(&str, &str)]) -> (ActionRun, tempfile::TempDir) {
    run_action_with_path(example, overrides, path_env())
}

fn run_action_with_path(
    example: &str,
    overrides: &[(&str, &str)],
    path: OsString,
) -> (ActionRun, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let workspace = tmp.path().join("workspace");
    copy_dir(&repo().join(example), &workspace.join(example));
    let temp = tmp.path().join("runner-temp");
    std::fs::create_dir_all(temp.join("home")).unwrap();
    let mut with: Vec<(&str, &str)> = vec![("path", example)];
    with.extend_from_slice(overrides);
    let run = Runner::new(&action(), &with, &temp, path).run(&workspace);
    (run, tmp)
}

fn sarif(run: &ActionRun) -> Value {
    let file = run.workspace.join(run.output("scan", "sarif-file"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    assert_eq!(v["version"], "2.1.0");
    assert!(s(&v["$schema"], "$schema").contains("sarif"));
    v
}

fn sarif_rules(v: &Value) -> Vec<String> {
    v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn action_declares_its_inputs_and_never_pastes_expressions_into_scripts() {
    let a = action();
    assert_eq!(a["runs"]["using"], "composite");
    for (name, default) in [
        ("path", "."),
        ("fail-on", "high"),
        ("output", "lambdasec.sarif"),
        ("upload-sarif", "true"),
        ("args", ""),
        ("config", ""),
    ] {
        let input = &a["inputs"][name];
        assert!(
            input["description"].is_string(),
            "input {name}: description"
        );
        assert_eq!(input["default"], default, "input {name}: default");
    }
    for out in ["sarif-file", "exit-code", "findings"] {
        let v = s(&a["outputs"][out]["value"], out);
        assert!(v.contains("steps.scan.outputs."), "output {out}: {v}");
        assert!(a["outputs"][out]["description"].is_string());
    }
    let steps = a["runs"]["steps"].as_array().unwrap();
    for step in steps {
        if let Some(run) = step["run"].as_str() {
            assert!(
                !run.contains("${{"),
                "step {:?} pastes an expression into its script (script injection); pass it through env:",
                step["name"]
            );
            assert_eq!(step["shell"], "bash", "{:?}", step["name"]);
        }
    }
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    let cond = s(&upload["if"], "upload if");
    assert!(cond.contains("always()"), "{cond}");
    assert!(cond.contains("inputs.upload-sarif == 'true'"), "{cond}");
    assert!(s(&upload["with"]["sarif_file"], "sarif_file").contains("inputs.output"));
    let install = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("cargo install"))
        .expect("an install step");
    assert!(install.contains(
        "cargo install --locked --path \"$GITHUB_ACTION_PATH/crates/lambdasec-cli\" --root \"$RUNNER_TEMP/lambdasec\""
    ));

    // The repository's own workflow uses the action the same way.
    let wf = yaml(&repo().join(".github/workflows/lambdasec.yml"));
    let mut uses_local = 0;
    for (job, spec) in wf["jobs"].as_object().unwrap() {
        for step in spec["steps"].as_array().unwrap() {
            if let Some(run) = step["run"].as_str() {
                assert!(
                    !run.contains("${{"),
                    "workflow job {job} pastes an expression"
                );
            }
            if step["uses"] == "./" {
                uses_local += 1;
                let path = s(&step["with"]["path"], "path");
                for p in path.lines().filter(|l| !l.trim().is_empty()) {
                    assert!(repo().join(p.trim()).is_dir(), "workflow scans {p}");
                }
            }
        }
    }
    assert!(uses_local >= 2, "the workflow runs the action");
}

#[test]
fn action_on_the_insecure_example_uploads_sarif_then_fails() {
    let (run, _tmp) = run_action(INSECURE, &[]);
    let log = &run.log;
    // lambdasec is on PATH: nothing is built.
    assert_eq!(run.step("Find lambdasec"), (true, true), "{log}");
    assert_eq!(run.output("find", "found"), "true");
    assert!(run.output("find", "bin").ends_with("lambdasec"));
    assert!(!run.step("Restore lambdasec from the cache").0);
    assert!(!run.step("Build lambdasec").0);
    assert!(!run.step("Add lambdasec to PATH").0);

    // The scan step itself succeeds and records lambdasec's exit code.
    assert_eq!(run.step("Scan"), (true, true), "{log}");
    assert_eq!(run.output("scan", "exit-code"), "1", "{log}");
    assert_eq!(run.output("scan", "sarif-file"), "lambdasec.sarif");
    let v = sarif(&run);
    let rules = sarif_rules(&v);
    let (open, ids) = json_findings(&run.workspace.join(INSECURE));
    assert!(open > 0);
    assert_eq!(rules.len(), open);
    assert!(rules.iter().any(|r| r == "LS401"), "{rules:?}");
    assert_eq!(run.output("scan", "findings"), open.to_string());
    assert_eq!(
        rules.iter().collect::<std::collections::BTreeSet<_>>(),
        ids.iter().collect()
    );
    // The findings are in the log too, between stop-commands markers.
    assert!(log.contains("LS401 url-auth-none"), "{log}");
    let token = log
        .split("::stop-commands::")
        .nth(1)
        .and_then(|t| t.lines().next())
        .expect("stop-commands");
    assert!(token.len() > 20, "{token}");
    assert!(log.contains(&format!("::{token}::")), "{log}");

    // SARIF is uploaded whatever was found, and then the job fails with the scan's code.
    assert_eq!(run.uses.len(), 1, "{:?}", run.uses);
    let (uses, with) = &run.uses[0];
    assert!(uses.starts_with("github/codeql-action/upload-sarif@"));
    assert_eq!(with["sarif_file"], "lambdasec.sarif");
    assert_eq!(run.step("Fail on findings"), (true, false), "{log}");
    assert!(
        log.contains("::error title=lambdasec::findings at or above high"),
        "{log}"
    );
    assert!(run.failed);
}

#[test]
fn action_on_the_secure_example_passes() {
    let (run, _tmp) = run_action(SECURE, &[]);
    let log = &run.log;
    assert_eq!(run.step("Scan"), (true, true), "{log}");
    assert_eq!(run.output("scan", "exit-code"), "0", "{log}");
    assert_eq!(run.output("scan", "findings"), "0");
    assert!(sarif_rules(&sarif(&run)).is_empty());
    assert_eq!(run.uses.len(), 1, "SARIF is uploaded");
    assert!(!run.step("Fail on findings").0);
    assert!(!run.failed, "{log}");
}

/// Stand-ins for `cargo` (records its arguments, installs the binary under test where
/// `--root` says) and `rustc`, in a new directory of `dir`.
fn fake_toolchain(dir: &Path) -> PathBuf {
    let fake = dir.join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    let scripts = [
        (
            "cargo",
            format!(
                "#!/bin/sh\n\
                 echo \"$*\" >> \"{}\"\n\
                 while [ \"$1\" != --root ]; do shift; done\n\
                 mkdir -p \"$2/bin\" && cp \"{}\" \"$2/bin/lambdasec\"\n",
                dir.join("cargo.log").display(),
                env!("CARGO_BIN_EXE_lambdasec")
            ),
        ),
        (
            "rustc",
            "#!/bin/sh\necho 'rustc 1.94.0 (stand-in)'\n".to_owned(),
        ),
    ];
    for (name, script) in scripts {
        std::fs::write(fake.join(name), script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(fake.join(name), std::fs::Permissions::from_mode(0o755))
                .unwrap();
        }
    }
    fake
}

/// The system PATH without lambdasec or cargo on it.
const SYSTEM_PATH: &str = "/usr/bin:/bin";

fn assert_no_system_lambdasec_or_cargo() {
    assert!(
        ![
            "/usr/bin/lambdasec",
            "/bin/lambdasec",
            "/usr/bin/cargo",
            "/bin/cargo"
        ]
        .iter()
        .any(|p| Path::new(p).exists()),
        "this test needs a system PATH without lambdasec and cargo"
    );
}

#[test]
fn action_without_lambdasec_on_path_builds_caches_and_uses_it() {
    assert_no_system_lambdasec_or_cargo();
    let tools = tempfile::tempdir().unwrap();
    let fake = fake_toolchain(tools.path());
    let path = format!("{}:{SYSTEM_PATH}", fake.display());
    let (run, tmp) = run_action_with_path(INSECURE, &[], path.into());
    let log = &run.log;
    assert_eq!(run.output("find", "found"), "false", "{log}");
    let temp = tmp.path().join("runner-temp");
    let bin = temp.join("lambdasec/bin/lambdasec");
    assert_eq!(run.output("find", "bin"), bin.display().to_string());
    let key = run.output("find", "key");
    assert!(
        key.starts_with("lambdasec-Linux-X64-") && key.len() > 40,
        "{key}"
    );
    // The cache is restored by the key, the build runs, the directory goes on PATH.
    let (uses, with) = &run.uses[0];
    assert!(uses.starts_with("actions/cache@"), "{uses}");
    assert_eq!(with["key"], key);
    assert_eq!(with["path"], temp.join("lambdasec").display().to_string());
    assert_eq!(run.step("Build lambdasec"), (true, true), "{log}");
    let calls = std::fs::read_to_string(tools.path().join("cargo.log")).unwrap();
    assert_eq!(
        calls.trim(),
        format!(
            "install --locked --path {}/crates/lambdasec-cli --root {}",
            repo().display(),
            temp.join("lambdasec").display()
        )
    );
    assert_eq!(run.step("Add lambdasec to PATH"), (true, true));
    // The scan used the binary built.
    assert_eq!(run.output("scan", "exit-code"), "1", "{log}");
    assert!(!sarif_rules(&sarif(&run)).is_empty());
    assert!(run.failed);

    // The key follows the source: the same tree gives the same key.
    let (again, _tmp) = run_action_with_path(
        SECURE,
        &[],
        format!("{}:{SYSTEM_PATH}", fake.display()).into(),
    );
    assert_eq!(again.output("find", "key"), key);

    // Neither lambdasec nor cargo: the action says what to do and stops.
    let (none, _tmp) = run_action_with_path(INSECURE, &[], SYSTEM_PATH.into());
    assert_eq!(none.step("Find lambdasec"), (true, false));
    assert!(
        none.log.contains("install a Rust toolchain"),
        "{}",
        none.log
    );
    assert!(!none.step("Scan").0);
    assert!(none.failed);
}

#[test]
fn action_inputs_fail_on_args_and_upload() {
    // fail-on none: findings reported, the job passes; no upload when it is turned off.
    let (run, _tmp) = run_action(
        INSECURE,
        &[
            ("fail-on", "none"),
            ("upload-sarif", "false"),
            ("output", "out dir/result.sarif"),
            ("args", "--skip LS802,LS301\n  --min-severity   low"),
        ],
    );
    let log = &run.log;
    assert_eq!(run.output("scan", "exit-code"), "0", "{log}");
    assert_eq!(run.output("scan", "sarif-file"), "out dir/result.sarif");
    let rules = sarif_rules(&sarif(&run));
    assert!(!rules.is_empty());
    // args were split into separate arguments: both rules skipped, no info finding left.
    assert!(
        !rules.iter().any(|r| r == "LS802" || r == "LS301"),
        "{rules:?}"
    );
    assert_eq!(run.output("scan", "findings"), rules.len().to_string());
    assert!(run.uses.is_empty());
    assert!(!run.failed, "{log}");

    // An input is data, never code: nothing it says runs, and a bad one ends in exit code 2.
    let (run, tmp) = run_action(
        INSECURE,
        &[
            ("args", "$(touch${IFS}pwned-args) `touch pwned-args2`"),
            ("config", "\"; touch pwned-config; echo \""),
        ],
    );
    assert_eq!(run.output("scan", "exit-code"), "2", "{}", run.log);
    assert_eq!(run.output("scan", "sarif-file"), "");
    assert!(run.uses.is_empty(), "nothing to upload");
    assert_eq!(run.step("Fail on findings"), (true, false));
    assert!(run.log.contains("lambdasec exited with 2"), "{}", run.log);
    let (run2, tmp2) = run_action(INSECURE, &[("fail-on", "high'; touch pwned-failon; '")]);
    assert_eq!(run2.output("scan", "exit-code"), "2", "{}", run2.log);
    for dir in [tmp.path(), tmp2.path()] {
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                assert!(
                    !p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with("pwned"),
                    "an input ran as code: {}",
                    p.display()
                );
                if p.is_dir() {
                    stack.push(p);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// pre-commit

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "lambdasec test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "lambdasec test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
}

/// A git repository holding the hook as this tree has it (`.pre-commit-hooks.yaml` and the
/// script, committed: pre-commit clones the hook repository, and a clone of the working tree
/// would miss files not yet committed).
fn hook_repo(dir: &Path) -> PathBuf {
    let hook = dir.join("hook");
    std::fs::create_dir_all(hook.join("scripts")).unwrap();
    std::fs::copy(
        repo().join(".pre-commit-hooks.yaml"),
        hook.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    std::fs::copy(
        repo().join("scripts/pre-commit-hook"),
        hook.join("scripts/pre-commit-hook"),
    )
    .unwrap();
    git(&hook, &["init", "-q", "-b", "main"]);
    git(&hook, &["add", "-A"]);
    git(&hook, &["commit", "-q", "-m", "hook"]);
    hook
}

/// A git repository with a copy of `example`, everything staged.
fn project(dir: &Path, name: &str, example: Option<&str>) -> PathBuf {
    let p = dir.join(name);
    match example {
        Some(e) => copy_dir(&repo().join(e), &p),
        None => {
            std::fs::create_dir_all(&p).unwrap();
            std::fs::write(p.join("README.md"), "no infrastructure here\n").unwrap();
        }
    }
    git(&p, &["init", "-q", "-b", "main"]);
    git(&p, &["add", "-A"]);
    p
}

fn pre_commit(tmp: &Path, project: &Path, args: &[&str]) -> Output {
    Command::new(venv_tool("pre-commit"))
        .args(args)
        .current_dir(project)
        .env("PATH", path_env())
        .env("PRE_COMMIT_HOME", tmp.join("pre-commit-home"))
        .env("PRE_COMMIT_COLOR", "never")
        .env("HOME", tmp)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "lambdasec test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "lambdasec test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env_remove("LAMBDASEC_BIN")
        .env_remove("VIRTUAL_ENV")
        .output()
        .expect("run pre-commit")
}

fn has_rule_id(s: &str) -> bool {
    s.as_bytes()
        .windows(5)
        .any(|w| w.starts_with(b"LS") && w[2..].iter().all(u8::is_ascii_digit))
}

#[test]
fn pre_commit_hook_fails_on_the_insecure_example_and_passes_the_secure_one() {
    let hooks = yaml(&repo().join(".pre-commit-hooks.yaml"));
    let hook = &hooks[0];
    assert_eq!(hook["id"], "lambdasec");
    assert_eq!(hook["language"], "script");
    assert_eq!(hook["entry"], "scripts/pre-commit-hook");
    assert_eq!(hook["pass_filenames"], false);
    assert_eq!(hook["require_serial"], true);
    assert!(hook["description"].is_string());
    assert!(hook["files"].is_string());

    let tmp = tempfile::tempdir().unwrap();
    let hook_repo = hook_repo(tmp.path());
    let hook_arg = hook_repo.to_str().unwrap();

    let bad = project(tmp.path(), "insecure", Some(INSECURE));
    let out = pre_commit(
        tmp.path(),
        &bad,
        &["try-repo", hook_arg, "lambdasec", "--all-files"],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("Failed"), "{log}");
    assert!(has_rule_id(&log), "no rule id in the hook's output: {log}");
    assert!(log.contains("LS401"), "{log}");

    let good = project(tmp.path(), "secure", Some(SECURE));
    let out = pre_commit(
        tmp.path(),
        &good,
        &["try-repo", hook_arg, "lambdasec", "--all-files"],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(log.contains("Passed"), "{log}");

    // No infrastructure file: the hook does not run.
    let none = project(tmp.path(), "none", None);
    let out = pre_commit(
        tmp.path(),
        &none,
        &["try-repo", hook_arg, "lambdasec", "--all-files"],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(log.contains("Skipped"), "{log}");

    // `args` as the README shows them reach `lambdasec scan`: with --fail-on none the
    // insecure example passes, with a path the scan is limited to it.
    let config = format!(
        "repos:\n  - repo: {hook_arg}\n    rev: main\n    hooks:\n      - id: lambdasec\n        args: [--fail-on, none]\n"
    );
    std::fs::write(bad.join(".pre-commit-config.yaml"), config).unwrap();
    git(&bad, &["add", ".pre-commit-config.yaml"]);
    let out = pre_commit(tmp.path(), &bad, &["run", "--all-files"]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(log.contains("Passed"), "{log}");
}

/// Without lambdasec on PATH the hook builds it once with cargo into its own clone (here the
/// stand-in of `fake_toolchain`), then reuses it; without cargo either it says what to do.
#[test]
fn pre_commit_hook_builds_lambdasec_once_when_it_is_not_on_path() {
    let tmp = tempfile::tempdir().unwrap();
    let clone = tmp.path().join("clone");
    std::fs::create_dir_all(clone.join("scripts")).unwrap();
    std::fs::copy(
        repo().join("scripts/pre-commit-hook"),
        clone.join("scripts/pre-commit-hook"),
    )
    .unwrap();
    assert_no_system_lambdasec_or_cargo();
    let fake = fake_toolchain(tmp.path());
    let log = tmp.path().join("cargo.log");
    let system = SYSTEM_PATH;
    let example = repo().join(INSECURE);
    let hook = |path: String| {
        Command::new(clone.join("scripts/pre-commit-hook"))
            .args(["--fail-on", "none", "--quiet"])
            .arg(&example)
            .env_clear()
            .env("PATH", path)
            .output()
            .unwrap()
    };
    let with_cargo = format!("{}:{system}", fake.display());

    let first = hook(with_cargo.clone());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("building it once"), "{stderr}");
    assert!(String::from_utf8_lossy(&first.stdout).contains("LS401"));
    let calls = std::fs::read_to_string(&log).unwrap();
    let root = clone.join(".pre-commit-build");
    assert_eq!(
        calls.trim(),
        format!(
            "install --locked --quiet --path {}/crates/lambdasec-cli --root {}",
            clone.display(),
            root.display()
        )
    );

    let second = hook(with_cargo);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    assert!(!String::from_utf8_lossy(&second.stderr).contains("building"));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), calls, "built twice");

    std::fs::remove_dir_all(&root).unwrap();
    let no_cargo = hook(system.to_owned());
    assert_eq!(no_cargo.status.code(), Some(2), "{}", text(&no_cargo));
    assert!(String::from_utf8_lossy(&no_cargo.stderr).contains("no cargo"));
}

// ---------------------------------------------------------------------------------------------
// GitLab CI

fn gitlab_job() -> Value {
    let ci = yaml(&repo().join("docs/ci/gitlab-ci.yml"));
    let jobs: Vec<&String> = ci.as_object().unwrap().keys().collect();
    assert_eq!(jobs, ["lambdasec"], "one job");
    ci["lambdasec"].clone()
}

fn lines(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| s(l, "script line").to_owned())
        .collect()
}

/// Runs the job's before_script and script on a copy of `example` as GitLab's shell does.
fn run_gitlab(example: &str, overrides: &[(&str, &str)]) -> (Output, tempfile::TempDir) {
    let job = gitlab_job();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    copy_dir(&repo().join(example), &dir);
    let mut script = String::new();
    for line in lines(&job["before_script"])
        .into_iter()
        .chain(lines(&job["script"]))
    {
        script.push_str(&line);
        script.push('\n');
    }
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
        .current_dir(&dir)
        .env_clear()
        .env("PATH", path_env())
        .env("HOME", tmp.path())
        .env("CI", "true")
        .env("GITLAB_CI", "true")
        .env("CI_PROJECT_DIR", &dir);
    let mut vars: BTreeMap<String, String> = job["variables"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), v)
        })
        .collect();
    for (k, v) in overrides {
        assert!(vars.contains_key(*k), "the job has no variable {k}");
        vars.insert(k.to_string(), v.to_string());
    }
    cmd.envs(&vars);
    (cmd.output().unwrap(), tmp)
}

#[test]
fn gitlab_job_writes_junit_sarif_and_json_and_fails_on_findings() {
    let job = gitlab_job();
    assert!(s(&job["image"], "image").starts_with("rust"));
    let before = lines(&job["before_script"]).join("\n");
    assert!(before.contains("command -v lambdasec"), "{before}");
    assert!(before.contains("$LAMBDASEC_INSTALL"), "{before}");
    assert!(s(&job["variables"]["LAMBDASEC_INSTALL"], "install").contains("cargo install --locked"));
    let artifacts = &job["artifacts"];
    assert_eq!(artifacts["when"], "always");
    assert_eq!(artifacts["reports"]["junit"], "lambdasec-junit.xml");
    let paths = lines(&artifacts["paths"]);
    for f in ["lambdasec-junit.xml", "lambdasec.sarif", "lambdasec.json"] {
        assert!(paths.iter().any(|p| p == f), "artifact {f}");
    }

    let (out, tmp) = run_gitlab(INSECURE, &[]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    // lambdasec was on PATH: the install command did not run.
    assert!(!tmp.path().join("project/.lambdasec").exists(), "{log}");
    assert!(log.contains("LS401 url-auth-none"), "{log}");
    let dir = tmp.path().join("project");
    for f in &paths {
        assert!(dir.join(f).is_file(), "{f} not written: {log}");
    }
    let junit = std::fs::read_to_string(dir.join("lambdasec-junit.xml")).unwrap();
    assert!(junit.contains("<failure "));
    let (open, _) = json_findings(&dir.join("."));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("lambdasec.json")).unwrap())
            .unwrap();
    assert!(report["findings"].as_array().unwrap().len() >= open);
    assert!(report["errors"].as_array().unwrap().is_empty(), "{report}");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("lambdasec.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");

    let (ok, tmp_ok) = run_gitlab(SECURE, &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let ok_dir = tmp_ok.path().join("project");
    let junit_ok = std::fs::read_to_string(ok_dir.join("lambdasec-junit.xml")).unwrap();
    assert!(!junit_ok.contains("<failure "));

    // LAMBDASEC_FAIL_ON=none: reported, not failed.
    let (none, _tmp_none) = run_gitlab(INSECURE, &[("LAMBDASEC_FAIL_ON", "none")]);
    assert_eq!(none.status.code(), Some(0), "{}", text(&none));

    assert_valid_junit(&[
        &dir.join("lambdasec-junit.xml"),
        &ok_dir.join("lambdasec-junit.xml"),
    ]);
}

#[test]
fn readme_embeds_the_gitlab_job_verbatim() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let job = std::fs::read_to_string(repo().join("docs/ci/gitlab-ci.yml")).unwrap();
    assert!(
        readme.contains(&format!("```yaml\n{job}```")),
        "README.md's \"CI integration\" section must reproduce docs/ci/gitlab-ci.yml exactly"
    );
    assert!(readme.contains("## CI integration"));
}
