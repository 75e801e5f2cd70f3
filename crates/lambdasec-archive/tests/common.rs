//! Shared by the archive tests: zip building and a recording visitor.

#![allow(dead_code)]

use lambdasec_archive::{EntryMeta, Select, Visitor};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// Builds a zip of `(name, content)` entries, deflated.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Reads every file; opens `.zip`/`.jar` entries as archives; records all.
#[derive(Default)]
pub struct Record {
    pub files: Vec<(String, Vec<u8>)>,
    pub problems: Vec<(String, String)>,
}

impl Visitor for Record {
    fn select(&mut self, path: &str, _meta: &EntryMeta) -> Select {
        if lambdasec_archive::has_archive_ext(path) {
            Select::Archive
        } else {
            Select::Read
        }
    }
    fn file(&mut self, path: &str, content: &[u8]) {
        self.files.push((path.to_string(), content.to_vec()));
    }
    fn problem(&mut self, path: &str, message: String) {
        self.problems.push((path.to_string(), message));
    }
}

impl Record {
    pub fn problem_text(&self) -> String {
        self.problems
            .iter()
            .map(|(p, m)| format!("{p}: {m}\n"))
            .collect()
    }
}

/// Peak resident set size of this process, from `/proc/self/status` (Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
