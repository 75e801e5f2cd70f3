//! The collector: reads an account with the AWS SDK for Rust into a [`Snapshot`].
//!
//! Credentials and regions come from the standard chain (`aws-config`: environment, profiles,
//! SSO, role assumption, `AWS_ENDPOINT_URL`). Per region, functions are listed with
//! pagination and their details read with bounded concurrency; IAM (global) is read once per
//! execution role. Throttling is retried with backoff by the SDK's standard retry strategy
//! (up to 8 attempts). A failed call is an entry in `Snapshot::errors` naming the API (and,
//! for AccessDenied, the permission to grant); the collection goes on. Emulators that lack an
//! API answer 404 with an HTML body: treated as "not available", with a fallback where one
//! exists (`ListFunctionUrlConfigs` → `GetFunctionUrlConfig`).

use crate::code::CodeSource;
use crate::snapshot::*;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// What to collect.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub profile: Option<String>,
    /// Regions to read; empty: the configured region (or `--all-regions`).
    pub regions: Vec<String>,
    pub all_regions: bool,
    /// Concurrent API calls per region (default 8).
    pub concurrency: usize,
    /// Whether (and from where) to read the functions' and layers' code.
    pub code: crate::code::CodeSource,
}

/// Collects a snapshot (values of environment variables included: the caller withholds them
/// before writing, unless asked not to).
pub fn collect(opts: &Options) -> Result<Snapshot, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    rt.block_on(collect_async(opts))
}

async fn load_config(opts: &Options, region: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    // Throttling is retried with backoff, up to 8 attempts, unless AWS_MAX_ATTEMPTS says
    // otherwise (as for the AWS CLI).
    if std::env::var_os("AWS_MAX_ATTEMPTS").is_none() {
        loader = loader.retry_config(RetryConfig::standard().with_max_attempts(8));
    }
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = region {
        loader = loader.region(Region::new(r.to_string()));
    }
    loader.load().await
}

/// Records errors from any task.
#[derive(Clone, Default)]
struct Errors(Arc<Mutex<Vec<CollectError>>>);

impl Errors {
    fn push(&self, region: Option<&str>, api: &str, resource: Option<&str>, message: String) {
        if let Ok(mut v) = self.0.lock() {
            v.push(CollectError {
                region: region.map(str::to_string),
                api: api.to_string(),
                resource: resource.map(str::to_string),
                message,
            });
        }
    }
    fn take(&self) -> Vec<CollectError> {
        self.0
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }
}

/// How a failed call reads: AccessDenied names the permission; an emulator's missing API is
/// "not supported".
enum Failure {
    /// The resource does not exist (e.g. a function without a policy).
    NotFound,
    /// The API is not implemented (404 with a non-JSON body).
    Unsupported,
    Other(String),
}

type HttpResponse = aws_smithy_runtime_api::client::orchestrator::HttpResponse;

fn classify<E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: &SdkError<E, HttpResponse>,
    api: &str,
) -> Failure {
    let code = e.code().unwrap_or("");
    if code.ends_with("NotFoundException") || code == "NoSuchEntity" {
        return Failure::NotFound;
    }
    if let Some(raw) = e.raw_response() {
        let html = raw
            .headers()
            .get("content-type")
            .is_some_and(|c| c.contains("html"));
        if raw.status().as_u16() == 404 && (code.is_empty() || html) {
            return Failure::Unsupported;
        }
    }
    if code.contains("AccessDenied") || code == "UnauthorizedOperation" {
        return Failure::Other(format!(
            "access denied; grant {api} (see lambdasec-readonly-policy.json)"
        ));
    }
    Failure::Other(short_error(e))
}

/// One line: the error code and message when the service sent them, else what went wrong
/// (never the raw response).
fn short_error<E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: &SdkError<E, HttpResponse>,
) -> String {
    if let Some(code) = e.code() {
        return match e.message() {
            Some(m) => format!("{code}: {m}"),
            None => code.to_string(),
        };
    }
    let status = e.raw_response().map(|r| r.status().as_u16());
    match e {
        SdkError::DispatchFailure(_) => {
            format!("cannot reach the endpoint: {}", source_chain(e))
        }
        SdkError::TimeoutError(_) => "timed out".to_string(),
        _ => match status {
            Some(s) => format!("unreadable response (HTTP {s}): {}", source_chain(e)),
            None => source_chain(e),
        },
    }
}

