//! End to end through a pseudo-terminal: the real binary, real keys, a real database.
//! A handoff is sent across a boundary and accepted on the other side; afterwards the
//! database says so and the terminal is given back as it was.

mod common;

use std::time::{Duration, Instant};

use common::{NOW, Session, assert_terminal_restored, baton};

const ROWS: u16 = 40;
const COLS: u16 = 120;

#[test]
fn send_and_accept_through_a_pseudo_terminal() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = dir.path().join("board.db");
    baton(&db, &["init", "--demo"]);

    let mut session = Session::open(&db, dir.path(), "pty-test", (COLS, ROWS));
    let term = &mut session.term;

    // The board opens on the first boundary with something waiting, sales → finance.
    term.wait_for(&["Baton", "11 in limbo", "⇢ sales → finance", "#18 Tailwind"]);

    // Help opens and Esc, alone, closes it.
    term.keys("?");
    term.wait_for(&["Help · esc closes"]);
    term.esc();
    term.wait_gone("Help · esc closes");

    // Sales' lane, #18; send it to solutions with every entry ticked and a note.
    term.keys("h");
    term.keys("s");
    term.wait_for(&["Send across a boundary", "Technical contact named"]);
    term.keys("\t");
    term.keys("a");
    term.wait_for(&["[x] 3. Technical contact named"]);
    term.keys("\t");
    term.keys("Kim Akers is the technical contact.");
    term.wait_for(&["Kim Akers is the technical contact."]);
    term.keys("\r");
    term.wait_for(&["#18 sent sales → solutions", "12 in limbo"]);

    // The selection followed #18 into limbo: accept it there, owner from the contract.
    term.keys("a");
    term.wait_for(&["Accept", "Owner: Hannah Lee"]);
    term.keys("\r");
    term.wait_for(&["#18 accepted", "11 in limbo"]);

    // The terminal was given back as it was.
    let raw = session.quit();
    assert_terminal_restored(&raw);

    // The database tells the same story.
    let shown: serde_json::Value =
        serde_json::from_str(&baton(&db, &["show", "18", "--json"])).expect("show --json");
    assert_eq!(shown["state"], "active");
    assert_eq!(shown["team"], "solutions");
    assert_eq!(shown["owner"], "Hannah Lee");
    let events = shown["events"].as_array().expect("events");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    let n = kinds.len();
    assert!(n >= 3, "{kinds:?}");
    assert_eq!(&kinds[n - 2..], ["sent", "accepted"]);
    let sent = &events[n - 2];
    assert_eq!(sent["to"], "solutions");
    assert_eq!(sent["note"], "Kim Akers is the technical contact.");
    assert_eq!(sent["actor"], "pty-test");
    assert_eq!(sent["at"], NOW);

    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the run took {:?}",
        started.elapsed()
    );
}
