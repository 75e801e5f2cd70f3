//! `docs/lambdasec-readonly-policy.json` allows every API call the collector makes (each
//! call is labelled with its IAM action in `src/collect.rs`), judged by lambdasec's own IAM
//! evaluator, and nothing that writes or invokes. (`lambda:GetFunction` is used only by
//! `--download-code`.)

use lambdasec_iam::condition::RequestContext;
use lambdasec_iam::eval::{evaluate, Decision, PolicySet};
use lambdasec_model::Doc;
use std::collections::BTreeSet;
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// `service:Action` strings in the collector's source (sts:GetCallerIdentity needs no
/// permission).
fn actions_used() -> BTreeSet<String> {
    let src = std::fs::read_to_string(repo().join("crates/lambdasec-aws/src/collect.rs")).unwrap();
    let mut out = BTreeSet::new();
    for service in ["lambda:", "iam:", "ec2:", "logs:"] {
        let mut rest = src.as_str();
        while let Some(i) = rest.find(service) {
            let after = &rest[i + service.len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                out.insert(format!("{service}{name}"));
            }
            rest = &after[name.len()..];
        }
    }
    out
}

#[test]
fn the_documented_policy_allows_every_call_and_only_reads() {
    let text = std::fs::read_to_string(repo().join("docs/lambdasec-readonly-policy.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (policy, errors) = lambdasec_iam::parse::parse_policy(&Doc::from_json(&json));
    assert!(errors.is_empty(), "{errors:?}");
    let used = actions_used();
    assert!(used.len() >= 20, "{used:?}");
    let set = PolicySet {
        identity: vec![&policy],
        boundary: None,
        resource: Vec::new(),
    };
    for action in &used {
        let ctx = RequestContext::new(action).with_resource("*");
        assert_eq!(
            evaluate(&set, &ctx),
            Decision::Allow,
            "{action} is not allowed"
        );
    }
    for action in [
        "lambda:UpdateFunctionConfiguration",
        "lambda:InvokeFunction",
        "iam:PutRolePolicy",
        "ec2:AuthorizeSecurityGroupEgress",
    ] {
        let ctx = RequestContext::new(action).with_resource("*");
        assert_ne!(
            evaluate(&set, &ctx),
            Decision::Allow,
            "{action} should not be allowed"
        );
    }
    // Every action the policy lists is one the collector uses: nothing extra is asked for.
    let listed: BTreeSet<String> = json["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, used);
}
