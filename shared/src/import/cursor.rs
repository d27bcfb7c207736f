//! The resume point of a run, stored as the `cursor` of its `seed_runs` record.
//!
//! Items are imported concurrently and finish out of order, so the cursor keeps a watermark:
//! every item before `movies_done` (resp. `people_done`) is finished. Items finished past the
//! watermark when a run stops are simply imported again on resume (an upsert of the same data
//! is `Unchanged`). The id lists are frozen in the cursor, so a resumed run finishes the same
//! work even if TMDB's lists moved in between.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::request::ImportRequest;
use crate::domain::{MovieId, PersonId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// What the run imports: a later invocation resumes only the same request.
    pub request: ImportRequest,
    pub genres_done: bool,
    /// `None` until the lists were read.
    pub movie_ids: Option<Vec<MovieId>>,
    pub movies_done: usize,
    /// People credited in the movies imported so far, each once.
    pub person_ids: Vec<PersonId>,
    pub people_done: usize,
}

impl Cursor {
    pub fn new(request: ImportRequest) -> Self {
        Self {
            request,
            genres_done: false,
            movie_ids: None,
            movies_done: 0,
            person_ids: Vec::new(),
            people_done: 0,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        // A struct of ids, counts and enums always serializes.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        serde_json::from_value(value.clone()).ok()
    }
}

/// Which items of a list are finished, as a watermark plus the ones finished ahead of it.
#[derive(Debug)]
pub struct Watermark {
    next: usize,
    ahead: BTreeSet<usize>,
}

impl Watermark {
    pub fn starting_at(next: usize) -> Self {
        Self {
            next,
            ahead: BTreeSet::new(),
        }
    }

    /// Marks item `index` finished; returns the new watermark.
    pub fn finish(&mut self, index: usize) -> usize {
        if index >= self.next {
            self.ahead.insert(index);
        }
        while self.ahead.remove(&self.next) {
            self.next += 1;
        }
        self.next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watermark_only_passes_contiguous_finished_items() {
        let mut mark = Watermark::starting_at(3);
        assert_eq!(mark.finish(5), 3);
        assert_eq!(mark.finish(3), 4);
        assert_eq!(mark.finish(4), 6);
        assert_eq!(mark.finish(1), 6);
    }

    #[test]
    fn a_cursor_round_trips_through_json() {
        let mut cursor = Cursor::new(ImportRequest::sample());
        cursor.movie_ids = Some(vec![MovieId::new(550).unwrap()]);
        cursor.movies_done = 1;
        assert_eq!(Cursor::from_json(&cursor.to_json()), Some(cursor));
        assert_eq!(Cursor::from_json(&serde_json::json!({"x": 1})), None);
    }
}
