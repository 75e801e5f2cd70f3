//! `SecretCache` and `ParameterCache` against `moto_server` (started on 127.0.0.1 by the test,
//! killed when it ends; `scripts/test` creates `.venv` with moto, or set
//! `LAMBDASEC_MOTO_SERVER`). Rotation is simulated with `PutSecretValue` (AWSCURRENT moves
//! to the new version; moto's RotateSecret leaves AWSCURRENT without a value).

use aws_config::{BehaviorVersion, Region};
use lambdasec_runtime::cache::{
    CacheConfig, CacheError, ParameterCache, ParameterStore, SecretCache, SecretsManager,
    SourceError,
};
use secrecy::ExposeSecret;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Moto(Child, String);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn moto() -> Moto {
    let server = std::env::var_os("LAMBDASEC_MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/moto_server")
        });
    assert!(
        server.exists(),
        "{} not found: run scripts/test",
        server.display()
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let m = Moto(child, format!("http://127.0.0.1:{port}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET /moto-api/ HTTP/1.0\r\n\r\n");
            let mut b = [0u8; 8];
            if s.read_exact(&mut b).is_ok() {
                break;
            }
        }
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    m
}

async fn config(url: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(url)
        .region(Region::new("eu-west-1"))
        .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new(
            "testing", "testing", None, None, "moto",
        ))
        .load()
        .await
}

fn short_ttl() -> CacheConfig {
    CacheConfig {
        ttl: Duration::from_millis(200),
        ..CacheConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_manager_and_parameter_store_with_rotation() {
    let m = moto();
    let cfg = config(&m.1).await;
    let sm = aws_sdk_secretsmanager::Client::new(&cfg);
    sm.create_secret()
        .name("orders/db")
        .secret_string(r#"{"user":"app","password":"first-pa55word"}"#)
        .send()
        .await
        .unwrap();
    let secrets = SecretCache::with_config(SecretsManager::new(sm.clone()), short_ttl());
    secrets.prefetch(&["orders/db"]).await.unwrap();
    assert!(secrets
        .get("orders/db")
        .await
        .unwrap()
        .expose_secret()
        .contains("first-pa55word"));
    // Rotation.
    sm.put_secret_value()
        .secret_id("orders/db")
        .secret_string(r#"{"user":"app","password":"second-pa55word"}"#)
        .send()
        .await
        .unwrap();
    assert!(secrets
        .get("orders/db")
        .await
        .unwrap()
        .expose_secret()
        .contains("first-pa55word"));
    tokio::time::sleep(Duration::from_millis(250)).await;
    #[derive(serde::Deserialize)]
    struct Db {
        password: String,
    }
    let db: Db = secrets.get_json("orders/db").await.unwrap();
    assert_eq!(db.password, "second-pa55word");
    match secrets.get("orders/missing").await {
        Err(CacheError::Source {
            error: SourceError::NotFound(_),
            ..
        }) => {}
        other => panic!("{:?}", other.map(|_| "value")),
    }

    let ssm = aws_sdk_ssm::Client::new(&cfg);
    ssm.put_parameter()
        .name("/orders/api-key")
        .value("api-key-version-one")
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .send()
        .await
        .unwrap();
    let params = ParameterCache::with_config(ParameterStore::new(ssm.clone()), short_ttl());
    assert_eq!(
        params.get("/orders/api-key").await.unwrap().expose_secret(),
        "api-key-version-one"
    );
    ssm.put_parameter()
        .name("/orders/api-key")
        .value("api-key-version-two")
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .overwrite(true)
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(
        params.get("/orders/api-key").await.unwrap().expose_secret(),
        "api-key-version-two"
    );
}
