//! The Inventory: every Lambda function and what decides its security.
//!
//! Links between objects are indices into the Inventory's vectors, resolved by the source.
//! A link that points outside the scanned inputs is `Link::External` (a literal ARN or id) or
//! `Link::Unknown`; sources never invent the target of a reference.

use crate::value::{Doc, Location, Value, ValueList};
use crate::{CodePackages, PackageVuln};
use serde::Serialize;

/// A reference from one object to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    /// Index into the matching vector of the Inventory.
    Resolved(usize),
    /// A literal identifier (ARN, name, id) of something not in the scanned inputs.
    External(Value<String>),
    /// Could not be resolved.
    Unknown(Value<String>),
}

impl Link {
    pub fn resolved(&self) -> Option<usize> {
        match self {
            Link::Resolved(i) => Some(*i),
            _ => None,
        }
    }

    fn shift(&mut self, by: usize) {
        if let Link::Resolved(i) = self {
            *i += by;
        }
    }
}

/// What the source format was; reported, never used by rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Terraform,
    TerraformPlan,
    CloudFormation,
    Serverless,
    Aws,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvVar {
    pub name: String,
    pub value: Value<String>,
    /// The value was withheld (an account snapshot without secrets): what the secret
    /// detectors found in it when it was collected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<WithheldDetection>,
}

/// A secret found in a value that is not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct WithheldDetection {
    /// Detector id, e.g. `aws-access-key-id`.
    pub detector: String,
    pub description: String,
    /// `placeholder`, `likely` or `certain`.
    pub confidence: String,
    /// Never the whole secret.
    pub redacted: String,
    /// Only the variable's name says secret (a literal under a sensitive name).
    pub by_name: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VpcConfig {
    pub subnets: Vec<Link>,
    pub security_groups: Vec<Link>,
    pub loc: Location,
}

/// Where a function's or layer's code is on disk, as the source names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeRef {
    /// A directory or a `.zip`/`.jar`, as written (relative to `base`, or absolute).
    pub path: Value<String>,
    /// The directory relative paths are relative to, relative to the scan root (`""` for the
    /// root itself): the Terraform module's or the template's directory.
    pub base: String,
}

/// A credential found in a function's or a layer's code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeSecret {
    pub function: Option<usize>,
    pub layer: Option<usize>,
    /// The file and line inside the code (relative to the scan root; inside a zip:
    /// `build/api.zip!lib/config.js`).
    pub loc: Location,
    /// What was found, e.g. "AWS access key ID".
    pub description: String,
    /// The secret, redacted: never the whole value.
    pub redacted: String,
    /// A known placeholder or documentation example.
    pub placeholder: bool,
}

/// A rotation schedule of a Secrets Manager secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretRotation {
    /// The secret, as the rotation names it: an ARN or name, or (unresolved) a reference to
    /// the secret resource, e.g. `aws_secretsmanager_secret.db.id` or `DbSecret`.
    pub secret: Value<String>,
    pub loc: Location,
}

/// A layer as a function references it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerRef {
    pub arn: Value<String>,
    /// The reference resolves to whatever version is newest at deploy time (e.g. a data-source
    /// lookup without a version).
    pub resolves_to_latest: bool,
    /// The layer definition, when it is in the scanned inputs.
    pub layer: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Function {
    /// Address (`aws_lambda_function.api`, `module.m.aws_lambda_function.f["a"]`), logical id,
    /// or ARN.
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub name: Value<String>,
    /// The name is generated at deployment (CloudFormation without `FunctionName`): only
    /// something that refers to the function itself can know it.
    pub generated_name: bool,
    /// Account that owns the function, when known (live scans, literal ARNs).
    pub account: Option<String>,
    pub package_type: Option<Value<String>>,
    pub runtime: Option<Value<String>>,
    pub handler: Option<Value<String>>,
    pub role: Option<Link>,
    pub environment: Value<Vec<EnvVar>>,
    pub env_kms_key: Option<Value<String>>,
    pub vpc: Option<VpcConfig>,
    pub tracing_mode: Option<Value<String>>,
    pub dead_letter_target: Option<Value<String>>,
    pub reserved_concurrency: Option<Value<i64>>,
    pub code_signing_config: Option<Value<String>>,
    pub layers: ValueList<LayerRef>,
    /// Log group configured explicitly (`logging_config.log_group`).
    pub log_group_name: Option<Value<String>>,
    /// The log group the function writes to, when it is in the inputs.
    pub log_group: Option<usize>,
    /// The deployment package, when the source names a local one.
    pub code: Option<CodeRef>,
}

