//! Escalation ladders and `baton watch`, through the command line, on SQLite and
//! PostgreSQL alike: levels recorded by `baton` at the time they fell due, every
//! notification delivered once (across runs, restarts and watchers side by side), a
//! failing command retried and then reported, and read commands that never write.

#[macro_use]
mod common;

use std::collections::HashSet;

use common::cli::{Backend, Board, DbBy};
use serde_json::Value;

/// Friday 2026-11-20, 16:00 UTC: when the items are sent.
const SENT: &str = "2026-11-20T16:00:00Z";

/// sales → solutions: SLA 1d in `office` (UTC, Mon–Fri 09:00–17:00), ladder lee then
/// vp-sales, a level every 4h of working time past the breach; `items` items sent on
/// Friday at 16:00. The SLA runs out on Monday at 16:00, level 1 falls due on Tuesday
/// at 12:00, level 2 on Tuesday at 16:00.
fn board_on(backend: Backend, items: usize) -> Board {
    let board = Board::office_hours_on(backend, SENT, &[]);
    board.office_boundary(&[
        "--escalate-to",
        "lee",
        "--escalate-to",
        "vp-sales",
        "--escalate-after",
        "4h",
    ]);
    for n in 1..=items {
        let title = format!("Renewal {n}");
        board.ok(&["add", &title, "--team", "sales", "--owner", "maya"]);
        board.ok(&[
            "send",
            &n.to_string(),
            "--to",
            "solutions",
            "--note",
            "ready",
        ]);
    }
    board
}

/// Runs `args` at `now`; returns (stdout, stderr), failing the test if it failed.
fn run(board: &Board, now: &str, args: &[&str]) -> (String, String) {
    let output = board
        .cmd(args)
        .env("BATON_NOW", now)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{args:?}: {stderr}");
    (String::from_utf8(output.stdout).expect("utf-8"), stderr)
}

/// The notifications a `watch --once` at `now` printed, as JSON.
fn watch_once(board: &Board, now: &str) -> Vec<Value> {
    let (out, _) = run(board, now, &["watch", "--once"]);
    out.lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

fn codes(notes: &[Value]) -> Vec<(i64, String)> {
    notes
        .iter()
        .map(|n| {
            (
                n["item"].as_i64().expect("item"),
                n["code"].as_str().expect("code").to_string(),
            )
        })
        .collect()
}

/// The escalations of item `id`: (at, actor, to).
fn escalations(board: &Board, now: &str, id: &str) -> Vec<(String, String, String)> {
    let (out, _) = run(board, now, &["show", id, "--json"]);
    let show: Value = serde_json::from_str(&out).expect("json");
    show["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"] == "escalated")
        .map(|e| {
            (
                e["at"].as_str().expect("at").to_string(),
                e["actor"].as_str().expect("actor").to_string(),
                e["to"].as_str().expect("to").to_string(),
            )
        })
        .collect()
}

