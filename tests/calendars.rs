//! Working calendars from the command line, on SQLite and PostgreSQL alike: the SLA
//! clock counts only working time, and every surface says so in words.

#[macro_use]
mod common;

use common::cli::{Backend, Board, DbBy};

/// Friday 2026-11-20, 16:00 UTC: when the item is sent.
const SENT: &str = "2026-11-20T16:00:00Z";

/// sales → solutions with a 1d SLA in the calendar `office` (UTC, Mon–Fri 09:00–17:00,
/// with `holidays`), and item #1 sent across it on Friday at 16:00.
fn board_on(backend: Backend, holidays: &[&str]) -> Board {
    let board = Board::office_hours_on(backend, SENT, holidays);
    board.office_boundary(&[]);
    board.ok(&[
        "add",
        "Renewal for ACME",
        "--team",
        "sales",
        "--owner",
        "maya",
    ]);
    board.ok(&["send", "1", "--to", "solutions", "--note", "ready"]);
    board
}

fn standing(board: &Board, now: &str) -> String {
    let json: serde_json::Value =
        serde_json::from_str(&board.at(now, &["ls", "--json"])).expect("json");
    json[0]["sla_status"].as_str().expect("status").to_string()
}

/// The example of issue #13, word for word: sent Friday 16:00 with an SLA of one
/// working day; within on Monday 10:00 (2h of 8h), at risk at 15:30, breached on
/// Tuesday 09:30.
fn the_sla_clock_counts_working_time(backend: Backend) {
    let board = board_on(backend, &[]);
    let monday = "2026-11-23T10:00:00Z";
    assert_eq!(standing(&board, monday), "within");
    let show = board.at(monday, &["show", "1"]);
    assert!(
        show.contains("in limbo sales → solutions for 2d 18h: 2h of 1d working time used"),
        "{show}"
    );
    let attention = board.at(monday, &["attention"]);
    assert!(
        attention.starts_with("nothing needs attention\n"),
        "{attention}"
    );
    // The retro's aging table judges it by working time too: 2d 18h old, within.
    let md = board.at(monday, &["export", "--format", "md"]);
    assert!(
        md.contains("| #1 Renewal for ACME | sales → solutions | 2d 18h | SLA 1d |"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&board.at(monday, &["ls", "--json"])).expect("json");
    assert_eq!(json[0]["sla"], "1d");
    assert_eq!(json[0]["sla_used_minutes"], 120);
    assert_eq!(json[0]["calendar"], "office");

    let afternoon = "2026-11-23T15:30:00Z";
    assert_eq!(standing(&board, afternoon), "at-risk");
    let attention = board.at(afternoon, &["attention"]);
    assert!(
        attention.contains("sla-at-risk")
            && attention.contains("in limbo 2d 23h: 7h 30m of 1d working time used, 30m left"),
        "{attention}"
    );

    let tuesday = "2026-11-24T09:30:00Z";
    assert_eq!(standing(&board, tuesday), "breached");
    let attention = board.at(tuesday, &["attention"]);
    assert!(
        attention.contains("sla-breached")
            && attention
                .contains("in limbo 3d 17h: 1d 1h of 1d working time used, breached by 1h 30m"),
        "{attention}"
    );
    // ls has the whole of it, the breach mark last: the column is never cut.
    let ls = board.at("2026-12-03T09:30:00Z", &["ls"]);
    assert!(
        ls.contains("12d 17h: 8d 1h of 1d working time used ✖ breached  Renewal for ACME"),
        "{ls}"
    );
    // The board counts the breach in its column too.
    let printed = board.at(tuesday, &["board", "--print", "--width", "160"]);
    assert!(printed.contains("1 breached"), "{printed}");
}

/// With Monday a holiday, on Tuesday 10:00 it is within: 1h on Friday, 1h on Tuesday.
fn a_holiday_does_not_count(backend: Backend) {
    let board = board_on(backend, &["2026-11-23"]);
    assert_eq!(standing(&board, "2026-11-24T10:00:00Z"), "within");
    let show = board.at("2026-11-24T10:00:00Z", &["show", "1"]);
    assert!(show.contains("2h of 1d working time used"), "{show}");
    // Without the holiday the same moment is a breach.
    board.ok(&[
        "calendar",
        "edit",
        "office",
        "--remove-holiday",
        "2026-11-23",
    ]);
    assert_eq!(standing(&board, "2026-11-24T10:00:00Z"), "breached");
}

on_both_backends!(the_sla_clock_counts_working_time, a_holiday_does_not_count);

#[test]
fn calendars_are_listed_shown_and_edited() {
    let board = board_on(Backend::Sqlite, &["2026-12-24"]);
    let ls = board.ok(&["calendar", "ls"]);
    assert!(ls.contains("CALENDAR"), "{ls}");
    assert!(ls.contains("office"), "{ls}");
    assert!(ls.contains("Mon-Fri 09:00-17:00"), "{ls}");
    assert!(ls.contains("8h"), "{ls}");
    assert_eq!(
        board.ok(&["calendar", "show", "office"]),
        "office\nzone:        UTC\nhours:       Mon-Fri 09:00-17:00\nworking day: 8h (an SLA's d; w is five)\nholidays:    2026-12-24\nused by:     sales → solutions\n"
    );
    let edited = board.ok(&[
        "calendar",
        "edit",
        "office",
        "--hours",
        "Mon-Thu 08:00-12:00 13:00-17:00",
        "--hours",
        "Fri 08:00-12:00",
        "--holiday",
        "2026-12-31",
    ]);
    assert!(edited.contains("working day: 7h 12m"), "{edited}");
    assert!(
        edited.contains("holidays:    2026-12-24, 2026-12-31"),
        "{edited}"
    );
    let json = board.json(&["calendar", "show", "office", "--json"]);
    assert_eq!(json["tz"], "UTC");
    assert_eq!(json["hours"][1], "Fri 08:00-12:00");
    let ls = board.ok(&["boundary", "ls"]);
    assert!(ls.contains("1d (office)"), "{ls}");
    let printed = board.ok(&["board", "--print", "--width", "160"]);
    assert!(printed.contains("SLA 1d (office)"), "{printed}");
    // The contract shows the calendar; `none` takes it off.
    let shown = board.ok(&["boundary", "show", "sales", "solutions"]);
    assert!(
        shown.contains("1d of working time (calendar office)"),
        "{shown}"
    );
    board.ok(&[
        "boundary",
        "edit",
        "sales",
        "solutions",
        "--calendar",
        "none",
    ]);
    let shown = board.ok(&["boundary", "show", "sales", "solutions"]);
    assert!(shown.contains("SLA:         1d\n"), "{shown}");
}

#[test]
fn holidays_come_from_an_ics_file_and_a_bad_one_names_its_line() {
    let board = board_on(Backend::Sqlite, &[]);
    let good = board.path("holidays.ics");
    std::fs::write(
        &good,
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:20261231T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .expect("write");
    let out = board.ok(&[
        "calendar",
        "edit",
        "office",
        "--ics",
        good.to_str().expect("path"),
    ]);
    assert!(out.contains("holidays:    2026-12-25, 2026-12-31"), "{out}");
    let bad = board.path("bad.ics");
    std::fs::write(
        &bad,
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:tomorrow\nEND:VEVENT\nEND:VCALENDAR\n",
    )
    .expect("write");
    let bad = bad.to_str().expect("path");
    assert_eq!(
        board.error(&["calendar", "edit", "office", "--ics", bad]),
        format!(
            "error: {bad}, line 3: `tomorrow` is not a DTSTART date (YYYYMMDD or YYYYMMDDTHHMMSS)"
        )
    );
    // Refused whole: the calendar keeps what it had.
    let show = board.ok(&["calendar", "show", "office"]);
    assert!(
        show.contains("holidays:    2026-12-25, 2026-12-31"),
        "{show}"
    );
}

#[test]
fn bad_calendars_are_refused_in_words() {
    let board = board_on(Backend::Sqlite, &[]);
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "calendar",
                "add",
                "x",
                "--tz",
                "Mars/Olympus",
                "--hours",
                "Mon 09:00-17:00",
            ],
            "error: `Mars/Olympus` is not a time zone (use an IANA name such as UTC, Europe/Berlin or America/New_York)",
        ),
        (
            &["calendar", "add", "x", "--tz", "UTC", "--hours", "Mon 9-5"],
            "error: `Mon 9-5` is not a row of working hours (use DAYS HH:MM-HH:MM, as in \"Mon-Fri 09:00-17:00\", \"Mon,Wed 13:00-17:00\" or \"Sat 10:00-14:00\")",
        ),
        (
            &["calendar", "add", "x", "--tz", "UTC"],
            "error: a calendar needs working hours, as in --hours \"Mon-Fri 09:00-17:00\"",
        ),
        (
            &[
                "calendar",
                "add",
                "office",
                "--tz",
                "UTC",
                "--hours",
                "Mon 09:00-17:00",
            ],
            "error: a calendar named `office` already exists; change it with `baton calendar edit office`",
        ),
        (
            &[
                "boundary",
                "edit",
                "sales",
                "solutions",
                "--calendar",
                "nights",
            ],
            "error: no calendar named `nights` (calendars: office)",
        ),
    ];
    for (args, want) in cases {
        assert_eq!(board.error(args), want, "{args:?}");
    }
    let bad_day = board.error(&["calendar", "edit", "office", "--holiday", "2026-02-30"]);
    assert!(
        bad_day.contains("`2026-02-30` is not a holiday date"),
        "{bad_day}"
    );
}

