//! A short memory of "is this token's account still valid?".
//!
//! The access middleware checks on every request that a token's user or API client is
//! still active, still has the token's role, and has not changed credentials since the
//! token was issued. Asking the database each time costs a round trip per request; this
//! cache remembers the answer for a short time (`AUTH_CHECK_CACHE_MS`, default 1 s; 0 turns
//! it off).
//!
//! On this node a change takes effect at once: every change of a user or API client calls
//! [`ValidityCache::credentials_changed`] after it commits, which forgets every answer. An
//! answer read while such a change was in flight is not kept (the epoch moved). Other
//! replicas notice within the time-to-live.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Role, Subject};

/// Forget everything rather than grow past this many entries.
const MAX_ENTRIES: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    pub subject: Subject,
    pub role: Role,
    pub issued_at: i64,
}

struct Entry {
    valid: bool,
    epoch: u64,
    at: Instant,
}

pub struct ValidityCache {
    ttl: Duration,
    epoch: AtomicU64,
    entries: Mutex<HashMap<TokenKey, Entry>>,
}

impl ValidityCache {
    pub fn new(ttl: Duration) -> Self {
        ValidityCache {
            ttl,
            epoch: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Read before asking the database; hand it back to [`ValidityCache::remember`].
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    pub fn lookup(&self, key: &TokenKey) -> Option<bool> {
        self.lookup_at(key, Instant::now())
    }

    fn lookup_at(&self, key: &TokenKey, now: Instant) -> Option<bool> {
        if self.ttl.is_zero() {
            return None;
        }
        let current = self.epoch();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.epoch == current && now.saturating_duration_since(e.at) < self.ttl)
            .map(|e| e.valid)
    }

    /// Keeps an answer read from the database while the epoch was `epoch`.
    pub fn remember(&self, key: TokenKey, valid: bool, epoch: u64) {
        if self.ttl.is_zero() || epoch != self.epoch() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                valid,
                epoch,
                at: Instant::now(),
            },
        );
    }

    /// A user or API client changed (role, active, credentials, deletion): forget all.
    pub fn credentials_changed(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: i64) -> TokenKey {
        TokenKey {
            subject: Subject::User(id),
            role: Role::Agent,
            issued_at: 100,
        }
    }

    #[test]
    fn remembers_within_the_ttl_and_forgets_on_a_change() {
        let cache = ValidityCache::new(Duration::from_secs(60));
        assert_eq!(cache.lookup(&key(1)), None);
        cache.remember(key(1), true, cache.epoch());
        assert_eq!(cache.lookup(&key(1)), Some(true));
        assert_eq!(cache.lookup(&key(2)), None);
        cache.credentials_changed();
        assert_eq!(cache.lookup(&key(1)), None);
    }

    #[test]
    fn an_answer_read_during_a_change_is_not_kept() {
        let cache = ValidityCache::new(Duration::from_secs(60));
        let before = cache.epoch();
        cache.credentials_changed();
        cache.remember(key(1), true, before);
        assert_eq!(cache.lookup(&key(1)), None);
    }

    #[test]
    fn a_zero_ttl_turns_it_off_and_old_answers_expire() {
        let off = ValidityCache::new(Duration::ZERO);
        off.remember(key(1), true, off.epoch());
        assert_eq!(off.lookup(&key(1)), None);
        let short = ValidityCache::new(Duration::from_secs(1));
        short.remember(key(1), true, short.epoch());
        let later = Instant::now() + Duration::from_secs(2);
        assert_eq!(short.lookup_at(&key(1), later), None);
    }
}
