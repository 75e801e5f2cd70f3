//! A template as a tree of located nodes.
//!
//! YAML and JSON templates load into the same tree. Intrinsic functions are normalised:
//! the short form `!GetAtt Fn.Arn` and the long form `{"Fn::GetAtt": ["Fn", "Arn"]}` both
//! become [`NodeValue::Intrinsic`] with the long name (`Fn::GetAtt`) and the argument as
//! written (a string for the dotted short form of GetAtt; consumers accept both shapes).

use lambdasec_model::Location;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    /// Where the node starts (for mapping values: the value, not the key).
    pub loc: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Node>),
    /// Keys in document order, each with its own location.
    Map(Vec<(Key, Node)>),
    /// `Ref`, `Condition` (in condition context) or `Fn::*`.
    Intrinsic {
        name: String,
        arg: Box<Node>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub loc: Location,
}

impl Node {
    pub fn new(value: NodeValue, loc: Location) -> Self {
        Node { value, loc }
    }

    /// The value of a mapping key (case-sensitive, as CloudFormation is).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The location of a mapping key (for findings that point at a property's line).
    pub fn key_loc(&self, key: &str) -> Option<&Location> {
        match &self.value {
            NodeValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(k, _)| &k.loc),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            NodeValue::Map(e) => e,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            NodeValue::List(l) => l,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::String(s) => Some(s),
            _ => None,
        }
    }
}
