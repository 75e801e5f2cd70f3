//! Effective permissions of an execution role.
//!
//! Every policy that reaches the role — inline, customer managed, AWS managed by ARN,
//! attachments, rendered policy documents — is parsed, and each Allow statement is expanded
//! against the action catalog into a set of actions. The role's *effective* grant is what it
//! may do on any resource (`Resource: "*"` or equivalent) without a restricting condition,
//! minus what unconditional Deny statements remove, intersected with the permissions boundary.
//! Anything that cannot be read makes the answer smaller, never larger: lambdasec reports
//! only what it can prove.

use crate::catalog::{Action, Catalog, Service};
use crate::classify::LAMBDA_EXECUTION_POLICIES;
use crate::parse::parse_policy;
use crate::policy::{
    ActionBlock, ConditionClause, Effect, Item, Policy, ResourceBlock, SetOperator,
};
use lambdasec_model::{Doc, Inventory, Link, Location, PolicyDoc, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A set of catalog actions, as a bit set over [`ActionIndex`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionSet(Vec<u64>);

impl ActionSet {
    pub fn empty() -> Self {
        ActionSet(vec![0; ActionIndex::get().len().div_ceil(64)])
    }

    pub fn full() -> Self {
        let n = ActionIndex::get().len();
        let mut s = ActionSet(vec![u64::MAX; n.div_ceil(64)]);
        if !n.is_multiple_of(64) {
            if let Some(last) = s.0.last_mut() {
                *last = (1u64 << (n % 64)) - 1;
            }
        }
        s
    }

    pub fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub fn union_with(&mut self, o: &ActionSet) {
        self.0.iter_mut().zip(&o.0).for_each(|(a, b)| *a |= b);
    }

    pub fn intersect_with(&mut self, o: &ActionSet) {
        self.0.iter_mut().zip(&o.0).for_each(|(a, b)| *a &= b);
    }

    pub fn subtract(&mut self, o: &ActionSet) {
        self.0.iter_mut().zip(&o.0).for_each(|(a, b)| *a &= !b);
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Indices of the actions in the set.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(wi, w)| {
            (0..64)
                .filter(move |b| w & (1u64 << b) != 0)
                .map(move |b| wi * 64 + b)
        })
    }

    /// True when every action in `range` is in the set.
    pub fn contains_range(&self, range: std::ops::Range<usize>) -> bool {
        range.clone().all(|i| self.contains(i))
    }
}

/// Every catalog action, numbered; services occupy contiguous ranges.
pub struct ActionIndex {
    actions: Vec<(&'static Service, &'static Action)>,
    by_ptr: HashMap<usize, usize>,
    services: HashMap<String, std::ops::Range<usize>>,
}

impl ActionIndex {
    pub fn get() -> &'static ActionIndex {
        static INDEX: OnceLock<ActionIndex> = OnceLock::new();
        INDEX.get_or_init(|| {
            let mut actions = Vec::new();
            let mut services = HashMap::new();
            for s in Catalog::get().services() {
                let start = actions.len();
                actions.extend(s.actions.iter().map(|a| (s, a)));
                services.insert(s.prefix.to_ascii_lowercase(), start..actions.len());
            }
            let by_ptr = actions
                .iter()
                .enumerate()
                .map(|(i, (_, a))| (*a as *const Action as usize, i))
                .collect();
            ActionIndex {
                actions,
                by_ptr,
                services,
            }
        })
    }

    pub fn len(&self) -> usize {
        self.actions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// `service:Action` as AWS writes it.
    pub fn name(&self, i: usize) -> String {
        let (s, a) = self.actions[i];
        format!("{}:{}", s.prefix, a.name)
    }

    pub fn action(&self, i: usize) -> &'static Action {
        self.actions[i].1
    }

    pub fn service_of(&self, i: usize) -> &'static Service {
        self.actions[i].0
    }

    /// The range of a service's actions.
    pub fn service_range(&self, prefix: &str) -> Option<std::ops::Range<usize>> {
        self.services.get(&prefix.to_ascii_lowercase()).cloned()
    }

    /// The index of `service:Action` (case-insensitive).
    pub fn find(&self, full_name: &str) -> Option<usize> {
        let (_, a) = Catalog::get().action(full_name)?;
        self.by_ptr.get(&(a as *const Action as usize)).copied()
    }

    /// The actions an IAM action pattern matches.
    pub fn expand(&self, pattern: &str) -> ActionSet {
        let mut set = ActionSet::empty();
        for (_, a) in Catalog::get().expand(pattern) {
            if let Some(&i) = self.by_ptr.get(&(a as *const Action as usize)) {
                set.insert(i);
            }
        }
        set
    }

    /// A set of named actions (names the catalog does not know are skipped).
    pub fn set_of(&self, names: &[&str]) -> ActionSet {
        let mut set = ActionSet::empty();
        for n in names {
            if let Some(i) = self.find(n) {
                set.insert(i);
            }
        }
        set
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    Identity,
    Boundary,
    Trust,
}

