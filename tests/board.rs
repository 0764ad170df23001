//! The board through its public surface: whole-screen snapshots of the demo
//! organisation, the update logic driven by key presses, and a property that no key
//! sequence at any terminal size panics or loses an item.
//!
//! The board shows times in the local zone; these tests run it in UTC (`common::app`).

mod common;

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;

use baton::domain::rules::{Move, decide, permits};
use baton::domain::{Command, DomainError, EventKind, Item, State, Ticks, unticked_refusal};
use baton::storage::{ItemFilter, Store};
use baton::tui::app::{App, Screen};
use baton::tui::board::ColumnKind;
use baton::tui::form::FormKind;
use baton::tui::keys::Action;
use baton::ui::strings;
use baton::ui::theme::Theme;

use common::app::{
    SIZES, db_path, demo_app, demo_db, key, key_with, now, open_app, press, screen,
    snapshot_at_sizes, type_text,
};

/// The demo's items.
const DEMO_ITEMS: usize = 40;

/// Selects item `id` with the arrow keys, wherever it is on the board.
fn select(app: &mut App, id: i64) {
    key(app, KeyCode::Char('0'));
    for _ in 0..app.board.columns.len() {
        key(app, KeyCode::Char('g'));
        let count = app.board.columns[app.column].count;
        for _ in 0..count {
            if app.selected().map(|i| i.id) == Some(id) {
                return;
            }
            key(app, KeyCode::Down);
        }
        key(app, KeyCode::Right);
    }
    panic!("#{id} is not on the board");
}

/// A left click at cell `(x, y)` of the screen, as text lines and columns count it.
fn click(app: &mut App, x: usize, y: usize) {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let event = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: u16::try_from(x).expect("x"),
        row: u16::try_from(y).expect("y"),
        modifiers: KeyModifiers::NONE,
    };
    app.handle_mouse(event, std::time::Instant::now())
        .expect("the click is handled");
}

fn all_items(store: &Store) -> Vec<Item> {
    store.items(&ItemFilter::default()).expect("items load")
}

fn column_id(app: &App) -> String {
    app.board.columns[app.column].kind.id()
}

/// Why the rules refuse `command` on item `id`, as the domain words it. The board must
/// say the same, so these tests ask the domain rather than spell its wording out again
/// (tests/domain.rs does that, once).
fn refusal(app: &App, id: i64, command: Command) -> DomainError {
    let item = app.store.item(id).expect("the item");
    let org = app.store.org().expect("the organisation");
    decide(Some(&item), id, &org, command, now(), "tester").expect_err("the rules refuse it")
}

fn limbo(from: &str, to: &str) -> ColumnKind {
    ColumnKind::Limbo {
        from: from.to_string(),
        to: to.to_string(),
    }
}

// ---------------------------------------------------------------------------------
// Snapshots

#[test]
fn snapshot_board() {
    snapshot_at_sizes!("board", |app| {
        // The board opens on the worst boundary: a breach, and the most waiting.
        assert_eq!(column_id(app), "limbo:sales>solutions");
    });
}

#[test]
fn snapshot_limbo_card_detail() {
    snapshot_at_sizes!("detail_limbo", |app| {
        // #24 has waited past its SLA, was escalated, and carries a handoff note.
        select(app, 24);
        assert_eq!(app.selected().map(|i| i.state), Some(State::Limbo));
        app.update(Action::Detail).expect("detail opens");
        assert_eq!(app.screen, Screen::Detail);
    });
}

#[test]
fn snapshot_send_form() {
    snapshot_at_sizes!("send_form", |app| {
        select(app, 18);
        assert_eq!(app.selected().map(|i| i.state), Some(State::Active));
        app.update(Action::Send).expect("the form opens");
        assert_eq!(app.form.as_ref().map(|f| f.kind), Some(FormKind::Send));
    });
}

/// The bounce form's causes wrap under the first one, every one of them readable.
#[test]
fn snapshot_bounce_form() {
    snapshot_at_sizes!("bounce_form", |app| {
        select(app, 24);
        assert_eq!(app.selected().map(|i| i.state), Some(State::Limbo));
        app.update(Action::Bounce).expect("the form opens");
        assert_eq!(app.form.as_ref().map(|f| f.kind), Some(FormKind::Bounce));
    });
}

#[test]
fn snapshot_help() {
    snapshot_at_sizes!("help", |app| {
        app.update(Action::Help).expect("help opens");
    });
}

#[test]
fn snapshot_contracts() {
    snapshot_at_sizes!("contracts", |app| {
        app.update(Action::Contracts).expect("contracts open");
    });
}

#[test]
fn snapshot_tiny_terminal() {
    let (_dir, app) = demo_app((20, 5));
    let text = screen(&app);
    assert!(text.contains("too small"), "{text}");
    insta::assert_snapshot!("tiny_20x5", text);
}

// ---------------------------------------------------------------------------------
// Update logic, driven by keys

#[test]
fn sending_through_the_form_moves_the_item_into_limbo_and_the_selection_follows() {
    let (_dir, mut app) = demo_app((160, 48));
    select(&mut app, 18);
    press(&mut app, 's');
    // The form starts on the target, sales → solutions (the first boundary out).
    key(&mut app, KeyCode::Tab);
    press(&mut app, 'a'); // tick every entry of the definition of done
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "Renewal is in March; Kim Akers is the contact.");
    key(&mut app, KeyCode::Enter);

    assert!(app.form.is_none(), "the form closes: {:?}", app.form);
    let item = app.store.item(18).expect("#18");
    assert_eq!(item.state, State::Limbo);
    assert_eq!(item.boundary(), Some(("sales", "solutions")));
    let limbo_state = item.limbo.as_ref().expect("in limbo");
    assert_eq!(
        limbo_state.note,
        "Renewal is in March; Kim Akers is the contact."
    );
    assert!(limbo_state.unticked.is_empty());
    assert!(item.incomplete_handoff.is_empty());

    assert_eq!(
        app.board.columns[app.column].kind,
        limbo("sales", "solutions")
    );
    assert_eq!(app.selected().map(|i| i.id), Some(18));
    let message = app.message.as_ref().expect("a message");
    assert!(
        !message.error && message.text.starts_with("#18 "),
        "{message:?}"
    );
}

#[test]
fn sending_with_unticked_entries_warns_then_records_an_incomplete_handoff() {
    let (_dir, mut app) = demo_app((80, 24));
    select(&mut app, 18);
    press(&mut app, 's');
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char(' ')); // tick only the first entry
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "they asked for it today");
    key(&mut app, KeyCode::Enter);

    let form = app.form.as_ref().expect("the form stays open");
    let warning = form.error.as_deref().expect("a warning");
    let send = Command::Send {
        to: "solutions".to_string(),
        note: "they asked for it today".to_string(),
        ticks: Ticks::Entries(vec![1]),
        force: false,
    };
    let DomainError::Unticked { boundary, entries } = refusal(&app, 18, send) else {
        panic!("the rules refuse the send for its unticked entries");
    };
    // The rules' refusal, then the board's way on instead of the command line's flags.
    assert_eq!(
        warning,
        format!(
            "{}. {}",
            unticked_refusal(&boundary, &entries),
            strings::SEND_INCOMPLETE
        )
    );
    assert_eq!(form.confirm_incomplete.as_ref(), Some(&entries));
    assert_eq!(app.store.item(18).expect("#18").state, State::Active);

    key(&mut app, KeyCode::Enter);
    assert!(app.form.is_none());
    let item = app.store.item(18).expect("#18");
    assert_eq!(item.state, State::Limbo);
    let unticked = &item.limbo.as_ref().expect("in limbo").unticked;
    assert_eq!(unticked.len(), 2, "{unticked:?}");
    assert_eq!(&item.incomplete_handoff, unticked);
    let events = app.store.events(18).expect("history");
    assert!(matches!(
        events.last().map(|e| &e.kind),
        Some(EventKind::Sent { forced: true, .. })
    ));
}

