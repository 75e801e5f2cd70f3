//! A [`Snapshot`] into the model: every function of every region with its role, policies,
//! permissions, URLs, layers, security groups, subnets, log group and failure handling.
//! Objects are identified by ARN (or resource id); locations have no file.

use crate::snapshot::{FunctionSnap, PolicySnap, RoleSnap, Snapshot};
use lambdasec_model::{
    Alias, CodePackages, CodeSecret, Condition, Cors, Doc, EgressRule, EnvVar, EventInvokeConfig,
    EventSourceMapping, Function, FunctionUrl, Inventory, Layer, LayerRef, Link, Location,
    LogGroup, ManagedPolicy, Permission, PolicyDoc, Role, SecurityGroup, SourceError, SourceKind,
    Subnet, Value, VpcConfig,
};
use std::collections::HashMap;
use std::sync::Arc;

fn known<T>(v: T) -> Value<T> {
    Value::known(v, Location::none())
}

fn list(v: &[String]) -> Value<Vec<Value<String>>> {
    known(v.iter().map(|s| known(s.clone())).collect())
}

fn doc(source: &str, json: &serde_json::Value) -> PolicyDoc {
    PolicyDoc {
        source: source.to_string(),
        document: known(Doc::from_json(json)),
        statement_locs: Vec::new(),
    }
}

/// The account id of an ARN (`arn:aws:lambda:eu-west-1:111122223333:function:x`).
fn arn_account(arn: &str) -> Option<String> {
    let a = arn.split(':').nth(4)?;
    (!a.is_empty()).then(|| a.to_string())
}

/// One JSON value or a list of them, as strings.
fn strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(a) => a.iter().flat_map(strings).collect(),
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

/// Principals of a statement as written: `*`, account ids or ARNs, service principals.
fn principals(p: &serde_json::Value) -> Vec<String> {
    match p {
        serde_json::Value::Object(m) => m.values().flat_map(strings).collect(),
        other => strings(other),
    }
}

/// The statements of a resource-based policy, as permissions of function `fi`.
fn permissions(
    inv: &mut Inventory,
    fi: usize,
    function_arn: &str,
    owner: &str,
    policy: &serde_json::Value,
) {
    let Some(statements) = policy.get("Statement") else {
        return;
    };
    let statements: Vec<&serde_json::Value> = match statements {
        serde_json::Value::Array(a) => a.iter().collect(),
        one => vec![one],
    };
    for (i, st) in statements.into_iter().enumerate() {
        let sid = st
            .get("Sid")
            .and_then(|s| s.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("statement {i}"));
        let mut conditions = Vec::new();
        if let Some(serde_json::Value::Object(ops)) = st.get("Condition") {
            for (op, keys) in ops {
                if let serde_json::Value::Object(keys) = keys {
                    for (key, values) in keys {
                        conditions.push(Condition {
                            operator: op.clone(),
                            key: key.clone(),
                            values: list(&strings(values)),
                        });
                    }
                }
            }
        }
        inv.permissions.push(Permission {
            id: format!("{owner}#{sid}"),
            kind: SourceKind::Aws,
            loc: Location::none(),
            function: Some(fi),
            function_ref: known(function_arn.to_string()),
            effect_allow: st.get("Effect").and_then(|e| e.as_str()) != Some("Deny"),
            actions: list(&st.get("Action").map(strings).unwrap_or_default()),
            principals: list(&st.get("Principal").map(principals).unwrap_or_default()),
            conditions,
        });
    }
}

fn role(r: &RoleSnap, policy_index: &HashMap<&str, usize>) -> Role {
    let link = |arn: &String| match policy_index.get(arn.as_str()) {
        Some(&i) => Link::Resolved(i),
        None => Link::External(known(arn.clone())),
    };
    Role {
        id: r.arn.clone(),
        kind: SourceKind::Aws,
        loc: Location::none(),
        name: known(r.name.clone()),
        arn: Some(known(r.arn.clone())),
        trust_policy: r.trust_policy.as_ref().map(|t| doc("trust policy", t)),
        inline_policies: r
            .inline_policies
            .iter()
            .map(|p| doc(&format!("inline:{}", p.name), &p.document))
            .collect(),
        managed_policies: r.attached.iter().map(link).collect(),
        permissions_boundary: r.permissions_boundary.as_ref().map(link),
    }
}

fn managed_policy(p: &PolicySnap) -> ManagedPolicy {
    ManagedPolicy {
        id: p.arn.clone(),
        loc: Location::none(),
        name: known(p.name.clone()),
        document: doc(&p.arn, &p.document),
    }
}

