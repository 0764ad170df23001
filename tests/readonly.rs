//! A board on a file or in a folder this user may not change: every read command
//! works, every change is refused as read-only, and nothing is left beside the file.
//! (As root the commands run as `nobody`, since root may write anywhere.)

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use common::{BIN, NOW};

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn baton(db: &Path, args: &[&str]) -> Output {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "nobody", "--", BIN]);
        c
    } else {
        Command::new(BIN)
    };
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TZ", "UTC")
        .env("BATON_NOW", NOW)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("runs")
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn reads_work_and_changes_are_refused_on_a_read_only_board() {
    let temp = tempfile::tempdir().expect("temp dir");
    chmod(temp.path(), 0o755);
    let dir = temp.path().join("board");
    std::fs::create_dir(&dir).expect("mkdir");
    let db = dir.join("baton.db");
    let init = Command::new(BIN)
        .env("BATON_NOW", NOW)
        .arg("--db")
        .arg(&db)
        .args(["init", "--demo"])
        .output()
        .expect("init");
    assert!(init.status.success());
    chmod(&db, 0o444);
    chmod(&dir, 0o555);
    let before = std::fs::read(&db).expect("read");

    for args in [
        &["ls"][..],
        &["ls", "--json"],
        &["show", "10"],
        &["attention"],
        &["stats"],
        &["team", "ls"],
        &["boundary", "ls"],
        &["board", "--print", "--width", "100", "--height", "30"],
        &["export", "--format", "json"],
    ] {
        let out = baton(&db, args);
        assert!(
            out.status.success(),
            "baton {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "baton {args:?} printed nothing");
    }
    let out = baton(&db, &["add", "New work", "--team", "sales"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: the database is read-only here: nothing was written\n"
    );

    assert_eq!(
        listing(&dir),
        ["baton.db"],
        "nothing written beside the file"
    );
    assert_eq!(
        std::fs::read(&db).expect("read"),
        before,
        "the file is as it was"
    );
    chmod(&dir, 0o755);
}

/// A full disk: the change that does not fit is refused in plain words, and every
/// change acknowledged before it is still there. Needs root, for a small tmpfs.
#[test]
fn a_full_disk_says_disk_full_and_keeps_what_was_written() {
    let temp = tempfile::tempdir().expect("temp dir");
    let mount = temp.path().join("small");
    std::fs::create_dir(&mount).expect("mkdir");
    let mounted = is_root()
        && Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"])
            .arg(&mount)
            .status()
            .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: a full disk is simulated with a small tmpfs, which needs root");
        return;
    }
    let db = mount.join("baton.db");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .env_clear()
            .env("BATON_NOW", NOW)
            .env("BATON_ACTOR", "tester")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .expect("runs")
    };
    assert!(run(&["init"]).status.success());
    assert!(run(&["team", "add", "sales"]).status.success());
    let body = "x".repeat(16 * 1024);
    let mut added = 0;
    let mut refusal = None;
    for _ in 0..200 {
        let out = run(&["add", "Big item", "--team", "sales", "--body", &body]);
        if out.status.success() {
            added += 1;
        } else {
            refusal = Some(String::from_utf8_lossy(&out.stderr).into_owned());
            break;
        }
    }
    let listed = run(&["ls", "--json"]);
    let _ = Command::new("umount").arg(&mount).status();
    assert_eq!(
        refusal.as_deref(),
        Some("error: disk full: nothing was written; free some space and try again\n"),
        "after {added} items"
    );
    assert!(added > 0);
    let items: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("json");
    assert_eq!(items.as_array().map(Vec::len), Some(added));
}
