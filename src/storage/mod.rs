//! Storage: one interface, two backends. A local SQLite file is the default; a shared
//! PostgreSQL database is team mode. Every change is one transaction that appends an
//! event and updates the item's current state together; every view is read in one read
//! transaction. The queries are written once, over [`sql::Sql`]; each backend only opens
//! its database, checks it is Baton's, migrates it, and runs transactions.
//! Knows nothing of the terminal; the rules come from [`crate::domain`].

mod pg_connect;
mod pg_schema;
mod pg_tls;
mod postgres;
mod schema;
mod sql;
mod sqlite;
mod watch;
pub use watch::{Delivery, Failed, MAX_ATTEMPTS, Tick, WATCH_ACTOR, backoff};

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::domain::calendar::{Calendar, CalendarDef, Sla};
use crate::domain::contracts::ContractChange;
use crate::domain::duration::format_duration;
use crate::domain::external::{ExternalIssue, plan};
use crate::domain::metrics::{Flow, FlowEvent, Period};
use crate::domain::rules::decide;
use crate::domain::snapshot::Snapshot;
use crate::domain::{
    Boundary, Command, Contract, DomainError, Escalation, Event, EventKind, Item, ItemId, Limbo,
    Org, State, Team,
};
use sql::{Dialect, Row, Sql, Value, first, json_cell, json_list, rows, scalar};

pub use postgres::{Access, Members};
pub use schema::{APPLICATION_ID, latest_version};

/// What [`Store::save_snapshot`] does with a label already in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelInUse {
    /// Refuses it: the label was chosen.
    Refused,
    /// Adds " (2)", " (3)"…: the label was made up (a default, a standup's day).
    Numbered,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no Baton database at {0}; create one with `baton init` (or `baton init --demo`)")]
    Missing(String),
    #[error("{place} is not a Baton database ({detail}); it was left untouched")]
    NotBaton { place: String, detail: String },
    #[error(
        "{place} was written by a newer Baton (schema version {found}, this Baton knows up to {known}); it was left untouched, upgrade Baton to open it"
    )]
    TooNew {
        place: String,
        found: i64,
        known: usize,
    },
    #[error("there is no boundary {0} → {1}")]
    UnknownBoundary(String, String),
    #[error("no calendar named `{name}` (calendars: {known})")]
    UnknownCalendar { name: String, known: String },
    #[error("a calendar named `{0}` already exists; change it with `baton calendar edit {0}`")]
    CalendarExists(String),
    #[error("no snapshot `{0}`; `baton snapshot ls` lists them")]
    UnknownSnapshot(String),
    #[error("“{0}” cannot label a snapshot: snapshots are named by number too; add a word")]
    NumberLabel(String),
    #[error("snapshot {id} is already labelled “{label}”; choose another label")]
    SnapshotLabelTaken { label: String, id: i64 },
    #[error("snapshots {ids} are all labelled “{label}”; name one by its number")]
    AmbiguousSnapshot { label: String, ids: String },
    #[error("the database already has a board; import with --replace to replace it")]
    NotEmpty,
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A refusal because someone else changed the item first.
    #[error("{error} (#{id} was {what} by {actor} {ago} ago)")]
    Overtaken {
        error: Box<DomainError>,
        id: ItemId,
        what: String,
        actor: String,
        ago: String,
    },
    #[error("the database holds a value Baton cannot read (column {column}: {detail})")]
    Corrupt { column: usize, detail: String },
    #[error("cannot save: {0}")]
    Encode(String),
    #[error("disk full: nothing was written; free some space and try again")]
    DiskFull,
    #[error("the database is read-only here: nothing was written")]
    ReadOnly,
    #[error(
        "the database is busy with another process's change (waited 10 s); nothing was written, try again"
    )]
    Busy,
    #[error("{0}")]
    Denied(String),
    #[error("{0}")]
    Connection(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("database error: {0}")]
    Database(String),
    /// Issues from a tracker that the rules refused; nothing was imported.
    #[error("{} cannot be imported; nothing was imported", rows_phrase(.0.len()))]
    ImportRefused(Vec<(String, String)>),
    #[error("cannot create {path}: {reason}")]
    Io {
        path: PathBuf,
        reason: std::io::Error,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

fn rows_phrase(n: usize) -> String {
    if n == 1 {
        "1 issue".to_string()
    } else {
        format!("{n} issues")
    }
}

/// Where a board lives: a SQLite file, or a PostgreSQL database (team mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL is team mode; anything else is a file path.
    pub fn parse(text: &str) -> Location {
        let lower = text.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Location::Postgres(text.trim().to_string())
        } else {
            Location::Sqlite(PathBuf::from(text))
        }
    }

    /// How the location is named in messages: a URL without its password.
    pub fn display(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => postgres::redact(url),
        }
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Self {
        Location::Sqlite(path.to_path_buf())
    }
}

/// When a change happened: a time given by the user, or now, read once the write lock
/// is held, so that writers queued on one item record their events in the order they
/// are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    At(DateTime<Utc>),
    Now(Clock),
}

impl From<DateTime<Utc>> for When {
    fn from(at: DateTime<Utc>) -> Self {
        When::At(at)
    }
}

impl When {
    fn resolve(self) -> DateTime<Utc> {
        match self {
            When::At(at) => at,
            When::Now(clock) => clock.now(),
        }
    }
}

/// What each backend provides: opening, transactions and change notices. Everything
/// else is written once, in [`Store`], over [`Sql`].
trait Backend {
    fn dialect(&self) -> Dialect;
    /// The database as named in messages.
    fn place(&self) -> String;
    /// Runs `work` in one write transaction holding the board's write lock.
    fn write(&mut self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()>;
    /// Runs `work` in one read-only transaction: one consistent view.
    fn read(&mut self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()>;
    /// Runs `work`, which runs one query with a bounded answer: a statement sees one
    /// moment of the board by itself, so where a transaction costs round trips (a
    /// shared board) none is begun outside a view.
    fn read_one(&mut self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        self.read(work)
    }
    /// Changes whenever anyone commits a change; cheap enough to check every tick.
    fn version(&mut self) -> Result<i64>;
    /// Opens one read transaction that every read joins until [`Backend::end_view`]:
    /// a screen or a report made of several reads sees one moment of the board.
    /// Calls nest.
    fn begin_view(&mut self) -> Result<()>;
    fn end_view(&mut self) -> Result<()>;
    /// Keeps the upkeep that follows some commits (SQLite's checkpoint of its log) off
    /// the writes of a long-lived connection: the board's.
    fn checkpoint_aside(&mut self) {}
    /// Tunes the connection for writing a whole board at once.
    fn prepare_bulk_write(&mut self) -> Result<()> {
        Ok(())
    }
    /// The authenticated database role, where the database has one (team mode): the
    /// actor recorded on every event, whoever the process says it is.
    fn session_actor(&self) -> Option<&str> {
        None
    }
    /// Admits, removes or lists the roles that may write to the board.
    fn access(&mut self, _change: Access) -> Result<Members> {
        Err(StoreError::Unsupported(
            "access applies to a shared board on PostgreSQL; a SQLite file is protected by its file permissions".to_string(),
        ))
    }
    /// Refuses, in words, a role that may not replace the whole board.
    fn check_may_replace(&mut self) -> Result<()> {
        Ok(())
    }
    /// A state line for the board ("reconnecting…"), when there is something to say.
    fn status(&self) -> Option<String> {
        None
    }
}

/// An open Baton board.
pub struct Store {
    backend: RefCell<Box<dyn Backend>>,
    dialect: Dialect,
    /// The organisation as [`Store::execute_from`] last read it, with the SQLite data
    /// version it was read at (see [`cached_org`]); any other write empties it.
    org_cache: Option<(i64, Org)>,
}

/// What an import from a tracker did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub created: Vec<ItemId>,
    pub updated: Vec<ItemId>,
    pub unchanged: usize,
    /// Issues left out, each with where it was read and why.
    pub refused: Vec<(String, String)>,
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
    /// Owned by one of these people, exactly (the board's `owner:` finds them).
    pub owners: Option<Vec<String>>,
    /// With `owners`: the items in limbo with no owner on these boundaries (from, to)
    /// match too, their contracts naming one of the people next owner, as their cards
    /// say (`→Hannah Lee`).
    pub next_owner_on: Vec<(String, String)>,
    pub tag: Option<String>,
    /// Words that must all appear in the title or body, any case.
    pub text: Option<String>,
    /// Only these items.
    pub ids: Option<Vec<ItemId>>,
    /// Only items due before this time.
    pub due_before: Option<DateTime<Utc>>,
    /// Only items escalated (true) or not (false) in their present spell.
    pub escalated: Option<bool>,
    pub order: Order,
    pub offset: usize,
    pub limit: Option<usize>,
    /// Only the items after (or before) this one in the order, read from the index
    /// rather than counted past as an offset is.
    pub seek: Option<Seek>,
    /// Only the items with ids in this range.
    pub id_range: Option<(std::ops::Bound<ItemId>, std::ops::Bound<ItemId>)>,
}

/// Items in limbo `from → to` sent at or after `since` (when given) and before the
/// last time: see [`Store::count_in_limbo_ranges`].
pub type LimboRange<'a> = (&'a str, &'a str, Option<DateTime<Utc>>, DateTime<Utc>);

/// Items on one side of a known item in a list's order: what a board column reads
/// when it scrolls from the window it holds. `Before` gives the nearest items first
/// (the reverse of the order), as far as the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seek {
    After(SeekKey),
    Before(SeekKey),
}

/// An item's place in an order: its id and, for orders by time, the time it is
/// ordered by (as stored: seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeekKey {
    pub id: ItemId,
    pub at: Option<DateTime<Utc>>,
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
    /// Soonest due first.
    Due,
    /// Escalated longest ago first.
    EscalatedAt,
}

impl Order {
    fn sql(self) -> &'static str {
        match self {
            Order::Id => "id",
            Order::SentAt => "sent_at, id",
            Order::RecentlyChanged => "updated_at DESC, id DESC",
            Order::Due => "due, id",
            Order::EscalatedAt => "escalated_at, id",
        }
    }

    /// The order read backwards.
    fn reversed_sql(self) -> &'static str {
        match self {
            Order::Id => "id DESC",
            Order::SentAt => "sent_at DESC, id DESC",
            Order::RecentlyChanged => "updated_at, id",
            Order::Due => "due DESC, id DESC",
            Order::EscalatedAt => "escalated_at DESC, id DESC",
        }
    }

    /// The time column the order goes by first, and whether it goes up.
    fn time_column(self) -> Option<(&'static str, bool)> {
        match self {
            Order::Id => None,
            Order::SentAt => Some(("sent_at", true)),
            Order::RecentlyChanged => Some(("updated_at", false)),
            Order::Due => Some(("due", true)),
            Order::EscalatedAt => Some(("escalated_at", true)),
        }
    }

    /// Where `item` stands in this order.
    pub fn key_of(self, item: &Item) -> SeekKey {
        let at = match self {
            Order::Id => None,
            Order::SentAt => item.limbo.as_ref().map(|l| l.sent_at),
            Order::RecentlyChanged => Some(item.updated_at),
            Order::Due => item.due,
            Order::EscalatedAt => item.escalation.as_ref().map(|e| e.at),
        };
        SeekKey { id: item.id, at }
    }

    /// How two items' keys compare in this order, as the database orders them: times
    /// as stored (whole seconds), then ids.
    pub fn compare(self, a: SeekKey, b: SeekKey) -> std::cmp::Ordering {
        let stored = |key: SeekKey| (key.at.map(|at| at.timestamp()), key.id);
        let up = stored(a).cmp(&stored(b));
        if self.time_column().is_some_and(|(_, up)| !up) {
            up.reverse()
        } else {
            up
        }
    }
}

