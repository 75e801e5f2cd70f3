//! What the analysis knows about libraries: logging sinks, secret and parameter fetches,
//! request-signature verifiers, constructors worth tracking, and calls that pass a value
//! through (string conversion, JSON, copies).

use crate::ir::{Call, Expr, Lang, Module};
use crate::value::{FetchInfo, Tag, V};
use lambdasec_model::{FetchCaching, FetchService};
use std::rc::Rc;

/// Request headers that carry credentials (lower case).
pub const AUTH_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "cookie",
    "set-cookie",
    "x-auth-token",
    "x-access-token",
    "x-amz-security-token",
];

/// Decorator methods of request routers (Powertools resolvers, Chalice, Flask-style):
/// the decorated function runs per request.
pub const ROUTE_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "route",
    "head",
    "options",
    "resolver",
    "api_route",
];

/// Methods that call their callback with each element.
pub const ITERATION_METHODS: &[&str] = &[
    "map", "forEach", "filter", "find", "findLast", "some", "every", "flatMap", "reduce",
];

const PY_LEVELS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
    "msg",
    "trace",
    "success",
];
const JS_LEVELS: &[&str] = &[
    "log", "info", "warn", "error", "debug", "trace", "fatal", "verbose", "silly", "critical",
];
const CONSOLE: &[&str] = &[
    "log", "info", "warn", "error", "debug", "trace", "dir", "table",
];

/// AWS SDK v3 commands that read a secret or parameter.
const COMMANDS: &[(&str, FetchService)] = &[
    ("GetSecretValueCommand", FetchService::SecretsManager),
    ("BatchGetSecretValueCommand", FetchService::SecretsManager),
    ("GetParameterCommand", FetchService::ParameterStore),
    ("GetParametersCommand", FetchService::ParameterStore),
    ("GetParametersByPathCommand", FetchService::ParameterStore),
];

const CLOCKS: &[&str] = &[
    "time.time",
    "time.monotonic",
    "time.perf_counter",
    "time.time_ns",
    "time.monotonic_ns",
    "datetime.now",
    "datetime.utcnow",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "Date.now",
    "Date",
    "performance.now",
    "process.hrtime",
    "process.hrtime.bigint",
];

/// A call, as the tables see it.
pub struct CallCx<'a> {
    pub lang: Lang,
    /// The callee's path when it is outside the analysed code (`logging.info`,
    /// `crypto.timingSafeEqual`, `print`).
    pub ext: Option<&'a str>,
    /// The method name of `recv.method(...)`.
    pub method: Option<&'a str>,
    pub recv: Option<&'a V>,
    pub recv_text: &'a str,
    pub callee_text: &'a str,
    pub args: &'a [V],
    pub call: &'a Call,
}

fn last(p: &str) -> &str {
    p.rsplit('.').next().unwrap_or(p)
}

/// Source text of an expression, for names, attributes, subscripts and calls.
pub fn expr_text<'m>(m: &'m Module, e: &Expr) -> &'m str {
    match e {
        Expr::Name(_, s) | Expr::Attr(_, _, s) | Expr::Index(_, _, s) => m.text(*s),
        Expr::Call(c) => m.text(c.span),
        _ => "",
    }
}

fn is_true(e: &Expr) -> bool {
    matches!(e, Expr::Const(c) if &**c == "True" || &**c == "true")
}

fn is_zero(e: &Expr) -> bool {
    matches!(e, Expr::Const(c) if c.trim() == "0")
}

/// The value of property `key` of an object literal argument.
fn prop<'e>(e: &'e Expr, key: &str) -> Option<&'e Expr> {
    match e {
        Expr::Object(ps) => ps
            .iter()
            .find(|p| p.key.as_deref() == Some(key))
            .map(|p| &p.value),
        _ => None,
    }
}

/// A receiver named like a logger: `log`, `logger`, `LOG`, `self.logger`, `app_logger`.
fn looks_like_logger(text: &str) -> bool {
    let l = last(text).trim_matches('_').to_ascii_lowercase();
    l == "log"
        || l == "logger"
        || l == "logging"
        || l.ends_with("logger")
        || l.ends_with("_log")
        || l == "console"
}

