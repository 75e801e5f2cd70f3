//! Handler code analysis of a generated ~100 MB source tree.
//!
//! `cargo bench -p lambdasec-code --bench analyse`
//!
//! Generates (not timed) 420 code directories, a third each Python, JavaScript and
//! TypeScript, ~240 KB each: a handler module with three handlers, six library modules it
//! imports (helpers calling each other across modules, logging, JSON, secret fetches with
//! and without caches, a webhook check), and tests that nothing imports. An inventory with
//! three functions per directory points at them. Then times `attach_code_analysis` three
//! times (reading, the reachability pre-scan, parsing, analysis) and prints each run with
//! what it found.
//!
//! The handlers call a few functions of each library module, so the pre-scan leaves most of
//! the library code unparsed. `ANALYSE_BENCH_ALL_REACHABLE=1` adds to every library module a
//! module-level list of all its functions: then everything is parsed (the worst case,
//! bounded by tree-sitter's parsing speed).

use lambdasec_code::attach::attach_code_analysis;
use lambdasec_model::{CodeRef, Function, Inventory, Location, SourceKind, Value};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const LOCATIONS: usize = 420;
const LIB_MODULES: usize = 6;
const FUNCS_PER_MODULE: usize = 34;

fn known<T>(v: T) -> Value<T> {
    Value::known(v, Location::new(Arc::from("main.tf"), 1, 1))
}