/// A parsed policy with where it came from.
#[derive(Debug, Clone)]
pub struct SourcedPolicy {
    /// `aws_iam_role_policy.p`, `arn:aws:iam::aws:policy/AdministratorAccess`, ...
    pub label: String,
    pub loc: Location,
    pub kind: PolicyKind,
    pub policy: Policy,
    /// Where each statement is written, by statement index, when known.
    pub statement_locs: Vec<Location>,
    /// Statements whose Resource is a partly known ARN covering every resource of its kind.
    pub partly_unscoped: Vec<usize>,
}

impl SourcedPolicy {
    /// Where statement `index` is written: its own location when known, else the policy's.
    pub fn statement_loc(&self, index: usize) -> &Location {
        self.statement_locs.get(index).unwrap_or(&self.loc)
    }
}

/// What one Allow statement of an identity or boundary policy grants.
#[derive(Debug, Clone)]
pub struct Grant {
    /// Index into [`RoleAnalysis::policies`].
    pub policy: usize,
    /// Statement index within that policy.
    pub statement: usize,
    pub actions: ActionSet,
    /// Applies to every resource: `Resource: "*"` (or an ARN whose resource part is only
    /// wildcards), or `NotResource`.
    pub unscoped: bool,
    /// Has a condition that can make it not apply.
    pub restricted: bool,
    /// Action patterns that grant every action of one service (`s3:*`).
    pub service_wildcards: Vec<String>,
    /// Restricted only by `iam:PassedToService` allowing `lambda.amazonaws.com`: the grant
    /// still applies whenever a role is passed to Lambda.
    pub to_lambda_only: bool,
}

/// The analysis of one role.
#[derive(Debug, Clone, Default)]
pub struct RoleAnalysis {
    pub policies: Vec<SourcedPolicy>,
    /// Allow statements of identity policies.
    pub grants: Vec<Grant>,
    /// What the role may do on every resource without conditions, after denies and the
    /// boundary.
    pub effective: ActionSet,
    /// Actions Lambda itself needs on `*` (from AWS's Lambda execution policies).
    pub lambda_needs: ActionSet,
    /// `iam:PassRole` survives on every resource at least for passing roles to Lambda:
    /// unconditionally, or limited by `iam:PassedToService` to `lambda.amazonaws.com` (after
    /// denies and the boundary). Enough for the escalation methods that hand a role to a
    /// function.
    pub pass_role_to_lambda: bool,
    /// Action patterns that match no catalog action: (policy, statement, pattern).
    pub unknown_actions: Vec<(usize, usize, String)>,
    /// Problems in policy documents, with their location.
    pub errors: Vec<(Location, String)>,
    /// Policies whose content could not be read (external customer-managed ARNs, unknown
    /// documents): the effective grant may be larger than computed.
    pub unreadable: Vec<String>,
}

