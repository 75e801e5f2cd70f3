//! A cheap textual pass that decides which parts of which files the analysis can reach, so
//! that tree-sitter parses only those (its included ranges).
//!
//! Files are cut into top-level chunks (a statement starting at column 0 and everything up
//! to the next one, strings, comments, brackets and template literals respected). A chunk
//! that only defines a function or class (`def f`, `class C`, `function f`,
//! `export const f = (...) =>`, `exports.f = function`) is needed only when its name
//! appears in a needed chunk of any file reached; every other chunk (imports, assignments,
//! calls, decorated registrations, `export default`) is always needed, since module
//! initialisation runs it. Starting from each handler's file and name, needed chunks add
//! the words they contain and the local files they import, until nothing changes. Name
//! resolution in the analysis is by name too, so this keeps everything it could reach; a
//! partial parse that shows any syntax error is redone in full.

use crate::files::{FileId, FileSet};
use crate::ir::Lang;
use std::collections::{HashMap, HashSet};

/// A byte range of a file to parse, with its start and end rows (chunks start at column 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub start_row: usize,
    pub end_row: usize,
    pub end_col: usize,
}

#[derive(Debug)]
struct Chunk {
    span: Span,
    /// The name it defines, when all it does is define a function or class.
    def: Option<String>,
    /// An export list (`module.exports = { a, b: c }`, `export { a as b }`, `__all__`):
    /// exported name and the byte range of its value. A value matters only once its name
    /// does.
    exports: Option<Vec<(String, usize, usize)>>,
}

/// Top-level chunks of a file.
fn chunks(lang: Lang, src: &[u8]) -> Vec<Chunk> {
    let starts = if lang == Lang::Python {
        py_starts(src)
    } else {
        js_starts(src)
    };
    let mut out = Vec::with_capacity(starts.len());
    for (i, &(start, row)) in starts.iter().enumerate() {
        let (end, end_row, end_col) = match starts.get(i + 1) {
            Some(&(e, r)) => (e, r, 0),
            None => {
                let last_nl = src.iter().rposition(|&b| b == b'\n');
                let rows = src.iter().filter(|&&b| b == b'\n').count();
                (src.len(), rows, src.len() - last_nl.map_or(0, |p| p + 1))
            }
        };
        let text = &src[start..end];
        let def = if lang == Lang::Python {
            py_def(text)
        } else {
            js_def(text)
        };
        let exports = export_list(lang, text, start);
        out.push(Chunk {
            exports,
            span: Span {
                start,
                end,
                start_row: row,
                end_row,
                end_col,
            },
            def,
        });
    }
    out
}

