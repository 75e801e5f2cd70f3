//! The lambdasec rule catalog.
//!
//! One rule per file under `src/<family>/`, declared with [`rule!`]: the doc comment (What it
//! does / Why is this bad / Example / Fix) is the rule's documentation, printed by
//! `lambdasec explain` and rendered into SARIF help. Rules read only the model
//! ([`lambdasec_model::Inventory`]), never a source format, so each works for every source.
//! Unknown values never produce a failing finding.

use lambdasec_model::{Finding, FunctionIndex, Inventory, Location, RuleMeta, Severity};
use std::collections::HashMap;

pub mod date;
mod helpers;
pub mod runtimes;

pub use date::Date;
pub use helpers::*;

/// Declares a rule: a unit struct with its metadata, documented by its doc comment.
macro_rules! rule {
    (
        $(#[doc = $doc:expr])*
        pub struct $name:ident {
            id: $id:literal,
            name: $rname:literal,
            severity: $sev:ident,
            checklist: $cl:ident,
            summary: $summary:literal,
            remediation: $rem:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: lambdasec_model::RuleMeta = lambdasec_model::RuleMeta {
                id: $id,
                name: $rname,
                severity: lambdasec_model::Severity::$sev,
                checklist: lambdasec_model::Checklist::$cl,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
                remediation: $rem,
            };
        }
    };
}

pub mod failure;
pub mod invoke;
pub mod layers;
pub mod logging;
pub mod network;
pub mod paths;
pub mod role;
pub mod secrets;
pub mod url;

/// A rule: metadata and a check over the whole inventory.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context, out: &mut Findings);
}

/// Settings that rules read (from `.lambdasec.toml` and flags).
#[derive(Debug, Clone, Default)]
pub struct RuleConfig {
    /// The scan date, for runtime deprecation (`--today` fixes it for reproducible runs).
    pub today: Date,
    /// Accounts that are your own: permissions and layers from them are not "foreign".
    pub own_accounts: Vec<String>,
    /// Accounts whose layers you trust (in addition to your own).
    pub allowed_layer_accounts: Vec<String>,
    /// LS702 also requires a KMS key on the function's log group.
    pub require_log_kms: bool,
}

/// What a rule sees.
pub struct Context<'a> {
    pub inv: &'a Inventory,
    pub index: FunctionIndex,
    pub config: &'a RuleConfig,
    pub runtimes: &'a runtimes::RuntimeTable,
    roles: std::sync::OnceLock<Vec<Option<lambdasec_iam::analysis::RoleAnalysis>>>,
}

impl Context<'_> {
    /// The effective-permission analysis of an execution role (roles no function uses are
    /// not analysed). Computed once, on first use.
    pub fn role_analysis(&self, role: usize) -> Option<&lambdasec_iam::analysis::RoleAnalysis> {
        self.roles
            .get_or_init(|| {
                (0..self.inv.roles.len())
                    .map(|r| {
                        (!self.index.role_users[r].is_empty())
                            .then(|| lambdasec_iam::analysis::analyze_role(self.inv, r))
                    })
                    .collect()
            })
            .get(role)?
            .as_ref()
    }
}

/// Collects the findings of one rule.
pub struct Findings<'a> {
    meta: &'static RuleMeta,
    inv: &'a Inventory,
    out: Vec<Finding>,
}

impl Findings<'_> {
    /// Reports a finding at the rule's default severity.
    pub fn push(
        &mut self,
        message: String,
        resource: &str,
        function: Option<usize>,
        loc: &Location,
    ) {
        self.push_with(self.meta.severity, message, resource, function, loc);
    }

    /// Reports a finding with a remediation specific to it (e.g. a suggested policy).
    pub fn push_fix(
        &mut self,
        message: String,
        resource: &str,
        function: Option<usize>,
        loc: &Location,
        remediation: Option<String>,
    ) {
        self.push(message, resource, function, loc);
        if let (Some(r), Some(last)) = (remediation, self.out.last_mut()) {
            last.remediation = format!("{}; {r}", self.meta.remediation);
        }
    }

    /// Attaches package and advisory details to the last finding reported.
    pub fn set_vulnerability(&mut self, detail: lambdasec_model::VulnerabilityDetail) {
        if let Some(last) = self.out.last_mut() {
            last.vulnerability = Some(Box::new(detail));
        }
    }

    /// Reports a finding at a given severity (rules whose severity depends on the case).
    pub fn push_with(
        &mut self,
        severity: Severity,
        message: String,
        resource: &str,
        function: Option<usize>,
        loc: &Location,
    ) {
        self.out.push(Finding {
            rule_id: self.meta.id,
            rule: self.meta.name,
            severity,
            message,
            resource: resource.to_string(),
            function: function.map(|f| self.inv.functions[f].id.clone()),
            loc: loc.clone(),
            remediation: self.meta.remediation.to_string(),
            suppressed: None,
            vulnerability: None,
        });
    }
}

