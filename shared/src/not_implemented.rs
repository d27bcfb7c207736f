//! The answer of routes whose feature has not landed yet: an honest 501, never fake data.

use crate::error::ApiError;

pub async fn not_implemented() -> ApiError {
    ApiError::NotImplemented("this route")
}