#[test]
fn esc_on_the_warning_goes_back_to_the_form() {
    let (_dir, mut app) = demo_app((80, 24));
    select(&mut app, 18);
    press(&mut app, 's');
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "note");
    key(&mut app, KeyCode::Enter);
    assert!(app.form.as_ref().is_some_and(|f| f.error.is_some()));
    key(&mut app, KeyCode::Esc);
    let form = app.form.as_ref().expect("still editing");
    assert!(form.error.is_none() && form.confirm_incomplete.is_none());
    // A note was typed: one Esc asks, any other key goes on, two discard.
    key(&mut app, KeyCode::Esc);
    let form = app.form.as_ref().expect("still editing");
    assert_eq!(
        form.error.as_deref(),
        Some("Esc again discards what you typed")
    );
    type_text(&mut app, "s");
    assert!(app.form.as_ref().is_some_and(|f| f.error.is_none()));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert!(app.form.is_none());
    assert_eq!(app.store.item(18).expect("#18").state, State::Active);
    // With nothing typed, one Esc closes a form.
    press(&mut app, 'N');
    assert!(app.form.is_some());
    key(&mut app, KeyCode::Esc);
    assert!(app.form.is_none());
}

#[test]
fn accept_defaults_the_owner_to_the_contract_owner() {
    let (_dir, mut app) = demo_app((160, 48));
    // #24 waits on sales → solutions, whose contract names Hannah Lee.
    select(&mut app, 24);
    assert_eq!(app.store.item(24).expect("#24").owner, None);
    press(&mut app, 'a');
    assert_eq!(app.form.as_ref().map(|f| f.kind), Some(FormKind::Accept));
    key(&mut app, KeyCode::Enter);

    let item = app.store.item(24).expect("#24");
    assert_eq!(item.state, State::Active);
    assert_eq!(item.team, "solutions");
    assert_eq!(item.owner.as_deref(), Some("Hannah Lee"));
    assert_eq!(column_id(&app), "team:solutions");
    assert_eq!(app.selected().map(|i| i.id), Some(24));
}

#[test]
fn merge_on_the_board_offers_the_item_whose_title_it_is_like() {
    let (_dir, mut app) = demo_app((160, 48));
    // Support's #36 is like engineering's #37.
    select(&mut app, 36);
    press(&mut app, 'M');
    let form = app.form.as_ref().expect("the merge form");
    assert_eq!(form.kind, FormKind::Merge);
    assert_eq!(form.text_value("Into").as_deref(), Some("37"));
    // The first Enter asks; a changed target asks again, even when changed back.
    key(&mut app, KeyCode::Enter);
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut app, "999");
    key(&mut app, KeyCode::Enter);
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut app, "37");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.item(36).expect("#36").merged_into, None);
    assert!(
        app.form
            .as_ref()
            .and_then(|f| f.error.as_deref())
            .is_some_and(|e| e.starts_with("Merge into #37 ")),
        "{:?}",
        app.form
    );
    // Merged, #37's mark goes with the frame that follows, not a moment later.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.item(36).expect("#36").merged_into, Some(37));
    assert_eq!(app.board.duplicate_of(37), None);
}

#[test]
fn bounce_requires_a_reason() {
    let (_dir, mut app) = demo_app((80, 24));
    select(&mut app, 24);
    let before = app.store.item(24).expect("#24");
    press(&mut app, 'b');
    key(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().expect("the form stays open");
    let empty = Command::Bounce {
        reason: String::new(),
        cause: None,
    };
    assert_eq!(form.error, Some(refusal(&app, 24, empty).to_string()));
    assert_eq!(app.store.item(24).expect("#24"), before);

    type_text(&mut app, "no requirements doc attached");
    key(&mut app, KeyCode::Enter);
    assert!(app.form.is_none());
    let item = app.store.item(24).expect("#24");
    assert_eq!(item.state, State::Active);
    assert_eq!(item.team, "sales");
    assert_eq!(item.bounces, before.bounces + 1);
    assert_eq!(column_id(&app), "team:sales");
    assert_eq!(app.selected().map(|i| i.id), Some(24));
}

#[test]
fn undo_takes_back_the_changes_newest_first() {
    let (_dir, mut app) = demo_app((80, 24));
    press(&mut app, 'u');
    assert!(
        app.message.as_ref().is_some_and(|m| m.error),
        "nothing to undo yet"
    );

    // A merge first (two items' changes), then an accept.
    select(&mut app, 36);
    press(&mut app, 'M');
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.item(36).expect("#36").merged_into, Some(37));
    let absorbed = app.store.events(37).expect("events").len();

    select(&mut app, 24);
    let before = app.store.item(24).expect("#24");
    press(&mut app, 'a');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.item(24).expect("#24").state, State::Active);

    press(&mut app, 'u');
    let after = app.store.item(24).expect("#24");
    assert_eq!(after.state, State::Limbo);
    assert_eq!(after.boundary(), before.boundary());
    assert_eq!(after.owner, before.owner);
    assert_eq!(app.selected().map(|i| i.id), Some(24));
    let message = app.message.as_ref().expect("a message");
    assert_eq!(
        message.text,
        "#24: undid “accepted, owner Hannah Lee” (1 more to undo)"
    );

    // The second `u` takes back the merge, on both items.
    press(&mut app, 'u');
    let message = app.message.as_ref().expect("a message");
    assert!(!message.error, "{message:?}");
    assert!(
        message.text.ends_with("(nothing more to undo)"),
        "{message:?}"
    );
    assert_eq!(app.store.item(36).expect("#36").merged_into, None);
    assert!(app.store.item(36).expect("#36").state.is_open());
    let events = app.store.events(37).expect("events");
    assert_eq!(events.len(), absorbed + 1, "#37's side is undone too");
    assert_eq!(events.last().map(|e| e.kind.name()), Some("undone"));

    // Then there is nothing left.
    press(&mut app, 'u');
    assert!(app.message.as_ref().is_some_and(|m| m.error));
    assert_eq!(app.store.item(24).expect("#24").state, State::Limbo);
}

/// Every card loaded on the board.
fn cards(app: &App) -> Vec<&Item> {
    app.board.columns.iter().flat_map(|c| &c.cards).collect()
}

fn filter(app: &mut App, text: &str) {
    press(app, '/');
    key(app, KeyCode::Char('u'));
    app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL))
        .expect("ctrl-u clears the line");
    type_text(app, text);
    key(app, KeyCode::Enter);
}

