//! HCL expression evaluation with Terraform semantics.
//!
//! [`eval`] walks an `hcl_edit` expression tree and produces a [`TfValue`]. Everything outside
//! the expression (variables, locals, resources, files) comes from a [`Resolver`]. Whatever
//! cannot be computed becomes [`TfValue::Unknown`] with a reason, and string templates keep
//! their known parts as [`Piece`]s. Evaluation is bounded: nesting depth, iterations, string
//! sizes and the total amount of work are all capped, so hostile input cannot hang or crash
//! the scanner.

use crate::funcs;
use crate::value::{format_number, TfValue, UnknownVal};
use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, Object, ObjectKey, Traversal, TraversalOperator,
    UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Decorated;
use indexmap::IndexMap;
use lambdasec_model::Piece;

/// Supplies everything outside the expression itself.
pub trait Resolver {
    /// Resolve a reference whose first identifier is `root` (e.g. "var", "local",
    /// "aws_iam_role", "data", "module", "path", "terraform", "each", "count", "self") followed
    /// directly by the attribute names `attrs` (the consecutive `.name` steps after the root, up
    /// to the first index, splat or end). Returns the value and how many of `attrs` it consumed
    /// (0..=attrs.len()); the evaluator applies the remaining attrs and the rest of the
    /// traversal itself. None = unknown reference (evaluate to an unknown naming it).
    fn resolve(&self, root: &str, attrs: &[&str]) -> Option<(TfValue, usize)>;
    /// Read a file for file()/templatefile()/filebase64 etc., path as written (relative to the
    /// module directory, `path.module` already substituted by the caller's resolver).
    /// Err = reason.
    fn read_file(&self, path: &str) -> Result<String, String>;
}

/// Maximum number of nested evaluations.
pub(crate) const MAX_DEPTH: usize = 128;
/// Maximum number of iterations of one `for` expression or directive, and of list sizes built
/// by functions such as `range` and `setproduct`.
pub(crate) const MAX_ITERATIONS: usize = 100_000;
/// Maximum length of any string produced.
pub(crate) const MAX_STRING: usize = 10 * 1024 * 1024;
/// Total amount of work (evaluations, iterations, values copied) allowed for one [`eval`].
const BUDGET: u64 = 20_000_000;

/// Evaluate an expression. Never panics, never loops forever: anything that cannot be computed
/// becomes TfValue::Unknown with a human reason.
pub fn eval(expr: &Expression, r: &dyn Resolver) -> TfValue {
    Evaluator::new(r).eval(expr)
}

/// Canonical source text of an expression (trimmed, no surrounding whitespace/comments), used
/// to name unknown holes, e.g. "var.name" or "lower(var.x)".
pub fn expr_text(expr: &Expression) -> String {
    let mut out = String::new();
    text::write_expr(expr, &mut out, 0);
    out
}

