//! Standup triage through the app's public surface, on the demo organisation: the
//! whole walk driven by keys, snoozes that end with time, a queue that follows changes
//! made by another process, and whole-screen snapshots of triage, its summary and the
//! metrics screen.
//!
//! The board shows times in the local zone; these tests run it in UTC (`common::app`).

mod common;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyModifiers};

use baton::domain::attention::attention;
use baton::domain::{Command, EventKind, ItemId, State};
use baton::storage::Store;
use baton::tui::app::{App, Clock, Screen};
use baton::tui::triage::Triage;

use common::app::{
    db_path, demo_app, key, key_with, now, press, screen, snapshot_at_sizes, type_text,
};

/// Empties the focused text field of a form.
fn clear_field(app: &mut App) {
    key_with(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
}

/// The attention queue's ids at `at`, as `baton attention --json` lists them.
fn attention_ids(store: &Store, at: DateTime<Utc>) -> Vec<ItemId> {
    let org = store.org().expect("the org loads");
    let open = store.open_items().expect("open items load");
    attention(&open, &org, at, &Utc)
        .iter()
        .map(|a| a.id)
        .collect()
}

fn triage(app: &App) -> &Triage {
    app.triage.as_ref().expect("triage is on")
}

fn current_id(app: &App) -> ItemId {
    triage(app)
        .current
        .as_ref()
        .map(|c| c.item.id)
        .expect("triage is on an item")
}

fn progress(app: &App) -> (usize, usize) {
    triage(app).progress()
}

/// The item's last event.
fn last_event(app: &App, id: ItemId) -> (EventKind, DateTime<Utc>, String) {
    let events = app.store.events(id).expect("events load");
    let event = events.last().expect("the item has events");
    (event.kind.clone(), event.at, event.actor.clone())
}

fn event_count(app: &App, id: ItemId) -> usize {
    app.store.events(id).expect("events load").len()
}

/// The decision the walk recorded for `id`, and where the item stood after it.
fn decision(app: &App, id: ItemId) -> (String, String) {
    triage(app)
        .decisions
        .iter()
        .find(|d| d.id == id)
        .map(|d| (d.decision.clone(), d.outcome.clone()))
        .unwrap_or_else(|| panic!("no decision for #{id}"))
}

/// The demo's attention queue at [`now`], most urgent first; the walk below relies on
/// its first items: #15 overdue (active), #24 and #10 breached in limbo, #25
/// escalated (active), #33 due soon in limbo, #19 due soon (active), #32 at risk in limbo.
const DEMO_QUEUE: [ItemId; 15] = [15, 24, 10, 25, 33, 19, 32, 31, 23, 17, 39, 13, 26, 36, 37];

// ---------------------------------------------------------------------------------
// The walk

#[test]
fn the_walk_follows_the_attention_queue_and_records_every_decision() {
    let (dir, mut app) = demo_app((160, 48));
    let queue = attention_ids(&app.store, now());
    assert_eq!(
        queue, DEMO_QUEUE,
        "the demo's queue changed; update the walk"
    );
    let total = queue.len();
    let org = app.store.org().expect("the org loads");

    // `t` starts at the most urgent item; the queue is attention()'s, in its order.
    press(&mut app, 't');
    assert_eq!(app.screen, Screen::Triage);
    assert_eq!(triage(&app).ahead, queue);
    assert_eq!(current_id(&app), queue[0]);
    assert_eq!(progress(&app), (1, total));
    let text = screen(&app);
    assert!(
        text.contains(&format!(
            "Standup triage 1/{total} · item 0:00/1:00 · total 0:00/15:00"
        )),
        "{text}"
    );
    // Nothing changed yet: nothing to undo.
    press(&mut app, 'u');
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("nothing to undo: this walk has changed nothing yet")
    );
    assert!(text.contains("#15 Proseware"), "{text}");

    // #15, overdue with onboarding: a new owner through the owner form.
    press(&mut app, 'o');
    clear_field(&mut app);
    type_text(&mut app, "Priya Natarajan");
    key(&mut app, KeyCode::Enter);
    assert!(app.form.is_none(), "the owner form closed");
    assert_eq!(
        last_event(&app, 15),
        (
            EventKind::Owner {
                owner: Some("Priya Natarajan".to_string())
            },
            now(),
            "tester".to_string()
        )
    );
    assert_eq!(current_id(&app), 24);
    assert_eq!(progress(&app), (2, total));
    assert_eq!(app.screen, Screen::Triage);

    // #24, in limbo sales → solutions: `a` accepts, the owner is the contract's.
    let contract_owner = org
        .boundary("sales", "solutions")
        .and_then(|b| b.contract.owner.clone())
        .expect("sales → solutions names a next owner");
    press(&mut app, 'a');
    assert_eq!(
        last_event(&app, 24).0,
        EventKind::Accepted {
            owner: Some(contract_owner.clone())
        }
    );
    let accepted = app.store.item(24).expect("#24 loads");
    assert_eq!(accepted.state, State::Active);
    assert_eq!(accepted.team, "solutions");
    assert_eq!(current_id(&app), 10);
    assert_eq!(progress(&app), (3, total));
    // The message says what happened, without offering `u`: triage refuses it.
    let message = app.message.clone().expect("a message");
    assert!(message.text.starts_with("#24 accepted"), "{message:?}");
    assert!(!message.text.contains("u undoes"), "{message:?}");
    // `u` takes it back (an `undone` event), and the walk is on #24 again.
    press(&mut app, 'u');
    let events = app.store.events(24).expect("events load");
    let Some(EventKind::Undone { seq }) = events.last().map(|e| e.kind.clone()) else {
        panic!("#24's last event is not an undo: {events:?}");
    };
    assert_eq!(events[seq as usize - 1].kind.name(), "accepted");
    assert_eq!(app.store.item(24).expect("#24 loads").state, State::Limbo);
    assert_eq!(current_id(&app), 24);
    assert!(triage(&app).decisions.iter().all(|d| d.id != 24));
    press(&mut app, 'a');
    assert_eq!(current_id(&app), 10);

    // #10, in limbo onboarding → support: bounced with a reason.
    press(&mut app, 'b');
    type_text(&mut app, "No runbook attached");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        last_event(&app, 10).0,
        EventKind::Bounced {
            reason: "No runbook attached".to_string(),
            cause: None,
        }
    );
    assert_eq!(app.store.item(10).expect("#10 loads").state, State::Active);
    assert_eq!(current_id(&app), 25);
    assert_eq!(progress(&app), (4, total));

    // #25: skipped, with no event.
    let before = event_count(&app, 25);
    press(&mut app, ' ');
    assert_eq!(event_count(&app, 25), before, "a skip records nothing");
    assert_eq!(current_id(&app), 33);
    assert_eq!(progress(&app), (5, total));

    // ← goes back to #25; space skips it again.
    key(&mut app, KeyCode::Left);
    assert_eq!(current_id(&app), 25);
    assert_eq!(progress(&app), (4, total));
    press(&mut app, ' ');
    assert_eq!(current_id(&app), 33);
    assert_eq!(event_count(&app, 25), before);

    // #33, in limbo sales → solutions: escalated to the contract's contact.
    let contact = org
        .boundary("sales", "solutions")
        .and_then(|b| b.contract.escalate_to.clone())
        .expect("sales → solutions names an escalation contact");
    let before_33 = event_count(&app, 33);
    press(&mut app, 'E');
    key(&mut app, KeyCode::Enter);
    // Escalating notifies someone: Enter asks, `y` confirms.
    assert_eq!(event_count(&app, 33), before_33);
    press(&mut app, 'y');
    assert_eq!(
        last_event(&app, 33).0,
        EventKind::Escalated {
            to: Some(contact.clone()),
            note: None
        }
    );
    assert_eq!(current_id(&app), 19);
    assert_eq!(progress(&app), (6, total));

    // #19: a note.
    press(&mut app, 'N');
    type_text(&mut app, "Kwame renews them on Thursday");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        last_event(&app, 19).0,
        EventKind::Noted {
            note: "Kwame renews them on Thursday".to_string()
        }
    );
    assert_eq!(current_id(&app), 32);
    assert_eq!(progress(&app), (7, total));

    // #32: snoozed until the next standup, as Thursday begins.
    press(&mut app, 'z');
    assert_eq!(
        last_event(&app, 32).0,
        EventKind::Snoozed {
            until: "2026-11-26T00:00:00Z".parse().expect("a valid time")
        }
    );
    assert_eq!(current_id(&app), 31);
    assert_eq!(progress(&app), (8, total));

    // Esc ends the walk: the summary lists each decision and where the item stands;
    // #31, on screen, was reached and is skipped.
    key(&mut app, KeyCode::Esc);
    assert!(triage(&app).finished);
    assert_eq!(app.screen, Screen::Triage);
    let expected = [
        (
            15,
            "owner set to Priya Natarajan".to_string(),
            "active with onboarding, owner Priya Natarajan".to_string(),
        ),
        (
            24,
            format!("accepted, owner {contract_owner}"),
            format!("active with solutions, owner {contract_owner}"),
        ),
        (
            10,
            "bounced back: “No runbook attached”".to_string(),
            "active with onboarding, owner Leo Fischer".to_string(),
        ),
        (
            25,
            "skipped".to_string(),
            "active with engineering, owner Ines Duarte".to_string(),
        ),
        (
            33,
            format!("escalated to {contact}"),
            // Nobody owns it in limbo: the contract's next owner answers for it.
            format!("in limbo sales → solutions, next owner per contract: {contract_owner}"),
        ),
        (
            19,
            "note: “Kwame renews them on Thursday”".to_string(),
            "active with operations, owner Kwame Asante".to_string(),
        ),
        (
            32,
            "snoozed until 2026-11-26 00:00".to_string(),
            "in limbo support → engineering, next owner per contract: Aiko Tanaka".to_string(),
        ),
        // On screen when the walk ended: reached, and skipped.
        (
            31,
            "skipped".to_string(),
            "in limbo sales → finance, no owner".to_string(),
        ),
    ];
    let ids: Vec<ItemId> = triage(&app).decisions.iter().map(|d| d.id).collect();
    let expected_ids: Vec<ItemId> = expected.iter().map(|(id, ..)| *id).collect();
    assert_eq!(ids, expected_ids, "one decision per item, in order");
    for (id, word, outcome) in &expected {
        assert_eq!(decision(&app, *id), (word.clone(), outcome.clone()));
    }
    let text = screen(&app);
    assert!(
        text.contains(&format!(
            "Standup triage · over: 8 walked, {} not reached · took 0:00",
            total - 8
        )),
        "{text}"
    );
    assert!(text.contains("6 decided"), "{text}");
    // Each item, then its decision in full and where it stands now.
    let lines: Vec<&str> = text.lines().collect();
    for (id, word, outcome) in &expected {
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&format!("#{id} ")))
            .unwrap_or_else(|| panic!("#{id} is not in the summary:\n{text}"));
        let line = lines[at + 1];
        assert!(line.contains(&format!("{word} → {outcome}")), "{line}");
    }
    assert!(
        text.contains(&format!("Not reached ({})", total - 8)),
        "{text}"
    );

    // `w` asks for a file; the Markdown written there lists the decisions.
    press(&mut app, 'w');
    assert!(app.form.is_some(), "w opens the file form");
    clear_field(&mut app);
    let file = dir.path().join("standup.md");
    type_text(&mut app, &file.display().to_string());
    key(&mut app, KeyCode::Enter);
    assert!(app.form.is_none(), "{:?}", app.form);
    let markdown = std::fs::read_to_string(&file).expect("the summary was written");
    assert!(markdown.starts_with("# Standup 2026-11-25\n"), "{markdown}");
    assert!(
        markdown.contains("8 items walked, 6 decided, 2 skipped"),
        "{markdown}"
    );
    for (id, word, outcome) in &expected {
        let row = markdown
            .lines()
            .find(|l| l.starts_with(&format!("| #{id} ")))
            .unwrap_or_else(|| panic!("#{id} is not in the Markdown:\n{markdown}"));
        assert!(row.ends_with(&format!("| {word} | {outcome} |")), "{row}");
    }

    // Writing to that file again asks first: Enter a second time overwrites it.
    std::fs::write(&file, "notes kept here").expect("the file is written");
    press(&mut app, 'w');
    clear_field(&mut app);
    type_text(&mut app, &file.display().to_string());
    key(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().expect("the form stays open");
    assert_eq!(
        form.error.as_deref(),
        Some(
            format!(
                "{} exists: Enter again overwrites it, or change the name",
                file.display()
            )
            .as_str()
        )
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "notes kept here"
    );
    key(&mut app, KeyCode::Enter);
    assert!(app.form.is_none(), "{:?}", app.form);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), markdown);

    // `S` saves the board as a snapshot labelled after the standup.
    assert!(app.store.snapshots().expect("snapshots load").is_empty());
    press(&mut app, 'S');
    let snapshots = app.store.snapshots().expect("snapshots load");
    assert_eq!(snapshots.len(), 1, "{snapshots:?}");
    assert_eq!(snapshots[0].1, "standup 2026-11-25");
    assert_eq!(snapshots[0].2, now());
    assert!(screen(&app).contains("saved snapshot"));

    // An undo changes the summary (as many decisions after another, but not the same):
    // `S` then saves it again, numbered.
    let decided = triage(&app).decisions.len();
    press(&mut app, 'u');
    // The undone item is back on screen; ending there skips it.
    assert_eq!(current_id(&app), 32);
    press(&mut app, 'q');
    assert_eq!(triage(&app).decisions.len(), decided);
    assert_eq!(decision(&app, 32).0, "skipped");
    press(&mut app, 'S');
    let snapshots = app.store.snapshots().expect("snapshots load");
    assert_eq!(snapshots.len(), 2, "{snapshots:?}");
    assert_eq!(snapshots[1].1, "standup 2026-11-25 (2)");

    // Esc on the summary goes back to the board.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Board);
    assert!(app.triage.is_none());
}

