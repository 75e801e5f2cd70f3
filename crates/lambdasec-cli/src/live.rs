//! `scan --aws` and `collect`: reading a live account through `lambdasec-aws`.

use crate::args::{AwsArgs, CollectArgs};
use crate::progress::Progress;
use lambdasec_aws::snapshot::Snapshot;

/// Collects the account; environment values are replaced by what the secret detectors found
/// in them unless `keep_secrets`.
/// The summary line is printed around `progress`, which keeps spinning while the account is read.
pub fn collect(
    a: &AwsArgs,
    quiet: bool,
    keep_secrets: bool,
    progress: &Progress,
) -> Result<Snapshot, String> {
    let opts = lambdasec_aws::collect::Options {
        profile: a.profile.clone(),
        regions: a.regions.clone(),
        all_regions: a.all_regions,
        concurrency: a.concurrency,
        code: match (&a.code_dir, a.download_code) {
            (Some(dir), _) => lambdasec_aws::code::CodeSource::Dir(dir.clone()),
            (None, true) => lambdasec_aws::code::CodeSource::Download,
            (None, false) => lambdasec_aws::code::CodeSource::None,
        },
    };
    let start = std::time::Instant::now();
    let mut snap = lambdasec_aws::collect::collect(&opts)?;
    if !keep_secrets {
        snap.withhold_secrets();
    }
    if !quiet {
        let functions: usize = snap.regions.iter().map(|r| r.functions.len()).sum();
        progress.suspend(|| {
            eprintln!(
            "lambdasec: read {functions} function(s) in {} region(s) of account {} in {:.1} s{}",
            snap.regions.len(),
            snap.account.as_deref().unwrap_or("?"),
            start.elapsed().as_secs_f64(),
            if snap.errors.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} call(s) failed (see \"errors\" in the report)",
                    snap.errors.len()
                )
            }
        )
        });
    }
    Ok(snap)
}

/// `lambdasec collect`.
pub fn run_collect(args: CollectArgs) -> Result<u8, String> {
    if !args.aws.aws {
        return Err("collect reads a live account: pass --aws".into());
    }
    let progress = Progress::new(args.quiet);
    progress.phase("reading the AWS account");
    let snap = collect(&args.aws, args.quiet, args.include_secrets, &progress)?;
    progress.finish();
    std::fs::write(&args.output, snap.to_json())
        .map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
    Ok(0)
}
