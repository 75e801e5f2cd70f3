mod common;
use common::*;
use lambdasec_model::{FetchCaching::*, FetchService, LeakKind::*};

const PY: Option<&str> = Some("python3.12");

#[test]
fn aliasing_secret_to_logger() {
    let src = r#"import json
import logging
import os
import boto3

logger = logging.getLogger(__name__)
client = boto3.client("secretsmanager")

def handler(event, context):
    s = client.get_secret_value(SecretId=os.environ["DB_SECRET_ARN"])
    creds = json.loads(s["SecretString"])
    log = logger
    log.info(creds["password"])
    logger.info("request %s", event["requestContext"]["requestId"])
    return {"statusCode": 200}
"#;
    let a = one(&[("app.py", src)], "app.handler", PY);
    assert_eq!(leaks(&a), vec![(13, Secret)], "{}", dump(&a));
    assert_eq!(fetches(&a), vec![(10, PerInvocation)]);
    let f = &a.fetches[0];
    assert_eq!(f.service, FetchService::SecretsManager);
    assert_eq!(f.name_env.as_deref(), Some("DB_SECRET_ARN"));
    assert_eq!(f.api, "client.get_secret_value");
    assert_eq!(a.handler.line, 9);
    assert!(
        a.log_leaks[0].via.contains("get_secret_value"),
        "{}",
        a.log_leaks[0].via
    );
}

#[test]
fn event_sources_and_safe_fields() {
    let src = r#"import json
import os
from aws_lambda_powertools import Logger

logger = Logger(service="orders")

def handler(event, context):
    print(event)
    logger.info(event["headers"])
    logger.debug(event["headers"]["Authorization"])
    token = event.get("headers", {}).get("authorization", "")
    logger.info(f"token {token}")
    body = json.loads(event["body"])
    logger.info("user %s", body["user"])
    logger.info("id", extra={"request_id": event["requestContext"]["requestId"]})
    print(os.environ)
    print(dict(os.environ))
    logger.info(os.environ["TABLE"])
    logger.info("table %s", os.environ.get("TABLE"))
    logger.warning("cfg", extra={"env": os.environ.copy()})
    logger.info("body %s", body)
    return {"statusCode": 200}
"#;
    let a = one(&[("app.py", src)], "app.handler", PY);
    assert_eq!(
        leaks(&a),
        vec![
            (8, WholeEvent),
            (9, WholeEvent),
            (10, AuthorizationHeader),
            (12, AuthorizationHeader),
            (16, Environment),
            (17, Environment),
            (20, Environment),
            (21, WholeEvent),
        ],
        "{}",
        dump(&a)
    );
    assert_eq!(a.log_leaks[0].sink, "print");
    assert_eq!(a.log_leaks[0].via, "event");
    assert_eq!(a.log_leaks[2].via, "event[\"headers\"][\"Authorization\"]");
}

#[test]
fn only_safe_fields_logged() {
    let src = r#"import json
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)

def lambda_handler(event, context):
    body = json.loads(event.get("body") or "{}")
    order_id = body.get("order_id")
    logger.info("processing order %s for %s", order_id, event["requestContext"]["requestId"])
    logging.info("path=%s method=%s", event.get("path"), event.get("httpMethod"))
    return {"statusCode": 200, "body": json.dumps({"ok": True})}
"#;
    let a = one(&[("handler.py", src)], "handler.lambda_handler", PY);
    assert!(a.log_leaks.is_empty(), "{}", dump(&a));
    assert!(a.fetches.is_empty());
    assert!(a.verification.is_none());
}

#[test]
fn fstrings_format_percent_and_containers() {
    let src = r#"import logging, json
import boto3
log = logging.getLogger(__name__)
ssm = boto3.client("ssm")

def handler(event, context):
    p = ssm.get_parameter(Name="/app/api-key", WithDecryption=True)["Parameter"]["Value"]
    log.info(f"key={p}")
    log.info("key=%s" % p)
    log.info("key={}".format(p))
    log.info("key=" + p)
    log.info(json.dumps({"k": [p]}))
    log.error("failed", extra={"ctx": {"key": p}})
    d = {"a": 1, "b": p}
    log.info(d["a"])
    log.info(d)
    return p
"#;
    let a = one(&[("app.py", src)], "app.handler", PY);
    assert_eq!(
        leaks(&a),
        vec![
            (8, Secret),
            (9, Secret),
            (10, Secret),
            (11, Secret),
            (12, Secret),
            (13, Secret),
            (16, Secret)
        ],
        "{}",
        dump(&a)
    );
    assert_eq!(a.fetches[0].name.as_deref(), Some("/app/api-key"));
    assert_eq!(a.fetches[0].service, FetchService::ParameterStore);
}

