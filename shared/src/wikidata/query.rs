//! The SPARQL the awards import sends. Ids enter as `VALUES` of quoted decimal literals built
//! from typed ids, so nothing but digits is ever spliced into a query.

use crate::domain::{MovieId, PersonId, AWARD_BODIES};

fn values(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| format!("\"{id}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Wikidata items of movies (P4947, TMDB movie id): rows `?tmdb ?item`.
pub fn movie_items_query(ids: &[MovieId]) -> String {
    format!(
        "SELECT ?tmdb ?item WHERE {{ VALUES ?tmdb {{ {} }} ?item wdt:P4947 ?tmdb . }}",
        values(ids.iter().map(|id| id.get()))
    )
}

/// The Wikidata items of people (P4985, TMDB person id): rows `?tmdb ?item`.
pub fn person_items_query(ids: &[PersonId]) -> String {
    format!(
        "SELECT ?tmdb ?item WHERE {{ VALUES ?tmdb {{ {} }} ?item wdt:P4985 ?tmdb . }}",
        values(ids.iter().map(|id| id.get()))
    )
}

/// The wins (P166) and nominations (P1411) of movies, from the award bodies MovieVerse knows,
/// with their qualifiers (P585 point in time, else the ceremony's; P805 the ceremony) and the
/// people (P4985) whose own statement names the film (P1686 for work). Rows: `?tmdb ?award
/// ?awardLabel ?body ?outcome ?time ?ceremonyLabel ?person`.
pub fn award_query(ids: &[MovieId]) -> String {
    let bodies = AWARD_BODIES
        .iter()
        .map(|(_, _, item)| format!("wd:{item}"))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        r#"SELECT ?tmdb ?award ?awardLabel ?body ?outcome ?time ?ceremonyLabel ?person WHERE {{
  VALUES ?tmdb {{ {ids} }}
  VALUES ?body {{ {bodies} }}
  ?film wdt:P4947 ?tmdb .
  {{ ?film p:P166 ?statement . ?statement ps:P166 ?award . BIND("won" AS ?outcome) }}
  UNION
  {{ ?film p:P1411 ?statement . ?statement ps:P1411 ?award . BIND("nominated" AS ?outcome) }}
  ?award wdt:P31|wdt:P361|wdt:P1027 ?body .
  OPTIONAL {{ ?statement pq:P805 ?ceremony . OPTIONAL {{ ?ceremony wdt:P585 ?ceremonyTime }} }}
  OPTIONAL {{ ?statement pq:P585 ?statementTime }}
  BIND(COALESCE(?statementTime, ?ceremonyTime) AS ?time)
  OPTIONAL {{
    ?recipient p:P166|p:P1411 ?personStatement .
    ?personStatement ps:P166|ps:P1411 ?award ; pq:P1686 ?film .
    ?recipient wdt:P4985 ?person .
  }}
  SERVICE wikibase:label {{ bd:serviceParam wikibase:language "en". }}
}}"#,
        ids = values(ids.iter().map(|id| id.get())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_enter_as_quoted_digits() {
        let ids = [
            MovieId::new(550).expect("id"),
            MovieId::new(13).expect("id"),
        ];
        let query = award_query(&ids);
        assert!(query.contains("VALUES ?tmdb { \"550\" \"13\" }"));
        assert!(query.contains("wd:Q19020"));
        assert!(movie_items_query(&ids).contains("wdt:P4947"));
    }
}