#[test]
fn back_on_the_first_item_says_so_and_stays() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    key(&mut app, KeyCode::Left);
    assert_eq!(current_id(&app), DEMO_QUEUE[0]);
    assert_eq!(progress(&app), (1, DEMO_QUEUE.len()));
    let message = app.message.as_ref().expect("a message");
    assert!(message.error);
    assert_eq!(message.text, "this is the first item");
}

#[test]
fn going_back_from_the_summary_reopens_the_last_item_and_changes_its_decision() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    press(&mut app, ' ');
    key(&mut app, KeyCode::Esc);
    assert!(triage(&app).finished);
    // ← on the summary: back on #24, on screen when the walk ended (so skipped), then
    // on #15 before it.
    key(&mut app, KeyCode::Left);
    assert!(!triage(&app).finished);
    assert_eq!(current_id(&app), 24);
    assert_eq!(progress(&app), (2, DEMO_QUEUE.len()));
    key(&mut app, KeyCode::Left);
    assert_eq!(current_id(&app), 15);
    assert_eq!(progress(&app), (1, DEMO_QUEUE.len()));
    press(&mut app, 'N');
    type_text(&mut app, "checked after all");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        decision(&app, 15).0,
        "note: “checked after all”",
        "the new decision replaces the skip"
    );
    // #24's skip stays: it was walked past, and is again if the walk ends before it.
    assert_eq!(triage(&app).decisions.len(), 2);
    assert_eq!(current_id(&app), 24);
    // Back twice from the summary and `q` at once: nothing walked becomes "not reached"
    // (helper-29: 21 walked, 1 not reached after all 22).
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Esc);
    let text = screen(&app);
    assert!(
        text.contains(&format!(
            "over: 2 walked, {} not reached",
            DEMO_QUEUE.len() - 2
        )),
        "{text}"
    );
}

