//! A nested zip bomb (a few KB expanding to hundreds of GB) is refused with a clear problem,
//! and the walk's peak memory stays far below 200 MB. Alone in its test binary so that the
//! peak RSS is this test's.

mod common;
use common::*;
use lambdasec_archive::{walk, Limits};

#[test]
fn nested_zip_bomb_is_refused_with_bounded_memory() {
    // Level 0: 16 MiB of zeros, deflated to ~16 KB.
    let zeros = vec![0u8; 16 << 20];
    let mut level = zip_of(&[("zeros.bin", &zeros)]);
    drop(zeros);
    // Four more levels of 16 copies each: 16 MiB × 16^4 = 1 TiB when fully expanded.
    for depth in 1..=4 {
        let names: Vec<String> = (0..16).map(|i| format!("l{depth}-{i}.zip")).collect();
        let entries: Vec<(&str, &[u8])> = names
            .iter()
            .map(|n| (n.as_str(), level.as_slice()))
            .collect();
        level = zip_of(&entries);
    }
    assert!(level.len() < 64 * 1024, "bomb is {} bytes", level.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("layer.zip");
    std::fs::write(&path, &level).unwrap();

    let mut rec = Record::default();
    walk(&path, &Limits::default(), &mut rec);
    let text = rec.problem_text();
    assert!(text.contains("possible zip bomb"), "{text}");
    assert!(rec.files.is_empty(), "nothing from the bomb is handed on");
    let peak = peak_rss_bytes().expect("linux /proc");
    eprintln!(
        "bomb: {} bytes expanding to 1 TiB; peak RSS {} MiB; {text}",
        level.len(),
        peak >> 20
    );
    assert!(peak < 200 << 20, "peak RSS {peak} bytes");
}
