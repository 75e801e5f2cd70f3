//! Bounded, read-only walking of a function's or layer's code: a directory tree, a zip file,
//! and the archives nested inside them (`.jar`, `.war`, `.ear`, `.zip`).
//!
//! Nothing is ever extracted to disk. A [`Visitor`] sees every regular file by path and
//! decides, from the path and size alone, whether its content is wanted; only then is the
//! entry decompressed. Hostile input is bounded:
//! - per entry: content larger than [`Limits::max_file_bytes`] is not read (a problem says so);
//! - per walk: [`Limits::max_total_bytes`] decompressed bytes and [`Limits::max_entries`]
//!   entries in all, nested archives included;
//! - zip bombs: an entry whose declared or actual decompressed size passes
//!   [`Limits::max_ratio`] times its compressed size (once past 1 MiB) stops the walk;
//! - nested archives: held in memory only up to [`Limits::max_nested_bytes`], at most
//!   [`Limits::max_depth`] levels deep;
//! - entry names that are absolute, contain `..` components or NUL bytes, symbolic links and
//!   encrypted entries are skipped with a problem report; directories are walked without
//!   following symbolic links.
//!
//! Problems never abort the walk of the rest: a corrupt nested jar yields one problem and the
//! outer archive goes on.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::path::Path;
use std::rc::Rc;

/// Resource limits of one [`walk`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Files and entries examined in all, nested archives included.
    pub max_entries: usize,
    /// Largest content handed to [`Visitor::file`].
    pub max_file_bytes: u64,
    /// Decompressed bytes read in all.
    pub max_total_bytes: u64,
    /// Largest accepted decompressed : compressed ratio of an entry past 1 MiB.
    pub max_ratio: u64,
    /// Deepest archive nesting opened (the outer zip is depth 1).
    pub max_depth: u32,
    /// Largest nested archive held in memory.
    pub max_nested_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 200_000,
            max_file_bytes: 128 * 1024 * 1024,
            max_total_bytes: 1024 * 1024 * 1024,
            max_ratio: 200,
            max_depth: 8,
            max_nested_bytes: 128 * 1024 * 1024,
        }
    }
}

/// What is known about an entry before its content is read.
#[derive(Debug, Clone, Copy)]
pub struct EntryMeta {
    /// Decompressed size as declared (zip) or on disk (directory).
    pub size: u64,
    /// The Unix mode has an execute bit.
    pub executable: bool,
    /// 0 for a directory's files and the outer zip's entries, 1 inside a nested archive, ...
    pub depth: u32,
}

/// What the walk should do with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    Skip,
    /// Hand the content to [`Visitor::file`] (entries larger than
    /// [`Limits::max_file_bytes`] are not read).
    Read,
    /// Hand [`Visitor::stream`] an [`Opener`]: the visitor reads what it wants, as often as
    /// it wants, and bounds each read itself; zip-bomb and total limits still apply.
    Stream,
    /// Open it as a zip archive and walk its entries (paths `outer!inner`).
    Archive,
}

/// Opens a fresh reader over one entry's content, each time from the start.
pub trait Opener {
    fn open(&mut self) -> io::Result<Box<dyn Read + '_>>;
}

/// Receives the walk.
pub trait Visitor {
    fn select(&mut self, path: &str, meta: &EntryMeta) -> Select;
    fn file(&mut self, path: &str, content: &[u8]);
    /// Called for entries selected with [`Select::Stream`].
    fn stream(&mut self, path: &str, meta: &EntryMeta, opener: &mut dyn Opener) {
        let _ = (path, meta, opener);
    }
    /// Something could not be read or was refused; `path` is the entry or file concerned
    /// (`""` for the walked root itself).
    fn problem(&mut self, path: &str, message: String);
}

/// Walks `path`: a directory (recursively, symbolic links not followed), a zip file (by magic
/// bytes or a `.zip`/`.jar`/`.war`/`.ear` extension), or a single file (path = its file name).
pub fn walk(path: &Path, limits: &Limits, v: &mut dyn Visitor) {
    let mut w = Walker {
        limits: *limits,
        total: 0,
        entries: 0,
        stopped: false,
    };
    match std::fs::metadata(path) {
        Err(e) => v.problem("", format!("cannot read: {e}")),
        Ok(m) if m.is_dir() => w.dir(path, v),
        Ok(m) if m.is_file() => {
            if looks_like_zip(path) {
                match File::open(path) {
                    Ok(f) => w.zip(BufReader::new(f), "", 1, v),
                    Err(e) => v.problem("", format!("cannot read: {e}")),
                }
            } else {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let meta = EntryMeta {
                    size: m.len(),
                    executable: is_exec(&m),
                    depth: 0,
                };
                w.disk_file(path, &name, &meta, v);
            }
        }
        Ok(_) => v.problem("", "not a directory, a zip or a regular file".to_string()),
    }
}

