//! The HCL source end to end: files on disk → Inventory.

use lambdasec_model::{Doc, Inventory, Link, Value};
use lambdasec_terraform::scan_hcl;
use std::path::{Path, PathBuf};

/// Writes `files` (relative path, content) into a temporary directory and scans it.
fn scan(files: &[(&str, &str)]) -> (tempfile::TempDir, Inventory) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths: Vec<PathBuf> = Vec::new();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        paths.push(p);
    }
    let inv = scan_hcl(dir.path(), &paths);
    (dir, inv)
}

fn function<'a>(inv: &'a Inventory, id: &str) -> &'a lambdasec_model::Function {
    inv.functions
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| {
            panic!(
                "no function {id}: {:?}",
                inv.functions.iter().map(|f| &f.id).collect::<Vec<_>>()
            )
        })
}

fn doc_str<'a>(d: &'a Doc, path: &[&str]) -> Option<&'a str> {
    let mut cur = d;
    for p in path {
        cur = match (cur, p.parse::<usize>()) {
            (Doc::Array(a), Ok(i)) => a.get(i)?,
            _ => cur.get(p)?,
        };
    }
    cur.as_str()
}

#[test]
fn tfvars_override_defaults_and_locals_compose() {
    let (_d, inv) = scan(&[
        (
            "main.tf",
            r#"
variable "env" { default = "dev" }
variable "runtime" { default = "python3.12" }
locals { name = "orders-${var.env}" }
resource "aws_lambda_function" "f" {
  function_name = local.name
  runtime       = var.runtime
  handler       = "app.handler"
  role          = "arn:aws:iam::111122223333:role/x"
}
"#,
        ),
        ("terraform.tfvars", "env = \"prod\"\n"),
        ("prod.auto.tfvars.json", "{\"runtime\": \"python3.13\"}"),
        ("other.tfvars", "env = \"ignored\"\n"),
    ]);
    let f = function(&inv, "aws_lambda_function.f");
    assert_eq!(f.name.as_str(), Some("orders-prod"));
    assert_eq!(f.runtime.as_ref().unwrap().as_str(), Some("python3.13"));
    assert_eq!(f.account.as_deref(), Some("111122223333"));
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
}

#[test]
fn unresolved_variables_stay_unknown_with_their_parts() {
    let (_d, inv) = scan(&[(
        "main.tf",
        r#"
variable "name" {}
resource "aws_lambda_function" "f" {
  function_name = "svc-${var.name}"
  role          = "r"
}
resource "aws_cloudwatch_log_group" "g" {
  name = "/aws/lambda/svc-${var.name}"
}
"#,
    )]);
    let f = function(&inv, "aws_lambda_function.f");
    assert!(!f.name.is_known());
    assert_eq!(f.name.display(), "svc-${var.name}");
    // The log group built from the same unknown is the function's.
    assert_eq!(f.log_group, Some(0));
}

#[test]
fn count_and_for_each_make_instances() {
    let (_d, inv) = scan(&[(
        "main.tf",
        r#"
resource "aws_lambda_function" "c" {
  count         = 2
  function_name = "c-${count.index}"
  role          = "r"
}
resource "aws_lambda_function" "e" {
  for_each      = { a = "python3.12", b = "python3.8" }
  function_name = "e-${each.key}"
  runtime       = each.value
  role          = "r"
}
resource "aws_lambda_function" "none" {
  count         = 0
  function_name = "none"
  role          = "r"
}
"#,
    )]);
    let ids: Vec<&str> = inv.functions.iter().map(|f| f.id.as_str()).collect();
    for id in [
        "aws_lambda_function.c[0]",
        "aws_lambda_function.c[1]",
        "aws_lambda_function.e[\"a\"]",
        "aws_lambda_function.e[\"b\"]",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert_eq!(inv.functions.len(), 4);
    let b = function(&inv, "aws_lambda_function.e[\"b\"]");
    assert_eq!(b.runtime.as_ref().unwrap().as_str(), Some("python3.8"));
}

#[test]
fn modules_use_the_callers_inputs_and_are_not_scanned_alone() {
    let (_d, inv) = scan(&[
        (
            "main.tf",
            r#"
resource "aws_iam_role" "r" {
  name               = "shared"
  assume_role_policy = "{}"
}
module "a" {
  source  = "./modules/fn"
  name    = "alpha"
  role    = aws_iam_role.r.arn
}
module "b" {
  source  = "./modules/fn"
  name    = "beta"
  role    = aws_iam_role.r.arn
  runtime = "python3.8"
}
module "remote" {
  source = "terraform-aws-modules/lambda/aws"
  name   = "gamma"
}
"#,
        ),
        (
            "modules/fn/main.tf",
            r#"
variable "name" {}
variable "role" {}
variable "runtime" { default = "python3.13" }
resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = var.role
  runtime       = var.runtime
}
output "name" { value = aws_lambda_function.this.function_name }
"#,
        ),
    ]);
    // Two instances, none evaluated with the module's own (missing) defaults.
    assert_eq!(
        inv.functions.len(),
        2,
        "{:?}",
        inv.functions.iter().map(|f| &f.id).collect::<Vec<_>>()
    );
    let a = function(&inv, "module.a.aws_lambda_function.this");
    let b = function(&inv, "module.b.aws_lambda_function.this");
    assert_eq!(a.name.as_str(), Some("alpha"));
    assert_eq!(b.runtime.as_ref().unwrap().as_str(), Some("python3.8"));
    assert_eq!(a.runtime.as_ref().unwrap().as_str(), Some("python3.13"));
    assert_eq!(a.loc.file.as_deref(), Some("modules/fn/main.tf"));
    // Both link to the caller's role.
    assert_eq!(a.role, Some(Link::Resolved(0)));
    assert_eq!(b.role, Some(Link::Resolved(0)));
}

