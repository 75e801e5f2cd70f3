//! Through the inventory: directories and zips on disk, parse errors, pathological input.

use lambdasec_code::attach::attach_code_analysis;
use lambdasec_model::{CodeRef, Function, Inventory, LeakKind, Location, SourceKind, Value};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

fn loc(line: u32) -> Location {
    Location::new(Arc::from("main.tf"), line, 1)
}

fn known<T>(v: T) -> Value<T> {
    Value::known(v, loc(1))
}

fn function(code: &str, handler: Option<&str>, runtime: Option<&str>) -> Function {
    Function {
        id: format!("aws_lambda_function.{}", code.replace(['/', '.'], "_")),
        kind: SourceKind::Terraform,
        loc: loc(1),
        name: known("f".to_string()),
        generated_name: false,
        account: None,
        package_type: None,
        runtime: runtime.map(|r| known(r.to_string())),
        handler: handler.map(|h| known(h.to_string())),
        role: None,
        environment: known(vec![]),
        env_kms_key: None,
        vpc: None,
        tracing_mode: None,
        dead_letter_target: None,
        reserved_concurrency: None,
        code_signing_config: None,
        layers: known(vec![]),
        log_group_name: None,
        log_group: None,
        code: Some(CodeRef {
            path: known(code.to_string()),
            base: String::new(),
        }),
    }
}

