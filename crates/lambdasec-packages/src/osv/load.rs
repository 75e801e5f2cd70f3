//! Reading OSV records from disk: directories (searched recursively) of `*.json` records and
//! `*.zip` exports of them. Records are parsed in parallel; a record that does not parse is
//! counted and named in [`LoadStats::errors`], and loading goes on.

use super::{Database, Record};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest record file or zip entry read.
const MAX_RECORD: u64 = 16 * 1024 * 1024;
/// Largest export zip read.
const MAX_ZIP: u64 = 4 * 1024 * 1024 * 1024;
/// Parse errors kept verbatim (all are counted).
const KEEP_ERRORS: usize = 20;

/// What a load read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LoadStats {
    /// Each directory, zip or file given, with the number of records read from it.
    pub sources: Vec<(String, usize)>,
    /// Records kept (withdrawn and duplicate ones excluded).
    pub records: usize,
    pub withdrawn: usize,
    /// The same id read more than once (the newest `modified` is kept).
    pub duplicates: usize,
    /// Records per supported ecosystem (a record counts once, under its first ecosystem).
    pub per_ecosystem: BTreeMap<String, usize>,
    /// Records for none of the supported ecosystems (Debian, Alpine, ...).
    pub other_ecosystems: usize,
    pub newest_modified: Option<String>,
    /// Files in the directories that are neither JSON records nor zips.
    pub skipped_files: usize,
    pub error_count: usize,
    /// The first errors, each naming the file (and entry) and the line.
    pub errors: Vec<String>,
}

