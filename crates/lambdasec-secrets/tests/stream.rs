//! scan_reader: detections across chunk boundaries, stream offsets, lines, bounded memory.

use std::io::Read;

use lambdasec_secrets::{scan_reader, scan_text};

fn key(i: usize) -> String {
    // A distinct valid-looking key id per index (base32 letters only).
    let alpha = b"ABCDEFGHJKLMNPQRSTUVWXYZ234567";
    let mut body = String::from("Z7Q4WXJ3M2KP");
    for k in 0..4 {
        body.push(alpha[(i * 7 + k * 3) % alpha.len()] as char);
    }
    ["AKIA", &body].concat()
}

/// A reader that hands out at most `step` bytes per read.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.step).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn detections_spanning_chunk_boundaries_are_found_once_with_their_line() {
    const MIB: usize = 1024 * 1024;
    // Window edges of the 4 MiB chunk / 64 KiB carry scheme and some neighbours.
    let edges = [
        4 * MIB - 32 * 1024,
        4 * MIB,
        8 * MIB - 64 * 1024 - 32 * 1024,
        8 * MIB - 64 * 1024,
        12 * MIB - 128 * 1024,
    ];
    let filler = "    result = process(record)  # keep going\n";
    let mut text = String::new();
    let mut expected = Vec::new(); // (offset, line, key)
    let mut line = 1u64;
    for (i, &edge) in edges.iter().enumerate() {
        while text.len() + filler.len() < edge - 10 {
            text.push_str(filler);
            line += 1;
        }
        while text.len() < edge - 10 {
            text.push(' ');
        }
        let k = key(i);
        expected.push((text.len(), line, k.clone()));
        text.push_str(&k);
        text.push('\n');
        line += 1;
    }
    for _ in 0..1000 {
        text.push_str(filler);
    }
    for step in [usize::MAX, 1 << 16, 4093] {
        let found = scan_reader(Trickle {
            data: text.as_bytes(),
            step,
        })
        .unwrap();
        let got: Vec<(usize, u64, String)> = found
            .iter()
            .map(|(d, l)| (d.start, *l, text[d.start..d.end].to_owned()))
            .collect();
        assert_eq!(got, expected, "step {step}");
    }
    // Same detections as scanning the whole text at once.
    let whole: Vec<usize> = scan_text(&text).iter().map(|d| d.start).collect();
    assert_eq!(whole, expected.iter().map(|e| e.0).collect::<Vec<_>>());
}

#[test]
fn lines_are_one_based() {
    let text = format!("first\nsecond {}\n\nfourth {}", key(1), key(2));
    let found = scan_reader(text.as_bytes()).unwrap();
    let lines: Vec<u64> = found.iter().map(|(_, l)| *l).collect();
    assert_eq!(lines, vec![2, 4]);
    assert_eq!(found[0].0.start, text.find("AKIA").unwrap());
}

/// Generates `total` bytes of code-like text on the fly, with one secret near the end.
struct Generated {
    produced: u64,
    total: u64,
    secret_at: u64,
    secret: Vec<u8>,
    line: &'static [u8],
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() && self.produced < self.total {
            let p = self.produced;
            let b = if p >= self.secret_at && p < self.secret_at + self.secret.len() as u64 {
                self.secret[(p - self.secret_at) as usize]
            } else {
                self.line[(p % self.line.len() as u64) as usize]
            };
            buf[n] = b;
            n += 1;
            self.produced += 1;
        }
        Ok(n)
    }
}

#[test]
fn streams_200_mb_without_holding_it() {
    let line: &'static [u8] = b"    token = event['headers'].get('Authorization', '')  # 64 byt\n";
    assert_eq!(line.len(), 64);
    let total = 200u64 * 1024 * 1024;
    let secret_at = total - 64 * 1000; // start of a line near the end
    let secret = format!("{}\n", key(9)).into_bytes();
    let r = Generated {
        produced: 0,
        total,
        secret_at,
        secret,
        line,
    };
    let found = scan_reader(r).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0.start as u64, secret_at);
    assert_eq!(found[0].1, secret_at / 64 + 1);
}
