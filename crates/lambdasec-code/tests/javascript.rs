mod common;
use common::*;
use lambdasec_model::{FetchCaching::*, FetchService, LeakKind::*};

const NODE: Option<&str> = Some("nodejs20.x");

#[test]
fn sdk_v3_alias_destructuring_template_literal() {
    let src = r#"const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const client = new SecretsManagerClient({});

exports.handler = async (event, context) => {
  const { headers, body } = event;
  const out = await client.send(new GetSecretValueCommand({ SecretId: process.env.DB_SECRET }));
  const creds = JSON.parse(out.SecretString);
  const s = creds;
  console.log(`connecting with ${s.password}`);
  console.info('auth', headers.Authorization);
  console.info('ua', headers['User-Agent']);
  console.debug('body', body);
  const parsed = JSON.parse(body);
  console.log('order', parsed.orderId, event.requestContext.requestId);
  return { statusCode: 200 };
};
"#;
    let a = one(&[("index.js", src)], "index.handler", NODE);
    assert_eq!(
        leaks(&a),
        vec![(9, Secret), (10, AuthorizationHeader), (12, WholeEvent)],
        "{}",
        dump(&a)
    );
    assert_eq!(fetches(&a), vec![(6, PerInvocation)]);
    let f = &a.fetches[0];
    assert_eq!(f.api, "GetSecretValueCommand");
    assert_eq!(f.name_env.as_deref(), Some("DB_SECRET"));
    assert_eq!(a.language, lambdasec_model::CodeLanguage::JavaScript);
}

#[test]
fn environment_and_loggers() {
    let src = r#"import pino from 'pino';
import winston from 'winston';
const logger = pino();
const wlog = winston.createLogger({ level: 'info' });

export const handler = async (event) => {
  console.log(process.env);
  logger.info({ env: { ...process.env } });
  wlog.warn(JSON.stringify(event));
  logger.info(process.env.TABLE_NAME);
  process.stdout.write(JSON.stringify(event.headers) + '\n');
  const log = console;
  log.error('x', event.headers?.authorization);
  return {};
};
"#;
    let a = one(&[("index.mjs", src)], "index.handler", NODE);
    assert_eq!(
        leaks(&a),
        vec![
            (7, Environment),
            (8, Environment),
            (9, WholeEvent),
            (11, WholeEvent),
            (13, AuthorizationHeader)
        ],
        "{}",
        dump(&a)
    );
}

#[test]
fn imported_helper_relative_paths() {
    let index = r#"const { audit } = require('./lib/audit');
import { getConfig } from './lib/config.js';
const util = require('./lib');

module.exports.handler = async (event) => {
  audit(event);
  util.dump(event.headers);
  const cfg = await getConfig();
  return cfg;
};
"#;
    let audit = r#"const log = require('./log');
function audit(e) { log.write(e); }
module.exports = { audit };
"#;
    let log = "module.exports.write = (x) => console.log('audit', x);\n";
    let lib = "exports.dump = function (h) { console.warn(h['x-api-key']); };\n";
    let config = r#"import { SSMClient, GetParameterCommand } from '@aws-sdk/client-ssm';
const ssm = new SSMClient({});
let cached;
export async function getConfig() {
  if (!cached) {
    const r = await ssm.send(new GetParameterCommand({ Name: '/app/config', WithDecryption: true }));
    cached = r.Parameter.Value;
  }
  return cached;
}
"#;
    let a = one(
        &[
            ("index.js", index),
            ("lib/audit.js", audit),
            ("lib/log.js", log),
            ("lib/index.js", lib),
            ("lib/config.js", config),
            ("node_modules/x/index.js", "console.log(process.env)"),
        ],
        "index.handler",
        NODE,
    );
    let got = leaks_in_files(&a);
    assert_eq!(
        got,
        vec![
            ("lib/index.js".into(), 1, AuthorizationHeader),
            ("lib/log.js".into(), 1, WholeEvent),
        ],
        "{}",
        dump(&a)
    );
    assert_eq!(fetches(&a), vec![(6, Forever)], "{}", dump(&a));
    assert_eq!(a.fetches[0].name.as_deref(), Some("/app/config"));
    assert_eq!(a.fetches[0].service, FetchService::ParameterStore);
}

#[test]
fn handler_forms() {
    let forms = [
        "exports.handler = async function (event) { console.log(event); };",
        "module.exports.handler = (event) => { console.log(event); };",
        "const h = async (event) => { console.log(event); };\nmodule.exports = { handler: h };",
        "async function handler(event) { console.log(event); }\nmodule.exports = { handler };",
        "export async function handler(event) { console.log(event); }",
        "export const handler = async (event) => { console.log(event); };",
        "const impl = async (event) => { console.log(event); };\nexport { impl as handler };",
    ];
    for f in forms {
        let a = one(&[("index.js", f)], "index.handler", None);
        assert_eq!(leaks(&a).len(), 1, "{f}\n{}", dump(&a));
    }
    // `export default` is not a handler named `handler`.
    let r = run(
        &[(
            "index.js",
            "export default async (event) => { console.log(event); };",
        )],
        "index.handler",
        NODE,
    );
    assert!(r.analyses.is_empty());
    // Extension order: index.js before index.mjs.
    let a = one(
        &[
            ("src/index.mjs", "export const handler = (e) => 1;"),
            (
                "src/index.js",
                "exports.handler = (e) => { console.log(e); };",
            ),
        ],
        "src/index.handler",
        NODE,
    );
    assert_eq!(a.handler.file.as_deref(), Some("src/index.js"));
}

