//! Team mode: one board in a shared PostgreSQL database, in its own schema `baton`.
//! Every writer takes one advisory lock per transaction, so changes are serialised as on
//! SQLite and "now" is read after the lock. The database itself keeps the history
//! honest: events cannot be updated or deleted, and an event's actor is the
//! authenticated role (`session_user`), enforced by triggers. A trigger also announces
//! every change (`NOTIFY baton`), which an open board hears on a second connection.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, Config, IsolationLevel, Statement};

use super::pg_schema::{self, ADVISORY_LOCK, CHANNEL, SCHEMA};
use super::sql::{Dialect, Row, Sql, Value, refuse_nul};
use super::{Backend, Result, StoreError};

/// A change to who may write to the board, or a look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Grant(String),
    Revoke(String),
    List,
}

/// Who may act on a team-mode board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Members {
    /// The role that created the board; it alone may replace it or admit others.
    pub owner: String,
    /// The group role whose members may read and write.
    pub group: String,
    /// The login roles admitted, by name.
    pub writers: Vec<String>,
}

pub struct Postgres {
    client: Client,
    config: Config,
    place: String,
    role: String,
    statements: HashMap<String, Statement>,
    listener: Option<Listener>,
    /// The server process of `client`: the listener does not count this board's own
    /// changes as another process's (the board has already shown them).
    own_pid: Arc<AtomicI32>,
    /// How many views are open (see [`Backend::begin_view`]).
    viewing: usize,
}

/// The server process serving `client`.
fn backend_pid(client: &mut Client, place: &str) -> Result<i32> {
    Ok(client
        .query_one("SELECT pg_backend_pid()", &[])
        .map_err(|e| pg_error(e, place))?
        .get(0))
}

impl Postgres {
    /// Connects to the database at `url` and checks it holds a Baton board of a schema
    /// this Baton knows; `create` (`baton init`) makes one in an empty database.
    pub fn connect(url: &str, create: bool) -> Result<Postgres> {
        let place = redact(url);
        let config = super::pg_connect::config(url).map_err(StoreError::Connection)?;
        let mut client = super::pg_connect::connect(&config, &place)?;
        let (role, pid) = pg_schema::open(&mut client, &place, create)?;
        let own_pid = Arc::new(AtomicI32::new(pid));
        Ok(Postgres {
            client,
            config,
            place,
            role,
            statements: HashMap::new(),
            listener: None,
            own_pid,
            viewing: 0,
        })
    }

    /// A new connection after the old one was lost.
    fn reconnect(&mut self) -> Result<()> {
        if !self.client.is_closed() {
            return Ok(());
        }
        let mut client = super::pg_connect::connect(&self.config, &self.place)?;
        client
            .batch_execute(&format!("SET search_path TO {SCHEMA}"))
            .map_err(|e| pg_error(e, &self.place))?;
        self.own_pid
            .store(backend_pid(&mut client, &self.place)?, Ordering::Relaxed);
        self.client = client;
        self.statements.clear();
        Ok(())
    }

