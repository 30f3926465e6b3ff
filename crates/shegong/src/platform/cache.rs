//! In-process caches that stay correct when several app nodes share one database.
//!
//! The database keeps one row of counters, `data_version` (migration 0017): triggers bump a
//! counter in the same transaction as every write to the tables it covers (`access`: users,
//! roles, role permissions and units, user roles; `units`: org units; `departments`). Each
//! request reads that row in the one statement that checks its session ([`DataVersions`] on the
//! signed-in user), and a cache entry is used only when it was loaded at the versions the request
//! read. A change made on any node is therefore seen on the very next request on every node; the
//! caches only save the statements that would load the same rows again.
//!
//! Both caches are bounded: when full, entries of older versions go first, then everything.
//!
//! Sessions are the one exception to "seen on the very next request": reading the session row is
//! the one statement every signed-in request costs, so a session checked against the database is
//! believed for `security.session_recheck_ms` (1 s) as long as this process has written nothing
//! meanwhile ([`Sessions`], [`crate::platform::db::Db::writes`]). Expiry is still checked on every
//! request; a sign-out, a revoked token or a disabled account written through this process is seen
//! at once, one written by another node or the command line within that time.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use sea_orm::DbErr;

use crate::platform::access::{CurrentUser, UserAccess};

/// The `data_version` counters as read with the session. 0 means unknown (no row): nothing
/// tagged with an unknown version is ever cached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DataVersions {
    pub access: i64,
    pub units: i64,
    pub departments: i64,
}

impl DataVersions {
    /// What a signed-in user's roles, permissions, unit and scope depend on.
    pub fn access_tag(&self) -> Option<(i64, i64)> {
        (self.access > 0 && self.units > 0).then_some((self.access, self.units))
    }
}

/// A bounded map whose entries are tagged with the data version they were loaded at.
pub struct Versioned<K, T, V: ?Sized> {
    map: RwLock<HashMap<K, (T, Arc<V>)>>,
    capacity: usize,
}

impl<K: Eq + Hash, T: Eq + Copy, V: ?Sized> Versioned<K, T, V> {
    pub fn new(capacity: usize) -> Self {
        Versioned { map: RwLock::new(HashMap::new()), capacity: capacity.max(1) }
    }

    /// The entry for `key` if it was loaded at version `tag`.
    pub fn get(&self, key: &K, tag: T) -> Option<Arc<V>> {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        map.get(key).filter(|(t, _)| *t == tag).map(|(_, v)| v.clone())
    }

    /// Stores a value loaded at version `tag` (read before the value was loaded, so that the
    /// value is at least as new as its tag).
    pub fn put(&self, key: K, tag: T, value: Arc<V>) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.capacity && !map.contains_key(&key) {
            map.retain(|_, (t, _)| *t == tag);
            if map.len() >= self.capacity {
                map.clear();
            }
        }
        map.insert(key, (tag, value));
    }

    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

type AnyList = dyn Any + Send + Sync;

/// Small lists shown in pickers (units inside a scope, departments), cached by the data
/// version of the table they come from. Domains provide typed wrappers on their public face
/// (`units::picker`, `orgs::department_picker`).
pub struct Lists {
    inner: Versioned<(&'static str, String), i64, AnyList>,
}

impl Lists {
    pub fn new(capacity: usize) -> Self {
        Lists { inner: Versioned::new(capacity) }
    }

    /// The list `name` for `key` (e.g. a scope) at data version `version`, loaded with `load`
    /// when the cache holds none of that version. `version` 0 (unknown) always loads. Errors are
    /// never kept.
    pub async fn get_or_load<T, E, F, Fut>(
        &self,
        name: &'static str,
        key: String,
        version: i64,
        load: F,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let k = (name, key);
        if version > 0 {
            if let Some(hit) = self.inner.get(&k, version).and_then(|v| v.downcast::<T>().ok()) {
                return Ok(hit);
            }
        }
        let value = Arc::new(load().await?);
        if version > 0 {
            let any: Arc<AnyList> = value.clone();
            self.inner.put(k, version, any);
        }
        Ok(value)
    }

