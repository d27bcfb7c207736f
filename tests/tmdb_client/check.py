"""Reads MovieVerse through tmdbsimple, a TMDB v3 client library, unchanged but for its base URL.

Run by the Rust test `tmdb_client::tmdbsimple_reads_movieverse_as_tmdb` against the deployed-shape
API on the bundled sample catalog:

    MOVIEVERSE_TMDB_BASE=http://127.0.0.1:PORT/3 .venv/bin/python tests/tmdb_client/check.py

Every call goes through the library; the checks are on values an app would show. Exits non-zero
on the first failed check, naming it.
"""

import os
import sys

import requests
import tmdbsimple as tmdb

BASE = os.environ["MOVIEVERSE_TMDB_BASE"]

# The one change that moves a tmdbsimple app to MovieVerse: tmdbsimple builds its base URL in
# TMDB.__init__, so the URL is set there. Any key is accepted (and ignored).
_tmdb_init = tmdb.base.TMDB.__init__


def _movieverse_init(self, *args, **kwargs):
    _tmdb_init(self, *args, **kwargs)
    self.base_uri = BASE


tmdb.base.TMDB.__init__ = _movieverse_init
tmdb.API_KEY = "any-key-movieverse-ignores-it"
tmdb.REQUESTS_TIMEOUT = 20

checked = []


def check(name, condition, detail=""):
    if not condition:
        print(f"FAILED: {name} {detail}", file=sys.stderr)
        sys.exit(1)
    checked.append(name)


def tmdb_error(call):
    """The HTTP status and TMDB status code of a call that must fail."""
    try:
        call()
    except requests.HTTPError as error:
        body = error.response.json()
        return error.response.status_code, body.get("status_code"), body.get("success")
    return None


# --- a movie and its parts --------------------------------------------------------------------
movie = tmdb.Movies(550)
info = movie.info(
    language="en-US",
    append_to_response="credits,keywords,external_ids,similar,recommendations,reviews,release_dates",
)
check("movie title", movie.title == "Fight Club", movie.title)
check("movie runtime", movie.runtime == 139, movie.runtime)
check("movie release date", movie.release_date == "1999-10-15", movie.release_date)
check("movie imdb id", movie.imdb_id == "tt0137523", movie.imdb_id)
check("movie genres", [g["name"] for g in movie.genres] == ["Drama"], movie.genres)
directors = [c["name"] for c in info["credits"]["crew"] if c["job"] == "Director"]
check("appended credits: director", directors == ["David Fincher"], directors)
check("appended credits: billing", info["credits"]["cast"][1]["character"] == "Tyler Durden")
check("appended keywords", "support group" in [k["name"] for k in info["keywords"]["keywords"]])
check("appended external ids", info["external_ids"]["imdb_id"] == "tt0137523")
check("appended similar", info["similar"]["total_results"] > 0 and info["similar"]["page"] == 1)
check("appended recommendations", info["recommendations"]["results"] == info["similar"]["results"])
check("appended reviews", info["reviews"]["results"] == [])
check("appended release dates", info["release_dates"] == {"results": []})

credits = movie.credits()
check("credits", credits["id"] == 550 and credits["cast"][0]["name"] == "Edward Norton")
check("credits director", any(c["name"] == "David Fincher" and c["job"] == "Director" for c in movie.crew))
keywords = movie.keywords()
check("keywords", any(k["name"] == "support group" for k in keywords["keywords"]))
external = movie.external_ids()
check("external ids", external["imdb_id"] == "tt0137523" and external["id"] == 550)
similar = movie.similar_movies()
check("similar", similar["total_results"] > 0 and 550 not in [m["id"] for m in similar["results"]])
check("similar items", all("overview" in m and "genre_ids" in m for m in similar["results"]))
recommendations = movie.recommendations(page=1)
check("recommendations", recommendations["results"] == similar["results"])
reviews = movie.reviews()
check("reviews", reviews["id"] == 550 and reviews["total_results"] == 0)
release_dates = movie.release_dates()
check("release dates", release_dates == {"id": 550, "results": []})

# --- lists ------------------------------------------------------------------------------------
lists = tmdb.Movies()
popular = lists.popular(page=1, region="US")
check("popular paging", popular["page"] == 1 and len(popular["results"]) == 20, popular["total_results"])
check("popular total", popular["total_results"] == 151, popular["total_results"])
check("popular order", popular["results"][0]["title"] == "Dune: Part Two", popular["results"][0]["title"])
last = lists.popular(page=8)
check("popular last page", len(last["results"]) == 11 and last["total_pages"] == 8)
top = lists.top_rated()
check("top rated", [m["vote_average"] for m in top["results"]] == sorted((m["vote_average"] for m in top["results"]), reverse=True))
now_playing = lists.now_playing()
check("now playing", "dates" in now_playing and "results" in now_playing)
upcoming = lists.upcoming()
check("upcoming", upcoming["dates"]["minimum"] > now_playing["dates"]["maximum"])
for window in ("day", "week"):
    trending = tmdb.Trending(media_type="movie", time_window=window).info()
    check(f"trending {window}", trending["results"] and all(m["media_type"] == "movie" for m in trending["results"]))

