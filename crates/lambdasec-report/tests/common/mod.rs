//! A small hand-built scan shared by the report tests.
#![allow(dead_code)]

use lambdasec_model::{Checklist, Finding, Location, RuleMeta, Severity, SourceError, SourceKind};
use lambdasec_report::{FunctionEntry, Report};
use std::sync::Arc;

pub const API: &str = "aws_lambda_function.api";
pub const WORKER: &str = "aws_lambda_function.worker";
pub const LIVE: &str = "arn:aws:lambda:us-east-1:123456789012:function:orders";

pub struct Scan {
    pub findings: Vec<Finding>,
    pub functions: Vec<FunctionEntry>,
    pub rules: Vec<RuleMeta>,
    pub errors: Vec<SourceError>,
}

impl Scan {
    pub fn report(&self) -> Report<'_> {
        Report {
            tool_version: "0.1.0",
            findings: &self.findings,
            functions: &self.functions,
            rules: &self.rules,
            errors: &self.errors,
            files: 4,
        }
    }
}

pub fn loc(file: &str, line: u32, column: u32) -> Location {
    Location::new(Arc::from(file), line, column)
}

pub fn rule(
    id: &'static str,
    name: &'static str,
    severity: Severity,
    checklist: Checklist,
) -> RuleMeta {
    RuleMeta {
        id,
        name,
        severity,
        checklist,
        summary: "a test rule fails",
        doc: "## What it does\nChecks a thing.\n\n## Fix\nDo the other thing.",
        remediation: "do the other thing",
    }
}

pub fn rules() -> Vec<RuleMeta> {
    vec![
        rule(
            "LS102",
            "execution-role-service-wildcard",
            Severity::High,
            Checklist::LeastPrivilegeRole,
        ),
        rule(
            "LS108",
            "execution-role-shared",
            Severity::Low,
            Checklist::LeastPrivilegeRole,
        ),
        rule(
            "LS201",
            "env-secret-value",
            Severity::Critical,
            Checklist::SecretsNotInEnv,
        ),
        rule(
            "LS303",
            "sg-egress-unrestricted",
            Severity::Medium,
            Checklist::VpcAndEgress,
        ),
        rule(
            "LS401",
            "url-auth-none",
            Severity::High,
            Checklist::FunctionUrlAuth,
        ),
        rule(
            "LS701",
            "tracing-not-active",
            Severity::Low,
            Checklist::LoggingAndTracing,
        ),
        rule(
            "LS802",
            "concurrency-unreserved",
            Severity::Info,
            Checklist::FailureHandling,
        ),
    ]
}

/// A finding of `rule_id` (name and severity from `rules()`) on `resource`.
pub fn finding(
    rule_id: &'static str,
    resource: &str,
    function: Option<&str>,
    loc: Location,
) -> Finding {
    let meta = rules()
        .into_iter()
        .find(|r| r.id == rule_id)
        .expect("known rule");
    Finding {
        rule_id,
        rule: meta.name,
        severity: meta.severity,
        message: format!("{} fails on {resource}", meta.name),
        resource: resource.to_owned(),
        function: function.map(str::to_owned),
        loc,
        remediation: meta.remediation.to_owned(),
        suppressed: None,
        vulnerability: None,
    }
}

pub fn scan() -> Scan {
    let mut secret = finding("LS201", API, Some(API), loc("infra/main.tf", 25, 5));
    secret.message = "environment variable API_KEY holds a secret (sk_l…, 32 chars)".into();
    secret.suppressed = Some("test key, rotated".into());
    let mut url = finding(
        "LS401",
        "aws_lambda_function_url.api",
        Some(API),
        loc("infra/main.tf", 34, 1),
    );
    url.message = "function URL of orders-api allows unauthenticated calls".into();
    url.remediation = "set authorization_type = \"AWS_IAM\" or verify request signatures".into();
    let findings = vec![
        // Given out of order on purpose: reports sort.
        finding("LS802", API, Some(API), loc("infra/main.tf", 18, 1)),
        url,
        finding(
            "LS102",
            "aws_iam_role_policy.api",
            Some(API),
            loc("infra/iam.tf", 20, 5),
        ),
        finding(
            "LS102",
            "aws_iam_role_policy.api",
            Some(API),
            loc("infra/iam.tf", 12, 5),
        ),
        finding(
            "LS303",
            "aws_security_group.api",
            Some(API),
            loc("infra/network.tf", 7, 3),
        ),
        finding("LS701", API, Some(API), loc("infra/main.tf", 18, 1)),
        secret,
        finding(
            "LS108",
            "aws_iam_role.shared",
            None,
            loc("infra/iam.tf", 1, 1),
        ),
        finding("LS701", LIVE, Some(LIVE), Location::none()),
    ];
    let functions = vec![
        FunctionEntry {
            id: API.into(),
            loc: loc("infra/main.tf", 18, 1),
            kind: SourceKind::Terraform,
        },
        FunctionEntry {
            id: WORKER.into(),
            loc: loc("infra/worker.tf", 5, 1),
            kind: SourceKind::Terraform,
        },
        FunctionEntry {
            id: LIVE.into(),
            loc: Location::none(),
            kind: SourceKind::Aws,
        },
    ];
    let errors = vec![
        SourceError {
            file: "package.zip".into(),
            line: None,
            message: "not a zip archive".into(),
        },
        SourceError {
            file: "broken.tf".into(),
            line: Some(3),
            message: "expected '}'".into(),
        },
    ];
    Scan {
        findings,
        functions,
        rules: rules(),
        errors,
    }
}
