//! Query strings of the list routes. Unknown parameters are refused (422), so a typo or an
//! operator smuggled in a name (`sort[$ne]=`) never passes silently.

use serde::Deserialize;
use shared::error::FieldError;
use shared::http::{PageParams, PageRequest};
use shared::stores::reviews::{ReviewCursor, ReviewSort};
use shared::ApiError;

/// Query of `GET /movies/{id}/reviews`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MovieReviewsParams {
    /// `newest` (default), `oldest`, `rating.desc` or `rating.asc`.
    pub sort: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Results per page, 1–100 (default 20).
    pub page_size: Option<i64>,
    /// The `next_cursor` of an earlier page: the page after it, however deep (`page` stops at
    /// 500). The cursor carries its order, so `sort` and `page` are not read with it.
    pub cursor: Option<String>,
}

/// Which reviews of a movie a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovieReviewsWanted {
    /// A numbered page in an order.
    Page(ReviewSort, PageRequest),
    /// The `page_size` reviews after a cursor.
    After(ReviewCursor, u32),
}

impl MovieReviewsParams {
    /// Every parameter is checked, also those a cursor makes unused, so a malformed one is
    /// never accepted silently.
    pub fn parse(self) -> Result<MovieReviewsWanted, ApiError> {
        let mut errors = Vec::new();
        let cursor = match self.cursor.as_deref().map(ReviewCursor::parse) {
            Some(Err(message)) => {
                errors.push(FieldError::new("cursor", message));
                None
            }
            Some(Ok(cursor)) => Some(cursor),
            None => None,
        };
        let sort = match self.sort.as_deref() {
            None => Some(ReviewSort::default()),
            Some(text) => {
                let parsed = ReviewSort::parse(text);
                if parsed.is_none() {
                    errors.push(FieldError::new(
                        "sort",
                        format!("must be one of {}", ReviewSort::NAMES),
                    ));
                }
                parsed
            }
        };
        let page = PageRequest::try_from(PageParams {
            page: self.page,
            page_size: self.page_size,
        });
        match (sort, page) {
            (Some(sort), Ok(page)) if errors.is_empty() => Ok(match cursor {
                Some(cursor) => MovieReviewsWanted::After(cursor, page.page_size()),
                None => MovieReviewsWanted::Page(sort, page),
            }),
            (_, page) => {
                if let Err(ApiError::Validation(more)) = page {
                    errors.extend(more);
                }
                Err(ApiError::Validation(errors))
            }
        }
    }
}

/// Query of `GET /users/{user_id}/reviews`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserReviewsParams {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Results per page, 1–100 (default 20).
    pub page_size: Option<i64>,
}

impl UserReviewsParams {
    pub fn parse(self) -> Result<PageRequest, ApiError> {
        PageRequest::try_from(PageParams {
            page: self.page,
            page_size: self.page_size,
        })
    }
}
