use crate::{Context, Findings, Rule};
use lambdasec_model::{
    FetchCaching, FetchService, Function, Inventory, Piece, SecretFetch, SecretRotation,
    SourceKind, Value,
};

rule! {
    /// ## What it does
    /// Reads the function's handler code (Python, JavaScript and TypeScript, from the local
    /// directory or zip its configuration names) and finds Secrets Manager and Parameter
    /// Store reads (boto3 `get_secret_value` / `get_parameter(s)`, AWS SDK v3
    /// `GetSecretValueCommand` / `GetParameterCommand`) that
    /// - run inside the handler, or a function it calls, on every invocation with no cache;
    /// - or run once per container and are kept forever (module level, `lru_cache` without a
    ///   TTL, a global assigned once) while the infrastructure configures rotation for that
    ///   secret (`aws_secretsmanager_secret_rotation`, `AWS::SecretsManager::RotationSchedule`).
    ///
    /// A fetch is cached with refresh, and passes, when it goes through Powertools
    /// (`parameters.get_secret`, `getSecret` with their default or a set `max_age`), the AWS
    /// Parameters and Secrets Lambda extension, a caching client, or a TTL check in the code.
    /// The finding points at the fetch in the code file.
    ///
    /// ## Why is this bad?
    /// A fetch per invocation adds a network round trip to every request, costs an API call
    /// each time (Secrets Manager charges per 10,000 calls and throttles), and turns an
    /// outage or throttling of the secret store into an outage of the function. A value
    /// cached forever defeats rotation: after the secret rotates, warm containers keep the
    /// old credential until they are recycled, and calls start failing once the old one is
    /// revoked.
    ///
    /// ## Example
    /// ```python
    /// sm = boto3.client("secretsmanager")
    ///
    /// def handler(event, context):
    ///     db = json.loads(sm.get_secret_value(SecretId=os.environ["DB_SECRET_ARN"])["SecretString"])
    /// ```
    ///
    /// ## Fix
    /// Read through a cache that outlives the invocation and expires — Powertools keeps a
    /// value for `max_age` seconds (5 by default) across invocations:
    /// ```python
    /// from aws_lambda_powertools.utilities import parameters
    ///
    /// def handler(event, context):
    ///     db = parameters.get_secret(os.environ["DB_SECRET_ARN"], transform="json", max_age=300)
    /// ```
    /// or use the AWS Parameters and Secrets Lambda extension; with rotation configured, give
    /// the cache a TTL shorter than the rotation's overlap.
    ///
    /// ## Limits
    /// The analysis is intra-procedural with calls by name into the functions of the
    /// handler's own package (the local modules it imports); fetches in dependencies and
    /// layers are not seen. A cached fetch is matched to a rotation only when both name the
    /// same secret in a way the scan can tell: the secret's name or ARN written in the code
    /// or in the environment variable the code reads the id from, or references to the same
    /// secret resource in one template, plan or Terraform directory (a secret passed
    /// through a module output to a function outside the module is not matched);
    /// otherwise (an id built at run time, a rotation configured outside the scanned
    /// inputs; live-account scans do not read rotation schedules) nothing is reported for a
    /// cached fetch. No finding is reported when the handler or its code cannot be resolved
    /// (code in S3 or an image, inline code, an unknown handler, a runtime other than
    /// Python and Node.js).
    pub struct SecretFetchUncached {
        id: "LS205",
        name: "secret-fetch-uncached",
        severity: Low,
        checklist: SecretsNotInEnv,
        summary: "the handler fetches a secret or parameter on every invocation, or caches it forever where rotation is configured",
        remediation: "fetch secrets outside the handler through a cache with a TTL (Powertools parameters, the Parameters and Secrets extension)",
    }
}

impl Rule for SecretFetchUncached {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for a in &cx.inv.code_analyses {
            let Some(f) = cx.inv.functions.get(a.function) else {
                continue;
            };
            for fetch in &a.fetches {
                let what = describe(fetch);
                let message = match fetch.caching {
                    FetchCaching::PerInvocation => format!(
                        "function {} fetches {what} with {} on every invocation, with no cache",
                        crate::function_label(f),
                        fetch.api
                    ),
                    FetchCaching::Forever => {
                        let Some(r) = rotation_of(cx.inv, f, fetch) else {
                            continue;
                        };
                        format!(
                            "function {} fetches {what} with {} once and keeps it cached for the container's lifetime while rotation is configured for {} ({}): after a rotation the function keeps the old value until the container is recycled",
                            crate::function_label(f),
                            fetch.api,
                            secret_label(&r.secret),
                            r.loc
                        )
                    }
                    FetchCaching::Refreshed => continue,
                };
                out.push(message, &f.id, Some(a.function), &fetch.loc);
            }
        }
    }
}