/// Daylight saving: in Berlin, 09:00 is 07:00 UTC before 25 October 2026 and 08:00 UTC
/// after. Sent Friday 23rd 16:00 local; on Monday 26th at 10:00 local, 2h are used.
#[test]
fn working_hours_keep_local_time_across_a_daylight_saving_change() {
    let board = Board::empty_on(Backend::Sqlite, "2026-10-23T14:00:00Z", DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "solutions"]);
    board.ok(&[
        "calendar",
        "add",
        "berlin",
        "--tz",
        "Europe/Berlin",
        "--hours",
        "Mon-Fri 09:00-17:00",
    ]);
    board.ok(&[
        "boundary",
        "add",
        "sales",
        "solutions",
        "--sla",
        "1d",
        "--calendar",
        "berlin",
    ]);
    board.ok(&["add", "Renewal", "--team", "sales"]);
    board.ok(&["send", "1", "--to", "solutions", "--note", "n"]);
    let show = board.at("2026-10-26T09:00:00Z", &["show", "1"]);
    assert!(show.contains("2h of 1d working time used"), "{show}");
    assert_eq!(standing(&board, "2026-10-26T14:59:00Z"), "at-risk");
    assert_eq!(standing(&board, "2026-10-26T15:01:00Z"), "breached");
}