/// Convert a TfValue to a string the way Terraform does in templates (string, number, bool);
/// None for other types or unknowns.
pub fn to_string_value(v: &TfValue) -> Option<String> {
    match v {
        TfValue::String(s) => Some(s.clone()),
        TfValue::Number(n) => Some(format_number(*n)),
        TfValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The state of one evaluation: resolver, local scope (for-expression and template variables),
/// and the limits.
pub(crate) struct Evaluator<'r> {
    pub(crate) resolver: &'r dyn Resolver,
    /// Innermost binding last.
    scope: Vec<(String, TfValue)>,
    /// When true (inside `templatefile`), names not in `scope` are not defined.
    isolated: bool,
    depth: usize,
    budget: u64,
}

impl<'r> Evaluator<'r> {
    pub(crate) fn new(resolver: &'r dyn Resolver) -> Self {
        Evaluator {
            resolver,
            scope: Vec::new(),
            isolated: false,
            depth: 0,
            budget: BUDGET,
        }
    }

    /// Spend `n` units of work; false once the budget is exhausted.
    pub(crate) fn charge(&mut self, n: u64) -> bool {
        if self.budget < n {
            self.budget = 0;
            false
        } else {
            self.budget -= n;
            true
        }
    }

    /// Charge for a value about to be copied or produced; false when over budget.
    pub(crate) fn charge_value(&mut self, v: &TfValue) -> bool {
        let size = value_size(v, self.budget.saturating_add(1));
        self.charge(size)
    }

    pub(crate) fn over_budget() -> TfValue {
        TfValue::unknown("expression too expensive to evaluate")
    }

    /// Evaluate one expression, with the depth and budget guards.
    pub(crate) fn eval(&mut self, expr: &Expression) -> TfValue {
        if self.depth >= MAX_DEPTH {
            return TfValue::unknown("expression nested too deeply");
        }
        if !self.charge(1) {
            return Self::over_budget();
        }
        self.depth += 1;
        let v = self.eval_inner(expr);
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, expr: &Expression) -> TfValue {
        match expr {
            Expression::Null(_) => TfValue::Null,
            Expression::Bool(b) => TfValue::Bool(*b.value()),
            Expression::Number(n) => match n.value().as_f64() {
                Some(f) if f.is_finite() => TfValue::Number(f),
                _ => TfValue::unknown(format!("number {} out of range", n.value())),
            },
            Expression::String(s) => TfValue::String(s.value().clone()),
            Expression::Array(a) => {
                let mut out = Vec::with_capacity(a.len().min(1024));
                for e in a.iter() {
                    out.push(self.eval(e));
                }
                TfValue::List(out)
            }
            Expression::Object(o) => self.eval_object(o),
            Expression::StringTemplate(t) => self.eval_template(t),
            Expression::HeredocTemplate(h) => self.eval_template(&h.template),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => {
                let name = v.value().as_str();
                match self.lookup(name, &[]) {
                    Some((val, _)) => val,
                    None => TfValue::error_ref(name, format!("{name} is not defined")),
                }
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr);
                match to_bool(&cond) {
                    Ok(true) => self.eval(&c.true_expr),
                    Ok(false) => self.eval(&c.false_expr),
                    Err(reason) => {
                        let a = self.eval(&c.true_expr);
                        let b = self.eval(&c.false_expr);
                        if a == b && !a.contains_unknown() {
                            a
                        } else {
                            named_unknown(expr, reason)
                        }
                    }
                }
            }
            Expression::FuncCall(call) => funcs::call(self, call, &expr_text(expr)),
            Expression::Traversal(t) => {
                let v = self.eval_traversal(t, expr);
                name_if_anonymous(v, expr)
            }
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr);
                let r = match u.operator.value() {
                    UnaryOperator::Not => to_bool(&v).map(|b| TfValue::Bool(!b)),
                    UnaryOperator::Neg => to_number(&v).map(|n| TfValue::Number(-n)),
                };
                r.unwrap_or_else(|reason| named_unknown(expr, reason))
            }
            Expression::BinaryOp(b) => self
                .eval_binary(*b.operator.value(), &b.lhs_expr, &b.rhs_expr)
                .unwrap_or_else(|reason| named_unknown(expr, reason)),
            Expression::ForExpr(f) => self
                .eval_for(f)
                .unwrap_or_else(|reason| named_unknown(expr, reason)),
        }
    }

    /// A name from the local scope, or else from the resolver (unless isolated).
    fn lookup(&mut self, root: &str, attrs: &[&str]) -> Option<(TfValue, usize)> {
        let found = self
            .scope
            .iter()
            .rev()
            .find(|(n, _)| n == root)
            .map(|(_, v)| (v.clone(), 0));
        let found = match found {
            Some(f) => Some(f),
            None if self.isolated => None,
            None => self
                .resolver
                .resolve(root, attrs)
                .map(|(v, used)| (v, used.min(attrs.len()))),
        };
        match found {
            Some((v, used)) if self.charge_value(&v) => Some((v, used)),
            Some(_) => Some((Self::over_budget(), attrs.len())),
            None => None,
        }
    }

    fn eval_object(&mut self, o: &Object) -> TfValue {
        let mut out = IndexMap::new();
        for (k, v) in o.iter() {
            let key = match k {
                ObjectKey::Ident(id) => id.value().as_str().to_string(),
                ObjectKey::Expression(e) => {
                    let kv = self.eval(e);
                    match to_string_value(&kv) {
                        Some(s) => s,
                        None => {
                            let reason = match &kv {
                                TfValue::Unknown(u) => u.reason.clone(),
                                other => format!("object key cannot be a {}", other.type_name()),
                            };
                            return TfValue::unknown(reason);
                        }
                    }
                }
            };
            let val = self.eval(v.expr());
            out.insert(key, val);
        }
        TfValue::Object(out)
    }

    fn eval_traversal(&mut self, t: &Traversal, whole: &Expression) -> TfValue {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(Decorated::value).collect();
        let (base, rest) = match &t.expr {
            Expression::Variable(root) => {
                let attrs: Vec<&str> = ops
                    .iter()
                    .map_while(|op| match op {
                        TraversalOperator::GetAttr(id) => Some(id.value().as_str()),
                        _ => None,
                    })
                    .collect();
                match self.lookup(root.value().as_str(), &attrs) {
                    Some((v, used)) => (v, used),
                    None => {
                        let text = expr_text(whole);
                        let reason = format!("{text} is not defined");
                        return TfValue::error_ref(text, reason);
                    }
                }
            }
            other => (self.eval(other), 0),
        };
        self.apply_ops(base, ops.get(rest..).unwrap_or(&[]))
    }

    /// Apply traversal steps to a value.
    fn apply_ops(&mut self, mut v: TfValue, ops: &[&TraversalOperator]) -> TfValue {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            match op {
                TraversalOperator::GetAttr(id) => v = v.get_attr(id.value().as_str()),
                TraversalOperator::Index(e) => {
                    let key = self.eval(e);
                    v = v.index(&key);
                }
                TraversalOperator::LegacyIndex(n) => {
                    v = v.index(&TfValue::Number(*n.value() as f64));
                }
                TraversalOperator::AttrSplat(_) => {
                    let start = i + 1;
                    let len = ops
                        .get(start..)
                        .unwrap_or(&[])
                        .iter()
                        .take_while(|o| matches!(o, TraversalOperator::GetAttr(_)))
                        .count();
                    v = self.splat(v, ops.get(start..start + len).unwrap_or(&[]));
                    i = start + len;
                    continue;
                }
                TraversalOperator::FullSplat(_) => {
                    return self.splat(v, ops.get(i + 1..).unwrap_or(&[]));
                }
            }
            i += 1;
        }
        v
    }

    fn splat(&mut self, v: TfValue, ops: &[&TraversalOperator]) -> TfValue {
        match v {
            TfValue::Unknown(_) => v,
            TfValue::Null => TfValue::List(Vec::new()),
            TfValue::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if !self.charge(1) {
                        return Self::over_budget();
                    }
                    out.push(self.apply_ops(item, ops));
                }
                TfValue::List(out)
            }
            other => TfValue::List(vec![self.apply_ops(other, ops)]),
        }
    }

    fn eval_binary(
        &mut self,
        op: BinaryOperator,
        lhs: &Expression,
        rhs: &Expression,
    ) -> Result<TfValue, String> {
        use BinaryOperator as B;
        let a = self.eval(lhs);
        // Short-circuits (also when the other side is unknown).
        match (op, to_bool(&a)) {
            (B::And, Ok(false)) => return Ok(TfValue::Bool(false)),
            (B::Or, Ok(true)) => return Ok(TfValue::Bool(true)),
            _ => {}
        }
        let b = self.eval(rhs);
        match op {
            B::And | B::Or => {
                let (x, y) = (to_bool(&a), to_bool(&b));
                let is_and = op == B::And;
                match (x, y) {
                    (Ok(x), Ok(y)) => Ok(TfValue::Bool(if is_and { x && y } else { x || y })),
                    (_, Ok(y)) if y != is_and => Ok(TfValue::Bool(y)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                }
            }
            B::Eq | B::NotEq => {
                // Comparing with null only needs to know whether the other side is null: a
                // list or object is not, whatever its elements, and neither is a string with
                // known text in it (a template, an ARN of known shape): `var.role_arn == null`.
                let other = match (&a, &b) {
                    (TfValue::Null, o) | (o, TfValue::Null) => Some(o),
                    _ => None,
                };
                if let Some(other) = other {
                    let known = match other {
                        TfValue::Unknown(u) => u
                            .pieces
                            .iter()
                            .any(|p| matches!(p, Piece::Lit(s) if !s.is_empty())),
                        _ => true,
                    };
                    if known {
                        let eq = *other == TfValue::Null;
                        return Ok(TfValue::Bool(if op == B::Eq { eq } else { !eq }));
                    }
                }
                if let Some(reason) = unknown_reason(&a).or_else(|| unknown_reason(&b)) {
                    return Err(reason);
                }
                let eq = values_equal(&a, &b);
                Ok(TfValue::Bool(if op == B::Eq { eq } else { !eq }))
            }
            _ => {
                let x = to_number(&a)?;
                let y = to_number(&b)?;
                let r = match op {
                    B::Less => return Ok(TfValue::Bool(x < y)),
                    B::LessEq => return Ok(TfValue::Bool(x <= y)),
                    B::Greater => return Ok(TfValue::Bool(x > y)),
                    B::GreaterEq => return Ok(TfValue::Bool(x >= y)),
                    B::Plus => x + y,
                    B::Minus => x - y,
                    B::Mul => x * y,
                    B::Div if y == 0.0 => return Err("division by zero".into()),
                    B::Div => x / y,
                    B::Mod if y == 0.0 => return Err("modulo by zero".into()),
                    B::Mod => x % y,
                    B::And | B::Or | B::Eq | B::NotEq => return Err("unreachable".into()),
                };
                if r.is_finite() {
                    Ok(TfValue::Number(r))
                } else {
                    Err("arithmetic result out of range".into())
                }
            }
        }
    }

    /// The elements of a collection for `for`: (key, value) pairs. Objects iterate in
    /// lexicographic key order as in Terraform.
    fn iterate(&mut self, coll: TfValue) -> Result<Vec<(TfValue, TfValue)>, String> {
        let items: Vec<(TfValue, TfValue)> = match coll {
            TfValue::List(l) => l
                .into_iter()
                .enumerate()
                .map(|(i, v)| (TfValue::Number(i as f64), v))
                .collect(),
            TfValue::Object(o) => {
                let mut entries: Vec<(String, TfValue)> = o.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                entries
                    .into_iter()
                    .map(|(k, v)| (TfValue::String(k), v))
                    .collect()
            }
            TfValue::Unknown(u) => return Err(u.reason),
            other => return Err(format!("cannot iterate over a {}", other.type_name())),
        };
        if items.len() > MAX_ITERATIONS {
            return Err(format!(
                "too many iterations ({} > {MAX_ITERATIONS})",
                items.len()
            ));
        }
        Ok(items)
    }

    fn eval_for(&mut self, f: &ForExpr) -> Result<TfValue, String> {
        let coll = self.eval(&f.intro.collection_expr);
        let items = self.iterate(coll)?;
        let key_var = f
            .intro
            .key_var
            .as_ref()
            .map(|k| k.value().as_str().to_string());
        let value_var = f.intro.value_var.value().as_str().to_string();
        let mark = self.scope.len();
        let mut list = Vec::new();
        let mut obj: IndexMap<String, TfValue> = IndexMap::new();
        let mut result = Ok(());
        for (k, v) in items {
            if !self.charge(1) {
                result = Err("expression too expensive to evaluate".to_string());
                break;
            }
            self.scope.truncate(mark);
            if let Some(kv) = &key_var {
                self.scope.push((kv.clone(), k));
            }
            self.scope.push((value_var.clone(), v));
            if let Some(cond) = &f.cond {
                match to_bool(&self.eval(&cond.expr)) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            match &f.key_expr {
                None => list.push(self.eval(&f.value_expr)),
                Some(key_expr) => {
                    let kv = self.eval(key_expr);
                    let Some(key) = to_string_value(&kv) else {
                        result = Err(match kv {
                            TfValue::Unknown(u) => u.reason,
                            other => format!("object key cannot be a {}", other.type_name()),
                        });
                        break;
                    };
                    let val = self.eval(&f.value_expr);
                    if f.grouping {
                        match obj.entry(key).or_insert_with(|| TfValue::List(Vec::new())) {
                            TfValue::List(group) => group.push(val),
                            _ => {
                                result = Err("internal grouping error".into());
                                break;
                            }
                        }
                    } else if obj.contains_key(&key) {
                        result = Err(format!("duplicate object key \"{key}\" in for expression"));
                        break;
                    } else {
                        obj.insert(key, val);
                    }
                }
            }
        }
        self.scope.truncate(mark);
        result?;
        Ok(if f.key_expr.is_some() {
            TfValue::Object(obj)
        } else {
            TfValue::List(list)
        })
    }

    /// A template expression: a lone interpolation passes its value through unchanged.
    fn eval_template(&mut self, t: &Template) -> TfValue {
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.eval(&i.expr);
        }
        self.render_template(t)
    }

    /// Render a template to a string (or a partly known string).
    pub(crate) fn render_template(&mut self, t: &Template) -> TfValue {
        let mut buf = PieceBuf::default();
        let elements: Vec<&Element> = t.iter().collect();
        self.render(&elements, false, false, &mut buf);
        buf.finish()
    }

    /// Evaluate a parsed template file with only `vars` in scope (for `templatefile`).
    pub(crate) fn render_isolated(
        &mut self,
        t: &Template,
        vars: IndexMap<String, TfValue>,
    ) -> TfValue {
        let saved_scope = std::mem::replace(&mut self.scope, vars.into_iter().collect());
        let saved_isolated = std::mem::replace(&mut self.isolated, true);
        self.depth += 1;
        let v = if self.depth >= MAX_DEPTH {
            TfValue::unknown("expression nested too deeply")
        } else {
            self.eval_template(t)
        };
        self.depth -= 1;
        self.scope = saved_scope;
        self.isolated = saved_isolated;
        v
    }

    /// Render template elements; `lead`/`trail` say whether the surrounding markers strip the
    /// whitespace at the start/end of this sequence.
    fn render(&mut self, elements: &[&Element], lead: bool, trail: bool, buf: &mut PieceBuf) {
        if self.depth >= MAX_DEPTH {
            buf.unknown_hole("expression nested too deeply", "…".into());
            return;
        }
        self.depth += 1;
        for (i, el) in elements.iter().enumerate() {
            if buf.too_long() {
                break;
            }
            match el {
                Element::Literal(lit) => {
                    let strip_left = match i.checked_sub(1).and_then(|p| elements.get(p)) {
                        None => lead,
                        Some(prev) => strips_after(prev),
                    };
                    let strip_right = match elements.get(i + 1) {
                        None => trail,
                        Some(next) => strips_before(next),
                    };
                    let mut s: &str = lit.as_str();
                    if strip_left {
                        s = s.trim_start();
                    }
                    if strip_right {
                        s = s.trim_end();
                    }
                    buf.lit(s);
                }
                Element::Interpolation(interp) => {
                    let v = self.eval(&interp.expr);
                    buf.value(&v, || expr_text(&interp.expr));
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let cond = self.eval(&d.if_expr.cond_expr);
                        let if_trail = match &d.else_expr {
                            Some(e) => e.strip.strip_start(),
                            None => d.endif_expr.strip.strip_start(),
                        };
                        match to_bool(&cond) {
                            Ok(true) => {
                                let els: Vec<&Element> = d.if_expr.template.iter().collect();
                                self.render(&els, d.if_expr.strip.strip_end(), if_trail, buf);
                            }
                            Ok(false) => {
                                if let Some(e) = &d.else_expr {
                                    let els: Vec<&Element> = e.template.iter().collect();
                                    let t = d.endif_expr.strip.strip_start();
                                    self.render(&els, e.strip.strip_end(), t, buf);
                                }
                            }
                            Err(reason) => {
                                let text = format!("%{{if {}}}", expr_text(&d.if_expr.cond_expr));
                                buf.unknown_hole(&reason, text);
                            }
                        }
                    }
                    Directive::For(d) => {
                        let fe = &d.for_expr;
                        let coll = self.eval(&fe.collection_expr);
                        let items = match self.iterate(coll) {
                            Ok(items) => items,
                            Err(reason) => {
                                let text = format!(
                                    "%{{for {} in {}}}",
                                    fe.value_var.value().as_str(),
                                    expr_text(&fe.collection_expr)
                                );
                                buf.unknown_hole(&reason, text);
                                continue;
                            }
                        };
                        let els: Vec<&Element> = fe.template.iter().collect();
                        let (lead_b, trail_b) =
                            (fe.strip.strip_end(), d.endfor_expr.strip.strip_start());
                        let mark = self.scope.len();
                        for (k, v) in items {
                            if buf.too_long() {
                                break;
                            }
                            if !self.charge(1) {
                                buf.unknown_hole(
                                    "expression too expensive to evaluate",
                                    "…".into(),
                                );
                                break;
                            }
                            self.scope.truncate(mark);
                            if let Some(kv) = &fe.key_var {
                                self.scope.push((kv.value().as_str().to_string(), k));
                            }
                            self.scope
                                .push((fe.value_var.value().as_str().to_string(), v));
                            self.render(&els, lead_b, trail_b, buf);
                        }
                        self.scope.truncate(mark);
                    }
                },
            }
        }
        self.depth -= 1;
    }
}