/// An event as stored: its number, time, actor and the JSON of what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub data: String,
}

/// A [`StoredEvent`] borrowed from the row it was read from.
#[derive(Debug, Clone, Copy)]
pub struct StoredEventRef<'a> {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub data: &'a str,
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
    /// Whether the filter keeps every item of the states it names (all of them when it
    /// names none): it narrows by nothing but state, whatever its order and window.
    pub fn keeps_every_item(&self) -> bool {
        // Every field named, so that a new condition has to be thought about here.
        let ItemFilter {
            states: _,
            team,
            held_by,
            limbo_to,
            owner,
            owners,
            next_owner_on: _,
            tag,
            text,
            ids,
            due_before,
            escalated,
            order: _,
            offset: _,
            limit: _,
            seek: _,
            id_range,
        } = self;
        team.is_none()
            && held_by.is_none()
            && limbo_to.is_none()
            && owner.is_none()
            && owners.is_none()
            && tag.is_none()
            && text.is_none()
            && ids.is_none()
            && due_before.is_none()
            && escalated.is_none()
            && id_range.is_none()
    }

    /// The SQL condition and its arguments.
    fn clause(&self, dialect: Dialect) -> (String, Vec<Value>) {
        let mut args: Vec<Value> = Vec::new();
        let sql = self.clause_after(dialect, &mut args);
        (sql, args)
    }

    /// The SQL condition, its arguments added to `args` (numbered after those there).
    fn clause_after(&self, dialect: Dialect, args: &mut Vec<Value>) -> String {
        let mut sql = String::from("1 = 1");
        let arg = |value: String, args: &mut Vec<Value>| {
            args.push(Value::from(value));
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
            let n = arg(team.clone(), args);
            sql.push_str(&format!(" AND (team = {n} OR limbo_to = {n})"));
        }
        if let Some(team) = &self.held_by {
            let n = arg(team.clone(), args);
            sql.push_str(&format!(" AND team = {n}"));
        }
        if let Some(team) = &self.limbo_to {
            let n = arg(team.clone(), args);
            sql.push_str(&format!(" AND limbo_to = {n}"));
        }
        if let Some(owner) = &self.owner {
            let n = arg(owner.clone(), args);
            sql.push_str(&format!(" AND lower(owner) = lower({n})"));
        }
        if let Some(owners) = &self.owners {
            let list: Vec<String> = owners.iter().map(|o| arg(o.clone(), args)).collect();
            let mut any = Vec::new();
            if !list.is_empty() {
                any.push(format!("owner IN ({})", list.join(", ")));
            }
            for (from, to) in &self.next_owner_on {
                let (from, to) = (arg(from.clone(), args), arg(to.clone(), args));
                any.push(format!(
                    "(state = 'limbo' AND owner IS NULL AND team = {from} AND limbo_to = {to})"
                ));
            }
            if any.is_empty() {
                sql.push_str(" AND 1 = 0");
            } else {
                sql.push_str(&format!(" AND ({})", any.join(" OR ")));
            }
        }
        if let Some(tag) = &self.tag {
            let n = arg(tag.clone(), args);
            sql.push_str(&format!(
                " AND {}",
                dialect.json_array_has("items.tags", &n)
            ));
        }
        if let Some(text) = &self.text {
            for word in text.split_whitespace() {
                let escaped = word
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                let n = arg(format!("%{escaped}%"), args);
                sql.push_str(&format!(
                    " AND (lower(title) LIKE {n} ESCAPE '\\' OR lower(coalesce(body, '')) LIKE {n} ESCAPE '\\')"
                ));
            }
        }
        if let Some(before) = self.due_before {
            args.push(Value::from(before));
            sql.push_str(&format!(" AND due IS NOT NULL AND due < ?{}", args.len()));
        }
        match self.escalated {
            Some(true) => sql.push_str(" AND escalated_at IS NOT NULL"),
            Some(false) => sql.push_str(" AND escalated_at IS NULL"),
            None => {}
        }
        if let Some(ids) = &self.ids {
            // Whole numbers only, so they are written into the query itself.
            if ids.is_empty() {
                sql.push_str(" AND 1 = 0");
            } else {
                let list: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
                sql.push_str(&format!(" AND id IN ({})", list.join(", ")));
            }
        }
        if let Some((from, until)) = self.id_range {
            // Whole numbers too.
            use std::ops::Bound;
            match from {
                Bound::Included(id) => sql.push_str(&format!(" AND id >= {id}")),
                Bound::Excluded(id) => sql.push_str(&format!(" AND id > {id}")),
                Bound::Unbounded => {}
            }
            match until {
                Bound::Included(id) => sql.push_str(&format!(" AND id <= {id}")),
                Bound::Excluded(id) => sql.push_str(&format!(" AND id < {id}")),
                Bound::Unbounded => {}
            }
        }
        sql
    }
}

impl Store {
    /// Opens an existing Baton board, refusing anything else untouched.
    pub fn connect(location: &Location) -> Result<Store> {
        Store::with_backend(match location {
            Location::Sqlite(path) => Box::new(sqlite::Sqlite::open(path, false)?),
            Location::Postgres(url) => Box::new(postgres::Postgres::connect(url, false)?),
        })
    }

    /// Opens a Baton board, creating it when there is none yet (`baton init`).
    pub fn create(location: &Location) -> Result<Store> {
        Store::with_backend(match location {
            Location::Sqlite(path) => Box::new(sqlite::Sqlite::open(path, true)?),
            Location::Postgres(url) => Box::new(postgres::Postgres::connect(url, true)?),
        })
    }

    /// Opens an existing Baton database file.
    pub fn open(path: &Path) -> Result<Store> {
        Store::connect(&Location::from(path))
    }

    /// Opens a Baton database file, creating it (and its folder) when missing.
    pub fn open_or_create(path: &Path) -> Result<Store> {
        Store::create(&Location::from(path))
    }

    fn with_backend(backend: Box<dyn Backend>) -> Result<Store> {
        let dialect = backend.dialect();
        Ok(Store {
            backend: RefCell::new(backend),
            dialect,
            org_cache: None,
        })
    }

    /// The database as named in messages (a URL without its password).
    pub fn place(&self) -> String {
        self.backend.borrow().place()
    }

    /// Keeps the database's upkeep after commits off this connection's writes: for a
    /// connection that lives as long as a board, whose writes wait on a keypress.
    pub fn checkpoint_aside(&self) {
        self.backend.borrow_mut().checkpoint_aside();
    }

    /// True on a shared PostgreSQL board.
    pub fn is_team_mode(&self) -> bool {
        self.dialect == Dialect::Postgres
    }

    /// The actor recorded for a change `requested` asks for: in team mode always the
    /// authenticated database role.
    pub fn actor(&self, requested: &str) -> String {
        self.backend
            .borrow()
            .session_actor()
            .unwrap_or(requested)
            .to_string()
    }

    /// Something to say about the connection (team mode: "reconnecting…").
    pub fn status(&self) -> Option<String> {
        self.backend.borrow().status()
    }

    /// Runs `read`, whose reads all see the board at one moment (one read transaction),
    /// however many store calls it makes. Changes are not allowed inside.
    pub fn view<T, E: From<StoreError>>(
        &self,
        read: impl FnOnce() -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.backend.borrow_mut().begin_view()?;
        let out = read();
        let ended = self.backend.borrow_mut().end_view();
        let out = out?;
        ended?;
        Ok(out)
    }

    /// Opens a view by hand, for a caller that cannot pass a closure to
    /// [`Store::view`]; every `begin_view` needs its `end_view`.
    pub fn begin_view(&self) -> Result<()> {
        self.backend.borrow_mut().begin_view()
    }

    pub fn end_view(&self) -> Result<()> {
        self.backend.borrow_mut().end_view()
    }

    /// Changes whenever anyone commits; cheap enough to poll for live updates.
    pub fn data_version(&self) -> Result<i64> {
        self.backend.borrow_mut().version()
    }

    /// Runs `work` in one read transaction.
    fn read<T>(&self, work: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        once(work, |run| self.backend.borrow_mut().read(run))
    }

    /// Runs `work` in one write transaction.
    fn write<T>(&mut self, work: impl FnOnce(&mut dyn Sql) -> Result<T>) -> Result<T> {
        // The write may change the organisation.
        self.org_cache = None;
        once(work, |run| self.backend.get_mut().write(run))
    }

    pub fn org(&self) -> Result<Org> {
        self.read(load_org)
    }

    pub fn add_team(&mut self, team: &Team) -> Result<()> {
        self.write(|tx| {
            load_org(tx)?.check_new_team(team)?;
            insert_team(tx, team)
        })
    }

    /// Adds a boundary; its contract's first version is recorded as agreed by `actor`
    /// (in team mode, the database role).
    pub fn add_boundary(
        &mut self,
        boundary: &Boundary,
        when: impl Into<When>,
        actor: &str,
    ) -> Result<()> {
        let actor = self.actor(actor);
        let when = when.into();
        self.write(|tx| {
            let org = load_org(tx)?;
            org.check_new_boundary(boundary)?;
            check_calendar_known(&org, &boundary.contract)?;
            insert_boundary(tx, boundary)?;
            insert_contract_change(
                tx,
                &ContractChange {
                    from: boundary.from.clone(),
                    to: boundary.to.clone(),
                    at: when.resolve(),
                    actor,
                    before: None,
                    after: boundary.contract.clone(),
                },
            )
        })
    }

    /// Adds a working calendar; its name must be new.
    pub fn add_calendar(&mut self, calendar: &Calendar) -> Result<()> {
        self.write(|tx| {
            if load_org(tx)?.calendar(calendar.name()).is_some() {
                return Err(StoreError::CalendarExists(calendar.name().to_string()));
            }
            insert_calendar(tx, calendar)
        })
    }

    /// Changes a calendar's definition with `change`, in one transaction.
    pub fn edit_calendar(
        &mut self,
        name: &str,
        change: impl FnOnce(&mut CalendarDef) -> std::result::Result<(), DomainError>,
    ) -> Result<Calendar> {
        self.write(|tx| {
            let org = load_org(tx)?;
            let mut def = org
                .calendar(name)
                .ok_or_else(|| unknown_calendar(&org, name))?
                .def()
                .clone();
            change(&mut def)?;
            let calendar = Calendar::from_def(def).map_err(DomainError::from)?;
            tx.execute(
                "UPDATE calendars SET definition = ?2 WHERE name = ?1",
                &[name.into(), json(calendar.def())?.into()],
            )?;
            Ok(calendar)
        })
    }

    /// Changes a boundary's contract with `change`, in one transaction, recording what
    /// changed, by `actor` (in team mode, the database role), when. A change that
    /// changes nothing is not recorded.
    pub fn edit_boundary(
        &mut self,
        from: &str,
        to: &str,
        when: impl Into<When>,
        actor: &str,
        change: impl FnOnce(&mut Contract),
    ) -> Result<Boundary> {
        let actor = self.actor(actor);
        let when = when.into();
        self.write(|tx| {
            let org = load_org(tx)?;
            let mut boundary = org
                .boundary(from, to)
                .cloned()
                .ok_or_else(|| StoreError::UnknownBoundary(from.to_string(), to.to_string()))?;
            let before = boundary.contract.clone();
            change(&mut boundary.contract);
            check_calendar_known(&org, &boundary.contract)?;
            if boundary.contract != before {
                insert_contract_change(
                    tx,
                    &ContractChange {
                        from: from.to_string(),
                        to: to.to_string(),
                        at: when.resolve(),
                        actor,
                        before: Some(before),
                        after: boundary.contract.clone(),
                    },
                )?;
            }
            let c = &boundary.contract;
            tx.execute(
                "UPDATE boundaries SET trigger = ?3, definition_of_done = ?4, outcome = ?5,
                    owner = ?6, sla_minutes = ?7, escalate_to = ?8, sla = ?9, calendar = ?10,
                    escalate_then = ?11, escalate_after = ?12
                 WHERE from_team = ?1 AND to_team = ?2",
                &boundary_values(from, to, c)?,
            )?;
            Ok(boundary)
        })
    }