#[test]
fn filter_by_team_owner_signal_and_words_and_esc_clears_it() {
    let (_dir, mut app) = demo_app((200, 60));
    let open = app.board.totals.open;

    filter(&mut app, "team:engineering");
    assert_eq!(app.filter_text, "team:engineering");
    let shown = cards(&app);
    assert!(!shown.is_empty());
    assert!(
        shown
            .iter()
            .all(|i| i.team == "engineering"
                || i.limbo.as_ref().is_some_and(|l| l.to == "engineering")),
        "{shown:?}"
    );
    assert!(app.board.totals.open < open);

    filter(&mut app, "owner:OWEN");
    let ids: Vec<i64> = cards(&app).iter().map(|i| i.id).collect();
    assert_eq!(ids, [36], "owners match any part of the name, any case");
    // #36 is like another team's item, which the filter hides: its mark stays, as the
    // attention queue and triage say it.
    assert_eq!(app.board.duplicate_of(36), Some(37));
    assert!(screen(&app).contains("≈dup"), "{}", screen(&app));
    let said = app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.starts_with("1 open item matches; "), "{said}");
    // A limbo card with no owner shows its contract's next owner: her name finds it,
    // with or without the accent.
    filter(&mut app, "owner:hannah");
    let mut ids: Vec<i64> = cards(&app).iter().map(|i| i.id).collect();
    ids.sort();
    assert!(ids.contains(&24), "#24 waits for Hannah Lee: {ids:?}");
    filter(&mut app, "owner:tomas");
    let ids: Vec<i64> = cards(&app).iter().map(|i| i.id).collect();
    assert!(ids.contains(&29), "#29 waits for Tomás Rivera: {ids:?}");
    filter(&mut app, "owner:\"owen price\"");
    let ids: Vec<i64> = cards(&app).iter().map(|i| i.id).collect();
    assert_eq!(ids, [36], "a quoted owner is one name, any case");
    filter(&mut app, "team:support \"sso login\"");
    let ids: Vec<i64> = cards(&app).iter().map(|i| i.id).collect();
    assert_eq!(ids, [36]);

    filter(&mut app, "signal:sla-breached");
    let mut ids: Vec<i64> = cards(&app).iter().map(|i| i.id).collect();
    ids.sort();
    assert_eq!(ids, [10, 24]);
    assert_eq!(app.board.totals.open, 2);

    filter(&mut app, "globex");
    let mut ids: Vec<i64> = cards(&app).iter().map(|i| i.id).collect();
    ids.sort();
    assert_eq!(ids, [36, 37]);

    // Nothing matches: the board says so, and how to get the items back.
    filter(&mut app, "zyzzyva");
    assert!(screen(&app).contains(strings::NO_MATCH), "{}", screen(&app));
    filter(&mut app, "globex");

    filter(&mut app, "team:nope");
    let said = app.message.as_ref().expect("a message");
    assert!(said.error && said.text.contains("nope"), "{said:?}");
    assert_eq!(
        app.filter_text, "globex",
        "an unknown team leaves the last filter"
    );

    filter(&mut app, "signal:nonsense");
    assert!(app.message.as_ref().is_some_and(|m| m.error));
    assert_eq!(
        app.filter_text, "globex",
        "a bad filter leaves the last one"
    );

    key(&mut app, KeyCode::Esc);
    assert_eq!(app.filter_text, "");
    assert_eq!(app.board.totals.open, open);
}

#[test]
fn a_click_on_a_card_shows_its_title_in_place_of_the_last_message() {
    let (_dir, mut app) = demo_app((80, 24));
    press(&mut app, 'u');
    assert!(app.message.is_some(), "nothing to undo is said");
    let text = screen(&app);
    let (y, line) = text
        .lines()
        .enumerate()
        .skip(10)
        .find(|(_, l)| l.contains("#17 "))
        .expect("#17 in a column");
    let x = line[..line.find("#17 ").expect("#17")].chars().count();
    click(&mut app, x, y);
    assert_eq!(app.selected().map(|i| i.id), Some(17));
    assert_eq!(app.message, None);
    let text = screen(&app);
    let last = text.lines().rev().nth(1).unwrap_or_default();
    assert!(
        last.contains("Lamna Healthcare — 3-year prepaid deal"),
        "{text}"
    );
}

#[test]
fn a_new_item_is_not_offered_to_u_which_cannot_undo_a_creation() {
    let (_dir, mut app) = demo_app((80, 24));
    press(&mut app, 'n');
    type_text(&mut app, "Renewal for Fourth Coffee");
    key(&mut app, KeyCode::Enter);
    let said = app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(said.contains("created in"), "{said}");
    assert!(!said.contains("u undoes"), "{said}");
    press(&mut app, 'u');
    let said = app.message.as_ref().expect("a message");
    assert_eq!(said.text, strings::NOTHING_TO_UNDO);
}

#[test]
fn a_click_on_a_held_items_overview_line_selects_that_item() {
    let (_dir, mut app) = demo_app((80, 24));
    let text = screen(&app);
    let y = text
        .lines()
        .position(|l| l.contains("held") && l.contains("#25 "))
        .expect("#25's line in the overview");
    click(&mut app, 10, y);
    assert_eq!(app.selected().map(|i| i.id), Some(25), "{}", screen(&app));
}

#[test]
fn a_narrow_title_line_drops_counts_before_the_filter_or_the_columns_shown() {
    let (_dir, mut app) = demo_app((44, 20));
    filter(&mut app, "owner:hannah");
    let title = screen(&app).lines().next().unwrap_or_default().to_string();
    assert!(title.contains("filter: owner:hannah"), "{title}");
    assert!(title.contains("⇢2 · ✖1"), "{title}");
    key(&mut app, KeyCode::Esc);
    press(&mut app, 'B');
    let title = screen(&app).lines().next().unwrap_or_default().to_string();
    assert!(
        title.contains("⇢ only") && title.trim_end().ends_with('▶'),
        "{title}"
    );
}

#[test]
fn clearing_a_filter_keeps_the_card_it_found_selected() {
    let (_dir, mut app) = demo_app((80, 24));
    filter(&mut app, "Android");
    assert_eq!(app.selected().map(|i| i.id), Some(25));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.filter_text, "");
    assert_eq!(app.selected().map(|i| i.id), Some(25));
    assert!(screen(&app).contains("#25"), "{}", screen(&app));
}

#[test]
fn esc_while_typing_a_filter_keeps_the_old_one() {
    let (_dir, mut app) = demo_app((80, 24));
    filter(&mut app, "globex");
    press(&mut app, '/');
    type_text(&mut app, " more");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.filter_input, None);
    assert_eq!(app.filter_text, "globex");
}

#[test]
fn enter_opens_the_selected_card_after_a_pane_was_left_through_the_contracts() {
    let (_dir, mut app) = demo_app((80, 24));
    select(&mut app, 31);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.detail.as_ref().map(|d| d.item.id), Some(31));
    press(&mut app, 'c');
    assert_eq!(app.screen, Screen::Contracts);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Board);
    press(&mut app, 'h');
    press(&mut app, 'g');
    assert_eq!(app.selected().map(|i| i.id), Some(18));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Detail);
    assert_eq!(app.detail.as_ref().map(|d| d.item.id), Some(18));
}

#[test]
fn what_an_action_in_the_detail_pane_did_is_on_screen() {
    for size in SIZES {
        let (_dir, mut app) = demo_app(size);
        select(&mut app, 18);
        key(&mut app, KeyCode::Enter);
        press(&mut app, 'a'); // #18 is active: refused
        let text = screen(&app);
        let refusal = &app.message.as_ref().expect("a message").text;
        assert!(text.contains(refusal.as_str()), "{refusal}\n{text}");

        press(&mut app, 'N');
        type_text(&mut app, "called them");
        key(&mut app, KeyCode::Enter);
        let text = screen(&app);
        assert!(text.contains("#18 note: “called them”"), "{text}");
    }
}

#[test]
fn panes_and_forms_draw_on_a_very_wide_terminal() {
    for (action, title, inside) in [
        (Action::Help, "Help · esc closes", "quit from anywhere"),
        (
            Action::Contracts,
            "Handoff contracts · esc closes",
            "sales → solutions  complete",
        ),
        (
            Action::Detail,
            "#18 Tailwind Traders — upgrade to the Enterprise plan",
            "History",
        ),
        (Action::Send, "Send across a boundary", "Handoff note"),
    ] {
        let (_dir, mut app) = demo_app((1000, 60));
        // Sales' lane: #18, which its team holds, so it can be sent.
        press(&mut app, '0');
        app.update(action).expect("the action runs");
        let text = screen(&app);
        // The pane is drawn whole: its title in its top border, a closed box, and what
        // it holds inside it.
        let top = text
            .lines()
            .position(|l| l.contains(title))
            .unwrap_or_else(|| panic!("{action:?}: no “{title}” on screen:\n{text}"));
        let lines: Vec<&str> = text.lines().collect();
        let (left, right) = (
            lines[top].find('┌').expect("top-left corner"),
            lines[top].find('┐').expect("top-right corner"),
        );
        assert!(left < right, "{action:?}:\n{text}");
        let bottom = lines[top..]
            .iter()
            .position(|l| l.contains('└') && l.contains('┘'))
            .map(|i| top + i)
            .unwrap_or_else(|| panic!("{action:?}: the pane is not closed:\n{text}"));
        assert!(
            lines[top..bottom].iter().any(|l| l.contains(inside)),
            "{action:?}: no “{inside}” in the pane:\n{text}"
        );
    }
}