#[test]
fn leak_in_imported_helper() {
    let app = r#"from lib.util import audit
from . import other
import lib.helpers as h

def handler(event, context):
    audit(event)
    h.trace(event["headers"])
    return {}
"#;
    let util = r#"import logging
logger = logging.getLogger(__name__)

def audit(evt):
    logger.info("event: %s", evt)
"#;
    let helpers = r#"def trace(headers):
    print("auth", headers.get("Authorization"))
"#;
    let a = one(
        &[
            ("app.py", app),
            ("lib/__init__.py", ""),
            ("lib/util.py", util),
            ("lib/helpers.py", helpers),
        ],
        "app.handler",
        PY,
    );
    let got = leaks_in_files(&a);
    assert_eq!(
        got,
        vec![
            ("lib/helpers.py".to_string(), 2, AuthorizationHeader),
            ("lib/util.py".to_string(), 5, WholeEvent),
        ],
        "{}",
        dump(&a)
    );
    assert!(
        a.files.contains(&"lib/util.py".to_string()),
        "{:?}",
        a.files
    );
}

#[test]
fn dotted_handler_and_subdirectory() {
    let m = "def main(event, context):\n    print(event)\n";
    let a = one(
        &[("pkg/mod.py", m), ("pkg/__init__.py", "")],
        "pkg.mod.main",
        PY,
    );
    assert_eq!(leaks(&a), vec![(2, WholeEvent)]);
    let a = one(&[("src/handlers/app.py", m)], "src/handlers/app.main", None);
    assert_eq!(a.handler.file.as_deref(), Some("src/handlers/app.py"));
    assert_eq!(a.language, lambdasec_model::CodeLanguage::Python);
}

#[test]
fn missing_handler_gives_nothing() {
    let r = run(
        &[("app.py", "def other(event, ctx):\n    print(event)\n")],
        "app.handler",
        PY,
    );
    assert!(r.analyses.is_empty() && r.errors.is_empty());
    let r = run(&[("app.py", "x = 1\n")], "missing.handler", PY);
    assert!(r.analyses.is_empty() && r.errors.is_empty());
    // A Node runtime never reads Python files.
    let r = run(
        &[("app.py", "def handler(e, c):\n    print(e)\n")],
        "app.handler",
        Some("nodejs20.x"),
    );
    assert!(r.analyses.is_empty());
    let r = run(
        &[("app.py", "def handler(e, c):\n    print(e)\n")],
        "app.handler",
        Some("java21"),
    );
    assert!(r.analyses.is_empty());
}

#[test]
fn decorators_and_wrapped_handlers() {
    let src = r#"from aws_lambda_powertools import Logger, Tracer
logger = Logger()
tracer = Tracer()

@logger.inject_lambda_context(log_event=True)
@tracer.capture_lambda_handler
def handler(event, context):
    return {"statusCode": 200}

def _impl(event, context):
    logger.info(event)

wrapped = some_decorator(_impl)
"#;
    let a = one(&[("app.py", src)], "app.handler", PY);
    assert_eq!(leaks(&a), vec![(5, WholeEvent)], "{}", dump(&a));
    assert!(a.log_leaks[0].sink.contains("inject_lambda_context"));
    let a = one(&[("app.py", src)], "app.wrapped", PY);
    assert!(leaks(&a).contains(&(11, WholeEvent)), "{}", dump(&a));
    assert_eq!(a.handler.line, 10);
}

