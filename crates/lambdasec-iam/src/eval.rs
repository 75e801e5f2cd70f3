//! Evaluation of one request against the policies that apply to it.
//!
//! Logic (UG = https://docs.aws.amazon.com/IAM/latest/UserGuide/):
//! - UG:reference_policies_evaluation-logic: an explicit `Deny` in any policy wins; otherwise
//!   an `Allow` is needed; otherwise the request is implicitly denied.
//! - Same account: identity policies ∪ resource policies. Cross-account
//!   (UG:reference_policies_evaluation-logic-cross-account): both must allow.
//! - UG:access_policies_boundaries: with a permissions boundary the identity-policy grant is
//!   identity ∩ boundary; the boundary's `Deny` is explicit; a resource-policy grant naming the
//!   user ARN or the role-session ARN itself is not capped by the boundary (one naming the
//!   role ARN, the account or `*` is).
//! - Service principals, anonymous and federated callers have no identity policies: the
//!   resource policy alone decides.
//! - `NotAction` + `Allow` grants every other action, future ones included; `NotAction` +
//!   `Deny` denies every other action (UG:reference_policies_elements_notaction).
//!
//! Unknown parts propagate: a `Deny` that may apply makes the answer [`Decision::Unknown`]
//! unless no `Allow` is possible anyway.

use crate::condition::{arn_account, evaluate_conditions_with, is_account_id, RequestContext, Tri};
use crate::matching::{self, Compiled, Mode};
use crate::policy::{
    ActionBlock, Effect, Item, Policy, PrincipalBlock, PrincipalKind, ResourceBlock, Statement,
};

/// The policies that apply to one request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'a> {
    /// The caller's identity policies (inline and attached, incl. group policies).
    pub identity: Vec<&'a Policy>,
    /// The caller's permissions boundary, when it has one.
    pub boundary: Option<Vec<&'a Policy>>,
    /// The resource's policy (function policy, bucket policy, role trust policy, ...).
    pub resource: Vec<&'a Policy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
    /// Depends on something unknown before deployment.
    Unknown,
}

impl Decision {
    pub fn is_allow(self) -> bool {
        self == Decision::Allow
    }

    /// Allowed or possibly allowed.
    pub fn maybe_allow(self) -> bool {
        matches!(self, Decision::Allow | Decision::Unknown)
    }
}

/// Where a policy is attached: decides whether `Principal` is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Attached to a user, group or role: `Principal` is not used.
    Identity,
    /// A permissions boundary: `Principal` is not used.
    Boundary,
    /// A resource-based policy (function policy, bucket policy, ...): `Principal` must match.
    Resource,
    /// A role trust policy (a resource-based policy on the role).
    Trust,
}

impl PolicyKind {
    fn matches_principal(self) -> bool {
        matches!(self, PolicyKind::Resource | PolicyKind::Trust)
    }
}

fn items_any(items: &[Item], mut f: impl FnMut(&str) -> Tri) -> Tri {
    Tri::any(items.iter().map(|i| match i {
        Item::Known(s) => f(s),
        Item::Unknown(_) => Tri::Unknown,
    }))
}

/// Does the statement's `Action`/`NotAction` cover the request's action?
pub fn action_applies(block: &ActionBlock, action: &str) -> Tri {
    match block {
        ActionBlock::Action(items) => items_any(items, |p| {
            Tri::from_bool(matching::action_matches(p, action))
        }),
        ActionBlock::NotAction(items) => items_any(items, |p| {
            Tri::from_bool(matching::action_matches(p, action))
        })
        .not(),
    }
}

/// Does one `Resource` pattern match the request's resource? Variables are expanded when
/// `variables` is set; a variable without a value makes the pattern match nothing.
fn resource_pattern(pattern: &str, ctx: &RequestContext, variables: bool) -> Tri {
    let Some(arn) = ctx.resource.as_deref() else {
        // An action without resources: only "*" covers it.
        return Tri::from_bool(!pattern.is_empty() && pattern.chars().all(|c| c == '*'));
    };
    let mode = Mode {
        wildcards: true,
        variables,
    };
    match matching::compile(pattern, Some(ctx), mode) {
        Compiled::Tokens(t) => Tri::from_bool(matching::resource_tokens_match(&t, arn)),
        Compiled::Missing => Tri::False,
        Compiled::Unknown => Tri::Unknown,
    }
}

/// Does the statement's `Resource`/`NotResource` cover the request's resource? An absent
/// element covers everything (trust policies, lenient reading of invalid policies).
pub fn resource_applies(
    block: Option<&ResourceBlock>,
    ctx: &RequestContext,
    variables: bool,
) -> Tri {
    match block {
        None => Tri::True,
        Some(ResourceBlock::Resource(items)) => {
            items_any(items, |p| resource_pattern(p, ctx, variables))
        }
        Some(ResourceBlock::NotResource(items)) => {
            items_any(items, |p| resource_pattern(p, ctx, variables)).not()
        }
    }
}