#[test]
fn ending_after_going_back_counts_every_item_seen_as_walked() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    for id in [15, 24, 10] {
        assert_eq!(current_id(&app), id);
        press(&mut app, ' ');
    }
    // #25 snoozed leaves the queue; #33 comes on screen.
    assert_eq!(current_id(&app), 25);
    press(&mut app, 'z');
    assert_eq!(current_id(&app), 33);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    assert_eq!(current_id(&app), 10);
    press(&mut app, 'q');
    // Seen: #15 #24 #10 (skipped), #25 (snoozed), #33 (skipped when the walk ended
    // before it came again); the rest were not reached.
    let text = screen(&app);
    assert!(
        text.contains(&format!(
            "over: 5 walked, {} not reached",
            DEMO_QUEUE.len() - 5
        )),
        "{text}"
    );
    assert_eq!(decision(&app, 33).0, "skipped");
    assert!(decision(&app, 25).0.starts_with("snoozed until"));
}

#[test]
fn going_back_keeps_a_possible_duplicates_signal() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    // Walk to #36 (a possible duplicate of #37), past it, then back onto it.
    while current_id(&app) != 36 {
        press(&mut app, ' ');
    }
    assert!(
        screen(&app).contains("possible-duplicate"),
        "{}",
        screen(&app)
    );
    press(&mut app, ' ');
    key(&mut app, KeyCode::Left);
    assert_eq!(current_id(&app), 36);
    let text = screen(&app);
    assert!(text.contains("possible-duplicate"), "{text}");
    assert!(text.contains("X dismiss"), "{text}");
}

