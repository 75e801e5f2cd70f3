//! Evaluated Terraform resources → the lambdasec model.
//!
//! Shared by HCL configurations and plan files: both produce [`Instance`]s. Links are
//! resolved by reference (the unknown parts of a value remember the resource they come from),
//! by name, or by literal ARN; a reference to something outside the inputs is never invented.

use crate::module::{Attr, EvalBody, Instance, Mode};
use crate::value::{format_number, TfValue};
use lambdasec_model::*;
use std::collections::HashMap;

pub struct Builder<'i> {
    instances: &'i [Instance],
    by_address: HashMap<&'i str, usize>,
    kind: SourceKind,
    inv: Inventory,
    /// instance index → index in the matching Inventory vector
    model_of: HashMap<usize, usize>,
    /// Names → index, so linking by name stays linear in big plans.
    function_names: HashMap<String, usize>,
    role_names: HashMap<String, usize>,
    policy_names: HashMap<String, usize>,
}

// ----- value conversion -----

fn unknown_of(v: &TfValue) -> Unknown {
    match v {
        TfValue::Unknown(u) => Unknown {
            reason: u.reason.clone(),
            pieces: u.pieces.clone(),
        },
        other => Unknown::new(format!("expected a string, found a {}", other.type_name())),
    }
}

/// A string attribute; `None` when absent or null.
pub fn str_of(v: &TfValue, loc: &Location) -> Option<Value<String>> {
    match v {
        TfValue::Null => None,
        TfValue::String(s) => Some(Value::known(s.clone(), loc.clone())),
        TfValue::Number(n) => Some(Value::known(format_number(*n), loc.clone())),
        TfValue::Bool(b) => Some(Value::known(b.to_string(), loc.clone())),
        other => Some(Value::Unknown {
            unknown: unknown_of(other),
            loc: loc.clone(),
        }),
    }
}

fn int_of(v: &TfValue, loc: &Location) -> Option<Value<i64>> {
    match v {
        TfValue::Null => None,
        TfValue::Number(n) => Some(Value::known(*n as i64, loc.clone())),
        TfValue::String(s) => Some(match s.trim().parse::<i64>() {
            Ok(n) => Value::known(n, loc.clone()),
            Err(_) => Value::unknown(format!("\"{s}\" is not a number"), loc.clone()),
        }),
        other => Some(Value::Unknown {
            unknown: unknown_of(other),
            loc: loc.clone(),
        }),
    }
}

fn bool_of(v: &TfValue, loc: &Location) -> Option<Value<bool>> {
    match v {
        TfValue::Null => None,
        TfValue::Bool(b) => Some(Value::known(*b, loc.clone())),
        TfValue::String(s) if s == "true" || s == "false" => {
            Some(Value::known(s == "true", loc.clone()))
        }
        other => Some(Value::Unknown {
            unknown: unknown_of(other),
            loc: loc.clone(),
        }),
    }
}

fn list_of(v: &TfValue, loc: &Location) -> Option<ValueList<String>> {
    match v {
        TfValue::Null => None,
        TfValue::List(items) => Some(Value::known(
            items.iter().filter_map(|i| str_of(i, loc)).collect(),
            loc.clone(),
        )),
        TfValue::String(_) => Some(Value::known(
            str_of(v, loc).into_iter().collect(),
            loc.clone(),
        )),
        other => Some(Value::Unknown {
            unknown: unknown_of(other),
            loc: loc.clone(),
        }),
    }
}

/// The elements of a list value, one per item; an unknown list gives one unknown item.
fn items(v: &TfValue) -> Vec<TfValue> {
    match v {
        TfValue::List(l) => l.clone(),
        TfValue::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

fn doc_of(v: &TfValue, loc: &Location, errors: &mut Vec<SourceError>) -> Option<Value<Doc>> {
    match v {
        TfValue::Null => None,
        TfValue::String(s) => match serde_json::from_str::<serde_json::Value>(s) {
            Ok(j) => Some(Value::known(Doc::from_json(&j), loc.clone())),
            Err(e) => {
                errors.push(SourceError {
                    file: loc.file.as_deref().unwrap_or("").to_string(),
                    line: Some(loc.line),
                    message: format!("policy is not valid JSON: {e}"),
                });
                Some(Value::unknown(
                    format!("policy is not valid JSON: {e}"),
                    loc.clone(),
                ))
            }
        },
        TfValue::Unknown(u) => match &u.json {
            Some(structure) => Some(Value::known(structure.to_doc(), loc.clone())),
            None => Some(Value::Unknown {
                unknown: unknown_of(v),
                loc: loc.clone(),
            }),
        },
        other => Some(Value::known(other.to_doc(), loc.clone())),
    }
}

fn attr<'b>(body: &'b EvalBody, name: &str) -> Option<&'b Attr> {
    body.attr(name)
}