/// The log group Lambda writes a function's logs to by default: `/aws/lambda/<name>`, with
/// the name's unknown parts kept (so `/aws/lambda/${var.name}` still matches). `None` when
/// nothing is known of the name.
pub fn default_log_group(name: &Value<String>) -> Option<Value<String>> {
    const PREFIX: &str = "/aws/lambda/";
    match name {
        Value::Known { value, loc } => Some(Value::known(format!("{PREFIX}{value}"), loc.clone())),
        Value::Unknown { unknown, loc } if !unknown.pieces.is_empty() => {
            let mut pieces = unknown.pieces.clone();
            match pieces.first_mut() {
                Some(crate::Piece::Lit(s)) => s.insert_str(0, PREFIX),
                _ => pieces.insert(0, crate::Piece::Lit(PREFIX.into())),
            }
            Some(Value::Unknown {
                unknown: crate::Unknown {
                    reason: unknown.reason.clone(),
                    pieces,
                },
                loc: loc.clone(),
            })
        }
        Value::Unknown { .. } => None,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDoc {
    /// Where the document came from: `aws_iam_role_policy.x`, `inline:name`, a policy ARN.
    pub source: String,
    pub document: Value<Doc>,
    /// Where each statement is written, by statement index, when the source knows (a
    /// `statement` block, an object inside `jsonencode`, a line of a JSON file).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statement_locs: Vec<Location>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub name: Value<String>,
    pub arn: Option<Value<String>>,
    pub trust_policy: Option<PolicyDoc>,
    pub inline_policies: Vec<PolicyDoc>,
    /// Attached managed policies: customer managed in the inventory (`Resolved`) or by ARN.
    pub managed_policies: Vec<Link>,
    pub permissions_boundary: Option<Link>,
}

/// A customer-managed policy defined in the inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagedPolicy {
    pub id: String,
    pub loc: Location,
    pub name: Value<String>,
    pub document: PolicyDoc,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// e.g. `ArnLike`, `StringEquals`, `ForAnyValue:StringLike`, `StringEqualsIfExists`.
    pub operator: String,
    pub key: String,
    pub values: ValueList<String>,
}

/// The fields of Lambda's `AddPermission` (Terraform `aws_lambda_permission`, CloudFormation
/// `AWS::Lambda::Permission`) that Lambda stores as conditions of the policy statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionField {
    SourceArn,
    SourceAccount,
    PrincipalOrgId,
    FunctionUrlAuthType,
    EventSourceToken,
    InvokedViaFunctionUrl,
}

impl PermissionField {
    /// The condition Lambda writes for this field (`SourceArn` → `ArnLike AWS:SourceArn`, as
    /// `GetPolicy` shows it).
    pub fn condition(self, value: Value<String>) -> Condition {
        let (operator, key) = match self {
            PermissionField::SourceArn => ("ArnLike", "AWS:SourceArn"),
            PermissionField::SourceAccount => ("StringEquals", "AWS:SourceAccount"),
            PermissionField::PrincipalOrgId => ("StringEquals", "aws:PrincipalOrgID"),
            PermissionField::FunctionUrlAuthType => ("StringEquals", "lambda:FunctionUrlAuthType"),
            PermissionField::EventSourceToken => ("StringEquals", "lambda:EventSourceToken"),
            PermissionField::InvokedViaFunctionUrl => ("Bool", "lambda:InvokedViaFunctionUrl"),
        };
        let loc = value.loc().clone();
        Condition {
            operator: operator.into(),
            key: key.into(),
            values: Value::known(vec![value], loc),
        }
    }
}

