//! Packages recorded inside compiled Lambda `bootstrap` binaries (`provided.al2`/`al2023`).
//!
//! Two kinds of embedded metadata are read; everything else (a plain C or Rust binary)
//! yields `Ok(None)`.
//!
//! # Go build info
//!
//! Documented by the Go sources: `src/debug/buildinfo/buildinfo.go` (the blob and its
//! header), `src/runtime/debug/mod.go` (`BuildInfo.String`/`ParseBuildInfo`, the text) and
//! `cmd/link/internal/ld` (cited there: where the linker places the blob). Every Go binary built by
//! Go ≥ 1.13 holds a blob that starts, at a 16-byte aligned address, with a 32-byte header:
//!
//! | bytes  | content |
//! |--------|---------|
//! | 0..14  | magic `\xff Go buildinf:` |
//! | 14     | pointer size (4 or 8) |
//! | 15     | flags: bit 0 = big endian, bit 1 = strings are inline (Go ≥ 1.18) |
//! | 16..32 | Go < 1.18: two pointers to Go string headers `{data ptr, len}` for the Go version and the module info; unused otherwise |
//!
//! With the inline flag the header is followed by two strings, each a uvarint length
//! (LEB128, as Go's `encoding/binary.Uvarint`) and that many bytes: the Go version
//! (`go1.21.3`, possibly followed by ` X:<experiments>`, or `devel …`) and the module info.
//! Without it, the pointers are virtual addresses, resolved here through the ELF
//! `PT_LOAD` segments (or, failing that, the sections).
//!
//! The blob is in the ELF section `.go.buildinfo`; when the section headers are gone the
//! whole file is scanned for the magic at 16-byte aligned offsets (load segments keep the
//! file offset congruent to the address modulo the page size, so the alignment survives).
//!
//! The module info is wrapped in two 16-byte sentinels (recognised as Go does: at least 33
//! bytes with a `\n` just before the trailing sentinel; otherwise there is no module info,
//! e.g. a GOPATH build). Inside, one record per `\n`-terminated line, fields split by `\t`:
//! `path <main package>`, `mod <path> <version> [<sum>]` (the main module), `dep <path>
//! <version> [<sum>]`, `=> <path> <version> <sum>` (replaces the module on the line just
//! before; local directory replacements have an empty version) and `build <key>=<value>`.
//! Malformed `mod`/`dep`/`=>` lines are an error, as in `debug/buildinfo`.
//!
//! Reported packages (ecosystem Go, OSV spelling): the main module when its version is
//! known (`(devel)` means it is not; [`BinaryInfo::main_module`] is kept anyway), every
//! `dep` (with its replacement's path and version if replaced; deps whose version is
//! unknown — local directory replacements — are skipped), and `stdlib` at the toolchain
//! version. Versions lose their leading `v` as OSV Go records have none (`v1.41.0` →
//! `1.41.0`, `+incompatible` kept). The toolchain version maps as govulncheck does
//! (`golang.org/x/vuln` `GoTagToSemver`, minus its `v`): `go1.21.3` → `1.21.3`, `go1.22` →
//! `1.22.0`, `go1.21rc2` → `1.21.0-rc.2`; experiments (` X:…`) are dropped, and so are
//! vendor suffixes (`go1.16.7b7` → `1.16.7`, where govulncheck gives up); `devel`
//! toolchains give no `stdlib`.
//!
//! # Rust `cargo auditable`
//!
//! Documented by `rust-secure-code/cargo-auditable`: `PARSING.md` and
//! `cargo-auditable.schema.json` (crates `auditable-extract`, `auditable-serde`). The ELF
//! section `.dep-v0` holds zlib-compressed JSON
//! `{"format":N?,"packages":[{"name","version","source","kind"?,"dependencies"?,"root"?}]}`.
//! Output is capped at 8 MiB as `PARSING.md` recommends (more is an error, not a
//! truncation). `kind` is `"build"` or `"runtime"`, absent meaning runtime; only runtime
//! packages are reported (build scripts and proc-macros do not ship in the binary).
//! `source` is `"crates.io"`, `"registry"`, `"git"`, `"local"` or another string.
//!
//! Packages whose source is `"local"` are skipped: they are the function's own crate (the
//! `root`, normally) and path dependencies of its workspace, which are not the crates.io
//! packages of the same name, so matching them against crates.io advisories would only
//! produce false positives. The root package *is* reported when it does not come from a
//! local path, i.e. the binary is itself a published crate (`cargo auditable install
//! <crate>`, e.g. a Lambda extension), because advisories against that crate apply.
//!
//! # Robustness
//!
//! The input is untrusted: no panics, no allocation driven by declared lengths beyond the
//! input size (lengths are checked against the bytes actually present before slicing),
//! work linear in the input size (the aligned-magic scan decodes at most 16 candidates),
//! decompression capped.