    fn run(&mut self, write: bool, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        self.reconnect()?;
        let place = self.place.clone();
        let mut builder = self.client.build_transaction();
        builder = if write {
            builder.isolation_level(IsolationLevel::ReadCommitted)
        } else {
            // One consistent view of the whole board for every read.
            builder
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
        };
        let mut tx = builder.start().map_err(|e| pg_error(e, &place))?;
        if write {
            // Writers queue here, one at a time, as they do on SQLite's write lock;
            // each statement after it sees every change committed before.
            // A constant, sent as a simple query: one round trip, nothing to prepare.
            tx.batch_execute(&format!("SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
                .map_err(|e| pg_error(e, &place))?;
        }
        work(&mut Tx {
            tx: &mut tx,
            statements: &mut self.statements,
            place: &place,
        })?;
        tx.commit().map_err(|e| {
            if e.is_closed() {
                StoreError::Connection(format!(
                    "lost the connection to {place} while saving: the change was not confirmed; check it with `baton show` before trying again"
                ))
            } else {
                pg_error(e, &place)
            }
        })
    }
}

impl Backend for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn place(&self) -> String {
        self.place.clone()
    }

    fn write(&mut self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        if self.viewing > 0 {
            return Err(StoreError::Database(
                "a change was attempted while reading a view of the board".to_string(),
            ));
        }
        self.run(true, work)
    }

    fn begin_view(&mut self) -> Result<()> {
        if self.viewing == 0 {
            self.reconnect()?;
            self.client
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .map_err(|e| pg_error(e, &self.place))?;
        }
        self.viewing += 1;
        Ok(())
    }

    fn end_view(&mut self) -> Result<()> {
        self.viewing = self.viewing.saturating_sub(1);
        if self.viewing == 0 {
            self.client
                .batch_execute("COMMIT")
                .map_err(|e| pg_error(e, &self.place))?;
        }
        Ok(())
    }

    fn read(&mut self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        if self.viewing > 0 {
            return work(&mut InView {
                tx: &mut self.client,
                statements: &mut self.statements,
                place: &self.place,
            });
        }
        // A read is safe to repeat: once, on a new connection, if the old one was lost.
        match self.run(false, work) {
            Err(StoreError::Connection(_)) if self.client.is_closed() => self.run(false, work),
            other => other,
        }
    }

    fn read_one(&mut self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        if self.viewing > 0 {
            return self.read(work);
        }
        // One statement, outside a transaction: one round trip, its answer whole.
        let mut attempt = |this: &mut Self| {
            this.reconnect()?;
            work(&mut InView {
                tx: &mut this.client,
                statements: &mut this.statements,
                place: &this.place,
            })
        };
        // Safe to repeat: once, on a new connection, if the old one was lost.
        match attempt(self) {
            Err(StoreError::Connection(_)) if self.client.is_closed() => attempt(self),
            other => other,
        }
    }

    fn version(&mut self) -> Result<i64> {
        let listener = match &self.listener {
            Some(listener) => listener,
            None => self.listener.insert(Listener::start(
                self.config.clone(),
                self.place.clone(),
                Arc::clone(&self.own_pid),
            )),
        };
        if let Some(error) = listener.lost() {
            return Err(StoreError::Connection(error));
        }
        Ok(listener.version())
    }

    fn session_actor(&self) -> Option<&str> {
        Some(&self.role)
    }

    fn access(&mut self, change: Access) -> Result<Members> {
        self.reconnect()?;
        pg_schema::access(&mut self.client, &self.place, &self.role, change)
    }

    fn status(&self) -> Option<String> {
        self.listener.as_ref().and_then(Listener::lost)
    }

    fn check_may_replace(&mut self) -> Result<()> {
        self.reconnect()?;
        let owner: String = self
            .client
            .query_one("SELECT value FROM baton.meta WHERE key = 'owner'", &[])
            .map_err(|e| pg_error(e, &self.place))?
            .get(0);
        if owner == self.role {
            Ok(())
        } else {
            Err(StoreError::Denied(format!(
                "only the board's owner, `{owner}`, may import into the board at {}",
                self.place
            )))
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            listener.stop.store(true, Ordering::Relaxed);
        }
    }
}

/// A second connection that LISTENs for changes, on its own thread. It sleeps in the
/// socket until a notice comes (waking once a second to see whether it should stop),
/// and reconnects by itself when the connection drops.
struct Listener {
    version: Arc<AtomicI64>,
    lost: Arc<Mutex<Option<String>>>,
    stop: Arc<AtomicBool>,
}

impl Listener {
    fn start(config: Config, place: String, own_pid: Arc<AtomicI32>) -> Listener {
        let version = Arc::new(AtomicI64::new(0));
        let lost = Arc::new(Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        let listener = Listener {
            version: version.clone(),
            lost: lost.clone(),
            stop: stop.clone(),
        };
        let set_lost = move |text: Option<String>| {
            if let Ok(mut slot) = lost.lock() {
                *slot = text;
            }
        };
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let mut client =
                    match super::pg_connect::connect(&config, &place).and_then(|mut c| {
                        c.batch_execute(&format!("LISTEN {CHANNEL}"))
                            .map_err(|e| pg_error(e, &place))?;
                        Ok(c)
                    }) {
                        Ok(client) => client,
                        Err(error) => {
                            set_lost(Some(format!("{error}; reconnecting…")));
                            std::thread::sleep(Duration::from_secs(1));
                            continue;
                        }
                    };
                // Whatever happened while the connection was down is read again.
                set_lost(None);
                version.fetch_add(1, Ordering::Relaxed);
                loop {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let mut notices = client.notifications();
                    let mut iter = notices.timeout_iter(Duration::from_secs(1));
                    let mut failed = false;
                    loop {
                        match postgres::fallible_iterator::FallibleIterator::next(&mut iter) {
                            // This board's own change: already on its screen.
                            Ok(Some(notice))
                                if notice.process_id() == own_pid.load(Ordering::Relaxed) => {}
                            Ok(Some(_)) => {
                                version.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(None) => break,
                            Err(error) => {
                                set_lost(Some(format!(
                                    "lost the connection to {place} ({}); reconnecting…",
                                    first_line(&error.to_string())
                                )));
                                failed = true;
                                break;
                            }
                        }
                    }
                    drop(iter);
                    drop(notices);
                    if failed || client.is_closed() {
                        set_lost(Some(format!(
                            "lost the connection to {place}; reconnecting…"
                        )));
                        break;
                    }
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        });
        listener
    }

    fn version(&self) -> i64 {
        self.version.load(Ordering::Relaxed)
    }

    fn lost(&self) -> Option<String> {
        self.lost.lock().ok().and_then(|slot| slot.clone())
    }
}

/// Rows fetched from the server at a time.
const FETCH_ROWS: i32 = 4_096;

/// A connection to read or write through: a [`postgres::Transaction`] for one change or
/// read, or the [`Client`] itself (see [`InView`]).
struct Conn<'a, C> {
    tx: &'a mut C,
    statements: &'a mut HashMap<String, Statement>,
    place: &'a str,
}

type Tx<'a, 'c> = Conn<'a, postgres::Transaction<'c>>;
/// Reads on the connection itself: inside an open view (which began the transaction),
/// or a single statement of [`Backend::read_one`].
type InView<'a> = Conn<'a, Client>;

impl<C: postgres::GenericClient> Conn<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        cached(self.statements, sql, self.place, |text| {
            self.tx.prepare(text)
        })
    }

    fn run(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        refuse_nul(params)?;
        let statement = self.statement(sql)?;
        self.tx
            .execute(&statement, &bind(params))
            .map_err(|e| pg_error(e, self.place))
    }
}

