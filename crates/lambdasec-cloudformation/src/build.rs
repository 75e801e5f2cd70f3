//! A plain CloudFormation template → the lambdasec model.
//!
//! SAM and Serverless templates reach this builder already transformed into plain
//! CloudFormation. Values are evaluated with [`crate::eval`]; links are resolved by reference
//! (an unknown value remembers the logical ids it was computed from), by name, or by literal
//! ARN, and a reference to something outside the template is never invented.

use crate::eval::{CfUnknown, CfValue, Evaluator};
use crate::node::{Node, NodeValue};
use lambdasec_model::*;
use std::collections::HashMap;

/// Builds the inventory of one template. `rel` is the file's path relative to the scanned
/// root; `parameters` are `--parameter KEY=VALUE` overrides (also for pseudo parameters
/// such as `AWS::Region`).
pub fn build(rel: &str, root: &Node, parameters: &HashMap<String, String>) -> Inventory {
    let mut b = Builder::new(rel, root, parameters);
    b.build();
    b.inv.files = 1;
    b.inv
}

/// `# lambdasec:ignore` comments of a YAML template: a comment above a resource's logical id
/// covers the whole resource.
pub fn comment_suppressions(rel: &str, text: &str, root: &Node) -> Vec<Suppression> {
    let blocks: Vec<(u32, u32)> = resources(root)
        .map(|(key, node)| (key.loc.line, key.loc.line.max(max_line(node))))
        .collect();
    parse_suppressions(rel, text, &blocks)
}

/// CDK asset paths: `(logical id, Metadata."aws:asset:path")`.
pub fn asset_paths(root: &Node) -> Vec<(String, String)> {
    resources(root)
        .filter_map(|(key, node)| {
            let path = node.get("Metadata")?.get("aws:asset:path")?.as_str()?;
            Some((key.name.clone(), path.to_string()))
        })
        .collect()
}

fn resources(root: &Node) -> impl Iterator<Item = (&crate::node::Key, &Node)> {
    root.get("Resources")
        .map(Node::entries)
        .unwrap_or(&[])
        .iter()
        .map(|(k, v)| (k, v))
}

/// The last line of any node (or key) in a subtree.
fn max_line(node: &Node) -> u32 {
    let inner = match &node.value {
        NodeValue::List(items) => items.iter().map(max_line).max().unwrap_or(0),
        NodeValue::Map(entries) => entries
            .iter()
            .map(|(k, v)| k.loc.line.max(max_line(v)))
            .max()
            .unwrap_or(0),
        NodeValue::Intrinsic { arg, .. } => max_line(arg),
        _ => 0,
    };
    node.loc.line.max(inner)
}

/// A value with the location it is reported at and, when it is written out in the template,
/// its node (so nested properties and list items keep their own lines).
#[derive(Clone)]
struct Lv<'a> {
    v: CfValue,
    loc: Location,
    node: Option<&'a Node>,
}

struct Res<'a> {
    id: &'a str,
    rtype: &'a str,
    node: &'a Node,
    loc: Location,
}

fn unknown_value<T>(v: &CfValue, loc: &Location) -> Value<T> {
    Value::Unknown {
        unknown: v.model_unknown(),
        loc: loc.clone(),
    }
}

fn str_of(lv: &Lv) -> Option<Value<String>> {
    match &lv.v {
        CfValue::Null | CfValue::NoValue => None,
        v => Some(match v.scalar_text() {
            Some(s) => Value::known(s, lv.loc.clone()),
            None => unknown_value(v, &lv.loc),
        }),
    }
}

fn int_of(lv: &Lv) -> Option<Value<i64>> {
    match &lv.v {
        CfValue::Null | CfValue::NoValue => None,
        CfValue::Number(n) => Some(Value::known(*n as i64, lv.loc.clone())),
        CfValue::String(s) => Some(match s.trim().parse::<i64>() {
            Ok(n) => Value::known(n, lv.loc.clone()),
            Err(_) => Value::unknown(format!("\"{s}\" is not a number"), lv.loc.clone()),
        }),
        v => Some(unknown_value(v, &lv.loc)),
    }
}

fn bool_of(lv: &Lv) -> Option<Value<bool>> {
    match &lv.v {
        CfValue::Null | CfValue::NoValue => None,
        CfValue::Bool(b) => Some(Value::known(*b, lv.loc.clone())),
        CfValue::String(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
            Some(Value::known(s.eq_ignore_ascii_case("true"), lv.loc.clone()))
        }
        v => Some(unknown_value(v, &lv.loc)),
    }
}

/// `Statement[2].Effect` → 2.
fn statement_index(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("Statement[")?;
    rest[..rest.find(']')?].parse().ok()
}

/// The name in a Lambda function ARN, or the value itself when it is a plain name.
fn function_name_from(s: &str) -> &str {
    match s.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => s,
    }
}

/// The text after the last `marker` of a value whose end is known: the name in
/// `arn:aws:iam::${AWS::AccountId}:role/NAME` even when the account is not known.
fn known_tail<'v>(val: &'v Value<String>, marker: &str) -> Option<&'v str> {
    let text = match val {
        Value::Known { value, .. } => value.as_str(),
        Value::Unknown { unknown, .. } => match unknown.pieces.last() {
            Some(Piece::Lit(s)) => s.as_str(),
            _ => return None,
        },
    };
    text.rsplit_once(marker).map(|(_, n)| n)
}

