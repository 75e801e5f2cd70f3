//! The code of collected functions and layers: fetched (pre-signed URLs from `GetFunction` /
//! `GetLayerVersion`) or read from a local directory of build artifacts, then scanned by the
//! same secret and package scanners as local code. Downloads go to a temporary file, capped
//! in size, scanned and deleted at once, so the cache never holds more than one package per
//! concurrent task.

use crate::snapshot::{CodeScanSnap, CodeSecretSnap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Largest package downloaded (Lambda's limit for a zipped deployment package uploaded
/// through S3 is far below: 250 MB unzipped).
pub const MAX_DOWNLOAD: u64 = 512 * 1024 * 1024;

/// Where the code comes from.
#[derive(Debug, Clone, Default)]
pub enum CodeSource {
    /// Not read.
    #[default]
    None,
    /// Downloaded from the pre-signed URLs AWS returns.
    Download,
    /// `<dir>/<function name>.zip` (or a directory of that name); layers
    /// `<dir>/<layer name>-<version>.zip`.
    Dir(PathBuf),
}

/// Scans one deployment package or layer (a zip or a directory).
/// Scans a deployment package or layer for secrets and packages and, for a function (with
/// its handler and runtime), analyses its handler code.
pub fn scan(
    path: &Path,
    owner: &str,
    handler: Option<&str>,
    runtime: Option<&str>,
) -> (CodeScanSnap, Vec<String>) {
    let (hits, mut problems) =
        lambdasec_secrets::code::scan_code(path, &lambdasec_secrets::code::Limits::default());
    let inv = lambdasec_packages::inventory::inventory(path, &Default::default());
    for (entry, message) in inv.problems {
        if entry.is_empty() {
            problems.push(message);
        } else {
            problems.push(format!("{entry}: {message}"));
        }
    }
    let (analysis, analysis_problems) = analyse(path, owner, handler, runtime);
    problems.extend(analysis_problems);
    problems.sort();
    problems.dedup();
    let snap = CodeScanSnap {
        analysis,
        packages: inv.packages,
        secrets: hits
            .into_iter()
            .map(|h| CodeSecretSnap {
                file: h.file,
                line: h.line.min(u64::from(u32::MAX)) as u32,
                description: h.description.to_string(),
                redacted: h.redacted,
                placeholder: h.placeholder,
            })
            .collect(),
        notes: inv.notes,
    };
    (snap, problems)
}

/// Analyses the handler of a downloaded deployment package (or local artifact): log leaks,
/// webhook verification, secret fetches (LS703, LS903, LS205). Files are named
/// `{owner}!{path}` as for secrets found in downloaded code; `function` is 0 (the caller
/// sets the inventory index). `None` when the handler is unknown, not found, or the
/// runtime is not Python or Node.js; the problems are syntax errors in the code.
pub fn analyse(
    path: &Path,
    owner: &str,
    handler: Option<&str>,
    runtime: Option<&str>,
) -> (Option<lambdasec_model::CodeAnalysis>, Vec<String>) {
    let Some(handler) = handler else {
        return (None, Vec::new());
    };
    let target = lambdasec_code::Target {
        function: 0,
        handler,
        runtime,
    };
    let r = lambdasec_code::analyse_location(
        path,
        &format!("{owner}!"),
        &[target],
        &lambdasec_archive::Limits::default(),
    );
    let problems = r
        .errors
        .into_iter()
        .map(|e| match e.line {
            Some(l) => format!("{}:{l}: {}", e.file, e.message),
            None => format!("{}: {}", e.file, e.message),
        })
        .collect();
    (r.analyses.into_iter().next(), problems)
}

/// The local artifact for `name` in `dir`: `name.zip` or a directory `name`.
pub fn local(dir: &Path, name: &str) -> Option<PathBuf> {
    let zip = dir.join(format!("{name}.zip"));
    if zip.is_file() {
        return Some(zip);
    }
    let d = dir.join(name);
    d.is_dir().then_some(d)
}

/// Downloads `url` into a temporary file (at most [`MAX_DOWNLOAD`] bytes).
pub async fn download(url: &str) -> Result<tempfile::NamedTempFile, String> {
    use http_body_util::BodyExt;
    let uri: hyper::Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
        .map_err(|e| format!("TLS roots: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: hyper_util::client::legacy::Client<_, http_body_util::Empty<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(https);
    let resp = tokio::time::timeout(std::time::Duration::from_secs(60), client.get(uri))
        .await
        .map_err(|_| "timed out".to_string())?
        .map_err(|e| format!("download failed: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("download failed: HTTP {}", resp.status()));
    }
    let mut file = tempfile::NamedTempFile::new().map_err(|e| format!("temporary file: {e}"))?;
    let mut body = resp.into_body();
    let mut total = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("download failed: {e}"))?;
        if let Some(data) = frame.data_ref() {
            total += data.len() as u64;
            if total > MAX_DOWNLOAD {
                return Err(format!("larger than {MAX_DOWNLOAD} bytes; not downloaded"));
            }
            file.write_all(data)
                .map_err(|e| format!("temporary file: {e}"))?;
        }
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read};
    use std::net::TcpListener;

    /// Serves `body` at `/code.zip` and 404 elsewhere, for `n` requests.
    fn serve(body: Vec<u8>, n: usize) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(n) {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let ok = line.contains("/code.zip");
                let (status, b): (&str, &[u8]) = if ok {
                    ("200 OK", &body)
                } else {
                    ("404 Not Found", b"no")
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    b.len()
                );
                let _ = stream.write_all(b);
            }
        });
        url
    }

    fn package() -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("requests-2.19.0.dist-info/METADATA", opts)
            .unwrap();
        w.write_all(b"Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n\n")
            .unwrap();
        w.start_file("app.py", opts).unwrap();
        let key = ["AKIA", "Z7Q3", "LMN4", "RST5", "UV6W"].concat();
        w.write_all(format!("import os\nKEY = \"{key}\"\n").as_bytes())
            .unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn downloaded_handler_code_is_analysed() {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("app.py", opts).unwrap();
        w.write_all(b"import os\n\ndef handler(event, context):\n    print(os.environ)\n")
            .unwrap();
        w.start_file("broken.py", opts).unwrap();
        w.write_all(b"def handler(event, context)\n    pass\n")
            .unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&bytes).unwrap();
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
        let (a, problems) = analyse(file.path(), arn, Some("app.handler"), Some("python3.12"));
        assert!(problems.is_empty(), "{problems:?}");
        let a = a.expect("analysis");
        assert_eq!(a.log_leaks.len(), 1);
        assert_eq!(
            a.log_leaks[0].loc.file.as_deref(),
            Some(format!("{arn}!app.py").as_str())
        );
        assert_eq!(a.log_leaks[0].kind, lambdasec_model::LeakKind::Environment);
        let (_, problems) = analyse(file.path(), arn, Some("broken.handler"), None);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with(&format!("{arn}!broken.py:1: syntax error")));
        assert_eq!(analyse(file.path(), arn, None, None).0, None);
        assert_eq!(
            analyse(file.path(), arn, Some("app.handler"), Some("java21")).0,
            None
        );
    }

    #[test]
    fn downloads_are_scanned_and_failures_reported() {
        let bytes = package();
        let url = serve(bytes.clone(), 2);
        let rt = tokio::runtime::Runtime::new().unwrap();
        let file = rt.block_on(download(&format!("{url}/code.zip"))).unwrap();
        let mut got = Vec::new();
        std::fs::File::open(file.path())
            .unwrap()
            .read_to_end(&mut got)
            .unwrap();
        assert_eq!(got, bytes);
        let (snap, problems) = scan(file.path(), "layer", None, None);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(snap.packages.len(), 1);
        assert_eq!(snap.packages[0].purl, "pkg:pypi/requests@2.19.0");
        assert_eq!(snap.secrets.len(), 1);
        assert_eq!(
            (snap.secrets[0].file.as_str(), snap.secrets[0].line),
            ("app.py", 2)
        );
        assert!(!snap.secrets[0].redacted.contains("Z7Q3LMN4"));
        let err = rt
            .block_on(download(&format!("{url}/missing.zip")))
            .unwrap_err();
        assert!(err.contains("HTTP 404"), "{err}");
        let err = rt
            .block_on(download("http://127.0.0.1:1/x.zip"))
            .unwrap_err();
        assert!(err.starts_with("download failed"), "{err}");
    }
}
