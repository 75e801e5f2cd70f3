//! AWS SAM → plain CloudFormation, on [`Node`]s.
//!
//! [`expand`] does what the SAM translator (`aws-sam-translator`) does for the parts lambdasec
//! checks: `Globals` are merged into each serverless resource, `AWS::Serverless::Function`
//! becomes an `AWS::Lambda::Function` plus the resources SAM generates for it (execution role
//! with its managed and inline policies and expanded policy templates, function URL and its
//! public permissions, event invoke config, alias and version, and per event source the
//! permission, rule, subscription or event source mapping SAM creates), and the other
//! serverless types are mapped to their plain resources.
//!
//! Every generated node carries the location of the SAM source that produced it (the
//! function's logical id, or the property or event that caused it), so findings on generated
//! resources point at the SAM template's lines. Nodes copied from the template keep their own
//! location. Odd input never panics: what cannot be translated gives a warning.
//!
//! Deliberate differences from SAM: generated logical ids carry no hashes
//! (`<Fn>Version`, not `<Fn>Version<sha>`; layers keep their id), the partition in ARNs SAM
//! resolves at transform time is written as `aws` (managed policies) or `${AWS::Partition}`
//! (`Fn::Sub` source ARNs), and a local `CodeUri` (which `sam package` would upload) is kept on
//! the function as a `CodeUri` property instead of a `Code` property.
//!
//! Policy templates come from `data/sam-policy-templates.json` (see `data/PROVENANCE.md`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use lambdasec_model::Location;

use crate::node::{Key, Node, NodeValue};

/// The transform that marks a template as SAM.
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

const POLICY_TEMPLATES_JSON: &str = include_str!("../../../data/sam-policy-templates.json");

const LAMBDA_BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const LAMBDA_BASIC_DURABLE: &str =
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy";
const LAMBDA_VPC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
const XRAY_WRITE: &str = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess";

/// Whether the template declares the SAM transform (`Transform` as a string or in a list).
pub fn is_sam(root: &Node) -> bool {
    match root.get("Transform") {
        Some(t) => match &t.value {
            NodeValue::String(s) => s == SAM_TRANSFORM,
            NodeValue::List(items) => items.iter().any(|i| i.as_str() == Some(SAM_TRANSFORM)),
            _ => false,
        },
        None => false,
    }
}

/// Expand a SAM template into a plain CloudFormation template (the SAM transform removed from
/// `Transform`, `Globals` dropped after merging). Returns the template and warnings.
pub fn expand(root: &Node) -> (Node, Vec<String>) {
    let mut x = Expander {
        warnings: Vec::new(),
        globals: BTreeMap::new(),
        resources_in: root
            .get("Resources")
            .map(|r| r.entries().to_vec())
            .unwrap_or_default(),
        out: Vec::new(),
        patches: Vec::new(),
        implicit_rest: Vec::new(),
        implicit_http: None,
    };
    if !matches!(root.value, NodeValue::Map(_)) {
        x.warn("template is not a mapping; nothing to expand".to_string());
        return (root.clone(), x.warnings);
    }
    x.read_globals(root.get("Globals"));
    x.expand_resources();

    let mut entries = Vec::new();
    for (k, v) in root.entries() {
        match k.name.as_str() {
            "Globals" => {}
            "Transform" => {
                // Keep other transforms (e.g. AWS::LanguageExtensions) that are still to run.
                let rest: Vec<Node> = match &v.value {
                    NodeValue::List(items) => items
                        .iter()
                        .filter(|i| i.as_str() != Some(SAM_TRANSFORM))
                        .cloned()
                        .collect(),
                    NodeValue::String(s) if s == SAM_TRANSFORM => Vec::new(),
                    _ => vec![v.clone()],
                };
                match rest.len() {
                    0 => {}
                    1 if !matches!(v.value, NodeValue::List(_)) => {
                        entries.push((k.clone(), rest[0].clone()))
                    }
                    _ => entries.push((k.clone(), Node::new(NodeValue::List(rest), v.loc.clone()))),
                }
            }
            "Resources" => {
                let res = std::mem::take(&mut x.out);
                entries.push((k.clone(), Node::new(NodeValue::Map(res), v.loc.clone())));
            }
            _ => entries.push((k.clone(), v.clone())),
        }
    }
    (
        Node::new(NodeValue::Map(entries), root.loc.clone()),
        x.warnings,
    )
}

// ---------------------------------------------------------------------------------------------
// Node construction helpers. Every generated node gets the location it is given.

fn s(text: &str, loc: &Location) -> Node {
    Node::new(NodeValue::String(text.to_string()), loc.clone())
}

fn b(v: bool, loc: &Location) -> Node {
    Node::new(NodeValue::Bool(v), loc.clone())
}

fn list(items: Vec<Node>, loc: &Location) -> Node {
    Node::new(NodeValue::List(items), loc.clone())
}

fn map(entries: Vec<(&str, Node)>, loc: &Location) -> Node {
    Node::new(
        NodeValue::Map(entries.into_iter().map(|(k, v)| (key(k, loc), v)).collect()),
        loc.clone(),
    )
}

fn key(name: &str, loc: &Location) -> Key {
    Key {
        name: name.to_string(),
        loc: loc.clone(),
    }
}

fn intrinsic(name: &str, arg: Node, loc: &Location) -> Node {
    Node::new(
        NodeValue::Intrinsic {
            name: name.to_string(),
            arg: Box::new(arg),
        },
        loc.clone(),
    )
}

fn r#ref(id: &str, loc: &Location) -> Node {
    intrinsic("Ref", s(id, loc), loc)
}

fn get_att(id: &str, attr: &str, loc: &Location) -> Node {
    intrinsic("Fn::GetAtt", list(vec![s(id, loc), s(attr, loc)], loc), loc)
}

fn sub(fmt: &str, vars: Vec<(&str, Node)>, loc: &Location) -> Node {
    if vars.is_empty() {
        intrinsic("Fn::Sub", s(fmt, loc), loc)
    } else {
        intrinsic("Fn::Sub", list(vec![s(fmt, loc), map(vars, loc)], loc), loc)
    }
}

/// Add or replace a key of a map node (other nodes are left as they are).
fn set(node: &mut Node, name: &str, value: Node) {
    if let NodeValue::Map(entries) = &mut node.value {
        if let Some(e) = entries.iter_mut().find(|(k, _)| k.name == name) {
            e.1 = value;
        } else {
            let loc = value.loc.clone();
            entries.push((key(name, &loc), value));
        }
    }
}

fn get_mut<'a>(node: &'a mut Node, name: &str) -> Option<&'a mut Node> {
    match &mut node.value {
        NodeValue::Map(entries) => entries
            .iter_mut()
            .find(|(k, _)| k.name == name)
            .map(|(_, v)| v),
        _ => None,
    }
}

/// `Ref X` → `X` (the logical id a reference names).
fn ref_target(node: &Node) -> Option<&str> {
    match &node.value {
        NodeValue::Intrinsic { name, arg } if name == "Ref" => arg.as_str(),
        _ => None,
    }
}

/// The location of a property: its key when there is one, else the fallback.
fn prop_loc(props: &Node, name: &str, fallback: &Location) -> Location {
    props
        .key_loc(name)
        .cloned()
        .unwrap_or_else(|| fallback.clone())
}

/// SAM's Globals merge: maps merge key by key (the resource wins), lists concatenate
/// (global items first), anything else (scalars, intrinsics, mismatched types) is overridden
/// by the resource's value.
fn merge_global(global: &Node, local: &Node) -> Node {
    match (&global.value, &local.value) {
        (NodeValue::Map(g), NodeValue::Map(l)) => {
            let mut out: Vec<(Key, Node)> = g.clone();
            for (lk, lv) in l {
                if let Some(slot) = out.iter_mut().find(|(k, _)| k.name == lk.name) {
                    let merged = merge_global(&slot.1, lv);
                    *slot = (lk.clone(), merged);
                } else {
                    out.push((lk.clone(), lv.clone()));
                }
            }
            Node::new(NodeValue::Map(out), local.loc.clone())
        }
        (NodeValue::List(g), NodeValue::List(l)) => {
            let mut out = g.clone();
            out.extend(l.iter().cloned());
            Node::new(NodeValue::List(out), local.loc.clone())
        }
        _ => local.clone(),
    }
}

/// A JSON value from the embedded data as a node; `{"Ref": x}` and `{"Fn::*": x}` become
/// intrinsics, as the loader normalises them.
fn json_to_node(v: &serde_json::Value, loc: &Location) -> Node {
    use serde_json::Value;
    let value = match v {
        Value::Null => NodeValue::Null,
        Value::Bool(b) => NodeValue::Bool(*b),
        Value::Number(n) => NodeValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => NodeValue::String(s.clone()),
        Value::Array(a) => NodeValue::List(a.iter().map(|i| json_to_node(i, loc)).collect()),
        Value::Object(o) => {
            if o.len() == 1 {
                let (k, arg) = o.iter().next().expect("one entry");
                if k == "Ref" || k.starts_with("Fn::") {
                    return intrinsic(k, json_to_node(arg, loc), loc);
                }
            }
            NodeValue::Map(
                o.iter()
                    .map(|(k, v)| (key(k, loc), json_to_node(v, loc)))
                    .collect(),
            )
        }
    };
    Node::new(value, loc.clone())
}