fn s(body: &EvalBody, name: &str) -> Option<Value<String>> {
    attr(body, name).and_then(|a| str_of(&a.value, &a.loc))
}

fn i(body: &EvalBody, name: &str) -> Option<Value<i64>> {
    attr(body, name).and_then(|a| int_of(&a.value, &a.loc))
}

/// Blocks of `name`, also accepting the attribute form `name = [{...}]` used in plans and
/// by "attributes as blocks".
fn blocks_of(body: &EvalBody, name: &str) -> Vec<(EvalBody, Location)> {
    let mut out: Vec<(EvalBody, Location)> = body
        .blocks(name)
        .map(|b| (b.body.clone(), b.loc.clone()))
        .collect();
    if let Some(a) = body.attr(name) {
        for item in items(&a.value) {
            if let TfValue::Object(o) = item {
                let mut b = EvalBody::default();
                for (k, v) in o {
                    b.attrs.insert(k, Attr::new(v, a.loc.clone()));
                }
                out.push((b, a.loc.clone()));
            }
        }
    }
    out
}

fn block_of(body: &EvalBody, name: &str) -> Option<(EvalBody, Location)> {
    blocks_of(body, name).into_iter().next()
}

/// `Statement[2].Effect` → 2.
fn statement_index(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("Statement[")?;
    rest[..rest.find(']')?].parse().ok()
}

/// The resource address an unknown value was computed from, if any.
fn ref_addresses(v: &TfValue) -> Vec<String> {
    match v {
        TfValue::Unknown(u) => u
            .pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Hole { expr } => expr.rsplit_once('.').map(|(a, _)| a.to_string()),
                Piece::Lit(_) => None,
            })
            .collect(),
        TfValue::Resource(r) => vec![r.address.clone()],
        _ => Vec::new(),
    }
}

/// The name in a Lambda function ARN (`arn:aws:lambda:r:a:function:NAME[:qualifier]`), or
/// the value itself when it is a plain name.
fn function_name_from(s: &str) -> &str {
    match s.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => s,
    }
}

fn account_of_arn(s: &str) -> Option<&str> {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn" && parts[4].len() == 12).then(|| parts[4])
}

impl<'i> Builder<'i> {
    pub fn new(instances: &'i [Instance], kind: SourceKind) -> Self {
        let by_address = instances
            .iter()
            .enumerate()
            .map(|(i, x)| (x.address.as_str(), i))
            .collect();
        Builder {
            instances,
            by_address,
            kind,
            inv: Inventory::default(),
            model_of: HashMap::new(),
            function_names: HashMap::new(),
            role_names: HashMap::new(),
            policy_names: HashMap::new(),
        }
    }

    fn of_type(
        &self,
        mode: Mode,
        rtype: &'static str,
    ) -> impl Iterator<Item = (usize, &'i Instance)> {
        self.instances
            .iter()
            .enumerate()
            .filter(move |(_, x)| x.mode == mode && x.rtype == rtype)
    }

    /// The instance a value refers to, if it is of type `rtype`.
    fn referenced(&self, v: &TfValue, rtype: &str) -> Option<usize> {
        ref_addresses(v).iter().find_map(|a| {
            let i = *self.by_address.get(a.as_str())?;
            (self.instances[i].rtype == rtype && self.instances[i].mode == Mode::Managed)
                .then_some(i)
        })
    }