fn account_of_arn(s: &str) -> Option<&str> {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn" && parts[4].len() == 12).then(|| parts[4])
}

struct Builder<'a> {
    rel: String,
    ev: Evaluator<'a>,
    res: Vec<Res<'a>>,
    inv: Inventory,
    /// logical id → index in the model vector of its type
    model_of: HashMap<&'a str, usize>,
    function_names: HashMap<String, usize>,
    role_names: HashMap<String, usize>,
    policy_names: HashMap<String, usize>,
}

impl<'a> Builder<'a> {
    fn new(rel: &str, root: &'a Node, parameters: &HashMap<String, String>) -> Self {
        let ev = Evaluator::new(root, parameters);
        let mut res = Vec::new();
        let mut inv = Inventory::default();
        for (key, node) in resources(root) {
            let Some(rtype) = node.get("Type").and_then(Node::as_str) else {
                inv.errors.push(SourceError {
                    file: rel.to_string(),
                    line: Some(key.loc.line),
                    message: format!("resource {} has no Type", key.name),
                });
                continue;
            };
            suppressions_of(rel, key, node, &mut inv.suppressions);
            if ev.resource_condition(node) == Some(false) {
                continue;
            }
            res.push(Res {
                id: key.name.as_str(),
                rtype,
                node,
                loc: key.loc.clone(),
            });
        }
        Builder {
            rel: rel.to_string(),
            ev,
            res,
            inv,
            model_of: HashMap::new(),
            function_names: HashMap::new(),
            role_names: HashMap::new(),
            policy_names: HashMap::new(),
        }
    }

    /// The local code of a function or layer: CDK's and the Serverless Framework's
    /// `aws:asset:path` metadata, or a local path in `props` (SAM's `CodeUri`/`ContentUri`,
    /// the input form of `aws cloudformation package`). S3 locations and inline code are not
    /// local paths.
    fn code_ref(&self, r: &Res, props: &[&str]) -> Option<CodeRef> {
        let base = self
            .rel
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default();
        let local = |n: &Node| {
            n.as_str()
                .filter(|p| !p.is_empty() && !p.contains("://"))
                .map(|p| Value::known(p.to_string(), n.loc.clone()))
        };
        let from_metadata = r
            .node
            .get("Metadata")
            .and_then(|m| m.get("aws:asset:path"))
            .and_then(local);
        let from_props = || {
            let p = r.node.get("Properties")?;
            props.iter().find_map(|k| p.get(k).and_then(local))
        };
        let path = from_metadata.or_else(from_props)?;
        Some(CodeRef { path, base })
    }

    fn build(&mut self) {
        self.managed_policies();
        self.roles();
        self.role_names = name_index(self.inv.roles.iter().map(|r| &r.name));
        self.attachments();
        self.subnets();
        self.security_groups();
        self.layers();
        self.log_groups();
        self.functions();
        self.function_names = name_index(self.inv.functions.iter().map(|f| &f.name));
        self.permissions();
        self.urls();
        self.invoke_configs();
        self.event_source_mappings();
        self.aliases();
        self.secret_rotations();
    }

    fn of_type(&self, rtype: &str) -> Vec<usize> {
        (0..self.res.len())
            .filter(|&i| self.res[i].rtype == rtype)
            .collect()
    }

    // ----- located values -----

