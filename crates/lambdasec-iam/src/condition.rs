//! The request context and the evaluation of `Condition` blocks.
//!
//! Semantics (UG = https://docs.aws.amazon.com/IAM/latest/UserGuide/):
//! - Key names are case-insensitive, values case-sensitive except with `*IgnoreCase`
//!   (UG:reference_policies_elements_condition).
//! - Operators and keys in a block are ANDed; the values of one key are ORed, and a negated
//!   operator means "none of" (UG:reference_policies_elements_condition_logic_multiple_context_keys_or_values).
//! - A missing key makes a positive operator false and a negated one true; `...IfExists` is
//!   true when the key is missing; `Null` tests presence (UG:reference_policies_elements_condition_operators).
//! - `ForAllValues:` is true when the key is missing or empty, `ForAnyValue:` false
//!   (UG:reference_policies_condition-single-vs-multi-valued-context-keys).
//!
//! Anything unknown (a value in the policy, or a key in the request) yields [`Tri::Unknown`]
//! only when it can change the result.

use std::collections::{HashMap, HashSet};

use crate::matching::{self, Compiled, Mode};
use crate::policy::{ConditionClause, Item, SetOperator};

/// Three-valued logic (Kleene): `Unknown` means "cannot tell before deployment".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }

    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    /// OR over an iterator (false when empty).
    pub fn any(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut acc = Tri::False;
        for t in items {
            acc = acc.or(t);
            if acc == Tri::True {
                break;
            }
        }
        acc
    }

    /// AND over an iterator (true when empty).
    pub fn all(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut acc = Tri::True;
        for t in items {
            acc = acc.and(t);
            if acc == Tri::False {
                break;
            }
        }
        acc
    }

    pub fn is_true(self) -> bool {
        self == Tri::True
    }

    pub fn is_false(self) -> bool {
        self == Tri::False
    }

    /// True or unknown.
    pub fn maybe(self) -> bool {
        self != Tri::False
    }
}

/// One request as IAM sees it: who calls, which action on which resource, and the context
/// keys. Key names are stored lowercased (they are case-insensitive).
///
/// The caller is an AWS principal (`principal_arn`), a service principal (`service`), a
/// federated one (`federated`), a canonical user (`canonical_user`), anonymous (`anonymous`),
/// or unspecified (all of them unset): then identity policies are evaluated as the caller's
/// own and `Principal` elements cannot be matched (except `"*"`).
///
/// Context keys are not derived from the other fields: set `aws:PrincipalArn`,
/// `aws:SourceAccount`, ... explicitly with [`RequestContext::with_key`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// The calling AWS principal: `arn:aws:iam::123456789012:role/x`, `...:user/x`,
    /// `arn:aws:sts::123456789012:assumed-role/x/session` or `...:root`.
    pub principal_arn: Option<String>,
    /// The caller's account (derived from `principal_arn` by [`RequestContext::with_principal`]).
    pub account: Option<String>,
    /// A service principal, e.g. `s3.amazonaws.com`.
    pub service: Option<String>,
    /// A federated principal, e.g. `cognito-identity.amazonaws.com` or a SAML provider ARN.
    pub federated: Option<String>,
    pub canonical_user: Option<String>,
    /// An unauthenticated caller.
    pub anonymous: bool,
    /// The action, e.g. `lambda:InvokeFunction`.
    pub action: String,
    /// The resource ARN; `None` for actions that take no resource (only `"*"` matches them).
    pub resource: Option<String>,
    /// The account owning the resource; derived from the resource ARN when not set.
    pub resource_account: Option<String>,
    keys: HashMap<String, Vec<String>>,
    unknown_keys: HashMap<String, String>,
}

