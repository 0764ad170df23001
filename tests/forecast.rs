//! `baton forecast`: Monte Carlo from daily throughput, checked where the answer is
//! certain (a steady team) and for being repeatable with `--seed`.

mod common;

use serde_json::{Value, json};

use common::NOW;
use common::cli::{Board, DbBy};

/// Two items done on each of 22, 23 and 24 November (now is the 25th, 09:00 UTC); one
/// item done on the 25th itself, which the forecast does not draw from (today is not
/// over).
fn steady() -> Board {
    let board = Board::empty_at(NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "ops"]);
    let mut id = 0;
    for day in ["22", "23", "24", "24", "23", "22", "25"] {
        id += 1;
        let at = format!("2026-11-{day} 08:00");
        board.ok(&["add", "Job", "--team", "ops", "--at", "2026-11-20 09:00"]);
        board.ok(&["done", &id.to_string(), "--at", &at]);
    }
    board
}

#[test]
fn a_steady_team_gets_a_certain_forecast() {
    let board = steady();
    // Two a day from tomorrow: 7 items take 4 days, the 26th to the 29th.
    let text = board.ok(&[
        "forecast",
        "--items",
        "7",
        "--since",
        "2026-11-22",
        "--seed",
        "5",
    ]);
    assert_eq!(
        text,
        "Forecast from the daily throughput of 2026-11-22 00:00 to 2026-11-25 00:00 (3 days, 6 done), 10000 trials, seed 5\n\
         When will 7 items be done, counting from tomorrow:\n\
         \x20 50% confident: by 2026-11-29 (4 days)\n\
         \x20 85% confident: by 2026-11-29 (4 days)\n\
         \x20 95% confident: by 2026-11-29 (4 days)\n"
    );
    // The 26th to the 30th: 5 days, 10 items.
    let m = board.json(&[
        "forecast",
        "--by",
        "2026-11-30",
        "--since",
        "2026-11-22",
        "--seed",
        "5",
        "--json",
    ]);
    assert_eq!(
        m["forecast"],
        json!([
            {"confidence": 50, "items": 10},
            {"confidence": 85, "items": 10},
            {"confidence": 95, "items": 10},
        ])
    );
    assert_eq!(m["window"]["days"], 3);
    assert_eq!(m["window"]["done"], 6);
    assert_eq!(m["by"], "2026-11-30");
}

#[test]
fn a_seed_repeats_a_forecast_and_the_default_window_is_28_days() {
    let board = steady();
    let run = |seed: &str| -> Value {
        board.json(&["forecast", "--items", "12", "--seed", seed, "--json"])
    };
    let first = run("7");
    assert_eq!(run("7"), first);
    // 28 whole days before today: 28 October to 24 November, 6 done.
    assert_eq!(first["window"]["since"], "2026-10-28T00:00:00Z");
    assert_eq!(first["window"]["until"], "2026-11-25T00:00:00Z");
    assert_eq!(first["window"]["days"], 28);
    assert_eq!(first["window"]["done"], 6);
    let days: Vec<u64> = first["forecast"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["days"].as_u64().expect("days"))
        .collect();
    assert!(days[0] <= days[1] && days[1] <= days[2], "{days:?}");
    // 6 items in 28 days: a little over 4 days an item, so 12 take about 56 days.
    assert!((40..=75).contains(&days[0]), "{days:?}");
}

#[test]
fn a_forecast_without_throughput_or_a_date_ahead_is_refused() {
    let board = Board::empty_at(NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "ops"]);
    board.ok(&["add", "Job", "--team", "ops", "--at", "2026-11-20 09:00"]);
    assert_eq!(
        board.error(&["forecast", "--items", "3"]),
        "error: nothing was done from 2026-10-28 00:00 to 2026-11-25 00:00; a forecast needs some throughput (try an earlier --since)"
    );
    assert_eq!(
        board.error(&["forecast", "--by", "2026-11-25"]),
        "error: --by 2026-11-25 is not after today; the forecast counts from tomorrow"
    );
    assert_eq!(
        board.error(&["forecast", "--items", "3", "--since", "2026-11-25 08:00"]),
        "error: --since must come before today: the forecast draws from whole days before it"
    );
    assert!(
        board
            .fails(&["forecast", "--items", "3", "--by", "2026-12-01"], 2)
            .starts_with("error: the argument '--items <N>' cannot be used with '--by <DATE>'")
    );
}