/// A logging call (print, logging, loggers, console, stdout).
pub fn is_sink(cx: &CallCx) -> bool {
    let py = cx.lang == Lang::Python;
    if let Some(p) = cx.ext {
        let dots = p.matches('.').count();
        if py {
            if matches!(
                p,
                "print" | "builtins.print" | "pprint.pprint" | "pprint.pp" | "pprint"
            ) || matches!(
                p,
                "sys.stdout.write" | "sys.stderr.write" | "sys.stdout.writelines"
            ) || (p.starts_with("logging.") && dots == 1 && PY_LEVELS.contains(&last(p)))
            {
                return true;
            }
        } else if (p.starts_with("console.") && dots == 1 && CONSOLE.contains(&last(p)))
            || matches!(p, "process.stdout.write" | "process.stderr.write")
        {
            return true;
        }
    }
    if let (Some(m), Some(r)) = (cx.method, cx.recv) {
        let levels = if py { PY_LEVELS } else { JS_LEVELS };
        if !levels.contains(&m) {
            return false;
        }
        if r.has_tag(|t| matches!(t, Tag::Logger)) {
            return true;
        }
        if r.is_local() || r.is_tainted() {
            return false;
        }
        // By name, as written or as imported (`from loguru import logger as lg`).
        return looks_like_logger(cx.recv_text) || r.ext().is_some_and(looks_like_logger);
    }
    false
}

/// Powertools logger options that log the whole event: Python
/// `@logger.inject_lambda_context(log_event=True)`, TypeScript
/// `injectLambdaContext(logger, { logEvent: true })` / `@logger.injectLambdaContext({ logEvent: true })`.
pub fn logs_event(cx: &CallCx) -> bool {
    let name = cx.method.or(cx.ext.map(last));
    match name {
        Some("inject_lambda_context") => cx
            .call
            .args
            .iter()
            .any(|a| a.kw.as_deref() == Some("log_event") && is_true(&a.value)),
        Some("injectLambdaContext") => cx
            .call
            .args
            .iter()
            .any(|a| prop(&a.value, "logEvent").is_some_and(is_true)),
        _ => false,
    }
}

/// A request-signature verification: what verifies.
pub fn verifier(cx: &CallCx) -> Option<String> {
    let py = cx.lang == Lang::Python;
    let recv_is = |f: fn(&Tag) -> bool| cx.recv.is_some_and(|r| r.has_tag(f));
    if let Some(p) = cx.ext {
        let l = last(p);
        if py {
            if l == "compare_digest" {
                return Some(if p.starts_with("secrets") {
                    "secrets.compare_digest".into()
                } else {
                    "hmac.compare_digest".into()
                });
            }
            if matches!(
                l,
                "verify_signature"
                    | "verify_webhook"
                    | "verify_webhook_signature"
                    | "validate_signature"
            ) && cx.method.is_none()
            {
                return Some(l.to_string());
            }
            if l == "App"
                && cx
                    .call
                    .args
                    .iter()
                    .any(|a| a.kw.as_deref() == Some("signing_secret"))
            {
                return Some("slack_bolt App(signing_secret)".into());
            }
        } else {
            if l == "timingSafeEqual" {
                return Some("crypto.timingSafeEqual".into());
            }
            if p == "@octokit/webhooks-methods.verify" {
                return Some("@octokit/webhooks-methods verify".into());
            }
            if matches!(l, "isValidSlackRequest" | "verifySlackRequest") {
                return Some(l.to_string());
            }
            if matches!(l, "App" | "AwsLambdaReceiver" | "ExpressReceiver")
                && cx.call.new
                && cx
                    .call
                    .args
                    .first()
                    .is_some_and(|a| prop(&a.value, "signingSecret").is_some())
            {
                return Some(format!("@slack/bolt {l} (signingSecret)"));
            }
        }
    }
    let m = cx.method?;
    let rt = cx.recv_text;
    if py {
        match m {
            "construct_event" => return Some("stripe.Webhook.construct_event".into()),
            "verify" if recv_is(|t| matches!(t, Tag::Webhook)) => {
                return Some("Webhook.verify".into())
            }
            "is_valid" | "is_valid_request"
                if recv_is(|t| matches!(t, Tag::SlackVerifier))
                    || rt.to_ascii_lowercase().contains("verifier") =>
            {
                return Some(format!("SignatureVerifier.{m}"))
            }
            _ => {}
        }
    } else {
        match m {
            "constructEvent" | "constructEventAsync" => {
                return Some(format!("stripe.webhooks.{m}"))
            }
            "verify" | "verifyAndReceive"
                if recv_is(|t| matches!(t, Tag::OctoWebhooks))
                    || last(rt).eq_ignore_ascii_case("webhooks") =>
            {
                return Some(format!("webhooks.{m}"))
            }
            "verify" if recv_is(|t| matches!(t, Tag::Webhook)) => {
                return Some("Webhook.verify".into())
            }
            _ => {}
        }
    }
    None
}

