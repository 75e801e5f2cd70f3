//! Credentials in a function's or layer's code: a directory tree or a `.zip`/`.jar` archive.
//!
//! The tree is walked by `lambdasec-archive`: zip entries and nested archives (`.jar`,
//! `.war`, `.ear`, `.zip`, `.whl`, `.egg`) are decompressed on the fly, never extracted to
//! disk, and guarded against bombs (per-entry ratio, total bytes, entry count, nesting depth).
//! Every text file is streamed through [`crate::scan_reader`] (bounded memory). Problems are
//! returned as messages and the scan goes on with the rest.

use lambdasec_archive::{EntryMeta, Opener, Select, Visitor};
use std::io::{self, Read};
use std::path::Path;

use crate::{redact, scan_bytes, scan_reader, Confidence, Detection};

/// One credential found in a function's or layer's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeHit {
    /// Path of the file: for a directory, relative to the directory (`/`-separated); for a
    /// zip, the entry name inside it.
    pub file: String,
    /// 1-based line of the secret's first byte.
    pub line: u64,
    pub detector: &'static str,
    pub description: &'static str,
    /// `redact(secret)`: never the whole secret.
    pub redacted: String,
    /// The detection is a known placeholder or documentation example.
    pub placeholder: bool,
}

/// Resource limits of one [`scan_code`] call.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes scanned per file or entry; the rest of a larger file is not scanned (message).
    pub max_file_bytes: u64,
    /// Bytes scanned in total (decompressed, for a zip); the scan stops there (message).
    pub max_total_bytes: u64,
    /// Files (directory) or entries (zip) examined; the scan stops there (message).
    pub max_entries: usize,
    /// Largest accepted ratio of an entry's decompressed size to its compressed size, checked
    /// on the declared sizes and while decompressing, once an entry passes 1 MiB.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 * 1024 * 1024,
            max_total_bytes: 1024 * 1024 * 1024,
            max_entries: 100_000,
            max_ratio: 200,
        }
    }
}

/// Scans a code directory (recursively; no symlinks followed; binary files skipped by a
/// NUL-byte sniff of the first 8 KiB and by extension; `node_modules`/`.git` not skipped) or a
/// `.zip`/`.jar` file (entries streamed, never extracted to disk). A plain file is scanned as
/// one file. Problems (unreadable file, corrupt zip, limits hit, encrypted entry, path-traversal
/// entry names, symlink entries, nested archives not opened) are returned as messages in the
/// second element, and the scan goes on with the rest.
pub fn scan_code(path: &Path, limits: &Limits) -> (Vec<CodeHit>, Vec<String>) {
    let mut s = Scan {
        max_file: limits.max_file_bytes,
        root: path.display().to_string(),
        hits: Vec::new(),
        messages: Vec::new(),
        unread_archives: Vec::new(),
    };
    let walk = lambdasec_archive::Limits {
        max_entries: limits.max_entries,
        max_file_bytes: limits.max_file_bytes,
        max_total_bytes: limits.max_total_bytes,
        max_ratio: limits.max_ratio,
        ..lambdasec_archive::Limits::default()
    };
    lambdasec_archive::walk(path, &walk, &mut s);
    // One message for all archives of formats not opened: a vendored botocore alone has
    // over a thousand `.json.gz` files, and one line per file buries the real problems.
    if !s.unread_archives.is_empty() {
        let n = s.unread_archives.len();
        let named = s.unread_archives[..n.min(UNREAD_NAMED)].join(", ");
        let more = if n > UNREAD_NAMED {
            format!(" and {} more", n - UNREAD_NAMED)
        } else {
            String::new()
        };
        s.problem(
            "",
            format!(
                "{n} archive(s) of formats not read (.gz, .tar, .bz2, .xz, .zst, .7z, .rar) were not scanned for secrets: {named}{more}"
            ),
        );
    }
    (s.hits, s.messages)
}

/// Bytes sniffed for a NUL to recognise binary content.
const SNIFF: usize = 8 * 1024;
/// Content up to this size is kept in memory for redaction; larger content is read again.
const SMALL: usize = 1024 * 1024;
/// Longest secret read back for redaction.
const MAX_SECRET: u64 = 1024 * 1024;

