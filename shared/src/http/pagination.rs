//! `?page=&page_size=` parsing and the page envelope of every list answer.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, FieldError};

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;
/// Deep pages are refused: nobody reads page 10 000, and offsets that deep are slow everywhere.
pub const MAX_PAGE: u32 = 500;
/// Where list counts stop: past the last result of the deepest page a client can ask for, a
/// count costs time in proportion to the catalog and changes no page anyone can read. A list
/// with more matches reports this many.
pub const COUNTED_RESULTS: u64 = MAX_PAGE as u64 * MAX_PAGE_SIZE as u64;

/// Raw paging parameters, as they appear in a query string.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Results per page, 1–100 (default 20).
    pub page_size: Option<i64>,
}

/// A validated page request: it cannot hold an out-of-range page or size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageRequest {
    page: u32,
    page_size: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl PageRequest {
    pub fn new(page: u32, page_size: u32) -> Result<Self, ApiError> {
        PageParams {
            page: Some(page.into()),
            page_size: Some(page_size.into()),
        }
        .try_into()
    }

    pub fn page(&self) -> u32 {
        self.page
    }

    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.page_size)
    }

    pub fn limit(&self) -> u64 {
        u64::from(self.page_size)
    }
}

impl TryFrom<PageParams> for PageRequest {
    type Error = ApiError;

    fn try_from(params: PageParams) -> Result<Self, ApiError> {
        let mut errors = Vec::new();
        let page = params.page.unwrap_or(1);
        let page_size = params.page_size.unwrap_or(i64::from(DEFAULT_PAGE_SIZE));
        if !(1..=i64::from(MAX_PAGE)).contains(&page) {
            errors.push(FieldError::new(
                "page",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        if !(1..=i64::from(MAX_PAGE_SIZE)).contains(&page_size) {
            errors.push(FieldError::new(
                "page_size",
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(Self {
            page: u32::try_from(page).unwrap_or(1),
            page_size: u32::try_from(page_size).unwrap_or(DEFAULT_PAGE_SIZE),
        })
    }
}

/// The pages `total_results` fill. Pages past MAX_PAGE are refused, so a client walking
/// `1..=total_pages` never asks for one.
pub fn total_pages(total_results: u64, page_size: u32) -> u64 {
    total_results
        .div_ceil(u64::from(page_size))
        .min(u64::from(MAX_PAGE))
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub page: u32,
    pub page_size: u32,
    pub total_pages: u64,
    pub total_results: u64,
    pub results: Vec<T>,
}

impl<T> Page<T> {
    pub fn new(request: PageRequest, total_results: u64, results: Vec<T>) -> Self {
        Self {
            page: request.page,
            page_size: request.page_size,
            total_pages: total_pages(total_results, request.page_size),
            total_results,
            results,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            page: self.page,
            page_size: self.page_size,
            total_pages: self.total_pages,
            total_results: self.total_results,
            results: self.results.into_iter().map(f).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_offsets() {
        let request = PageRequest::try_from(PageParams::default()).unwrap();
        assert_eq!(
            (request.page(), request.page_size(), request.offset()),
            (1, 20, 0)
        );
        assert_eq!(PageRequest::new(3, 10).unwrap().offset(), 20);
    }

    #[test]
    fn out_of_range_values_list_every_bad_field() {
        let params = PageParams {
            page: Some(0),
            page_size: Some(101),
        };
        match PageRequest::try_from(params) {
            Err(ApiError::Validation(errors)) => assert_eq!(errors.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn total_pages_rounds_up() {
        let page = Page::new(PageRequest::new(1, 20).unwrap(), 41, vec![1]);
        assert_eq!(page.total_pages, 3);
    }
}