/// The items of an export list chunk, or `None` when the chunk is not one.
fn export_list(lang: Lang, text: &[u8], base: usize) -> Option<Vec<(String, usize, usize)>> {
    let t = text.trim_ascii_end();
    if lang == Lang::Python {
        return (t.starts_with(b"__all__") && !t.contains(&b'\n')).then(Vec::new);
    }
    let (open, rename) = if let Some(r) = t
        .strip_prefix(b"module.exports")
        .map(<[u8]>::trim_ascii_start)
        .and_then(|r| r.strip_prefix(b"="))
    {
        (t.len() - r.len(), false)
    } else if let Some(r) = t.strip_prefix(b"export").filter(|r| {
        r.first()
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'{')
    }) {
        if contains(r, b"from") {
            return None;
        }
        (t.len() - r.len(), true)
    } else {
        return None;
    };
    let body = t[open..].trim_ascii_start();
    let body_at = t.len() - body.len();
    let body = body.strip_suffix(b";").unwrap_or(body).trim_ascii_end();
    if !(body.starts_with(b"{") && body.ends_with(b"}")) {
        return None;
    }
    let inner_at = body_at + 1;
    let inner = &body[1..body.len() - 1];
    // Split on top-level commas.
    let mut items = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<u8> = None;
    let mut start = 0;
    let mut i = 0;
    while i < inner.len() {
        let b = inner[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    items.push((start, i));
                    start = i + 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    if depth != 0 || quote.is_some() {
        return None;
    }
    items.push((start, inner.len()));
    let mut out = Vec::new();
    for (a, b) in items {
        let item = &inner[a..b];
        let lead = item.len() - item.trim_ascii_start().len();
        let it = item.trim_ascii();
        if it.is_empty() {
            continue;
        }
        let abs = |x: usize| base + inner_at + a + lead + x;
        if it.starts_with(b"...") {
            // A spread: always matters.
            out.push((String::new(), abs(0), abs(it.len())));
            continue;
        }
        if rename {
            // `local as exported`
            let s = String::from_utf8_lossy(it);
            let mut parts = s.split_whitespace();
            let local = parts.next().unwrap_or_default();
            let exported = match (parts.next(), parts.next()) {
                (Some("as"), Some(e)) => e,
                _ => local,
            };
            out.push((
                exported.trim_matches(['\'', '"']).to_string(),
                abs(0),
                abs(local.len()),
            ));
            continue;
        }
        let key_end = it
            .iter()
            .position(|&b| b == b':' || b == b'(')
            .unwrap_or(it.len());
        let key = String::from_utf8_lossy(it[..key_end].trim_ascii())
            .trim_matches(['\'', '"'])
            .to_string();
        // Only values that do nothing when the module loads wait for their name: names,
        // functions, methods. Anything else (a call) always matters.
        let value = it
            .get(key_end + 1..)
            .map(<[u8]>::trim_ascii)
            .unwrap_or_default();
        let inert = key_end == it.len()
            || it[key_end] == b'('
            || value
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.')
            || value.starts_with(b"function")
            || value.starts_with(b"async")
            || (value.starts_with(b"(") && contains(value, b"=>"));
        let key = if inert { key } else { String::new() };
        out.push((key, abs(0), abs(it.len())));
    }
    Some(out)
}

fn first_line(text: &[u8]) -> &[u8] {
    let e = text.iter().position(|&b| b == b'\n').unwrap_or(text.len());
    &text[..e]
}

fn ident_at(s: &[u8]) -> Option<&str> {
    let n = s
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$'))
        .unwrap_or(s.len());
    if n == 0 || s[0].is_ascii_digit() {
        return None;
    }
    std::str::from_utf8(&s[..n]).ok()
}

fn strip<'a>(s: &'a [u8], word: &str) -> Option<&'a [u8]> {
    let w = word.as_bytes();
    if s.starts_with(w) && s.get(w.len()).is_some_and(|b| b.is_ascii_whitespace()) {
        Some(s[w.len()..].trim_ascii_start())
    } else {
        None
    }
}

/// Python: `def f`, `async def f`, `class C`, after plain decorators (a decorator call,
/// `@app.get("/")`, may register the function: always needed).
fn py_def(text: &[u8]) -> Option<String> {
    let mut rest = text;
    loop {
        let line = first_line(rest);
        if line.first() == Some(&b'@') {
            if line.contains(&b'(') {
                return None;
            }
            rest = rest.get(line.len() + 1..)?;
            continue;
        }
        break;
    }
    let l = first_line(rest);
    let l = strip(l, "async").unwrap_or(l);
    let after = strip(l, "def").or_else(|| strip(l, "class"))?;
    ident_at(after).map(str::to_string)
}

