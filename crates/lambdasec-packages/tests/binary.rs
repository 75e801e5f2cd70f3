//! Go build info and cargo-auditable data read from synthetic binaries.
//!
//! There is no Go or cargo-auditable toolchain here, so the binaries are built by hand: a
//! tiny ELF writer (header, one `PT_LOAD` covering the whole file, sections, `.shstrtab`)
//! and the blob layouts described in `lambdasec_packages::binary`.

use std::io::Write;

use lambdasec_model::Ecosystem;
use lambdasec_packages::binary::{is_executable, read_binary, BinaryInfo, BinaryPackage};

// ---------------------------------------------------------------------------------------
// Helpers

/// Virtual address of file offset 0.
const BASE: u64 = 0x40_0000;
const EM_X86_64: u16 = 62;
const EM_AARCH64: u16 = 183;

/// A minimal little-endian ELF64 executable writer.
struct Elf {
    buf: Vec<u8>,
    machine: u16,
    /// (name, offset, size)
    sections: Vec<(String, u64, u64)>,
}

impl Elf {
    const EHDR: usize = 64;
    const PHDR: usize = 56;

    fn new(machine: u16) -> Self {
        Elf {
            buf: vec![0; Self::EHDR + Self::PHDR],
            machine,
            sections: Vec::new(),
        }
    }

    /// Appends a 16-aligned `SHT_PROGBITS` section; returns its virtual address.
    fn section(&mut self, name: &str, data: &[u8]) -> u64 {
        self.align(16);
        let offset = self.buf.len() as u64;
        self.buf.extend_from_slice(data);
        self.sections
            .push((name.to_string(), offset, data.len() as u64));
        BASE + offset
    }

    /// Pads the file with zeros to a multiple of `to`.
    fn align(&mut self, to: usize) {
        let len = self.buf.len().next_multiple_of(to);
        self.buf.resize(len, 0);
    }

    fn finish(mut self) -> Vec<u8> {
        // .shstrtab
        let mut names = vec![0u8];
        let mut name_offsets = Vec::new();
        for (name, _, _) in &self.sections {
            name_offsets.push(names.len() as u32);
            names.extend_from_slice(name.as_bytes());
            names.push(0);
        }
        let shstrtab_name = names.len() as u32;
        names.extend_from_slice(b".shstrtab\0");
        self.align(8);
        let shstrtab_offset = self.buf.len() as u64;
        self.buf.extend_from_slice(&names);
        self.align(8);
        let shoff = self.buf.len() as u64;
        // Section headers: null, ours, .shstrtab.
        self.buf.extend_from_slice(&[0u8; 64]);
        let sections = std::mem::take(&mut self.sections);
        for ((_, offset, size), name) in sections.iter().zip(&name_offsets) {
            let sh = shdr(
                *name,
                1,
                2, /* SHF_ALLOC */
                BASE + offset,
                *offset,
                *size,
            );
            self.buf.extend_from_slice(&sh);
        }
        let sh = shdr(shstrtab_name, 3, 0, 0, shstrtab_offset, names.len() as u64);
        self.buf.extend_from_slice(&sh);
        let shnum = sections.len() as u16 + 2;
        let total = self.buf.len() as u64;

        let mut eh = Vec::with_capacity(Self::EHDR);
        eh.extend_from_slice(b"\x7fELF");
        eh.extend_from_slice(&[2, 1, 1, 0]); // ELFCLASS64, little endian, version, SysV
        eh.extend_from_slice(&[0; 8]);
        eh.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        eh.extend_from_slice(&self.machine.to_le_bytes());
        eh.extend_from_slice(&1u32.to_le_bytes());
        eh.extend_from_slice(&(BASE + 0x1000).to_le_bytes()); // e_entry
        eh.extend_from_slice(&(Self::EHDR as u64).to_le_bytes()); // e_phoff
        eh.extend_from_slice(&shoff.to_le_bytes());
        eh.extend_from_slice(&0u32.to_le_bytes()); // e_flags
        eh.extend_from_slice(&(Self::EHDR as u16).to_le_bytes());
        eh.extend_from_slice(&(Self::PHDR as u16).to_le_bytes());
        eh.extend_from_slice(&1u16.to_le_bytes()); // e_phnum
        eh.extend_from_slice(&64u16.to_le_bytes()); // e_shentsize
        eh.extend_from_slice(&shnum.to_le_bytes());
        eh.extend_from_slice(&(shnum - 1).to_le_bytes()); // e_shstrndx
        assert_eq!(eh.len(), Self::EHDR);

        let mut ph = Vec::with_capacity(Self::PHDR);
        ph.extend_from_slice(&1u32.to_le_bytes()); // PT_LOAD
        ph.extend_from_slice(&6u32.to_le_bytes()); // PF_R | PF_W
        ph.extend_from_slice(&0u64.to_le_bytes()); // p_offset
        ph.extend_from_slice(&BASE.to_le_bytes()); // p_vaddr
        ph.extend_from_slice(&BASE.to_le_bytes()); // p_paddr
        ph.extend_from_slice(&total.to_le_bytes()); // p_filesz
        ph.extend_from_slice(&total.to_le_bytes()); // p_memsz
        ph.extend_from_slice(&0x1000u64.to_le_bytes());
        assert_eq!(ph.len(), Self::PHDR);

        self.buf[..Self::EHDR].copy_from_slice(&eh);
        self.buf[Self::EHDR..Self::EHDR + Self::PHDR].copy_from_slice(&ph);
        self.buf
    }
}