/// A handoff that leaves the receiving team less time before the due date than its SLA:
/// `send` warns, `attention` raises `late-handoff` (ordered right after `due-soon`), the
/// board marks the card. With a calendar the time left is working time.
#[test]
fn a_late_handoff_is_flagged_when_it_is_sent() {
    let board = Board::office_hours_on(Backend::Sqlite, SENT, &[]);
    board.office_boundary(&[]);
    // Due Monday 12:00: 1h on Friday + 3h on Monday = 4h of working time, less than 1d.
    board.ok(&[
        "add",
        "Renewal",
        "--team",
        "sales",
        "--owner",
        "maya",
        "--due",
        "2026-11-23 12:00",
    ]);
    // Due Tuesday: a whole working day and more.
    board.ok(&[
        "add",
        "Upsell",
        "--team",
        "sales",
        "--owner",
        "maya",
        "--due",
        "2026-11-24 17:00",
    ]);
    let output = board
        .cmd(&["send", "1", "--to", "solutions", "--note", "n"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "warning: #1 is a late handoff: sent to solutions with 4h left before its due date (2026-11-23 12:00); the contract gives solutions 1d\n"
    );
    // Not late: nothing to warn about.
    board.ok(&["send", "2", "--to", "solutions", "--note", "n"]);
    let attention = board.ok(&["attention"]);
    assert!(attention.contains("late-handoff"), "{attention}");
    assert!(
        attention.contains("sent to solutions with 4h left before its due date (2026-11-23 12:00); the contract gives solutions 1d"),
        "{attention}"
    );
    assert!(!attention.contains("#2 "), "{attention}");
    let json = board.json(&["attention", "--json"]);
    let codes: Vec<&str> = json[0]["signals"]
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(codes, vec!["late-handoff"], "{json}");
    let printed = board.ok(&["board", "--print", "--width", "160"]);
    assert!(printed.contains("⧗late"), "{printed}");
    // Dismissed until the next handoff.
    board.ok(&[
        "dismiss",
        "1",
        "late-handoff",
        "--note",
        "agreed with hannah",
    ]);
    assert!(!board.ok(&["attention"]).contains("late-handoff"));
}

/// Late handoffs are counted per boundary in the metrics, as judged at each send.
#[test]
fn late_handoffs_are_counted_per_boundary() {
    let board = Board::empty_on(Backend::Sqlite, SENT, DbBy::Env);
    board.ok(&["init"]);
    for team in ["sales", "solutions"] {
        board.ok(&["team", "add", team]);
    }
    board.ok(&["boundary", "add", "sales", "solutions", "--sla", "2d"]);
    for (title, due) in [
        ("Late", "2026-11-21"),
        ("Early", "2026-12-20"),
        ("Late too", "2026-11-20 20:00"),
    ] {
        board.ok(&["add", title, "--team", "sales", "--due", due]);
    }
    for id in ["1", "2", "3"] {
        let _ = board
            .cmd(&["send", id, "--to", "solutions", "--note", "n"])
            .output();
    }
    let stats = board.json(&["stats", "--json"]);
    assert_eq!(stats["boundaries"][0]["late_handoffs"], 2, "{stats}");
    // The text and the reports a person reads say it too.
    let text = board.ok(&["stats"]);
    assert!(text.contains("late handoffs 2 ·"), "{text}");
    let row = text
        .lines()
        .find(|l| l.starts_with("sales → solutions"))
        .expect("the boundary's row");
    assert!(row.ends_with(" 0/0/2/0"), "{row}");
    let md = board.ok(&["export", "--format", "md"]);
    assert!(md.contains("| late handoffs | 2 |"), "{md}");
    // The send is what counts: a later due date does not take it back.
    board.ok(&["edit", "1", "--due", "2027-01-31"]);
    let stats = board.json(&["stats", "--json"]);
    assert_eq!(stats["boundaries"][0]["late_handoffs"], 2, "{stats}");
}
