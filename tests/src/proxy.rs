//! A TCP proxy a test controls: it forwards to a service and can cut every open connection at
//! once, as a failover, a server's idle timeout or a NAT that forgot the flow would.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

pub struct TcpProxy {
    address: SocketAddr,
    upstream_url: url::Url,
    open: Arc<Mutex<Vec<AbortHandle>>>,
    accept: JoinHandle<()>,
}

impl TcpProxy {
    /// A proxy to the host and port of `service_url` (any scheme: postgres://, mysql://, …).
    pub async fn to(service_url: &str) -> Self {
        let upstream_url = url::Url::parse(service_url).expect("service URL");
        let upstream = format!(
            "{}:{}",
            upstream_url.host_str().expect("host"),
            upstream_url
                .port()
                .expect("the test services' URLs name their port")
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let open: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let registry = Arc::clone(&open);
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let Ok(mut server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                let forward = tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
                registry
                    .lock()
                    .expect("registry")
                    .push(forward.abort_handle());
            }
        });
        Self {
            address,
            upstream_url,
            open,
            accept,
        }
    }

    /// `service_url` with the proxy in place of the service.
    pub fn url(&self) -> String {
        let mut url = self.upstream_url.clone();
        url.set_ip_host(self.address.ip()).expect("an IP host");
        url.set_port(Some(self.address.port())).expect("a port");
        url.to_string()
    }

    /// Closes every connection open through the proxy; new ones still go through.
    pub fn cut_all(&self) -> usize {
        let open: Vec<AbortHandle> = self.open.lock().expect("registry").drain(..).collect();
        for forward in &open {
            forward.abort();
        }
        open.len()
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut_all();
    }
}