/// Extensions of zip-format archives: opened and scanned.
const ZIP_EXT: &[&str] = &["zip", "jar", "war", "ear", "whl", "egg", "nupkg", "apk"];
/// Extensions of other archives: not opened (a message says so).
const ARCHIVE_EXT: &[&str] = &["tar", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar"];
/// Extensions of binary files: skipped silently.
const BINARY_EXT: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "tif", "tiff", "so", "dylib", "dll", "exe",
    "o", "a", "node", "wasm", "pyc", "pyo", "class", "pdf", "ttf", "otf", "woff", "woff2", "eot",
    "mp3", "mp4", "wav", "ogg", "avi", "mov", "sqlite", "db",
];

enum Kind {
    Zip,
    Archive,
    Binary,
    Text,
}

fn kind_of(name: &str) -> Kind {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let ext = match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => return Kind::Text,
    };
    if ZIP_EXT.contains(&ext.as_str()) {
        Kind::Zip
    } else if ARCHIVE_EXT.contains(&ext.as_str()) {
        Kind::Archive
    } else if BINARY_EXT.contains(&ext.as_str()) {
        Kind::Binary
    } else {
        Kind::Text
    }
}

struct Scan {
    max_file: u64,
    root: String,
    hits: Vec<CodeHit>,
    messages: Vec<String>,
    /// Archives of formats not opened (`.gz`, `.tar`, ...): reported once, with a count.
    unread_archives: Vec<String>,
}

/// Archives not opened that a message names (the rest are counted).
const UNREAD_NAMED: usize = 3;

/// Result of the first (scanning) pass over one file.
struct Pass1 {
    /// Sorted by start offset.
    found: Vec<(Detection, u64)>,
    /// The whole content when it is small, for redaction without a second read.
    content: Option<Vec<u8>>,
    /// Bytes read (at most `max_file_bytes + 1`).
    bytes: u64,
    binary: bool,
}

/// Reads at most `max_file + 1` bytes of `r`, sniffs for NUL, and scans.
fn first_pass(r: impl Read, max_file: u64) -> io::Result<Pass1> {
    let mut lim = r.take(max_file.saturating_add(1));
    let mut head = Vec::new();
    (&mut lim).take(SMALL as u64).read_to_end(&mut head)?;
    if head[..head.len().min(SNIFF)].contains(&0) {
        return Ok(Pass1 {
            found: Vec::new(),
            content: None,
            bytes: head.len() as u64,
            binary: true,
        });
    }
    let (mut found, content, bytes) = if (head.len() as u64) < SMALL as u64 {
        let keep = head
            .len()
            .min(usize::try_from(max_file).unwrap_or(usize::MAX));
        // Small content: scan in place (`scan_reader` would set up a 4 MiB window per file).
        let n = head.len() as u64;
        head.truncate(keep);
        let found = with_lines(&head, scan_bytes(&head));
        (found, Some(head), n)
    } else {
        let mut rest = Counter { inner: lim, n: 0 };
        let found = scan_reader(io::Cursor::new(&head).chain(&mut rest))?;
        (found, None, head.len() as u64 + rest.n)
    };
    found.retain(|(d, _)| d.end as u64 <= max_file);
    found.sort_by_key(|(d, _)| (d.start, d.end));
    Ok(Pass1 {
        found,
        content,
        bytes,
        binary: false,
    })
}

/// Pairs each detection with the 1-based line of its first byte.
fn with_lines(text: &[u8], mut found: Vec<Detection>) -> Vec<(Detection, u64)> {
    found.sort_by_key(|d| (d.start, d.end));
    let mut line = 1u64;
    let mut pos = 0usize;
    found
        .into_iter()
        .map(|d| {
            let to = d.start.min(text.len()).max(pos);
            line += memchr::memchr_iter(b'\n', &text[pos..to]).count() as u64;
            pos = to;
            (d, line)
        })
        .collect()
}

