//! A small language-neutral representation of Python and JavaScript/TypeScript code: just
//! what the data-flow analysis needs (names, attribute and subscript access, calls,
//! literals, containers, string building, assignments, branches, functions, classes and
//! imports). Everything else lowers to `Opaque` (evaluated for its calls, no value) or
//! `Unknown`.

/// Byte range in the file's source.
pub type Span = (u32, u32);

/// 1-based line and column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
}

impl Lang {
    pub fn is_js(self) -> bool {
        !matches!(self, Lang::Python)
    }
}

#[derive(Debug, Clone)]
pub enum Expr {
    Name(Box<str>, Span),
    Attr(Box<Expr>, Box<str>, Span),
    Index(Box<Expr>, Box<Expr>, Span),
    Call(Box<Call>),
    /// A string literal (its content, escapes left as written).
    Str(Box<str>),
    /// `True`, `false`, `null`, numbers, ... as written.
    Const(Box<str>),
    /// A string built from parts: f-strings, template literals, `+`, `%`.
    Concat(Vec<Expr>),
    /// Any of the values flows through (`a or b`, `a ?? b`, `c ? a : b`).
    Union(Vec<Expr>),
    /// Evaluated for the calls inside; the value is not a string built from them
    /// (comparisons, arithmetic, `not`).
    Opaque(Vec<Expr>),
    /// Arrays, lists, tuples, sets (elements may be `Spread`).
    List(Vec<Expr>),
    Object(Vec<Prop>),
    Spread(Box<Expr>),
    /// A function, lambda or arrow function defined here (index into `Module::funcs`).
    Func(u32),
    /// A class expression (index into `Module::classes`).
    Class(u32),
    /// A comprehension: the targets bound to elements of the iterables, then the element.
    Compr(Vec<(Target, Expr)>, Box<Expr>),
    /// An assignment inside an expression (`(x = y)`, `x := y`).
    Assign(Box<Target>, Box<Expr>),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct Prop {
    /// The literal key, when it is one (`{"k": v}`, `{k: v}`, `{k}`).
    pub key: Option<Box<str>>,
    pub value: Expr,
    /// `...x` / `**x`.
    pub spread: bool,
}

#[derive(Debug, Clone)]
pub struct Call {
    pub callee: Expr,
    pub args: Vec<Arg>,
    pub pos: Pos,
    /// The whole call.
    pub span: Span,
    /// `new X(...)`.
    pub new: bool,
}

#[derive(Debug, Clone)]
pub struct Arg {
    /// Python keyword argument name.
    pub kw: Option<Box<str>>,
    pub value: Expr,
    /// `*x`, `**x`, `...x`.
    pub spread: bool,
}

#[derive(Debug, Clone)]
pub enum Target {
    Name(Box<str>),
    Attr(Expr, Box<str>),
    Index(Expr, Expr),
    /// Tuple / list / array patterns.
    Seq(Vec<Target>),
    /// Object patterns: `{ key: target }`, and the rest (`...rest`).
    Obj(Vec<(Box<str>, Target)>, Option<Box<Target>>),
    /// A pattern with a default value (`{ a = 1 }`, `[a = 1]`).
    Default(Box<Target>, Expr),
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignKind {
    /// `x = v`
    Plain,
    /// `const x = v`, `let x`, `var x`: a new local.
    Decl,
    /// `x += v`: the old value stays.
    Augment,
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Expr(Expr),
    Assign {
        target: Target,
        value: Expr,
        kind: AssignKind,
    },
    Return(Option<Expr>),
    If {
        cond: Expr,
        then: Vec<Stmt>,
        els: Vec<Stmt>,
    },
    /// `for x in xs` / `for (const x of xs)` (bind), `while` (no bind), `try`, `switch`
    /// arms: the body may not run.
    Loop {
        bind: Option<(Target, Expr)>,
        body: Vec<Stmt>,
    },
    /// A block that runs (the `try` body, `with` bodies, ...).
    Block(Vec<Stmt>),
    /// A function declaration binds its name.
    Def {
        name: Box<str>,
        func: u32,
    },
    ClassDef {
        name: Box<str>,
        class: u32,
    },
    /// Python `global x` / `nonlocal x`.
    Global(Vec<Box<str>>),
    Import(Import),
    /// ESM `export { local as exported }`, `export const x`, `export function f`.
    Export(Vec<(Box<str>, Box<str>)>),
}

#[derive(Debug, Clone)]
pub struct Func {
    /// As declared or assigned; empty when anonymous.
    pub name: Box<str>,
    pub params: Vec<Param>,
    pub body: Vec<Stmt>,
    pub decorators: Vec<Expr>,
    pub pos: Pos,
    /// The class it is a method of.
    pub class: Option<u32>,
    /// The function it is nested in (`None` for module-level functions and methods of
    /// module-level classes; the module body itself is function 0).
    pub parent: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub target: Target,
    /// `*args`, `...rest`, `**kwargs`.
    pub rest: bool,
}

impl Param {
    pub fn name(&self) -> Option<&str> {
        match &self.target {
            Target::Name(n) => Some(n),
            Target::Default(t, _) => match &**t {
                Target::Name(n) => Some(n),
                _ => None,
            },
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Class {
    pub name: Box<str>,
    pub methods: Vec<(Box<str>, u32)>,
    /// Class-level statements (Python class attributes, JS field initialisers).
    pub body: Vec<Stmt>,
    pub decorators: Vec<Expr>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub enum ImportBind {
    /// `import x`, `import x.y`, `import * as ns from`, `const ns = require(...)`.
    Namespace(Box<str>),
    /// `import d from`, the default export.
    Default(Box<str>),
    /// `from m import a as b`, `import { a as b } from`: (imported, local).
    Named(Vec<(Box<str>, Box<str>)>),
    /// `from m import *`, `export * from`.
    All,
    /// `export { a as b } from`: (imported, exported).
    ReExport(Vec<(Box<str>, Box<str>)>),
    /// `import './x'`, `require('./x')` as a statement.
    Effect,
}

#[derive(Debug, Clone)]
pub struct Import {
    /// Python: the dotted module (`a.b`); JS: the specifier.
    pub module: Box<str>,
    /// Python relative import level (`from ..x` is 2).
    pub level: u32,
    pub bind: ImportBind,
    pub pos: Pos,
}

/// One parsed and lowered source file.
#[derive(Debug)]
pub struct Module {
    pub lang: Lang,
    /// Function 0 is the module body.
    pub funcs: Vec<Func>,
    pub classes: Vec<Class>,
    /// Every import (statement or `require`/`import()` call) anywhere in the file:
    /// (module, level).
    pub imports: Vec<(Box<str>, u32)>,
    /// The first syntax error: line and a short description.
    pub error: Option<(u32, String)>,
    /// Nesting deeper than the analysis follows was cut.
    pub truncated: bool,
    pub src: String,
}

impl Module {
    pub fn text(&self, span: Span) -> &str {
        self.src
            .get(span.0 as usize..span.1 as usize)
            .unwrap_or_default()
    }
}