fn write(root: &Path, rel: &str, content: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn attach(root: &Path, inv: &mut Inventory) -> usize {
    let n = std::sync::atomic::AtomicUsize::new(0);
    attach_code_analysis(inv, root, &Default::default(), &|| {
        n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    n.into_inner()
}

#[test]
fn zip_and_directory_locations() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let app = b"import json\n\ndef handler(event, context):\n    print(json.dumps(event))\n";
    let helper = b"exports.log = (x) => console.log(x);\n";
    let index = b"const { log } = require('./helper');\nexports.handler = async (event) => { log(event.headers); };\nexports.other = async (event) => { return 1; };\n";
    std::fs::create_dir_all(root.join("build")).unwrap();
    std::fs::write(
        root.join("build/api.zip"),
        zip(&[
            ("app.py", app),
            ("requests/__init__.py", b"print(__import__('os').environ)\n"),
            (
                "requests-2.31.0.dist-info/RECORD",
                b"requests/__init__.py,sha256=x,10\n",
            ),
        ]),
    )
    .unwrap();
    write(root, "src/node/index.js", index);
    write(root, "src/node/helper.js", helper);
    let mut inv = Inventory::default();
    inv.functions.push(function(
        "build/api.zip",
        Some("app.handler"),
        Some("python3.12"),
    ));
    inv.functions.push(function(
        "src/node",
        Some("index.handler"),
        Some("nodejs20.x"),
    ));
    inv.functions.push(function(
        "src/node",
        Some("index.other"),
        Some("nodejs20.x"),
    ));
    // Unknown handler, missing code, non-local code: nothing.
    let mut f = function("src/node", None, None);
    f.handler = Some(Value::unknown("var.handler", loc(9)));
    inv.functions.push(f);
    inv.functions
        .push(function("missing.zip", Some("app.handler"), None));
    inv.functions
        .push(function("../outside", Some("app.handler"), None));
    let n = attach(root, &mut inv);
    assert_eq!(n, 2);
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let got: Vec<_> = inv
        .code_analyses
        .iter()
        .map(|a| {
            (
                a.function,
                a.handler.file.as_deref().unwrap().to_string(),
                a.log_leaks.len(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (0, "build/api.zip!app.py".into(), 1),
            (1, "src/node/index.js".into(), 1),
            (2, "src/node/index.js".into(), 0),
        ]
    );
    let leak = &inv.code_analyses[1].log_leaks[0];
    assert_eq!(leak.loc.file.as_deref(), Some("src/node/helper.js"));
    assert_eq!(leak.kind, LeakKind::WholeEvent);
    assert_eq!(inv.code_analyses[0].files, vec!["build/api.zip!app.py"]);
    assert_eq!(inv.code_analyses[0].log_leaks[0].via, "event");
}

#[test]
fn parse_errors_are_reported_once_and_analysis_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "fn/app.py",
        b"import logging\nlog = logging.getLogger()\n\ndef handler(event, context):\n    log.info(event)\n    x = (1, \n\ndef other(event, context):\n    return 1\n",
    );
    write(
        root,
        "js/index.js",
        b"exports.handler = async (event) => {\n  console.log(event;\n};\n",
    );
    write(
        root,
        "bad/index.py",
        b"def handler(event, context)\n    print(event)\n",
    );
    let mut inv = Inventory::default();
    inv.functions
        .push(function("fn", Some("app.handler"), Some("python3.11")));
    inv.functions
        .push(function("fn", Some("app.other"), Some("python3.11")));
    inv.functions
        .push(function("js", Some("index.handler"), Some("nodejs18.x")));
    inv.functions
        .push(function("bad", Some("index.handler"), Some("python3.11")));
    attach(root, &mut inv);
    let mut errs: Vec<_> = inv
        .errors
        .iter()
        .map(|e| (e.file.as_str(), e.line))
        .collect();
    errs.sort();
    assert_eq!(
        errs,
        vec![
            ("bad/index.py", Some(1)),
            ("fn/app.py", Some(6)),
            ("js/index.js", Some(2))
        ],
        "{:?}",
        inv.errors
    );
    for e in &inv.errors {
        assert!(
            e.message.starts_with("syntax error in handler code ("),
            "{}",
            e.message
        );
        assert!(
            e.message.ends_with("); its analysis may be incomplete"),
            "{}",
            e.message
        );
    }
    assert_eq!(inv.errors.len(), 3, "{:?}", inv.errors);
    // What parsed is still analysed.
    let a = inv
        .code_analyses
        .iter()
        .find(|a| a.function == 0)
        .expect("analysis");
    assert_eq!(a.log_leaks.len(), 1);
}

#[test]
fn pathological_inputs_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut deep = String::from("def handler(event, context):\n    x = ");
    deep.push_str(&"(".repeat(100_000));
    deep.push_str("event");
    deep.push_str(&")".repeat(100_000));
    deep.push_str("\n    print(x)\n");
    write(root, "deep/app.py", deep.as_bytes());
    let mut js = String::from("exports.handler = async (event) => { const x = ");
    js.push_str(&"[{a:".repeat(50_000));
    js.push_str("event");
    js.push_str(&"}]".repeat(50_000));
    js.push_str("; console.log(x); };\n");
    write(root, "deepjs/index.js", js.as_bytes());
    // Unbalanced.
    write(
        root,
        "open/index.js",
        format!("exports.handler = (e) => {}", "(".repeat(100_000)).as_bytes(),
    );
    // 10 MB on one line: over the size limit, not read.
    let mut huge =
        String::from("exports.handler = async (event) => { console.log(event); }; const s = '");
    huge.push_str(&"x".repeat(10 * 1024 * 1024));
    huge.push_str("';\n");
    write(root, "huge/index.js", huge.as_bytes());
    // 1.5 MB on one line: read and analysed.
    let mut long =
        String::from("exports.handler = async (event) => { console.log(event); }; const s = [");
    long.push_str(&"event.body, ".repeat(125_000));
    long.push_str("];\n");
    write(root, "long/index.js", long.as_bytes());
    // 45,000 elif clauses (1.6 MB).
    let mut elifs =
        String::from("def handler(event, context):\n    if event == 0:\n        pass\n");
    for i in 1..45_000 {
        elifs.push_str(&format!("    elif event == {i}:\n        pass\n"));
    }
    elifs.push_str("    else:\n        print(event)\n");
    write(root, "elif/app.py", elifs.as_bytes());
    // Invalid UTF-8.
    let mut bin =
        b"def handler(event, context):\n    s = '\xff\xfe\x80'\n    print(event)\n".to_vec();
    bin.extend_from_slice(&[0xc3, 0x28, b'\n']);
    write(root, "utf/app.py", &bin);
    let mut inv = Inventory::default();
    for (code, h, rt) in [
        ("deep", "app.handler", "python3.12"),
        ("deepjs", "index.handler", "nodejs20.x"),
        ("open", "index.handler", "nodejs20.x"),
        ("huge", "index.handler", "nodejs20.x"),
        ("long", "index.handler", "nodejs20.x"),
        ("utf", "app.handler", "python3.12"),
        ("elif", "app.handler", "python3.12"),
    ] {
        inv.functions.push(function(code, Some(h), Some(rt)));
    }
    // Run on a thread with a small stack: nothing may recurse with the input's nesting.
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            attach(root_owned(&dir), &mut inv);
            (inv, dir)
        })
        .unwrap();
    let (inv, _dir) = handle.join().expect("no panic, no stack overflow");
    let analysed: Vec<usize> = inv.code_analyses.iter().map(|a| a.function).collect();
    assert!(!analysed.contains(&3), "the 10 MB file is not read");
    assert!(analysed.contains(&4), "{analysed:?}");
    let utf = inv
        .code_analyses
        .iter()
        .find(|a| a.function == 5)
        .expect("utf8");
    assert_eq!(utf.log_leaks.len(), 1);
    assert!(
        inv.errors.iter().any(|e| e.file == "open/index.js"),
        "{:?}",
        inv.errors
    );
    let elif = inv
        .code_analyses
        .iter()
        .find(|a| a.function == 6)
        .expect("elif chain analysed");
    assert_eq!(elif.log_leaks.len(), 1);
}

fn root_owned(d: &tempfile::TempDir) -> &Path {
    d.path()
}
