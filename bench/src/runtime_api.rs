//! A Lambda Runtime API of our own: hands one event to the function process, again and again
//! while the bench keeps it open (next → response → next …, as Lambda feeds a warm container),
//! and records when and how each invocation was answered. While it is closed, a `next` is left
//! hanging, as Lambda does while no event is queued.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::{watch, Notify};

use crate::server::Served;
use crate::Fallible;

/// How the first invocation ended, and when the runtime API heard of it.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The function posted a response; for HTTP functions, the API Gateway status it carries.
    Response { at: Instant, status: Option<u16> },
    /// The function posted an invocation or initialisation error.
    Error { body: String },
}

/// The invocations answered since [`RuntimeApi::take_samples`] was last called.
#[derive(Debug, Default)]
pub struct Samples {
    /// From handing out the event to receiving its response, per answered invocation.
    pub latencies: Vec<Duration>,
    /// Responses whose API Gateway status was not 2xx, and posted errors.
    pub failures: u64,
}

struct Invocations {
    event: Bytes,
    function_arn: String,
    /// Whether `next` hands out an event now; closed, it waits until the bench opens it.
    open: watch::Sender<bool>,
    /// Close again after each event handed out (a cold start wants exactly one).
    one_at_a_time: bool,
    handed_out: AtomicU64,
    answered: AtomicU64,
    answer_seen: Notify,
    /// When the invocation in flight was handed out (the function takes one at a time).
    in_flight_since: Mutex<Option<Instant>>,
    first_answer: Mutex<Option<Answer>>,
    samples: Mutex<Samples>,
}

impl Invocations {
    fn record(&self, answer: Answer) {
        let since = self.in_flight_since.lock().ok().and_then(|mut s| s.take());
        if let Ok(mut samples) = self.samples.lock() {
            match &answer {
                Answer::Response { at, status } => {
                    if let Some(since) = since {
                        samples.latencies.push(at.duration_since(since));
                    }
                    if !status.is_some_and(|s| (200..300).contains(&s)) {
                        samples.failures += 1;
                    }
                }
                Answer::Error { .. } => samples.failures += 1,
            }
        }
        if let Ok(mut first) = self.first_answer.lock() {
            first.get_or_insert(answer);
        }
        self.answered.fetch_add(1, Ordering::SeqCst);
        self.answer_seen.notify_waiters();
    }
}

pub struct RuntimeApi {
    pub addr: SocketAddr,
    invocations: Arc<Invocations>,
    served: Served,
}

impl RuntimeApi {
    /// Serves exactly one invocation of `function` carrying `event` (a cold start).
    pub async fn once(function: &str, event: Bytes) -> Fallible<Self> {
        Self::start(function, event, true).await
    }

    /// Serves invocations of `function` carrying `event` back to back while [`Self::open`].
    pub async fn stream(function: &str, event: Bytes) -> Fallible<Self> {
        Self::start(function, event, false).await
    }

    async fn start(function: &str, event: Bytes, one_at_a_time: bool) -> Fallible<Self> {
        let invocations = Arc::new(Invocations {
            event,
            function_arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{function}"),
            open: watch::Sender::new(one_at_a_time),
            one_at_a_time,
            handed_out: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            answer_seen: Notify::new(),
            in_flight_since: Mutex::new(None),
            first_answer: Mutex::new(None),
            samples: Mutex::new(Samples::default()),
        });
        let router = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(error))
            .with_state(invocations.clone());
        let served = crate::server::serve(router).await?;
        Ok(Self {
            addr: served.addr,
            invocations,
            served,
        })
    }

    /// Waits for the first answer, at most `limit`.
    pub async fn first_answer(&self, limit: Duration) -> Option<Answer> {
        let _ = tokio::time::timeout(limit, self.answers_reach(1)).await;
        self.invocations
            .first_answer
            .lock()
            .ok()
            .and_then(|first| first.clone())
    }

    /// Hands out events back to back for `duration`, then waits (at most `limit`) for the
    /// invocation still in flight. False if the function stopped answering.
    pub async fn run_for(&self, duration: Duration, limit: Duration) -> bool {
        self.invocations.open.send_replace(true);
        tokio::time::sleep(duration).await;
        self.invocations.open.send_replace(false);
        let handed_out = self.invocations.handed_out.load(Ordering::SeqCst);
        tokio::time::timeout(limit, self.answers_reach(handed_out))
            .await
            .is_ok()
    }

    /// The samples recorded so far; the next run starts a new set.
    pub fn take_samples(&self) -> Samples {
        self.invocations
            .samples
            .lock()
            .map(|mut samples| std::mem::take(&mut *samples))
            .unwrap_or_default()
    }

    async fn answers_reach(&self, count: u64) {
        loop {
            let seen = self.invocations.answer_seen.notified();
            if self.invocations.answered.load(Ordering::SeqCst) >= count {
                return;
            }
            seen.await;
        }
    }

    pub async fn stop(self) {
        self.served.stop().await;
    }
}

async fn next(State(invocations): State<Arc<Invocations>>) -> Response {
    let mut open = invocations.open.subscribe();
    if open.wait_for(|open| *open).await.is_err() {
        return std::future::pending().await;
    }
    if invocations.one_at_a_time {
        invocations.open.send_replace(false);
    }
    invocations.handed_out.fetch_add(1, Ordering::SeqCst);
    let deadline_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|now| now.as_millis() + 30_000)
        .unwrap_or(0);
    let response = (
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
                invocations.function_arn.clone(),
            ),
            (
                HeaderName::from_static("lambda-runtime-trace-id"),
                "Root=1-00000000-000000000000000000000000;Sampled=0".to_string(),
            ),
        ],
        invocations.event.clone(),
    )
        .into_response();
    if let Ok(mut since) = invocations.in_flight_since.lock() {
        *since = Some(Instant::now());
    }
    response
}

async fn response(State(invocations): State<Arc<Invocations>>, body: Bytes) -> StatusCode {
    let at = Instant::now();
    invocations.record(Answer::Response {
        at,
        status: api_gateway_status(&body),
    });
    StatusCode::ACCEPTED
}

/// The `statusCode` of an API Gateway response event, read without parsing its body.
fn api_gateway_status(body: &[u8]) -> Option<u16> {
    #[derive(serde::Deserialize)]
    struct Status {
        #[serde(rename = "statusCode")]
        status_code: u16,
    }
    serde_json::from_slice::<Status>(body)
        .ok()
        .map(|s| s.status_code)
}

async fn error(State(invocations): State<Arc<Invocations>>, body: Bytes) -> StatusCode {
    invocations.record(Answer::Error {
        body: String::from_utf8_lossy(&body).chars().take(300).collect(),
    });
    StatusCode::ACCEPTED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_status_of_a_response_event() {
        let event =
            br#"{"statusCode":200,"headers":{"a":"b"},"body":"{\"x\":1}","isBase64Encoded":false}"#;
        assert_eq!(api_gateway_status(event), Some(200));
        assert_eq!(api_gateway_status(b"{}"), None);
    }
}
