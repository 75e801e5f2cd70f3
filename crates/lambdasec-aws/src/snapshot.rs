//! An account snapshot: what the collector read from AWS, in a stable JSON form
//! (`lambdasec-snapshot/v1`). A live scan and a scan of the snapshot written by
//! `lambdasec collect` build the inventory from the same data, so they report the same.
//!
//! Environment variable values are withheld from written snapshots unless the user asks for
//! them (`--include-secrets`): a withheld value keeps only what the secret detectors found in
//! it (detector and a redacted form), computed when it was collected.

use serde::{Deserialize, Serialize};

/// The `schema` value of this format.
pub const SCHEMA: &str = "lambdasec-snapshot/v1";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema: String,
    /// The account id (STS `GetCallerIdentity`).
    #[serde(default)]
    pub account: Option<String>,
    /// `aws`, `aws-cn`, `aws-us-gov`.
    #[serde(default = "default_partition")]
    pub partition: String,
    #[serde(default)]
    pub regions: Vec<RegionSnapshot>,
    /// IAM is global: execution roles of the collected functions.
    #[serde(default)]
    pub roles: Vec<RoleSnap>,
    /// Customer-managed policies attached to those roles (AWS-managed ones are known by ARN).
    #[serde(default)]
    pub policies: Vec<PolicySnap>,
    /// What could not be read (one API call, one resource), and why.
    #[serde(default)]
    pub errors: Vec<CollectError>,
    /// Environment variable values are in clear (`--include-secrets`).
    #[serde(default)]
    pub secrets_included: bool,
}

