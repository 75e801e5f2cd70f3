//! The IAM policy language as a typed tree.
//!
//! Parsed from the model's [`Doc`](lambdasec_model::Doc), in which any node may be unknown
//! (an ARN known only after apply). Unknown parts stay [`Item::Unknown`]: analysis treats
//! them as "cannot tell", never as a match that would produce a finding.

/// A list element that may be unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Known(String),
    /// Not known before deployment; the reason says why.
    Unknown(String),
}

impl Item {
    pub fn known(&self) -> Option<&str> {
        match self {
            Item::Known(s) => Some(s),
            Item::Unknown(_) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    /// The effect itself is not known: the statement can neither grant nor deny for sure.
    Unknown,
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionBlock {
    Action(Vec<Item>),
    NotAction(Vec<Item>),
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceBlock {
    Resource(Vec<Item>),
    NotResource(Vec<Item>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    Aws,
    Service,
    Federated,
    CanonicalUser,
    Other(String),
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalBlock {
    pub not: bool,
    /// `"*"` and `{"AWS": "*"}`: everyone, anonymous included.
    pub any: bool,
    pub entries: Vec<(PrincipalKind, Item)>,
}

/// A condition operator, split into its parts: `ForAnyValue:StringLikeIfExists` is
/// `{ set: Some(ForAnyValue), base: "StringLike", if_exists: true }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// As written.
    pub text: String,
    /// The base operator, e.g. `StringEquals`, `ArnLike`, `NumericLessThan`, `Bool`, `Null`.
    pub base: String,
    pub if_exists: bool,
    pub set: Option<SetOperator>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOperator {
    ForAnyValue,
    ForAllValues,
}

/// One operator / key pair with its values (booleans and numbers as strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionClause {
    pub operator: Operator,
    pub key: String,
    pub values: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Position in the policy's statement list (0-based).
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: ActionBlock,
    /// Absent in trust policies and some resource policies.
    pub resources: Option<ResourceBlock>,
    pub principal: Option<PrincipalBlock>,
    /// All clauses are ANDed.
    pub conditions: Vec<ConditionClause>,
    /// Set when part of the condition block itself is unknown: the statement may then be
    /// more restricted than what is visible.
    pub conditions_unknown: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// A problem in a policy document, with the JSON path of the bad element
/// (e.g. `Statement[2].Condition.StringEquals`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl Operator {
    /// A negated operator (`StringNotEquals`, `StringNotLike`, `ArnNotLike`, `NotIpAddress`,
    /// ...): true when the key is missing (UG:reference_policies_elements_condition_operators).
    pub fn is_negated(&self) -> bool {
        crate::condition::negation_of(&self.base).is_some()
    }
}

impl Statement {
    /// The JSON path of the statement in its policy, e.g. `Statement[2]`.
    pub fn path(&self) -> String {
        format!("Statement[{}]", self.index)
    }
}

impl Policy {
    /// Parses a policy document leniently: see [`crate::parse::parse_policy`].
    pub fn from_doc(doc: &lambdasec_model::Doc) -> (Policy, Vec<PolicyError>) {
        crate::parse::parse_policy(doc)
    }
}
