//! A plain HTTP server on loopback for one router: what a function's router does without the
//! Lambda runtime in front.

use std::net::SocketAddr;

use axum::Router;
use tokio::task::JoinHandle;

use crate::Fallible;

pub struct Served {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

/// Serves `router` on a free loopback port until [`Served::stop`].
pub async fn serve(router: Router) -> Fallible<Served> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("bench: the server on {addr} stopped: {error}");
        }
    });
    Ok(Served { addr, task })
}

impl Served {
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}
