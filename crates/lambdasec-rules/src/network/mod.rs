//! LS3xx: VPC placement and security-group egress.

pub mod function_not_in_vpc;
pub mod sg_egress_broad;
pub mod sg_egress_unrestricted;
pub mod vpc_single_az;

use crate::Context;
use lambdasec_model::{EgressRule, SecurityGroup};

/// The security groups in the inputs that a function uses, with the function index.
pub(crate) fn function_groups<'a>(
    cx: &'a Context,
) -> impl Iterator<Item = (usize, &'a SecurityGroup)> + 'a {
    cx.inv
        .functions
        .iter()
        .enumerate()
        .flat_map(move |(fi, f)| {
            f.vpc
                .iter()
                .flat_map(|v| v.security_groups.iter())
                .filter_map(|l| l.resolved())
                .map(move |g| (fi, &cx.inv.security_groups[g]))
        })
}

/// `0.0.0.0/0` or `::/0` among the rule's known destinations.
pub(crate) fn internet_cidr(r: &EgressRule) -> Option<&str> {
    crate::known_items(&r.cidrs)?
        .map(String::as_str)
        .find(|c| *c == "0.0.0.0/0" || *c == "::/0")
}

/// True when the rule allows every protocol.
pub(crate) fn all_protocols(r: &EgressRule) -> bool {
    r.protocol
        .as_str()
        .is_some_and(|p| p == "-1" || p.eq_ignore_ascii_case("all"))
}

/// The known port range of a TCP/UDP rule.
pub(crate) fn ports(r: &EgressRule) -> Option<(i64, i64)> {
    Some((*r.from_port.as_ref()?.get()?, *r.to_port.as_ref()?.get()?))
}

/// Every protocol, or every port of TCP/UDP.
pub(crate) fn all_traffic(r: &EgressRule) -> bool {
    all_protocols(r) || ports(r).is_some_and(|(from, to)| from <= 0 && to >= 65535)
}