#[test]
fn snoozing_an_item_triage_went_back_to_after_dropping_it_is_refused_not_fatal() {
    let (_dir, mut app) = demo_app((120, 40));
    press(&mut app, 't');
    assert_eq!(app.screen, Screen::Triage);
    let first = app
        .triage
        .as_ref()
        .and_then(|t| t.current.as_ref())
        .map(|c| c.item.id)
        .expect("something needs attention");
    press(&mut app, 'x');
    type_text(&mut app, "duplicate of another deal");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.item(first).expect("item").state, State::Dropped);
    key(&mut app, KeyCode::Left);
    let before = app.store.events(first).expect("history");
    press(&mut app, 'z'); // handle_key returning Err would end the board
    assert!(
        app.message.as_ref().is_some_and(|m| m.error),
        "{:?}",
        app.message
    );
    assert_eq!(app.store.events(first).expect("history"), before);
}

#[test]
fn column_order_persists_across_a_new_app() {
    let dir = demo_db();
    let mut app = open_app(&dir, (80, 24));
    let before: Vec<String> = app.board.columns.iter().map(|c| c.kind.id()).collect();
    assert_eq!(before[1], "limbo:sales>finance");
    press(&mut app, '0');
    press(&mut app, 'l');
    assert_eq!(app.column, 1);
    press(&mut app, '>');
    assert_eq!(app.column, 2);
    assert_eq!(column_id(&app), "limbo:sales>finance");
    drop(app);

    let app = open_app(&dir, (80, 24));
    let after: Vec<String> = app.board.columns.iter().map(|c| c.kind.id()).collect();
    let mut expected = before.clone();
    expected.swap(1, 2);
    assert_eq!(after, expected);
}

#[test]
fn an_action_the_rules_refuse_shows_an_error_and_changes_nothing() {
    let (_dir, mut app) = demo_app((80, 24));
    let before = all_items(&app.store);
    select(&mut app, 18);
    press(&mut app, 'a'); // #18 is active: nothing to accept
    assert!(app.form.is_none());
    let message = app.message.as_ref().expect("a message");
    assert!(message.error, "{message:?}");
    // The rule comes from the domain, word for word, as the command line gives it.
    let item = app.store.item(18).expect("#18");
    let Err(DomainError::WrongState { rule, .. }) = permits(&item, Move::Accept) else {
        panic!("the rules refuse to accept an active item");
    };
    assert_eq!(message.text, format!("#18: {rule}"));
    assert_eq!(all_items(&app.store), before);
}

#[test]
fn a_message_gives_the_line_back_to_the_selected_title_at_the_next_move() {
    let (_dir, mut app) = demo_app((80, 24));
    select(&mut app, 18);
    press(&mut app, 'a'); // refused: #18 is active
    let message_line = |app: &App| screen(app).lines().nth_back(1).expect("a line").to_string();
    let said = app.message.as_ref().expect("a message").text.clone();
    assert!(
        message_line(&app).starts_with(&said[..20]),
        "{}",
        screen(&app)
    );
    // Moving, the line names the card now selected; the refusal was read.
    key(&mut app, KeyCode::Down);
    let id = app.selected().expect("a card").id;
    assert!(app.message.is_none());
    assert!(
        message_line(&app).starts_with(&format!("#{id} ")),
        "{}",
        screen(&app)
    );
    // A key that does not move leaves a message where it is.
    press(&mut app, 'B');
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some(strings::SHOWING_BOUNDARIES)
    );
    press(&mut app, '?');
    key(&mut app, KeyCode::Esc);
    assert!(app.message.is_some());
}

#[test]
fn a_refusal_at_submit_is_shown_in_the_form_and_changes_nothing() {
    let dir = demo_db();
    let mut app = open_app(&dir, (80, 24));
    select(&mut app, 24);
    press(&mut app, 'a');
    // Someone else accepts #24 while the form is open.
    let mut other = Store::open(&dir.path().join("board.db")).expect("a second handle");
    other
        .execute(
            Some(24),
            baton::domain::Command::Accept { owner: None },
            now(),
            "someone else",
        )
        .expect("accepted elsewhere");
    let before = all_items(&app.store);
    key(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().expect("the form stays open");
    assert!(form.error.is_some(), "{form:?}");
    assert_eq!(all_items(&app.store), before);
}

#[test]
fn a_change_from_another_handle_appears_after_tick() {
    let dir = demo_db();
    let mut app = open_app(&dir, (160, 48));
    let waiting = |app: &App| {
        app.board
            .columns
            .iter()
            .find(|c| c.kind == limbo("sales", "solutions"))
            .map(|c| c.count)
    };
    assert_eq!(waiting(&app), Some(2));
    let mut other = Store::open(&dir.path().join("board.db")).expect("a second handle");
    other
        .execute(
            Some(24),
            baton::domain::Command::Accept { owner: None },
            now(),
            "someone else",
        )
        .expect("accepted elsewhere");
    assert_eq!(waiting(&app), Some(2), "nothing changes before the tick");
    app.dirty = false;
    app.tick().expect("tick");
    assert!(app.dirty);
    assert_eq!(waiting(&app), Some(1));
    let lane = app
        .board
        .columns
        .iter()
        .find(|c| c.kind.id() == "team:solutions")
        .expect("the solutions lane");
    assert!(lane.cards.iter().any(|i| i.id == 24));
}

// ---------------------------------------------------------------------------------
// No key sequence panics or loses an item

#[derive(Debug, Clone)]
enum Input {
    Key(KeyCode, KeyModifiers),
    Resize(u16, u16),
}

fn input() -> impl Strategy<Value = Input> {
    // Every bound key but `w`, which in a finished triage saves a summary to a file in
    // the working directory; random letters leave it out too.
    let bound = "hjklgG0$nsabreoNdRxfu/cBD<>?qtzmS";
    let codes = prop_oneof![
        4 => proptest::sample::select(bound.chars().collect::<Vec<_>>()).prop_map(KeyCode::Char),
        2 => proptest::char::range('a', 'z')
            .prop_filter("w writes a file", |c| *c != 'w')
            .prop_map(KeyCode::Char),
        1 => proptest::sample::select(vec![' ', ':', '-', 'A', 'Z', '1']).prop_map(KeyCode::Char),
        3 => proptest::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
        ]),
    ];
    prop_oneof![
        20 => codes.prop_map(|c| Input::Key(c, KeyModifiers::NONE)),
        1 => Just(Input::Key(KeyCode::Char('u'), KeyModifiers::CONTROL)),
        2 => (20u16..200, 5u16..60).prop_map(|(w, h)| Input::Resize(w, h)),
    ]
}

/// Every demo item is still there, in exactly one state; new ones only add.
fn check_items(store: &Store) -> Result<(), TestCaseError> {
    let items = all_items(store);
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &items {
        *by_state.entry(item.state.as_str()).or_default() += 1;
    }
    let mut ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    ids.sort();
    ids.dedup();
    prop_assert_eq!(ids.len(), items.len(), "an item is listed twice");
    // Only the new-item form adds items; the demo's 40 never go.
    let created = items.iter().filter(|i| i.id > DEMO_ITEMS as i64).count();
    prop_assert_eq!(items.len(), DEMO_ITEMS + created, "{:?}", by_state);
    prop_assert!(
        ids.iter()
            .take(DEMO_ITEMS)
            .copied()
            .eq(1..=DEMO_ITEMS as i64)
    );
    for state in [State::Active, State::Limbo, State::Done, State::Dropped] {
        let f = ItemFilter {
            states: vec![state],
            ..ItemFilter::default()
        };
        prop_assert_eq!(
            store.count(&f).expect("count"),
            by_state.get(state.as_str()).copied().unwrap_or(0)
        );
    }
    Ok(())
}

