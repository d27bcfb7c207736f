//! The databases and key prefix one run works in, created fresh and removed at the end.

use std::time::Duration;

use crate::config::BenchConfig;
use crate::Fallible;

/// A run's own MariaDB and PostgreSQL databases, MongoDB database and Redis key prefix.
pub struct Resources {
    pub name: String,
    config: BenchConfig,
    pub mysql_url: String,
    pub postgres_url: String,
    pub mongodb_uri: String,
    pub mongodb_database: String,
    pub redis_url: String,
    pub redis_prefix: String,
}

impl Resources {
    pub async fn create(config: &BenchConfig) -> Fallible<Self> {
        let name = format!("mvbench_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::MySqlPool::connect(&config.mysql_url).await?;
        sqlx::query(&format!(
            "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        ))
        .execute(&admin)
        .await?;
        admin.close().await;
        let resources = Self {
            mysql_url: with_database(&config.mysql_url, &name)?,
            postgres_url: with_database(&config.postgres_url, &name)?,
            mongodb_uri: config.mongodb_uri.clone(),
            mongodb_database: name.clone(),
            redis_url: config.redis_url.clone(),
            redis_prefix: format!("{name}:"),
            config: config.clone(),
            name,
        };
        // From here on, `remove` undoes whatever part was made.
        if let Err(error) = resources.create_postgres().await {
            resources.remove().await;
            return Err(error);
        }
        Ok(resources)
    }

    async fn create_postgres(&self) -> Fallible<()> {
        let admin = sqlx::PgPool::connect(&self.config.postgres_url).await?;
        sqlx::query(&format!("CREATE DATABASE {}", self.name))
            .execute(&admin)
            .await?;
        admin.close().await;
        Ok(())
    }

    /// Drops every database and deletes every key of this run; failures are reported, not fatal.
    pub async fn remove(&self) {
        let steps: [(&str, Fallible<()>); 4] = [
            ("MariaDB database", self.drop_mysql().await),
            ("PostgreSQL database", self.drop_postgres().await),
            ("MongoDB database", self.drop_mongo().await),
            ("Redis keys", self.delete_redis_keys().await),
        ];
        for (what, outcome) in steps {
            if let Err(error) = outcome {
                eprintln!("bench: could not remove the {what} {}: {error}", self.name);
            }
        }
    }

    async fn drop_mysql(&self) -> Fallible<()> {
        let admin = sqlx::MySqlPool::connect(&self.config.mysql_url).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {}", self.name))
            .execute(&admin)
            .await?;
        admin.close().await;
        Ok(())
    }

    async fn drop_postgres(&self) -> Fallible<()> {
        let admin = sqlx::PgPool::connect(&self.config.postgres_url).await?;
        // FORCE: a pool of a function process we killed may still hold a session.
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&admin)
        .await?;
        admin.close().await;
        Ok(())
    }

    async fn drop_mongo(&self) -> Fallible<()> {
        let client = mongodb::Client::with_uri_str(&self.mongodb_uri).await?;
        tokio::time::timeout(
            Duration::from_secs(10),
            client.database(&self.mongodb_database).drop(),
        )
        .await??;
        Ok(())
    }

    async fn delete_redis_keys(&self) -> Fallible<()> {
        let client = redis::Client::open(self.redis_url.as_str())?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        let pattern = format!("{}*", self.redis_prefix);
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut conn)
                .await?;
            if !keys.is_empty() {
                redis::cmd("DEL")
                    .arg(&keys)
                    .query_async::<()>(&mut conn)
                    .await?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }
}

fn with_database(url: &str, database: &str) -> Fallible<String> {
    let mut parsed = url::Url::parse(url)?;
    parsed.set_path(&format!("/{database}"));
    Ok(parsed.to_string())
}
