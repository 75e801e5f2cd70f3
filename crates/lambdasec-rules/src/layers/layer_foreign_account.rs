use crate::{Context, Findings, Rule};
use lambdasec_model::Severity;

rule! {
    /// ## What it does
    /// Finds layers published by an account that is neither the function's own nor listed in
    /// `accounts` or `allowed_layer_accounts` in `.lambdasec.toml`. When lambdasec cannot
    /// tell which account is yours, it reports an `info` note instead.
    ///
    /// ## Why is this bad?
    /// A layer's code runs with the function's role and sees its secrets. A third-party
    /// publisher — or whoever compromises it — is then part of your supply chain.
    ///
    /// ## Example
    /// ```hcl
    /// layers = ["arn:aws:lambda:eu-west-1:999999999999:layer:helpers:3"]
    /// ```
    ///
    /// ## Fix
    /// Publish the layer from your own account after review, or add the publisher to
    /// `allowed_layer_accounts` once you trust it.
    pub struct LayerForeignAccount {
        id: "LS602",
        name: "layer-foreign-account",
        severity: Low,
        checklist: LayersAndRuntime,
        summary: "a layer comes from an account that is not yours or in the allow list",
        remediation: "publish the layer from your own account, or add the publisher to allowed_layer_accounts in .lambdasec.toml after review",
    }
}

impl Rule for LayerForeignAccount {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            let own = crate::own_accounts(Some(f), &cx.config.own_accounts);
            for (layer, loc) in super::layer_refs(f) {
                let Some(parts) = crate::arn_parts(&layer.arn) else {
                    continue;
                };
                let Some(account) = parts.account else {
                    continue;
                };
                if own.contains(&account.as_str())
                    || cx.config.allowed_layer_accounts.contains(&account)
                {
                    continue;
                }
                if own.is_empty() {
                    out.push_with(
                        Severity::Info,
                        format!(
                            "layer {} of function {} comes from account {account}; list your own accounts under `accounts` in .lambdasec.toml so lambdasec can tell whether it is foreign",
                            layer.arn.display(),
                            crate::function_label(f)
                        ),
                        &f.id,
                        Some(fi),
                        loc,
                    );
                } else {
                    out.push(
                        format!(
                            "layer {} of function {} comes from foreign account {account}",
                            layer.arn.display(),
                            crate::function_label(f)
                        ),
                        &f.id,
                        Some(fi),
                        loc,
                    );
                }
            }
        }
    }
}