/// What the user reads: the screen is never blank, and when the title line shows the
/// board's totals unfiltered, they are the store's counts.
fn check_screen(app: &App, text: &str) -> Result<(), TestCaseError> {
    prop_assert!(!text.trim().is_empty(), "a blank screen");
    if !app.filter_text.is_empty() || app.filter_input.is_some() {
        return Ok(());
    }
    let Some((in_limbo, open)) = title_totals(text) else {
        return Ok(());
    };
    let count = |state: State| {
        app.store
            .count(&ItemFilter {
                states: vec![state],
                ..ItemFilter::default()
            })
            .expect("count")
    };
    prop_assert_eq!(in_limbo, count(State::Limbo), "{}", text);
    prop_assert_eq!(open, count(State::Active) + count(State::Limbo), "{}", text);
    Ok(())
}

/// `⇢ N in limbo` and `M open` from the title line, when the line shows both whole.
fn title_totals(text: &str) -> Option<(usize, usize)> {
    let first = text.lines().next()?;
    if !first.starts_with(" Baton ") {
        return None;
    }
    let words: Vec<&str> = first.split_whitespace().collect();
    let before = |i: usize| i.checked_sub(1).and_then(|j| words[j].parse().ok());
    let limbo = (0..words.len())
        .find(|&i| words[i] == "in" && words.get(i + 1) == Some(&"limbo"))
        .and_then(before)?;
    let open = (0..words.len())
        .find(|&i| words[i] == "open")
        .and_then(before)?;
    Some((limbo, open))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_keys_at_random_sizes_never_panic_or_lose_an_item(
        size in (20u16..200, 5u16..60),
        inputs in proptest::collection::vec(input(), 1..60),
    ) {
        let (_dir, mut app) = demo_app(size);
        check_items(&app.store)?;
        for input in inputs {
            match input {
                Input::Key(code, modifiers) => {
                    app.handle_key(KeyEvent::new(code, modifiers)).expect("the key is handled");
                }
                Input::Resize(w, h) => app.resize(w, h).expect("the resize is handled"),
            }
            let text = baton::tui::print(&app, &Theme::PLAIN);
            check_screen(&app, &text)?;
            check_items(&app.store)?;
        }
    }
}

#[test]
fn e_edits_the_selected_item_through_a_prefilled_form() {
    let (_dir, mut app) = demo_app((120, 40));
    let id = app.selected().map(|i| i.id).expect("a card is selected");
    let title = app.selected().map(|i| i.title.clone()).expect("title");
    press(&mut app, 'e');
    let form = app.form.as_ref().expect("the edit form opens");
    assert!(screen(&app).contains(&title), "the title is prefilled");
    assert_eq!(form.kind, baton::tui::form::FormKind::Edit);
    type_text(&mut app, " (3 years)");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.form.is_none(),
        "{:?}",
        app.form.as_ref().map(|f| &f.error)
    );
    let item = app.store.item(id).expect("item");
    assert_eq!(item.title, format!("{title} (3 years)"));
    let events = app.store.events(id).expect("events");
    assert_eq!(events.last().map(|e| e.kind.name()), Some("edited"));
}

#[test]
fn an_emptied_title_is_refused_by_the_rules_in_their_words() {
    let (_dir, mut app) = demo_app((120, 40));
    let id = app.selected().map(|i| i.id).expect("a card is selected");
    let before = app.store.item(id).expect("item");
    press(&mut app, 'e');
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    key(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().expect("the form stays open");
    let cleared = Command::Edit {
        title: Some(String::new()),
        body: None,
        due: None,
        tags: None,
        link: None,
    };
    assert_eq!(form.error, Some(refusal(&app, id, cleared).to_string()));
    assert_eq!(app.store.item(id).expect("item"), before);
}

#[test]
fn collapsing_the_lanes_shows_more_boundaries_and_keeps_the_selection_on_screen() {
    let (_dir, mut app) = demo_app((120, 40));
    let before = app.visible_columns();
    press(&mut app, 'Z');
    assert!(app.collapsed_lanes);
    assert!(
        app.visible_columns() > before,
        "{} columns before, {} after",
        before,
        app.visible_columns()
    );
    for _ in 0..20 {
        press(&mut app, 'l');
        let shown: Vec<usize> = app
            .columns_from(app.first_column)
            .iter()
            .map(|(i, _)| *i)
            .collect();
        assert!(
            shown.contains(&app.column),
            "column {} on screen",
            app.column
        );
        // On screen: the selected card, and columns reaching the right edge.
        let text = screen(&app);
        if let Some(item) = app.selected() {
            assert!(text.contains(&format!("#{} ", item.id)), "{text}");
        }
        let heads = text
            .lines()
            .nth(1 + usize::from(app.overview_rows()))
            .expect("column heads");
        assert_eq!(
            unicode_width::UnicodeWidthStr::width(heads),
            120,
            "the columns fill the screen:\n{text}"
        );
        assert!(heads.ends_with('│'), "{text}");
    }
    press(&mut app, 'Z');
    assert!(!app.collapsed_lanes);
}

// ---------------------------------------------------------------------------------
// The board at a glance (issue 11)

/// The open items raising `code`, by the domain's rules.
fn raising(app: &App, code: baton::domain::attention::SignalCode) -> Vec<i64> {
    let open = app.store.open_items().expect("open items");
    let org = app.store.org().expect("org");
    baton::domain::attention::attention(&open, &org, now(), &chrono::Utc)
        .into_iter()
        .filter(|a| a.signals.iter().any(|s| s.code == code))
        .map(|a| a.id)
        .collect()
}

#[test]
fn every_boundary_with_items_waiting_is_on_the_first_screen_at_160x48() {
    let (_dir, app) = demo_app((160, 48));
    let text = screen(&app);
    let first_screen: Vec<&str> = text.lines().collect();
    let waiting: Vec<&baton::tui::board::Column> = app
        .board
        .columns
        .iter()
        .filter(|c| c.kind.is_limbo() && c.count > 0)
        .collect();
    // The demo: every one of its 9 boundaries has an item waiting, and 16 columns do
    // not fit in 160.
    assert_eq!(waiting.len(), 9);
    assert!(app.visible_columns() < app.board.columns.len());
    for column in waiting {
        let ColumnKind::Limbo { from, to } = &column.kind else {
            unreachable!()
        };
        let name = baton::domain::view::crossing(from, to);
        let head = column.head.as_ref().expect("its longest waiting item");
        assert!(
            first_screen
                .iter()
                .any(|l| l.contains(&name) && l.contains(&format!("#{} ", head.id))),
            "{name} and #{} on one line:\n{text}",
            head.id
        );
    }
}

#[test]
fn every_breached_item_is_visible_at_80x24_worst_boundary_first() {
    let (_dir, app) = demo_app((80, 24));
    let text = screen(&app);
    let breached = raising(&app, baton::domain::attention::SignalCode::SlaBreached);
    assert_eq!(breached.len(), 2, "the demo has two breaches");
    for id in &breached {
        assert!(text.contains(&format!("#{id} ✖")), "#{id}:\n{text}");
    }
    // The overview's first line is the boundary with a breach and the most waiting,
    // and the board's selection starts there.
    let first = text.lines().nth(1).expect("overview");
    assert!(
        first.starts_with("▸⇢ sales → solutions") && first.contains("✖ 1"),
        "{text}"
    );
}

#[test]
fn the_overview_puts_a_boundary_whose_oldest_item_is_at_risk_before_calmer_ones() {
    use baton::domain::attention::SlaStanding;
    use baton::domain::view::limbo_time;
    use baton::tui::app::Clock;
    let dir = demo_db();
    let mut at_risk_seen = 0;
    // The demo read at times through the next days (working calendars pause at night
    // and at weekends): at each, breaches first, then an oldest item at risk, then
    // the rest.
    for hours in (0..120).step_by(5) {
        let store = Store::open(&db_path(&dir)).expect("the store opens");
        let at = now() + chrono::Duration::hours(hours);
        let app = App::new(store, Clock::Fixed(at), "tester".into(), (80, 24)).expect("loads");
        let board = &app.board;
        let ranks: Vec<(usize, bool)> = board
            .limbo_by_urgency()
            .iter()
            .map(|&i| {
                let head = board.columns[i].head.as_ref().expect("a head");
                let time = limbo_time(head, &board.org, board.breaches_at).expect("in limbo");
                (
                    board.columns[i].breached,
                    time.standing == SlaStanding::AtRisk,
                )
            })
            .collect();
        at_risk_seen += ranks.iter().filter(|(b, r)| *b == 0 && *r).count();
        let mut sorted = ranks.clone();
        sorted.sort_by_key(|(breached, at_risk)| (std::cmp::Reverse(*breached), !*at_risk));
        assert_eq!(ranks, sorted, "at {at}");
    }
    assert!(at_risk_seen > 0, "no boundary was at risk without a breach");
}

#[test]
fn everything_fits_and_there_is_no_overview_on_a_wide_screen() {
    let (_dir, app) = demo_app((460, 40));
    assert_eq!(app.overview_rows(), 0);
    assert_eq!(app.visible_columns(), app.board.columns.len());
}

#[test]
fn marks_are_whole_on_every_card_at_every_width() {
    // #23 bounced twice (ping-pong), #24 escalated and breached, #26 an incomplete
    // handoff, #36 a possible duplicate, #15 overdue, #17 nobody owns it.
    let marks = [
        (23, "⇄"),
        (24, "▲"),
        (24, "✖"),
        (26, "◌"),
        (36, "≈"),
        (15, "✖due"),
        (17, "∅own"),
    ];
    for width in [40u16, 60, 80, 120, 160, 250] {
        let (_dir, mut app) = demo_app((width, 30));
        for (id, short) in marks {
            select(&mut app, id);
            let text = screen(&app);
            let full = match short {
                "⇄" => "⇄pp",
                "▲" => "▲esc",
                "◌" => "◌inc",
                "≈" => "≈dup",
                "✖due" => "overdue",
                "∅own" => "no owner",
                other => other,
            };
            // The card is on screen, and carries its mark whole (full or short form),
            // never cut with an ellipsis.
            assert!(text.contains(&format!("#{id} ")), "{width}: #{id}\n{text}");
            assert!(
                text.contains(full) || text.contains(short),
                "{width}: #{id} lacks {full}\n{text}"
            );
            // And its full title is on the message line.
            let title = app.selected().expect("selected").title.clone();
            let line = text.lines().nth_back(1).expect("message line");
            assert!(
                line.starts_with(&format!("#{id} "))
                    && (line.contains(&title) || line.ends_with('…')),
                "{width}: {line}"
            );
        }
    }
}

#[test]
fn at_40_columns_the_overview_keeps_the_worst_heads_marks_whole() {
    let (_dir, app) = demo_app((40, 20));
    let text = screen(&app);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].contains(" 2 ✖1  #24 ✖2d ▲ "), "{text}");
    assert!(lines[2].contains(" 1 ✖1  #10 ✖1d "), "{text}");
}