/// "the secret `prod/db`", "the parameter named by DB_PARAM", "a secret".
fn describe(fetch: &SecretFetch) -> String {
    let kind = match fetch.service {
        FetchService::SecretsManager => "secret",
        FetchService::ParameterStore => "parameter",
    };
    match (&fetch.name, &fetch.name_env) {
        (Some(n), _) => format!("the {kind} {n}"),
        (None, Some(e)) => format!("the {kind} named by {e}"),
        (None, None) => format!("a {kind}"),
    }
}

/// How a rotation's secret is named in messages.
fn secret_label(v: &Value<String>) -> String {
    match v {
        Value::Known { value, .. } => value.clone(),
        Value::Unknown { unknown, .. } => {
            let id = SecretId::of(v);
            match id.resource {
                Some(r) => r,
                None => unknown.display(),
            }
        }
    }
}

/// The rotation configured for the secret a fetch reads, if the scan can tell.
fn rotation_of<'a>(
    inv: &'a Inventory,
    f: &Function,
    fetch: &SecretFetch,
) -> Option<&'a SecretRotation> {
    let id = fetch_secret(f, fetch)?;
    inv.secret_rotations.iter().find(|r| {
        let other = SecretId::of(&r.secret);
        id.same_name(&other) || (same_scope(f, r) && id.same_reference(&other))
    })
}

/// Unresolved references name a resource of one template or Terraform configuration:
/// `DbSecret` of two stacks, or `aws_secretsmanager_secret.db` of two roots, are different
/// secrets. A reference is compared only between a function and a rotation of the same
/// template or plan file, or of the same Terraform directory.
fn same_scope(f: &Function, r: &SecretRotation) -> bool {
    let (Some(a), Some(b)) = (f.loc.file.as_deref(), r.loc.file.as_deref()) else {
        return false;
    };
    match f.kind {
        SourceKind::Terraform => {
            let dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            dir(a) == dir(b)
        }
        _ => a == b,
    }
}

/// The secret a fetch reads: its literal id, or the value of the environment variable the
/// code reads the id from.
fn fetch_secret(f: &Function, fetch: &SecretFetch) -> Option<SecretId> {
    let id = match (&fetch.name, &fetch.name_env) {
        (Some(n), _) => SecretId::of(&Value::known(n.clone(), Default::default())),
        (None, Some(e)) => {
            let vars = f.environment.get()?;
            let var = vars.iter().find(|v| &v.name == e)?;
            SecretId::of(&var.value)
        }
        (None, None) => return None,
    };
    // Parameter Store reads a secret through `/aws/reference/secretsmanager/<id>`; any other
    // parameter cannot be rotated by Secrets Manager.
    match fetch.service {
        FetchService::SecretsManager => Some(id),
        FetchService::ParameterStore => {
            let name = id.exact.as_deref()?;
            let secret = name.strip_prefix("/aws/reference/secretsmanager/")?;
            Some(SecretId::of(&Value::known(
                secret.to_string(),
                Default::default(),
            )))
        }
    }
}

/// What is known of a secret's identity, from a name, an ARN (whole or partial), or an
/// unresolved reference.
#[derive(Debug, Default, PartialEq)]
struct SecretId {
    /// The name exactly as the id gives it (an ARN's `secret:` part, with its random suffix
    /// when the ARN has one).
    exact: Option<String>,
    /// The name without the random `-xxxxxx` suffix, when the id is a complete ARN (the
    /// suffix may be unknown).
    base: Option<String>,
    /// The id is a complete ARN (with its suffix), so `exact` names one secret version of
    /// the name.
    full_arn: bool,
    /// The secret resource an unresolved id refers to (`aws_secretsmanager_secret.db`,
    /// `DbSecret`).
    resource: Option<String>,
    /// The unresolved id's shape with references normalised, for comparing two values
    /// built from the same inputs.
    shape: Option<Vec<Piece>>,
}

const HOLE: char = '\u{1}';

/// Attributes that all name the same secret resource.
const SECRET_ATTRS: [&str; 5] = ["arn", "id", "name", "ref", "suffix"];

/// `aws_secretsmanager_secret.db.arn` → `aws_secretsmanager_secret.db`; `DbSecret.Ref` →
/// `DbSecret`; anything else unchanged.
fn strip_attr(expr: &str) -> &str {
    match expr.rsplit_once('.') {
        Some((base, attr)) if SECRET_ATTRS.iter().any(|a| attr.eq_ignore_ascii_case(a)) => base,
        _ => expr,
    }
}

