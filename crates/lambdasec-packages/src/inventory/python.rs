//! Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, `EGG-INFO/PKG-INFO`
//! and `*.egg-info` files (distutils), wherever they sit (`/var/task` root, `python/`,
//! `python/lib/python3.x/site-packages/`).

/// Whether a (local) path is Python metadata to read.
pub(super) fn wants(local: &str) -> bool {
    if vendored(local) {
        return false;
    }
    local.ends_with(".dist-info/METADATA")
        || local.ends_with(".egg-info/PKG-INFO")
        || local.ends_with("EGG-INFO/PKG-INFO")
        || local.ends_with(".egg-info")
}

/// Metadata of packages vendored inside another package (`pip/_vendor`,
/// `setuptools/_vendor/*.dist-info`, some with only a LICENSE) is not an installed package.
fn vendored(local: &str) -> bool {
    local.split('/').any(|c| c == "_vendor")
}

/// Name and version from RFC 822-style headers, up to the first blank line.
pub(super) fn parse(content: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(content);
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "name" if name.is_none() => name = Some(v.trim().to_string()),
                "version" if version.is_none() => version = Some(v.trim().to_string()),
                _ => {}
            }
        }
    }
    match (name, version) {
        (Some(n), Some(v)) if !n.is_empty() && !v.is_empty() => Some((n, v)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_end_at_the_first_blank_line() {
        let m = b"Metadata-Version: 2.1\nName: Requests\nVersion: 2.19.0\n\nVersion: 9.9\n";
        assert_eq!(parse(m), Some(("Requests".into(), "2.19.0".into())));
        assert_eq!(parse(b"Metadata-Version: 2.1\nName: x\n"), None);
    }

    #[test]
    fn layouts_and_vendored_metadata() {
        assert!(wants("requests-2.19.0.dist-info/METADATA"));
        assert!(wants(
            "python/lib/python3.12/site-packages/a_b-1.0.dist-info/METADATA"
        ));
        assert!(wants("python/six-1.16.0-py3.12.egg-info"));
        assert!(wants("python/x.egg-info/PKG-INFO"));
        assert!(!wants(
            "setuptools/_vendor/packaging-24.0.dist-info/METADATA"
        ));
        assert!(!wants("requests-2.19.0.dist-info/RECORD"));
    }
}
