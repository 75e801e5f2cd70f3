//! What makes a granted action dangerous: the privilege-escalation methods, data-exfiltration
//! and credential-exposing actions, and the actions Lambda itself needs.
//!
//! The escalation methods are facts collected by Rhino Security Labs and encoded in
//! Parliament 1.6.4 (`community_auditors/privilege_escalation.py`) and Cloudsplaining 0.9.1
//! (`PRIVILEGE_ESCALATION_METHODS`), both BSD-3-Clause; the list below is written here from
//! those published method descriptions (see `../shared/notes/iam-semantics.md`).

/// A known way to escalate privileges: every action must be granted (on `*`).
pub struct EscalationMethod {
    pub name: &'static str,
    pub actions: &'static [&'static str],
    pub how: &'static str,
}

impl EscalationMethod {
    /// The method passes a role to a Lambda function (`iam:PassRole` with a `lambda:`
    /// action): `iam:PassRole` limited by `iam:PassedToService` to Lambda completes it.
    pub fn passes_role_to_lambda(&self) -> bool {
        self.actions.contains(&"iam:PassRole")
            && self.actions.iter().any(|a| a.starts_with("lambda:"))
    }
}

pub const ESCALATION_METHODS: &[EscalationMethod] = &[
    EscalationMethod {
        name: "CreateNewPolicyVersion",
        actions: &["iam:CreatePolicyVersion"],
        how: "publish a new default version of a policy attached to itself with admin rights",
    },
    EscalationMethod {
        name: "SetExistingDefaultPolicyVersion",
        actions: &["iam:SetDefaultPolicyVersion"],
        how: "switch an attached policy to an older, more permissive version",
    },
    EscalationMethod {
        name: "CreateAccessKey",
        actions: &["iam:CreateAccessKey"],
        how: "create access keys for a more privileged user",
    },
    EscalationMethod {
        name: "CreateLoginProfile",
        actions: &["iam:CreateLoginProfile"],
        how: "set a console password for a user that has none",
    },
    EscalationMethod {
        name: "UpdateLoginProfile",
        actions: &["iam:UpdateLoginProfile"],
        how: "change another user's console password",
    },
    EscalationMethod {
        name: "AttachUserPolicy",
        actions: &["iam:AttachUserPolicy"],
        how: "attach AdministratorAccess to a user it controls",
    },
    EscalationMethod {
        name: "AttachGroupPolicy",
        actions: &["iam:AttachGroupPolicy"],
        how: "attach AdministratorAccess to a group it is in",
    },
    EscalationMethod {
        name: "AttachRolePolicy",
        actions: &["iam:AttachRolePolicy"],
        how: "attach AdministratorAccess to its own role",
    },
    EscalationMethod {
        name: "PutUserPolicy",
        actions: &["iam:PutUserPolicy"],
        how: "write an admin inline policy on a user",
    },
    EscalationMethod {
        name: "PutGroupPolicy",
        actions: &["iam:PutGroupPolicy"],
        how: "write an admin inline policy on a group",
    },
    EscalationMethod {
        name: "PutRolePolicy",
        actions: &["iam:PutRolePolicy"],
        how: "write an admin inline policy on its own role",
    },
    EscalationMethod {
        name: "AddUserToGroup",
        actions: &["iam:AddUserToGroup"],
        how: "add a user it controls to an admin group",
    },
    EscalationMethod {
        name: "UpdateRolePolicyToAssumeIt",
        actions: &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
        how: "rewrite a privileged role's trust policy, then assume it",
    },
    EscalationMethod {
        name: "EditExistingLambdaFunctionWithRole",
        actions: &["lambda:UpdateFunctionCode"],
        how: "replace the code of a function that runs with a more privileged role",
    },
    EscalationMethod {
        name: "UpdateAndInvokeLambdaFunction",
        actions: &["lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
        how: "replace a privileged function's code and run it",
    },
    EscalationMethod {
        name: "UpdateLambdaFunctionAndAddPermission",
        actions: &["lambda:UpdateFunctionCode", "lambda:AddPermission"],
        how: "replace a privileged function's code and let itself invoke it",
    },
    EscalationMethod {
        name: "SwapLambdaFunctionRole",
        actions: &[
            "iam:PassRole",
            "lambda:UpdateFunctionConfiguration",
            "lambda:UpdateFunctionCode",
        ],
        how: "give a function a more privileged role and replace its code",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewLambdaThenInvoke",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
        how: "create a function with a more privileged role and invoke it",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewLambdaThenAddPermission",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:AddPermission",
        ],
        how: "create a function with a more privileged role and allow itself to invoke it",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
        how: "create a function with a more privileged role, triggered by a stream",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
        actions: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
            "dynamodb:CreateTable",
            "dynamodb:PutItem",
        ],
        how: "create a function with a more privileged role and a table that triggers it",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewEC2",
        actions: &["iam:PassRole", "ec2:RunInstances"],
        how: "start an instance with a more privileged instance profile",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewCloudFormation",
        actions: &["iam:PassRole", "cloudformation:CreateStack"],
        how: "create a stack that runs with a more privileged role",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewGlueDevEndpoint",
        actions: &["iam:PassRole", "glue:CreateDevEndpoint"],
        how: "create a Glue endpoint with a more privileged role",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewCodeBuildProject",
        actions: &[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild",
        ],
        how: "run a build with a more privileged service role",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewDataPipeline",
        actions: &[
            "iam:PassRole",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
        ],
        how: "run a pipeline with a more privileged role",
    },
    EscalationMethod {
        name: "PassExistingRoleToNewSageMakerNotebook",
        actions: &[
            "iam:PassRole",
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
        how: "open a notebook running with a more privileged role",
    },
    EscalationMethod {
        name: "UpdateExistingGlueDevEndpoint",
        actions: &["glue:UpdateDevEndpoint"],
        how: "add its SSH key to a Glue endpoint with a privileged role",
    },
    EscalationMethod {
        name: "CreatePolicyVersionAndAssume",
        actions: &["iam:CreatePolicyVersion", "sts:AssumeRole"],
        how: "widen a policy of a role it can assume",
    },
];

/// Read access to data or secrets (LS105), when granted on `*`.
pub const DATA_READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "kms:Decrypt",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "rds-data:ExecuteStatement",
    "sqs:ReceiveMessage",
    "kinesis:GetRecords",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
];

/// Actions that mint or reveal credentials (LS106), when granted on `*`.
pub const CREDENTIAL_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:GetFederationToken",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "ecr:GetAuthorizationToken",
    "codeartifact:GetAuthorizationToken",
    "redshift:GetClusterCredentials",
    "rds-db:connect",
    "sso:GetRoleCredentials",
    "cognito-identity:GetCredentialsForIdentity",
    "lambda:GetFunctionConfiguration",
    "lambda:GetFunction",
];

/// AWS managed policies whose grants on `*` are what Lambda itself needs: the actions they
/// grant are never findings (ENI management for VPC functions, logs, X-Ray).
pub const LAMBDA_EXECUTION_POLICIES: &[&str] = &[
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSXRayDaemonWriteAccess",
];

/// Services left out when deciding whether a role is admin-class: PowerUserAccess grants
/// everything but these.
pub const ADMIN_EXCEPT_SERVICES: &[&str] = &["iam", "organizations", "account"];