/// Pseudo parameters and other holes that say nothing about which secret it is.
fn is_context_hole(expr: &str) -> bool {
    expr.starts_with("AWS::")
        || expr.starts_with("data.aws_region.")
        || expr.starts_with("data.aws_caller_identity.")
        || expr.starts_with("data.aws_partition.")
}

/// A Secrets Manager random suffix: `-` and six letters or digits.
fn strip_suffix(name: &str) -> Option<&str> {
    let (base, suffix) = name.rsplit_once('-')?;
    (suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_alphanumeric()) && !base.is_empty())
        .then_some(base)
}

impl SecretId {
    fn of(v: &Value<String>) -> SecretId {
        match v {
            Value::Known { value, .. } => Self::of_text(value),
            Value::Unknown { unknown, .. } => {
                if unknown.pieces.is_empty() {
                    return SecretId::default();
                }
                let text: String = unknown
                    .pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Lit(s) => s.clone(),
                        Piece::Hole { .. } => HOLE.to_string(),
                    })
                    .collect();
                // The holes that can say which secret it is: in an ARN, those of its name
                // part (the account or region say nothing); otherwise all of them.
                let name_start = unknown
                    .pieces
                    .iter()
                    .position(|p| matches!(p, Piece::Lit(s) if s.contains(":secret:")))
                    .filter(|_| text.starts_with("arn:"))
                    .unwrap_or(0);
                let holes: Vec<&str> = unknown.pieces[name_start..]
                    .iter()
                    .filter_map(|p| match p {
                        Piece::Hole { expr } => Some(expr.as_str()),
                        Piece::Lit(_) => None,
                    })
                    .collect();
                let mut id = SecretId::default();
                // The name part of a partly known ARN.
                let name_part = text
                    .starts_with("arn:")
                    .then(|| text.split_once(":secret:").map(|(_, n)| n))
                    .flatten();
                if let Some(n) = name_part {
                    if !n.contains(HOLE) {
                        id = Self::of_text(&text.replace(HOLE, "*"));
                    } else if let Some(base) = n.strip_suffix(&format!("-{HOLE}")) {
                        // `…:secret:prod/db-${DbSecret.suffix}`: the name, suffix unknown.
                        if !base.contains(HOLE) && !base.is_empty() {
                            id.base = Some(base.to_string());
                            id.full_arn = true;
                        }
                    }
                }
                // The resource the holes that identify the secret refer to.
                let resources: Vec<&str> = holes
                    .iter()
                    .filter(|h| !is_context_hole(h))
                    .map(|h| strip_attr(h))
                    .collect();
                if let Some(first) = resources.first() {
                    if resources.iter().all(|r| r == first) {
                        id.resource = Some(first.to_string());
                    }
                }
                id.shape = Some(
                    unknown
                        .pieces
                        .iter()
                        .map(|p| match p {
                            Piece::Hole { expr } => Piece::Hole {
                                expr: strip_attr(expr).to_string(),
                            },
                            lit => lit.clone(),
                        })
                        .collect(),
                );
                id
            }
        }
    }

    fn of_text(s: &str) -> SecretId {
        if s.starts_with("arn:") {
            if let Some((_, name)) = s.split_once(":secret:") {
                if name.is_empty() {
                    return SecretId::default();
                }
                let base = strip_suffix(name).map(str::to_string);
                return SecretId {
                    exact: Some(name.to_string()),
                    full_arn: base.is_some(),
                    base,
                    ..Default::default()
                };
            }
            return SecretId::default();
        }
        if s.is_empty() {
            return SecretId::default();
        }
        SecretId {
            exact: Some(s.to_string()),
            ..Default::default()
        }
    }

    /// Both name the same secret resource, unresolved (`aws_secretsmanager_secret.db.arn`
    /// and `.id`; `!Ref DbSecret` and `!GetAtt DbSecret.Id`), or are built the same way
    /// from the same unresolved inputs. Only meaningful within one template or
    /// configuration (see [`same_scope`]).
    fn same_reference(&self, other: &SecretId) -> bool {
        matches!((&self.resource, &other.resource), (Some(a), Some(b)) if a == b)
            || matches!((&self.shape, &other.shape), (Some(a), Some(b)) if a == b)
    }

    /// Both name the same secret by its name or ARN, as far as the scan can tell: never
    /// when either side's name is unknown.
    fn same_name(&self, other: &SecretId) -> bool {
        match (&self.exact, &other.exact) {
            (Some(a), Some(b)) if a == b => return true,
            // Two complete ARNs with different suffixes are different secrets.
            (Some(_), Some(_)) if self.full_arn && other.full_arn => return false,
            _ => {}
        }
        // A name or partial ARN against a complete ARN of that name.
        let name_vs_full = |n: &SecretId, full: &SecretId| {
            !n.full_arn && full.full_arn && n.exact.is_some() && n.exact == full.base
        };
        if name_vs_full(self, other) || name_vs_full(other, self) {
            return true;
        }
        // Two complete ARNs of the same name, one with an unknown suffix.
        self.full_arn
            && other.full_arn
            && (self.exact.is_none() || other.exact.is_none())
            && self.base.is_some()
            && self.base == other.base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambdasec_model::{Location, Unknown};

    impl SecretId {
        fn same_as(&self, other: &SecretId) -> bool {
            self.same_name(other) || self.same_reference(other)
        }
    }

    fn known(s: &str) -> SecretId {
        SecretId::of(&Value::known(s.to_string(), Location::none()))
    }

    fn pieces(p: &[(&str, bool)]) -> SecretId {
        SecretId::of(&Value::Unknown {
            unknown: Unknown {
                reason: "r".into(),
                pieces: p
                    .iter()
                    .map(|(s, hole)| {
                        if *hole {
                            Piece::Hole {
                                expr: s.to_string(),
                            }
                        } else {
                            Piece::Lit(s.to_string())
                        }
                    })
                    .collect(),
            },
            loc: Location::none(),
        })
    }

    #[test]
    fn names_and_arns() {
        let arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbC123";
        assert!(known("prod/db").same_as(&known("prod/db")));
        assert!(known("prod/db").same_as(&known(arn)));
        assert!(known(arn).same_as(&known("prod/db")));
        assert!(known(arn).same_as(&known(arn)));
        // A partial ARN (no suffix) names the secret too.
        assert!(
            known("arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db")
                .same_as(&known(arn))
        );
        assert!(!known("prod/db").same_as(&known("prod/api")));
        assert!(!known(arn).same_as(&known(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-XyZ789"
        )));
        assert!(!known("prod/db").same_as(&SecretId::default()));
        // Known name parts of partly known ARNs: the account or region says nothing.
        let region = |name: &str| {
            pieces(&[
                ("arn:aws:secretsmanager:", false),
                ("var.region", true),
                (&format!(":111122223333:secret:{name}"), false),
            ])
        };
        assert!(region("prod/db").same_as(&known("prod/db")));
        assert!(!region("prod/db").same_as(&region("prod/api")));
        assert!(!SecretId::default().same_as(&SecretId::default()));
    }

    #[test]
    fn terraform_references() {
        let arn = pieces(&[("aws_secretsmanager_secret.db.arn", true)]);
        let id = pieces(&[("aws_secretsmanager_secret.db.id", true)]);
        let other = pieces(&[("aws_secretsmanager_secret.api.id", true)]);
        assert!(arn.same_as(&id));
        assert!(!arn.same_as(&other));
        // Two different variables are not the same secret; the same variable is.
        let a = pieces(&[("var.db_secret_arn", true)]);
        let b = pieces(&[("var.api_secret_arn", true)]);
        assert!(!a.same_as(&b));
        assert!(a.same_as(&pieces(&[("var.db_secret_arn", true)])));
        // Unknown against a name: no match.
        assert!(!arn.same_as(&known("prod/db")));
    }

    #[test]
    fn cloudformation_references() {
        // `!Ref DbSecret` of a secret with a generated name.
        let r = pieces(&[
            ("arn:", false),
            ("AWS::Partition", true),
            (":secretsmanager:", false),
            ("AWS::Region", true),
            (":", false),
            ("AWS::AccountId", true),
            (":secret:", false),
            ("DbSecret.Name", true),
            ("-", false),
            ("DbSecret.suffix", true),
        ]);
        let getatt = pieces(&[("DbSecret.Id", true)]);
        assert!(r.same_as(&getatt));
        assert!(!r.same_as(&pieces(&[("ApiSecret.Id", true)])));
        // With a known Name, the name matches a literal too.
        let named = pieces(&[
            ("arn:", false),
            ("AWS::Partition", true),
            (":secretsmanager:", false),
            ("AWS::Region", true),
            (":", false),
            ("AWS::AccountId", true),
            (":secret:prod/db-", false),
            ("DbSecret.suffix", true),
        ]);
        assert!(named.same_as(&known("prod/db")));
        assert!(named.same_as(&known(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbC123"
        )));
        assert!(!named.same_as(&known("prod/api")));
    }
}