#[test]
fn policy_documents_are_rendered_with_source_and_override() {
    let (_d, inv) = scan(&[(
        "main.tf",
        r#"
resource "aws_dynamodb_table" "t" { name = "orders" }
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }
  statement {
    sid       = "Old"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "override" {
  statement {
    sid       = "Old"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::bucket/*"]
  }
}
data "aws_iam_policy_document" "main" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.override.json]
  statement {
    sid       = "Table"
    actions   = ["dynamodb:GetItem"]
    resources = [aws_dynamodb_table.t.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["111122223333"]
    }
  }
}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.name
  policy = data.aws_iam_policy_document.main.json
}
"#,
    )]);
    let role = &inv.roles[0];
    assert!(role.trust_policy.is_some());
    assert_eq!(role.inline_policies.len(), 1);
    let Value::Known { value: doc, .. } = &role.inline_policies[0].document else {
        panic!(
            "policy should be known in structure: {:?}",
            role.inline_policies[0].document
        )
    };
    assert_eq!(doc_str(doc, &["Version"]), Some("2012-10-17"));
    let Doc::Array(st) = doc.get("Statement").unwrap() else {
        panic!()
    };
    let sids: Vec<&str> = st.iter().filter_map(|s| doc_str(s, &["Sid"])).collect();
    assert_eq!(sids, vec!["Logs", "Old", "Table"]);
    assert_eq!(
        doc_str(&st[1], &["Resource", "0"]),
        Some("arn:aws:s3:::bucket/*")
    );
    // The table ARN is unknown in place; the rest of the statement is intact.
    assert!(
        matches!(st[2].get("Resource"), Some(Doc::Array(r)) if matches!(r[0], Doc::Unknown(_)))
    );
    assert_eq!(
        doc_str(&st[2], &["Principal", "AWS", "0"]),
        Some("arn:aws:iam::111122223333:root")
    );
    assert_eq!(
        doc_str(
            &st[2],
            &["Condition", "StringEquals", "aws:SourceAccount", "0"]
        ),
        Some("111122223333")
    );
}

#[test]
fn file_and_templatefile_policies_next_to_the_code() {
    let (_d, inv) = scan(&[
        (
            "main.tf",
            r#"
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = file("${path.module}/trust.json")
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = templatefile("${path.module}/policy.json.tpl", { bucket = "uploads" })
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_role_policy_attachment" "outside" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
"#,
        ),
        (
            "trust.json",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        ),
        (
            "policy.json.tpl",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${bucket}/*"}]}"#,
        ),
    ]);
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let role = &inv.roles[0];
    let trust = role.trust_policy.as_ref().unwrap();
    assert!(trust.document.is_known());
    let p = &inv.policies[0];
    let Value::Known { value, .. } = &p.document.document else {
        panic!()
    };
    assert_eq!(
        doc_str(value, &["Statement", "0", "Resource"]),
        Some("arn:aws:s3:::uploads/*")
    );
    assert_eq!(role.managed_policies[0], Link::Resolved(0));
    assert!(
        matches!(&role.managed_policies[1], Link::External(v) if v.as_str() == Some("arn:aws:iam::aws:policy/ReadOnlyAccess"))
    );
}

#[test]
fn files_outside_the_scanned_directory_are_not_read() {
    let (_d, inv) = scan(&[(
        "main.tf",
        r#"
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = file("/etc/hostname")
}
"#,
    )]);
    let trust = inv.roles[0].trust_policy.as_ref().unwrap();
    let u = trust.document.unknown_info().expect("unknown");
    assert!(u.reason.contains("outside"), "{}", u.reason);
}

#[test]
fn security_groups_collect_every_egress_form() {
    let (_d, inv) = scan(&[(
        "main.tf",
        r#"
variable "ports" { default = [443, 5432] }
variable "unknown_rules" {}
resource "aws_security_group" "sg" {
  name = "fn"
  dynamic "egress" {
    for_each = var.ports
    content {
      from_port   = egress.value
      to_port     = egress.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/16"]
    }
  }
}
resource "aws_security_group_rule" "out" {
  type              = "egress"
  security_group_id = aws_security_group.sg.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_security_group_rule" "in" {
  type              = "ingress"
  security_group_id = aws_security_group.sg.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_vpc_security_group_egress_rule" "v6" {
  security_group_id = aws_security_group.sg.id
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}
resource "aws_security_group" "dyn" {
  name = "dyn"
  dynamic "egress" {
    for_each = var.unknown_rules
    content {
      protocol = "-1"
    }
  }
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "r"
  vpc_config {
    subnet_ids         = ["subnet-1", "subnet-2"]
    security_group_ids = [aws_security_group.sg.id, "sg-external"]
  }
}
"#,
    )]);
    let sg = &inv.security_groups[0];
    assert_eq!(sg.egress.len(), 4, "{:#?}", sg.egress);
    assert_eq!(sg.egress[0].from_port.as_ref().unwrap().get(), Some(&443));
    assert_eq!(sg.egress[1].from_port.as_ref().unwrap().get(), Some(&5432));
    assert!(inv.security_groups[1].egress_incomplete.is_some());
    let vpc = inv.functions[0].vpc.as_ref().unwrap();
    assert_eq!(vpc.security_groups[0], Link::Resolved(0));
    assert!(
        matches!(&vpc.security_groups[1], Link::Unknown(v) if v.as_str() == Some("sg-external"))
            || matches!(&vpc.security_groups[1], Link::External(_))
    );
}

#[test]
fn permissions_link_by_reference_name_or_arn_and_never_invent_functions() {
    let (_d, inv) = scan(&[(
        "main.tf",
        r#"
resource "aws_lambda_function" "f" {
  function_name = "orders"
  role          = "r"
}
resource "aws_lambda_alias" "live" {
  name          = "live"
  function_name = aws_lambda_function.f.arn
}
resource "aws_lambda_permission" "by_ref" {
  function_name = aws_lambda_function.f.function_name
  principal     = "s3.amazonaws.com"
  action        = "lambda:InvokeFunction"
  source_arn    = "arn:aws:s3:::b"
}
resource "aws_lambda_permission" "by_arn" {
  function_name = "arn:aws:lambda:eu-west-1:111122223333:function:orders:live"
  principal     = "events.amazonaws.com"
  action        = "lambda:InvokeFunction"
}
resource "aws_lambda_permission" "by_alias" {
  function_name = aws_lambda_alias.live.arn
  principal     = "sns.amazonaws.com"
  action        = "lambda:InvokeFunction"
}
resource "aws_lambda_permission" "elsewhere" {
  function_name = "someone-elses"
  principal     = "*"
  action        = "lambda:InvokeFunction"
}
"#,
    )]);
    assert_eq!(
        inv.functions.len(),
        1,
        "a permission never invents a function"
    );
    let by_id = |id: &str| inv.permissions.iter().find(|p| p.id == id).unwrap();
    assert_eq!(by_id("aws_lambda_permission.by_ref").function, Some(0));
    assert_eq!(by_id("aws_lambda_permission.by_arn").function, Some(0));
    assert_eq!(by_id("aws_lambda_permission.by_alias").function, Some(0));
    assert_eq!(by_id("aws_lambda_permission.elsewhere").function, None);
    let c = &by_id("aws_lambda_permission.by_ref").conditions[0];
    assert_eq!(
        (c.operator.as_str(), c.key.as_str()),
        ("ArnLike", "AWS:SourceArn")
    );
}

#[test]
fn roots_in_subdirectories_get_prefixed_ids() {
    let (_d, inv) = scan(&[
        ("svc-a/main.tf", "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"a\"\n  role = \"r\"\n}\n"),
        ("svc-b/main.tf", "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"b\"\n  role = \"r\"\n}\n"),
    ]);
    let mut ids: Vec<&str> = inv.functions.iter().map(|f| f.id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        vec!["svc-a/aws_lambda_function.f", "svc-b/aws_lambda_function.f"]
    );
}

#[test]
fn a_missing_directory_entry_does_not_panic() {
    let inv = scan_hcl(
        Path::new("/nonexistent"),
        &[PathBuf::from("/nonexistent/main.tf")],
    );
    assert_eq!(inv.errors.len(), 1);
}

/// Truncations and corruptions of real files never panic or hang.
#[test]
fn mangled_inputs_never_panic() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/terraform");
    let mut sources = Vec::new();
    for sub in ["insecure", "secure"] {
        for e in std::fs::read_dir(examples.join(sub)).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "tf") {
                sources.push(std::fs::read(e.path()).unwrap());
            }
        }
    }
    assert!(!sources.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.tf");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut cases = 0;
    for src in &sources {
        let step = (src.len() / 25).max(1);
        for cut in (0..src.len()).step_by(step) {
            std::fs::write(&path, &src[..cut]).unwrap();
            let _ = scan_hcl(dir.path(), std::slice::from_ref(&path));
            cases += 1;
        }
        for _ in 0..25 {
            let mut m = src.clone();
            for _ in 0..4 {
                let i = (next() as usize) % m.len();
                m[i] = b"{}[]()\"$%~=.*\n\\\xff"[(next() as usize) % 16];
            }
            std::fs::write(&path, &m).unwrap();
            let _ = scan_hcl(dir.path(), std::slice::from_ref(&path));
            cases += 1;
        }
    }
    assert!(cases > 100);
}

/// A long chain of locals is cut with an error instead of exhausting the stack, on a thread
/// with the 2 MiB stack rayon's workers get by default.
#[test]
fn long_reference_chains_are_cut() {
    let mut text = String::from("locals {\n");
    for i in 0..5000 {
        text.push_str(&format!("  l{i} = local.l{}\n", i + 1));
    }
    text.push_str("  l5000 = \"end\"\n}\n");
    text.push_str(
        "resource \"aws_lambda_function\" \"f\" {\n  function_name = local.l0\n  role = \"r\"\n}\n",
    );
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || scan(&[("main.tf", &text)]).1)
        .unwrap();
    let inv = handle.join().expect("no stack overflow");
    assert!(!inv.functions[0].name.is_known());
    assert!(
        inv.errors.iter().any(|e| e.message.contains("deeper than")),
        "{:?}",
        inv.errors
    );
}

/// Policies remember where each statement is written, for findings that point at the
/// statement that grants.
#[test]
fn policy_statements_have_their_own_locations() {
    let (_d, inv) = scan(&[
        (
            "main.tf",
            r#"
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Base"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "doc" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}
resource "aws_iam_role_policy" "doc" {
  role   = aws_iam_role.r.name
  policy = data.aws_iam_policy_document.doc.json
}
resource "aws_iam_role_policy" "file" {
  role   = aws_iam_role.r.name
  policy = file("${path.module}/p.json")
}
"#,
        ),
        (
            "p.json",
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n    {\n      \"Sid\": \"Two\", \"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"\n    }\n  ]\n}\n",
        ),
    ]);
    let role = &inv.roles[0];
    let lines = |locs: &[lambdasec_model::Location]| -> Vec<(String, u32)> {
        locs.iter()
            .map(|l| (l.file.as_deref().unwrap_or("").to_string(), l.line))
            .collect()
    };
    let trust = role.trust_policy.as_ref().unwrap();
    assert_eq!(
        lines(&trust.statement_locs),
        vec![("main.tf".into(), 22), ("main.tf".into(), 23)]
    );
    let doc = &role.inline_policies[0];
    assert_eq!(
        lines(&doc.statement_locs),
        vec![("main.tf".into(), 3), ("main.tf".into(), 11)]
    );
    let file = &role.inline_policies[1];
    assert_eq!(
        lines(&file.statement_locs),
        vec![("p.json".into(), 4), ("p.json".into(), 5)]
    );
}

#[test]
fn json_statement_offsets_skip_strings_and_nesting() {
    use lambdasec_terraform::module::json_statement_offsets;
    let t = r#"{"Id": "Statement", "Statement": [{"Sid": "{[x]}", "Condition": {"A": {"B": "}"}}}, {"Sid": "b"}]}"#;
    let offs = json_statement_offsets(t);
    assert_eq!(offs.len(), 2);
    assert_eq!(&t[offs[1]..offs[1] + 5], "{\"Sid");
    assert_eq!(
        json_statement_offsets(r#"{"Statement": {"Effect": "Allow"}}"#),
        vec![14]
    );
    assert!(json_statement_offsets("not json at all \"").is_empty());
}

/// Invalid policy documents are input errors naming the bad element; valid statements of the
/// same policy are still analysed.
#[test]
fn invalid_policies_are_errors_with_the_element_path() {
    let (_d, inv) = scan(&[(
        "main.tf",
        r#"
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" },
      { Effect = "allow", Action = "s3:GetObject", Resource = "*" },
    ]
  })
}
"#,
    )]);
    let e = inv
        .errors
        .iter()
        .find(|e| e.message.contains("Statement[1].Effect"))
        .unwrap_or_else(|| panic!("{:?}", inv.errors));
    assert_eq!(e.file, "main.tf");
    assert_eq!(e.line, Some(8), "points at the bad statement");
}
