//! Chunked scanning of a reader with overlap: bounded memory, stream offsets, line numbers.

use std::io::Read;

use crate::Detection;

/// Bytes read per chunk.
const CHUNK: usize = 4 * 1024 * 1024;
/// Bytes carried from one window into the next. Detections starting in the last half of the
/// carry are left to the next window; the first half is context (names before values, key ids
/// before secret keys).
const CARRY: usize = 64 * 1024;

pub fn scan_reader(mut r: impl Read) -> std::io::Result<Vec<(Detection, u64)>> {
    scan_reader_with(&mut r, CHUNK, CARRY)
}

/// `chunk` and `carry` are parameters so tests can exercise boundaries with small windows.
pub fn scan_reader_with(
    r: &mut dyn Read,
    chunk: usize,
    carry: usize,
) -> std::io::Result<Vec<(Detection, u64)>> {
    let mut buf: Vec<u8> = Vec::with_capacity(chunk + carry);
    let mut base: u64 = 0; // stream offset of buf[0]
    let mut accepted_to: u64 = 0; // detections starting before this were reported
    let mut lines_before_base: u64 = 0; // newlines in the stream before `base`
    let mut out = Vec::new();
    let mut eof = false;
    while !eof {
        // Fill up to carry + chunk.
        let target = buf.len() + chunk;
        while buf.len() < target {
            let old = buf.len();
            buf.resize(target, 0);
            let n = loop {
                match r.read(&mut buf[old..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            buf.truncate(old + n);
            if n == 0 {
                eof = true;
                break;
            }
        }
        let len = buf.len();
        let accept_end = if eof {
            len
        } else {
            len.saturating_sub(carry / 2)
        };
        let mut found = crate::engine::scan_bytes(&buf);
        found.retain(|d| {
            let s = base + d.start as u64;
            s >= accepted_to && d.start < accept_end
        });
        found.sort_by_key(|d| d.start);
        let mut pos = 0usize;
        let mut lines = lines_before_base;
        for d in found {
            lines += count_newlines(&buf[pos..d.start]);
            pos = d.start;
            let line = lines + 1;
            out.push((
                Detection {
                    start: d.start + base as usize,
                    end: d.end + base as usize,
                    ..d
                },
                line,
            ));
        }
        accepted_to = base + accept_end as u64;
        if eof {
            break;
        }
        // Keep the last `carry` bytes.
        let keep_from = len.saturating_sub(carry);
        lines_before_base += count_newlines(&buf[..keep_from]);
        base += keep_from as u64;
        buf.drain(..keep_from);
    }
    Ok(out)
}

fn count_newlines(s: &[u8]) -> u64 {
    s.iter().filter(|&&b| b == b'\n').count() as u64
}
