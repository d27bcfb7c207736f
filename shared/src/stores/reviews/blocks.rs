//! Where a numbered page of a movie's reviews starts, without skipping every review before it.
//!
//! An `OFFSET` walks each review ahead of the page: page 500 of a movie with 200 000 reviews
//! skips 49 900 index entries (tens of ms on MariaDB). Each movie's reviews are also counted by
//! rating and by block of ids (`movie_review_blocks`, kept in the same transaction as every
//! write, like the aggregate). Summing those counts in the page's order finds the block the page
//! starts in; the page is then read as a keyset range starting at that block (the same range a
//! `next_cursor` reads), skipping only the reviews of that one block ahead of the page.

use super::cursor::ReviewCursor;
use super::model::{Rating, ReviewId, ReviewSort};

/// Ids per block: 65 536. A block holds a movie's reviews written while 65 536 reviews (of all
/// movies) were, so even a movie with a twentieth of all reviews has a few thousand per block.
const BLOCK_BITS: u32 = 16;

/// The block of a review id.
pub fn block_of(id: ReviewId) -> i64 {
    id.get() >> BLOCK_BITS
}

/// How many of a movie's reviews have one rating and an id in one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockCount {
    pub rating: Rating,
    pub block: i64,
    pub reviews: u64,
}

/// Where the review at `offset` (in `sort` order) is read from: the position after the reviews
/// of every block ahead of its block, and how many reviews of its block come before it.
pub fn page_start(
    sort: ReviewSort,
    offset: u64,
    counts: &[BlockCount],
) -> (Option<ReviewCursor>, u64) {
    // Cells in the page's order: by block alone for the orders by id, by rating then block for
    // the orders by rating.
    let mut cells: Vec<(i64, i64, u64)> = Vec::new();
    for count in counts.iter().filter(|c| c.reviews > 0) {
        let rating = match sort {
            ReviewSort::Newest | ReviewSort::Oldest => 0,
            ReviewSort::RatingDesc | ReviewSort::RatingAsc => i64::from(count.rating.get()),
        };
        match cells
            .iter_mut()
            .find(|(r, b, _)| *r == rating && *b == count.block)
        {
            Some(cell) => cell.2 += count.reviews,
            None => cells.push((rating, count.block, count.reviews)),
        }
    }
    let descending = matches!(sort, ReviewSort::Newest | ReviewSort::RatingDesc);
    cells.sort_unstable_by_key(|&(rating, block, _)| (rating, block));
    if descending {
        cells.reverse();
    }
    let mut before = 0u64;
    for (rating, block, reviews) in cells {
        if offset < before + reviews {
            return (position_before(sort, rating, block), offset - before);
        }
        before += reviews;
    }
    // Past the last review: nothing to jump to, the offset reads nothing either way.
    (None, offset)
}