#[test]
fn verification_found_and_absent() {
    let verified = r#"import hmac, hashlib, os, json

SECRET = os.environ["WEBHOOK_SECRET"].encode()

def _verify(body, signature):
    expected = hmac.new(SECRET, body.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)

def handler(event, context):
    if not _verify(event["body"], event["headers"].get("x-hub-signature-256", "")):
        return {"statusCode": 401}
    return {"statusCode": 200}
"#;
    let a = one(&[("app.py", verified)], "app.handler", PY);
    let v = a.verification.as_ref().expect("verification");
    assert_eq!((v.loc.line, v.how.as_str()), (7, "hmac.compare_digest"));

    let stripe = r#"import stripe, os
def handler(event, context):
    e = stripe.Webhook.construct_event(event["body"], event["headers"]["Stripe-Signature"], os.environ["WH"])
    return {"statusCode": 200}
"#;
    let a = one(&[("app.py", stripe)], "app.handler", PY);
    assert_eq!(
        a.verification.unwrap().how,
        "stripe.Webhook.construct_event"
    );

    let svix = r#"from svix.webhooks import Webhook
import os
wh = Webhook(os.environ["SVIX_SECRET"])
def handler(event, context):
    msg = wh.verify(event["body"], event["headers"])
    return {"statusCode": 204}
"#;
    let a = one(&[("app.py", svix)], "app.handler", PY);
    assert_eq!(a.verification.unwrap().how, "Webhook.verify");

    let slack = r#"from slack_sdk.signature import SignatureVerifier
verifier = SignatureVerifier(signing_secret="x")
def handler(event, context):
    if not verifier.is_valid_request(event["body"], event["headers"]):
        return {"statusCode": 403}
"#;
    let a = one(&[("app.py", slack)], "app.handler", PY);
    assert_eq!(
        a.verification.unwrap().how,
        "SignatureVerifier.is_valid_request"
    );

    let unverified = r#"import json
def handler(event, context):
    payload = json.loads(event["body"])
    if payload.get("signature") == "x":
        return {"statusCode": 200}
    return {"statusCode": 400}

def unused(a, b):
    import hmac
    return hmac.compare_digest(a, b)
"#;
    let a = one(&[("app.py", unverified)], "app.handler", PY);
    assert!(a.verification.is_none(), "{}", dump(&a));
}

#[test]
fn fetch_caching() {
    let src = r#"import os, time, functools
import boto3
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import get_secret
from aws_secretsmanager_caching import SecretCache
from cachetools import cached, TTLCache
import urllib3

sm = boto3.client("secretsmanager")
CONFIG = sm.get_secret_value(SecretId="prod/config")
_secret = None
_fetched = 0
_cache = {}
cache = SecretCache()
http = urllib3.PoolManager()

def once():
    global _secret
    if _secret is None:
        _secret = sm.get_secret_value(SecretId="prod/once")["SecretString"]
    return _secret

def ttl():
    global _secret, _fetched
    if _secret is None or time.time() - _fetched > 300:
        _secret = sm.get_secret_value(SecretId="prod/ttl")["SecretString"]
        _fetched = time.time()
    return _secret

def by_key(name):
    if name in _cache:
        return _cache[name]
    v = sm.get_secret_value(SecretId=name)
    _cache[name] = v
    return v

@functools.lru_cache(maxsize=None)
def lru():
    return sm.get_secret_value(SecretId="prod/lru")

@cached(cache=TTLCache(maxsize=1, ttl=600))
def ttl_cached():
    return sm.get_secret_value(SecretId="prod/ttlcache")

def handler(event, context):
    once()
    ttl()
    by_key("prod/key")
    lru()
    ttl_cached()
    every = sm.get_secret_value(SecretId=os.environ["EVERY_ARN"])
    p = parameters.get_parameter("/app/p")
    s = get_secret("prod/pt", max_age=0)
    f = parameters.get_secret("prod/forced", force_fetch=True)
    c = cache.get_secret_string("prod/cache")
    url = f"http://localhost:2773/secretsmanager/get?secretId={os.environ['EXT_ID']}"
    r = http.request("GET", url, headers={"X-Aws-Parameters-Secrets-Token": os.environ["AWS_SESSION_TOKEN"]})
    return {}
"#;
    let a = one(&[("app.py", src)], "app.handler", PY);
    let got: Vec<_> = a
        .fetches
        .iter()
        .map(|f| (f.loc.line, f.caching, f.name.clone(), f.name_env.clone()))
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        got,
        vec![
            (10, Forever, s("prod/config"), None),
            (20, Forever, s("prod/once"), None),
            (26, Refreshed, s("prod/ttl"), None),
            (33, Forever, s("prod/key"), None),
            (39, Forever, s("prod/lru"), None),
            (43, Refreshed, s("prod/ttlcache"), None),
            (51, PerInvocation, None, s("EVERY_ARN")),
            (52, Refreshed, s("/app/p"), None),
            (53, PerInvocation, s("prod/pt"), None),
            (54, PerInvocation, s("prod/forced"), None),
            (55, Refreshed, s("prod/cache"), None),
            (57, Refreshed, None, s("EXT_ID")),
        ],
        "{}",
        dump(&a)
    );
    assert_eq!(a.fetches[7].service, FetchService::ParameterStore);
}