    /// Runs one command on one item (or creates one when `id` is `None`): the domain
    /// decides, and the event and the item's new state are written in one transaction.
    /// In team mode the actor is the database role, whatever `actor` says.
    pub fn execute(
        &mut self,
        id: Option<ItemId>,
        command: Command,
        when: impl Into<When>,
        actor: &str,
    ) -> Result<(Event, Item)> {
        self.execute_from(id, command, when, actor)
            .map(|(_, event, item)| (event, item))
    }

    /// [`Store::execute`], also giving the item as the change found it (none for a
    /// new one): a screen learns from it which places the change touched.
    pub fn execute_from(
        &mut self,
        id: Option<ItemId>,
        command: Command,
        when: impl Into<When>,
        actor: &str,
    ) -> Result<(Option<Item>, Event, Item)> {
        let when = when.into();
        let actor = self.actor(actor);
        let mut cache = self.org_cache.take();
        let done = self.write(|tx| {
            let at = when.resolve();
            let org = cached_org(tx, &mut cache)?;
            let (current, id) = match id {
                Some(id) => (
                    Some(load_item(tx, id)?.ok_or(DomainError::UnknownItem(id))?),
                    id,
                ),
                None => (
                    None,
                    scalar(tx, "SELECT COALESCE(MAX(id), 0) + 1 FROM items", &[])?,
                ),
            };
            let (event, item) = match decide(current.as_ref(), id, org, command, at, &actor) {
                Ok(decided) => decided,
                Err(error) => return Err(overtaken(tx, id, error, &actor, at)?),
            };
            write_item(tx, &item)?;
            insert_event(tx, id, &event)?;
            Ok((current, event, item))
        });
        // A command changes items only: the organisation read stays as it was.
        self.org_cache = cache;
        done
    }

    /// Brings in issues from a tracker, in one transaction: each issue creates its item
    /// or, when an item was imported from it before (same external key), changes what
    /// differs, through the domain's rules like any command. An issue the rules refuse
    /// is left out whole and listed. The import is written only if `keep` says so of the
    /// report; otherwise nothing is, and the refusals come back as
    /// [`StoreError::ImportRefused`].
    pub fn sync_issues(
        &mut self,
        issues: &[ExternalIssue],
        when: When,
        actor: &str,
        keep: impl Fn(&SyncReport) -> bool,
    ) -> Result<SyncReport> {
        let actor = self.actor(actor);
        self.write(|tx| {
            let now = when.resolve();
            let org = load_org(tx)?;
            let mut report = SyncReport::default();
            for issue in issues {
                let current = first(
                    tx,
                    &format!("SELECT {ITEM_COLUMNS} FROM items WHERE external_key = ?1"),
                    &[(&issue.key).into()],
                    item_from_row,
                )?;
                let id = match &current {
                    Some(item) => item.id,
                    None => scalar(tx, "SELECT COALESCE(MAX(id), 0) + 1 FROM items", &[])?,
                };
                let mut item = current.clone();
                let mut events = Vec::new();
                let mut refused = None;
                for (command, at) in plan(current.as_ref(), issue, now) {
                    match decide(item.as_ref(), id, &org, command, at, &actor) {
                        Ok((event, next)) => {
                            events.push(event);
                            item = Some(next);
                        }
                        Err(error) => {
                            refused = Some(error.to_string());
                            break;
                        }
                    }
                }
                let (Some(item), None) = (item, refused.clone()) else {
                    let reason = refused.unwrap_or_else(|| "nothing to import".to_string());
                    report.refused.push((issue.origin.clone(), reason));
                    continue;
                };
                if events.is_empty() {
                    report.unchanged += 1;
                    continue;
                }
                write_item(tx, &item)?;
                for event in &events {
                    insert_event(tx, id, event)?;
                }
                if current.is_some() {
                    report.updated.push(id);
                } else {
                    report.created.push(id);
                }
            }
            if !keep(&report) {
                return Err(StoreError::ImportRefused(report.refused));
            }
            Ok(report)
        })
    }

    /// Runs one decision about two items (a merge, two items that are not duplicates):
    /// the domain decides, and both events and both new states are written in one
    /// transaction. Returns `id`'s event and state, then `other`'s.
    pub fn execute_pair(
        &mut self,
        id: ItemId,
        other: ItemId,
        pair: crate::domain::Pair,
        when: impl Into<When>,
        actor: &str,
    ) -> Result<[(Event, Item); 2]> {
        let when = when.into();
        let actor = self.actor(actor);
        self.write(|tx| {
            let at = when.resolve();
            let org = load_org(tx)?;
            let item = load_item(tx, id)?.ok_or(DomainError::UnknownItem(id))?;
            let second = load_item(tx, other)?.ok_or(DomainError::UnknownItem(other))?;
            let decided =
                match crate::domain::rules::decide_pair(&item, &second, &org, pair, at, &actor) {
                    Ok(decided) => decided,
                    Err(error) => return Err(overtaken(tx, id, error, &actor, at)?),
                };
            for (event, item) in &decided {
                write_item(tx, item)?;
                insert_event(tx, item.id, event)?;
            }
            Ok(decided)
        })
    }

    /// Takes back an item's last change, if it is still change `seq` (nobody else has
    /// changed the item since), in one transaction.
    pub fn undo(
        &mut self,
        id: ItemId,
        seq: u32,
        when: impl Into<When>,
        actor: &str,
    ) -> Result<(Event, Item)> {
        let when = when.into();
        let actor = self.actor(actor);
        self.write(|tx| {
            let at = when.resolve();
            let org = load_org(tx)?;
            let events = load_events(tx, id)?;
            if events.last().map(|e| e.seq) != Some(seq) {
                return Err(overtaken(
                    tx,
                    id,
                    DomainError::CannotUndo { id, seq },
                    &actor,
                    at,
                )?);
            }
            let (event, item) = crate::domain::rules::undo(id, &org, &events, at, &actor)?;
            write_item(tx, &item)?;
            insert_event(tx, id, &event)?;
            Ok((event, item))
        })
    }

    pub fn item(&self, id: ItemId) -> Result<Item> {
        self.read(|tx| Ok(load_item(tx, id)?.ok_or(DomainError::UnknownItem(id))?))
    }

    pub fn events(&self, id: ItemId) -> Result<Vec<Event>> {
        self.read(|tx| load_events(tx, id))
    }

    /// An item and its history, read together.
    pub fn item_with_events(&self, id: ItemId) -> Result<(Item, Vec<Event>)> {
        self.read(|tx| {
            let item = load_item(tx, id)?.ok_or(DomainError::UnknownItem(id))?;
            Ok((item, load_events(tx, id)?))
        })
    }

    /// Items matching `filter`, in its order.
    pub fn items(&self, filter: &ItemFilter) -> Result<Vec<Item>> {
        // A window (a column scrolled, a card followed): one query, a few rows.
        if filter.limit.is_some() {
            return once(
                |tx| load_items(tx, filter),
                |run| self.backend.borrow_mut().read_one(run),
            );
        }
        self.read(|tx| load_items(tx, filter))
    }