/// One resource-based policy statement on a function ("who may invoke").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Permission {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub function: Option<usize>,
    /// How the permission names its function, for messages when it is not in the inputs.
    pub function_ref: Value<String>,
    pub effect_allow: bool,
    pub actions: ValueList<String>,
    /// Principals as written: `*`, an account id, an ARN, a service principal.
    pub principals: ValueList<String>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cors {
    pub loc: Location,
    pub allow_credentials: Option<Value<bool>>,
    pub allow_origins: Option<ValueList<String>>,
    pub allow_methods: Option<ValueList<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionUrl {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub function: Option<usize>,
    pub function_ref: Value<String>,
    pub auth_type: Value<String>,
    pub cors: Option<Cors>,
}

/// A layer version defined in the inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layer {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub name: Value<String>,
    pub compatible_runtimes: Option<ValueList<String>>,
    /// The layer's content, when the source names a local one.
    pub code: Option<CodeRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EgressRule {
    pub loc: Location,
    /// `-1`/`all`, `tcp`, `udp`, `icmp`, or a protocol number.
    pub protocol: Value<String>,
    pub from_port: Option<Value<i64>>,
    pub to_port: Option<Value<i64>>,
    /// IPv4 and IPv6 CIDRs; other destinations (prefix lists, security groups) are not listed.
    pub cidrs: ValueList<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityGroup {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub name: Value<String>,
    pub egress: Vec<EgressRule>,
    /// Set when some egress rules could not be evaluated (e.g. a dynamic block over an
    /// unresolved list).
    pub egress_incomplete: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subnet {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub availability_zone: Value<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogGroup {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub name: Value<String>,
    pub retention_days: Option<Value<i64>>,
    pub kms_key: Option<Value<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventInvokeConfig {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub function: Option<usize>,
    pub on_failure: Option<Value<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventSourceMapping {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub function: Option<usize>,
    pub event_source: Option<Value<String>>,
    pub on_failure: Option<Value<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alias {
    pub id: String,
    pub kind: SourceKind,
    pub loc: Location,
    pub function: Option<usize>,
    pub name: Value<String>,
}

/// An input that could not be read or parsed. The scan goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SourceError {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub message: String,
}

/// `# lambdasec:ignore LS401 reason`: findings located in `file` between `start_line` and
/// `end_line` (inclusive) for one of `rules` (empty = every rule) are suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
    pub rules: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inventory {
    pub functions: Vec<Function>,
    pub roles: Vec<Role>,
    pub policies: Vec<ManagedPolicy>,
    pub permissions: Vec<Permission>,
    pub urls: Vec<FunctionUrl>,
    pub layers: Vec<Layer>,
    pub security_groups: Vec<SecurityGroup>,
    pub subnets: Vec<Subnet>,
    pub log_groups: Vec<LogGroup>,
    pub event_invoke_configs: Vec<EventInvokeConfig>,
    pub event_source_mappings: Vec<EventSourceMapping>,
    pub aliases: Vec<Alias>,
    pub errors: Vec<SourceError>,
    pub suppressions: Vec<Suppression>,
    /// Credentials found in code (filled by the code scanner after the source).
    pub code_secrets: Vec<CodeSecret>,
    /// Code packages the configuration names that do not exist (not built yet): not scanned.
    pub code_unscanned: Vec<String>,
    /// Packages inside the functions' code and the layers' content (filled by the package
    /// scanner after the source), one entry per code location.
    pub packages: Vec<CodePackages>,
    /// Packages that match a vulnerability advisory (filled by the matcher).
    pub package_vulns: Vec<PackageVuln>,
    /// What the functions' handler code does with events, secrets and logs (filled by the
    /// code analyser after the source), at most one per function.
    pub code_analyses: Vec<crate::CodeAnalysis>,
    /// Rotation configured for a Secrets Manager secret (`aws_secretsmanager_secret_rotation`,
    /// `AWS::SecretsManager::RotationSchedule`).
    pub secret_rotations: Vec<SecretRotation>,
    /// Number of files read.
    pub files: usize,
}

fn shift_opt(o: &mut Option<usize>, by: usize) {
    if let Some(i) = o {
        *i += by;
    }
}

impl Inventory {
    /// Appends `other`, re-basing its links.
    pub fn merge(&mut self, mut other: Inventory) {
        let (f, r, p, l, sg, sn, lg) = (
            self.functions.len(),
            self.roles.len(),
            self.policies.len(),
            self.layers.len(),
            self.security_groups.len(),
            self.subnets.len(),
            self.log_groups.len(),
        );
        for func in &mut other.functions {
            if let Some(role) = &mut func.role {
                role.shift(r);
            }
            if let Some(vpc) = &mut func.vpc {
                vpc.subnets.iter_mut().for_each(|s| s.shift(sn));
                vpc.security_groups.iter_mut().for_each(|s| s.shift(sg));
            }
            if let Value::Known { value, .. } = &mut func.layers {
                for layer in value.iter_mut() {
                    if let Value::Known { value, .. } = layer {
                        shift_opt(&mut value.layer, l);
                    }
                }
            }
            shift_opt(&mut func.log_group, lg);
        }
        for role in &mut other.roles {
            role.managed_policies.iter_mut().for_each(|m| m.shift(p));
            if let Some(b) = &mut role.permissions_boundary {
                b.shift(p);
            }
        }
        other
            .permissions
            .iter_mut()
            .for_each(|x| shift_opt(&mut x.function, f));
        other
            .urls
            .iter_mut()
            .for_each(|x| shift_opt(&mut x.function, f));
        other
            .event_invoke_configs
            .iter_mut()
            .for_each(|x| shift_opt(&mut x.function, f));
        other
            .event_source_mappings
            .iter_mut()
            .for_each(|x| shift_opt(&mut x.function, f));
        other
            .aliases
            .iter_mut()
            .for_each(|x| shift_opt(&mut x.function, f));
        for c in &mut other.code_secrets {
            shift_opt(&mut c.function, f);
            shift_opt(&mut c.layer, l);
        }
        for c in &mut other.packages {
            c.functions.iter_mut().for_each(|i| *i += f);
            c.layers.iter_mut().for_each(|i| *i += l);
        }
        let pk = self.packages.len();
        other.package_vulns.iter_mut().for_each(|v| v.code += pk);
        other.code_analyses.iter_mut().for_each(|a| a.function += f);
        self.functions.append(&mut other.functions);
        self.roles.append(&mut other.roles);
        self.policies.append(&mut other.policies);
        self.permissions.append(&mut other.permissions);
        self.urls.append(&mut other.urls);
        self.layers.append(&mut other.layers);
        self.security_groups.append(&mut other.security_groups);
        self.subnets.append(&mut other.subnets);
        self.log_groups.append(&mut other.log_groups);
        self.event_invoke_configs
            .append(&mut other.event_invoke_configs);
        self.event_source_mappings
            .append(&mut other.event_source_mappings);
        self.aliases.append(&mut other.aliases);
        self.errors.append(&mut other.errors);
        self.suppressions.append(&mut other.suppressions);
        self.code_secrets.append(&mut other.code_secrets);
        self.code_unscanned.append(&mut other.code_unscanned);
        self.packages.append(&mut other.packages);
        self.package_vulns.append(&mut other.package_vulns);
        self.code_analyses.append(&mut other.code_analyses);
        self.secret_rotations.append(&mut other.secret_rotations);
        self.files += other.files;
    }

    /// Prefixes every object id with `prefix` (e.g. the directory of a Terraform root
    /// module), so ids stay unique when several roots are scanned together.
    pub fn prefix_ids(&mut self, prefix: &str) {
        let p = |id: &mut String| *id = format!("{prefix}{id}");
        self.functions.iter_mut().for_each(|x| p(&mut x.id));
        self.roles.iter_mut().for_each(|x| p(&mut x.id));
        self.policies.iter_mut().for_each(|x| p(&mut x.id));
        self.permissions.iter_mut().for_each(|x| p(&mut x.id));
        self.urls.iter_mut().for_each(|x| p(&mut x.id));
        self.layers.iter_mut().for_each(|x| p(&mut x.id));
        self.security_groups.iter_mut().for_each(|x| p(&mut x.id));
        self.subnets.iter_mut().for_each(|x| p(&mut x.id));
        self.log_groups.iter_mut().for_each(|x| p(&mut x.id));
        self.event_invoke_configs
            .iter_mut()
            .for_each(|x| p(&mut x.id));
        self.event_source_mappings
            .iter_mut()
            .for_each(|x| p(&mut x.id));
        self.aliases.iter_mut().for_each(|x| p(&mut x.id));
    }

    /// Reverse links: for each function, the objects that point at it.
    pub fn index(&self) -> FunctionIndex {
        let n = self.functions.len();
        let mut idx = FunctionIndex {
            permissions: vec![Vec::new(); n],
            urls: vec![Vec::new(); n],
            event_invoke_configs: vec![Vec::new(); n],
            event_source_mappings: vec![Vec::new(); n],
            role_users: vec![Vec::new(); self.roles.len()],
        };
        let fill = |lists: &mut Vec<Vec<usize>>, links: &mut dyn Iterator<Item = Option<usize>>| {
            for (i, f) in links.enumerate() {
                if let Some(f) = f {
                    lists[f].push(i);
                }
            }
        };
        fill(
            &mut idx.permissions,
            &mut self.permissions.iter().map(|x| x.function),
        );
        fill(&mut idx.urls, &mut self.urls.iter().map(|x| x.function));
        fill(
            &mut idx.event_invoke_configs,
            &mut self.event_invoke_configs.iter().map(|x| x.function),
        );
        fill(
            &mut idx.event_source_mappings,
            &mut self.event_source_mappings.iter().map(|x| x.function),
        );
        for (fi, f) in self.functions.iter().enumerate() {
            if let Some(r) = f.role.as_ref().and_then(Link::resolved) {
                idx.role_users[r].push(fi);
            }
        }
        idx
    }
}

/// Reverse links computed once per scan by [`Inventory::index`].
#[derive(Debug, Clone, Default)]
pub struct FunctionIndex {
    pub permissions: Vec<Vec<usize>>,
    pub urls: Vec<Vec<usize>>,
    pub event_invoke_configs: Vec<Vec<usize>>,
    pub event_source_mappings: Vec<Vec<usize>>,
    /// For each role, the functions that use it.
    pub role_users: Vec<Vec<usize>>,
}