/// The messages of an error's sources, innermost last, without repeats.
fn source_chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = e.source();
    while let Some(s) = cur {
        let m = s.to_string();
        if !parts.iter().any(|p| p.contains(&m)) {
            parts.push(m);
        }
        cur = s.source();
    }
    let out = parts.join(": ");
    if out.len() > 300 {
        format!("{}…", &out[..out.floor_char_boundary(300)])
    } else {
        out
    }
}

/// Runs a call; `Ok(None)` when the resource does not exist or the API is not available.
macro_rules! call {
    ($errors:expr, $region:expr, $api:expr, $resource:expr, $fut:expr) => {
        match $fut.await {
            Ok(v) => Some(v),
            Err(e) => {
                match classify(&e, $api) {
                    Failure::NotFound | Failure::Unsupported => {}
                    Failure::Other(m) => $errors.push($region, $api, $resource, m),
                }
                None
            }
        }
    };
}

/// IAM returns policy documents URL-encoded (RFC 3986); emulators return them plain.
pub fn decode_policy(text: &str) -> Option<serde_json::Value> {
    let t = text.trim();
    let decoded;
    let json = if t.starts_with("%7B") || t.starts_with("%7b") {
        decoded = percent_decode(t)?;
        decoded.as_str()
    } else {
        t
    };
    serde_json::from_str(json).ok()
}

/// `%XX` decoding only (`+` stays `+`: IAM encodes per RFC 3986, not as a form).
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The role name of a role ARN (`arn:aws:iam::1:role/path/name` → `name`).
fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

async fn collect_async(opts: &Options) -> Result<Snapshot, String> {
    let base = load_config(opts, opts.regions.first().map(String::as_str)).await;
    let sts = aws_sdk_sts::Client::new(&base);
    let who = sts.get_caller_identity().send().await.map_err(|e| {
        format!(
            "cannot read the AWS account (sts:GetCallerIdentity): {}; configure credentials (environment, --profile, SSO) as for the AWS CLI",
            short_error(&e)
        )
    })?;
    let account = who.account().map(str::to_string);
    let partition = who
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    let regions: Vec<String> = if opts.all_regions {
        let ec2 = aws_sdk_ec2::Client::new(&base);
        let out = ec2
            .describe_regions()
            .send()
            .await
            .map_err(|e| format!("ec2:DescribeRegions: {}", short_error(&e)))?;
        let mut r: Vec<String> = out
            .regions()
            .iter()
            .filter_map(|r| r.region_name().map(str::to_string))
            .collect();
        r.sort();
        r
    } else if !opts.regions.is_empty() {
        opts.regions.clone()
    } else {
        match base.region() {
            Some(r) => vec![r.to_string()],
            None => return Err(
                "no AWS region: pass --region R (repeatable) or --all-regions, or set AWS_REGION"
                    .into(),
            ),
        }
    };
    let errors = Errors::default();
    let concurrency = if opts.concurrency == 0 {
        8
    } else {
        opts.concurrency
    };
    let mut snapshot = Snapshot {
        schema: SCHEMA.into(),
        account,
        partition,
        secrets_included: true,
        ..Default::default()
    };
    let mut role_arns = BTreeSet::new();
    for region in &regions {
        let cfg = load_config(opts, Some(region)).await;
        let r = collect_region(&cfg, region, concurrency, &opts.code, &errors).await;
        for f in &r.functions {
            if let Some(role) = &f.role {
                role_arns.insert(role.clone());
            }
        }
        snapshot.regions.push(r);
    }
    let iam = aws_sdk_iam::Client::new(&base);
    let (roles, policies) = collect_iam(&iam, &role_arns, concurrency, &errors).await;
    snapshot.roles = roles;
    snapshot.policies = policies;
    snapshot.errors = errors.take();
    snapshot
        .errors
        .sort_by(|a, b| (&a.region, &a.api, &a.resource).cmp(&(&b.region, &b.api, &b.resource)));
    Ok(snapshot)
}

