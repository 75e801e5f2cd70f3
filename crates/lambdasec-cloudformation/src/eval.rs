//! Evaluation of CloudFormation intrinsic functions.
//!
//! A template's values are evaluated against its Parameters (defaults, overridden by
//! `--parameter KEY=VALUE`), the pseudo parameters, Conditions and Mappings. What is only
//! known at deploy time (the account, the region, a generated name, an attribute of a
//! resource) stays [`CfValue::Unknown`], but keeps its known parts: a reference to a
//! resource is a hole named `<LogicalId>.Ref` or `<LogicalId>.<Attr>`, and the ARNs of
//! common resource types keep their fixed shape (`arn:aws:sqs:${AWS::Region}:…`), so a
//! SourceArn still shows its service. Nothing is guessed, and evaluation never panics.

use crate::node::{Node, NodeValue};
use lambdasec_model::{Doc, Piece, Unknown};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

/// Deeper nesting than this (including references followed through resources) gives an
/// unknown value instead of recursing further.
const MAX_DEPTH: u32 = 64;

/// An evaluated template value.
#[derive(Debug, Clone, PartialEq)]
pub enum CfValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<CfValue>),
    /// Keys in document order.
    Map(Vec<(String, CfValue)>),
    Unknown(CfUnknown),
    /// `!Ref AWS::NoValue`: the property is absent.
    NoValue,
}

/// A value known only at deploy time.
#[derive(Debug, Clone, PartialEq)]
pub struct CfUnknown {
    pub reason: String,
    /// For strings: the known and unknown parts in order; empty when nothing is known.
    pub pieces: Vec<Piece>,
    /// Logical ids of the resources the value was computed from (for linking).
    pub refs: Vec<String>,
}

impl CfValue {
    pub fn unknown(reason: impl Into<String>) -> CfValue {
        CfValue::Unknown(CfUnknown {
            reason: reason.into(),
            pieces: Vec::new(),
            refs: Vec::new(),
        })
    }