#[test]
fn the_board_reads_the_same_without_colour() {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Color;
    for size in SIZES {
        let (_dir, mut app) = demo_app(size);
        select(&mut app, 24);
        let area = Rect::new(0, 0, size.0, size.1);
        let (mut coloured, mut plain) = (Buffer::empty(area), Buffer::empty(area));
        baton::ui::render(area, &mut coloured, &app, &Theme::DARK);
        baton::ui::render(area, &mut plain, &app, &Theme::from_env_value(Some("1")));
        // What NO_COLOR draws: the same text, and not one colour.
        assert_eq!(
            baton::ui::buffer_to_text(&coloured),
            baton::ui::buffer_to_text(&plain)
        );
        assert!(coloured.content().iter().any(|c| c.fg != Color::Reset));
        assert!(plain.content().iter().all(|c| c.fg == Color::Reset));
        insta::assert_snapshot!(
            format!("no_color_{}x{}", size.0, size.1),
            common::app::mask_path(&baton::ui::buffer_to_text(&plain), &app.store.place())
        );
    }
}

#[test]
fn a_filter_hides_the_columns_it_empties_and_selects_the_first_match() {
    let (_dir, mut app) = demo_app((80, 24));
    let all = app.board.columns.len();
    // Chloé Martin owns #38, in the sales lane; typed in capitals, by her first name.
    filter(&mut app, "owner:CHLOÉ");
    let ids: Vec<i64> = cards(&app).iter().map(|i| i.id).collect();
    assert_eq!(ids, [38]);
    assert_eq!(app.board.columns.len(), 1);
    assert_eq!(app.board.hidden, all - 1);
    assert_eq!(app.selected().map(|i| i.id), Some(38));
    let text = screen(&app);
    assert!(
        text.lines()
            .next()
            .is_some_and(|l| l.contains(&format!("{} columns hidden", all - 1))
                && l.contains("filter: owner:CHLOÉ")),
        "the filter is never cut from the title line: {text}"
    );
    // Reordering would lose the hidden columns' places: refused while filtered.
    press(&mut app, '>');
    assert!(app.message.as_ref().is_some_and(|m| m.error));

    filter(&mut app, "signal:ping-pong");
    assert_eq!(app.selected().map(|i| i.id), Some(23));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.board.columns.len(), all);
    assert_eq!(app.board.hidden, 0);
}

#[test]
fn person_fields_complete_from_the_people_the_board_knows() {
    let (_dir, mut app) = demo_app((80, 24));
    let people = app.store.known_people().expect("people");
    // An owner, a contract's next owner, an escalation contact (no item is owned by
    // Dana Whitaker: she is only a contact).
    for name in ["Ben Adler", "Hannah Lee", "Dana Whitaker"] {
        assert!(people.iter().any(|p| p == name), "{name} in {people:?}");
    }
    // Every owner and escalation contact of every item, closed ones too, once.
    let items = app.store.items(&ItemFilter::default()).expect("items");
    let named = items
        .iter()
        .flat_map(|i| {
            [
                i.owner.clone(),
                i.escalation.as_ref().and_then(|e| e.to.clone()),
            ]
        })
        .flatten();
    for name in named {
        assert!(people.contains(&name), "{name} in {people:?}");
    }
    let mut once = people.clone();
    once.dedup();
    assert_eq!(once, people);
    select(&mut app, 17);
    press(&mut app, 'o');
    type_text(&mut app, "WHITA");
    let text = screen(&app);
    assert!(text.contains("tab completes: Dana Whitaker"), "{text}");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form, None);
    let item = app.store.item(17).expect("#17");
    assert_eq!(item.owner.as_deref(), Some("Dana Whitaker"));

    // Tab again puts in the next person the typed text names, round to the first.
    select(&mut app, 17);
    press(&mut app, 'o');
    // The owner is filled in; typing would add to it, and the form says how to clear.
    assert!(
        screen(&app).contains(strings::FORM_CLEAR),
        "{}",
        screen(&app)
    );
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert!(!screen(&app).contains(strings::FORM_CLEAR));
    type_text(&mut app, "ha");
    let named: Vec<String> = people
        .iter()
        .filter(|p| p.to_lowercase().contains("ha"))
        .cloned()
        .collect();
    assert!(named.len() >= 2, "{named:?}");
    let field = |app: &App| match &app.form.as_ref().expect("the form").fields[0] {
        baton::tui::form::Field::Text { value, .. } => value.clone(),
        other => panic!("{other:?}"),
    };
    for expected in named.iter().chain(named.first()) {
        key(&mut app, KeyCode::Tab);
        assert_eq!(&field(&app), expected);
    }
    // Typing starts again from what is typed.
    type_text(&mut app, "x");
    assert_eq!(field(&app), format!("{}x", named[0]));
    key(&mut app, KeyCode::Esc);

    // Tab with nothing to complete moves on, as before.
    select(&mut app, 17);
    press(&mut app, 'o');
    key(&mut app, KeyCode::Tab);
    let form = app.form.as_ref().expect("the form stays open");
    assert!(form.suggestions().is_empty());
}

