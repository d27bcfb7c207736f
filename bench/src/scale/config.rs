//! The scale run's settings, from the environment (`bench/scale.sh` documents each knob). The
//! defaults are the sizes of issue #21: TMDB's catalog, and reviews with one very reviewed movie
//! and one very prolific user.

use std::path::PathBuf;

use crate::Fallible;

/// Bumped whenever the generator changes what it writes: data of another version is not reused.
pub const GENERATOR_VERSION: u32 = 1;
/// The seed of every generated value.
pub const SEED: u64 = 0x4D6F_7669_6556_6572;
/// The MariaDB database the reviews are generated into (created, never dropped, by this bench).
pub const MYSQL_DATABASE: &str = "movieverse_scale";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub movies: u64,
    pub people: u64,
    pub users: u64,
    pub reviews: u64,
    /// Reviews of the most reviewed movie ([`crate::plan::BIG_MOVIE`]).
    pub big_movie_reviews: u64,
    /// Reviews by the most prolific user ([`crate::plan::HEAVY_USER`]).
    pub heavy_user_reviews: u64,
    /// Ratings of the user recommendations are measured for ([`crate::plan::RATER`]).
    pub rater_reviews: u64,
}

impl Sizes {
    /// A name for the data generated at these sizes by this generator version.
    pub fn key(&self) -> String {
        format!(
            "v{GENERATOR_VERSION}-m{}-p{}-u{}-r{}-b{}-h{}-s{}",
            self.movies,
            self.people,
            self.users,
            self.reviews,
            self.big_movie_reviews,
            self.heavy_user_reviews,
            self.rater_reviews
        )
    }
}

pub struct Config {
    pub sizes: Sizes,
    /// Where the embedded catalog of each size is kept (`<dir>/<sizes key>/movieverse.db`).
    pub data_root: PathBuf,
    /// The MariaDB server (any database in the path is ignored: [`MYSQL_DATABASE`] is used).
    pub mysql_server: String,
    /// Timed requests per route, after `warmup` untimed ones.
    pub requests: usize,
    pub warmup: usize,
    /// Only routes whose label contains this text (empty: all).
    pub only: String,
}

impl Config {
    pub fn from_env() -> Fallible<Self> {
        let sizes = Sizes {
            movies: number("SCALE_MOVIES", 1_000_000)?,
            people: number("SCALE_PEOPLE", 1_000_000)?,
            users: number("SCALE_USERS", 250_000)?,
            reviews: number("SCALE_REVIEWS", 5_000_000)?,
            big_movie_reviews: number("SCALE_BIG_MOVIE_REVIEWS", 200_000)?,
            heavy_user_reviews: number("SCALE_HEAVY_USER_REVIEWS", 5_000)?,
            rater_reviews: number("SCALE_RATER_REVIEWS", 500)?,
        };
        if sizes.movies < 1_000 || sizes.people < 1_000 || sizes.users < 10 {
            return Err(
                "SCALE_MOVIES and SCALE_PEOPLE must be at least 1000, SCALE_USERS 10".into(),
            );
        }
        if sizes.heavy_user_reviews + sizes.rater_reviews > sizes.movies / 2 {
            return Err("the heavy user's and the rater's reviews need more movies".into());
        }
        let fixed = sizes.big_movie_reviews + sizes.heavy_user_reviews + sizes.rater_reviews;
        if fixed > sizes.reviews {
            return Err(
                "SCALE_REVIEWS is smaller than the reviews of the special movie and users".into(),
            );
        }
        Ok(Self {
            sizes,
            data_root: std::env::var("SCALE_DATA_DIR")
                .map_or_else(|_| PathBuf::from("target/scale-data"), PathBuf::from),
            mysql_server: std::env::var("SCALE_MYSQL_URL")
                .or_else(|_| std::env::var("MV_MYSQL_URL"))
                .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/mysql".into()),
            requests: usize::try_from(number("SCALE_REQUESTS", 40)?)?.max(1),
            warmup: usize::try_from(number("SCALE_WARMUP", 3)?)?,
            only: std::env::var("SCALE_ONLY").unwrap_or_default(),
        })
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data_root.join(self.sizes.key())
    }

    /// The MariaDB URL of [`MYSQL_DATABASE`] on the configured server.
    pub fn mysql_url(&self) -> Fallible<String> {
        let mut url = url::Url::parse(&self.mysql_server)?;
        url.set_path(&format!("/{MYSQL_DATABASE}"));
        Ok(url.to_string())
    }

    /// The configured server's own database, to create [`MYSQL_DATABASE`] from.
    pub fn mysql_admin_url(&self) -> Fallible<String> {
        let mut url = url::Url::parse(&self.mysql_server)?;
        url.set_path("/mysql");
        Ok(url.to_string())
    }
}

fn number(name: &str, default: u64) -> Fallible<u64> {
    match std::env::var(name) {
        Ok(text) => text
            .replace('_', "")
            .parse()
            .map_err(|e| format!("{name}={text}: {e}").into()),
        Err(_) => Ok(default),
    }
}
