//! Parsing one source file with tree-sitter and lowering it to the IR.
//!
//! tree-sitter is error-tolerant: a file with syntax errors still gives a tree, whose first
//! error is recorded on the module. Nothing here recurses in proportion to the input's
//! nesting: the lowering stops descending at [`MAX_NEST`] levels (deeper code is left out and
//! the module is marked truncated), and the error search walks the tree with a cursor.

use crate::ir::{Func, Lang, Module, Pos, Span, Stmt};
use tree_sitter::{Node, Parser, Tree, TreeCursor};

/// Deepest syntax nesting the lowering descends into.
pub const MAX_NEST: u32 = 96;

/// The grammar for a file name, by extension.
pub fn lang_of(path: &str) -> Option<(Lang, bool)> {
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "py" => (Lang::Python, false),
        "js" | "mjs" | "cjs" | "jsx" => (Lang::JavaScript, false),
        "ts" | "mts" | "cts" => (Lang::TypeScript, false),
        "tsx" => (Lang::TypeScript, true),
        _ => return None,
    })
}

fn grammar(lang: Lang, tsx: bool) -> tree_sitter::Language {
    match (lang, tsx) {
        (Lang::Python, _) => tree_sitter_python::LANGUAGE.into(),
        (Lang::JavaScript, _) => tree_sitter_javascript::LANGUAGE.into(),
        (Lang::TypeScript, false) => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        (Lang::TypeScript, true) => tree_sitter_typescript::LANGUAGE_TSX.into(),
    }
}

/// Parses and lowers `content` (invalid UTF-8 is replaced). `None` only when the grammar
/// cannot be loaded or the parser gives no tree at all.
pub fn parse(path: &str, content: &[u8]) -> Option<Module> {
    parse_ranges(path, content, None)
}

/// Parses only `ranges` of `content` (all of it when `None`, or when the partial parse
/// shows a syntax error: the error is then judged on the whole file).
pub fn parse_ranges(
    path: &str,
    content: &[u8],
    ranges: Option<&[crate::prescan::Span]>,
) -> Option<Module> {
    let (lang, tsx) = lang_of(path)?;
    let src = String::from_utf8_lossy(content).into_owned();
    let mut parser = Parser::new();
    parser.set_language(&grammar(lang, tsx)).ok()?;
    let mut tree = None;
    if let Some(r) = ranges {
        let ts: Vec<tree_sitter::Range> = r
            .iter()
            .filter(|s| s.end <= src.len() && s.start < s.end)
            .map(|s| tree_sitter::Range {
                start_byte: s.start,
                end_byte: s.end,
                start_point: tree_sitter::Point::new(s.start_row, 0),
                end_point: tree_sitter::Point::new(s.end_row, s.end_col),
            })
            .collect();
        if !ts.is_empty() && parser.set_included_ranges(&ts).is_ok() {
            tree = parser
                .parse(&src, None)
                .filter(|t| !t.root_node().has_error());
        }
        if tree.is_none() {
            parser.set_included_ranges(&[]).ok()?;
        }
    }
    let tree = match tree {
        Some(t) => t,
        None => parser.parse(&src, None)?,
    };
    let error = first_error(&tree, &src);
    let mut m = Module {
        lang,
        funcs: Vec::new(),
        classes: Vec::new(),
        imports: Vec::new(),
        error,
        truncated: false,
        src: String::new(),
    };
    {
        let mut l = Lower::new(&src, &tree, &mut m);
        if lang == Lang::Python {
            l.py_module(tree.root_node());
        } else {
            l.js_module(tree.root_node());
        }
    }
    drop(tree);
    m.src = src;
    Some(m)
}

/// The first ERROR or MISSING node, in document order: its line and a short description.
fn first_error(tree: &Tree, src: &str) -> Option<(u32, String)> {
    let root = tree.root_node();
    if !root.has_error() {
        return None;
    }
    let mut c = root.walk();
    loop {
        let n = c.node();
        if n.is_missing() {
            return Some((
                n.start_position().row as u32 + 1,
                format!("missing `{}`", n.kind()),
            ));
        }
        if n.is_error() {
            let text = src.get(n.byte_range()).unwrap_or_default();
            let snippet: String = text
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .chars()
                .take(20)
                .collect();
            let msg = if snippet.is_empty() {
                "unexpected input".to_string()
            } else {
                format!("unexpected `{snippet}`")
            };
            return Some((n.start_position().row as u32 + 1, msg));
        }
        // Descend only into subtrees that hold an error.
        if n.has_error() && c.goto_first_child() {
            continue;
        }
        loop {
            if c.goto_next_sibling() {
                break;
            }
            if !c.goto_parent() {
                return Some((
                    root.start_position().row as u32 + 1,
                    "syntax error".to_string(),
                ));
            }
        }
    }
}

/// Field ids of the grammar, looked up once per file.
pub struct Fields {
    pub left: u16,
    pub right: u16,
    pub name: u16,
    pub value: u16,
    pub body: u16,
    pub parameters: u16,
    pub parameter: u16,
    pub function: u16,
    pub arguments: u16,
    pub object: u16,
    pub attribute: u16,
    pub property: u16,
    pub subscript: u16,
    pub index: u16,
    pub condition: u16,
    pub consequence: u16,
    pub alternative: u16,
    pub key: u16,
    pub definition: u16,
    pub module_name: u16,
    pub alias: u16,
    pub argument: u16,
    pub operator: u16,
    pub constructor: u16,
    pub source: u16,
    pub declaration: u16,
    pub pattern: u16,
    pub handler: u16,
    pub finalizer: u16,
    pub decorator: u16,
    pub superclasses: u16,
    pub initializer: u16,
    pub subject: u16,
}