/// Whether the element strips whitespace from the literal just before it.
fn strips_before(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(d) => d.if_expr.strip.strip_start(),
            Directive::For(d) => d.for_expr.strip.strip_start(),
        },
    }
}

/// Whether the element strips whitespace from the literal just after it.
fn strips_after(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(d) => d.endif_expr.strip.strip_end(),
            Directive::For(d) => d.endfor_expr.strip.strip_end(),
        },
    }
}

/// Builds a string from known text and unknown parts.
#[derive(Default)]
pub(crate) struct PieceBuf {
    pieces: Vec<Piece>,
    reason: Option<String>,
    len: usize,
}

impl PieceBuf {
    pub(crate) fn too_long(&self) -> bool {
        self.len > MAX_STRING
    }

    pub(crate) fn lit(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.len = self.len.saturating_add(s.len());
        if self.too_long() {
            return;
        }
        if let Some(Piece::Lit(last)) = self.pieces.last_mut() {
            last.push_str(s);
        } else {
            self.pieces.push(Piece::Lit(s.to_string()));
        }
    }

    fn mark_unknown(&mut self, reason: &str) {
        if self.reason.is_none() {
            self.reason = Some(reason.to_string());
        }
    }

    /// An unknown part named `expr`.
    pub(crate) fn unknown_hole(&mut self, reason: &str, expr: String) {
        self.mark_unknown(reason);
        self.len = self.len.saturating_add(expr.len());
        self.pieces.push(Piece::Hole { expr });
    }