fn function(i: usize, code: &str, handler: &str, runtime: &str) -> Function {
    Function {
        id: format!("aws_lambda_function.f{i}"),
        kind: SourceKind::Terraform,
        loc: Location::new(Arc::from("main.tf"), 1, 1),
        name: known(format!("f{i}")),
        generated_name: false,
        account: None,
        package_type: None,
        runtime: Some(known(runtime.to_string())),
        handler: Some(known(handler.to_string())),
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

fn py_lib(m: usize, seed: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\"\"\"Library module {m}.\"\"\"\nimport json\nimport logging\nimport os\nimport time\nimport boto3\nfrom . import mod{next}\n\nlogger = logging.getLogger(__name__)\nTABLE = os.environ.get(\"TABLE_NAME\", \"orders\")\n_client = boto3.client(\"secretsmanager\")\n_cache = {{}}\n_fetched = 0\n",
        next = (m + 1) % LIB_MODULES
    );
    for f in 0..FUNCS_PER_MODULE {
        let k = seed + f;
        let _ = writeln!(
            s,
            r#"
def process_{f}(record, options=None):
    """Normalises record {f} and returns a summary."""
    options = options or {{}}
    items = [x for x in record.get("items", []) if x.get("qty", 0) > 0]
    total = sum(int(x["qty"]) * float(x.get("price", 0)) for x in items)
    summary = {{"id": record.get("id"), "count": len(items), "total": round(total, 2)}}
    if total > {lim}:
        logger.warning("large order %s total=%s", summary["id"], summary["total"])
    for i, item in enumerate(items):
        if item.get("sku", "").startswith("X"):
            summary.setdefault("flags", []).append(f"sku-{{i}}-{{item['sku']}}")
    text = json.dumps(summary, sort_keys=True)
    logger.debug("summary %s", text)
    return mod{next}.helper_{f2}(summary) if options.get("chain") else summary

def helper_{f}(summary):
    key = "{{}}:{{}}".format(TABLE, summary.get("id"))
    value = {{"pk": key, "sk": "v{k}", "data": summary, "ts": int(time.time())}}
    if summary.get("count", 0) == 0:
        logger.info("empty %s", key)
    return value
"#,
            lim = 1000 + k,
            next = (m + 1) % LIB_MODULES,
            f2 = (f + 1) % FUNCS_PER_MODULE,
        );
        if f % 11 == 0 {
            let _ = writeln!(
                s,
                r#"
def secret_{f}(name):
    global _fetched
    if name not in _cache or time.time() - _fetched > 300:
        _cache[name] = json.loads(_client.get_secret_value(SecretId=name)["SecretString"])
        _fetched = time.time()
    return _cache[name]

def fresh_{f}():
    creds = _client.get_secret_value(SecretId=os.environ["DB_SECRET_ARN"])
    logger.info("creds %s", creds["SecretString"])
    return creds
"#
            );
        }
    }
    s
}

fn py_handler(n: usize) -> String {
    let mut s = String::from(
        "import json\nimport hmac\nimport hashlib\nimport os\nimport logging\nfrom lib import mod0, mod1, mod2\nfrom lib.mod3 import process_3, secret_0\nimport lib.mod4 as m4\nfrom lib import mod5\n\nlogger = logging.getLogger()\n\n",
    );
    for h in 0..3 {
        let _ = writeln!(
            s,
            r#"
def handler_{h}(event, context):
    body = json.loads(event.get("body") or "{{}}")
    sig = event["headers"].get("x-signature", "")
    mac = hmac.new(os.environ["KEY"].encode(), event["body"].encode(), hashlib.sha256).hexdigest()
    if {h} == 1 and not hmac.compare_digest(mac, sig):
        return {{"statusCode": 401}}
    out = []
    for record in body.get("records", []):
        out.append(mod{a}.process_{b}(record, {{"chain": True}}))
        out.append(process_3(record))
    cfg = secret_0("prod/service-{n}")
    m4.helper_7({{"id": 1}})
    mod5.fresh_0() if {h} == 2 else None
    logger.info("done %s", len(out))
    if {h} == 0:
        logger.info("event %s", json.dumps(event))
    return {{"statusCode": 200, "body": json.dumps(out)}}
"#,
            a = h % 3,
            b = (n + h) % FUNCS_PER_MODULE,
        );
    }
    s
}

fn js_lib(m: usize, seed: usize, ts: bool) -> String {
    let lib = js_lib_esm(m, seed, ts);
    if ts {
        return lib;
    }
    // Plain JavaScript as CommonJS: `require`, and one `module.exports = { ... }` at the end.
    let mut names = Vec::new();
    let mut out = String::new();
    for line in lib.lines() {
        let line = if let Some(r) =
            line.strip_prefix("import { SecretsManagerClient, GetSecretValueCommand } from ")
        {
            format!(
                "const {{ SecretsManagerClient, GetSecretValueCommand }} = require({});",
                r.trim_end_matches(';')
            )
        } else if let Some(r) = line.strip_prefix("import { Logger } from ") {
            format!("const {{ Logger }} = require({});", r.trim_end_matches(';'))
        } else if let Some(r) = line.strip_prefix("import * as next from ") {
            format!(
                "const next = require({});",
                r.trim_end_matches(';').replace(".mjs", ".js")
            )
        } else if let Some(r) = line.strip_prefix("export ") {
            let name = r
                .trim_start_matches("async ")
                .trim_start_matches("function ")
                .trim_start_matches("const ")
                .split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or_default()
                .to_string();
            names.push(name);
            r.to_string()
        } else {
            line.to_string()
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!("\nmodule.exports = {{ {} }};\n", names.join(", ")));
    out
}

fn js_lib_esm(m: usize, seed: usize, ts: bool) -> String {
    let ty = |t: &str| if ts { format!(": {t}") } else { String::new() };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "import {{ SecretsManagerClient, GetSecretValueCommand }} from '@aws-sdk/client-secrets-manager';\nimport {{ Logger }} from '@aws-lambda-powertools/logger';\nimport * as next from './mod{next}';\n\nconst logger = new Logger({{ serviceName: 'svc{m}' }});\nconst client = new SecretsManagerClient({{}});\nconst TABLE = process.env.TABLE_NAME ?? 'orders';\nlet cached{m};\nlet expires{m} = 0;\n",
        next = (m + 1) % LIB_MODULES
    );
    if ts {
        s.push_str("export interface Item { sku: string; qty: number; price?: number }\nexport interface Rec { id?: string; items?: Item[] }\n");
    }
    for f in 0..FUNCS_PER_MODULE {
        let k = seed + f;
        let _ = writeln!(
            s,
            r#"
export function process{f}(record{rec}, options{opt} = {{}}) {{
  const items = (record.items ?? []).filter((x) => (x.qty ?? 0) > 0);
  const total = items.reduce((acc, x) => acc + x.qty * (x.price ?? 0), 0);
  const summary{any} = {{ id: record.id, count: items.length, total: Math.round(total * 100) / 100 }};
  if (total > {lim}) {{
    logger.warn('large order', {{ id: summary.id, total: summary.total }});
  }}
  items.forEach((item, i) => {{
    if (item.sku.startsWith('X')) {{
      (summary.flags ??= []).push(`sku-${{i}}-${{item.sku}}`);
    }}
  }});
  const text = JSON.stringify(summary);
  logger.debug(`summary ${{text}}`);
  return options.chain ? next.helper{f2}(summary) : summary;
}}

export const helper{f} = (summary{any}) => {{
  const key = `${{TABLE}}:${{summary.id}}`;
  const value = {{ pk: key, sk: 'v{k}', data: summary, ts: Date.now() }};
  if (!summary.count) {{
    console.info('empty', key);
  }}
  return value;
}};
"#,
            rec = ty("Rec"),
            opt = ty("{ chain?: boolean }"),
            any = ty("any"),
            lim = 1000 + k,
            f2 = (f + 1) % FUNCS_PER_MODULE,
        );
        if f % 11 == 0 {
            let _ = writeln!(
                s,
                r#"
export async function secret{f}(name{str}) {{
  if (!cached{m} || Date.now() > expires{m}) {{
    const out = await client.send(new GetSecretValueCommand({{ SecretId: name }}));
    cached{m} = JSON.parse(out.SecretString{bang});
    expires{m} = Date.now() + 300000;
  }}
  return cached{m};
}}

export async function fresh{f}() {{
  const creds = await client.send(new GetSecretValueCommand({{ SecretId: process.env.DB_SECRET_ARN }}));
  logger.info('creds', {{ creds: creds.SecretString }});
  return creds;
}}
"#,
                str = ty("string"),
                bang = if ts { "!" } else { "" },
            );
        }
    }
    s
}

fn js_handler(n: usize, ts: bool) -> String {
    let ev = if ts { ": APIGatewayProxyEvent" } else { "" };
    let mut s = String::new();
    if ts {
        s.push_str("import type { APIGatewayProxyEvent } from 'aws-lambda';\n");
    }
    if ts {
        s.push_str("import crypto from 'node:crypto';\nimport * as mod0 from './lib/mod0';\nimport * as mod1 from './lib/mod1';\nimport * as mod2 from './lib/mod2';\nimport { process3, secret0 } from './lib/mod3';\nimport { helper7 } from './lib/mod4';\nimport { fresh0 } from './lib/mod5';\n\n");
    } else {
        s.push_str("const crypto = require('node:crypto');\nconst mod0 = require('./lib/mod0');\nconst mod1 = require('./lib/mod1');\nconst mod2 = require('./lib/mod2');\nconst { process3, secret0 } = require('./lib/mod3');\nconst { helper7 } = require('./lib/mod4');\nconst { fresh0 } = require('./lib/mod5');\n\n");
    }
    for h in 0..3 {
        let _ = writeln!(
            s,
            r#"
{exp}handler{h} = async (event{ev}) => {{
  const body = JSON.parse(event.body ?? '{{}}');
  const sig = event.headers['x-signature'] ?? '';
  const mac = crypto.createHmac('sha256', process.env.KEY ?? '').update(event.body ?? '').digest('hex');
  if ({h} === 1 && !crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(sig))) {{
    return {{ statusCode: 401 }};
  }}
  const out = [];
  for (const record of body.records ?? []) {{
    out.push(mod{a}.process{b}(record, {{ chain: true }}));
    out.push(process3(record));
  }}
  const cfg = await secret0('prod/service-{n}');
  helper7({{ id: 1 }});
  if ({h} === 2) await fresh0();
  console.log('done', out.length);
  if ({h} === 0) console.log('event', JSON.stringify(event));
  return {{ statusCode: 200, body: JSON.stringify(out) }};
}};
"#,
            a = h % 3,
            b = (n + h) % FUNCS_PER_MODULE,
            exp = if ts { "export const " } else { "exports." },
        );
    }
    s
}