fn shdr(name: u32, kind: u32, flags: u64, addr: u64, offset: u64, size: u64) -> Vec<u8> {
    let mut sh = Vec::with_capacity(64);
    sh.extend_from_slice(&name.to_le_bytes());
    sh.extend_from_slice(&kind.to_le_bytes());
    sh.extend_from_slice(&flags.to_le_bytes());
    sh.extend_from_slice(&addr.to_le_bytes());
    sh.extend_from_slice(&offset.to_le_bytes());
    sh.extend_from_slice(&size.to_le_bytes());
    sh.extend_from_slice(&0u32.to_le_bytes()); // sh_link
    sh.extend_from_slice(&0u32.to_le_bytes()); // sh_info
    sh.extend_from_slice(&16u64.to_le_bytes()); // sh_addralign
    sh.extend_from_slice(&0u64.to_le_bytes()); // sh_entsize
    sh
}

fn uvarint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The sentinels `cmd/go` puts around the module info (only their length matters).
const INFO_START: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];
const INFO_END: [u8; 16] = [
    0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2,
];

/// Module info text of a Go Lambda function, as `go version -m` would show it.
const LAMBDA_MODINFO: &str = "path\tgithub.com/acme/orders-fn/cmd/bootstrap\n\
mod\tgithub.com/acme/orders-fn\t(devel)\t\n\
dep\tgithub.com/aws/aws-lambda-go\tv1.41.0\th1:l/5fyVb6Ud9uYd411xdHZzSf2n86TakxzpvIR35Ik+w=\n\
dep\tgithub.com/aws/aws-sdk-go-v2\tv1.21.0\th1:gMT0IW+03wtYJhRqTVYn0wLzwdnK9sRMcxmtfGzRdJc=\n\
dep\tgithub.com/docker/docker\tv20.10.24+incompatible\th1:Ugvxm7a8+Gz6vqQYQQ2W7GYq5EUPaAiuPgIfVyI3dYE=\n\
dep\tgithub.com/gorilla/websocket\tv1.5.0\n\
=>\tgithub.com/acme/websocket\tv1.5.1-0.20230901120000-abcdef123456\th1:Zq2jF0c6Xoq9y8cX0nQ3s0cKQyJf6aFj1tQ0Q8Zb9kA=\n\
dep\tgithub.com/acme/shared\tv0.0.0-00010101000000-000000000000\n\
=>\t../shared\t\t\n\
dep\tgolang.org/x/net\tv0.17.0\th1:pVaXccu2ozPjCXewfr1S7xoGvBL9bWYe3yJVHENIelI=\n\
build\t-buildmode=exe\n\
build\t-compiler=gc\n\
build\tCGO_ENABLED=0\n\
build\tGOARCH=arm64\n\
build\tGOOS=linux\n\
build\tvcs=git\n\
build\tvcs.revision=0f9c3c0b1b8e4a7d9c2e5f6a7b8c9d0e1f2a3b4c\n\
build\tvcs.modified=false\n";

fn framed(modinfo: &str) -> Vec<u8> {
    let mut out = INFO_START.to_vec();
    out.extend_from_slice(modinfo.as_bytes());
    out.extend_from_slice(&INFO_END);
    out
}