    /// An unknown value: its own pieces, or a hole named by `name()`.
    pub(crate) fn unknown(&mut self, u: &UnknownVal, name: impl FnOnce() -> String) {
        self.mark_unknown(&u.reason);
        if u.pieces.is_empty() {
            self.pieces.push(Piece::Hole { expr: name() });
            return;
        }
        for p in &u.pieces {
            match p {
                Piece::Lit(s) => self.lit(s),
                Piece::Hole { expr } => {
                    self.len = self.len.saturating_add(expr.len());
                    self.pieces.push(Piece::Hole { expr: expr.clone() });
                }
            }
        }
    }

    /// A value interpolated into a string.
    pub(crate) fn value(&mut self, v: &TfValue, name: impl FnOnce() -> String) {
        match v {
            TfValue::Unknown(u) => self.unknown(u, name),
            other => match to_string_value(other) {
                Some(s) => self.lit(&s),
                None => {
                    let reason = match other {
                        TfValue::Null => "cannot interpolate null into a string".to_string(),
                        o => format!("cannot interpolate a {} into a string", o.type_name()),
                    };
                    self.unknown_hole(&reason, name());
                }
            },
        }
    }

    pub(crate) fn finish(self) -> TfValue {
        if self.too_long() {
            return TfValue::unknown(format!("string longer than {MAX_STRING} bytes"));
        }
        match self.reason {
            None => TfValue::String(
                self.pieces
                    .into_iter()
                    .map(|p| match p {
                        Piece::Lit(s) => s,
                        Piece::Hole { .. } => String::new(),
                    })
                    .collect(),
            ),
            Some(reason) => TfValue::partial(reason, self.pieces),
        }
    }
}

