//! The default backend: one local SQLite file in WAL mode. Opening it refuses anything
//! that is not a Baton database, untouched; every change is one IMMEDIATE transaction,
//! every read one read transaction.

use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use super::schema::{self, APPLICATION_ID, latest_version};
use super::sql::{Dialect, Row, Sql, Value, refuse_nul};
use super::{Backend, Result, StoreError};

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT_MS: u64 = 10_000;
/// The page cache while importing a board, in KiB.
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

pub struct Sqlite {
    conn: Connection,
    path: PathBuf,
    /// How many views are open (see [`Backend::begin_view`]).
    viewing: usize,
    /// Copies the log into the file beside the writes (see [`Backend::checkpoint_aside`]).
    checkpointer: Option<Checkpointer>,
}

/// After this many of the board's commits without a quiet moment, the log is copied
/// into the file anyway. (SQLite's own checkpoint comes at about a thousand pages of
/// log, about ninety of the board's changes; copying fewer at a time, beside writes
/// that go on, keeps the log short enough to start again from its beginning.)
const CHECKPOINT_EVERY: usize = 32;
/// A quiet moment: no commit for this long.
const CHECKPOINT_QUIET: std::time::Duration = std::time::Duration::from_millis(300);

/// A thread with a connection of its own that copies the write-ahead log into the
/// database file (a checkpoint), so that no write of the board waits for it. SQLite
/// does this inside the commit that fills the log: about every ninetieth change on the
/// board, a keypress took 9 ms instead of 1.5. A passive checkpoint waits for nobody:
/// readers and writers go on while it copies.
struct Checkpointer {
    wake: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    fn start(conn: Connection) -> Checkpointer {
        let (wake, woken) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            use std::sync::mpsc::RecvTimeoutError;
            let checkpoint = || {
                // Busy (another checkpoint running) or failing, it is tried again after
                // the next commits; the log stays whole meanwhile.
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            };
            let mut pending = 0;
            loop {
                let woke = if pending == 0 {
                    woken.recv().map_err(|_| RecvTimeoutError::Disconnected)
                } else {
                    woken.recv_timeout(CHECKPOINT_QUIET)
                };
                match woke {
                    Ok(()) => {
                        pending += 1;
                        if pending >= CHECKPOINT_EVERY {
                            checkpoint();
                            pending = 0;
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        checkpoint();
                        pending = 0;
                    }
                    Err(RecvTimeoutError::Disconnected) => {
                        if pending > 0 {
                            checkpoint();
                        }
                        return;
                    }
                }
            }
        });
        Checkpointer {
            wake: Some(wake),
            thread: Some(thread),
        }
    }

    fn committed(&self) {
        if let Some(wake) = &self.wake {
            let _ = wake.send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.wake = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Sqlite {
    /// Opens an existing Baton database; `create` makes one (and its folder) when missing.
    pub fn open(path: &Path, create: bool) -> Result<Sqlite> {
        // Turning a new file into a WAL database takes a lock that SQLite does not wait
        // for: a process that starts on the same new file at the same moment as another
        // tries again rather than failing.
        let mut attempt = 0;
        loop {
            match Sqlite::open_once(path, create) {
                Err(StoreError::Busy) if attempt < 100 => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(StoreError::Busy) => {
                    return Err(StoreError::Database(
                        "the database stayed locked by another process; try again".to_string(),
                    ));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path, create: bool) -> Result<Sqlite> {
        let not_baton = |detail: &str| StoreError::NotBaton {
            place: path.display().to_string(),
            detail: detail.to_string(),
        };
        // A missing or empty file is no database yet: only `init` may make it one.
        // (Data not yet checkpointed lives in the `-wal` file beside it.)
        let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        if !create && size(path) == 0 && size(Path::new(&wal)) == 0 {
            return Err(StoreError::Missing(path.display().to_string()));
        }
        if path.exists() {
            check_sqlite_header(path).map_err(|detail| not_baton(&detail))?;
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|reason| StoreError::Io {
                path: path.to_path_buf(),
                reason,
            })?;
        }
        // A file this process may not change (or in a folder where SQLite may not make
        // its `-wal` and `-shm` files) is opened read-only: reads work, changes are
        // refused as read-only, and nothing is written beside it.
        let access = if create || !path.exists() {
            Access::ReadWrite
        } else {
            access(path)
        };
        let mut conn = match access {
            Access::ReadWrite => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ),
            Access::FileReadOnly => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ),
            Access::FolderReadOnly => {
                if size(Path::new(&wal)) > 0 {
                    return Err(StoreError::ReadOnly);
                }
                // Nobody can write in a read-only folder, so the file cannot change
                // under us: SQLite may read it without its shared-memory file.
                let mut uri = std::ffi::OsString::from("file:");
                uri.push(path.as_os_str());
                uri.push("?immutable=1");
                Connection::open_with_flags(
                    uri,
                    OpenFlags::SQLITE_OPEN_READ_ONLY
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX
                        | OpenFlags::SQLITE_OPEN_URI,
                )
            }
        }
        .map_err(sql_error)?;
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))
            .map_err(sql_error)?;
        conn.set_prepared_statement_cache_capacity(64);
        // Plans that do not depend on the values bound: a cached statement is not
        // prepared again each time its bound limit, offset or team changes (which
        // SQLite otherwise does, to consider a better plan for the new values).
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )
        .map_err(sql_error)?;
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
                Some(ErrorCode::NotADatabase) => not_baton("not an SQLite file"),
                _ => sql_error(e),
            })?;
        if app_id != APPLICATION_ID && (tables > 0 || app_id != 0) {
            return Err(not_baton("an SQLite file of another program"));
        }
        if version > latest_version() as i64 {
            return Err(StoreError::TooNew {
                place: path.display().to_string(),
                found: version,
                known: latest_version(),
            });
        }
        if access != Access::ReadWrite {
            if version < latest_version() as i64 {
                return Err(StoreError::ReadOnly);
            }
            return Ok(Sqlite {
                conn,
                path: path.to_path_buf(),
                viewing: 0,
                checkpointer: None,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql_error)?;
        // FULL: a commit is on disk before it is acknowledged, so it survives power loss,
        // not only a crash of the process.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql_error)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql_error)?;
        if app_id != APPLICATION_ID {
            // Only a new file needs marking; reads must not write.
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sql_error)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(sql_error)?;
            tx.commit().map_err(sql_error)?;
        }
        migrate(&mut conn).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => sql_error(err),
            other => not_baton(&other.to_string()),
        })?;
        Ok(Sqlite {
            conn,
            path: path.to_path_buf(),
            viewing: 0,
            checkpointer: None,
        })
    }
}

impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn place(&self) -> String {
        self.path.display().to_string()
    }

    fn write(&mut self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        if self.viewing > 0 {
            return Err(StoreError::Database(
                "a change was attempted while reading a view of the board".to_string(),
            ));
        }
        // The lock is taken up front, so two processes writing at once queue on the busy
        // timeout instead of failing on a lock upgrade.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_error)?;
        work(&mut Tx(&tx))?;
        tx.commit().map_err(sql_error)?;
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.committed();
        }
        Ok(())
    }

    fn checkpoint_aside(&mut self) {
        if self.checkpointer.is_some() || self.conn.is_readonly("main").unwrap_or(true) {
            return;
        }
        // Without a second connection, SQLite's own checkpoints stay on.
        let Ok(other) = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        ) else {
            return;
        };
        if self
            .conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .is_ok()
        {
            self.checkpointer = Some(Checkpointer::start(other));
        }
    }

    fn read(&mut self, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        if self.viewing > 0 {
            return work(&mut Tx(&self.conn));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(sql_error)?;
        work(&mut Tx(&tx))?;
        tx.commit().map_err(sql_error)
    }

    fn begin_view(&mut self) -> Result<()> {
        if self.viewing == 0 {
            self.conn
                .execute_batch("BEGIN DEFERRED")
                .map_err(sql_error)?;
        }
        self.viewing += 1;
        Ok(())
    }

    fn end_view(&mut self) -> Result<()> {
        self.viewing = self.viewing.saturating_sub(1);
        if self.viewing == 0 {
            self.conn.execute_batch("COMMIT").map_err(sql_error)?;
        }
        Ok(())
    }

    fn version(&mut self) -> Result<i64> {
        // Asked on every tick and after every change the board makes: prepared once.
        self.conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut statement| statement.query_row([], |r| r.get(0)))
            .map_err(sql_error)
    }

    fn prepare_bulk_write(&mut self) -> Result<()> {
        // A whole board arrives in one transaction, and its events land all over the
        // `events_at` index; with SQLite's default 2 MB page cache, pages are spilled to
        // the WAL and read back again and again. A larger cache (allocated only as used)
        // keeps the working set in memory. (A negative `cache_size` is in KiB.)
        self.conn
            .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)
            .map_err(sql_error)
    }
}