/// The id or name argument: a literal, or the environment variable it comes from.
fn name_of(e: Option<&Expr>, v: Option<&V>) -> (Option<String>, Option<String>) {
    let e = match e {
        Some(Expr::List(es)) => es.first(),
        other => other,
    };
    if let Some(Expr::Str(s)) = e {
        return (Some(s.to_string()), None);
    }
    match v {
        Some(v) => (
            v.lit.as_deref().map(str::to_string),
            v.env.as_deref().map(str::to_string),
        ),
        None => (None, None),
    }
}

/// An AWS SDK read: the id from a Python keyword argument or a JS parameter object.
fn sdk(service: FetchService, cx: &CallCx, keys: &[&str]) -> FetchInfo {
    let mut name = (None, None);
    for (a, v) in cx.call.args.iter().zip(cx.args) {
        if let Some(k) = &a.kw {
            if keys.contains(&&**k) {
                name = name_of(Some(&a.value), Some(v));
                break;
            }
        }
    }
    if name == (None, None) {
        if let (Some(a), Some(v)) = (cx.call.args.first(), cx.args.first()) {
            if a.kw.is_none() {
                for k in keys {
                    if let Some(fv) = v.field(k) {
                        name = name_of(prop(&a.value, k), Some(fv));
                        break;
                    }
                }
            }
        }
    }
    FetchInfo {
        service,
        api: cx.callee_text.to_string(),
        name: name.0,
        name_env: name.1,
        inherent: None,
    }
}

/// A Powertools parameters call: the name is the first argument; caching is built in
/// unless forced off.
fn powertools(service: FetchService, cx: &CallCx) -> FetchInfo {
    let (name, name_env) = name_of(
        cx.call
            .args
            .first()
            .filter(|a| a.kw.is_none())
            .map(|a| &a.value),
        cx.args.first(),
    );
    let forced = cx.call.args.iter().any(|a| match a.kw.as_deref() {
        Some("force_fetch") => is_true(&a.value),
        Some("max_age") => is_zero(&a.value),
        _ => {
            prop(&a.value, "forceFetch").is_some_and(is_true)
                || prop(&a.value, "maxAge").is_some_and(is_zero)
        }
    });
    FetchInfo {
        service,
        api: cx.callee_text.to_string(),
        name,
        name_env,
        inherent: Some(if forced {
            FetchCaching::PerInvocation
        } else {
            FetchCaching::Refreshed
        }),
    }
}

fn is_powertools(p: &str) -> bool {
    p.starts_with("aws_lambda_powertools") || p.starts_with("@aws-lambda-powertools/parameters")
}

/// A Secrets Manager or Parameter Store read.
pub fn fetch(cx: &CallCx) -> Option<FetchInfo> {
    use FetchService::*;
    let pt_recv =
        cx.recv_text == "parameters" || cx.recv.and_then(|r| r.ext()).is_some_and(is_powertools);
    if let Some(m) = cx.method {
        let provider = cx.recv.and_then(|r| {
            r.tag(|t| match t {
                Tag::Provider(s) => Some(*s),
                _ => None,
            })
        });
        match m {
            "get_secret_value"
            | "getSecretValue"
            | "batch_get_secret_value"
            | "batchGetSecretValue" => {
                return Some(sdk(SecretsManager, cx, &["SecretId", "SecretIdList"]))
            }
            "get_parameter"
            | "get_parameters"
            | "get_parameters_by_path"
            | "getParameter"
            | "getParameters"
            | "getParametersByPath" => {
                return Some(if pt_recv {
                    powertools(ParameterStore, cx)
                } else {
                    sdk(ParameterStore, cx, &["Name", "Names", "Path"])
                });
            }
            "get_secret" | "get_secrets_by_name" | "getSecret" if pt_recv => {
                return Some(powertools(SecretsManager, cx))
            }
            "get_parameters_by_name" | "getParametersByName" if pt_recv => {
                return Some(powertools(ParameterStore, cx))
            }
            "get_secret_string" | "get_secret_binary" => {
                let (name, name_env) =
                    name_of(cx.call.args.first().map(|a| &a.value), cx.args.first());
                return Some(FetchInfo {
                    service: SecretsManager,
                    api: cx.callee_text.to_string(),
                    name,
                    name_env,
                    inherent: Some(FetchCaching::Refreshed),
                });
            }
            "get" | "get_multiple" | "getMultiple" if provider.is_some() => {
                return Some(powertools(provider.unwrap_or(SecretsManager), cx));
            }
            "send" => {
                for v in cx.args {
                    if let Some(info) = v.tag(|t| match t {
                        Tag::Cmd(i) => Some(i.clone()),
                        _ => None,
                    }) {
                        return Some((*info).clone());
                    }
                }
            }
            _ => {}
        }
    } else if let Some(p) = cx.ext {
        if is_powertools(p) {
            match last(p) {
                "get_secret" | "get_secrets_by_name" | "getSecret" | "getSecrets" => {
                    return Some(powertools(SecretsManager, cx))
                }
                "get_parameter"
                | "get_parameters"
                | "get_parameters_by_name"
                | "getParameter"
                | "getParameters"
                | "getParametersByName" => return Some(powertools(ParameterStore, cx)),
                _ => {}
            }
        }
    }
    // An HTTP call to the Parameters and Secrets extension.
    let ext_url = |v: &V| {
        v.tag(|t| match t {
            Tag::ExtUrl(i) => Some(i.clone()),
            _ => None,
        })
    };
    for v in cx.args {
        let found = ext_url(v).or_else(|| {
            v.fields
                .as_ref()
                .and_then(|f| f.iter().find_map(|(_, fv)| ext_url(fv)))
        });
        if let Some(info) = found {
            let mut info = (*info).clone();
            info.api = cx.callee_text.to_string();
            return Some(info);
        }
    }
    None
}

