//! Cursor pagination, the same on every list: `?limit=` (1–200, default 50) and
//! `?cursor=` taken from the previous page's `next_cursor`. Cursors are opaque to clients.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

pub fn limit(requested: Option<i64>) -> Result<i64, ApiError> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_request(
            "invalid_query",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// Encodes the id after which the next page continues.
pub fn encode_cursor(last_id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{last_id}"))
}

pub fn decode_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix("v1:").and_then(|id| id.parse().ok()))
        .map(Some)
        .ok_or_else(|| ApiError::bad_request("invalid_cursor", "the cursor is not valid"))
}

/// Splits a `limit + 1` result into the page and the cursor of the next one.
pub fn page<T>(
    mut rows: Vec<T>,
    limit: i64,
    id_of: impl Fn(&T) -> i64,
) -> (Vec<T>, Option<String>) {
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if has_more {
        rows.last().map(|r| encode_cursor(id_of(r)))
    } else {
        None
    };
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(Some(&encode_cursor(42))).unwrap(), Some(42));
        assert_eq!(decode_cursor(None).unwrap(), None);
        assert_eq!(
            decode_cursor(Some("!!")).unwrap_err().code(),
            "invalid_cursor"
        );
        assert_eq!(
            decode_cursor(Some(&URL_SAFE_NO_PAD.encode("v1:x")))
                .unwrap_err()
                .code(),
            "invalid_cursor"
        );
    }

    #[test]
    fn pages_know_whether_more_follow() {
        let (rows, next) = page(vec![5, 4, 3], 2, |r| *r);
        assert_eq!(rows, vec![5, 4]);
        assert_eq!(decode_cursor(next.as_deref()).unwrap(), Some(4));
        let (rows, next) = page(vec![5, 4], 2, |r| *r);
        assert_eq!(rows.len(), 2);
        assert!(next.is_none());
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(201)).is_err());
        assert_eq!(limit(None).unwrap(), 50);
    }
}
