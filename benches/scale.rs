//! Scale benchmark: a large, deterministic organisation (20 teams, 40 boundaries,
//! 100,000 items, about a million events), imported and read back the way the CLI does.
//!
//! Run with `cargo bench --bench scale`. Prints a table of figures against their targets;
//! it asserts nothing (tests assert behaviour, benchmarks report numbers).

mod common;

use std::time::{Duration as Elapsed, Instant};

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};

use baton::cli::import_document;
use baton::cli::output::item_view;
use baton::domain::State;
use baton::domain::attention::{SignalCode, attention, possible_duplicates};
use baton::domain::calendar::{Calendar, CalendarDef};
use baton::export::json::BoardDocument;
use baton::storage::{ItemFilter, Store};

use common::{
    NOW, Report, baton_bin, bench_dir, file_size, human, mb, median, open_subset, organisation,
    path_str, peak_rss_mb, wal_of, write_document,
};

const LS_ITEMS: usize = 10_000;

const IMPORT_TARGET: Elapsed = Elapsed::from_secs(15);
const LS_TARGET: Elapsed = Elapsed::from_millis(150);
const ATTENTION_TARGET: Elapsed = Elapsed::from_millis(300);
const TRIAGE_DECISION_TARGET: Elapsed = Elapsed::from_millis(50);

