//! Sorted sets (Redis only): the time-stamped activity that trending ranks. The in-process
//! backend has none; callers then compute from the stores.

use std::time::Duration;

use redis::aio::ConnectionManager;

use super::{Cache, CacheError};

/// The member that marks a set as complete (rebuilt from the stores, or kept since). Scored
/// `+inf`, so trimming by time never removes it; a set without it (Redis flushed or the key
/// expired) is rebuilt before it is read.
pub const COMPLETE_MARKER: &str = "complete";

/// Sorted sets over the cache's Redis connection.
#[derive(Clone)]
pub struct Rankings {
    connection: ConnectionManager,
}

fn err(error: redis::RedisError) -> CacheError {
    CacheError(error.to_string())
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl Cache {
    /// Sorted sets, when the backend is Redis.
    pub fn rankings(&self) -> Option<Rankings> {
        self.backend
            .redis()
            .map(|connection| Rankings { connection })
    }
}

impl Rankings {
    /// Adds or re-times `member` (score: a time in ms) and keeps the key `keep_for` longer.
    pub async fn record(
        &self,
        key: &str,
        member: &str,
        at_ms: i64,
        keep_for: Duration,
    ) -> Result<(), CacheError> {
        let mut conn = self.connection.clone();
        redis::pipe()
            .atomic()
            .cmd("ZADD")
            .arg(key)
            .arg(at_ms)
            .arg(member)
            .ignore()
            .cmd("PEXPIRE")
            .arg(key)
            .arg(millis(keep_for))
            .ignore()
            .query_async::<()>(&mut conn)
            .await
            .map_err(err)
    }

    pub async fn remove(&self, key: &str, member: &str) -> Result<(), CacheError> {
        let mut conn = self.connection.clone();
        redis::cmd("ZREM")
            .arg(key)
            .arg(member)
            .query_async::<()>(&mut conn)
            .await
            .map_err(err)
    }

    /// Drops members older than `since_ms`, then reads the rest with their times. `None` when
    /// the set is not complete (see [`COMPLETE_MARKER`]); the marker itself is not returned.
    pub async fn read_since(
        &self,
        key: &str,
        since_ms: i64,
    ) -> Result<Option<Vec<(String, i64)>>, CacheError> {
        let mut conn = self.connection.clone();
        let ((), members): ((), Vec<(String, f64)>) = redis::pipe()
            .atomic()
            .cmd("ZREMRANGEBYSCORE")
            .arg(key)
            .arg("-inf")
            .arg(format!("({since_ms}"))
            .cmd("ZRANGEBYSCORE")
            .arg(key)
            .arg(since_ms)
            .arg("+inf")
            .arg("WITHSCORES")
            .query_async(&mut conn)
            .await
            .map_err(err)?;
        let complete = members.iter().any(|(m, _)| m == COMPLETE_MARKER);
        if !complete {
            return Ok(None);
        }
        // Times are whole milliseconds, far inside f64's exact integer range.
        #[allow(clippy::cast_possible_truncation)]
        let members = members
            .into_iter()
            .filter(|(m, _)| m != COMPLETE_MARKER)
            .map(|(m, score)| (m, score as i64))
            .collect();
        Ok(Some(members))
    }

    /// Replaces the whole set with `members` (and the completeness marker), atomically.
    pub async fn replace(
        &self,
        key: &str,
        members: &[(String, i64)],
        keep_for: Duration,
    ) -> Result<(), CacheError> {
        let mut conn = self.connection.clone();
        let mut pipe = redis::pipe();
        pipe.atomic().cmd("DEL").arg(key).ignore();
        pipe.cmd("ZADD")
            .arg(key)
            .arg("+inf")
            .arg(COMPLETE_MARKER)
            .ignore();
        for chunk in members.chunks(500) {
            let mut add = redis::cmd("ZADD");
            add.arg(key);
            for (member, at_ms) in chunk {
                add.arg(*at_ms).arg(member);
            }
            pipe.add_command(add).ignore();
        }
        pipe.cmd("PEXPIRE").arg(key).arg(millis(keep_for)).ignore();
        pipe.query_async::<()>(&mut conn).await.map_err(err)
    }
}
