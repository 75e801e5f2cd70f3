//! Credentials in a function's or layer's code: a directory tree or a `.zip`/`.jar` archive.
//!
//! Every file is streamed through [`crate::scan_reader`] (bounded memory). Zip entries are
//! decompressed on the fly, never extracted to disk, and guarded against bombs: a per-entry
//! size cap (`Read::take`), a cap on the running total of decompressed bytes, a cap on the
//! compression ratio (declared and actual) and a cap on the number of entries. Problems are
//! returned as messages and the scan goes on with the rest.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

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
        limits: *limits,
        root: path.display().to_string(),
        hits: Vec::new(),
        messages: Vec::new(),
        total: 0,
        entries: 0,
    };
    // The root itself is followed if it is a symlink: the caller named it.
    match std::fs::metadata(path) {
        Err(e) => s.msg(format!("cannot read: {e}")),
        Ok(m) if m.is_dir() => s.scan_dir(path),
        Ok(m) if m.is_file() => {
            if looks_like_zip(path) {
                s.scan_zip(path);
            } else {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| s.root.clone());
                s.entries = 1;
                s.scan_file(path, &name);
            }
        }
        Ok(_) => s.msg("not a directory, a zip or a regular file".to_string()),
    }
    (s.hits, s.messages)
}

/// Bytes sniffed for a NUL to recognise binary content.
const SNIFF: usize = 8 * 1024;
/// Content up to this size is kept in memory for redaction; larger content is read again.
const SMALL: usize = 1024 * 1024;
/// The ratio check applies once an entry has produced this many bytes (small, highly
/// repetitive text files compress far better than 200:1 without being bombs).
const RATIO_FLOOR: u64 = 1024 * 1024;
/// Longest secret read back for redaction.
const MAX_SECRET: u64 = 1024 * 1024;

/// Extensions of archives: not opened here (a message says so).
const ARCHIVE_EXT: &[&str] = &[
    "zip", "jar", "war", "ear", "whl", "egg", "tar", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar",
    "apk", "nupkg",
];
/// Extensions of binary files: skipped silently.
const BINARY_EXT: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "tif", "tiff", "so", "dylib", "dll", "exe",
    "o", "a", "node", "wasm", "pyc", "pyo", "class", "pdf", "ttf", "otf", "woff", "woff2", "eot",
    "mp3", "mp4", "wav", "ogg", "avi", "mov", "sqlite", "db",
];

enum Kind {
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
    if ARCHIVE_EXT.contains(&ext.as_str()) {
        Kind::Archive
    } else if BINARY_EXT.contains(&ext.as_str()) {
        Kind::Binary
    } else {
        Kind::Text
    }
}

/// A zip by magic bytes, or by extension (a corrupt `.zip` is then reported as corrupt).
fn looks_like_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    let by_magic = File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map(|_| magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06")
        .unwrap_or(false);
    let by_ext = path
        .extension()
        .map(|e| {
            let e = e.to_string_lossy().to_ascii_lowercase();
            e == "zip" || e == "jar"
        })
        .unwrap_or(false);
    by_magic || by_ext
}

/// Unsafe entry names, judged on the raw bytes (`enclosed_name()` silently turns `/abs` into
/// `abs`): absolute, drive-letter, backslash-rooted, NUL, or any `..` component.
fn unsafe_name(raw: &[u8]) -> bool {
    raw.is_empty()
        || raw[0] == b'/'
        || raw[0] == b'\\'
        || raw.contains(&0)
        || (raw.len() >= 2 && raw[1] == b':' && raw[0].is_ascii_alphabetic())
        || raw.split(|&b| b == b'/' || b == b'\\').any(|c| c == b"..")
}

struct Scan {
    limits: Limits,
    root: String,
    hits: Vec<CodeHit>,
    messages: Vec<String>,
    total: u64,
    entries: usize,
}

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

/// Fails the read once more than `ratio_limit` or `total_limit` bytes came through.
struct Guard<R> {
    inner: R,
    n: u64,
    ratio_limit: u64,
    total_limit: u64,
    tripped: Option<&'static str>,
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n += n as u64;
        if self.n > self.ratio_limit {
            self.tripped = Some("ratio");
        } else if self.n > self.total_limit {
            self.tripped = Some("total");
        }
        if self.tripped.is_some() {
            return Err(io::Error::other("zip limit exceeded"));
        }
        Ok(n)
    }
}