/// A Go ≥ 1.18 build info blob: header with the inline flag, then two varint strings.
fn go_inline_blob(version: &str, modinfo: &[u8]) -> Vec<u8> {
    let mut blob = b"\xff Go buildinf:".to_vec();
    blob.push(8); // pointer size
    blob.push(2); // inline strings, little endian
    blob.extend_from_slice(&[0; 16]);
    uvarint(version.len() as u64, &mut blob);
    blob.extend_from_slice(version.as_bytes());
    uvarint(modinfo.len() as u64, &mut blob);
    blob.extend_from_slice(modinfo);
    blob
}

fn go(name: &str, version: &str) -> BinaryPackage {
    BinaryPackage {
        ecosystem: Ecosystem::Go,
        name: name.to_string(),
        version: version.to_string(),
    }
}

fn krate(name: &str, version: &str) -> BinaryPackage {
    BinaryPackage {
        ecosystem: Ecosystem::CratesIo,
        name: name.to_string(),
        version: version.to_string(),
    }
}

fn expected_lambda_go() -> BinaryInfo {
    BinaryInfo {
        packages: vec![
            go("github.com/aws/aws-lambda-go", "1.41.0"),
            go("github.com/aws/aws-sdk-go-v2", "1.21.0"),
            go("github.com/docker/docker", "20.10.24+incompatible"),
            go(
                "github.com/acme/websocket",
                "1.5.1-0.20230901120000-abcdef123456",
            ),
            go("golang.org/x/net", "0.17.0"),
            go("stdlib", "1.21.3"),
        ],
        go_version: Some("go1.21.3".to_string()),
        main_module: Some("github.com/acme/orders-fn".to_string()),
    }
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// cargo-auditable JSON of a Rust Lambda function (format 1, as `cargo auditable build`
/// writes it: packages sorted by name, `kind` omitted for runtime, `root` only when true).
const RUST_AUDIT_JSON: &str = r#"{"format":1,"packages":[
{"name":"bytes","version":"1.5.0","source":"crates.io"},
{"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},
{"name":"lambda_runtime","version":"0.8.3","source":"crates.io","dependencies":[3,5,6,7]},
{"name":"orders-fn","version":"0.1.0","source":"local","dependencies":[2,5,6,7,8],"root":true},
{"name":"ring","version":"0.17.5","source":"crates.io","kind":"runtime","dependencies":[1]},
{"name":"serde","version":"1.0.190","source":"crates.io","dependencies":[6]},
{"name":"serde_derive","version":"1.0.190","source":"crates.io","kind":"build"},
{"name":"tokio","version":"1.32.0","source":"crates.io","dependencies":[0]},
{"name":"shared-models","version":"0.1.0","source":"local","dependencies":[5]},
{"name":"aws-lc-sys","version":"0.12.0","source":"git"}
]}"#;

fn expected_rust() -> Vec<BinaryPackage> {
    vec![
        krate("bytes", "1.5.0"),
        krate("lambda_runtime", "0.8.3"),
        krate("ring", "0.17.5"),
        krate("serde", "1.0.190"),
        krate("tokio", "1.32.0"),
        krate("aws-lc-sys", "0.12.0"),
    ]
}

/// A plain binary's sections: some code, read-only data.
fn plain_sections(elf: &mut Elf) {
    elf.section(".text", &[0x90; 200]);
    elf.section(".rodata", b"hello from a C lambda\0");
}

/// Deterministic xorshift for the robustness loop.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

// ---------------------------------------------------------------------------------------
// Go

#[test]
fn go_inline_blob_in_junk_is_found_by_scanning() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut data: Vec<u8> = (0..4096).map(|_| rng.next() as u8).collect();
    // A misaligned copy of the magic must be ignored.
    data[1003..1017].copy_from_slice(b"\xff Go buildinf:");
    let blob = go_inline_blob("go1.21.3", &framed(LAMBDA_MODINFO));
    let at = 2048;
    data.splice(at..at, blob.iter().copied());
    data.extend((0..500).map(|_| rng.next() as u8));
    assert!(!is_executable(&data));
    assert_eq!(read_binary(&data).unwrap(), Some(expected_lambda_go()));
}

#[test]
fn go_inline_blob_in_elf_section() {
    for machine in [EM_X86_64, EM_AARCH64] {
        let mut elf = Elf::new(machine);
        plain_sections(&mut elf);
        elf.section(
            ".go.buildinfo",
            &go_inline_blob("go1.21.3", &framed(LAMBDA_MODINFO)),
        );
        elf.section(".noptrdata", &[0u8; 64]);
        let data = elf.finish();
        assert!(is_executable(&data));
        assert_eq!(read_binary(&data).unwrap(), Some(expected_lambda_go()));
    }
}