async fn collect_region(
    cfg: &SdkConfig,
    region: &str,
    concurrency: usize,
    code: &CodeSource,
    errors: &Errors,
) -> RegionSnapshot {
    let lambda = aws_sdk_lambda::Client::new(cfg);
    let mut configs = Vec::new();
    let mut pages = lambda.list_functions().into_paginator().items().send();
    while let Some(item) = pages.next().await {
        match item {
            Ok(f) => configs.push(f),
            Err(e) => {
                if let Failure::Other(m) = classify(&e, "lambda:ListFunctions") {
                    errors.push(Some(region), "lambda:ListFunctions", None, m);
                }
                break;
            }
        }
    }
    let sem = Arc::new(Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, c) in configs.into_iter().enumerate() {
        let lambda = lambda.clone();
        let sem = sem.clone();
        let errors = errors.clone();
        let region = region.to_string();
        let code = code.clone();
        tasks.spawn(async move {
            let _permit = sem.acquire_owned().await;
            (i, function(&lambda, &region, c, &code, &errors).await)
        });
    }
    let mut functions: Vec<(usize, FunctionSnap)> = Vec::new();
    while let Some(r) = tasks.join_next().await {
        if let Ok(x) = r {
            functions.push(x);
        }
    }
    functions.sort_by_key(|(i, _)| *i);
    let functions: Vec<FunctionSnap> = functions.into_iter().map(|(_, f)| f).collect();

    // Layers, security groups, subnets and log groups the functions use.
    let layer_arns: BTreeSet<&String> = functions.iter().flat_map(|f| f.layers.iter()).collect();
    let mut layers = Vec::new();
    for arn in layer_arns {
        if let Some(l) = layer(&lambda, region, arn, code, errors).await {
            layers.push(l);
        }
    }
    let ec2 = aws_sdk_ec2::Client::new(cfg);
    let (mut sg_ids, mut subnet_ids) = (BTreeSet::new(), BTreeSet::new());
    for v in functions.iter().filter_map(|f| f.vpc.as_ref()) {
        sg_ids.extend(v.security_group_ids.iter().cloned());
        subnet_ids.extend(v.subnet_ids.iter().cloned());
    }
    let mut security_groups = Vec::new();
    let sg_ids: Vec<String> = sg_ids.into_iter().collect();
    for chunk in sg_ids.chunks(100) {
        if let Some(out) = call!(
            errors,
            Some(region),
            "ec2:DescribeSecurityGroups",
            None,
            ec2.describe_security_groups()
                .set_group_ids(Some(chunk.to_vec()))
                .send()
        ) {
            for g in out.security_groups() {
                security_groups.push(SecurityGroupSnap {
                    id: g.group_id().unwrap_or_default().to_string(),
                    name: g.group_name().map(str::to_string),
                    egress: g
                        .ip_permissions_egress()
                        .iter()
                        .map(|p| EgressSnap {
                            protocol: p.ip_protocol().unwrap_or("-1").to_string(),
                            from_port: p.from_port().map(i64::from),
                            to_port: p.to_port().map(i64::from),
                            cidrs: p
                                .ip_ranges()
                                .iter()
                                .filter_map(|r| r.cidr_ip().map(str::to_string))
                                .chain(
                                    p.ipv6_ranges()
                                        .iter()
                                        .filter_map(|r| r.cidr_ipv6().map(str::to_string)),
                                )
                                .collect(),
                        })
                        .collect(),
                });
            }
        }
    }
    let mut subnets = Vec::new();
    let subnet_ids: Vec<String> = subnet_ids.into_iter().collect();
    for chunk in subnet_ids.chunks(100) {
        if let Some(out) = call!(
            errors,
            Some(region),
            "ec2:DescribeSubnets",
            None,
            ec2.describe_subnets()
                .set_subnet_ids(Some(chunk.to_vec()))
                .send()
        ) {
            for n in out.subnets() {
                subnets.push(SubnetSnap {
                    id: n.subnet_id().unwrap_or_default().to_string(),
                    availability_zone: n.availability_zone().map(str::to_string),
                });
            }
        }
    }
    let logs = aws_sdk_cloudwatchlogs::Client::new(cfg);
    let mut wanted: BTreeSet<String> = functions
        .iter()
        .map(|f| {
            f.log_group
                .clone()
                .unwrap_or_else(|| format!("/aws/lambda/{}", f.name))
        })
        .collect();
    let mut log_groups = Vec::new();
    // One listing of the default prefix, then the custom log groups one by one.
    let prefixes: Vec<String> = std::iter::once("/aws/lambda/".to_string())
        .chain(
            wanted
                .iter()
                .filter(|n| !n.starts_with("/aws/lambda/"))
                .cloned(),
        )
        .collect();
    for prefix in prefixes {
        let mut pages = logs
            .describe_log_groups()
            .log_group_name_prefix(&prefix)
            .into_paginator()
            .items()
            .send();
        while let Some(item) = pages.next().await {
            match item {
                Ok(g) => {
                    let name = g.log_group_name().unwrap_or_default().to_string();
                    if wanted.remove(&name) {
                        log_groups.push(LogGroupSnap {
                            name,
                            retention_days: g.retention_in_days().map(i64::from),
                            kms_key: g.kms_key_id().map(str::to_string),
                        });
                    }
                }
                Err(e) => {
                    if let Failure::Other(m) = classify(&e, "logs:DescribeLogGroups") {
                        errors.push(Some(region), "logs:DescribeLogGroups", Some(&prefix), m);
                    }
                    break;
                }
            }
        }
    }
    log_groups.sort_by(|a, b| a.name.cmp(&b.name));
    RegionSnapshot {
        region: region.to_string(),
        functions,
        layers,
        security_groups,
        subnets,
        log_groups,
    }
}