    /// Where item `id` comes in the list `filter` gives, if it is there.
    pub fn position(&self, filter: &ItemFilter, id: ItemId) -> Result<Option<usize>> {
        let (clause, mut args) = filter.clause(self.dialect);
        args.push(Value::from(id));
        let n = args.len();
        // Counted in the index, not read: the items that come before it in the order.
        let before = match filter.order {
            Order::Id => format!("id < ?{n}"),
            Order::SentAt => {
                format!("(sent_at, id) < (SELECT sent_at, id FROM items WHERE id = ?{n})")
            }
            Order::RecentlyChanged => {
                format!("(updated_at, id) > (SELECT updated_at, id FROM items WHERE id = ?{n})")
            }
            Order::Due => format!("(due, id) < (SELECT due, id FROM items WHERE id = ?{n})"),
            Order::EscalatedAt => {
                format!("(escalated_at, id) < (SELECT escalated_at, id FROM items WHERE id = ?{n})")
            }
        };
        // One statement (one round trip to a server): none when the item is not there.
        let sql = format!(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM items WHERE {clause} AND id = ?{n})
                    THEN (SELECT count(*) FROM items WHERE {clause} AND {before}) END"
        );
        let counted = self.read(|tx| first(tx, &sql, &args, |r| r.int(0)))?;
        Ok(counted
            .flatten()
            .map(|before| usize::try_from(before).unwrap_or(0)))
    }

    /// How many items match `filter`.
    pub fn count(&self, filter: &ItemFilter) -> Result<usize> {
        let (clause, args) = filter.clause(self.dialect);
        let sql = format!("SELECT count(*) FROM items WHERE {clause}");
        let n = self.read(|tx| scalar(tx, &sql, &args))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// How many open items match `filter`, grouped by where they are and whether they
    /// have an owner: what the board's column counts are made of, read from the index
    /// alone. The filter's states narrow it to active or limbo items.
    pub fn open_groups(&self, filter: &ItemFilter) -> Result<Vec<OpenGroup>> {
        let open = [State::Active, State::Limbo];
        let states = match filter.states.is_empty() {
            true => open.to_vec(),
            false => open
                .into_iter()
                .filter(|s| filter.states.contains(s))
                .collect(),
        };
        if states.is_empty() {
            return Ok(Vec::new());
        }
        let filter = ItemFilter {
            states,
            ..filter.clone()
        };
        let (clause, args) = filter.clause(self.dialect);
        // Grouped in the index's order and owners counted, not grouped on: one pass
        // over the index, no sort. A shared board keeps the counts as it is written.
        let sql = if self.dialect == Dialect::Postgres && filter.keeps_every_item() {
            let states: Vec<String> = filter
                .states
                .iter()
                .map(|s| format!("'{}'", s.as_str()))
                .collect();
            pg_schema::PLACE_COUNTS.replace("{states}", &states.join(", "))
        } else {
            format!(
                "SELECT state, team, limbo_to, count(*), count(owner)
                 FROM items WHERE {clause} GROUP BY state, team, limbo_to"
            )
        };
        let counted = self.read(|tx| {
            rows(tx, &sql, &args, |r| {
                let state = if r.req_text(0)? == "limbo" {
                    State::Limbo
                } else {
                    State::Active
                };
                Ok((state, r.req_text(1)?, r.text(2)?, r.count(3)?, r.count(4)?))
            })
        })?;
        let mut groups = Vec::with_capacity(counted.len() * 2);
        for (state, team, limbo_to, all, owned) in counted {
            for (has_owner, count) in [(true, owned), (false, all.saturating_sub(owned))] {
                if count > 0 {
                    groups.push(OpenGroup {
                        state,
                        team: team.clone(),
                        limbo_to: limbo_to.clone(),
                        has_owner,
                        count,
                    });
                }
            }
        }
        Ok(groups)
    }

    /// How many items matching `filter` wait in limbo `from → to`, sent before `cutoff`
    /// (and at or after `since`).
    pub fn count_in_limbo_since_before(
        &self,
        filter: &ItemFilter,
        from: &str,
        to: &str,
        since: Option<DateTime<Utc>>,
        cutoff: DateTime<Utc>,
    ) -> Result<usize> {
        let filter = ItemFilter {
            states: vec![State::Limbo],
            held_by: Some(from.to_string()),
            limbo_to: Some(to.to_string()),
            ..filter.clone()
        };
        let (clause, mut args) = filter.clause(self.dialect);
        args.push(cutoff.into());
        let mut sql = format!(
            "SELECT count(*) FROM items WHERE {clause} AND sent_at < ?{}",
            args.len()
        );
        if let Some(since) = since {
            args.push(since.into());
            sql.push_str(&format!(" AND sent_at >= ?{}", args.len()));
        }
        let n = self.read(|tx| scalar(tx, &sql, &args))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// For each range `(from, to, since, before)`, how many items matching `filter`
    /// wait in limbo `from → to`, sent before `before` (and at or after `since`): what
    /// [`Store::count_in_limbo_since_before`] counts, for many ranges in one query (one
    /// round trip to a shared board).
    pub fn count_in_limbo_ranges(
        &self,
        filter: &ItemFilter,
        ranges: &[LimboRange],
    ) -> Result<Vec<usize>> {
        if ranges.is_empty() {
            return Ok(Vec::new());
        }
        let mut args: Vec<Value> = Vec::new();
        let mut rows_sql = Vec::with_capacity(ranges.len());
        for (n, (from, to, since, before)) in ranges.iter().enumerate() {
            let first = args.len() + 1;
            args.extend([
                Value::from(*from),
                Value::from(*to),
                Value::from(*since),
                Value::from(*before),
            ]);
            rows_sql.push(format!(
                "({n}, CAST(?{} AS TEXT), CAST(?{} AS TEXT), CAST(?{} AS BIGINT), CAST(?{} AS BIGINT))",
                first,
                first + 1,
                first + 2,
                first + 3
            ));
        }
        let clause = filter.clause_after(self.dialect, &mut args);
        // A count for each range, each from the index (a join grouped by range would
        // sort every item counted).
        let sql = format!(
            "SELECT r.column1, (SELECT count(*) FROM items
                 WHERE state = 'limbo' AND team = r.column2 AND limbo_to = r.column3
                     AND sent_at < r.column5 AND (r.column4 IS NULL OR sent_at >= r.column4)
                     AND {clause})
             FROM (VALUES {}) AS r",
            rows_sql.join(", ")
        );
        let counted =
            self.read(|tx| rows(tx, &sql, &args, |r| Ok((r.req_int(0)?, r.count(1)?))))?;
        let mut counts = vec![0; ranges.len()];
        for (n, count) in counted {
            if let Some(slot) = usize::try_from(n).ok().and_then(|n| counts.get_mut(n)) {
                *slot = count;
            }
        }
        Ok(counts)
    }

    /// The items of each filter (each with its limit), in its order: what
    /// [`Store::items`] gives for each, read at one moment. On a shared board, where
    /// each query is a round trip and planning many branches costs more than reading
    /// them, the windows read from the start are read in one query: the columns that
    /// differ only in the team holding or receiving their items share one small plan,
    /// a lateral join over their teams.
    pub fn items_lists(&self, filters: &[ItemFilter]) -> Result<Vec<Vec<Item>>> {
        if self.dialect != Dialect::Postgres || filters.len() < 2 {
            return self.read(|tx| filters.iter().map(|f| load_items(tx, f)).collect());
        }
        // Filters alike but for `held_by` and `limbo_to`, with the same order and limit,
        // by the index in `filters`; the others are read one by one.
        type Shape = (String, Vec<Value>, Order, bool, bool, usize);
        let mut groups: Vec<(Shape, Vec<usize>)> = Vec::new();
        let mut alone = Vec::new();
        for (n, f) in filters.iter().enumerate() {
            let (Some(limit), None, 0) = (f.limit, f.seek, f.offset) else {
                alone.push(n);
                continue;
            };
            let rest = ItemFilter {
                held_by: None,
                limbo_to: None,
                ..f.clone()
            };
            let (clause, args) = rest.clause(self.dialect);
            let shape = (
                clause,
                args,
                f.order,
                f.held_by.is_some(),
                f.limbo_to.is_some(),
                limit,
            );
            match groups.iter_mut().find(|(s, _)| *s == shape) {
                Some((_, members)) => members.push(n),
                None => groups.push((shape, vec![n])),
            }
        }
        let mut args: Vec<Value> = Vec::new();
        let mut parts = Vec::with_capacity(groups.len());
        for ((_, _, order, held, sent, limit), members) in &groups {
            let first = &filters[members[0]];
            let rest = ItemFilter {
                held_by: None,
                limbo_to: None,
                ..first.clone()
            };
            let clause = rest.clause_after(self.dialect, &mut args);
            let mut rows_sql = Vec::with_capacity(members.len());
            for &n in members {
                let f = &filters[n];
                args.push(Value::from(&f.held_by));
                args.push(Value::from(&f.limbo_to));
                rows_sql.push(format!(
                    "({n}, CAST(?{} AS TEXT), CAST(?{} AS TEXT))",
                    args.len() - 1,
                    args.len()
                ));
            }
            let mut place = String::new();
            let mut by = String::new();
            if *held && !*sent && *order == Order::Id {
                // A lane's window, in id order: the team as a range of one, and first in
                // the order, which only the (state, team, id) index serves as it is. As
                // an equality the planner takes the team as fixed and may walk the whole
                // table in id order instead, filtering out every other team's items.
                place.push_str(" AND team >= c.held_by AND team <= c.held_by");
                by.push_str("team, ");
            } else if *held {
                place.push_str(" AND team = c.held_by");
            }
            if *sent {
                place.push_str(" AND limbo_to = c.sent_to");
            }
            // The limit is written in (a whole number): the planner then knows how few
            // rows each window wants, and reads them from an index in order.
            parts.push(format!(
                "SELECT w.*, c.list FROM (VALUES {}) AS c(list, held_by, sent_to)
                 CROSS JOIN LATERAL (SELECT {ITEM_COLUMNS} FROM items WHERE {clause}{place}
                     ORDER BY {by}{} LIMIT {limit}) AS w",
                rows_sql.join(", "),
                order.sql(),
            ));
        }
        let sql = parts.join(" UNION ALL ");
        let list_column = ITEM_COLUMNS.split(',').count();
        let mut lists = vec![Vec::new(); filters.len()];
        self.read(|tx| {
            if !parts.is_empty() {
                tx.query(&sql, &args, &mut |r| {
                    let n = r.req_int(list_column)?;
                    if let Some(list) = usize::try_from(n).ok().and_then(|n| lists.get_mut(n)) {
                        list.push(item_from_row(r)?);
                    }
                    Ok(())
                })?;
            }
            for &n in &alone {
                lists[n] = load_items(tx, &filters[n])?;
            }
            Ok(())
        })?;
        // UNION ALL and the join promise no order between or within their parts: each
        // list is put in its order here (its items are unique by id, so the order is
        // total).
        for (list, f) in lists.iter_mut().zip(filters) {
            let order = f.order;
            list.sort_by(|a, b| order.compare(order.key_of(a), order.key_of(b)));
        }
        Ok(lists)
    }

    /// What the duplicate-title join reads of the open items matching `filter`, in
    /// one read: each one's id, holding team and title in id order, given to `each` as
    /// it is read (none is kept), and then the pairs of them that dismissed each other
    /// as possible duplicates (lower id first).
    pub fn open_titles(
        &self,
        filter: &ItemFilter,
        each: &mut dyn FnMut(ItemId, &str, &str),
    ) -> Result<HashSet<(ItemId, ItemId)>> {
        let filter = ItemFilter {
            states: vec![State::Active, State::Limbo],
            ..filter.clone()
        };
        self.read(|tx| {
            let dialect = tx.dialect();
            let (clause, args) = filter.clause(dialect);
            let table = match filter.keeps_every_item() && open_mostly(tx)?.1 {
                true => dialect.scanned("items"),
                false => "items".to_string(),
            };
            let sql = format!(
                "SELECT id, team, title, dismissed FROM {table} WHERE {clause} ORDER BY id"
            );
            let mut dismissals: Vec<(ItemId, Vec<crate::domain::Dismissal>)> = Vec::new();
            tx.query(&sql, &args, &mut |r| {
                let id = r.req_int(0)?;
                each(id, &r.req_text(1)?, &r.req_text(2)?);
                let dismissed: Vec<crate::domain::Dismissal> = json_list(r, 3)?;
                if !dismissed.is_empty() {
                    dismissals.push((id, dismissed));
                }
                Ok(())
            })?;
            Ok(crate::domain::attention::dismissed_pairs(
                dismissals.iter().map(|(id, d)| (*id, d.as_slice())),
            ))
        })
    }

    /// Everyone the board knows by name, sorted, each once: item owners (closed items
    /// included), escalation contacts, contracts' next owners and team leads. What
    /// the board's `owner:` filter and the forms' person fields complete from.
    pub fn known_people(&self) -> Result<Vec<String>> {
        let mut people: Vec<String> = self.read(|tx| {
            // Each distinct name found from the index by looking for the next one after
            // it: a few hundred look-ups, not a read of every item.
            rows(
                tx,
                "WITH RECURSIVE
                   owners(name) AS (
                     SELECT min(owner) FROM items WHERE owner IS NOT NULL
                     UNION ALL
                     SELECT (SELECT min(owner) FROM items
                              WHERE owner IS NOT NULL AND owner > owners.name)
                       FROM owners WHERE owners.name IS NOT NULL),
                   contacts(name) AS (
                     SELECT min(escalated_to) FROM items WHERE escalated_to IS NOT NULL
                     UNION ALL
                     SELECT (SELECT min(escalated_to) FROM items
                              WHERE escalated_to IS NOT NULL AND escalated_to > contacts.name)
                       FROM contacts WHERE contacts.name IS NOT NULL)
                 SELECT name FROM owners WHERE name IS NOT NULL
                 UNION SELECT name FROM contacts WHERE name IS NOT NULL",
                &[],
                |r| r.req_text(0),
            )
        })?;
        let org = self.org()?;
        for b in &org.boundaries {
            people.extend(b.contract.owner.iter().cloned());
            people.extend(b.contract.ladder().into_iter().map(str::to_string));
        }
        people.extend(org.teams.iter().filter_map(|t| t.lead.clone()));
        people.retain(|p| !p.trim().is_empty());
        people.sort_by_key(|p| p.to_lowercase());
        people.dedup_by(|a, b| a.to_lowercase() == b.to_lowercase());
        Ok(people)
    }

    /// Whether some item names `person` (exactly) as its owner or escalation contact:
    /// whether [`Store::known_people`] still has them from the items.
    pub fn names_person(&self, person: &str) -> Result<bool> {
        let n = self.read(|tx| {
            scalar(
                tx,
                "SELECT count(*) FROM (SELECT 1 FROM items
                 WHERE owner = ?1 OR escalated_to = ?1 LIMIT 1) AS found",
                &[Value::from(person)],
            )
        })?;
        Ok(n > 0)
    }

    /// Every active or limbo item: what attention and the board work from.
    pub fn open_items(&self) -> Result<Vec<Item>> {
        self.open_items_with(ItemColumns::All)
    }

    /// Every active or limbo item, in id order, with only the `columns` the caller
    /// works from filled in (the others empty).
    pub fn open_items_with(&self, columns: ItemColumns) -> Result<Vec<Item>> {
        self.open_items_each(columns, OpenPart::All, &mut |_| {})
    }

    /// The organisation and every open item, in id order, from one snapshot, each item
    /// given as it is read to a feeder made by `feeder` (one per thread that reads).
    /// On a large SQLite board a second connection, opened by `second`, reads the
    /// later half of the items at the same time (a connection reads on one core): it
    /// takes its snapshot first, and this one reads on only if nobody committed between
    /// a moment before that and its own snapshot (SQLite's data version did not move);
    /// else this one reads them all. Every item comes from one snapshot, and the
    /// feeders are given each once.
    pub fn org_and_open_items<F: FnMut(&Item) + Send>(
        &self,
        columns: ItemColumns,
        second: impl FnOnce() -> Option<Store> + Send,
        feeder: impl Fn() -> F + Sync,
    ) -> Result<(Org, Vec<Item>)> {
        self.org_and_open_items_after(columns, second, feeder, || {})
    }

    /// [`Store::org_and_open_items`], calling `between` once the second connection
    /// took its snapshot, before this one takes its own: where a test commits.
    #[doc(hidden)]
    pub fn org_and_open_items_after<F: FnMut(&Item) + Send>(
        &self,
        columns: ItemColumns,
        second: impl FnOnce() -> Option<Store> + Send,
        feeder: impl Fn() -> F + Sync,
        between: impl FnOnce(),
    ) -> Result<(Org, Vec<Item>)> {
        let read = |store: &Store, part: OpenPart| {
            let mut feeder = feeder();
            store.open_items_each(columns, part, &mut feeder)
        };
        // A board too small to share its read is read at once: the span of its ids
        // bounds its open items from above, and costs no count.
        if self.is_team_mode() || self.id_span()? < SHARED_READ_FROM as i64 {
            between();
            return self.view(|| Ok((self.org()?, read(self, OpenPart::All)?)));
        }
        let before = self.data_version()?;
        std::thread::scope(|scope| {
            let (offer, offered) = std::sync::mpsc::channel::<OpenSplit>();
            let (answer, answered) = std::sync::mpsc::channel::<bool>();
            let later = scope.spawn(move || -> Result<Option<Vec<Item>>> {
                let Some(other) = second() else {
                    return Ok(None);
                };
                other.view(|| {
                    let Some(split) = other.open_items_split()? else {
                        return Ok(None);
                    };
                    if offer.send(split).is_err() || answered.recv() != Ok(true) {
                        return Ok(None);
                    }
                    read(&other, OpenPart::From(split)).map(Some)
                })
            });
            let split = offered.recv().ok();
            between();
            self.view(|| {
                let org = self.org()?;
                let shared = split.filter(|_| self.data_version().ok() == Some(before));
                let _ = answer.send(shared.is_some());
                let Some(split) = shared else {
                    return Ok((org, read(self, OpenPart::All)?));
                };
                let mut items = read(self, OpenPart::Before(split))?;
                match later.join() {
                    Ok(rest) => items.extend(rest?.unwrap_or_default()),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
                Ok((org, items))
            })
        })
    }

    /// How many ids the items span, first to last (none: 0).
    fn id_span(&self) -> Result<i64> {
        self.read(|tx| {
            scalar(
                tx,
                "SELECT coalesce(max(id) - min(id) + 1, 0) FROM items",
                &[],
            )
        })
    }

    /// Where a read of every open item can be shared by two connections at the same
    /// time: only on SQLite (a connection reads on one core), and only on a board with
    /// [`SHARED_READ_FROM`] open items or more that are most of its ids (the halves are
    /// halves of the ids). Read in a view, it is where that view's snapshot is taken.
    pub fn open_items_split(&self) -> Result<Option<OpenSplit>> {
        self.read(|tx| {
            if tx.dialect() != Dialect::Sqlite {
                return Ok(None);
            }
            let (open, first_id, last_id) = first(
                tx,
                "SELECT (SELECT count(*) FROM items WHERE state IN ('active', 'limbo')),
                        min(id), max(id) FROM items",
                &[],
                |r| Ok((r.req_int(0)?, r.int(1)?, r.int(2)?)),
            )?
            .unwrap_or_default();
            let (Some(first_id), Some(last_id)) = (first_id, last_id) else {
                return Ok(None);
            };
            let open = usize::try_from(open).unwrap_or(0);
            let span = last_id.saturating_sub(first_id).saturating_add(1);
            let most = open > 0 && (open as i64).saturating_mul(3) >= span;
            Ok((most && open >= SHARED_READ_FROM).then_some(OpenSplit {
                at: first_id + (last_id - first_id) / 2 + 1,
                open,
            }))
        })
    }

    /// [`Store::open_items_with`] for the open items of `part`, in id order, calling
    /// `each` with every item as it is read.
    pub fn open_items_each(
        &self,
        columns: ItemColumns,
        part: OpenPart,
        each: &mut dyn FnMut(&Item),
    ) -> Result<Vec<Item>> {
        use std::ops::Bound;
        let mut filter = ItemFilter {
            states: vec![State::Active, State::Limbo],
            ..ItemFilter::default()
        };
        self.read(|tx| {
            // Counted first, the list is made at its size once rather than grown. The
            // earlier half of a split is made at the size of both, for the later half
            // to be put after it.
            let (open, scan) = match part {
                OpenPart::All => open_mostly(tx)?,
                OpenPart::Before(split) => {
                    filter.id_range = Some((Bound::Unbounded, Bound::Excluded(split.at)));
                    (split.open, true)
                }
                OpenPart::From(split) => {
                    filter.id_range = Some((Bound::Included(split.at), Bound::Unbounded));
                    (split.open / 2, true)
                }
            };
            load_items_with(tx, &filter, columns, scan, open, |item| {
                each(&item);
                item
            })
        })
    }

    /// How many events the board has recorded.
    pub fn count_events(&self) -> Result<usize> {
        let n = self.read(|tx| scalar(tx, "SELECT count(*) FROM events", &[]))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// True when the database has no teams and no items.
    pub fn is_empty(&self) -> Result<bool> {
        self.read(is_empty)
    }

    /// Replaces the whole board with `org` and `items`, already checked by the domain,
    /// in one transaction. Refuses a non-empty board unless `replace`.
    pub fn replace_board(
        &mut self,
        org: &Org,
        items: &[(Item, Vec<Event>)],
        replace: bool,
    ) -> Result<()> {
        self.replace_board_from(org, items.iter().map(Ok), replace)
            .map(|_| ())
    }

    /// Like [`Store::replace_board`], for histories that arrive one at a time (a large
    /// import read from a file): they are written in batches inside the one
    /// transaction, and the first error from `items` abandons it whole. Returns how many
    /// items were written.
    pub fn replace_board_from<H, E>(
        &mut self,
        org: &Org,
        items: impl Iterator<Item = std::result::Result<H, E>>,
        replace: bool,
    ) -> std::result::Result<usize, E>
    where
        H: std::borrow::Borrow<(Item, Vec<Event>)>,
        E: From<StoreError>,
    {
        const BATCH: usize = 1_000;
        self.backend.get_mut().check_may_replace()?;
        self.backend.get_mut().prepare_bulk_write()?;
        let dialect = self.dialect;
        let mut items = items;
        let mut failed: Option<E> = None;
        let written = self.write(|tx| {
            if !is_empty(tx)? && !replace {
                return Err(StoreError::NotEmpty);
            }
            let clear = match dialect {
                // The event history is append-only in team mode: rows cannot be
                // deleted one by one, only the whole board replaced by its owner.
                Dialect::Postgres => {
                    &["TRUNCATE events, items, boundaries, teams, calendars, contract_changes"][..]
                }
                Dialect::Sqlite => &[
                    "DELETE FROM events",
                    "DELETE FROM items",
                    "DELETE FROM boundaries",
                    "DELETE FROM teams",
                    "DELETE FROM calendars",
                    "DELETE FROM contract_changes",
                ][..],
            };
            for statement in clear {
                tx.execute(statement, &[])?;
            }
            // `baton watch` starts afresh on the new board: its history is not news.
            watch::forget_cursor(tx)?;
            for team in &org.teams {
                insert_team(tx, team)?;
            }
            for calendar in &org.calendars {
                insert_calendar(tx, calendar)?;
            }
            for boundary in &org.boundaries {
                insert_boundary(tx, boundary)?;
            }
            for change in &org.contract_history {
                insert_contract_change(tx, change)?;
            }
            let mut written = 0;
            let mut batch: Vec<H> = Vec::with_capacity(BATCH);
            loop {
                batch.clear();
                for next in items.by_ref().take(BATCH) {
                    match next {
                        Ok(history) => batch.push(history),
                        Err(error) => {
                            failed = Some(error);
                            // Abandons the transaction: nothing is half-imported.
                            return Err(StoreError::Database("import abandoned".to_string()));
                        }
                    }
                }
                if batch.is_empty() {
                    return Ok(written);
                }
                tx.insert_rows(
                    "items",
                    ITEM_COLUMNS,
                    &mut batch.iter().map(|h| item_values(&h.borrow().0)),
                )?;
                tx.insert_rows(
                    "events",
                    EVENT_COLUMNS,
                    &mut batch.iter().flat_map(|h| {
                        let (item, events) = h.borrow();
                        events.iter().map(|e| event_values(item.id, e))
                    }),
                )?;
                written += batch.len();
            }
        });
        if let Some(error) = failed {
            return Err(error);
        }
        Ok(written?)
    }

    /// Every item's events as metrics need them, grouped by item in order.
    pub fn flow_histories(&self) -> Result<Vec<Vec<FlowEvent>>> {
        self.read(|tx| flow_histories(tx, "", &[]))
    }

    /// [`Store::flow_histories`], one item at a time through `visit`, in one read
    /// transaction, without holding them all.
    pub fn for_each_flow_history(&self, mut visit: impl FnMut(&[FlowEvent])) -> Result<()> {
        self.read(|tx| {
            each_flow_history(tx, "", &[], &mut |history| {
                visit(history);
                Ok(())
            })
        })
    }

    /// The events of each item `(id, seq)` names that come after its event `seq`, as
    /// [`Store::flow_histories`] gives them: what the metrics screen reads after a
    /// change, since events are only ever appended.
    pub fn flow_events_after(&self, after: &[(ItemId, u32)]) -> Result<Vec<Vec<FlowEvent>>> {
        self.read(|tx| {
            let mut all = Vec::new();
            for (id, seq) in after {
                all.extend(flow_histories(
                    tx,
                    "WHERE item_id = ?1 AND seq > ?2",
                    &[Value::from(*id), Value::from(*seq)],
                )?);
            }
            Ok(all)
        })
    }

    /// Every item's id and the number of its last event, in id order.
    pub fn history_lengths(&self) -> Result<Vec<(ItemId, u32)>> {
        self.read(|tx| {
            rows(tx, "SELECT id, events FROM items ORDER BY id", &[], |r| {
                Ok((r.req_int(0)?, r.u32(1)?))
            })
        })
    }

    /// The board and its metrics over `period`, as a snapshot (not saved), read in one
    /// transaction; metrics count days in `zone`.
    pub fn take_snapshot<Tz: chrono::TimeZone>(
        &self,
        label: &str,
        period: Period,
        zone: &Tz,
    ) -> Result<Snapshot> {
        self.take_snapshot_with(label, period, zone, |_| {})
    }

    /// [`Store::take_snapshot`], showing `also` each flow history it is computed from
    /// as it streams by.
    pub fn take_snapshot_with<Tz: chrono::TimeZone>(
        &self,
        label: &str,
        period: Period,
        zone: &Tz,
        mut also: impl FnMut(&[FlowEvent]),
    ) -> Result<Snapshot> {
        self.read(|tx| {
            let org = load_org(tx)?;
            // Anything at or after the end (after it, for a period that ends now).
            let later = scalar(
                tx,
                if period.ends_now {
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM events WHERE at > ?1) THEN 1 ELSE 0 END"
                } else {
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM events WHERE at >= ?1) THEN 1 ELSE 0 END"
                },
                &[period.until.into()],
            )? != 0;
            // One pass over the histories: the snapshot's rows and metrics, and the
            // period's troubles.
            let mut taking = crate::domain::snapshot::Taking::new(&org, period, zone);
            let mut troubles = crate::domain::snapshot::Incidents::new(&org, period);
            each_flow_history(tx, "", &[], &mut |history| {
                taking.add(history);
                troubles.add(history);
                also(history);
                Ok(())
            })?;
            // The board as it stood at the period's end: the stored state, unless
            // something happened since, in which case each history is replayed up to
            // that moment.
            let rows = if later {
                let mut rows = Vec::new();
                for (item, events) in all_histories(tx)? {
                    let upto: Vec<Event> = events
                        .into_iter()
                        .take_while(|e| period.reached(e.at))
                        .collect();
                    if !upto.is_empty() {
                        let item = crate::domain::rules::replay(item.id, &org, &upto)
                            .map_err(|(_, e)| e)?;
                        rows.push(taking.row(item));
                    }
                }
                rows
            } else {
                load_items_with(tx, &ItemFilter::default(), ItemColumns::Row, false, 0, |item| {
                    taking.row(item)
                })?
            };
            let mut snapshot = taking.finish(label, rows);
            // The words recorded with the few troubles listed, read event by event.
            let found = troubles.finish();
            let mut kinds: HashMap<(ItemId, u32), EventKind> = HashMap::new();
            for (id, seq) in found.iter().filter_map(|f| f.event()) {
                let data = first(
                    tx,
                    "SELECT data FROM events WHERE item_id = ?1 AND seq = ?2",
                    &[id.into(), seq.into()],
                    |r| r.req_text(0),
                )?;
                if let Some(kind) = data.and_then(|d| serde_json::from_str::<EventKind>(&d).ok()) {
                    kinds.insert((id, seq), kind);
                }
            }
            let listed: HashSet<ItemId> = found.iter().map(|f| f.id()).collect();
            let titles: HashMap<ItemId, String> = snapshot
                .items
                .iter()
                .filter(|r| listed.contains(&r.id))
                .map(|r| (r.id, r.title.clone()))
                .collect();
            snapshot.incidents = crate::domain::snapshot::with_words(found, &titles, &kinds);
            Ok(snapshot)
        })
    }

    /// Saves a snapshot; returns its number.
    /// Saves `snapshot` and gives its number and label. A label names one snapshot: one
    /// in use is refused, or with [`LabelInUse::Numbered`] made free with " (2)", " (3)"…
    /// (a second standup the same day, a second default label).
    pub fn save_snapshot(
        &mut self,
        mut snapshot: Snapshot,
        in_use: LabelInUse,
    ) -> Result<(i64, String)> {
        let base = snapshot.label.clone();
        // `snapshot show 3` means snapshot number 3: a label cannot be a number.
        if base.trim().trim_start_matches('#').parse::<i64>().is_ok() {
            return Err(StoreError::NumberLabel(base));
        }
        self.write(|tx| {
            snapshot.label = base.clone();
            for n in 2.. {
                let taken = first(
                    tx,
                    "SELECT id FROM snapshots WHERE label = ?1 ORDER BY id LIMIT 1",
                    &[(&snapshot.label).into()],
                    |r| r.req_int(0),
                )?;
                match (taken, in_use) {
                    (None, _) => break,
                    (Some(id), LabelInUse::Refused) => {
                        return Err(StoreError::SnapshotLabelTaken {
                            label: snapshot.label.clone(),
                            id,
                        });
                    }
                    (Some(_), LabelInUse::Numbered) => snapshot.label = format!("{base} ({n})"),
                }
            }
            let id = first(
                tx,
                "INSERT INTO snapshots (label, taken_at, document) VALUES (?1, ?2, ?3)
                 RETURNING id",
                &[
                    (&snapshot.label).into(),
                    snapshot.taken_at.into(),
                    json(&snapshot)?.into(),
                ],
                |r| r.req_int(0),
            )?
            .ok_or_else(|| StoreError::Database("the snapshot got no number".to_string()))?;
            Ok((id, snapshot.label.clone()))
        })
    }

    /// Saved snapshots, oldest first: number, label, when taken.
    pub fn snapshots(&self) -> Result<Vec<(i64, String, DateTime<Utc>)>> {
        self.read(|tx| {
            rows(
                tx,
                "SELECT id, label, taken_at FROM snapshots ORDER BY taken_at, id",
                &[],
                |r| Ok((r.req_int(0)?, r.req_text(1)?, r.req_time(2)?)),
            )
        })
    }

    /// A saved snapshot by number, or by label. Labels are unique since they were made
    /// so; a label an older board gave several snapshots is refused, with their numbers.
    pub fn snapshot(&self, key: &str) -> Result<Snapshot> {
        let key = key.trim();
        let text = self.read(|tx| match key.trim_start_matches('#').parse::<i64>() {
            Ok(id) => first(
                tx,
                "SELECT document FROM snapshots WHERE id = ?1",
                &[id.into()],
                |r| r.req_text(0),
            ),
            Err(_) => {
                let found = rows(
                    tx,
                    "SELECT id, document FROM snapshots WHERE label = ?1 ORDER BY id",
                    &[key.into()],
                    |r| Ok((r.req_int(0)?, r.req_text(1)?)),
                )?;
                if found.len() > 1 {
                    let ids: Vec<String> = found.iter().map(|(id, _)| id.to_string()).collect();
                    return Err(StoreError::AmbiguousSnapshot {
                        label: key.to_string(),
                        ids: ids.join(", "),
                    });
                }
                Ok(found.into_iter().next().map(|(_, document)| document))
            }
        })?;
        let text = text.ok_or_else(|| StoreError::UnknownSnapshot(key.to_string()))?;
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            column: 3,
            detail: format!("snapshot `{key}`: {e}"),
        })
    }

    /// Every event as stored (item, number, time, actor, JSON of what happened), by item
    /// and number, in one read transaction, each borrowed from the row it is read from:
    /// `export --format csv --events` streams a million this way, copying nothing.
    pub fn for_each_stored_event<E: From<StoreError>>(
        &self,
        mut visit: impl FnMut(ItemId, StoredEventRef<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut failed: Option<E> = None;
        let result = self.read(|tx| {
            tx.query(
                "SELECT item_id, seq, at, actor, data FROM events ORDER BY item_id, seq",
                &[],
                &mut |r| {
                    if failed.is_some() {
                        return Ok(());
                    }
                    let event = StoredEventRef {
                        seq: r.u32(1)?,
                        at: r.req_time(2)?,
                        actor: r.req_str(3)?,
                        data: r.req_str(4)?,
                    };
                    if let Err(e) = visit(r.req_int(0)?, event) {
                        failed = Some(e);
                    }
                    Ok(())
                },
            )
        });
        if let Some(error) = failed {
            return Err(error);
        }
        result.map_err(E::from)
    }

    /// Every item, by id, with its events as stored (number, time, actor, JSON of what
    /// happened), a batch of items at a time, in one read transaction: export streams a
    /// million events this way without decoding them or holding the board in memory.
    pub fn for_each_stored_history<E: From<StoreError>>(
        &self,
        mut visit: impl FnMut(&Item, &[StoredEvent]) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        const BATCH: i64 = 2_000;
        let mut failed: Option<E> = None;
        let result = self.read(|tx| {
            let mut after: i64 = i64::MIN;
            loop {
                let items = load_items_after(tx, after, BATCH)?;
                let Some(last) = items.last().map(|i| i.id) else {
                    return Ok(());
                };
                let mut index = 0;
                let mut batch: Vec<StoredEvent> = Vec::new();
                let mut stopped = false;
                tx.query(
                    "SELECT item_id, seq, at, actor, data FROM events
                     WHERE item_id >= ?1 AND item_id <= ?2 ORDER BY item_id, seq",
                    &[items[0].id.into(), last.into()],
                    &mut |r| {
                        let item_id = r.req_int(0)?;
                        while index < items.len() && items[index].id < item_id {
                            if !stopped && let Err(e) = visit(&items[index], &batch) {
                                failed = Some(e);
                                stopped = true;
                            }
                            batch.clear();
                            index += 1;
                        }
                        if index < items.len() && items[index].id == item_id && !stopped {
                            batch.push(StoredEvent {
                                seq: r.u32(1)?,
                                at: r.req_time(2)?,
                                actor: r.req_text(3)?,
                                data: r.req_text(4)?,
                            });
                        }
                        Ok(())
                    },
                )?;
                while index < items.len() && !stopped {
                    if let Err(e) = visit(&items[index], &batch) {
                        failed = Some(e);
                        stopped = true;
                    }
                    batch.clear();
                    index += 1;
                }
                if stopped {
                    return Ok(());
                }
                after = last;
            }
        });
        if let Some(error) = failed {
            return Err(error);
        }
        result.map_err(E::from)
    }

    /// Every item with its events, by id, for export.
    pub fn all_histories(&self) -> Result<Vec<(Item, Vec<Event>)>> {
        self.read(all_histories)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.read(|tx| {
            first(
                tx,
                "SELECT value FROM settings WHERE key = ?1",
                &[key.into()],
                |r| r.req_text(0),
            )
        })
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[key.into(), value.into()],
            )?;
            Ok(())
        })
    }

    /// Admits or removes a database role, or lists those admitted (team mode).
    pub fn access(&mut self, change: Access) -> Result<Members> {
        self.backend.get_mut().access(change)
    }
}