/// What the request context holds for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLookup<'a> {
    Missing,
    /// Present (possibly with an empty list of values).
    Values(&'a [String]),
    /// Present or not, with values not known; the string is the reason.
    Unknown(&'a str),
}

impl RequestContext {
    pub fn new(action: impl Into<String>) -> Self {
        RequestContext {
            action: action.into(),
            ..Default::default()
        }
    }

    pub fn with_resource(mut self, arn: impl Into<String>) -> Self {
        self.resource = Some(arn.into());
        self
    }

    /// Sets the calling AWS principal and its account. A bare 12-digit account ID stands for
    /// the account's root (`arn:aws:iam::<id>:root`).
    pub fn with_principal(mut self, arn: impl Into<String>) -> Self {
        let arn = arn.into();
        let arn = if is_account_id(&arn) {
            format!("arn:aws:iam::{arn}:root")
        } else {
            arn
        };
        if let Some(acct) = arn_account(&arn) {
            self.account = Some(acct.to_string());
        }
        self.principal_arn = Some(arn);
        self
    }

    pub fn with_account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    pub fn with_resource_account(mut self, account: impl Into<String>) -> Self {
        self.resource_account = Some(account.into());
        self
    }

    pub fn with_service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    pub fn with_federated(mut self, provider: impl Into<String>) -> Self {
        self.federated = Some(provider.into());
        self
    }

    pub fn with_canonical_user(mut self, id: impl Into<String>) -> Self {
        self.canonical_user = Some(id.into());
        self
    }

    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// Sets a context key (name case-insensitive) to a list of values (one for single-valued
    /// keys; an empty list is a present but empty multivalued key).
    pub fn with_key<I, S>(mut self, key: &str, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.set_key(key, values);
        self
    }

    pub fn set_key<I, S>(&mut self, key: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let k = key.to_lowercase();
        self.unknown_keys.remove(&k);
        self.keys
            .insert(k, values.into_iter().map(Into::into).collect());
    }

    /// Marks a key as unknown: present or not, its values cannot be known.
    pub fn with_unknown_key(mut self, key: &str, reason: impl Into<String>) -> Self {
        let k = key.to_lowercase();
        self.keys.remove(&k);
        self.unknown_keys.insert(k, reason.into());
        self
    }

    /// The values of a key (name case-insensitive).
    pub fn lookup(&self, key: &str) -> KeyLookup<'_> {
        let k = key.to_lowercase();
        if let Some(r) = self.unknown_keys.get(&k) {
            return KeyLookup::Unknown(r);
        }
        match self.keys.get(&k) {
            Some(v) => KeyLookup::Values(v),
            None => KeyLookup::Missing,
        }
    }

    /// The lowercased names of the keys set.
    pub fn key_names(&self) -> HashSet<&str> {
        self.keys
            .keys()
            .chain(self.unknown_keys.keys())
            .map(String::as_str)
            .collect()
    }

    /// The account owning the resource: `resource_account`, else the account part of the
    /// resource ARN when it has one.
    pub fn resource_owner(&self) -> Option<&str> {
        if let Some(a) = &self.resource_account {
            return Some(a);
        }
        self.resource.as_deref().and_then(arn_account)
    }

    /// True when no caller is set at all.
    pub fn caller_unspecified(&self) -> bool {
        self.principal_arn.is_none()
            && self.service.is_none()
            && self.federated.is_none()
            && self.canonical_user.is_none()
            && !self.anonymous
    }
}

/// `123456789012`.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account part (fifth field) of an ARN, when it is not empty.
pub fn arn_account(arn: &str) -> Option<&str> {
    if !arn.starts_with("arn:") {
        return None;
    }
    let acct = arn.split(':').nth(4)?;
    if acct.is_empty() {
        None
    } else {
        Some(acct)
    }
}

/// The condition operators AWS defines (without `IfExists` and set prefixes).
pub const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// The canonical spelling of a base operator (matched case-insensitively), if it is one.
pub fn canonical_operator(base: &str) -> Option<&'static str> {
    OPERATORS
        .iter()
        .copied()
        .find(|o| o.eq_ignore_ascii_case(base))
}