#[test]
fn go_elf_without_section_headers_is_scanned() {
    let mut elf = Elf::new(EM_X86_64);
    plain_sections(&mut elf);
    elf.section(
        ".go.buildinfo",
        &go_inline_blob("go1.21.3", &framed(LAMBDA_MODINFO)),
    );
    let mut data = elf.finish();
    // Zero e_shoff/e_shnum/e_shstrndx, as section-stripping tools do.
    data[0x28..0x30].fill(0);
    data[0x3c..0x40].fill(0);
    assert_eq!(read_binary(&data).unwrap(), Some(expected_lambda_go()));
}

#[test]
fn go_devel_main_module_experiments_and_short_versions() {
    let modinfo = "path\tgithub.com/acme/fn\n\
mod\tgithub.com/acme/fn\tv1.4.2\th1:abc=\n\
dep\tgithub.com/aws/aws-lambda-go\tv1.41.0\th1:def=\n";
    let blob = go_inline_blob("go1.22 X:boringcrypto", &framed(modinfo));
    let info = read_binary(&blob).unwrap().unwrap();
    assert_eq!(info.go_version.as_deref(), Some("go1.22 X:boringcrypto"));
    assert_eq!(info.main_module.as_deref(), Some("github.com/acme/fn"));
    assert_eq!(
        info.packages,
        vec![
            go("github.com/acme/fn", "1.4.2"),
            go("github.com/aws/aws-lambda-go", "1.41.0"),
            go("stdlib", "1.22.0"),
        ]
    );

    // A GOPATH build: no module info, only the toolchain.
    let blob = go_inline_blob("go1.20.14", b"");
    let info = read_binary(&blob).unwrap().unwrap();
    assert_eq!(info.packages, vec![go("stdlib", "1.20.14")]);
    assert_eq!(info.main_module, None);

    // A development toolchain has no stdlib version.
    let blob = go_inline_blob("devel go1.23-7f2a3c4 Tue Jan 9 2024", &framed(modinfo));
    let info = read_binary(&blob).unwrap().unwrap();
    assert!(info.packages.iter().all(|p| p.name != "stdlib"));
}

#[test]
fn go_pre_1_18_pointer_format() {
    let version = b"go1.17.13";
    let modinfo = framed(LAMBDA_MODINFO);
    let mut elf = Elf::new(EM_X86_64);
    plain_sections(&mut elf);
    let version_addr = elf.section(".rodata.str", version);
    let modinfo_addr = elf.section(".rodata.mod", &modinfo);
    // runtime.buildVersion and runtime.modinfo: Go string headers {ptr, len}.
    let mut headers = Vec::new();
    headers.extend_from_slice(&version_addr.to_le_bytes());
    headers.extend_from_slice(&(version.len() as u64).to_le_bytes());
    headers.extend_from_slice(&modinfo_addr.to_le_bytes());
    headers.extend_from_slice(&(modinfo.len() as u64).to_le_bytes());
    let headers_addr = elf.section(".data", &headers);
    let mut blob = b"\xff Go buildinf:".to_vec();
    blob.push(8);
    blob.push(0);
    blob.extend_from_slice(&headers_addr.to_le_bytes());
    blob.extend_from_slice(&(headers_addr + 16).to_le_bytes());
    elf.section(".go.buildinfo", &blob);
    let data = elf.finish();
    let mut want = expected_lambda_go();
    want.go_version = Some("go1.17.13".to_string());
    want.packages.last_mut().unwrap().version = "1.17.13".to_string();
    assert_eq!(read_binary(&data).unwrap(), Some(want));

    // Pointers into nowhere: the section is there, so it is an error.
    let mut elf = Elf::new(EM_X86_64);
    let mut blob = b"\xff Go buildinf:".to_vec();
    blob.push(8);
    blob.push(0);
    blob.extend_from_slice(&u64::MAX.to_le_bytes());
    blob.extend_from_slice(&0xdead_beefu64.to_le_bytes());
    elf.section(".go.buildinfo", &blob);
    assert!(read_binary(&elf.finish()).is_err());
}