    pub fn build(mut self) -> Inventory {
        self.functions();
        self.function_names = name_index(self.inv.functions.iter().map(|f| &f.name));
        self.policies();
        self.policy_names = self
            .inv
            .policies
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((p.name.as_str()?.to_ascii_lowercase(), i)))
            .rev()
            .collect();
        self.roles();
        self.role_names = name_index(self.inv.roles.iter().map(|r| &r.name));
        self.attachments();
        self.link_roles();
        self.subnets();
        self.security_groups();
        self.link_vpc();
        self.layers();
        self.link_layers();
        self.log_groups();
        self.permissions();
        self.urls();
        self.invoke_configs();
        self.event_source_mappings();
        self.aliases();
        self.secret_rotations();
        self.inv
    }

    fn functions(&mut self) {
        let fns: Vec<_> = self.of_type(Mode::Managed, "aws_lambda_function").collect();
        for (ii, x) in fns {
            let b = &x.body;
            let name = s(b, "function_name")
                .unwrap_or_else(|| Value::unknown("function_name is not set", x.loc.clone()));
            let environment = match block_of(b, "environment") {
                None => Value::known(Vec::new(), x.loc.clone()),
                Some((env, loc)) => match env.attr("variables") {
                    None => Value::known(Vec::new(), loc),
                    Some(a) => match &a.value {
                        TfValue::Object(o) => Value::known(
                            o.iter()
                                .filter_map(|(k, v)| {
                                    Some(EnvVar {
                                        name: k.clone(),
                                        value: str_of(v, &a.loc)?,
                                        withheld: None,
                                    })
                                })
                                .collect(),
                            a.loc.clone(),
                        ),
                        TfValue::Null => Value::known(Vec::new(), a.loc.clone()),
                        other => Value::Unknown {
                            unknown: unknown_of(other),
                            loc: a.loc.clone(),
                        },
                    },
                },
            };
            let vpc = block_of(b, "vpc_config").and_then(|(v, loc)| {
                let subnets = v
                    .attr("subnet_ids")
                    .map(|a| items(&a.value))
                    .unwrap_or_default();
                let sgs = v
                    .attr("security_group_ids")
                    .map(|a| items(&a.value))
                    .unwrap_or_default();
                if subnets.is_empty() && sgs.is_empty() {
                    return None;
                }
                // Links are filled in by link_vpc once SGs and subnets exist.
                let unknown = |v: &TfValue, l: &Location| {
                    Link::Unknown(str_of(v, l).unwrap_or_else(|| Value::unknown("null", l.clone())))
                };
                let sl = v
                    .attr("subnet_ids")
                    .map(|a| a.loc.clone())
                    .unwrap_or(loc.clone());
                let gl = v
                    .attr("security_group_ids")
                    .map(|a| a.loc.clone())
                    .unwrap_or(loc.clone());
                Some(VpcConfig {
                    subnets: subnets.iter().map(|s| unknown(s, &sl)).collect(),
                    security_groups: sgs.iter().map(|s| unknown(s, &gl)).collect(),
                    loc,
                })
            });
            // A dynamic `vpc_config` over an unknown collection (or a block a plan leaves
            // unknown) may configure a VPC: its subnets and groups are unknown, not absent.
            let vpc = vpc.or_else(|| {
                let unknown_block = b.incomplete.iter().any(|t| t == "vpc_config")
                    || b.attr("vpc_config").is_some_and(|a| a.value.is_unknown());
                unknown_block.then(|| {
                    let unknown = || {
                        Link::Unknown(Value::unknown(
                            "the VPC configuration is not known",
                            x.loc.clone(),
                        ))
                    };
                    VpcConfig {
                        subnets: vec![unknown()],
                        security_groups: vec![unknown()],
                        loc: x.loc.clone(),
                    }
                })
            });
            let layers = match b.attr("layers") {
                None => Value::known(Vec::new(), x.loc.clone()),
                Some(a) => match &a.value {
                    TfValue::List(l) => Value::known(
                        l.iter()
                            .map(|v| {
                                Value::known(
                                    LayerRef {
                                        arn: str_of(v, &a.loc).unwrap_or_else(|| {
                                            Value::unknown("null", a.loc.clone())
                                        }),
                                        resolves_to_latest: false,
                                        layer: None,
                                    },
                                    a.loc.clone(),
                                )
                            })
                            .collect(),
                        a.loc.clone(),
                    ),
                    other => Value::Unknown {
                        unknown: unknown_of(other),
                        loc: a.loc.clone(),
                    },
                },
            };
            let f = Function {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                account: None,
                name,
                generated_name: false,
                package_type: s(b, "package_type"),
                runtime: s(b, "runtime"),
                handler: s(b, "handler"),
                role: None,
                environment,
                env_kms_key: s(b, "kms_key_arn"),
                vpc,
                tracing_mode: block_of(b, "tracing_config").map(|(t, loc)| {
                    s(&t, "mode").unwrap_or_else(|| Value::unknown("mode is not set", loc))
                }),
                dead_letter_target: block_of(b, "dead_letter_config").map(|(d, loc)| {
                    s(&d, "target_arn")
                        .unwrap_or_else(|| Value::unknown("target_arn is not set", loc))
                }),
                reserved_concurrency: i(b, "reserved_concurrent_executions"),
                code_signing_config: s(b, "code_signing_config_arn"),
                layers,
                log_group_name: block_of(b, "logging_config").and_then(|(l, _)| s(&l, "log_group")),
                log_group: None,
                code: self.code_ref(x),
            };
            self.model_of.insert(ii, self.inv.functions.len());
            self.inv.functions.push(f);
        }
    }

    /// The local package of a function or layer: `filename`, or — when it is the output of a
    /// `data "archive_file"` — the directory or file that archive is built from (the zip is
    /// usually not built when the configuration is scanned).
    fn code_ref(&self, x: &Instance) -> Option<CodeRef> {
        let a = attr(&x.body, "filename")?;
        let file = str_of(&a.value, &a.loc)?;
        let base = x
            .loc
            .file
            .as_deref()
            .and_then(|f| f.rsplit_once('/').map(|(d, _)| d.to_string()))
            .unwrap_or_default();
        let archive = self.instances.iter().find(|i| {
            i.mode == Mode::Data
                && i.rtype == "archive_file"
                && attr(&i.body, "output_path")
                    .and_then(|o| str_of(&o.value, &o.loc))
                    .is_some_and(|o| o.same_as(&file))
        });
        let path = archive
            .and_then(|i| attr(&i.body, "source_dir").or_else(|| attr(&i.body, "source_file")))
            .and_then(|s| str_of(&s.value, &s.loc))
            .unwrap_or(file);
        Some(CodeRef { path, base })
    }

    fn policy_doc(&mut self, source: String, a: &Attr) -> Option<PolicyDoc> {
        let document = doc_of(&a.value, &a.loc, &mut self.inv.errors)?;
        // Invalid policies are input errors, named by the path of the bad element.
        if let Value::Known { value, loc } = &document {
            let (_, errors) = lambdasec_iam::parse::parse_policy(value);
            for e in errors {
                let at = statement_index(&e.path)
                    .and_then(|i| a.statement_locs.get(i))
                    .unwrap_or(loc);
                self.inv.errors.push(SourceError {
                    file: at.file.as_deref().unwrap_or("").to_string(),
                    line: Some(at.line),
                    message: format!("invalid policy in {source}: {e}"),
                });
            }
        }
        Some(PolicyDoc {
            source,
            document,
            statement_locs: a.statement_locs.clone(),
        })
    }

    fn policies(&mut self) {
        let ps: Vec<_> = self.of_type(Mode::Managed, "aws_iam_policy").collect();
        for (ii, x) in ps {
            let Some(doc) =
                attr(&x.body, "policy").and_then(|a| self.policy_doc(x.address.clone(), a))
            else {
                continue;
            };
            self.model_of.insert(ii, self.inv.policies.len());
            self.inv.policies.push(ManagedPolicy {
                id: x.address.clone(),
                loc: x.loc.clone(),
                name: s(&x.body, "name")
                    .unwrap_or_else(|| Value::unknown("name is generated", x.loc.clone())),
                document: doc,
            });
        }
    }

    /// A managed-policy reference: to a policy in the inputs, or an external ARN.
    fn policy_link(&self, v: &TfValue, loc: &Location) -> Link {
        if let Some(ii) = self.referenced(v, "aws_iam_policy") {
            if let Some(&m) = self.model_of.get(&ii) {
                return Link::Resolved(m);
            }
        }
        match str_of(v, loc) {
            Some(val @ Value::Known { .. }) => {
                let arn = val.as_str().unwrap_or_default();
                let by_name = arn
                    .rsplit_once(":policy/")
                    .map(|(_, n)| n.rsplit('/').next().unwrap_or(n));
                if !arn.starts_with("arn:aws:iam::aws:") {
                    if let Some(n) = by_name {
                        if let Some(&m) = self.policy_names.get(&n.to_ascii_lowercase()) {
                            return Link::Resolved(m);
                        }
                    }
                }
                Link::External(val)
            }
            Some(other) => Link::Unknown(other),
            None => Link::Unknown(Value::unknown("null", loc.clone())),
        }
    }

    fn roles(&mut self) {
        let rs: Vec<_> = self.of_type(Mode::Managed, "aws_iam_role").collect();
        for (ii, x) in rs {
            let b = &x.body;
            let trust = attr(b, "assume_role_policy")
                .and_then(|a| self.policy_doc(format!("{}.assume_role_policy", x.address), a));
            let mut inline = Vec::new();
            for (ib, _) in blocks_of(b, "inline_policy") {
                let name = s(&ib, "name").and_then(|n| n.as_str().map(str::to_string));
                if let Some(a) = ib.attr("policy") {
                    let src = format!("{}.inline_policy[{}]", x.address, name.unwrap_or_default());
                    if let Some(d) = self.policy_doc(src, a) {
                        inline.push(d);
                    }
                }
            }
            let managed = attr(b, "managed_policy_arns")
                .map(|a| {
                    items(&a.value)
                        .iter()
                        .map(|v| self.policy_link(v, &a.loc))
                        .collect()
                })
                .unwrap_or_default();
            let boundary = attr(b, "permissions_boundary")
                .filter(|a| a.value != TfValue::Null)
                .map(|a| self.policy_link(&a.value, &a.loc));
            let name = s(b, "name").unwrap_or_else(|| {
                Value::unknown("the role name is generated by Terraform", x.loc.clone())
            });
            self.model_of.insert(ii, self.inv.roles.len());
            self.inv.roles.push(Role {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                name,
                arn: None,
                trust_policy: trust,
                inline_policies: inline,
                managed_policies: managed,
                permissions_boundary: boundary,
            });
        }
    }

    /// A role named by reference, name or ARN.
    fn role_of(&self, v: &TfValue, loc: &Location) -> Link {
        if let Some(ii) = self.referenced(v, "aws_iam_role") {
            if let Some(&m) = self.model_of.get(&ii) {
                return Link::Resolved(m);
            }
        }
        let Some(val) = str_of(v, loc) else {
            return Link::Unknown(Value::unknown("null", loc.clone()));
        };
        let name = val.as_str().map(|s| {
            s.rsplit_once(":role/")
                .map_or(s, |(_, n)| n.rsplit('/').next().unwrap_or(n))
        });
        let key = match name {
            Some(n) => Some(format!("={n}")),
            None => name_key(&val),
        };
        let found = key.and_then(|k| self.role_names.get(&k).copied());
        match (found, val.is_known()) {
            (Some(r), _) => Link::Resolved(r),
            (None, true) => Link::External(val),
            (None, false) => Link::Unknown(val),
        }
    }

    fn attachments(&mut self) {
        let insts = self.instances;
        for x in insts.iter().filter(|x| x.mode == Mode::Managed) {
            let b = &x.body;
            match x.rtype.as_str() {
                "aws_iam_role_policy" => {
                    let (Some(r), Some(p)) = (attr(b, "role"), attr(b, "policy")) else {
                        continue;
                    };
                    if let Link::Resolved(ri) = self.role_of(&r.value, &r.loc) {
                        if let Some(d) = self.policy_doc(x.address.clone(), p) {
                            self.inv.roles[ri].inline_policies.push(d);
                        }
                    }
                }
                "aws_iam_role_policy_attachment" | "aws_iam_policy_attachment" => {
                    let Some(p) = attr(b, "policy_arn") else {
                        continue;
                    };
                    let roles: Vec<(TfValue, Location)> = match (attr(b, "role"), attr(b, "roles"))
                    {
                        (Some(r), _) => vec![(r.value.clone(), r.loc.clone())],
                        (None, Some(rs)) => items(&rs.value)
                            .into_iter()
                            .map(|v| (v, rs.loc.clone()))
                            .collect(),
                        _ => continue,
                    };
                    let link = self.policy_link(&p.value, &p.loc);
                    for (rv, rl) in roles {
                        if let Link::Resolved(ri) = self.role_of(&rv, &rl) {
                            self.inv.roles[ri].managed_policies.push(link.clone());
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn link_roles(&mut self) {
        let fns: Vec<_> = self.of_type(Mode::Managed, "aws_lambda_function").collect();
        for (ii, x) in fns {
            let Some(a) = attr(&x.body, "role") else {
                continue;
            };
            let link = self.role_of(&a.value, &a.loc);
            let fi = self.model_of[&ii];
            if let Some(acct) = a.value.as_str().and_then(account_of_arn) {
                self.inv.functions[fi].account = Some(acct.to_string());
            }
            self.inv.functions[fi].role = Some(link);
        }
    }

    fn subnets(&mut self) {
        let ss: Vec<_> = self.of_type(Mode::Managed, "aws_subnet").collect();
        for (ii, x) in ss {
            let az = s(&x.body, "availability_zone")
                .or_else(|| s(&x.body, "availability_zone_id"))
                .unwrap_or_else(|| {
                    Value::unknown("availability zone chosen by AWS", x.loc.clone())
                });
            self.model_of.insert(ii, self.inv.subnets.len());
            self.inv.subnets.push(Subnet {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                availability_zone: az,
            });
        }
    }

    fn egress_rule(
        b: &EvalBody,
        loc: &Location,
        proto_key: &str,
        v4: &str,
        v6: &str,
    ) -> EgressRule {
        let mut cidrs = Vec::new();
        let mut unknown_cidrs = None;
        for key in [v4, v6] {
            if let Some(a) = b.attr(key) {
                match list_of(&a.value, &a.loc) {
                    Some(Value::Known { value, .. }) => cidrs.extend(value),
                    Some(u @ Value::Unknown { .. }) => unknown_cidrs = Some(u),
                    None => {}
                }
            }
        }
        EgressRule {
            loc: loc.clone(),
            protocol: s(b, proto_key)
                .unwrap_or_else(|| Value::unknown("protocol is not set", loc.clone())),
            from_port: i(b, "from_port"),
            to_port: i(b, "to_port"),
            cidrs: unknown_cidrs.unwrap_or_else(|| Value::known(cidrs, loc.clone())),
        }
    }

    fn security_groups(&mut self) {
        let gs: Vec<_> = self.of_type(Mode::Managed, "aws_security_group").collect();
        for (ii, x) in gs {
            let egress = blocks_of(&x.body, "egress")
                .iter()
                .map(|(b, loc)| {
                    Self::egress_rule(b, loc, "protocol", "cidr_blocks", "ipv6_cidr_blocks")
                })
                .collect();
            let incomplete = x
                .body
                .incomplete
                .iter()
                .any(|t| t == "egress")
                .then(|| "a dynamic egress block iterates over an unknown collection".to_string())
                .or_else(|| {
                    x.body
                        .attr("egress")
                        .filter(|a| a.value.is_unknown())
                        .map(|_| "egress rules are not known".to_string())
                });
            self.model_of.insert(ii, self.inv.security_groups.len());
            self.inv.security_groups.push(SecurityGroup {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                name: s(&x.body, "name")
                    .unwrap_or_else(|| Value::unknown("name is generated", x.loc.clone())),
                egress,
                egress_incomplete: incomplete,
            });
        }
        let insts = self.instances;
        for x in insts.iter().filter(|x| x.mode == Mode::Managed) {
            let b = &x.body;
            let rule = match x.rtype.as_str() {
                "aws_security_group_rule" => {
                    if s(b, "type").as_ref().and_then(|t| t.as_str()) != Some("egress") {
                        continue;
                    }
                    Self::egress_rule(b, &x.loc, "protocol", "cidr_blocks", "ipv6_cidr_blocks")
                }
                "aws_vpc_security_group_egress_rule" => {
                    Self::egress_rule(b, &x.loc, "ip_protocol", "cidr_ipv4", "cidr_ipv6")
                }
                _ => continue,
            };
            let Some(g) = attr(b, "security_group_id") else {
                continue;
            };
            if let Some(gi) = self.referenced(&g.value, "aws_security_group") {
                let gm = self.model_of[&gi];
                self.inv.security_groups[gm].egress.push(rule);
            }
        }
    }

    fn link_by_ref(&self, v: &Link, rtype: &str, loc: &Location) -> Link {
        let Link::Unknown(val) = v else {
            return v.clone();
        };
        // Rebuild the TfValue-level reference from the model value's pieces.
        if let Value::Unknown { unknown, .. } = val {
            for p in &unknown.pieces {
                if let Piece::Hole { expr } = p {
                    if let Some((addr, _)) = expr.rsplit_once('.') {
                        if let Some(&ii) = self.by_address.get(addr) {
                            if self.instances[ii].rtype == rtype {
                                if let Some(&m) = self.model_of.get(&ii) {
                                    return Link::Resolved(m);
                                }
                            }
                        }
                    }
                }
            }
            return v.clone();
        }
        let _ = loc;
        Link::External(val.clone())
    }

    fn link_vpc(&mut self) {
        for fi in 0..self.inv.functions.len() {
            let Some(vpc) = self.inv.functions[fi].vpc.clone() else {
                continue;
            };
            let subnets = vpc
                .subnets
                .iter()
                .map(|l| self.link_by_ref(l, "aws_subnet", &vpc.loc))
                .collect();
            let sgs = vpc
                .security_groups
                .iter()
                .map(|l| self.link_by_ref(l, "aws_security_group", &vpc.loc))
                .collect();
            let v = self.inv.functions[fi].vpc.as_mut().expect("checked above");
            v.subnets = subnets;
            v.security_groups = sgs;
        }
    }

    fn layers(&mut self) {
        let ls: Vec<_> = self
            .of_type(Mode::Managed, "aws_lambda_layer_version")
            .collect();
        for (ii, x) in ls {
            self.model_of.insert(ii, self.inv.layers.len());
            self.inv.layers.push(Layer {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                name: s(&x.body, "layer_name")
                    .unwrap_or_else(|| Value::unknown("layer_name is not set", x.loc.clone())),
                code: self.code_ref(x),
                compatible_runtimes: attr(&x.body, "compatible_runtimes")
                    .and_then(|a| list_of(&a.value, &a.loc)),
            });
        }
    }

    fn link_layers(&mut self) {
        let fns: Vec<_> = self.of_type(Mode::Managed, "aws_lambda_function").collect();
        for (ii, x) in fns {
            let Some(a) = attr(&x.body, "layers") else {
                continue;
            };
            let TfValue::List(vals) = &a.value else {
                continue;
            };
            let fi = self.model_of[&ii];
            for (k, v) in vals.iter().enumerate() {
                let mut layer = None;
                let mut latest = false;
                for addr in ref_addresses(v) {
                    let Some(&li) = self.by_address.get(addr.as_str()) else {
                        continue;
                    };
                    let inst = &self.instances[li];
                    match (inst.mode, inst.rtype.as_str()) {
                        (Mode::Managed, "aws_lambda_layer_version") => {
                            layer = self.model_of.get(&li).copied();
                        }
                        (Mode::Data, "aws_lambda_layer_version") => {
                            latest = inst
                                .body
                                .attr("version")
                                .is_none_or(|a| a.value == TfValue::Null);
                        }
                        _ => {}
                    }
                }
                if let Value::Known { value, .. } = &mut self.inv.functions[fi].layers {
                    if let Some(Value::Known { value: lr, .. }) = value.get_mut(k) {
                        lr.layer = layer;
                        lr.resolves_to_latest = latest;
                    }
                }
            }
        }
    }

    fn log_groups(&mut self) {
        let gs: Vec<_> = self
            .of_type(Mode::Managed, "aws_cloudwatch_log_group")
            .collect();
        for (_, x) in gs {
            let name = s(&x.body, "name").unwrap_or_else(|| {
                Value::unknown("the log group name is generated", x.loc.clone())
            });
            self.inv.log_groups.push(LogGroup {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                name,
                retention_days: i(&x.body, "retention_in_days"),
                kms_key: s(&x.body, "kms_key_id"),
            });
        }
        let groups = name_index(self.inv.log_groups.iter().map(|g| &g.name));
        for f in &mut self.inv.functions {
            let expected: Option<Value<String>> = match &f.log_group_name {
                Some(n) => Some(n.clone()),
                None => default_log_group(&f.name),
            };
            f.log_group = expected
                .as_ref()
                .and_then(name_key)
                .and_then(|k| groups.get(&k).copied());
        }
    }

    /// The function a `function_name` attribute names: by reference (function or alias), by
    /// name, or by ARN. `None` when it is not in the inputs.
    fn function_of(&self, v: &TfValue, loc: &Location) -> Option<usize> {
        for addr in ref_addresses(v) {
            let Some(&ii) = self.by_address.get(addr.as_str()) else {
                continue;
            };
            match self.instances[ii].rtype.as_str() {
                "aws_lambda_function" => return self.model_of.get(&ii).copied(),
                "aws_lambda_alias" => {
                    let a = attr(&self.instances[ii].body, "function_name")?;
                    return self.function_of(&a.value, &a.loc);
                }
                _ => {}
            }
        }
        let val = str_of(v, loc)?;
        let key = match val.as_str() {
            Some(s) => Some(format!("={}", function_name_from(s))),
            None => name_key(&val),
        };
        key.and_then(|k| self.function_names.get(&k).copied())
    }

    fn function_ref(&self, b: &EvalBody, loc: &Location) -> (Option<usize>, Value<String>) {
        match attr(b, "function_name") {
            Some(a) => (
                self.function_of(&a.value, &a.loc),
                str_of(&a.value, &a.loc).unwrap_or_else(|| Value::unknown("null", a.loc.clone())),
            ),
            None => (
                None,
                Value::unknown("function_name is not set", loc.clone()),
            ),
        }
    }

    fn permissions(&mut self) {
        let ps: Vec<_> = self
            .of_type(Mode::Managed, "aws_lambda_permission")
            .collect();
        for (_, x) in ps {
            let b = &x.body;
            let (function, function_ref) = self.function_ref(b, &x.loc);
            let mut conditions = Vec::new();
            for (field, key) in [
                (PermissionField::SourceArn, "source_arn"),
                (PermissionField::SourceAccount, "source_account"),
                (PermissionField::PrincipalOrgId, "principal_org_id"),
                (
                    PermissionField::FunctionUrlAuthType,
                    "function_url_auth_type",
                ),
                (PermissionField::EventSourceToken, "event_source_token"),
            ] {
                if let Some(v) = s(b, key) {
                    conditions.push(field.condition(v));
                }
            }
            let one = |key: &str| -> ValueList<String> {
                match s(b, key) {
                    Some(v) => {
                        let loc = v.loc().clone();
                        Value::known(vec![v], loc)
                    }
                    None => Value::unknown(format!("{key} is not set"), x.loc.clone()),
                }
            };
            self.inv.permissions.push(Permission {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                function,
                function_ref,
                effect_allow: true,
                actions: one("action"),
                principals: one("principal"),
                conditions,
            });
        }
    }

    fn urls(&mut self) {
        let us: Vec<_> = self
            .of_type(Mode::Managed, "aws_lambda_function_url")
            .collect();
        for (_, x) in us {
            let b = &x.body;
            let (function, function_ref) = self.function_ref(b, &x.loc);
            let cors = block_of(b, "cors").map(|(c, loc)| Cors {
                loc,
                allow_credentials: c
                    .attr("allow_credentials")
                    .and_then(|a| bool_of(&a.value, &a.loc)),
                allow_origins: c
                    .attr("allow_origins")
                    .and_then(|a| list_of(&a.value, &a.loc)),
                allow_methods: c
                    .attr("allow_methods")
                    .and_then(|a| list_of(&a.value, &a.loc)),
            });
            self.inv.urls.push(FunctionUrl {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                function,
                function_ref,
                auth_type: s(b, "authorization_type").unwrap_or_else(|| {
                    Value::unknown("authorization_type is not set", x.loc.clone())
                }),
                cors,
            });
        }
    }

    fn invoke_configs(&mut self) {
        let cs: Vec<_> = self
            .of_type(Mode::Managed, "aws_lambda_function_event_invoke_config")
            .collect();
        for (_, x) in cs {
            let b = &x.body;
            let (function, _) = self.function_ref(b, &x.loc);
            let on_failure = block_of(b, "destination_config")
                .and_then(|(d, _)| block_of(&d, "on_failure"))
                .and_then(|(o, _)| s(&o, "destination"));
            self.inv.event_invoke_configs.push(EventInvokeConfig {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                function,
                on_failure,
            });
        }
    }

    fn event_source_mappings(&mut self) {
        let ms: Vec<_> = self
            .of_type(Mode::Managed, "aws_lambda_event_source_mapping")
            .collect();
        for (_, x) in ms {
            let b = &x.body;
            let (function, _) = self.function_ref(b, &x.loc);
            let on_failure = block_of(b, "destination_config")
                .and_then(|(d, _)| block_of(&d, "on_failure"))
                .and_then(|(o, _)| s(&o, "destination_arn"));
            self.inv.event_source_mappings.push(EventSourceMapping {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                function,
                event_source: s(b, "event_source_arn"),
                on_failure,
            });
        }
    }

    fn aliases(&mut self) {
        let al: Vec<_> = self.of_type(Mode::Managed, "aws_lambda_alias").collect();
        for (_, x) in al {
            let (function, _) = self.function_ref(&x.body, &x.loc);
            self.inv.aliases.push(Alias {
                id: x.address.clone(),
                kind: self.kind,
                loc: x.loc.clone(),
                function,
                name: s(&x.body, "name")
                    .unwrap_or_else(|| Value::unknown("name is not set", x.loc.clone())),
            });
        }
    }

    /// `aws_secretsmanager_secret_rotation`: the secret it rotates, as `secret_id` names it
    /// (an ARN or name, or a reference such as `aws_secretsmanager_secret.db.id`).
    fn secret_rotations(&mut self) {
        let rs: Vec<_> = self
            .of_type(Mode::Managed, "aws_secretsmanager_secret_rotation")
            .collect();
        for (_, x) in rs {
            let secret = s(&x.body, "secret_id")
                .unwrap_or_else(|| Value::unknown("secret_id is not set", x.loc.clone()));
            self.inv.secret_rotations.push(SecretRotation {
                secret,
                loc: x.loc.clone(),
            });
        }
    }
}
