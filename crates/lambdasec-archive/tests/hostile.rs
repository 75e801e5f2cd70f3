//! Hostile and broken archives: every problem is reported with the entry's path and the walk
//! goes on with the rest.

mod common;
use common::*;
use lambdasec_archive::{walk, Limits};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

fn walk_bytes(bytes: &[u8], limits: &Limits) -> Record {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("code.zip");
    std::fs::write(&path, bytes).unwrap();
    let mut rec = Record::default();
    walk(&path, limits, &mut rec);
    rec
}

/// Replaces every occurrence of `from` by `to` (same length) in the raw zip bytes, so that
/// local and central headers both carry the hostile name.
fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut i = 0;
    let mut n = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            n += 1;
        }
        i += 1;
    }
    assert!(n >= 2, "patched {n} occurrences");
}

#[test]
fn path_traversal_and_absolute_names_are_skipped() {
    let mut z = zip_of(&[
        ("ok.txt", b"fine"),
        ("aa/bb/evil.txt", b"x"),
        ("xabs/evil2.txt", b"y"),
    ]);
    patch(&mut z, b"aa/bb/evil.txt", b"../../evil.txt");
    patch(&mut z, b"xabs/evil2.txt", b"/abs/evil2.txt");
    let rec = walk_bytes(&z, &Limits::default());
    let names: Vec<&str> = rec.files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(names, ["ok.txt"]);
    let text = rec.problem_text();
    assert!(text.contains("../../evil.txt: path-traversal"), "{text}");
    assert!(text.contains("/abs/evil2.txt: path-traversal"), "{text}");
}

#[test]
fn symlink_entries_are_skipped() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.add_symlink("link", "/etc/passwd", SimpleFileOptions::default())
        .unwrap();
    w.start_file("real.txt", SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"r").unwrap();
    let z = w.finish().unwrap().into_inner();
    let rec = walk_bytes(&z, &Limits::default());
    assert_eq!(rec.files.len(), 1);
    assert!(rec.problem_text().contains("link: symbolic link entry"));
}

#[test]
fn encrypted_entries_are_reported_not_read() {
    let mut z = zip_of(&[("secret.txt", b"abc"), ("plain.txt", b"p")]);
    // Set general-purpose bit 0 (encrypted) on the first entry's local and central headers.
    for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
        let at = z.windows(4).position(|w| w == sig).unwrap();
        let flag_at = if sig[2] == 3 { at + 6 } else { at + 8 };
        z[flag_at] |= 1;
    }
    let rec = walk_bytes(&z, &Limits::default());
    let names: Vec<&str> = rec.files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(names, ["plain.txt"]);
    assert!(rec.problem_text().contains("secret.txt: encrypted entry"));
}

#[test]
fn corrupt_central_directory_is_one_problem() {
    let mut z = zip_of(&[("a.txt", b"a")]);
    let at = z.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    z[at + 16] ^= 0xff; // central directory offset
    let rec = walk_bytes(&z, &Limits::default());
    assert!(rec.files.is_empty());
    assert!(
        rec.problem_text().contains("not a readable zip archive"),
        "{}",
        rec.problem_text()
    );
}

#[test]
fn garbage_and_truncations_never_panic() {
    let inner = zip_of(&[("META-INF/x.properties", b"version=1")]);
    let z = zip_of(&[("a.txt", b"hello"), ("lib/inner.jar", &inner)]);
    for cut in 0..z.len() {
        let _ = walk_bytes(&z[..cut], &Limits::default());
    }
    let mut noisy = z.clone();
    for i in (0..noisy.len()).step_by(7) {
        noisy[i] = noisy[i].wrapping_mul(31).wrapping_add(7);
        let _ = walk_bytes(&noisy, &Limits::default());
    }
}

