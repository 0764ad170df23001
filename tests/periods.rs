//! Periods are half-open, `[since, until)`: retros for back-to-back periods add up to
//! the retro of the whole, on a small organisation built from the shell with `--at`.
//! Every expected number is worked out by hand in the comments.

#[macro_use]
mod common;

use serde_json::Value;

use common::NOW;
use common::cli::{Backend, Board, DbBy};

/// sales → ops with a 2h SLA and one definition-of-done entry; seven items whose
/// events fall on and around the edges 2026-11-09 09:00 and 2026-11-23 00:00 (now is
/// Wednesday 2026-11-25 09:00, UTC).
fn organisation(backend: Backend) -> Board {
    let board = Board::empty_on(backend, NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "ops"]);
    board.ok(&[
        "boundary",
        "add",
        "sales",
        "ops",
        "--done",
        "Spec attached",
        "--sla",
        "2h",
        "--escalate-to",
        "vp",
    ]);
    let run = |args: &[&str], at: &str| {
        let mut all = args.to_vec();
        all.extend(["--at", at]);
        board.ok(&all);
    };
    let send = |id: &str, at: &str| {
        run(
            &["send", id, "--to", "ops", "--note", "n", "--all-done"],
            at,
        );
    };
    // #1: sent 10-28 09:00, accepted after 60m, done 11-03 (week of 2 Nov).
    run(&["add", "One", "--team", "sales"], "2026-10-27 09:00");
    send("1", "2026-10-28 09:00");
    run(&["accept", "1"], "2026-10-28 10:00");
    run(&["done", "1"], "2026-11-03 10:00");
    // #2: sent 11-09 08:00, accepted exactly at the edge 11-09 09:00 (60m).
    run(&["add", "Two", "--team", "sales"], "2026-11-02 09:00");
    send("2", "2026-11-09 08:00");
    run(&["accept", "2"], "2026-11-09 09:00");
    // #3: sent 11-06 09:00 (SLA ran out 11:00), still in limbo at the first edge,
    // bounced 11-10 09:00 after 4 days: a breached spell of the second fortnight.
    run(&["add", "Three", "--team", "sales"], "2026-11-04 09:00");
    send("3", "2026-11-06 09:00");
    run(&["bounce", "3", "--reason", "no spec"], "2026-11-10 09:00");
    // #4: forced across 11-16 09:00, escalated, accepted after 4h (breached; SLA ran out
    // 11:00), done 11-18.
    run(&["add", "Four", "--team", "sales"], "2026-10-29 09:00");
    run(
        &["send", "4", "--to", "ops", "--note", "n", "--force"],
        "2026-11-16 09:00",
    );
    run(&["escalate", "4"], "2026-11-16 12:00");
    run(&["accept", "4"], "2026-11-16 13:00");
    run(&["done", "4"], "2026-11-18 09:00");
    // #5: a dropped baton flagged exactly at the edge.
    run(&["add", "Five", "--team", "sales"], "2026-11-02 09:00");
    run(&["flag", "5", "--note", "lost"], "2026-11-09 09:00");
    // #6: sent 11-24 09:00, still in limbo now: 24h old, past the 2h SLA.
    run(&["add", "Six", "--team", "sales"], "2026-11-20 09:00");
    send("6", "2026-11-24 09:00");
    // #7: done 11-05, reopened 11-10, done again 11-17: each done counts.
    run(&["add", "Seven", "--team", "ops"], "2026-10-27 09:00");
    run(&["done", "7"], "2026-11-05 09:00");
    run(&["reopen", "7"], "2026-11-10 09:00");
    run(&["done", "7"], "2026-11-17 09:00");
    board
}

/// The counts that must add up, from `stats --json`.
fn counts(m: &Value) -> Vec<u64> {
    let o = &m["overall"];
    let n = |v: &Value| v.as_u64().expect("a count");
    let mut out: Vec<u64> = [
        "sent",
        "accepted",
        "bounced",
        "reclaimed",
        "spells",
        "breached",
        "escalations",
        "incomplete_handoffs",
        "dropped_batons",
        "done",
    ]
    .iter()
    .map(|k| n(&o[*k]))
    .collect();
    let sum = |list: &str, field: &str| -> u64 {
        m[list]
            .as_array()
            .expect("a list")
            .iter()
            .map(|d| n(&d[field]))
            .sum()
    };
    out.push(sum("daily_throughput", "done"));
    out.push(sum("throughput", "done"));
    out.push(sum("breaches_per_day", "breaches"));
    out
}

