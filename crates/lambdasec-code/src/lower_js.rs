//! JavaScript and TypeScript syntax → IR.

use crate::ir::*;
use crate::parse::{unquote, Lower};
use tree_sitter::Node;

/// Declarations that only matter to the type checker.
const TYPE_ONLY: &[&str] = &[
    "interface_declaration",
    "type_alias_declaration",
    "enum_declaration",
    "ambient_declaration",
    "function_signature",
    "abstract_method_signature",
    "method_signature",
    "index_signature",
    "internal_module",
    "module",
    "empty_statement",
    "debugger_statement",
    "comment",
    "hash_bang_line",
];

impl<'t> Lower<'t, '_> {
    pub fn js_module(&mut self, root: Node<'t>) {
        self.begin_module();
        let body = self.js_block(root);
        self.m.funcs[0].body = body;
    }

    fn js_block(&mut self, n: Node<'t>) -> Vec<Stmt> {
        self.block_of(n, Self::js_stmt)
    }

    fn js_body(&mut self, n: Option<Node<'t>>) -> Vec<Stmt> {
        let mut out = Vec::new();
        if let Some(n) = n {
            if n.kind() == "statement_block" {
                return self.js_block(n);
            }
            self.js_stmt(n, &mut out);
        }
        out
    }

    fn js_stmt(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        if !self.enter() {
            return;
        }
        self.js_stmt_inner(n, out);
        self.leave();
    }

    fn js_stmt_inner(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        let kind = n.kind();
        if TYPE_ONLY.contains(&kind) {
            return;
        }
        match kind {
            "expression_statement" => {
                for (_, k) in self.kids(n) {
                    self.js_expr_stmt(k, out);
                }
            }
            "lexical_declaration" | "variable_declaration" | "using_declaration" => {
                for (_, d) in self.kids(n) {
                    if d.kind() != "variable_declarator" {
                        continue;
                    }
                    let kk = self.kids(d);
                    let target = Lower::field(&kk, self.f.name)
                        .map(|x| self.js_target(x))
                        .unwrap_or(Target::None);
                    let value = match Lower::field(&kk, self.f.value) {
                        Some(v) => self.js_expr_named(v, &target),
                        None => Expr::Const("undefined".into()),
                    };
                    out.push(Stmt::Assign {
                        target,
                        value,
                        kind: AssignKind::Decl,
                    });
                }
            }
            "function_declaration" | "generator_function_declaration" => {
                let (name, id) = self.js_func(n, Vec::new(), None);
                out.push(Stmt::Def { name, func: id });
            }
            "class_declaration" | "abstract_class_declaration" => {
                let (name, id) = self.js_class(n);
                out.push(Stmt::ClassDef { name, class: id });
            }
            "export_statement" => self.js_export(n, out),
            "import_statement" => self.js_import(n, out),
            "if_statement" => {
                let kids = self.kids(n);
                let cond_n = Lower::field(&kids, self.f.condition);
                if let Some(c) = cond_n {
                    // `if (require.main === module)` does not run in Lambda.
                    let t = self.text(c);
                    if t.contains("require.main") {
                        return;
                    }
                }
                let cond = self.js_opt_expr(cond_n);
                let then = self.js_body(Lower::field(&kids, self.f.consequence));
                let els = match Lower::field(&kids, self.f.alternative) {
                    Some(a) => {
                        // else_clause wraps one statement.
                        let mut v = Vec::new();
                        for (_, k) in self.kids(a) {
                            v.extend(self.js_body(Some(k)));
                        }
                        v
                    }
                    None => Vec::new(),
                };
                out.push(Stmt::If { cond, then, els });
            }
            "for_statement" => {
                let kids = self.kids(n);
                let mut body = Vec::new();
                if let Some(i) = Lower::field(&kids, self.f.initializer) {
                    self.js_stmt(i, out);
                }
                if let Some(c) = Lower::field(&kids, self.f.condition) {
                    body.push(Stmt::Expr(self.js_expr(c)));
                }
                body.extend(self.js_body(Lower::field(&kids, self.f.body)));
                out.push(Stmt::Loop { bind: None, body });
            }
            "for_in_statement" => {
                let kids = self.kids(n);
                let t = Lower::field(&kids, self.f.left)
                    .map(|x| self.js_target(x))
                    .unwrap_or(Target::None);
                let it = self.js_opt_expr(Lower::field(&kids, self.f.right));
                let body = self.js_body(Lower::field(&kids, self.f.body));
                out.push(Stmt::Loop {
                    bind: Some((t, it)),
                    body,
                });
            }
            "while_statement" | "do_statement" => {
                let kids = self.kids(n);
                let c = self.js_opt_expr(Lower::field(&kids, self.f.condition));
                out.push(Stmt::Expr(c));
                let body = self.js_body(Lower::field(&kids, self.f.body));
                out.push(Stmt::Loop { bind: None, body });
            }
            "try_statement" => {
                let kids = self.kids(n);
                let b = self.js_body(Lower::field(&kids, self.f.body));
                out.push(Stmt::Block(b));
                if let Some(h) = Lower::field(&kids, self.f.handler) {
                    let hk = self.kids(h);
                    let b = self.js_body(Lower::field(&hk, self.f.body));
                    out.push(Stmt::Loop {
                        bind: None,
                        body: b,
                    });
                }
                if let Some(f) = Lower::field(&kids, self.f.finalizer) {
                    let fk = self.kids(f);
                    let b = self.js_body(Lower::field(&fk, self.f.body));
                    out.push(Stmt::Block(b));
                }
            }
            "switch_statement" => {
                let kids = self.kids(n);
                let v = self.js_opt_expr(Lower::field(&kids, self.f.value));
                out.push(Stmt::Expr(v));
                let mut body = Vec::new();
                if let Some(b) = Lower::field(&kids, self.f.body) {
                    for (_, case) in self.kids(b) {
                        for (fid, s) in self.kids(case) {
                            if fid == self.f.value {
                                let e = self.js_expr(s);
                                body.push(Stmt::Expr(e));
                            } else {
                                self.js_stmt(s, &mut body);
                            }
                        }
                    }
                }
                out.push(Stmt::Loop { bind: None, body });
            }
            "return_statement" => {
                let e = self.kids(n).first().map(|(_, k)| *k);
                let e = e.map(|k| self.js_expr(k));
                out.push(Stmt::Return(e));
            }
            "throw_statement" => {
                let es = self
                    .kids(n)
                    .into_iter()
                    .map(|(_, k)| self.js_expr(k))
                    .collect();
                out.push(Stmt::Expr(Expr::Opaque(es)));
            }
            "statement_block" => {
                let b = self.js_block(n);
                out.push(Stmt::Block(b));
            }
            "labeled_statement" | "with_statement" => {
                let kids = self.kids(n);
                let b = self.js_body(Lower::field(&kids, self.f.body));
                out.push(Stmt::Block(b));
            }
            "break_statement" | "continue_statement" => {}
            _ => {
                // An expression in statement position (error recovery).
                if n.kind().ends_with("expression") || n.kind() == "identifier" {
                    self.js_expr_stmt(n, out);
                }
            }
        }
    }

    /// An expression statement: assignments become statements.
    fn js_expr_stmt(&mut self, k: Node<'t>, out: &mut Vec<Stmt>) {
        match k.kind() {
            "assignment_expression" => {
                let kk = self.kids(k);
                let target = Lower::field(&kk, self.f.left)
                    .map(|x| self.js_target(x))
                    .unwrap_or(Target::None);
                let value = match Lower::field(&kk, self.f.right) {
                    Some(v) => self.js_expr_named(v, &target),
                    None => Expr::Unknown,
                };
                out.push(Stmt::Assign {
                    target,
                    value,
                    kind: AssignKind::Plain,
                });
            }
            "augmented_assignment_expression" => {
                let kk = self.all_kids(k);
                let op = Lower::field(&kk, self.f.operator)
                    .map(|o| self.text(o))
                    .unwrap_or_default();
                let left = Lower::field(&kk, self.f.left);
                let target = left.map(|x| self.js_target(x)).unwrap_or(Target::None);
                let value = self.js_opt_expr(Lower::field(&kk, self.f.right));
                if matches!(op, "??=" | "||=" | "&&=") {
                    // `x ??= v`: assigned only when x is unset, a cache guard.
                    let cond = self.js_opt_expr(left);
                    out.push(Stmt::If {
                        cond,
                        then: vec![Stmt::Assign {
                            target,
                            value,
                            kind: AssignKind::Plain,
                        }],
                        els: Vec::new(),
                    });
                } else {
                    out.push(Stmt::Assign {
                        target,
                        value,
                        kind: AssignKind::Augment,
                    });
                }
            }
            "sequence_expression" => {
                for (_, c) in self.kids(k) {
                    self.js_expr_stmt(c, out);
                }
            }
            _ => {
                let e = self.js_expr(k);
                out.push(Stmt::Expr(e));
            }
        }
    }

    /// An expression whose value is bound to `target`: a function expression takes the
    /// name.
    fn js_expr_named(&mut self, v: Node<'t>, target: &Target) -> Expr {
        let e = self.js_expr(v);
        if let (Expr::Func(id), Some(nm)) = (&e, target_name(target)) {
            let f = &mut self.m.funcs[*id as usize];
            if f.name.is_empty() {
                f.name = nm.into();
            }
        }
        e
    }

    fn js_export(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        let pos = Lower::pos(n);
        let all = self.all_kids(n);
        let is_default = all.iter().any(|(_, k)| k.kind() == "default");
        let source = Lower::field(&all, self.f.source).map(|s| unquote(self.text(s)));
        if let Some(d) = Lower::field(&all, self.f.declaration) {
            let before = out.len();
            self.js_stmt(d, out);
            let mut names = Vec::new();
            for s in &out[before..] {
                match s {
                    Stmt::Def { name, .. } | Stmt::ClassDef { name, .. } => {
                        let exported = if is_default {
                            "default".into()
                        } else {
                            name.clone()
                        };
                        names.push((name.clone(), exported));
                    }
                    Stmt::Assign { target, .. } => collect_names(target, &mut names),
                    _ => {}
                }
            }
            out.push(Stmt::Export(names));
            return;
        }
        if let Some(v) = Lower::field(&all, self.f.value) {
            let value = self.js_expr(v);
            out.push(Stmt::Assign {
                target: Target::Name("*default*".into()),
                value,
                kind: AssignKind::Decl,
            });
            out.push(Stmt::Export(vec![("*default*".into(), "default".into())]));
            return;
        }
        let mut pairs = Vec::new();
        let mut star = false;
        let mut ns: Option<Box<str>> = None;
        for (_, k) in &all {
            match k.kind() {
                "export_clause" => {
                    for (_, s) in self.kids(*k) {
                        if s.kind() != "export_specifier" {
                            continue;
                        }
                        let sk = self.kids(s);
                        let name = Lower::field(&sk, self.f.name).map(|x| unquote(self.text(x)));
                        let alias = Lower::field(&sk, self.f.alias).map(|x| unquote(self.text(x)));
                        if let Some(nm) = name {
                            pairs.push((nm.into(), alias.unwrap_or(nm).into()));
                        }
                    }
                }
                "namespace_export" => {
                    ns = self
                        .kids(*k)
                        .first()
                        .map(|(_, x)| unquote(self.text(*x)).into());
                }
                "*" => star = true,
                _ => {}
            }
        }
        match source {
            Some(src) => {
                self.m.imports.push((src.into(), 0));
                let bind = if let Some(name) = ns {
                    out.push(Stmt::Import(Import {
                        module: src.into(),
                        level: 0,
                        bind: ImportBind::Namespace(name.clone()),
                        pos,
                    }));
                    out.push(Stmt::Export(vec![(name.clone(), name)]));
                    return;
                } else if star && pairs.is_empty() {
                    ImportBind::All
                } else {
                    ImportBind::ReExport(pairs)
                };
                out.push(Stmt::Import(Import {
                    module: src.into(),
                    level: 0,
                    bind,
                    pos,
                }));
            }
            None => out.push(Stmt::Export(pairs)),
        }
    }

    fn js_import(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        let pos = Lower::pos(n);
        let kids = self.kids(n);
        let mut src = Lower::field(&kids, self.f.source).map(|s| unquote(self.text(s)));
        let mut binds = Vec::new();
        for (_, k) in &kids {
            match k.kind() {
                "import_clause" => {
                    for (_, c) in self.kids(*k) {
                        match c.kind() {
                            "identifier" => binds.push(ImportBind::Default(self.text(c).into())),
                            "namespace_import" => {
                                if let Some((_, id)) = self.kids(c).first() {
                                    binds.push(ImportBind::Namespace(self.text(*id).into()));
                                }
                            }
                            "named_imports" => {
                                let mut names = Vec::new();
                                for (_, s) in self.kids(c) {
                                    if s.kind() != "import_specifier" {
                                        continue;
                                    }
                                    let sk = self.kids(s);
                                    let name = Lower::field(&sk, self.f.name)
                                        .map(|x| unquote(self.text(x)));
                                    let alias = Lower::field(&sk, self.f.alias)
                                        .map(|x| unquote(self.text(x)));
                                    if let Some(nm) = name {
                                        names.push((nm.into(), alias.unwrap_or(nm).into()));
                                    }
                                }
                                binds.push(ImportBind::Named(names));
                            }
                            _ => {}
                        }
                    }
                }
                "import_require_clause" => {
                    // TS `import x = require('./x')`.
                    let ck = self.kids(*k);
                    if let Some((_, id)) = ck.iter().find(|(_, c)| c.kind() == "identifier") {
                        binds.push(ImportBind::Namespace(self.text(*id).into()));
                    }
                    if let Some(s) = Lower::field(&ck, self.f.source) {
                        src = Some(unquote(self.text(s)));
                    }
                }
                _ => {}
            }
        }
        let Some(src) = src else { return };
        self.m.imports.push((src.into(), 0));
        if binds.is_empty() {
            binds.push(ImportBind::Effect);
        }
        for bind in binds {
            out.push(Stmt::Import(Import {
                module: src.into(),
                level: 0,
                bind,
                pos,
            }));
        }
    }

    pub fn js_target(&mut self, n: Node<'t>) -> Target {
        if !self.enter() {
            return Target::None;
        }
        let t = self.js_target_inner(n);
        self.leave();
        t
    }

    fn js_target_inner(&mut self, n: Node<'t>) -> Target {
        match n.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                Target::Name(self.text(n).into())
            }
            "member_expression" => {
                let kk = self.kids(n);
                let obj = self.js_opt_expr(Lower::field(&kk, self.f.object));
                let prop = Lower::field(&kk, self.f.property)
                    .map(|p| self.text(p))
                    .unwrap_or_default();
                Target::Attr(obj, prop.into())
            }
            "subscript_expression" => {
                let kk = self.kids(n);
                let o = self.js_opt_expr(Lower::field(&kk, self.f.object));
                let i = self.js_opt_expr(Lower::field(&kk, self.f.index));
                Target::Index(o, i)
            }
            "array_pattern" => Target::Seq(
                self.kids(n)
                    .into_iter()
                    .map(|(_, k)| self.js_target(k))
                    .collect(),
            ),
            "object_pattern" => {
                let mut props = Vec::new();
                let mut rest = None;
                for (_, k) in self.kids(n) {
                    match k.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let nm: Box<str> = self.text(k).into();
                            props.push((nm.clone(), Target::Name(nm)));
                        }
                        "pair_pattern" => {
                            let kk = self.kids(k);
                            let key = Lower::field(&kk, self.f.key)
                                .map(|x| unquote(self.text(x)).into())
                                .unwrap_or_default();
                            let t = Lower::field(&kk, self.f.value)
                                .map(|x| self.js_target(x))
                                .unwrap_or(Target::None);
                            props.push((key, t));
                        }
                        "object_assignment_pattern" => {
                            let kk = self.kids(k);
                            let l = Lower::field(&kk, self.f.left);
                            let key: Box<str> = l.map(|x| self.text(x)).unwrap_or_default().into();
                            let t = l.map(|x| self.js_target(x)).unwrap_or(Target::None);
                            let d = self.js_opt_expr(Lower::field(&kk, self.f.right));
                            props.push((key, Target::Default(Box::new(t), d)));
                        }
                        "rest_pattern" => {
                            if let Some((_, x)) = self.kids(k).first() {
                                let x = *x;
                                rest = Some(Box::new(self.js_target(x)));
                            }
                        }
                        _ => {}
                    }
                }
                Target::Obj(props, rest)
            }
            "assignment_pattern" => {
                let kk = self.kids(n);
                let t = Lower::field(&kk, self.f.left)
                    .map(|x| self.js_target(x))
                    .unwrap_or(Target::None);
                let d = self.js_opt_expr(Lower::field(&kk, self.f.right));
                Target::Default(Box::new(t), d)
            }
            "rest_pattern"
            | "parenthesized_expression"
            | "non_null_expression"
            | "as_expression" => match self.kids(n).first() {
                Some((_, x)) => {
                    let x = *x;
                    self.js_target(x)
                }
                None => Target::None,
            },
            _ => Target::None,
        }
    }

    fn js_params(&mut self, n: Option<Node<'t>>) -> Vec<Param> {
        let Some(n) = n else { return Vec::new() };
        if n.kind() == "identifier" {
            return vec![Param {
                target: Target::Name(self.text(n).into()),
                rest: false,
            }];
        }
        let mut out = Vec::new();
        for (_, k) in self.kids(n) {
            match k.kind() {
                "required_parameter" | "optional_parameter" => {
                    let kk = self.kids(k);
                    let p = Lower::field(&kk, self.f.pattern)
                        .or_else(|| Lower::field(&kk, self.f.name));
                    let Some(p) = p else { continue };
                    if p.kind() == "this" {
                        continue;
                    }
                    let rest = p.kind() == "rest_pattern";
                    let t = self.js_target(p);
                    out.push(Param { target: t, rest });
                }
                "decorator" | "comment" => {}
                other => {
                    let rest = other == "rest_pattern";
                    let t = self.js_target(k);
                    out.push(Param { target: t, rest });
                }
            }
        }
        out
    }

    fn js_func(
        &mut self,
        n: Node<'t>,
        decorators: Vec<Expr>,
        name_hint: Option<&str>,
    ) -> (Box<str>, u32) {
        let kids = self.kids(n);
        let name: Box<str> = Lower::field(&kids, self.f.name)
            .map(|x| self.text(x))
            .or(name_hint)
            .unwrap_or_default()
            .into();
        let params = match Lower::field(&kids, self.f.parameters) {
            Some(p) => self.js_params(Some(p)),
            None => self.js_params(Lower::field(&kids, self.f.parameter)),
        };
        let id = self.m.funcs.len() as u32;
        let parent = (self.cur_func != 0).then_some(self.cur_func);
        self.m.funcs.push(Func {
            name: name.clone(),
            params,
            body: Vec::new(),
            decorators,
            pos: Lower::pos(n),
            class: self.cur_class,
            parent,
        });
        let (saved_f, saved_c) = (self.cur_func, self.cur_class);
        self.cur_func = id;
        self.cur_class = None;
        let body = match Lower::field(&kids, self.f.body) {
            Some(b) if b.kind() == "statement_block" => self.js_block(b),
            Some(b) => vec![Stmt::Return(Some(self.js_expr(b)))],
            None => Vec::new(),
        };
        self.cur_func = saved_f;
        self.cur_class = saved_c;
        self.m.funcs[id as usize].body = body;
        (name, id)
    }

    fn js_class(&mut self, n: Node<'t>) -> (Box<str>, u32) {
        let kids = self.kids(n);
        let name: Box<str> = Lower::field(&kids, self.f.name)
            .map(|x| self.text(x))
            .unwrap_or_default()
            .into();
        let mut decorators = Vec::new();
        for d in Lower::fields(&kids, self.f.decorator).collect::<Vec<_>>() {
            decorators.push(self.js_decorator(d));
        }
        let id = self.m.classes.len() as u32;
        self.m.classes.push(Class {
            name: name.clone(),
            methods: Vec::new(),
            body: Vec::new(),
            decorators,
            pos: Lower::pos(n),
        });
        let saved = (self.cur_class, self.cur_func);
        self.cur_class = Some(id);
        self.cur_func = 0;
        let mut methods = Vec::new();
        let mut body = Vec::new();
        if let Some(b) = Lower::field(&kids, self.f.body) {
            let mut pending = Vec::new();
            for (_, m) in self.kids(b) {
                match m.kind() {
                    "decorator" => {
                        let d = self.js_decorator(m);
                        pending.push(d);
                    }
                    "method_definition" => {
                        let mk = self.kids(m);
                        for d in Lower::fields(&mk, self.f.decorator).collect::<Vec<_>>() {
                            let d = self.js_decorator(d);
                            pending.push(d);
                        }
                        let decos = std::mem::take(&mut pending);
                        let (nm, fid) = self.js_func(m, decos, None);
                        methods.push((nm, fid));
                    }
                    "field_definition" | "public_field_definition" => {
                        pending.clear();
                        let fk = self.kids(m);
                        let prop = Lower::field(&fk, self.f.property)
                            .or_else(|| Lower::field(&fk, self.f.name))
                            .map(|x| self.text(x));
                        if let (Some(p), Some(v)) = (prop, Lower::field(&fk, self.f.value)) {
                            let target = Target::Attr(Expr::Name("this".into(), (0, 0)), p.into());
                            let value = self.js_expr_named(v, &Target::Name(p.into()));
                            if let Expr::Func(fid) = value {
                                methods.push((p.into(), fid));
                            } else {
                                body.push(Stmt::Assign {
                                    target,
                                    value,
                                    kind: AssignKind::Plain,
                                });
                            }
                        }
                    }
                    _ => pending.clear(),
                }
            }
        }
        (self.cur_class, self.cur_func) = saved;
        let c = &mut self.m.classes[id as usize];
        c.methods = methods;
        c.body = body;
        (name, id)
    }

    fn js_decorator(&mut self, d: Node<'t>) -> Expr {
        match self.kids(d).first() {
            Some((_, e)) => {
                let e = *e;
                self.js_expr(e)
            }
            None => Expr::Unknown,
        }
    }

    fn js_opt_expr(&mut self, n: Option<Node<'t>>) -> Expr {
        match n {
            Some(n) => self.js_expr(n),
            None => Expr::Unknown,
        }
    }

    pub fn js_expr(&mut self, n: Node<'t>) -> Expr {
        if !self.enter() {
            return Expr::Unknown;
        }
        let e = self.js_expr_inner(n);
        self.leave();
        e
    }

    fn js_args(&mut self, a: Option<Node<'t>>) -> Vec<Arg> {
        let mut args = Vec::new();
        let Some(a) = a else { return args };
        if a.kind() == "template_string" {
            args.push(Arg {
                kw: None,
                value: self.js_expr(a),
                spread: false,
            });
            return args;
        }
        for (_, k) in self.kids(a) {
            if k.kind() == "spread_element" {
                let inner = self.kids(k).first().map(|(_, x)| *x);
                let value = self.js_opt_expr(inner);
                args.push(Arg {
                    kw: None,
                    value,
                    spread: true,
                });
            } else {
                let value = self.js_expr(k);
                args.push(Arg {
                    kw: None,
                    value,
                    spread: false,
                });
            }
        }
        args
    }

    fn js_expr_inner(&mut self, n: Node<'t>) -> Expr {
        match n.kind() {
            "identifier" | "shorthand_property_identifier" => {
                Expr::Name(self.text(n).into(), Lower::span(n))
            }
            "this" | "super" | "import" => Expr::Name(n.kind().into(), Lower::span(n)),
            "member_expression" => {
                let kk = self.kids(n);
                let obj = self.js_opt_expr(Lower::field(&kk, self.f.object));
                let prop = Lower::field(&kk, self.f.property)
                    .map(|p| self.text(p))
                    .unwrap_or_default();
                Expr::Attr(Box::new(obj), prop.into(), Lower::span(n))
            }
            "subscript_expression" => {
                let kk = self.kids(n);
                let o = self.js_opt_expr(Lower::field(&kk, self.f.object));
                let i = self.js_opt_expr(Lower::field(&kk, self.f.index));
                Expr::Index(Box::new(o), Box::new(i), Lower::span(n))
            }
            "call_expression" => {
                let kk = self.kids(n);
                let callee = self.js_opt_expr(Lower::field(&kk, self.f.function));
                let args = self.js_args(Lower::field(&kk, self.f.arguments));
                if let Expr::Name(nm, _) = &callee {
                    if &**nm == "require" || &**nm == "import" {
                        if let Some(Arg {
                            value: Expr::Str(s),
                            ..
                        }) = args.first()
                        {
                            self.m.imports.push((s.clone(), 0));
                        }
                    }
                }
                Expr::Call(Box::new(Call {
                    callee,
                    args,
                    pos: Lower::pos(n),
                    span: Lower::span(n),
                    new: false,
                }))
            }
            "new_expression" => {
                let kk = self.kids(n);
                let callee = self.js_opt_expr(Lower::field(&kk, self.f.constructor));
                let args = self.js_args(Lower::field(&kk, self.f.arguments));
                Expr::Call(Box::new(Call {
                    callee,
                    args,
                    pos: Lower::pos(n),
                    span: Lower::span(n),
                    new: true,
                }))
            }
            "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => {
                let kk = self.kids(n);
                // The expression is the first named child that is not a type.
                let inner = kk.iter().map(|(_, k)| *k).find(|k| !is_type_node(k.kind()));
                self.js_opt_expr(inner)
            }
            "instantiation_expression" => {
                let kk = self.kids(n);
                self.js_opt_expr(Lower::field(&kk, self.f.function))
            }
            "arrow_function" | "function_expression" | "function" | "generator_function" => {
                let (_, id) = self.js_func(n, Vec::new(), None);
                Expr::Func(id)
            }
            "class" => {
                let (_, id) = self.js_class(n);
                Expr::Class(id)
            }
            "assignment_expression" => {
                let kk = self.kids(n);
                let t = Lower::field(&kk, self.f.left)
                    .map(|x| self.js_target(x))
                    .unwrap_or(Target::None);
                let v = self.js_opt_expr(Lower::field(&kk, self.f.right));
                Expr::Assign(Box::new(t), Box::new(v))
            }
            "augmented_assignment_expression" => {
                let kk = self.kids(n);
                let l = Lower::field(&kk, self.f.left);
                let t = l.map(|x| self.js_target(x)).unwrap_or(Target::None);
                let old = self.js_opt_expr(l);
                let v = self.js_opt_expr(Lower::field(&kk, self.f.right));
                Expr::Assign(Box::new(t), Box::new(Expr::Union(vec![old, v])))
            }
            "binary_expression" => {
                let kk = self.all_kids(n);
                let op = Lower::field(&kk, self.f.operator)
                    .map(|o| self.text(o))
                    .unwrap_or_default();
                let l = self.js_opt_expr(Lower::field(&kk, self.f.left));
                let r = self.js_opt_expr(Lower::field(&kk, self.f.right));
                match op {
                    "+" => Expr::Concat(vec![l, r]),
                    "||" | "??" | "&&" => Expr::Union(vec![l, r]),
                    _ => Expr::Opaque(vec![l, r]),
                }
            }
            "ternary_expression" => {
                let kk = self.kids(n);
                let c = self.js_opt_expr(Lower::field(&kk, self.f.condition));
                let a = self.js_opt_expr(Lower::field(&kk, self.f.consequence));
                let b = self.js_opt_expr(Lower::field(&kk, self.f.alternative));
                Expr::Union(vec![Expr::Opaque(vec![c]), a, b])
            }
            "unary_expression" | "update_expression" | "yield_expression" => Expr::Opaque(
                self.kids(n)
                    .into_iter()
                    .map(|(_, k)| self.js_expr(k))
                    .collect(),
            ),
            "sequence_expression" => {
                let mut es: Vec<Expr> = self
                    .kids(n)
                    .into_iter()
                    .map(|(_, k)| self.js_expr(k))
                    .collect();
                let last = es.pop().unwrap_or(Expr::Unknown);
                Expr::Union(vec![Expr::Opaque(es), last])
            }
            "spread_element" => {
                let inner = self.kids(n).first().map(|(_, x)| *x);
                Expr::Spread(Box::new(self.js_opt_expr(inner)))
            }
            "array" => Expr::List(
                self.kids(n)
                    .into_iter()
                    .map(|(_, k)| self.js_expr(k))
                    .collect(),
            ),
            "object" => {
                let mut props = Vec::new();
                for (_, k) in self.kids(n) {
                    match k.kind() {
                        "pair" => {
                            let kk = self.kids(k);
                            let key = Lower::field(&kk, self.f.key);
                            let key_lit = key.and_then(|x| match x.kind() {
                                "property_identifier" | "string" | "number" => {
                                    Some(unquote(self.text(x)).into())
                                }
                                _ => None,
                            });
                            let value = match Lower::field(&kk, self.f.value) {
                                Some(v) => self.js_expr_named(
                                    v,
                                    &Target::Name(key_lit.clone().unwrap_or_default()),
                                ),
                                None => Expr::Unknown,
                            };
                            props.push(Prop {
                                key: key_lit,
                                value,
                                spread: false,
                            });
                        }
                        "shorthand_property_identifier" => {
                            let nm: Box<str> = self.text(k).into();
                            props.push(Prop {
                                key: Some(nm.clone()),
                                value: Expr::Name(nm, Lower::span(k)),
                                spread: false,
                            });
                        }
                        "spread_element" => {
                            let inner = self.kids(k).first().map(|(_, x)| *x);
                            let value = self.js_opt_expr(inner);
                            props.push(Prop {
                                key: None,
                                value,
                                spread: true,
                            });
                        }
                        "method_definition" => {
                            let (nm, id) = self.js_func(k, Vec::new(), None);
                            props.push(Prop {
                                key: Some(nm),
                                value: Expr::Func(id),
                                spread: false,
                            });
                        }
                        _ => {}
                    }
                }
                Expr::Object(props)
            }
            "string" => Expr::Str(unquote(self.text(n)).into()),
            "template_string" => self.js_template(n),
            "number" | "true" | "false" | "null" | "undefined" | "regex" => {
                Expr::Const(self.text(n).into())
            }
            _ => Expr::Unknown,
        }
    }

    fn js_template(&mut self, n: Node<'t>) -> Expr {
        let start = n.start_byte() + 1;
        let end = n.end_byte().saturating_sub(1).max(start);
        let mut parts = Vec::new();
        let mut at = start;
        for (_, k) in self.kids(n) {
            if k.kind() != "template_substitution" {
                continue;
            }
            if k.start_byte() > at {
                parts.push(Expr::Str(
                    self.src.get(at..k.start_byte()).unwrap_or_default().into(),
                ));
            }
            let inner = self.kids(k).first().map(|(_, x)| *x);
            parts.push(self.js_opt_expr(inner));
            at = k.end_byte();
        }
        if end > at {
            parts.push(Expr::Str(self.src.get(at..end).unwrap_or_default().into()));
        }
        match parts.len() {
            0 => Expr::Str("".into()),
            1 if matches!(parts[0], Expr::Str(_)) => parts.pop().unwrap_or(Expr::Unknown),
            _ => Expr::Concat(parts),
        }
    }
}

fn is_type_node(kind: &str) -> bool {
    kind.ends_with("_type")
        || matches!(
            kind,
            "type_identifier" | "predefined_type" | "type_arguments" | "type_annotation"
        )
}

fn target_name(t: &Target) -> Option<&str> {
    match t {
        Target::Name(n) => Some(n),
        Target::Attr(_, n) => Some(n),
        _ => None,
    }
}

fn collect_names(t: &Target, out: &mut Vec<(Box<str>, Box<str>)>) {
    match t {
        Target::Name(n) => out.push((n.clone(), n.clone())),
        Target::Seq(ts) => ts.iter().for_each(|t| collect_names(t, out)),
        Target::Obj(ps, rest) => {
            ps.iter().for_each(|(_, t)| collect_names(t, out));
            if let Some(r) = rest {
                collect_names(r, out);
            }
        }
        Target::Default(t, _) => collect_names(t, out),
        _ => {}
    }
}