# --- discover -----------------------------------------------------------------------------------
discover = tmdb.Discover()
crime_dramas = discover.movie(with_genres="18,80", sort_by="vote_average.desc")
check("discover all genres", crime_dramas["total_results"] > 0)
check(
    "discover genres of a page",
    all({18, 80} <= set(m["genre_ids"]) for m in crime_dramas["results"]),
)
check("discover sort", crime_dramas["results"][0]["title"] == "The Shawshank Redemption", crime_dramas["results"][0]["title"])
either = discover.movie(with_genres="16|10402")
check("discover any genre", all({16, 10402} & set(m["genre_ids"]) for m in either["results"]))
nineties = discover.movie(**{"primary_release_date.gte": "1990-01-01", "primary_release_date.lte": "1999-12-31"})
check("discover dates", all("1990" <= m["release_date"] <= "1999-12-31" for m in nineties["results"]))
year = discover.movie(primary_release_year=1999, with_original_language="en")
check("discover year", 550 in [m["id"] for m in year["results"]] and all(m["release_date"].startswith("1999") for m in year["results"]))
check("discover language", all(m["original_language"] == "en" for m in year["results"]))
acclaimed = discover.movie(**{"vote_average.gte": 8.5, "vote_count.gte": 1000})
check("discover votes", all(m["vote_average"] >= 8.5 and m["vote_count"] >= 1000 for m in acclaimed["results"]))
pitt = discover.movie(with_cast=287, sort_by="primary_release_date.asc")
check("discover cast", [m["id"] for m in pitt["results"]] == [807, 550, 16869], [m["id"] for m in pitt["results"]])
fincher = discover.movie(with_crew=7467)
check("discover crew", {807, 550} <= {m["id"] for m in fincher["results"]})
both = discover.movie(with_people="287,7467")
check("discover people", {m["id"] for m in both["results"]} == {807, 550})

# --- search -----------------------------------------------------------------------------------
search = tmdb.Search()
found = search.movie(query="fight club", include_adult=False)
check("search movie", search.results[0]["id"] == 550 and found["total_results"] >= 1)
found = search.movie(query="seven", year=1954)
check("search movie year", [m["id"] for m in found["results"]] == [346], found["results"])
found = search.movie(query="seventh seal", primary_release_year=1957)
check("search movie primary year", [m["id"] for m in found["results"]] == [490])
people = search.person(query="brad pitt")
check("search person", people["results"][0]["id"] == 287 and people["results"][0]["name"] == "Brad Pitt")
multi = search.multi(query="fincher")
check("search multi person", any(r["media_type"] == "person" and r["id"] == 7467 for r in multi["results"]))
multi = search.multi(query="fight club")
check("search multi movie", any(r["media_type"] == "movie" and r["id"] == 550 for r in multi["results"]))

# --- people -----------------------------------------------------------------------------------
person = tmdb.People(287)
details = person.info(append_to_response="movie_credits,external_ids")
check("person", person.name == "Brad Pitt" and details["id"] == 287)
roles = {c["id"]: c["character"] for c in details["movie_credits"]["cast"]}
check("person appended credits", roles.get(550) == "Tyler Durden", roles)
check("person appended external ids", "imdb_id" in details["external_ids"])
credits = person.movie_credits()
fight_club = [c for c in credits["cast"] if c["id"] == 550]
check("person credits", fight_club and fight_club[0]["title"] == "Fight Club" and fight_club[0]["genre_ids"] == [18])
directing = tmdb.People(7467).movie_credits()
check("person crew credits", {c["id"] for c in directing["crew"] if c["job"] == "Director"} >= {550, 807})
check("person external ids", person.external_ids()["id"] == 287)
popular_people = tmdb.People().popular()
check("popular people", popular_people["page"] == 1 and len(popular_people["results"]) == 20)

# --- genres and configuration -----------------------------------------------------------------
genres = tmdb.Genres().movie_list(language="en")
check("genres", len(genres["genres"]) == 19 and {"id": 18, "name": "Drama"} in genres["genres"])
configuration = tmdb.Configuration()
images = configuration.info()["images"]
check("configuration", images["secure_base_url"].startswith("https://") and "w500" in images["poster_sizes"])
languages = configuration.languages()
check("languages", {"iso_639_1": "en", "english_name": "English", "name": "English"} in languages)

# --- find by external id -------------------------------------------------------------------------
found = tmdb.Find("tt0137523").info(external_source="imdb_id")
check("find by imdb id", [m["id"] for m in found["movie_results"]] == [550], found)
check("find movie item", found["movie_results"][0]["title"] == "Fight Club" and found["tv_results"] == [])
nothing = tmdb.Find("Q1").info(external_source="wikidata_id")
check("find nothing", nothing["movie_results"] == [] and nothing["person_results"] == [])
check("find without source", tmdb_error(lambda: tmdb.Find("tt0137523").info()) == (422, 5, False))

# --- errors in TMDB's shape -----------------------------------------------------------------------
check("unknown movie", tmdb_error(lambda: tmdb.Movies(999999999).info()) == (404, 34, False))
check("invalid movie id", tmdb_error(lambda: tmdb.Movies(0).info()) == (404, 6, False))
check("unknown person", tmdb_error(lambda: tmdb.People(999999999).info()) == (404, 34, False))
check("page 0", tmdb_error(lambda: tmdb.Movies().popular(page=0)) == (400, 22, False))
check("page 501", tmdb_error(lambda: tmdb.Discover().movie(page=501)) == (400, 22, False))
check("tv", tmdb_error(lambda: tmdb.TV(1399).info()) == (404, 34, False))
check("collection", tmdb_error(lambda: tmdb.Collections(10).info()) == (404, 34, False))
check("operator injection", tmdb_error(lambda: tmdb.Discover().movie(with_genres='{"$gt":0}')) == (422, 5, False))

# --- a v4 read token as Bearer, instead of api_key --------------------------------------------------
tmdb.USE_BEARER_AUTH = True
check("bearer", tmdb.Movies(550).info()["runtime"] == 139)

print(f"tmdbsimple {tmdb.__version__}: {len(checked)} checks passed")
