//! `lambdasec`: audits AWS Lambda functions against the Lambda security checklist.
//!
//! The binary is thin: argument parsing, configuration, file discovery and output; the work
//! happens in the source, rules and report crates.

mod args;
mod baseline;
mod config;
mod discover;
mod live;
mod progress;
mod scan;

use clap::Parser;

/// The scan allocates many small values on every core; mimalloc's per-thread heaps keep that
/// from dominating (glibc malloc took ~30% of a large scan).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    // Expression evaluation recurses (bounded at 128 levels per expression, 16 module levels);
    // give the workers room well beyond that instead of the 2 MiB default.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(32 * 1024 * 1024)
        .build_global();
    let result = match cli.command {
        args::Command::Scan(a) => scan::run(a),
        args::Command::Rules(a) => scan::list_rules(a),
        args::Command::Explain { rule } => scan::explain(&rule),
        args::Command::Db(args::DbCommand::Info(a)) => scan::db_info(a),
        args::Command::Collect(a) => live::run_collect(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("lambdasec: error: {e}");
            ExitCode::from(2)
        }
    }
}