/// Reads the secrets of `found` (sorted by start) back from a second stream of the same
/// content, keeping only a window around the current detection in memory.
fn read_secrets(mut r: impl Read, found: &[(Detection, u64)]) -> io::Result<Vec<String>> {
    let mut out = Vec::with_capacity(found.len());
    let mut win: Vec<u8> = Vec::new();
    let mut win_start: u64 = 0;
    for (d, _) in found {
        let start = d.start as u64;
        let end = (d.end as u64).min(start + MAX_SECRET);
        if start > win_start {
            let drop = ((start - win_start) as usize).min(win.len());
            win.drain(..drop);
            win_start += drop as u64;
        }
        if win.is_empty() && win_start < start {
            let skip = start - win_start;
            let skipped = io::copy(&mut (&mut r).take(skip), &mut io::sink())?;
            win_start += skipped;
            if skipped < skip {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "content shrank",
                ));
            }
        }
        let have = win_start + win.len() as u64;
        if have < end {
            (&mut r).take(end - have).read_to_end(&mut win)?;
        }
        let a = (start - win_start) as usize;
        let b = ((end - win_start) as usize).min(win.len());
        out.push(redact(&String::from_utf8_lossy(
            win.get(a..b).unwrap_or(&[]),
        )));
    }
    Ok(out)
}

fn redacted_from(content: &[u8], d: &Detection) -> String {
    let s = content.get(d.start..d.end).unwrap_or(&[]);
    redact(&String::from_utf8_lossy(s))
}

/// Counts the bytes read through it.
struct Counter<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for Counter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n += n as u64;
        Ok(n)
    }
}

impl Scan {
    fn push_hits(&mut self, file: &str, found: &[(Detection, u64)], redacted: Vec<String>) {
        for ((d, line), r) in found.iter().zip(redacted) {
            self.hits.push(CodeHit {
                file: file.to_string(),
                line: *line,
                detector: d.detector,
                description: d.description,
                redacted: r,
                placeholder: d.confidence == Confidence::Placeholder,
            });
        }
    }
}

impl Visitor for Scan {
    fn select(&mut self, path: &str, _meta: &EntryMeta) -> Select {
        match kind_of(path.rsplit('!').next().unwrap_or(path)) {
            Kind::Zip => Select::Archive,
            Kind::Archive => {
                self.unread_archives.push(path.to_string());
                Select::Skip
            }
            Kind::Binary => Select::Skip,
            Kind::Text => Select::Stream,
        }
    }

    fn file(&mut self, _path: &str, _content: &[u8]) {}

    fn stream(&mut self, path: &str, _meta: &EntryMeta, opener: &mut dyn Opener) {
        let max = self.max_file;
        let p1 = match opener.open().and_then(|r| first_pass(r, max)) {
            Ok(p) => p,
            Err(e) => {
                self.problem(path, format!("cannot read: {e}"));
                return;
            }
        };
        if p1.binary {
            return;
        }
        if p1.bytes > max {
            self.problem(
                path,
                format!("larger than {max} bytes; only the first {max} bytes scanned"),
            );
        }
        let redacted = match &p1.content {
            Some(c) => p1.found.iter().map(|(d, _)| redacted_from(c, d)).collect(),
            None if p1.found.is_empty() => Vec::new(),
            None => match opener
                .open()
                .and_then(|r| read_secrets(r.take(max.saturating_add(1)), &p1.found))
            {
                Ok(r) => r,
                Err(e) => {
                    self.problem(path, format!("cannot read again for redaction: {e}"));
                    fallback_redactions(&p1.found)
                }
            },
        };
        self.push_hits(path, &p1.found, redacted);
    }

    fn problem(&mut self, path: &str, message: String) {
        if path.is_empty() {
            self.messages.push(format!("{}: {message}", self.root));
        } else {
            self.messages
                .push(format!("{}: {path}: {message}", self.root));
        }
    }
}

fn fallback_redactions(found: &[(Detection, u64)]) -> Vec<String> {
    found
        .iter()
        .map(|(d, _)| format!("…({} bytes)", d.end.saturating_sub(d.start)))
        .collect()
}