    /// An unknown standing for `expr` (e.g. `MyRole.Arn`, `AWS::Region`).
    pub fn hole(expr: impl Into<String>, reason: impl Into<String>, refs: Vec<String>) -> CfValue {
        CfValue::Unknown(CfUnknown {
            reason: reason.into(),
            pieces: vec![Piece::Hole { expr: expr.into() }],
            refs,
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            CfValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, CfValue::Unknown(_))
    }

    /// A scalar as text (strings, numbers, booleans).
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            CfValue::String(s) => Some(s.clone()),
            CfValue::Number(n) => Some(format_number(*n)),
            CfValue::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Logical ids of every resource this value (or any part of it) was computed from.
    pub fn refs(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_refs(&mut out);
        out
    }

    fn collect_refs(&self, out: &mut Vec<String>) {
        match self {
            CfValue::Unknown(u) => {
                for r in &u.refs {
                    if !out.contains(r) {
                        out.push(r.clone());
                    }
                }
            }
            CfValue::List(l) => l.iter().for_each(|v| v.collect_refs(out)),
            CfValue::Map(m) => m.iter().for_each(|(_, v)| v.collect_refs(out)),
            _ => {}
        }
    }

    /// The model's form of an unknown value.
    pub fn model_unknown(&self) -> Unknown {
        match self {
            CfValue::Unknown(u) => Unknown {
                reason: u.reason.clone(),
                pieces: u.pieces.clone(),
            },
            other => Unknown::new(format!("expected a string, found {}", other.type_name())),
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            CfValue::Null => "null",
            CfValue::Bool(_) => "a boolean",
            CfValue::Number(_) => "a number",
            CfValue::String(_) => "a string",
            CfValue::List(_) => "a list",
            CfValue::Map(_) => "a map",
            CfValue::Unknown(_) => "an unknown value",
            CfValue::NoValue => "no value",
        }
    }

    /// The value as a document in which unknown parts stay unknown in place.
    pub fn to_doc(&self) -> Doc {
        match self {
            CfValue::Null | CfValue::NoValue => Doc::Null,
            CfValue::Bool(b) => Doc::Bool(*b),
            CfValue::Number(n) => Doc::Number(*n),
            CfValue::String(s) => Doc::String(s.clone()),
            CfValue::List(l) => Doc::Array(l.iter().map(CfValue::to_doc).collect()),
            CfValue::Map(m) => {
                Doc::Object(m.iter().map(|(k, v)| (k.clone(), v.to_doc())).collect())
            }
            CfValue::Unknown(_) => Doc::Unknown(self.model_unknown()),
        }
    }

    /// The value as JSON, when every part of it is known.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            CfValue::Null | CfValue::NoValue => serde_json::Value::Null,
            CfValue::Bool(b) => serde_json::Value::Bool(*b),
            CfValue::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => {
                serde_json::Value::Number(serde_json::Number::from(*n as i64))
            }
            CfValue::Number(n) => serde_json::Number::from_f64(*n)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            CfValue::String(s) => serde_json::Value::String(s.clone()),
            CfValue::List(l) => {
                serde_json::Value::Array(l.iter().map(CfValue::to_json).collect::<Option<_>>()?)
            }
            CfValue::Map(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| Some((k.clone(), v.to_json()?)))
                    .collect::<Option<_>>()?,
            ),
            CfValue::Unknown(_) => return None,
        })
    }

    fn from_json(v: &serde_json::Value) -> CfValue {
        match v {
            serde_json::Value::Null => CfValue::Null,
            serde_json::Value::Bool(b) => CfValue::Bool(*b),
            serde_json::Value::Number(n) => CfValue::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => CfValue::String(s.clone()),
            serde_json::Value::Array(a) => {
                CfValue::List(a.iter().map(CfValue::from_json).collect())
            }
            serde_json::Value::Object(o) => CfValue::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), CfValue::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// `1` for 1.0, `1.5` for 1.5.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// What a resource type's `Ref` and attributes look like. `{name}` is the resource's name
/// property (a hole when it is not set); `{partition}`, `{region}` and `{account}` are the
/// stack's pseudo parameters; any other `{x}` is a hole `<LogicalId>.x`.
struct TypeShape {
    name_prop: Option<&'static str>,
    /// `None`: `Ref` returns an opaque id (`<LogicalId>.Ref`).
    reference: Option<&'static str>,
    attrs: &'static [(&'static str, &'static str)],
}

fn type_shape(rtype: &str) -> Option<TypeShape> {
    let (name_prop, reference, attrs): (_, _, &'static [(&str, &str)]) = match rtype {
        "AWS::IAM::Role" => (
            Some("RoleName"),
            Some("{name}"),
            &[("Arn", "arn:{partition}:iam::{account}:role/{path}{name}")],
        ),
        "AWS::IAM::ManagedPolicy" => (
            Some("ManagedPolicyName"),
            Some("arn:{partition}:iam::{account}:policy/{path}{name}"),
            &[(
                "PolicyArn",
                "arn:{partition}:iam::{account}:policy/{path}{name}",
            )],
        ),
        "AWS::IAM::User" => (
            Some("UserName"),
            Some("{name}"),
            &[("Arn", "arn:{partition}:iam::{account}:user/{path}{name}")],
        ),
        "AWS::S3::Bucket" => (
            Some("BucketName"),
            Some("{name}"),
            &[("Arn", "arn:{partition}:s3:::{name}")],
        ),
        "AWS::SNS::Topic" => (
            Some("TopicName"),
            Some("arn:{partition}:sns:{region}:{account}:{name}"),
            &[
                ("TopicArn", "arn:{partition}:sns:{region}:{account}:{name}"),
                ("TopicName", "{name}"),
            ],
        ),
        "AWS::SQS::Queue" => (
            Some("QueueName"),
            Some("https://sqs.{region}.{urlsuffix}/{account}/{name}"),
            &[
                ("Arn", "arn:{partition}:sqs:{region}:{account}:{name}"),
                ("QueueName", "{name}"),
                (
                    "QueueUrl",
                    "https://sqs.{region}.{urlsuffix}/{account}/{name}",
                ),
            ],
        ),
        "AWS::Events::Rule" => (
            Some("Name"),
            Some("{name}"),
            &[(
                "Arn",
                "arn:{partition}:events:{region}:{account}:rule/{name}",
            )],
        ),
        "AWS::Scheduler::Schedule" => (
            Some("Name"),
            Some("{name}"),
            &[(
                "Arn",
                "arn:{partition}:scheduler:{region}:{account}:schedule/{group}/{name}",
            )],
        ),
        "AWS::Lambda::Function" => (
            Some("FunctionName"),
            Some("{name}"),
            &[(
                "Arn",
                "arn:{partition}:lambda:{region}:{account}:function:{name}",
            )],
        ),
        "AWS::Lambda::LayerVersion" => (
            Some("LayerName"),
            Some("arn:{partition}:lambda:{region}:{account}:layer:{name}:{version}"),
            &[(
                "LayerVersionArn",
                "arn:{partition}:lambda:{region}:{account}:layer:{name}:{version}",
            )],
        ),
        "AWS::Logs::LogGroup" => (
            Some("LogGroupName"),
            Some("{name}"),
            &[(
                "Arn",
                "arn:{partition}:logs:{region}:{account}:log-group:{name}:*",
            )],
        ),
        "AWS::DynamoDB::Table" => (
            Some("TableName"),
            Some("{name}"),
            &[
                (
                    "Arn",
                    "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
                ),
                (
                    "StreamArn",
                    "arn:{partition}:dynamodb:{region}:{account}:table/{name}/stream/{label}",
                ),
            ],
        ),
        "AWS::Kinesis::Stream" => (
            Some("Name"),
            Some("{name}"),
            &[(
                "Arn",
                "arn:{partition}:kinesis:{region}:{account}:stream/{name}",
            )],
        ),
        "AWS::SecretsManager::Secret" => (
            Some("Name"),
            Some("arn:{partition}:secretsmanager:{region}:{account}:secret:{name}-{suffix}"),
            &[],
        ),
        "AWS::KMS::Key" => (
            None,
            None,
            &[("Arn", "arn:{partition}:kms:{region}:{account}:key/{Ref}")],
        ),
        "AWS::StepFunctions::StateMachine" => (
            Some("StateMachineName"),
            Some("arn:{partition}:states:{region}:{account}:stateMachine:{name}"),
            &[
                (
                    "Arn",
                    "arn:{partition}:states:{region}:{account}:stateMachine:{name}",
                ),
                ("Name", "{name}"),
            ],
        ),
        "AWS::Cognito::UserPool" => (
            None,
            None,
            &[(
                "Arn",
                "arn:{partition}:cognito-idp:{region}:{account}:userpool/{Ref}",
            )],
        ),
        "AWS::SSM::Parameter" => (Some("Name"), Some("{name}"), &[]),
        "AWS::IoT::TopicRule" => (
            Some("RuleName"),
            Some("{name}"),
            &[("Arn", "arn:{partition}:iot:{region}:{account}:rule/{name}")],
        ),
        "AWS::CloudWatch::Alarm" => (
            Some("AlarmName"),
            Some("{name}"),
            &[(
                "Arn",
                "arn:{partition}:cloudwatch:{region}:{account}:alarm:{name}",
            )],
        ),
        "AWS::ElasticLoadBalancingV2::TargetGroup" => (
            Some("Name"),
            Some("arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{name}/{id}"),
            &[],
        ),
        "AWS::CodeCommit::Repository" => (
            Some("RepositoryName"),
            None,
            &[(
                "Arn",
                "arn:{partition}:codecommit:{region}:{account}:{name}",
            )],
        ),
        _ => return None,
    };
    Some(TypeShape {
        name_prop,
        reference,
        attrs,
    })
}

/// Evaluates values of one template.
pub struct Evaluator<'a> {
    resources: HashMap<&'a str, &'a Node>,
    parameters: HashMap<&'a str, &'a Node>,
    conditions: HashMap<&'a str, &'a Node>,
    mappings: Option<&'a Node>,
    overrides: HashMap<String, String>,
    cond_cache: RefCell<HashMap<String, Option<bool>>>,
    cond_active: RefCell<HashSet<String>>,
    res_cache: RefCell<HashMap<String, CfValue>>,
    res_active: RefCell<HashSet<String>>,
    counter: Cell<u32>,
}

