//! Times as people type and read them, through the real binary in real time zones: the
//! command line and the board read and show times in the local zone (`TZ`), with or
//! without `BATON_NOW`; metrics count that zone's days, as `--since` does; a time the
//! clocks skip is refused naming the gap, one they repeat means the first; durations
//! take lowercase units and say so.

mod common;

use assert_cmd::Command;
use serde_json::{Value, json};

use common::cli::{Board, DbBy};
use common::{NOW, Session};

/// A board's commands, run in the time zone `tz`.
struct Zoned<'a> {
    board: &'a Board,
    tz: &'static str,
}

impl Zoned<'_> {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.board.cmd(args);
        cmd.env("TZ", self.tz);
        cmd
    }

    /// Runs a command that must succeed with nothing on stderr; returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let output = self.cmd(args).output().expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.is_empty(),
            "baton {args:?} in {} failed: {stderr}",
            self.tz
        );
        String::from_utf8(output.stdout).expect("utf-8")
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("JSON")
    }

    /// What a command that must fail (exit 1, nothing on stdout) says on stderr.
    fn error(&self, args: &[&str]) -> String {
        error_of(self.cmd(args))
    }
}

fn error_of(mut cmd: Command) -> String {
    let output = cmd.output().expect("runs");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    String::from_utf8(output.stderr).expect("utf-8")
}

