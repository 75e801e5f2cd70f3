//! Reading and parsing `.tf` files: size limits, UTF-8, line/column positions.

use hcl_edit::structure::Body;
use lambdasec_model::SourceError;
use std::path::Path;
use std::sync::Arc;

/// Files larger than this are reported as errors instead of parsed.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Byte offset → line/column.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of byte `offset`.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line as u32, col as u32)
    }
}

/// One parsed `.tf` file.
pub struct ParsedFile {
    /// Path relative to the scan root, with forward slashes.
    pub rel: Arc<str>,
    pub text: String,
    pub lines: LineIndex,
    pub body: Body,
}

/// Reads a file with the size limit and decodes it as UTF-8; errors name the file and line.
pub fn read_text(path: &Path, rel: &str) -> Result<String, SourceError> {
    let err = |line: Option<u32>, message: String| SourceError {
        file: rel.to_string(),
        line,
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(
            None,
            format!(
                "file is {} bytes, over the {} MiB limit for Terraform files; skipped",
                meta.len(),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..good].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        err(
            Some(line),
            format!("invalid UTF-8 at byte {good}; Terraform files must be UTF-8"),
        )
    })
}

/// Parses HCL text; a syntax error names the line and column.
pub fn parse(rel: Arc<str>, text: String) -> Result<ParsedFile, SourceError> {
    let lines = LineIndex::new(&text);
    match hcl_edit::parser::parse_body(&text) {
        Ok(body) => Ok(ParsedFile {
            rel,
            text,
            lines,
            body,
        }),
        Err(e) => {
            let loc = e.location();
            let msg = e.message().replace('\n', " ");
            Err(SourceError {
                file: rel.to_string(),
                line: Some(loc.line() as u32),
                message: format!("syntax error at column {}: {}", loc.column(), msg.trim()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col() {
        let t = "ab\ncdé\nx";
        let li = LineIndex::new(t);
        assert_eq!(li.line_col(t, 0), (1, 1));
        assert_eq!(li.line_col(t, 3), (2, 1));
        assert_eq!(li.line_col(t, 8), (3, 1));
    }

    #[test]
    fn syntax_error_has_line() {
        let e = match parse("a.tf".into(), "resource \"a\" \"b\" {\n  x = \n".into()) {
            Err(e) => e,
            Ok(_) => panic!("expected an error"),
        };
        assert_eq!(e.file, "a.tf");
        assert!(e.line.is_some());
    }
}