#[test]
fn accept_on_an_active_item_is_refused_without_leaving_triage() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    let before = event_count(&app, 15);
    press(&mut app, 'a');
    assert_eq!(app.screen, Screen::Triage);
    assert_eq!(current_id(&app), 15);
    assert_eq!(event_count(&app, 15), before);
    let message = app.message.as_ref().expect("a message");
    assert!(message.error);
    assert_eq!(
        message.text,
        "#15: only an item sent across a boundary and waiting in limbo can be accepted"
    );
}

// ---------------------------------------------------------------------------------
// Snoozes end with time

#[test]
fn a_snoozed_item_leaves_the_queue_until_the_next_standup() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    // #15 is overdue, #24 and #10 breached: facts a snooze never hides.
    for id in [15, 24, 10] {
        assert_eq!(current_id(&app), id);
        let before = event_count(&app, id);
        press(&mut app, 'z');
        assert_eq!(event_count(&app, id), before);
        let message = app.message.as_ref().expect("a message");
        assert!(message.error);
        assert!(
            message
                .text
                .starts_with(&format!("cannot snooze #{id}: it is ")),
            "{}",
            message.text
        );
        press(&mut app, ' ');
    }
    let first = current_id(&app);
    assert_eq!(first, 25);
    press(&mut app, 'z');
    assert!(!triage(&app).ahead.contains(&first));
    assert!(!attention_ids(&app.store, now()).contains(&first));
    let snoozed = app.store.item(first).expect("the item loads");
    // The demo's "now" is Wednesday 25 November, 09:00: the next standup's day is
    // Thursday, and the snooze ends as it begins.
    let thursday: DateTime<Utc> = "2026-11-26T00:00:00Z".parse().expect("a valid time");
    assert_eq!(snoozed.snoozed_until, Some(thursday));

    // A new walk the same day does not meet it.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Board);
    press(&mut app, 't');
    assert!(!triage(&app).ahead.contains(&first));
    assert_eq!(progress(&app), (1, DEMO_QUEUE.len() - 1));

    // An hour before the next standup's day begins it still sleeps.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    app.clock = Clock::Fixed(thursday - Duration::hours(1));
    press(&mut app, 't');
    assert!(!triage(&app).ahead.contains(&first));

    // After it, it is back, for triage and for `baton attention` alike.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    let later = thursday + Duration::minutes(1);
    app.clock = Clock::Fixed(later);
    press(&mut app, 't');
    let queue = attention_ids(&app.store, later);
    assert!(queue.contains(&first));
    assert_eq!(triage(&app).ahead, queue);
}

// ---------------------------------------------------------------------------------
// Changes made elsewhere