/// Hands `work`, which returns a value once, to a backend's transaction, which takes a
/// callback that returns nothing.
fn once<T>(
    work: impl FnOnce(&mut dyn Sql) -> Result<T>,
    transaction: impl FnOnce(&mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()>,
) -> Result<T> {
    let mut work = Some(work);
    let mut out = None;
    transaction(&mut |sql| {
        if let Some(work) = work.take() {
            out = Some(work(sql)?);
        }
        Ok(())
    })?;
    out.ok_or_else(|| StoreError::Database("the transaction did not run".to_string()))
}

/// A refusal, with what happened to the item last when someone else changed it: two
/// people acting on one item at once get "#42 was accepted by bob 2s ago".
fn overtaken(
    tx: &mut dyn Sql,
    id: ItemId,
    error: DomainError,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<StoreError> {
    if !matches!(
        error,
        DomainError::WrongState { .. } | DomainError::CannotUndo { .. }
    ) {
        return Ok(error.into());
    }
    let last = load_events(tx, id)?.pop();
    Ok(match last {
        Some(event) if event.actor != actor => StoreError::Overtaken {
            error: Box::new(error),
            id,
            what: event.kind.verb().to_string(),
            actor: event.actor,
            ago: ago(at.signed_duration_since(event.at)),
        },
        _ => error.into(),
    })
}

/// How long ago, down to the second: a concurrent change is seconds old.
fn ago(d: chrono::Duration) -> String {
    let seconds = d.num_seconds().max(0);
    if seconds < 60 {
        format!("{seconds}s")
    } else {
        format_duration(d)
    }
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    crate::domain::text::to_json_compact(value).map_err(|e| StoreError::Encode(e.to_string()))
}

fn is_empty(tx: &mut dyn Sql) -> Result<bool> {
    Ok(scalar(
        tx,
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM teams) OR EXISTS (SELECT 1 FROM items)
                THEN 0 ELSE 1 END",
        &[],
    )? != 0)
}

/// The organisation, from `cache` when nobody changed it since it was read there:
/// SQLite's data version moves with every other connection's commit, and this
/// connection's own writes empty the cache ([`Store::write`]); PostgreSQL's
/// organisation version moves with every change to the organisation, whoever makes it.
fn cached_org<'c>(tx: &mut dyn Sql, cache: &'c mut Option<(i64, Org)>) -> Result<&'c Org> {
    let version = match tx.dialect() {
        Dialect::Sqlite => scalar(tx, "PRAGMA data_version", &[])?,
        Dialect::Postgres => scalar(tx, pg_schema::ORG_VERSION, &[])?,
    };
    let kept = match cache.take() {
        Some((at, org)) if at == version => (at, org),
        _ => (version, load_org(tx)?),
    };
    Ok(&cache.insert(kept).1)
}

