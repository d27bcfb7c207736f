//! Every public read route the issue names, with the request that exercises it and its target.

use crate::config::Sizes;
use crate::plan::{user_id, BIG_MOVIE, HEAVY_USER};
use crate::synth::scatter;
use crate::words::{RARE_NAME, RARE_TITLE_WORD};

/// The targets of issue #21, on a cache miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Lists, discover, search (and a user's reviews, a list): 50 ms.
    List,
    /// A movie's reviews at any depth: 10 ms.
    Reviews,
    /// Recommendations for a user on a miss: 250 ms.
    Recommendations,
}

impl Target {
    pub fn millis(self) -> f64 {
        match self {
            Self::List => 50.0,
            Self::Reviews => 10.0,
            Self::Recommendations => 250.0,
        }
    }
}

pub struct Route {
    pub label: String,
    pub path: String,
    pub target: Target,
    /// Sent signed in as the rater (recommendations).
    pub signed_in: bool,
}

fn route(label: &str, path: String, target: Target) -> Route {
    Route {
        label: label.to_string(),
        path,
        target,
        signed_in: false,
    }
}

/// The routes, in the order the table shows them.
pub fn all(sizes: &Sizes) -> Vec<Route> {
    use Target::{List, Reviews};
    // The most credited person (first rank), and one credited in a movie or two (last rank).
    let prolific = scatter(0, sizes.people);
    let rare_person = scatter(sizes.people - 1, sizes.people);
    let mid_movie = sizes.movies / 2;
    let heavy = user_id(HEAVY_USER);
    let heavy_last_page = sizes.heavy_user_reviews.div_ceil(100).clamp(1, 500);
    let mut routes = vec![
        route("popular p1", "/movies/popular".into(), List),
        route("popular p500", "/movies/popular?page=500".into(), List),
        route("top rated p1", "/movies/top-rated".into(), List),
        route("top rated p500", "/movies/top-rated?page=500".into(), List),
        route("trending day", "/movies/trending?window=day".into(), List),
        route("trending week", "/movies/trending?window=week".into(), List),
    ];
    for sort in [
        "popularity.desc",
        "release_date.desc",
        "release_date.asc",
        "rating.desc",
        "title.asc",
    ] {
        routes.push(route(
            &format!("discover sort={sort} p1"),
            format!("/movies?sort={sort}"),
            List,
        ));
        routes.push(route(
            &format!("discover sort={sort} p500"),
            format!("/movies?sort={sort}&page=500"),
            List,
        ));
    }
    let filters: [(&str, String); 14] = [
        ("genres=18 (drama, 42%)", "genres=18".into()),
        ("genres=37 (western, 1%)", "genres=37".into()),
        ("genres=18,35 (all of)", "genres=18,35".into()),
        ("genres=27|53 (any of)", "genres=27%7C53".into()),
        ("year=2015", "year=2015".into()),
        (
            "release_date range",
            "release_date_gte=1990-01-01&release_date_lte=1999-12-31".into(),
        ),
        ("min_rating=8", "min_rating=8".into()),
        ("min_votes=1000", "min_votes=1000".into()),
        ("language=fr", "language=fr".into()),
        ("language=sv", "language=sv".into()),
        ("with_people=prolific", format!("with_people={prolific}")),
        ("with_people=rare", format!("with_people={rare_person}")),
        (
            "awards_won=academy-awards",
            "awards_won=academy-awards".into(),
        ),
        (
            "awards_nominated=academy-awards",
            "awards_nominated=academy-awards".into(),
        ),
    ];
    for (label, query) in filters {
        routes.push(route(
            &format!("discover {label}"),
            format!("/movies?{query}"),
            List,
        ));
    }
    for (label, query) in [
        ("genres=18 sort=rating.desc", "genres=18&sort=rating.desc"),
        (
            "genres=18 sort=title.asc p500",
            "genres=18&sort=title.asc&page=500",
        ),
        (
            "language=fr sort=release_date.desc",
            "language=fr&sort=release_date.desc",
        ),
        (
            "genres=99 year=2015 min_votes=10",
            "genres=99&year=2015&min_votes=10",
        ),
        (
            "min_rating=7 sort=release_date.asc p500",
            "min_rating=7&sort=release_date.asc&page=500",
        ),
    ] {
        routes.push(route(
            &format!("discover {label}"),
            format!("/movies?{query}"),
            List,
        ));
    }
    routes.extend([
        route(
            "search q=the p1 (common)",
            "/movies/search?q=the".into(),
            List,
        ),
        route(
            "search q=the p500",
            "/movies/search?q=the&page=500".into(),
            List,
        ),
        route("search q=love p1", "/movies/search?q=love".into(), List),
        route(
            "search q=the+last p1 (two common)",
            "/movies/search?q=the+last".into(),
            List,
        ),
        route(
            &format!("search q={RARE_TITLE_WORD} (rare)"),
            format!("/movies/search?q={RARE_TITLE_WORD}"),
            List,
        ),
        route(
            "search q=love year=2015",
            "/movies/search?q=love&year=2015".into(),
            List,
        ),
        route(
            "similar (most reviewed movie)",
            format!("/movies/{BIG_MOVIE}/similar"),
            List,
        ),
        route(
            "similar (a mid-catalog movie)",
            format!("/movies/{mid_movie}/similar"),
            List,
        ),
        route("genres", "/genres".into(), List),
        route("people popular p1", "/people/popular".into(), List),
        route(
            "people popular p500",
            "/people/popular?page=500".into(),
            List,
        ),
        route(
            "people search q=john p1 (common)",
            "/people/search?q=john".into(),
            List,
        ),
        route(
            "people search q=john p500",
            "/people/search?q=john&page=500".into(),
            List,
        ),
        route(
            &format!("people search q={RARE_NAME} (rare)"),
            format!("/people/search?q={RARE_NAME}"),
            List,
        ),
    ]);
    for sort in ["newest", "oldest", "rating.desc", "rating.asc"] {
        routes.push(route(
            &format!("movie reviews {sort} p1"),
            format!("/movies/{BIG_MOVIE}/reviews?sort={sort}"),
            Reviews,
        ));
        routes.push(route(
            &format!("movie reviews {sort} p500 x100 (offset 49,900)"),
            format!("/movies/{BIG_MOVIE}/reviews?sort={sort}&page=500&page_size=100"),
            Reviews,
        ));
    }
    // Past the deepest numbered page: a cursor after the middle of the id range (ids grow with
    // time, so about half of the big movie's reviews lie on either side of it).
    let middle = (sizes.reviews / 2).max(1);
    for cursor in [
        format!("newest.{middle}"),
        format!("rating.desc.5.{middle}"),
    ] {
        routes.push(route(
            &format!("movie reviews x100 by cursor {cursor} (mid-list)"),
            format!("/movies/{BIG_MOVIE}/reviews?cursor={cursor}&page_size=100"),
            Reviews,
        ));
    }
    routes.extend([
        route(
            "movie reviews, a movie with few",
            format!("/movies/{mid_movie}/reviews"),
            Reviews,
        ),
        route(
            "user reviews p1 (heavy user)",
            format!("/users/{heavy}/reviews"),
            List,
        ),
        route(
            &format!("user reviews p{heavy_last_page} x100 (heavy user)"),
            format!("/users/{heavy}/reviews?page={heavy_last_page}&page_size=100"),
            List,
        ),
        Route {
            label: format!("recommendations ({} ratings)", sizes.rater_reviews),
            path: "/me/recommendations".into(),
            target: Target::Recommendations,
            signed_in: true,
        },
    ]);
    routes
}
