//! IAM for lambdasec: the policy language, wildcard matching, evaluation, the AWS action
//! catalog and AWS managed policies, and the classification of what a role can do.

pub mod analysis;
pub mod catalog;
pub mod classify;
pub mod condition;
pub mod eval;
pub mod managed;
pub mod matching;
pub mod parse;
pub mod policy;
