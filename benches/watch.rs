//! Watch benchmark: one tick of `baton watch --once` on the scale organisation (100,000
//! items, about 30,000 open, 1,000,000 events), through the release binary. The first
//! tick on a database reads every item's place (history is not replayed) and remembers
//! the standing of every item in limbo; later ticks with nothing new only re-judge the
//! items in limbo; a tick an hour later finds the items that crossed into at risk or
//! breached in that hour.
//!
//! No target is set for a tick by any issue: the budget below is ours (a tick must
//! stay far below the one-minute interval while sharing the database with the board).
//! Run with `cargo bench --bench watch`. It asserts nothing.

mod common;

use std::time::Duration as Elapsed;

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};

use common::{NOW, Report, baton_bin, bench_dir, build_db, median};

const TICK_BUDGET: Elapsed = Elapsed::from_secs(1);

fn main() -> Result<()> {
    let now: DateTime<Utc> = NOW.parse()?;
    let (_temp, dir) = bench_dir(&["watch.db"])?;
    let db = dir.join("watch.db");
    build_db(&db, now)?;
    let mut report = Report::default();
    let once = ["watch", "--once"];

    let (took, rss) = baton_bin(&db, now, &once)?;
    report.row("first tick (cursor for every item)", took, TICK_BUDGET, rss);
    let (took, rss) = median(|| baton_bin(&db, now, &once))?;
    report.row("tick with nothing new", took, TICK_BUDGET, rss);
    let mut later = now;
    let (took, rss) = median(|| {
        later += Duration::hours(1);
        baton_bin(&db, later, &once)
    })?;
    report.row("tick an hour later", took, TICK_BUDGET, rss);
    report.print();
    println!(
        "load average: {}",
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default()
    );
    Ok(())
}