fn section<'a>(root: &'a Node, name: &str) -> HashMap<&'a str, &'a Node> {
    root.get(name)
        .map(|s| {
            s.entries()
                .iter()
                .map(|(k, v)| (k.name.as_str(), v))
                .collect()
        })
        .unwrap_or_default()
}

impl<'a> Evaluator<'a> {
    /// `overrides` are `--parameter KEY=VALUE` values; they also set pseudo parameters
    /// (`AWS::Region=eu-west-1`).
    pub fn new(root: &'a Node, overrides: &HashMap<String, String>) -> Self {
        Evaluator {
            resources: section(root, "Resources"),
            parameters: section(root, "Parameters"),
            conditions: section(root, "Conditions"),
            mappings: root.get("Mappings"),
            overrides: overrides.clone(),
            cond_cache: RefCell::new(HashMap::new()),
            cond_active: RefCell::new(HashSet::new()),
            res_cache: RefCell::new(HashMap::new()),
            res_active: RefCell::new(HashSet::new()),
            counter: Cell::new(0),
        }
    }

    /// The resource node of a logical id.
    pub fn resource(&self, id: &str) -> Option<&'a Node> {
        self.resources.get(id).copied()
    }

    /// The `Type` of a resource.
    pub fn resource_type(&self, id: &str) -> Option<&'a str> {
        self.resource(id)?.get("Type")?.as_str()
    }

    pub fn eval(&self, node: &Node) -> CfValue {
        self.eval_d(node, 0)
    }

    /// The value of a named condition: `None` when it cannot be decided.
    pub fn condition(&self, name: &str) -> Option<bool> {
        self.condition_d(name, 0)
    }

    /// A resource's `Condition`: `Some(false)` when the resource is not created.
    pub fn resource_condition(&self, resource: &Node) -> Option<bool> {
        let c = resource.get("Condition")?;
        match &c.value {
            NodeValue::String(name) => self.condition(name),
            _ => self.cond_node(c, 0),
        }
    }

    fn fresh_hole(&self, reason: &str, refs: Vec<String>) -> CfUnknown {
        let n = self.counter.get();
        self.counter.set(n.wrapping_add(1));
        CfUnknown {
            reason: reason.to_string(),
            pieces: vec![Piece::Hole {
                expr: format!("<unknown#{n}>"),
            }],
            refs,
        }
    }

    fn condition_d(&self, name: &str, d: u32) -> Option<bool> {
        if let Some(v) = self.cond_cache.borrow().get(name) {
            return *v;
        }
        if d > MAX_DEPTH || !self.cond_active.borrow_mut().insert(name.to_string()) {
            return None;
        }
        let v = self
            .conditions
            .get(name)
            .and_then(|n| self.cond_node(n, d + 1));
        self.cond_active.borrow_mut().remove(name);
        self.cond_cache.borrow_mut().insert(name.to_string(), v);
        v
    }

    fn cond_node(&self, node: &Node, d: u32) -> Option<bool> {
        if d > MAX_DEPTH {
            return None;
        }
        match &node.value {
            NodeValue::Bool(b) => Some(*b),
            NodeValue::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            NodeValue::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            NodeValue::Map(entries) if entries.len() == 1 && entries[0].0.name == "Condition" => {
                self.condition_d(entries[0].1.as_str()?, d + 1)
            }
            NodeValue::Intrinsic { name, arg } => match name.as_str() {
                "Condition" => self.condition_d(arg.as_str()?, d + 1),
                "Fn::Equals" => {
                    let items = arg.items();
                    if items.len() != 2 {
                        return None;
                    }
                    let a = self.eval_d(&items[0], d + 1);
                    let b = self.eval_d(&items[1], d + 1);
                    values_equal(&a, &b)
                }
                "Fn::Not" => {
                    let inner = arg.items().first().unwrap_or(arg);
                    self.cond_node(inner, d + 1).map(|b| !b)
                }
                "Fn::And" => {
                    let mut all = Some(true);
                    for i in arg.items() {
                        match self.cond_node(i, d + 1) {
                            Some(false) => return Some(false),
                            Some(true) => {}
                            None => all = None,
                        }
                    }
                    all
                }
                "Fn::Or" => {
                    let mut any = Some(false);
                    for i in arg.items() {
                        match self.cond_node(i, d + 1) {
                            Some(true) => return Some(true),
                            Some(false) => {}
                            None => any = None,
                        }
                    }
                    any
                }
                _ => match self.eval_d(node, d + 1) {
                    CfValue::Bool(b) => Some(b),
                    _ => None,
                },
            },
            _ => None,
        }
    }

    fn eval_d(&self, node: &Node, d: u32) -> CfValue {
        if d > MAX_DEPTH {
            return CfValue::unknown("the value is nested too deeply to evaluate");
        }
        match &node.value {
            NodeValue::Null => CfValue::Null,
            NodeValue::Bool(b) => CfValue::Bool(*b),
            NodeValue::Number(n) => CfValue::Number(*n),
            NodeValue::String(s) => CfValue::String(s.clone()),
            NodeValue::List(items) => CfValue::List(
                items
                    .iter()
                    .map(|i| self.eval_d(i, d + 1))
                    .filter(|v| *v != CfValue::NoValue)
                    .collect(),
            ),
            NodeValue::Map(entries) => CfValue::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), self.eval_d(v, d + 1)))
                    .filter(|(_, v)| *v != CfValue::NoValue)
                    .collect(),
            ),
            NodeValue::Intrinsic { name, arg } => self.intrinsic(name, arg, d + 1),
        }
    }

    fn intrinsic(&self, name: &str, arg: &Node, d: u32) -> CfValue {
        match name {
            "Ref" => match self.eval_d(arg, d).as_str() {
                Some(id) => self.reference(id, d),
                None => CfValue::unknown("Ref to a computed name"),
            },
            "Fn::GetAtt" => {
                let (id, attr) = match &arg.value {
                    NodeValue::String(s) => match s.split_once('.') {
                        Some((a, b)) => (CfValue::String(a.into()), CfValue::String(b.into())),
                        None => {
                            return CfValue::unknown(format!("Fn::GetAtt \"{s}\" has no attribute"))
                        }
                    },
                    NodeValue::List(items) if items.len() == 2 => {
                        (self.eval_d(&items[0], d), self.eval_d(&items[1], d))
                    }
                    _ => return CfValue::unknown("Fn::GetAtt expects [resource, attribute]"),
                };
                match (id.as_str(), attr.as_str()) {
                    (Some(id), Some(attr)) => self.get_att(id, attr, d),
                    (Some(id), None) => CfValue::hole(
                        format!("{id}.?"),
                        format!("attribute of {id} is computed"),
                        vec![id.to_string()],
                    ),
                    _ => CfValue::unknown("Fn::GetAtt of a computed resource name"),
                }
            }
            "Fn::Sub" => self.sub(arg, d),
            "Fn::Join" => {
                let items = arg.items();
                if items.len() != 2 {
                    return CfValue::unknown("Fn::Join expects [delimiter, list]");
                }
                let delim = match self.eval_d(&items[0], d).scalar_text() {
                    Some(s) => s,
                    None => return CfValue::unknown("Fn::Join with a computed delimiter"),
                };
                match self.eval_d(&items[1], d) {
                    CfValue::List(list) => {
                        let mut parts = Vec::new();
                        for (i, v) in list.into_iter().enumerate() {
                            if i > 0 {
                                parts.push(CfValue::String(delim.clone()));
                            }
                            parts.push(v);
                        }
                        self.concat(parts)
                    }
                    u @ CfValue::Unknown(_) => CfValue::Unknown(CfUnknown {
                        reason: reason_of(&u),
                        pieces: Vec::new(),
                        refs: u.refs(),
                    }),
                    other => CfValue::unknown(format!("Fn::Join of {}", other.type_name())),
                }
            }
            "Fn::Select" => {
                let items = arg.items();
                if items.len() != 2 {
                    return CfValue::unknown("Fn::Select expects [index, list]");
                }
                let idx = self
                    .eval_d(&items[0], d)
                    .scalar_text()
                    .and_then(|s| s.trim().parse::<f64>().ok());
                let list = self.eval_d(&items[1], d);
                match (idx, list) {
                    (_, u @ CfValue::Unknown(_)) => CfValue::Unknown(CfUnknown {
                        reason: reason_of(&u),
                        pieces: Vec::new(),
                        refs: u.refs(),
                    }),
                    (Some(i), CfValue::List(l)) if i >= 0.0 => l
                        .into_iter()
                        .nth(i as usize)
                        .unwrap_or_else(|| CfValue::unknown("Fn::Select index is out of range")),
                    (None, CfValue::List(_)) => {
                        CfValue::unknown("Fn::Select with a computed index")
                    }
                    (_, other) => {
                        CfValue::unknown(format!("Fn::Select from {}", other.type_name()))
                    }
                }
            }
            "Fn::Split" => {
                let items = arg.items();
                if items.len() != 2 {
                    return CfValue::unknown("Fn::Split expects [delimiter, string]");
                }
                let delim = self.eval_d(&items[0], d).scalar_text();
                match (delim, self.eval_d(&items[1], d)) {
                    (Some(dl), CfValue::String(s)) if !dl.is_empty() => CfValue::List(
                        s.split(dl.as_str())
                            .map(|p| CfValue::String(p.to_string()))
                            .collect(),
                    ),
                    (_, u @ CfValue::Unknown(_)) => CfValue::Unknown(CfUnknown {
                        reason: reason_of(&u),
                        pieces: Vec::new(),
                        refs: u.refs(),
                    }),
                    _ => CfValue::unknown("Fn::Split of a value that is not a string"),
                }
            }
            "Fn::Base64" => self.eval_d(arg, d),
            "Fn::GetAZs" => CfValue::unknown("availability zones are chosen at deploy time"),
            "Fn::ImportValue" => match self.eval_d(arg, d).scalar_text() {
                Some(export) => CfValue::hole(
                    format!("Fn::ImportValue({export})"),
                    format!("imported from another stack's export {export}"),
                    Vec::new(),
                ),
                None => CfValue::unknown("imported from another stack"),
            },
            "Fn::Cidr" => CfValue::unknown("Fn::Cidr is computed at deploy time"),
            "Fn::Transform" => CfValue::unknown("the value comes from a macro (Fn::Transform)"),
            "Fn::FindInMap" => self.find_in_map(arg, d),
            "Fn::If" => self.fn_if(arg, d),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                let n = Node::new(
                    NodeValue::Intrinsic {
                        name: name.to_string(),
                        arg: Box::new(arg.clone()),
                    },
                    arg.loc.clone(),
                );
                match self.cond_node(&n, d) {
                    Some(b) => CfValue::Bool(b),
                    None => CfValue::unknown(format!("{name} cannot be decided before deployment")),
                }
            }
            "Fn::ToJsonString" => {
                let v = self.eval_d(arg, d);
                match v.to_json() {
                    Some(j) => CfValue::String(j.to_string()),
                    None => CfValue::Unknown(CfUnknown {
                        reason: "Fn::ToJsonString of a value with unknown parts".into(),
                        pieces: Vec::new(),
                        refs: v.refs(),
                    }),
                }
            }
            "Fn::Length" => match self.eval_d(arg, d) {
                CfValue::List(l) => CfValue::Number(l.len() as f64),
                u @ CfValue::Unknown(_) => CfValue::Unknown(CfUnknown {
                    reason: reason_of(&u),
                    pieces: Vec::new(),
                    refs: u.refs(),
                }),
                other => CfValue::unknown(format!("Fn::Length of {}", other.type_name())),
            },
            other => CfValue::unknown(format!("{other} is not supported")),
        }
    }

    /// `Ref` to a parameter, pseudo parameter or resource.
    pub fn reference(&self, id: &str, d: u32) -> CfValue {
        if let Some(v) = self.pseudo(id) {
            return v;
        }
        if let Some(p) = self.parameters.get(id) {
            return self.parameter(id, p);
        }
        if self.resources.contains_key(id) {
            return self.resource_value(id, None, d);
        }
        CfValue::hole(
            id,
            format!("Ref to {id}, which is not in the template"),
            Vec::new(),
        )
    }

    fn pseudo(&self, id: &str) -> Option<CfValue> {
        if !id.starts_with("AWS::") {
            return None;
        }
        if let Some(v) = self.overrides.get(id) {
            return Some(if id == "AWS::NotificationARNs" {
                split_list(v)
            } else {
                CfValue::String(v.clone())
            });
        }
        Some(match id {
            "AWS::NoValue" => CfValue::NoValue,
            "AWS::Partition" => CfValue::String("aws".into()),
            "AWS::URLSuffix" => CfValue::String("amazonaws.com".into()),
            "AWS::Region"
            | "AWS::AccountId"
            | "AWS::StackName"
            | "AWS::StackId"
            | "AWS::NotificationARNs" => {
                CfValue::hole(id, format!("{id} is known at deploy time"), Vec::new())
            }
            _ => CfValue::hole(id, format!("unknown pseudo parameter {id}"), Vec::new()),
        })
    }

    fn parameter(&self, id: &str, p: &Node) -> CfValue {
        let ptype = p.get("Type").and_then(Node::as_str).unwrap_or("String");
        let is_list = ptype.starts_with("List<") || ptype == "CommaDelimitedList";
        if ptype.starts_with("AWS::SSM::Parameter::Value") {
            return CfValue::hole(
                id,
                format!("parameter {id} is read from SSM Parameter Store at deploy time"),
                Vec::new(),
            );
        }
        let given = match self.overrides.get(id) {
            Some(v) => Some(CfValue::String(v.clone())),
            None => p.get("Default").map(|dflt| match &dflt.value {
                NodeValue::List(items) => CfValue::List(
                    items
                        .iter()
                        .map(|i| match &i.value {
                            NodeValue::String(s) => CfValue::String(s.clone()),
                            NodeValue::Number(n) => CfValue::String(format_number(*n)),
                            NodeValue::Bool(b) => CfValue::String(b.to_string()),
                            _ => CfValue::unknown("parameter default is not a scalar"),
                        })
                        .collect(),
                ),
                NodeValue::String(s) => CfValue::String(s.clone()),
                NodeValue::Number(n) => CfValue::String(format_number(*n)),
                NodeValue::Bool(b) => CfValue::String(b.to_string()),
                _ => CfValue::unknown(format!("parameter {id} has an unsupported default")),
            }),
        };
        match given {
            Some(CfValue::String(s)) if is_list => split_list(&s),
            Some(v) => v,
            None => CfValue::hole(
                id,
                format!("parameter {id} has no default and no value was given"),
                Vec::new(),
            ),
        }
    }

    /// `Ref` (attr `None`) or `Fn::GetAtt` of a resource in the template.
    pub fn get_att(&self, id: &str, attr: &str, d: u32) -> CfValue {
        if !self.resources.contains_key(id) {
            return CfValue::hole(
                format!("{id}.{attr}"),
                format!("Fn::GetAtt of {id}, which is not in the template"),
                Vec::new(),
            );
        }
        self.resource_value(id, Some(attr), d)
    }

    fn resource_value(&self, id: &str, attr: Option<&str>, d: u32) -> CfValue {
        let key = format!("{id}.{}", attr.unwrap_or("Ref"));
        if let Some(v) = self.res_cache.borrow().get(&key) {
            return v.clone();
        }
        if d > MAX_DEPTH || !self.res_active.borrow_mut().insert(key.clone()) {
            // A reference cycle (e.g. a name computed from the resource's own Ref).
            return CfValue::hole(
                key.clone(),
                format!("{key} is known after deployment"),
                vec![id.to_string()],
            );
        }
        let v = self.resource_value_uncached(id, attr, d);
        self.res_active.borrow_mut().remove(&key);
        self.res_cache.borrow_mut().insert(key, v.clone());
        v
    }

    fn resource_value_uncached(&self, id: &str, attr: Option<&str>, d: u32) -> CfValue {
        let rtype = self.resource_type(id).unwrap_or("");
        let shape = type_shape(rtype);
        let template = shape.as_ref().and_then(|s| match attr {
            None => s.reference,
            Some(a) => s.attrs.iter().find(|(n, _)| *n == a).map(|(_, t)| *t),
        });
        let what = match attr {
            None => format!("{id}.Ref"),
            Some(a) => format!("{id}.{a}"),
        };
        let reason = format!("{what} is known after deployment");
        let (Some(shape), Some(template)) = (shape, template) else {
            return CfValue::hole(what, reason, vec![id.to_string()]);
        };
        // The hole that stands for the resource's name: `<Id>.Ref` when Ref returns it.
        let name_hole = if shape.reference == Some("{name}") {
            format!("{id}.Ref")
        } else {
            format!("{id}.Name")
        };
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            if start > 0 {
                parts.push(CfValue::String(rest[..start].to_string()));
            }
            let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
            let part = &rest[start + 1..end];
            parts.push(match part {
                "partition" => self.reference("AWS::Partition", d),
                "region" => self.reference("AWS::Region", d),
                "account" => self.reference("AWS::AccountId", d),
                "urlsuffix" => self.reference("AWS::URLSuffix", d),
                "name" => {
                    let v = shape
                        .name_prop
                        .and_then(|p| self.resource_prop(id, p, d))
                        .unwrap_or(CfValue::NoValue);
                    match v {
                        CfValue::String(_) | CfValue::Number(_) => v,
                        CfValue::Unknown(ref u) if !u.pieces.is_empty() => v,
                        _ => CfValue::hole(name_hole.clone(), reason.clone(), Vec::new()),
                    }
                }
                "path" => match self.resource_prop(id, "Path", d) {
                    Some(CfValue::String(p)) => {
                        CfValue::String(p.trim_start_matches('/').to_string())
                    }
                    Some(u @ CfValue::Unknown(_)) => u,
                    _ => CfValue::String(String::new()),
                },
                "Ref" => CfValue::hole(format!("{id}.Ref"), reason.clone(), Vec::new()),
                other => CfValue::hole(format!("{id}.{other}"), reason.clone(), Vec::new()),
            });
            rest = &rest[(end + 1).min(rest.len())..];
        }
        if !rest.is_empty() {
            parts.push(CfValue::String(rest.to_string()));
        }
        match self.concat(parts) {
            CfValue::Unknown(mut u) => {
                u.reason = reason;
                if !u.refs.iter().any(|r| r == id) {
                    u.refs.insert(0, id.to_string());
                }
                CfValue::Unknown(u)
            }
            known => known,
        }
    }

    /// An evaluated property of a resource (`None` when absent).
    pub fn resource_prop(&self, id: &str, prop: &str, d: u32) -> Option<CfValue> {
        let node = self.resource(id)?.get("Properties")?.get(prop)?;
        match self.eval_d(node, d + 1) {
            CfValue::NoValue => None,
            v => Some(v),
        }
    }

    /// Concatenates string parts, keeping the known text and the holes.
    pub fn concat(&self, parts: Vec<CfValue>) -> CfValue {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut refs = Vec::new();
        let mut reason = None;
        let push_lit = |pieces: &mut Vec<Piece>, s: &str| {
            if s.is_empty() {
                return;
            }
            if let Some(Piece::Lit(last)) = pieces.last_mut() {
                last.push_str(s);
            } else {
                pieces.push(Piece::Lit(s.to_string()));
            }
        };
        for p in parts {
            match p {
                CfValue::NoValue | CfValue::Null => {}
                CfValue::Unknown(u) => {
                    reason.get_or_insert_with(|| u.reason.clone());
                    for r in &u.refs {
                        if !refs.contains(r) {
                            refs.push(r.clone());
                        }
                    }
                    let u = if u.pieces.is_empty() {
                        self.fresh_hole(&u.reason, Vec::new())
                    } else {
                        u
                    };
                    for piece in u.pieces {
                        match piece {
                            Piece::Lit(s) => push_lit(&mut pieces, &s),
                            h => pieces.push(h),
                        }
                    }
                }
                CfValue::List(_) | CfValue::Map(_) => {
                    return CfValue::unknown(format!(
                        "{} cannot be part of a string",
                        p.type_name()
                    ))
                }
                scalar => push_lit(&mut pieces, &scalar.scalar_text().unwrap_or_default()),
            }
        }
        match reason {
            None => CfValue::String(
                pieces
                    .into_iter()
                    .map(|p| match p {
                        Piece::Lit(s) => s,
                        Piece::Hole { .. } => String::new(),
                    })
                    .collect(),
            ),
            Some(reason) => CfValue::Unknown(CfUnknown {
                reason,
                pieces,
                refs,
            }),
        }
    }

    fn sub(&self, arg: &Node, d: u32) -> CfValue {
        let (template, vars) = match &arg.value {
            NodeValue::String(s) => (s.clone(), Vec::new()),
            NodeValue::List(items) if !items.is_empty() => {
                let Some(t) = self.eval_d(&items[0], d).as_str().map(str::to_string) else {
                    return CfValue::unknown("Fn::Sub of a computed template");
                };
                let vars = items
                    .get(1)
                    .map(|m| {
                        m.entries()
                            .iter()
                            .map(|(k, v)| (k.name.clone(), v))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                (t, vars)
            }
            _ => return CfValue::unknown("Fn::Sub expects a string or [string, map]"),
        };
        let mut parts = Vec::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            parts.push(CfValue::String(rest[..start].to_string()));
            let after = &rest[start + 2..];
            if let Some(lit) = after.strip_prefix('!') {
                // `${!Literal}` is the text `${Literal}`.
                parts.push(CfValue::String("${".into()));
                rest = lit;
                continue;
            }
            let Some(end) = after.find('}') else {
                parts.push(CfValue::String(rest[start..].to_string()));
                rest = "";
                break;
            };
            let var = after[..end].trim();
            parts.push(match vars.iter().find(|(k, _)| k == var) {
                Some((_, node)) => self.eval_d(node, d),
                None => match var.split_once('.') {
                    Some((res, attr)) if !var.starts_with("AWS::") => self.get_att(res, attr, d),
                    _ => self.reference(var, d),
                },
            });
            rest = &after[end + 1..];
        }
        parts.push(CfValue::String(rest.to_string()));
        self.concat(parts)
    }

    fn find_in_map(&self, arg: &Node, d: u32) -> CfValue {
        let items = arg.items();
        if items.len() < 3 {
            return CfValue::unknown("Fn::FindInMap expects [map, key, key]");
        }
        let keys: Vec<CfValue> = items[..3].iter().map(|i| self.eval_d(i, d)).collect();
        let default = items.get(3).and_then(|o| o.get("DefaultValue"));
        let texts: Option<Vec<String>> = keys.iter().map(CfValue::scalar_text).collect();
        let Some(texts) = texts else {
            return CfValue::unknown("Fn::FindInMap with a key known only at deploy time");
        };
        let found = self
            .mappings
            .and_then(|m| m.get(&texts[0]))
            .and_then(|m| m.get(&texts[1]))
            .and_then(|m| m.get(&texts[2]));
        match (found, default) {
            (Some(n), _) => self.eval_d(n, d),
            (None, Some(dflt)) => self.eval_d(dflt, d),
            (None, None) => CfValue::unknown(format!(
                "mapping {}/{}/{} is not defined",
                texts[0], texts[1], texts[2]
            )),
        }
    }

    fn fn_if(&self, arg: &Node, d: u32) -> CfValue {
        let items = arg.items();
        if items.len() != 3 {
            return CfValue::unknown("Fn::If expects [condition, then, else]");
        }
        let cond_name = items[0].as_str().unwrap_or("?").to_string();
        let cond = match &items[0].value {
            NodeValue::String(name) => self.condition_d(name, d),
            _ => self.cond_node(&items[0], d),
        };
        match cond {
            Some(true) => self.eval_d(&items[1], d),
            Some(false) => self.eval_d(&items[2], d),
            None => {
                let a = self.eval_d(&items[1], d);
                let b = self.eval_d(&items[2], d);
                if a == b {
                    return a;
                }
                // Only a resource both branches refer to is a link; anything else would be a
                // guess at the condition.
                let b_refs = b.refs();
                let refs = a
                    .refs()
                    .into_iter()
                    .filter(|r| b_refs.contains(r))
                    .collect();
                CfValue::Unknown(CfUnknown {
                    reason: format!(
                        "depends on condition {cond_name}, which is decided at deploy time"
                    ),
                    pieces: Vec::new(),
                    refs,
                })
            }
        }
    }
}