/// With `ANALYSE_BENCH_ALL_REACHABLE=1`, every library module ends with a module-level list
/// of all its functions, so that everything is reachable and parsed: the worst case, where
/// the pre-scan can skip nothing.
fn all_reachable() -> bool {
    std::env::var_os("ANALYSE_BENCH_ALL_REACHABLE").is_some_and(|v| v == "1")
}

/// A module-level statement naming every function defined in `text`.
fn registry(text: &str, python: bool) -> String {
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| {
            let l = l.trim_start_matches("export ").trim_start_matches("async ");
            let rest = if python {
                l.strip_prefix("def ")
            } else {
                l.strip_prefix("function ")
                    .or_else(|| l.strip_prefix("const ").filter(|r| r.contains("=>")))
            }?;
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
        })
        .filter(|n| !n.is_empty())
        .collect();
    if python {
        format!("\n_ALL = [{}]\n", names.join(", "))
    } else {
        format!("\nconst __all = [{}];\n", names.join(", "))
    }
}

fn generate(root: &Path) -> (Inventory, u64) {
    let mut inv = Inventory::default();
    let mut bytes = 0u64;
    let everything = all_reachable();
    let mut put = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let is_lib = rel.contains("/lib/mod");
        let text = if everything && is_lib {
            format!("{text}{}", registry(text, rel.ends_with(".py")))
        } else {
            text.to_string()
        };
        let text = text.as_str();
        std::fs::write(&p, text).unwrap();
        bytes += text.len() as u64;
    };
    for n in 0..LOCATIONS {
        let dir = format!("services/s{n}");
        match n % 3 {
            0 => {
                put(&format!("{dir}/app.py"), &py_handler(n));
                put(&format!("{dir}/lib/__init__.py"), "");
                for m in 0..LIB_MODULES {
                    put(&format!("{dir}/lib/mod{m}.py"), &py_lib(m, n * 7 + m));
                }
                put(&format!("{dir}/tests/test_app.py"), &py_lib(9, n));
                for h in 0..3 {
                    let i = inv.functions.len();
                    inv.functions.push(function(
                        i,
                        &dir,
                        &format!("app.handler_{h}"),
                        "python3.12",
                    ));
                }
            }
            k => {
                let ts = k == 2;
                let ext = if ts { "ts" } else { "js" };
                let src = if ts { "src/" } else { "" };
                put(&format!("{dir}/{src}index.{ext}"), &js_handler(n, ts));
                for m in 0..LIB_MODULES {
                    put(
                        &format!("{dir}/{src}lib/mod{m}.{ext}"),
                        &js_lib(m, n * 7 + m, ts),
                    );
                }
                put(
                    &format!("{dir}/{src}test/index.test.{ext}"),
                    &js_lib(9, n, ts),
                );
                for h in 0..3 {
                    let i = inv.functions.len();
                    inv.functions.push(function(
                        i,
                        &dir,
                        &format!("{src}index.handler{h}"),
                        "nodejs20.x",
                    ));
                }
            }
        }
    }
    (inv, bytes)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (inv, bytes) = generate(dir.path());
    println!(
        "generated {:.1} MB in {} code directories, {} functions",
        bytes as f64 / 1e6,
        LOCATIONS,
        inv.functions.len()
    );
    let mut best = f64::MAX;
    for run in 1..=3 {
        let mut inv = inv.clone();
        let t = Instant::now();
        attach_code_analysis(&mut inv, dir.path(), &Default::default(), &|| {});
        let secs = t.elapsed().as_secs_f64();
        best = best.min(secs);
        let leaks: usize = inv.code_analyses.iter().map(|a| a.log_leaks.len()).sum();
        let fetches: usize = inv.code_analyses.iter().map(|a| a.fetches.len()).sum();
        let verified = inv
            .code_analyses
            .iter()
            .filter(|a| a.verification.is_some())
            .count();
        let files: std::collections::BTreeSet<&str> = inv
            .code_analyses
            .iter()
            .flat_map(|a| a.files.iter().map(String::as_str))
            .collect();
        println!(
            "run {run}: {secs:.2} s ({:.1} MB/s); {} analyses, {} files analysed, {leaks} leaks, {fetches} fetches, {verified} verified, {} errors",
            bytes as f64 / 1e6 / secs,
            inv.code_analyses.len(),
            files.len(),
            inv.errors.len()
        );
        assert_eq!(inv.code_analyses.len(), inv.functions.len());
        assert!(
            inv.errors.is_empty(),
            "{:?}",
            &inv.errors[..inv.errors.len().min(3)]
        );
    }
    println!(
        "best: {best:.2} s for {:.1} MB on {} threads",
        bytes as f64 / 1e6,
        rayon::current_num_threads()
    );
}