/// The prepared statement for `sql`, prepared once per connection.
fn cached(
    statements: &mut HashMap<String, Statement>,
    sql: &str,
    place: &str,
    prepare: impl FnOnce(&str) -> std::result::Result<Statement, postgres::Error>,
) -> Result<Statement> {
    if let Some(statement) = statements.get(sql) {
        return Ok(statement.clone());
    }
    let statement = prepare(&placeholders(sql)).map_err(|e| pg_error(e, place))?;
    statements.insert(sql.to_string(), statement.clone());
    Ok(statement)
}

fn bind(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|v| match v {
            Value::Int(n) => n as &(dyn ToSql + Sync),
            Value::Text(s) => s as &(dyn ToSql + Sync),
        })
        .collect()
}

impl Sql for Tx<'_, '_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        self.run(sql, params)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let statement = self.statement(sql)?;
        let place = self.place;
        // Rows are fetched in batches through a portal: one round trip and one wake of
        // the client per batch rather than per row, and never the whole result in memory.
        let portal = self
            .tx
            .bind(&statement, &bind(params))
            .map_err(|e| pg_error(e, place))?;
        loop {
            let rows = self
                .tx
                .query_portal(&portal, FETCH_ROWS)
                .map_err(|e| pg_error(e, place))?;
            for row in &rows {
                each(&PgRow(row))?;
            }
            if rows.len() < FETCH_ROWS as usize {
                return Ok(());
            }
        }
    }

    /// A whole board in one COPY per table: a million events in one stream instead of
    /// a million round trips.
    fn insert_rows(
        &mut self,
        table: &str,
        columns: &str,
        rows: &mut dyn Iterator<Item = Result<Vec<Value>>>,
    ) -> Result<()> {
        let place = self.place;
        let lost = |e: std::io::Error| {
            StoreError::Connection(format!(
                "lost the connection to {place} while importing: {e}; nothing was written"
            ))
        };
        let mut writer = self
            .tx
            .copy_in(&format!("COPY {table} ({columns}) FROM STDIN"))
            .map_err(|e| pg_error(e, place))?;
        let mut buffer = std::io::BufWriter::with_capacity(1 << 16, &mut writer);
        let mut line = String::new();
        for row in rows {
            let row = row?;
            refuse_nul(&row)?;
            Tx::copy_line(&row, &mut line);
            std::io::Write::write_all(&mut buffer, line.as_bytes()).map_err(lost)?;
        }
        std::io::Write::flush(&mut buffer).map_err(lost)?;
        drop(buffer);
        writer.finish().map_err(|e| pg_error(e, place))?;
        Ok(())
    }
}