#[test]
fn the_queue_follows_changes_made_by_another_process() {
    let (dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    let total = DEMO_QUEUE.len();
    assert_eq!(progress(&app), (1, total));
    let mut other = Store::open(&db_path(&dir)).expect("a second handle opens");

    // Someone accepts #10 on the command line: it no longer needs attention.
    assert!(triage(&app).ahead.contains(&10));
    other
        .execute(
            Some(10),
            Command::Accept { owner: None },
            now(),
            "elsewhere",
        )
        .expect("#10 is accepted elsewhere");
    app.tick().expect("tick");
    assert!(!triage(&app).ahead.contains(&10));
    assert_eq!(progress(&app), (1, total - 1));
    assert_eq!(
        current_id(&app),
        DEMO_QUEUE[0],
        "the walk stays where it was"
    );

    // Someone adds an item nobody owns: it joins the queue where attention() puts it.
    let (_, added) = other
        .execute(
            None,
            Command::create("Margie's Travel — invoice address wrong", "finance"),
            now(),
            "elsewhere",
        )
        .expect("an item is added elsewhere");
    app.tick().expect("tick");
    assert!(triage(&app).ahead.contains(&added.id));
    assert_eq!(progress(&app), (1, total));
    assert_eq!(triage(&app).ahead, attention_ids(&app.store, now()));
    assert_eq!(current_id(&app), DEMO_QUEUE[0]);
}

#[test]
fn an_item_decided_elsewhere_while_on_screen_gives_way_to_the_next() {
    let (dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    press(&mut app, ' ');
    assert_eq!(current_id(&app), 24);
    let mut other = Store::open(&db_path(&dir)).expect("a second handle opens");
    other
        .execute(
            Some(24),
            Command::Accept { owner: None },
            now(),
            "elsewhere",
        )
        .expect("#24 is accepted elsewhere");
    app.tick().expect("tick");
    // #24 needs nothing any more; the walk moves on to #10, and `a` is not refused
    // for the wrong item.
    assert_eq!(current_id(&app), 10);
    assert_eq!(progress(&app), (2, DEMO_QUEUE.len() - 1));
}

// ---------------------------------------------------------------------------------
// Snapshots

#[test]
fn snapshot_triage_on_an_item_in_limbo() {
    snapshot_at_sizes!("triage_limbo_item", |app| {
        press(app, 't');
        press(app, ' ');
        assert_eq!(current_id(app), 24);
        assert_eq!(
            app.triage
                .as_ref()
                .and_then(|t| t.current.as_ref())
                .map(|c| c.item.state),
            Some(State::Limbo)
        );
    });
}

#[test]
fn snapshot_triage_summary() {
    snapshot_at_sizes!("triage_summary", |app| {
        press(app, 't');
        press(app, ' ');
        press(app, 'a');
        press(app, 'b');
        type_text(app, "No runbook attached");
        key(app, KeyCode::Enter);
        press(app, 'z');
        key(app, KeyCode::Esc);
        assert!(triage(app).finished);
    });
}

#[test]
fn snapshot_metrics() {
    snapshot_at_sizes!("metrics", |app| {
        press(app, 'm');
        assert_eq!(app.screen, Screen::Metrics);
    });
}

// ---------------------------------------------------------------------------------
// Closing signals, the walk by team, the clocks

/// Skips ahead until the walk is on `id`.
fn walk_to(app: &mut App, id: ItemId) {
    for _ in 0..DEMO_QUEUE.len() {
        if current_id(app) == id {
            return;
        }
        press(app, ' ');
    }
    panic!("the walk never reached #{id}");
}

#[test]
fn triage_closes_signals_with_one_key_each_and_undoes_them_newest_first() {
    let (_dir, mut app) = demo_app((160, 48));
    // The board's filter holds in triage: only what `team:support` finds.
    press(&mut app, '/');
    type_text(&mut app, "team:support");
    key(&mut app, KeyCode::Enter);
    press(&mut app, 't');
    let ahead = triage(&app).ahead.clone();
    assert_eq!(
        ahead,
        [10, 32, 23, 39, 13, 36],
        "support's part of the queue"
    );

    // #23 bounced twice: X dismisses ping-pong, with a note.
    walk_to(&mut app, 23);
    press(&mut app, 'X');
    assert!(app.form.is_some(), "X opens the dismiss form");
    // The form asks for another item only for possible-duplicate: one Tab to the note.
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "two scope questions, settled");
    key(&mut app, KeyCode::Enter);
    assert!(app.form.is_none(), "{:?}", app.form);
    assert_eq!(
        decision(&app, 23).0,
        "dismissed ping-pong: “two scope questions, settled”"
    );

    // #13's forced handoff: T ticks the entry left.
    walk_to(&mut app, 13);
    press(&mut app, 'T');
    // The entry keeps its number in the contract (2 of onboarding → support's three),
    // as `baton tick --done 2` names it; Enter with nothing ticked says what to do.
    assert!(
        screen(&app).contains("[ ] 2. Account notes updated"),
        "{}",
        screen(&app)
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.form.as_ref().and_then(|f| f.error.as_deref()),
        Some("tick at least one entry: space ticks the one under the cursor")
    );
    press(&mut app, ' ');
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        decision(&app, 13).0,
        "ticked after the handoff: “Account notes updated”"
    );

    // #36 is like engineering's #37: M offers #37; Enter merges.
    walk_to(&mut app, 36);
    // It has nothing to tick: T says so at once, with no form.
    press(&mut app, 'T');
    assert!(app.form.is_none());
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("#36 has no unticked definition-of-done entries: nothing to tick")
    );
    press(&mut app, 'M');
    // The first Enter names the item it goes into; the second merges.
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.form.as_ref().and_then(|f| f.error.as_deref()),
        Some(
            "Merge into #37 “Globex admins: SSO login fails after IdP change”, held by engineering? Enter again merges, or change it"
        )
    );
    assert_eq!(
        last_event(&app, 36).0.name(),
        "created",
        "nothing merged yet"
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(decision(&app, 36).0, "merged into #37 as a duplicate");
    assert_eq!(
        last_event(&app, 37).0,
        EventKind::Absorbed {
            from: 36,
            note: None
        }
    );
    assert!(triage(&app).finished, "support's queue is walked");

    // The next standup's queue has none of them.
    let next = attention_ids(&app.store, now());
    for id in [23, 13, 36, 37] {
        assert!(!next.contains(&id), "#{id} still in {next:?}");
    }

    // `u` takes the walk's changes back, newest first, each an `undone` event; the
    // merge's two sides together.
    press(&mut app, 'u');
    assert_eq!(app.store.item(36).expect("#36").state, State::Active);
    assert_eq!(last_event(&app, 37).0.name(), "undone");
    press(&mut app, 'u');
    assert_eq!(last_event(&app, 13).0.name(), "undone");
    press(&mut app, 'u');
    assert_eq!(last_event(&app, 23).0.name(), "undone");
    assert!(
        attention_ids(&app.store, now()).contains(&23),
        "ping-pong is back"
    );
    press(&mut app, 'u');
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("nothing to undo: this walk has changed nothing yet")
    );
}

#[test]
fn a_fact_cannot_be_dismissed_from_triage_either() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    assert_eq!(current_id(&app), 15, "overdue only");
    press(&mut app, 'X');
    assert!(app.form.is_none());
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("#15: none of its signals can be dismissed (overdue and sla-breached are facts)")
    );
}

