//! Keyset positions in a movie's reviews: where the next page starts, so that every review is
//! reachable however deep, at the cost of one index range read (an `OFFSET` walks every review
//! before the page).

use std::fmt;

use super::model::{Rating, Review, ReviewId, ReviewPage, ReviewSort};
use crate::http::PageRequest;

/// The longest review id a cursor names: 18 digits stay below `i64::MAX`, so every cursor the
/// OpenAPI pattern allows parses.
pub const MAX_CURSOR_ID_DIGITS: usize = 18;

/// The position after one review in one order: the next page holds the reviews that follow it.
/// Its text form names the order and the review's sort key (`newest.812`, `rating.desc.7.812`),
/// so a cursor is self-contained and stays valid when the review it names is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewCursor {
    Newest(ReviewId),
    Oldest(ReviewId),
    RatingDesc(Rating, ReviewId),
    RatingAsc(Rating, ReviewId),
}

impl ReviewCursor {
    /// The position after `review` in `sort` order.
    pub fn after(sort: ReviewSort, review: &Review) -> Self {
        match sort {
            ReviewSort::Newest => Self::Newest(review.id),
            ReviewSort::Oldest => Self::Oldest(review.id),
            ReviewSort::RatingDesc => Self::RatingDesc(review.rating, review.id),
            ReviewSort::RatingAsc => Self::RatingAsc(review.rating, review.id),
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        const FORM: &str = "must be a next_cursor from an earlier page";
        let id = |digits: &str| {
            let well_formed = (1..=MAX_CURSOR_ID_DIGITS).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit());
            well_formed
                .then(|| digits.parse::<i64>().ok().and_then(ReviewId::new))
                .flatten()
                .ok_or(FORM)
        };
        let rated = |rest: &str| -> Result<(Rating, ReviewId), &str> {
            let (rating, review) = rest.split_once('.').ok_or(FORM)?;
            let rating = rating
                .parse::<i64>()
                .ok()
                .filter(|_| !rating.starts_with(['0', '+', '-']))
                .and_then(Rating::new)
                .ok_or(FORM)?;
            Ok((rating, id(review)?))
        };
        let cursor = if let Some(rest) = text.strip_prefix("newest.") {
            id(rest).map(Self::Newest)
        } else if let Some(rest) = text.strip_prefix("oldest.") {
            id(rest).map(Self::Oldest)
        } else if let Some(rest) = text.strip_prefix("rating.desc.") {
            rated(rest).map(|(rating, id)| Self::RatingDesc(rating, id))
        } else if let Some(rest) = text.strip_prefix("rating.asc.") {
            rated(rest).map(|(rating, id)| Self::RatingAsc(rating, id))
        } else {
            Err(FORM)
        };
        cursor.map_err(str::to_string)
    }

    /// The order of the page that continues from here.
    pub fn sort(self) -> ReviewSort {
        match self {
            Self::Newest(_) => ReviewSort::Newest,
            Self::Oldest(_) => ReviewSort::Oldest,
            Self::RatingDesc(..) => ReviewSort::RatingDesc,
            Self::RatingAsc(..) => ReviewSort::RatingAsc,
        }
    }

    /// The review id the position is after.
    pub fn id(self) -> ReviewId {
        match self {
            Self::Newest(id) | Self::Oldest(id) => id,
            Self::RatingDesc(_, id) | Self::RatingAsc(_, id) => id,
        }
    }

    /// The rating the position is after, for the orders by rating.
    pub fn rating(self) -> Option<Rating> {
        match self {
            Self::Newest(_) | Self::Oldest(_) => None,
            Self::RatingDesc(rating, _) | Self::RatingAsc(rating, _) => Some(rating),
        }
    }
}

impl fmt::Display for ReviewCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sort = self.sort().as_str();
        match self.rating() {
            Some(rating) => write!(f, "{sort}.{}.{}", rating.get(), self.id().get()),
            None => write!(f, "{sort}.{}", self.id().get()),
        }
    }
}

/// The part of an ordered list one query reads: from an offset or after a keyset position. It
/// reads one review more than the page, so the page can say whether more follow without a count.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slice {
    pub after: Option<ReviewCursor>,
    pub offset: u64,
    limit: u32,
}

impl Slice {
    pub fn of_page(page: PageRequest) -> Self {
        Self {
            after: None,
            offset: page.offset(),
            limit: page.page_size(),
        }
    }

    pub fn after(cursor: ReviewCursor, limit: u32) -> Self {
        Self {
            after: Some(cursor),
            offset: 0,
            limit,
        }
    }

    /// The same rows, read from `after` past `offset` more (where [`super::blocks::page_start`]
    /// says the slice's first review is).
    pub fn starting(self, (after, offset): (Option<ReviewCursor>, u64)) -> Self {
        Self {
            after,
            offset,
            ..self
        }
    }

    /// The `LIMIT` of the query.
    pub fn rows_to_read(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    /// The page of the rows read, without the one that was read only to look ahead.
    pub fn page(&self, mut reviews: Vec<Review>, total: u64) -> ReviewPage {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = reviews.len() > limit;
        reviews.truncate(limit);
        ReviewPage {
            reviews,
            total,
            more,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_print() {
        let rating = Rating::new(7).unwrap();
        let id = ReviewId::new(812).unwrap();
        for cursor in [
            ReviewCursor::Newest(id),
            ReviewCursor::Oldest(id),
            ReviewCursor::RatingDesc(rating, id),
            ReviewCursor::RatingAsc(rating, id),
        ] {
            assert_eq!(ReviewCursor::parse(&cursor.to_string()), Ok(cursor));
        }
        assert_eq!(
            ReviewCursor::RatingDesc(rating, id).to_string(),
            "rating.desc.7.812"
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "newest",
            "newest.",
            "newest.0",
            "newest.-4",
            "newest.+4",
            "newest.4x",
            "newest.1234567890123456789",
            "rating.desc.812",
            "rating.desc.11.812",
            "rating.desc.07.812",
            "rating.asc.0.812",
            "top.812",
            "NEWEST.812",
        ] {
            assert!(ReviewCursor::parse(bad).is_err(), "{bad}");
        }
        assert!(ReviewCursor::parse("newest.999999999999999999").is_ok());
    }
}
