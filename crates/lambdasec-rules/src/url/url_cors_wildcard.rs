use crate::{Context, Findings, Rule};
use lambdasec_model::Severity;

rule! {
    /// ## What it does
    /// Finds function URLs whose CORS configuration allows any origin (`*`, medium) or any
    /// method (`*`, low). Origin `*` with credentials is LS402.
    ///
    /// ## Why is this bad?
    /// Any website can call the function from a visitor's browser and read the response. For
    /// an API meant for your own front end, that widens the attack surface for nothing; any
    /// method allows state-changing verbs you never meant to expose.
    ///
    /// ## Example
    /// ```hcl
    /// cors {
    ///   allow_origins = ["*"]
    ///   allow_methods = ["*"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// cors {
    ///   allow_origins = ["https://app.example.com"]
    ///   allow_methods = ["GET", "POST"]
    /// }
    /// ```
    pub struct UrlCorsWildcard {
        id: "LS403",
        name: "url-cors-wildcard",
        severity: Medium,
        checklist: FunctionUrlAuth,
        summary: "CORS allows origin * (or methods *, at low)",
        remediation: "list the exact origins and methods the front end needs",
    }
}

impl Rule for UrlCorsWildcard {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for u in &cx.inv.urls {
            let Some(c) = &u.cors else { continue };
            if !super::credentials_allowed(c) {
                if let Some(loc) = super::star_in(&c.allow_origins) {
                    out.push(
                        "function URL CORS allows any origin".to_string(),
                        &u.id,
                        u.function,
                        loc,
                    );
                }
            }
            if let Some(loc) = super::star_in(&c.allow_methods) {
                out.push_with(
                    Severity::Low,
                    "function URL CORS allows any method".to_string(),
                    &u.id,
                    u.function,
                    loc,
                );
            }
        }
    }
}
