//! Findings: what the rules produce and the reports format.

use crate::value::Location;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Severity, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            "none" | "never" => Err("use a severity: critical, high, medium, low or info".into()),
            other => Err(format!(
                "unknown severity '{other}' (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// The checklist line a rule enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checklist {
    LeastPrivilegeRole,
    SecretsNotInEnv,
    VpcAndEgress,
    FunctionUrlAuth,
    ResourcePolicy,
    LayersAndRuntime,
    LoggingAndTracing,
    FailureHandling,
    AttackPath,
}

impl Checklist {
    pub fn title(self) -> &'static str {
        match self {
            Checklist::LeastPrivilegeRole => "execution role is least-privilege",
            Checklist::SecretsNotInEnv => "secrets come from SSM / Secrets Manager",
            Checklist::VpcAndEgress => "VPC and restricted security-group egress",
            Checklist::FunctionUrlAuth => "function URLs use AWS_IAM auth",
            Checklist::ResourcePolicy => "resource-based policy restricts who may invoke",
            Checklist::LayersAndRuntime => "layers pinned, packages and runtime patched",
            Checklist::LoggingAndTracing => "logging and X-Ray tracing",
            Checklist::FailureHandling => "async failures reach a DLQ or destination",
            Checklist::AttackPath => "cross-resource attack paths",
        }
    }
}

/// Static description of a rule, from its source file.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleMeta {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub checklist: Checklist,
    /// One line: what fails.
    pub summary: &'static str,
    /// Markdown: What it does / Why is this bad / Example / Fix.
    pub doc: &'static str,
    pub remediation: &'static str,
}

/// One violation of one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule_id: &'static str,
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The resource at fault (address, logical id or ARN).
    pub resource: String,
    /// The function affected, when there is one.
    pub function: Option<String>,
    pub loc: Location,
    pub remediation: String,
    /// Why the finding is suppressed, when it is.
    pub suppressed: Option<String>,
    /// The package and advisory of a vulnerable-dependency finding (LS603).
    pub vulnerability: Option<Box<VulnerabilityDetail>>,
}

/// What a vulnerable-dependency finding is about, for machine-readable reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VulnerabilityDetail {
    pub ecosystem: crate::Ecosystem,
    pub package: String,
    pub version: String,
    pub purl: String,
    /// The advisory id reported; the other ids of the same vulnerability are `aliases`.
    pub id: String,
    pub aliases: Vec<String>,
    pub fixed: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss_vector: Option<String>,
}