use std::collections::HashSet;
use std::io::Read;

use lambdasec_model::Ecosystem;
use object::{Object, ObjectSection, ObjectSegment};
use serde::Deserialize;

/// A package recorded inside a binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryPackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
}

/// What a binary says about how it was built.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BinaryInfo {
    pub packages: Vec<BinaryPackage>,
    /// The Go toolchain version as recorded, e.g. "go1.21.3" (experiments such as
    /// " X:boringcrypto" included).
    pub go_version: Option<String>,
    /// The main module path, Go (from the `mod` line), even when its version is `(devel)`.
    pub main_module: Option<String>,
}

/// The Go build info magic, followed by pointer size and flags bytes.
const GO_MAGIC: &[u8] = b"\xff Go buildinf:";
/// Size of the build info header.
const GO_HEADER_LEN: usize = 32;
/// Alignment of the build info header.
const GO_ALIGN: usize = 16;
/// Flags byte: strings follow the header inline (Go ≥ 1.18).
const GO_FLAG_INLINE: u8 = 2;
/// Flags byte: big-endian pointers (Go < 1.18 format).
const GO_FLAG_BIG_ENDIAN: u8 = 1;
/// Sentinel length around the module info text.
const GO_SENTINEL_LEN: usize = 16;

/// How many aligned magic candidates a scan decodes before giving up.
const GO_MAX_CANDIDATES: usize = 16;
/// ELF section of the Go build info.
const GO_SECTION: &str = ".go.buildinfo";
/// ELF section of cargo-auditable data.
const AUDITABLE_SECTION: &str = ".dep-v0";
/// Maximum decompressed size of cargo-auditable data.
const AUDITABLE_MAX: usize = 8 * 1024 * 1024;

/// Cheap check on the first bytes: ELF magic.
pub fn is_executable(head: &[u8]) -> bool {
    head.starts_with(b"\x7fELF")
}

/// Reads Go build info or cargo-auditable data from the bytes of an executable.
///
/// `Ok(None)`: not a Go binary and no auditable data (e.g. a plain Rust or C binary).
/// `Err`: the data is there but malformed (the message says what).
///
/// ELF files (32/64-bit, either endianness) are parsed for their sections; other bytes
/// are only scanned for an inline (Go ≥ 1.18) build info blob.
pub fn read_binary(data: &[u8]) -> Result<Option<BinaryInfo>, String> {
    let elf = if is_executable(data) {
        object::File::parse(data).ok()
    } else {
        None
    };
    let go = read_go(data, elf.as_ref())?;
    let rust = match &elf {
        Some(file) => read_auditable(file)?,
        None => None,
    };
    if go.is_none() && rust.is_none() {
        return Ok(None);
    }
    let mut info = BinaryInfo::default();
    if let Some(go) = go {
        info.packages.extend(go.packages);
        info.go_version = Some(go.version);
        info.main_module = go.main_module;
    }
    if let Some(rust) = rust {
        info.packages.extend(rust);
    }
    let mut seen = HashSet::new();
    info.packages
        .retain(|p| seen.insert((p.ecosystem, p.name.clone(), p.version.clone())));
    Ok(Some(info))
}

// ---------------------------------------------------------------------------------------
// Go

