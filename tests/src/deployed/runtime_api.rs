//! The Lambda Runtime API, as AWS serves it to one container: the function's runtime polls
//! `invocation/next` for an event and posts the answer to `invocation/{id}/response` (or
//! `/error`). One instance per function process, so each process is a container of its own.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::{mpsc, oneshot, Mutex};

/// How long an invocation may run, as the template's `Timeout` (the deadline the runtime sees).
pub const INVOCATION_TIMEOUT: Duration = Duration::from_secs(10);

/// What a function answered to one event.
#[derive(Debug)]
pub enum Outcome {
    Response(Bytes),
    /// The function reported an error (or crashed): API Gateway answers 500.
    Error(Bytes),
}

struct Invocation {
    event: Bytes,
    answer: oneshot::Sender<Outcome>,
}

struct Inner {
    function_arn: String,
    queue: Mutex<mpsc::Receiver<Invocation>>,
    in_flight: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
}

/// The Runtime API of one container: [`Self::invoke`] hands it an event and waits for the
/// function's answer.
pub struct RuntimeApi {
    pub address: SocketAddr,
    events: mpsc::Sender<Invocation>,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    pub async fn start(function: &str) -> std::io::Result<Self> {
        let (events, queue) = mpsc::channel(64);
        let inner = Arc::new(Inner {
            function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{function}"),
            queue: Mutex::new(queue),
            in_flight: Mutex::new(HashMap::new()),
        });
        let router = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(respond),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(fail))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(inner);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self {
            address,
            events,
            server,
        })
    }

    /// Sends one event to the container and waits for its answer (`None` past the timeout, or
    /// when the process is gone).
    pub async fn invoke(&self, event: Bytes) -> Option<Outcome> {
        let (answer, outcome) = oneshot::channel();
        self.events.send(Invocation { event, answer }).await.ok()?;
        tokio::time::timeout(INVOCATION_TIMEOUT, outcome)
            .await
            .ok()?
            .ok()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The long poll: blocks until an event arrives, as the real API does.
async fn next(State(inner): State<Arc<Inner>>) -> impl IntoResponse {
    let Some(invocation) = inner.queue.lock().await.recv().await else {
        return (StatusCode::GONE, HeaderMap::new(), Bytes::new());
    };
    let id = uuid::Uuid::new_v4().to_string();
    let deadline = SystemTime::now() + INVOCATION_TIMEOUT;
    let deadline_ms = deadline
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set("lambda-runtime-aws-request-id", id.clone());
    set("lambda-runtime-deadline-ms", deadline_ms.to_string());
    set(
        "lambda-runtime-invoked-function-arn",
        inner.function_arn.clone(),
    );
    set(
        "lambda-runtime-trace-id",
        format!(
            "Root=1-{:08x}-{}",
            deadline_ms / 1000,
            uuid::Uuid::new_v4().simple()
        ),
    );
    set("content-type", "application/json".to_string());
    inner.in_flight.lock().await.insert(id, invocation.answer);
    (StatusCode::OK, headers, invocation.event)
}

async fn respond(
    State(inner): State<Arc<Inner>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    settle(&inner, &id, Outcome::Response(body)).await
}

async fn fail(State(inner): State<Arc<Inner>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    settle(&inner, &id, Outcome::Error(body)).await
}

async fn settle(inner: &Inner, id: &str, outcome: Outcome) -> StatusCode {
    match inner.in_flight.lock().await.remove(id) {
        Some(answer) => {
            let _ = answer.send(outcome);
            StatusCode::ACCEPTED
        }
        None => StatusCode::NOT_FOUND,
    }
}

/// A function that fails before its first poll: the process exits, and every invocation then
/// times out; what it said is in its log.
async fn init_error(body: Bytes) -> StatusCode {
    eprintln!("function init error: {}", String::from_utf8_lossy(&body));
    StatusCode::ACCEPTED
}
