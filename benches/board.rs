//! Board benchmark: the board over 100,000 open items (the scale organisation's open
//! items, repeated under new ids, across its 20 teams and 40 boundaries): its first
//! frame, a keypress to the next frame while moving about and while accepting items
//! through the accept form, and the resident memory of `baton board --print`.
//!
//! Run with `cargo bench --bench board`. Prints a table of figures against their targets;
//! it asserts nothing (tests assert behaviour, benchmarks report numbers).

mod common;

use std::time::{Duration as Elapsed, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use baton::domain::State;
use baton::export::json::BoardDocument;
use baton::storage::Store;
use baton::tui::app::{App, Clock};
use baton::ui::{self, theme::Theme};

use common::{NOW, Rng, SEED, baton_bin, bench_dir, human, median, organisation, percentile};

const SIZE: (u16, u16) = (160, 48);
const KEYS: usize = 2_000;
/// Open items on the board.
const OPEN: usize = 100_000;
/// Accepts made through the form.
const ACCEPTS: usize = 60;

const FIRST_FRAME_TARGET: Elapsed = Elapsed::from_millis(50);
const PRINT_BUDGET: Elapsed = Elapsed::from_secs(1);
const KEY_TARGET: Elapsed = Elapsed::from_millis(2);
const RSS_TARGET_MB: f64 = 60.0;

/// The scale organisation's open items, repeated under new ids until there are `count`.
fn open_board(now: DateTime<Utc>, count: usize) -> Result<BoardDocument> {
    let mut doc = organisation(now)?;
    let open: Vec<_> = doc
        .items
        .iter()
        .filter(|i| i.state.is_open())
        .cloned()
        .collect();
    doc.items = open
        .iter()
        .cycle()
        .take(count)
        .enumerate()
        .map(|(i, item)| {
            let mut item = item.clone();
            item.id = i as i64 + 1;
            item
        })
        .collect();
    Ok(doc)
}

fn main() -> Result<()> {
    let now: DateTime<Utc> = NOW.parse()?;
    let (_temp, dir) = bench_dir(&["board.db"])?;
    let db = dir.join("board.db");
    let started = Instant::now();
    let doc = open_board(now, OPEN)?;
    let (org, items) = doc.check()?;
    Store::open_or_create(&db)?.replace_board(&org, &items, false)?;
    let limbo = items
        .iter()
        .filter(|(i, _)| i.state == State::Limbo)
        .count();
    println!(
        "built {} ({} teams, {} boundaries, {} open items, {limbo} in limbo) in {}",
        db.display(),
        org.teams.len(),
        org.boundaries.len(),
        items.len(),
        human(started.elapsed())
    );
    let area = Rect::new(0, 0, SIZE.0, SIZE.1);
    let theme = Theme::DARK;
    let mut rows: Vec<Row> = Vec::new();

    // First frame: open the board and draw it once, as `baton board` does.
    let (took, _) = median(|| {
        let started = Instant::now();
        let app = App::new(Store::open(&db)?, Clock::Fixed(now), "bench".into(), SIZE)?;
        let mut buf = Buffer::empty(area);
        ui::render(area, &mut buf, &app, &theme);
        Ok((started.elapsed(), None))
    })?;
    rows.push(Row::time(
        "first frame, 160×48 (library)",
        took,
        FIRST_FRAME_TARGET,
    ));

    // Keypress to the next frame: a walk of moves across the board, drawn after each key.
    let mut app = App::new(Store::open(&db)?, Clock::Fixed(now), "bench".into(), SIZE)?;
    let mut buf = Buffer::empty(area);
    ui::render(area, &mut buf, &app, &theme);
    let keys = key_walk(KEYS);
    let mut times = Vec::with_capacity(keys.len());
    let mut by_key: Vec<(KeyCode, Vec<Elapsed>)> = Vec::new();
    let mut loads = 0;
    for key in keys {
        let before = window_of(&app);
        let started = Instant::now();
        app.handle_key(KeyEvent::new(key, KeyModifiers::NONE))?;
        buf.reset();
        ui::render(area, &mut buf, &app, &theme);
        let took = started.elapsed();
        times.push(took);
        match by_key.iter_mut().find(|(k, _)| *k == key) {
            Some((_, t)) => t.push(took),
            None => by_key.push((key, vec![took])),
        }
        let after = window_of(&app);
        if after.0 == before.0 && after.1 != before.1 {
            loads += 1;
        }
    }
    times.sort();
    println!(
        "{} keys (j k l h PageDown), {loads} of them loaded another window of a column; slowest {}",
        times.len(),
        human(times.last().copied().unwrap_or_default())
    );
    for (key, times) in &mut by_key {
        times.sort();
        println!(
            "  {key}: {} keys, median {}, p99 {}",
            times.len(),
            human(percentile(times, 50.0)),
            human(percentile(times, 99.0))
        );
    }
    rows.push(Row::time(
        "keypress → frame, median",
        percentile(&times, 50.0),
        KEY_TARGET,
    ));
    rows.push(Row::time(
        "keypress → frame, p99",
        percentile(&times, 99.0),
        KEY_TARGET,
    ));

    // An action that writes: on a limbo column, `a` opens the accept form (owner
    // offered from the contract), Enter accepts; each key timed to its frame.
    let (mut opens, mut submits) = (Vec::new(), Vec::new());
    let limbo_columns: Vec<usize> = (0..app.board.columns.len())
        .filter(|&i| app.board.columns[i].kind.is_limbo())
        .collect();
    for n in 0..ACCEPTS {
        let Some(&column) = limbo_columns
            .iter()
            .cycle()
            .skip(n % limbo_columns.len().max(1))
            .find(|&&c| app.board.columns.get(c).is_some_and(|c| c.count > 0))
        else {
            break;
        };
        app.column = column;
        // Back to the board after the accept followed the item into its lane.
        app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))?;
        app.column = column;
        for (key, into) in [
            (KeyCode::Char('a'), &mut opens),
            (KeyCode::Enter, &mut submits),
        ] {
            let started = Instant::now();
            app.handle_key(KeyEvent::new(key, KeyModifiers::NONE))?;
            buf.reset();
            ui::render(area, &mut buf, &app, &theme);
            into.push(started.elapsed());
        }
        if app.form.is_some() {
            anyhow::bail!(
                "the accept form did not submit: {:?}",
                app.form.as_ref().map(|f| &f.error)
            );
        }
    }
    opens.sort();
    submits.sort();
    println!("{} accepts through the form", submits.len());
    rows.push(Row::time(
        "accept: a → form frame, median",
        percentile(&opens, 50.0),
        KEY_TARGET,
    ));
    rows.push(Row::time(
        "accept: a → form frame, p99",
        percentile(&opens, 99.0),
        KEY_TARGET,
    ));
    rows.push(Row::time(
        "accept: enter → board frame, median",
        percentile(&submits, 50.0),
        KEY_TARGET,
    ));
    rows.push(Row::time(
        "accept: enter → board frame, p99",
        percentile(&submits, 99.0),
        KEY_TARGET,
    ));

    // The release binary end to end, and its peak resident memory.
    let (width, height) = (SIZE.0.to_string(), SIZE.1.to_string());
    let args = ["board", "--print", "--width", &width, "--height", &height];
    let (took, rss) = median(|| baton_bin(&db, now, &args))?;
    // Printing is not the interactive first frame: it also waits for the duplicate
    // marks, which the board draws on its first idle moment. No target is set for it;
    // a second is what a script may reasonably wait.
    rows.push(Row::time(
        "board --print, with duplicate marks (binary)",
        took,
        PRINT_BUDGET,
    ));
    rows.push(Row {
        what: "board --print peak RSS (binary)".into(),
        figure: rss.map_or("?".into(), |r| format!("{r:.0} MB")),
        target: format!("{RSS_TARGET_MB:.0} MB"),
        pass: rss.is_some_and(|r| r <= RSS_TARGET_MB),
    });

    println!();
    println!(
        "{:<34} {:>10} {:>10} {:>6}",
        "measure", "figure", "target", ""
    );
    for r in &rows {
        println!(
            "{:<34} {:>10} {:>10} {:>6}",
            r.what,
            r.figure,
            r.target,
            if r.pass { "PASS" } else { "OVER" }
        );
    }
    Ok(())
}

/// Keys that move about the board: mostly down a column (through several windows of
/// cards), some back up, pages down, and across columns both ways.
fn key_walk(count: usize) -> Vec<KeyCode> {
    let mut rng = Rng(SEED);
    (0..count)
        .map(|_| match rng.unit() {
            x if x < 0.45 => KeyCode::Char('j'),
            x if x < 0.60 => KeyCode::Char('k'),
            x if x < 0.76 => KeyCode::PageDown,
            x if x < 0.88 => KeyCode::Char('l'),
            _ => KeyCode::Char('h'),
        })
        .collect()
}

/// The selected column and where its loaded window starts.
fn window_of(app: &App) -> (usize, usize) {
    let start = app
        .board
        .columns
        .get(app.column)
        .map_or(0, |c| c.window_start);
    (app.column, start)
}

struct Row {
    what: String,
    figure: String,
    target: String,
    pass: bool,
}

impl Row {
    fn time(what: &str, took: Elapsed, target: Elapsed) -> Row {
        println!("  {what}: {}", human(took));
        Row {
            what: what.to_string(),
            figure: human(took),
            target: human(target),
            pass: took <= target,
        }
    }
}