fn reason_of(v: &CfValue) -> String {
    match v {
        CfValue::Unknown(u) => u.reason.clone(),
        _ => String::new(),
    }
}

fn split_list(s: &str) -> CfValue {
    CfValue::List(
        s.split(',')
            .map(|p| CfValue::String(p.trim().to_string()))
            .collect(),
    )
}

/// `Fn::Equals`: decided when both sides are known, or unknown but built from the same parts.
fn values_equal(a: &CfValue, b: &CfValue) -> Option<bool> {
    match (a, b) {
        (CfValue::Unknown(x), CfValue::Unknown(y)) => {
            (!x.pieces.is_empty() && x.pieces == y.pieces).then_some(true)
        }
        (CfValue::Unknown(_), _) | (_, CfValue::Unknown(_)) => None,
        _ => match (a.scalar_text(), b.scalar_text()) {
            (Some(x), Some(y)) => Some(x == y),
            _ => {
                if a.refs().is_empty() && b.refs().is_empty() && a.to_json().is_some() {
                    Some(a.to_json() == b.to_json())
                } else {
                    None
                }
            }
        },
    }
}

/// Parses a JSON string (a policy written as a string) into a value.
pub fn parse_json(s: &str) -> Result<CfValue, String> {
    serde_json::from_str::<serde_json::Value>(s)
        .map(|j| CfValue::from_json(&j))
        .map_err(|e| e.to_string())
}