fn ladder_levels_are_recorded_when_they_fell_due(backend: Backend) {
    let board = board_on(backend, 1);
    let shown = board.ok(&["boundary", "show", "sales", "solutions"]);
    assert!(
        shown.contains(
            "escalate to: lee → vp-sales, a level every 4h of working time past the breach"
        ),
        "{shown}"
    );
    // Monday 10:00: within its SLA, nothing to say.
    assert!(watch_once(&board, "2026-11-23T10:00:00Z").is_empty());
    // Wednesday: both levels fell due on Tuesday while nobody watched; each is recorded
    // at its own time, by baton.
    let notes = watch_once(&board, "2026-11-25T10:00:00Z");
    assert_eq!(
        escalations(&board, "2026-11-25T10:00:00Z", "1"),
        vec![
            (
                "2026-11-24T12:00:00Z".to_string(),
                "baton".to_string(),
                "lee".to_string()
            ),
            (
                "2026-11-24T16:00:00Z".to_string(),
                "baton".to_string(),
                "vp-sales".to_string()
            ),
        ]
    );
    let mut got = codes(&notes);
    got.sort();
    assert_eq!(
        got,
        vec![
            (1, "escalated".to_string()),
            (1, "escalated".to_string()),
            (1, "sla-breached".to_string()),
        ]
    );
    let to_vp = notes
        .iter()
        .find(|n| n["contacts"]["escalated_to"] == "vp-sales")
        .expect("level 2 notified");
    assert_eq!(to_vp["boundary"], "sales → solutions");
    assert_eq!(to_vp["show"], "baton show 1");
    assert!(
        to_vp["reason"]
            .as_str()
            .expect("reason")
            .contains("level 2 of 2"),
        "{to_vp}"
    );
    // The item's escalated signal sees it as any escalation.
    let attention = board.json(&["attention", "--json"]);
    let signals: Vec<&str> = attention[0]["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .map(|s| s["code"].as_str().expect("code"))
        .collect();
    assert!(signals.contains(&"escalated"), "{signals:?}");
    // Nothing is recorded or delivered twice.
    assert!(watch_once(&board, "2026-11-26T10:00:00Z").is_empty());
    assert_eq!(escalations(&board, "2026-11-26T10:00:00Z", "1").len(), 2);
}

fn a_level_reached_by_hand_is_not_recorded_again(backend: Backend) {
    let board = board_on(backend, 2);
    // #1: escalated to lee by hand on Tuesday at 10:00, before level 1 fell due.
    run(
        &board,
        "2026-11-24T10:00:00Z",
        &["escalate", "1", "--note", "Go-live is Friday"],
    );
    // #2: the escalation dismissed on Tuesday at 12:30, after level 1 fell due.
    watch_once(&board, "2026-11-24T12:10:00Z");
    run(
        &board,
        "2026-11-24T12:30:00Z",
        &["dismiss", "2", "escalated", "--note", "Lee is on it"],
    );
    watch_once(&board, "2026-11-24T13:00:00Z");
    let by_baton = |id| {
        escalations(&board, "2026-11-24T16:30:00Z", id)
            .into_iter()
            .filter(|e| e.1 == "baton")
            .map(|e| (e.0, e.2))
            .collect::<Vec<_>>()
    };
    assert!(by_baton("1").is_empty());
    assert_eq!(
        by_baton("2"),
        vec![("2026-11-24T12:00:00Z".to_string(), "lee".to_string())]
    );
    // Level 2 still falls due on both at 16:00: the item still waits.
    watch_once(&board, "2026-11-24T16:30:00Z");
    assert_eq!(
        by_baton("1"),
        vec![("2026-11-24T16:00:00Z".to_string(), "vp-sales".to_string())]
    );
    assert_eq!(by_baton("2").len(), 2);
}

fn watch_delivers_each_notification_once(backend: Backend) {
    let board = board_on(backend, 1);
    let first = watch_once(&board, "2026-11-23T15:30:00Z");
    assert_eq!(codes(&first), vec![(1, "sla-at-risk".to_string())]);
    // Run again (a restart): nothing new.
    assert!(watch_once(&board, "2026-11-23T15:40:00Z").is_empty());
    // A bounce, then a late and incomplete send: each is news once.
    run(
        &board,
        "2026-11-23T15:45:00Z",
        &["bounce", "1", "--reason", "No order form"],
    );
    let second = watch_once(&board, "2026-11-23T15:50:00Z");
    assert_eq!(codes(&second), vec![(1, "bounced".to_string())]);
    assert!(watch_once(&board, "2026-11-23T15:55:00Z").is_empty());
    // Sent again, forced past an unticked entry, due on Tuesday at 10:00: 2h of working
    // time left for a 1d SLA. Both are news, once.
    run(
        &board,
        "2026-11-23T15:56:00Z",
        &[
            "boundary",
            "edit",
            "sales",
            "solutions",
            "--done",
            "Order form attached",
        ],
    );
    run(
        &board,
        "2026-11-23T15:57:00Z",
        &["edit", "1", "--due", "2026-11-24 10:00"],
    );
    run(
        &board,
        "2026-11-23T16:00:00Z",
        &[
            "send",
            "1",
            "--to",
            "solutions",
            "--note",
            "again",
            "--force",
        ],
    );
    let mut third = codes(&watch_once(&board, "2026-11-23T16:05:00Z"));
    third.sort();
    assert_eq!(
        third,
        vec![
            (1, "incomplete-handoff".to_string()),
            (1, "late-handoff".to_string()),
        ]
    );
    assert!(watch_once(&board, "2026-11-23T16:10:00Z").is_empty());
}

fn two_watchers_deliver_each_notification_once(backend: Backend) {
    let items = 12;
    let board = board_on(backend, items);
    let out = board.path("delivered.jsonl");
    let exec = format!("cat >> '{}'", out.display());
    let children: Vec<_> = (0..2)
        .map(|_| {
            board
                .std_cmd(&["watch", "--once", "--exec", &exec])
                .env("BATON_NOW", "2026-11-25T10:00:00Z")
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("spawns")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("waits").success());
    }
    let text = std::fs::read_to_string(&out).expect("delivered");
    let keys: Vec<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json");
            v["key"].as_str().expect("key").to_string()
        })
        .collect();
    let unique: HashSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "delivered twice: {keys:?}");
    // Each item: breached, escalated to lee, escalated to vp-sales.
    assert_eq!(keys.len(), items * 3, "{keys:?}");
    for id in 1..=items {
        assert_eq!(
            escalations(&board, "2026-11-25T10:00:00Z", &id.to_string()).len(),
            2
        );
    }
}