impl RoleAnalysis {
    /// The first unconditional, unscoped grant that includes action `i` and survives.
    pub fn granting(&self, i: usize) -> Option<&Grant> {
        self.grants
            .iter()
            .find(|g| g.unscoped && !g.restricted && g.actions.contains(i))
    }

    /// Like [`Self::granting`], also accepting a grant limited to passing roles to Lambda.
    pub fn granting_to_lambda(&self, i: usize) -> Option<&Grant> {
        self.granting(i).or_else(|| {
            self.grants
                .iter()
                .find(|g| g.unscoped && g.to_lambda_only && g.actions.contains(i))
        })
    }

    pub fn policy_of(&self, g: &Grant) -> &SourcedPolicy {
        &self.policies[g.policy]
    }

    /// "statement 2 (Sid Orders) of aws_iam_role_policy.p"
    pub fn describe(&self, g: &Grant) -> String {
        let p = &self.policies[g.policy];
        let st = p.policy.statements.iter().find(|s| s.index == g.statement);
        match st.and_then(|s| s.sid.as_deref()) {
            Some(sid) => format!("statement \"{sid}\" of {}", p.label),
            None => format!("statement {} of {}", g.statement + 1, p.label),
        }
    }
}

/// A resource pattern that covers every resource of its kind: `*`, or an ARN whose resource
/// part is only wildcards after an optional resource type the catalog knows for the service
/// (`table/*`, `secret:*`, but not the bucket in `arn:aws:s3:::uploads/*`).
pub fn is_unscoped_resource(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return false;
    }
    unscoped_resource_part(parts[2], parts[5])
}

/// The resource part of an ARN of `service` covers every resource of its kind.
fn unscoped_resource_part(service: &str, res: &str) -> bool {
    let only_wildcards = |s: &str| !s.is_empty() && s.chars().all(|c| matches!(c, '*' | '/' | ':'));
    if only_wildcards(res) {
        return true;
    }
    let Some(i) = res.find(['/', ':']) else {
        return false;
    };
    let is_type = Catalog::get()
        .service(service)
        .is_some_and(|s| s.resource_type(&res[..i]).is_some());
    is_type && only_wildcards(&res[i + 1..])
}

/// A partly known ARN (`arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*`)
/// whose service and resource part are known and cover every resource of their kind.
fn is_unscoped_partial(u: &lambdasec_model::Unknown) -> bool {
    const HOLE: char = '\u{1}';
    if u.pieces.is_empty() {
        return false;
    }
    let text: String = u
        .pieces
        .iter()
        .map(|p| match p {
            lambdasec_model::Piece::Lit(s) => s.clone(),
            lambdasec_model::Piece::Hole { .. } => HOLE.to_string(),
        })
        .collect();
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && !parts[2].contains(HOLE)
        && !parts[5].contains(HOLE)
        && unscoped_resource_part(parts[2], parts[5])
}

/// Statement `index` of a policy document has a partly known Resource that is unscoped.
fn statement_partly_unscoped(doc: &Doc, index: usize) -> bool {
    let st = match doc.get("Statement") {
        Some(Doc::Array(a)) => a.get(index),
        Some(o @ Doc::Object(_)) if index == 0 => Some(o),
        _ => None,
    };
    let items: Vec<&Doc> = match st.and_then(|s| s.get("Resource")) {
        Some(Doc::Array(a)) => a.iter().collect(),
        Some(d) => vec![d],
        None => Vec::new(),
    };
    items
        .iter()
        .any(|d| matches!(d, Doc::Unknown(u) if is_unscoped_partial(u)))
}

