//! Standup triage end to end through a pseudo-terminal: the real binary on the demo,
//! walked with real keys — the first item in limbo accepted, the next one snoozed, a
//! standup snapshot saved, `q` back to the board and ctrl-c out of a form — and
//! afterwards the command line tells the same story.

mod common;

use std::time::{Duration, Instant};

use common::{NOW, Session, Terminal, assert_terminal_restored, baton};

const COLS: u16 = 100;
const ROWS: u16 = 30;

/// The item triage shows: its id and the line saying where it stands. The screen is
/// one column at this width: the heading, a blank line, `#ID title`, then the state.
fn on_screen(term: &Terminal) -> (i64, String) {
    let screen = term.contents();
    let lines: Vec<&str> = screen.lines().collect();
    let id = lines
        .get(2)
        .and_then(|l| l.strip_prefix('#'))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no item on the triage screen:\n{screen}"));
    (id, lines.get(3).map_or("", |l| l.trim()).to_string())
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// The item's events' types, oldest first.
fn event_types(item: &serde_json::Value) -> Vec<String> {
    item["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["type"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_standup_through_a_pseudo_terminal() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = dir.path().join("board.db");
    baton(&db, &["init", "--demo"]);
    let queue = json(&baton(&db, &["attention", "--json"]));
    let total = queue.as_array().expect("the attention queue").len();

    let mut session = Session::open(&db, dir.path(), "pty-test", (COLS, ROWS));
    let term = &mut session.term;
    term.wait_for(&["Baton", "in limbo"]);

    // `t` starts the walk on the most urgent item.
    term.keys("t");
    term.wait_for(&[&format!("Standup triage 1/{total}")]);

    // Skip until the walk reaches an item in limbo, and accept that one.
    let mut at = 1;
    let accepted = loop {
        let (id, state) = on_screen(term);
        if state.starts_with("in limbo") {
            term.keys("a");
            term.wait_for(&[&format!("#{id} accepted")]);
            break id;
        }
        assert!(at < total, "the walk reached no item in limbo");
        term.keys(" ");
        at += 1;
        term.wait_for(&[&format!("Standup triage {at}/{total}")]);
    };
    at += 1;
    term.wait_for(&[&format!("Standup triage {at}/{total}")]);

    // Skip #10, breached (a snooze never hides a breach), and snooze the next one.
    assert_eq!(on_screen(term).0, 10);
    term.keys(" ");
    at += 1;
    term.wait_for(&[&format!("Standup triage {at}/{total}")]);
    let (snoozed, _) = on_screen(term);
    assert_ne!(snoozed, accepted);
    term.keys("z");
    term.wait_for(&[&format!("#{snoozed} snoozed until 2026-11-26 00:00")]);

    // Esc ends the walk; the summary lists both decisions.
    term.esc();
    term.wait_for(&[
        "Standup triage · over",
        "What was decided",
        "accepted, owner",
        "snoozed until 2026-11-26 00:00",
    ]);

    // `S` saves the standup snapshot.
    term.keys("S");
    term.wait_for(&["saved snapshot 1", "standup 2026-11-25"]);

    // `q` on the summary goes back to the board, not out of Baton; ctrl-c leaves Baton
    // from anywhere, a form included, and gives the terminal back.
    let term = &mut session.term;
    term.keys("q");
    term.wait_gone("Standup triage");
    term.keys("n");
    term.wait_for(&["New item"]);
    let raw = session.quit_by(b"\x03");
    assert_terminal_restored(&raw);

    // The command line sees the events and the snapshot.
    let item = json(&baton(&db, &["show", &accepted.to_string(), "--json"]));
    assert_eq!(item["state"], "active");
    assert_eq!(
        event_types(&item).last().map(String::as_str),
        Some("accepted")
    );
    let event = item["events"].as_array().and_then(|e| e.last()).cloned();
    let event = event.expect("the accept event");
    assert_eq!(event["actor"], "pty-test");
    assert_eq!(event["at"], NOW);

    let item = json(&baton(&db, &["show", &snoozed.to_string(), "--json"]));
    assert_eq!(
        event_types(&item).last().map(String::as_str),
        Some("snoozed")
    );
    let event = item["events"].as_array().and_then(|e| e.last()).cloned();
    let event = event.expect("the snooze event");
    assert_eq!(event["until"], "2026-11-26T00:00:00Z");
    assert_eq!(event["actor"], "pty-test");
    let queue = json(&baton(&db, &["attention", "--json"]));
    let ids: Vec<i64> = queue
        .as_array()
        .expect("the attention queue")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    assert!(!ids.contains(&snoozed), "#{snoozed} is snoozed: {ids:?}");

    let snapshots = json(&baton(&db, &["snapshot", "ls", "--json"]));
    let labels: Vec<&str> = snapshots
        .as_array()
        .expect("snapshots")
        .iter()
        .filter_map(|s| s["label"].as_str())
        .collect();
    assert_eq!(labels, ["standup 2026-11-25"]);
    assert_eq!(snapshots[0]["taken_at"], NOW);

    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the run took {:?}",
        started.elapsed()
    );
}
