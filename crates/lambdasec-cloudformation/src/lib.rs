//! CloudFormation source for lambdasec: CloudFormation YAML and JSON (with every intrinsic
//! function in both forms), AWS SAM, CDK synthesized output and the Serverless Framework.
//! SAM and Serverless templates are transformed into plain CloudFormation first, as their
//! own tools do, so one builder turns every format into the model.

pub mod build;
pub mod eval;
pub mod load;
pub mod node;
pub mod sam;
pub mod serverless;

pub use node::{Key, Node, NodeValue};
pub mod scan;