/// Whether the file starts like a zip, or is named like one.
pub fn looks_like_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    let by_magic = File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map(|_| is_zip_magic(&magic))
        .unwrap_or(false);
    by_magic || has_archive_ext(&path.to_string_lossy())
}

/// `PK\x03\x04` (local header) or `PK\x05\x06` (empty archive).
pub fn is_zip_magic(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// A zip-format archive by its name: `.zip`, `.jar`, `.war`, `.ear`.
pub fn has_archive_ext(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".zip", ".jar", ".war", ".ear"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Unsafe entry names, judged on the raw bytes (`enclosed_name()` silently turns `/abs` into
/// `abs`): empty, absolute, drive-letter, backslash-rooted, NUL, or any `..` component.
pub fn unsafe_name(raw: &[u8]) -> bool {
    raw.is_empty()
        || raw[0] == b'/'
        || raw[0] == b'\\'
        || raw.contains(&0)
        || (raw.len() >= 2 && raw[1] == b':' && raw[0].is_ascii_alphabetic())
        || raw.split(|&b| b == b'/' || b == b'\\').any(|c| c == b"..")
}

/// Decompressed bytes after which the ratio check applies (small, highly repetitive text
/// files compress far better than 200:1 without being bombs).
pub const RATIO_FLOOR: u64 = 1024 * 1024;

/// Which limit a guarded reader hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tripped {
    Ratio,
    Total,
}

#[cfg(unix)]
fn is_exec(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_exec(_: &std::fs::Metadata) -> bool {
    false
}

struct Walker {
    limits: Limits,
    total: u64,
    entries: usize,
    /// A walk-wide limit was hit: nothing more is read.
    stopped: bool,
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}!{name}")
    }
}

impl Walker {
    /// Counts one entry; false (and one problem) once a walk-wide limit is reached.
    fn admit(&mut self, v: &mut dyn Visitor) -> bool {
        if self.stopped {
            return false;
        }
        if self.entries >= self.limits.max_entries {
            v.problem(
                "",
                format!(
                    "more than {} files and entries; the rest was not read",
                    self.limits.max_entries
                ),
            );
            self.stopped = true;
            return false;
        }
        if self.total > self.limits.max_total_bytes {
            v.problem(
                "",
                format!(
                    "more than {} bytes read in all; the rest was not read",
                    self.limits.max_total_bytes
                ),
            );
            self.stopped = true;
            return false;
        }
        self.entries += 1;
        true
    }

    fn dir(&mut self, root: &Path, v: &mut dyn Visitor) {
        let mut stack = vec![(root.to_path_buf(), String::new())];
        let mut symlinks = 0usize;
        while let Some((dir, rel)) = stack.pop() {
            let mut items = Vec::new();
            match std::fs::read_dir(&dir) {
                Ok(rd) => {
                    for ent in rd {
                        match ent {
                            Ok(e) => items.push(e),
                            Err(e) => v.problem(&rel, format!("cannot read directory: {e}")),
                        }
                    }
                }
                Err(e) => {
                    v.problem(&rel, format!("cannot read directory: {e}"));
                    continue;
                }
            }
            items.sort_by_key(|e| e.file_name());
            let mut subdirs = Vec::new();
            for ent in items {
                let name = ent.file_name().to_string_lossy().into_owned();
                let child = if rel.is_empty() {
                    name
                } else {
                    format!("{rel}/{name}")
                };
                // `DirEntry::file_type` does not follow symbolic links.
                let ft = match ent.file_type() {
                    Ok(ft) => ft,
                    Err(e) => {
                        v.problem(&child, format!("cannot read: {e}"));
                        continue;
                    }
                };
                if ft.is_symlink() {
                    symlinks += 1;
                } else if ft.is_dir() {
                    subdirs.push((ent.path(), child));
                } else if ft.is_file() {
                    let m = match ent.metadata() {
                        Ok(m) => m,
                        Err(e) => {
                            v.problem(&child, format!("cannot read: {e}"));
                            continue;
                        }
                    };
                    let meta = EntryMeta {
                        size: m.len(),
                        executable: is_exec(&m),
                        depth: 0,
                    };
                    self.disk_file(&ent.path(), &child, &meta, v);
                    if self.stopped {
                        return;
                    }
                }
            }
            stack.extend(subdirs.into_iter().rev());
        }
        if symlinks > 0 {
            v.problem("", format!("{symlinks} symbolic link(s) not followed"));
        }
    }

    fn disk_file(&mut self, path: &Path, rel: &str, meta: &EntryMeta, v: &mut dyn Visitor) {
        let sel = v.select(rel, meta);
        if sel == Select::Skip || !self.admit(v) {
            return;
        }
        if sel == Select::Stream {
            let mut o = DiskOpener {
                path,
                remaining: self.limits.max_total_bytes.saturating_sub(self.total),
                read: Rc::new(Cell::new(0)),
                tripped: Rc::new(Cell::new(None)),
            };
            v.stream(rel, meta, &mut o);
            self.total += o.read.get();
            if o.tripped.get().is_some() {
                v.problem(
                    rel,
                    format!(
                        "more than {} bytes read in all; the rest was not read",
                        self.limits.max_total_bytes
                    ),
                );
                self.stopped = true;
            }
            return;
        }
        let cap = match sel {
            Select::Archive => self.limits.max_nested_bytes,
            _ => self.limits.max_file_bytes,
        };
        if meta.size > cap {
            v.problem(
                rel,
                format!(
                    "{} bytes, larger than the limit of {cap}; not read",
                    meta.size
                ),
            );
            return;
        }
        match sel {
            Select::Archive => match File::open(path) {
                Ok(f) => self.zip(BufReader::new(f), rel, 1, v),
                Err(e) => v.problem(rel, format!("cannot read: {e}")),
            },
            _ => {
                let mut buf = Vec::new();
                match File::open(path).and_then(|f| f.take(cap + 1).read_to_end(&mut buf)) {
                    Ok(_) if buf.len() as u64 > cap => v.problem(
                        rel,
                        format!("larger than the limit of {cap} bytes; not read"),
                    ),
                    Ok(n) => {
                        self.total += n as u64;
                        v.file(rel, &buf);
                    }
                    Err(e) => v.problem(rel, format!("cannot read: {e}")),
                }
            }
        }
    }

    /// Walks the zip read from `r`; entry paths are prefixed with `prefix!`.
    fn zip<R: Read + Seek>(&mut self, r: R, prefix: &str, depth: u32, v: &mut dyn Visitor) {
        let mut zip = match zip::ZipArchive::new(r) {
            Ok(z) => z,
            Err(e) => {
                v.problem(prefix, format!("not a readable zip archive: {e}"));
                return;
            }
        };
        for i in 0..zip.len() {
            // Metadata from the central directory, no decompression.
            let (name, unsafe_, is_dir, symlink, encrypted, size, csize, exec) =
                match zip.by_index_raw(i) {
                    Ok(e) => (
                        String::from_utf8_lossy(e.name_raw()).into_owned(),
                        unsafe_name(e.name_raw()) || e.enclosed_name().is_none(),
                        e.is_dir(),
                        e.is_symlink(),
                        e.encrypted(),
                        e.size(),
                        e.compressed_size(),
                        e.unix_mode().is_some_and(|m| m & 0o111 != 0),
                    ),
                    Err(e) => {
                        v.problem(prefix, format!("entry #{i}: unreadable: {e}"));
                        continue;
                    }
                };
            let path = join(prefix, &name);
            if unsafe_ {
                v.problem(
                    &path,
                    "path-traversal or absolute entry name; skipped".to_string(),
                );
                continue;
            }
            if is_dir {
                continue;
            }
            if symlink {
                v.problem(&path, "symbolic link entry; skipped".to_string());
                continue;
            }
            let meta = EntryMeta {
                size,
                executable: exec,
                depth: depth - 1,
            };
            let sel = v.select(&path, &meta);
            if sel == Select::Skip {
                continue;
            }
            if !self.admit(v) {
                return;
            }
            if encrypted {
                v.problem(&path, "encrypted entry; not read".to_string());
                continue;
            }
            if sel == Select::Archive && depth >= self.limits.max_depth {
                v.problem(
                    &path,
                    format!(
                        "archive nested deeper than {} levels; not opened",
                        self.limits.max_depth
                    ),
                );
                continue;
            }
            let ratio = self.limits.max_ratio;
            if size > RATIO_FLOOR && size / csize.max(1) > ratio {
                v.problem(
                    &path,
                    format!(
                        "declared compression ratio {}:1 exceeds {ratio}:1 ({size} bytes from {csize}); possible zip bomb, nothing more read",
                        size / csize.max(1)
                    ),
                );
                self.stopped = true;
                return;
            }
            let cap = match sel {
                Select::Archive => self.limits.max_nested_bytes,
                _ => self.limits.max_file_bytes,
            };
            if sel != Select::Stream && size > cap {
                v.problem(
                    &path,
                    format!("{size} bytes, larger than the limit of {cap}; not read"),
                );
                continue;
            }
            let mut o = ZipOpener {
                zip: &mut zip,
                index: i,
                ratio_limit: csize.saturating_mul(ratio).max(RATIO_FLOOR),
                remaining: self.limits.max_total_bytes.saturating_sub(self.total),
                read: Rc::new(Cell::new(0)),
                tripped: Rc::new(Cell::new(None)),
            };
            let mut buf = Vec::new();
            let res = if sel == Select::Stream {
                v.stream(&path, &meta, &mut o);
                Ok(())
            } else {
                o.open()
                    .and_then(|r| r.take(cap + 1).read_to_end(&mut buf))
                    .map(|_| ())
            };
            self.total += o.read.get();
            if let Some(t) = o.tripped.get() {
                let message = match t {
                    Tripped::Ratio => format!(
                        "decompressed past {ratio} times its compressed size of {csize} bytes; possible zip bomb, nothing more read"
                    ),
                    Tripped::Total => format!(
                        "more than {} bytes read in all; the rest was not read",
                        self.limits.max_total_bytes
                    ),
                };
                v.problem(&path, message);
                self.stopped = true;
                return;
            }
            if sel == Select::Stream {
                continue;
            }
            if let Err(e) = res {
                v.problem(&path, format!("cannot read: {e}"));
                continue;
            }
            if buf.len() as u64 > cap {
                v.problem(
                    &path,
                    format!("larger than its declared size and the limit of {cap} bytes; not read"),
                );
                continue;
            }
            match sel {
                Select::Archive => {
                    self.zip(Cursor::new(buf), &path, depth + 1, v);
                    if self.stopped {
                        return;
                    }
                }
                _ => v.file(&path, &buf),
            }
        }
    }
}

struct DiskOpener<'a> {
    path: &'a Path,
    remaining: u64,
    read: Rc<Cell<u64>>,
    tripped: Rc<Cell<Option<Tripped>>>,
}