#[test]
fn environment_via_variable_and_loop() {
    let src = r#"import os
SECRET_ARN = os.environ.get("SECRET_ARN")
import boto3
client = boto3.client("secretsmanager")

def handler(event, context):
    for k, v in os.environ.items():
        print(k, v)
    env = os.environ
    print("env", env)
    value = client.get_secret_value(SecretId=SECRET_ARN)
    return {}
"#;
    let a = one(&[("app.py", src)], "app.handler", PY);
    assert_eq!(
        leaks(&a),
        vec![(8, Environment), (10, Environment)],
        "{}",
        dump(&a)
    );
    assert_eq!(a.fetches[0].name_env.as_deref(), Some("SECRET_ARN"));
}

#[test]
fn methods_and_classes() {
    let src = r#"import logging
import boto3

class Service:
    def __init__(self):
        self.logger = logging.getLogger("svc")
        self.client = boto3.client("ssm")

    def load(self):
        return self.client.get_parameter(Name="/svc/token")["Parameter"]["Value"]

    def handle(self, event):
        token = self.load()
        self.logger.info("token=%s", token)
        self.logger.info("event=%s", event)

svc = Service()

def handler(event, context):
    return svc.handle(event)
"#;
    let a = one(&[("app.py", src)], "app.handler", PY);
    assert_eq!(
        leaks(&a),
        vec![(14, Secret), (15, WholeEvent)],
        "{}",
        dump(&a)
    );
    assert_eq!(fetches(&a), vec![(10, PerInvocation)]);
}

#[test]
fn other_sinks_and_memo_forms() {
    let src = r#"import sys, os, json
import structlog
from loguru import logger as lg
from functools import cache
import boto3

slog = structlog.get_logger()
ssm = boto3.client("ssm")
_token = None

@cache
def settings():
    return ssm.get_parameters_by_path(Path="/app/", Recursive=True)

def token():
    global _token
    _token = _token or ssm.get_parameter(Name="/app/token")["Parameter"]["Value"]
    return _token

def handler(event, context):
    sys.stdout.write(json.dumps(event) + "\n")
    lg.info("env {}", os.environ)
    slog.info("call", headers=event["headers"])
    LOG = None
    settings()
    t = token()
    lg.exception(t)
    return {}
"#;
    let a = one(&[("app.py", src)], "app.handler", PY);
    assert_eq!(
        leaks(&a),
        vec![
            (21, WholeEvent),
            (22, Environment),
            (23, WholeEvent),
            (27, Secret)
        ],
        "{}",
        dump(&a)
    );
    assert_eq!(
        fetches(&a),
        vec![(13, Forever), (17, Forever)],
        "{}",
        dump(&a)
    );
    assert_eq!(a.fetches[0].name.as_deref(), Some("/app/"));
}

#[test]
fn import_cycles_and_depth_bound() {
    // a <-> b cycle; then a chain of 30 modules: only 16 levels are followed.
    let a = "import b\nfrom c0 import f\n\ndef handler(event, context):\n    b.g(event)\n    f(event)\n";
    let b = "import app\n\ndef g(e):\n    print(e)\n";
    let mut files: Vec<(String, String)> =
        vec![("app.py".into(), a.into()), ("b.py".into(), b.into())];
    for i in 0..30 {
        files.push((
            format!("c{i}.py"),
            format!(
                "from c{} import f as nxt\n\ndef f(e):\n    print(e)\n    nxt(e)\n",
                i + 1
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let r = one(&refs, "app.handler", PY);
    assert!(r.files.len() <= 2 + 16, "{:?}", r.files);
    assert!(r.files.contains(&"b.py".to_string()));
    let lines: Vec<_> = r
        .log_leaks
        .iter()
        .map(|l| l.loc.file.as_deref().unwrap().to_string())
        .collect();
    assert!(
        lines.contains(&"b.py".to_string()) && lines.contains(&"c0.py".to_string()),
        "{lines:?}"
    );
}

#[test]
fn slack_bolt_and_powertools_resolver_routes() {
    let src = r#"import os
from slack_bolt import App
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools import Logger

logger = Logger()
app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"], process_before_response=True)
api = APIGatewayRestResolver()

@api.get("/todos")
def todos():
    logger.info(api.current_event.headers)
    return []

def handler(event, context):
    return api.resolve(event, context)
"#;
    let a = one(&[("app.py", src)], "app.handler", PY);
    assert_eq!(
        a.verification.as_ref().unwrap().how,
        "slack_bolt App(signing_secret)"
    );
    assert_eq!(leaks(&a), vec![(12, WholeEvent)], "{}", dump(&a));
}