    fn props(&self, r: &Res<'a>) -> Lv<'a> {
        match r.node.get("Properties") {
            Some(p) => Lv {
                v: self.ev.eval(p),
                loc: r.loc.clone(),
                node: Some(p),
            },
            None => Lv {
                v: CfValue::Map(Vec::new()),
                loc: r.loc.clone(),
                node: None,
            },
        }
    }

    fn get(&self, lv: &Lv<'a>, key: &str) -> Option<Lv<'a>> {
        if let Some(n) = lv.node {
            if let NodeValue::Map(_) = n.value {
                let child = n.get(key)?;
                let v = self.ev.eval(child);
                if v == CfValue::NoValue || v == CfValue::Null {
                    return None;
                }
                // A scalar is located at its value: on the key's line when written by hand,
                // and at its true source when SAM or Serverless generated the key.
                let scalar = !matches!(child.value, NodeValue::Map(_) | NodeValue::List(_));
                let loc = match n.key_loc(key) {
                    Some(k) if !scalar => k.clone(),
                    _ => child.loc.clone(),
                };
                return Some(Lv {
                    v,
                    loc,
                    node: Some(child),
                });
            }
        }
        match &lv.v {
            CfValue::Map(m) => m
                .iter()
                .find(|(k, _)| k == key)
                .filter(|(_, v)| *v != CfValue::Null)
                .map(|(_, v)| Lv {
                    v: v.clone(),
                    loc: lv.loc.clone(),
                    node: None,
                }),
            CfValue::Unknown(u) => Some(Lv {
                v: CfValue::Unknown(CfUnknown {
                    reason: u.reason.clone(),
                    pieces: Vec::new(),
                    refs: u.refs.clone(),
                }),
                loc: lv.loc.clone(),
                node: None,
            }),
            _ => None,
        }
    }

    fn path(&self, lv: &Lv<'a>, keys: &[&str]) -> Option<Lv<'a>> {
        let mut cur = lv.clone();
        for k in keys {
            cur = self.get(&cur, k)?;
        }
        Some(cur)
    }

    /// The items of a list; an unknown list gives one unknown item, a scalar itself.
    fn items(&self, lv: &Lv<'a>) -> Vec<Lv<'a>> {
        if let Some(n) = lv.node {
            if let NodeValue::List(items) = &n.value {
                return items
                    .iter()
                    .map(|i| Lv {
                        v: self.ev.eval(i),
                        loc: i.loc.clone(),
                        node: Some(i),
                    })
                    .filter(|l| l.v != CfValue::NoValue)
                    .collect();
            }
        }
        match &lv.v {
            CfValue::List(l) => l
                .iter()
                .map(|v| Lv {
                    v: v.clone(),
                    loc: lv.loc.clone(),
                    node: None,
                })
                .collect(),
            CfValue::Null | CfValue::NoValue => Vec::new(),
            _ => vec![lv.clone()],
        }
    }

    fn list_of(&self, lv: &Lv<'a>) -> ValueList<String> {
        match &lv.v {
            v @ CfValue::Unknown(_) => unknown_value(v, &lv.loc),
            _ => Value::known(
                self.items(lv).iter().filter_map(str_of).collect(),
                lv.loc.clone(),
            ),
        }
    }

    fn s(&self, lv: &Lv<'a>, key: &str) -> Option<Value<String>> {
        self.get(lv, key).as_ref().and_then(str_of)
    }

    fn err(&mut self, loc: &Location, message: String) {
        self.inv.errors.push(SourceError {
            file: self.rel.clone(),
            line: Some(loc.line),
            message,
        });
    }

    /// The first logical id a value refers to whose resource has one of `types` and is in
    /// the model.
    fn referenced(&self, v: &CfValue, types: &[&str]) -> Option<usize> {
        v.refs().iter().find_map(|id| {
            let t = self.ev.resource_type(id)?;
            if !types.contains(&t) {
                return None;
            }
            self.model_of.get(id.as_str()).copied()
        })
    }

    // ----- IAM -----

    fn policy_doc(&mut self, source: String, lv: &Lv<'a>) -> PolicyDoc {
        let mut statement_locs = Vec::new();
        let mut value = lv.v.clone();
        if let CfValue::String(s) = &lv.v {
            match crate::eval::parse_json(s) {
                Ok(v) => value = v,
                Err(e) => {
                    self.err(
                        &lv.loc,
                        format!("invalid policy in {source}: not valid JSON: {e}"),
                    );
                    return PolicyDoc {
                        source,
                        document: Value::unknown(
                            format!("policy is not valid JSON: {e}"),
                            lv.loc.clone(),
                        ),
                        statement_locs,
                    };
                }
            }
        } else if let Some(st) = lv.node.and_then(|n| n.get("Statement")) {
            match &st.value {
                NodeValue::List(items) => {
                    for i in items {
                        if self.ev.eval(i) != CfValue::NoValue {
                            statement_locs.push(i.loc.clone());
                        }
                    }
                }
                NodeValue::Map(_) => statement_locs.push(st.loc.clone()),
                _ => {}
            }
        }
        let document = match &value {
            v @ CfValue::Unknown(_) => unknown_value(v, &lv.loc),
            v => Value::known(v.to_doc(), lv.loc.clone()),
        };
        if let Value::Known { value: doc, loc } = &document {
            let (_, errors) = lambdasec_iam::parse::parse_policy(doc);
            for e in errors {
                let at = statement_index(&e.path)
                    .and_then(|i| statement_locs.get(i))
                    .unwrap_or(loc)
                    .clone();
                self.err(&at, format!("invalid policy in {source}: {e}"));
            }
        }
        PolicyDoc {
            source,
            document,
            statement_locs,
        }
    }

    fn managed_policies(&mut self) {
        for ri in self.of_type("AWS::IAM::ManagedPolicy") {
            let r = &self.res[ri];
            let (id, loc) = (r.id, r.loc.clone());
            let props = self.props(r);
            let document = match self.get(&props, "PolicyDocument") {
                Some(d) => self.policy_doc(id.to_string(), &d),
                None => PolicyDoc {
                    source: id.to_string(),
                    document: Value::unknown("PolicyDocument is not set", loc.clone()),
                    statement_locs: Vec::new(),
                },
            };
            let name = self.s(&props, "ManagedPolicyName").unwrap_or_else(|| {
                Value::unknown(
                    "the policy name is generated by CloudFormation",
                    loc.clone(),
                )
            });
            if let Some(n) = name.as_str() {
                self.policy_names
                    .entry(n.to_ascii_lowercase())
                    .or_insert(self.inv.policies.len());
            }
            self.model_of.insert(id, self.inv.policies.len());
            self.inv.policies.push(ManagedPolicy {
                id: id.to_string(),
                loc,
                name,
                document,
            });
        }
    }

    /// A managed-policy reference: to a policy in the template, or an external ARN.
    fn policy_link(&self, lv: &Lv<'a>) -> Link {
        if let Some(m) = self.referenced(&lv.v, &["AWS::IAM::ManagedPolicy"]) {
            return Link::Resolved(m);
        }
        match str_of(lv) {
            Some(val @ Value::Known { .. }) => {
                let arn = val.as_str().unwrap_or_default();
                let aws_managed = arn.split(':').nth(4) == Some("aws");
                if !aws_managed {
                    let name = arn
                        .rsplit_once(":policy/")
                        .map(|(_, n)| n.rsplit('/').next().unwrap_or(n));
                    if let Some(&m) =
                        name.and_then(|n| self.policy_names.get(&n.to_ascii_lowercase()))
                    {
                        return Link::Resolved(m);
                    }
                }
                Link::External(val)
            }
            Some(other) => {
                // `arn:aws:iam::${AWS::AccountId}:policy/NAME`: a customer policy by name.
                let name = known_tail(&other, ":policy/")
                    .map(|n| n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase());
                match name.and_then(|n| self.policy_names.get(&n).copied()) {
                    Some(m) => Link::Resolved(m),
                    None => Link::Unknown(other),
                }
            }
            None => Link::Unknown(Value::unknown("null", lv.loc.clone())),
        }
    }

    fn roles(&mut self) {
        for ri in self.of_type("AWS::IAM::Role") {
            let r = &self.res[ri];
            let (id, loc) = (r.id, r.loc.clone());
            let props = self.props(r);
            let trust = self
                .get(&props, "AssumeRolePolicyDocument")
                .map(|d| self.policy_doc(format!("{id}.AssumeRolePolicyDocument"), &d));
            let mut inline = Vec::new();
            if let Some(ps) = self.get(&props, "Policies") {
                for p in self.items(&ps) {
                    let name = self
                        .s(&p, "PolicyName")
                        .map(|n| n.display())
                        .unwrap_or_default();
                    let source = format!("{id}.Policies[{name}]");
                    match self.get(&p, "PolicyDocument") {
                        Some(d) => inline.push(self.policy_doc(source, &d)),
                        None if p.v.is_unknown() => inline.push(PolicyDoc {
                            source,
                            document: unknown_value(&p.v, &p.loc),
                            statement_locs: Vec::new(),
                        }),
                        None => {}
                    }
                }
            }
            let managed = self
                .get(&props, "ManagedPolicyArns")
                .map(|m| self.items(&m).iter().map(|l| self.policy_link(l)).collect())
                .unwrap_or_default();
            let boundary = self
                .get(&props, "PermissionsBoundary")
                .map(|b| self.policy_link(&b));
            let name = match self.s(&props, "RoleName") {
                Some(n) => n,
                None => Value::Unknown {
                    unknown: Unknown {
                        reason: "the role name is generated by CloudFormation".into(),
                        pieces: vec![Piece::Hole {
                            expr: format!("{id}.Ref"),
                        }],
                    },
                    loc: loc.clone(),
                },
            };
            let arn_v = self.ev.get_att(id, "Arn", 0);
            let arn = Some(match arn_v.scalar_text() {
                Some(s) => Value::known(s, loc.clone()),
                None => unknown_value(&arn_v, &loc),
            });
            self.model_of.insert(id, self.inv.roles.len());
            self.inv.roles.push(Role {
                id: id.to_string(),
                kind: SourceKind::CloudFormation,
                loc,
                name,
                arn,
                trust_policy: trust,
                inline_policies: inline,
                managed_policies: managed,
                permissions_boundary: boundary,
            });
        }
    }

    /// A role named by reference, name or ARN.
    fn role_of(&self, lv: &Lv<'a>) -> Link {
        if let Some(m) = self.referenced(&lv.v, &["AWS::IAM::Role"]) {
            return Link::Resolved(m);
        }
        let Some(val) = str_of(lv) else {
            return Link::Unknown(Value::unknown("null", lv.loc.clone()));
        };
        let key = match (val.as_str(), known_tail(&val, ":role/")) {
            (_, Some(n)) => Some(format!("={}", n.rsplit('/').next().unwrap_or(n))),
            (Some(s), None) => Some(format!("={s}")),
            (None, None) => name_key(&val),
        };
        let found = key
            .and_then(|k| self.role_names.get(&k).copied())
            .or_else(|| name_key(&val).and_then(|k| self.role_names.get(&k).copied()));
        match (found, val.is_known()) {
            (Some(r), _) => Link::Resolved(r),
            (None, true) => Link::External(val),
            (None, false) => Link::Unknown(val),
        }
    }

    /// `AWS::IAM::Policy` and `AWS::IAM::RolePolicy` (inline policies of roles) and
    /// `AWS::IAM::ManagedPolicy.Roles`.
    fn attachments(&mut self) {
        for ri in 0..self.res.len() {
            let r = &self.res[ri];
            let (id, rtype) = (r.id, r.rtype);
            if !matches!(
                rtype,
                "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" | "AWS::IAM::RolePolicy"
            ) {
                continue;
            }
            let props = self.props(r);
            let roles = if rtype == "AWS::IAM::RolePolicy" {
                self.get(&props, "RoleName")
            } else {
                self.get(&props, "Roles")
            };
            let Some(roles) = roles else {
                continue;
            };
            let targets: Vec<usize> = self
                .items(&roles)
                .iter()
                .filter_map(|l| self.role_of(l).resolved())
                .collect();
            if targets.is_empty() {
                continue;
            }
            if rtype != "AWS::IAM::ManagedPolicy" {
                let Some(d) = self.get(&props, "PolicyDocument") else {
                    continue;
                };
                let doc = self.policy_doc(id.to_string(), &d);
                for t in targets {
                    self.inv.roles[t].inline_policies.push(doc.clone());
                }
            } else if let Some(&m) = self.model_of.get(id) {
                for t in targets {
                    self.inv.roles[t].managed_policies.push(Link::Resolved(m));
                }
            }
        }
    }

    // ----- network -----

    fn subnets(&mut self) {
        for ri in self.of_type("AWS::EC2::Subnet") {
            let r = &self.res[ri];
            let props = self.props(r);
            let az = self
                .s(&props, "AvailabilityZone")
                .or_else(|| self.s(&props, "AvailabilityZoneId"))
                .unwrap_or_else(|| {
                    Value::unknown("availability zone chosen by AWS", r.loc.clone())
                });
            self.model_of.insert(r.id, self.inv.subnets.len());
            self.inv.subnets.push(Subnet {
                id: r.id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: r.loc.clone(),
                availability_zone: az,
            });
        }
    }

    fn egress_rule(&self, lv: &Lv<'a>, loc: &Location) -> EgressRule {
        let mut cidrs = Vec::new();
        let mut unknown_cidrs = None;
        for key in ["CidrIp", "CidrIpv6"] {
            match self.s(lv, key) {
                Some(v @ Value::Known { .. }) => cidrs.push(v),
                Some(u) => unknown_cidrs = Some(u.map(|s| vec![Value::known(s, loc.clone())])),
                None => {}
            }
        }
        EgressRule {
            loc: loc.clone(),
            protocol: self
                .s(lv, "IpProtocol")
                .unwrap_or_else(|| Value::unknown("IpProtocol is not set", loc.clone())),
            from_port: self.get(lv, "FromPort").as_ref().and_then(int_of),
            to_port: self.get(lv, "ToPort").as_ref().and_then(int_of),
            cidrs: unknown_cidrs.unwrap_or_else(|| Value::known(cidrs, loc.clone())),
        }
    }

    fn security_groups(&mut self) {
        for ri in self.of_type("AWS::EC2::SecurityGroup") {
            let r = &self.res[ri];
            let props = self.props(r);
            let mut egress = Vec::new();
            let mut incomplete = None;
            match self.get(&props, "SecurityGroupEgress") {
                Some(l) if l.v.is_unknown() => {
                    incomplete = Some(format!(
                        "egress rules are not known: {}",
                        l.v.model_unknown().reason
                    ));
                }
                Some(l) if !self.items(&l).is_empty() => {
                    for item in self.items(&l) {
                        if item.v.is_unknown() {
                            incomplete = Some(format!(
                                "an egress rule is not known: {}",
                                item.v.model_unknown().reason
                            ));
                            continue;
                        }
                        let loc = item.loc.clone();
                        egress.push(self.egress_rule(&item, &loc));
                    }
                }
                // Without SecurityGroupEgress, AWS keeps the default rule: all traffic to
                // anywhere.
                _ => egress.push(EgressRule {
                    loc: r.loc.clone(),
                    protocol: Value::known("-1".into(), r.loc.clone()),
                    from_port: None,
                    to_port: None,
                    cidrs: Value::known(
                        vec![Value::known("0.0.0.0/0".to_string(), r.loc.clone())],
                        r.loc.clone(),
                    ),
                }),
            }
            let name = self
                .s(&props, "GroupName")
                .unwrap_or_else(|| Value::unknown("name is generated", r.loc.clone()));
            self.model_of.insert(r.id, self.inv.security_groups.len());
            self.inv.security_groups.push(SecurityGroup {
                id: r.id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: r.loc.clone(),
                name,
                egress,
                egress_incomplete: incomplete,
            });
        }
        for ri in self.of_type("AWS::EC2::SecurityGroupEgress") {
            let r = &self.res[ri];
            let props = self.props(r);
            let Some(g) = self.get(&props, "GroupId") else {
                continue;
            };
            let Some(gi) = self.referenced(&g.v, &["AWS::EC2::SecurityGroup"]) else {
                continue;
            };
            let rule = self.egress_rule(&props, &r.loc);
            self.inv.security_groups[gi].egress.push(rule);
        }
    }

    fn vpc_links(&self, lv: Option<Lv<'a>>, rtype: &str) -> Vec<Link> {
        let Some(lv) = lv else {
            return Vec::new();
        };
        self.items(&lv)
            .iter()
            .map(|item| {
                if let Some(m) = self.referenced(&item.v, &[rtype]) {
                    return Link::Resolved(m);
                }
                match str_of(item) {
                    Some(v @ Value::Known { .. }) => Link::External(v),
                    Some(v) => Link::Unknown(v),
                    None => Link::Unknown(Value::unknown("null", item.loc.clone())),
                }
            })
            .collect()
    }

    // ----- layers and logs -----

    fn layers(&mut self) {
        for ri in self.of_type("AWS::Lambda::LayerVersion") {
            let r = &self.res[ri];
            let props = self.props(r);
            let name = self.s(&props, "LayerName").unwrap_or_else(|| {
                Value::unknown(
                    "the layer name is generated by CloudFormation",
                    r.loc.clone(),
                )
            });
            let compatible_runtimes = self
                .get(&props, "CompatibleRuntimes")
                .map(|l| self.list_of(&l));
            self.model_of.insert(r.id, self.inv.layers.len());
            self.inv.layers.push(Layer {
                id: r.id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: r.loc.clone(),
                name,
                compatible_runtimes,
                code: self.code_ref(r, &["ContentUri", "Content"]),
            });
        }
    }

    fn log_groups(&mut self) {
        for ri in self.of_type("AWS::Logs::LogGroup") {
            let r = &self.res[ri];
            let props = self.props(r);
            let name = self
                .s(&props, "LogGroupName")
                .unwrap_or_else(|| Value::Unknown {
                    unknown: Unknown {
                        reason: "the log group name is generated by CloudFormation".into(),
                        pieces: vec![Piece::Hole {
                            expr: format!("{}.Ref", r.id),
                        }],
                    },
                    loc: r.loc.clone(),
                });
            let retention_days = self
                .get(&props, "RetentionInDays")
                .as_ref()
                .and_then(int_of);
            let kms_key = self.s(&props, "KmsKeyId");
            self.model_of.insert(r.id, self.inv.log_groups.len());
            self.inv.log_groups.push(LogGroup {
                id: r.id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: r.loc.clone(),
                name,
                retention_days,
                kms_key,
            });
        }
    }

    // ----- functions -----

    fn functions(&mut self) {
        let groups = name_index(self.inv.log_groups.iter().map(|g| &g.name));
        for ri in self.of_type("AWS::Lambda::Function") {
            let r = &self.res[ri];
            let (id, loc) = (r.id, r.loc.clone());
            let props = self.props(r);
            let generated_name = self.s(&props, "FunctionName").is_none();
            let name = self
                .s(&props, "FunctionName")
                .unwrap_or_else(|| Value::Unknown {
                    unknown: Unknown {
                        reason: "FunctionName is not set; CloudFormation generates it".into(),
                        pieces: vec![Piece::Hole {
                            expr: format!("{id}.Ref"),
                        }],
                    },
                    loc: loc.clone(),
                });
            let environment = match self.path(&props, &["Environment", "Variables"]) {
                None => Value::known(Vec::new(), loc.clone()),
                Some(vars) => match (&vars.v, vars.node) {
                    (
                        CfValue::Map(_),
                        Some(
                            n @ Node {
                                value: NodeValue::Map(entries),
                                ..
                            },
                        ),
                    ) => Value::known(
                        entries
                            .iter()
                            .filter_map(|(k, _)| {
                                let lv = self.get(
                                    &Lv {
                                        v: CfValue::Null,
                                        loc: vars.loc.clone(),
                                        node: Some(n),
                                    },
                                    &k.name,
                                )?;
                                Some(EnvVar {
                                    name: k.name.clone(),
                                    value: str_of(&lv)?,
                                    withheld: None,
                                })
                            })
                            .collect(),
                        vars.loc.clone(),
                    ),
                    (CfValue::Map(m), _) => Value::known(
                        m.iter()
                            .filter_map(|(k, v)| {
                                Some(EnvVar {
                                    name: k.clone(),
                                    value: str_of(&Lv {
                                        v: v.clone(),
                                        loc: vars.loc.clone(),
                                        node: None,
                                    })?,
                                    withheld: None,
                                })
                            })
                            .collect(),
                        vars.loc.clone(),
                    ),
                    (v, _) => unknown_value(v, &vars.loc),
                },
            };
            let vpc = self.get(&props, "VpcConfig").and_then(|v| {
                let subnets = self.vpc_links(self.get(&v, "SubnetIds"), "AWS::EC2::Subnet");
                let sgs =
                    self.vpc_links(self.get(&v, "SecurityGroupIds"), "AWS::EC2::SecurityGroup");
                (!subnets.is_empty() || !sgs.is_empty()).then(|| VpcConfig {
                    subnets,
                    security_groups: sgs,
                    loc: v.loc.clone(),
                })
            });
            let layers = match self.get(&props, "Layers") {
                None => Value::known(Vec::new(), loc.clone()),
                Some(l) if l.v.is_unknown() => unknown_value(&l.v, &l.loc),
                Some(l) => Value::known(
                    self.items(&l)
                        .iter()
                        .map(|item| {
                            Value::known(
                                LayerRef {
                                    arn: str_of(item).unwrap_or_else(|| {
                                        Value::unknown("null", item.loc.clone())
                                    }),
                                    resolves_to_latest: false,
                                    layer: self.referenced(&item.v, &["AWS::Lambda::LayerVersion"]),
                                },
                                item.loc.clone(),
                            )
                        })
                        .collect(),
                    l.loc.clone(),
                ),
            };
            let role_lv = self.get(&props, "Role");
            let account = role_lv
                .as_ref()
                .and_then(|l| l.v.as_str())
                .and_then(account_of_arn)
                .map(str::to_string);
            let role = role_lv.as_ref().map(|l| self.role_of(l));
            let log_group_name = self
                .path(&props, &["LoggingConfig", "LogGroup"])
                .as_ref()
                .and_then(str_of);
            let expected = match &log_group_name {
                Some(n) => Some(n.clone()),
                None => default_log_group(&name),
            };
            let log_group = expected
                .as_ref()
                .and_then(name_key)
                .and_then(|k| groups.get(&k).copied());
            let f = Function {
                id: id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: loc.clone(),
                name,
                generated_name,
                account,
                package_type: self.s(&props, "PackageType"),
                runtime: self.s(&props, "Runtime"),
                handler: self.s(&props, "Handler"),
                role,
                environment,
                env_kms_key: self.s(&props, "KmsKeyArn"),
                vpc,
                tracing_mode: self.get(&props, "TracingConfig").map(|t| {
                    self.s(&t, "Mode")
                        .unwrap_or_else(|| Value::unknown("Mode is not set", t.loc.clone()))
                }),
                dead_letter_target: self.get(&props, "DeadLetterConfig").map(|d| {
                    self.s(&d, "TargetArn")
                        .unwrap_or_else(|| Value::unknown("TargetArn is not set", d.loc.clone()))
                }),
                reserved_concurrency: self
                    .get(&props, "ReservedConcurrentExecutions")
                    .as_ref()
                    .and_then(int_of),
                code_signing_config: self.s(&props, "CodeSigningConfigArn"),
                layers,
                log_group_name,
                code: self.code_ref(r, &["CodeUri", "Code"]),
                log_group,
            };
            self.model_of.insert(id, self.inv.functions.len());
            self.inv.functions.push(f);
        }
    }

    /// The function a `FunctionName`/`TargetFunctionArn` names: by reference (to a function,
    /// alias or version), by name, or by ARN.
    fn function_of(&self, lv: &Lv<'a>, depth: u32) -> Option<usize> {
        if depth > 8 {
            return None;
        }
        for id in lv.v.refs() {
            match self.ev.resource_type(&id) {
                Some("AWS::Lambda::Function") => {
                    if let Some(&m) = self.model_of.get(id.as_str()) {
                        return Some(m);
                    }
                }
                Some("AWS::Lambda::Alias" | "AWS::Lambda::Version") => {
                    let r = self.res.iter().find(|r| r.id == id)?;
                    let fl = self.get(&self.props(r), "FunctionName")?;
                    return self.function_of(&fl, depth + 1);
                }
                _ => {}
            }
        }
        let val = str_of(lv)?;
        let key = match (val.as_str(), known_tail(&val, ":function:")) {
            (Some(s), _) => Some(format!("={}", function_name_from(s))),
            (None, Some(n)) if !n.is_empty() => {
                Some(format!("={}", n.split(':').next().unwrap_or(n)))
            }
            _ => name_key(&val),
        };
        key.and_then(|k| self.function_names.get(&k).copied())
            .or_else(|| name_key(&val).and_then(|k| self.function_names.get(&k).copied()))
    }

    fn function_ref(
        &self,
        props: &Lv<'a>,
        key: &str,
        loc: &Location,
    ) -> (Option<usize>, Value<String>) {
        match self.get(props, key) {
            Some(l) => (
                self.function_of(&l, 0),
                str_of(&l).unwrap_or_else(|| Value::unknown("null", l.loc.clone())),
            ),
            None => (
                None,
                Value::unknown(format!("{key} is not set"), loc.clone()),
            ),
        }
    }

    fn permissions(&mut self) {
        for ri in self.of_type("AWS::Lambda::Permission") {
            let r = &self.res[ri];
            let props = self.props(r);
            let (function, function_ref) = self.function_ref(&props, "FunctionName", &r.loc);
            let mut conditions = Vec::new();
            for (field, key) in [
                (PermissionField::SourceArn, "SourceArn"),
                (PermissionField::SourceAccount, "SourceAccount"),
                (PermissionField::PrincipalOrgId, "PrincipalOrgID"),
                (PermissionField::FunctionUrlAuthType, "FunctionUrlAuthType"),
                (PermissionField::EventSourceToken, "EventSourceToken"),
                (
                    PermissionField::InvokedViaFunctionUrl,
                    "InvokedViaFunctionUrl",
                ),
            ] {
                if let Some(v) = self.s(&props, key) {
                    conditions.push(field.condition(v));
                }
            }
            let one = |key: &str| -> ValueList<String> {
                match self.s(&props, key) {
                    Some(v) => {
                        let loc = v.loc().clone();
                        Value::known(vec![v], loc)
                    }
                    None => Value::unknown(format!("{key} is not set"), r.loc.clone()),
                }
            };
            let p = Permission {
                id: r.id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: r.loc.clone(),
                function,
                function_ref,
                effect_allow: true,
                actions: one("Action"),
                principals: one("Principal"),
                conditions,
            };
            self.inv.permissions.push(p);
        }
    }

    fn urls(&mut self) {
        for ri in self.of_type("AWS::Lambda::Url") {
            let r = &self.res[ri];
            let props = self.props(r);
            let (function, function_ref) = self.function_ref(&props, "TargetFunctionArn", &r.loc);
            let cors = self.get(&props, "Cors").map(|c| Cors {
                loc: c.loc.clone(),
                allow_credentials: self.get(&c, "AllowCredentials").as_ref().and_then(bool_of),
                allow_origins: self.get(&c, "AllowOrigins").map(|l| self.list_of(&l)),
                allow_methods: self.get(&c, "AllowMethods").map(|l| self.list_of(&l)),
            });
            let auth_type = self
                .s(&props, "AuthType")
                .unwrap_or_else(|| Value::unknown("AuthType is not set", r.loc.clone()));
            self.inv.urls.push(FunctionUrl {
                id: r.id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: r.loc.clone(),
                function,
                function_ref,
                auth_type,
                cors,
            });
        }
    }

    fn invoke_configs(&mut self) {
        for ri in self.of_type("AWS::Lambda::EventInvokeConfig") {
            let r = &self.res[ri];
            let props = self.props(r);
            let (function, _) = self.function_ref(&props, "FunctionName", &r.loc);
            let on_failure = self
                .path(&props, &["DestinationConfig", "OnFailure", "Destination"])
                .as_ref()
                .and_then(str_of);
            self.inv.event_invoke_configs.push(EventInvokeConfig {
                id: r.id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: r.loc.clone(),
                function,
                on_failure,
            });
        }
    }

    fn event_source_mappings(&mut self) {
        for ri in self.of_type("AWS::Lambda::EventSourceMapping") {
            let r = &self.res[ri];
            let props = self.props(r);
            let (function, _) = self.function_ref(&props, "FunctionName", &r.loc);
            let on_failure = self
                .path(&props, &["DestinationConfig", "OnFailure", "Destination"])
                .as_ref()
                .and_then(str_of);
            let event_source = self.s(&props, "EventSourceArn");
            self.inv.event_source_mappings.push(EventSourceMapping {
                id: r.id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: r.loc.clone(),
                function,
                event_source,
                on_failure,
            });
        }
    }

    fn aliases(&mut self) {
        for ri in self.of_type("AWS::Lambda::Alias") {
            let r = &self.res[ri];
            let props = self.props(r);
            let (function, _) = self.function_ref(&props, "FunctionName", &r.loc);
            let name = self
                .s(&props, "Name")
                .unwrap_or_else(|| Value::unknown("Name is not set", r.loc.clone()));
            self.inv.aliases.push(Alias {
                id: r.id.to_string(),
                kind: SourceKind::CloudFormation,
                loc: r.loc.clone(),
                function,
                name,
            });
        }
    }

    /// `AWS::SecretsManager::RotationSchedule`: the secret it rotates, as `SecretId` names it
    /// (an ARN or name, or `!Ref DbSecret`, which stays a partly known ARN).
    fn secret_rotations(&mut self) {
        for ri in self.of_type("AWS::SecretsManager::RotationSchedule") {
            let r = &self.res[ri];
            let props = self.props(r);
            let secret = self
                .s(&props, "SecretId")
                .unwrap_or_else(|| Value::unknown("SecretId is not set", r.loc.clone()));
            self.inv.secret_rotations.push(SecretRotation {
                secret,
                loc: r.loc.clone(),
            });
        }
    }
}

/// `Metadata: {lambdasec: {ignore: [{id: LS401, reason: ...}]}}` on a resource covers the
/// whole resource.
fn suppressions_of(rel: &str, key: &crate::node::Key, node: &Node, out: &mut Vec<Suppression>) {
    let Some(ignore) = node
        .get("Metadata")
        .and_then(|m| m.get("lambdasec"))
        .and_then(|l| l.get("ignore"))
    else {
        return;
    };
    let start = key.loc.line;
    let end = start.max(max_line(node));
    let entries: Vec<&Node> = match &ignore.value {
        NodeValue::List(items) => items.iter().collect(),
        _ => vec![ignore],
    };
    for e in entries {
        let (rules, reason) = match &e.value {
            NodeValue::String(id) => (vec![id.trim().to_ascii_uppercase()], None),
            NodeValue::Map(_) => {
                let rules = match e.get("id").or_else(|| e.get("rules")).map(|n| &n.value) {
                    Some(NodeValue::String(id)) => id
                        .split(',')
                        .map(|s| s.trim().to_ascii_uppercase())
                        .filter(|s| !s.is_empty())
                        .collect(),
                    Some(NodeValue::List(ids)) => ids
                        .iter()
                        .filter_map(Node::as_str)
                        .map(|s| s.trim().to_ascii_uppercase())
                        .collect(),
                    _ => Vec::new(),
                };
                (rules, e.get("reason").and_then(Node::as_str))
            }
            _ => continue,
        };
        out.push(Suppression {
            file: rel.to_string(),
            start_line: start,
            end_line: end,
            rules,
            reason: reason
                .map(str::to_string)
                .unwrap_or_else(|| "no reason given".to_string()),
        });
    }
}