async fn function(
    lambda: &aws_sdk_lambda::Client,
    region: &str,
    c: aws_sdk_lambda::types::FunctionConfiguration,
    code: &CodeSource,
    errors: &Errors,
) -> FunctionSnap {
    let name = c.function_name().unwrap_or_default().to_string();
    let arn = c.function_arn().unwrap_or_default().to_string();
    let r = Some(region);
    let res = Some(arn.as_str());
    let mut env: Vec<EnvSnap> = c
        .environment()
        .and_then(|e| e.variables())
        .map(|vars| {
            vars.iter()
                .map(|(k, v)| EnvSnap {
                    name: k.clone(),
                    value: Some(v.clone()),
                    withheld: None,
                })
                .collect()
        })
        .unwrap_or_default();
    env.sort_by(|a, b| a.name.cmp(&b.name));
    let mut f = FunctionSnap {
        arn: arn.clone(),
        name: name.clone(),
        package_type: c.package_type().map(|p| p.as_str().to_string()),
        runtime: c.runtime().map(|r| r.as_str().to_string()),
        handler: c.handler().map(str::to_string),
        role: c.role().map(str::to_string),
        environment: env,
        kms_key_arn: c.kms_key_arn().map(str::to_string),
        vpc: c
            .vpc_config()
            .filter(|v| !v.subnet_ids().is_empty())
            .map(|v| VpcSnap {
                subnet_ids: v.subnet_ids().to_vec(),
                security_group_ids: v.security_group_ids().to_vec(),
            }),
        tracing_mode: c
            .tracing_config()
            .and_then(|t| t.mode())
            .map(|m| m.as_str().to_string()),
        dead_letter_target: c
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .map(str::to_string),
        layers: c
            .layers()
            .iter()
            .filter_map(|l| l.arn().map(str::to_string))
            .collect(),
        log_group: c
            .logging_config()
            .and_then(|l| l.log_group())
            .filter(|g| *g != format!("/aws/lambda/{name}"))
            .map(str::to_string),
        ..Default::default()
    };
    if let Some(out) = call!(
        errors,
        r,
        "lambda:GetFunctionConcurrency",
        res,
        lambda.get_function_concurrency().function_name(&arn).send()
    ) {
        f.reserved_concurrency = out.reserved_concurrent_executions().map(i64::from);
    }
    if let Some(out) = call!(
        errors,
        r,
        "lambda:GetFunctionCodeSigningConfig",
        res,
        lambda
            .get_function_code_signing_config()
            .function_name(&arn)
            .send()
    ) {
        let csc = out.code_signing_config_arn();
        if !csc.is_empty() {
            f.code_signing_config = Some(csc.to_string());
        }
    }
    if let Some(out) = call!(
        errors,
        r,
        "lambda:GetPolicy",
        res,
        lambda.get_policy().function_name(&arn).send()
    ) {
        f.policy = out.policy().and_then(decode_policy);
    }
    // Function URLs: the list call, or (emulators without it) the unqualified one.
    match lambda
        .list_function_url_configs()
        .function_name(&arn)
        .send()
        .await
    {
        Ok(out) => {
            for u in out.function_url_configs() {
                f.urls.push(UrlSnap {
                    url_arn: u.function_arn().to_string(),
                    qualifier: None,
                    auth_type: u.auth_type().as_str().to_string(),
                    cors: u.cors().map(cors),
                });
            }
        }
        Err(e) => match classify(&e, "lambda:ListFunctionUrlConfigs") {
            Failure::NotFound => {}
            Failure::Unsupported => {
                if let Some(u) = call!(
                    errors,
                    r,
                    "lambda:GetFunctionUrlConfig",
                    res,
                    lambda.get_function_url_config().function_name(&arn).send()
                ) {
                    f.urls.push(UrlSnap {
                        url_arn: u.function_arn().to_string(),
                        qualifier: None,
                        auth_type: u.auth_type().as_str().to_string(),
                        cors: u.cors().map(cors),
                    });
                }
            }
            Failure::Other(m) => errors.push(r, "lambda:ListFunctionUrlConfigs", res, m),
        },
    }
    if let Some(out) = call!(
        errors,
        r,
        "lambda:ListFunctionEventInvokeConfigs",
        res,
        lambda
            .list_function_event_invoke_configs()
            .function_name(&arn)
            .send()
    ) {
        for c in out.function_event_invoke_configs() {
            let fa = c.function_arn().unwrap_or_default();
            f.event_invoke_configs.push(InvokeConfigSnap {
                qualifier: fa.strip_prefix(&format!("{arn}:")).map(str::to_string),
                on_failure: c
                    .destination_config()
                    .and_then(|d| d.on_failure())
                    .and_then(|o| o.destination())
                    .map(str::to_string),
            });
        }
    }
    let mut pages = lambda
        .list_event_source_mappings()
        .function_name(&arn)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        match item {
            Ok(m) => f.event_source_mappings.push(EventSourceMappingSnap {
                uuid: m.uuid().unwrap_or_default().to_string(),
                event_source_arn: m.event_source_arn().map(str::to_string),
                on_failure: m
                    .destination_config()
                    .and_then(|d| d.on_failure())
                    .and_then(|o| o.destination())
                    .map(str::to_string),
            }),
            Err(e) => {
                if let Failure::Other(m) = classify(&e, "lambda:ListEventSourceMappings") {
                    errors.push(r, "lambda:ListEventSourceMappings", res, m);
                }
                break;
            }
        }
    }
    let mut pages = lambda
        .list_aliases()
        .function_name(&arn)
        .into_paginator()
        .items()
        .send();
    let mut aliases = Vec::new();
    while let Some(item) = pages.next().await {
        match item {
            Ok(a) => aliases.push((
                a.name().unwrap_or_default().to_string(),
                a.alias_arn().unwrap_or_default().to_string(),
            )),
            Err(e) => {
                if let Failure::Other(m) = classify(&e, "lambda:ListAliases") {
                    errors.push(r, "lambda:ListAliases", res, m);
                }
                break;
            }
        }
    }
    for (alias, alias_arn) in aliases {
        let policy = call!(
            errors,
            r,
            "lambda:GetPolicy",
            Some(alias_arn.as_str()),
            lambda
                .get_policy()
                .function_name(&arn)
                .qualifier(&alias)
                .send()
        )
        .and_then(|o| o.policy().and_then(decode_policy));
        f.aliases.push(AliasSnap {
            name: alias,
            arn: alias_arn,
            policy,
        });
    }
    let is_zip = f.package_type.as_deref() != Some("Image");
    let entry: Entry = Some((f.handler.clone(), f.runtime.clone()));
    f.code = match code {
        CodeSource::None => None,
        _ if !is_zip => None,
        CodeSource::Dir(dir) => match crate::code::local(dir, &name) {
            Some(p) => Some(scan_code(p, r, &arn, entry, errors).await),
            None => {
                let msg = format!("no {name}.zip or {name}/ in {}", dir.display());
                errors.push(r, "code", res, msg);
                None
            }
        },
        CodeSource::Download => {
            let location = call!(
                errors,
                r,
                "lambda:GetFunction",
                res,
                lambda.get_function().function_name(&arn).send()
            )
            .and_then(|o| o.code().and_then(|c| c.location()).map(str::to_string));
            match location {
                Some(url) => fetch_and_scan(&url, r, &arn, entry, errors).await,
                None => None,
            }
        }
    };
    f
}