fn load_org(tx: &mut dyn Sql) -> Result<Org> {
    let teams = rows(
        tx,
        "SELECT key, name, lead FROM teams ORDER BY position, key",
        &[],
        |r| {
            Ok(Team {
                key: r.req_text(0)?,
                name: r.req_text(1)?,
                lead: r.text(2)?,
            })
        },
    )?;
    let boundaries = rows(
        tx,
        "SELECT from_team, to_team, trigger, definition_of_done, outcome, owner, sla_minutes,
                escalate_to, sla, calendar, escalate_then, escalate_after
         FROM boundaries ORDER BY position, from_team, to_team",
        &[],
        |r| {
            Ok(Boundary {
                from: r.req_text(0)?,
                to: r.req_text(1)?,
                contract: Contract {
                    trigger: r.text(2)?,
                    definition_of_done: json_cell(r, 3)?,
                    outcome: r.text(4)?,
                    owner: r.text(5)?,
                    sla: match (r.text(8)?, r.int(6)?) {
                        (Some(text), _) => Some(Sla::parse(&text).map_err(|e| {
                            StoreError::Database(format!("a stored SLA is unreadable: {e}"))
                        })?),
                        // Stored before units were kept.
                        (None, minutes) => minutes.map(Sla::from_minutes),
                    },
                    escalate_to: r.text(7)?,
                    calendar: r.text(9)?,
                    escalate_then: match r.text(10)? {
                        Some(_) => json_cell(r, 10)?,
                        None => Vec::new(),
                    },
                    escalate_after: r
                        .text(11)?
                        .map(|text| Sla::parse(&text))
                        .transpose()
                        .map_err(|e| {
                            StoreError::Database(format!(
                                "a stored escalate-after is unreadable: {e}"
                            ))
                        })?,
                },
            })
        },
    )?;
    let calendars = rows(
        tx,
        "SELECT definition FROM calendars ORDER BY position, name",
        &[],
        |r| {
            let def: CalendarDef = json_cell(r, 0)?;
            Calendar::from_def(def)
                .map_err(|e| StoreError::Database(format!("a stored calendar is unreadable: {e}")))
        },
    )?;
    let contract_history = rows(
        tx,
        "SELECT from_team, to_team, at, actor, before, after FROM contract_changes
         ORDER BY at, id",
        &[],
        |r| {
            Ok(ContractChange {
                from: r.req_text(0)?,
                to: r.req_text(1)?,
                at: r.req_time(2)?,
                actor: r.req_text(3)?,
                before: match r.text(4)? {
                    Some(_) => Some(json_cell(r, 4)?),
                    None => None,
                },
                after: json_cell(r, 5)?,
            })
        },
    )?;
    Ok(Org {
        teams,
        boundaries,
        calendars,
        contract_history,
    })
}