/// Replace `Ref <Param>` in a template definition by the given parameter values.
fn substitute(node: &Node, params: &BTreeMap<String, Node>) -> Node {
    match &node.value {
        NodeValue::Intrinsic { name, arg } => {
            if name == "Ref" {
                if let Some(v) = arg.as_str().and_then(|p| params.get(p)) {
                    return v.clone();
                }
            }
            Node::new(
                NodeValue::Intrinsic {
                    name: name.clone(),
                    arg: Box::new(substitute(arg, params)),
                },
                node.loc.clone(),
            )
        }
        NodeValue::List(items) => Node::new(
            NodeValue::List(items.iter().map(|i| substitute(i, params)).collect()),
            node.loc.clone(),
        ),
        NodeValue::Map(entries) => Node::new(
            NodeValue::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), substitute(v, params)))
                    .collect(),
            ),
            node.loc.clone(),
        ),
        _ => node.clone(),
    }
}

fn policy_templates() -> &'static serde_json::Map<String, serde_json::Value> {
    static TEMPLATES: OnceLock<serde_json::Map<String, serde_json::Value>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let v: serde_json::Value = serde_json::from_str(POLICY_TEMPLATES_JSON)
            .expect("data/sam-policy-templates.json parses");
        match v.get("templates") {
            Some(serde_json::Value::Object(m)) => m.clone(),
            _ => serde_json::Map::new(),
        }
    })
}

/// The names of the SAM policy templates known to lambdasec.
pub fn policy_template_names() -> impl Iterator<Item = &'static str> {
    policy_templates().keys().map(|k| k.as_str())
}

/// The ARN of an AWS managed policy given by name, as SAM resolves it (names of AWS managed
/// policies become their ARN, including the `service-role/` style paths; ARNs stay).
fn managed_policy_arn(name: &str) -> (String, bool) {
    if name.starts_with("arn:") {
        return (name.to_string(), true);
    }
    match lambdasec_iam::managed::managed_policy(name) {
        Some(p) => (p.arn.clone(), true),
        None => (format!("arn:aws:iam::aws:policy/{name}"), false),
    }
}

// ---------------------------------------------------------------------------------------------

/// A change SAM makes to a resource the template declares itself.
enum Patch {
    /// Append a LambdaConfiguration to an S3 bucket's NotificationConfiguration.
    S3Notification {
        bucket: String,
        config: Node,
        depends_on: String,
    },
    /// Set `LambdaConfig.<trigger>` of a Cognito user pool.
    CognitoTrigger {
        pool: String,
        trigger: String,
        arn: Node,
        depends_on: String,
    },
}

struct Expander {
    warnings: Vec<String>,
    /// Globals section name (Function, Api, ...) → its properties.
    globals: BTreeMap<String, Node>,
    resources_in: Vec<(Key, Node)>,
    out: Vec<(Key, Node)>,
    patches: Vec<Patch>,
    /// Routes of the implicit REST API (`ServerlessRestApi`): (path, method, function arn).
    implicit_rest: Vec<(String, String, Node, Location)>,
    /// Location of the first event that needs the implicit HTTP API (`ServerlessHttpApi`).
    implicit_http: Option<Location>,
}

/// What a function's events and URL point at: the alias when `AutoPublishAlias` is set.
struct Target {
    /// `FunctionName` of permissions and mappings (`Ref Fn` / `Ref Alias`).
    name: Node,
    /// The ARN to invoke (`GetAtt Fn.Arn` / `Ref Alias`).
    arn: Node,
}

/// The execution role SAM generates, gathered while the function is expanded.
#[derive(Default)]
struct RolePlan {
    managed: Vec<Node>,
    inline: Vec<Node>,
}

impl RolePlan {
    fn add_managed(&mut self, arn: Node) {
        let dup = match arn.as_str() {
            Some(a) => self.managed.iter().any(|m| m.as_str() == Some(a)),
            None => self.managed.iter().any(|m| m.value == arn.value),
        };
        if !dup {
            self.managed.push(arn);
        }
    }
}

impl Expander {
    fn warn(&mut self, w: String) {
        self.warnings.push(w);
    }

    fn read_globals(&mut self, globals: Option<&Node>) {
        let Some(globals) = globals else { return };
        if !matches!(globals.value, NodeValue::Map(_)) {
            self.warn("Globals is not a mapping; ignored".to_string());
            return;
        }
        for (k, v) in globals.entries() {
            if matches!(v.value, NodeValue::Map(_)) {
                self.globals.insert(k.name.clone(), v.clone());
            } else {
                self.warn(format!("Globals.{} is not a mapping; ignored", k.name));
            }
        }
    }

    fn resource_type(&self, id: &str) -> Option<&str> {
        self.resources_in
            .iter()
            .find(|(k, _)| k.name == id)
            .and_then(|(_, r)| r.get("Type"))
            .and_then(Node::as_str)
    }

    fn push(&mut self, id: &str, loc: &Location, res: Node) {
        if self.out.iter().any(|(k, _)| k.name == id) {
            self.warn(format!(
                "generated resource {id} clashes with an existing resource; kept the first"
            ));
            return;
        }
        self.out.push((key(id, loc), res));
    }

    fn expand_resources(&mut self) {
        let resources = self.resources_in.clone();
        for (k, r) in &resources {
            let ty = r.get("Type").and_then(Node::as_str).unwrap_or("");
            let global_section = match ty {
                "AWS::Serverless::Function" => Some("Function"),
                "AWS::Serverless::Api" => Some("Api"),
                "AWS::Serverless::HttpApi" => Some("HttpApi"),
                "AWS::Serverless::SimpleTable" => Some("SimpleTable"),
                "AWS::Serverless::StateMachine" => Some("StateMachine"),
                "AWS::Serverless::LayerVersion" => Some("LayerVersion"),
                "AWS::Serverless::CapacityProvider" => Some("CapacityProvider"),
                _ => None,
            };
            let Some(section) = global_section else {
                if ty.starts_with("AWS::Serverless::") {
                    self.warn(format!("{}: {ty} is not expanded; kept as is", k.name));
                }
                self.out.push((k.clone(), r.clone()));
                continue;
            };
            let own = r
                .get("Properties")
                .cloned()
                .unwrap_or_else(|| map(vec![], &k.loc));
            if r.get("Properties").is_some() && !matches!(own.value, NodeValue::Map(_)) {
                self.warn(format!("{}: Properties is not a mapping", k.name));
                self.out.push((k.clone(), r.clone()));
                continue;
            }
            let props = match self.globals.get(section) {
                Some(g) => merge_global(g, &own),
                None => own,
            };
            match ty {
                "AWS::Serverless::Function" => self.function(k, r, &props),
                "AWS::Serverless::LayerVersion" => self.layer(k, r, &props),
                "AWS::Serverless::SimpleTable" => self.simple_table(k, r, &props),
                "AWS::Serverless::Api" => self.rest_api(k, r, &props),
                "AWS::Serverless::HttpApi" => self.http_api(k, r, &props),
                "AWS::Serverless::StateMachine" => self.state_machine(k, r, &props),
                _ => {
                    self.warn(format!("{}: {ty} is not expanded; kept as is", k.name));
                    self.out.push((k.clone(), r.clone()));
                }
            }
        }
        self.implicit_apis();
        self.apply_patches();
    }

    /// A resource node with the SAM resource's pass-through attributes.
    fn resource(
        &self,
        ty: &str,
        props: Vec<(&str, Node)>,
        sam: &Node,
        loc: &Location,
        all_attrs: bool,
    ) -> Node {
        let mut entries = vec![(key("Type", loc), s(ty, loc))];
        let attrs: &[&str] = if all_attrs {
            &[
                "Condition",
                "DependsOn",
                "DeletionPolicy",
                "UpdateReplacePolicy",
                "Metadata",
            ]
        } else {
            &["Condition", "DeletionPolicy", "UpdateReplacePolicy"]
        };
        for a in attrs {
            if let (Some(v), Some(kl)) = (sam.get(a), sam.key_loc(a)) {
                entries.push((key(a, kl), v.clone()));
            }
        }
        entries.push((key("Properties", loc), map(props, loc)));
        Node::new(NodeValue::Map(entries), loc.clone())
    }

    // -----------------------------------------------------------------------------------------
    // AWS::Serverless::Function

    fn function(&mut self, k: &Key, sam: &Node, props: &Node) {
        let id = k.name.as_str();
        let floc = &k.loc;
        let mut fprops: Vec<(&str, Node)> = Vec::new();
        let copy = |name: &'static str, out: &mut Vec<(&str, Node)>| {
            if let Some(v) = props.get(name) {
                if !matches!(v.value, NodeValue::Null) {
                    out.push((name, v.clone()));
                }
            }
        };