fn a_failing_command_is_retried_then_reported(backend: Backend) {
    let board = board_on(backend, 1);
    let fail = ["watch", "--once", "--exec", "cat > /dev/null; exit 3"];
    let times = [
        "2026-11-23T15:30:00Z",
        "2026-11-23T15:31:00Z",
        "2026-11-23T15:34:00Z",
        "2026-11-23T15:43:00Z",
        "2026-11-23T16:20:00Z",
    ];
    for (n, now) in times.iter().enumerate() {
        let (_, stderr) = run(&board, now, &fail);
        if n + 1 < times.len() {
            assert!(
                stderr.contains(&format!("attempt {} of 5", n + 1)),
                "{now}: {stderr}"
            );
        } else {
            assert!(stderr.contains("given up after 5 attempts"), "{stderr}");
            assert!(stderr.contains("exited with exit status: 3"), "{stderr}");
        }
    }
    // Before its backoff ran out, it is not tried.
    let (_, early) = run(&board, "2026-11-23T15:30:10Z", &fail);
    assert!(early.is_empty(), "{early}");
    let (failed, _) = run(&board, "2026-11-23T16:30:00Z", &["watch", "--failed"]);
    let line: Value = serde_json::from_str(failed.trim()).expect("one line");
    assert_eq!(line["attempts"], 5);
    assert_eq!(line["notification"]["code"], "sla-at-risk");
    // Given up is not forgotten: put back in line, it is delivered.
    run(&board, "2026-11-23T16:31:00Z", &["watch", "--retry-failed"]);
    // (It breached at 16:00 meanwhile: that one was tried once at 16:20, and is due now.)
    let delivered = watch_once(&board, "2026-11-23T16:32:00Z");
    assert_eq!(
        codes(&delivered),
        vec![
            (1, "sla-at-risk".to_string()),
            (1, "sla-breached".to_string())
        ]
    );
    assert!(
        run(&board, "2026-11-23T16:33:00Z", &["watch", "--failed"])
            .0
            .is_empty()
    );
}

on_both_backends!(
    ladder_levels_are_recorded_when_they_fell_due,
    a_level_reached_by_hand_is_not_recorded_again,
    watch_delivers_each_notification_once,
    two_watchers_deliver_each_notification_once,
    a_failing_command_is_retried_then_reported,
);

/// Without `--exec`, lines are recorded as delivered a batch at a time: more than one
/// batch (256) is each written once, and nothing is left for the next tick.
#[test]
fn more_lines_than_a_batch_are_each_written_once() {
    let items = 90;
    let board = board_on(Backend::Sqlite, items);
    // Each item: breached, escalated to lee, escalated to vp-sales.
    let first = watch_once(&board, "2026-11-25T10:00:00Z");
    let keys: HashSet<&str> = first
        .iter()
        .map(|n| n["key"].as_str().expect("key"))
        .collect();
    assert_eq!(first.len(), items * 3);
    assert_eq!(keys.len(), first.len(), "a line written twice");
    assert!(watch_once(&board, "2026-11-25T10:05:00Z").is_empty());
}