#[test]
fn the_walk_by_team_goes_from_the_rightmost_lane_with_clocks_that_run_out() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 'W');
    // The demo's lanes end with engineering, then operations: operations' one item
    // first, then engineering's, each team's most urgent first (#32 waits in limbo to
    // come to engineering).
    assert_eq!(&triage(&app).ahead[..5], [19, 25, 32, 23, 37]);
    let text = screen(&app);
    assert!(
        text.contains("Standup triage 1/15 · operations 1/6 · item 0:00/1:00 · total 0:00/15:00"),
        "{text}"
    );
    // A minute and a bit later, with no key pressed, the clocks say time is up.
    app.clock = Clock::Fixed(now() + Duration::seconds(61));
    app.tick().expect("tick");
    let text = screen(&app);
    assert!(text.contains("item 1:01/1:00 · total 1:01/15:00"), "{text}");
    assert!(
        text.contains("time is up for this item: space moves on"),
        "{text}"
    );
    press(&mut app, ' ');
    let text = screen(&app);
    assert!(
        text.contains("2/15 · engineering 2/6 · item 0:00/1:00"),
        "{text}"
    );
    assert!(!text.contains("time is up"), "{text}");
    // `q` ends the walk with its summary; it does not quit.
    press(&mut app, 'q');
    assert!(!app.quit);
    assert!(triage(&app).finished);
    let text = screen(&app);
    assert!(
        text.contains("over: 2 walked, 13 not reached · took 1:01"),
        "{text}"
    );
    assert!(text.contains("Not reached (13)"), "{text}");
}

#[test]
fn snapshot_triage_at_80x24_scrolls_the_item_pane() {
    let (_dir, mut app) = demo_app((80, 24));
    press(&mut app, 't');
    press(&mut app, ' ');
    // Drawn as the board draws after each key: the pane scrolls as far as that frame's
    // lines go.
    for _ in 0..12 {
        screen(&app);
        key(&mut app, KeyCode::Down);
    }
    insta::assert_snapshot!("triage_item_scrolled_80x24", screen(&app));
}

// ---------------------------------------------------------------------------------
// The "done when": a whole standup, team by team, from the board to the saved
// summary, and the next standup's queue

/// Moves the app's clock on by `seconds`, as the standup's time passes, and lets it
/// tick (the clocks on screen run without a key).
fn pass(app: &mut App, seconds: i64) {
    let Clock::Fixed(at) = app.clock else {
        panic!("the tests' clock is fixed");
    };
    app.clock = Clock::Fixed(at + Duration::seconds(seconds));
    app.tick().expect("tick");
}

/// The message line the facilitator reads after a key.
fn said(app: &App) -> String {
    app.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// Asserts the walk is on `id`, its `team`'s part, and the screen says so.
fn on_item(app: &App, id: ItemId, team: &str) {
    assert_eq!(current_id(app), id, "{}", screen(app));
    let text = screen(app);
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.contains(&format!(" · {team} ")) && l.contains("/6 · item ")),
        "#{id} should be in {team}'s part:\n{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with(&format!("#{id} "))),
        "{text}"
    );
}

