//! The client's address, which login and registration limits count by.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The client's IP: API Gateway's own `sourceIp` when running in Lambda, else the first entry
/// of `X-Forwarded-For` (local `cargo lambda watch`, tests), else `unknown`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let from_gateway = parts
            .extensions
            .get::<lambda_http::request::RequestContext>()
            .and_then(|context| match context {
                lambda_http::request::RequestContext::ApiGatewayV2(v2) => v2.http.source_ip.clone(),
                #[allow(unreachable_patterns)]
                _ => None,
            });
        let from_header = || {
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|value| value.to_str().ok())
                .and_then(|list| list.split(',').next())
                .map(|first| first.trim().to_string())
        };
        let ip = from_gateway
            .or_else(from_header)
            .and_then(|text| text.parse::<IpAddr>().ok())
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(Self(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;
    use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
    use lambda_http::request::RequestContext;

    async fn client_ip(request: Request<()>) -> String {
        let (mut parts, ()) = request.into_parts();
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(&mut parts, &()).await;
        ip
    }

    #[tokio::test]
    async fn the_gateway_source_ip_wins_over_a_forwarded_header() {
        let mut context = ApiGatewayV2httpRequestContext::default();
        context.http.source_ip = Some("198.51.100.23".into());
        let request = Request::builder()
            .header("x-forwarded-for", "10.9.8.7")
            .extension(RequestContext::ApiGatewayV2(context))
            .body(())
            .unwrap();
        assert_eq!(client_ip(request).await, "198.51.100.23");
    }

    #[tokio::test]
    async fn without_a_gateway_the_first_forwarded_entry_is_used_if_it_is_an_ip() {
        let forwarded = |value: &str| {
            Request::builder()
                .header("x-forwarded-for", value)
                .body(())
                .unwrap()
        };
        assert_eq!(
            client_ip(forwarded("203.0.113.9, 10.0.0.1")).await,
            "203.0.113.9"
        );
        assert_eq!(client_ip(forwarded(" 2001:db8::1 ")).await, "2001:db8::1");
        for junk in ["", "not-an-ip", "' OR 1=1 --, 10.0.0.1"] {
            assert_eq!(client_ip(forwarded(junk)).await, "unknown", "{junk}");
        }
        assert_eq!(client_ip(Request::new(())).await, "unknown");
    }
}
