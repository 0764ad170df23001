//! Storage on one SQLite file: opening it safely, migrations, and every change as one
//! transaction that appends an event and updates the item's current state together.
//! Knows nothing of the terminal; the rules come from [`crate::domain`].

mod schema;

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

use crate::domain::metrics::{Flow, FlowEvent, Period};
use crate::domain::rules::decide;
use crate::domain::snapshot::Snapshot;
use crate::domain::{
    Boundary, Command, Contract, DomainError, Escalation, Event, EventKind, Item, ItemId, Limbo,
    Org, State, Team,
};

pub use schema::{APPLICATION_ID, latest_version};

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT_MS: u64 = 10_000;
/// The page cache while importing a board, in KiB.
const IMPORT_CACHE_KIB: i64 = 128 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no Baton database at {0}; create one with `baton init` (or `baton init --demo`)")]
    Missing(PathBuf),
    #[error("{path} is not a Baton database ({detail}); it was left untouched")]
    NotBaton { path: PathBuf, detail: String },
    #[error(
        "{path} was written by a newer Baton (schema version {found}, this Baton knows up to {known}); it was left untouched, upgrade Baton to open it"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: usize,
    },
    #[error("team `{0}` already exists")]
    TeamExists(String),
    #[error("the boundary {0} → {1} already exists; change it with `baton boundary edit {0} {1}`")]
    BoundaryExists(String, String),
    #[error("there is no boundary {0} → {1}")]
    UnknownBoundary(String, String),
    #[error("a boundary needs two different teams, not {0} → {0}")]
    SelfBoundary(String),
    #[error("reading the history of {0} stopped unexpectedly; try again")]
    ReadFailed(PathBuf),
    #[error("no snapshot `{0}`; `baton snapshot ls` lists them")]
    UnknownSnapshot(String),
    #[error("the database already has a board; import with --replace to replace it")]
    NotEmpty,
    #[error(transparent)]
    Domain(#[from] DomainError),
    // Not a `source`: the message already includes it, and error chains would say it twice.
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    #[error("cannot create {path}: {reason}")]
    Io {
        path: PathBuf,
        reason: std::io::Error,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Sql(error)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open Baton database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Which items to list.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub states: Vec<State>,
    /// Held by this team, or in limbo towards it.
    pub team: Option<String>,
    /// Held by exactly this team (in limbo: sent by it).
    pub held_by: Option<String>,
    /// In limbo towards this team.
    pub limbo_to: Option<String>,
    pub owner: Option<String>,
    pub tag: Option<String>,
    /// Words that must all appear in the title or body, any case.
    pub text: Option<String>,
    /// Only these items.
    pub ids: Option<Vec<ItemId>>,
    pub order: Order,
    pub offset: usize,
    pub limit: Option<usize>,
}

/// The order items are listed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    #[default]
    Id,
    /// Longest in limbo first.
    SentAt,
    /// Most recently changed first.
    RecentlyChanged,
}

/// An event as stored: its number, time, actor and the JSON of what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub data: String,
}

/// Open items counted by where they are and whether someone owns them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenGroup {
    pub state: State,
    pub team: String,
    pub limbo_to: Option<String>,
    pub has_owner: bool,
    pub count: usize,
}

