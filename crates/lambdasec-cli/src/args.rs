//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "lambdasec",
    version,
    about = "Audit AWS Lambda functions against the Lambda security checklist",
    long_about = "Reads Terraform (HCL and plan JSON) and reports, per function, what breaks the \
                  Lambda security checklist, how badly, and how to fix it.\n\n\
                  Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, \
                  2 usage error or unreadable input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum Command {
    /// Scan paths (default: the current directory).
    Scan(ScanArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation: what it checks, why, an example and the fix.
    Explain {
        /// Rule ID (LS401) or name (url-auth-none).
        rule: String,
    },
    /// The offline vulnerability database.
    #[command(subcommand)]
    Db(DbCommand),
    /// Read a live AWS account into a snapshot file, to scan later (`lambdasec scan FILE`).
    Collect(CollectArgs),
}

/// Which AWS account and regions to read.
#[derive(Args, Clone, Debug, Default)]
pub struct AwsArgs {
    /// Read the live AWS account (credentials as for the AWS CLI: environment, profiles, SSO).
    #[arg(long)]
    pub aws: bool,
    /// AWS profile (default: AWS_PROFILE or the default profile).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Region to read (repeatable; default: the configured region).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Read every region enabled for the account.
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Concurrent API calls per region.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    /// Download each function's deployment package and each layer (pre-signed URLs; needs
    /// lambda:GetFunction) and scan them for secrets (LS204) and packages (LS603, SBOM).
    #[arg(long, conflicts_with = "code_dir")]
    pub download_code: bool,
    /// Scan the code from local build artifacts instead: DIR/<function name>.zip (or a
    /// directory of that name) and DIR/<layer name>-<version>.zip.
    #[arg(long, value_name = "DIR")]
    pub code_dir: Option<PathBuf>,
}

#[derive(Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// The snapshot file to write.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Keep environment variable values in clear in the snapshot (default: only what the
    /// secret detectors found in them, redacted).
    #[arg(long)]
    pub include_secrets: bool,
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// Summarise the OSV records loaded from --osv-db (or osv_db in .lambdasec.toml).
    Info(DbInfoArgs),
}

#[derive(Args)]
pub struct DbInfoArgs {
    /// OSV database: a directory of OSV JSON records and/or per-ecosystem all.zip exports,
    /// or one such file (repeatable).
    #[arg(long = "osv-db", value_name = "PATH")]
    pub osv_db: Vec<PathBuf>,
    /// Configuration file (default: .lambdasec.toml in the current directory, if any).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    /// JUnit XML: one test suite per function, one test case per rule.
    Junit,
    /// AWS Security Finding Format, for Security Hub `BatchImportFindings` (needs the account:
    /// `--asff-account` or `accounts` in .lambdasec.toml).
    Asff,
    /// One self-contained HTML page: overall score, a card per function, a chart by checklist
    /// line, and the findings with filters (no network access needed to view it).
    Html,
    /// CycloneDX 1.6 SBOM: every function with the packages of its code and layers. With
    /// `--output DIR` (an existing directory), one file per function.
    Cyclonedx,
}

#[derive(Args)]
pub struct ScanArgs {
    /// Files or directories to scan (account snapshots included).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity (or "none" to never fail).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Report only findings at or above this severity.
    #[arg(long, value_name = "SEVERITY")]
    pub min_severity: Option<String>,
    /// Run only these rules (IDs or names; repeatable or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub only: Vec<String>,
    /// Skip these rules (IDs or names; repeatable or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub skip: Vec<String>,
    /// Configuration file (default: .lambdasec.toml in the first scanned directory, if any).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not report the findings recorded in this baseline file (see --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every reported, non-suppressed finding to this baseline file (JSON).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// A CloudFormation parameter value, overriding its default (repeatable): KEY=VALUE.
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,
    /// The AWS account for `--format asff` (default: the scanned account, else the first of
    /// `accounts` in .lambdasec.toml).
    #[arg(long, value_name = "ID")]
    pub asff_account: Option<String>,
    /// The Security Hub region for `--format asff` (default: AWS_REGION, else us-east-1).
    #[arg(long, value_name = "REGION")]
    pub asff_region: Option<String>,
    /// OSV database for LS603: a directory of OSV JSON records and/or per-ecosystem all.zip
    /// exports (osv-scanner's offline layout), or one such file (repeatable).
    #[arg(long = "osv-db", value_name = "PATH")]
    pub osv_db: Vec<PathBuf>,
    /// The scan date for runtime deprecation rules (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Never use colours.
    #[arg(long)]
    pub no_color: bool,
    /// Print nothing on standard error except fatal errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: RulesFormat,
}