/// The role ARN prefix and name of an assumed-role session ARN.
fn session_role(arn: &str) -> Option<(&str, &str)> {
    // arn:aws:sts::123456789012:assumed-role/RoleName/session
    let acct = arn_account(arn)?;
    let rest = arn.split_once(":assumed-role/")?.1;
    let role = rest.split('/').next()?;
    if !arn.starts_with("arn:") || role.is_empty() {
        return None;
    }
    Some((acct, role))
}

/// One principal entry against the caller. The flag is true when the entry names the caller's
/// own user or session ARN (a "direct" grant, not capped by a permissions boundary).
fn principal_entry(kind: &PrincipalKind, value: &Item, ctx: &RequestContext) -> (Tri, bool) {
    let v = match value {
        Item::Unknown(_) => return (Tri::Unknown, false),
        Item::Known(v) => v.as_str(),
    };
    if ctx.caller_unspecified() {
        return (Tri::Unknown, false);
    }
    match kind {
        PrincipalKind::Aws => {
            let Some(caller) = ctx.principal_arn.as_deref() else {
                return (Tri::False, false);
            };
            let caller_account = ctx.account.as_deref().or_else(|| arn_account(caller));
            // The account: a bare ID or its root ARN means every principal of the account.
            let account = if is_account_id(v) {
                Some(v)
            } else {
                entry_account(v)
            };
            if let Some(a) = account {
                return (Tri::from_bool(caller_account == Some(a)), false);
            }
            if v == caller {
                let direct = caller.contains(":user/") || caller.contains(":assumed-role/");
                return (Tri::True, direct);
            }
            // A role ARN covers the sessions of that role.
            if let Some((acct, role)) = session_role(caller) {
                if arn_account(v) == Some(acct) && v.contains(":role/") {
                    let name = v.rsplit('/').next().unwrap_or("");
                    return (Tri::from_bool(name == role), false);
                }
            }
            (Tri::False, false)
        }
        PrincipalKind::Service => (
            Tri::from_bool(
                ctx.service
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(v)),
            ),
            false,
        ),
        PrincipalKind::Federated => (Tri::from_bool(ctx.federated.as_deref() == Some(v)), false),
        PrincipalKind::CanonicalUser => (
            Tri::from_bool(ctx.canonical_user.as_deref() == Some(v)),
            false,
        ),
        PrincipalKind::Other(_) => (Tri::False, false),
    }
}

/// Is the caller named in a `NotPrincipal` block (so that the statement does not apply)?
///
/// UG:reference_policies_elements_notprincipal: AWS may check the account, then the role,
/// then the session, so the caller is spared only when every link of its chain is named:
/// a user needs its ARN and its account; a role session its session ARN, its role ARN and its
/// account. Naming the account alone does not spare the other principals of the account.
fn not_principal_names_caller(block: &PrincipalBlock, ctx: &RequestContext) -> Tri {
    if block.any {
        return Tri::True;
    }
    if ctx.caller_unspecified() {
        return Tri::Unknown;
    }
    // `named(f)`: does any entry of the AWS kind satisfy `f`?
    let named = |kind: PrincipalKind, f: &dyn Fn(&str) -> bool| {
        Tri::any(
            block
                .entries
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, v)| match v {
                    Item::Unknown(_) => Tri::Unknown,
                    Item::Known(v) => Tri::from_bool(f(v)),
                }),
        )
    };
    if let Some(caller) = ctx.principal_arn.as_deref() {
        let acct = ctx.account.as_deref().or_else(|| arn_account(caller));
        let account_named = named(PrincipalKind::Aws, &|v| {
            acct.is_some() && (Some(v) == acct || entry_account(v) == acct)
        });
        if caller.ends_with(":root") {
            return account_named;
        }
        let mut t = account_named.and(named(PrincipalKind::Aws, &|v| v == caller));
        if let Some((racct, role)) = session_role(caller) {
            t = t.and(named(PrincipalKind::Aws, &|v| {
                arn_account(v) == Some(racct)
                    && v.contains(":role/")
                    && v.rsplit('/').next() == Some(role)
            }));
        }
        return t;
    }
    if let Some(svc) = ctx.service.as_deref() {
        return named(PrincipalKind::Service, &|v| v.eq_ignore_ascii_case(svc));
    }
    if let Some(f) = ctx.federated.as_deref() {
        return named(PrincipalKind::Federated, &|v| v == f);
    }
    if let Some(c) = ctx.canonical_user.as_deref() {
        return named(PrincipalKind::CanonicalUser, &|v| v == c);
    }
    // Anonymous: only `*` names it.
    Tri::False
}

/// The account of an account principal: `arn:aws:iam::123456789012:root`.
fn entry_account(v: &str) -> Option<&str> {
    if v.starts_with("arn:") && v.ends_with(":root") && v.contains(":iam::") {
        arn_account(v)
    } else {
        None
    }
}