/// The bytes of a zip export, shared by the threads that read its entries.
#[derive(Clone)]
struct Shared(Arc<[u8]>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

type Parsed = Vec<Result<Record, String>>;

fn parse(name: &str, bytes: &[u8]) -> Result<Record, String> {
    serde_json::from_slice::<Record>(bytes).map_err(|e| {
        if e.line() > 0 {
            format!("{name}:{}: {e}", e.line())
        } else {
            format!("{name}: {e}")
        }
    })
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut buf = Vec::new();
    f.take(MAX_RECORD + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if buf.len() as u64 > MAX_RECORD {
        return Err(format!(
            "{}: larger than {MAX_RECORD} bytes; not read",
            path.display()
        ));
    }
    Ok(buf)
}

fn load_zip(path: &Path) -> Result<Parsed, String> {
    let shown = path.display().to_string();
    let len = std::fs::metadata(path)
        .map_err(|e| format!("{shown}: {e}"))?
        .len();
    if len > MAX_ZIP {
        return Err(format!("{shown}: larger than {MAX_ZIP} bytes; not read"));
    }
    let bytes: Arc<[u8]> = std::fs::read(path)
        .map_err(|e| format!("{shown}: {e}"))?
        .into();
    let zip = zip::ZipArchive::new(Cursor::new(Shared(bytes)))
        .map_err(|e| format!("{shown}: not a readable zip archive: {e}"))?;
    let indices: Vec<usize> = (0..zip.len()).collect();
    let out: Vec<Parsed> = indices
        .par_chunks(256)
        .map(|chunk| {
            let mut zip = zip.clone();
            let mut out = Vec::with_capacity(chunk.len());
            for &i in chunk {
                let mut entry = match zip.by_index(i) {
                    Ok(e) => e,
                    Err(e) => {
                        out.push(Err(format!("{shown}: entry #{i}: {e}")));
                        continue;
                    }
                };
                let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
                if entry.is_dir() || !name.to_ascii_lowercase().ends_with(".json") {
                    continue;
                }
                let at = format!("{shown}!{name}");
                if entry.size() > MAX_RECORD {
                    out.push(Err(format!(
                        "{at}: larger than {MAX_RECORD} bytes; not read"
                    )));
                    continue;
                }
                let mut buf = Vec::with_capacity(entry.size() as usize);
                match (&mut entry).take(MAX_RECORD + 1).read_to_end(&mut buf) {
                    Ok(_) if buf.len() as u64 > MAX_RECORD => out.push(Err(format!(
                        "{at}: larger than {MAX_RECORD} bytes; not read"
                    ))),
                    Ok(_) => out.push(parse(&at, &buf)),
                    Err(e) => out.push(Err(format!("{at}: {e}"))),
                }
            }
            out
        })
        .collect();
    Ok(out.into_iter().flatten().collect())
}

/// Record files and zips under `dir`, sorted; symbolic links to directories not followed.
fn find_files(dir: &Path, skipped: &mut usize) -> Result<(Vec<PathBuf>, Vec<PathBuf>), String> {
    let mut json = Vec::new();
    let mut zips = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for ent in rd.flatten() {
            let p = ent.path();
            let Ok(ft) = ent.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() || ft.is_symlink() && p.is_file() {
                let lower = p.to_string_lossy().to_ascii_lowercase();
                if lower.ends_with(".json") {
                    json.push(p);
                } else if lower.ends_with(".zip") {
                    zips.push(p);
                } else {
                    *skipped += 1;
                }
            }
        }
    }
    json.sort();
    zips.sort();
    Ok((json, zips))
}

impl Database {
    /// Loads every record under the given directories, zips and files. An unreadable path is
    /// an error; unreadable records are counted in the stats and loading goes on.
    pub fn load(paths: &[PathBuf]) -> Result<Database, String> {
        let mut stats = LoadStats::default();
        let mut all: Vec<Record> = Vec::new();
        let take = |parsed: Parsed, stats: &mut LoadStats, all: &mut Vec<Record>| -> usize {
            let mut n = 0;
            for r in parsed {
                match r {
                    Ok(rec) => {
                        all.push(rec);
                        n += 1;
                    }
                    Err(e) => {
                        stats.error_count += 1;
                        if stats.errors.len() < KEEP_ERRORS {
                            stats.errors.push(e);
                        }
                    }
                }
            }
            n
        };
        for path in paths {
            let shown = path.display().to_string();
            let meta = std::fs::metadata(path)
                .map_err(|e| format!("vulnerability database {shown}: {e}"))?;
            let n = if meta.is_dir() {
                let (json, zips) = find_files(path, &mut stats.skipped_files)
                    .map_err(|e| format!("vulnerability database {e}"))?;
                let parsed: Parsed = json
                    .par_iter()
                    .map(|p| read_capped(p).and_then(|b| parse(&p.display().to_string(), &b)))
                    .collect();
                let mut n = take(parsed, &mut stats, &mut all);
                for z in zips {
                    match load_zip(&z) {
                        Ok(parsed) => n += take(parsed, &mut stats, &mut all),
                        Err(e) => n += take(vec![Err(e)], &mut stats, &mut all),
                    };
                }
                n
            } else if lambdasec_archive::looks_like_zip(path) {
                let parsed = load_zip(path).map_err(|e| format!("vulnerability database {e}"))?;
                take(parsed, &mut stats, &mut all)
            } else {
                let parsed = vec![read_capped(path).and_then(|b| parse(&shown, &b))];
                take(parsed, &mut stats, &mut all)
            };
            stats.sources.push((shown, n));
        }
        // The same id twice (a directory and an export of it): keep the newest.
        let mut newest: HashMap<String, usize> = HashMap::new();
        let mut keep = vec![true; all.len()];
        for (i, r) in all.iter().enumerate() {
            match newest.get(&r.id) {
                Some(&j) => {
                    stats.duplicates += 1;
                    if r.modified > all[j].modified {
                        keep[j] = false;
                        newest.insert(r.id.clone(), i);
                    } else {
                        keep[i] = false;
                    }
                }
                None => {
                    newest.insert(r.id.clone(), i);
                }
            }
        }
        let all = all
            .into_iter()
            .zip(keep)
            .filter_map(|(r, k)| k.then_some(r))
            .collect();
        Ok(Database::from_records(all, stats))
    }
}
