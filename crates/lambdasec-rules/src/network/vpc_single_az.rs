use crate::{Context, Findings, Rule};
use lambdasec_model::Link;
use std::collections::BTreeSet;

rule! {
    /// ## What it does
    /// Checks that a VPC function's subnets span more than one availability zone.
    ///
    /// ## Why is this bad?
    /// Lambda runs a VPC function only in the availability zones of its subnets. With one
    /// zone, an outage of that zone stops the function entirely.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_subnet" "a" { availability_zone = "eu-west-1a" }
    /// resource "aws_lambda_function" "api" {
    ///   vpc_config {
    ///     subnet_ids         = [aws_subnet.a.id]
    ///     security_group_ids = [aws_security_group.api.id]
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// List subnets in at least two availability zones.
    pub struct VpcSingleAz {
        id: "LS302",
        name: "vpc-single-az",
        severity: Medium,
        checklist: VpcAndEgress,
        summary: "the function's subnets are all in one availability zone",
        remediation: "give the function subnets in at least two availability zones",
    }
}

impl Rule for VpcSingleAz {
    fn meta(&self) -> &'static lambdasec_model::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        for (fi, f) in cx.inv.functions.iter().enumerate() {
            let Some(vpc) = &f.vpc else { continue };
            if vpc.subnets.is_empty() {
                continue;
            }
            // A single literal subnet is necessarily one zone; otherwise every subnet's zone
            // must be known.
            if let [Link::External(id)] = vpc.subnets.as_slice() {
                if id.is_known() {
                    out.push(
                        format!(
                            "function {} runs in a single subnet ({}), so in one availability zone",
                            crate::function_label(f),
                            id.display()
                        ),
                        &f.id,
                        Some(fi),
                        &vpc.loc,
                    );
                }
                continue;
            }
            let mut zones = BTreeSet::new();
            for s in &vpc.subnets {
                let Some(zone) = s
                    .resolved()
                    .and_then(|i| cx.inv.subnets[i].availability_zone.as_str())
                else {
                    zones.clear();
                    break;
                };
                zones.insert(zone);
            }
            if zones.len() == 1 {
                let zone = zones.into_iter().next().unwrap_or_default();
                out.push(
                    format!(
                        "all subnets of function {} are in availability zone {zone}",
                        crate::function_label(f)
                    ),
                    &f.id,
                    Some(fi),
                    &vpc.loc,
                );
            }
        }
    }
}
