use crate::{Context, Findings, Rule};

/// How far ahead a coming deprecation is reported.
pub const WINDOW_DAYS: i64 = 180;

rule! {
    /// ## What it does
    /// Finds functions whose runtime will be deprecated within 180 days of the scan date.
    ///
    /// ## Why is this bad?
    /// Upgrading a runtime needs testing time. Starting after the deprecation date means
    /// running unpatched code, then being unable to deploy fixes once AWS blocks updates.
    ///
    /// ## Example
    /// ```hcl
    /// runtime = "nodejs20.x"   # deprecated 2026-04-30
    /// ```
    ///
    /// ## Fix
    /// Plan the move to the runtime's successor now.
    pub struct RuntimeDeprecationSoon {
        id: "LS605",
        name: "runtime-deprecation-soon",
        severity: Low,
        checklist: LayersAndRuntime,
        summary: "the runtime is deprecated within 180 days",
        remediation: "plan the upgrade to a newer runtime before the deprecation date",
    }
}

impl Rule for RuntimeDeprecationSoon {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let today = cx.config.today;
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            let Some(rt) = super::runtime(f) else {
                continue;
            };
            let Some(dep) = cx.runtimes.get(rt).and_then(|d| d.deprecated) else {
                continue;
            };
            if dep > today && dep <= today.add_days(WINDOW_DAYS) {
                out.push(
                    format!(
                        "runtime {rt} of function {} is deprecated on {dep}, in {} days",
                        crate::function_label(f),
                        dep.days() - today.days()
                    ),
                    &f.id,
                    Some(fi),
                    f.runtime.as_ref().map_or(&f.loc, |r| r.loc()),
                );
            }
        }
    }
}
