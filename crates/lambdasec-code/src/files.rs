//! The source files of one code location, read through the bounded archive walker, parsed
//! lazily (once each, whichever handler needs them first), and the resolution of handler
//! strings and local imports to files.

use crate::ir::{Lang, Module};
use lambdasec_archive::{EntryMeta, Limits, Select, Visitor};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Files larger than this are not read (minified bundles, generated code).
pub const MAX_SOURCE_BYTES: u64 = 2 * 1024 * 1024;
/// Source bytes held for one code location.
pub const MAX_LOCATION_BYTES: u64 = 512 * 1024 * 1024;

/// Directories whose content is never the function's own code.
const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "site-packages",
    "dist-packages",
    "__pycache__",
    ".venv",
    "venv",
    ".git",
    "bower_components",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".serverless",
];

/// Extensions of the files read.
const SOURCE_EXTS: &[&str] = &["py", "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx"];

/// Node module extensions, in the order a handler's file is looked up.
pub const NODE_EXTS: &[&str] = &["js", "mjs", "cjs", "ts", "mts", "cts", "tsx", "jsx"];
/// And for relative imports (also JSX/TSX sources).
const IMPORT_EXTS: &[&str] = &["js", "mjs", "cjs", "ts", "mts", "cts", "tsx", "jsx"];

pub type FileId = u32;

/// One code location's source files.
pub struct FileSet {
    pub paths: Vec<String>,
    contents: Vec<Vec<u8>>,
    by_path: HashMap<String, FileId>,
    parsed: Vec<OnceLock<Option<Arc<Module>>>>,
    /// The parts of each file worth parsing ([`crate::prescan::plan`]).
    plan: OnceLock<HashMap<FileId, Option<Vec<crate::prescan::Span>>>>,
}

struct Reader {
    files: Vec<(String, Vec<u8>)>,
    records: Vec<String>,
    bytes: u64,
    full: bool,
}

fn wanted_source(path: &str) -> bool {
    let Some((_, ext)) = path.rsplit_once('.') else {
        return false;
    };
    if !SOURCE_EXTS.contains(&ext) || path.ends_with(".d.ts") || path.contains('!') {
        return false;
    }
    !path
        .split('/')
        .any(|c| SKIP_DIRS.contains(&c) || c.ends_with(".dist-info") || c.ends_with(".egg-info"))
}

fn is_record(path: &str) -> bool {
    let mut it = path.rsplit('/');
    let file = it.next().unwrap_or_default();
    let dir = it.next().unwrap_or_default();
    it.next().is_none()
        && ((dir.ends_with(".dist-info") && file == "RECORD")
            || ((dir.ends_with(".dist-info") || dir.ends_with(".egg-info"))
                && file == "top_level.txt"))
}

impl Visitor for Reader {
    fn select(&mut self, path: &str, meta: &EntryMeta) -> Select {
        if meta.depth > 0 || meta.size > MAX_SOURCE_BYTES {
            return Select::Skip;
        }
        if is_record(path) {
            return Select::Read;
        }
        if !wanted_source(path) {
            return Select::Skip;
        }
        if self.bytes + meta.size > MAX_LOCATION_BYTES {
            self.full = true;
            return Select::Skip;
        }
        self.bytes += meta.size;
        Select::Read
    }

    fn file(&mut self, path: &str, content: &[u8]) {
        if is_record(path) {
            self.records
                .push(String::from_utf8_lossy(content).into_owned());
        } else {
            self.files.push((path.to_string(), content.to_vec()));
        }
    }

    fn problem(&mut self, _path: &str, _message: String) {
        // The secret scanner walks the same code and reports what cannot be read.
    }
}