#[test]
fn a_command_past_its_timeout_counts_as_failed() {
    let board = board_on(Backend::Sqlite, 1);
    let (_, stderr) = run(
        &board,
        "2026-11-23T15:30:00Z",
        &["watch", "--once", "--timeout", "1s", "--exec", "sleep 30"],
    );
    assert!(stderr.contains("ran past its 1s timeout"), "{stderr}");
    assert!(stderr.contains("attempt 1 of 5"), "{stderr}");
}

#[test]
fn read_commands_never_write() {
    let board = board_on(Backend::Sqlite, 3);
    // Levels and breaches are due; only watch may record them.
    let now = "2026-11-25T10:00:00Z";
    let before = std::fs::read(&board.db).expect("db");
    for args in [
        &["ls"][..],
        &["ls", "--json"],
        &["attention"],
        &["attention", "--json"],
        &["show", "1"],
        &["board", "--print", "--width", "120"],
        &["boundary", "show", "sales", "solutions"],
    ] {
        run(&board, now, args);
    }
    assert_eq!(
        std::fs::read(&board.db).expect("db"),
        before,
        "a read command wrote"
    );
    assert!(escalations(&board, now, "1").is_empty());
    watch_once(&board, now);
    assert_eq!(escalations(&board, now, "1").len(), 2);
}

#[test]
fn a_ladder_is_part_of_the_contract_history_and_the_document() {
    let board = board_on(Backend::Sqlite, 0);
    run(
        &board,
        "2026-11-21T10:00:00Z",
        &[
            "boundary",
            "edit",
            "sales",
            "solutions",
            "--escalate-to",
            "dana",
            "--escalate-after",
            "1d",
        ],
    );
    let (shown, _) = run(
        &board,
        "2026-11-21T10:00:00Z",
        &["boundary", "show", "sales", "solutions"],
    );
    assert!(
        shown.contains(
            "escalate to: lee → vp-sales, a level every 4h of working time past the breach → dana, automatically 1d of working time past the breach"
        ),
        "{shown}"
    );
    let doc = board.ok(&["export", "--format", "json"]);
    let v: Value = serde_json::from_str(&doc).expect("json");
    let b = &v["boundaries"][0];
    assert_eq!(b["escalate_to"], "dana");
    assert_eq!(b["escalate_after"], "1d");
    assert!(b.get("escalate_then").is_none());
    // Round trip: the ladder comes back whole.
    let file = board.path("doc.json");
    std::fs::write(&file, &doc).expect("write");
    let other = Board::empty_at(SENT, DbBy::Env);
    other.ok(&["import", file.to_str().expect("path")]);
    let again: Value =
        serde_json::from_str(&other.ok(&["export", "--format", "json"])).expect("json");
    assert_eq!(again["boundaries"], v["boundaries"]);
    assert_eq!(again["contract_history"], v["contract_history"]);
}

#[test]
fn an_import_naming_a_missing_calendar_is_refused() {
    let board = board_on(Backend::Sqlite, 1);
    let doc = board.ok(&["export", "--format", "json"]);
    let mut v: Value = serde_json::from_str(&doc).expect("json");
    v.as_object_mut().expect("object").remove("calendars");
    let file = board.path("doc.json");
    std::fs::write(&file, v.to_string()).expect("write");
    let other = Board::empty_at(SENT, DbBy::Env);
    let error = other.error(&["import", file.to_str().expect("path")]);
    assert!(
        error.contains("names the calendar `office`, which is not among the calendars"),
        "{error}"
    );
}

on_both_backends!(escalating_by_hand_climbs_the_ladder_a_level_at_a_time);
fn escalating_by_hand_climbs_the_ladder_a_level_at_a_time(backend: Backend) {
    let board = board_on(backend, 1);
    // The first escalation goes to level 1; one already there goes a level up.
    for contact in ["lee", "vp-sales"] {
        assert_eq!(
            board.ok(&["escalate", "1"]),
            format!("#1 escalated to {contact}  [in limbo sales → solutions]\n")
        );
    }
    // At the top, escalating again would notify no one new.
    assert_eq!(
        board.error(&["escalate", "1"]),
        "error: #1 is escalated to vp-sales already; name someone else to escalate to, or add a note"
    );
    assert_eq!(
        board.ok(&["escalate", "1", "--to", "ceo"]),
        "#1 escalated to ceo  [in limbo sales → solutions]\n"
    );
}