#[test]
fn go_malformed_module_info_is_an_error() {
    let modinfo = "mod\tgithub.com/acme/fn\t(devel)\t\n=>\tbad\n";
    let mut elf = Elf::new(EM_X86_64);
    elf.section(
        ".go.buildinfo",
        &go_inline_blob("go1.21.3", &framed(modinfo)),
    );
    let err = read_binary(&elf.finish()).unwrap_err();
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn go_oversized_declared_lengths_do_not_panic() {
    // Version length far beyond the input.
    let mut blob = b"\xff Go buildinf:\x08\x02".to_vec();
    blob.extend_from_slice(&[0; 16]);
    uvarint(u64::MAX, &mut blob);
    blob.extend_from_slice(b"go1.21.3");
    assert_eq!(read_binary(&blob), Ok(None));

    // Module info length one past the end.
    let mut blob = b"\xff Go buildinf:\x08\x02".to_vec();
    blob.extend_from_slice(&[0; 16]);
    uvarint(8, &mut blob);
    blob.extend_from_slice(b"go1.21.3");
    uvarint(1 << 40, &mut blob);
    blob.extend_from_slice(b"0123456789");
    assert_eq!(read_binary(&blob), Ok(None));

    // An over-long varint (11 continuation bytes).
    let mut blob = b"\xff Go buildinf:\x08\x02".to_vec();
    blob.extend_from_slice(&[0; 16]);
    blob.extend_from_slice(&[0xff; 11]);
    assert_eq!(read_binary(&blob), Ok(None));

    // In a section, the same is an error rather than "not found".
    let mut elf = Elf::new(EM_X86_64);
    let mut section = b"\xff Go buildinf:\x08\x02".to_vec();
    section.extend_from_slice(&[0; 16]);
    uvarint(u64::MAX >> 1, &mut section);
    elf.section(".go.buildinfo", &section);
    assert!(read_binary(&elf.finish()).is_err());
}

#[test]
fn non_utf8_module_info_does_not_panic() {
    let mut modinfo = INFO_START.to_vec();
    modinfo.extend_from_slice(b"mod\tgithub.com/\xff\xfe/fn\tv1.0.0\t\ndep\t\xc3\x28\tv\xe2\x82\n");
    modinfo.extend_from_slice(&INFO_END);
    let info = read_binary(&go_inline_blob("go1.21.3", &modinfo))
        .unwrap()
        .unwrap();
    assert_eq!(info.packages.len(), 3);
}

// ---------------------------------------------------------------------------------------
// Rust

#[test]
fn cargo_auditable_runtime_packages() {
    let mut elf = Elf::new(EM_AARCH64);
    plain_sections(&mut elf);
    elf.section(".dep-v0", &zlib(RUST_AUDIT_JSON.as_bytes()));
    let info = read_binary(&elf.finish()).unwrap().unwrap();
    assert_eq!(
        info,
        BinaryInfo {
            packages: expected_rust(),
            go_version: None,
            main_module: None,
        }
    );
}

#[test]
fn cargo_auditable_root_from_crates_io_is_reported() {
    // `cargo auditable install cargo-lambda`-style: the binary is itself a published crate.
    let json = r#"{"packages":[
        {"name":"lambda-extension-x","version":"2.1.0","source":"crates.io","root":true,"dependencies":[1]},
        {"name":"tokio","version":"1.32.0","source":"crates.io"}]}"#;
    let mut elf = Elf::new(EM_X86_64);
    elf.section(".dep-v0", &zlib(json.as_bytes()));
    let info = read_binary(&elf.finish()).unwrap().unwrap();
    assert_eq!(
        info.packages,
        vec![
            krate("lambda-extension-x", "2.1.0"),
            krate("tokio", "1.32.0")
        ]
    );
}

#[test]
fn cargo_auditable_corrupt_data_is_an_error() {
    let mut compressed = zlib(RUST_AUDIT_JSON.as_bytes());
    let mid = compressed.len() / 2;
    compressed[mid..mid + 8].copy_from_slice(b"\xde\xad\xbe\xef\xde\xad\xbe\xef");
    let mut elf = Elf::new(EM_X86_64);
    elf.section(".dep-v0", &compressed);
    let err = read_binary(&elf.finish()).unwrap_err();
    assert!(err.contains("cargo-auditable"), "{err}");

    // Not zlib at all.
    let mut elf = Elf::new(EM_X86_64);
    elf.section(".dep-v0", b"{\"packages\":[]}");
    assert!(read_binary(&elf.finish()).is_err());

    // Valid zlib, invalid JSON.
    let mut elf = Elf::new(EM_X86_64);
    elf.section(".dep-v0", &zlib(b"{\"packages\":[{\"name\":1}]}"));
    assert!(read_binary(&elf.finish()).is_err());

    // Valid zlib, not UTF-8.
    let mut elf = Elf::new(EM_X86_64);
    elf.section(".dep-v0", &zlib(b"{\"packages\":[{\"name\":\"\xff\"}]}"));
    assert!(read_binary(&elf.finish()).is_err());
}