/// What the Go build info says.
struct GoInfo {
    version: String,
    main_module: Option<String>,
    packages: Vec<BinaryPackage>,
}

/// A `mod`/`dep` line and its optional `=>` replacement.
struct GoModule {
    path: String,
    version: String,
    replace: Option<(String, String)>,
}

fn read_go(data: &[u8], elf: Option<&object::File<'_>>) -> Result<Option<GoInfo>, String> {
    if let Some(section) = elf.and_then(|f| f.section_by_name(GO_SECTION)) {
        let bytes = section
            .data()
            .map_err(|e| format!("Go build info: section {GO_SECTION} unreadable: {e}"))?;
        let mut offsets = aligned_magic_offsets(bytes);
        let Some(offset) = offsets.next() else {
            return Err(format!(
                "Go build info: section {GO_SECTION} has no build info header"
            ));
        };
        let (version, modinfo) = decode_header(&bytes[offset..], elf)?;
        return parse_go(version, modinfo).map(Some);
    }
    // No section (stripped section headers, or not an ELF file): scan. A Go program that
    // embeds the magic as a string constant (e.g. one using debug/buildinfo) produces a
    // false candidate, so candidates whose header does not decode are skipped, and none
    // decoding means "not found"; malformed module info after a valid header is an error.
    // Only the first few candidates are tried, which bounds the work on crafted input
    // (resolving pointers walks the segment and section tables).
    for offset in aligned_magic_offsets(data).take(GO_MAX_CANDIDATES) {
        if let Ok((version, modinfo)) = decode_header(&data[offset..], elf) {
            return parse_go(version, modinfo).map(Some);
        }
    }
    Ok(None)
}

/// Offsets of the magic at 16-byte aligned positions with room for a full header.
fn aligned_magic_offsets(data: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (0..data.len())
        .step_by(GO_ALIGN)
        .take_while(move |&off| data.len() - off >= GO_HEADER_LEN)
        .filter(move |&off| data[off..].starts_with(GO_MAGIC))
}

/// Decodes the header at the start of `blob` into the raw version and module info strings.
fn decode_header<'data>(
    blob: &'data [u8],
    elf: Option<&object::File<'data>>,
) -> Result<(&'data [u8], &'data [u8]), String> {
    let header = blob
        .get(..GO_HEADER_LEN)
        .ok_or("Go build info: header truncated")?;
    let ptr_size = header[14];
    let flags = header[15];
    let (version, modinfo) = if flags & GO_FLAG_INLINE != 0 {
        let rest = &blob[GO_HEADER_LEN..];
        let (version, rest) =
            take_varint_string(rest).ok_or("Go build info: version string truncated")?;
        let (modinfo, _) =
            take_varint_string(rest).ok_or("Go build info: module info string truncated")?;
        (version, modinfo)
    } else {
        let ptr_size = match ptr_size {
            4 | 8 => usize::from(ptr_size),
            n => return Err(format!("Go build info: invalid pointer size {n}")),
        };
        let file = elf.ok_or("Go build info: pre-Go 1.18 pointer format outside an ELF file")?;
        let big_endian = flags & GO_FLAG_BIG_ENDIAN != 0;
        let read_ptr = |b: &[u8]| read_uint(b, ptr_size, big_endian);
        let version_ptr = read_ptr(&header[16..]).ok_or("Go build info: header truncated")?;
        let modinfo_ptr =
            read_ptr(&header[16 + ptr_size..]).ok_or("Go build info: header truncated")?;
        let version = read_go_string(file, version_ptr, ptr_size, big_endian)
            .ok_or("Go build info: version string address not mapped")?;
        let modinfo = read_go_string(file, modinfo_ptr, ptr_size, big_endian)
            .ok_or("Go build info: module info string address not mapped")?;
        (version, modinfo)
    };
    if !(version.starts_with(b"go") || version.starts_with(b"devel")) {
        return Err("Go build info: no Go version recorded".to_string());
    }
    Ok((version, modinfo))
}