impl Fields {
    fn new(l: &tree_sitter::Language) -> Fields {
        let f = |n: &str| l.field_id_for_name(n).map(|x| x.get()).unwrap_or(0);
        Fields {
            left: f("left"),
            right: f("right"),
            name: f("name"),
            value: f("value"),
            body: f("body"),
            parameters: f("parameters"),
            parameter: f("parameter"),
            function: f("function"),
            arguments: f("arguments"),
            object: f("object"),
            attribute: f("attribute"),
            property: f("property"),
            subscript: f("subscript"),
            index: f("index"),
            condition: f("condition"),
            consequence: f("consequence"),
            alternative: f("alternative"),
            key: f("key"),
            definition: f("definition"),
            module_name: f("module_name"),
            alias: f("alias"),
            argument: f("argument"),
            operator: f("operator"),
            constructor: f("constructor"),
            source: f("source"),
            declaration: f("declaration"),
            pattern: f("pattern"),
            handler: f("handler"),
            finalizer: f("finalizer"),
            decorator: f("decorator"),
            superclasses: f("superclasses"),
            initializer: f("initializer"),
            subject: f("subject"),
        }
    }
}

/// The children of a node with their field ids (0: none); `named` only.
pub type Kids<'t> = Vec<(u16, Node<'t>)>;

/// State of lowering one file.
pub struct Lower<'t, 'm> {
    pub src: &'t str,
    pub f: Fields,
    cursor: TreeCursor<'t>,
    pub m: &'m mut Module,
    /// Current nesting depth.
    pub depth: u32,
    /// The function being lowered (its body receives nested definitions' parent link).
    pub cur_func: u32,
    pub cur_class: Option<u32>,
}

impl<'t, 'm> Lower<'t, 'm> {
    fn new(src: &'t str, tree: &'t Tree, m: &'m mut Module) -> Self {
        let f = Fields::new(&tree.language());
        Lower {
            src,
            f,
            cursor: tree.walk(),
            m,
            depth: 0,
            cur_func: 0,
            cur_class: None,
        }
    }

    pub fn text(&self, n: Node) -> &'t str {
        self.src.get(n.byte_range()).unwrap_or_default()
    }

    pub fn span(n: Node) -> Span {
        (n.start_byte() as u32, n.end_byte() as u32)
    }

    pub fn pos(n: Node) -> Pos {
        let p = n.start_position();
        Pos {
            line: p.row as u32 + 1,
            col: p.column as u32 + 1,
        }
    }

    /// Named children with their field ids.
    pub fn kids(&mut self, n: Node<'t>) -> Kids<'t> {
        let mut out = Vec::new();
        self.cursor.reset(n);
        if self.cursor.goto_first_child() {
            loop {
                let k = self.cursor.node();
                if k.is_named() && !k.is_extra() {
                    out.push((self.cursor.field_id().map(|x| x.get()).unwrap_or(0), k));
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        out
    }

    /// All children (anonymous tokens too) with field ids.
    pub fn all_kids(&mut self, n: Node<'t>) -> Kids<'t> {
        let mut out = Vec::new();
        self.cursor.reset(n);
        if self.cursor.goto_first_child() {
            loop {
                let k = self.cursor.node();
                if !k.is_extra() {
                    out.push((self.cursor.field_id().map(|x| x.get()).unwrap_or(0), k));
                }
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        out
    }

    pub fn field(kids: &Kids<'t>, id: u16) -> Option<Node<'t>> {
        if id == 0 {
            return None;
        }
        kids.iter().find(|(f, _)| *f == id).map(|(_, n)| *n)
    }

    pub fn fields<'k>(kids: &'k Kids<'t>, id: u16) -> impl Iterator<Item = Node<'t>> + 'k {
        kids.iter()
            .filter(move |(f, _)| *f == id && id != 0)
            .map(|(_, n)| *n)
    }

    /// Enters one nesting level; false (and the module marked truncated) past [`MAX_NEST`].
    /// The statements of a block node, each lowered by `stmt` (the language's), within the
    /// nesting bound.
    pub fn block_of(
        &mut self,
        n: Node<'t>,
        stmt: fn(&mut Self, Node<'t>, &mut Vec<Stmt>),
    ) -> Vec<Stmt> {
        let mut out = Vec::new();
        if !self.enter() {
            return out;
        }
        for (_, k) in self.kids(n) {
            stmt(self, k, &mut out);
        }
        self.leave();
        out
    }

    /// Reserves function 0, `<module>`, for the top-level statements (set once lowered:
    /// functions found meanwhile take the next indices, which `parent` refers to).
    pub fn begin_module(&mut self) {
        self.m.funcs.push(Func {
            name: "<module>".into(),
            params: Vec::new(),
            body: Vec::new(),
            decorators: Vec::new(),
            pos: Pos { line: 1, col: 1 },
            class: None,
            parent: None,
        });
    }

    pub fn enter(&mut self) -> bool {
        if self.depth >= MAX_NEST {
            self.m.truncated = true;
            return false;
        }
        self.depth += 1;
        true
    }

    pub fn leave(&mut self) {
        self.depth -= 1;
    }
}

/// The content of a string literal node's text: quotes and prefixes removed.
pub fn unquote(s: &str) -> &str {
    // String prefixes (`f"`, `rb'`) only when a quote follows.
    let s = match s.find(['"', '\'', '`']) {
        Some(i) if i <= 3 && s[..i].chars().all(|c| c.is_ascii_alphabetic()) => &s[i..],
        _ => s,
    };
    for q in ["\"\"\"", "'''", "\"", "'", "`"] {
        if s.len() >= 2 * q.len() && s.starts_with(q) && s.ends_with(q) {
            return &s[q.len()..s.len() - q.len()];
        }
    }
    s
}