#[test]
fn nested_archives_are_walked_with_joined_paths_and_a_bad_one_does_not_stop_the_rest() {
    let jar = zip_of(&[("META-INF/maven/g/a/pom.properties", b"version=1.0")]);
    let z = zip_of(&[
        ("java/lib/good.jar", &jar),
        ("java/lib/bad.jar", b"this is not a zip"),
        ("after.txt", b"still read"),
    ]);
    let rec = walk_bytes(&z, &Limits::default());
    let names: Vec<&str> = rec.files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "java/lib/good.jar!META-INF/maven/g/a/pom.properties",
            "after.txt"
        ]
    );
    assert!(rec
        .problem_text()
        .contains("java/lib/bad.jar: not a readable zip archive"));
}

#[test]
fn nesting_depth_is_limited() {
    let mut level = zip_of(&[("leaf.txt", b"leaf")]);
    for i in 0..10 {
        let name = format!("n{i}.zip");
        level = zip_of(&[(name.as_str(), level.as_slice())]);
    }
    let rec = walk_bytes(&level, &Limits::default());
    assert!(rec.files.is_empty());
    assert!(
        rec.problem_text().contains("nested deeper than 8 levels"),
        "{}",
        rec.problem_text()
    );
}

#[test]
fn thousands_of_entries_are_capped() {
    let names: Vec<String> = (0..5000).map(|i| format!("f{i}.txt")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let z = zip_of(&entries);
    let all = walk_bytes(&z, &Limits::default());
    assert_eq!(all.files.len(), 5000);
    let capped = walk_bytes(
        &z,
        &Limits {
            max_entries: 1000,
            ..Limits::default()
        },
    );
    assert_eq!(capped.files.len(), 1000);
    assert!(capped
        .problem_text()
        .contains("more than 1000 files and entries"));
}

#[test]
fn declared_ratio_and_size_limits() {
    let zeros = vec![0u8; 8 << 20];
    let z = zip_of(&[("big.bin", &zeros), ("small.txt", b"s")]);
    let rec = walk_bytes(&z, &Limits::default());
    assert!(
        rec.problem_text()
            .contains("big.bin: declared compression ratio"),
        "{}",
        rec.problem_text()
    );
    let rec = walk_bytes(
        &zip_of(&[("big.txt", &vec![b'a'; 4096]), ("small.txt", b"s")]),
        &Limits {
            max_file_bytes: 1024,
            ..Limits::default()
        },
    );
    let names: Vec<&str> = rec.files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(names, ["small.txt"]);
    assert!(rec
        .problem_text()
        .contains("big.txt: 4096 bytes, larger than the limit of 1024"));
}

#[cfg(unix)]
#[test]
fn directories_do_not_follow_symlinks_and_survive_loops() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::write(dir.path().join("a/b/f.txt"), "f").unwrap();
    std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("a/b/loop")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd")).unwrap();
    let mut rec = Record::default();
    walk(dir.path(), &Limits::default(), &mut rec);
    let names: Vec<&str> = rec.files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(names, ["a/b/f.txt"]);
    assert!(rec
        .problem_text()
        .contains("2 symbolic link(s) not followed"));
}

#[test]
fn lying_sizes_do_not_get_past_the_limits() {
    // 8 MiB of zeros whose headers declare 1,000 bytes: whatever the zip reader does with the
    // lie, the walk hands on at most the declared bytes or reports the entry.
    let zeros = vec![0u8; 8 << 20];
    let mut z = zip_of(&[("lie.bin", &zeros), ("after.txt", b"a")]);
    let lfh = z.windows(4).position(|w| w == b"PK\x03\x04").unwrap();
    z[lfh + 22..lfh + 26].copy_from_slice(&1000u32.to_le_bytes());
    let cdh = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    z[cdh + 24..cdh + 28].copy_from_slice(&1000u32.to_le_bytes());
    let rec = walk_bytes(&z, &Limits::default());
    for (p, content) in &rec.files {
        assert!(
            p != "lie.bin" || content.len() <= 1000,
            "{p}: {} bytes",
            content.len()
        );
    }
    eprintln!("{}", rec.problem_text());
}
