mod common;
use common::*;
use lambdasec_model::{CodeLanguage, FetchCaching::*, FetchService, LeakKind::*};

const NODE: Option<&str> = Some("nodejs22.x");

#[test]
fn typescript_handler_with_types_and_powertools() {
    let src = r#"import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { Logger, injectLambdaContext } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import middy from '@middy/core';

interface Creds { username: string; password: string }

const logger = new Logger({ serviceName: 'orders' });

const lambdaHandler = async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
  const creds = (await getSecret(process.env.DB_SECRET_NAME as string, { transform: 'json' })) as Creds;
  const apiKey = await getParameter('/orders/api-key', { decrypt: true, maxAge: 0 });
  logger.info('db user', { user: creds!.username, pass: creds.password });
  logger.debug(`key ${apiKey}`);
  const auth: string | undefined = event.headers['authorization'];
  logger.info('ok', { requestId: event.requestContext.requestId });
  return { statusCode: 200, body: JSON.stringify({ ok: true }) };
};

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { logEvent: true }));
"#;
    let a = one(&[("src/app.ts", src)], "src/app.handler", NODE);
    assert_eq!(a.language, CodeLanguage::TypeScript);
    assert_eq!(a.handler.line, 11);
    assert_eq!(
        leaks(&a),
        vec![(14, Secret), (15, Secret), (21, WholeEvent)],
        "{}",
        dump(&a)
    );
    let got: Vec<_> = a
        .fetches
        .iter()
        .map(|f| {
            (
                f.loc.line,
                f.caching,
                f.name.clone(),
                f.name_env.clone(),
                f.service,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                12,
                Refreshed,
                None,
                Some("DB_SECRET_NAME".into()),
                FetchService::SecretsManager
            ),
            (
                13,
                PerInvocation,
                Some("/orders/api-key".into()),
                None,
                FetchService::ParameterStore
            ),
        ],
        "{}",
        dump(&a)
    );
}

#[test]
fn class_handler_with_decorator() {
    let src = r#"import { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaInterface } from '@aws-lambda-powertools/commons/types';
const logger = new Logger();

class Lambda implements LambdaInterface {
  private secretArn: string = process.env.SECRET_ARN!;

  @logger.injectLambdaContext({ logEvent: true })
  public async handler(event: unknown, _context: unknown): Promise<void> {
    this.process(event);
  }

  private process(evt: unknown): void {
    console.log(JSON.stringify(evt));
  }
}

const handlerClass = new Lambda();
export const handler = handlerClass.handler.bind(handlerClass);
"#;
    let a = one(&[("index.ts", src)], "index.handler", NODE);
    assert_eq!(a.handler.line, 9, "{}", dump(&a));
    assert_eq!(
        leaks(&a),
        vec![(8, WholeEvent), (14, WholeEvent)],
        "{}",
        dump(&a)
    );
}

#[test]
fn esm_ts_imports_with_js_extension_and_verification() {
    let index = r#"import { verifySignature } from './lib/verify.js';
import { handleEvent } from './lib/events';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export async function handler(event: APIGatewayProxyEventV2) {
  if (!verifySignature(event.body ?? '', event.headers['x-signature'] ?? '')) {
    return { statusCode: 401 };
  }
  return handleEvent(event);
}
"#;
    let verify = r#"import { createHmac, timingSafeEqual } from 'node:crypto';
export function verifySignature(body: string, sig: string): boolean {
  const mac = createHmac('sha256', process.env.WEBHOOK_SECRET!).update(body).digest();
  const given = Buffer.from(sig, 'hex');
  return given.length === mac.length && timingSafeEqual(mac, given);
}
"#;
    let events = r#"export const handleEvent = async ({ headers, body }: { headers: Record<string, string>; body?: string }) => {
  console.log('headers', headers);
  console.log('cookie', headers.cookie);
  return { statusCode: 200, body };
};
"#;
    let a = one(
        &[
            ("index.ts", index),
            ("lib/verify.ts", verify),
            ("lib/events.ts", events),
        ],
        "index.handler",
        NODE,
    );
    let v = a.verification.as_ref().expect("verification");
    assert_eq!(
        (v.loc.file.as_deref(), v.loc.line, v.how.as_str()),
        (Some("lib/verify.ts"), 5, "crypto.timingSafeEqual")
    );
    assert_eq!(
        leaks(&a),
        vec![(2, WholeEvent), (3, AuthorizationHeader)],
        "{}",
        dump(&a)
    );
    assert_eq!(a.files, vec!["index.ts", "lib/verify.ts", "lib/events.ts"]);
}

#[test]
fn tsx_and_sdk_v3_module_level_fetch() {
    let src = r#"import { SSMClient, GetParametersCommand } from '@aws-sdk/client-ssm';
const ssm = new SSMClient({});
const params = await ssm.send(new GetParametersCommand({ Names: ['/a/one', '/a/two'] }));
const el = <div>{params.Parameters?.length}</div>;
export const handler = async (event: any) => {
  console.log(params.Parameters);
  return { statusCode: 200 };
};
"#;
    let a = one(&[("app.tsx", src)], "app.handler", NODE);
    assert_eq!(fetches(&a), vec![(3, Forever)], "{}", dump(&a));
    assert_eq!(a.fetches[0].name.as_deref(), Some("/a/one"));
    assert_eq!(a.fetches[0].api, "GetParametersCommand");
    assert_eq!(leaks(&a), vec![(6, Secret)]);
}