/// For a negated operator, its positive counterpart (`StringNotLike` → `StringLike`).
pub fn negation_of(base: &str) -> Option<&'static str> {
    let b = canonical_operator(base)?;
    Some(match b {
        "StringNotEquals" => "StringEquals",
        "StringNotEqualsIgnoreCase" => "StringEqualsIgnoreCase",
        "StringNotLike" => "StringLike",
        "NumericNotEquals" => "NumericEquals",
        "DateNotEquals" => "DateEquals",
        "NotIpAddress" => "IpAddress",
        "ArnNotEquals" => "ArnEquals",
        "ArnNotLike" => "ArnLike",
        _ => return None,
    })
}

/// Evaluates one clause against the request, with policy variables expanded.
pub fn evaluate_clause(clause: &ConditionClause, ctx: &RequestContext) -> Tri {
    evaluate_clause_with(clause, ctx, true)
}

/// Evaluates one clause; `variables` says whether `${...}` is a policy variable (policies with
/// `"Version": "2012-10-17"`) or literal text.
pub fn evaluate_clause_with(
    clause: &ConditionClause,
    ctx: &RequestContext,
    variables: bool,
) -> Tri {
    let Some(base) = canonical_operator(&clause.operator.base) else {
        // Unknown operators are rejected by the parser; a hand-built one cannot be evaluated.
        return Tri::Unknown;
    };
    let lookup = ctx.lookup(&clause.key);
    if base == "Null" {
        return evaluate_null(clause, lookup);
    }
    let (positive, negated) = match negation_of(base) {
        Some(p) => (p, true),
        None => (base, false),
    };
    let values: &[String] = match lookup {
        KeyLookup::Unknown(_) => return Tri::Unknown,
        KeyLookup::Missing => &[],
        KeyLookup::Values(v) => v,
    };
    if values.is_empty() {
        if clause.operator.if_exists {
            return Tri::True;
        }
        return match clause.operator.set {
            Some(SetOperator::ForAllValues) => Tri::True,
            Some(SetOperator::ForAnyValue) => Tri::False,
            None => Tri::from_bool(negated),
        };
    }
    // m(v): the request value matches at least one policy value under the positive operator.
    let m = |v: &str| {
        Tri::any(
            clause
                .values
                .iter()
                .map(|p| compare(positive, v, p, ctx, variables)),
        )
    };
    let per = |v: &String| if negated { m(v).not() } else { m(v) };
    match clause.operator.set {
        None => {
            let any = Tri::any(values.iter().map(|v| m(v)));
            if negated {
                any.not()
            } else {
                any
            }
        }
        Some(SetOperator::ForAnyValue) => Tri::any(values.iter().map(per)),
        Some(SetOperator::ForAllValues) => Tri::all(values.iter().map(per)),
    }
}

fn evaluate_null(clause: &ConditionClause, lookup: KeyLookup<'_>) -> Tri {
    let absent = match lookup {
        KeyLookup::Unknown(_) => return Tri::Unknown,
        KeyLookup::Missing => true,
        KeyLookup::Values(v) => v.is_empty(),
    };
    Tri::any(clause.values.iter().map(|p| match p {
        Item::Unknown(_) => Tri::Unknown,
        Item::Known(s) => match parse_bool(s) {
            Some(want_absent) => Tri::from_bool(want_absent == absent),
            None => Tri::False,
        },
    }))
}

/// Evaluates the clauses of a condition block (AND: false dominates, then unknown).
pub fn evaluate_conditions(clauses: &[ConditionClause], ctx: &RequestContext) -> Tri {
    evaluate_conditions_with(clauses, ctx, true)
}

pub fn evaluate_conditions_with(
    clauses: &[ConditionClause],
    ctx: &RequestContext,
    variables: bool,
) -> Tri {
    Tri::all(
        clauses
            .iter()
            .map(|c| evaluate_clause_with(c, ctx, variables)),
    )
}

