//! Throughput benchmark: ~100 MB of generated code-like text with a few secrets, scanned by
//! `scan_text` and `scan_reader` on one core. Run with
//! `cargo bench -p lambdasec-secrets --bench throughput`.

use std::time::Instant;

const LINES: &[&str] = &[
    "import os",
    "import json",
    "import boto3",
    "from typing import Any, Dict, Optional",
    "",
    "logger = logging.getLogger(__name__)",
    "TABLE_NAME = os.environ[\"TABLE_NAME\"]",
    "SECRET_ARN = os.environ.get(\"SECRET_ARN\")",
    "dynamodb = boto3.resource(\"dynamodb\")",
    "def lambda_handler(event: Dict[str, Any], context: Any) -> Dict[str, Any]:",
    "    \"\"\"Handle an API Gateway request and return the stored item.\"\"\"",
    "    token = event[\"headers\"].get(\"Authorization\", \"\")",
    "    if not token.startswith(\"Bearer \"):",
    "        return {\"statusCode\": 401, \"body\": json.dumps({\"error\": \"unauthorized\"})}",
    "    item_id = event[\"pathParameters\"][\"id\"]",
    "    response = table.get_item(Key={\"id\": item_id})",
    "    # See https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html for details",
    "    password_hash = hashlib.sha256(password.encode()).hexdigest()",
    "    secret = secrets_client.get_secret_value(SecretId=SECRET_ARN)[\"SecretString\"]",
    "    for record in event.get(\"Records\", []):",
    "        body = json.loads(record[\"body\"])",
    "        logger.info(\"processing message %s\", record[\"messageId\"])",
    "const express = require('express');",
    "const { DynamoDBClient, GetItemCommand } = require('@aws-sdk/client-dynamodb');",
    "export const handler = async (event, context) => {",
    "  const authHeader = event.headers?.authorization ?? '';",
    "  const url = `https://api.example.com/v1/users/${userId}?include=profile`;",
    "  const result = await client.send(new GetItemCommand({ TableName: process.env.TABLE }));",
    "  return { statusCode: 200, body: JSON.stringify(result.Item) };",
    "};",
    "    \"integrity\": \"sha512-Vx6eOPzP5F1yZ8kQ2qO9mVq0Z0lQvW8eYQ2w1n3kP0N7c0z1m8aXfL5zP9xF2yW3jQ==\",",
    "    \"resolved\": \"https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz\",",
    "    \"version\": \"4.17.21\",",
    "func (s *Server) Authenticate(ctx context.Context, req *pb.AuthRequest) (*pb.AuthResponse, error) {",
    "\tif err != nil {\n\t\treturn nil, fmt.Errorf(\"authenticate: %w\", err)\n\t}",
    "public class OrderHandler implements RequestHandler<SQSEvent, Void> {",
    "    private static final String QUEUE_URL = System.getenv(\"QUEUE_URL\");",
    "# Copyright 2024 Example Corp. Licensed under the Apache License, Version 2.0",
    "    assert response[\"statusCode\"] == 200, f\"unexpected status {response['statusCode']}\"",
    "    AccessControl: BucketOwnerFullControl  # ACCESS is not ACCA",
];

fn corpus(target: usize) -> String {
    let mut s = String::with_capacity(target + 4096);
    let mut i: usize = 0;
    let secrets = [
        format!("AWS_ACCESS_KEY_ID={}{}", "AKIA", "Z7Q4WXJ3M2KPLR5T"),
        format!(
            "const gh = \"{}{}\";",
            "ghp_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
        ),
        format!("DB_PASSWORD={}", "hunter2"),
        format!(
            "DATABASE_URL = \"{}://app:{}@db.internal:5432/app\"",
            "postgres", "s3cr3tPa55"
        ),
    ];
    let mut next_secret = 0usize;
    while s.len() < target {
        let line = LINES[(i.wrapping_mul(7919) ^ (i >> 3)) % LINES.len()];
        s.push_str(line);
        if i % 13 == 5 {
            s.push_str(&format!("  # line {i}"));
        }
        s.push('\n');
        if s.len() / (10 << 20) > next_secret {
            s.push_str(&secrets[next_secret % secrets.len()]);
            s.push('\n');
            next_secret += 1;
        }
        i += 1;
    }
    s
}

fn main() {
    let text = corpus(100 << 20);
    let mb = text.len() as f64 / (1024.0 * 1024.0);
    // Warm up the automata.
    let _ = lambdasec_secrets::scan_text("warm up");

    let mut best_text = f64::MAX;
    let mut found_text = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let d = lambdasec_secrets::scan_text(&text);
        best_text = best_text.min(t.elapsed().as_secs_f64());
        found_text = d.len();
    }
    let mut best_reader = f64::MAX;
    let mut found_reader = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let d = lambdasec_secrets::scan_reader(std::io::Cursor::new(text.as_bytes())).unwrap();
        best_reader = best_reader.min(t.elapsed().as_secs_f64());
        found_reader = d.len();
    }
    println!(
        "corpus: {mb:.1} MiB; scan_text: {:.0} MB/s ({found_text} detections); scan_reader: {:.0} MB/s ({found_reader} detections)",
        mb / best_text,
        mb / best_reader
    );
}
