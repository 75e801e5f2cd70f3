//! scan_code: directories and zips built at run time; secrets built from fragments.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use lambdasec_secrets::code::{scan_code, Limits};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// A valid-looking AWS access key id, assembled so the source holds none.
fn key_id() -> String {
    ["AK", "IA", "Z7Q4WXJ3", "M2KP", "QRST"].concat()
}

fn write(path: &Path, content: &[u8]) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(path, content).unwrap();
}

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

fn make_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, data) in entries {
        w.start_file(*name, deflated()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn directory_tree_hits_nested_binary_and_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let k = key_id();
    write(
        &root.join("app.py"),
        format!("import os\n\nAWS_KEY = \"{k}\"\n").as_bytes(),
    );
    write(
        &root.join("pkg/sub/deep.js"),
        format!("// x\nconst id = '{k}';\n").as_bytes(),
    );
    // Binary: a NUL early, the secret after it.
    let mut bin = b"\x7fELF\x00\x01".to_vec();
    bin.extend_from_slice(format!("\n{k}\n").as_bytes());
    write(&root.join("lib/blob.dat"), &bin);
    // Nested archives are opened: a broken one is reported, a good one scanned.
    write(&root.join("vendor/dep.jar"), b"PK\x03\x04junk");
    let mut inner = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut inner);
        w.start_file("conf/app.properties", deflated()).unwrap();
        w.write_all(format!("a=1\naws.key={k}\n").as_bytes())
            .unwrap();
        w.finish().unwrap();
    }
    write(&root.join("lib/good.jar"), inner.get_ref());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root, root.join("pkg/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("app.py"), root.join("link.py")).unwrap();
    }

    let start = Instant::now();
    let (hits, msgs) = scan_code(root, &Limits::default());
    assert!(start.elapsed() < Duration::from_secs(20));

    let app: Vec<_> = hits.iter().filter(|h| h.file == "app.py").collect();
    assert_eq!(app.len(), 1, "{hits:?}");
    assert_eq!(app[0].line, 3);
    assert_eq!(app[0].detector, "aws-access-key-id");
    assert!(!app[0].placeholder);
    assert!(!app[0].redacted.contains(&k), "{}", app[0].redacted);
    assert!(app[0].redacted.starts_with("AKIA"));

    let deep: Vec<_> = hits
        .iter()
        .filter(|h| h.file == "pkg/sub/deep.js")
        .collect();
    assert_eq!(deep.len(), 1, "{hits:?}");
    assert_eq!(deep[0].line, 2);

    assert!(!hits.iter().any(|h| h.file.contains("blob")), "{hits:?}");
    // Symlinks not followed: no hit through `link.py` or `pkg/loop/...`.
    assert!(
        !hits
            .iter()
            .any(|h| h.file.contains("link") || h.file.contains("loop")),
        "{hits:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("vendor/dep.jar") && m.contains("not a readable zip archive")),
        "{msgs:?}"
    );
    let nested: Vec<_> = hits
        .iter()
        .filter(|h| h.file == "lib/good.jar!conf/app.properties")
        .collect();
    assert_eq!(nested.len(), 1, "{hits:?}");
    assert_eq!(nested[0].line, 2);
    #[cfg(unix)]
    assert!(msgs.iter().any(|m| m.contains("symbolic link")), "{msgs:?}");
}

#[test]
fn large_file_is_streamed_and_redacted_from_a_second_read() {
    let dir = tempfile::tempdir().unwrap();
    let k = key_id();
    let mut text = String::new();
    let filler = "    value = compute(item)  # padding line\n";
    while text.len() < 3 * 1024 * 1024 {
        text.push_str(filler);
    }
    let line = text.matches('\n').count() as u64 + 1;
    text.push_str(&format!("key = \"{k}\"\n"));
    write(&dir.path().join("big.py"), text.as_bytes());
    let (hits, msgs) = scan_code(dir.path(), &Limits::default());
    assert!(msgs.is_empty(), "{msgs:?}");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].line, line);
    assert_eq!(hits[0].redacted, "AKIA…(20 chars)");

    // Past max_file_bytes: a message, the tail is not scanned.
    let limits = Limits {
        max_file_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let (hits, msgs) = scan_code(dir.path(), &limits);
    assert!(hits.is_empty(), "{hits:?}");
    assert!(msgs.iter().any(|m| m.contains("big.py")), "{msgs:?}");
}