/// Splits a uvarint-length-prefixed string off the front of `data`.
fn take_varint_string(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, n) = uvarint(data)?;
    let rest = &data[n..];
    let len = usize::try_from(len).ok().filter(|&l| l <= rest.len())?;
    Some(rest.split_at(len))
}

/// Decodes a LEB128 unsigned varint (at most 10 bytes, no overflow), returning the value
/// and the number of bytes read.
fn uvarint(data: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, &byte) in data.iter().enumerate().take(10) {
        let bits = u64::from(byte & 0x7f);
        if i == 9 && byte > 1 {
            return None; // overflows 64 bits
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Reads an unsigned integer of `size` (4 or 8) bytes.
fn read_uint(bytes: &[u8], size: usize, big_endian: bool) -> Option<u64> {
    let bytes = bytes.get(..size)?;
    let mut value = 0u64;
    if big_endian {
        for &b in bytes {
            value = (value << 8) | u64::from(b);
        }
    } else {
        for &b in bytes.iter().rev() {
            value = (value << 8) | u64::from(b);
        }
    }
    Some(value)
}

/// Reads a Go string whose header `{data, len}` is at virtual address `addr`.
fn read_go_string<'data>(
    file: &object::File<'data>,
    addr: u64,
    ptr_size: usize,
    big_endian: bool,
) -> Option<&'data [u8]> {
    let header = read_mapped(file, addr, 2 * ptr_size as u64)?;
    let data_ptr = read_uint(header, ptr_size, big_endian)?;
    let len = read_uint(&header[ptr_size..], ptr_size, big_endian)?;
    read_mapped(file, data_ptr, len)
}

/// The file bytes backing `size` bytes at virtual address `addr`, if a load segment (or
/// an allocated section) holds them all.
fn read_mapped<'data>(file: &object::File<'data>, addr: u64, size: u64) -> Option<&'data [u8]> {
    for segment in file.segments() {
        if let Ok(Some(bytes)) = segment.data_range(addr, size) {
            return Some(bytes);
        }
    }
    for section in file.sections() {
        if let Ok(Some(bytes)) = section.data_range(addr, size) {
            return Some(bytes);
        }
    }
    None
}

/// Parses the version and module info strings into packages.
fn parse_go(version: &[u8], modinfo: &[u8]) -> Result<GoInfo, String> {
    let version = String::from_utf8_lossy(version).trim().to_string();
    let modinfo = strip_sentinels(modinfo);
    let (main, deps) = parse_modinfo(modinfo)?;
    let mut packages = Vec::with_capacity(deps.len() + 2);
    let main_module = main.as_ref().map(|m| m.path.clone());
    for module in main.iter().chain(deps.iter()) {
        let (path, version) = match &module.replace {
            Some((path, version)) => (path, version),
            None => (&module.path, &module.version),
        };
        if path.is_empty() || version.is_empty() || version == "(devel)" {
            continue;
        }
        packages.push(BinaryPackage {
            ecosystem: Ecosystem::Go,
            name: path.clone(),
            version: version.strip_prefix('v').unwrap_or(version).to_string(),
        });
    }
    if let Some(stdlib) = go_stdlib_version(&version) {
        packages.push(BinaryPackage {
            ecosystem: Ecosystem::Go,
            name: "stdlib".to_string(),
            version: stdlib,
        });
    }
    Ok(GoInfo {
        version,
        main_module,
        packages,
    })
}

/// Removes the 16-byte sentinels around the module info; empty if it is not framed.
fn strip_sentinels(modinfo: &[u8]) -> &[u8] {
    let n = modinfo.len();
    if n > 2 * GO_SENTINEL_LEN && modinfo[n - GO_SENTINEL_LEN - 1] == b'\n' {
        &modinfo[GO_SENTINEL_LEN..n - GO_SENTINEL_LEN]
    } else {
        &[]
    }
}

