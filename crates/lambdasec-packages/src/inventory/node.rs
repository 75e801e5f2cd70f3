//! npm packages: `node_modules/**/package.json`, `node_modules/.package-lock.json` (npm ≥ 7)
//! and the application's `package-lock.json` (lockfile versions 1–3), wherever the
//! `node_modules` directory sits (`/var/task`, `nodejs/`, `nodejs/node18/`).

use serde_json::Value;

/// What kind of npm metadata a local path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `node_modules/<name>/package.json` or `node_modules/@scope/name/package.json`.
    Manifest,
    /// `node_modules/.package-lock.json` or an application `package-lock.json`.
    Lockfile,
}

pub(super) fn kind(local: &str) -> Option<Kind> {
    if let Some(i) = local.rfind("node_modules/") {
        let rest = &local[i + "node_modules/".len()..];
        if rest == ".package-lock.json" {
            return Some(Kind::Lockfile);
        }
        let parts: Vec<&str> = rest.split('/').collect();
        let manifest = match parts.as_slice() {
            [name, "package.json"] => !name.starts_with('.') && !name.starts_with('@'),
            [scope, name, "package.json"] => scope.starts_with('@') && !name.starts_with('.'),
            _ => false,
        };
        return manifest.then_some(Kind::Manifest);
    }
    // An application lockfile; a lockfile inside an installed package is that package's
    // development artefact (excluded above by the `node_modules/` check).
    let base = local.rsplit('/').next().unwrap_or(local);
    (base == "package-lock.json").then_some(Kind::Lockfile)
}

/// Name and version of an installed package's `package.json`.
pub(super) fn manifest(content: &[u8]) -> Option<(String, String)> {
    let v: Value = serde_json::from_slice(content).ok()?;
    let name = v.get("name")?.as_str()?.trim();
    let version = v.get("version")?.as_str()?.trim();
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_string(), version.to_string()))
}

/// Packages a lockfile records as installed (development dependencies excluded: they are not
/// deployed), each with the lockfile key it came from (`node_modules/a/node_modules/b`).
pub(super) fn lockfile(content: &[u8]) -> Result<Vec<(String, String, String)>, String> {
    let v: Value = serde_json::from_slice(content).map_err(|e| format!("not valid JSON: {e}"))?;
    let mut out = Vec::new();
    if let Some(pkgs) = v.get("packages").and_then(Value::as_object) {
        // Lockfile v2/v3: keys are install paths.
        for (key, p) in pkgs {
            let Some(i) = key.rfind("node_modules/") else {
                continue; // "" is the application itself; workspaces are local code.
            };
            if p.get("dev").and_then(Value::as_bool) == Some(true)
                || p.get("link").and_then(Value::as_bool) == Some(true)
            {
                continue;
            }
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&key[i + "node_modules/".len()..]);
            if let Some(ver) = p.get("version").and_then(Value::as_str) {
                out.push((name.to_string(), ver.to_string(), key.clone()));
            }
        }
    } else if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
        // Lockfile v1: a nested `dependencies` tree.
        let mut stack: Vec<(String, &serde_json::Map<String, Value>, u32)> =
            vec![(String::new(), deps, 0)];
        while let Some((prefix, deps, depth)) = stack.pop() {
            for (name, d) in deps {
                if d.get("dev").and_then(Value::as_bool) == Some(true) {
                    continue;
                }
                let key = format!("{prefix}node_modules/{name}");
                if let Some(ver) = d.get("version").and_then(Value::as_str) {
                    // `file:`/git versions are not registry versions.
                    if !ver.contains(':') {
                        out.push((name.clone(), ver.to_string(), key.clone()));
                    }
                }
                if let Some(sub) = d.get("dependencies").and_then(Value::as_object) {
                    if depth < 64 {
                        stack.push((format!("{key}/"), sub, depth + 1));
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(
            kind("node_modules/lodash/package.json"),
            Some(Kind::Manifest)
        );
        assert_eq!(
            kind("nodejs/node_modules/@babel/traverse/package.json"),
            Some(Kind::Manifest)
        );
        assert_eq!(
            kind("nodejs/node18/node_modules/a/node_modules/b/package.json"),
            Some(Kind::Manifest)
        );
        // A fixture inside an installed package is not an installed package.
        assert_eq!(
            kind("node_modules/resolve/test/fixtures/x/package.json"),
            None
        );
        assert_eq!(
            kind("node_modules/.package-lock.json"),
            Some(Kind::Lockfile)
        );
        assert_eq!(kind("package-lock.json"), Some(Kind::Lockfile));
        assert_eq!(kind("node_modules/x/package-lock.json"), None);
        assert_eq!(kind("package.json"), None);
    }

    #[test]
    fn lockfile_versions() {
        let v3 = br#"{"lockfileVersion":3,"packages":{"":{"name":"app"},
            "node_modules/lodash":{"version":"4.17.15"},
            "node_modules/jest":{"version":"29.0.0","dev":true},
            "node_modules/a/node_modules/@s/b":{"version":"1.0.0"}}}"#;
        let got = lockfile(v3).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, "@s/b");
        let v1 = br#"{"lockfileVersion":1,"dependencies":{
            "minimist":{"version":"1.2.5"},
            "mocha":{"version":"9.0.0","dev":true},
            "x":{"version":"1.0.0","dependencies":{"y":{"version":"2.0.0"}}}}}"#;
        let mut got = lockfile(v1).unwrap();
        got.sort();
        assert_eq!(
            got.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(),
            ["minimist", "x", "y"]
        );
        assert!(lockfile(b"{").is_err());
    }
}