#[test]
fn zip_entry_hit_and_traversal_and_symlink_entries() {
    let dir = tempfile::tempdir().unwrap();
    let k = key_id();
    let z = dir.path().join("code.zip");
    let js = format!("const a = 1;\nconst key = '{k}';\n");
    let evil = format!("x = '{k}'\n");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&z).unwrap());
        w.add_directory("lib/", deflated()).unwrap();
        w.start_file("lib/config.js", deflated()).unwrap();
        w.write_all(js.as_bytes()).unwrap();
        w.start_file("../evil.py", deflated()).unwrap();
        w.write_all(evil.as_bytes()).unwrap();
        w.start_file("/abs/evil2.py", deflated()).unwrap();
        w.write_all(evil.as_bytes()).unwrap();
        w.add_symlink("lib/link.js", "/etc/passwd", deflated())
            .unwrap();
        w.start_file("lib/inner.zip", deflated()).unwrap();
        w.write_all(b"PK\x05\x06").unwrap();
        w.finish().unwrap();
    }
    let (hits, msgs) = scan_code(&z, &Limits::default());
    assert_eq!(hits.len(), 1, "{hits:?} {msgs:?}");
    assert_eq!(hits[0].file, "lib/config.js");
    assert_eq!(hits[0].line, 2);
    assert!(!hits[0].redacted.contains(&k));
    assert!(msgs.iter().any(|m| m.contains("../evil.py")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("/abs/evil2.py")), "{msgs:?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("lib/link.js") && m.contains("symbolic link")),
        "{msgs:?}"
    );
    // The nested zip is opened: a truncated one is reported as such.
    assert!(
        msgs.iter()
            .any(|m| m.contains("lib/inner.zip") && m.contains("not a readable zip archive")),
        "{msgs:?}"
    );

    // A `.jar` is a zip too.
    let jar = dir.path().join("app.jar");
    make_zip(&jar, &[("conf/app.properties", js.as_bytes())]);
    let (hits, _) = scan_code(&jar, &Limits::default());
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].file, "conf/app.properties");
}

/// Yields `left` zero bytes.
struct Zeros {
    left: u64,
}

impl Read for Zeros {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        buf[..n].fill(0);
        self.left -= n as u64;
        Ok(n)
    }
}

#[test]
fn zip_bomb_is_rejected_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("bomb.zip");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&z).unwrap());
        w.start_file("a.txt", deflated()).unwrap();
        w.write_all(b"hello\n").unwrap();
        w.start_file("bomb.txt", deflated()).unwrap();
        std::io::copy(&mut Zeros { left: 1 << 30 }, &mut w).unwrap();
        w.start_file("after.py", deflated()).unwrap();
        w.write_all(format!("k = '{}'\n", key_id()).as_bytes())
            .unwrap();
        w.finish().unwrap();
    }
    let size = std::fs::metadata(&z).unwrap().len();
    assert!(size < 16 * 1024 * 1024, "bomb is {size} bytes");
    let start = Instant::now();
    let (hits, msgs) = scan_code(&z, &Limits::default());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("bomb.txt") && m.contains("zip bomb")),
        "{msgs:?}"
    );
    // The zip scan stopped at the bomb.
    assert!(hits.is_empty(), "{hits:?}");

    // Zeros are binary: with the ratio check off, only the sniffed head is decompressed.
    let limits = Limits {
        max_ratio: u64::MAX,
        ..Limits::default()
    };
    let start = Instant::now();
    let (_, msgs) = scan_code(&z, &limits);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(msgs.is_empty(), "{msgs:?}");
}

#[test]
fn size_and_total_caps_bound_text_entries() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("big.zip");
    let text = "let a = b + c; // filler\n".repeat(3 * 1024 * 1024 / 25);
    make_zip(
        &z,
        &[
            ("one.js", text.as_bytes()),
            ("two.js", text.as_bytes()),
            ("three.js", text.as_bytes()),
        ],
    );
    let limits = Limits {
        max_ratio: u64::MAX,
        max_file_bytes: 2 * 1024 * 1024,
        max_total_bytes: 5 * 1024 * 1024,
        ..Limits::default()
    };
    let (_, msgs) = scan_code(&z, &limits);
    assert!(
        msgs.iter()
            .any(|m| m.contains("one.js") && m.contains("only the first")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("bytes read in all") && m.contains("not read")),
        "{msgs:?}"
    );
}