struct Tx<'a>(&'a Connection);

impl Sql for Tx<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        refuse_nul(params)?;
        let mut stmt = self.0.prepare_cached(sql).map_err(sql_error)?;
        let n = stmt
            .execute(rusqlite::params_from_iter(params.iter()))
            .map_err(sql_error)?;
        Ok(n as u64)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.0.prepare_cached(sql).map_err(sql_error)?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(sql_error)?;
        while let Some(row) = rows.next().map_err(sql_error)? {
            each(&SqliteRow(row))?;
        }
        Ok(())
    }
}

struct SqliteRow<'a>(&'a rusqlite::Row<'a>);

impl Row for SqliteRow<'_> {
    fn int(&self, column: usize) -> Result<Option<i64>> {
        match self.0.get_ref(column).map_err(sql_error)? {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(n) => Ok(Some(n)),
            other => Err(StoreError::Corrupt {
                column,
                detail: format!("expected a whole number, found {:?}", other.data_type()),
            }),
        }
    }

    fn str(&self, column: usize) -> Result<Option<&str>> {
        match self.0.get_ref(column).map_err(sql_error)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(bytes) => {
                std::str::from_utf8(bytes)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt {
                        column,
                        detail: e.to_string(),
                    })
            }
            other => Err(StoreError::Corrupt {
                column,
                detail: format!("expected text, found {:?}", other.data_type()),
            }),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Int(Some(n)) => ToSqlOutput::from(*n),
            Value::Text(Some(s)) => ToSqlOutput::from(s.as_str()),
            Value::Int(None) | Value::Text(None) => ToSqlOutput::from(rusqlite::types::Null),
        })
    }
}

/// A SQLite error in the user's words where there are some.
pub fn sql_error(error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => StoreError::DiskFull,
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
        _ => StoreError::Database(error.to_string()),
    }
}

/// Brings the schema up to date. Several processes may start on a new file at once
/// (`baton init` in two shells): whichever loses the race finds the work done, or waits
/// for it, rather than failing.
fn migrate(conn: &mut Connection) -> rusqlite_migration::Result<()> {
    let mut attempt = 0;
    loop {
        match schema::migrations().to_latest(conn) {
            Ok(()) => return Ok(()),
            Err(error) => {
                let version: i64 = conn
                    .query_row("PRAGMA user_version", [], |r| r.get(0))
                    .unwrap_or(-1);
                if version == latest_version() as i64 {
                    return Ok(());
                }
                attempt += 1;
                if attempt > 100 {
                    return Err(error);
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    ReadWrite,
    /// The file may not be changed; its folder may (for SQLite's `-shm` file).
    FileReadOnly,
    /// Nothing may be created beside the file.
    FolderReadOnly,
}

/// What this process may do with an existing database file and its folder, found by
/// trying (permission bits do not tell what root, ACLs or a read-only mount allow).
fn access(path: &Path) -> Access {
    let folder = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if std::fs::OpenOptions::new().write(true).open(path).is_ok() {
        return Access::ReadWrite;
    }
    // Only for a file we may not change: can SQLite make its files beside it?
    if tempfile::tempfile_in(folder).is_ok() {
        Access::FileReadOnly
    } else {
        Access::FolderReadOnly
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
