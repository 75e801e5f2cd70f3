use crate::{Context, Findings, Rule};
use lambdasec_model::Severity;

rule! {
    /// ## What it does
    /// Finds functions whose runtime is past its deprecation date, from the dated runtime
    /// lifecycle table shipped in `data/lambda-runtimes.json` (compared with the scan date;
    /// `--today` fixes it). A runtime identifier the table does not know is reported as an
    /// `info` note rather than assumed to be supported.
    ///
    /// ## Why is this bad?
    /// A deprecated runtime gets no security patches for the language runtime or the
    /// operating system underneath, and AWS later blocks creating and updating such functions,
    /// so an emergency fix cannot be deployed.
    ///
    /// ## Example
    /// ```hcl
    /// runtime = "python3.8"
    /// ```
    ///
    /// ## Fix
    /// Move to a supported runtime, e.g. `python3.13`, and test the function on it.
    pub struct RuntimeDeprecated {
        id: "LS604",
        name: "runtime-deprecated",
        severity: High,
        checklist: LayersAndRuntime,
        summary: "the runtime is past its deprecation date",
        remediation: "upgrade to a supported runtime version",
    }
}

impl Rule for RuntimeDeprecated {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            let Some(rt) = super::runtime(f) else {
                continue;
            };
            let loc = f.runtime.as_ref().map_or(&f.loc, |r| r.loc());
            match cx.runtimes.get(rt) {
                None => out.push_with(
                    Severity::Info,
                    format!(
                        "runtime \"{rt}\" of function {} is not in lambdasec's runtime table ({}); check that it exists and is supported",
                        crate::function_label(f),
                        cx.runtimes.source
                    ),
                    &f.id,
                    Some(fi),
                    loc,
                ),
                Some(d) => {
                    let Some(dep) = d.deprecated else { continue };
                    if dep <= cx.config.today {
                        let blocked = match d.block_update {
                            Some(b) if b <= cx.config.today => format!("; updates blocked since {b}"),
                            Some(b) => format!("; updates blocked from {b}"),
                            None => String::new(),
                        };
                        out.push(
                            format!(
                                "function {} uses runtime {rt}, deprecated since {dep}{blocked}",
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
}