/// JS/TS: `function f`, `class C`, `const f = (...) =>`, `exports.f = function`.
fn js_def(text: &[u8]) -> Option<String> {
    let l = first_line(text);
    if l.first() == Some(&b'@') {
        return None;
    }
    let mut s = l;
    if let Some(r) = strip(s, "export") {
        if strip(r, "default").is_some() || r.starts_with(b"{") || r.starts_with(b"*") {
            return None;
        }
        s = r;
    }
    let s2 = strip(s, "async").unwrap_or(s);
    if let Some(r) = strip(s2, "function")
        .or_else(|| s2.strip_prefix(b"function*").map(<[u8]>::trim_ascii_start))
    {
        return ident_at(r.strip_prefix(b"*").unwrap_or(r).trim_ascii_start()).map(str::to_string);
    }
    if let Some(r) =
        strip(s, "class").or_else(|| strip(s, "abstract").and_then(|r| strip(r, "class")))
    {
        return ident_at(r).map(str::to_string);
    }
    let (name, rest) = if let Some(r) = strip(s, "const")
        .or_else(|| strip(s, "let"))
        .or_else(|| strip(s, "var"))
    {
        let name = ident_at(r)?;
        (name, &r[name.len()..])
    } else if let Some(r) = s
        .strip_prefix(b"module.exports.")
        .or_else(|| s.strip_prefix(b"exports."))
    {
        let name = ident_at(r)?;
        (name, &r[name.len()..])
    } else {
        return None;
    };
    // `name [: type] = <function>` on the first line.
    let eq = rest.iter().position(|&b| b == b'=')?;
    if rest.get(eq + 1) == Some(&b'=') || rest.get(eq + 1) == Some(&b'>') {
        return None;
    }
    let before = rest[..eq].trim_ascii();
    if !(before.is_empty() || before.starts_with(b":")) {
        return None;
    }
    let rhs = rest[eq + 1..].trim_ascii_start();
    let rhs = strip(rhs, "async").unwrap_or(rhs);
    let func = if rhs.starts_with(b"function") {
        true
    } else if rhs.first() == Some(&b'(') {
        // The parameters close on this line and an arrow follows.
        let mut depth = 0i32;
        let mut close = None;
        for (i, &b) in rhs.iter().enumerate() {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        close.is_some_and(|c| contains(&rhs[c..], b"=>"))
    } else if let Some(id) = ident_at(rhs) {
        rhs[id.len()..].trim_ascii_start().starts_with(b"=>")
    } else {
        false
    };
    func.then(|| name.to_string())
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

/// Byte offsets (and rows) where Python top-level statements start.
fn py_starts(src: &[u8]) -> Vec<(usize, usize)> {
    let mut out = vec![(0usize, 0usize)];
    let mut i = 0;
    let n = src.len();
    let mut depth = 0usize;
    let mut row = 0usize;
    let mut in_decorators = false;
    let mut continued = false;
    while i < n {
        // At a line start.
        let line_start = i;
        let c = src[i];
        if depth == 0
            && !continued
            && line_start > 0
            && !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'#')
        {
            let rest = &src[i..];
            let cont = [&b"else"[..], b"elif", b"except", b"finally"]
                .iter()
                .any(|k| {
                    rest.starts_with(k)
                        && rest
                            .get(k.len())
                            .is_some_and(|b| !b.is_ascii_alphanumeric() && *b != b'_')
                });
            let is_def = rest.starts_with(b"def ")
                || rest.starts_with(b"async ")
                || rest.starts_with(b"class ");
            if !cont && !(in_decorators && (is_def || c == b'@')) {
                out.push((i, row));
            }
            in_decorators = c == b'@' || (in_decorators && !is_def);
        }
        continued = false;
        // Scan the line (strings may span lines).
        while i < n {
            let b = src[i];
            match b {
                b'\n' => {
                    i += 1;
                    row += 1;
                    break;
                }
                b'#' => {
                    while i < n && src[i] != b'\n' {
                        i += 1;
                    }
                }
                b'\\' => {
                    if src.get(i + 1) == Some(&b'\n') {
                        continued = true;
                    }
                    i += 2;
                    if continued {
                        row += 1;
                        break;
                    }
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                b'"' | b'\'' => {
                    let triple = src.get(i + 1) == Some(&b) && src.get(i + 2) == Some(&b);
                    i += if triple { 3 } else { 1 };
                    while i < n {
                        let x = src[i];
                        if x == b'\\' {
                            if src.get(i + 1) == Some(&b'\n') {
                                row += 1;
                            }
                            i += 2;
                            continue;
                        }
                        if x == b'\n' {
                            if !triple {
                                break;
                            }
                            row += 1;
                        }
                        if x == b {
                            if !triple {
                                i += 1;
                                break;
                            }
                            if src.get(i + 1) == Some(&b) && src.get(i + 2) == Some(&b) {
                                i += 3;
                                break;
                            }
                        }
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        if depth > 0 {
            continued = true;
        }
    }
    out.dedup_by_key(|x| x.0);
    out
}

/// Byte offsets (and rows) where JS/TS top-level statements start: lines at column 0 outside
/// any bracket, string, template or comment, not continuing an expression.
fn js_starts(src: &[u8]) -> Vec<(usize, usize)> {
    let mut out = vec![(0usize, 0usize)];
    let n = src.len();
    let mut i = 0;
    let mut row = 0usize;
    // Brackets: `{`/`(`/`[` normal, `$` a template substitution's brace.
    let mut stack: Vec<u8> = Vec::new();
    let mut in_template = false;
    let mut template_stack: Vec<bool> = Vec::new();
    let mut prev: u8 = b';';
    let mut at_line_start = true;
    let mut in_decorators = false;
    while i < n {
        let b = src[i];
        if at_line_start {
            at_line_start = false;
            if stack.is_empty() && !in_template && i > 0 && !b.is_ascii_whitespace() {
                let continuation = matches!(
                    b,
                    b'.' | b')'
                        | b']'
                        | b'}'
                        | b','
                        | b'?'
                        | b':'
                        | b'+'
                        | b'-'
                        | b'*'
                        | b'&'
                        | b'|'
                        | b'='
                        | b'<'
                        | b'>'
                        | b'/'
                ) && !(b == b'/'
                    && matches!(src.get(i + 1), Some(b'/') | Some(b'*')));
                let prev_open = matches!(
                    prev,
                    b'=' | b','
                        | b'('
                        | b'['
                        | b'{'
                        | b':'
                        | b'?'
                        | b'+'
                        | b'-'
                        | b'*'
                        | b'&'
                        | b'|'
                        | b'.'
                );
                let rest = &src[i..];
                let is_class = rest.starts_with(b"class ")
                    || rest.starts_with(b"export ")
                    || rest.starts_with(b"abstract ");
                if !continuation && !prev_open && !(in_decorators && (is_class || b == b'@')) {
                    out.push((i, row));
                }
                in_decorators = b == b'@' || (in_decorators && !is_class);
            }
        }
        if in_template {
            match b {
                b'\\' => i += 2,
                b'`' => {
                    in_template = false;
                    i += 1;
                    prev = b'a';
                }
                b'$' if src.get(i + 1) == Some(&b'{') => {
                    stack.push(b'$');
                    template_stack.push(true);
                    in_template = false;
                    i += 2;
                }
                b'\n' => {
                    row += 1;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        match b {
            b'\n' => {
                row += 1;
                i += 1;
                at_line_start = true;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if src.get(i + 1) == Some(&b'/') => {
                while i < n && src[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < n && !(src[i] == b'*' && src.get(i + 1) == Some(&b'/')) {
                    if src[i] == b'\n' {
                        row += 1;
                    }
                    i += 1;
                }
                i += 2;
            }
            b'/' if matches!(
                prev,
                b'(' | b','
                    | b'='
                    | b':'
                    | b'['
                    | b'!'
                    | b'&'
                    | b'|'
                    | b'?'
                    | b'{'
                    | b'}'
                    | b';'
                    | b'+'
                    | b'-'
                    | b'*'
                    | b'%'
                    | b'<'
                    | b'>'
                    | b'~'
                    | b'^'
                    | b'\n'
            ) =>
            {
                // A regular expression literal.
                i += 1;
                let mut class = false;
                while i < n && src[i] != b'\n' {
                    match src[i] {
                        b'\\' => i += 1,
                        b'[' => class = true,
                        b']' => class = false,
                        b'/' if !class => break,
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                prev = b'a';
            }
            b'"' | b'\'' => {
                i += 1;
                while i < n && src[i] != b && src[i] != b'\n' {
                    if src[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                prev = b'a';
            }
            b'`' => {
                in_template = true;
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                stack.push(b);
                prev = b;
                i += 1;
            }
            b')' | b']' | b'}' => {
                if stack.pop() == Some(b'$') {
                    template_stack.pop();
                    in_template = true;
                    i += 1;
                    continue;
                }
                prev = if b == b'}' { b';' } else { b };
                i += 1;
            }
            _ => {
                if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' {
                    // A word: `return /re/` is a regex, `x / y` a division.
                    let s = i;
                    while i < n
                        && (src[i].is_ascii_alphanumeric() || src[i] == b'_' || src[i] == b'$')
                    {
                        i += 1;
                    }
                    let w = &src[s..i];
                    prev = if matches!(
                        w,
                        b"return"
                            | b"typeof"
                            | b"case"
                            | b"do"
                            | b"else"
                            | b"in"
                            | b"of"
                            | b"new"
                            | b"delete"
                            | b"void"
                            | b"throw"
                            | b"yield"
                            | b"await"
                    ) {
                        b'='
                    } else {
                        b'a'
                    };
                } else {
                    prev = b;
                    i += 1;
                }
            }
        }
    }
    out.dedup_by_key(|x| x.0);
    out
}

/// Words (identifiers) in a text.
fn words<'a>(text: &'a [u8], out: &mut HashSet<&'a [u8]>) -> bool {
    let mut grew = false;
    let mut i = 0;
    let n = text.len();
    while i < n {
        let b = text[i];
        if b.is_ascii_alphabetic() || b == b'_' || b == b'$' {
            let s = i;
            while i < n && (text[i].is_ascii_alphanumeric() || text[i] == b'_' || text[i] == b'$') {
                i += 1;
            }
            grew |= out.insert(&text[s..i]);
        } else if b.is_ascii_digit() {
            while i < n && (text[i].is_ascii_alphanumeric() || text[i] == b'_') {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    grew
}

/// Local imports named in a text: (module, level) for Python, specifiers for JS.
fn imports(lang: Lang, text: &[u8], out: &mut Vec<(String, u32)>) {
    let s = String::from_utf8_lossy(text);
    if lang == Lang::Python {
        let mut lines = s.lines();
        while let Some(line) = lines.next() {
            let t = line.trim_start();
            if let Some(r) = t.strip_prefix("import ") {
                for part in r.split(',') {
                    let m = part.split_whitespace().next().unwrap_or_default();
                    if !m.is_empty() {
                        out.push((m.to_string(), 0));
                    }
                }
            } else if let Some(r) = t.strip_prefix("from ") {
                let Some((module, names)) = r.split_once(" import") else {
                    continue;
                };
                let module = module.trim();
                let level = module.chars().take_while(|&c| c == '.').count() as u32;
                let module = module.trim_start_matches('.');
                out.push((module.to_string(), level));
                let mut names = names.to_string();
                if names.contains('(') && !names.contains(')') {
                    for l in lines.by_ref() {
                        names.push_str(l);
                        if l.contains(')') {
                            break;
                        }
                    }
                }
                for n in names.split([',', '(', ')', '\\']) {
                    let n = n.split_whitespace().next().unwrap_or_default();
                    if !n.is_empty() && n != "*" {
                        let sub = if module.is_empty() {
                            n.to_string()
                        } else {
                            format!("{module}.{n}")
                        };
                        out.push((sub, level));
                    }
                }
            }
        }
    } else {
        for key in ["require(", "import(", "from ", "import "] {
            let mut at = 0;
            while let Some(p) = s[at..].find(key) {
                let after = s[at + p + key.len()..].trim_start();
                if let Some(q) = after
                    .chars()
                    .next()
                    .filter(|c| matches!(c, '\'' | '"' | '`'))
                {
                    let body = &after[1..];
                    if let Some(e) = body.find(q) {
                        let spec = &body[..e];
                        if spec.starts_with('.') {
                            out.push((spec.to_string(), 0));
                        }
                    }
                }
                at += p + key.len();
            }
        }
    }
}

/// For each file the handlers can reach, the byte ranges to parse (`None`: the whole file).
pub fn plan(fs: &FileSet, roots: &[(FileId, &str)]) -> HashMap<FileId, Option<Vec<Span>>> {
    struct Info {
        lang: Lang,
        chunks: Vec<Chunk>,
        needed: Vec<bool>,
        /// Export list items whose value was taken in.
        taken: Vec<Vec<bool>>,
    }
    let mut infos: HashMap<FileId, Info> = HashMap::new();
    let mut order: Vec<FileId> = Vec::new();
    let mut names: HashSet<&[u8]> = HashSet::new();
    let load = |f: FileId, infos: &mut HashMap<FileId, Info>, order: &mut Vec<FileId>| {
        if infos.contains_key(&f) || order.len() >= 4096 {
            return;
        }
        let Some(lang) = fs.lang(f) else { return };
        let chunks = chunks(lang, fs.content(f));
        let needed = vec![false; chunks.len()];
        let taken = chunks
            .iter()
            .map(|c| vec![false; c.exports.as_ref().map_or(0, Vec::len)])
            .collect();
        infos.insert(
            f,
            Info {
                lang,
                chunks,
                needed,
                taken,
            },
        );
        order.push(f);
    };
    for (f, name) in roots {
        load(*f, &mut infos, &mut order);
        names.insert(name.as_bytes());
    }
    loop {
        let mut changed = false;
        let mut k = 0;
        while k < order.len() {
            let f = order[k];
            k += 1;
            let content = fs.content(f);
            let mut found = Vec::new();
            let Some(info) = infos.get_mut(&f) else {
                continue;
            };
            for (i, c) in info.chunks.iter().enumerate() {
                if let Some(items) = &c.exports {
                    info.needed[i] = true;
                    for (j, (key, a, b)) in items.iter().enumerate() {
                        if info.taken[i][j] || !(key.is_empty() || names.contains(key.as_bytes())) {
                            continue;
                        }
                        info.taken[i][j] = true;
                        changed = true;
                        let text = &content[*a..*b];
                        words(text, &mut names);
                        imports(info.lang, text, &mut found);
                    }
                    continue;
                }
                if info.needed[i] {
                    continue;
                }
                let need = match &c.def {
                    None => true,
                    Some(d) => names.contains(d.as_bytes()),
                };
                if !need {
                    continue;
                }
                info.needed[i] = true;
                changed = true;
                let text = &content[c.span.start..c.span.end];
                words(text, &mut names);
                imports(info.lang, text, &mut found);
            }
            let lang = info.lang;
            for (spec, level) in found {
                let targets: Vec<FileId> = if lang == Lang::Python {
                    let mut v = Vec::new();
                    let mut prefix = String::new();
                    for part in spec.split('.') {
                        if !prefix.is_empty() {
                            prefix.push('.');
                        }
                        prefix.push_str(part);
                        v.extend(fs.resolve_py(f, &prefix, level));
                    }
                    if spec.is_empty() {
                        v.extend(fs.resolve_py(f, "", level));
                    }
                    v
                } else {
                    fs.resolve_js(f, &spec).into_iter().collect()
                };
                for t in targets {
                    load(t, &mut infos, &mut order);
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut out = HashMap::new();
    for (f, info) in infos {
        if info.needed.iter().all(|&n| n) {
            out.insert(f, None);
            continue;
        }
        let mut spans: Vec<Span> = Vec::new();
        for (c, &n) in info.chunks.iter().zip(&info.needed) {
            if !n {
                continue;
            }
            match spans.last_mut() {
                Some(last) if last.end == c.span.start => {
                    last.end = c.span.end;
                    last.end_row = c.span.end_row;
                    last.end_col = c.span.end_col;
                }
                _ => spans.push(c.span),
            }
        }
        out.insert(f, Some(spans));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs(lang: Lang, src: &str) -> Vec<(String, Option<String>)> {
        chunks(lang, src.as_bytes())
            .into_iter()
            .map(|c| {
                (
                    src[c.span.start..c.span.end]
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    c.def,
                )
            })
            .collect()
    }

    #[test]
    fn python_chunks() {
        let src = "import os\n\n@lru_cache\ndef a(x):\n    s = \"\"\"\ndef fake():\n\"\"\"\n    return (1,\n2)\n\n@app.get('/')\ndef route():\n    pass\nif x:\n    y()\nelse:\n    z()\nclass C(B):\n    def m(self):\n        pass\nasync def b(): pass\n";
        let got = defs(Lang::Python, src);
        let names: Vec<_> = got
            .iter()
            .map(|(l, d)| (l.as_str(), d.as_deref()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("import os", None),
                ("@lru_cache", Some("a")),
                ("@app.get('/')", None),
                ("if x:", None),
                ("class C(B):", Some("C")),
                ("async def b(): pass", Some("b")),
            ]
        );
    }

    #[test]
    fn export_lists() {
        let src = "module.exports = { a, b: impl, 'c': x.y(1, 2), ...rest, m() { return 1 } };\n";
        let c = chunks(Lang::JavaScript, src.as_bytes());
        let items: Vec<_> = c[0]
            .exports
            .as_ref()
            .unwrap()
            .iter()
            .map(|(k, a, b)| (k.as_str(), &src[*a..*b]))
            .collect();
        assert_eq!(
            items,
            vec![
                ("a", "a"),
                ("b", "b: impl"),
                ("", "'c': x.y(1, 2)"),
                ("", "...rest"),
                ("m", "m() { return 1 }"),
            ]
        );
        let src = "export { impl as handler, other };\n";
        let c = chunks(Lang::TypeScript, src.as_bytes());
        let items: Vec<_> = c[0]
            .exports
            .as_ref()
            .unwrap()
            .iter()
            .map(|(k, a, b)| (k.as_str(), &src[*a..*b]))
            .collect();
        assert_eq!(items, vec![("handler", "impl"), ("other", "other")]);
        assert!(chunks(Lang::JavaScript, b"export { a } from './a';\n")[0]
            .exports
            .is_none());
        assert_eq!(
            chunks(Lang::Python, b"__all__ = ['a', 'b']\n")[0].exports,
            Some(vec![])
        );
    }

    #[test]
    fn js_chunks() {
        let src = "import x from './x';\nconst re = /[/]}/g;\nexport const f = async (a, b) => {\n  const s = `}\n${ {a: 1}.a }`;\n}\nfunction g() {\n  return 1;\n}\nconst v = items\n  .map((a) => a);\nexports.h = function () {};\nexport default function () {}\nconst k = (a) =>\n  a;\nclass K {}\n";
        let got = defs(Lang::JavaScript, src);
        let names: Vec<_> = got
            .iter()
            .map(|(l, d)| (l.as_str(), d.as_deref()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("import x from './x';", None),
                ("const re = /[/]}/g;", None),
                ("export const f = async (a, b) => {", Some("f")),
                ("function g() {", Some("g")),
                ("const v = items", None),
                ("exports.h = function () {};", Some("h")),
                ("export default function () {}", None),
                ("const k = (a) =>", Some("k")),
                ("class K {}", Some("K")),
            ]
        );
    }
}