/// A clause that can make the statement not apply to the function's own requests.
pub fn clause_restricts(c: &ConditionClause) -> bool {
    let op = &c.operator;
    if op.if_exists || op.set == Some(SetOperator::ForAllValues) || op.is_negated() {
        return false;
    }
    // Every SDK call uses TLS: this condition never excludes the function.
    if c.key.eq_ignore_ascii_case("aws:SecureTransport")
        && op.base == "Bool"
        && c.values.iter().all(|v| v.known() == Some("true"))
    {
        return false;
    }
    true
}

fn restricted(st: &crate::policy::Statement) -> bool {
    st.conditions_unknown.is_some() || st.conditions.iter().any(clause_restricts)
}

/// Every restricting clause is `iam:PassedToService` and allows `lambda.amazonaws.com`
/// (`iam:PassedToService` exists only for `iam:PassRole`).
fn only_passes_to_lambda(st: &crate::policy::Statement) -> bool {
    const LAMBDA: &str = "lambda.amazonaws.com";
    let mut clauses = st
        .conditions
        .iter()
        .filter(|c| clause_restricts(c))
        .peekable();
    st.conditions_unknown.is_none()
        && clauses.peek().is_some()
        && clauses.all(|c| {
            let ignore_case = c.operator.base.ends_with("IgnoreCase");
            let like = c.operator.base.starts_with("StringLike");
            c.key.eq_ignore_ascii_case("iam:PassedToService")
                && (like || c.operator.base.starts_with("StringEquals"))
                && c.values.iter().any(|v| {
                    v.known().is_some_and(|s| match (like, ignore_case) {
                        (true, _) => crate::matching::string_like(s, LAMBDA, ignore_case),
                        (false, true) => s.eq_ignore_ascii_case(LAMBDA),
                        (false, false) => s == LAMBDA,
                    })
                })
        })
}

struct StatementActions {
    set: ActionSet,
    unknown: Vec<String>,
    service_wildcards: Vec<String>,
}

fn statement_actions(block: &ActionBlock, idx: &ActionIndex) -> StatementActions {
    let (items, not) = match block {
        ActionBlock::Action(i) => (i, false),
        ActionBlock::NotAction(i) => (i, true),
    };
    let mut set = ActionSet::empty();
    let mut unknown = Vec::new();
    let mut service_wildcards = Vec::new();
    for item in items {
        let Some(p) = item.known() else { continue };
        let s = idx.expand(p);
        if s.is_empty() {
            unknown.push(p.to_string());
        }
        // `s3:*` grants a whole service; `*` and `*:*` every service.
        let whole_service = match p.split_once(':') {
            Some((svc, act)) => act == "*" && (svc == "*" || !svc.contains(['*', '?'])),
            None => p == "*",
        };
        if whole_service && !s.is_empty() {
            service_wildcards.push(p.to_string());
        }
        set.union_with(&s);
    }
    if not {
        // NotAction: everything else. Unknown items might exclude more; keep what is certain.
        let mut all = ActionSet::full();
        all.subtract(&set);
        if items.iter().any(|i| matches!(i, Item::Unknown(_))) {
            return StatementActions {
                set: ActionSet::empty(),
                unknown,
                service_wildcards,
            };
        }
        set = all;
    }
    StatementActions {
        set,
        unknown,
        service_wildcards,
    }
}

fn unscoped(block: &Option<ResourceBlock>) -> bool {
    match block {
        None => false,
        Some(ResourceBlock::NotResource(_)) => true,
        Some(ResourceBlock::Resource(items)) => items
            .iter()
            .any(|i| i.known().is_some_and(is_unscoped_resource)),
    }
}

/// Reads a policy document of the model.
fn load(doc: &PolicyDoc, kind: PolicyKind, out: &mut RoleAnalysis) {
    match &doc.document {
        Value::Known { value, loc } => {
            push_parsed(&doc.source, value, loc.clone(), kind, out);
            if let Some(p) = out.policies.last_mut() {
                p.statement_locs = doc.statement_locs.clone();
            }
        }
        Value::Unknown { unknown, .. } => out
            .unreadable
            .push(format!("{} ({})", doc.source, unknown.reason)),
    }
}