        for name in [
            "FunctionName",
            "Description",
            "Handler",
            "Runtime",
            "MemorySize",
            "Timeout",
            "VpcConfig",
        ] {
            copy(name, &mut fprops);
        }
        // Role: the given one, or the generated <Id>Role.
        let role_given = props
            .get("Role")
            .filter(|r| !matches!(r.value, NodeValue::Null))
            .cloned();
        if let Some(r) = &role_given {
            fprops.push(("Role", r.clone()));
            if props.get("Policies").is_some() {
                self.warn(format!(
                    "{id}: Policies is ignored because Role is set (as SAM does)"
                ));
            }
        } else {
            fprops.push(("Role", get_att(&format!("{id}Role"), "Arn", floc)));
        }
        copy("Environment", &mut fprops);
        self.code(id, props, floc, &mut fprops);
        copy("KmsKeyArn", &mut fprops);
        copy("ReservedConcurrentExecutions", &mut fprops);
        fprops.push(("Tags", self.tag_list(id, props, floc)));
        for name in [
            "Layers",
            "FileSystemConfigs",
            "ImageConfig",
            "PackageType",
            "Architectures",
            "SnapStart",
            "EphemeralStorage",
        ] {
            copy(name, &mut fprops);
        }
        let tracing = props.get("Tracing");
        let tracing_on = match tracing {
            Some(t) => t.as_str() != Some("Disabled") && !matches!(t.value, NodeValue::Null),
            None => false,
        };
        if let (true, Some(t)) = (tracing_on, tracing) {
            let l = prop_loc(props, "Tracing", floc);
            fprops.push(("TracingConfig", map(vec![("Mode", t.clone())], &l)));
        }
        let mut plan = RolePlan::default();
        if let Some(dlq) = props.get("DeadLetterQueue") {
            let l = prop_loc(props, "DeadLetterQueue", floc);
            match (dlq.get("Type").and_then(Node::as_str), dlq.get("TargetArn")) {
                (Some(ty), Some(arn)) if ty == "SQS" || ty == "SNS" => {
                    fprops.push((
                        "DeadLetterConfig",
                        map(vec![("TargetArn", arn.clone())], &l),
                    ));
                    let action = if ty == "SQS" {
                        "sqs:SendMessage"
                    } else {
                        "sns:Publish"
                    };
                    plan.inline.push(map(
                        vec![
                            ("PolicyName", s("DeadLetterQueuePolicy", &l)),
                            (
                                "PolicyDocument",
                                map(
                                    vec![
                                        ("Version", s("2012-10-17", &l)),
                                        (
                                            "Statement",
                                            list(
                                                vec![map(
                                                    vec![
                                                        ("Action", s(action, &l)),
                                                        ("Resource", arn.clone()),
                                                        ("Effect", s("Allow", &l)),
                                                    ],
                                                    &l,
                                                )],
                                                &l,
                                            ),
                                        ),
                                    ],
                                    &l,
                                ),
                            ),
                        ],
                        &l,
                    ));
                }
                _ => self.warn(format!(
                    "{id}: DeadLetterQueue needs Type (SQS or SNS) and TargetArn"
                )),
            }
        }
        for name in [
            "CodeSigningConfigArn",
            "RuntimeManagementConfig",
            "LoggingConfig",
            "TenancyConfig",
            "RecursiveLoop",
            "DurableConfig",
            "FunctionScalingConfig",
            "PublishToLatestPublished",
        ] {
            copy(name, &mut fprops);
        }
        if let Some(cp) = props.get("CapacityProviderConfig") {
            let l = prop_loc(props, "CapacityProviderConfig", floc);
            let mut inner = Vec::new();
            if let Some(a) = cp.get("Arn") {
                inner.push(("CapacityProviderArn", a.clone()));
            }
            for n in [
                "PerExecutionEnvironmentMaxConcurrency",
                "ExecutionEnvironmentMemoryGiBPerVCpu",
            ] {
                if let Some(v) = cp.get(n) {
                    inner.push((n, v.clone()));
                }
            }
            fprops.push((
                "CapacityProviderConfig",
                map(
                    vec![(
                        "LambdaManagedInstancesCapacityProviderConfig",
                        map(inner, &l),
                    )],
                    &l,
                ),
            ));
        }
        let mut function = self.resource("AWS::Lambda::Function", fprops, sam, floc, true);
        // Properties written in the SAM resource keep their keys' lines (a map-valued
        // property such as VpcConfig is located at its key).
        if let NodeValue::Map(entries) = &mut function.value {
            for (_, p) in entries.iter_mut().filter(|(k, _)| k.name == "Properties") {
                if let NodeValue::Map(pe) = &mut p.value {
                    for (pk, _) in pe.iter_mut() {
                        if let Some(l) = props.key_loc(&pk.name) {
                            pk.loc = l.clone();
                        }
                    }
                }
            }
        }
        self.out.push((k.clone(), function));