fn default_partition() -> String {
    "aws".into()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionSnapshot {
    pub region: String,
    #[serde(default)]
    pub functions: Vec<FunctionSnap>,
    /// Layer versions the functions use.
    #[serde(default)]
    pub layers: Vec<LayerSnap>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroupSnap>,
    #[serde(default)]
    pub subnets: Vec<SubnetSnap>,
    #[serde(default)]
    pub log_groups: Vec<LogGroupSnap>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionSnap {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub package_type: Option<String>,
    #[serde(default)]
    pub runtime: Option<String>,
    #[serde(default)]
    pub handler: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub environment: Vec<EnvSnap>,
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    #[serde(default)]
    pub vpc: Option<VpcSnap>,
    #[serde(default)]
    pub tracing_mode: Option<String>,
    #[serde(default)]
    pub dead_letter_target: Option<String>,
    #[serde(default)]
    pub reserved_concurrency: Option<i64>,
    #[serde(default)]
    pub code_signing_config: Option<String>,
    /// Layer version ARNs, in order.
    #[serde(default)]
    pub layers: Vec<String>,
    /// `LoggingConfig.LogGroup`, when not the default `/aws/lambda/<name>`.
    #[serde(default)]
    pub log_group: Option<String>,
    /// The function's resource-based policy (`GetPolicy`), as JSON.
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
    #[serde(default)]
    pub urls: Vec<UrlSnap>,
    #[serde(default)]
    pub event_invoke_configs: Vec<InvokeConfigSnap>,
    #[serde(default)]
    pub event_source_mappings: Vec<EventSourceMappingSnap>,
    #[serde(default)]
    pub aliases: Vec<AliasSnap>,
    /// What the code scanners found in the deployment package (`--download-code`).
    #[serde(default)]
    pub code: Option<CodeScanSnap>,
}

/// One environment variable: the value, or (withheld) what the secret detectors found in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnvSnap {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The value is withheld; this is what the detectors found in it (none: nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<Withheld>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Withheld {
    /// The strongest detection, when there is one.
    #[serde(default)]
    pub detection: Option<lambdasec_model::WithheldDetection>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VpcSnap {
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UrlSnap {
    pub url_arn: String,
    #[serde(default)]
    pub qualifier: Option<String>,
    pub auth_type: String,
    #[serde(default)]
    pub cors: Option<CorsSnap>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorsSnap {
    #[serde(default)]
    pub allow_credentials: Option<bool>,
    #[serde(default)]
    pub allow_origins: Vec<String>,
    #[serde(default)]
    pub allow_methods: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InvokeConfigSnap {
    #[serde(default)]
    pub qualifier: Option<String>,
    #[serde(default)]
    pub on_failure: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventSourceMappingSnap {
    pub uuid: String,
    #[serde(default)]
    pub event_source_arn: Option<String>,
    #[serde(default)]
    pub on_failure: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AliasSnap {
    pub name: String,
    pub arn: String,
    /// The alias's own resource-based policy, as JSON.
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LayerSnap {
    /// The layer version ARN.
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub compatible_runtimes: Vec<String>,
    /// The layer version's own policy (who may use it), as JSON.
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
    #[serde(default)]
    pub code: Option<CodeScanSnap>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeScanSnap {
    #[serde(default)]
    pub packages: Vec<lambdasec_model::Package>,
    #[serde(default)]
    pub secrets: Vec<CodeSecretSnap>,
    #[serde(default)]
    pub notes: Vec<String>,
    /// What the function's handler does with events, secrets and logs (functions only; files
    /// named `{arn}!path`; `function` is set when the snapshot becomes an inventory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<lambdasec_model::CodeAnalysis>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeSecretSnap {
    pub file: String,
    pub line: u32,
    pub description: String,
    pub redacted: String,
    pub placeholder: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroupSnap {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub egress: Vec<EgressSnap>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EgressSnap {
    /// `-1`, `tcp`, `udp`, `icmp`, or a number.
    pub protocol: String,
    #[serde(default)]
    pub from_port: Option<i64>,
    #[serde(default)]
    pub to_port: Option<i64>,
    #[serde(default)]
    pub cidrs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubnetSnap {
    pub id: String,
    #[serde(default)]
    pub availability_zone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogGroupSnap {
    pub name: String,
    #[serde(default)]
    pub retention_days: Option<i64>,
    #[serde(default)]
    pub kms_key: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleSnap {
    pub arn: String,
    pub name: String,
    /// The trust policy, as JSON (already URL-decoded).
    #[serde(default)]
    pub trust_policy: Option<serde_json::Value>,
    #[serde(default)]
    pub inline_policies: Vec<NamedPolicy>,
    /// Attached managed policy ARNs (customer-managed ones are in `Snapshot::policies`).
    #[serde(default)]
    pub attached: Vec<String>,
    #[serde(default)]
    pub permissions_boundary: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedPolicy {
    pub name: String,
    pub document: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicySnap {
    pub arn: String,
    pub name: String,
    /// The default version's document, as JSON.
    pub document: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectError {
    #[serde(default)]
    pub region: Option<String>,
    /// The API call, e.g. `lambda:GetPolicy`.
    pub api: String,
    /// The resource it was about, when there is one.
    #[serde(default)]
    pub resource: Option<String>,
    pub message: String,
}

impl Snapshot {
    /// Whether a JSON document is a snapshot (by its `schema`).
    pub fn is_snapshot(text: &str) -> bool {
        let head = &text[..text.len().min(512)];
        head.contains("\"schema\"") && head.contains(SCHEMA)
    }

    /// Reads a snapshot; errors name the line.
    pub fn from_json(text: &str) -> Result<Snapshot, String> {
        let s: Snapshot =
            serde_json::from_str(text).map_err(|e| format!("line {}: {e}", e.line()))?;
        if s.schema != SCHEMA {
            return Err(format!("schema \"{}\" is not {SCHEMA}", s.schema));
        }
        Ok(s)
    }

    /// Pretty JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Replaces every environment variable value by what the secret detectors find in it
    /// (the strongest detection, redacted), so the snapshot reports the same findings without
    /// holding the values.
    pub fn withhold_secrets(&mut self) {
        for r in &mut self.regions {
            for f in &mut r.functions {
                for e in &mut f.environment {
                    if let Some(v) = e.value.take() {
                        e.withheld = Some(withheld(&e.name, &v));
                    }
                }
            }
        }
        self.secrets_included = false;
    }
}

/// What the secret detectors find in one environment variable.
fn withheld(name: &str, value: &str) -> Withheld {
    use lambdasec_secrets::Confidence;
    Withheld {
        detection: lambdasec_secrets::strongest_in_assignment(name, value).map(|(d, by_name)| {
            lambdasec_model::WithheldDetection {
                detector: d.detector.to_string(),
                description: d.description.to_string(),
                confidence: match d.confidence {
                    Confidence::Placeholder => "placeholder",
                    Confidence::Likely => "likely",
                    Confidence::Certain => "certain",
                }
                .to_string(),
                redacted: d.redacted(value),
                by_name,
            }
        }),
    }
}
