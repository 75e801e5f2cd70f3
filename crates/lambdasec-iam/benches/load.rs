//! Load times of the shipped IAM data (target: catalog parse < 20 ms in a release build).
//!
//! Run with `cargo bench -p lambdasec-iam --bench load`. A plain timing harness (no
//! dependencies): the managed policies are timed once, at first access, as the CLI sees them;
//! the catalog parse is repeated and its minimum and median reported.

use std::time::{Duration, Instant};

use lambdasec_iam::catalog::Catalog;
use lambdasec_iam::managed;

fn main() {
    // First access first, before anything else warms the allocator.
    let t = Instant::now();
    let p =
        managed::managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
    let managed_first = t.elapsed();
    assert!(p.is_some());
    let t = Instant::now();
    let p = managed::managed_policy("arn:aws:iam::aws:policy/AdministratorAccess");
    let managed_lookup = t.elapsed();
    assert!(p.is_some());
    let t = Instant::now();
    let n = managed::all().count();
    let managed_all = t.elapsed();

    let t = Instant::now();
    let c = Catalog::get();
    let catalog_first = t.elapsed();

    let mut runs: Vec<Duration> = (0..30)
        .map(|_| {
            let t = Instant::now();
            let c = Catalog::parse(Catalog::shipped_text()).unwrap();
            let d = t.elapsed();
            std::hint::black_box(c);
            d
        })
        .collect();
    runs.sort();

    let t = Instant::now();
    let mut expanded = 0;
    for pattern in [
        "*",
        "s3:Get*",
        "iam:?ass*",
        "*:Describe*",
        "lambda:InvokeFunction",
    ] {
        expanded += c.expand(pattern).len();
    }
    let expand = t.elapsed();

    println!(
        "catalog: {} services, {} actions, {} bytes ({})",
        c.services().count(),
        c.action_count(),
        Catalog::shipped_text().len(),
        c.source()
    );
    println!("catalog first load (Catalog::get):   {catalog_first:?}");
    println!(
        "catalog parse, 30 runs:              min {:?}, median {:?}, max {:?}",
        runs[0],
        runs[runs.len() / 2],
        runs[runs.len() - 1]
    );
    println!("expand 5 patterns ({expanded} matches):  {expand:?}");
    println!("managed policies first access:       {managed_first:?} (index + 1 document)");
    println!("managed policy, another one:         {managed_lookup:?}");
    println!("managed policies, all {n} documents: {managed_all:?}");
}
