//! Inline suppressions: `# lambdasec:ignore LS401 reason` (or `//`) on the line at fault or on
//! the line above it. When the target line starts a resource block, the whole block is covered.

use crate::inventory::Suppression;

const MARKER: &str = "lambdasec:ignore";

/// Finds the suppression comments of a file. `blocks` are the (first, last) lines of the
/// file's top-level blocks, so a comment above a block covers all of it.
pub fn parse_suppressions(file: &str, text: &str, blocks: &[(u32, u32)]) -> Vec<Suppression> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(pos) = line.find(MARKER) else {
            continue;
        };
        let before = line[..pos].trim_end();
        let comment_start = before
            .strip_suffix('#')
            .map(|b| b.len())
            .or_else(|| before.strip_suffix("//").map(|b| b.len()));
        let Some(cstart) = comment_start else {
            continue;
        };
        let code_before = line[..cstart].trim();
        let (rules, reason) = parse_args(&line[pos + MARKER.len()..]);
        let target = if code_before.is_empty() {
            // A comment line: the next line with code.
            match (i + 1..lines.len()).find(|&j| {
                let t = lines[j].trim();
                !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
            }) {
                Some(j) => j as u32 + 1,
                None => continue,
            }
        } else {
            i as u32 + 1
        };
        let end = blocks
            .iter()
            .find(|(s, _)| *s == target)
            .map_or(target, |(_, e)| *e);
        out.push(Suppression {
            file: file.to_string(),
            start_line: target,
            end_line: end,
            rules,
            reason,
        });
    }
    out
}

fn parse_args(rest: &str) -> (Vec<String>, String) {
    let mut rules = Vec::new();
    let mut words = rest.split_whitespace().peekable();
    while let Some(w) = words.peek() {
        let ids: Vec<&str> = w.split(',').filter(|s| !s.is_empty()).collect();
        if !ids.is_empty() && ids.iter().all(|id| is_rule_id(id)) {
            rules.extend(ids.iter().map(|s| s.to_ascii_uppercase()));
            words.next();
        } else {
            break;
        }
    }
    let reason: Vec<&str> = words.collect();
    let reason = if reason.is_empty() {
        "no reason given".to_string()
    } else {
        reason.join(" ")
    };
    (rules, reason)
}

fn is_rule_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && b[..2].eq_ignore_ascii_case(b"LS") && b[2..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn above_block_covers_block() {
        let t = "# lambdasec:ignore LS401 internal tool\nresource \"a\" \"b\" {\n  x = 1\n}\n";
        let s = parse_suppressions("m.tf", t, &[(2, 4)]);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].start_line, s[0].end_line), (2, 4));
        assert_eq!(s[0].rules, vec!["LS401"]);
        assert_eq!(s[0].reason, "internal tool");
    }

    #[test]
    fn trailing_comment_covers_its_line() {
        let t = "resource \"a\" \"b\" {\n  x = 1 # lambdasec:ignore LS401,LS402\n}\n";
        let s = parse_suppressions("m.tf", t, &[(1, 3)]);
        assert_eq!((s[0].start_line, s[0].end_line), (2, 2));
        assert_eq!(s[0].rules, vec!["LS401", "LS402"]);
        assert_eq!(s[0].reason, "no reason given");
    }

    #[test]
    fn marker_inside_string_is_not_a_comment() {
        let t = "x = \"lambdasec:ignore LS401\"\n";
        assert!(parse_suppressions("m.tf", t, &[]).is_empty());
    }
}