/// The keyset position just ahead of the first review of cell (`rating`, `block`) in `sort`
/// order; `None` when nothing can come before it.
fn position_before(sort: ReviewSort, rating: i64, block: i64) -> Option<ReviewCursor> {
    let rating_of = |value: i64| Rating::new(value);
    // The descending orders continue below the block's end; the ascending ones above the
    // previous block's last id (or, in block 0, after the lower ratings).
    let past_end = ReviewId::new((block + 1) << BLOCK_BITS)?;
    let before_start = ReviewId::new((block << BLOCK_BITS) - 1);
    match sort {
        ReviewSort::Newest => Some(ReviewCursor::Newest(past_end)),
        ReviewSort::RatingDesc => Some(ReviewCursor::RatingDesc(rating_of(rating)?, past_end)),
        ReviewSort::Oldest => before_start.map(ReviewCursor::Oldest),
        ReviewSort::RatingAsc => match before_start {
            Some(id) => Some(ReviewCursor::RatingAsc(rating_of(rating)?, id)),
            None => Some(ReviewCursor::RatingAsc(
                rating_of(rating - 1)?,
                ReviewId::new(i64::MAX)?,
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reviews `(id, rating)` spread over a few blocks, every rating, with gaps.
    fn reviews() -> Vec<(i64, i64)> {
        (0..400)
            .map(|n: i64| (1 + n * 977 + (n % 7) * 13, 1 + (n * 7 + n / 3) % 10))
            .collect()
    }

    fn counts(reviews: &[(i64, i64)]) -> Vec<BlockCount> {
        let mut counts: Vec<BlockCount> = Vec::new();
        for &(id, rating) in reviews {
            let rating = Rating::new(rating).unwrap();
            let block = block_of(ReviewId::new(id).unwrap());
            match counts
                .iter_mut()
                .find(|c| c.rating == rating && c.block == block)
            {
                Some(count) => count.reviews += 1,
                None => counts.push(BlockCount {
                    rating,
                    block,
                    reviews: 1,
                }),
            }
        }
        counts
    }

    fn in_order(sort: ReviewSort, mut reviews: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
        reviews.sort_by_key(|&(id, rating)| match sort {
            ReviewSort::Newest => (0, -id),
            ReviewSort::Oldest => (0, id),
            ReviewSort::RatingDesc => (-rating, -id),
            ReviewSort::RatingAsc => (rating, id),
        });
        reviews
    }

    /// What the store's range reads: the reviews after `cursor` in its order.
    fn after(cursor: Option<ReviewCursor>, ordered: &[(i64, i64)]) -> Vec<(i64, i64)> {
        ordered
            .iter()
            .copied()
            .filter(|&(id, rating)| match cursor {
                None => true,
                Some(ReviewCursor::Newest(c)) => id < c.get(),
                Some(ReviewCursor::Oldest(c)) => id > c.get(),
                Some(ReviewCursor::RatingDesc(r, c)) => {
                    (rating, id) < (i64::from(r.get()), c.get())
                }
                Some(ReviewCursor::RatingAsc(r, c)) => (rating, id) > (i64::from(r.get()), c.get()),
            })
            .collect()
    }

    #[test]
    fn every_offset_starts_at_the_review_an_offset_would() {
        let reviews = reviews();
        let counts = counts(&reviews);
        assert!(counts.iter().map(|c| c.block).max().unwrap() >= 5);
        for sort in [
            ReviewSort::Newest,
            ReviewSort::Oldest,
            ReviewSort::RatingDesc,
            ReviewSort::RatingAsc,
        ] {
            let ordered = in_order(sort, reviews.clone());
            for offset in 0..=ordered.len() as u64 {
                let (cursor, skip) = page_start(sort, offset, &counts);
                let read = after(cursor, &ordered);
                let skip = usize::try_from(skip).unwrap();
                assert_eq!(
                    read.get(skip),
                    ordered.get(usize::try_from(offset).unwrap()),
                    "{sort:?} at {offset}"
                );
                // The jump leaves at most one block of one cell to skip.
                if read.get(skip).is_some() {
                    assert!(skip < 100, "{sort:?} at {offset} skips {skip}");
                }
            }
        }
    }

    #[test]
    fn the_first_block_of_the_ascending_orders_needs_no_id_before_it() {
        let one = |rating| BlockCount {
            rating: Rating::new(rating).unwrap(),
            block: 0,
            reviews: 2,
        };
        let counts = [one(3), one(5)];
        assert_eq!(page_start(ReviewSort::Oldest, 1, &counts), (None, 1));
        assert_eq!(page_start(ReviewSort::RatingAsc, 1, &counts).1, 1);
        assert_eq!(
            page_start(ReviewSort::RatingAsc, 3, &counts),
            (
                Some(ReviewCursor::RatingAsc(
                    Rating::new(4).unwrap(),
                    ReviewId::new(i64::MAX).unwrap()
                )),
                1
            )
        );
        assert_eq!(page_start(ReviewSort::Newest, 9, &counts), (None, 9));
    }
}