impl ItemFilter {
    /// The SQL condition and its arguments.
    fn clause(&self) -> (String, Vec<String>) {
        let mut sql = String::from("1 = 1");
        let mut args: Vec<String> = Vec::new();
        let arg = |value: String, args: &mut Vec<String>| {
            args.push(value);
            format!("?{}", args.len())
        };
        if !self.states.is_empty() {
            let list: Vec<String> = self
                .states
                .iter()
                .map(|s| format!("'{}'", s.as_str()))
                .collect();
            sql.push_str(&format!(" AND state IN ({})", list.join(", ")));
        }
        if let Some(team) = &self.team {
            let n = arg(team.clone(), &mut args);
            sql.push_str(&format!(" AND (team = {n} OR limbo_to = {n})"));
        }
        if let Some(team) = &self.held_by {
            let n = arg(team.clone(), &mut args);
            sql.push_str(&format!(" AND team = {n}"));
        }
        if let Some(team) = &self.limbo_to {
            let n = arg(team.clone(), &mut args);
            sql.push_str(&format!(" AND limbo_to = {n}"));
        }
        if let Some(owner) = &self.owner {
            let n = arg(owner.clone(), &mut args);
            sql.push_str(&format!(" AND owner = {n} COLLATE NOCASE"));
        }
        if let Some(tag) = &self.tag {
            let n = arg(tag.clone(), &mut args);
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM json_each(items.tags) WHERE value = {n} COLLATE NOCASE)"
            ));
        }
        if let Some(text) = &self.text {
            for word in text.split_whitespace() {
                let escaped = word
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                let n = arg(format!("%{escaped}%"), &mut args);
                sql.push_str(&format!(
                    " AND (lower(title) LIKE {n} ESCAPE '\\' OR lower(coalesce(body, '')) LIKE {n} ESCAPE '\\')"
                ));
            }
        }
        if let Some(ids) = &self.ids {
            let n = arg(json(ids), &mut args);
            sql.push_str(&format!(" AND id IN (SELECT value FROM json_each({n}))"));
        }
        (sql, args)
    }
}