/// Rewrites every uncompressed-size field (local and central headers) to `size`.
fn lie_about_sizes(bytes: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 30 <= bytes.len() {
        if bytes[i..].starts_with(b"PK\x03\x04") {
            bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
        } else if bytes[i..].starts_with(b"PK\x01\x02") {
            bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
        }
        i += 1;
    }
}

#[test]
fn lying_sizes_do_not_bypass_the_ratio_guard() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("liar.zip");
    let text = " ".repeat(16 * 1024 * 1024);
    make_zip(&z, &[("spaces.py", text.as_bytes())]);
    let mut bytes = std::fs::read(&z).unwrap();
    lie_about_sizes(&mut bytes, 100);
    std::fs::write(&z, &bytes).unwrap();
    let (hits, msgs) = scan_code(&z, &Limits::default());
    assert!(hits.is_empty());
    assert!(msgs.iter().any(|m| m.contains("spaces.py")), "{msgs:?}");
}

#[test]
fn corrupt_zip_is_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("ok.zip");
    let js = format!("const key = '{}';\n", key_id());
    make_zip(&z, &[("a.js", js.as_bytes()), ("b.js", b"let x = 1;\n")]);
    let bytes = std::fs::read(&z).unwrap();
    for cut in [0, 3, 10, bytes.len() / 2, bytes.len() - 10] {
        let t = dir.path().join(format!("cut{cut}.zip"));
        std::fs::write(&t, &bytes[..cut]).unwrap();
        let (_, msgs) = scan_code(&t, &Limits::default());
        assert!(!msgs.is_empty(), "cut at {cut}");
    }
    // Garbage in the middle of an entry's data: a message, no panic.
    let mut bad = bytes.clone();
    for b in &mut bad[40..60] {
        *b ^= 0x5a;
    }
    let t = dir.path().join("flipped.zip");
    std::fs::write(&t, &bad).unwrap();
    let _ = scan_code(&t, &Limits::default());
    // A missing path.
    let (hits, msgs) = scan_code(&dir.path().join("nope.zip"), &Limits::default());
    assert!(hits.is_empty());
    assert_eq!(msgs.len(), 1);
}

#[test]
fn entry_count_limit_stops_the_zip() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("many.zip");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&z).unwrap());
        for i in 0..10_000 {
            w.start_file(format!("f/{i:05}.txt"), SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"x\n").unwrap();
        }
        w.start_file("z/last.py", SimpleFileOptions::default())
            .unwrap();
        w.write_all(format!("k = '{}'\n", key_id()).as_bytes())
            .unwrap();
        w.finish().unwrap();
    }
    let limits = Limits {
        max_entries: 5000,
        ..Limits::default()
    };
    let (hits, msgs) = scan_code(&z, &limits);
    assert!(hits.is_empty(), "{hits:?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("more than 5000 files and entries")),
        "{msgs:?}"
    );
    let (hits, _) = scan_code(&z, &Limits::default());
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].file, "z/last.py");
}

#[test]
fn file_count_limit_stops_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..20 {
        write(&dir.path().join(format!("f{i:02}.txt")), b"x\n");
    }
    let limits = Limits {
        max_entries: 5,
        ..Limits::default()
    };
    let (_, msgs) = scan_code(dir.path(), &limits);
    assert!(msgs.iter().any(|m| m.contains("more than 5")), "{msgs:?}");
}

#[test]
fn archives_of_formats_not_read_are_one_message_with_a_count() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..5 {
        write(
            &dir.path().join(format!("data/model-{i}.json.gz")),
            b"\x1f\x8b\x08\0",
        );
    }
    write(&dir.path().join("app.tar"), b"not really a tar");
    write(&dir.path().join("app.py"), b"print('ok')\n");
    let (hits, messages) = scan_code(dir.path(), &Limits::default());
    assert!(hits.is_empty());
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert!(m.contains("6 archive(s) of formats not read"), "{m}");
    assert!(m.contains("and 3 more"), "{m}");
    // None: no message at all.
    let clean = tempfile::tempdir().unwrap();
    write(&clean.path().join("app.py"), b"print('ok')\n");
    assert!(scan_code(clean.path(), &Limits::default()).1.is_empty());
}