impl FileSet {
    /// Reads the source files of a directory or zip. Python distributions installed at the
    /// root (`pip install -t .`: a `*.dist-info` names their files) are left out: they are
    /// dependencies, not the function's code.
    pub fn read(path: &Path, limits: &Limits) -> FileSet {
        let mut r = Reader {
            files: Vec::new(),
            records: Vec::new(),
            bytes: 0,
            full: false,
        };
        lambdasec_archive::walk(path, limits, &mut r);
        let mut third_party: HashSet<String> = HashSet::new();
        for rec in &r.records {
            for line in rec.lines() {
                let p = line.split(',').next().unwrap_or_default().trim();
                let top = p.split('/').next().unwrap_or_default();
                if top.is_empty() || top.ends_with(".dist-info") || top == ".." {
                    continue;
                }
                if p.contains('/') {
                    third_party.insert(top.to_string());
                } else if let Some(m) = top.strip_suffix(".py") {
                    third_party.insert(format!("{m}.py"));
                } else if !top.contains('.') {
                    // top_level.txt: one package name a line.
                    third_party.insert(top.to_string());
                    third_party.insert(format!("{top}.py"));
                }
            }
        }
        let mut fs = FileSet {
            paths: Vec::new(),
            contents: Vec::new(),
            by_path: HashMap::new(),
            parsed: Vec::new(),
            plan: OnceLock::new(),
        };
        for (p, c) in r.files {
            let top = p.split('/').next().unwrap_or_default();
            if p.ends_with(".py") && third_party.contains(top) {
                continue;
            }
            fs.add(p, c);
        }
        fs
    }

    /// A file set from memory (tests, benchmarks).
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> FileSet {
        let mut fs = FileSet {
            paths: Vec::new(),
            contents: Vec::new(),
            by_path: HashMap::new(),
            parsed: Vec::new(),
            plan: OnceLock::new(),
        };
        for (p, c) in files {
            fs.add(p, c);
        }
        fs
    }

    fn add(&mut self, p: String, c: Vec<u8>) {
        let id = self.paths.len() as FileId;
        self.by_path.insert(p.clone(), id);
        self.paths.push(p);
        self.contents.push(c);
        self.parsed.push(OnceLock::new());
    }