impl Tx<'_, '_> {
    /// Rows in COPY's text format: tab between columns, `\N` for none, and the
    /// backslash, tab and line breaks of a text escaped.
    fn copy_line(row: &[Value], line: &mut String) {
        line.clear();
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            match value {
                Value::Int(Some(n)) => line.push_str(&n.to_string()),
                Value::Text(Some(text)) => {
                    for c in text.chars() {
                        match c {
                            '\\' => line.push_str("\\\\"),
                            '\t' => line.push_str("\\t"),
                            '\n' => line.push_str("\\n"),
                            '\r' => line.push_str("\\r"),
                            _ => line.push(c),
                        }
                    }
                }
                Value::Int(None) | Value::Text(None) => line.push_str("\\N"),
            }
        }
        line.push('\n');
    }
}

impl Sql for InView<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        self.run(sql, params)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let statement = self.statement(sql)?;
        let rows = self
            .tx
            .query(&statement, &bind(params))
            .map_err(|e| pg_error(e, self.place))?;
        for row in &rows {
            each(&PgRow(row))?;
        }
        Ok(())
    }
}

struct PgRow<'a>(&'a postgres::Row);

impl Row for PgRow<'_> {
    fn int(&self, column: usize) -> Result<Option<i64>> {
        let corrupt = |e: postgres::Error| StoreError::Corrupt {
            column,
            detail: e.to_string(),
        };
        let ty = self
            .0
            .columns()
            .get(column)
            .map(|c| c.type_().clone())
            .ok_or_else(|| StoreError::Corrupt {
                column,
                detail: "no such column".to_string(),
            })?;
        Ok(match ty {
            Type::INT8 => self.0.try_get::<_, Option<i64>>(column).map_err(corrupt)?,
            Type::INT4 => self
                .0
                .try_get::<_, Option<i32>>(column)
                .map_err(corrupt)?
                .map(i64::from),
            Type::INT2 => self
                .0
                .try_get::<_, Option<i16>>(column)
                .map_err(corrupt)?
                .map(i64::from),
            Type::BOOL => self
                .0
                .try_get::<_, Option<bool>>(column)
                .map_err(corrupt)?
                .map(i64::from),
            _ => self.0.try_get::<_, Option<i64>>(column).map_err(corrupt)?,
        })
    }

    fn str(&self, column: usize) -> Result<Option<&str>> {
        self.0
            .try_get::<_, Option<&str>>(column)
            .map_err(|e| StoreError::Corrupt {
                column,
                detail: e.to_string(),
            })
    }
}

/// `?1` placeholders as PostgreSQL writes them (`$1`), outside quoted text.
fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => out.push('$'),
            _ => out.push(c),
        }
    }
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// A PostgreSQL error in the user's words where there are some.
pub fn pg_error(error: postgres::Error, place: &str) -> StoreError {
    if error.is_closed() {
        return StoreError::Connection(format!(
            "lost the connection to {place}; nothing was written; Baton reconnects on the next try"
        ));
    }
    let Some(db) = error.as_db_error() else {
        return StoreError::Connection(format!(
            "cannot reach {place}: {}",
            first_line(&error.to_string())
        ));
    };
    let code = db.code().code();
    if code.starts_with("08") || code.starts_with("57P") {
        return StoreError::Connection(format!(
            "lost the connection to {place} ({}); nothing was written; Baton reconnects on the next try",
            db.message()
        ));
    }
    match *db.code() {
        SqlState::DISK_FULL => StoreError::DiskFull,
        SqlState::READ_ONLY_SQL_TRANSACTION => StoreError::ReadOnly,
        SqlState::INSUFFICIENT_PRIVILEGE => StoreError::Denied(format!(
            "{}: this database role may not do that on the board at {place}",
            db.message()
        )),
        _ => StoreError::Database(db.message().to_string()),
    }
}

/// The URL with its password hidden, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => authority.to_string(),
    };
    let query = query.map(|q| {
        let parts: Vec<String> = q
            .split('&')
            .map(|part| match part.split_once('=') {
                Some(("password", _)) => "password=***".to_string(),
                _ => part.to_string(),
            })
            .collect();
        format!("?{}", parts.join("&"))
    });
    format!("{scheme}://{authority}{path}{}", query.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            placeholders("SELECT '?' , ?1 WHERE a = ?2"),
            "SELECT '?' , $1 WHERE a = $2"
        );
    }

    #[test]
    fn passwords_are_hidden_in_messages() {
        for (url, shown) in [
            (
                "postgres://alice:s3cret@db.example:5432/baton",
                "postgres://alice:***@db.example:5432/baton",
            ),
            ("postgresql://alice@db/baton", "postgresql://alice@db/baton"),
            (
                "postgres://db/baton?user=bob&password=x&sslmode=require",
                "postgres://db/baton?user=bob&password=***&sslmode=require",
            ),
            ("postgres://db", "postgres://db"),
        ] {
            assert_eq!(redact(url), shown);
        }
    }
}
