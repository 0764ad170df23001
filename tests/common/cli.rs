//! The command-line harness: a temporary folder holding one database, and the
//! environment every `baton` command runs in (UTC, a fixed "now", actor `tester`).
//! The database is a SQLite file in the folder, or, on [`Backend::Postgres`], a fresh
//! PostgreSQL database of its own (see [`super::pg`]).

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use super::BIN;
use super::pg::{self, PgDb};

/// `boundary add` for sales → onboarding with a complete contract.
pub const SALES_TO_ONBOARDING: &[&str] = &[
    "boundary",
    "add",
    "sales",
    "onboarding",
    "--trigger",
    "Deal signed",
    "--done",
    "Order form attached",
    "--done",
    "Kick-off date agreed",
    "--outcome",
    "Customer live",
    "--owner",
    "priya",
    "--sla",
    "2d",
    "--escalate-to",
    "vp-ops",
];

/// Where a board's database lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A file in the board's folder.
    Sqlite,
    /// A fresh database on the server `BATON_TEST_PG` names (team mode).
    Postgres,
}

impl Backend {
    /// True when tests can run on this backend; for PostgreSQL, says on stderr why not
    /// (or fails, when `BATON_REQUIRE_PG=1`).
    pub fn available(self) -> bool {
        match self {
            Backend::Sqlite => true,
            Backend::Postgres => pg::available(),
        }
    }
}

/// Runs tests on SQLite and, when `BATON_TEST_PG` names a server, on PostgreSQL: for
/// each `fn name(backend: Backend)` listed, `on_both_backends!(name)` makes the tests
/// `name::sqlite` and `name::postgres`. Without a server the PostgreSQL one passes
/// after saying it was skipped (or fails, when `BATON_REQUIRE_PG=1`).
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name($crate::common::cli::Backend::Sqlite);
            }

            #[test]
            fn postgres() {
                if $crate::common::cli::Backend::Postgres.available() {
                    super::$name($crate::common::cli::Backend::Postgres);
                }
            }
        }
    )*};
}

/// How each command is told where the database is.
pub enum DbBy {
    /// `BATON_DB` in the environment, so a test may still pass `--db` itself.
    Env,
    /// `--db DB` ahead of the arguments.
    Flag,
}

pub struct Board {
    pub dir: TempDir,
    /// The SQLite file (on [`Backend::Postgres`], a path nothing uses).
    pub db: PathBuf,
    /// The PostgreSQL database, on [`Backend::Postgres`].
    pub pg: Option<PgDb>,
    now: &'static str,
    db_by: DbBy,
}

impl Board {
    /// A folder with no database in it yet; commands run at `now` and find the
    /// database through `db_by`.
    pub fn empty_at(now: &'static str, db_by: DbBy) -> Board {
        let dir = TempDir::new().expect("temp dir");
        let db = dir.path().join("baton.db");
        Board {
            dir,
            db,
            pg: None,
            now,
            db_by,
        }
    }

    /// Like [`Board::empty_at`], on `backend`: on PostgreSQL, a fresh database with
    /// nothing in it. Call only when [`Backend::available`] said so.
    pub fn empty_on(backend: Backend, now: &'static str, db_by: DbBy) -> Board {
        let mut board = Board::empty_at(now, db_by);
        if backend == Backend::Postgres {
            board.pg = Some(PgDb::create());
        }
        board
    }

    /// A board at `now` with teams `sales` and `solutions` and the calendar `office`
    /// (UTC, Mon–Fri 09:00–17:00, with `holidays`); the boundary is the test's to add.
    #[allow(dead_code)]
    pub fn office_hours_on(backend: Backend, now: &'static str, holidays: &[&str]) -> Board {
        let board = Board::empty_on(backend, now, DbBy::Env);
        board.ok(&["init"]);
        for team in ["sales", "solutions"] {
            board.ok(&["team", "add", team]);
        }
        let mut add = vec![
            "calendar",
            "add",
            "office",
            "--tz",
            "UTC",
            "--hours",
            "Mon-Fri 09:00-17:00",
        ];
        for day in holidays {
            add.extend(["--holiday", day]);
        }
        board.ok(&add);
        board
    }

    /// Adds the boundary sales → solutions with a 1d SLA in `office`, owned by hannah,
    /// and `more` of `boundary add`'s flags.
    #[allow(dead_code)]
    pub fn office_boundary(&self, more: &[&str]) {
        let mut add = vec![
            "boundary",
            "add",
            "sales",
            "solutions",
            "--sla",
            "1d",
            "--owner",
            "hannah",
            "--calendar",
            "office",
        ];
        add.extend(more);
        self.ok(&add);
    }

    pub fn backend(&self) -> Backend {
        match self.pg {
            Some(_) => Backend::Postgres,
            None => Backend::Sqlite,
        }
    }

    /// What `--db` or `BATON_DB` says: the file's path, or the database's URL.
    pub fn location(&self) -> String {
        match &self.pg {
            Some(pg) => pg.url(),
            None => self.db.to_str().expect("utf-8 path").to_string(),
        }
    }

    /// The database as Baton's messages name it (a URL without its password).
    pub fn place(&self) -> String {
        match &self.pg {
            Some(pg) => pg.shown_url(),
            None => self.db.display().to_string(),
        }
    }

    /// Who the history names for this board's commands: `BATON_ACTOR` on SQLite, the
    /// database role in team mode.
    pub fn actor(&self) -> String {
        match &self.pg {
            Some(pg) => pg.admin_role().to_string(),
            None => "tester".to_string(),
        }
    }

    /// Whether a board has been made: the file exists, or the database has the schema
    /// `baton`.
    pub fn exists(&self) -> bool {
        match &self.pg {
            Some(pg) => pg
                .admin()
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'baton')",
                    &[],
                )
                .expect("query")
                .get(0),
            None => self.db.exists(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        Command::from_std(self.std_cmd(args))
    }

    /// [`Board::cmd`] as a plain process, to spawn and pipe.
    pub fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        cmd.env_clear()
            .env("TZ", "UTC")
            .env("BATON_NOW", self.now)
            .env("BATON_ACTOR", "tester");
        match self.db_by {
            DbBy::Env => cmd.env("BATON_DB", self.location()),
            DbBy::Flag => cmd.arg("--db").arg(self.location()),
        };
        cmd.args(args);
        cmd
    }

    /// Runs a command that must succeed with nothing on stderr; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.cmd(args).output().expect("runs");
        let stdout = String::from_utf8(output.stdout).expect("utf-8 stdout");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.is_empty(),
            "baton {args:?} failed ({:?}):\n{stderr}\n{stdout}",
            output.status.code()
        );
        stdout
    }

    /// Runs a command that must fail with `code`, print nothing on stdout and one
    /// `error:` line (plus clap's usage hints for code 2); returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let output = self.cmd(args).output().expect("runs");
        let stderr = String::from_utf8(output.stderr).expect("utf-8 stderr");
        assert_eq!(output.status.code(), Some(code), "baton {args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "baton {args:?} printed on stdout");
        assert!(stderr.starts_with("error: "), "{stderr}");
        if code == 1 {
            assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        }
        stderr
    }

    /// The one error line of a failing command (exit 1), without its newline.
    pub fn error(&self, args: &[&str]) -> String {
        self.fails(args, 1).trim_end().to_string()
    }

    /// Runs a command at `now` (`BATON_NOW`), which must succeed; returns its stdout.
    #[allow(dead_code)]
    pub fn at(&self, now: &str, args: &[&str]) -> String {
        let output = self.cmd(args).env("BATON_NOW", now).output().expect("runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8")
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }
}