    pub fn get(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub(crate) fn content(&self, id: FileId) -> &[u8] {
        &self.contents[id as usize]
    }

    pub fn path(&self, id: FileId) -> &str {
        &self.paths[id as usize]
    }

    /// Restricts later parses to what the handlers can reach (set once, before any parse).
    pub(crate) fn set_plan(&self, plan: HashMap<FileId, Option<Vec<crate::prescan::Span>>>) {
        let _ = self.plan.set(plan);
    }

    /// The parsed file (parsed on first use; only the planned parts when there is a plan).
    pub fn module(&self, id: FileId) -> Option<Arc<Module>> {
        self.parsed[id as usize]
            .get_or_init(|| {
                let ranges = self
                    .plan
                    .get()
                    .and_then(|p| p.get(&id))
                    .and_then(|r| r.as_deref());
                crate::parse::parse_ranges(
                    &self.paths[id as usize],
                    &self.contents[id as usize],
                    ranges,
                )
                .map(Arc::new)
            })
            .clone()
    }

    /// Files parsed so far, with their first syntax error.
    pub fn errors(&self) -> Vec<(FileId, u32, String)> {
        let mut out = Vec::new();
        for (i, p) in self.parsed.iter().enumerate() {
            if let Some(Some(m)) = p.get() {
                if let Some((line, msg)) = &m.error {
                    out.push((i as FileId, *line, msg.clone()));
                }
            }
        }
        out
    }

    /// The file a handler string names, and the exported function's name.
    pub fn resolve_handler(
        &self,
        handler: &str,
        runtime: Option<&str>,
    ) -> Option<(FileId, String)> {
        let handler = handler.trim().trim_start_matches("./");
        let (dir, base) = match handler.rsplit_once('/') {
            Some((d, b)) => (format!("{d}/"), b),
            None => (String::new(), handler),
        };
        let family = runtime.map(|r| r.to_ascii_lowercase());
        let python = family.as_deref().map(|r| r.starts_with("python"));
        let node = family.as_deref().map(|r| r.starts_with("nodejs"));
        if python == Some(false) && node == Some(false) {
            return None;
        }
        let py = || {
            // `pkg.mod.handler` → pkg/mod.py, function `handler`.
            let (module, func) = base.rsplit_once('.')?;
            let module_path = format!("{dir}{}", module.replace('.', "/"));
            self.get(&format!("{module_path}.py"))
                .or_else(|| self.get(&format!("{module_path}/__init__.py")))
                .map(|id| (id, func.to_string()))
        };
        let js = || {
            // `src/index.handler` → src/index.{js,mjs,...}, export `handler`.
            let (file, export) = base.split_once('.')?;
            NODE_EXTS
                .iter()
                .find_map(|e| self.get(&format!("{dir}{file}.{e}")))
                .map(|id| (id, export.to_string()))
        };
        match (python, node) {
            (Some(true), _) => py(),
            (_, Some(true)) => js(),
            _ => py().or_else(js),
        }
    }

    /// The local file a Python import names, from the importing file.
    pub fn resolve_py(&self, from: FileId, module: &str, level: u32) -> Option<FileId> {
        let rel = module.replace('.', "/");
        let try_base = |base: &str| -> Option<FileId> {
            let stem = if rel.is_empty() {
                base.trim_end_matches('/').to_string()
            } else if base.is_empty() {
                rel.clone()
            } else {
                format!("{base}/{rel}")
            };
            if stem.is_empty() {
                return None;
            }
            self.get(&format!("{stem}.py"))
                .or_else(|| self.get(&format!("{stem}/__init__.py")))
        };
        let from_dir = parent(self.path(from));
        if level > 0 {
            let mut base = from_dir.to_string();
            for _ in 1..level {
                if base.is_empty() {
                    return None;
                }
                base = parent(&base).to_string();
            }
            return try_base(&base);
        }
        try_base("").or_else(|| {
            if from_dir.is_empty() {
                None
            } else {
                try_base(from_dir)
            }
        })
    }

    /// A Python package directory named by a dotted import without an `__init__.py`
    /// (a namespace package): its path, if any file lies under it.
    pub fn py_namespace_dir(&self, from: FileId, module: &str) -> Option<String> {
        let rel = module.replace('.', "/");
        let prefix = format!("{rel}/");
        if self.paths.iter().any(|p| p.starts_with(&prefix)) {
            return Some(rel);
        }
        let d = parent(self.path(from));
        if d.is_empty() {
            return None;
        }
        let prefix = format!("{d}/{rel}/");
        self.paths
            .iter()
            .any(|p| p.starts_with(&prefix))
            .then(|| format!("{d}/{rel}"))
    }

    /// The local file a JS/TS import specifier names, from the importing file; only
    /// relative specifiers inside the code location.
    pub fn resolve_js(&self, from: FileId, spec: &str) -> Option<FileId> {
        if !(spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == "..") {
            return None;
        }
        let joined = normalize(&format!("{}/{spec}", parent(self.path(from))))?;
        if let Some(id) = self.get(&joined) {
            if crate::parse::lang_of(&joined).is_some() {
                return Some(id);
            }
        }
        // TypeScript sources import `./x.js` meaning `./x.ts`.
        if let Some((stem, ext)) = joined.rsplit_once('.') {
            let alts: &[&str] = match ext {
                "js" => &["ts", "tsx"],
                "mjs" => &["mts"],
                "cjs" => &["cts"],
                "jsx" => &["tsx"],
                _ => &[],
            };
            for a in alts {
                if let Some(id) = self.get(&format!("{stem}.{a}")) {
                    return Some(id);
                }
            }
        }
        let base = joined.trim_end_matches('/');
        for e in IMPORT_EXTS {
            if let Some(id) = self.get(&format!("{base}.{e}")) {
                return Some(id);
            }
        }
        for e in IMPORT_EXTS {
            let p = if base.is_empty() {
                format!("index.{e}")
            } else {
                format!("{base}/index.{e}")
            };
            if let Some(id) = self.get(&p) {
                return Some(id);
            }
        }
        None
    }

    pub fn lang(&self, id: FileId) -> Option<Lang> {
        crate::parse::lang_of(self.path(id)).map(|(l, _)| l)
    }
}

/// The directory part of a `/`-separated path (`""` at the root).
pub fn parent(p: &str) -> &str {
    p.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Resolves `.` and `..`; `None` when the path leaves the root.
fn normalize(p: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            c => out.push(c),
        }
    }
    Some(out.join("/"))
}