/// An unknown standing for the expression `expr`.
pub(crate) fn named_unknown(expr: &Expression, reason: impl Into<String>) -> TfValue {
    TfValue::unknown_ref(expr_text(expr), reason)
}

/// Give an unknown without any shape a hole naming the expression it came from.
fn name_if_anonymous(v: TfValue, expr: &Expression) -> TfValue {
    match v {
        TfValue::Unknown(u) if u.pieces.is_empty() && u.json.is_none() => {
            if u.error {
                TfValue::error_ref(expr_text(expr), u.reason)
            } else {
                named_unknown(expr, u.reason)
            }
        }
        other => other,
    }
}

/// The reason when `v` is or contains an unknown.
pub(crate) fn unknown_reason(v: &TfValue) -> Option<String> {
    match v {
        TfValue::Unknown(u) => Some(u.reason.clone()),
        TfValue::List(l) => l.iter().find_map(unknown_reason),
        TfValue::Object(o) => o.values().find_map(unknown_reason),
        _ => None,
    }
}

/// Structural equality with Terraform's type strictness (a number never equals a string).
pub(crate) fn values_equal(a: &TfValue, b: &TfValue) -> bool {
    a == b
}

/// Terraform's conversion to bool (bools, and the strings "true"/"false").
pub(crate) fn to_bool(v: &TfValue) -> Result<bool, String> {
    match v {
        TfValue::Bool(b) => Ok(*b),
        TfValue::String(s) if s == "true" => Ok(true),
        TfValue::String(s) if s == "false" => Ok(false),
        TfValue::Unknown(u) => Err(u.reason.clone()),
        TfValue::Null => Err("a bool is required, not null".into()),
        other => Err(format!("a bool is required, not a {}", other.type_name())),
    }
}

/// Terraform's conversion to number (numbers, and strings holding a number).
pub(crate) fn to_number(v: &TfValue) -> Result<f64, String> {
    match v {
        TfValue::Number(n) => Ok(*n),
        TfValue::String(s) => match s.parse::<f64>() {
            Ok(n)
                if n.is_finite()
                    && !s.contains(|c: char| c.is_alphabetic() && c != 'e' && c != 'E') =>
            {
                Ok(n)
            }
            _ => Err(format!("\"{s}\" is not a number")),
        },
        TfValue::Unknown(u) => Err(u.reason.clone()),
        TfValue::Null => Err("a number is required, not null".into()),
        other => Err(format!("a number is required, not a {}", other.type_name())),
    }
}

/// Approximate size of a value in work units (nodes plus string length / 64), counting at
/// most to `cap`.
pub(crate) fn value_size(v: &TfValue, cap: u64) -> u64 {
    let mut total: u64 = 0;
    let mut stack: Vec<&TfValue> = vec![v];
    while let Some(v) = stack.pop() {
        total += 1;
        match v {
            TfValue::String(s) => total += (s.len() / 64) as u64,
            TfValue::List(l) => stack.extend(l.iter()),
            TfValue::Object(o) => stack.extend(o.values()),
            _ => {}
        }
        if total >= cap {
            break;
        }
    }
    total
}

/// Canonical expression text.
mod text {
    use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
    use hcl_edit::template::{Directive, Element, Template};

    const MAX_TEXT_DEPTH: usize = 200;