#[test]
fn cargo_auditable_decompression_is_capped() {
    // 9 MiB of JSON whitespace compresses to a few KiB.
    let mut json = vec![b' '; 9 * 1024 * 1024];
    json.extend_from_slice(b"{\"packages\":[]}");
    let mut elf = Elf::new(EM_X86_64);
    elf.section(".dep-v0", &zlib(&json));
    let err = read_binary(&elf.finish()).unwrap_err();
    assert!(err.contains("exceeds"), "{err}");

    // Just under the cap is fine.
    let mut json = vec![b' '; 8 * 1024 * 1024 - 100];
    json.extend_from_slice(b"{\"packages\":[]}");
    let mut elf = Elf::new(EM_X86_64);
    elf.section(".dep-v0", &zlib(&json));
    assert_eq!(
        read_binary(&elf.finish()).unwrap().unwrap().packages,
        vec![]
    );
}

// ---------------------------------------------------------------------------------------
// Neither, both, and robustness

#[test]
fn plain_elf_is_none() {
    let mut elf = Elf::new(EM_X86_64);
    plain_sections(&mut elf);
    elf.section(".data", &[1, 2, 3, 4]);
    let data = elf.finish();
    assert!(is_executable(&data));
    assert_eq!(read_binary(&data), Ok(None));
    assert_eq!(read_binary(b""), Ok(None));
    assert_eq!(read_binary(b"\x7fELF"), Ok(None));
    assert!(!is_executable(b"PK\x03\x04"));
    assert!(!is_executable(b"\x7fEL"));
}

#[test]
fn other_elf_classes_do_not_panic() {
    // An ELF32 and a big-endian ELF64 header with nothing behind them.
    let mut elf32 = b"\x7fELF\x01\x01\x01\x00".to_vec();
    elf32.resize(52, 0);
    assert_eq!(read_binary(&elf32), Ok(None));
    let mut be64 = b"\x7fELF\x02\x02\x01\x00".to_vec();
    be64.resize(64, 0);
    assert_eq!(read_binary(&be64), Ok(None));
}

#[test]
fn go_and_rust_in_one_binary() {
    let mut elf = Elf::new(EM_X86_64);
    elf.section(
        ".go.buildinfo",
        &go_inline_blob("go1.21.3", &framed(LAMBDA_MODINFO)),
    );
    elf.section(".dep-v0", &zlib(RUST_AUDIT_JSON.as_bytes()));
    let info = read_binary(&elf.finish()).unwrap().unwrap();
    let mut want = expected_lambda_go();
    want.packages.extend(expected_rust());
    assert_eq!(info, want);
}

#[test]
fn random_bytes_truncations_and_mutations_never_panic() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);

    let mut go_elf = Elf::new(EM_X86_64);
    plain_sections(&mut go_elf);
    go_elf.section(
        ".go.buildinfo",
        &go_inline_blob("go1.21.3", &framed(LAMBDA_MODINFO)),
    );
    let mut rust_elf = Elf::new(EM_AARCH64);
    rust_elf.section(".dep-v0", &zlib(RUST_AUDIT_JSON.as_bytes()));
    let raw_go = go_inline_blob("go1.21.3", &framed(LAMBDA_MODINFO));
    let valid = [go_elf.finish(), rust_elf.finish(), raw_go];

    // Every truncation of every valid input.
    for input in &valid {
        for len in 0..input.len() {
            let _ = read_binary(&input[..len]);
        }
    }
    // Random mutations of valid inputs (byte flips, random values, varint-ish runs).
    for round in 0..3000 {
        let mut input = valid[round % valid.len()].clone();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(input.len());
            match rng.below(3) {
                0 => input[at] ^= 1 << rng.below(8),
                1 => input[at] = rng.next() as u8,
                _ => {
                    let end = (at + 1 + rng.below(12)).min(input.len());
                    input[at..end].fill(0xff);
                }
            }
        }
        let _ = read_binary(&input);
    }
    // Pure noise, with and without an ELF magic or a build info magic in front.
    for round in 0..2000 {
        let len = rng.below(2048);
        let mut input: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        match round % 3 {
            0 if input.len() >= 4 => input[..4].copy_from_slice(b"\x7fELF"),
            1 if input.len() >= 16 => {
                input[..14].copy_from_slice(b"\xff Go buildinf:");
            }
            _ => {}
        }
        let _ = read_binary(&input);
    }
}
