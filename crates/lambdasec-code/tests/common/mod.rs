#![allow(dead_code)]
use lambdasec_code::files::FileSet;
use lambdasec_code::{analyse_files, LocationAnalysis, Target};
use lambdasec_model::{CodeAnalysis, FetchCaching, LeakKind};

/// Analyses `handler` over in-memory files.
pub fn run(files: &[(&str, &str)], handler: &str, runtime: Option<&str>) -> LocationAnalysis {
    let fs = FileSet::from_files(
        files
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect(),
    );
    analyse_files(
        &fs,
        "",
        &[Target {
            function: 0,
            handler,
            runtime,
        }],
    )
}

pub fn one(files: &[(&str, &str)], handler: &str, runtime: Option<&str>) -> CodeAnalysis {
    let r = run(files, handler, runtime);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r.analyses.into_iter().next().expect("handler analysed")
}

/// (line, kind) of every leak.
pub fn leaks(a: &CodeAnalysis) -> Vec<(u32, LeakKind)> {
    a.log_leaks.iter().map(|l| (l.loc.line, l.kind)).collect()
}

/// Log leaks with the file they are in: (file, line, kind).
pub fn leaks_in_files(a: &CodeAnalysis) -> Vec<(String, u32, LeakKind)> {
    a.log_leaks
        .iter()
        .map(|l| {
            (
                l.loc.file.as_deref().unwrap_or_default().to_string(),
                l.loc.line,
                l.kind,
            )
        })
        .collect()
}

pub fn fetches(a: &CodeAnalysis) -> Vec<(u32, FetchCaching)> {
    a.fetches.iter().map(|f| (f.loc.line, f.caching)).collect()
}

pub fn dump(a: &CodeAnalysis) -> String {
    format!("{:#?}", a)
}