        // Alias and version.
        let mut alias: Option<(String, Node)> = None; // (logical id, alias name)
        if let Some(a) = props.get("AutoPublishAlias") {
            let l = prop_loc(props, "AutoPublishAlias", floc);
            let name_part = a.as_str().map(str::to_string).unwrap_or_default();
            if a.as_str().is_none() {
                self.warn(format!(
                    "{id}: AutoPublishAlias is not a string; the alias id has no name part"
                ));
            }
            let version_id = format!("{id}Version");
            let mut vprops = vec![("FunctionName", r#ref(id, &l))];
            if let Some(d) = props.get("VersionDescription") {
                vprops.push(("Description", d.clone()));
            }
            let version = self.resource("AWS::Lambda::Version", vprops, sam, &l, false);
            self.push(&version_id, &l, version);
            let alias_id = format!("{id}Alias{name_part}");
            let mut aprops = vec![
                ("Name", a.clone()),
                ("FunctionName", r#ref(id, &l)),
                ("FunctionVersion", get_att(&version_id, "Version", &l)),
            ];
            if let Some(pc) = props.get("ProvisionedConcurrencyConfig") {
                aprops.push(("ProvisionedConcurrencyConfig", pc.clone()));
            }
            let alias_res = self.resource("AWS::Lambda::Alias", aprops, sam, &l, false);
            self.push(&alias_id, &l, alias_res);
            alias = Some((alias_id, a.clone()));
        }
        let target = match &alias {
            Some((aid, _)) => Target {
                name: r#ref(aid, floc),
                arn: r#ref(aid, floc),
            },
            None => Target {
                name: r#ref(id, floc),
                arn: get_att(id, "Arn", floc),
            },
        };

        // Role managed policies SAM adds before the function's own.
        let durable = props.get("DurableConfig").is_some();
        plan.add_managed(s(
            if durable {
                LAMBDA_BASIC_DURABLE
            } else {
                LAMBDA_BASIC
            },
            floc,
        ));
        if tracing_on {
            plan.add_managed(s(XRAY_WRITE, &prop_loc(props, "Tracing", floc)));
        }
        if props.get("VpcConfig").is_some() {
            plan.add_managed(s(LAMBDA_VPC, &prop_loc(props, "VpcConfig", floc)));
        }

        // Function URL.
        if let Some(url) = props.get("FunctionUrlConfig") {
            self.function_url(id, sam, props, url, &target, floc);
        }

        // Event invoke config.
        if let Some(eic) = props.get("EventInvokeConfig") {
            self.event_invoke_config(
                id,
                sam,
                props,
                eic,
                alias.as_ref().map(|a| &a.1),
                &mut plan,
                floc,
            );
        }

        // Policies (after the DLQ and event invoke policies, as SAM orders them).
        if role_given.is_none() {
            if let Some(p) = props.get("Policies") {
                self.policies(id, p, &mut plan);
            }
        }

        // Events.
        if let Some(events) = props.get("Events") {
            if matches!(events.value, NodeValue::Map(_)) {
                for (ek, ev) in events.entries() {
                    self.event(id, sam, ek, ev, &target, &mut plan);
                }
            } else {
                self.warn(format!("{id}: Events is not a mapping"));
            }
        }

        if role_given.is_none() {
            self.role(id, sam, props, plan, floc);
        }
    }

    fn code(
        &mut self,
        id: &str,
        props: &Node,
        floc: &Location,
        out: &mut Vec<(&'static str, Node)>,
    ) {
        if let Some(inline) = props.get("InlineCode") {
            let l = prop_loc(props, "InlineCode", floc);
            out.push(("Code", map(vec![("ZipFile", inline.clone())], &l)));
            return;
        }
        if let Some(image) = props.get("ImageUri") {
            let l = prop_loc(props, "ImageUri", floc);
            out.push(("Code", map(vec![("ImageUri", image.clone())], &l)));
            return;
        }
        let Some(uri) = props.get("CodeUri") else {
            return;
        };
        let l = prop_loc(props, "CodeUri", floc);
        match &uri.value {
            NodeValue::String(text) => match parse_s3_uri(text) {
                Some((bucket, key_, version)) => {
                    let mut c = vec![
                        ("S3Bucket", s(&bucket, &uri.loc)),
                        ("S3Key", s(&key_, &uri.loc)),
                    ];
                    if let Some(v) = version {
                        c.push(("S3ObjectVersion", s(&v, &uri.loc)));
                    }
                    out.push(("Code", map(c, &l)));
                }
                // A local path, as `sam build`/`sam package` would upload it.
                None => out.push(("CodeUri", uri.clone())),
            },
            NodeValue::Map(_) => {
                let mut c = Vec::new();
                for (from, to) in [
                    ("Bucket", "S3Bucket"),
                    ("Key", "S3Key"),
                    ("Version", "S3ObjectVersion"),
                ] {
                    if let Some(v) = uri.get(from) {
                        c.push((to, v.clone()));
                    }
                }
                out.push(("Code", map(c, &l)));
            }
            _ => {
                self.warn(format!(
                    "{id}: CodeUri is neither a string nor a mapping; kept as is"
                ));
                out.push(("CodeUri", uri.clone()));
            }
        }
    }

    /// SAM's tag list: `lambda:createdBy: SAM` first, then the `Tags` map.
    fn tag_list(&mut self, id: &str, props: &Node, floc: &Location) -> Node {
        let mut tags = vec![map(
            vec![
                ("Key", s("lambda:createdBy", floc)),
                ("Value", s("SAM", floc)),
            ],
            floc,
        )];
        if let Some(t) = props.get("Tags") {
            match &t.value {
                NodeValue::Map(entries) => {
                    for (tk, tv) in entries {
                        tags.push(map(
                            vec![("Key", s(&tk.name, &tk.loc)), ("Value", tv.clone())],
                            &tk.loc,
                        ));
                    }
                }
                _ => self.warn(format!("{id}: Tags is not a mapping; ignored")),
            }
        }
        list(tags, floc)
    }

    fn function_url(
        &mut self,
        id: &str,
        sam: &Node,
        props: &Node,
        url: &Node,
        target: &Target,
        floc: &Location,
    ) {
        let l = prop_loc(props, "FunctionUrlConfig", floc);
        if !matches!(url.value, NodeValue::Map(_)) {
            self.warn(format!(
                "{id}: FunctionUrlConfig is not a mapping; no URL generated"
            ));
            return;
        }
        let auth = url.get("AuthType");
        let auth_loc = url
            .key_loc("AuthType")
            .cloned()
            .unwrap_or_else(|| l.clone());
        let mut uprops = vec![("TargetFunctionArn", target.name.clone())];
        match auth {
            Some(a) => uprops.push(("AuthType", a.clone())),
            None => self.warn(format!("{id}: FunctionUrlConfig has no AuthType")),
        }
        for n in ["Cors", "InvokeMode"] {
            if let Some(v) = url.get(n) {
                uprops.push((n, v.clone()));
            }
        }
        let res = self.resource("AWS::Lambda::Url", uprops, sam, &l, false);
        self.push(&format!("{id}Url"), &l, res);
        if auth.and_then(Node::as_str) == Some("NONE") {
            let p = self.resource(
                "AWS::Lambda::Permission",
                vec![
                    ("Action", s("lambda:InvokeFunctionUrl", &auth_loc)),
                    ("FunctionName", target.name.clone()),
                    ("Principal", s("*", &auth_loc)),
                    ("FunctionUrlAuthType", s("NONE", &auth_loc)),
                ],
                sam,
                &auth_loc,
                false,
            );
            self.push(&format!("{id}UrlPublicPermissions"), &auth_loc, p);
            let p = self.resource(
                "AWS::Lambda::Permission",
                vec![
                    ("Action", s("lambda:InvokeFunction", &auth_loc)),
                    ("FunctionName", target.name.clone()),
                    ("Principal", s("*", &auth_loc)),
                    ("InvokedViaFunctionUrl", b(true, &auth_loc)),
                ],
                sam,
                &auth_loc,
                false,
            );
            self.push(&format!("{id}URLInvokeAllowPublicAccess"), &auth_loc, p);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn event_invoke_config(
        &mut self,
        id: &str,
        sam: &Node,
        props: &Node,
        eic: &Node,
        alias_name: Option<&Node>,
        plan: &mut RolePlan,
        floc: &Location,
    ) {
        let l = prop_loc(props, "EventInvokeConfig", floc);
        if !matches!(eic.value, NodeValue::Map(_)) {
            self.warn(format!("{id}: EventInvokeConfig is not a mapping"));
            return;
        }
        let eic_id = format!("{id}EventInvokeConfig");
        let mut dest = Vec::new();
        if let Some(dc) = eic.get("DestinationConfig") {
            for which in ["OnSuccess", "OnFailure"] {
                let Some(cfg) = dc.get(which) else { continue };
                let wl = dc.key_loc(which).cloned().unwrap_or_else(|| l.clone());
                let ty = cfg.get("Type").and_then(Node::as_str).unwrap_or("");
                let res_id = format!("{eic_id}{which}");
                let destination = match cfg.get("Destination") {
                    Some(d) => d.clone(),
                    None => match ty {
                        "SQS" => {
                            let q = self.resource("AWS::SQS::Queue", vec![], sam, &wl, false);
                            self.push(&format!("{res_id}Queue"), &wl, q);
                            get_att(&format!("{res_id}Queue"), "Arn", &wl)
                        }
                        "SNS" => {
                            let t = self.resource("AWS::SNS::Topic", vec![], sam, &wl, false);
                            self.push(&format!("{res_id}Topic"), &wl, t);
                            r#ref(&format!("{res_id}Topic"), &wl)
                        }
                        _ => {
                            self.warn(format!("{id}: EventInvokeConfig.DestinationConfig.{which} has no Destination"));
                            continue;
                        }
                    },
                };
                let stmt = |action: &str, resource: Node| {
                    map(
                        vec![
                            ("Action", s(action, &wl)),
                            ("Effect", s("Allow", &wl)),
                            ("Resource", resource),
                        ],
                        &wl,
                    )
                };
                let (suffix, statements) = match ty {
                    "SQS" => (
                        "SQSPolicy",
                        vec![stmt("sqs:SendMessage", destination.clone())],
                    ),
                    "SNS" => ("SNSPolicy", vec![stmt("sns:publish", destination.clone())]),
                    "EventBridge" => (
                        "EventBridgePolicy",
                        vec![stmt("events:PutEvents", destination.clone())],
                    ),
                    "Lambda" => (
                        "LambdaPolicy",
                        vec![stmt("lambda:InvokeFunction", destination.clone())],
                    ),
                    "S3Bucket" => (
                        "S3Policy",
                        vec![
                            stmt(
                                "s3:PutObject",
                                intrinsic(
                                    "Fn::Join",
                                    list(
                                        vec![
                                            s("/", &wl),
                                            list(vec![destination.clone(), s("*", &wl)], &wl),
                                        ],
                                        &wl,
                                    ),
                                    &wl,
                                ),
                            ),
                            stmt("s3:ListBucket", destination.clone()),
                        ],
                    ),
                    _ => {
                        self.warn(format!("{id}: EventInvokeConfig.DestinationConfig.{which}.Type must be SQS, SNS, EventBridge, Lambda or S3Bucket"));
                        ("", vec![])
                    }
                };
                if !statements.is_empty() {
                    plan.inline.push(map(
                        vec![
                            ("PolicyName", s(&format!("{res_id}{suffix}"), &wl)),
                            (
                                "PolicyDocument",
                                map(vec![("Statement", list(statements, &wl))], &wl),
                            ),
                        ],
                        &wl,
                    ));
                }
                dest.push((which, map(vec![("Destination", destination)], &wl)));
            }
        }
        let mut eprops = vec![
            ("FunctionName", r#ref(id, &l)),
            (
                "Qualifier",
                alias_name.cloned().unwrap_or_else(|| s("$LATEST", &l)),
            ),
            ("DestinationConfig", map(dest, &l)),
        ];
        for n in ["MaximumEventAgeInSeconds", "MaximumRetryAttempts"] {
            if let Some(v) = eic.get(n) {
                eprops.push((n, v.clone()));
            }
        }
        let res = self.resource("AWS::Lambda::EventInvokeConfig", eprops, sam, &l, false);
        self.push(&eic_id, &l, res);
    }

    /// The function's `Policies`: managed policy names/ARNs, inline documents, policy
    /// templates, and `Fn::If` over those.
    fn policies(&mut self, id: &str, policies: &Node, plan: &mut RolePlan) {
        let items: Vec<Node> = match &policies.value {
            NodeValue::List(items) => items.clone(),
            NodeValue::Null => vec![],
            _ => vec![policies.clone()],
        };
        let role_id = format!("{id}Role");
        for (index, p) in items.iter().enumerate() {
            let name = format!("{role_id}Policy{index}");
            match self.policy_entry(id, p, &name) {
                Some(PolicyEntry::Managed(arn)) => plan.add_managed(arn),
                Some(PolicyEntry::Inline(doc)) => plan.inline.push(doc),
                None => {}
            }
        }
    }

    fn policy_entry(&mut self, id: &str, p: &Node, policy_name: &str) -> Option<PolicyEntry> {
        match &p.value {
            NodeValue::String(name) => {
                let (arn, known) = managed_policy_arn(name);
                if !known {
                    self.warn(format!("{id}: Policies: {name} is not a known AWS managed policy name; taken as {arn}"));
                }
                Some(PolicyEntry::Managed(s(&arn, &p.loc)))
            }
            NodeValue::Intrinsic { name, arg } if name == "Fn::If" => {
                let branches = arg.items();
                if branches.len() != 3 {
                    self.warn(format!(
                        "{id}: Policies: Fn::If needs three arguments; ignored"
                    ));
                    return None;
                }
                let conv = |x: &mut Self, n: &Node| -> Option<PolicyEntry> {
                    if is_no_value(n) {
                        None
                    } else {
                        x.policy_entry(id, n, policy_name)
                    }
                };
                let t = conv(self, &branches[1]);
                let f = conv(self, &branches[2]);
                let managed = matches!(t, Some(PolicyEntry::Managed(_)))
                    || matches!(f, Some(PolicyEntry::Managed(_)));
                let unwrap = |e: Option<PolicyEntry>, orig: &Node| match e {
                    Some(PolicyEntry::Managed(n)) | Some(PolicyEntry::Inline(n)) => n,
                    None => orig.clone(),
                };
                let node = intrinsic(
                    "Fn::If",
                    list(
                        vec![
                            branches[0].clone(),
                            unwrap(t, &branches[1]),
                            unwrap(f, &branches[2]),
                        ],
                        &arg.loc,
                    ),
                    &p.loc,
                );
                Some(if managed {
                    PolicyEntry::Managed(node)
                } else {
                    PolicyEntry::Inline(node)
                })
            }
            // Ref / GetAtt / Sub / Join …: a managed policy ARN.
            NodeValue::Intrinsic { .. } => Some(PolicyEntry::Managed(p.clone())),
            NodeValue::Map(entries) => {
                if p.get("Statement").is_some() {
                    return Some(PolicyEntry::Inline(map(
                        vec![
                            ("PolicyName", s(policy_name, &p.loc)),
                            ("PolicyDocument", p.clone()),
                        ],
                        &p.loc,
                    )));
                }
                if entries.len() == 1 {
                    let (tk, tv) = &entries[0];
                    return self.policy_template(id, &tk.name, &tk.loc, tv, policy_name);
                }
                self.warn(format!("{id}: Policies: a mapping that is neither a policy document (Statement) nor a policy template; ignored"));
                None
            }
            _ => {
                self.warn(format!("{id}: Policies: unsupported entry; ignored"));
                None
            }
        }
    }

    fn policy_template(
        &mut self,
        id: &str,
        name: &str,
        tloc: &Location,
        values: &Node,
        policy_name: &str,
    ) -> Option<PolicyEntry> {
        let Some(tpl) = policy_templates().get(name) else {
            self.warn(format!(
                "{id}: Policies: unknown policy template {name}; ignored"
            ));
            return None;
        };
        let mut params = BTreeMap::new();
        let wanted: Vec<String> = tpl
            .get("Parameters")
            .and_then(|p| p.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        match &values.value {
            NodeValue::Map(entries) => {
                for (pk, pv) in entries {
                    params.insert(pk.name.clone(), pv.clone());
                }
            }
            NodeValue::Null => {}
            _ => self.warn(format!(
                "{id}: Policies: {name}: the template's parameters are not a mapping"
            )),
        }
        for w in &wanted {
            if !params.contains_key(w) {
                self.warn(format!("{id}: Policies: {name}: missing parameter {w}"));
            }
        }
        let def = tpl
            .get("Definition")
            .map(|d| json_to_node(d, tloc))
            .unwrap_or_else(|| map(vec![], tloc));
        let doc = substitute(&def, &params);
        Some(PolicyEntry::Inline(map(
            vec![
                ("PolicyName", s(policy_name, tloc)),
                ("PolicyDocument", doc),
            ],
            tloc,
        )))
    }

    fn role(&mut self, id: &str, sam: &Node, props: &Node, plan: RolePlan, floc: &Location) {
        let trust = match props.get("AssumeRolePolicyDocument") {
            Some(d) => d.clone(),
            None => map(
                vec![
                    ("Version", s("2012-10-17", floc)),
                    (
                        "Statement",
                        list(
                            vec![map(
                                vec![
                                    ("Action", list(vec![s("sts:AssumeRole", floc)], floc)),
                                    ("Effect", s("Allow", floc)),
                                    (
                                        "Principal",
                                        map(
                                            vec![(
                                                "Service",
                                                list(vec![s("lambda.amazonaws.com", floc)], floc),
                                            )],
                                            floc,
                                        ),
                                    ),
                                ],
                                floc,
                            )],
                            floc,
                        ),
                    ),
                ],
                floc,
            ),
        };
        let mut rprops = vec![
            ("AssumeRolePolicyDocument", trust),
            ("ManagedPolicyArns", list(plan.managed, floc)),
        ];
        if !plan.inline.is_empty() {
            rprops.push(("Policies", list(plan.inline, floc)));
        }
        if let Some(p) = props.get("RolePath") {
            rprops.push(("Path", p.clone()));
        }
        if let Some(p) = props.get("PermissionsBoundary") {
            rprops.push(("PermissionsBoundary", p.clone()));
        }
        rprops.push(("Tags", self.tag_list(id, props, floc)));
        let role = self.resource("AWS::IAM::Role", rprops, sam, floc, false);
        self.push(&format!("{id}Role"), floc, role);
    }

    // -----------------------------------------------------------------------------------------
    // Events

    fn permission(
        &mut self,
        perm_id: &str,
        sam: &Node,
        target: &Target,
        principal: &str,
        extra: Vec<(&str, Node)>,
        l: &Location,
    ) {
        let mut p = vec![
            ("Action", s("lambda:InvokeFunction", l)),
            ("FunctionName", target.name.clone()),
            ("Principal", s(principal, l)),
        ];
        p.extend(extra);
        let res = self.resource("AWS::Lambda::Permission", p, sam, l, false);
        self.push(perm_id, l, res);
    }

    fn event(
        &mut self,
        fid: &str,
        sam: &Node,
        ek: &Key,
        ev: &Node,
        target: &Target,
        plan: &mut RolePlan,
    ) {
        let l = &ek.loc;
        let eid = format!("{fid}{}", ek.name);
        let Some(ty) = ev.get("Type").and_then(Node::as_str) else {
            self.warn(format!("{fid}: event {} has no Type", ek.name));
            return;
        };
        let empty = map(vec![], l);
        let p = ev.get("Properties").unwrap_or(&empty);
        if !matches!(p.value, NodeValue::Map(_)) {
            self.warn(format!(
                "{fid}: event {}: Properties is not a mapping",
                ek.name
            ));
            return;
        }
        let perm_id = format!("{eid}Permission");
        match ty {
            "Api" => {
                let path = p.get("Path").and_then(Node::as_str).unwrap_or("/");
                let method = p.get("Method").and_then(Node::as_str).unwrap_or("ANY");
                let path = trim_trailing_slash(path);
                let method = if method.eq_ignore_ascii_case("any") {
                    "*".to_string()
                } else {
                    method.to_uppercase()
                };
                let (api, stage) = match p.get("RestApiId") {
                    Some(api) => {
                        let stage = ref_target(api)
                            .and_then(|t| self.resources_in.iter().find(|(k, _)| k.name == t))
                            .and_then(|(_, r)| r.get("Properties"))
                            .and_then(|pr| pr.get("StageName"))
                            .and_then(Node::as_str)
                            .unwrap_or("Prod")
                            .to_string();
                        (api.clone(), stage)
                    }
                    None => {
                        self.implicit_rest.push((
                            path.to_string(),
                            method.clone(),
                            target.arn.clone(),
                            l.clone(),
                        ));
                        (r#ref("ServerlessRestApi", l), "Prod".to_string())
                    }
                };
                let suffix: String = stage
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect();
                let path = source_arn_path(path);
                let arn = sub(
                    &format!("arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{__ApiId__}}/${{__Stage__}}/{method}{path}"),
                    vec![("__ApiId__", api), ("__Stage__", s("*", l))],
                    l,
                );
                self.permission(
                    &format!("{perm_id}{suffix}"),
                    sam,
                    target,
                    "apigateway.amazonaws.com",
                    vec![("SourceArn", arn)],
                    l,
                );
            }
            "HttpApi" => {
                let api = match p.get("ApiId") {
                    Some(a) => a.clone(),
                    None => {
                        if self.implicit_http.is_none() {
                            self.implicit_http = Some(l.clone());
                        }
                        r#ref("ServerlessHttpApi", l)
                    }
                };
                let path = p.get("Path").and_then(Node::as_str).unwrap_or("/$default");
                let method = p.get("Method").and_then(Node::as_str).unwrap_or("ANY");
                let any = method.eq_ignore_ascii_case("any")
                    || method == "x-amazon-apigateway-any-method";
                let path = trim_trailing_slash(path);
                let resource = if any && (path == "/$default" || path == "$default") {
                    "${__ApiId__}/${__Stage__}/$default".to_string()
                } else {
                    let m = if any {
                        "*".to_string()
                    } else {
                        method.to_uppercase()
                    };
                    let path = if path == "$default" || path == "/$default" {
                        ""
                    } else {
                        path
                    };
                    format!("${{__ApiId__}}/${{__Stage__}}/{m}{}", source_arn_path(path))
                };
                let arn = sub(
                    &format!("arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"),
                    vec![("__ApiId__", api), ("__Stage__", s("*", l))],
                    l,
                );
                self.permission(
                    &perm_id,
                    sam,
                    target,
                    "apigateway.amazonaws.com",
                    vec![("SourceArn", arn)],
                    l,
                );
            }
            "S3" => {
                // SAM sets only SourceAccount here (a SourceArn on the bucket would make a
                // circular dependency), and adds the notification to the bucket.
                self.permission(
                    &perm_id,
                    sam,
                    target,
                    "s3.amazonaws.com",
                    vec![("SourceAccount", r#ref("AWS::AccountId", l))],
                    l,
                );
                let bucket = p.get("Bucket").and_then(ref_target).map(str::to_string);
                match bucket {
                    Some(bk) if self.resource_type(&bk) == Some("AWS::S3::Bucket") => {
                        let events: Vec<Node> = match p.get("Events") {
                            Some(e) if matches!(e.value, NodeValue::List(_)) => e.items().to_vec(),
                            Some(e) => vec![e.clone()],
                            None => vec![],
                        };
                        for e in events {
                            let mut c = vec![("Event", e.clone()), ("Function", target.arn.clone())];
                            if let Some(f) = p.get("Filter") {
                                c.push(("Filter", f.clone()));
                            }
                            self.patches.push(Patch::S3Notification { bucket: bk.clone(), config: map(c, l), depends_on: perm_id.clone() });
                        }
                    }
                    _ => self.warn(format!("{fid}: event {}: S3 Bucket must be a Ref to an AWS::S3::Bucket in this template", ek.name)),
                }
            }
            "SNS" => {
                let Some(topic) = p.get("Topic") else {
                    self.warn(format!("{fid}: event {}: SNS event has no Topic", ek.name));
                    return;
                };
                self.permission(
                    &perm_id,
                    sam,
                    target,
                    "sns.amazonaws.com",
                    vec![("SourceArn", topic.clone())],
                    l,
                );
                let mut sp = vec![
                    ("Endpoint", target.arn.clone()),
                    ("Protocol", s("lambda", l)),
                    ("TopicArn", topic.clone()),
                ];
                for (from, to) in [
                    ("Region", "Region"),
                    ("FilterPolicy", "FilterPolicy"),
                    ("FilterPolicyScope", "FilterPolicyScope"),
                    ("RedrivePolicy", "RedrivePolicy"),
                ] {
                    if let Some(v) = p.get(from) {
                        sp.push((to, v.clone()));
                    }
                }
                if p.get("SqsSubscription").is_some() {
                    self.warn(format!("{fid}: event {}: SqsSubscription is not expanded (direct subscription assumed)", ek.name));
                }
                let res = self.resource("AWS::SNS::Subscription", sp, sam, l, false);
                self.push(&eid, l, res);
            }
            "Schedule" | "CloudWatchEvent" | "EventBridgeRule" => {
                let mut rp: Vec<(&str, Node)> = Vec::new();
                if ty == "Schedule" {
                    match p.get("Schedule") {
                        Some(x) => rp.push(("ScheduleExpression", x.clone())),
                        None => self.warn(format!(
                            "{fid}: event {}: Schedule event has no Schedule",
                            ek.name
                        )),
                    }
                } else {
                    match p.get("Pattern") {
                        Some(x) => rp.push(("EventPattern", x.clone())),
                        None => self.warn(format!(
                            "{fid}: event {}: {ty} event has no Pattern",
                            ek.name
                        )),
                    }
                    if let Some(x) = p.get("EventBusName") {
                        rp.push(("EventBusName", x.clone()));
                    }
                }
                if let Some(x) = p.get("State") {
                    rp.push(("State", x.clone()));
                } else if let Some(x) = p.get("Enabled") {
                    let st = match x.value {
                        NodeValue::Bool(false) => "DISABLED",
                        _ => "ENABLED",
                    };
                    rp.push(("State", s(st, &x.loc)));
                }
                for n in ["Name", "Description"] {
                    if let Some(x) =
                        p.get(n)
                            .or_else(|| if n == "Name" { p.get("RuleName") } else { None })
                    {
                        rp.push((n, x.clone()));
                    }
                }
                let mut t = vec![
                    ("Arn", target.arn.clone()),
                    ("Id", s(&format!("{eid}LambdaTarget"), l)),
                ];
                for n in ["Input", "InputPath", "RetryPolicy"] {
                    if let Some(x) = p.get(n) {
                        t.push((n, x.clone()));
                    }
                }
                rp.push(("Targets", list(vec![map(t, l)], l)));
                let res = self.resource("AWS::Events::Rule", rp, sam, l, false);
                self.push(&eid, l, res);
                self.permission(
                    &perm_id,
                    sam,
                    target,
                    "events.amazonaws.com",
                    vec![("SourceArn", get_att(&eid, "Arn", l))],
                    l,
                );
            }
            "CloudWatchLogs" => {
                let Some(lg) = p.get("LogGroupName") else {
                    self.warn(format!(
                        "{fid}: event {}: CloudWatchLogs event has no LogGroupName",
                        ek.name
                    ));
                    return;
                };
                let arn = sub(
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${__LogGroupName__}:*",
                    vec![("__LogGroupName__", lg.clone())],
                    l,
                );
                self.permission(
                    &perm_id,
                    sam,
                    target,
                    "logs.amazonaws.com",
                    vec![("SourceArn", arn)],
                    l,
                );
                let mut fp = vec![
                    ("LogGroupName", lg.clone()),
                    ("DestinationArn", target.arn.clone()),
                ];
                if let Some(x) = p.get("FilterPattern") {
                    fp.push(("FilterPattern", x.clone()));
                }
                let mut res = self.resource("AWS::Logs::SubscriptionFilter", fp, sam, l, false);
                set(&mut res, "DependsOn", list(vec![s(&perm_id, l)], l));
                self.push(&eid, l, res);
            }
            "IoTRule" => {
                let mut payload = vec![
                    ("RuleDisabled", b(false, l)),
                    (
                        "Actions",
                        list(
                            vec![map(
                                vec![("Lambda", map(vec![("FunctionArn", target.arn.clone())], l))],
                                l,
                            )],
                            l,
                        ),
                    ),
                ];
                if let Some(x) = p.get("Sql") {
                    payload.push(("Sql", x.clone()));
                }
                if let Some(x) = p.get("AwsIotSqlVersion") {
                    payload.push(("AwsIotSqlVersion", x.clone()));
                }
                let res = self.resource(
                    "AWS::IoT::TopicRule",
                    vec![("TopicRulePayload", map(payload, l))],
                    sam,
                    l,
                    false,
                );
                self.push(&eid, l, res);
                let arn = sub(
                    "arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${RuleName}",
                    vec![("RuleName", r#ref(&eid, l))],
                    l,
                );
                self.permission(
                    &perm_id,
                    sam,
                    target,
                    "iot.amazonaws.com",
                    vec![
                        ("SourceArn", arn),
                        ("SourceAccount", sub("${AWS::AccountId}", vec![], l)),
                    ],
                    l,
                );
            }
            "Cognito" => {
                let pool = p.get("UserPool").and_then(ref_target).map(str::to_string);
                let Some(pool) = pool else {
                    self.warn(format!("{fid}: event {}: Cognito UserPool must be a Ref to a user pool in this template", ek.name));
                    return;
                };
                let cog_perm = format!("{fid}CognitoPermission");
                if !self.out.iter().any(|(k, _)| k.name == cog_perm) {
                    self.permission(
                        &cog_perm,
                        sam,
                        target,
                        "cognito-idp.amazonaws.com",
                        vec![("SourceArn", get_att(&pool, "Arn", l))],
                        l,
                    );
                }
                let triggers: Vec<String> = match p.get("Trigger") {
                    Some(t) => match &t.value {
                        NodeValue::String(x) => vec![x.clone()],
                        NodeValue::List(items) => items
                            .iter()
                            .filter_map(|i| i.as_str().map(str::to_string))
                            .collect(),
                        _ => vec![],
                    },
                    None => vec![],
                };
                for trigger in triggers {
                    self.patches.push(Patch::CognitoTrigger {
                        pool: pool.clone(),
                        trigger,
                        arn: target.arn.clone(),
                        depends_on: cog_perm.clone(),
                    });
                }
            }
            "AlexaSkill" => {
                let mut extra = vec![];
                if let Some(x) = p.get("SkillId") {
                    extra.push(("EventSourceToken", x.clone()));
                }
                self.permission(&perm_id, sam, target, "alexa-appkit.amazon.com", extra, l);
            }
            "SQS" | "Kinesis" | "DynamoDB" | "MSK" | "MQ" | "SelfManagedKafka" | "DocumentDB" => {
                let (source_key, policy) = match ty {
                    "SQS" => ("Queue", Some("service-role/AWSLambdaSQSQueueExecutionRole")),
                    "Kinesis" => ("Stream", Some("service-role/AWSLambdaKinesisExecutionRole")),
                    "DynamoDB" => (
                        "Stream",
                        Some("service-role/AWSLambdaDynamoDBExecutionRole"),
                    ),
                    "MSK" => ("Stream", Some("service-role/AWSLambdaMSKExecutionRole")),
                    "MQ" => ("Broker", None),
                    "DocumentDB" => ("Cluster", None),
                    _ => ("", None),
                };
                let mut mp = vec![("FunctionName", target.name.clone())];
                if !source_key.is_empty() {
                    match p.get(source_key) {
                        Some(x) => mp.push(("EventSourceArn", x.clone())),
                        None => self.warn(format!(
                            "{fid}: event {}: {ty} event has no {source_key}",
                            ek.name
                        )),
                    }
                }
                for n in ESM_PROPERTIES {
                    if let Some(x) = p.get(n) {
                        mp.push((n, x.clone()));
                    }
                }
                if ty == "SelfManagedKafka" {
                    if let Some(x) = p.get("KafkaBootstrapServers") {
                        mp.push((
                            "SelfManagedEventSource",
                            map(
                                vec![(
                                    "Endpoints",
                                    map(vec![("KafkaBootstrapServers", x.clone())], l),
                                )],
                                l,
                            ),
                        ));
                    }
                }
                if matches!(ty, "MQ" | "SelfManagedKafka" | "DocumentDB") {
                    self.warn(format!("{fid}: event {}: the role policies SAM adds for {ty} (secrets, networking) are not generated", ek.name));
                }
                let res = self.resource("AWS::Lambda::EventSourceMapping", mp, sam, l, false);
                self.push(&eid, l, res);
                if let Some(pol) = policy {
                    plan.add_managed(s(&format!("arn:aws:iam::aws:policy/{pol}"), l));
                }
            }
            other => {
                self.warn(format!(
                    "{fid}: event {}: event type {other} is not expanded",
                    ek.name
                ));
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Other serverless resources

    fn layer(&mut self, k: &Key, sam: &Node, props: &Node) {
        let l = &k.loc;
        let mut lp = Vec::new();
        for n in [
            "LayerName",
            "Description",
            "CompatibleRuntimes",
            "CompatibleArchitectures",
            "LicenseInfo",
        ] {
            if let Some(v) = props.get(n) {
                lp.push((n, v.clone()));
            }
        }
        if let Some(c) = props.get("ContentUri") {
            let cl = prop_loc(props, "ContentUri", l);
            match &c.value {
                NodeValue::String(text) => match parse_s3_uri(text) {
                    Some((bk, ky, v)) => {
                        let mut e = vec![("S3Bucket", s(&bk, &c.loc)), ("S3Key", s(&ky, &c.loc))];
                        if let Some(v) = v {
                            e.push(("S3ObjectVersion", s(&v, &c.loc)));
                        }
                        lp.push(("Content", map(e, &cl)));
                    }
                    None => lp.push(("ContentUri", c.clone())),
                },
                NodeValue::Map(_) => {
                    let mut e = Vec::new();
                    for (from, to) in [
                        ("Bucket", "S3Bucket"),
                        ("Key", "S3Key"),
                        ("Version", "S3ObjectVersion"),
                    ] {
                        if let Some(v) = c.get(from) {
                            e.push((to, v.clone()));
                        }
                    }
                    lp.push(("Content", map(e, &cl)));
                }
                _ => self.warn(format!(
                    "{}: ContentUri is neither a string nor a mapping",
                    k.name
                )),
            }
        }
        let mut res = self.resource("AWS::Lambda::LayerVersion", lp, sam, l, true);
        if let Some(rp) = props.get("RetentionPolicy").and_then(Node::as_str) {
            let dp = if rp.eq_ignore_ascii_case("retain") {
                "Retain"
            } else {
                "Delete"
            };
            set(
                &mut res,
                "DeletionPolicy",
                s(dp, &prop_loc(props, "RetentionPolicy", l)),
            );
        }
        self.out.push((k.clone(), res));
    }

    fn simple_table(&mut self, k: &Key, sam: &Node, props: &Node) {
        let l = &k.loc;
        let pk = props.get("PrimaryKey");
        let pl = prop_loc(props, "PrimaryKey", l);
        let name = pk
            .and_then(|p| p.get("Name"))
            .cloned()
            .unwrap_or_else(|| s("id", &pl));
        let ty = pk
            .and_then(|p| p.get("Type"))
            .and_then(Node::as_str)
            .unwrap_or("String");
        let attr_type = match ty {
            "Number" => "N",
            "Binary" => "B",
            _ => "S",
        };
        let mut tp = vec![
            (
                "AttributeDefinitions",
                list(
                    vec![map(
                        vec![
                            ("AttributeName", name.clone()),
                            ("AttributeType", s(attr_type, &pl)),
                        ],
                        &pl,
                    )],
                    &pl,
                ),
            ),
            (
                "KeySchema",
                list(
                    vec![map(
                        vec![("AttributeName", name), ("KeyType", s("HASH", &pl))],
                        &pl,
                    )],
                    &pl,
                ),
            ),
        ];
        match props.get("ProvisionedThroughput") {
            Some(pt) => tp.push(("ProvisionedThroughput", pt.clone())),
            None => tp.push(("BillingMode", s("PAY_PER_REQUEST", l))),
        }
        for n in [
            "TableName",
            "SSESpecification",
            "PointInTimeRecoverySpecification",
        ] {
            if let Some(v) = props.get(n) {
                tp.push((n, v.clone()));
            }
        }
        if let Some(t) = props.get("Tags") {
            let tags = t
                .entries()
                .iter()
                .map(|(tk, tv)| {
                    map(
                        vec![("Key", s(&tk.name, &tk.loc)), ("Value", tv.clone())],
                        &tk.loc,
                    )
                })
                .collect();
            tp.push(("Tags", list(tags, &prop_loc(props, "Tags", l))));
        }
        let res = self.resource("AWS::DynamoDB::Table", tp, sam, l, true);
        self.out.push((k.clone(), res));
    }

    fn rest_api(&mut self, k: &Key, sam: &Node, props: &Node) {
        let l = &k.loc;
        let mut ap = Vec::new();
        if let Some(v) = props.get("Name") {
            ap.push(("Name", v.clone()));
        }
        if let Some(v) = props.get("DefinitionBody") {
            ap.push(("Body", v.clone()));
        }
        if let Some(v) = props.get("DefinitionUri") {
            match &v.value {
                NodeValue::String(text) => match parse_s3_uri(text) {
                    Some((bk, ky, ver)) => {
                        let mut e = vec![("Bucket", s(&bk, &v.loc)), ("Key", s(&ky, &v.loc))];
                        if let Some(ver) = ver {
                            e.push(("Version", s(&ver, &v.loc)));
                        }
                        ap.push(("BodyS3Location", map(e, &v.loc)));
                    }
                    None => ap.push(("DefinitionUri", v.clone())),
                },
                _ => ap.push(("BodyS3Location", v.clone())),
            }
        }
        for n in [
            "Description",
            "BinaryMediaTypes",
            "MinimumCompressionSize",
            "ApiKeySourceType",
            "DisableExecuteApiEndpoint",
            "Mode",
            "FailOnWarnings",
        ] {
            if let Some(v) = props.get(n) {
                ap.push((n, v.clone()));
            }
        }
        if let Some(ec) = props.get("EndpointConfiguration") {
            let el = prop_loc(props, "EndpointConfiguration", l);
            match &ec.value {
                NodeValue::String(_) | NodeValue::Intrinsic { .. } => ap.push((
                    "EndpointConfiguration",
                    map(vec![("Types", list(vec![ec.clone()], &el))], &el),
                )),
                _ => {
                    let mut e = Vec::new();
                    if let Some(t) = ec.get("Type") {
                        e.push(("Types", list(vec![t.clone()], &el)));
                    }
                    if let Some(v) = ec.get("VPCEndpointIds") {
                        e.push(("VpcEndpointIds", v.clone()));
                    }
                    ap.push(("EndpointConfiguration", map(e, &el)));
                }
            }
        }
        if props
            .get("Auth")
            .and_then(|a| a.get("ResourcePolicy"))
            .is_some()
        {
            self.warn(format!(
                "{}: Auth.ResourcePolicy is not expanded into the API's Policy",
                k.name
            ));
        }
        let res = self.resource("AWS::ApiGateway::RestApi", ap, sam, l, true);
        self.out.push((k.clone(), res));
        if let Some(stage) = props.get("StageName") {
            let stage_name = stage.as_str().unwrap_or("Stage").to_string();
            let sl = prop_loc(props, "StageName", l);
            let mut sp = vec![
                ("RestApiId", r#ref(&k.name, &sl)),
                ("StageName", stage.clone()),
            ];
            for (from, to) in [
                ("TracingEnabled", "TracingEnabled"),
                ("MethodSettings", "MethodSettings"),
                ("AccessLogSetting", "AccessLogSetting"),
                ("CacheClusterEnabled", "CacheClusterEnabled"),
                ("CacheClusterSize", "CacheClusterSize"),
                ("Variables", "Variables"),
            ] {
                if let Some(v) = props.get(from) {
                    sp.push((to, v.clone()));
                }
            }
            let res = self.resource("AWS::ApiGateway::Stage", sp, sam, &sl, false);
            let sid: String = format!("{}{}Stage", k.name, stage_name)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            self.push(&sid, &sl, res);
        }
    }

    fn http_api(&mut self, k: &Key, sam: &Node, props: &Node) {
        let l = &k.loc;
        let mut ap = Vec::new();
        match props.get("DefinitionBody") {
            Some(v) => ap.push(("Body", v.clone())),
            None => {
                if let Some(v) = props.get("DefinitionUri") {
                    ap.push(("BodyS3Location", v.clone()));
                } else {
                    ap.push(("ProtocolType", s("HTTP", l)));
                }
            }
        }
        for (from, to) in [
            ("Name", "Name"),
            ("Description", "Description"),
            ("DisableExecuteApiEndpoint", "DisableExecuteApiEndpoint"),
            ("CorsConfiguration", "CorsConfiguration"),
            ("FailOnWarnings", "FailOnWarnings"),
        ] {
            if let Some(v) = props.get(from) {
                ap.push((to, v.clone()));
            }
        }
        let res = self.resource("AWS::ApiGatewayV2::Api", ap, sam, l, true);
        self.out.push((k.clone(), res));
        let stage = props
            .get("StageName")
            .cloned()
            .unwrap_or_else(|| s("$default", l));
        let sid = if stage.as_str() == Some("$default") || props.get("StageName").is_none() {
            format!("{}ApiGatewayDefaultStage", k.name)
        } else {
            let name: String = stage
                .as_str()
                .unwrap_or("")
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            format!("{}{name}Stage", k.name)
        };
        let mut sp = vec![
            ("ApiId", r#ref(&k.name, l)),
            ("StageName", stage),
            ("AutoDeploy", b(true, l)),
        ];
        for n in [
            "AccessLogSettings",
            "DefaultRouteSettings",
            "RouteSettings",
            "StageVariables",
        ] {
            if let Some(v) = props.get(n) {
                sp.push((n, v.clone()));
            }
        }
        let res = self.resource("AWS::ApiGatewayV2::Stage", sp, sam, l, false);
        self.push(&sid, l, res);
    }

    fn state_machine(&mut self, k: &Key, sam: &Node, props: &Node) {
        let l = &k.loc;
        let mut sp = Vec::new();
        for (from, to) in [
            ("Name", "StateMachineName"),
            ("Type", "StateMachineType"),
            ("Definition", "Definition"),
            ("DefinitionSubstitutions", "DefinitionSubstitutions"),
            ("Role", "RoleArn"),
            ("Logging", "LoggingConfiguration"),
            ("Tracing", "TracingConfiguration"),
        ] {
            if let Some(v) = props.get(from) {
                sp.push((to, v.clone()));
            }
        }
        if let Some(v) = props.get("DefinitionUri") {
            sp.push(("DefinitionS3Location", v.clone()));
        }
        if props.get("Role").is_none() {
            self.warn(format!(
                "{}: the execution role SAM generates for a state machine is not expanded",
                k.name
            ));
        }
        if props.get("Events").is_some() {
            self.warn(format!("{}: state machine events are not expanded", k.name));
        }
        let res = self.resource("AWS::StepFunctions::StateMachine", sp, sam, l, true);
        self.out.push((k.clone(), res));
    }

    /// `ServerlessRestApi` / `ServerlessHttpApi`, which SAM creates for events without an API.
    fn implicit_apis(&mut self) {
        if !self.implicit_rest.is_empty()
            && !self.out.iter().any(|(k, _)| k.name == "ServerlessRestApi")
        {
            let l = self.implicit_rest[0].3.clone();
            let mut paths: Vec<(Key, Node)> = Vec::new();
            for (path, method, arn, rl) in std::mem::take(&mut self.implicit_rest) {
                let m = if method == "*" {
                    "x-amazon-apigateway-any-method".to_string()
                } else {
                    method.to_lowercase()
                };
                let uri = sub(
                    "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations",
                    vec![("__FunctionArn__", arn)],
                    &rl,
                );
                let op = map(
                    vec![(
                        "x-amazon-apigateway-integration",
                        map(
                            vec![
                                ("type", s("aws_proxy", &rl)),
                                ("httpMethod", s("POST", &rl)),
                                ("uri", uri),
                            ],
                            &rl,
                        ),
                    )],
                    &rl,
                );
                match paths.iter_mut().find(|(k, _)| k.name == path) {
                    Some((_, node)) => set(node, &m, op),
                    None => paths.push((key(&path, &rl), map(vec![(m.as_str(), op)], &rl))),
                }
            }
            let body = map(
                vec![
                    ("swagger", s("2.0", &l)),
                    (
                        "info",
                        map(
                            vec![
                                ("version", s("1.0", &l)),
                                ("title", r#ref("AWS::StackName", &l)),
                            ],
                            &l,
                        ),
                    ),
                    ("paths", Node::new(NodeValue::Map(paths), l.clone())),
                ],
                &l,
            );
            let api = map(
                vec![
                    ("Type", s("AWS::ApiGateway::RestApi", &l)),
                    ("Properties", map(vec![("Body", body)], &l)),
                ],
                &l,
            );
            self.out.push((key("ServerlessRestApi", &l), api));
            let stage = map(
                vec![
                    ("Type", s("AWS::ApiGateway::Stage", &l)),
                    (
                        "Properties",
                        map(
                            vec![
                                ("RestApiId", r#ref("ServerlessRestApi", &l)),
                                ("StageName", s("Prod", &l)),
                            ],
                            &l,
                        ),
                    ),
                ],
                &l,
            );
            self.out
                .push((key("ServerlessRestApiProdStage", &l), stage));
        }
        if let Some(l) = self.implicit_http.take() {
            if !self.out.iter().any(|(k, _)| k.name == "ServerlessHttpApi") {
                let api = map(
                    vec![
                        ("Type", s("AWS::ApiGatewayV2::Api", &l)),
                        ("Properties", map(vec![("ProtocolType", s("HTTP", &l))], &l)),
                    ],
                    &l,
                );
                self.out.push((key("ServerlessHttpApi", &l), api));
                let stage = map(
                    vec![
                        ("Type", s("AWS::ApiGatewayV2::Stage", &l)),
                        (
                            "Properties",
                            map(
                                vec![
                                    ("ApiId", r#ref("ServerlessHttpApi", &l)),
                                    ("StageName", s("$default", &l)),
                                    ("AutoDeploy", b(true, &l)),
                                ],
                                &l,
                            ),
                        ),
                    ],
                    &l,
                );
                self.out
                    .push((key("ServerlessHttpApiApiGatewayDefaultStage", &l), stage));
            }
        }
    }

    fn apply_patches(&mut self) {
        for patch in std::mem::take(&mut self.patches) {
            let (target_id, depends_on) = match &patch {
                Patch::S3Notification {
                    bucket, depends_on, ..
                } => (bucket.clone(), depends_on.clone()),
                Patch::CognitoTrigger {
                    pool, depends_on, ..
                } => (pool.clone(), depends_on.clone()),
            };
            let Some((_, res)) = self.out.iter_mut().find(|(k, _)| k.name == target_id) else {
                continue;
            };
            let loc = res.loc.clone();
            if res.get("Properties").is_none() {
                set(res, "Properties", map(vec![], &loc));
            }
            // DependsOn the permission, as SAM adds it.
            let dep = s(&depends_on, &loc);
            match get_mut(res, "DependsOn") {
                Some(d) => match &mut d.value {
                    NodeValue::List(items) => items.push(dep),
                    NodeValue::String(_) => {
                        let first = d.clone();
                        *d = list(vec![first, dep], &loc);
                    }
                    _ => {}
                },
                None => set(res, "DependsOn", list(vec![dep], &loc)),
            }
            let Some(props) = get_mut(res, "Properties") else {
                continue;
            };
            match patch {
                Patch::S3Notification { config, .. } => {
                    if props.get("NotificationConfiguration").is_none() {
                        set(props, "NotificationConfiguration", map(vec![], &config.loc));
                    }
                    let nc = get_mut(props, "NotificationConfiguration").expect("just set");
                    if nc.get("LambdaConfigurations").is_none() {
                        set(nc, "LambdaConfigurations", list(vec![], &config.loc));
                    }
                    if let Some(NodeValue::List(items)) =
                        get_mut(nc, "LambdaConfigurations").map(|n| &mut n.value)
                    {
                        items.push(config);
                    }
                }
                Patch::CognitoTrigger { trigger, arn, .. } => {
                    if props.get("LambdaConfig").is_none() {
                        set(props, "LambdaConfig", map(vec![], &arn.loc));
                    }
                    if let Some(lc) = get_mut(props, "LambdaConfig") {
                        set(lc, &trigger, arn);
                    }
                }
            }
        }
    }
}

enum PolicyEntry {
    /// A managed policy ARN (string or intrinsic).
    Managed(Node),
    /// `{PolicyName, PolicyDocument}` (or `Fn::If` over such).
    Inline(Node),
}

/// Event source mapping properties SAM passes through unchanged.
const ESM_PROPERTIES: &[&str] = &[
    "BatchSize",
    "Enabled",
    "StartingPosition",
    "StartingPositionTimestamp",
    "MaximumBatchingWindowInSeconds",
    "MaximumRetryAttempts",
    "BisectBatchOnFunctionError",
    "MaximumRecordAgeInSeconds",
    "DestinationConfig",
    "ParallelizationFactor",
    "Topics",
    "Queues",
    "SourceAccessConfigurations",
    "TumblingWindowInSeconds",
    "FunctionResponseTypes",
    "FilterCriteria",
    "ScalingConfig",
    "KmsKeyArn",
    "MetricsConfig",
    "ProvisionedPollerConfig",
    "DocumentDBEventSourceConfig",
    "AmazonManagedKafkaEventSourceConfig",
    "SelfManagedKafkaEventSourceConfig",
    "ConsumerGroupId",
];

fn is_no_value(n: &Node) -> bool {
    ref_target(n) == Some("AWS::NoValue")
}

fn trim_trailing_slash(path: &str) -> &str {
    if path.len() > 1 {
        path.strip_suffix('/').unwrap_or(path)
    } else {
        path
    }
}

/// `s3://bucket/key[?versionId=v]` → (bucket, key, version).
fn parse_s3_uri(uri: &str) -> Option<(String, String, Option<String>)> {
    let rest = uri.strip_prefix("s3://")?;
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let (bucket, key_) = path.split_once('/')?;
    let version = query
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("versionId=")))
        .map(str::to_string);
    Some((bucket.to_string(), key_.to_string(), version))
}

/// The path as SAM writes it in a permission's SourceArn: path parameters (`{id}`,
/// `{proxy+}`, `{greedy+}`) become `*` and a trailing slash is dropped (aws-sam-translator
/// 1.115.0, `SwaggerEditor.get_path_without_trailing_slash` and `Api._get_permission`).
fn source_arn_path(path: &str) -> String {
    let trimmed = if path.len() > 1 {
        path.strip_suffix('/').unwrap_or(path)
    } else {
        path
    };
    let mut out = String::with_capacity(trimmed.len());
    let mut rest = trimmed;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}');
        let param = close.map(|c| &after[..c]);
        let valid = param.is_some_and(|p| {
            let name = p.strip_suffix('+').unwrap_or(p);
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        });
        match (valid, close) {
            (true, Some(c)) => {
                out.push_str(&rest[..open]);
                out.push('*');
                rest = &after[c + 1..];
            }
            _ => {
                out.push_str(&rest[..open + 1]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