impl Opener for DiskOpener<'_> {
    fn open(&mut self) -> io::Result<Box<dyn Read + '_>> {
        if self.tripped.get().is_some() {
            return Err(io::Error::other("read limit exceeded"));
        }
        let f = File::open(self.path)?;
        Ok(Box::new(Guard {
            inner: BufReader::new(f),
            n: 0,
            ratio_limit: u64::MAX,
            total_limit: self.remaining,
            read: self.read.clone(),
            tripped: self.tripped.clone(),
        }))
    }
}

struct ZipOpener<'a, R: Read + Seek> {
    zip: &'a mut zip::ZipArchive<R>,
    index: usize,
    ratio_limit: u64,
    remaining: u64,
    read: Rc<Cell<u64>>,
    tripped: Rc<Cell<Option<Tripped>>>,
}

/// Fails the read once more than `ratio_limit` bytes (a zip bomb) or more than `total_limit`
/// bytes in all came through, and records which limit tripped in a shared cell.
struct Guard<R> {
    inner: R,
    n: u64,
    ratio_limit: u64,
    total_limit: u64,
    read: Rc<Cell<u64>>,
    tripped: Rc<Cell<Option<Tripped>>>,
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.tripped.get().is_some() {
            return Err(io::Error::other("archive limit exceeded"));
        }
        let n = self.inner.read(buf)?;
        self.n += n as u64;
        self.read.set(self.read.get() + n as u64);
        if self.n > self.ratio_limit {
            self.tripped.set(Some(Tripped::Ratio));
        } else if self.read.get() > self.total_limit {
            self.tripped.set(Some(Tripped::Total));
        }
        if self.tripped.get().is_some() {
            return Err(io::Error::other("archive limit exceeded"));
        }
        Ok(n)
    }
}

impl<R: Read + Seek> Opener for ZipOpener<'_, R> {
    fn open(&mut self) -> io::Result<Box<dyn Read + '_>> {
        if self.tripped.get().is_some() {
            return Err(io::Error::other("archive limit exceeded"));
        }
        let f = self.zip.by_index(self.index).map_err(io::Error::other)?;
        Ok(Box::new(Guard {
            inner: f,
            n: 0,
            ratio_limit: self.ratio_limit,
            total_limit: self.remaining,
            read: self.read.clone(),
            tripped: self.tripped.clone(),
        }))
    }
}