/// Parses the module info text into the main module and the dependencies.
fn parse_modinfo(text: &[u8]) -> Result<(Option<GoModule>, Vec<GoModule>), String> {
    let mut main: Option<GoModule> = None;
    let mut deps: Vec<GoModule> = Vec::new();
    // Which module a `=>` line may replace: none, the main module, or the last dep.
    #[derive(Clone, Copy)]
    enum Last {
        None,
        Main,
        Dep,
    }
    let mut last = Last::None;
    // A final piece without a trailing newline is ignored, as Go does.
    let complete_lines = text.iter().filter(|&&b| b == b'\n').count();
    let lines = text.split(|&b| b == b'\n').take(complete_lines);
    for (index, line) in lines.enumerate() {
        let line_no = index + 1;
        let err = |what: &str| format!("Go build info: module info line {line_no}: {what}");
        if let Some(rest) = line.strip_prefix(b"mod\t") {
            main = Some(module_line(rest).map_err(|e| err(&e))?);
            last = Last::Main;
        } else if let Some(rest) = line.strip_prefix(b"dep\t") {
            deps.push(module_line(rest).map_err(|e| err(&e))?);
            last = Last::Dep;
        } else if let Some(rest) = line.strip_prefix(b"=>\t") {
            let cols: Vec<&[u8]> = rest.split(|&b| b == b'\t').collect();
            if cols.len() != 3 {
                return Err(err(&format!(
                    "expected 3 columns for a replacement, got {}",
                    cols.len()
                )));
            }
            let replacement = (lossy(cols[0]), lossy(cols[1]));
            let target = match last {
                Last::Main => main.as_mut(),
                Last::Dep => deps.last_mut(),
                Last::None => None,
            };
            let Some(target) = target else {
                return Err(err("replacement with no module on the previous line"));
            };
            target.replace = Some(replacement);
            last = Last::None;
        }
        // `path`, `build` and unknown lines carry no package.
    }
    Ok((main, deps))
}