fn main() -> Result<()> {
    let now: DateTime<Utc> = NOW.parse()?;
    let (_temp, dir) = bench_dir(&["baton.db", "bin.db", "ls.db"])?;
    let dir = dir.as_path();
    let mut report = Report::default();

    let started = Instant::now();
    let doc = organisation(now)?;
    let events: usize = doc.items.iter().map(|i| i.events.len()).sum();
    let open = doc.items.iter().filter(|i| i.state.is_open()).count();
    let limbo = doc.items.iter().filter(|i| i.state == State::Limbo).count();
    let board_file = dir.join("board.json");
    write_document(&doc, &board_file)?;
    println!(
        "generated {} teams, {} boundaries, {} items ({} open, {} in limbo), {} events in {:.1?}; {} ({:.0} MB)",
        doc.teams.len(),
        doc.boundaries.len(),
        doc.items.len(),
        open,
        limbo,
        events,
        started.elapsed(),
        board_file.display(),
        mb(file_size(&board_file)),
    );
    let ls_file = dir.join("open-10k.json");
    write_document(&open_subset(&doc, LS_ITEMS), &ls_file)?;
    drop(doc);

    // Import through the library, as `baton import FILE` does, section by section.
    let db = dir.join("baton.db");
    let started = Instant::now();
    let text = std::fs::read_to_string(&board_file)?;
    let read = started.elapsed();
    let doc = BoardDocument::parse(&text)?;
    drop(text);
    let parsed = started.elapsed();
    let (org, items) = doc.check()?;
    let checked = started.elapsed();
    let mut store = Store::open_or_create(&db)?;
    store.replace_board(&org, &items, false)?;
    let written = started.elapsed();
    let (db_size, wal_size) = (file_size(&db), file_size(&wal_of(&db)));
    drop(store);
    drop((org, items, doc));
    println!(
        "import sections: read {}, parse {}, check (replay) {}, write {}",
        human(read),
        human(parsed - read),
        human(checked - parsed),
        human(written - checked)
    );
    report.row("import, 100k items (library)", written, IMPORT_TARGET, None);

    // The same import end to end through the release binary, into a fresh database.
    let bin_db = dir.join("bin.db");
    let (took, rss) = baton_bin(&bin_db, now, &["import", path_str(&board_file)?])?;
    report.row("import, 100k items (binary)", took, IMPORT_TARGET, rss);

    // `ls --json` over a database of 10,000 open items.
    let ls_db = dir.join("ls.db");
    {
        let text = std::fs::read_to_string(&ls_file)?;
        let mut store = Store::open_or_create(&ls_db)?;
        import_document(&mut store, BoardDocument::parse(&text)?, false)?;
    }
    let (took, _) = median(|| {
        let started = Instant::now();
        let store = Store::open(&ls_db)?;
        let org = store.org()?;
        let items = store.items(&ItemFilter {
            states: vec![State::Active, State::Limbo],
            ..ItemFilter::default()
        })?;
        let views: Vec<_> = items.iter().map(|i| item_view(i, &org, now)).collect();
        let mut out = Vec::new();
        serde_json::to_writer_pretty(&mut out, &views)?;
        if items.len() != LS_ITEMS {
            bail!("ls listed {} items, expected {LS_ITEMS}", items.len());
        }
        Ok((started.elapsed(), None))
    })?;
    report.row("ls --json, 10k items (library)", took, LS_TARGET, None);
    let (took, rss) = median(|| baton_bin(&ls_db, now, &["ls", "--json"]))?;
    report.row("ls --json, 10k items (binary)", took, LS_TARGET, rss);

    // One triage decision at 10,000 open items: the key, the event written, the board
    // and the walk's queue refreshed (what the facilitator waits for between items).
    {
        use baton::tui::app::{App, Clock};
        use baton::tui::keys::Action;
        let store = Store::open(&ls_db)?;
        let mut app = App::new(store, Clock::Fixed(now), "bench".to_string(), (160, 48))?;
        app.update(Action::Triage)?;
        let (took, _) = median(|| {
            let started = Instant::now();
            app.update(Action::Snooze)?;
            Ok((started.elapsed(), None))
        })?;
        report.row(
            "triage decision + refresh, 10k open (library)",
            took,
            TRIAGE_DECISION_TARGET,
            None,
        );
    }

    // Attention over the whole 100,000-item database.
    let store = Store::open(&db)?;
    let mut sections = (Elapsed::ZERO, Elapsed::ZERO, 0, 0, 0);
    let (took, _) = median(|| {
        let started = Instant::now();
        let org = store.org()?;
        let items = store.open_items()?;
        let loaded = started.elapsed();
        let queue = attention(&items, &org, now, &Utc);
        let took = started.elapsed();
        let join = Instant::now();
        possible_duplicates(
            items
                .iter()
                .map(|i| (i.id, i.team.as_str(), i.title.as_str())),
            &Default::default(),
        );
        let join = join.elapsed();
        let duplicates = queue
            .iter()
            .filter(|a| {
                a.signals
                    .iter()
                    .any(|s| s.code == SignalCode::PossibleDuplicate)
            })
            .count();
        sections = (loaded, join, items.len(), queue.len(), duplicates);
        Ok((took, None))
    })?;
    drop(store);
    println!(
        "attention: {} open items loaded in {}, queue built in {} (of which the duplicate-title join {}); {} need attention, {} as possible duplicates",
        sections.2,
        human(sections.0),
        human(took.saturating_sub(sections.0)),
        human(sections.1),
        sections.3,
        sections.4
    );
    report.row(
        "attention, 100k items (library)",
        took,
        ATTENTION_TARGET,
        None,
    );
    // The same queue with a working calendar on every boundary (issue #13: under 1.5×
    // the time without). Only the queue is timed, on items already loaded.
    {
        let store = Store::open(&db)?;
        let org = store.org()?;
        let items = store.open_items()?;
        drop(store);
        let mut with_calendars = org.clone();
        with_calendars.calendars = vec![Calendar::from_def(CalendarDef {
            name: "office".to_string(),
            tz: "Europe/Berlin".to_string(),
            hours: vec![
                "Mon-Fri 09:00-12:30 13:30-17:30".to_string(),
                "Sat 10:00-14:00".to_string(),
            ],
            holidays: [
                "2026-10-26",
                "2026-11-02",
                "2026-11-11",
                "2026-12-24",
                "2026-12-25",
            ]
            .iter()
            .filter_map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect(),
        })?];
        for b in &mut with_calendars.boundaries {
            b.contract.calendar = Some("office".to_string());
        }
        let (plain, _) = median(|| {
            let started = Instant::now();
            attention(&items, &org, now, &Utc);
            Ok((started.elapsed(), None))
        })?;
        let (calendars, _) = median(|| {
            let started = Instant::now();
            attention(&items, &with_calendars, now, &Utc);
            Ok((started.elapsed(), None))
        })?;
        println!(
            "attention queue, 100k items: {} around the clock, {} with a calendar on every boundary ({:.2}×, target under 1.5×)",
            human(plain),
            human(calendars),
            calendars.as_secs_f64() / plain.as_secs_f64().max(1e-9)
        );
        report.row(
            "attention queue, 100k items, calendars on every boundary (library)",
            calendars,
            plain.mul_f64(1.5),
            None,
        );
    }
    let (took, rss) = median(|| baton_bin(&db, now, &["attention", "--json"]))?;
    report.row(
        "attention, 100k items (binary)",
        took,
        ATTENTION_TARGET,
        rss,
    );

    report.print();
    println!(
        "database file: {:.0} MB; -wal {:.0} MB right after the import commit, {:.0} MB after close",
        mb(db_size),
        mb(wal_size),
        mb(file_size(&wal_of(&db))),
    );
    println!(
        "peak RSS: binary rows polled from /proc/PID/status; this benchmark process peaked at {}",
        peak_rss_mb().map_or("?".to_string(), |r| format!("{r:.0} MB"))
    );
    Ok(())
}