#[test]
fn verification_js() {
    let cases = [
        (
            "const crypto = require('crypto');\nexports.handler = async (event) => {\n  const sig = crypto.createHmac('sha256', process.env.S).update(event.body).digest('hex');\n  if (!crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(event.headers['x-signature']))) return { statusCode: 401 };\n};",
            "crypto.timingSafeEqual",
            4,
        ),
        (
            "const stripe = require('stripe')(process.env.KEY);\nexports.handler = async (event) => {\n  const e = stripe.webhooks.constructEvent(event.body, event.headers['stripe-signature'], process.env.WH);\n};",
            "stripe.webhooks.constructEvent",
            3,
        ),
        (
            "import { Webhooks } from '@octokit/webhooks';\nconst webhooks = new Webhooks({ secret: process.env.S });\nexport const handler = async (event) => {\n  await webhooks.verify(event.body, event.headers['x-hub-signature-256']);\n};",
            "webhooks.verify",
            4,
        ),
        (
            "import { verify } from '@octokit/webhooks-methods';\nexport const handler = async (event) => {\n  if (!(await verify(process.env.S, event.body, event.headers['x-hub-signature-256']))) return { statusCode: 401 };\n};",
            "@octokit/webhooks-methods verify",
            3,
        ),
        (
            "import { Webhook } from 'svix';\nexport const handler = async (event) => {\n  const wh = new Webhook(process.env.S);\n  wh.verify(event.body, event.headers);\n};",
            "Webhook.verify",
            4,
        ),
        (
            "const { App, AwsLambdaReceiver } = require('@slack/bolt');\nconst receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET });\nconst app = new App({ token: process.env.T, receiver });\nmodule.exports.handler = async (event, context, callback) => {\n  const h = await receiver.start();\n  return h(event, context, callback);\n};",
            "@slack/bolt AwsLambdaReceiver (signingSecret)",
            2,
        ),
    ];
    for (src, how, line) in cases {
        let a = one(&[("index.js", src)], "index.handler", NODE);
        let v = a
            .verification
            .as_ref()
            .unwrap_or_else(|| panic!("{src}\n{}", dump(&a)));
        assert_eq!((v.how.as_str(), v.loc.line), (how, line), "{src}");
    }
    let a = one(
        &[("index.js", "exports.handler = async (event) => {\n  const body = JSON.parse(event.body);\n  return { statusCode: body.ok ? 200 : 400 };\n};")],
        "index.handler",
        NODE,
    );
    assert!(a.verification.is_none());
}

#[test]
fn sdk_v2_and_caching_js() {
    let src = r#"const AWS = require('aws-sdk');
const sm = new AWS.SecretsManager();
const ssm = new AWS.SSM();
const initSecret = sm.getSecretValue({ SecretId: 'prod/init' }).promise();
let token;
let expires = 0;

async function getToken() {
  if (!token || Date.now() > expires) {
    const r = await ssm.getParameter({ Name: '/app/token', WithDecryption: true }).promise();
    token = r.Parameter.Value;
    expires = Date.now() + 60000;
  }
  return token;
}

exports.handler = async (event) => {
  const t = await getToken();
  const s = await sm.getSecretValue({ SecretId: process.env['EVERY'] }).promise();
  const ext = await fetch(`http://localhost:2773/systemsmanager/parameters/get?name=%2Fapp%2Fext&withDecryption=true`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN },
  });
  s.then((v) => console.log(v.SecretString));
  return t;
};
"#;
    let a = one(&[("index.js", src)], "index.handler", NODE);
    let got: Vec<_> = a
        .fetches
        .iter()
        .map(|f| (f.loc.line, f.caching, f.name.clone(), f.name_env.clone()))
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        got,
        vec![
            (4, Forever, s("prod/init"), None),
            (10, Refreshed, s("/app/token"), None),
            (19, PerInvocation, None, s("EVERY")),
            (20, Refreshed, s("/app/ext"), None),
        ],
        "{}",
        dump(&a)
    );
    assert_eq!(leaks(&a), vec![(23, Secret)], "{}", dump(&a));
}

#[test]
fn dynamic_import_spread_env_and_memo() {
    let index = r#"let cfg;
export const handler = async (event) => {
  const { dump } = await import('./dump.mjs');
  dump(Object.assign({}, process.env));
  cfg = cfg ?? (await getCfg());
  cfg ||= await getCfg();
  return cfg;
};
async function getCfg() {
  const r = await fetch('http://127.0.0.1:2773/secretsmanager/get?secretId=prod%2Fcfg', { headers: {} });
  return r.json();
}
"#;
    let dump = "import bunyan from 'bunyan';\nconst log = bunyan.createLogger({ name: 'x' });\nexport function dump(x) { log.info({ x }); console.dir(x); }\n";
    let a = one(
        &[("index.mjs", index), ("dump.mjs", dump)],
        "index.handler",
        NODE,
    );
    assert_eq!(
        leaks(&a),
        vec![(3, Environment), (3, Environment)],
        "{}",
        dump_a(&a)
    );
    // Memoised in a module variable: never refreshed, whatever the extension caches.
    assert_eq!(fetches(&a), vec![(10, Forever)], "{}", dump_a(&a));
    assert_eq!(a.fetches[0].name.as_deref(), Some("prod/cfg"));
    assert_eq!(a.fetches[0].service, FetchService::SecretsManager);
}

fn dump_a(a: &lambdasec_model::CodeAnalysis) -> String {
    dump(a)
}