/// The handler and runtime of a function whose code is scanned (None for layers).
type Entry = Option<(Option<String>, Option<String>)>;

/// Scans local code on a blocking thread; problems become errors naming the owner.
async fn scan_code(
    path: std::path::PathBuf,
    region: Option<&str>,
    owner: &str,
    entry: Entry,
    errors: &Errors,
) -> CodeScanSnap {
    let who = owner.to_string();
    let (snap, problems) = tokio::task::spawn_blocking(move || {
        let (handler, runtime) = entry.unwrap_or_default();
        crate::code::scan(&path, &who, handler.as_deref(), runtime.as_deref())
    })
    .await
    .unwrap_or_default();
    for p in problems {
        errors.push(region, "code", Some(owner), p);
    }
    snap
}

/// Downloads a package to a temporary file, scans it and deletes it.
async fn fetch_and_scan(
    url: &str,
    region: Option<&str>,
    owner: &str,
    entry: Entry,
    errors: &Errors,
) -> Option<CodeScanSnap> {
    match crate::code::download(url).await {
        Ok(file) => {
            let snap = scan_code(file.path().to_path_buf(), region, owner, entry, errors).await;
            drop(file);
            Some(snap)
        }
        Err(e) => {
            errors.push(region, "code download", Some(owner), e);
            None
        }
    }
}