#[test]
fn a_six_team_standup_from_the_board_to_the_saved_summary_leaves_only_what_needs_a_decision() {
    let (dir, mut app) = demo_app((160, 48));
    let all_teams = app.board.org.teams.len();
    assert!(all_teams >= 6, "the demo has {all_teams} teams");
    // `W`: the walk team by team, the board from right to left, with its clocks: 15
    // items in 15 minutes, a minute each.
    press(&mut app, 'W');
    assert_eq!(app.screen, Screen::Triage);
    let text = screen(&app);
    assert!(
        text.contains("Standup triage 1/15 · operations 1/6 · item 0:00/1:00 · total 0:00/15:00"),
        "{text}"
    );
    // The keys that apply to the item are on screen: #19 is held by its team, so it
    // cannot be accepted, bounced or ticked.
    for keys in [
        "\nM merge · X dismiss · E escalate · o owner",
        "N note · e due · z snooze · p until · space skip · ← back · u undo · q end · ?",
    ] {
        assert!(text.contains(keys), "{text}");
    }

    // Operations: #19 is due soon; `e` opens on its due date, which moves a week.
    on_item(&app, 19, "operations");
    press(&mut app, 'e');
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut app, "2026-12-04");
    key(&mut app, KeyCode::Enter);
    assert_eq!(said(&app), "#19 edited: due 2026-12-04 23:59");
    pass(&mut app, 25);

    // Engineering: #25's escalation has an answer; `X` dismisses it with a note.
    on_item(&app, 25, "engineering");
    press(&mut app, 'X');
    // The form asks for another item only for possible-duplicate: one Tab to the note.
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "fix date agreed with Oceanic");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        said(&app),
        "#25 dismissed escalated: “fix date agreed with Oceanic”"
    );
    pass(&mut app, 20);
    // #32 is at risk in limbo; `a` accepts it for the contract's next owner.
    on_item(&app, 32, "engineering");
    press(&mut app, 'a');
    assert_eq!(said(&app), "#32 accepted, owner Aiko Tanaka");
    pass(&mut app, 15);
    // #23 comes back a third time; `b` bounces it with the reason.
    on_item(&app, 23, "engineering");
    press(&mut app, 'b');
    type_text(&mut app, "needs the Reader 11 VM image attached");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        said(&app),
        "#23 bounced back: “needs the Reader 11 VM image attached”"
    );
    pass(&mut app, 30);
    // #37 is support's #36 again: `M` offers #36; Enter shows it, Enter merges.
    on_item(&app, 37, "engineering");
    assert!(screen(&app).contains("title is like #36"));
    press(&mut app, 'M');
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(said(&app), "#37 merged into #36 as a duplicate");
    pass(&mut app, 20);

    // Support: #10 breached its SLA; the item's minute runs out while it is discussed,
    // and the screen says so without a key.
    on_item(&app, 10, "support");
    pass(&mut app, 65);
    assert!(
        screen(&app).contains("time is up for this item: space moves on"),
        "{}",
        screen(&app)
    );
    press(&mut app, 'E');
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "breached by a day; needs Jonas today");
    key(&mut app, KeyCode::Enter);
    // Escalating notifies someone: Enter asks, `y` confirms.
    press(&mut app, 'y');
    assert_eq!(
        said(&app),
        "#10 escalated to Rachel Kim: “breached by a day; needs Jonas today”"
    );
    pass(&mut app, 10);
    // #39 has no owner: `o` names one.
    on_item(&app, 39, "support");
    press(&mut app, 'o');
    type_text(&mut app, "Jonas Berg");
    key(&mut app, KeyCode::Enter);
    assert_eq!(said(&app), "#39 owner set to Jonas Berg");
    pass(&mut app, 15);
    // #13 was handed over with an entry unticked, done since: `T` ticks it.
    on_item(&app, 13, "support");
    press(&mut app, 'T');
    press(&mut app, ' ');
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        said(&app),
        "#13 ticked after the handoff: “Account notes updated”"
    );
    pass(&mut app, 15);

    // Onboarding: #15 is overdue; `N` records the plan.
    on_item(&app, 15, "onboarding");
    press(&mut app, 'N');
    type_text(&mut app, "migration dry run on Friday");
    key(&mut app, KeyCode::Enter);
    assert_eq!(said(&app), "#15 note: “migration dry run on Friday”");
    pass(&mut app, 20);
    // #26 can wait for tomorrow: `z`.
    on_item(&app, 26, "onboarding");
    press(&mut app, 'z');
    assert!(
        said(&app).starts_with("#26 snoozed until 2026-11-26 00:00"),
        "{}",
        said(&app)
    );
    pass(&mut app, 5);

    // Solutions: #24 is skipped, then `←` goes back to it, and `u` takes back the
    // newest change (#26's snooze), which puts the walk back on #26.
    on_item(&app, 24, "solutions");
    press(&mut app, ' ');
    assert_eq!(current_id(&app), 33);
    key(&mut app, KeyCode::Left);
    on_item(&app, 24, "solutions");
    press(&mut app, 'u');
    assert_eq!(
        said(&app),
        "undid #26 “snoozed until 2026-11-26 00:00” (9 more to undo)"
    );
    on_item(&app, 26, "onboarding");
    // `p` snoozes it to a chosen time instead.
    press(&mut app, 'p');
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut app, "2026-12-01 09:00");
    key(&mut app, KeyCode::Enter);
    assert_eq!(said(&app), "#26 snoozed until 2026-12-01 09:00");
    // Back on #24, breached and escalated: accepted at last.
    on_item(&app, 24, "solutions");
    press(&mut app, 'a');
    assert_eq!(said(&app), "#24 accepted, owner Hannah Lee");
    pass(&mut app, 30);

    // `q` ends the walk with its summary: every decision in full, what was not reached,
    // the time taken.
    on_item(&app, 33, "solutions");
    press(&mut app, 'q');
    assert!(!app.quit, "q ends the walk, not Baton");
    let text = screen(&app);
    assert!(
        text.contains("Standup triage · over: 12 walked, 2 not reached · took 4:30 · 11 decided"),
        "{text}"
    );
    for line in [
        "edited: due 2026-12-04 23:59 → active with operations, owner Kwame Asante",
        "dismissed escalated: “fix date agreed with Oceanic” → active with engineering, owner Ines Duarte",
        "accepted, owner Aiko Tanaka → active with engineering, owner Aiko Tanaka",
        "bounced back: “needs the Reader 11 VM image attached” → active with support",
        "merged into #36 as a duplicate → merged into #36",
        "escalated to Rachel Kim: “breached by a day; needs Jonas today” → in limbo onboarding → support",
        "owner set to Jonas Berg → active with support, owner Jonas Berg",
        "ticked after the handoff: “Account notes updated” → active with support",
        "note: “migration dry run on Friday” → active with onboarding",
        "snoozed until 2026-12-01 09:00 → in limbo solutions → onboarding",
        "accepted, owner Hannah Lee → active with solutions, owner Hannah Lee",
        "Not reached (2)",
    ] {
        assert!(text.contains(line), "{line:?} missing from\n{text}");
    }
    // #24, skipped and gone back to, counts once, as accepted; #33, on screen when the
    // walk ended, was reached: skipped, not "not reached".
    assert_eq!(text.matches("skipped").count(), 1, "{text}");
    assert_eq!(decision(&app, 33).0, "skipped");
    // The decisions are under each team's name, in the walk's order.
    let headings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(' ') && !l.starts_with("  ") && l.len() > 1)
        .map(str::trim)
        .filter(|l| !l.starts_with("Standup") && !l.contains(' '))
        .collect();
    assert_eq!(
        headings,
        [
            "operations",
            "engineering",
            "support",
            "onboarding",
            "solutions"
        ],
        "{text}"
    );

    // `S` saves the board as a snapshot for the retro; `w` writes the summary.
    press(&mut app, 'S');
    assert_eq!(
        said(&app),
        "saved snapshot 1 “standup 2026-11-25”; compare later with baton snapshot diff 1"
    );
    assert_eq!(
        app.store.snapshots().expect("snapshots").len(),
        1,
        "one snapshot saved"
    );
    // It holds the standup: every decision in full, what was not reached, the time.
    let saved = app.store.snapshot("1").expect("the snapshot loads");
    let standup = saved.standup.expect("the standup is in the snapshot");
    assert_eq!(standup.decisions, triage(&app).decisions);
    assert_eq!(standup.not_reached.len(), 2);
    assert_eq!(standup.took_seconds, 270);
    // `S` again saves nothing new: the summary has not changed.
    press(&mut app, 'S');
    assert_eq!(
        said(&app),
        "this standup is saved: snapshot 1 “standup 2026-11-25”"
    );
    assert_eq!(app.store.snapshots().expect("snapshots").len(), 1);
    press(&mut app, 'w');
    let file = dir.path().join("standup.md");
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut app, &file.display().to_string());
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        said(&app),
        format!("standup summary written to {}", file.display())
    );
    let markdown = std::fs::read_to_string(&file).expect("the summary is written");
    assert!(
        markdown.starts_with(
            "# Standup 2026-11-25\n\nTriage started 09:00 UTC and took 4m 30s: 12 items walked, 11 decided, 1 skipped, 2 not reached.\n"
        ),
        "{markdown}"
    );
    for line in [
        "| #23 SUP-4790 PDF invoices render blank pages (Humongous Insurance) | bounced back: “needs the Reader 11 VM image attached” | active with support, owner Fatima Zahra |",
        "| #10 Fabrikam — go-live hand-over to support | escalated to Rachel Kim: “breached by a day; needs Jonas today” | in limbo onboarding → support, next owner per contract: Jonas Berg |",
        "| #37 Globex admins: SSO login fails after IdP change | merged into #36 as a duplicate | merged into #36, owner Ravi Shah |",
        "| #19 Rotate the Kafka broker certificates before they expire | edited: due 2026-12-04 23:59 | active with operations, owner Kwame Asante |",
        "| #26 Litware — kick-off and workspace setup | snoozed until 2026-12-01 09:00 | in limbo solutions → onboarding, next owner per contract: Priya Natarajan |",
        "## Not reached\n\n- #31 Woodgrove Bank — 90-day payment terms\n- #17 Lamna Healthcare — 3-year prepaid deal at 22% discount\n",
    ] {
        assert!(markdown.contains(line), "{line:?} missing from\n{markdown}");
    }
    // esc back to the board.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Board);

    // The next standup, a day later: what was settled stays settled (dismissed,
    // accepted, merged, owned, ticked, snoozed, due later); what still needs a
    // decision is there: #10 still breached (its escalation stands), #15 still
    // overdue, #23 bounced a third time, and the three items not reached.
    let tomorrow = now() + Duration::days(1);
    let next = attention_ids(&app.store, tomorrow);
    for settled in [19, 25, 32, 37, 36, 39, 13, 26, 24] {
        assert!(!next.contains(&settled), "#{settled} is back in {next:?}");
    }
    for open in [10, 15, 23, 33, 31, 17] {
        assert!(next.contains(&open), "#{open} is missing from {next:?}");
    }
    let mut app = common::app::open_app(&dir, (160, 48));
    app.clock = Clock::Fixed(tomorrow);
    press(&mut app, 'W');
    let text = screen(&app);
    assert!(
        text.contains(&format!("Standup triage 1/{} · ", next.len())),
        "{text}"
    );
}