/// A fresh board at [`NOW`] with the team `sales`.
fn board() -> Board {
    let board = Board::empty_at(NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board
}

const BERLIN: &str = "Europe/Berlin";

#[test]
fn a_time_the_clocks_skip_is_refused_naming_the_gap() {
    let board = board();
    let berlin = Zoned {
        board: &board,
        tz: BERLIN,
    };
    berlin.ok(&["add", "Renewal", "--team", "sales"]);
    let gap = "`2026-03-29 02:30` does not exist in local time: on 2026-03-29 the clocks jump from 02:00 to 03:00 (daylight saving); give a time before or after the gap";
    let cases: [(&[&str], &str); 6] = [
        (
            &["add", "x", "--team", "sales", "--at", "2026-03-29 02:30"],
            "--at",
        ),
        (
            &["add", "x", "--team", "sales", "--due", "2026-03-29 02:30"],
            "--due",
        ),
        (&["edit", "1", "--due", "2026-03-29 02:30"], "--due"),
        (&["snooze", "1", "--until", "2026-03-29 02:30"], "--until"),
        (&["stats", "--since", "2026-03-29 02:30"], "--since"),
        (
            &["export", "--format", "md", "--until", "2026-03-29 02:30"],
            "--until",
        ),
    ];
    for (args, flag) in cases {
        assert_eq!(
            berlin.error(args),
            format!("error: {flag}: {gap}\n"),
            "{args:?}"
        );
    }
    let mut now_in_gap = berlin.cmd(&["ls"]);
    now_in_gap.env("BATON_NOW", "2026-03-29 02:30");
    assert_eq!(error_of(now_in_gap), format!("error: BATON_NOW: {gap}\n"));
    // Another zone, its own gap.
    let new_york = Zoned {
        board: &board,
        tz: "America/New_York",
    };
    assert_eq!(
        new_york.error(&["add", "x", "--team", "sales", "--at", "2026-03-08 02:15"]),
        "error: --at: `2026-03-08 02:15` does not exist in local time: on 2026-03-08 the clocks jump from 02:00 to 03:00 (daylight saving); give a time before or after the gap\n"
    );
    // Either side of the gap is a time; nothing refused was written.
    berlin.ok(&[
        "add",
        "Before",
        "--team",
        "sales",
        "--at",
        "2026-03-29 01:59",
    ]);
    berlin.ok(&[
        "add",
        "After",
        "--team",
        "sales",
        "--at",
        "2026-03-29 03:00",
    ]);
    let items = berlin.json(&["ls", "--json"]);
    let created: Vec<&Value> = items
        .as_array()
        .expect("items")
        .iter()
        .map(|i| &i["created_at"])
        .collect();
    assert_eq!(
        created,
        [
            &json!(NOW),
            &json!("2026-03-29T00:59:00Z"),
            &json!("2026-03-29T01:00:00Z")
        ]
    );
    assert_eq!(
        berlin.json(&["show", "1", "--json"])["events"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[test]
fn a_time_the_clocks_repeat_means_the_first_of_the_two() {
    let board = board();
    let berlin = Zoned {
        board: &board,
        tz: BERLIN,
    };
    // 02:30 comes twice on 2026-10-25: first in summer time (UTC+2), then in winter time.
    let first = berlin.json(&[
        "add",
        "Autumn",
        "--team",
        "sales",
        "--at",
        "2026-10-25 02:30",
        "--json",
    ]);
    assert_eq!(first["created_at"], json!("2026-10-25T00:30:00Z"));
    // The second is reached with its offset.
    let second = berlin.json(&[
        "add",
        "Autumn, later",
        "--team",
        "sales",
        "--at",
        "2026-10-25T02:30:00+01:00",
        "--json",
    ]);
    assert_eq!(second["created_at"], json!("2026-10-25T01:30:00Z"));
    // Both read back as the local time typed.
    for id in ["1", "2"] {
        let shown = berlin.ok(&["show", id]);
        assert!(shown.contains("  created:   2026-10-25 02:30\n"), "{shown}");
    }
}

#[test]
fn duration_units_are_lowercase_and_an_uppercase_one_is_refused_naming_them() {
    let board = board();
    board.ok(&["team", "add", "ops"]);
    for text in ["4H", "2D", "1W", "90M", "1d 4H"] {
        assert_eq!(
            board.error(&["boundary", "add", "sales", "ops", "--sla", text]),
            format!(
                "error: --sla: `{text}` is not a duration: units are lowercase, m (minutes), h (hours), d (days) or w (weeks), as in 90m, 4h, 2d, 1w"
            )
        );
    }
    // Nothing was added; the lowercase form is accepted.
    assert_eq!(board.ok(&["boundary", "ls", "--json"]).trim(), "[]");
    board.ok(&["boundary", "add", "sales", "ops", "--sla", "4h"]);
    assert_eq!(
        board.error(&["boundary", "edit", "sales", "ops", "--sla", "2D"]),
        "error: --sla: `2D` is not a duration: units are lowercase, m (minutes), h (hours), d (days) or w (weeks), as in 90m, 4h, 2d, 1w"
    );
    assert_eq!(
        board.json(&["boundary", "show", "sales", "ops", "--json"])["sla"],
        json!("4h")
    );
    // Not a duration in any case: the message says what one looks like.
    assert_eq!(
        board.error(&["boundary", "edit", "sales", "ops", "--sla", "2 days"]),
        "error: --sla: `2 days` is not a duration (use 90m, 4h, 2d or 1w, up to 520w)"
    );
    // The help says so too.
    let help = board.ok(&["boundary", "add", "--help"]);
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("90m, 4h, 2d, 1w or 1d 4h (units lowercase: minutes, hours, days, weeks)"),
        "{help}"
    );
}

#[test]
fn the_command_line_reads_and_shows_local_time_with_baton_now_set() {
    let board = board();
    let tokyo = Zoned {
        board: &board,
        tz: "Asia/Tokyo",
    };
    // NOW is 09:00 UTC: 18:00 in Tokyo (UTC+9, no daylight saving).
    let added = tokyo.json(&[
        "add",
        "Renewal",
        "--team",
        "sales",
        "--due",
        "2026-12-01 09:00",
        "--json",
    ]);
    assert_eq!(added["due"], json!("2026-12-01T00:00:00Z"));
    let shown = tokyo.ok(&["show", "1"]);
    for line in [
        "  due:       2026-12-01 09:00\n",
        "  created:   2026-11-25 18:00\n",
        "  2026-11-25 18:00  tester     created in sales\n",
    ] {
        assert!(shown.contains(line), "{line:?} in:\n{shown}");
    }
    // A date alone is the end of that day there.
    assert_eq!(
        tokyo.ok(&["edit", "1", "--due", "2026-11-26"]),
        "#1 edited: due 2026-11-26 23:59  [active with sales]\n"
    );
    assert_eq!(
        tokyo.json(&["show", "1", "--json"])["due"],
        json!("2026-11-26T14:59:00Z")
    );
    let attention = tokyo.ok(&["attention"]);
    assert!(
        attention.contains("due in 1d 5h (2026-11-26 23:59), with sales"),
        "{attention}"
    );
    assert_eq!(
        tokyo.ok(&["snooze", "1", "--until", "2026-11-26 09:00"]),
        "#1 snoozed until 2026-11-26 09:00  [active with sales]\n"
    );
    // The same board read in UTC shows the same moments in UTC.
    let in_utc = board.ok(&["show", "1"]);
    for line in [
        "  due:       2026-11-26 14:59\n",
        "  created:   2026-11-25 09:00\n",
        "snoozed until 2026-11-26 00:00\n",
    ] {
        assert!(in_utc.contains(line), "{line:?} in:\n{in_utc}");
    }
}

#[test]
fn metrics_count_local_days_so_since_and_the_first_day_begin_together() {
    let board = board();
    board.ok(&["team", "add", "ops"]);
    board.ok(&["boundary", "add", "sales", "ops", "--sla", "1h"]);
    let berlin = Zoned {
        board: &board,
        tz: BERLIN,
    };
    // Monday 2 March 2026 begins at 23:00 UTC on Sunday 1 March, in Berlin.
    // #1 is done at 00:30 on Monday, Berlin time (23:30 UTC on Sunday).
    berlin.ok(&["add", "Late", "--team", "sales", "--at", "2026-03-01 23:00"]);
    berlin.ok(&["done", "1", "--at", "2026-03-02 00:30"]);
    // #2 waits in limbo from 23:15 Sunday; its 1h SLA runs out at 00:15 Monday, Berlin.
    berlin.ok(&[
        "add",
        "Waits",
        "--team",
        "sales",
        "--at",
        "2026-03-01 23:10",
    ]);
    berlin.ok(&[
        "send",
        "2",
        "--to",
        "ops",
        "--note",
        "n",
        "--at",
        "2026-03-01 23:15",
    ]);
    berlin.ok(&["accept", "2", "--at", "2026-03-02 01:00"]);

    let monday = [
        "stats",
        "--since",
        "2026-03-02",
        "--until",
        "2026-03-02 23:59",
    ];
    let m = berlin.json(&[&monday[..], &["--json"]].concat());
    assert_eq!(m["period"]["since"], json!("2026-03-01T23:00:00Z"));
    assert_eq!(m["throughput"], json!([{"week": "2026-03-02", "done": 1}]));
    assert_eq!(
        m["breaches_per_day"],
        json!([{"day": "2026-03-02", "breaches": 1}])
    );
    let days: Vec<&Value> = m["cumulative_flow"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| &p["day"])
        .collect();
    assert_eq!(days, [&json!("2026-03-02")]);
    assert_eq!(m["cumulative_flow"][0]["done"], json!(1));
    assert!(
        berlin
            .ok(&monday)
            .starts_with("Flow metrics from 2026-03-02 00:00 to 2026-03-02 23:59\n"),
        "{}",
        berlin.ok(&monday)
    );
    let md = berlin.ok(&[
        "export",
        "--format",
        "md",
        "--since",
        "2026-03-02",
        "--until",
        "2026-03-02 23:59",
    ]);
    assert!(
        md.contains("Period: 2026-03-02 00:00 to 2026-03-02 23:59 UTC+01:00."),
        "{md}"
    );

    // In UTC the same moments fall on Sunday, and Monday holds neither: its week is
    // listed with nothing done (periods list every week, zeros included).
    let m = board.json(&[&monday[..], &["--json"]].concat());
    assert_eq!(m["throughput"], json!([{"week": "2026-03-02", "done": 0}]));
    assert_eq!(m["breaches_per_day"], json!([]));
    let sunday = board.json(&[
        "stats",
        "--since",
        "2026-03-01",
        "--until",
        "2026-03-01 23:59",
        "--json",
    ]);
    assert_eq!(
        sunday["throughput"],
        json!([{"week": "2026-02-23", "done": 1}])
    );
    assert_eq!(
        sunday["breaches_per_day"],
        json!([{"day": "2026-03-01", "breaches": 1}])
    );
}

#[test]
fn the_board_reads_and_shows_times_as_the_command_line_does() {
    let board = board();
    let berlin = Zoned {
        board: &board,
        tz: BERLIN,
    };
    berlin.ok(&[
        "add",
        "Renewal",
        "--team",
        "sales",
        "--due",
        "2026-12-01 10:00",
    ]);
    let cli = berlin.ok(&["show", "1"]);
    assert!(cli.contains("  due:       2026-12-01 10:00\n"), "{cli}");
    assert!(cli.contains("  created:   2026-11-25 10:00\n"), "{cli}");

    // The board, in the same zone and with the same fixed "now", shows the same times.
    let mut session = Session::open_in(&board.db, board.dir.path(), "tester", (120, 40), BERLIN);
    let term = &mut session.term;
    term.wait_for(&["Baton", "#1 Renewal"]);
    term.keys("\r");
    term.wait_for(&["due", "2026-12-01 10:00", "2026-11-25 10:00"]);
    term.esc();
    // The edit form shows the due date as typed, and reads what is typed the same way:
    // a time in the gap is refused with the command line's words.
    term.keys("e");
    term.wait_for(&["2026-12-01 10:00"]);
    term.keys("\t");
    term.send(b"\x15"); // ctrl-u: clear the field
    term.keys("2026-03-29 02:30\r");
    term.wait_for(&["does not exist in local time"]);
    term.send(b"\x15");
    term.keys("2026-12-02 10:00\r");
    term.wait_for(&["#1 edited: due 2026-12-02 10:00"]);
    session.quit();

    assert_eq!(
        berlin.json(&["show", "1", "--json"])["due"],
        json!("2026-12-02T09:00:00Z")
    );
}
