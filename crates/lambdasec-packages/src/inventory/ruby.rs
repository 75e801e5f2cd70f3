//! Ruby gems: `specifications/<name>-<version>.gemspec` (a layer's `ruby/gems/3.x.0/`, a
//! function's `vendor/bundle/ruby/3.x.0/`), and the application's `Gemfile.lock`.

pub(super) fn is_gemspec(local: &str) -> bool {
    let mut parts = local.rsplit('/');
    let file = parts.next().unwrap_or("");
    file.ends_with(".gemspec") && parts.next() == Some("specifications")
}

pub(super) fn is_gemfile_lock(local: &str) -> bool {
    let base = local.rsplit('/').next().unwrap_or(local);
    base == "Gemfile.lock" && !local.contains("/gems/")
}

/// `s.name = "x".freeze` / `s.version = "1.2.3"` of an installed gem specification.
pub(super) fn gemspec(content: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(content);
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        let line = line.trim();
        let Some((lhs, rhs)) = line.split_once('=') else {
            continue;
        };
        let field = lhs.trim().rsplit('.').next().unwrap_or("");
        let value = quoted(rhs);
        match field {
            "name" if name.is_none() => name = value,
            "version" if version.is_none() => version = value,
            _ => {}
        }
    }
    Some((name?, version?))
}

/// The first quoted string of `rhs` (`"x".freeze`, `'x'`).
fn quoted(rhs: &str) -> Option<String> {
    let rhs = rhs.trim();
    let q = rhs.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rhs[1..];
    let end = rest.find(q)?;
    let v = &rest[..end];
    (!v.is_empty()).then(|| v.to_string())
}

/// Gems of the `GEM` section of a `Gemfile.lock`: `    name (version[-platform])`.
pub(super) fn gemfile_lock(content: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(content);
    let mut out = Vec::new();
    let mut in_gem = false;
    let mut in_specs = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_gem = line.trim() == "GEM";
            in_specs = false;
            continue;
        }
        if in_gem && line.trim() == "specs:" {
            in_specs = true;
            continue;
        }
        // Exactly four spaces: a spec; six: one of its dependencies (a constraint).
        if in_specs && line.starts_with("    ") && !line.starts_with("     ") {
            let l = line.trim();
            if let Some((name, rest)) = l.split_once(" (") {
                if let Some(ver) = rest.strip_suffix(')') {
                    let ver = strip_platform(ver);
                    out.push((name.to_string(), ver.to_string()));
                }
            }
        }
    }
    out
}

/// `1.15.4-x86_64-linux` → `1.15.4` (a gem version never contains `-`).
fn strip_platform(v: &str) -> &str {
    v.split('-').next().unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemspecs_and_lockfiles() {
        let g = b"# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = \"nokogiri\".freeze\n  s.version = \"1.13.3\"\n  s.platform = \"x86_64-linux\".freeze\nend\n";
        assert_eq!(gemspec(g), Some(("nokogiri".into(), "1.13.3".into())));
        assert!(is_gemspec(
            "ruby/gems/3.2.0/specifications/rack-2.2.3.gemspec"
        ));
        assert!(!is_gemspec("ruby/gems/3.2.0/gems/rack-2.2.3/rack.gemspec"));
        let lock = b"GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.13.3-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.6.0)\n\nPLATFORMS\n  x86_64-linux\n";
        assert_eq!(
            gemfile_lock(lock),
            [
                ("nokogiri".into(), "1.13.3".into()),
                ("racc".into(), "1.6.0".into())
            ]
        );
    }
}
