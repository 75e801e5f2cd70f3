use crate::{Context, Findings, Rule};

rule! {
    /// ## What it does
    /// Checks the egress rules of the security groups attached to a function for traffic to
    /// the whole internet (`0.0.0.0/0` or `::/0`) on every protocol or every port.
    ///
    /// ## Why is this bad?
    /// A compromised function (a vulnerable dependency, an injection) can send data anywhere
    /// and download tooling. Restricting egress to the ports and destinations the function
    /// needs turns exfiltration into a blocked connection.
    ///
    /// ## Example
    /// ```hcl
    /// egress {
    ///   from_port   = 0
    ///   to_port     = 0
    ///   protocol    = "-1"
    ///   cidr_blocks = ["0.0.0.0/0"]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Allow only what the function needs, e.g. HTTPS to VPC endpoints or a database port:
    /// ```hcl
    /// egress {
    ///   from_port   = 443
    ///   to_port     = 443
    ///   protocol    = "tcp"
    ///   cidr_blocks = ["10.0.0.0/16"]
    /// }
    /// ```
    pub struct SgEgressUnrestricted {
        id: "LS303",
        name: "sg-egress-unrestricted",
        severity: Medium,
        checklist: VpcAndEgress,
        summary: "a security group of the function allows all egress to the internet",
        remediation: "restrict egress to the protocols, ports and CIDRs the function needs (e.g. tcp/443 to VPC endpoints)",
    }
}

impl Rule for SgEgressUnrestricted {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, g) in super::function_groups(cx) {
            for r in &g.egress {
                let Some(cidr) = super::internet_cidr(r) else {
                    continue;
                };
                if !super::all_traffic(r) {
                    continue;
                }
                let what = if super::all_protocols(r) {
                    "all protocols"
                } else {
                    "all ports"
                };
                out.push(
                    format!(
                        "security group {} of function {} allows egress to {cidr} on {what}",
                        g.id,
                        crate::function_label(&cx.inv.functions[fi])
                    ),
                    &g.id,
                    Some(fi),
                    &r.loc,
                );
            }
        }
    }
}
