//! Closing signals from the command line, on SQLite and PostgreSQL alike: `merge`,
//! `dismiss`, `tick`, `escalate` without a contact, and `attention --team`; each closing
//! is an event in the item's history, and the board document round-trips with them.

#[macro_use]
mod common;

use common::cli::{Backend, Board, DbBy, SALES_TO_ONBOARDING};

/// Friday noon.
const NOW: &str = "2026-03-06T12:00:00Z";

/// sales → onboarding with a complete contract, onboarding → support with an SLA only;
/// three items: two alike titles in two teams, and one sent with an entry unticked.
fn board_on(backend: Backend) -> Board {
    let board = Board::empty_on(backend, NOW, DbBy::Env);
    board.ok(&["init"]);
    for team in ["sales", "onboarding", "support"] {
        board.ok(&["team", "add", team]);
    }
    board.ok(SALES_TO_ONBOARDING);
    board.ok(&["boundary", "add", "onboarding", "support", "--sla", "4h"]);
    for (title, team, owner) in [
        ("Renewal for ACME", "sales", "dana"),
        ("ACME renewal", "onboarding", "omar"),
        ("Kick-off Globex", "sales", "dana"),
    ] {
        let args = ["add", title, "--team", team, "--owner", owner];
        board.ok(&[&args[..], &["--at", "2026-03-02"]].concat());
    }
    board.ok(&[
        "send",
        "3",
        "--to",
        "onboarding",
        "--note",
        "call booked",
        "--done",
        "2",
        "--force",
        "--at",
        "2026-03-05 09:00",
    ]);
    board
}

const BOUNDARIES: &str = "
boundaries:
  onboarding → support     contract-incomplete contract is missing: trigger, definition of done, expected outcome, next owner, escalation contact
";

on_both_backends!(each_kind_of_signal_is_closed_and_stays_closed);
fn each_kind_of_signal_is_closed_and_stays_closed(backend: Backend) {
    let board = board_on(backend);
    assert_eq!(
        board.ok(&["attention"]),
        format!(
            "\
#3     Kick-off Globex  [sales → onboarding]
       incomplete-handoff  handed off with 1 definition-of-done entry unticked: Order form attached
#1     Renewal for ACME  [sales]
       possible-duplicate  title is like #2 “ACME renewal”, held by onboarding
#2     ACME renewal  [onboarding]
       possible-duplicate  title is like #1 “Renewal for ACME”, held by sales
{BOUNDARIES}"
        )
    );

    // Dismissing a duplicate pair: both histories record it, and both stop.
    assert_eq!(
        board.ok(&[
            "dismiss",
            "1",
            "possible-duplicate",
            "--with",
            "2",
            "--note",
            "different contracts",
        ]),
        "#1 dismissed possible-duplicate with #2: “different contracts”  [active with sales]\n\
         #2 dismissed possible-duplicate with #1: “different contracts”  [active with onboarding]\n"
    );
    // Ticking the entry left ends the incomplete handoff.
    assert_eq!(
        board.ok(&["tick", "3", "--done", "1", "--note", "form attached today"]),
        "#3 ticked after the handoff: “Order form attached”: “form attached today”  [in limbo sales → onboarding]\n"
    );
    // An escalation goes to the contract's contact, and is closed by dismissing it.
    assert_eq!(
        board.ok(&["escalate", "3", "--note", "call today"]),
        "#3 escalated to vp-ops: “call today”  [in limbo sales → onboarding]\n"
    );
    assert!(
        board
            .ok(&["attention"])
            .contains("escalated           escalated to vp-ops")
    );
    assert_eq!(
        board.ok(&["dismiss", "3", "escalated", "--note", "vp-ops called them"]),
        "#3 dismissed escalated: “vp-ops called them”  [in limbo sales → onboarding]\n"
    );
    assert_eq!(
        board.ok(&["attention"]),
        format!("nothing needs attention\n{BOUNDARIES}")
    );

    // The next standup's queue keeps them closed; a new title brings the pair back.
    board.ok(&["note", "1", "spoke to dana"]);
    assert_eq!(
        board.ok(&["attention"]),
        format!("nothing needs attention\n{BOUNDARIES}")
    );
    board.ok(&["edit", "2", "--title", "Renewal ACME"]);
    assert!(
        board
            .ok(&["attention"])
            .contains("possible-duplicate  title is like #1")
    );

    // Merging closes the duplicate into the other item; each history names the other.
    assert_eq!(
        board.ok(&["merge", "2", "--into", "1", "--note", "same request"]),
        "#2 merged into #1 as a duplicate: “same request”  [merged into #1]\n\
         #1 absorbed duplicate #2: “same request”  [active with sales]\n"
    );
    assert_eq!(
        board.ok(&["attention"]),
        format!("nothing needs attention\n{BOUNDARIES}")
    );
    let shown = board.ok(&["show", "2"]);
    assert!(
        shown.contains("state:     merged into #1 (last with onboarding)"),
        "{shown}"
    );
    let json = board.json(&["show", "2", "--json"]);
    assert_eq!(json["state"], "dropped");
    assert_eq!(json["merged_into"], 1);

    // Each of these is refused in words, and changes nothing.
    let before = board.ok(&["export"]);
    for (args, want) in [
        (
            &["merge", "1", "--into", "1"][..],
            "error: cannot merge #1 into itself; name the item it duplicates",
        ),
        (
            &["merge", "3", "--into", "2"],
            "error: cannot merge #3 into #2: #2 is merged into #1; merge into an open item",
        ),
        (
            &["dismiss", "3", "sla-breached"],
            "error: cannot dismiss sla-breached on #3: a breach is a fact, not a judgement; accept, bounce or reclaim the item, or escalate it",
        ),
        (
            &["dismiss", "1", "overdue"],
            "error: cannot dismiss overdue on #1: an overdue date is a fact, not a judgement; change the due date or finish the item",
        ),
        (
            &["dismiss", "1", "late"],
            "error: unknown signal `late` (signals: overdue, sla-breached, escalated, due-soon, late-handoff, sla-at-risk, ping-pong, no-owner, incomplete-handoff, possible-duplicate, contract-incomplete)",
        ),
        (
            &["dismiss", "1", "ping-pong", "--with", "3"],
            "error: --with names the other item of a possible-duplicate, not of ping-pong",
        ),
        (
            &["dismiss", "1", "ping-pong"],
            "error: #1 has no ping-pong signal to dismiss",
        ),
        (
            &["tick", "3", "--all-done"],
            "error: #3 has no unticked definition-of-done entries: nothing to tick",
        ),
        (
            &["escalate", "1"],
            "error: cannot escalate #1: it has not crossed a boundary, so no contract names an escalation contact; name who it goes to with --to PERSON",
        ),
    ] {
        assert_eq!(board.error(args), want, "{args:?}");
    }
    assert_eq!(board.ok(&["export"]), before);
    // `tick` needs to know which entries.
    assert!(
        board
            .fails(&["tick", "3"], 2)
            .contains("--all-done|--done <N>")
    );
}

