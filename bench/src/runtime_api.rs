//! A one-invocation Lambda Runtime API: hands out one event, and records when (and what) the
//! function answered. A second `next` (the function ready for more) is left hanging, as Lambda
//! does while no event is queued.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::oneshot;

use crate::server::Served;
use crate::Fallible;

/// How the invocation ended, and when the runtime API heard of it.
#[derive(Debug)]
pub enum Answer {
    /// The function posted a response; for HTTP functions, the API Gateway status it carries.
    Response { at: Instant, status: Option<u16> },
    /// The function posted an invocation or initialisation error.
    Error { body: String },
}

struct Invocation {
    event: Bytes,
    function_arn: String,
    handed_out: AtomicBool,
    answer: Mutex<Option<oneshot::Sender<Answer>>>,
}

impl Invocation {
    fn answer(&self, answer: Answer) {
        let sender = self.answer.lock().ok().and_then(|mut slot| slot.take());
        if let Some(sender) = sender {
            let _ = sender.send(answer);
        }
    }
}

pub struct RuntimeApi {
    pub addr: SocketAddr,
    answer: oneshot::Receiver<Answer>,
    served: Served,
}

impl RuntimeApi {
    /// Serves one invocation of `function` carrying `event`.
    pub async fn start(function: &str, event: Bytes) -> Fallible<Self> {
        let (sender, answer) = oneshot::channel();
        let invocation = Arc::new(Invocation {
            event,
            function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{function}"),
            handed_out: AtomicBool::new(false),
            answer: Mutex::new(Some(sender)),
        });
        let router = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(error))
            .with_state(invocation);
        let served = crate::server::serve(router).await?;
        Ok(Self {
            addr: served.addr,
            answer,
            served,
        })
    }

    /// Waits for the function's answer, at most `limit`.
    pub async fn answer(self, limit: Duration) -> Option<Answer> {
        let answer = tokio::time::timeout(limit, self.answer)
            .await
            .ok()
            .and_then(Result::ok);
        self.served.stop().await;
        answer
    }
}

async fn next(State(invocation): State<Arc<Invocation>>) -> Response {
    if invocation.handed_out.swap(true, Ordering::SeqCst) {
        // No second event: the function waits here until the bench stops it.
        return std::future::pending().await;
    }
    let deadline_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|now| now.as_millis() + 30_000)
        .unwrap_or(0);
    (
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                HeaderName::from_static("lambda-runtime-aws-request-id"),
                uuid::Uuid::new_v4().to_string(),
            ),
            (
                HeaderName::from_static("lambda-runtime-deadline-ms"),
                deadline_ms.to_string(),
            ),
            (
                HeaderName::from_static("lambda-runtime-invoked-function-arn"),
                invocation.function_arn.clone(),
            ),
            (
                HeaderName::from_static("lambda-runtime-trace-id"),
                "Root=1-00000000-000000000000000000000000;Sampled=0".to_string(),
            ),
        ],
        invocation.event.clone(),
    )
        .into_response()
}

async fn response(State(invocation): State<Arc<Invocation>>, body: Bytes) -> StatusCode {
    let at = Instant::now();
    let status = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|value| value.get("statusCode").and_then(|s| s.as_u64()))
        .and_then(|s| u16::try_from(s).ok());
    invocation.answer(Answer::Response { at, status });
    StatusCode::ACCEPTED
}

async fn error(State(invocation): State<Arc<Invocation>>, body: Bytes) -> StatusCode {
    invocation.answer(Answer::Error {
        body: String::from_utf8_lossy(&body).chars().take(300).collect(),
    });
    StatusCode::ACCEPTED
}