impl Store {
    /// Opens an existing Baton database, refusing anything else untouched.
    pub fn open(path: &Path) -> Result<Store> {
        // A missing or empty file is no database yet: only `init` may make it one.
        // (Data not yet checkpointed lives in the `-wal` file beside it.)
        let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let empty = size(path) == 0 && size(Path::new(&wal)) == 0;
        if empty {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        Store::open_or_create(path)
    }

    /// Opens a Baton database, creating it (and its folder) when missing.
    pub fn open_or_create(path: &Path) -> Result<Store> {
        let not_baton = |detail: &str| StoreError::NotBaton {
            path: path.to_path_buf(),
            detail: detail.to_string(),
        };
        if path.exists() {
            check_sqlite_header(path).map_err(|detail| not_baton(&detail))?;
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|reason| StoreError::Io {
                path: path.to_path_buf(),
                reason,
            })?;
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
        // Read-only checks first: nothing is written to a file that is not ours.
        let (app_id, version, tables) = conn
            .query_row(
                "SELECT (SELECT application_id FROM pragma_application_id),
                        (SELECT user_version FROM pragma_user_version),
                        (SELECT count(*) FROM sqlite_master)",
                [],
                |r| {
                    Ok((
                        r.get::<_, i32>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => not_baton("not an SQLite file"),
                _ => StoreError::Sql(e),
            })?;
        if app_id != APPLICATION_ID && (tables > 0 || app_id != 0) {
            return Err(not_baton("an SQLite file of another program"));
        }
        if version > latest_version() as i64 {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: latest_version(),
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if app_id != APPLICATION_ID {
            // Only a new file needs marking; reads must not write.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.commit()?;
        }
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|e| match e {
                rusqlite_migration::Error::RusqliteError { err, .. } => StoreError::Sql(err),
                other => not_baton(&other.to_string()),
            })?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Changes whenever another connection commits; cheap enough to poll for live updates.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    pub fn org(&self) -> Result<Org> {
        load_org(&self.conn)
    }

    pub fn add_team(&mut self, team: &Team) -> Result<()> {
        let tx = self.write()?;
        if load_org(&tx)?.team(&team.key).is_some() {
            return Err(StoreError::TeamExists(team.key.clone()));
        }
        insert_team(&tx, team)?;
        tx.commit()?;
        Ok(())
    }

    pub fn add_boundary(&mut self, boundary: &Boundary) -> Result<()> {
        let tx = self.write()?;
        let org = load_org(&tx)?;
        org.require_team(&boundary.from)?;
        org.require_team(&boundary.to)?;
        if boundary.from == boundary.to {
            return Err(StoreError::SelfBoundary(boundary.from.clone()));
        }
        if org.boundary(&boundary.from, &boundary.to).is_some() {
            return Err(StoreError::BoundaryExists(
                boundary.from.clone(),
                boundary.to.clone(),
            ));
        }
        insert_boundary(&tx, boundary)?;
        tx.commit()?;
        Ok(())
    }

    /// Changes a boundary's contract with `change`, in one transaction.
    pub fn edit_boundary(
        &mut self,
        from: &str,
        to: &str,
        change: impl FnOnce(&mut Contract),
    ) -> Result<Boundary> {
        let tx = self.write()?;
        let org = load_org(&tx)?;
        let mut boundary = org
            .boundary(from, to)
            .cloned()
            .ok_or_else(|| StoreError::UnknownBoundary(from.to_string(), to.to_string()))?;
        change(&mut boundary.contract);
        let c = &boundary.contract;
        tx.execute(
            "UPDATE boundaries SET trigger = ?3, definition_of_done = ?4, outcome = ?5,
                owner = ?6, sla_minutes = ?7, escalate_to = ?8
             WHERE from_team = ?1 AND to_team = ?2",
            params![
                from,
                to,
                c.trigger,
                json(&c.definition_of_done),
                c.outcome,
                c.owner,
                c.sla_minutes,
                c.escalate_to
            ],
        )?;
        tx.commit()?;
        Ok(boundary)
    }

    /// Runs one command on one item (or creates one when `id` is `None`): the domain
    /// decides, and the event and the item's new state are written in one transaction.
    pub fn execute(
        &mut self,
        id: Option<ItemId>,
        command: Command,
        at: DateTime<Utc>,
        actor: &str,
    ) -> Result<(Event, Item)> {
        let tx = self.write()?;
        let org = load_org(&tx)?;
        let (current, id) = match id {
            Some(id) => (
                Some(load_item(&tx, id)?.ok_or(DomainError::UnknownItem(id))?),
                id,
            ),
            None => {
                let next: ItemId =
                    tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM items", [], |r| {
                        r.get(0)
                    })?;
                (None, next)
            }
        };
        let (event, item) = decide(current.as_ref(), id, &org, command, at, actor)?;
        write_item(&tx, &item)?;
        insert_event(&tx, id, &event)?;
        tx.commit()?;
        Ok((event, item))
    }

    /// Takes back an item's last change, if it is still change `seq` (nobody else has
    /// changed the item since), in one transaction.
    pub fn undo(
        &mut self,
        id: ItemId,
        seq: u32,
        at: DateTime<Utc>,
        actor: &str,
    ) -> Result<(Event, Item)> {
        let tx = self.write()?;
        let org = load_org(&tx)?;
        let events = load_events(&tx, id)?;
        if events.last().map(|e| e.seq) != Some(seq) {
            return Err(DomainError::CannotUndo { id, seq }.into());
        }
        let (event, item) = crate::domain::rules::undo(id, &org, &events, at, actor)?;
        write_item(&tx, &item)?;
        insert_event(&tx, id, &event)?;
        tx.commit()?;
        Ok((event, item))
    }

    pub fn item(&self, id: ItemId) -> Result<Item> {
        Ok(load_item(&self.conn, id)?.ok_or(DomainError::UnknownItem(id))?)
    }

    pub fn events(&self, id: ItemId) -> Result<Vec<Event>> {
        load_events(&self.conn, id)
    }

    /// Items matching `filter`, in its order.
    pub fn items(&self, filter: &ItemFilter) -> Result<Vec<Item>> {
        let (clause, args) = filter.clause();
        let order = match filter.order {
            Order::Id => "id",
            Order::SentAt => "sent_at, id",
            Order::RecentlyChanged => "updated_at DESC, id DESC",
        };
        let mut sql = format!("SELECT {ITEM_COLUMNS} FROM items WHERE {clause} ORDER BY {order}");
        match (filter.limit, filter.offset) {
            (Some(limit), offset) => sql.push_str(&format!(" LIMIT {limit} OFFSET {offset}")),
            (None, 0) => {}
            (None, offset) => sql.push_str(&format!(" LIMIT -1 OFFSET {offset}")),
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), item_from_row)?;
        rows.map(|r| r.map_err(StoreError::from)).collect()
    }

    /// Where item `id` comes in the list `filter` gives, if it is there.
    pub fn position(&self, filter: &ItemFilter, id: ItemId) -> Result<Option<usize>> {
        let ids: Vec<ItemId> = {
            let (clause, args) = filter.clause();
            let order = match filter.order {
                Order::Id => "id",
                Order::SentAt => "sent_at, id",
                Order::RecentlyChanged => "updated_at DESC, id DESC",
            };
            let sql = format!("SELECT id FROM items WHERE {clause} ORDER BY {order}");
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        Ok(ids.iter().position(|i| *i == id))
    }

    /// How many items match `filter`.
    pub fn count(&self, filter: &ItemFilter) -> Result<usize> {
        let (clause, args) = filter.clause();
        let sql = format!("SELECT count(*) FROM items WHERE {clause}");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let n: i64 = stmt.query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// How many open items match `filter`, grouped by where they are and whether they
    /// have an owner: what the board's column counts are made of, read from the index
    /// alone.
    pub fn open_groups(&self, filter: &ItemFilter) -> Result<Vec<OpenGroup>> {
        let filter = ItemFilter {
            states: vec![State::Active, State::Limbo],
            ..filter.clone()
        };
        let (clause, args) = filter.clause();
        let sql = format!(
            "SELECT state, team, limbo_to, owner IS NOT NULL, count(*)
             FROM items WHERE {clause} GROUP BY state, team, limbo_to, owner IS NOT NULL"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            let state: String = r.get(0)?;
            Ok(OpenGroup {
                state: if state == "limbo" {
                    State::Limbo
                } else {
                    State::Active
                },
                team: r.get(1)?,
                limbo_to: r.get(2)?,
                has_owner: r.get(3)?,
                count: usize::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
            })
        })?;
        rows.map(|r| r.map_err(StoreError::from)).collect()
    }

    /// How many items matching `filter` wait in limbo `from → to` since before `cutoff`.
    pub fn count_in_limbo_since_before(
        &self,
        filter: &ItemFilter,
        from: &str,
        to: &str,
        cutoff: DateTime<Utc>,
    ) -> Result<usize> {
        let filter = ItemFilter {
            states: vec![State::Limbo],
            held_by: Some(from.to_string()),
            limbo_to: Some(to.to_string()),
            ..filter.clone()
        };
        let (clause, mut args) = filter.clause();
        args.push(cutoff.timestamp().to_string());
        let sql = format!(
            "SELECT count(*) FROM items WHERE {clause} AND sent_at < CAST(?{} AS INTEGER)",
            args.len()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let n: i64 = stmt.query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Id, holding team and title of every open item matching `filter`: what the
    /// duplicate-title join needs.
    pub fn open_titles(&self, filter: &ItemFilter) -> Result<Vec<(ItemId, String, String)>> {
        let filter = ItemFilter {
            states: vec![State::Active, State::Limbo],
            ..filter.clone()
        };
        let (clause, args) = filter.clause();
        let sql = format!("SELECT id, team, title FROM items WHERE {clause} ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        rows.map(|r| r.map_err(StoreError::from)).collect()
    }

    /// Every active or limbo item: what attention and the board work from.
    pub fn open_items(&self) -> Result<Vec<Item>> {
        self.items(&ItemFilter {
            states: vec![State::Active, State::Limbo],
            ..ItemFilter::default()
        })
    }

    /// True when the database has no teams and no items.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM teams) AND NOT EXISTS (SELECT 1 FROM items)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Replaces the whole board with `org` and `items`, already checked by the domain,
    /// in one transaction. Refuses a non-empty board unless `replace`.
    pub fn replace_board(
        &mut self,
        org: &Org,
        items: &[(Item, Vec<Event>)],
        replace: bool,
    ) -> Result<()> {
        // A whole board arrives in one transaction, and its events land all over the
        // `events_at` index; with SQLite's default 2 MB page cache, pages are spilled to
        // the WAL and read back again and again. A larger cache (allocated only as used)
        // keeps the working set in memory.
        // (A negative `cache_size` is in KiB rather than pages.)
        self.conn
            .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        let tx = self.write()?;
        let empty: bool = tx.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM teams) AND NOT EXISTS (SELECT 1 FROM items)",
            [],
            |r| r.get(0),
        )?;
        if !empty && !replace {
            return Err(StoreError::NotEmpty);
        }
        tx.execute_batch(
            "DELETE FROM events; DELETE FROM items; DELETE FROM boundaries; DELETE FROM teams;",
        )?;
        for team in &org.teams {
            insert_team(&tx, team)?;
        }
        for boundary in &org.boundaries {
            insert_boundary(&tx, boundary)?;
        }
        for (item, events) in items {
            write_item(&tx, item)?;
            for event in events {
                insert_event(&tx, item.id, event)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every item's events as metrics need them, grouped by item in order. The few
    /// fields metrics read are taken out of the JSON by SQLite, so a million events
    /// load without decoding each one in full.
    pub fn flow_histories(&self) -> Result<Vec<Vec<FlowEvent>>> {
        let mut stmt = self.conn.prepare(
            "SELECT item_id, seq, at, kind,
                    CASE kind WHEN 'created' THEN json_extract(data, '$.team')
                              WHEN 'sent' THEN json_extract(data, '$.to') END,
                    CASE kind WHEN 'sent' THEN coalesce(json_extract(data, '$.forced'), 0)
                              WHEN 'undone' THEN json_extract(data, '$.seq') END
             FROM events ORDER BY item_id, seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut histories: Vec<Vec<FlowEvent>> = Vec::new();
        let mut current: Option<ItemId> = None;
        while let Some(row) = rows.next()? {
            let item: ItemId = row.get(0)?;
            let text: Option<String> = row.get(4)?;
            let number: Option<i64> = row.get(5)?;
            // The kind is matched in place, without copying it out of the row.
            let kind = row.get_ref(3)?.as_str().unwrap_or("");
            let flow = match kind {
                "created" => Flow::Created {
                    team: text.unwrap_or_default(),
                },
                "sent" => Flow::Sent {
                    to: text.unwrap_or_default(),
                    forced: number.unwrap_or(0) != 0,
                },
                "accepted" => Flow::Accepted,
                "bounced" => Flow::Bounced,
                "reclaimed" => Flow::Reclaimed,
                "escalated" => Flow::Escalated,
                "done" => Flow::Done,
                "reopened" => Flow::Reopened,
                "dropped" => Flow::Dropped,
                "flagged" => Flow::Flagged,
                "undone" => Flow::Undone {
                    seq: u32::try_from(number.unwrap_or(0)).unwrap_or(0),
                },
                _ => Flow::Other,
            };
            if current != Some(item) {
                histories.push(Vec::new());
                current = Some(item);
            }
            if let Some(history) = histories.last_mut() {
                history.push(FlowEvent {
                    item,
                    seq: row.get(1)?,
                    at: to_time(row.get(2)?),
                    flow,
                });
            }
        }
        Ok(histories)
    }

    /// The board and its metrics over `period`, as a snapshot (not saved).
    pub fn take_snapshot(&self, label: &str, period: Period) -> Result<Snapshot> {
        let org = self.org()?;
        let later: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM events WHERE at > ?1)",
            [period.until.timestamp()],
            |r| r.get(0),
        )?;
        // The board as it stood at the period's end: the stored state, unless something
        // happened since, in which case each history is replayed up to that moment.
        if later {
            let mut items = Vec::new();
            for (item, events) in self.all_histories()? {
                let upto: Vec<Event> = events
                    .into_iter()
                    .take_while(|e| e.at <= period.until)
                    .collect();
                if !upto.is_empty() {
                    items.push(
                        crate::domain::rules::replay(item.id, &org, &upto).map_err(|(_, e)| e)?,
                    );
                }
            }
            let histories = self.flow_histories()?;
            return Ok(crate::domain::snapshot::take(
                label, &items, &histories, &org, period,
            ));
        }
        let (items, histories) = self.items_and_histories()?;
        Ok(crate::domain::snapshot::take(
            label, &items, &histories, &org, period,
        ))
    }

    /// Every item and every item's flow events, read side by side on two connections
    /// (the two halves of a large snapshot take about as long as each other). If
    /// another process committed meanwhile, the two might not agree, so the read is
    /// done again.
    fn items_and_histories(&self) -> Result<(Vec<Item>, Vec<Vec<FlowEvent>>)> {
        for _ in 0..3 {
            let before = self.data_version()?;
            let path = self.path.clone();
            let (items, histories) = std::thread::scope(|scope| {
                let other = scope.spawn(move || Store::open(&path)?.flow_histories());
                let items = self.items(&ItemFilter::default());
                let histories = other
                    .join()
                    .unwrap_or_else(|_| Err(StoreError::ReadFailed(self.path.clone())));
                (items, histories)
            });
            let (items, histories) = (items?, histories?);
            if self.data_version()? == before {
                return Ok((items, histories));
            }
        }
        // Still changing: read both in one transaction on this connection.
        let tx = self.conn.unchecked_transaction()?;
        let items = self.items(&ItemFilter::default())?;
        let histories = self.flow_histories()?;
        tx.commit()?;
        Ok((items, histories))
    }

    /// Saves a snapshot; returns its number.
    pub fn save_snapshot(&mut self, snapshot: &Snapshot) -> Result<i64> {
        let document = serde_json::to_string(snapshot)
            .map_err(|e| StoreError::Sql(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO snapshots (label, taken_at, document) VALUES (?1, ?2, ?3)",
            params![snapshot.label, snapshot.taken_at.timestamp(), document],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Saved snapshots, oldest first: number, label, when taken.
    pub fn snapshots(&self) -> Result<Vec<(i64, String, DateTime<Utc>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, label, taken_at FROM snapshots ORDER BY taken_at, id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, to_time(r.get(2)?))))?;
        rows.map(|r| r.map_err(StoreError::from)).collect()
    }

    /// A saved snapshot by number, or by label (the latest with that label).
    pub fn snapshot(&self, key: &str) -> Result<Snapshot> {
        let key = key.trim();
        let text: Option<String> = match key.trim_start_matches('#').parse::<i64>() {
            Ok(id) => self
                .conn
                .query_row("SELECT document FROM snapshots WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?,
            Err(_) => self
                .conn
                .query_row(
                    "SELECT document FROM snapshots WHERE label = ?1
                     ORDER BY taken_at DESC, id DESC LIMIT 1",
                    [key],
                    |r| r.get(0),
                )
                .optional()?,
        };
        let text = text.ok_or_else(|| StoreError::UnknownSnapshot(key.to_string()))?;
        serde_json::from_str(&text).map_err(|e| {
            StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                Box::new(e),
            ))
        })
    }

    /// Every item, by id, with its events as stored (number, time, actor, JSON of what
    /// happened), one item at a time: export streams a million events this way without
    /// decoding them or holding the board in memory.
    pub fn for_each_stored_history<E: From<StoreError>>(
        &self,
        mut visit: impl FnMut(&Item, &[StoredEvent]) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut items_stmt = self
            .conn
            .prepare(&format!("SELECT {ITEM_COLUMNS} FROM items ORDER BY id"))
            .map_err(StoreError::from)?;
        let mut events_stmt = self
            .conn
            .prepare("SELECT item_id, seq, at, actor, data FROM events ORDER BY item_id, seq")
            .map_err(StoreError::from)?;
        let mut items = items_stmt.query([]).map_err(StoreError::from)?;
        let mut events = events_stmt.query([]).map_err(StoreError::from)?;
        let mut pending: Option<(ItemId, StoredEvent)> = None;
        let mut batch: Vec<StoredEvent> = Vec::new();
        while let Some(row) = items.next().map_err(StoreError::from)? {
            let item = item_from_row(row).map_err(StoreError::from)?;
            batch.clear();
            loop {
                if pending.is_none() {
                    pending = match events.next().map_err(StoreError::from)? {
                        Some(r) => Some((
                            r.get(0).map_err(StoreError::from)?,
                            StoredEvent {
                                seq: r.get(1).map_err(StoreError::from)?,
                                at: to_time(r.get(2).map_err(StoreError::from)?),
                                actor: r.get(3).map_err(StoreError::from)?,
                                data: r.get(4).map_err(StoreError::from)?,
                            },
                        )),
                        None => None,
                    };
                }
                match pending.take() {
                    Some((id, event)) if id == item.id => batch.push(event),
                    Some((id, _)) if id < item.id => {} // an orphan event: skipped
                    other => {
                        pending = other;
                        break;
                    }
                }
            }
            visit(&item, &batch)?;
        }
        Ok(())
    }

    /// Every item with its events, by id, for export.
    pub fn all_histories(&self) -> Result<Vec<(Item, Vec<Event>)>> {
        let items = self.items(&ItemFilter::default())?;
        let mut stmt = self
            .conn
            .prepare("SELECT item_id, seq, at, actor, data FROM events ORDER BY item_id, seq")?;
        let mut rows = stmt.query([])?;
        let mut out: Vec<(Item, Vec<Event>)> = items.into_iter().map(|i| (i, Vec::new())).collect();
        let mut index = 0;
        while let Some(row) = rows.next()? {
            let item_id: ItemId = row.get(0)?;
            while index < out.len() && out[index].0.id < item_id {
                index += 1;
            }
            if let Some((_, events)) = out.get_mut(index).filter(|(i, _)| i.id == item_id) {
                events.push(event_from_row_at(row, 1)?);
            }
        }
        Ok(out)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// A write transaction that takes the lock up front, so two processes writing at
    /// once queue on the busy timeout instead of failing on a lock upgrade.
    fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

fn check_sqlite_header(path: &Path) -> std::result::Result<(), String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(format!("cannot read it: {e}")),
        }
    }
    if read == 0 || &header[..read] == b"SQLite format 3\0" {
        Ok(())
    } else {
        Err("not an SQLite file".to_string())
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    crate::domain::text::to_json_compact(value).unwrap_or_else(|_| "[]".to_string())
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str, column: usize) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn to_time(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

fn load_org(conn: &Connection) -> Result<Org> {
    let mut teams_stmt =
        conn.prepare_cached("SELECT key, name, lead FROM teams ORDER BY position, key")?;
    let teams = teams_stmt
        .query_map([], |r| {
            Ok(Team {
                key: r.get(0)?,
                name: r.get(1)?,
                lead: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT from_team, to_team, trigger, definition_of_done, outcome, owner, sla_minutes,
                escalate_to
         FROM boundaries ORDER BY position, from_team, to_team",
    )?;
    let boundaries = stmt
        .query_map([], |r| {
            Ok(Boundary {
                from: r.get(0)?,
                to: r.get(1)?,
                contract: Contract {
                    trigger: r.get(2)?,
                    definition_of_done: from_json(&r.get::<_, String>(3)?, 3)?,
                    outcome: r.get(4)?,
                    owner: r.get(5)?,
                    sla_minutes: r.get(6)?,
                    escalate_to: r.get(7)?,
                },
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Org { teams, boundaries })
}

fn insert_team(tx: &Transaction, team: &Team) -> Result<()> {
    tx.execute(
        "INSERT INTO teams (key, name, lead, position)
         VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position), 0) + 1 FROM teams))",
        params![team.key, team.name, team.lead],
    )?;
    Ok(())
}

fn insert_boundary(tx: &Transaction, b: &Boundary) -> Result<()> {
    let c = &b.contract;
    tx.execute(
        "INSERT INTO boundaries (from_team, to_team, trigger, definition_of_done, outcome, owner,
            sla_minutes, escalate_to, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
            (SELECT COALESCE(MAX(position), 0) + 1 FROM boundaries))",
        params![
            b.from,
            b.to,
            c.trigger,
            json(&c.definition_of_done),
            c.outcome,
            c.owner,
            c.sla_minutes,
            c.escalate_to
        ],
    )?;
    Ok(())
}

const ITEM_COLUMNS: &str = "id, title, body, tags, due, team, owner, state, created_at, updated_at,
    limbo_to, sent_at, limbo_note, unticked, sender_owner, escalated_at, escalated_to,
    incomplete_handoff, bounces, flags, events, snoozed_until, arrived_from";

fn load_item(conn: &Connection, id: ItemId) -> Result<Option<Item>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = ?1"))?;
    Ok(stmt.query_row([id], item_from_row).optional()?)
}

fn item_from_row(r: &Row) -> rusqlite::Result<Item> {
    let state_text: String = r.get(7)?;
    let state = State::parse(&state_text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            7,
            rusqlite::types::Type::Text,
            format!("unknown state {state_text}").into(),
        )
    })?;
    let limbo = match (
        r.get::<_, Option<String>>(10)?,
        r.get::<_, Option<i64>>(11)?,
    ) {
        (Some(to), Some(sent_at)) => Some(Limbo {
            to,
            sent_at: to_time(sent_at),
            note: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
            unticked: from_json(&r.get::<_, String>(13)?, 13)?,
            sender_owner: r.get(14)?,
        }),
        _ => None,
    };
    let escalation = match r.get::<_, Option<i64>>(15)? {
        Some(at) => Some(Escalation {
            at: to_time(at),
            to: r.get(16)?,
        }),
        None => None,
    };
    Ok(Item {
        id: r.get(0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        tags: from_json(&r.get::<_, String>(3)?, 3)?,
        due: r.get::<_, Option<i64>>(4)?.map(to_time),
        team: r.get(5)?,
        owner: r.get(6)?,
        state,
        created_at: to_time(r.get(8)?),
        updated_at: to_time(r.get(9)?),
        limbo,
        escalation,
        incomplete_handoff: from_json(&r.get::<_, String>(17)?, 17)?,
        bounces: r.get(18)?,
        flags: r.get(19)?,
        events: r.get(20)?,
        snoozed_until: r.get::<_, Option<i64>>(21)?.map(to_time),
        arrived_from: r.get(22)?,
    })
}

fn write_item(tx: &Transaction, item: &Item) -> Result<()> {
    let mut stmt = tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO items ({ITEM_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23)"
    ))?;
    let limbo = item.limbo.as_ref();
    stmt.execute(params![
        item.id,
        item.title,
        item.body,
        json(&item.tags),
        item.due.map(|d| d.timestamp()),
        item.team,
        item.owner,
        item.state.as_str(),
        item.created_at.timestamp(),
        item.updated_at.timestamp(),
        limbo.map(|l| &l.to),
        limbo.map(|l| l.sent_at.timestamp()),
        limbo.map(|l| &l.note),
        json(&limbo.map(|l| l.unticked.clone()).unwrap_or_default()),
        limbo.and_then(|l| l.sender_owner.as_ref()),
        item.escalation.as_ref().map(|e| e.at.timestamp()),
        item.escalation.as_ref().and_then(|e| e.to.as_ref()),
        json(&item.incomplete_handoff),
        item.bounces,
        item.flags,
        item.events,
        item.snoozed_until.map(|t| t.timestamp()),
        item.arrived_from,
    ])?;
    Ok(())
}

fn insert_event(tx: &Transaction, id: ItemId, event: &Event) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO events (item_id, seq, at, actor, kind, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    stmt.execute(params![
        id,
        event.seq,
        event.at.timestamp(),
        event.actor,
        event.kind.name(),
        json(&event.kind),
    ])?;
    Ok(())
}

fn load_events(conn: &Connection, id: ItemId) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, data FROM events WHERE item_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([id], event_from_row)?;
    rows.map(|r| r.map_err(StoreError::from)).collect()
}

fn event_from_row(r: &Row) -> rusqlite::Result<Event> {
    event_from_row_at(r, 0)
}

fn event_from_row_at(r: &Row, first: usize) -> rusqlite::Result<Event> {
    let kind: EventKind = from_json(&r.get::<_, String>(first + 3)?, first + 3)?;
    Ok(Event {
        seq: r.get(first)?,
        at: to_time(r.get(first + 1)?),
        actor: r.get(first + 2)?,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_from_the_first_release_is_migrated_and_keeps_its_items() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v1.db");
        {
            let mut conn = Connection::open(&path).expect("open");
            schema::migrations()
                .to_version(&mut conn, 1)
                .expect("schema version 1");
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .expect("mark");
            conn.execute_batch(
                "INSERT INTO teams (key, name, position) VALUES ('sales', 'Sales', 1);
                 INSERT INTO items (id, title, team, state, created_at, updated_at, events)
                 VALUES (1, 'Renewal', 'sales', 'active', 0, 0, 1);
                 INSERT INTO events (item_id, seq, at, actor, kind, data)
                 VALUES (1, 1, 0, 'maya', 'created',
                         '{\"type\":\"created\",\"title\":\"Renewal\",\"team\":\"sales\"}');",
            )
            .expect("version 1 data");
        }
        let store = Store::open(&path).expect("migrates");
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, latest_version() as i64);
        let item = store.item(1).expect("item kept");
        assert_eq!(item.title, "Renewal");
        assert_eq!(item.snoozed_until, None);
        assert_eq!(item.arrived_from, None);
        assert_eq!(store.events(1).expect("events").len(), 1);
    }
}