fn cors(c: &aws_sdk_lambda::types::Cors) -> CorsSnap {
    CorsSnap {
        allow_credentials: c.allow_credentials(),
        allow_origins: c.allow_origins().to_vec(),
        allow_methods: c.allow_methods().to_vec(),
    }
}

async fn layer(
    lambda: &aws_sdk_lambda::Client,
    region: &str,
    arn: &str,
    code: &CodeSource,
    errors: &Errors,
) -> Option<LayerSnap> {
    // arn:aws:lambda:region:account:layer:name:version
    let parts: Vec<&str> = arn.split(':').collect();
    let name = parts.get(6).copied().unwrap_or(arn).to_string();
    let version = parts.get(7).and_then(|v| v.parse::<i64>().ok());
    let layer_arn = parts[..parts.len().min(7)].join(":");
    let out = call!(
        errors,
        Some(region),
        "lambda:GetLayerVersion",
        Some(arn),
        lambda
            .get_layer_version()
            .layer_name(&layer_arn)
            .version_number(version?)
            .send()
    )?;
    let policy = match version {
        Some(v) => call!(
            errors,
            Some(region),
            "lambda:GetLayerVersionPolicy",
            Some(arn),
            lambda
                .get_layer_version_policy()
                .layer_name(&layer_arn)
                .version_number(v)
                .send()
        )
        .and_then(|o| o.policy().and_then(decode_policy)),
        None => None,
    };
    let code = match code {
        CodeSource::None => None,
        CodeSource::Dir(dir) => {
            let file = format!("{name}-{}", version.unwrap_or_default());
            match crate::code::local(dir, &file) {
                Some(p) => Some(scan_code(p, Some(region), arn, None, errors).await),
                None => {
                    let msg = format!("no {file}.zip or {file}/ in {}", dir.display());
                    errors.push(Some(region), "code", Some(arn), msg);
                    None
                }
            }
        }
        CodeSource::Download => match out.content().and_then(|c| c.location()) {
            Some(url) => fetch_and_scan(url, Some(region), arn, None, errors).await,
            None => None,
        },
    };
    Some(LayerSnap {
        arn: arn.to_string(),
        name,
        compatible_runtimes: out
            .compatible_runtimes()
            .iter()
            .map(|r| r.as_str().to_string())
            .collect(),
        policy,
        code,
    })
}