#[test]
fn escalating_is_never_one_enter_away() {
    let (_dir, mut app) = demo_app((80, 24));
    select(&mut app, 33);
    let before = app.store.events(33).expect("history").len();
    press(&mut app, 'E');
    assert_eq!(app.form.as_ref().map(|f| f.kind), Some(FormKind::Escalate));
    // Enter asks; Enter again (a second accidental press) still only asks.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert!(app.form.as_ref().is_some_and(|f| f.confirm_escalate));
    assert!(screen(&app).contains("Dana Whitaker?"), "{}", screen(&app));
    assert_eq!(app.store.events(33).expect("history").len(), before);
    // esc goes back to the form, then esc closes it: nothing sent.
    key(&mut app, KeyCode::Esc);
    assert!(app.form.as_ref().is_some_and(|f| !f.confirm_escalate));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.form, None);
    assert_eq!(app.store.events(33).expect("history").len(), before);
    // y after Enter escalates.
    press(&mut app, 'E');
    key(&mut app, KeyCode::Enter);
    press(&mut app, 'y');
    assert_eq!(app.form, None);
    let events = app.store.events(33).expect("history");
    assert_eq!(events.len(), before + 1);
    assert_eq!(events.last().map(|e| e.kind.name()), Some("escalated"));
}

