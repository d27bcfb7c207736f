//! The search tables of a bulk fill, built after it from the stored rows.
//!
//! Tokenizing the sample's 1,248 titles, overviews and names was a third of the fill and of a
//! first start (14 of about 45 ms). The fill leaves a mark in `catalog_search_pending` instead,
//! and the first search or catalog write (or the warm-up a function starts after its state)
//! builds both tables in one transaction, in whichever process gets there first.

use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::SqlitePool;
use tokio::sync::Mutex;

use super::embedded::db;
use crate::stores::StoreError;

/// Whether this process has seen the search tables complete, and the lock that makes one task at
/// a time build them.
#[derive(Default)]
pub(super) struct SearchIndex {
    complete: AtomicBool,
    building: Mutex<()>,
}

impl SearchIndex {
    /// Returns once the search tables hold every stored movie and person.
    pub async fn ensure(&self, pool: &SqlitePool) -> Result<(), StoreError> {
        if self.complete.load(Ordering::Acquire) {
            return Ok(());
        }
        let _building = self.building.lock().await;
        if self.complete.load(Ordering::Acquire) {
            return Ok(());
        }
        if build_pending(pool).await? == State::Settled {
            self.complete.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// A fill in this process has just left the tables pending.
    pub fn mark_pending(&self) {
        self.complete.store(false, Ordering::Release);
    }
}

#[derive(PartialEq)]
enum State {
    /// Complete, and stays so: the catalog holds rows and no fill is pending.
    Settled,
    /// Empty catalog: a fill (maybe in another process) may still leave the tables pending.
    Empty,
}

async fn build_pending(pool: &SqlitePool) -> Result<State, StoreError> {
    let (pending, empty): (bool, bool) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM catalog_search_pending), \
                NOT EXISTS (SELECT 1 FROM catalog_movies)",
    )
    .fetch_one(pool)
    .await
    .map_err(db)?;
    if !pending {
        return Ok(if empty { State::Empty } else { State::Settled });
    }
    // Under the write lock, checked again: another process may have built them meanwhile.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)?;
    let removed = sqlx::query("DELETE FROM catalog_search_pending")
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
    if removed > 0 {
        // The same fields a single write indexes (`write_movie`, `upsert_person`), read back
        // from the stored documents: absent text is indexed as empty text.
        for statement in [
            "INSERT INTO catalog_movies_fts (rowid, title, original_title, overview) \
             SELECT search_slot, title, \
                    coalesce(json_extract(document, '$.original_title'), ''), \
                    coalesce(json_extract(document, '$.overview'), '') \
             FROM catalog_movies",
            "INSERT INTO catalog_people_fts (rowid, name, also_known_as) \
             SELECT search_slot, name, coalesce((SELECT group_concat(value, ' ') \
                                        FROM json_each(document, '$.also_known_as')), '') \
             FROM catalog_people",
        ] {
            sqlx::query(statement).execute(&mut *tx).await.map_err(db)?;
        }
    }
    tx.commit().await.map_err(db)?;
    Ok(State::Settled)
}
