//! The API as it runs in AWS, on this machine: every function's real binary as a process of its
//! own (its own pools and caches, like a Lambda container), each behind its own Lambda Runtime
//! API, with an API-Gateway-shaped front routing by the SAM template.
//!
//! The binaries must be built first (`cargo build --workspace --bins`, which `scripts/test.sh`
//! runs): a test cannot build them itself while `cargo test` holds the build directory.

mod gateway;
mod runtime_api;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::Value;

pub use gateway::{Gateway, Routes};
pub use runtime_api::{Outcome, RuntimeApi};

use crate::app::FUNCTIONS;
use crate::TestResponse;

/// Where the function binaries are: `MV_FUNCTION_BIN_DIR`, or the profile directory this test
/// binary was built into (`target/debug`).
pub fn binary_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MV_FUNCTION_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let mut dir = exe.parent().expect("binary dir").to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir
}

/// One function process and the Runtime API it polls.
struct Container {
    runtime: Arc<RuntimeApi>,
    process: Child,
    log: PathBuf,
}

/// The running API: `url` is the gateway's address.
pub struct DeployedApi {
    pub url: String,
    containers: HashMap<String, Container>,
    gateway: tokio::task::JoinHandle<()>,
    client: reqwest::Client,
}

impl DeployedApi {
    /// Starts every function with `env` as its whole environment (plus what Lambda sets), with
    /// `work_dir` as its working directory (no stray `.env` is read) and log folder.
    pub async fn start(env: &[(String, String)], work_dir: &Path) -> Self {
        let bin_dir = binary_dir();
        let mut containers = HashMap::new();
        for function in FUNCTIONS {
            let binary = bin_dir.join(function);
            assert!(
                binary.is_file(),
                "{} is missing: build the functions first with `cargo build --workspace --bins` \
                 (scripts/test.sh does)",
                binary.display()
            );
            let runtime = Arc::new(RuntimeApi::start(function).await.expect("runtime API"));
            let log = work_dir.join(format!("{function}.log"));
            let output = std::fs::File::create(&log).expect("log file");
            let process = Command::new(&binary)
                .env_clear()
                .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("AWS_LAMBDA_RUNTIME_API", runtime.address.to_string())
                .env("AWS_LAMBDA_FUNCTION_NAME", function)
                .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
                .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
                .env("RUST_LOG", "warn")
                .current_dir(work_dir)
                .stdin(Stdio::null())
                .stdout(output.try_clone().expect("log file"))
                .stderr(output)
                .spawn()
                .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
            containers.insert(
                function.to_string(),
                Container {
                    runtime,
                    process,
                    log,
                },
            );
        }
        let functions = containers
            .iter()
            .map(|(name, container)| (name.clone(), Arc::clone(&container.runtime)))
            .collect();
        let routes = Routes::new(crate::template::template_routes());
        let (address, gateway) = Gateway::new(routes, functions)
            .serve()
            .await
            .expect("gateway");
        Self {
            url: format!("http://{address}"),
            containers,
            gateway,
            client: reqwest::Client::new(),
        }
    }

    /// Invokes a function directly with an event, as a schedule or `cargo lambda invoke` does.
    pub async fn invoke(&self, function: &str, event: &Value) -> Outcome {
        self.containers[function]
            .runtime
            .invoke(Bytes::from(event.to_string()))
            .await
            .unwrap_or_else(|| panic!("{function} gave no answer: {}", self.log_of(function)))
    }

    /// What a function process has logged so far.
    pub fn log_of(&self, function: &str) -> String {
        std::fs::read_to_string(&self.containers[function].log).unwrap_or_default()
    }

    /// A request through the gateway, from `client` (an address on the loopback network such
    /// as 127.0.0.7, so per-address limits see distinct clients), with a raw body.
    pub async fn call_from(
        &self,
        client: Option<std::net::IpAddr>,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let http = match client {
            Some(address) => reqwest::Client::builder()
                .local_address(address)
                .build()
                .expect("client"),
            None => self.client.clone(),
        };
        let mut request = http.request(method, format!("{}{path}", self.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("the gateway answers");
        let status = StatusCode::from_u16(response.status().as_u16()).expect("status");
        let mut headers = HeaderMap::new();
        for (name, value) in response.headers() {
            headers.append(name.clone(), value.clone());
        }
        let body = response.bytes().await.expect("body");
        TestResponse {
            status,
            headers,
            body,
        }
    }
}

impl Drop for DeployedApi {
    fn drop(&mut self) {
        self.gateway.abort();
        for (function, container) in &mut self.containers {
            let _ = container.process.kill();
            let _ = container.process.wait();
            if std::thread::panicking() {
                let log = std::fs::read_to_string(&container.log).unwrap_or_default();
                eprintln!("--- {function} log ---\n{log}");
            }
        }
    }
}