    pub fn len(&self) -> usize {
        self.inner.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

/// Signed-in users by id, tagged with the `access` and `units` versions they were loaded at.
pub type AccessCache = Versioned<i64, (i64, i64), UserAccess>;

/// A session as the database last showed it: the signed-in user and the times its expiry is
/// judged by.
#[derive(Debug)]
pub struct CheckedSession {
    pub user: Arc<CurrentUser>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// When a session was read, the write count before it was read, and what was read.
type SessionEntry = (Instant, u64, Arc<CheckedSession>);

/// Sessions by token hash, each with when it was read and the process's write count before it was
/// read ([`crate::platform::db::Db::writes`]).
pub struct Sessions {
    map: RwLock<HashMap<String, SessionEntry>>,
    capacity: usize,
}

impl Sessions {
    pub fn new(capacity: usize) -> Self {
        Sessions { map: RwLock::new(HashMap::new()), capacity: capacity.max(1) }
    }

    /// The session read no longer than `max_age` ago, when nothing was written since (`writes` is
    /// the count now).
    pub fn get(&self, token_hash: &str, writes: u64, max_age: Duration) -> Option<Arc<CheckedSession>> {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        let (at, w, v) = map.get(token_hash)?;
        (*w == writes && at.elapsed() < max_age).then(|| v.clone())
    }

    /// Keeps a session read from the database; `writes` is the count taken before it was read.
    pub fn put(&self, token_hash: String, writes: u64, session: Arc<CheckedSession>) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.capacity && !map.contains_key(&token_hash) {
            map.retain(|_, (_, w, _)| *w == writes);
            if map.len() >= self.capacity {
                map.clear();
            }
        }
        map.insert(token_hash, (Instant::now(), writes, session));
    }

    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Indicator values by (indicator group, period, unit path, scope key), tagged with the `records`,
/// `access` and `units` data versions they were computed at (see `review/figures.rs`).
pub type IndicatorCache =
    Versioned<(&'static str, crate::platform::period::Period, String, String), (i64, i64, i64), Vec<Option<i64>>>;

/// The counters the figures depend on (migrations 0017 and 0025), read in one primary-key
/// statement before any figure is taken from a cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct Versions {
    /// Bumped by every change to a register an indicator or a figures page reads.
    pub records: i64,
    /// When `records` was last bumped (seconds since 1970, UTC); 0: never since the migration.
    pub records_at: i64,
    /// Users, roles and their units (scopes, permissions, the user register's indicator).
    pub access: i64,
    /// Org units.
    pub units: i64,
}

impl Versions {
    /// The time of the last change to the records, if known.
    pub fn changed_at(&self) -> Option<DateTime<Utc>> {
        use chrono::TimeZone;
        (self.records_at > 0).then(|| Utc.timestamp_opt(self.records_at, 0).single()).flatten()
    }

    /// The tag of a cached figure: every counter it depends on; `None` (never cached) when the
    /// database has no `records` counter yet.
    pub fn tag(&self) -> Option<(i64, i64, i64)> {
        (self.records > 0).then_some((self.records, self.access, self.units))
    }
}

/// Reads the counters the figures depend on (one statement).
pub async fn versions<C: sea_orm::ConnectionTrait>(c: &C) -> Result<Versions, DbErr> {
    use sea_orm::FromQueryResult;
    Ok(Versions::find_by_statement(crate::platform::db::sql(
        c.get_database_backend(),
        "SELECT records, records_at, access, units FROM data_version WHERE id = 1",
        vec![],
    ))
    .one(c)
    .await?
    .unwrap_or_default())
}

/// What a figures page computed, by (page, user id, query), tagged with the `records`, `access`
/// and `units` versions it was computed at.
pub type PageCache = Versioned<(&'static str, i64, String), (i64, i64, i64), AnyList>;

/// Figures pages × users × queries kept (each a page's numbers: a few KB at most).
const PAGE_ENTRIES: usize = 4_096;

/// The figures of a page for a user and a query (`key`: everything of the query the figures
/// depend on, already resolved, e.g. today's date for a default date), computed by `load` unless
/// the cache holds them at the data versions read first (one statement). A change to any
/// register, any unit or anyone's access, written on any node, is seen by the next view; errors
/// are never cached. Keyed by user: the figures depend on the user's scope, unit and
/// permissions, which the `access` and `units` versions cover.
pub async fn figures_page<T, F, Fut>(
    st: &crate::platform::AppState,
    page: &'static str,
    user: i64,
    key: String,
    load: F,
) -> crate::platform::error::AppResult<Arc<T>>
where
    T: Send + Sync + 'static,
    F: FnOnce() -> Fut,
    Fut: Future<Output = crate::platform::error::AppResult<T>>,
{
    let tag = versions(&st.db.conn).await?.tag();
    let k = (page, user, key);
    if let Some(tag) = tag {
        if let Some(hit) = st.caches.pages.get(&k, tag).and_then(|v| v.downcast::<T>().ok()) {
            return Ok(hit);
        }
    }
    let value = Arc::new(load().await?);
    if let Some(tag) = tag {
        let any: Arc<AnyList> = value.clone();
        st.caches.pages.put(k, tag, any);
    }
    Ok(value)
}

/// The caches of one process (one per [`crate::platform::AppState`]).
pub struct Caches {
    /// Signed-in users' names, unit, roles, permissions and scope.
    pub access: AccessCache,
    pub lists: Lists,
    /// Sessions recently checked against the database.
    pub sessions: Sessions,
    /// Indicator values (the dashboard, the catalogue, the API).
    pub indicators: IndicatorCache,
    /// What the figures pages and the dashboard computed for a user and a query ([`figures_page`]).
    pub pages: PageCache,
}

impl Caches {
    /// Up to `users` signed-in users (and as many sessions) and `lists` picker lists.
    pub fn new(users: usize, lists: usize) -> Caches {
        Caches {
            access: Versioned::new(users),
            lists: Lists::new(lists),
            sessions: Sessions::new(users),
            indicators: Versioned::new(INDICATOR_ENTRIES),
            pages: Versioned::new(PAGE_ENTRIES),
        }
    }
}

/// Indicator groups × periods × units × scopes kept: each entry is a few numbers (under 200 bytes
/// with its key), so about 3 MB when full.
const INDICATOR_ENTRIES: usize = 16_384;

impl Default for Caches {
    /// 4,096 users (about 1 KB each with the predefined roles) and 128 lists (the demo's whole
    /// unit tree is about 40 KB): a few MB at most.
    fn default() -> Self {
        Caches::new(4096, 128)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_used_only_at_their_version_and_bounded() {
        let c: Versioned<i64, i64, String> = Versioned::new(2);
        c.put(1, 7, Arc::new("a".into()));
        assert_eq!(c.get(&1, 7).as_deref().map(String::as_str), Some("a"));
        assert!(c.get(&1, 8).is_none(), "another version is a miss");
        c.put(2, 7, Arc::new("b".into()));
        // Full: a new key at a newer version drops the older entries first.
        c.put(3, 8, Arc::new("c".into()));
        assert_eq!(c.len(), 1);
        assert!(c.get(&3, 8).is_some());
        c.put(4, 8, Arc::new("d".into()));
        c.put(5, 8, Arc::new("e".into()));
        assert!(c.len() <= 2, "never above capacity");
    }

    #[test]
    fn sessions_are_believed_briefly_and_only_while_nothing_is_written() {
        use crate::platform::access::Scope;
        let access = Arc::new(UserAccess {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            unit_id: 1,
            unit_name: "n".into(),
            unit_name_en: String::new(),
            unit_path: "/1/".into(),
            roles: Vec::new(),
            permissions: Vec::new(),
            scope: Scope::default(),
        });
        let user = Arc::new(CurrentUser {
            access,
            session_id: 1,
            csrf_token: "t".into(),
            must_change_password: false,
            second_factor_pending: false,
            flash: None,
            versions: DataVersions::default(),
        });
        let now = Utc::now();
        let s = Sessions::new(2);
        s.put("h".into(), 5, Arc::new(CheckedSession { user, expires_at: now, last_seen_at: now }));
        let long = Duration::from_secs(60);
        assert!(s.get("h", 5, long).is_some());
        assert!(s.get("h", 6, long).is_none(), "a write since it was read");
        assert!(s.get("h", 5, Duration::ZERO).is_none(), "older than the recheck time");
        assert!(s.get("other", 5, long).is_none());
    }

    #[tokio::test]
    async fn lists_load_once_per_version() {
        let lists = Lists::new(10);
        let mut loads = 0;
        for version in [3, 3, 3, 4, 4] {
            let v = lists
                .get_or_load("n", "k".into(), version, || {
                    loads += 1;
                    async move { Ok::<_, DbErr>(vec![version]) }
                })
                .await
                .expect("load");
            assert_eq!(*v, vec![version]);
        }
        assert_eq!(loads, 2);
        // An unknown version is never cached.
        for _ in 0..2 {
            lists.get_or_load("n", "z".into(), 0, || async { Ok::<_, DbErr>(1u8) }).await.expect("load");
        }
        assert_eq!(lists.len(), 1);
    }
}
