//! Contract changes are events: `boundary edit` records what changed, by whom, when;
//! `boundary show` lists them; a spell is judged by the contract in force when its item
//! was sent. On SQLite and PostgreSQL alike (where the actor is the database role).

#[macro_use]
mod common;

use common::cli::{Backend, Board, DbBy};

/// Monday 2026-11-02, 09:00: the boundary is made with an SLA of 2d.
const MADE: &str = "2026-11-02T09:00:00Z";

fn statuses(board: &Board, now: &str) -> Vec<(i64, String)> {
    let json: serde_json::Value =
        serde_json::from_str(&board.at(now, &["ls", "--json"])).expect("json");
    json.as_array()
        .expect("array")
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().expect("id"),
                i["sla_status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn a_spell_is_judged_by_the_contract_it_was_sent_under(backend: Backend) {
    let board = Board::empty_on(backend, MADE, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "solutions"]);
    board.ok(&[
        "boundary",
        "add",
        "sales",
        "solutions",
        "--sla",
        "2d",
        "--owner",
        "hannah",
    ]);
    board.ok(&["add", "Sent under 2d", "--team", "sales"]);
    board.ok(&["add", "Sent under 4h", "--team", "sales"]);
    board.at(
        "2026-11-02T10:00:00Z",
        &["send", "1", "--to", "solutions", "--note", "n"],
    );
    // Tuesday 09:00: the SLA is cut to 4h.
    let edited = board.at(
        "2026-11-03T09:00:00Z",
        &["boundary", "edit", "sales", "solutions", "--sla", "4h"],
    );
    assert!(edited.contains("SLA:"), "{edited}");
    board.at(
        "2026-11-03T10:00:00Z",
        &["send", "2", "--to", "solutions", "--note", "n"],
    );
    // Tuesday 15:00: #1 has waited 29h of its 2d (within… at risk from 36h); #2 has
    // waited 5h of its 4h (breached). Judged by today's 4h, #1 would be breached too.
    assert_eq!(
        statuses(&board, "2026-11-03T15:00:00Z"),
        vec![(1, "within".to_string()), (2, "breached".to_string())]
    );
    let attention = board.at("2026-11-03T15:00:00Z", &["attention"]);
    assert!(!attention.contains("#1 "), "{attention}");
    assert!(attention.contains("#2 "), "{attention}");
    // The board's breach count goes by the same rule.
    let printed = board.at(
        "2026-11-03T15:00:00Z",
        &["board", "--print", "--width", "160"],
    );
    assert!(printed.contains("1 breached"), "{printed}");

    // The history says what changed, by whom, when.
    let actor = board.actor();
    let show = board.at(
        "2026-11-03T15:00:00Z",
        &["boundary", "show", "sales", "solutions"],
    );
    assert!(
        show.contains(&format!(
            "contract history:\n  2026-11-02 09:00  {actor}  contract agreed\n  2026-11-03 09:00  {actor}  SLA: 2d → 4h\n"
        )),
        "{show}"
    );
    let json: serde_json::Value = serde_json::from_str(&board.at(
        "2026-11-03T15:00:00Z",
        &["boundary", "show", "sales", "solutions", "--json"],
    ))
    .expect("json");
    assert_eq!(json["history"][1]["changes"][0], "SLA: 2d → 4h");
    assert_eq!(json["history"][1]["actor"], actor.as_str());
    assert_eq!(json["history"][1]["at"], "2026-11-03T09:00:00Z");
    // An edit that changes nothing is not a change.
    board.at(
        "2026-11-03T16:00:00Z",
        &["boundary", "edit", "sales", "solutions", "--sla", "4h"],
    );
    let json: serde_json::Value = serde_json::from_str(&board.at(
        "2026-11-03T16:00:00Z",
        &["boundary", "show", "sales", "solutions", "--json"],
    ))
    .expect("json");
    assert_eq!(json["history"].as_array().map(Vec::len), Some(2));
}

on_both_backends!(a_spell_is_judged_by_the_contract_it_was_sent_under);

/// In team mode the history is append-only, as events are.
#[test]
fn the_contract_history_cannot_be_rewritten_in_team_mode() {
    if !Backend::Postgres.available() {
        return;
    }
    let board = Board::empty_on(Backend::Postgres, MADE, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "solutions"]);
    board.ok(&["boundary", "add", "sales", "solutions", "--sla", "2d"]);
    let pg = board.pg.as_ref().expect("pg");
    let error = pg
        .admin()
        .execute("UPDATE baton.contract_changes SET actor = 'someone'", &[])
        .expect_err("refused");
    assert!(
        error.to_string().contains("append-only") || format!("{error:?}").contains("append-only"),
        "{error:?}"
    );
}
