//! Terraform values during evaluation: known data, references to resources, and unknowns.

use indexmap::IndexMap;
use lambdasec_model::{Doc, Piece, Unknown};
use std::sync::Arc;

/// A value produced by evaluating an HCL expression.
#[derive(Debug, Clone, PartialEq)]
pub enum TfValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lists, tuples and sets.
    List(Vec<TfValue>),
    /// Objects and maps (insertion order kept).
    Object(IndexMap<String, TfValue>),
    /// One instance of a resource or data source: attribute access returns the configured
    /// attribute, or an unknown computed attribute (`arn`, `id`, ...).
    Resource(Arc<ResourceObj>),
    Unknown(Box<UnknownVal>),
}

/// A resource instance as seen by references to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceObj {
    /// Full address, e.g. `module.m.aws_iam_role.r[0]`.
    pub address: String,
    /// Resource type, e.g. `aws_iam_role`; data sources are `data.aws_x`.
    pub rtype: String,
    /// Configured (evaluated) attributes; nested blocks appear as lists of objects.
    pub attrs: IndexMap<String, TfValue>,
}

/// An unknown value: why, what is known of its text, and for `jsonencode` of a structure with
/// unknown parts, the structure itself.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownVal {
    pub reason: String,
    /// For string-like values: known and unknown parts in order (empty = nothing known).
    pub pieces: Vec<Piece>,
    /// For `jsonencode(x)` where `x` contains unknowns: `x`, so policies keep their structure.
    pub json: Option<TfValue>,
    /// The value is unknown because evaluating known data failed (a missing attribute or
    /// key, an index out of range, a type error), not because it depends on something not
    /// known yet. `try()` skips such values; it must not skip the others.
    pub error: bool,
}

impl TfValue {
    /// An unknown value standing for the expression `expr` (e.g. `var.name`).
    pub fn unknown_ref(expr: impl Into<String>, reason: impl Into<String>) -> TfValue {
        TfValue::Unknown(Box::new(UnknownVal {
            reason: reason.into(),
            pieces: vec![Piece::Hole { expr: expr.into() }],
            json: None,
            error: false,
        }))
    }

    /// An unknown value with nothing known about its shape.
    pub fn unknown(reason: impl Into<String>) -> TfValue {
        TfValue::Unknown(Box::new(UnknownVal {
            reason: reason.into(),
            pieces: Vec::new(),
            json: None,
            error: false,
        }))
    }

    /// An unknown string made of known and unknown parts.
    pub fn partial(reason: impl Into<String>, pieces: Vec<Piece>) -> TfValue {
        TfValue::Unknown(Box::new(UnknownVal {
            reason: reason.into(),
            pieces,
            json: None,
            error: false,
        }))
    }

    /// An evaluation error on known data, carried as an unknown value.
    pub fn error(reason: impl Into<String>) -> TfValue {
        TfValue::Unknown(Box::new(UnknownVal {
            reason: reason.into(),
            pieces: Vec::new(),
            json: None,
            error: true,
        }))
    }

    /// An evaluation error named by the expression it came from.
    pub fn error_ref(expr: impl Into<String>, reason: impl Into<String>) -> TfValue {
        let mut v = TfValue::unknown_ref(expr, reason);
        if let TfValue::Unknown(u) = &mut v {
            u.error = true;
        }
        v
    }

    /// Unknown because of an evaluation error (see [`UnknownVal::error`]).
    pub fn is_error(&self) -> bool {
        matches!(self, TfValue::Unknown(u) if u.error)
    }

    /// The same kind of unknown as `u` (error or not), with no shape.
    fn unknown_like(u: &UnknownVal) -> TfValue {
        if u.error {
            TfValue::error(u.reason.clone())
        } else {
            TfValue::unknown(u.reason.clone())
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, TfValue::Unknown(_))
    }