#[test]
fn escalating_again_at_the_top_of_the_ladder_asks_whom_rather_than_offer_the_same_person() {
    let (_dir, mut app) = demo_app((80, 24));
    // sales → solutions has one level: Dana Whitaker.
    select(&mut app, 33);
    press(&mut app, 'E');
    key(&mut app, KeyCode::Enter);
    press(&mut app, 'y');
    assert_eq!(app.form, None);
    press(&mut app, 'E');
    let form = app.form.as_ref().expect("the form opens");
    assert_eq!(form.text_value("To"), None, "Dana Whitaker has it already");
    assert!(
        screen(&app).contains("top of the contract's ladder"),
        "{}",
        screen(&app)
    );
    key(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().expect("the form stays open");
    assert!(!form.confirm_escalate);
    assert_eq!(form.error.as_deref(), Some(strings::ESCALATE_TO_WHOM));
}

#[test]
fn escalating_where_no_contract_names_a_contact_asks_whom_before_it_asks_to_confirm() {
    let (_dir, mut app) = demo_app((80, 24));
    // #29 is in limbo from onboarding to solutions, whose contract names no one.
    select(&mut app, 29);
    let item = app.selected().expect("#29").clone();
    let org = app.store.org().expect("org");
    assert_eq!(baton::domain::rules::escalation_contact(&item, &org), None);
    let before = app.store.events(29).expect("history").len();
    press(&mut app, 'E');
    key(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().expect("the form stays open");
    assert!(!form.confirm_escalate);
    assert_eq!(form.error.as_deref(), Some(strings::ESCALATE_TO_WHOM));
    assert!(screen(&app).contains("who it goes to"), "{}", screen(&app));
    // Named, it asks to confirm, as every escalation does.
    type_text(&mut app, "Rachel Kim");
    key(&mut app, KeyCode::Enter);
    assert!(app.form.as_ref().is_some_and(|f| f.confirm_escalate));
    assert!(screen(&app).contains("Rachel Kim?"), "{}", screen(&app));
    press(&mut app, 'y');
    let events = app.store.events(29).expect("history");
    assert_eq!(events.len(), before + 1);
    assert_eq!(events.last().map(|e| e.kind.name()), Some("escalated"));
}

#[test]
fn keys_do_nothing_behind_the_too_small_screen() {
    let (_dir, mut app) = demo_app((30, 8));
    let column = app.column;
    for c in ['l', 'E', 'a', 'd', '/', '?', 't', 'n'] {
        press(&mut app, c);
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.column, column);
    assert_eq!(app.form, None);
    assert_eq!(app.filter_input, None);
    assert_eq!(app.screen, Screen::Board);
    assert!(screen(&app).contains("too small"));
    press(&mut app, 'q');
    assert!(app.quit, "q still quits");
}

#[test]
fn q_behind_the_too_small_screen_keeps_a_form_with_typing_in_it() {
    let (_dir, mut app) = demo_app((160, 48));
    press(&mut app, 'n');
    for c in "Globex renewal".chars() {
        press(&mut app, c);
    }
    app.resize(30, 8).expect("resize");
    let text = screen(&app);
    assert!(text.contains("Ctrl-C quits and loses it"), "{text}");
    press(&mut app, 'q');
    assert!(!app.quit, "q does not throw away what was typed");
    app.resize(160, 48).expect("resize");
    assert!(screen(&app).contains("Globex renewal"));
    // With nothing typed, q leaves as before.
    let (_dir, mut app) = demo_app((160, 48));
    press(&mut app, 'n');
    app.resize(30, 8).expect("resize");
    assert!(screen(&app).contains("q quits"));
    press(&mut app, 'q');
    assert!(app.quit);
}

#[test]
fn resizing_across_the_tall_card_height_draws_what_a_reload_draws() {
    let (_dir, mut app) = demo_app((160, 48));
    select(&mut app, 21);
    for (w, h) in [(160, 39), (120, 44), (100, 24), (160, 48)] {
        app.resize(w, h).expect("resize");
        let drawn = screen(&app);
        assert!(drawn.contains("#21 Datum Corp"), "{drawn}");
        app.reload().expect("reload");
        assert_eq!(drawn, screen(&app), "at {w}×{h}");
    }
}

#[test]
fn an_absurd_terminal_size_draws_a_sane_maximum() {
    let (_dir, mut app) = demo_app((10_000, 10_000));
    assert_eq!(app.size, (baton::ui::MAX_WIDTH, baton::ui::MAX_HEIGHT));
    app.resize(u16::MAX, u16::MAX).expect("resize");
    assert_eq!(app.size, (baton::ui::MAX_WIDTH, baton::ui::MAX_HEIGHT));
    let text = screen(&app);
    assert_eq!(text.lines().count(), usize::from(baton::ui::MAX_HEIGHT));
    assert!(text.contains("in limbo"));
}

/// The metrics screen reads only the events appended since it last read the log
/// (after a change made on the board, and after another process's): its figures are
/// always those of the whole log read afresh.
#[test]
fn the_metrics_screen_follows_changes_reading_only_new_events() {
    use baton::domain::metrics::{Period, compute};
    let (dir, mut app) = demo_app((160, 48));
    app.update(Action::Metrics)
        .expect("the metrics screen opens");
    assert_eq!(app.screen, Screen::Metrics);
    let fresh = |app: &App| {
        let now = app.now();
        let period = Period::to_now(
            now.checked_sub_signed(chrono::Duration::days(App::METRICS_DAYS)),
            now,
        );
        compute(
            &app.store.flow_histories().expect("histories"),
            &app.store.org().expect("org"),
            period,
            &app.zone,
        )
    };
    assert_eq!(app.metrics.as_ref(), Some(&fresh(&app)));
    let limbo = app
        .store
        .items(&ItemFilter {
            states: vec![State::Limbo],
            ..ItemFilter::default()
        })
        .expect("items");
    let before = app.metrics.clone();
    // Changes made here: accepts, a bounce and a new item.
    for (n, item) in limbo.iter().take(3).enumerate() {
        let command = if n == 1 {
            Command::Bounce {
                reason: "missing the order form".into(),
                cause: None,
            }
        } else {
            Command::Accept { owner: None }
        };
        app.run(Some(item.id), command).expect("the change is made");
        assert_eq!(
            app.metrics.as_ref(),
            Some(&fresh(&app)),
            "after #{}",
            item.id
        );
    }
    assert_ne!(app.metrics, before, "the changes moved the figures");
    // Another process's change, seen on the next idle moment.
    let mut other = Store::open(&db_path(&dir)).expect("a second connection");
    let item = limbo.get(3).expect("a fourth item in limbo");
    let at = app.now();
    other
        .execute(
            Some(item.id),
            Command::Accept { owner: None },
            at,
            "someone",
        )
        .expect("accepted elsewhere");
    let before = app.metrics.clone();
    app.tick().expect("idle");
    assert_ne!(app.metrics, before, "the other process's accept is counted");
    assert_eq!(app.metrics.as_ref(), Some(&fresh(&app)));
}

/// Time alone breaches items in limbo: at the next minute the limbo columns' breach
/// counts and the title line's total say so, without a key pressed, and are what a
/// reload of the whole board counts.
#[test]
fn breaches_are_counted_again_as_time_passes_without_a_key() {
    use baton::tui::app::Clock;
    let (_dir, mut app) = demo_app((160, 48));
    app.tick().expect("idle");
    let before = breach_counts(&app);
    app.clock = Clock::Fixed(now() + chrono::Duration::days(30));
    app.tick().expect("idle");
    let later = breach_counts(&app);
    assert!(later.0 > before.0, "{before:?} then {later:?}");
    assert!(
        screen(&app).contains(&format!("✖ {} breached", later.0)),
        "{}",
        screen(&app)
    );
    app.reload().expect("reloads");
    assert_eq!(later, breach_counts(&app));
}

/// The title line's breaches and each column's, as the board counts them.
fn breach_counts(app: &App) -> (usize, Vec<(String, usize)>) {
    let columns = app
        .board
        .columns
        .iter()
        .map(|c| (c.kind.id(), c.breached))
        .collect();
    (app.board.totals.breached, columns)
}

/// A write made on the board moves the breach counts by the items it took out and
/// brought in, judged at the moment every count was made: the columns and the title
/// line keep agreeing with each other until the next minute counts them all again at
/// the new time, as a reload does.
#[test]
fn a_write_moves_the_breach_counts_as_of_their_last_count() {
    use baton::tui::app::Clock;
    let (_dir, mut app) = demo_app((160, 48));
    app.tick().expect("idle");
    let breached_in = |app: &App, id: &str| {
        let (_, columns) = breach_counts(app);
        columns.into_iter().find(|(c, _)| c == id).map(|(_, n)| n)
    };
    let sales_solutions = limbo("sales", "solutions").id();
    // #24, breached, waits on sales → solutions beside one not yet breached.
    assert_eq!(breached_in(&app, &sales_solutions), Some(1));
    let total = app.board.totals.breached;
    // A month later, before the minute's count, #24 is accepted: the column and the
    // total lose its breach and count the rest as they were counted.
    app.clock = Clock::Fixed(now() + chrono::Duration::days(30));
    select(&mut app, 24);
    press(&mut app, 'a');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.item(24).expect("#24").state, State::Active);
    assert_eq!(breached_in(&app, &sales_solutions), Some(0));
    assert_eq!(app.board.totals.breached, total - 1);
    let summed: usize = app.board.tallies.values().map(|t| t.breached).sum();
    assert_eq!(summed, app.board.totals.breached);
    assert!(
        screen(&app).contains(&format!("✖ {} breached", total - 1)),
        "{}",
        screen(&app)
    );
    // The next minute counts them at the new time: what a reload counts.
    app.tick().expect("idle");
    let ticked = breach_counts(&app);
    assert_eq!(
        breached_in(&app, &sales_solutions),
        Some(1),
        "the other item, a month on"
    );
    app.reload().expect("reloads");
    assert_eq!(ticked, breach_counts(&app));
}

/// An item accepted into a lane scrolled past the place it lands in is selected there,
/// with the lane's window around it: the board drawn after the accept is the one a
/// reload draws.
#[test]
fn an_accept_into_a_lane_scrolled_past_it_selects_it_as_a_reload_shows() {
    accept_into_a_scrolled_lane(&[]);
    // With the lane's lower ids gone, #24 comes in at its first row.
    accept_into_a_scrolled_lane(&[16, 21]);
}

/// [`an_accept_into_a_lane_scrolled_past_it_selects_it_as_a_reload_shows`], with the
/// items `closed` of the Solutions lane done first.
fn accept_into_a_scrolled_lane(closed: &[i64]) {
    let dir = demo_db();
    let mut store = Store::open(&db_path(&dir)).expect("the store opens");
    for id in closed {
        store
            .execute(Some(*id), Command::Done(None), now(), "tester")
            .expect("done");
    }
    for n in 0..15 {
        store
            .execute(
                None,
                Command::create(format!("filler {n}"), "solutions"),
                now(),
                "tester",
            )
            .expect("created");
    }
    drop(store);
    let mut app = open_app(&dir, (120, 20));
    let lane = |app: &App| {
        app.board
            .columns
            .iter()
            .position(|c| c.kind.id() == "team:solutions")
            .expect("the solutions lane")
    };
    app.column = lane(&app);
    key(&mut app, KeyCode::Char('G'));
    let scrolled = app.board.columns[lane(&app)].window_start;
    assert!(scrolled > 0, "the lane is scrolled down");
    app.run(Some(24), Command::Accept { owner: None })
        .expect("accepted");
    assert_eq!(app.selected().map(|i| i.id), Some(24));
    assert_eq!(app.column, lane(&app));
    let view = |app: &App| {
        let column = &app.board.columns[lane(app)];
        let ids: Vec<i64> = column.cards.iter().map(|i| i.id).collect();
        (column.window_start, ids, app.selected().map(|i| i.id))
    };
    let drawn = view(&app);
    assert!(drawn.0 < scrolled, "the window moved up to #24: {drawn:?}");
    app.reload().expect("reloads");
    assert_eq!(drawn, view(&app));
}

/// The board's changes reach the database file itself, not only SQLite's log beside it:
/// the board copies the log in (a checkpoint) on a thread of its own, after its writes
/// rather than inside one, so a keypress never waits for it.
#[test]
fn the_boards_changes_reach_the_database_file_beside_its_writes() {
    let (dir, mut app) = demo_app((160, 48));
    // #24 waits on sales → solutions.
    select(&mut app, 24);
    press(&mut app, 'a');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.store.item(24).expect("#24").state, State::Active);

    // The file read alone (`immutable`: without the log) holds the accept once the
    // board has had a quiet moment; the board is still open.
    let mut uri = std::ffi::OsString::from("file:");
    uri.push(db_path(&dir).as_os_str());
    uri.push("?immutable=1");
    let state_in_file = || {
        let file = rusqlite::Connection::open_with_flags(
            &uri,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )
        .expect("the file opens");
        file.query_row("SELECT state FROM items WHERE id = 24", [], |r| {
            r.get::<_, String>(0)
        })
        .expect("#24 in the file")
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while state_in_file() != "active" {
        assert!(
            std::time::Instant::now() < deadline,
            "the accept stayed in the log, not in the file"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    drop(app);
}

#[test]
fn with_only_the_boundaries_shown_the_overview_does_not_offer_b_again() {
    let (_dir, mut app) = demo_app((80, 24));
    assert!(
        screen(&app).contains(strings::OVERVIEW_MORE),
        "{}",
        screen(&app)
    );
    press(&mut app, 'B');
    let text = screen(&app);
    assert!(!text.contains(strings::OVERVIEW_MORE), "{text}");
    assert!(text.contains(strings::OVERVIEW_MORE_ON_BOARD), "{text}");
}

#[test]
fn the_title_line_shows_both_arrows_at_80_columns() {
    let (_dir, app) = demo_app((80, 24));
    let text = screen(&app);
    let title = text.lines().next().expect("a title line").trim_end();
    // Columns are hidden on both sides of the opening window: both ways are shown.
    assert!(title.contains('◀') && title.ends_with('▶'), "{title}");
}