/// One request value against one policy value under a positive operator.
fn compare(op: &str, v: &str, p: &Item, ctx: &RequestContext, variables: bool) -> Tri {
    let p = match p {
        Item::Unknown(_) => return Tri::Unknown,
        Item::Known(s) => s.as_str(),
    };
    match op {
        "StringEquals" | "StringEqualsIgnoreCase" | "StringLike" => {
            let mode = Mode {
                wildcards: op == "StringLike",
                variables,
            };
            match matching::compile(p, Some(ctx), mode) {
                Compiled::Tokens(t) => {
                    let vc: Vec<char> = v.chars().collect();
                    Tri::from_bool(matching::match_tokens(
                        &t,
                        &vc,
                        op == "StringEqualsIgnoreCase",
                    ))
                }
                Compiled::Missing => Tri::False,
                Compiled::Unknown => Tri::Unknown,
            }
        }
        "ArnEquals" | "ArnLike" => {
            let mode = Mode {
                wildcards: true,
                variables,
            };
            match matching::compile(p, Some(ctx), mode) {
                Compiled::Tokens(t) => Tri::from_bool(matching::arn_tokens_like(&t, v)),
                Compiled::Missing => Tri::False,
                Compiled::Unknown => Tri::Unknown,
            }
        }
        "NumericEquals"
        | "NumericLessThan"
        | "NumericLessThanEquals"
        | "NumericGreaterThan"
        | "NumericGreaterThanEquals" => match (parse_number(v), parse_number(p)) {
            (Some(a), Some(b)) => Tri::from_bool(ordered(op, a, b)),
            _ => Tri::False,
        },
        "DateEquals"
        | "DateLessThan"
        | "DateLessThanEquals"
        | "DateGreaterThan"
        | "DateGreaterThanEquals" => match (parse_date(v), parse_date(p)) {
            (Some(a), Some(b)) => Tri::from_bool(ordered(op, a, b)),
            _ => Tri::False,
        },
        "Bool" => match (parse_bool(v), parse_bool(p)) {
            (Some(a), Some(b)) => Tri::from_bool(a == b),
            _ => Tri::False,
        },
        "BinaryEquals" => Tri::from_bool(v == p),
        "IpAddress" => match (parse_ip(v), parse_cidr(p)) {
            (Some(ip), Some(net)) => Tri::from_bool(net.contains(ip)),
            _ => Tri::False,
        },
        _ => Tri::Unknown,
    }
}

/// Numeric/date comparison of request value `a` with policy value `b`.
fn ordered<T: PartialOrd>(op: &str, a: T, b: T) -> bool {
    if op.ends_with("LessThanEquals") {
        a <= b
    } else if op.ends_with("LessThan") {
        a < b
    } else if op.ends_with("GreaterThanEquals") {
        a >= b
    } else if op.ends_with("GreaterThan") {
        a > b
    } else {
        a == b
    }
}

/// `true`/`false`, case-insensitive.
pub fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An integer or decimal number.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    let n: f64 = s.parse().ok()?;
    n.is_finite().then_some(n)
}