fn insert_contract_change(tx: &mut dyn Sql, change: &ContractChange) -> Result<()> {
    let before = change.before.as_ref().map(json).transpose()?;
    tx.execute(
        "INSERT INTO contract_changes (from_team, to_team, at, actor, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            (&change.from).into(),
            (&change.to).into(),
            change.at.into(),
            (&change.actor).into(),
            (&before).into(),
            json(&change.after)?.into(),
        ],
    )?;
    Ok(())
}

fn insert_calendar(tx: &mut dyn Sql, calendar: &Calendar) -> Result<()> {
    tx.execute(
        "INSERT INTO calendars (name, definition, position)
         VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM calendars))",
        &[calendar.name().into(), json(calendar.def())?.into()],
    )?;
    Ok(())
}

fn unknown_calendar(org: &Org, name: &str) -> StoreError {
    let known: Vec<&str> = org.calendars.iter().map(|c| c.name()).collect();
    StoreError::UnknownCalendar {
        name: name.to_string(),
        known: if known.is_empty() {
            "none yet; add one with `baton calendar add`".to_string()
        } else {
            known.join(", ")
        },
    }
}

/// A contract may only name a calendar that exists.
fn check_calendar_known(org: &Org, contract: &Contract) -> Result<()> {
    match contract.calendar.as_deref() {
        Some(name) if org.calendar(name).is_none() => Err(unknown_calendar(org, name)),
        _ => Ok(()),
    }
}

fn insert_team(tx: &mut dyn Sql, team: &Team) -> Result<()> {
    tx.execute(
        "INSERT INTO teams (key, name, lead, position)
         VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position), 0) + 1 FROM teams))",
        &[(&team.key).into(), (&team.name).into(), (&team.lead).into()],
    )?;
    Ok(())
}

fn insert_boundary(tx: &mut dyn Sql, b: &Boundary) -> Result<()> {
    let c = &b.contract;
    tx.execute(
        "INSERT INTO boundaries (from_team, to_team, trigger, definition_of_done, outcome, owner,
            sla_minutes, escalate_to, sla, calendar, escalate_then, escalate_after, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
            (SELECT COALESCE(MAX(position), 0) + 1 FROM boundaries))",
        &boundary_values(&b.from, &b.to, c)?,
    )?;
    Ok(())
}

/// A boundary's columns: its two teams, its contract's six fields, then the SLA as
/// typed and the calendar.
fn boundary_values(from: &str, to: &str, c: &Contract) -> Result<Vec<Value>> {
    Ok(vec![
        from.into(),
        to.into(),
        (&c.trigger).into(),
        json(&c.definition_of_done)?.into(),
        (&c.outcome).into(),
        (&c.owner).into(),
        c.sla_minutes().into(),
        (&c.escalate_to).into(),
        c.sla.map(|s| s.text()).as_ref().into(),
        (&c.calendar).into(),
        match c.escalate_then.is_empty() {
            true => Value::Text(None),
            false => json(&c.escalate_then)?.into(),
        },
        c.escalate_after.map(|s| s.text()).as_ref().into(),
    ])
}

const ITEM_COLUMNS: &str = "id, title, body, tags, due, team, owner, state, created_at, updated_at,
    limbo_to, sent_at, limbo_note, unticked, sender_owner, escalated_at, escalated_to,
    incomplete_handoff, bounces, flags, events, snoozed_until, arrived_from, link, external_key,
    merged_into, dismissed";

/// Which of an item's columns a read fills in. A narrow read selects the same columns
/// in the same places, the ones it leaves out as their empty value, so one mapping
/// ([`item_from_row`]) reads every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemColumns {
    All,
    /// What the attention queue, its signals and its listing read: no description,
    /// tags, handoff note or checklist, sender's owner, arrival, link or external key.
    Attention,
    /// What a snapshot's rows read: the long text and the JSON lists (description,
    /// tags, notes, checklists, dismissals) read as empty, so that a hundred thousand
    /// rows load without decoding them.
    Row,
}

impl ItemColumns {
    fn select(self) -> &'static str {
        match self {
            ItemColumns::All => ITEM_COLUMNS,
            // In the places of ITEM_COLUMNS (a test checks it).
            ItemColumns::Attention => {
                "id, title, CAST(NULL AS TEXT), '[]', due, team, owner, state, created_at,
                 updated_at, limbo_to, sent_at, CAST(NULL AS TEXT), '[]', CAST(NULL AS TEXT),
                 escalated_at, escalated_to, incomplete_handoff, bounces, flags, events,
                 snoozed_until, CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT),
                 merged_into, dismissed"
            }
            ItemColumns::Row => {
                "id, title, CAST(NULL AS TEXT), '[]', due, team, owner, state, created_at,
                 updated_at, limbo_to, sent_at, CAST(NULL AS TEXT), '[]', sender_owner,
                 escalated_at, escalated_to, '[]', bounces, flags, events, snoozed_until,
                 arrived_from, link, external_key, merged_into, '[]'"
            }
        }
    }
}

/// Which of the open items a read takes: all, or one side of an [`OpenSplit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenPart {
    All,
    Before(OpenSplit),
    From(OpenSplit),
}

/// Where [`Store::open_items_split`] shares a read of the open items: the first id of
/// the later half, and how many items are open in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenSplit {
    at: ItemId,
    open: usize,
}

/// Open items from which [`Store::open_items_split`] shares a read: below, opening a
/// second connection costs about what it saves.
pub const SHARED_READ_FROM: usize = 8_192;

/// How many items are open (on SQLite; 0 when not counted), and whether they are most
/// of the table: then reading the table in id order beats looking each one up from the
/// index and sorting them (SQLite's planner cannot tell without statistics). The span
/// of the ids bounds the number of items from above, so sparse ids err towards the
/// index.
fn open_mostly(tx: &mut dyn Sql) -> Result<(usize, bool)> {
    if tx.dialect() != Dialect::Sqlite {
        return Ok((0, false));
    }
    let (open, span) = first(
        tx,
        "SELECT (SELECT count(*) FROM items WHERE state IN ('active', 'limbo')),
                (SELECT coalesce(max(id) - min(id) + 1, 0) FROM items)",
        &[],
        |r| Ok((r.req_int(0)?, r.req_int(1)?)),
    )?
    .unwrap_or_default();
    Ok((
        usize::try_from(open).unwrap_or(0),
        open > 0 && open.saturating_mul(3) >= span,
    ))
}

fn load_item(tx: &mut dyn Sql, id: ItemId) -> Result<Option<Item>> {
    first(tx, load_item_sql(), &[id.into()], item_from_row)
}

/// The statement [`load_item`] runs, made once.
fn load_item_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = ?1"))
}

fn load_items(tx: &mut dyn Sql, filter: &ItemFilter) -> Result<Vec<Item>> {
    load_items_with(tx, filter, ItemColumns::All, false, 0, |item| item)
}

/// Items matching `filter` with `columns` filled in, each handed to `map` as it is
/// read; with `scan`, the table read in id order rather than through an index (see
/// [`Dialect::scanned`]). `expect` is how many rows there will be, when known (else 0).
fn load_items_with<T>(
    tx: &mut dyn Sql,
    filter: &ItemFilter,
    columns: ItemColumns,
    scan: bool,
    expect: usize,
    mut map: impl FnMut(Item) -> T,
) -> Result<Vec<T>> {
    let dialect = tx.dialect();
    let (mut clause, mut args) = filter.clause(dialect);
    let mut order = filter.order.sql();
    if let Some(seek) = filter.seek {
        // Seen from the order's direction: after an item in an order going up is
        // greater. Ties on the time go by id, in the same direction.
        let (key, later) = match seek {
            Seek::After(key) => (key, true),
            Seek::Before(key) => (key, false),
        };
        if !later {
            order = filter.order.reversed_sql();
        }
        args.push(Value::from(key.id));
        let id = args.len();
        match filter.order.time_column() {
            None => {
                let cmp = if later { ">" } else { "<" };
                clause.push_str(&format!(" AND id {cmp} ?{id}"));
            }
            Some((column, up)) => {
                let (wide, strict) = if later == up {
                    (">=", ">")
                } else {
                    ("<=", "<")
                };
                args.push(Value::from(key.at));
                let at = args.len();
                // The range on the time alone, which the index serves; then the ties.
                clause.push_str(&format!(
                    " AND {column} {wide} ?{at} AND ({column} {strict} ?{at} OR id {strict} ?{id})"
                ));
            }
        }
    }
    let table = if scan {
        dialect.scanned("items")
    } else {
        "items".to_string()
    };
    let mut sql = format!(
        "SELECT {} FROM {table} WHERE {clause} ORDER BY {order}",
        columns.select()
    );
    // The limit and offset are bound, not written in: one prepared statement serves
    // every window of a column.
    match (filter.limit, filter.offset) {
        (Some(limit), offset) => {
            args.push(Value::from(i64::try_from(limit).unwrap_or(i64::MAX)));
            args.push(Value::from(i64::try_from(offset).unwrap_or(i64::MAX)));
            sql.push_str(&format!(
                " LIMIT ?{} OFFSET ?{}",
                args.len() - 1,
                args.len()
            ));
        }
        (None, 0) => {}
        (None, offset) => sql.push_str(&dialect.offset_only(offset)),
    }
    let mut out = Vec::with_capacity(expect);
    tx.query(&sql, &args, &mut |r| {
        out.push(map(item_from_row(r)?));
        Ok(())
    })?;
    Ok(out)
}