/// Does a `Principal`/`NotPrincipal` block cover the caller? The flag marks a direct grant
/// (see [`PolicySet`] and UG:access_policies_boundaries).
pub fn principal_applies(block: &PrincipalBlock, ctx: &RequestContext) -> (Tri, bool) {
    if block.not {
        return (not_principal_names_caller(block, ctx).not(), false);
    }
    if block.any {
        return (Tri::True, false);
    }
    let mut result = Tri::False;
    let mut direct = false;
    for (kind, value) in &block.entries {
        let (t, d) = principal_entry(kind, value, ctx);
        if t == Tri::True && d {
            direct = true;
        }
        result = result.or(t);
    }
    (result, direct && result == Tri::True)
}

/// Does the statement apply to the request (ignoring its effect)? Variables are expanded.
pub fn statement_applies(st: &Statement, ctx: &RequestContext, policy_kind: PolicyKind) -> Tri {
    statement_applies_with(st, ctx, policy_kind, true).0
}

/// [`statement_applies`] with the policy-variable switch, also returning whether the
/// principal matched directly.
pub fn statement_applies_with(
    st: &Statement,
    ctx: &RequestContext,
    policy_kind: PolicyKind,
    variables: bool,
) -> (Tri, bool) {
    let mut t = action_applies(&st.actions, &ctx.action);
    if t.is_false() {
        return (t, false);
    }
    t = t.and(resource_applies(st.resources.as_ref(), ctx, variables));
    if t.is_false() {
        return (t, false);
    }
    let mut direct = false;
    if policy_kind.matches_principal() {
        let p = match &st.principal {
            // A resource policy statement without a principal grants or denies nobody.
            None => Tri::False,
            Some(block) => {
                let (p, d) = principal_applies(block, ctx);
                direct = d;
                p
            }
        };
        t = t.and(p);
        if t.is_false() {
            return (t, false);
        }
    }
    let mut c = evaluate_conditions_with(&st.conditions, ctx, variables);
    if st.conditions_unknown.is_some() {
        c = c.and(Tri::Unknown);
    }
    t = t.and(c);
    (t, direct && t == Tri::True)
}

/// Whether policy variables are expanded: only with `"Version": "2012-10-17"`
/// (UG:reference_policies_elements_version).
pub fn variables_enabled(policy: &Policy) -> bool {
    policy.version.as_deref() == Some("2012-10-17")
}

/// What a group of policies says about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Verdict {
    deny: Tri,
    allow: Tri,
    /// Allowed by a statement naming the caller's user or session ARN.
    allow_direct: Tri,
}

fn verdict(policies: &[&Policy], ctx: &RequestContext, kind: PolicyKind) -> Verdict {
    let mut v = Verdict {
        deny: Tri::False,
        allow: Tri::False,
        allow_direct: Tri::False,
    };
    for p in policies {
        let vars = variables_enabled(p);
        for st in &p.statements {
            let (applies, direct) = statement_applies_with(st, ctx, kind, vars);
            if applies.is_false() {
                continue;
            }
            match st.effect {
                Effect::Deny => v.deny = v.deny.or(applies),
                Effect::Allow => {
                    v.allow = v.allow.or(applies);
                    if direct {
                        v.allow_direct = Tri::True;
                    }
                }
                Effect::Unknown => {
                    v.deny = v.deny.or(Tri::Unknown);
                    v.allow = v.allow.or(Tri::Unknown);
                }
            }
        }
    }
    v
}

/// Evaluates a request against the policies that apply to it.
pub fn evaluate(set: &PolicySet, ctx: &RequestContext) -> Decision {
    // Identity policies (and boundaries) belong to an AWS principal: a service, anonymous or
    // federated caller is decided by the resource policy alone.
    let aws_caller = ctx.principal_arn.is_some() || ctx.caller_unspecified();
    let res = verdict(&set.resource, ctx, PolicyKind::Resource);
    let (id, bd) = if aws_caller {
        (
            Some(verdict(&set.identity, ctx, PolicyKind::Identity)),
            set.boundary
                .as_ref()
                .map(|b| verdict(b, ctx, PolicyKind::Boundary)),
        )
    } else {
        (None, None)
    };

    let mut deny = res.deny;
    if let Some(id) = id {
        deny = deny.or(id.deny);
    }
    if let Some(bd) = bd {
        deny = deny.or(bd.deny);
    }
    if deny.is_true() {
        return Decision::ExplicitDeny;
    }

    let allow = match id {
        None => res.allow,
        Some(id) => {
            let capped = |t: Tri| match bd {
                Some(b) => t.and(b.allow),
                None => t,
            };
            let cross_account = match (ctx.account.as_deref(), ctx.resource_owner()) {
                (Some(a), Some(b)) => a != b,
                _ => false,
            };
            if cross_account {
                capped(id.allow).and(res.allow)
            } else {
                capped(id.allow.or(res.allow)).or(res.allow_direct)
            }
        }
    };
    match (deny, allow) {
        (_, Tri::False) => Decision::ImplicitDeny,
        (Tri::False, Tri::True) => Decision::Allow,
        _ => Decision::Unknown,
    }
}