/// A date as seconds since the Unix epoch: ISO 8601 (`2020-01-01`, `2020-01-01T00:00:00Z`,
/// with optional fraction and `±hh:mm` offset) or epoch seconds.
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<f64>().ok();
    }
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    let mut secs = (days_from_civil(year, month, day) * 86_400) as f64;
    if b.len() == 10 {
        return Some(secs);
    }
    if !matches!(b.get(10), Some(b'T') | Some(b't') | Some(b' ')) {
        return None;
    }
    let hour = num(11, 2)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let minute = num(14, 2)?;
    let mut i = 16;
    let mut second = 0.0;
    if b.get(i) == Some(&b':') {
        second = num(17, 2)? as f64;
        i = 19;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            if end == start {
                return None;
            }
            let frac: f64 = format!("0.{}", &s[start..end]).parse().ok()?;
            second += frac;
            i = end;
        }
    }
    if hour > 24 || minute > 59 || second >= 61.0 {
        return None;
    }
    secs += (hour * 3600 + minute * 60) as f64 + second;
    match b.get(i) {
        None => Some(secs),
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => Some(secs),
        Some(&sign) if sign == b'+' || sign == b'-' => {
            let oh = num(i + 1, 2)?;
            let om = match b.get(i + 3) {
                Some(b':') if b.len() == i + 6 => num(i + 4, 2)?,
                None => 0,
                Some(_) if b.len() == i + 5 => num(i + 3, 2)?,
                _ => return None,
            };
            let off = (oh * 3600 + om * 60) as f64;
            Some(if sign == b'+' { secs - off } else { secs + off })
        }
        _ => None,
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An IP address: IPv4 in the low 32 bits with `v6 == false`, or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ip {
    pub v6: bool,
    pub bits: u128,
}

/// A CIDR block (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub ip: Ip,
    pub prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: Ip) -> bool {
        if ip.v6 != self.ip.v6 {
            return false;
        }
        let width: u32 = if ip.v6 { 128 } else { 32 };
        let p = u32::from(self.prefix);
        if p == 0 {
            return true;
        }
        let shift = width - p;
        (ip.bits >> shift) == (self.ip.bits >> shift)
    }
}

pub fn parse_ip(s: &str) -> Option<Ip> {
    let s = s.trim();
    if s.contains(':') {
        parse_ipv6(s).map(|bits| Ip { v6: true, bits })
    } else {
        parse_ipv4(s).map(|b| Ip {
            v6: false,
            bits: u128::from(b),
        })
    }
}

pub fn parse_cidr(s: &str) -> Option<Cidr> {
    let s = s.trim();
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => {
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (a, Some(p.parse::<u8>().ok()?))
        }
        None => (s, None),
    };
    let ip = parse_ip(addr)?;
    let width = if ip.v6 { 128 } else { 32 };
    let prefix = prefix.unwrap_or(width);
    if prefix > width {
        return None;
    }
    Some(Cidr { ip, prefix })
}

fn parse_ipv4(s: &str) -> Option<u32> {
    let mut out: u32 = 0;
    let mut count = 0;
    for part in s.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = part.parse().ok()?;
        if n > 255 {
            return None;
        }
        out = (out << 8) | n;
        count += 1;
    }
    (count == 4).then_some(out)
}

fn parse_ipv6(s: &str) -> Option<u128> {
    // Split on "::" (at most once).
    let (head, tail, compressed) = match s.find("::") {
        Some(i) => (&s[..i], &s[i + 2..], true),
        None => (s, "", false),
    };
    if compressed && tail.contains("::") {
        return None;
    }
    let groups = |part: &str, allow_v4_last: bool| -> Option<Vec<u16>> {
        let mut out = Vec::new();
        if part.is_empty() {
            return Some(out);
        }
        let pieces: Vec<&str> = part.split(':').collect();
        for (i, g) in pieces.iter().enumerate() {
            if allow_v4_last && i + 1 == pieces.len() && g.contains('.') {
                let v4 = parse_ipv4(g)?;
                out.push((v4 >> 16) as u16);
                out.push((v4 & 0xffff) as u16);
            } else {
                if g.is_empty() || g.len() > 4 || !g.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u16::from_str_radix(g, 16).ok()?);
            }
        }
        Some(out)
    };
    let h = groups(head, !compressed)?;
    let t = if compressed {
        groups(tail, true)?
    } else {
        Vec::new()
    };
    let total = h.len() + t.len();
    let all: Vec<u16> = if compressed {
        if total > 7 {
            return None;
        }
        let mut v = h;
        v.extend(std::iter::repeat_n(0u16, 8 - total));
        v.extend(t);
        v
    } else {
        if total != 8 {
            return None;
        }
        h
    };
    Some(
        all.iter()
            .fold(0u128, |acc, &g| (acc << 16) | u128::from(g)),
    )
}
