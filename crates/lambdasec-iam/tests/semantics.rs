//! Table-driven tests of the IAM policy semantics, one row per documented AWS rule.
//!
//! `UG:x` is https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html. Every row names the
//! rule it encodes in `doc`. The string `"<<unknown>>"` anywhere in a policy stands for a
//! value unknown before deployment (`Doc::Unknown`).

use lambdasec_iam::condition::{RequestContext, Tri};
use lambdasec_iam::eval::{evaluate, statement_applies, Decision, PolicyKind, PolicySet};
use lambdasec_iam::matching::{
    action_matches, arn_like, resource_matches, string_like, substitute_variables,
};
use lambdasec_iam::parse::{parse_json, parse_policy};
use lambdasec_iam::policy::Policy;
use lambdasec_model::{Doc, Unknown};

const UNK: &str = "<<unknown>>";

// ---------------------------------------------------------------------------------------------
// Row types

#[derive(Clone, Copy, Debug)]
enum Who {
    Unspecified,
    Arn(&'static str),
    Service(&'static str),
    Anonymous,
}

#[derive(Clone, Debug)]
struct Req {
    action: &'static str,
    resource: Option<&'static str>,
    who: Who,
    keys: Vec<(&'static str, Vec<&'static str>)>,
    unknown: Vec<&'static str>,
}

impl Req {
    fn by(mut self, who: Who) -> Self {
        self.who = who;
        self
    }
    fn key(mut self, k: &'static str, v: &[&'static str]) -> Self {
        self.keys.push((k, v.to_vec()));
        self
    }
    fn unknown(mut self, k: &'static str) -> Self {
        self.unknown.push(k);
        self
    }
    fn ctx(&self) -> RequestContext {
        let mut c = RequestContext::new(self.action);
        if let Some(r) = self.resource {
            c = c.with_resource(r);
        }
        c = match self.who {
            Who::Unspecified => c,
            Who::Arn(a) => c.with_principal(a),
            Who::Service(s) => c.with_service(s),
            Who::Anonymous => c.anonymous(),
        };
        for (k, v) in &self.keys {
            c = c.with_key(k, v.iter().copied());
        }
        for k in &self.unknown {
            c = c.with_unknown_key(k, "test");
        }
        c
    }
}

/// A request for `action` on `resource` (`""` for none), caller unspecified.
fn req(action: &'static str, resource: &'static str) -> Req {
    Req {
        action,
        resource: (!resource.is_empty()).then_some(resource),
        who: Who::Unspecified,
        keys: Vec::new(),
        unknown: Vec::new(),
    }
}

/// A request that only carries context keys (for condition rows).
fn keys() -> Req {
    req("s3:GetObject", "")
}

enum Check {
    Action {
        pattern: &'static str,
        action: &'static str,
        expect: bool,
    },
    Resource {
        pattern: &'static str,
        arn: &'static str,
        expect: bool,
    },
    Like {
        pattern: &'static str,
        value: &'static str,
        ignore_case: bool,
        expect: bool,
    },
    ArnLike {
        pattern: &'static str,
        value: &'static str,
        expect: bool,
    },
    Subst {
        pattern: &'static str,
        req: Req,
        expect: Option<&'static str>,
    },
    /// A `Condition` block (JSON) in an `Allow * on *` statement.
    Cond {
        condition: &'static str,
        req: Req,
        expect: Tri,
    },
    Eval {
        identity: Vec<&'static str>,
        boundary: Option<Vec<&'static str>>,
        resource: Vec<&'static str>,
        req: Req,
        expect: Decision,
    },
    /// A whole policy document: the number of statements kept and the error paths, in order.
    Parse {
        json: &'static str,
        statements: usize,
        errors: Vec<&'static str>,
    },
    JsonError {
        text: &'static str,
    },
}

struct Row {
    name: &'static str,
    doc: &'static str,
    check: Check,
}

fn act(
    name: &'static str,
    doc: &'static str,
    pattern: &'static str,
    action: &'static str,
    expect: bool,
) -> Row {
    Row {
        name,
        doc,
        check: Check::Action {
            pattern,
            action,
            expect,
        },
    }
}
fn res(
    name: &'static str,
    doc: &'static str,
    pattern: &'static str,
    arn: &'static str,
    expect: bool,
) -> Row {
    Row {
        name,
        doc,
        check: Check::Resource {
            pattern,
            arn,
            expect,
        },
    }
}
fn like(
    name: &'static str,
    doc: &'static str,
    pattern: &'static str,
    value: &'static str,
    ignore_case: bool,
    expect: bool,
) -> Row {
    Row {
        name,
        doc,
        check: Check::Like {
            pattern,
            value,
            ignore_case,
            expect,
        },
    }
}
fn arnl(
    name: &'static str,
    doc: &'static str,
    pattern: &'static str,
    value: &'static str,
    expect: bool,
) -> Row {
    Row {
        name,
        doc,
        check: Check::ArnLike {
            pattern,
            value,
            expect,
        },
    }
}
fn subst(
    name: &'static str,
    doc: &'static str,
    pattern: &'static str,
    req: Req,
    expect: Option<&'static str>,
) -> Row {
    Row {
        name,
        doc,
        check: Check::Subst {
            pattern,
            req,
            expect,
        },
    }
}
fn cond(
    name: &'static str,
    doc: &'static str,
    condition: &'static str,
    req: Req,
    expect: Tri,
) -> Row {
    Row {
        name,
        doc,
        check: Check::Cond {
            condition,
            req,
            expect,
        },
    }
}
/// Identity policies only.
fn ev(
    name: &'static str,
    doc: &'static str,
    identity: &[&'static str],
    req: Req,
    expect: Decision,
) -> Row {
    Row {
        name,
        doc,
        check: Check::Eval {
            identity: identity.to_vec(),
            boundary: None,
            resource: vec![],
            req,
            expect,
        },
    }
}
/// Identity, boundary and resource policies.
fn evx(
    name: &'static str,
    doc: &'static str,
    identity: &[&'static str],
    boundary: Option<&[&'static str]>,
    resource: &[&'static str],
    req: Req,
    expect: Decision,
) -> Row {
    Row {
        name,
        doc,
        check: Check::Eval {
            identity: identity.to_vec(),
            boundary: boundary.map(|b| b.to_vec()),
            resource: resource.to_vec(),
            req,
            expect,
        },
    }
}
fn parse(
    name: &'static str,
    doc: &'static str,
    json: &'static str,
    statements: usize,
    errors: &[&'static str],
) -> Row {
    Row {
        name,
        doc,
        check: Check::Parse {
            json,
            statements,
            errors: errors.to_vec(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Citations

const D_ACTION: &str = "UG:reference_policies_elements_action — action names are case-insensitive ('IAM:listaccesskeys' works); '*' matches any run of characters";
const D_ACTION_Q: &str = "UG:reference_policies_elements_action — wildcards in Action: '*' any characters, '?' exactly one character (as for Resource)";
const D_NOTACTION_ALLOW: &str = "UG:reference_policies_elements_notaction — 'NotAction with Allow … grants everything not listed, including future actions'";
const D_NOTACTION_DENY: &str = "UG:reference_policies_elements_notaction — 'NotAction with Deny denies everything not listed; it allows nothing by itself'";
const D_RES_CASE: &str = "UG:reference_policies_elements_resource — 'In the Resource element, the IAM user name is case sensitive': ARN matching is case-sensitive";
const D_RES_SLASH: &str = "UG:reference_policies_elements_resource — 'The asterisk (*) character can expand to replace everything within a segment, including characters like a forward slash (/)'";
const D_RES_SEG: &str = "UG:reference_policies_elements_resource — 'You can use wildcard characters (* and ?) within the individual segments of an ARN (the parts separated by colons)'";
const D_RES_LAST: &str = "UG:reference_policies_elements_resource — 'If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon boundaries'";
const D_RES_STAR: &str =
    "UG:reference_policies_elements_resource — 'Resource: *' applies to all resources";
const D_NOTRESOURCE: &str = "UG:reference_policies_elements_notresource — NotResource matches every resource except those listed";
const D_COND_KEYNAME: &str = "UG:reference_policies_elements_condition — 'Context key names are not case-sensitive … aws:SourceIP is equivalent to AWS:SourceIp'";
const D_COND_VALCASE: &str = "UG:reference_policies_elements_condition — 'Case-sensitivity of context key values depends on the condition operator': StringEquals 'john' does not match 'John'";
const D_IGNORECASE: &str = "UG:reference_policies_elements_condition_operators — StringEqualsIgnoreCase / StringNotEqualsIgnoreCase: exact matching, ignoring case";
const D_STRINGEQ: &str = "UG:reference_policies_elements_condition_operators — StringEquals: exact matching, case sensitive (no wildcards)";
const D_STRINGLIKE: &str = "UG:reference_policies_elements_condition_operators — StringLike: case-sensitive matching; values can include '*' and '?' wildcards anywhere";
const D_MISSING_POS: &str = "UG:reference_policies_elements_condition_operators — 'If the key … is not present in the request context, the values do not match and the condition is false'";
const D_MISSING_NEG: &str = "UG:reference_policies_elements_condition_operators — 'If the policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true'";
const D_IFEXISTS: &str = "UG:reference_policies_elements_condition_operators — …IfExists: 'If the policy key is not present in the context of an incoming request, the condition evaluates to true'";
const D_IFEXISTS_PRESENT: &str = "UG:reference_policies_elements_condition_operators — …IfExists: 'If the key is present, evaluate the condition as specified'";
const D_FORALL: &str = "UG:reference_policies_multi-value-conditions — 'ForAllValues … also returns true if there are no context keys in the request, or if the context key value resolves to a null dataset'";
const D_FORALL_EVERY: &str = "UG:reference_policies_multi-value-conditions — ForAllValues: true if every value in the request matches at least one value in the condition";
const D_FORANY: &str = "UG:reference_policies_multi-value-conditions — ForAnyValue: true if at least one request value matches; 'returns false if there are no context keys'";
const D_OR: &str = "UG:reference_policies_multi-value-conditions — multiple values for one key are evaluated with a logical OR";
const D_NEG_OR: &str = "UG:reference_policies_multi-value-conditions — with a negated operator (StringNotEquals) multiple values mean 'none of'";
const D_AND_KEYS: &str = "UG:reference_policies_multi-value-conditions — multiple context keys in one operator are evaluated with a logical AND";
const D_AND_OPS: &str = "UG:reference_policies_elements_condition — 'If your Condition element contains multiple conditions … evaluated using a logical AND'";
const D_NULL: &str = "UG:reference_policies_elements_condition_operators — Null: 'true' means the key is absent (null); 'false' means the key exists and its value is not null";
const D_NUMERIC: &str = "UG:reference_policies_elements_condition_operators — Numeric operators compare integer and decimal numbers (NumericEquals, NumericLessThan, …)";
const D_DATE: &str = "UG:reference_policies_elements_condition_operators — Date operators: 'you must specify date/time values with one of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time'";
const D_BOOL: &str = "UG:reference_policies_elements_condition_operators — Bool: Boolean matching, e.g. aws:SecureTransport 'false' for plain HTTP";
const D_BINARY: &str = "UG:reference_policies_elements_condition_operators — BinaryEquals: compares the base-64 encoded binary value byte for byte";
const D_IP: &str = "UG:reference_policies_elements_condition_operators — IpAddress: 'The specified IP address or range (RFC 4632 CIDR)'; IPv4 and IPv6";
const D_NOTIP: &str = "UG:reference_policies_elements_condition_operators — NotIpAddress: 'All IP addresses except the specified IP address or range'";
const D_ARN: &str = "UG:reference_policies_elements_condition_operators — ArnEquals, ArnLike: 'Case-sensitive matching of the ARN. Each of the six colon-delimited components of the ARN is checked separately and each can include multi-character match wildcards (*) or single-character match wildcards (?)'";
const D_ARNNOT: &str = "UG:reference_policies_elements_condition_operators — ArnNotEquals, ArnNotLike: negated matching for ARN";
const D_VARS: &str = "UG:reference_policies_variables — 'When the policy is evaluated, the policy variables are replaced with values that come from the context keys passed in the request'";
const D_VARS_MISSING_RES: &str = "UG:reference_policies_variables — 'If a variable that has no value … is used as part of the Resource or NotResource element … the resource … will not match any resource'";
const D_VARS_MISSING_COND: &str = "UG:reference_policies_variables — 'Condition operators like StringEquals or StringLike do not match' a variable with no value";
const D_VARS_MISSING_NEG: &str = "UG:reference_policies_variables — 'Inverted condition operators like StringNotEquals or StringNotLike do match against a null value'";
const D_VARS_DEFAULT: &str = "UG:reference_policies_variables — 'To add a default value to a variable, surround the default value with single quotes' (${aws:PrincipalTag/team, 'company-wide'})";
const D_VARS_SPECIAL: &str = "UG:reference_policies_variables — special characters: '${*}' for a literal '*', '${?}' for '?', '${$}' for '$'";
const D_VERSION: &str = "UG:reference_policies_elements_version — without Version 2012-10-17, 'variables such as ${aws:username} aren't recognized as variables and are instead treated as literal strings'";
const D_PRINCIPAL_ACCT: &str = "UG:reference_policies_elements_principal — '\"AWS\": \"123456789012\"' is the same as 'arn:aws:iam::123456789012:root': it delegates to the whole account, not only the root user";
const D_PRINCIPAL_STAR: &str = "UG:reference_policies_elements_principal — '\"Principal\": \"*\"' and '\"Principal\": {\"AWS\": \"*\"}' are equivalent: everyone, anonymous included";
const D_PRINCIPAL_ROLE: &str = "UG:reference_policies_elements_principal — a role ARN as principal covers the sessions of that role ('principals who assume the role')";
const D_PRINCIPAL_SVC: &str = "UG:reference_policies_elements_principal — service principals: '\"Principal\": {\"Service\": \"s3.amazonaws.com\"}' matches only that service";
const D_NOTPRINCIPAL_ALLOW: &str = "UG:reference_policies_elements_notprincipal — NotPrincipal with Allow 'allows all principals except the one named … you might grant access to anonymous (unauthenticated) users'";
const D_NOTPRINCIPAL_CHAIN: &str = "UG:reference_policies_elements_notprincipal — with Deny, 'AWS might validate the account first, then the role, and then the assumed-role user': name the session, the role and the account, or the policy may deny them";
const D_NOTPRINCIPAL: &str = "UG:reference_policies_elements_notprincipal — NotPrincipal applies the statement to every principal except those listed";
const D_EVAL_DENY: &str = "UG:reference_policies_evaluation-logic — 'An explicit deny in any policy overrides any allows'";
const D_EVAL_IMPLICIT: &str = "UG:reference_policies_evaluation-logic — 'By default, all requests are implicitly denied'; an Allow is needed";
const D_EVAL_UNION: &str = "UG:reference_policies_evaluation-logic — within one account, an allow in an identity-based or a resource-based policy is enough";
const D_CROSS: &str = "UG:reference_policies_evaluation-logic-cross-account — cross-account: both the identity policy of the caller and the resource policy must allow";
const D_BOUNDARY: &str = "UG:access_policies_boundaries — effective permissions are the intersection of identity-based policies and the permissions boundary";
const D_BOUNDARY_DENY: &str =
    "UG:access_policies_boundaries — an explicit Deny in the boundary overrides any Allow";
const D_BOUNDARY_RES: &str = "UG:access_policies_boundaries — the boundary does not limit resource-based policy grants to the user or role-session ARN itself; grants to the role ARN are limited";
const D_SERVICE_EVAL: &str = "UG:reference_policies_evaluation-logic — a service principal has no identity policy: the resource-based policy alone decides";
const D_CONFUSED: &str = "UG:confused-deputy — aws:SourceArn / aws:SourceAccount restrict which resource a service principal acts for";
const D_FURL: &str = "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html — auth type NONE: Principal '*', lambda:InvokeFunctionUrl with StringEquals lambda:FunctionUrlAuthType NONE";
const D_EFFECT: &str = "UG:reference_policies_elements_effect — 'Valid values for Effect are Allow and Deny. The Effect value is case sensitive'";
const D_EXCLUSIVE: &str = "UG:reference_policies_elements — 'you cannot use both Action and NotAction in the same policy statement'; likewise Principal/NotPrincipal and Resource/NotResource";
const D_REQUIRED: &str = "UG:reference_policies_elements_statement / grammar — a statement requires Effect and one of Action or NotAction";
const D_OPERATORS: &str = "UG:reference_policies_elements_condition_operators — the condition operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress/NotIpAddress, Arn*, Null (with …IfExists and ForAnyValue:/ForAllValues:)";
const D_NULL_IFEXISTS: &str =
    "UG:reference_policies_elements_condition_operators — '…IfExists … except the Null condition'";
const D_STATEMENT: &str = "UG:reference_policies_elements_statement — 'The Statement element can contain a single statement or an array of individual statements'";
const D_GRAMMAR: &str = "UG:reference_policies_grammar — action and resource strings are strings; condition values are strings, numbers or booleans";
const D_RESOURCE_OPT: &str = "UG:reference_policies_elements_principal — role trust policies have a Principal and no Resource element";
const D_NORESOURCE_ACTION: &str = "UG:reference_policies_elements_resource — 'Some AWS services do not allow you to specify actions for individual resources … you use the wildcard character (*)'";
const D_UNKNOWN: &str = "lambdasec model (value.rs): an unknown value is 'cannot tell', never a match that would produce a finding or hide one";
const D_PRINCIPAL_GRAMMAR: &str = "UG:reference_policies_elements_principal — Principal is '*' or an object of AWS/Service/Federated/CanonicalUser";

// ---------------------------------------------------------------------------------------------
// Common values

const ROLE: &str = "arn:aws:iam::123456789012:role/app";
const SESSION: &str = "arn:aws:sts::123456789012:assumed-role/app/s1";
const ADMIN: &str = "arn:aws:iam::123456789012:role/admin";
const OTHER_ROLE: &str = "arn:aws:iam::111111111111:role/app";
const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

const ALLOW_ALL: &str = r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#;

#[rustfmt::skip]
#[allow(clippy::vec_init_then_push)]
fn rows() -> Vec<Row> {
    let mut r = Vec::new();

    // ----- Action matching ------------------------------------------------------------------
    r.push(act("action exact", D_ACTION, "lambda:InvokeFunction", "lambda:InvokeFunction", true));
    r.push(act("action case-insensitive (doc example)", D_ACTION, "IAM:listaccesskeys", "iam:ListAccessKeys", true));
    r.push(act("action upper-case request", D_ACTION, "lambda:invokefunction", "LAMBDA:INVOKEFUNCTION", true));
    r.push(act("action prefix wildcard", D_ACTION, "s3:Get*", "s3:GetObject", true));
    r.push(act("action prefix wildcard lower-case", D_ACTION, "ec2:describe*", "ec2:DescribeInstances", true));
    r.push(act("action prefix wildcard no match", D_ACTION, "s3:Get*", "s3:PutObject", false));
    r.push(act("action star matches all", D_ACTION, "*", "dynamodb:DeleteTable", true));
    r.push(act("action service star", D_ACTION, "s3:*", "s3:GetObject", true));
    r.push(act("action service star needs the colon", D_ACTION, "s3:*", "s3express:CreateSession", false));
    r.push(act("action infix wildcard", D_ACTION, "lambda:*Function*", "lambda:UpdateFunctionCode", true));
    r.push(act("action no implicit prefix", D_ACTION, "lambda:InvokeFunction", "lambda:InvokeFunctionUrl", false));
    r.push(act("action ? one char", D_ACTION_Q, "iam:?etRole", "iam:GetRole", true));
    r.push(act("action ? one char mismatch", D_ACTION_Q, "iam:?etRole", "iam:PassRole", false));
    r.push(act("action ? needs a char", D_ACTION_Q, "s3:GetObject?", "s3:GetObject", false));
    r.push(act("action other service", D_ACTION, "lambda:*", "iam:PassRole", false));

    // ----- Resource matching ----------------------------------------------------------------
    r.push(res("resource exact", D_RES_SEG, FN, FN, true));
    r.push(res("resource case-sensitive user name", D_RES_CASE, "arn:aws:iam::123456789012:user/Bob", "arn:aws:iam::123456789012:user/bob", false));
    r.push(res("resource case-sensitive table", D_RES_CASE, "arn:aws:dynamodb:us-east-1:123456789012:table/T", "arn:aws:dynamodb:us-east-1:123456789012:table/t", false));
    r.push(res("resource star crosses slash", D_RES_SLASH, "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c.txt", true));
    r.push(res("resource doc example */test/* deep", D_RES_SLASH, "arn:aws:s3:::bucket/*/test/*", "arn:aws:s3:::bucket/1/2/test/3/object.jpg", true));
    r.push(res("resource doc example */test/* empty parts", D_RES_SLASH, "arn:aws:s3:::bucket/*/test/*", "arn:aws:s3:::bucket//test/object.jpg", true));
    r.push(res("resource doc example 1-test no match", D_RES_SLASH, "arn:aws:s3:::bucket/*/test/*", "arn:aws:s3:::bucket/1-test/object.jpg", false));
    r.push(res("resource bucket/* not the bucket", D_RES_SLASH, "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false));
    r.push(res("resource * matches all", D_RES_STAR, "*", FN, true));
    r.push(res("resource region wildcard", D_RES_SEG, "arn:aws:lambda:*:123456789012:function:f", "arn:aws:lambda:eu-west-1:123456789012:function:f", true));
    r.push(res("resource account segment differs", D_RES_SEG, "arn:aws:lambda:us-east-1:111111111111:function:*", FN, false));
    r.push(res("resource name prefix", D_RES_SEG, "arn:aws:lambda:us-east-1:123456789012:function:my-*", "arn:aws:lambda:us-east-1:123456789012:function:my-fn", true));
    r.push(res("resource part star crosses ':' (qualified function)", D_RES_LAST, "arn:aws:lambda:us-east-1:123456789012:function:*", "arn:aws:lambda:us-east-1:123456789012:function:f:prod", true));
    r.push(res("resource unqualified does not match qualified", D_RES_SEG, FN, "arn:aws:lambda:us-east-1:123456789012:function:f:prod", false));
    r.push(res("resource mid-segment star does not cross ':'", D_RES_SEG, "arn:aws:sqs:us-east-*2:queue1", "arn:aws:sqs:us-east-1:123456789012:queue1", false));
    r.push(res("resource ? does not match ':' separator", D_RES_SEG, "arn:aws:sqs:us-east-1?123456789012:queue1", "arn:aws:sqs:us-east-1:123456789012:queue1", false));
    r.push(res("resource trailing star of a segment crosses ':'", D_RES_LAST, "arn:aws:sqs:*", "arn:aws:sqs:us-east-1:123456789012:queue1", true));
    r.push(res("resource ? in region", D_RES_SEG, "arn:aws:sqs:us-east-?:123456789012:queue1", "arn:aws:sqs:us-east-1:123456789012:queue1", true));
    r.push(res("resource ? exactly one char", D_RES_SEG, "arn:aws:sqs:us-east-?:123456789012:queue1", "arn:aws:sqs:us-east-10:123456789012:queue1", false));

    // ----- StringLike -----------------------------------------------------------------------
    r.push(like("like star", D_STRINGLIKE, "home/*", "home/alice/x", false, true));
    r.push(like("like ? one char", D_STRINGLIKE, "home/?", "home/ab", false, false));
    r.push(like("like case-sensitive", D_STRINGLIKE, "Home/*", "home/x", false, false));
    r.push(like("like ignore case flag", D_IGNORECASE, "HOME/*", "home/x", true, true));
    r.push(like("like star matches empty", D_STRINGLIKE, "*", "", false, true));
    r.push(like("like several stars", D_STRINGLIKE, "a*b*c", "aXXbYYc", false, true));
    r.push(like("like several stars no match", D_STRINGLIKE, "a*b*c", "aXXbYY", false, false));
    r.push(like("like ? needs a char", D_STRINGLIKE, "?", "", false, false));

    // ----- ArnLike --------------------------------------------------------------------------
    r.push(arnl("arnlike api gateway source", D_ARN, "arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/*", "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/items", true));
    r.push(arnl("arnlike exact", D_ARN, "arn:aws:s3:::bucket", "arn:aws:s3:::bucket", true));
    r.push(arnl("arnlike case-sensitive", D_ARN, "arn:aws:s3:::bucket", "arn:aws:s3:::Bucket", false));
    r.push(arnl("arnlike region wildcard part", D_ARN, "arn:aws:events:*:123456789012:rule/*", "arn:aws:events:us-east-1:123456789012:rule/r", true));
    r.push(arnl("arnlike account part compared", D_ARN, "arn:aws:events:*:123456789012:rule/*", "arn:aws:events:us-east-1:999999999999:rule/r", false));
    r.push(arnl("arnlike resource part holds ':'", D_ARN, "arn:aws:sns:us-east-1:123456789012:*", "arn:aws:sns:us-east-1:123456789012:topic:sub-id", true));
    r.push(arnl("arnlike not an ARN", D_ARN, "arn:aws:s3:::*", "not-an-arn", false));
    r.push(arnl("arnlike wildcard within a part", D_ARN, "arn:aws:lambda:us-east-1:1234*:function:f", FN, true));
    r.push(arnl("arnlike star does not span parts", D_ARN, "arn:aws:lambda:us-east-1:*:f", FN, false));

    // ----- Policy variables -----------------------------------------------------------------
    r.push(subst("variable substituted", D_VARS, "arn:aws:s3:::bucket/${aws:username}/*", keys().key("aws:username", &["alice"]), Some("arn:aws:s3:::bucket/alice/*")));
    r.push(subst("variable missing", D_VARS_MISSING_RES, "arn:aws:s3:::bucket/${aws:username}/*", keys(), None));
    r.push(subst("variable default", D_VARS_DEFAULT, "arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}", keys(), Some("arn:aws:s3:::bucket-company-wide")));
    r.push(subst("variable default not used when set", D_VARS_DEFAULT, "arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}", keys().key("aws:PrincipalTag/team", &["yellow"]), Some("arn:aws:s3:::bucket-yellow")));
    r.push(subst("variable ${*}", D_VARS_SPECIAL, "a${*}b", keys(), Some("a*b")));
    r.push(subst("variable ${$} and ${?}", D_VARS_SPECIAL, "${$}x${?}", keys(), Some("$x?")));
    r.push(subst("variable key name case-insensitive", D_COND_KEYNAME, "u/${AWS:UserName}", keys().key("aws:username", &["bob"]), Some("u/bob")));
    r.push(subst("variable multivalued key unusable", D_VARS_MISSING_RES, "t/${aws:TagKeys}", keys().key("aws:TagKeys", &["a", "b"]), None));
    r.push(subst("unclosed variable is text", D_VARS, "a/${aws:username", keys(), Some("a/${aws:username")));

    // ----- Conditions: strings --------------------------------------------------------------
    r.push(cond("StringEquals match", D_STRINGEQ, r#"{"StringEquals":{"aws:username":"john"}}"#, keys().key("aws:username", &["john"]), Tri::True));
    r.push(cond("StringEquals value case-sensitive", D_COND_VALCASE, r#"{"StringEquals":{"aws:username":"john"}}"#, keys().key("aws:username", &["John"]), Tri::False));
    r.push(cond("StringEqualsIgnoreCase", D_IGNORECASE, r#"{"StringEqualsIgnoreCase":{"aws:username":"john"}}"#, keys().key("aws:username", &["John"]), Tri::True));
    r.push(cond("StringNotEqualsIgnoreCase", D_IGNORECASE, r#"{"StringNotEqualsIgnoreCase":{"aws:username":"john"}}"#, keys().key("aws:username", &["JOHN"]), Tri::False));
    r.push(cond("StringEquals star is literal", D_STRINGEQ, r#"{"StringEquals":{"aws:username":"jo*"}}"#, keys().key("aws:username", &["john"]), Tri::False));
    r.push(cond("StringLike star", D_STRINGLIKE, r#"{"StringLike":{"s3:prefix":"home/*"}}"#, keys().key("s3:prefix", &["home/a/b"]), Tri::True));
    r.push(cond("StringLike ?", D_STRINGLIKE, r#"{"StringLike":{"s3:prefix":"v?"}}"#, keys().key("s3:prefix", &["v2"]), Tri::True));
    r.push(cond("StringLike case-sensitive", D_STRINGLIKE, r#"{"StringLike":{"s3:prefix":"Home/*"}}"#, keys().key("s3:prefix", &["home/a"]), Tri::False));
    r.push(cond("StringNotLike match is false", D_STRINGLIKE, r#"{"StringNotLike":{"s3:prefix":"home/*"}}"#, keys().key("s3:prefix", &["home/a"]), Tri::False));
    r.push(cond("StringNotLike no match is true", D_STRINGLIKE, r#"{"StringNotLike":{"s3:prefix":"home/*"}}"#, keys().key("s3:prefix", &["tmp/a"]), Tri::True));
    r.push(cond("key name case-insensitive in policy", D_COND_KEYNAME, r#"{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}"#, keys().key("aws:sourcearn", &["arn:aws:s3:::b"]), Tri::True));
    r.push(cond("key name case-insensitive in request", D_COND_KEYNAME, r#"{"IpAddress":{"aws:SourceIP":"10.0.0.0/8"}}"#, keys().key("AWS:SourceIp", &["10.1.1.1"]), Tri::True));
    r.push(cond("values ORed: second matches", D_OR, r#"{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#, keys().key("aws:PrincipalTag/team", &["blue"]), Tri::True));
    r.push(cond("values ORed: none matches", D_OR, r#"{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#, keys().key("aws:PrincipalTag/team", &["green"]), Tri::False));
    r.push(cond("negated values: none of (hit)", D_NEG_OR, r#"{"StringNotEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#, keys().key("aws:PrincipalTag/team", &["blue"]), Tri::False));
    r.push(cond("negated values: none of (miss)", D_NEG_OR, r#"{"StringNotEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#, keys().key("aws:PrincipalTag/team", &["green"]), Tri::True));
    r.push(cond("keys ANDed: one fails", D_AND_KEYS, r#"{"StringEquals":{"aws:SourceAccount":"123456789012","aws:PrincipalOrgID":"o-1"}}"#, keys() .key("aws:SourceAccount", &["123456789012"]) .key("aws:PrincipalOrgID", &["o-2"]), Tri::False));
    r.push(cond("keys ANDed: both hold", D_AND_KEYS, r#"{"StringEquals":{"aws:SourceAccount":"123456789012","aws:PrincipalOrgID":"o-1"}}"#, keys() .key("aws:SourceAccount", &["123456789012"]) .key("aws:PrincipalOrgID", &["o-1"]), Tri::True));
    r.push(cond("operators ANDed: one fails", D_AND_OPS, r#"{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::good"}}"#, keys().key("aws:SourceAccount", &["123456789012"]).key("aws:SourceArn", &["arn:aws:s3:::evil"]), Tri::False));
    r.push(cond("operators ANDed: both hold", D_AND_OPS, r#"{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::good"}}"#, keys().key("aws:SourceAccount", &["123456789012"]).key("aws:SourceArn", &["arn:aws:s3:::good"]), Tri::True));

    // ----- Conditions: missing keys ---------------------------------------------------------
    r.push(cond("missing key: StringEquals false", D_MISSING_POS, r#"{"StringEquals":{"aws:SourceAccount":"123456789012"}}"#, keys(), Tri::False));
    r.push(cond("missing key: StringLike false", D_MISSING_POS, r#"{"StringLike":{"aws:SourceArn":"*"}}"#, keys(), Tri::False));
    r.push(cond("missing key: ArnLike false", D_MISSING_POS, r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}"#, keys(), Tri::False));
    r.push(cond("missing key: NumericLessThan false", D_MISSING_POS, r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#, keys(), Tri::False));
    r.push(cond("missing key: Bool false", D_MISSING_POS, r#"{"Bool":{"aws:SecureTransport":"false"}}"#, keys(), Tri::False));
    r.push(cond("missing key: IpAddress false", D_MISSING_POS, r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, keys(), Tri::False));
    r.push(cond("missing key: StringNotEquals true", D_MISSING_NEG, r#"{"StringNotEquals":{"aws:SourceAccount":"123456789012"}}"#, keys(), Tri::True));
    r.push(cond("missing key: StringNotLike true", D_MISSING_NEG, r#"{"StringNotLike":{"aws:SourceArn":"arn:*"}}"#, keys(), Tri::True));
    r.push(cond("missing key: ArnNotLike true", D_MISSING_NEG, r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::*"}}"#, keys(), Tri::True));
    r.push(cond("missing key: NotIpAddress true", D_MISSING_NEG, r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, keys(), Tri::True));
    r.push(cond("missing key: StringEqualsIfExists true", D_IFEXISTS, r#"{"StringEqualsIfExists":{"aws:SourceAccount":"123456789012"}}"#, keys(), Tri::True));
    r.push(cond("missing key: ArnLikeIfExists true", D_IFEXISTS, r#"{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:s3:::b"}}"#, keys(), Tri::True));
    r.push(cond("present key: IfExists compares (mismatch)", D_IFEXISTS_PRESENT, r#"{"StringEqualsIfExists":{"aws:SourceAccount":"123456789012"}}"#, keys().key("aws:SourceAccount", &["999999999999"]), Tri::False));
    r.push(cond("present key: IfExists compares (match)", D_IFEXISTS_PRESENT, r#"{"NumericLessThanIfExists":{"s3:max-keys":"10"}}"#, keys().key("s3:max-keys", &["5"]), Tri::True));

    // ----- Conditions: set operators --------------------------------------------------------
    r.push(cond("ForAllValues missing key true", D_FORALL, r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#, keys(), Tri::True));
    r.push(cond("ForAllValues empty set true", D_FORALL, r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#, keys().key("aws:TagKeys", &[]), Tri::True));
    r.push(cond("ForAllValues negated missing key true", D_FORALL, r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a"]}}"#, keys(), Tri::True));
    r.push(cond("ForAllValues every value allowed", D_FORALL_EVERY, r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#, keys().key("aws:TagKeys", &["a", "b"]), Tri::True));
    r.push(cond("ForAllValues one value not allowed", D_FORALL_EVERY, r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#, keys().key("aws:TagKeys", &["a", "c"]), Tri::False));
    r.push(cond("ForAllValues:StringNotLike doc example (none key1*)", D_FORALL_EVERY, r#"{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}"#, keys().key("aws:TagKeys", &["key2", "key3"]), Tri::True));
    r.push(cond("ForAllValues:StringNotLike doc example (one key1*)", D_FORALL_EVERY, r#"{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}"#, keys().key("aws:TagKeys", &["key1a", "key2"]), Tri::False));
    r.push(cond("ForAnyValue missing key false", D_FORANY, r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#, keys(), Tri::False));
    r.push(cond("ForAnyValue empty set false", D_FORANY, r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#, keys().key("aws:TagKeys", &[]), Tri::False));
    r.push(cond("ForAnyValue negated missing key false", D_FORANY, r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}"#, keys(), Tri::False));
    r.push(cond("ForAnyValue one value matches", D_FORANY, r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","webserver"]}}"#, keys().key("aws:TagKeys", &["owner", "webserver"]), Tri::True));
    r.push(cond("ForAnyValue no value matches", D_FORANY, r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","webserver"]}}"#, keys().key("aws:TagKeys", &["owner"]), Tri::False));
    r.push(cond("ForAnyValue IfExists missing key true", D_IFEXISTS, r#"{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["env*"]}}"#, keys(), Tri::True));

    // ----- Conditions: Null -----------------------------------------------------------------
    r.push(cond("Null true, key absent", D_NULL, r#"{"Null":{"aws:TokenIssueTime":"true"}}"#, keys(), Tri::True));
    r.push(cond("Null true, key present", D_NULL, r#"{"Null":{"aws:TokenIssueTime":"true"}}"#, keys().key("aws:TokenIssueTime", &["2020-01-01T00:00:00Z"]), Tri::False));
    r.push(cond("Null false, key present", D_NULL, r#"{"Null":{"aws:TokenIssueTime":false}}"#, keys().key("aws:TokenIssueTime", &["2020-01-01T00:00:00Z"]), Tri::True));
    r.push(cond("Null false, key absent", D_NULL, r#"{"Null":{"aws:TokenIssueTime":"false"}}"#, keys(), Tri::False));

    // ----- Conditions: numeric --------------------------------------------------------------
    r.push(cond("NumericLessThan true", D_NUMERIC, r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#, keys().key("s3:max-keys", &["5"]), Tri::True));
    r.push(cond("NumericLessThan equal is false", D_NUMERIC, r#"{"NumericLessThan":{"s3:max-keys":10}}"#, keys().key("s3:max-keys", &["10"]), Tri::False));
    r.push(cond("NumericLessThanEquals equal", D_NUMERIC, r#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#, keys().key("s3:max-keys", &["10"]), Tri::True));
    r.push(cond("NumericGreaterThan", D_NUMERIC, r#"{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"3600"}}"#, keys().key("aws:MultiFactorAuthAge", &["3601"]), Tri::True));
    r.push(cond("NumericGreaterThanEquals below", D_NUMERIC, r#"{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"3600"}}"#, keys().key("aws:MultiFactorAuthAge", &["10"]), Tri::False));
    r.push(cond("NumericEquals decimal", D_NUMERIC, r#"{"NumericEquals":{"k:n":"1.50"}}"#, keys().key("k:n", &["1.5"]), Tri::True));
    r.push(cond("NumericNotEquals equal is false", D_NUMERIC, r#"{"NumericNotEquals":{"k:n":"5"}}"#, keys().key("k:n", &["5"]), Tri::False));
    r.push(cond("NumericEquals non-number request", D_NUMERIC, r#"{"NumericEquals":{"k:n":"5"}}"#, keys().key("k:n", &["five"]), Tri::False));

    // ----- Conditions: dates ----------------------------------------------------------------
    r.push(cond("DateLessThan ISO 8601", D_DATE, r#"{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#, keys().key("aws:CurrentTime", &["2025-06-01T12:00:00Z"]), Tri::True));
    r.push(cond("DateGreaterThan earlier request", D_DATE, r#"{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#, keys().key("aws:CurrentTime", &["2025-06-01T12:00:00Z"]), Tri::False));
    r.push(cond("DateEquals epoch vs ISO", D_DATE, r#"{"DateEquals":{"aws:CurrentTime":"1577836800"}}"#, keys().key("aws:CurrentTime", &["2020-01-01T00:00:00Z"]), Tri::True));
    r.push(cond("DateLessThan with offset", D_DATE, r#"{"DateLessThan":{"aws:CurrentTime":"2020-01-01T01:00:00+02:00"}}"#, keys().key("aws:CurrentTime", &["2019-12-31T23:30:00Z"]), Tri::False));
    r.push(cond("DateGreaterThanEquals date only", D_DATE, r#"{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01"}}"#, keys().key("aws:CurrentTime", &["2020-01-01T00:00:00Z"]), Tri::True));
    r.push(cond("DateLessThan fractional seconds", D_DATE, r#"{"DateLessThan":{"aws:TokenIssueTime":"2020-01-01T00:00:00.500Z"}}"#, keys().key("aws:TokenIssueTime", &["2020-01-01T00:00:00.250Z"]), Tri::True));

    // ----- Conditions: Bool, Binary ---------------------------------------------------------
    r.push(cond("Bool JSON true", D_BOOL, r#"{"Bool":{"aws:SecureTransport":true}}"#, keys().key("aws:SecureTransport", &["true"]), Tri::True));
    r.push(cond("Bool true vs false", D_BOOL, r#"{"Bool":{"aws:SecureTransport":"true"}}"#, keys().key("aws:SecureTransport", &["false"]), Tri::False));
    r.push(cond("Bool false (plain HTTP)", D_BOOL, r#"{"Bool":{"aws:SecureTransport":"false"}}"#, keys().key("aws:SecureTransport", &["false"]), Tri::True));
    r.push(cond("BinaryEquals equal", D_BINARY, r#"{"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, keys().key("k:bin", &["QmluYXJ5VmFsdWVJbkJhc2U2NA=="]), Tri::True));
    r.push(cond("BinaryEquals different", D_BINARY, r#"{"BinaryEquals":{"k:bin":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, keys().key("k:bin", &["AAAA"]), Tri::False));

    // ----- Conditions: IP -------------------------------------------------------------------
    r.push(cond("IpAddress v4 in range", D_IP, r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, keys().key("aws:SourceIp", &["203.0.113.7"]), Tri::True));
    r.push(cond("IpAddress v4 out of range", D_IP, r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, keys().key("aws:SourceIp", &["203.0.114.7"]), Tri::False));
    r.push(cond("IpAddress single address", D_IP, r#"{"IpAddress":{"aws:SourceIp":"203.0.113.5"}}"#, keys().key("aws:SourceIp", &["203.0.113.5"]), Tri::True));
    r.push(cond("IpAddress v4 /0", D_IP, r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, keys().key("aws:SourceIp", &["198.51.100.1"]), Tri::True));
    r.push(cond("IpAddress v6 in range", D_IP, r#"{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}"#, keys().key("aws:SourceIp", &["2001:db8:1234:5678::1"]), Tri::True));
    r.push(cond("IpAddress v6 full form", D_IP, r#"{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}"#, keys().key("aws:SourceIp", &["2001:0db8:1234:5678:0000:0000:0000:00ff"]), Tri::True));
    r.push(cond("IpAddress v6 out of range", D_IP, r#"{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}"#, keys().key("aws:SourceIp", &["2001:db8:1234:5679::1"]), Tri::False));
    r.push(cond("IpAddress v4 and v6 list", D_IP, r#"{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:DB8::/32"]}}"#, keys().key("aws:SourceIp", &["2001:db8:ffff::1"]), Tri::True));
    r.push(cond("IpAddress v4 range vs v6 caller", D_IP, r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, keys().key("aws:SourceIp", &["2001:db8::1"]), Tri::False));
    r.push(cond("NotIpAddress outside", D_NOTIP, r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, keys().key("aws:SourceIp", &["192.168.1.1"]), Tri::True));
    r.push(cond("NotIpAddress inside", D_NOTIP, r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, keys().key("aws:SourceIp", &["10.1.2.3"]), Tri::False));

    // ----- Conditions: ARN ------------------------------------------------------------------
    r.push(cond("ArnLike source ARN", D_ARN, r#"{"ArnLike":{"aws:SourceArn":"arn:aws:execute-api:us-east-1:123456789012:abc/*/*"}}"#, keys().key("aws:SourceArn", &["arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET"]), Tri::True));
    r.push(cond("ArnLike other account", D_ARN, r#"{"ArnLike":{"aws:SourceArn":"arn:aws:execute-api:us-east-1:123456789012:abc/*/*"}}"#, keys().key("aws:SourceArn", &["arn:aws:execute-api:us-east-1:999999999999:abc/prod/GET"]), Tri::False));
    r.push(cond("ArnEquals takes wildcards too", D_ARN, r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:123456789012:topic"}}"#, keys().key("aws:SourceArn", &["arn:aws:sns:us-east-1:123456789012:topic"]), Tri::True));
    r.push(cond("ArnNotEquals on a match", D_ARNNOT, r#"{"ArnNotEquals":{"aws:SourceArn":"arn:aws:s3:::b"}}"#, keys().key("aws:SourceArn", &["arn:aws:s3:::b"]), Tri::False));
    r.push(cond("ArnNotLike on another ARN", D_ARNNOT, r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::b"}}"#, keys().key("aws:SourceArn", &["arn:aws:s3:::c"]), Tri::True));
    r.push(cond("ArnLike on a non-ARN value", D_ARN, r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}"#, keys().key("aws:SourceArn", &["bucket"]), Tri::False));

    // ----- Conditions: variables ------------------------------------------------------------
    r.push(cond("variable in StringLike", D_VARS, r#"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#, keys() .key("aws:username", &["alice"]) .key("s3:prefix", &["home/alice/docs"]), Tri::True));
    r.push(cond("variable in StringLike other user", D_VARS, r#"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#, keys() .key("aws:username", &["bob"]) .key("s3:prefix", &["home/alice/docs"]), Tri::False));
    r.push(cond("variable missing: StringEquals false", D_VARS_MISSING_COND, r#"{"StringEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}"#, keys().key("s3:ExistingObjectTag/Team", &["red"]), Tri::False));
    r.push(cond("variable missing: StringNotEquals true", D_VARS_MISSING_NEG, r#"{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}"#, keys().key("s3:ExistingObjectTag/Team", &["red"]), Tri::True));
    r.push(cond("variable value is literal, not a wildcard", D_VARS_SPECIAL, r#"{"StringLike":{"s3:prefix":"${aws:PrincipalTag/p}"}}"#, keys() .key("aws:PrincipalTag/p", &["a*"]) .key("s3:prefix", &["abc"]), Tri::False));

    // ----- Conditions: unknown values -------------------------------------------------------
    r.push(cond("unknown value that matters", D_UNKNOWN, r#"{"StringEquals":{"aws:SourceAccount":"<<unknown>>"}}"#, keys().key("aws:SourceAccount", &["123456789012"]), Tri::Unknown));
    r.push(cond("unknown value that does not matter (OR)", D_UNKNOWN, r#"{"StringEquals":{"aws:SourceAccount":["123456789012","<<unknown>>"]}}"#, keys().key("aws:SourceAccount", &["123456789012"]), Tri::True));
    r.push(cond("unknown value, key missing: still false", D_MISSING_POS, r#"{"StringEquals":{"aws:SourceAccount":"<<unknown>>"}}"#, keys(), Tri::False));
    r.push(cond("unknown value under negation", D_UNKNOWN, r#"{"StringNotEquals":{"aws:SourceAccount":"<<unknown>>"}}"#, keys().key("aws:SourceAccount", &["1"]), Tri::Unknown));
    r.push(cond("unknown condition block", D_UNKNOWN, r#""<<unknown>>""#, keys(), Tri::Unknown));
    r.push(cond("unknown operator block, other clause false", D_AND_OPS, r#"{"StringEquals":"<<unknown>>","Bool":{"aws:SecureTransport":"true"}}"#, keys().key("aws:SecureTransport", &["false"]), Tri::False));
    r.push(cond("unknown request key", D_UNKNOWN, r#"{"StringEquals":{"aws:SourceAccount":"123456789012"}}"#, keys().unknown("aws:SourceAccount"), Tri::Unknown));

    // ----- Evaluation: identity policies ----------------------------------------------------
    let by_role = || Who::Arn(ROLE);
    r.push(ev("allow exact", D_EVAL_UNION, &[r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::Allow));
    r.push(ev("no statement matches", D_EVAL_IMPLICIT, &[r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ImplicitDeny));
    r.push(ev("no policies at all", D_EVAL_IMPLICIT, &[], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ImplicitDeny));
    r.push(ev("action case-insensitive in evaluation", D_ACTION, &[r#"{"Effect":"Allow","Action":"LAMBDA:invokefunction","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::Allow));
    r.push(ev("resource case-sensitive in evaluation", D_RES_CASE, &[r#"{"Effect":"Allow","Action":"lambda:*","Resource":"arn:aws:lambda:us-east-1:123456789012:function:F"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ImplicitDeny));
    r.push(ev("NotAction Allow grants others", D_NOTACTION_ALLOW, &[r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Allow));
    r.push(ev("NotAction Allow excludes listed", D_NOTACTION_ALLOW, &[r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#], req("iam:CreateUser", "arn:aws:iam::123456789012:user/x").by(by_role()), Decision::ImplicitDeny));
    r.push(ev("NotAction Allow grants future actions", D_NOTACTION_ALLOW, &[r#"{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}"#], req("newservice2031:FutureAction", "").by(by_role()), Decision::Allow));
    r.push(ev("NotAction Deny denies the rest", D_NOTACTION_DENY, &[ALLOW_ALL, r#"{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ExplicitDeny));
    r.push(ev("NotAction Deny leaves listed to the Allow", D_NOTACTION_DENY, &[ALLOW_ALL, r#"{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Allow));
    r.push(ev("NotAction Deny alone allows nothing", D_NOTACTION_DENY, &[r#"{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::ImplicitDeny));
    r.push(ev("NotResource Allow other resource", D_NOTRESOURCE, &[r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}"#], req("s3:GetObject", "arn:aws:s3:::public/k").by(by_role()), Decision::Allow));
    r.push(ev("NotResource Allow listed resource", D_NOTRESOURCE, &[r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}"#], req("s3:GetObject", "arn:aws:s3:::secret/k").by(by_role()), Decision::ImplicitDeny));
    r.push(ev("Deny NotResource: excepted resource allowed", D_NOTRESOURCE, &[ALLOW_ALL, r#"{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::mine","arn:aws:s3:::mine/*"]}"#], req("s3:GetObject", "arn:aws:s3:::mine/k").by(by_role()), Decision::Allow));
    r.push(ev("Deny NotResource: other resource denied", D_NOTRESOURCE, &[ALLOW_ALL, r#"{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::mine","arn:aws:s3:::mine/*"]}"#], req("s3:GetObject", "arn:aws:s3:::theirs/k").by(by_role()), Decision::ExplicitDeny));
    r.push(ev("explicit deny in the same policy", D_EVAL_DENY, &[r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"lambda:*","Resource":"*"}]"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ExplicitDeny));
    r.push(ev("explicit deny in another policy", D_EVAL_DENY, &[ALLOW_ALL, r#"{"Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:*:function:*"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ExplicitDeny));
    r.push(ev("deny with unmet condition does not apply", D_EVAL_DENY, &[ALLOW_ALL, r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()).key("aws:SecureTransport", &["true"]), Decision::Allow));
    r.push(ev("deny with met condition applies", D_EVAL_DENY, &[ALLOW_ALL, r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()).key("aws:SecureTransport", &["false"]), Decision::ExplicitDeny));
    r.push(ev("action without resource: Resource * covers it", D_NORESOURCE_ACTION, &[r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}"#], req("s3:ListAllMyBuckets", "").by(by_role()), Decision::Allow));
    r.push(ev("action without resource: an ARN pattern does not", D_NORESOURCE_ACTION, &[r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}"#], req("s3:ListAllMyBuckets", "").by(by_role()), Decision::ImplicitDeny));
    r.push(ev("single statement object", D_STATEMENT, &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Allow));

    // ----- Evaluation: policy variables in resources ----------------------------------------
    let alice = "arn:aws:iam::123456789012:user/alice";
    let home = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}"#;
    r.push(ev("variable in resource: own folder", D_VARS, &[home], req("s3:GetObject", "arn:aws:s3:::bucket/alice/notes.txt") .by(Who::Arn(alice)) .key("aws:username", &["alice"]), Decision::Allow));
    r.push(ev("variable in resource: other folder", D_VARS, &[home], req("s3:GetObject", "arn:aws:s3:::bucket/bob/notes.txt") .by(Who::Arn(alice)) .key("aws:username", &["alice"]), Decision::ImplicitDeny));
    r.push(ev("variable in resource: missing (role session)", D_VARS_MISSING_RES, &[home], req("s3:GetObject", "arn:aws:s3:::bucket/alice/notes.txt").by(Who::Arn(SESSION)), Decision::ImplicitDeny));
    r.push(ev("variable in resource: Version 2008 keeps it literal", D_VERSION, &[r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}]}"#], req("s3:GetObject", "arn:aws:s3:::bucket/alice/notes.txt").by(Who::Arn(alice)).key("aws:username", &["alice"]), Decision::ImplicitDeny));
    r.push(ev("variable in resource: Version 2008 literal path", D_VERSION, &[r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}]}"#], req("s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/x").by(Who::Arn(alice)).key("aws:username", &["alice"]), Decision::Allow));
    r.push(ev("variable in resource: default value", D_VARS_DEFAULT, &[r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}"}"#], req("s3:ListBucket", "arn:aws:s3:::bucket-company-wide").by(by_role()), Decision::Allow));

    // ----- Evaluation: boundaries -----------------------------------------------------------
    let id_s3 = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#;
    let bd_lambda = r#"{"Effect":"Allow","Action":"lambda:*","Resource":"*"}"#;
    r.push(evx("boundary: identity allows, boundary does not", D_BOUNDARY, &[id_s3], Some(&[bd_lambda]), &[], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::ImplicitDeny));
    r.push(evx("boundary: both allow", D_BOUNDARY, &[ALLOW_ALL], Some(&[bd_lambda]), &[], req("lambda:InvokeFunction", FN).by(by_role()), Decision::Allow));
    r.push(evx("boundary: boundary allows, identity does not", D_BOUNDARY, &[id_s3], Some(&[bd_lambda]), &[], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ImplicitDeny));
    r.push(evx("boundary: empty boundary denies all", D_BOUNDARY, &[ALLOW_ALL], Some(&[]), &[], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ImplicitDeny));
    r.push(evx("boundary: explicit deny", D_BOUNDARY_DENY, &[ALLOW_ALL], Some(&[ALLOW_ALL, r#"{"Effect":"Deny","Action":"iam:*","Resource":"*"}"#]), &[], req("iam:CreateUser", "arn:aws:iam::123456789012:user/x").by(by_role()), Decision::ExplicitDeny));
    r.push(evx("boundary: resource grant to session ARN not capped", D_BOUNDARY_RES, &[], Some(&[bd_lambda]), &[r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/app/s1"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(Who::Arn(SESSION)), Decision::Allow));
    r.push(evx("boundary: resource grant to user ARN not capped", D_BOUNDARY_RES, &[], Some(&[bd_lambda]), &[r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(Who::Arn(alice)), Decision::Allow));
    r.push(evx("boundary: resource grant to role ARN capped", D_BOUNDARY_RES, &[], Some(&[bd_lambda]), &[r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(Who::Arn(SESSION)), Decision::ImplicitDeny));
    r.push(evx("boundary: resource grant to role ARN within boundary", D_BOUNDARY_RES, &[], Some(&[ALLOW_ALL]), &[r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(Who::Arn(SESSION)), Decision::Allow));

    // ----- Evaluation: resource policies and principals -------------------------------------
    let fn_for_role = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f"}"#;
    r.push(evx("resource policy alone allows same account", D_EVAL_UNION, &[], None, &[fn_for_role], req("lambda:InvokeFunction", FN).by(by_role()), Decision::Allow));
    r.push(evx("resource policy deny beats identity allow", D_EVAL_DENY, &[ALLOW_ALL], None, &[r#"{"Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ExplicitDeny));
    r.push(evx("resource policy for another principal", D_EVAL_IMPLICIT, &[], None, &[fn_for_role], req("lambda:InvokeFunction", FN).by(Who::Arn(ADMIN)), Decision::ImplicitDeny));
    r.push(evx("role ARN principal covers its sessions", D_PRINCIPAL_ROLE, &[], None, &[fn_for_role], req("lambda:InvokeFunction", FN).by(Who::Arn(SESSION)), Decision::Allow));
    r.push(evx("bare account principal = whole account", D_PRINCIPAL_ACCT, &[], None, &[r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"lambda:InvokeFunction","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::Allow));
    r.push(evx("account root ARN principal = whole account", D_PRINCIPAL_ACCT, &[], None, &[r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"lambda:InvokeFunction","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(Who::Arn(SESSION)), Decision::Allow));
    r.push(evx("account number as JSON number", D_PRINCIPAL_ACCT, &[], None, &[r#"{"Effect":"Allow","Principal":{"AWS":123456789012},"Action":"lambda:InvokeFunction","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::Allow));
    r.push(evx("account principal: other account's role (cross-account, identity allows)", D_PRINCIPAL_ACCT, &[ALLOW_ALL], None, &[r#"{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"lambda:InvokeFunction","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(Who::Arn(OTHER_ROLE)), Decision::ImplicitDeny));
    let for_other = r#"{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"lambda:InvokeFunction","Resource":"*"}"#;
    r.push(evx("cross-account: resource policy only", D_CROSS, &[], None, &[for_other], req("lambda:InvokeFunction", FN).by(Who::Arn(OTHER_ROLE)), Decision::ImplicitDeny));
    r.push(evx("cross-account: identity only", D_CROSS, &[ALLOW_ALL], None, &[], req("lambda:InvokeFunction", FN).by(Who::Arn(OTHER_ROLE)), Decision::ImplicitDeny));
    r.push(evx("cross-account: both allow", D_CROSS, &[r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}"#], None, &[for_other], req("lambda:InvokeFunction", FN).by(Who::Arn(OTHER_ROLE)), Decision::Allow));
    let public = r#"{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}"#;
    let public_aws = r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"lambda:InvokeFunction","Resource":"*"}"#;
    r.push(evx("Principal * allows anonymous", D_PRINCIPAL_STAR, &[], None, &[public], req("lambda:InvokeFunction", FN).by(Who::Anonymous), Decision::Allow));
    r.push(evx("Principal {AWS:*} allows anonymous too", D_PRINCIPAL_STAR, &[], None, &[public_aws], req("lambda:InvokeFunction", FN).by(Who::Anonymous), Decision::Allow));
    r.push(evx("Principal {AWS:*} allows other accounts", D_PRINCIPAL_STAR, &[r#"{"Effect":"Allow","Action":"lambda:*","Resource":"*"}"#], None, &[public_aws], req("lambda:InvokeFunction", FN).by(Who::Arn(OTHER_ROLE)), Decision::Allow));
    r.push(evx("Principal {AWS:*} equals * for services", D_PRINCIPAL_STAR, &[], None, &[public_aws], req("lambda:InvokeFunction", FN).by(Who::Service("s3.amazonaws.com")), Decision::Allow));
    r.push(evx("Principal * with unspecified caller", D_PRINCIPAL_STAR, &[], None, &[public], req("lambda:InvokeFunction", FN), Decision::Allow));
    r.push(evx("named principal with unspecified caller is unknown", D_UNKNOWN, &[], None, &[fn_for_role], req("lambda:InvokeFunction", FN), Decision::Unknown));
    let s3_trigger = r#"{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}"#;
    r.push(evx("service principal with matching source", D_CONFUSED, &[], None, &[s3_trigger], req("lambda:InvokeFunction", FN) .by(Who::Service("s3.amazonaws.com")) .key("aws:SourceAccount", &["123456789012"]) .key("aws:SourceArn", &["arn:aws:s3:::uploads"]), Decision::Allow));
    r.push(evx("service principal with another bucket", D_CONFUSED, &[], None, &[s3_trigger], req("lambda:InvokeFunction", FN) .by(Who::Service("s3.amazonaws.com")) .key("aws:SourceAccount", &["123456789012"]) .key("aws:SourceArn", &["arn:aws:s3:::evil"]), Decision::ImplicitDeny));
    r.push(evx("service principal without source keys", D_MISSING_POS, &[], None, &[s3_trigger], req("lambda:InvokeFunction", FN).by(Who::Service("s3.amazonaws.com")), Decision::ImplicitDeny));
    r.push(evx("other service principal", D_PRINCIPAL_SVC, &[], None, &[s3_trigger], req("lambda:InvokeFunction", FN) .by(Who::Service("sns.amazonaws.com")) .key("aws:SourceAccount", &["123456789012"]) .key("aws:SourceArn", &["arn:aws:s3:::uploads"]), Decision::ImplicitDeny));
    r.push(evx("service principal ignores identity policies", D_SERVICE_EVAL, &[ALLOW_ALL], None, &[], req("lambda:InvokeFunction", FN).by(Who::Service("s3.amazonaws.com")), Decision::ImplicitDeny));
    r.push(evx("service principal vs AWS principal entry", D_PRINCIPAL_SVC, &[], None, &[fn_for_role], req("lambda:InvokeFunction", FN).by(Who::Service("s3.amazonaws.com")), Decision::ImplicitDeny));
    let trust = r#"{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}"#;
    r.push(evx("trust policy without Resource", D_RESOURCE_OPT, &[], None, &[trust], req("sts:AssumeRole", ROLE).by(Who::Service("lambda.amazonaws.com")), Decision::Allow));
    r.push(evx("trust policy other service", D_RESOURCE_OPT, &[], None, &[trust], req("sts:AssumeRole", ROLE).by(Who::Service("ec2.amazonaws.com")), Decision::ImplicitDeny));
    let furl = r#"{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}"#;
    r.push(evx("function URL auth NONE is public", D_FURL, &[], None, &[furl], req("lambda:InvokeFunctionUrl", FN) .by(Who::Anonymous) .key("lambda:FunctionUrlAuthType", &["NONE"]), Decision::Allow));
    r.push(evx("function URL with AWS_IAM auth", D_FURL, &[], None, &[furl], req("lambda:InvokeFunctionUrl", FN) .by(Who::Anonymous) .key("lambda:FunctionUrlAuthType", &["AWS_IAM"]), Decision::ImplicitDeny));
    let deny_not_admin = r#"{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:role/admin","arn:aws:iam::123456789012:root"]},"Action":"*","Resource":"*"}"#;
    r.push(evx("NotPrincipal Deny hits others", D_NOTPRINCIPAL, &[], None, &[public, deny_not_admin], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ExplicitDeny));
    r.push(evx("NotPrincipal Deny spares the listed role", D_NOTPRINCIPAL, &[], None, &[public, deny_not_admin], req("lambda:InvokeFunction", FN).by(Who::Arn(ADMIN)), Decision::Allow));
    let allow_not = r#"{"Effect":"Allow","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:role/admin","arn:aws:iam::123456789012:root"]},"Action":"lambda:InvokeFunction","Resource":"*"}"#;
    r.push(evx("NotPrincipal Allow: everyone else, anonymous included", D_NOTPRINCIPAL_ALLOW, &[], None, &[allow_not], req("lambda:InvokeFunction", FN).by(Who::Anonymous), Decision::Allow));
    r.push(evx("NotPrincipal Allow: not the listed one", D_NOTPRINCIPAL, &[], None, &[allow_not], req("lambda:InvokeFunction", FN).by(Who::Arn(ADMIN)), Decision::ImplicitDeny));
    r.push(evx("NotPrincipal Deny: role without its account still denied", D_NOTPRINCIPAL_CHAIN, &[], None, &[public, r#"{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"*","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(Who::Arn(ADMIN)), Decision::ExplicitDeny));
    r.push(evx("NotPrincipal Deny: account alone spares no one else", D_NOTPRINCIPAL_CHAIN, &[], None, &[public, r#"{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"*","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::ExplicitDeny));
    r.push(evx("NotPrincipal Deny: session, role and account listed", D_NOTPRINCIPAL_CHAIN, &[], None, &[public, r#"{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::123456789012:assumed-role/app/s1","arn:aws:iam::123456789012:role/app","arn:aws:iam::123456789012:root"]},"Action":"*","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(Who::Arn(SESSION)), Decision::Allow));
    r.push(evx("NotPrincipal Deny: session without role ARN denied", D_NOTPRINCIPAL_CHAIN, &[], None, &[public, r#"{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::123456789012:assumed-role/app/s1","arn:aws:iam::123456789012:root"]},"Action":"*","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(Who::Arn(SESSION)), Decision::ExplicitDeny));
    r.push(evx("NotPrincipal Deny: service principal listed", D_NOTPRINCIPAL, &[], None, &[public, r#"{"Effect":"Deny","NotPrincipal":{"Service":"s3.amazonaws.com"},"Action":"*","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(Who::Service("s3.amazonaws.com")), Decision::Allow));

    // ----- Evaluation: unknown values -------------------------------------------------------
    r.push(ev("unknown resource in Allow", D_UNKNOWN, &[r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"<<unknown>>"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Unknown));
    r.push(ev("unknown action item that does not matter", D_UNKNOWN, &[r#"{"Effect":"Allow","Action":["s3:GetObject","<<unknown>>"],"Resource":"*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Allow));
    r.push(ev("unknown Deny may apply over an Allow", D_UNKNOWN, &[ALLOW_ALL, r#"{"Effect":"Deny","Action":"s3:*","Resource":"<<unknown>>"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Unknown));
    r.push(ev("unknown Deny without any Allow", D_EVAL_IMPLICIT, &[r#"{"Effect":"Deny","Action":"s3:*","Resource":"<<unknown>>"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::ImplicitDeny));
    r.push(ev("unknown Effect", D_UNKNOWN, &[r#"{"Effect":"<<unknown>>","Action":"*","Resource":"*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Unknown));
    r.push(ev("unknown Effect and a definite Deny", D_EVAL_DENY, &[r#"[{"Effect":"<<unknown>>","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::ExplicitDeny));
    r.push(ev("unknown statement", D_UNKNOWN, &[r#"["<<unknown>>",{"Effect":"Allow","Action":"*","Resource":"*"}]"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Unknown));
    r.push(ev("unknown condition on the only Allow", D_UNKNOWN, &[r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":"<<unknown>>"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Unknown));
    r.push(ev("unknown NotAction in a Deny", D_UNKNOWN, &[ALLOW_ALL, r#"{"Effect":"Deny","NotAction":"<<unknown>>","Resource":"*"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Unknown));
    r.push(ev("unknown Deny that cannot match the action", D_UNKNOWN, &[ALLOW_ALL, r#"{"Effect":"Deny","Action":"iam:*","Resource":"<<unknown>>"}"#], req("s3:GetObject", "arn:aws:s3:::b/k").by(by_role()), Decision::Allow));
    r.push(evx("unknown principal in resource policy", D_UNKNOWN, &[], None, &[r#"{"Effect":"Allow","Principal":{"AWS":"<<unknown>>"},"Action":"lambda:InvokeFunction","Resource":"*"}"#], req("lambda:InvokeFunction", FN).by(by_role()), Decision::Unknown));
    r.push(evx("unknown source account in a public grant", D_UNKNOWN, &[], None, &[r#"{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"<<unknown>>"}}}"#], req("lambda:InvokeFunction", FN).by(Who::Service("s3.amazonaws.com")).key("aws:SourceAccount", &["999999999999"]), Decision::Unknown));

    // ----- Parsing --------------------------------------------------------------------------
    r.push(parse("statement as a single object", D_STATEMENT, r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#, 1, &[]));
    r.push(parse("bad statement skipped, others kept", D_EFFECT, r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#, 2, &["Statement[1].Effect"]));
    r.push(parse("Effect is case-sensitive", D_EFFECT, r#"{"Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}"#, 0, &["Statement[0].Effect"]));
    r.push(parse("Effect other word", D_EFFECT, r#"{"Statement":{"Effect":"Permit","Action":"s3:*","Resource":"*"}}"#, 0, &["Statement.Effect"]));
    r.push(parse("Effect missing", D_REQUIRED, r#"{"Statement":[{"Action":"s3:*","Resource":"*"}]}"#, 0, &["Statement[0].Effect"]));
    r.push(parse("both Action and NotAction", D_EXCLUSIVE, r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}]}"#, 0, &["Statement[0]"]));
    r.push(parse("neither Action nor NotAction", D_REQUIRED, r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#, 0, &["Statement[0]"]));
    r.push(parse("misspelt Action element", D_REQUIRED, r#"{"Statement":[{"Effect":"Allow","Actions":"s3:*","Resource":"*"}]}"#, 0, &["Statement[0]", "Statement[0].Actions"]));
    r.push(parse("both Resource and NotResource", D_EXCLUSIVE, r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::b"}]}"#, 0, &["Statement[0]"]));
    r.push(parse("both Principal and NotPrincipal", D_EXCLUSIVE, r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}]}"#, 0, &["Statement[0]"]));
    r.push(parse("Resource absent is accepted", D_RESOURCE_OPT, r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#, 1, &[]));
    r.push(parse("non-string Action element", D_GRAMMAR, r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject",5],"Resource":"*"}]}"#, 0, &["Statement[0].Action[1]"]));
    r.push(parse("unknown condition operator", D_OPERATORS, r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}]}"#, 0, &["Statement[0].Condition.StringEqualz"]));
    r.push(parse("IfExists on Null", D_NULL_IFEXISTS, r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}]}"#, 0, &["Statement[0].Condition.NullIfExists"]));
    r.push(parse("unknown set operator", D_OPERATORS, r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"aws:TagKeys":"a"}}}]}"#, 0, &["Statement[0].Condition.ForSomeValues:StringEquals"]));
    r.push(parse("full operator forms accepted", D_OPERATORS, r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":"a*"},"ForAllValues:ArnNotLike":{"k:a":"arn:*"},"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01"},"BinaryEquals":{"k:b":"AA=="}}}]}"#, 1, &[]));
    r.push(parse("condition value is an object", D_GRAMMAR, r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":{"a":1}}}}]}"#, 0, &["Statement[0].Condition.StringLike.aws:SourceArn"]));
    r.push(parse("condition value list with null", D_GRAMMAR, r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":["a",null]}}}]}"#, 0, &["Statement[0].Condition.StringLike.aws:SourceArn[1]"]));
    r.push(parse("numbers and booleans as condition values", D_GRAMMAR, r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true}}}]}"#, 1, &[]));
    r.push(parse("principal string other than *", D_PRINCIPAL_GRAMMAR, r#"{"Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::123456789012:root","Action":"s3:*","Resource":"*"}]}"#, 0, &["Statement[0].Principal"]));
    r.push(parse("principal list element not a string", D_PRINCIPAL_GRAMMAR, r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012",{"x":1}]},"Action":"s3:*","Resource":"*"}]}"#, 0, &["Statement[0].Principal.AWS[1]"]));
    r.push(parse("unknown Effect keeps the statement", D_UNKNOWN, r#"{"Statement":[{"Effect":"<<unknown>>","Action":"s3:*","Resource":"*"}]}"#, 1, &[]));
    r.push(parse("unknown statement keeps a placeholder", D_UNKNOWN, r#"{"Statement":["<<unknown>>"]}"#, 1, &[]));
    r.push(parse("bad Version reported, statements kept", "UG:reference_policies_elements_version — the Version is 2012-10-17 or 2008-10-17", r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#, 1, &["Version"]));
    r.push(parse("no Statement", D_STATEMENT, r#"{"Version":"2012-10-17"}"#, 0, &["Statement"]));
    r.push(parse("document not an object", D_STATEMENT, r#"[1,2]"#, 0, &[""]));
    r.push(Row { name: "text that is not JSON", doc: "RFC 8259 — a policy document is a JSON text", check: Check::JsonError { text: "{\"Statement\": [", }, });

    r
}

// ---------------------------------------------------------------------------------------------
// Harness

fn to_doc(v: &serde_json::Value) -> Doc {
    match v {
        serde_json::Value::String(s) if s == UNK => Doc::Unknown(Unknown::new("unknown in test")),
        serde_json::Value::Array(a) => Doc::Array(a.iter().map(to_doc).collect()),
        serde_json::Value::Object(o) => {
            Doc::Object(o.iter().map(|(k, v)| (k.clone(), to_doc(v))).collect())
        }
        other => Doc::from_json(other),
    }
}

/// Parses a policy given as a full document, a statement list or a single statement.
fn policy(text: &str) -> Result<Policy, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("bad test JSON: {e}"))?;
    let full = v.get("Statement").is_some();
    let v = if full {
        v
    } else {
        serde_json::json!({"Version": "2012-10-17", "Statement": v})
    };
    let (p, errors) = parse_policy(&to_doc(&v));
    if !errors.is_empty() {
        return Err(format!("unexpected parse errors: {errors:?}"));
    }
    Ok(p)
}

fn run(row: &Row) -> Result<(), String> {
    match &row.check {
        Check::Action {
            pattern,
            action,
            expect,
        } => {
            let got = action_matches(pattern, action);
            (got == *expect)
                .then_some(())
                .ok_or(format!("action_matches({pattern:?}, {action:?}) = {got}"))
        }
        Check::Resource {
            pattern,
            arn,
            expect,
        } => {
            let got = resource_matches(pattern, arn);
            (got == *expect)
                .then_some(())
                .ok_or(format!("resource_matches({pattern:?}, {arn:?}) = {got}"))
        }
        Check::Like {
            pattern,
            value,
            ignore_case,
            expect,
        } => {
            let got = string_like(pattern, value, *ignore_case);
            (got == *expect)
                .then_some(())
                .ok_or(format!("string_like({pattern:?}, {value:?}) = {got}"))
        }
        Check::ArnLike {
            pattern,
            value,
            expect,
        } => {
            let got = arn_like(pattern, value);
            (got == *expect)
                .then_some(())
                .ok_or(format!("arn_like({pattern:?}, {value:?}) = {got}"))
        }
        Check::Subst {
            pattern,
            req,
            expect,
        } => {
            let got = substitute_variables(pattern, &req.ctx());
            (got.as_deref() == *expect)
                .then_some(())
                .ok_or(format!("substitute_variables({pattern:?}) = {got:?}"))
        }
        Check::Cond {
            condition,
            req,
            expect,
        } => {
            let text = format!(
                r#"{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{condition}}}"#
            );
            let p = policy(&text)?;
            let st = p.statements.first().ok_or("statement dropped")?;
            let got = statement_applies(st, &req.ctx(), PolicyKind::Identity);
            (got == *expect).then_some(()).ok_or(format!(
                "condition evaluated to {got:?}, expected {expect:?}"
            ))
        }
        Check::Eval {
            identity,
            boundary,
            resource,
            req,
            expect,
        } => {
            let ids = identity
                .iter()
                .map(|t| policy(t))
                .collect::<Result<Vec<_>, _>>()?;
            let bds = match boundary {
                Some(b) => Some(b.iter().map(|t| policy(t)).collect::<Result<Vec<_>, _>>()?),
                None => None,
            };
            let rs = resource
                .iter()
                .map(|t| policy(t))
                .collect::<Result<Vec<_>, _>>()?;
            let set = PolicySet {
                identity: ids.iter().collect(),
                boundary: bds.as_ref().map(|b| b.iter().collect()),
                resource: rs.iter().collect(),
            };
            let got = evaluate(&set, &req.ctx());
            (got == *expect)
                .then_some(())
                .ok_or(format!("evaluate = {got:?}, expected {expect:?}"))
        }
        Check::Parse {
            json,
            statements,
            errors,
        } => {
            let v: serde_json::Value =
                serde_json::from_str(json).map_err(|e| format!("bad test JSON: {e}"))?;
            let (p, errs) = parse_policy(&to_doc(&v));
            let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
            if p.statements.len() != *statements || paths != *errors {
                return Err(format!(
                    "got {} statements and errors {:?}, expected {} and {:?}",
                    p.statements.len(),
                    errs,
                    statements,
                    errors
                ));
            }
            Ok(())
        }
        Check::JsonError { text } => match parse_json(text) {
            Err(_) => Ok(()),
            Ok(_) => Err("parse_json accepted invalid JSON".into()),
        },
    }
}

#[test]
fn semantics_table() {
    let rows = rows();
    let mut failures = Vec::new();
    for row in &rows {
        if let Err(e) = run(row) {
            failures.push(format!("- {}: {}\n    doc: {}", row.name, e, row.doc));
        }
    }
    assert!(rows.len() >= 150, "only {} rows", rows.len());
    let mut names: Vec<&str> = rows.iter().map(|r| r.name).collect();
    names.sort_unstable();
    for w in names.windows(2) {
        assert_ne!(w[0], w[1], "duplicate row name");
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// The matchers and the parser accept any input without panicking.
#[test]
fn no_panics_on_odd_input() {
    let samples = [
        "",
        "*",
        "?",
        ":",
        "::::::",
        "${",
        "${}",
        "${ }",
        "${a, '}",
        "${a, 'b''c'}",
        "$${*}}",
        "arn:",
        "arn:aws:s3:::",
        "é*ü?",
        "**??**",
        "a:b:c:d:e:f:g:h",
        "/",
        "\u{0}",
        "${aws:username}",
        "1.2.3.4/33",
        "::ffff:1.2.3.4",
        "1:2:3:4:5:6:7:8:9",
        "2020-13-45T99:99:99Z",
        "-1e309",
    ];
    let ctx = RequestContext::new("s3:GetObject").with_key("aws:username", ["a*"]);
    for p in samples {
        for v in samples {
            let _ = action_matches(p, v);
            let _ = resource_matches(p, v);
            let _ = string_like(p, v, true);
            let _ = arn_like(p, v);
            let _ = substitute_variables(p, &ctx);
        }
        let _ = parse_json(p);
    }
    // Long inputs stay fast enough (quadratic at worst).
    let long_p = "*a".repeat(500);
    let long_v = "a".repeat(2000) + "b";
    assert!(!string_like(&long_p, &long_v, false));
}
