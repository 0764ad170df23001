//! Cause codes on bounces and dropped batons: given on the command line or chosen from
//! a list in the board's forms, kept on the event, and clustered per boundary.

#[macro_use]
mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

use baton::clock::Zone;
use baton::domain::cause::Cause;
use baton::domain::{Command, Org};
use baton::tui::form::{Form, FormKind, FormOutcome};

use common::NOW;
use common::cli::{Backend, Board, DbBy};

/// sales → ops: #1 bounced twice for missing context and once with no cause, then a
/// dropped baton for rework; #2 bounced as wrong-team; #3 never crossed, flagged
/// unclear-owner (its team's, not a boundary's).
fn causes_are_kept_and_clustered_per_boundary(backend: Backend) {
    let board = Board::empty_on(backend, NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["team", "add", "ops"]);
    board.ok(&["boundary", "add", "sales", "ops"]);
    for title in ["One", "Two", "Three"] {
        board.ok(&["add", title, "--team", "sales"]);
    }
    let send = |id: &str| board.ok(&["send", id, "--to", "ops", "--note", "n"]);
    let bounce = |id: &str, cause: Option<&str>| {
        let mut args = vec!["bounce", id, "--reason", "r"];
        if let Some(cause) = cause {
            args.extend(["--cause", cause]);
        }
        board.ok(&args)
    };
    send("1");
    bounce("1", Some("missing-context"));
    send("1");
    bounce("1", Some("missing-context"));
    send("1");
    bounce("1", None);
    board.ok(&["flag", "1", "--note", "redone twice", "--cause", "rework"]);
    send("2");
    bounce("2", Some("wrong-team"));
    board.ok(&["flag", "3", "--note", "nobody", "--cause", "unclear-owner"]);

    let stats = board.json(&["stats", "--json"]);
    let cause = |c: Option<&str>, bounced: u64, dropped: u64| json!({"cause": c, "bounced": bounced, "dropped_batons": dropped});
    // Given causes most frequent first (ties in the list's order), then none given.
    assert_eq!(
        stats["boundaries"][0]["causes"],
        json!([
            cause(Some("missing-context"), 2, 0),
            cause(Some("wrong-team"), 1, 0),
            cause(Some("rework"), 0, 1),
            cause(None, 1, 0),
        ])
    );
    // Overall, #3's dropped baton counts too.
    assert_eq!(
        stats["overall"]["causes"],
        json!([
            cause(Some("missing-context"), 2, 0),
            cause(Some("wrong-team"), 1, 0),
            cause(Some("unclear-owner"), 0, 1),
            cause(Some("rework"), 0, 1),
            cause(None, 1, 0),
        ])
    );
    // The history says it, and the events CSV has it.
    let shown = board.ok(&["show", "1"]);
    assert!(
        shown.contains("bounced back: “r” (cause: missing-context)"),
        "{shown}"
    );
    assert!(shown.contains("flagged a dropped baton: “redone twice” (cause: rework)"));
    let csv = board.ok(&["export", "--format", "csv", "--events"]);
    assert!(csv.contains(",bounced,sales,ops,,,r,wrong-team\n"), "{csv}");
    // The board document keeps it, and reads back the same.
    let doc: Value = board.json(&["export"]);
    let events = &doc["items"][0]["events"];
    assert_eq!(events[2]["type"], "bounced");
    assert_eq!(events[2]["cause"], "missing-context");
    assert_eq!(events[6]["reason"], "r");
    assert!(events[6].get("cause").is_none(), "no cause: no field");
    // The Markdown report clusters them per boundary.
    let md = board.ok(&["export", "--format", "md"]);
    assert!(
        md.contains("| sales → ops | missing-context | 2 | 0 |"),
        "{md}"
    );
}

on_both_backends!(causes_are_kept_and_clustered_per_boundary);

#[test]
fn a_cause_off_the_list_is_a_usage_error_that_lists_them() {
    let board = Board::empty_at(NOW, DbBy::Env);
    board.ok(&["init"]);
    board.ok(&["team", "add", "sales"]);
    board.ok(&["add", "One", "--team", "sales"]);
    let stderr = board.fails(&["flag", "1", "--note", "n", "--cause", "lazy"], 2);
    assert!(
        stderr.starts_with("error: invalid value 'lazy' for '--cause <CODE>'"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "missing-context, done-criteria-unmet, wrong-team, unclear-owner, too-late, rework, other"
        ),
        "{stderr}"
    );
}

#[test]
fn the_bounce_and_flag_forms_choose_a_cause_from_the_list() {
    let org = Org {
        calendars: Vec::new(),
        contract_history: Vec::new(),
        teams: vec![baton::domain::Team {
            key: "sales".to_string(),
            name: "Sales".to_string(),
            lead: None,
        }],
        boundaries: vec![],
    };
    let item = baton::domain::rules::replay(
        1,
        &org,
        &[baton::domain::Event {
            seq: 1,
            at: NOW.parse().expect("time"),
            actor: "t".to_string(),
            kind: baton::domain::EventKind::Created {
                title: "One".to_string(),
                team: "sales".to_string(),
                owner: None,
                due: None,
                tags: vec![],
                body: None,
                link: None,
                external_key: None,
            },
        }],
    )
    .expect("an item");
    let key = |form: &mut Form, code: KeyCode| {
        form.handle_key(KeyEvent::new(code, KeyModifiers::NONE), &Org::default())
    };
    for (kind, presses, want) in [
        (FormKind::Bounce, 2, Some(Cause::DoneCriteriaUnmet)),
        (FormKind::Bounce, 0, None),
        (FormKind::Flag, 1, Some(Cause::MissingContext)),
    ] {
        let mut form = Form::for_item(kind, &item, &Org::default(), Zone::utc()).expect("a form");
        for c in "why".chars() {
            key(&mut form, KeyCode::Char(c));
        }
        key(&mut form, KeyCode::Tab);
        for _ in 0..presses {
            key(&mut form, KeyCode::Right);
        }
        let outcome = key(&mut form, KeyCode::Enter);
        let expected = match kind {
            FormKind::Bounce => Command::Bounce {
                reason: "why".to_string(),
                cause: want,
            },
            _ => Command::Flag {
                note: "why".to_string(),
                cause: want,
            },
        };
        assert_eq!(outcome, FormOutcome::Submit(expected));
    }
}
