//! The command line's manners with other programs: a reader that stops early
//! (`baton ls | head`) is not an error, and colour follows `NO_COLOR` and
//! `CLICOLOR_FORCE` (only clap's help and usage errors are ever coloured; what a read
//! prints is plain text, for scripts, even when colour is forced).

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};

use baton::domain::Command as Change;
use baton::storage::Store;

use common::BIN;

const NOW: &str = "2026-11-25T09:00:00Z";

/// A board with enough items that every read below prints far more than a pipe holds
/// (64 KiB), so the reader's going away is met mid-write.
fn big_board(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let db = dir.path().join("board.db");
    let now: DateTime<Utc> = NOW.parse().expect("time");
    let mut store = Store::open_or_create(&db).expect("store");
    store
        .add_team(&baton::domain::Team {
            key: "support".into(),
            name: "Support".into(),
            lead: None,
        })
        .expect("team");
    for n in 0..800 {
        store
            .execute(
                None,
                Change::Create {
                    title: format!("Customer {n} cannot sign in after the password reset email"),
                    team: "support".into(),
                    owner: None,
                    due: Some(now - chrono::Duration::hours(n % 50)),
                    tags: vec!["login".into()],
                    body: Some("Steps and logs in the ticket.".into()),
                    link: None,
                    external_key: None,
                },
                now - chrono::Duration::days(3),
                "tester",
            )
            .expect("created");
    }
    db
}

fn baton(db: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("BATON_NOW", NOW)
        .env("TZ", "UTC")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("BATON_DB");
    cmd
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = big_board(&dir);
    for args in [
        &["ls"][..],
        &["ls", "--json"],
        &["attention"],
        &["attention", "--json"],
        &["export"],
        &["export", "--format", "csv"],
        &["export", "--format", "csv", "--layout", "stages"],
        &["export", "--format", "csv", "--events"],
        &["export", "--format", "md"],
    ] {
        let mut child = baton(&db, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("baton runs");
        // Read the first bytes, as `head -c 100` does, then go away.
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 100];
        stdout.read_exact(&mut first).expect("the first bytes");
        drop(stdout);
        let output = child.wait_with_output().expect("baton ends");
        assert!(
            output.status.success(),
            "baton {args:?} | head: {:?}",
            output.status
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "",
            "baton {args:?} | head said something"
        );
    }
}

#[test]
fn colour_only_when_asked_for_and_no_color_wins() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("board.db");
    let has_escape = |bytes: &[u8]| bytes.contains(&0x1b);
    // Piped, help is plain; CLICOLOR_FORCE colours it; NO_COLOR wins over both.
    let help = |env: &[(&str, &str)]| {
        let mut cmd = baton(&db, &["--help"]);
        cmd.envs(env.iter().copied());
        cmd.output().expect("runs").stdout
    };
    assert!(!has_escape(&help(&[])));
    assert!(has_escape(&help(&[("CLICOLOR_FORCE", "1")])));
    assert!(!has_escape(&help(&[
        ("CLICOLOR_FORCE", "1"),
        ("NO_COLOR", "1")
    ])));
    // A usage error on stderr, likewise.
    let usage = |env: &[(&str, &str)]| {
        let mut cmd = baton(&db, &["no-such-command"]);
        cmd.envs(env.iter().copied());
        let output = cmd.output().expect("runs");
        assert_eq!(output.status.code(), Some(2));
        output.stderr
    };
    assert!(!has_escape(&usage(&[])));
    assert!(has_escape(&usage(&[("CLICOLOR_FORCE", "1")])));
    assert!(!has_escape(&usage(&[
        ("CLICOLOR_FORCE", "1"),
        ("NO_COLOR", "1")
    ])));
    // What a read prints is for scripts: plain, even when colour is forced.
    assert!(
        baton(&db, &["init", "--demo"])
            .output()
            .expect("runs")
            .status
            .success()
    );
    for args in [&["ls"][..], &["attention"], &["board", "--print"]] {
        let output = baton(&db, args)
            .env("CLICOLOR_FORCE", "1")
            .output()
            .expect("runs");
        assert!(output.status.success(), "{args:?}");
        assert!(!has_escape(&output.stdout), "baton {args:?} printed colour");
    }
}