    /// True when the value or anything inside it is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            TfValue::Unknown(_) => true,
            TfValue::List(l) => l.iter().any(TfValue::contains_unknown),
            TfValue::Object(o) => o.values().any(TfValue::contains_unknown),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            TfValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            TfValue::Null => "null",
            TfValue::Bool(_) => "bool",
            TfValue::Number(_) => "number",
            TfValue::String(_) => "string",
            TfValue::List(_) => "list",
            TfValue::Object(_) => "object",
            TfValue::Resource(_) => "resource",
            TfValue::Unknown(_) => "unknown",
        }
    }

    /// `value.name` with Terraform semantics; unknown when it cannot be answered.
    pub fn get_attr(&self, name: &str) -> TfValue {
        match self {
            TfValue::Object(o) => o
                .get(name)
                .cloned()
                .unwrap_or_else(|| TfValue::error(format!("object has no attribute \"{name}\""))),
            TfValue::Resource(r) => r.attr(name),
            TfValue::Unknown(u) => TfValue::unknown_like(u),
            TfValue::Null => TfValue::error(format!("attribute \"{name}\" of null")),
            other => TfValue::error(format!(
                "cannot read attribute \"{name}\" of a {}",
                other.type_name()
            )),
        }
    }

    /// `value[key]` with Terraform semantics; unknown when it cannot be answered.
    pub fn index(&self, key: &TfValue) -> TfValue {
        match (self, key) {
            (TfValue::Unknown(u), _) => TfValue::unknown_like(u),
            (_, TfValue::Unknown(u)) => TfValue::unknown_like(u),
            (TfValue::List(l), TfValue::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => {
                l.get(*n as usize).cloned().unwrap_or_else(|| {
                    TfValue::error(format!("index {n} out of range ({} items)", l.len()))
                })
            }
            (TfValue::List(l), TfValue::String(s)) => match s.parse::<usize>() {
                Ok(i) if i < l.len() => l[i].clone(),
                _ => TfValue::error(format!("invalid list index \"{s}\"")),
            },
            (TfValue::Object(o), TfValue::String(s)) => o
                .get(s)
                .cloned()
                .unwrap_or_else(|| TfValue::error(format!("no key \"{s}\""))),
            (TfValue::Object(o), TfValue::Number(n)) => o
                .get(&format_number(*n))
                .cloned()
                .unwrap_or_else(|| TfValue::error(format!("no key {n}"))),
            (TfValue::Resource(r), TfValue::String(s)) => r.attr(s),
            (v, k) => TfValue::error(format!(
                "cannot index a {} with a {}",
                v.type_name(),
                k.type_name()
            )),
        }
    }

    /// The model's document form (policies): unknown parts stay unknown, in place.
    pub fn to_doc(&self) -> Doc {
        match self {
            TfValue::Null => Doc::Null,
            TfValue::Bool(b) => Doc::Bool(*b),
            TfValue::Number(n) => Doc::Number(*n),
            TfValue::String(s) => Doc::String(s.clone()),
            TfValue::List(l) => Doc::Array(l.iter().map(TfValue::to_doc).collect()),
            TfValue::Object(o) => {
                Doc::Object(o.iter().map(|(k, v)| (k.clone(), v.to_doc())).collect())
            }
            TfValue::Resource(r) => Doc::Unknown(Unknown::new(format!(
                "{} is a whole resource, not a value",
                r.address
            ))),
            TfValue::Unknown(u) => Doc::Unknown(Unknown {
                reason: u.reason.clone(),
                pieces: u.pieces.clone(),
            }),
        }
    }
}

/// Terraform's number formatting: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl ResourceObj {
    /// A configured attribute, or the computed attribute as an unknown that remembers what it
    /// refers to (with the ARN's known shape where the resource type fixes it).
    pub fn attr(&self, name: &str) -> TfValue {
        if let Some(v) = self.attrs.get(name) {
            return v.clone();
        }
        let expr = format!("{}.{}", self.address, name);
        let reason = format!("{expr} is known only after apply");
        match crate::computed::arn_shape(&self.rtype, name) {
            Some(shape) => TfValue::partial(reason, shape.pieces(&expr)),
            None => TfValue::unknown_ref(expr, reason),
        }
    }
}