fn back_to_back_periods_add_up_to_the_whole(backend: Backend) {
    let board = organisation(backend);
    let stats = |since: &str, until: Option<&str>| {
        let mut args = vec!["stats", "--json", "--since", since];
        if let Some(until) = until {
            args.extend(["--until", until]);
        }
        board.json(&args)
    };
    let first = stats("2026-10-26", Some("2026-11-09 09:00"));
    let second = stats("2026-11-09 09:00", Some("2026-11-23"));
    let third = stats("2026-11-23", None);
    let whole = stats("2026-10-26", None);
    //               sent acc bnc rcl spells breached esc inc drop done | days weeks breach-days
    // A spell is judged once: where its SLA ran out, or where it ended within it.
    // First: #1 #2 #3 sent; #1 accepted (within its SLA); #2 and #3 open at a past end;
    // #1 and #7 done; #3's SLA ran out on 11-06: judged here, breached.
    assert_eq!(counts(&first), [3, 1, 0, 0, 2, 1, 0, 0, 0, 2, 2, 2, 1]);
    // Second: #4 sent (forced); #2 (at the edge) and #4 accepted, #3 bounced (judged
    // in the first): spells #2 #4, breached #4; #4 escalated; #5 flagged at the edge;
    // #4 and #7 done.
    assert_eq!(counts(&second), [1, 2, 1, 0, 2, 1, 1, 1, 1, 2, 2, 2, 1]);
    // Third, up to now: #6 sent and open now, breached.
    assert_eq!(counts(&third), [1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1]);
    let added: Vec<u64> = (0..13)
        .map(|i| counts(&first)[i] + counts(&second)[i] + counts(&third)[i])
        .collect();
    assert_eq!(counts(&whole), added);
    assert_eq!(counts(&whole), [5, 3, 1, 0, 5, 3, 1, 1, 1, 4, 4, 4, 3]);
    // A past period's report lists the breaches its rate counts, whenever it is asked
    // for: the first's #3, still open at its end, asked for weeks later.
    let md = board.ok(&[
        "export",
        "--format",
        "md",
        "--since",
        "2026-10-26",
        "--until",
        "2026-11-09 09:00",
    ]);
    assert!(md.contains("### Breached the SLA (1)"), "{md}");
    assert!(md.contains("| SLA breach rate | 50% (1 of 2) |"), "{md}");
    // Every week of the month is listed, the empty week of 9 November too.
    let weeks: Vec<(String, u64)> = whole["throughput"]
        .as_array()
        .expect("weeks")
        .iter()
        .map(|w| {
            (
                w["week"].as_str().expect("a day").to_string(),
                w["done"].as_u64().expect("a count"),
            )
        })
        .collect();
    let week = |d: &str, n: u64| (d.to_string(), n);
    assert_eq!(
        weeks,
        [
            week("2026-10-26", 0),
            week("2026-11-02", 2),
            week("2026-11-09", 0),
            week("2026-11-16", 2),
            week("2026-11-23", 0),
        ]
    );
    // The text report lists the empty weeks too.
    let text = board.ok(&["stats", "--since", "2026-10-26"]);
    assert!(text.contains("  2026-11-09    0"), "{text}");
}

on_both_backends!(back_to_back_periods_add_up_to_the_whole);