/// Every rule, in ID order.
pub fn all_rules() -> Vec<&'static dyn Rule> {
    let mut rules: Vec<&'static dyn Rule> = vec![
        &role::execution_role_admin::ExecutionRoleAdmin,
        &role::execution_role_service_wildcard::ExecutionRoleServiceWildcard,
        &role::execution_role_unscoped_write::ExecutionRoleUnscopedWrite,
        &role::execution_role_privilege_escalation::ExecutionRolePrivilegeEscalation,
        &role::execution_role_data_exfiltration::ExecutionRoleDataExfiltration,
        &role::execution_role_credentials_exposure::ExecutionRoleCredentialsExposure,
        &role::execution_role_not_action::ExecutionRoleNotAction,
        &role::execution_role_shared::ExecutionRoleShared,
        &role::execution_role_trust_too_broad::ExecutionRoleTrustTooBroad,
        &role::policy_unknown_action::PolicyUnknownAction,
        &secrets::env_secret_value::EnvSecretValue,
        &secrets::env_secret_name::EnvSecretName,
        &secrets::env_without_cmk::EnvWithoutCmk,
        &secrets::secret_in_code::SecretInCode,
        &secrets::secret_fetch_uncached::SecretFetchUncached,
        &network::function_not_in_vpc::FunctionNotInVpc,
        &network::vpc_single_az::VpcSingleAz,
        &network::sg_egress_unrestricted::SgEgressUnrestricted,
        &network::sg_egress_broad::SgEgressBroad,
        &url::url_auth_none::UrlAuthNone,
        &url::url_cors_credentials_any_origin::UrlCorsCredentialsAnyOrigin,
        &url::url_cors_wildcard::UrlCorsWildcard,
        &invoke::invoke_public::InvokePublic,
        &invoke::invoke_service_no_source::InvokeServiceNoSource,
        &invoke::invoke_wildcard_action::InvokeWildcardAction,
        &invoke::invoke_cross_account::InvokeCrossAccount,
        &invoke::invoke_source_mismatch::InvokeSourceMismatch,
        &layers::layer_unpinned::LayerUnpinned,
        &layers::layer_foreign_account::LayerForeignAccount,
        &layers::runtime_deprecated::RuntimeDeprecated,
        &layers::runtime_deprecation_soon::RuntimeDeprecationSoon,
        &layers::code_signing_missing::CodeSigningMissing,
        &layers::vulnerable_dependency::VulnerableDependency,
        &logging::tracing_not_active::TracingNotActive,
        &logging::log_group_unmanaged::LogGroupUnmanaged,
        &logging::logs_sensitive_data::LogsSensitiveData,
        &failure::async_failure_unhandled::AsyncFailureUnhandled,
        &failure::concurrency_unreserved::ConcurrencyUnreserved,
        &paths::public_and_privileged::PublicAndPrivileged,
        &paths::public_with_secrets::PublicWithSecrets,
        &paths::webhook_unverified::WebhookUnverified,
    ];
    rules.sort_by_key(|r| r.meta().id);
    rules
}

/// The rule with this ID (case-insensitive) or name.
pub fn find_rule(id_or_name: &str) -> Option<&'static dyn Rule> {
    all_rules().into_iter().find(|r| {
        r.meta().id.eq_ignore_ascii_case(id_or_name)
            || r.meta().name.eq_ignore_ascii_case(id_or_name)
    })
}

/// Which rules run and at which severity.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// When non-empty, only these rule IDs run.
    pub only: Vec<String>,
    pub skip: Vec<String>,
    /// Severity overrides by rule ID.
    pub severity: HashMap<String, Severity>,
}

impl Selection {
    pub fn enabled(&self, id: &str) -> bool {
        let has = |l: &[String]| l.iter().any(|x| x.eq_ignore_ascii_case(id));
        (self.only.is_empty() || has(&self.only)) && !has(&self.skip)
    }
}

/// Runs the selected rules over the inventory and applies severity overrides and inline
/// suppressions. Findings are sorted by location and rule.
pub fn run(inv: &Inventory, config: &RuleConfig, selection: &Selection) -> Vec<Finding> {
    let runtimes = runtimes::RuntimeTable::bundled();
    let cx = Context {
        inv,
        index: inv.index(),
        config,
        runtimes: &runtimes,
        roles: std::sync::OnceLock::new(),
    };
    let mut all = Vec::new();
    for rule in all_rules() {
        let meta = rule.meta();
        if !selection.enabled(meta.id) {
            continue;
        }
        let mut f = Findings {
            meta,
            inv,
            out: Vec::new(),
        };
        rule.check(&cx, &mut f);
        if let Some(sev) = selection.severity.get(meta.id) {
            for x in &mut f.out {
                x.severity = *sev;
            }
        }
        all.append(&mut f.out);
    }
    apply_suppressions(inv, &mut all);
    all.sort_by(|a, b| {
        (
            &a.loc.file,
            a.loc.line,
            a.loc.column,
            a.rule_id,
            &a.resource,
            &a.function,
        )
            .cmp(&(
                &b.loc.file,
                b.loc.line,
                b.loc.column,
                b.rule_id,
                &b.resource,
                &b.function,
            ))
    });
    all.dedup();
    all
}

fn apply_suppressions(inv: &Inventory, findings: &mut [Finding]) {
    if inv.suppressions.is_empty() {
        return;
    }
    for f in findings {
        let Some(file) = f.loc.file.as_deref() else {
            continue;
        };
        if let Some(s) = inv.suppressions.iter().find(|s| {
            s.file == file
                && (s.start_line..=s.end_line).contains(&f.loc.line)
                && (s.rules.is_empty() || s.rules.iter().any(|r| r == f.rule_id))
        }) {
            f.suppressed = Some(s.reason.clone());
        }
    }
}

/// Reference material a rule prints with `lambdasec explain` beyond its doc comment.
pub fn explain_extra(id: &str) -> Option<String> {
    match id {
        "LS104" => Some(role::execution_role_privilege_escalation::methods_markdown()),
        _ => None,
    }
}

/// The rule's documentation as Markdown (doc comment without the leading space).
pub fn doc_markdown(meta: &RuleMeta) -> String {
    meta.doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}
