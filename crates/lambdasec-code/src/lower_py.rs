//! Python syntax → IR.

use crate::ir::*;
use crate::parse::Lower;
use tree_sitter::Node;

impl<'t> Lower<'t, '_> {
    pub fn py_module(&mut self, root: Node<'t>) {
        self.begin_module();
        let body = self.py_block(root);
        self.m.funcs[0].body = body;
    }

    fn py_block(&mut self, n: Node<'t>) -> Vec<Stmt> {
        self.block_of(n, Self::py_stmt)
    }

    /// The body of a compound statement's field (a `block`).
    fn py_body(&mut self, n: Option<Node<'t>>) -> Vec<Stmt> {
        match n {
            Some(b) if b.kind() == "block" => self.py_block(b),
            Some(b) => {
                let mut out = Vec::new();
                self.py_stmt(b, &mut out);
                out
            }
            None => Vec::new(),
        }
    }

    fn py_stmt(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        if !self.enter() {
            return;
        }
        self.py_stmt_inner(n, out);
        self.leave();
    }

    fn py_stmt_inner(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        let f_cond = self.f.condition;
        match n.kind() {
            "expression_statement" => {
                let kids = self.kids(n);
                for (_, k) in kids {
                    match k.kind() {
                        "assignment" => self.py_assign(k, out),
                        "augmented_assignment" => {
                            let kk = self.kids(k);
                            let t = Lower::field(&kk, self.f.left).map(|l| self.py_target(l));
                            let v = self.py_opt_expr(Lower::field(&kk, self.f.right));
                            if let Some(target) = t {
                                out.push(Stmt::Assign {
                                    target,
                                    value: v,
                                    kind: AssignKind::Augment,
                                });
                            }
                        }
                        _ => {
                            let e = self.py_expr(k);
                            out.push(Stmt::Expr(e));
                        }
                    }
                }
            }
            "function_definition" => {
                let (name, id) = self.py_func(n, Vec::new());
                out.push(Stmt::Def { name, func: id });
            }
            "class_definition" => {
                let (name, id) = self.py_class(n, Vec::new());
                out.push(Stmt::ClassDef { name, class: id });
            }
            "decorated_definition" => {
                let kids = self.kids(n);
                let mut decos = Vec::new();
                for (_, k) in &kids {
                    if k.kind() == "decorator" {
                        if let Some((_, e)) = self.kids(*k).first() {
                            let e = *e;
                            decos.push(self.py_expr(e));
                        }
                    }
                }
                if let Some(d) = Lower::field(&kids, self.f.definition) {
                    match d.kind() {
                        "function_definition" => {
                            let (name, id) = self.py_func(d, decos);
                            out.push(Stmt::Def { name, func: id });
                        }
                        "class_definition" => {
                            let (name, id) = self.py_class(d, decos);
                            out.push(Stmt::ClassDef { name, class: id });
                        }
                        _ => {}
                    }
                }
            }
            "return_statement" => {
                let kids = self.kids(n);
                let e = match kids.len() {
                    0 => None,
                    1 => Some(self.py_expr(kids[0].1)),
                    _ => Some(Expr::List(
                        kids.iter().map(|(_, k)| self.py_expr(*k)).collect(),
                    )),
                };
                out.push(Stmt::Return(e));
            }
            "if_statement" => {
                let kids = self.kids(n);
                let cond_n = Lower::field(&kids, f_cond);
                if let Some(c) = cond_n {
                    // `if __name__ == "__main__":` does not run in Lambda.
                    let t = self.text(c);
                    if t.contains("__name__") && t.contains("__main__") {
                        return;
                    }
                }
                let cond = self.py_opt_expr(cond_n);
                let then = self.py_body(Lower::field(&kids, self.f.consequence));
                let alts: Vec<Node<'t>> = Lower::fields(&kids, self.f.alternative).collect();
                let els = self.py_elifs(&alts);
                out.push(Stmt::If { cond, then, els });
            }
            "for_statement" => {
                let kids = self.kids(n);
                let t = Lower::field(&kids, self.f.left).map(|l| self.py_target(l));
                let it = self.py_opt_expr(Lower::field(&kids, self.f.right));
                let mut body = self.py_body(Lower::field(&kids, self.f.body));
                if let Some(a) = Lower::field(&kids, self.f.alternative) {
                    body.extend(self.py_clause_body(a));
                }
                out.push(Stmt::Loop {
                    bind: Some((t.unwrap_or(Target::None), it)),
                    body,
                });
            }
            "while_statement" => {
                let kids = self.kids(n);
                let c = self.py_opt_expr(Lower::field(&kids, f_cond));
                out.push(Stmt::Expr(c));
                let mut body = self.py_body(Lower::field(&kids, self.f.body));
                if let Some(a) = Lower::field(&kids, self.f.alternative) {
                    body.extend(self.py_clause_body(a));
                }
                out.push(Stmt::Loop { bind: None, body });
            }
            "try_statement" => {
                let kids = self.kids(n);
                for (fid, k) in kids {
                    if fid == self.f.body {
                        let b = self.py_block(k);
                        out.push(Stmt::Block(b));
                    } else {
                        match k.kind() {
                            "except_clause" | "except_group_clause" => {
                                let kk = self.kids(k);
                                let mut body = Vec::new();
                                for (_, c) in kk {
                                    if c.kind() == "block" {
                                        body.extend(self.py_block(c));
                                    }
                                }
                                out.push(Stmt::Loop { bind: None, body });
                            }
                            "else_clause" => {
                                let b = self.py_clause_body(k);
                                out.push(Stmt::Loop {
                                    bind: None,
                                    body: b,
                                });
                            }
                            "finally_clause" => {
                                let b = self.py_clause_body(k);
                                out.push(Stmt::Block(b));
                            }
                            _ => {}
                        }
                    }
                }
            }
            "with_statement" => {
                let kids = self.kids(n);
                for (_, k) in &kids {
                    if k.kind() == "with_clause" {
                        for (_, item) in self.kids(*k) {
                            if item.kind() != "with_item" {
                                continue;
                            }
                            let ik = self.kids(item);
                            let Some(v) = Lower::field(&ik, self.f.value) else {
                                continue;
                            };
                            if v.kind() == "as_pattern" {
                                let ak = self.kids(v);
                                let e = ak.first().map(|(_, x)| *x);
                                let value = self.py_opt_expr(e);
                                let target = match Lower::field(&ak, self.f.alias) {
                                    Some(a) => {
                                        let inner = self.kids(a).first().map(|(_, x)| *x);
                                        inner.map(|x| self.py_target(x)).unwrap_or(Target::None)
                                    }
                                    None => Target::None,
                                };
                                out.push(Stmt::Assign {
                                    target,
                                    value,
                                    kind: AssignKind::Plain,
                                });
                            } else {
                                let e = self.py_expr(v);
                                out.push(Stmt::Expr(e));
                            }
                        }
                    }
                }
                let b = self.py_body(Lower::field(&kids, self.f.body));
                out.push(Stmt::Block(b));
            }
            "match_statement" => {
                let kids = self.kids(n);
                let s = self.py_opt_expr(Lower::field(&kids, self.f.subject));
                out.push(Stmt::Expr(s));
                let mut body = Vec::new();
                if let Some(b) = Lower::field(&kids, self.f.body) {
                    for (_, c) in self.kids(b) {
                        if c.kind() == "case_clause" {
                            let ck = self.kids(c);
                            body.extend(self.py_body(Lower::field(&ck, self.f.consequence)));
                        }
                    }
                }
                out.push(Stmt::Loop { bind: None, body });
            }
            "global_statement" | "nonlocal_statement" => {
                let names = self
                    .kids(n)
                    .iter()
                    .filter(|(_, k)| k.kind() == "identifier")
                    .map(|(_, k)| self.text(*k).into())
                    .collect();
                out.push(Stmt::Global(names));
            }
            "import_statement" => {
                let pos = Lower::pos(n);
                for (_, k) in self.kids(n) {
                    let (module, local) = match k.kind() {
                        "dotted_name" => {
                            let t = self.text(k);
                            (t, t)
                        }
                        "aliased_import" => {
                            let kk = self.kids(k);
                            let name = Lower::field(&kk, self.f.name).map(|x| self.text(x));
                            let alias = Lower::field(&kk, self.f.alias).map(|x| self.text(x));
                            match (name, alias) {
                                (Some(nm), Some(a)) => (nm, a),
                                _ => continue,
                            }
                        }
                        _ => continue,
                    };
                    self.m.imports.push((module.into(), 0));
                    out.push(Stmt::Import(Import {
                        module: module.into(),
                        level: 0,
                        bind: ImportBind::Namespace(local.into()),
                        pos,
                    }));
                }
            }
            "import_from_statement" => {
                let pos = Lower::pos(n);
                let kids = self.kids(n);
                let Some(mn) = Lower::field(&kids, self.f.module_name) else {
                    return;
                };
                let (module, level) = if mn.kind() == "relative_import" {
                    let mut level = 0;
                    let mut module = "";
                    for (_, k) in self.kids(mn) {
                        match k.kind() {
                            "import_prefix" => level = self.text(k).matches('.').count() as u32,
                            "dotted_name" => module = self.text(k),
                            _ => {}
                        }
                    }
                    (module, level)
                } else {
                    (self.text(mn), 0)
                };
                let mut names = Vec::new();
                let mut all = false;
                for (fid, k) in &kids {
                    if k.kind() == "wildcard_import" {
                        all = true;
                    }
                    if *fid != self.f.name {
                        continue;
                    }
                    match k.kind() {
                        "dotted_name" => {
                            let t: Box<str> = self.text(*k).into();
                            names.push((t.clone(), t));
                        }
                        "aliased_import" => {
                            let kk = self.kids(*k);
                            let name = Lower::field(&kk, self.f.name).map(|x| self.text(x));
                            let alias = Lower::field(&kk, self.f.alias).map(|x| self.text(x));
                            if let (Some(nm), Some(a)) = (name, alias) {
                                names.push((nm.into(), a.into()));
                            }
                        }
                        _ => {}
                    }
                }
                self.m.imports.push((module.into(), level));
                // `from pkg import mod` may name submodules: record them for preloading.
                for (nm, _) in &names {
                    let sub = if module.is_empty() {
                        nm.to_string()
                    } else {
                        format!("{module}.{nm}")
                    };
                    self.m.imports.push((sub.into(), level));
                }
                out.push(Stmt::Import(Import {
                    module: module.into(),
                    level,
                    bind: if all {
                        ImportBind::All
                    } else {
                        ImportBind::Named(names)
                    },
                    pos,
                }));
            }
            "raise_statement" | "assert_statement" | "delete_statement" | "print_statement"
            | "exec_statement" => {
                let es = self.kids(n).iter().map(|(_, k)| self.py_expr(*k)).collect();
                out.push(Stmt::Expr(Expr::Opaque(es)));
            }
            "block" => {
                let b = self.py_block(n);
                out.push(Stmt::Block(b));
            }
            _ => {}
        }
    }

    fn py_clause_body(&mut self, n: Node<'t>) -> Vec<Stmt> {
        let mut out = Vec::new();
        for (_, k) in self.kids(n) {
            if k.kind() == "block" {
                out.extend(self.py_block(k));
            }
        }
        out
    }

    /// `elif`/`else` clauses as a flat list of conditional statements (no nesting per
    /// clause: a chain of 100,000 `elif`s stays one level deep). The analysis merges
    /// branches, so the flat form means the same to it.
    fn py_elifs(&mut self, alts: &[Node<'t>]) -> Vec<Stmt> {
        let mut els: Vec<Stmt> = Vec::new();
        for a in alts {
            match a.kind() {
                "else_clause" => {
                    let kk = self.kids(*a);
                    let body = self.py_body(Lower::field(&kk, self.f.body));
                    els.push(Stmt::Loop { bind: None, body });
                }
                "elif_clause" => {
                    let kk = self.kids(*a);
                    let cond = self.py_opt_expr(Lower::field(&kk, self.f.condition));
                    let then = self.py_body(Lower::field(&kk, self.f.consequence));
                    els.push(Stmt::If {
                        cond,
                        then,
                        els: Vec::new(),
                    });
                }
                _ => {}
            }
        }
        els
    }

    fn py_assign(&mut self, n: Node<'t>, out: &mut Vec<Stmt>) {
        // `a = b = value`: the chain of targets, then the value.
        let mut targets = Vec::new();
        let mut cur = n;
        let value = loop {
            let kk = self.kids(cur);
            if let Some(l) = Lower::field(&kk, self.f.left) {
                targets.push(l);
            }
            match Lower::field(&kk, self.f.right) {
                Some(r) if r.kind() == "assignment" => cur = r,
                Some(r) => break Some(r),
                None => break None,
            }
        };
        let Some(value) = value else {
            // An annotation without a value: still declares the name.
            for t in targets {
                let target = self.py_target(t);
                out.push(Stmt::Assign {
                    target,
                    value: Expr::Const("None".into()),
                    kind: AssignKind::Plain,
                });
            }
            return;
        };
        let value = self.py_expr(value);
        let mut first: Option<Expr> = None;
        for t in targets.into_iter().rev() {
            let target = self.py_target(t);
            let v = match &first {
                None => value.clone(),
                Some(e) => e.clone(),
            };
            if first.is_none() {
                if let Target::Name(nm) = &target {
                    first = Some(Expr::Name(nm.clone(), (0, 0)));
                }
            }
            out.push(Stmt::Assign {
                target,
                value: v,
                kind: AssignKind::Plain,
            });
        }
    }

    pub fn py_target(&mut self, n: Node<'t>) -> Target {
        if !self.enter() {
            return Target::None;
        }
        let t = match n.kind() {
            "identifier" => Target::Name(self.text(n).into()),
            "attribute" => {
                let kk = self.kids(n);
                let obj = self.py_opt_expr(Lower::field(&kk, self.f.object));
                let attr = Lower::field(&kk, self.f.attribute)
                    .map(|a| self.text(a))
                    .unwrap_or_default();
                Target::Attr(obj, attr.into())
            }
            "subscript" => {
                let kk = self.kids(n);
                let v = self.py_opt_expr(Lower::field(&kk, self.f.value));
                let s = self.py_opt_expr(Lower::field(&kk, self.f.subscript));
                Target::Index(v, s)
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "expression_list" => Target::Seq(
                self.kids(n)
                    .into_iter()
                    .map(|(_, k)| self.py_target(k))
                    .collect(),
            ),
            "list_splat_pattern" | "parenthesized_expression" | "list_splat" => {
                match self.kids(n).first() {
                    Some((_, k)) => {
                        let k = *k;
                        self.py_target(k)
                    }
                    None => Target::None,
                }
            }
            _ => Target::None,
        };
        self.leave();
        t
    }

    fn py_params(&mut self, n: Option<Node<'t>>) -> Vec<Param> {
        let Some(n) = n else { return Vec::new() };
        let mut out = Vec::new();
        for (_, k) in self.kids(n) {
            match k.kind() {
                "identifier" => out.push(Param {
                    target: Target::Name(self.text(k).into()),
                    rest: false,
                }),
                "typed_parameter" => {
                    let kk = self.kids(k);
                    if let Some((_, id)) = kk.first() {
                        let rest = id.kind() != "identifier";
                        let name = if rest {
                            self.kids(*id)
                                .first()
                                .map(|(_, x)| self.text(*x))
                                .unwrap_or_default()
                        } else {
                            self.text(*id)
                        };
                        out.push(Param {
                            target: Target::Name(name.into()),
                            rest,
                        });
                    }
                }
                "default_parameter" | "typed_default_parameter" => {
                    let kk = self.kids(k);
                    if let Some(nm) = Lower::field(&kk, self.f.name) {
                        out.push(Param {
                            target: Target::Name(self.text(nm).into()),
                            rest: false,
                        });
                    }
                }
                "list_splat_pattern" | "dictionary_splat_pattern" => {
                    let name = self
                        .kids(k)
                        .first()
                        .map(|(_, x)| self.text(*x))
                        .unwrap_or_default();
                    out.push(Param {
                        target: Target::Name(name.into()),
                        rest: true,
                    });
                }
                _ => {}
            }
        }
        out
    }

    fn py_func(&mut self, n: Node<'t>, decorators: Vec<Expr>) -> (Box<str>, u32) {
        let kids = self.kids(n);
        let name: Box<str> = Lower::field(&kids, self.f.name)
            .map(|x| self.text(x))
            .unwrap_or_default()
            .into();
        let params = self.py_params(Lower::field(&kids, self.f.parameters));
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
        let body = self.py_body(Lower::field(&kids, self.f.body));
        self.cur_func = saved_f;
        self.cur_class = saved_c;
        self.m.funcs[id as usize].body = body;
        (name, id)
    }

    fn py_lambda(&mut self, n: Node<'t>) -> Expr {
        let kids = self.kids(n);
        let params = self.py_params(Lower::field(&kids, self.f.parameters));
        let id = self.m.funcs.len() as u32;
        self.m.funcs.push(Func {
            name: "".into(),
            params,
            body: Vec::new(),
            decorators: Vec::new(),
            pos: Lower::pos(n),
            class: None,
            parent: (self.cur_func != 0).then_some(self.cur_func),
        });
        let saved = self.cur_func;
        self.cur_func = id;
        let e = self.py_opt_expr(Lower::field(&kids, self.f.body));
        self.cur_func = saved;
        self.m.funcs[id as usize].body = vec![Stmt::Return(Some(e))];
        Expr::Func(id)
    }

    fn py_class(&mut self, n: Node<'t>, decorators: Vec<Expr>) -> (Box<str>, u32) {
        let kids = self.kids(n);
        let name: Box<str> = Lower::field(&kids, self.f.name)
            .map(|x| self.text(x))
            .unwrap_or_default()
            .into();
        let id = self.m.classes.len() as u32;
        self.m.classes.push(Class {
            name: name.clone(),
            methods: Vec::new(),
            body: Vec::new(),
            decorators,
            pos: Lower::pos(n),
        });
        let saved = self.cur_class;
        self.cur_class = Some(id);
        let body = self.py_body(Lower::field(&kids, self.f.body));
        self.cur_class = saved;
        let mut rest = Vec::new();
        let mut methods = Vec::new();
        for s in body {
            match s {
                Stmt::Def { name, func } => methods.push((name, func)),
                other => rest.push(other),
            }
        }
        let c = &mut self.m.classes[id as usize];
        c.methods = methods;
        c.body = rest;
        (name, id)
    }

    fn py_opt_expr(&mut self, n: Option<Node<'t>>) -> Expr {
        match n {
            Some(n) => self.py_expr(n),
            None => Expr::Unknown,
        }
    }

    pub fn py_expr(&mut self, n: Node<'t>) -> Expr {
        if !self.enter() {
            return Expr::Unknown;
        }
        let e = self.py_expr_inner(n);
        self.leave();
        e
    }

    fn py_expr_inner(&mut self, n: Node<'t>) -> Expr {
        match n.kind() {
            "identifier" => Expr::Name(self.text(n).into(), Lower::span(n)),
            "attribute" => {
                let kk = self.kids(n);
                let obj = self.py_opt_expr(Lower::field(&kk, self.f.object));
                let attr = Lower::field(&kk, self.f.attribute)
                    .map(|a| self.text(a))
                    .unwrap_or_default();
                Expr::Attr(Box::new(obj), attr.into(), Lower::span(n))
            }
            "subscript" => {
                let kk = self.kids(n);
                let v = self.py_opt_expr(Lower::field(&kk, self.f.value));
                let s = self.py_opt_expr(Lower::field(&kk, self.f.subscript));
                Expr::Index(Box::new(v), Box::new(s), Lower::span(n))
            }
            "call" => {
                let kk = self.kids(n);
                let callee = self.py_opt_expr(Lower::field(&kk, self.f.function));
                let mut args = Vec::new();
                if let Some(a) = Lower::field(&kk, self.f.arguments) {
                    if a.kind() == "generator_expression" {
                        args.push(Arg {
                            kw: None,
                            value: self.py_expr(a),
                            spread: false,
                        });
                    } else {
                        for (_, k) in self.kids(a) {
                            match k.kind() {
                                "keyword_argument" => {
                                    let ak = self.kids(k);
                                    let name = Lower::field(&ak, self.f.name)
                                        .map(|x| self.text(x))
                                        .unwrap_or_default();
                                    let value = self.py_opt_expr(Lower::field(&ak, self.f.value));
                                    args.push(Arg {
                                        kw: Some(name.into()),
                                        value,
                                        spread: false,
                                    });
                                }
                                "list_splat" | "dictionary_splat" => {
                                    let inner = self.kids(k).first().map(|(_, x)| *x);
                                    let value = self.py_opt_expr(inner);
                                    args.push(Arg {
                                        kw: None,
                                        value,
                                        spread: true,
                                    });
                                }
                                _ => {
                                    let value = self.py_expr(k);
                                    args.push(Arg {
                                        kw: None,
                                        value,
                                        spread: false,
                                    });
                                }
                            }
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
            "string" => self.py_string(n),
            "concatenated_string" => {
                let parts: Vec<Expr> = self
                    .kids(n)
                    .into_iter()
                    .map(|(_, k)| self.py_string(k))
                    .collect();
                if parts.iter().all(|p| matches!(p, Expr::Str(_))) {
                    let mut s = String::new();
                    for p in &parts {
                        if let Expr::Str(x) = p {
                            s.push_str(x);
                        }
                    }
                    Expr::Str(s.into())
                } else {
                    Expr::Concat(parts)
                }
            }
            "binary_operator" => {
                let kk = self.all_kids(n);
                let op = Lower::field(&kk, self.f.operator)
                    .map(|o| self.text(o))
                    .unwrap_or_default();
                let l = self.py_opt_expr(Lower::field(&kk, self.f.left));
                let r = self.py_opt_expr(Lower::field(&kk, self.f.right));
                if op == "+" || op == "%" {
                    Expr::Concat(vec![l, r])
                } else {
                    Expr::Opaque(vec![l, r])
                }
            }
            "boolean_operator" => {
                let kk = self.kids(n);
                let l = self.py_opt_expr(Lower::field(&kk, self.f.left));
                let r = self.py_opt_expr(Lower::field(&kk, self.f.right));
                Expr::Union(vec![l, r])
            }
            "conditional_expression" => {
                let kk = self.kids(n);
                let es: Vec<Expr> = kk.iter().map(|(_, k)| self.py_expr(*k)).collect();
                let mut it = es.into_iter();
                let a = it.next().unwrap_or(Expr::Unknown);
                let c = it.next().unwrap_or(Expr::Unknown);
                let b = it.next().unwrap_or(Expr::Unknown);
                Expr::Union(vec![Expr::Opaque(vec![c]), a, b])
            }
            "comparison_operator" | "not_operator" | "unary_operator" | "slice" => Expr::Opaque(
                self.kids(n)
                    .into_iter()
                    .map(|(_, k)| self.py_expr(k))
                    .collect(),
            ),
            "await" | "parenthesized_expression" => match self.kids(n).first() {
                Some((_, k)) => {
                    let k = *k;
                    self.py_expr(k)
                }
                None => Expr::Unknown,
            },
            "list" | "tuple" | "set" | "expression_list" => Expr::List(
                self.kids(n)
                    .into_iter()
                    .map(|(_, k)| self.py_expr(k))
                    .collect(),
            ),
            "list_splat" | "dictionary_splat" => match self.kids(n).first() {
                Some((_, k)) => {
                    let k = *k;
                    Expr::Spread(Box::new(self.py_expr(k)))
                }
                None => Expr::Unknown,
            },
            "dictionary" => {
                let mut props = Vec::new();
                for (_, k) in self.kids(n) {
                    match k.kind() {
                        "pair" => {
                            let kk = self.kids(k);
                            let key = Lower::field(&kk, self.f.key);
                            let key_lit = key.and_then(|x| self.py_literal_key(x));
                            let value = self.py_opt_expr(Lower::field(&kk, self.f.value));
                            if key_lit.is_none() {
                                if let Some(x) = key {
                                    let ke = self.py_expr(x);
                                    props.push(Prop {
                                        key: None,
                                        value: Expr::Opaque(vec![ke]),
                                        spread: false,
                                    });
                                }
                            }
                            props.push(Prop {
                                key: key_lit,
                                value,
                                spread: false,
                            });
                        }
                        "dictionary_splat" => {
                            let inner = self.kids(k).first().map(|(_, x)| *x);
                            let value = self.py_opt_expr(inner);
                            props.push(Prop {
                                key: None,
                                value,
                                spread: true,
                            });
                        }
                        _ => {}
                    }
                }
                Expr::Object(props)
            }
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension" => {
                let kk = self.kids(n);
                let mut binds = Vec::new();
                let mut conds = Vec::new();
                for (_, k) in &kk {
                    match k.kind() {
                        "for_in_clause" => {
                            let ck = self.kids(*k);
                            let t = Lower::field(&ck, self.f.left)
                                .map(|x| self.py_target(x))
                                .unwrap_or(Target::None);
                            let it = self.py_opt_expr(Lower::field(&ck, self.f.right));
                            binds.push((t, it));
                        }
                        "if_clause" => {
                            for (_, c) in self.kids(*k) {
                                conds.push(self.py_expr(c));
                            }
                        }
                        _ => {}
                    }
                }
                let body = match Lower::field(&kk, self.f.body) {
                    Some(b) if b.kind() == "pair" => {
                        let bk = self.kids(b);
                        let k = self.py_opt_expr(Lower::field(&bk, self.f.key));
                        let v = self.py_opt_expr(Lower::field(&bk, self.f.value));
                        Expr::List(vec![k, v])
                    }
                    Some(b) => self.py_expr(b),
                    None => Expr::Unknown,
                };
                let body = if conds.is_empty() {
                    body
                } else {
                    conds.push(Expr::Unknown);
                    Expr::Union(vec![Expr::Opaque(conds), body])
                };
                Expr::Compr(binds, Box::new(body))
            }
            "lambda" => self.py_lambda(n),
            "named_expression" => {
                let kk = self.kids(n);
                let t = Lower::field(&kk, self.f.name)
                    .map(|x| self.py_target(x))
                    .unwrap_or(Target::None);
                let v = self.py_opt_expr(Lower::field(&kk, self.f.value));
                Expr::Assign(Box::new(t), Box::new(v))
            }
            "true" | "false" | "none" | "integer" | "float" => Expr::Const(self.text(n).into()),
            "keyword_argument" => {
                let kk = self.kids(n);
                self.py_opt_expr(Lower::field(&kk, self.f.value))
            }
            "yield" => Expr::Opaque(
                self.kids(n)
                    .into_iter()
                    .map(|(_, k)| self.py_expr(k))
                    .collect(),
            ),
            _ => Expr::Unknown,
        }
    }

    fn py_literal_key(&mut self, n: Node<'t>) -> Option<Box<str>> {
        match self.py_string_if(n) {
            Some(Expr::Str(s)) => Some(s),
            _ => None,
        }
    }

    fn py_string_if(&mut self, n: Node<'t>) -> Option<Expr> {
        (n.kind() == "string").then(|| self.py_string(n))
    }

    fn py_string(&mut self, n: Node<'t>) -> Expr {
        if n.kind() != "string" {
            return self.py_expr(n);
        }
        let kids = self.kids(n);
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut interp = false;
        for (_, k) in kids {
            match k.kind() {
                "string_content" | "escape_sequence" => lit.push_str(self.text(k)),
                "interpolation" => {
                    interp = true;
                    if !lit.is_empty() {
                        parts.push(Expr::Str(std::mem::take(&mut lit).into()));
                    }
                    let kk = self.kids(k);
                    let e = Lower::field(&kk, self.f.value)
                        .or_else(|| kk.first().map(|(_, x)| *x))
                        .map(|x| self.py_expr(x))
                        .unwrap_or(Expr::Unknown);
                    parts.push(e);
                }
                _ => {}
            }
        }
        if !interp {
            return Expr::Str(lit.into());
        }
        if !lit.is_empty() {
            parts.push(Expr::Str(lit.into()));
        }
        Expr::Concat(parts)
    }
}