/// A URL (or path) of the Parameters and Secrets extension; `\u{1}` marks interpolated
/// parts, `env` the environment variable among them.
pub fn extension_url(text: &str, env: Option<&str>) -> Option<FetchInfo> {
    let service = if text.contains("/secretsmanager/get") {
        FetchService::SecretsManager
    } else if text.contains("/systemsmanager/parameters/get") {
        FetchService::ParameterStore
    } else {
        return None;
    };
    let mut name = None;
    let mut name_env = None;
    for key in ["secretId=", "name="] {
        if let Some(i) = text.find(key) {
            let v = &text[i + key.len()..];
            let v = v.split('&').next().unwrap_or_default();
            if v.contains('\u{1}') {
                name_env = env.map(str::to_string);
            } else if !v.is_empty() {
                name = Some(v.replace("%2F", "/").replace("%2f", "/"));
            }
            break;
        }
    }
    Some(FetchInfo {
        service,
        api: "Parameters and Secrets extension".into(),
        name,
        name_env,
        inherent: Some(FetchCaching::Refreshed),
    })
}

/// Objects worth recognising later (loggers, verifiers, SDK commands) and clock reads.
pub fn construct(cx: &CallCx) -> Option<V> {
    if let (Some(m), Some(r)) = (cx.method, cx.recv) {
        if r.has_tag(|t| matches!(t, Tag::Logger))
            && matches!(
                m,
                "child" | "bind" | "opt" | "getChild" | "createChild" | "new"
            )
        {
            return Some(V::of_ref(crate::value::Ref::Tag(Tag::Logger)));
        }
    }
    let p = cx.ext?;
    if CLOCKS.contains(&p) {
        return Some(V {
            time: true,
            ..V::default()
        });
    }
    let tag = match last(p) {
        "getLogger" | "get_logger" | "getlogger" | "Logger" | "createLogger" | "pino"
        | "getChild" => Tag::Logger,
        "Webhook" => Tag::Webhook,
        "Webhooks" => Tag::OctoWebhooks,
        "SignatureVerifier" => Tag::SlackVerifier,
        "SecretCache" => Tag::SecretCache,
        "SecretsProvider" => Tag::Provider(FetchService::SecretsManager),
        "SSMProvider" => Tag::Provider(FetchService::ParameterStore),
        l => {
            let (_, service) = COMMANDS.iter().find(|(c, _)| *c == l)?;
            let keys: &[&str] = match service {
                FetchService::SecretsManager => &["SecretId", "SecretIdList"],
                FetchService::ParameterStore => &["Name", "Names", "Path"],
            };
            let mut info = sdk(*service, cx, keys);
            info.api = l.to_string();
            Tag::Cmd(Rc::new(info))
        }
    };
    Some(V::of_ref(crate::value::Ref::Tag(tag)))
}