async fn collect_iam(
    iam: &aws_sdk_iam::Client,
    role_arns: &BTreeSet<String>,
    concurrency: usize,
    errors: &Errors,
) -> (Vec<RoleSnap>, Vec<PolicySnap>) {
    let sem = Arc::new(Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for arn in role_arns.clone() {
        let iam = iam.clone();
        let sem = sem.clone();
        let errors = errors.clone();
        tasks.spawn(async move {
            let _permit = sem.acquire_owned().await;
            role(&iam, &arn, &errors).await
        });
    }
    let mut roles = Vec::new();
    while let Some(r) = tasks.join_next().await {
        if let Ok(Some(r)) = r {
            roles.push(r);
        }
    }
    roles.sort_by(|a, b| a.arn.cmp(&b.arn));
    let customer: BTreeSet<String> = roles
        .iter()
        .flat_map(|r| r.attached.iter().chain(r.permissions_boundary.iter()))
        .filter(|a| !a.contains(":aws:policy/"))
        .cloned()
        .collect();
    let mut policies = BTreeMap::new();
    for arn in customer {
        let Some(p) = call!(
            errors,
            None,
            "iam:GetPolicy",
            Some(arn.as_str()),
            iam.get_policy().policy_arn(&arn).send()
        ) else {
            continue;
        };
        let Some(p) = p.policy() else { continue };
        let (Some(version), name) = (
            p.default_version_id(),
            p.policy_name().unwrap_or_default().to_string(),
        ) else {
            continue;
        };
        if let Some(v) = call!(
            errors,
            None,
            "iam:GetPolicyVersion",
            Some(arn.as_str()),
            iam.get_policy_version()
                .policy_arn(&arn)
                .version_id(version)
                .send()
        ) {
            if let Some(document) = v
                .policy_version()
                .and_then(|v| v.document())
                .and_then(decode_policy)
            {
                policies.insert(
                    arn.clone(),
                    PolicySnap {
                        arn: arn.clone(),
                        name,
                        document,
                    },
                );
            }
        }
    }
    (roles, policies.into_values().collect())
}

async fn role(iam: &aws_sdk_iam::Client, arn: &str, errors: &Errors) -> Option<RoleSnap> {
    let name = role_name(arn);
    let out = call!(
        errors,
        None,
        "iam:GetRole",
        Some(arn),
        iam.get_role().role_name(name).send()
    )?;
    let r = out.role()?;
    let mut snap = RoleSnap {
        arn: r.arn().to_string(),
        name: r.role_name().to_string(),
        trust_policy: r.assume_role_policy_document().and_then(decode_policy),
        permissions_boundary: r
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        ..Default::default()
    };
    let mut names = Vec::new();
    let mut pages = iam
        .list_role_policies()
        .role_name(name)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        match item {
            Ok(n) => names.push(n),
            Err(e) => {
                if let Failure::Other(m) = classify(&e, "iam:ListRolePolicies") {
                    errors.push(None, "iam:ListRolePolicies", Some(arn), m);
                }
                break;
            }
        }
    }
    for policy in names {
        if let Some(p) = call!(
            errors,
            None,
            "iam:GetRolePolicy",
            Some(arn),
            iam.get_role_policy()
                .role_name(name)
                .policy_name(&policy)
                .send()
        ) {
            if let Some(document) = decode_policy(p.policy_document()) {
                snap.inline_policies.push(NamedPolicy {
                    name: policy,
                    document,
                });
            }
        }
    }
    let mut pages = iam
        .list_attached_role_policies()
        .role_name(name)
        .into_paginator()
        .items()
        .send();
    while let Some(item) = pages.next().await {
        match item {
            Ok(p) => snap.attached.extend(p.policy_arn().map(str::to_string)),
            Err(e) => {
                if let Failure::Other(m) = classify(&e, "iam:ListAttachedRolePolicies") {
                    errors.push(None, "iam:ListAttachedRolePolicies", Some(arn), m);
                }
                break;
            }
        }
    }
    Some(snap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_read_url_encoded_or_plain() {
        // As IAM returns them (RFC 3986): `+` is a literal plus, never a space.
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa+b%2F%2A%22%7D%5D%7D";
        let v = decode_policy(encoded).unwrap();
        assert_eq!(v["Statement"][0]["Resource"], "arn:aws:s3:::a+b/*");
        let plain = r#"{"Version":"2012-10-17","Statement":[]}"#;
        assert_eq!(decode_policy(plain).unwrap()["Version"], "2012-10-17");
        assert!(decode_policy("%7Bnot json").is_none());
        assert!(decode_policy("%7B%2").is_none());
        assert_eq!(role_name("arn:aws:iam::1:role/service/path/api"), "api");
    }
}