fn push_parsed(label: &str, doc: &Doc, loc: Location, kind: PolicyKind, out: &mut RoleAnalysis) {
    let (policy, errors) = parse_policy(doc);
    for e in errors {
        out.errors.push((loc.clone(), format!("{label}: {e}")));
    }
    out.policies.push(SourcedPolicy {
        label: label.to_string(),
        loc,
        kind,
        partly_unscoped: (0..policy.statements.len())
            .filter(|i| statement_partly_unscoped(doc, *i))
            .collect(),
        policy,
        statement_locs: Vec::new(),
    });
}

/// A managed policy by link: in the inputs, AWS managed (shipped data), or unreadable.
fn load_link(inv: &Inventory, link: &Link, kind: PolicyKind, out: &mut RoleAnalysis) {
    match link {
        Link::Resolved(i) => load(&inv.policies[*i].document, kind, out),
        Link::External(v) => {
            let arn = v.display();
            match crate::managed::managed_policy(&arn) {
                Some(m) => push_parsed(&m.arn, &m.document, v.loc().clone(), kind, out),
                None => out.unreadable.push(format!(
                    "{arn} (a customer-managed policy not in the scanned inputs)"
                )),
            }
        }
        Link::Unknown(v) => out
            .unreadable
            .push(format!("{} (not known before deployment)", v.display())),
    }
}

/// The actions AWS's own Lambda execution policies grant on `*`.
fn lambda_needs(idx: &ActionIndex) -> ActionSet {
    static NEEDS: OnceLock<ActionSet> = OnceLock::new();
    NEEDS
        .get_or_init(|| {
            let mut set = ActionSet::empty();
            for name in LAMBDA_EXECUTION_POLICIES {
                let Some(m) = crate::managed::managed_policy(name) else {
                    continue;
                };
                let (p, _) = parse_policy(&m.document);
                for st in p.statements.iter().filter(|s| s.effect == Effect::Allow) {
                    set.union_with(&statement_actions(&st.actions, idx).set);
                }
            }
            set
        })
        .clone()
}

