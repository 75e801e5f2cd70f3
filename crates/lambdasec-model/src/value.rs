//! Values that remember where they came from, and may be unknown.

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// Where a value, resource or finding comes from.
///
/// `file` is relative to the scanned root (absent for live-account resources); `line` and
/// `column` are 1-based (0 when the source has no position, e.g. an API answer).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Arc<str>>,
    pub line: u32,
    pub column: u32,
}

impl Location {
    pub fn new(file: Arc<str>, line: u32, column: u32) -> Self {
        Location {
            file: Some(file),
            line,
            column,
        }
    }

    /// A location with no file position (live resources).
    pub fn none() -> Self {
        Location::default()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) if self.line > 0 => write!(f, "{}:{}:{}", file, self.line, self.column),
            Some(file) => write!(f, "{file}"),
            None => write!(f, "-"),
        }
    }
}

/// A part of a string value that is only partly known, e.g. the SourceArn
/// `"${aws_api_gateway_rest_api.api.execution_arn}/*/*"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Piece {
    /// Literal text.
    Lit(String),
    /// A part that could not be resolved; `expr` names what it depends on (e.g.
    /// `var.function_name`), so two values built from the same unresolved input compare equal.
    Hole { expr: String },
}

/// Why a value is unknown, and what is known of its shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    pub reason: String,
    /// For strings: the known and unknown parts in order; empty when nothing is known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pieces: Vec<Piece>,
}

impl Unknown {
    pub fn new(reason: impl Into<String>) -> Self {
        Unknown {
            reason: reason.into(),
            pieces: Vec::new(),
        }
    }

    /// The value rendered with `${…}` for each unknown part, or `(unknown)`.
    pub fn display(&self) -> String {
        if self.pieces.is_empty() {
            return "(unknown)".to_string();
        }
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Hole { expr } => {
                    out.push_str("${");
                    out.push_str(expr);
                    out.push('}');
                }
            }
        }
        out
    }

    /// The literal text before the first unknown part.
    pub fn known_prefix(&self) -> &str {
        match self.pieces.first() {
            Some(Piece::Lit(s)) => s,
            _ => "",
        }
    }

    /// The literal text after the last unknown part.
    pub fn known_suffix(&self) -> &str {
        match self.pieces.last() {
            Some(Piece::Lit(s)) if self.pieces.len() > 1 => s,
            _ => "",
        }
    }
}

/// A value read from a source: known, or unknown with a reason. Both carry their location.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Value<T> {
    Known { value: T, loc: Location },
    Unknown { unknown: Unknown, loc: Location },
}

impl<T> Value<T> {
    pub fn known(value: T, loc: Location) -> Self {
        Value::Known { value, loc }
    }

    pub fn unknown(reason: impl Into<String>, loc: Location) -> Self {
        Value::Unknown {
            unknown: Unknown::new(reason),
            loc,
        }
    }

    pub fn get(&self) -> Option<&T> {
        match self {
            Value::Known { value, .. } => Some(value),
            Value::Unknown { .. } => None,
        }
    }

    pub fn loc(&self) -> &Location {
        match self {
            Value::Known { loc, .. } | Value::Unknown { loc, .. } => loc,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Value::Known { .. })
    }

    pub fn unknown_info(&self) -> Option<&Unknown> {
        match self {
            Value::Unknown { unknown, .. } => Some(unknown),
            Value::Known { .. } => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Value<U> {
        match self {
            Value::Known { value, loc } => Value::Known {
                value: f(value),
                loc,
            },
            Value::Unknown { unknown, loc } => Value::Unknown { unknown, loc },
        }
    }
}

impl Value<String> {
    pub fn as_str(&self) -> Option<&str> {
        self.get().map(String::as_str)
    }

    /// The value for messages: the literal, or the partly known template.
    pub fn display(&self) -> String {
        match self {
            Value::Known { value, .. } => value.clone(),
            Value::Unknown { unknown, .. } => unknown.display(),
        }
    }

    /// True when the value is known and equals `s` ignoring ASCII case.
    pub fn is(&self, s: &str) -> bool {
        self.as_str().is_some_and(|v| v.eq_ignore_ascii_case(s))
    }

    /// Two values are the same when both are known and equal, or both are unknown and built
    /// from the same parts (e.g. both `/aws/lambda/${var.name}`).
    pub fn same_as(&self, other: &Value<String>) -> bool {
        match (self, other) {
            (Value::Known { value: a, .. }, Value::Known { value: b, .. }) => a == b,
            (Value::Unknown { unknown: a, .. }, Value::Unknown { unknown: b, .. }) => {
                !a.pieces.is_empty() && a.pieces == b.pieces
            }
            _ => false,
        }
    }
}

/// A key under which two values compare as [`Value::same_as`] does: equal known strings, or
/// unknowns built from the same parts. Sources use it to link objects by name in linear time.
pub fn name_key(v: &Value<String>) -> Option<String> {
    match v {
        Value::Known { value, .. } => Some(format!("={value}")),
        Value::Unknown { unknown, .. } if !unknown.pieces.is_empty() => {
            Some(format!("~{}", unknown.display()))
        }
        Value::Unknown { .. } => None,
    }
}

/// The index of the first value under each [`name_key`].
pub fn name_index<'a>(
    names: impl Iterator<Item = &'a Value<String>>,
) -> std::collections::HashMap<String, usize> {
    let mut map = std::collections::HashMap::new();
    for (i, n) in names.enumerate() {
        if let Some(k) = name_key(n) {
            map.entry(k).or_insert(i);
        }
    }
    map
}

/// A list whose length may itself be unknown (e.g. `allow_origins = var.origins`).
pub type ValueList<T> = Value<Vec<Value<T>>>;

/// A JSON-like document in which any node may be unknown: policy documents are kept in this
/// form so that one unresolved ARN does not hide the rest of the policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Doc {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Doc>),
    Object(Vec<(String, Doc)>),
    Unknown(Unknown),
}

impl Doc {
    pub fn get(&self, key: &str) -> Option<&Doc> {
        match self {
            Doc::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Doc::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn from_json(v: &serde_json::Value) -> Doc {
        match v {
            serde_json::Value::Null => Doc::Null,
            serde_json::Value::Bool(b) => Doc::Bool(*b),
            serde_json::Value::Number(n) => Doc::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Doc::String(s.clone()),
            serde_json::Value::Array(a) => Doc::Array(a.iter().map(Doc::from_json).collect()),
            serde_json::Value::Object(o) => Doc::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), Doc::from_json(v)))
                    .collect(),
            ),
        }
    }
}
