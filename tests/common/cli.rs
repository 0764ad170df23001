//! The command-line harness: a temporary folder holding one database, and the
//! environment every `baton` command runs in (UTC, a fixed "now", actor `tester`).

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use super::BIN;

/// How each command is told where the database is.
pub enum DbBy {
    /// `BATON_DB` in the environment, so a test may still pass `--db` itself.
    Env,
    /// `--db DB` ahead of the arguments.
    Flag,
}

pub struct Board {
    pub dir: TempDir,
    pub db: PathBuf,
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
            now,
            db_by,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("TZ", "UTC")
            .env("BATON_NOW", self.now)
            .env("BATON_ACTOR", "tester");
        match self.db_by {
            DbBy::Env => cmd.env("BATON_DB", &self.db),
            DbBy::Flag => cmd.arg("--db").arg(&self.db),
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

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON")
    }
}
