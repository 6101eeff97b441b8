//! The agent's search box over `customer_search` (kept current by triggers).
//!
//! Ranking: an exact identifier (account number, e-mail) first, then phone digits, then
//! full-text word prefixes (ranked by `ts_rank`), then — only when those found nothing —
//! trigram word similarity on names, which forgives typos ("farid hadad"). Each branch is
//! served by its own index; the trigram pass runs second because it is the costly one.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use diesel::PgConnection;

use crate::domain::search::SearchTerms;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, QueryableByName)]
pub struct SearchHit {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub account_number: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub company_name: Option<String>,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub phone: Option<String>,
    #[diesel(sql_type = Double)]
    pub score: f64,
    /// `identifier`, `phone`, `words` or `similar`.
    #[diesel(sql_type = Text)]
    pub matched: String,
}

const PRECISE_SQL: &str = r#"
SELECT c.id, c.account_number, c.name, c.company_name, c.status, c.email, c.phone,
       h.score, h.matched
FROM (
  SELECT DISTINCT ON (customer_id) customer_id, score, matched FROM (
    SELECT customer_id, 3.0::float8 AS score, 'identifier' AS matched
      FROM customer_search WHERE keys @> ARRAY[$1]
    UNION ALL
    SELECT customer_id, 2.0::float8, 'phone'
      FROM customer_search WHERE $2 <> '' AND phones LIKE '%' || $2 || '%'
    UNION ALL
    SELECT customer_id, 1.0 + ts_rank(tsv, to_tsquery('simple', $3))::float8, 'words'
      FROM customer_search WHERE $3 <> '' AND tsv @@ to_tsquery('simple', $3)
  ) hits
  ORDER BY customer_id, score DESC
) h
JOIN customers c ON c.id = h.customer_id
ORDER BY h.score DESC, c.name, c.id
LIMIT $4
"#;

const SIMILAR_SQL: &str = r#"
SELECT c.id, c.account_number, c.name, c.company_name, c.status, c.email, c.phone,
       word_similarity($1, s.names)::float8 AS score, 'similar' AS matched
FROM customer_search s JOIN customers c ON c.id = s.customer_id
WHERE $1 <% s.names
ORDER BY score DESC, c.name, c.id
LIMIT $2
"#;

/// A search may not hold a pooled connection longer than this: an agent retypes long
/// before, and other requests need the connection.
const TIMEOUT_MS: u32 = 2_000;

/// The best `limit` customers for the terms, best first.
pub fn search_customers(
    conn: &mut PgConnection,
    terms: &SearchTerms,
    limit: i64,
) -> ApiResult<Vec<SearchHit>> {
    let searched = conn.transaction(|conn| {
        diesel::sql_query(format!("SET LOCAL statement_timeout = {TIMEOUT_MS}")).execute(conn)?;
        let hits: Vec<SearchHit> = diesel::sql_query(PRECISE_SQL)
            .bind::<Text, _>(&terms.exact)
            .bind::<Text, _>(&terms.digits)
            .bind::<Text, _>(&terms.words)
            .bind::<BigInt, _>(limit)
            .load(conn)?;
        // The typo pass only when nothing matched exactly: it is the costly one.
        if !hits.is_empty() || !terms.digits.is_empty() {
            return Ok(hits);
        }
        diesel::sql_query(SIMILAR_SQL)
            .bind::<Text, _>(&terms.exact)
            .bind::<BigInt, _>(limit)
            .load(conn)
    });
    searched.map_err(|e| match e {
        diesel::result::Error::DatabaseError(_, ref info)
            if info.message().contains("statement timeout") =>
        {
            ApiError::unavailable("the search took too long; type a few more characters")
        }
        other => other.into(),
    })
}