fn load_items_after(tx: &mut dyn Sql, after: ItemId, limit: i64) -> Result<Vec<Item>> {
    rows(
        tx,
        &format!("SELECT {ITEM_COLUMNS} FROM items WHERE id > ?1 ORDER BY id LIMIT ?2"),
        &[after.into(), limit.into()],
        item_from_row,
    )
}

fn item_from_row(r: &dyn Row) -> Result<Item> {
    let state_text = r.req_str(7)?;
    let state = State::parse(state_text).ok_or_else(|| StoreError::Corrupt {
        column: 7,
        detail: format!("unknown state {state_text}"),
    })?;
    let limbo = match (r.text(10)?, r.time(11)?) {
        (Some(to), Some(sent_at)) => Some(Box::new(Limbo {
            to,
            sent_at,
            note: r.text(12)?.unwrap_or_default(),
            unticked: json_list(r, 13)?,
            sender_owner: r.text(14)?,
        })),
        _ => None,
    };
    let escalation = match r.time(15)? {
        Some(at) => Some(Box::new(Escalation {
            at,
            to: r.text(16)?,
        })),
        None => None,
    };
    Ok(Item {
        id: r.req_int(0)?,
        title: r.req_text(1)?,
        body: r.text(2)?,
        tags: json_list(r, 3)?,
        due: r.time(4)?,
        team: r.req_text(5)?,
        owner: r.text(6)?,
        state,
        created_at: r.req_time(8)?,
        updated_at: r.req_time(9)?,
        limbo,
        escalation,
        incomplete_handoff: json_list(r, 17)?,
        bounces: r.u32(18)?,
        flags: r.u32(19)?,
        events: r.u32(20)?,
        snoozed_until: r.time(21)?,
        arrived_from: r.text(22)?,
        link: r.text(23)?,
        external_key: r.text(24)?,
        merged_into: r.int(25)?,
        dismissed: json_list(r, 26)?,
    })
}

/// An item's columns, in the order of [`ITEM_COLUMNS`].
fn item_values(item: &Item) -> Result<Vec<Value>> {
    let limbo = item.limbo.as_ref();
    Ok(vec![
        item.id.into(),
        (&item.title).into(),
        (&item.body).into(),
        json(&item.tags)?.into(),
        item.due.into(),
        (&item.team).into(),
        (&item.owner).into(),
        item.state.as_str().into(),
        item.created_at.into(),
        item.updated_at.into(),
        limbo.map(|l| &l.to).into(),
        limbo.map(|l| l.sent_at).into(),
        limbo.map(|l| &l.note).into(),
        json(&limbo.map(|l| l.unticked.as_slice()).unwrap_or_default())?.into(),
        limbo.and_then(|l| l.sender_owner.as_ref()).into(),
        item.escalation.as_ref().map(|e| e.at).into(),
        item.escalation.as_ref().and_then(|e| e.to.as_ref()).into(),
        json(&item.incomplete_handoff)?.into(),
        item.bounces.into(),
        item.flags.into(),
        item.events.into(),
        item.snoozed_until.into(),
        (&item.arrived_from).into(),
        (&item.link).into(),
        (&item.external_key).into(),
        item.merged_into.into(),
        json(&item.dismissed)?.into(),
    ])
}

fn write_item(tx: &mut dyn Sql, item: &Item) -> Result<()> {
    tx.execute(write_item_sql(), &item_values(item)?)?;
    Ok(())
}

/// The statement [`write_item`] runs, made once.
fn write_item_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let columns: Vec<&str> = ITEM_COLUMNS.split(',').map(str::trim).collect();
        let placeholders: Vec<String> = (1..=columns.len()).map(|n| format!("?{n}")).collect();
        let updates: Vec<String> = columns[1..]
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        format!(
            "INSERT INTO items ({ITEM_COLUMNS}) VALUES ({})
             ON CONFLICT (id) DO UPDATE SET {}",
            placeholders.join(", "),
            updates.join(", ")
        )
    })
}

const EVENT_COLUMNS: &str = "item_id, seq, at, actor, kind, data";

/// An event's columns, in the order of [`EVENT_COLUMNS`].
fn event_values(id: ItemId, event: &Event) -> Result<Vec<Value>> {
    Ok(vec![
        id.into(),
        event.seq.into(),
        event.at.into(),
        (&event.actor).into(),
        event.kind.name().into(),
        json(&event.kind)?.into(),
    ])
}

const INSERT_EVENT: &str =
    "INSERT INTO events (item_id, seq, at, actor, kind, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

fn insert_event(tx: &mut dyn Sql, id: ItemId, event: &Event) -> Result<()> {
    tx.execute(INSERT_EVENT, &event_values(id, event)?)?;
    Ok(())
}

fn load_events(tx: &mut dyn Sql, id: ItemId) -> Result<Vec<Event>> {
    rows(
        tx,
        "SELECT seq, at, actor, data FROM events WHERE item_id = ?1 ORDER BY seq",
        &[id.into()],
        |r| event_from_row(r, 0),
    )
}

fn event_from_row(r: &dyn Row, first: usize) -> Result<Event> {
    let kind: EventKind = json_cell(r, first + 3)?;
    Ok(Event {
        seq: r.u32(first)?,
        at: r.req_time(first + 1)?,
        actor: r.req_text(first + 2)?,
        kind,
    })
}

fn all_histories(tx: &mut dyn Sql) -> Result<Vec<(Item, Vec<Event>)>> {
    let items = load_items(tx, &ItemFilter::default())?;
    let mut out: Vec<(Item, Vec<Event>)> = items.into_iter().map(|i| (i, Vec::new())).collect();
    let mut index = 0;
    tx.query(
        "SELECT item_id, seq, at, actor, data FROM events ORDER BY item_id, seq",
        &[],
        &mut |r| {
            let item_id = r.req_int(0)?;
            while index < out.len() && out[index].0.id < item_id {
                index += 1;
            }
            if let Some((_, events)) = out.get_mut(index).filter(|(i, _)| i.id == item_id) {
                events.push(event_from_row(r, 1)?);
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// Every item's events as metrics need them, grouped by item in order. The few fields
/// metrics read are taken out of the JSON by the database, so a million events load
/// without decoding each one in full.
fn flow_histories(
    tx: &mut dyn Sql,
    condition: &str,
    args: &[Value],
) -> Result<Vec<Vec<FlowEvent>>> {
    let mut histories: Vec<Vec<FlowEvent>> = Vec::new();
    each_flow_history(tx, condition, args, &mut |history| {
        histories.push(history.to_vec());
        Ok(())
    })?;
    Ok(histories)
}

/// The fields of an event's JSON that metrics read; the rest is skipped unread.
#[derive(serde::Deserialize)]
struct FlowFields<'a> {
    #[serde(borrow, default)]
    team: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    to: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    cause: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    forced: Option<bool>,
    #[serde(default)]
    late: Option<bool>,
    #[serde(default)]
    seq: Option<u32>,
}

/// [`flow_histories`], one item at a time through `visit`, in one buffer: a million
/// events are read without holding them all.
fn each_flow_history(
    tx: &mut dyn Sql,
    condition: &str,
    args: &[Value],
    visit: &mut dyn FnMut(&[FlowEvent]) -> Result<()>,
) -> Result<()> {
    // The JSON of the few kinds whose fields metrics read is decoded here, into
    // borrowed fields: cheaper than asking the database to take it apart field by field.
    // SQLite hands over `data` without a copy unless it is read; PostgreSQL would send
    // it over the wire, so it sends only what is decoded.
    let data = match tx.dialect() {
        Dialect::Sqlite => "data",
        Dialect::Postgres => {
            "CASE WHEN kind IN ('created', 'sent', 'bounced', 'flagged', 'undone') THEN data END"
        }
    };
    let sql = format!(
        "SELECT item_id, seq, at, kind, {data} FROM events {condition} ORDER BY item_id, seq"
    );
    let mut history: Vec<FlowEvent> = Vec::with_capacity(64);
    tx.query(&sql, args, &mut |row| {
        let item = row.req_int(0)?;
        let fields = || -> Result<FlowFields<'_>> {
            let data = row.req_str(4)?;
            serde_json::from_str(data).map_err(|e| StoreError::Corrupt {
                column: 4,
                detail: format!("the event data of #{item}: {e}"),
            })
        };
        let name = row.req_str(3)?;
        // Only these kinds carry a field that moves the item or a cause.
        let f = match name {
            "created" | "sent" | "bounced" | "flagged" | "undone" => Some(fields()?),
            _ => None,
        };
        let f = f.as_ref();
        let cause = f
            .and_then(|f| f.cause.as_deref())
            .and_then(|c| c.parse().ok());
        let flow = Flow::named(
            name,
            f.and_then(|f| f.team.as_deref().or(f.to.as_deref()))
                .unwrap_or_default(),
            f.and_then(|f| f.forced).unwrap_or(false),
            f.and_then(|f| f.late).unwrap_or(false),
            f.and_then(|f| f.seq).unwrap_or(0),
        )
        .unwrap_or(Flow::Other);
        if history.first().is_some_and(|e| e.item != item) {
            visit(&history)?;
            history.clear();
        }
        history.push(FlowEvent {
            item,
            seq: row.u32(1)?,
            at: row.req_time(2)?,
            flow,
            cause,
        });
        Ok(())
    })?;
    if !history.is_empty() {
        visit(&history)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

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
        let version: i64 = Connection::open(&path)
            .expect("open")
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, latest_version() as i64);
        let item = store.item(1).expect("item kept");
        assert_eq!(item.title, "Renewal");
        assert_eq!(item.snoozed_until, None);
        assert_eq!(item.arrived_from, None);
        assert_eq!(store.events(1).expect("events").len(), 1);
    }

    #[test]
    fn a_label_two_snapshots_of_an_older_board_share_names_neither() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("b.db");
        drop(Store::open_or_create(&path).expect("creates"));
        Connection::open(&path)
            .expect("open")
            .execute_batch(
                "INSERT INTO snapshots (label, taken_at, document) VALUES ('retro', 0, '{}');
                 INSERT INTO snapshots (label, taken_at, document) VALUES ('retro', 1, '{}');",
            )
            .expect("two snapshots, one label");
        let store = Store::open(&path).expect("opens");
        assert_eq!(
            store
                .snapshot("retro")
                .map(|_| ())
                .expect_err("ambiguous")
                .to_string(),
            "snapshots 1, 2 are all labelled “retro”; name one by its number"
        );
    }

    #[test]
    fn a_postgres_url_is_team_mode_and_anything_else_a_file() {
        for (text, team) in [
            ("postgres://u@h/db", true),
            ("postgresql://h/db?sslmode=require", true),
            ("POSTGRES://h/db", true),
            ("./postgres://x", false),
            ("baton.db", false),
            ("/tmp/postgres.db", false),
        ] {
            assert_eq!(
                matches!(Location::parse(text), Location::Postgres(_)),
                team,
                "{text}"
            );
        }
    }
}