on_both_backends!(an_escalation_with_no_contact_is_refused_until_someone_is_named);
fn an_escalation_with_no_contact_is_refused_until_someone_is_named(backend: Backend) {
    let board = board_on(backend);
    board.ok(&["send", "2", "--to", "support", "--note", "over to you"]);
    assert_eq!(
        board.error(&["escalate", "2"]),
        "error: cannot escalate #2: the contract of onboarding → support names no escalation contact (set one with `baton boundary edit onboarding support --escalate-to PERSON`); name who it goes to with --to PERSON"
    );
    assert_eq!(
        board.ok(&["escalate", "2", "--to", "dana"]),
        "#2 escalated to dana  [in limbo onboarding → support]\n"
    );
}

on_both_backends!(attention_for_a_team_is_what_it_holds_and_what_waits_to_come_to_it);
fn attention_for_a_team_is_what_it_holds_and_what_waits_to_come_to_it(backend: Backend) {
    let board = board_on(backend);
    assert_eq!(
        board.ok(&["attention", "--team", "onboarding"]),
        format!(
            "\
#3     Kick-off Globex  [sales → onboarding]
       incomplete-handoff  handed off with 1 definition-of-done entry unticked: Order form attached
#2     ACME renewal  [onboarding]
       possible-duplicate  title is like #1 “Renewal for ACME”, held by sales
{BOUNDARIES}"
        )
    );
    // Sales sent #3 away: it is onboarding's to decide, not sales'.
    assert_eq!(
        board.ok(&["attention", "--team", "sales"]),
        "\
#1     Renewal for ACME  [sales]
       possible-duplicate  title is like #2 “ACME renewal”, held by onboarding
"
    );
    let ids: Vec<i64> = board
        .json(&["attention", "--team", "onboarding", "--json"])
        .as_array()
        .expect("array")
        .iter()
        .map(|a| a["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, [3, 2]);
    assert_eq!(
        board.error(&["attention", "--team", "legal"]),
        "error: unknown team `legal` (teams: sales, onboarding, support)"
    );
}

on_both_backends!(the_board_document_round_trips_with_closing_events);
fn the_board_document_round_trips_with_closing_events(backend: Backend) {
    let board = board_on(backend);
    board.ok(&["dismiss", "1", "possible-duplicate", "--with", "2"]);
    board.ok(&["tick", "3", "--all-done"]);
    board.ok(&["escalate", "3"]);
    board.ok(&["dismiss", "3", "escalated", "--note", "handled"]);
    board.ok(&["edit", "2", "--title", "Renewal ACME"]);
    board.ok(&["merge", "2", "--into", "1"]);
    board.ok(&["add", "Globex kick-off call", "--team", "onboarding"]);
    board.ok(&["dismiss", "4", "no-owner", "--note", "team inbox"]);
    let first = board.ok(&["export"]);
    for kind in ["merged", "absorbed", "dismissed", "ticked"] {
        assert!(first.contains(&format!("\"type\":\"{kind}\"")), "{kind}");
    }
    let file = board.path("board.json");
    std::fs::write(&file, &first).expect("write");
    let copy = Board::empty_on(backend, NOW, DbBy::Env);
    copy.ok(&["import", file.to_str().expect("utf-8")]);
    assert_eq!(copy.ok(&["export"]), first);
    for args in [&["attention"][..], &["show", "2"], &["show", "4"]] {
        assert_eq!(copy.ok(args), board.ok(args), "{args:?}");
    }
}

on_both_backends!(a_snooze_lasts_until_the_next_standup_and_never_hides_a_fact);
fn a_snooze_lasts_until_the_next_standup_and_never_hides_a_fact(backend: Backend) {
    let board = board_on(backend);
    // On a Friday, the next standup is Monday's: the snooze ends as Monday begins.
    assert_eq!(
        board.ok(&["snooze", "1"]),
        "#1 snoozed until 2026-03-09 00:00  [active with sales]\n"
    );
    board.ok(&[
        "add",
        "Globex data export",
        "--team",
        "sales",
        "--due",
        "2026-03-06 18:00",
    ]);
    board.ok(&["snooze", "4", "--until", "2026-03-10 09:00"]);
    assert_eq!(
        board.ok(&["ls", "--snoozed"]),
        "\
ID  SNOOZED UNTIL     WHERE  OWNER  TITLE
#1  2026-03-09 00:00  sales  dana   Renewal for ACME
#4  2026-03-10 09:00  sales  —      Globex data export
"
    );
    let queue = board.ok(&["attention"]);
    let listed = |queue: &str, id: &str| queue.lines().any(|l| l.starts_with(id));
    assert!(!listed(&queue, "#4 "), "{queue}");
    assert!(!listed(&queue, "#1 "), "{queue}");

    // #4 falls due while snoozed: it is back in the queue at once, and `show` says why.
    let evening = "2026-03-06T19:00:00Z";
    let queue = board.at(evening, &["attention"]);
    assert!(
        queue.contains("#4     Globex data export  [sales]\n       overdue"),
        "{queue}"
    );
    let shown = board.at(evening, &["show", "4"]);
    assert!(
        shown.contains(
            "  snoozed:   until 2026-03-10 09:00, but in the attention queue all the same: overdue\n"
        ),
        "{shown}"
    );
    assert!(
        board.at("2026-03-06T13:00:00Z", &["show", "1"]).contains(
            "  snoozed:   until 2026-03-09 00:00: out of the attention queue till then\n"
        )
    );

    // An overdue item cannot be snoozed: the snooze would hide a fact.
    let output = board
        .cmd(&["snooze", "4"])
        .env("BATON_NOW", evening)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: cannot snooze #4: it is overdue; change its due date or finish it\n"
    );
}

on_both_backends!(accepting_an_item_settles_its_ping_pong_until_it_bounces_again);
fn accepting_an_item_settles_its_ping_pong_until_it_bounces_again(backend: Backend) {
    let board = board_on(backend);
    let send = [
        "send",
        "3",
        "--to",
        "onboarding",
        "--note",
        "again",
        "--all-done",
    ];
    board.ok(&["bounce", "3", "--reason", "no order form"]);
    board.ok(&send);
    board.ok(&["bounce", "3", "--reason", "still no order form"]);
    board.ok(&send);
    assert!(
        board
            .ok(&["attention"])
            .contains("ping-pong           bounced 2 times")
    );
    board.ok(&["accept", "3", "--owner", "omar"]);
    assert!(!board.ok(&["attention"]).contains("ping-pong"));
    // A third bounce, on the next boundary, raises it again.
    board.ok(&["send", "3", "--to", "support", "--note", "over to you"]);
    board.ok(&["bounce", "3", "--reason", "not ready"]);
    assert!(
        board
            .ok(&["attention"])
            .contains("ping-pong           bounced 3 times")
    );
}

on_both_backends!(a_name_that_is_part_of_a_known_one_is_warned_about_and_kept);
fn a_name_that_is_part_of_a_known_one_is_warned_about_and_kept(backend: Backend) {
    let board = board_on(backend);
    let output = board.cmd(&["owner", "1", "dan"]).output().expect("runs");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "#1 owner set to dan  [active with sales]\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "warning: “dan” is not a name the board knows; did you mean dana?\n"
    );
    // A known name, or a new one like none known, is taken without a word.
    board.ok(&["owner", "1", "dana"]);
    board.ok(&["owner", "1", "Zoë"]);
}