fn env(f: &FunctionSnap) -> Value<Vec<EnvVar>> {
    known(
        f.environment
            .iter()
            .map(|e| EnvVar {
                name: e.name.clone(),
                value: match &e.value {
                    Some(v) => known(v.clone()),
                    None => Value::unknown("value withheld from the snapshot", Location::none()),
                },
                withheld: e.withheld.as_ref().and_then(|w| w.detection.clone()),
            })
            .collect(),
    )
}

/// Builds the inventory of a snapshot.
pub fn inventory(s: &Snapshot) -> Inventory {
    let mut inv = Inventory::default();
    let policy_index: HashMap<&str, usize> = s
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| (p.arn.as_str(), i))
        .collect();
    inv.policies = s.policies.iter().map(managed_policy).collect();
    let role_index: HashMap<&str, usize> = s
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| (r.arn.as_str(), i))
        .collect();
    inv.roles = s.roles.iter().map(|r| role(r, &policy_index)).collect();
    for e in &s.errors {
        let at = match (&e.region, &e.resource) {
            (Some(r), Some(res)) => format!("{r} {res}"),
            (Some(r), None) => r.clone(),
            (None, Some(res)) => res.clone(),
            (None, None) => String::new(),
        };
        inv.errors.push(SourceError {
            file: at,
            line: None,
            message: format!("{}: {}", e.api, e.message),
        });
    }
    for region in &s.regions {
        let sg_index: HashMap<&str, usize> = region
            .security_groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id.as_str(), inv.security_groups.len() + i))
            .collect();
        for g in &region.security_groups {
            inv.security_groups.push(SecurityGroup {
                id: g.id.clone(),
                kind: SourceKind::Aws,
                loc: Location::none(),
                name: known(g.name.clone().unwrap_or_else(|| g.id.clone())),
                egress: g
                    .egress
                    .iter()
                    .map(|e| EgressRule {
                        loc: Location::none(),
                        protocol: known(e.protocol.clone()),
                        from_port: e.from_port.map(known),
                        to_port: e.to_port.map(known),
                        cidrs: list(&e.cidrs),
                    })
                    .collect(),
                egress_incomplete: None,
            });
        }
        let subnet_index: HashMap<&str, usize> = region
            .subnets
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), inv.subnets.len() + i))
            .collect();
        for n in &region.subnets {
            inv.subnets.push(Subnet {
                id: n.id.clone(),
                kind: SourceKind::Aws,
                loc: Location::none(),
                availability_zone: match &n.availability_zone {
                    Some(az) => known(az.clone()),
                    None => Value::unknown("availability zone not read", Location::none()),
                },
            });
        }
        let log_index: HashMap<&str, usize> = region
            .log_groups
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name.as_str(), inv.log_groups.len() + i))
            .collect();
        for l in &region.log_groups {
            inv.log_groups.push(LogGroup {
                id: l.name.clone(),
                kind: SourceKind::Aws,
                loc: Location::none(),
                name: known(l.name.clone()),
                retention_days: l.retention_days.map(known),
                kms_key: l.kms_key.clone().map(known),
            });
        }
        let layer_index: HashMap<&str, usize> = region
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| (l.arn.as_str(), inv.layers.len() + i))
            .collect();
        for l in &region.layers {
            let li = inv.layers.len();
            inv.layers.push(Layer {
                id: l.arn.clone(),
                kind: SourceKind::Aws,
                loc: Location::none(),
                name: known(l.name.clone()),
                compatible_runtimes: Some(list(&l.compatible_runtimes)),
                code: None,
            });
            if let Some(code) = &l.code {
                attach_code(&mut inv, code, &l.arn, None, Some(li));
            }
        }
        for f in &region.functions {
            let fi = inv.functions.len();
            let link = |i: Option<&usize>, id: &String| match i {
                Some(&i) => Link::Resolved(i),
                None => Link::External(known(id.clone())),
            };
            let log_name = f
                .log_group
                .clone()
                .unwrap_or_else(|| format!("/aws/lambda/{}", f.name));
            inv.functions.push(Function {
                id: f.arn.clone(),
                kind: SourceKind::Aws,
                loc: Location::none(),
                name: known(f.name.clone()),
                generated_name: false,
                account: arn_account(&f.arn).or_else(|| s.account.clone()),
                package_type: f.package_type.clone().map(known),
                runtime: f.runtime.clone().map(known),
                handler: f.handler.clone().map(known),
                role: f.role.as_ref().map(|r| link(role_index.get(r.as_str()), r)),
                environment: env(f),
                env_kms_key: f.kms_key_arn.clone().map(known),
                vpc: f
                    .vpc
                    .as_ref()
                    .filter(|v| !v.subnet_ids.is_empty())
                    .map(|v| VpcConfig {
                        subnets: v
                            .subnet_ids
                            .iter()
                            .map(|id| link(subnet_index.get(id.as_str()), id))
                            .collect(),
                        security_groups: v
                            .security_group_ids
                            .iter()
                            .map(|id| link(sg_index.get(id.as_str()), id))
                            .collect(),
                        loc: Location::none(),
                    }),
                tracing_mode: f.tracing_mode.clone().map(known),
                dead_letter_target: f.dead_letter_target.clone().map(known),
                reserved_concurrency: f.reserved_concurrency.map(known),
                code_signing_config: f.code_signing_config.clone().map(known),
                layers: known(
                    f.layers
                        .iter()
                        .map(|arn| {
                            known(LayerRef {
                                arn: known(arn.clone()),
                                resolves_to_latest: false,
                                layer: layer_index.get(arn.as_str()).copied(),
                            })
                        })
                        .collect(),
                ),
                log_group_name: f.log_group.clone().map(known),
                log_group: log_index.get(log_name.as_str()).copied(),
                code: None,
            });
            if let Some(p) = &f.policy {
                permissions(&mut inv, fi, &f.arn, &f.arn, p);
            }
            for a in &f.aliases {
                inv.aliases.push(Alias {
                    id: a.arn.clone(),
                    kind: SourceKind::Aws,
                    loc: Location::none(),
                    function: Some(fi),
                    name: known(a.name.clone()),
                });
                if let Some(p) = &a.policy {
                    permissions(&mut inv, fi, &f.arn, &a.arn, p);
                }
            }
            for u in &f.urls {
                inv.urls.push(FunctionUrl {
                    id: u.url_arn.clone(),
                    kind: SourceKind::Aws,
                    loc: Location::none(),
                    function: Some(fi),
                    function_ref: known(f.arn.clone()),
                    auth_type: known(u.auth_type.clone()),
                    cors: u.cors.as_ref().map(|c| Cors {
                        loc: Location::none(),
                        allow_credentials: c.allow_credentials.map(known),
                        allow_origins: Some(list(&c.allow_origins)),
                        allow_methods: Some(list(&c.allow_methods)),
                    }),
                });
            }
            for c in &f.event_invoke_configs {
                inv.event_invoke_configs.push(EventInvokeConfig {
                    id: match &c.qualifier {
                        Some(q) => format!("{}:{q}#event-invoke-config", f.arn),
                        None => format!("{}#event-invoke-config", f.arn),
                    },
                    kind: SourceKind::Aws,
                    loc: Location::none(),
                    function: Some(fi),
                    on_failure: c.on_failure.clone().map(known),
                });
            }
            for m in &f.event_source_mappings {
                inv.event_source_mappings.push(EventSourceMapping {
                    id: m.uuid.clone(),
                    kind: SourceKind::Aws,
                    loc: Location::none(),
                    function: Some(fi),
                    event_source: m.event_source_arn.clone().map(known),
                    on_failure: m.on_failure.clone().map(known),
                });
            }
            if let Some(code) = &f.code {
                attach_code(&mut inv, code, &f.arn, Some(fi), None);
            }
        }
    }
    inv
}

/// What the code scanners found in downloaded code, recorded on the inventory as the local
/// scanners would.
fn attach_code(
    inv: &mut Inventory,
    code: &crate::snapshot::CodeScanSnap,
    owner: &str,
    function: Option<usize>,
    layer: Option<usize>,
) {
    inv.packages.push(CodePackages {
        code: owner.to_string(),
        dir: false,
        functions: function.into_iter().collect(),
        layers: layer.into_iter().collect(),
        packages: code.packages.clone(),
        notes: code.notes.clone(),
    });
    for s in &code.secrets {
        let file: Arc<str> = format!("{owner}!{}", s.file).into();
        inv.code_secrets.push(CodeSecret {
            function,
            layer,
            loc: Location::new(file, s.line, 1),
            description: s.description.clone(),
            redacted: s.redacted.clone(),
            placeholder: s.placeholder,
        });
    }
    if let (Some(fi), Some(a)) = (function, &code.analysis) {
        let mut a = a.clone();
        a.function = fi;
        inv.code_analyses.push(a);
    }
}