#[test]
fn at_80_columns_the_walk_by_team_keeps_its_clocks_and_tally_on_one_line() {
    let (_dir, mut app) = demo_app((80, 24));
    press(&mut app, 'W');
    let text = screen(&app);
    assert_eq!(
        text.lines().next(),
        Some(" Triage 1/15 · operations 1/6 · item 0:00/1:00 · total 0:00/15:00 · 0 decided"),
        "{text}"
    );
}

#[test]
fn a_snapshot_saved_in_the_throwaway_demo_says_it_goes_when_baton_quits() {
    let (_dir, mut app) = demo_app((120, 40));
    app.throwaway_demo();
    press(&mut app, 't');
    assert_eq!(app.screen, Screen::Triage);
    press(&mut app, 'q'); // ends the walk on its summary
    press(&mut app, 'S');
    assert_eq!(app.store.snapshots().expect("snapshots").len(), 1);
    assert_eq!(
        said(&app),
        "snapshot 1 saved in the throwaway demo: gone on quit (--db FILE keeps one)"
    );
}

#[test]
fn a_second_decision_about_an_item_joins_the_first_and_undo_takes_back_only_it() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    assert_eq!(current_id(&app), 15);
    press(&mut app, 'e');
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut app, "2026-12-04 17:00");
    key(&mut app, KeyCode::Enter);
    assert_eq!(decision(&app, 15).0, "edited: due 2026-12-04 17:00");
    key(&mut app, KeyCode::Left);
    assert_eq!(current_id(&app), 15);
    press(&mut app, 'N');
    type_text(&mut app, "Proseware agreed");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        decision(&app, 15).0,
        "edited: due 2026-12-04 17:00; note: “Proseware agreed”"
    );
    press(&mut app, 'u');
    assert_eq!(decision(&app, 15).0, "edited: due 2026-12-04 17:00");
}
