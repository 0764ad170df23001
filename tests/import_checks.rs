//! A board document is checked by the domain's rules before anything is written: ids
//! Baton can address, a version it knows, times it can keep, team keys it can draw.
//! Each bad document is refused with a message that names what is wrong, and the
//! database is left as it was.

mod common;

use common::NOW;
use common::cli::{Board, DbBy};

const GOOD: &str = r#"{"format":"baton-board","version":1,
"teams":[
{"key":"a","name":"A"}
],
"boundaries":[
],
"items":[
{"id":1,"title":"One","team":"a","owner":null,"state":"active","events":[{"seq":1,"at":"2026-11-25T09:00:00Z","actor":"maya","type":"created","title":"One","team":"a"}]}
]}"#;

fn import_error(board: &Board, text: &str) -> String {
    let file = board.path("doc.json");
    std::fs::write(&file, text).expect("write");
    board.error(&["import", file.to_str().expect("utf-8 path")])
}

#[test]
fn the_good_document_imports() {
    let board = Board::empty_at(NOW, DbBy::Env);
    let file = board.path("doc.json");
    std::fs::write(&file, GOOD).expect("write");
    assert!(
        board
            .ok(&["import", file.to_str().expect("utf-8")])
            .starts_with("imported 1 teams, 0 boundaries, 1 items")
    );
}

#[test]
fn ids_baton_cannot_address_are_refused_by_number() {
    let board = Board::empty_at(NOW, DbBy::Env);
    for id in ["9223372036854775807", "9007199254740993", "0", "-5"] {
        let text = GOOD.replace(r#"{"id":1,"#, &format!(r#"{{"id":{id},"#));
        assert!(
            import_error(&board, &text).ends_with(&format!(
                "was not imported: item id {id} is out of range: ids are whole numbers from 1 to 9007199254740992"
            )),
            "{id}"
        );
    }
    // Nothing was created by the refused imports.
    assert!(!board.db.exists());
}

#[test]
fn a_version_no_baton_writes_is_refused() {
    let board = Board::empty_at(NOW, DbBy::Env);
    let text = GOOD.replace(r#""version":1"#, r#""version":0"#);
    assert!(import_error(&board, &text).ends_with(
        "cannot be imported: the document is version 0, which no Baton writes (this Baton reads version 1)"
    ));
}

#[test]
fn times_before_1970_are_refused_with_the_item() {
    let board = Board::empty_at(NOW, DbBy::Env);
    let text = GOOD.replace("2026-11-25T09:00:00Z", "-0001-11-25T09:00:00Z");
    let error = import_error(&board, &text);
    assert!(
        error.ends_with(
            "was not imported: item #1, event 1 (created): #1: the time -0001-11-25 09:00:00 UTC is out of range (Baton keeps times from 1970 to 9999)"
        ),
        "{error}"
    );
}

#[test]
fn a_team_key_that_would_break_column_ids_is_refused() {
    let board = Board::empty_at(NOW, DbBy::Env);
    let text = GOOD.replace(r#""key":"a""#, r#""key":"a>b""#);
    assert!(import_error(&board, &text).ends_with(
        "was not imported: `a>b` is not a team key (use up to 32 letters, digits, - and _)"
    ));
}

#[test]
fn events_out_of_order_are_refused() {
    let board = Board::empty_at(NOW, DbBy::Env);
    let text = GOOD.replace(
        r#""title":"One","team":"a"}]}"#,
        r#""title":"One","team":"a"},{"seq":2,"at":"2026-11-24T09:00:00Z","actor":"maya","type":"noted","note":"earlier"}]}"#,
    );
    let error = import_error(&board, &text);
    assert!(
        error.contains("item #1, event 2 (noted): #1: an event at 2026-11-24 09:00:00 UTC would come before the item's last event at 2026-11-25 09:00:00 UTC"),
        "{error}"
    );
}