/// Analyses the execution role `role` of the inventory.
pub fn analyze_role(inv: &Inventory, role: usize) -> RoleAnalysis {
    let idx = ActionIndex::get();
    let r = &inv.roles[role];
    let mut out = RoleAnalysis {
        lambda_needs: lambda_needs(idx),
        ..Default::default()
    };
    if let Some(t) = &r.trust_policy {
        load(t, PolicyKind::Trust, &mut out);
    }
    for p in &r.inline_policies {
        load(p, PolicyKind::Identity, &mut out);
    }
    for l in &r.managed_policies {
        load_link(inv, l, PolicyKind::Identity, &mut out);
    }
    let has_boundary = r.permissions_boundary.is_some();
    let before = out.unreadable.len();
    if let Some(b) = &r.permissions_boundary {
        load_link(inv, b, PolicyKind::Boundary, &mut out);
    }
    let boundary_unreadable = out.unreadable.len() > before;

    let mut allow = ActionSet::empty();
    let mut boundary_allow = ActionSet::empty();
    let mut deny = ActionSet::empty();
    // Allowed on every resource only when the role is passed to Lambda.
    let mut allow_to_lambda = ActionSet::empty();
    let mut boundary_to_lambda = ActionSet::empty();
    for (pi, sp) in out.policies.iter().enumerate() {
        if sp.kind == PolicyKind::Trust {
            continue;
        }
        for st in &sp.policy.statements {
            let acts = statement_actions(&st.actions, idx);
            for u in &acts.unknown {
                out.unknown_actions.push((pi, st.index, u.clone()));
            }
            let is_unscoped = unscoped(&st.resources) || sp.partly_unscoped.contains(&st.index);
            let is_restricted = restricted(st);
            match st.effect {
                Effect::Allow => {
                    let to_lambda_only = is_restricted && only_passes_to_lambda(st);
                    if is_unscoped && !is_restricted {
                        match sp.kind {
                            PolicyKind::Identity => allow.union_with(&acts.set),
                            PolicyKind::Boundary => boundary_allow.union_with(&acts.set),
                            PolicyKind::Trust => {}
                        }
                    } else if is_unscoped && to_lambda_only {
                        match sp.kind {
                            PolicyKind::Identity => allow_to_lambda.union_with(&acts.set),
                            PolicyKind::Boundary => boundary_to_lambda.union_with(&acts.set),
                            PolicyKind::Trust => {}
                        }
                    }
                    if sp.kind == PolicyKind::Identity {
                        out.grants.push(Grant {
                            policy: pi,
                            statement: st.index,
                            actions: acts.set,
                            unscoped: is_unscoped,
                            restricted: is_restricted,
                            service_wildcards: acts.service_wildcards,
                            to_lambda_only,
                        });
                    }
                }
                // A Deny removes an action only when it surely applies to every resource.
                Effect::Deny
                    if is_unscoped
                        && st.conditions.is_empty()
                        && st.conditions_unknown.is_none() =>
                {
                    deny.union_with(&acts.set);
                }
                _ => {}
            }
        }
    }
    allow_to_lambda.union_with(&allow);
    boundary_to_lambda.union_with(&boundary_allow);
    if has_boundary {
        if boundary_unreadable {
            // Whatever the boundary allows is unknown: nothing can be proved.
            allow = ActionSet::empty();
            allow_to_lambda = ActionSet::empty();
        } else {
            allow.intersect_with(&boundary_allow);
            allow_to_lambda.intersect_with(&boundary_to_lambda);
        }
    }
    allow.subtract(&deny);
    allow_to_lambda.subtract(&deny);
    out.pass_role_to_lambda = idx
        .find("iam:PassRole")
        .is_some_and(|i| allow_to_lambda.contains(i));
    out.effective = allow;
    out
}

/// The analysis of every role of the inventory, in role order.
pub fn analyze_roles(inv: &Inventory) -> Vec<RoleAnalysis> {
    (0..inv.roles.len()).map(|r| analyze_role(inv, r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partly_known_arns() {
        use lambdasec_model::{Piece, Unknown};
        let arn = |pieces: Vec<Piece>| Unknown {
            reason: "r".into(),
            pieces,
        };
        let hole = |e: &str| Piece::Hole { expr: e.into() };
        let lit = |s: &str| Piece::Lit(s.into());
        let every_secret = arn(vec![
            lit("arn:aws:secretsmanager:"),
            hole("AWS::Region"),
            lit(":"),
            hole("AWS::AccountId"),
            lit(":secret:*"),
        ]);
        assert!(is_unscoped_partial(&every_secret));
        let one_table = arn(vec![
            lit("arn:aws:dynamodb:"),
            hole("AWS::Region"),
            lit(":"),
            hole("AWS::AccountId"),
            lit(":table/"),
            hole("Table.Ref"),
        ]);
        assert!(!is_unscoped_partial(&one_table));
        let unknown_service = arn(vec![lit("arn:aws:"), hole("svc"), lit(":r:a:*")]);
        assert!(!is_unscoped_partial(&unknown_service));
    }

    #[test]
    fn unscoped_resources() {
        assert!(is_unscoped_resource("*"));
        assert!(is_unscoped_resource("arn:aws:s3:::*"));
        assert!(is_unscoped_resource("arn:aws:s3:::*/*"));
        assert!(is_unscoped_resource("arn:aws:dynamodb:*:*:table/*"));
        assert!(is_unscoped_resource(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:*"
        ));
        assert!(!is_unscoped_resource("arn:aws:s3:::uploads/*"));
        assert!(!is_unscoped_resource(
            "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"
        ));
        assert!(!is_unscoped_resource(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/*"
        ));
    }
}