#[test]
fn an_until_after_now_ends_the_period_now_with_a_note() {
    let board = organisation(Backend::Sqlite);
    let output = board
        .cmd(&["stats", "--json", "--until", "2026-12-31"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "note: --until 2026-12-31 is after now; the period ends now, 2026-11-25 09:00\n"
    );
    let m: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(m["period"]["until"], "2026-11-25T09:00:00Z");
    assert_eq!(m["period"]["ends_now"], true);
    // #6 is 24h in limbo now, not 36 days and a day on 31 December.
    assert_eq!(m["boundaries"][0]["open_ages_minutes"][0], 1440);
    assert_eq!(
        m["daily_throughput"]
            .as_array()
            .and_then(|d| d.last())
            .map(|d| d["day"].clone()),
        Some(Value::from("2026-11-25"))
    );
}

/// A small organisation built from the shell, every number of its retro worked out by
/// hand from the events (`export --format csv --events` lists them): two boundaries, a
/// bounce with a cause, a flag with a cause, a forced send, breaches (one ended, one
/// still open), four items done. Now is Friday 2026-11-20 12:00 UTC.
#[test]
fn every_number_of_a_small_retro_is_worked_out_by_hand() {
    let board = Board::empty_at("2026-11-20T12:00:00Z", DbBy::Env);
    board.ok(&["init"]);
    for team in ["sales", "ops", "eng"] {
        board.ok(&["team", "add", team]);
    }
    board.ok(&[
        "boundary", "add", "sales", "ops", "--sla", "1d", "--done", "spec",
    ]);
    board.ok(&["boundary", "add", "ops", "eng", "--sla", "4h"]);
    let run = |args: &[&str], at: &str| {
        let mut all = args.to_vec();
        all.extend(["--at", at]);
        board.ok(&all);
    };
    let send = |id: &str, to: &str, at: &str| {
        run(&["send", id, "--to", to, "--note", "n", "--all-done"], at);
    };
    run(&["add", "One", "--team", "sales"], "2026-11-02 09:00");
    run(&["add", "Two", "--team", "sales"], "2026-11-02 10:00");
    run(&["add", "Three", "--team", "sales"], "2026-11-03 09:00");
    run(&["add", "Four", "--team", "ops"], "2026-11-04 09:00");
    run(&["add", "Five", "--team", "sales"], "2026-11-05 09:00");
    run(&["add", "Six", "--team", "eng"], "2026-11-06 09:00");
    run(&["add", "Seven", "--team", "sales"], "2026-11-16 09:00");
    // #1: 22h in limbo (within 1d), done 11-05 12:00: cycle 3d 3h.
    send("1", "ops", "2026-11-02 12:00");
    run(&["accept", "1"], "2026-11-03 10:00");
    run(&["done", "1"], "2026-11-05 12:00");
    // #2: bounced after 48h (breached; the SLA ran out 11-03 12:00), then 2h to ops and
    // 2h to eng, done 11-10 09:00: cycle 7d 23h.
    send("2", "ops", "2026-11-02 12:00");
    run(
        &[
            "bounce",
            "2",
            "--reason",
            "no contract",
            "--cause",
            "missing-context",
        ],
        "2026-11-04 12:00",
    );
    send("2", "ops", "2026-11-05 09:00");
    run(&["accept", "2"], "2026-11-05 11:00");
    send("2", "eng", "2026-11-05 12:00");
    run(&["accept", "2"], "2026-11-05 14:00");
    run(&["done", "2"], "2026-11-10 09:00");
    // #3: forced across, flagged, accepted after 2h; held by ops since 11-03 12:00 (17d).
    run(
        &["send", "3", "--to", "ops", "--note", "n", "--force"],
        "2026-11-03 10:00",
    );
    run(
        &[
            "flag",
            "3",
            "--note",
            "came without spec",
            "--cause",
            "missing-context",
        ],
        "2026-11-03 11:00",
    );
    run(&["accept", "3"], "2026-11-03 12:00");
    // #4: done 11-18 09:00: cycle 14d. #6: done the day it was created: cycle 8h.
    run(&["done", "4"], "2026-11-18 09:00");
    run(&["done", "6"], "2026-11-06 17:00");
    // #5: in limbo since 11-17 12:00, 3d now: breached (ran out 11-18 12:00), escalated.
    send("5", "ops", "2026-11-17 12:00");
    run(
        &["escalate", "5", "--to", "olga", "--note", "stuck"],
        "2026-11-19 12:00",
    );

    let m = board.json(&["stats", "--json"]);
    let o = &m["overall"];
    let n = |v: &Value| v.as_u64().unwrap_or_else(|| panic!("a count, not {v}"));
    // Sent: #1, #2 three times, #3, #5; accepted: #1, #2 twice, #3.
    assert_eq!(
        [&o["sent"], &o["accepted"], &o["bounced"], &o["reclaimed"]].map(n),
        [6, 4, 1, 0]
    );
    // Ended spells, sorted: 2h, 2h, 2h, 22h, 48h. Nearest rank: the median is the 3rd
    // (2h = 120m), the 85th percentile the ceil(4.25) = 5th (48h = 2880m).
    let limbo = &o["time_in_limbo"];
    assert_eq!(
        [
            &limbo["count"],
            &limbo["median_minutes"],
            &limbo["p85_minutes"],
            &limbo["max_minutes"]
        ]
        .map(n),
        [5, 120, 2880, 2880]
    );
    // Spells judged: the five ended and #5's open one; breached: #2's 48h and #5's 3d.
    assert_eq!([&o["spells"], &o["breached"]].map(n), [6, 2]);
    assert_eq!(
        [
            &o["escalations"],
            &o["incomplete_handoffs"],
            &o["dropped_batons"]
        ]
        .map(n),
        [1, 1, 1]
    );
    // Cycle times, sorted: 8h, 3d 3h, 7d 23h, 14d: median the 2nd (4500m), 85th the
    // ceil(3.4) = 4th (20160m).
    let cycle = &o["cycle_time"];
    assert_eq!(
        [
            &o["done"],
            &cycle["median_minutes"],
            &cycle["p85_minutes"],
            &cycle["max_minutes"]
        ]
        .map(n),
        [4, 4500, 20160, 20160]
    );
    // Held: sales 3+2+21+1+291+99 = 417h, ops 50+1+408+336 = 795h, eng 115+8 = 123h;
    // waited in limbo: for ops 22+48+2+2+72 = 146h, for eng 2h. 1335 / 1483.
    let efficiency = o["flow_efficiency"].as_f64().expect("a share");
    assert!((efficiency - 1335.0 / 1483.0).abs() < 1e-9, "{efficiency}");
    // Throughput: weeks of 11-02 (#1, #6), 11-09 (#2), 11-16 (#4).
    let weeks: Vec<u64> = m["throughput"]
        .as_array()
        .expect("weeks")
        .iter()
        .map(|w| n(&w["done"]))
        .collect();
    assert_eq!(weeks, [2, 1, 1]);
    // Breaches by the day the SLA ran out.
    assert_eq!(
        m["breaches_per_day"],
        serde_json::json!([
            {"day": "2026-11-03", "breaches": 1},
            {"day": "2026-11-18", "breaches": 1}
        ])
    );
    // Cause clusters: sales → ops, missing-context, one bounce and one dropped baton.
    assert_eq!(
        m["boundaries"][0]["causes"],
        serde_json::json!([{"cause": "missing-context", "bounced": 1, "dropped_batons": 1}])
    );
    // Aging work in progress: #3 with ops for 17d (24480m), #7 with sales for 4d 3h.
    let teams = m["teams"].as_array().expect("teams");
    let wip_age = |team: &str| {
        let t = teams.iter().find(|t| t["team"] == team).expect("the team");
        n(&t["wip_age"]["max_minutes"])
    };
    assert_eq!([wip_age("ops"), wip_age("sales")], [24480, 5940]);

    // The Markdown report says the same.
    let md = board.ok(&["export", "--format", "md"]);
    for line in [
        "| time in limbo (median / 85th pct / max) | 2h / 2d / 2d over 5 spells |",
        "| SLA breach rate | 33% (2 of 6) |",
        "| done / cycle time (median / 85th pct / max) | 4 / 3d 3h / 14d / 14d |",
        "| flow efficiency | 90% |",
        "| sales → ops | missing-context | 1 | 1 |",
        "| #3 Three | ops | 17d | 85th pct cycle time 14d: older |",
        "| #7 Seven | sales | 4d 3h | 85th pct cycle time 14d |",
        "| #5 Five | sales → ops | 3d | SLA 1d: breached |",
        "### Breached the SLA (2)",
        "| #2 Two | sales → ops | 2026-11-03 12:00 | waited 2d against the SLA of 1d |  |",
        "| #5 Five | sales → ops | 2026-11-18 12:00 | still in limbo after 3d, against the SLA of 1d |  |",
        "| #2 Two | sales → ops | 2026-11-04 12:00 | no contract | missing-context |",
        "| #3 Three | sales → ops | 2026-11-03 11:00 | came without spec | missing-context |",
    ] {
        assert!(md.contains(line), "no `{line}` in\n{md}");
    }
}