impl Scan {
    fn msg(&mut self, m: String) {
        self.messages.push(format!("{}: {m}", self.root));
    }

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

    /// Whether the limits let the scan go on; reports the limit once when they do not.
    fn budget_left(&mut self) -> bool {
        if self.total > self.limits.max_total_bytes {
            self.msg(format!(
                "total scanned bytes passed the limit of {} bytes; scan stopped",
                self.limits.max_total_bytes
            ));
            return false;
        }
        if self.entries >= self.limits.max_entries {
            self.msg(format!(
                "more than {} files; scan stopped",
                self.limits.max_entries
            ));
            return false;
        }
        true
    }

    fn scan_dir(&mut self, root: &Path) {
        let mut stack: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), String::new())];
        let mut symlinks = 0usize;
        'walk: while let Some((dir, rel)) = stack.pop() {
            let rd = match std::fs::read_dir(&dir) {
                Ok(rd) => rd,
                Err(e) => {
                    self.msg(format!("{}: cannot read directory: {e}", show(&rel)));
                    continue;
                }
            };
            let mut items = Vec::new();
            for ent in rd {
                match ent {
                    Ok(ent) => items.push(ent),
                    Err(e) => self.msg(format!("{}: cannot read directory: {e}", show(&rel))),
                }
            }
            items.sort_by_key(|e| e.file_name());
            let mut subdirs = Vec::new();
            for ent in items {
                let name = ent.file_name().to_string_lossy().into_owned();
                let child_rel = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                // `DirEntry::file_type` does not follow symlinks.
                let ft = match ent.file_type() {
                    Ok(ft) => ft,
                    Err(e) => {
                        self.msg(format!("{child_rel}: cannot read: {e}"));
                        continue;
                    }
                };
                if ft.is_symlink() {
                    symlinks += 1;
                } else if ft.is_dir() {
                    subdirs.push((ent.path(), child_rel));
                } else if ft.is_file() {
                    if !self.budget_left() {
                        break 'walk;
                    }
                    self.entries += 1;
                    self.scan_file(&ent.path(), &child_rel);
                }
            }
            // Reverse so that the stack pops them in name order.
            stack.extend(subdirs.into_iter().rev());
        }
        if symlinks > 0 {
            self.msg(format!("{symlinks} symbolic link(s) not followed"));
        }
    }

    fn scan_file(&mut self, path: &Path, rel: &str) {
        match kind_of(rel) {
            Kind::Archive => {
                self.msg(format!("{rel}: nested archive not opened"));
                return;
            }
            Kind::Binary => return,
            Kind::Text => {}
        }
        let max = self.limits.max_file_bytes;
        let p1 = match File::open(path).and_then(|f| first_pass(BufReader::new(f), max)) {
            Ok(p) => p,
            Err(e) => {
                self.msg(format!("{rel}: cannot read: {e}"));
                return;
            }
        };
        self.total += p1.bytes;
        if p1.binary {
            return;
        }
        if p1.bytes > max {
            self.msg(format!(
                "{rel}: larger than {max} bytes; only the first {max} bytes scanned"
            ));
        }
        let redacted = match &p1.content {
            Some(c) => p1.found.iter().map(|(d, _)| redacted_from(c, d)).collect(),
            None if p1.found.is_empty() => Vec::new(),
            None => match File::open(path).and_then(|f| read_secrets(BufReader::new(f), &p1.found))
            {
                Ok(r) => r,
                Err(e) => {
                    self.msg(format!("{rel}: cannot read again for redaction: {e}"));
                    fallback_redactions(&p1.found)
                }
            },
        };
        self.push_hits(rel, &p1.found, redacted);
    }

    fn scan_zip(&mut self, path: &Path) {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                self.msg(format!("cannot read: {e}"));
                return;
            }
        };
        let mut zip = match zip::ZipArchive::new(BufReader::new(file)) {
            Ok(z) => z,
            Err(e) => {
                self.msg(format!("not a readable zip: {e}"));
                return;
            }
        };
        let n = zip.len();
        if n > self.limits.max_entries {
            self.msg(format!(
                "zip has {n} entries, more than the limit of {}; only the first {} scanned",
                self.limits.max_entries, self.limits.max_entries
            ));
        }
        let max = self.limits.max_file_bytes;
        for i in 0..n.min(self.limits.max_entries) {
            self.entries += 1;
            // Metadata from the central directory, no decompression.
            let (name, raw_unsafe, is_dir, symlink, encrypted, size, csize) =
                match zip.by_index_data(i) {
                    Ok(e) => (
                        e.name()
                            .map(|n| n.into_owned())
                            .unwrap_or_else(|_| String::from_utf8_lossy(e.name_raw()).into_owned()),
                        unsafe_name(e.name_raw()) || e.enclosed_name().is_none(),
                        e.is_dir(),
                        e.is_symlink(),
                        e.encrypted(),
                        e.size(),
                        e.compressed_size(),
                    ),
                    Err(e) => {
                        self.msg(format!("entry #{i}: unreadable: {e}"));
                        continue;
                    }
                };
            if raw_unsafe {
                self.msg(format!(
                    "entry {name:?}: path-traversal or absolute name; skipped"
                ));
                continue;
            }
            if is_dir {
                continue;
            }
            if symlink {
                self.msg(format!("entry {name}: symbolic link; skipped"));
                continue;
            }
            if encrypted {
                self.msg(format!("entry {name}: encrypted; not scanned"));
                continue;
            }
            match kind_of(&name) {
                Kind::Archive => {
                    self.msg(format!("entry {name}: nested archive not opened"));
                    continue;
                }
                Kind::Binary => continue,
                Kind::Text => {}
            }
            let ratio = self.limits.max_ratio;
            if size > RATIO_FLOOR && size / csize.max(1) > ratio {
                self.msg(format!(
                    "entry {name}: compression ratio {}:1 exceeds {ratio}:1 (declared {size} bytes from {csize}); possible zip bomb, zip scan stopped",
                    size / csize.max(1)
                ));
                return;
            }
            let remaining = self.limits.max_total_bytes.saturating_sub(self.total);
            let p1 = {
                let f = match zip.by_index(i) {
                    Ok(f) => f,
                    Err(e) => {
                        self.msg(format!("entry {name}: cannot read: {e}"));
                        continue;
                    }
                };
                let mut g = Guard {
                    inner: f,
                    n: 0,
                    ratio_limit: csize.saturating_mul(ratio).max(RATIO_FLOOR),
                    total_limit: remaining,
                    tripped: None,
                };
                let r = first_pass(&mut g, max);
                self.total += g.n;
                match (r, g.tripped) {
                    (_, Some("ratio")) => {
                        self.msg(format!(
                            "entry {name}: decompressed past {ratio}x its compressed size of {csize} bytes; possible zip bomb, zip scan stopped"
                        ));
                        return;
                    }
                    (_, Some(_)) => {
                        self.msg(format!(
                            "entry {name}: total decompressed bytes passed the limit of {} bytes; zip scan stopped",
                            self.limits.max_total_bytes
                        ));
                        return;
                    }
                    (Ok(p), None) => p,
                    (Err(e), None) => {
                        self.msg(format!("entry {name}: cannot read: {e}"));
                        continue;
                    }
                }
            };
            if p1.binary {
                continue;
            }
            if p1.bytes > max {
                self.msg(format!(
                    "entry {name}: larger than {max} bytes; only the first {max} bytes scanned"
                ));
            }
            let redacted = match &p1.content {
                Some(c) => p1.found.iter().map(|(d, _)| redacted_from(c, d)).collect(),
                None if p1.found.is_empty() => Vec::new(),
                None => match zip
                    .by_index(i)
                    .map_err(io::Error::other)
                    .and_then(|f| read_secrets(f.take(max.saturating_add(1)), &p1.found))
                {
                    Ok(r) => r,
                    Err(e) => {
                        self.msg(format!(
                            "entry {name}: cannot read again for redaction: {e}"
                        ));
                        fallback_redactions(&p1.found)
                    }
                },
            };
            self.push_hits(&name, &p1.found, redacted);
        }
    }
}

fn fallback_redactions(found: &[(Detection, u64)]) -> Vec<String> {
    found
        .iter()
        .map(|(d, _)| format!("…({} bytes)", d.end.saturating_sub(d.start)))
        .collect()
}

fn show(rel: &str) -> &str {
    if rel.is_empty() {
        "."
    } else {
        rel
    }
}