/// Parses the columns after `mod\t`/`dep\t`: path, version and optional sum.
fn module_line(rest: &[u8]) -> Result<GoModule, String> {
    let cols: Vec<&[u8]> = rest.split(|&b| b == b'\t').collect();
    if cols.len() != 2 && cols.len() != 3 {
        return Err(format!("expected 2 or 3 columns, got {}", cols.len()));
    }
    Ok(GoModule {
        path: lossy(cols[0]),
        version: lossy(cols[1]),
        replace: None,
    })
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The OSV `stdlib` version of a Go toolchain version string, as the Go vulnerability
/// database spells it: `go1.21.3` → `1.21.3`, `go1.22` → `1.22.0`, `go1.21rc2` →
/// `1.21.0-rc.2`, `go1.21.3 X:loopvar` → `1.21.3`. `None` for `devel` toolchains and
/// anything unparseable.
fn go_stdlib_version(version: &str) -> Option<String> {
    let tag = version.split_whitespace().next()?;
    let rest = tag.strip_prefix("go")?;
    let numeric_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (numeric, suffix) = rest.split_at(numeric_end);
    let parts: Vec<&str> = numeric.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut nums = [0u64; 3];
    for (slot, part) in nums.iter_mut().zip(&parts) {
        if part.is_empty() {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    let [major, minor, patch] = nums;
    let mut out = format!("{major}.{minor}.{patch}");
    for kind in ["rc", "beta"] {
        if let Some(n) = suffix.strip_prefix(kind) {
            let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<u64>() {
                out.push_str(&format!("-{kind}.{n}"));
            }
            break;
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------
// Rust (cargo auditable)

#[derive(Deserialize)]
struct AuditData {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    #[serde(default)]
    source: Option<serde_json::Value>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    root: bool,
}

fn read_auditable(file: &object::File<'_>) -> Result<Option<Vec<BinaryPackage>>, String> {
    let Some(section) = file.section_by_name(AUDITABLE_SECTION) else {
        return Ok(None);
    };
    let compressed = section
        .data()
        .map_err(|e| format!("cargo-auditable: section {AUDITABLE_SECTION} unreadable: {e}"))?;
    let json = inflate_capped(compressed)?;
    parse_auditable_json(&json).map(Some)
}

/// Decompresses a zlib stream, failing beyond [`AUDITABLE_MAX`] bytes of output.
fn inflate_capped(compressed: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(AUDITABLE_MAX as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("cargo-auditable: corrupt zlib data in {AUDITABLE_SECTION}: {e}"))?;
    if out.len() > AUDITABLE_MAX {
        return Err(format!(
            "cargo-auditable: data in {AUDITABLE_SECTION} exceeds {AUDITABLE_MAX} bytes decompressed"
        ));
    }
    Ok(out)
}

fn parse_auditable_json(json: &[u8]) -> Result<Vec<BinaryPackage>, String> {
    let data: AuditData = serde_json::from_slice(json)
        .map_err(|e| format!("cargo-auditable: invalid JSON in {AUDITABLE_SECTION}: {e}"))?;
    Ok(data
        .packages
        .into_iter()
        .filter(is_reported)
        .map(|p| BinaryPackage {
            ecosystem: Ecosystem::CratesIo,
            name: p.name,
            version: p.version,
        })
        .collect())
}

/// Runtime packages that are not the function's own code (see the module docs).
fn is_reported(p: &AuditPackage) -> bool {
    let runtime = p.kind.as_deref().is_none_or(|k| k == "runtime");
    let source = p.source.as_ref().and_then(serde_json::Value::as_str);
    // Path crates (the root, workspace members) are local code; a root whose source is
    // not even stated is assumed to be local code too.
    let own_code = source == Some("local") || (p.root && source.is_none());
    runtime && !own_code && !p.name.is_empty() && !p.version.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdlib_versions() {
        let cases = [
            ("go1.21.3", Some("1.21.3")),
            ("go1.22", Some("1.22.0")),
            ("go1", Some("1.0.0")),
            ("go1.21rc2", Some("1.21.0-rc.2")),
            ("go1.20beta1", Some("1.20.0-beta.1")),
            ("go1.21.3 X:loopvar,nocoverageredesign", Some("1.21.3")),
            ("go1.16.7b7", Some("1.16.7")),
            ("devel go1.22-abcdef Tue Sep 5 2023", None),
            ("go", None),
            ("go1..2", None),
            ("go1.2.3.4", None),
            ("go99999999999999999999999.1", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(go_stdlib_version(input).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn varints() {
        assert_eq!(uvarint(&[0x05]), Some((5, 1)));
        assert_eq!(uvarint(&[0xac, 0x02]), Some((300, 2)));
        assert_eq!(uvarint(&[0x80]), None);
        assert_eq!(uvarint(&[]), None);
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(uvarint(&max), Some((u64::MAX, 10)));
        let over = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(uvarint(&over), None);
        assert_eq!(uvarint(&[0xff; 11]), None);
        assert_eq!(take_varint_string(&[3, b'a', b'b']), None);
        assert_eq!(
            take_varint_string(&[2, b'a', b'b']),
            Some((&b"ab"[..], &b""[..]))
        );
    }

    #[test]
    fn sentinels() {
        assert_eq!(strip_sentinels(&[0u8; 32]), b"");
        let mut framed = vec![0u8; 16];
        framed.extend_from_slice(b"path\tx\n");
        framed.extend_from_slice(&[0u8; 16]);
        assert_eq!(strip_sentinels(&framed), b"path\tx\n");
    }

    #[test]
    fn modinfo_errors() {
        assert!(parse_modinfo(b"=>\ta\tv1\th\n").is_err());
        assert!(parse_modinfo(b"dep\ta\n").is_err());
        assert!(parse_modinfo(b"dep\ta\tv1\th\textra\n").is_err());
        assert!(parse_modinfo(b"dep\ta\tv1\n=>\tb\tv2\n").is_err());
        assert!(parse_modinfo(b"dep\ta\tv1\n=>\tb\tv2\th\n=>\tc\tv3\th\n").is_err());
        // The last line without a newline is ignored.
        let (_, deps) = parse_modinfo(b"dep\ta\tv1\ndep\tb").unwrap();
        assert_eq!(deps.len(), 1);
    }
}