    pub(super) fn write_expr(e: &Expression, out: &mut String, depth: usize) {
        if depth > MAX_TEXT_DEPTH {
            out.push('…');
            return;
        }
        let d = depth + 1;
        match e {
            Expression::Null(_) => out.push_str("null"),
            Expression::Bool(b) => out.push_str(if *b.value() { "true" } else { "false" }),
            Expression::Number(n) => out.push_str(&n.value().to_string()),
            Expression::String(s) => {
                out.push('"');
                write_literal(s.value(), out);
                out.push('"');
            }
            Expression::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_expr(x, out, d);
                }
                out.push(']');
            }
            Expression::Object(o) => {
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    match k {
                        ObjectKey::Ident(id) => out.push_str(id.value().as_str()),
                        ObjectKey::Expression(x) => write_expr(x, out, d),
                    }
                    out.push_str(" = ");
                    write_expr(v.expr(), out, d);
                }
                out.push('}');
            }
            Expression::StringTemplate(t) => {
                out.push('"');
                write_template(t, out, d);
                out.push('"');
            }
            Expression::HeredocTemplate(h) => {
                out.push('"');
                write_template(&h.template, out, d);
                out.push('"');
            }
            Expression::Parenthesis(p) => {
                out.push('(');
                write_expr(p.inner(), out, d);
                out.push(')');
            }
            Expression::Variable(v) => out.push_str(v.value().as_str()),
            Expression::Conditional(c) => {
                write_expr(&c.cond_expr, out, d);
                out.push_str(" ? ");
                write_expr(&c.true_expr, out, d);
                out.push_str(" : ");
                write_expr(&c.false_expr, out, d);
            }
            Expression::FuncCall(f) => {
                for ns in &f.name.namespace {
                    out.push_str(ns.value().as_str());
                    out.push_str("::");
                }
                out.push_str(f.name.name.value().as_str());
                out.push('(');
                for (i, a) in f.args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_expr(a, out, d);
                }
                if f.args.expand_final() {
                    out.push_str("...");
                }
                out.push(')');
            }
            Expression::Traversal(t) => {
                write_expr(&t.expr, out, d);
                for op in &t.operators {
                    match op.value() {
                        TraversalOperator::AttrSplat(_) => out.push_str(".*"),
                        TraversalOperator::FullSplat(_) => out.push_str("[*]"),
                        TraversalOperator::GetAttr(id) => {
                            out.push('.');
                            out.push_str(id.value().as_str());
                        }
                        TraversalOperator::Index(x) => {
                            out.push('[');
                            write_expr(x, out, d);
                            out.push(']');
                        }
                        TraversalOperator::LegacyIndex(n) => {
                            out.push('.');
                            out.push_str(&n.value().to_string());
                        }
                    }
                }
            }
            Expression::UnaryOp(u) => {
                out.push_str(u.operator.value().as_str());
                write_expr(&u.expr, out, d);
            }
            Expression::BinaryOp(b) => {
                write_expr(&b.lhs_expr, out, d);
                out.push(' ');
                out.push_str(b.operator.value().as_str());
                out.push(' ');
                write_expr(&b.rhs_expr, out, d);
            }
            Expression::ForExpr(f) => {
                let object = f.key_expr.is_some();
                out.push_str(if object { "{for " } else { "[for " });
                if let Some(k) = &f.intro.key_var {
                    out.push_str(k.value().as_str());
                    out.push_str(", ");
                }
                out.push_str(f.intro.value_var.value().as_str());
                out.push_str(" in ");
                write_expr(&f.intro.collection_expr, out, d);
                out.push_str(" : ");
                if let Some(k) = &f.key_expr {
                    write_expr(k, out, d);
                    out.push_str(" => ");
                }
                write_expr(&f.value_expr, out, d);
                if f.grouping {
                    out.push_str("...");
                }
                if let Some(c) = &f.cond {
                    out.push_str(" if ");
                    write_expr(&c.expr, out, d);
                }
                out.push(if object { '}' } else { ']' });
            }
        }
    }

    fn write_literal(s: &str, out: &mut String) {
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '$' | '%' if chars.peek() == Some(&'{') => {
                    out.push(c);
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }

    fn strip_open(out: &mut String, open: &str, strip: bool) {
        out.push_str(open);
        if strip {
            out.push('~');
        }
    }

    fn strip_close(out: &mut String, strip: bool) {
        if strip {
            out.push('~');
        }
        out.push('}');
    }

    fn write_template(t: &Template, out: &mut String, depth: usize) {
        if depth > MAX_TEXT_DEPTH {
            out.push('…');
            return;
        }
        let d = depth + 1;
        for el in t.iter() {
            match el {
                Element::Literal(s) => write_literal(s.as_str(), out),
                Element::Interpolation(i) => {
                    strip_open(out, "${", i.strip.strip_start());
                    write_expr(&i.expr, out, d);
                    strip_close(out, i.strip.strip_end());
                }
                Element::Directive(dir) => match dir.as_ref() {
                    Directive::If(x) => {
                        strip_open(out, "%{", x.if_expr.strip.strip_start());
                        out.push_str("if ");
                        write_expr(&x.if_expr.cond_expr, out, d);
                        strip_close(out, x.if_expr.strip.strip_end());
                        write_template(&x.if_expr.template, out, d);
                        if let Some(e) = &x.else_expr {
                            strip_open(out, "%{", e.strip.strip_start());
                            out.push_str("else");
                            strip_close(out, e.strip.strip_end());
                            write_template(&e.template, out, d);
                        }
                        strip_open(out, "%{", x.endif_expr.strip.strip_start());
                        out.push_str("endif");
                        strip_close(out, x.endif_expr.strip.strip_end());
                    }
                    Directive::For(x) => {
                        let f = &x.for_expr;
                        strip_open(out, "%{", f.strip.strip_start());
                        out.push_str("for ");
                        if let Some(k) = &f.key_var {
                            out.push_str(k.value().as_str());
                            out.push_str(", ");
                        }
                        out.push_str(f.value_var.value().as_str());
                        out.push_str(" in ");
                        write_expr(&f.collection_expr, out, d);
                        strip_close(out, f.strip.strip_end());
                        write_template(&f.template, out, d);
                        strip_open(out, "%{", x.endfor_expr.strip.strip_start());
                        out.push_str("endfor");
                        strip_close(out, x.endfor_expr.strip.strip_end());
                    }
                },
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::value::ResourceObj;
    use std::collections::HashMap;
    use std::sync::Arc;

    /// Resolves `var.*` and `local.*` from a map, `aws_iam_role.r` to a resource, and
    /// `aws_s3_bucket.b` to a list of two resources (count); files from a map.
    #[derive(Default)]
    pub(crate) struct TestResolver {
        pub(crate) values: HashMap<String, TfValue>,
        pub(crate) files: HashMap<String, String>,
    }

    fn resource(address: &str, rtype: &str, name: &str) -> TfValue {
        let mut attrs = IndexMap::new();
        attrs.insert("name".to_string(), TfValue::String(name.to_string()));
        TfValue::Resource(Arc::new(ResourceObj {
            address: address.to_string(),
            rtype: rtype.to_string(),
            attrs,
        }))
    }

    impl Resolver for TestResolver {
        fn resolve(&self, root: &str, attrs: &[&str]) -> Option<(TfValue, usize)> {
            let first = attrs.first()?;
            match root {
                "var" | "local" => self
                    .values
                    .get(&format!("{root}.{first}"))
                    .map(|v| (v.clone(), 1)),
                "aws_iam_role" if *first == "r" => {
                    Some((resource("aws_iam_role.r", "aws_iam_role", "role-r"), 1))
                }
                "aws_s3_bucket" if *first == "b" => Some((
                    TfValue::List(vec![
                        resource("aws_s3_bucket.b[0]", "aws_s3_bucket", "b0"),
                        resource("aws_s3_bucket.b[1]", "aws_s3_bucket", "b1"),
                    ]),
                    1,
                )),
                _ => None,
            }
        }

        fn read_file(&self, path: &str) -> Result<String, String> {
            self.files
                .get(path)
                .cloned()
                .ok_or_else(|| "no such file".to_string())
        }
    }

    pub(crate) fn s(v: &str) -> TfValue {
        TfValue::String(v.to_string())
    }

    pub(crate) fn n(v: f64) -> TfValue {
        TfValue::Number(v)
    }

    pub(crate) fn resolver() -> TestResolver {
        let mut r = TestResolver::default();
        r.values.insert("var.name".into(), s("app"));
        r.values.insert("var.n".into(), n(3.0));
        r.values.insert("var.flag".into(), TfValue::Bool(true));
        r.values.insert(
            "var.list".into(),
            TfValue::List(vec![s("a"), s("b"), s("c")]),
        );
        let mut tags = IndexMap::new();
        tags.insert("Env".to_string(), s("prod"));
        tags.insert("App".to_string(), s("x"));
        r.values.insert("var.tags".into(), TfValue::Object(tags));
        r.values.insert(
            "var.unknown".into(),
            TfValue::unknown_ref("var.unknown", "var.unknown has no value"),
        );
        let mut users = IndexMap::new();
        for (k, role) in [("bob", "admin"), ("amy", "dev"), ("cat", "admin")] {
            let mut o = IndexMap::new();
            o.insert("role".to_string(), s(role));
            users.insert(k.to_string(), TfValue::Object(o));
        }
        r.values.insert("var.users".into(), TfValue::Object(users));
        r
    }

    pub(crate) fn ev_with(r: &TestResolver, src: &str) -> TfValue {
        let expr = hcl_edit::parser::parse_expr(src).expect("test expression parses");
        eval(&expr, r)
    }

    pub(crate) fn ev(src: &str) -> TfValue {
        ev_with(&resolver(), src)
    }

    pub(crate) fn pieces(v: &TfValue) -> Vec<Piece> {
        match v {
            TfValue::Unknown(u) => u.pieces.clone(),
            other => panic!("expected unknown, got {other:?}"),
        }
    }

    pub(crate) fn lit(v: &str) -> Piece {
        Piece::Lit(v.to_string())
    }

    pub(crate) fn hole(v: &str) -> Piece {
        Piece::Hole {
            expr: v.to_string(),
        }
    }

    #[test]
    fn literals_and_collections() {
        assert_eq!(ev("null"), TfValue::Null);
        assert_eq!(ev("1.5"), n(1.5));
        assert_eq!(ev("\"x\""), s("x"));
        assert_eq!(
            ev("[1, \"a\", true]"),
            TfValue::List(vec![n(1.0), s("a"), TfValue::Bool(true)])
        );
        let o = ev("{a = 1, \"b\" = 2, (var.name) = 3, \"${var.name}-x\" = 4}");
        let TfValue::Object(o) = o else { panic!() };
        assert_eq!(
            o.keys().cloned().collect::<Vec<_>>(),
            vec!["a", "b", "app", "app-x"]
        );
        assert!(ev("{(var.unknown) = 1}").is_unknown());
    }

    #[test]
    fn references() {
        assert_eq!(ev("var.name"), s("app"));
        assert_eq!(ev("var.list[1]"), s("b"));
        assert_eq!(ev("var.tags.Env"), s("prod"));
        assert_eq!(ev("var.tags[\"App\"]"), s("x"));
        assert_eq!(ev("var.list.0"), s("a"));
        let u = ev("var.missing");
        assert_eq!(pieces(&u), vec![hole("var.missing")]);
        let TfValue::Unknown(u) = u else { panic!() };
        assert_eq!(u.reason, "var.missing is not defined");
        // An unknown with no shape gets named by the traversal.
        assert_eq!(pieces(&ev("var.tags.Nope")), vec![hole("var.tags.Nope")]);
        // Resources.
        assert_eq!(ev("aws_iam_role.r.name"), s("role-r"));
        let arn = ev("aws_iam_role.r.arn");
        assert_eq!(pieces(&arn)[0], lit("arn:aws:iam::"));
    }

    #[test]
    fn count_index_and_splats() {
        assert_eq!(ev("aws_s3_bucket.b[1].name"), s("b1"));
        assert_eq!(
            ev("aws_s3_bucket.b[*].name"),
            TfValue::List(vec![s("b0"), s("b1")])
        );
        assert_eq!(
            ev("aws_s3_bucket.b.*.name"),
            TfValue::List(vec![s("b0"), s("b1")])
        );
        // Attribute splat, then index on the result list.
        assert_eq!(ev("aws_s3_bucket.b.*.name[0]"), s("b0"));
        assert_eq!(
            ev("aws_iam_role.r[*].name"),
            TfValue::List(vec![s("role-r")])
        );
        assert_eq!(ev("null[*]"), TfValue::List(vec![]));
        assert!(ev("var.unknown[*].x").is_unknown());
        let TfValue::List(arns) = ev("aws_s3_bucket.b[*].arn") else {
            panic!()
        };
        assert!(arns.iter().all(TfValue::is_unknown));
    }

    #[test]
    fn templates_known_and_partial() {
        assert_eq!(ev("\"${var.name}-fn-${var.n}\""), s("app-fn-3"));
        let v = ev("\"arn:${var.unknown}:x-${var.name}\"");
        assert_eq!(
            pieces(&v),
            vec![lit("arn:"), hole("var.unknown"), lit(":x-app")]
        );
        // Unknown parts keep their own pieces (ARN shape of a computed attribute).
        let v = ev("\"${aws_iam_role.r.arn}/*\"");
        let p = pieces(&v);
        assert_eq!(p.first(), Some(&lit("arn:aws:iam::")));
        assert_eq!(p.last(), Some(&lit("/*")));
        // A lone interpolation passes the value through.
        assert_eq!(ev("\"${var.list}\""), ev("var.list"));
        assert_eq!(ev("\"${var.n}\""), n(3.0));
        assert_eq!(pieces(&ev("\"${var.unknown}\"")), vec![hole("var.unknown")]);
        // Interpolating a list is an error.
        assert!(ev("\"x${var.list}\"").is_unknown());
    }

    #[test]
    fn template_directives_and_strip() {
        assert_eq!(ev("\"%{if var.flag}yes%{else}no%{endif}\""), s("yes"));
        assert_eq!(ev("\"%{if !var.flag}yes%{else}no%{endif}\""), s("no"));
        assert_eq!(ev("\"%{for x in var.list}${x},%{endfor}\""), s("a,b,c,"));
        assert_eq!(
            ev("\"%{for i, x in var.list}${i}=${x} %{endfor}\""),
            s("0=a 1=b 2=c ")
        );
        assert_eq!(ev("\"a   ${~ var.name ~}   b\""), s("aappb"));
        let heredoc =
            "<<-EOT\n    %{~ for x in var.list ~}\n    ${x}\n    %{~ endfor ~}\n    end\n    EOT";
        assert_eq!(ev(heredoc), s("abcend\n"));
        let heredoc = "<<EOT\nhello ${var.name}\nEOT";
        assert_eq!(ev(heredoc), s("hello app\n"));
        let v = ev("\"x%{if var.unknown}y%{endif}\"");
        assert_eq!(pieces(&v), vec![lit("x"), hole("%{if var.unknown}")]);
    }

    #[test]
    fn operators() {
        assert_eq!(ev("1 + 2 * 3"), n(7.0));
        assert_eq!(ev("\"4\" / 2"), n(2.0));
        assert_eq!(ev("7 % 3"), n(1.0));
        assert_eq!(ev("-var.n"), n(-3.0));
        assert_eq!(ev("var.n > 2 && var.n <= 3"), TfValue::Bool(true));
        assert_eq!(ev("var.list == [\"a\", \"b\", \"c\"]"), TfValue::Bool(true));
        assert_eq!(ev("1 == \"1\""), TfValue::Bool(false));
        assert_eq!(ev("var.name != \"app\""), TfValue::Bool(false));
        assert_eq!(ev("false && var.unknown"), TfValue::Bool(false));
        assert_eq!(ev("var.unknown && false"), TfValue::Bool(false));
        assert_eq!(ev("true || var.unknown"), TfValue::Bool(true));
        assert!(ev("true && var.unknown").is_unknown());
        assert!(ev("var.unknown == 1").is_unknown());
        assert!(ev("1 / 0").is_unknown());
        assert!(ev("\"x\" + 1").is_unknown());
        assert_eq!(
            pieces(&ev("var.unknown + 1")),
            vec![hole("var.unknown + 1")]
        );
    }

    #[test]
    fn conditionals() {
        assert_eq!(ev("var.flag ? \"a\" : \"b\""), s("a"));
        assert_eq!(ev("var.n > 5 ? \"a\" : \"b\""), s("b"));
        // The unchosen branch is not evaluated (an error there does not matter).
        assert_eq!(ev("var.flag ? 1 : var.list[10]"), n(1.0));
        assert_eq!(ev("var.unknown ? \"same\" : \"same\""), s("same"));
        let v = ev("var.unknown ? \"a\" : \"b\"");
        assert_eq!(pieces(&v), vec![hole("var.unknown ? \"a\" : \"b\"")]);
        // A partly known string (an ARN of known shape) is never null; a bare unknown may be.
        assert_eq!(ev("aws_iam_role.r.arn == null"), TfValue::Bool(false));
        assert_eq!(ev("aws_iam_role.r.arn != null ? 1 : 2"), n(1.0));
        assert!(ev("var.unknown == null").is_unknown());
        assert_eq!(ev("[var.unknown] != null"), TfValue::Bool(true));
        assert_eq!(ev("null == null"), TfValue::Bool(true));
    }

    #[test]
    fn for_expressions() {
        assert_eq!(
            ev("[for x in var.list : upper(x)]"),
            TfValue::List(vec![s("A"), s("B"), s("C")])
        );
        assert_eq!(
            ev("[for i, x in var.list : \"${i}${x}\" if x != \"b\"]"),
            TfValue::List(vec![s("0a"), s("2c")])
        );
        let TfValue::Object(o) = ev("{for k, v in var.tags : lower(k) => v}") else {
            panic!()
        };
        // Objects iterate in lexicographic key order.
        assert_eq!(o.keys().cloned().collect::<Vec<_>>(), vec!["app", "env"]);
        assert_eq!(o.get("env"), Some(&s("prod")));
        let TfValue::Object(g) = ev("{for name, u in var.users : u.role => name...}") else {
            panic!()
        };
        assert_eq!(
            g.get("admin"),
            Some(&TfValue::List(vec![s("bob"), s("cat")]))
        );
        assert_eq!(g.get("dev"), Some(&TfValue::List(vec![s("amy")])));
        assert!(ev("{for x in var.list : \"k\" => x}").is_unknown());
        assert!(ev("[for x in var.unknown : x]").is_unknown());
        assert!(ev("[for x in var.list : x if var.unknown]").is_unknown());
        // Iteration variables shadow resolver names and go out of scope afterwards.
        assert_eq!(ev("[for var in [1] : var]"), TfValue::List(vec![n(1.0)]));
        assert!(ev("[[for x in [1] : x], x][1]").is_unknown());
    }

    #[test]
    fn expr_text_is_canonical() {
        let e = hcl_edit::parser::parse_expr("lower(  var.x /* c */ )").unwrap();
        assert_eq!(expr_text(&e), "lower(var.x)");
        let e = hcl_edit::parser::parse_expr("a.b[0].*.c[*] + f(x...)").unwrap();
        assert_eq!(expr_text(&e), "a.b[0].*.c[*] + f(x...)");
        let e = hcl_edit::parser::parse_expr("\"a${b}%{if c}d%{endif}\\\"\"").unwrap();
        assert_eq!(expr_text(&e), "\"a${b}%{if c}d%{endif}\\\"\"");
        let e = hcl_edit::parser::parse_expr("{for k, v in m : k => v... if v}").unwrap();
        assert_eq!(expr_text(&e), "{for k, v in m : k => v... if v}");
    }

    #[test]
    fn string_conversion() {
        assert_eq!(to_string_value(&n(1.0)), Some("1".into()));
        assert_eq!(to_string_value(&n(1.25)), Some("1.25".into()));
        assert_eq!(to_string_value(&TfValue::Bool(false)), Some("false".into()));
        assert_eq!(to_string_value(&TfValue::Null), None);
        assert_eq!(to_string_value(&TfValue::List(vec![])), None);
    }

    #[test]
    fn deep_nesting_does_not_panic() {
        // The parser limits nesting; whatever it accepts must evaluate without trouble.
        for depth in [10, 60, 63, 64, 100, 200] {
            let src = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
            if let Ok(e) = hcl_edit::parser::parse_expr(&src) {
                assert_eq!(eval(&e, &resolver()), n(1.0));
            }
        }
        // Build a tree deeper than the parser allows, directly.
        let mut e = Expression::from(1);
        for _ in 0..300 {
            e = Expression::Parenthesis(Box::new(hcl_edit::expr::Parenthesis::new(e)));
        }
        let v = eval(&e, &resolver());
        let TfValue::Unknown(u) = v else {
            panic!("expected unknown")
        };
        assert!(u.reason.contains("nested too deeply"));
    }

    #[test]
    fn work_is_bounded() {
        let v = ev("[for i in range(100000) : [for j in range(100000) : j]]");
        assert!(v.is_unknown(), "nested huge loops must give up");
        let v = ev("length([for i in range(100000) : i])");
        assert_eq!(v, n(100000.0));
    }
}