/// Calls that pass their argument (or receiver) through: string conversion, formatting,
/// JSON, copies. `None` when the call is not one of them.
pub fn transform(cx: &CallCx) -> Option<V> {
    let flat_args = || {
        let mut out = V::default();
        for v in cx.args {
            out.join(&v.flatten());
        }
        out
    };
    let first = || cx.args.first().cloned().unwrap_or_default();
    if cx.method.is_none()
        || cx
            .recv
            .is_some_and(|r| r.ext().is_some() && !r.is_tainted())
    {
        if let Some(p) = cx.ext {
            let py = cx.lang == Lang::Python;
            if py {
                match p {
                    "str"
                    | "repr"
                    | "format"
                    | "bytes"
                    | "json.dumps"
                    | "pprint.pformat"
                    | "base64.b64encode"
                    | "base64.b64decode"
                    | "base64.urlsafe_b64encode"
                    | "urllib.parse.quote"
                    | "urllib.parse.urlencode"
                    | "list"
                    | "tuple"
                    | "set"
                    | "sorted"
                    | "reversed"
                    | "simplejson.dumps"
                    | "orjson.dumps"
                    | "ujson.dumps"
                    | "yaml.dump"
                    | "yaml.safe_dump" => return Some(flat_args()),
                    "json.loads"
                    | "dict"
                    | "copy.copy"
                    | "copy.deepcopy"
                    | "ujson.loads"
                    | "orjson.loads"
                    | "simplejson.loads"
                    | "collections.ChainMap" => return Some(first()),
                    "os.getenv" | "os.environ.get" => {
                        return Some(V {
                            env: cx.args.first().and_then(|a| a.lit.clone()),
                            ..V::default()
                        })
                    }
                    _ => {}
                }
            } else {
                match p {
                    "JSON.stringify" | "String" | "util.inspect" | "util.format"
                    | "Buffer.from" | "encodeURIComponent" | "Object.entries" | "Object.values"
                    | "Object.keys" | "Array.from" | "Promise.all" | "Promise.allSettled" => {
                        return Some(flat_args())
                    }
                    "JSON.parse" | "structuredClone" | "Promise.resolve" | "Object.freeze"
                    | "lodash.cloneDeep" | "_.cloneDeep" => return Some(first()),
                    "Object.assign" => {
                        let mut out = V::default();
                        for v in cx.args {
                            out.join(v);
                        }
                        return Some(out);
                    }
                    _ => {}
                }
            }
        }
    }
    let m = cx.method?;
    let r = cx.recv?;
    let data = r.is_tainted() || r.lit.is_some() || r.env.is_some();
    if !data {
        return None;
    }
    match m {
        "copy" | "promise" | "json" | "text" | "then" | "finally" | "catch" => Some(r.clone()),
        "items" | "values" | "keys" | "strip" | "lower" | "upper" | "split" | "rsplit"
        | "encode" | "decode" | "replace" | "lstrip" | "rstrip" | "title" | "splitlines"
        | "toString" | "trim" | "toLowerCase" | "toUpperCase" | "slice" | "substring"
        | "substr" | "trimStart" | "trimEnd" | "toJSON" | "valueOf" | "at" | "padStart"
        | "padEnd" | "normalize" | "entries" | "casefold" => Some(r.flatten()),
        "format" | "join" | "concat" | "format_map" => Some(r.flatten().joined(&flat_args())),
        _ => None,
    }
}

/// Memoising wrappers (`memoize(fn)`, `pMemoize(fn, { maxAge })`).
pub fn memo_wrapper(cx: &CallCx) -> Option<FetchCaching> {
    let p = cx.ext?;
    let l = last(p);
    if !matches!(
        l,
        "memoize"
            | "memoizee"
            | "moize"
            | "pMemoize"
            | "mem"
            | "memoizeOne"
            | "once"
            | "lru_cache"
            | "cache"
    ) && !p.ends_with("memoizee")
        && !p.ends_with("p-memoize")
    {
        return None;
    }
    let ttl = cx.call.args.iter().any(|a| {
        ["maxAge", "ttl", "max_age", "expire", "promiseTtl"]
            .iter()
            .any(|k| prop(&a.value, k).is_some())
    });
    Some(if ttl {
        FetchCaching::Refreshed
    } else {
        FetchCaching::Forever
    })
}

/// Caching a decorator gives a function: `lru_cache`/`cache` (forever), cachetools
/// `cached(TTLCache(...))` / `ttl_cache` (refreshed).
pub fn decorator_memo(m: &Module, decorators: &[Expr]) -> Option<FetchCaching> {
    for d in decorators {
        let (callee, whole) = match d {
            Expr::Call(c) => (expr_text(m, &c.callee), m.text(c.span)),
            other => (expr_text(m, other), expr_text(m, other)),
        };
        match last(callee) {
            "lru_cache" | "cache" | "cached_property" | "memoize" | "memoized" | "Memoize"
            | "cache_result" => return Some(FetchCaching::Forever),
            "cached" | "async_cached" => {
                return Some(if whole.contains("TTL") || whole.contains("ttl") {
                    FetchCaching::Refreshed
                } else {
                    FetchCaching::Forever
                })
            }
            "ttl_cache" | "ttl_cached" | "cached_with_ttl" => return Some(FetchCaching::Refreshed),
            _ => {}
        }
    }
    None
}
