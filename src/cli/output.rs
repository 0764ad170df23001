//! What read commands print: JSON views for scripts, aligned text for people.
//! Every piece of stored text goes through [`display_safe`] before it is printed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::clock::Zone;
use crate::domain::attention::{Attention, Signal, SlaStanding};
use crate::domain::duration::{format_duration, format_duration_compact};
use crate::domain::history::narrate;
use crate::domain::text::{display_safe, display_safe_multiline, fit};
use crate::domain::view::{MISSING, Place, TermValue, limbo_time, owner_line, terms};
use crate::domain::{Boundary, Event, Item, Org, State};

/// An item as `ls --json` and `show --json` give it.
#[derive(Debug, Serialize)]
pub struct ItemView<'a> {
    pub id: i64,
    pub title: &'a str,
    pub team: &'a str,
    pub owner: Option<&'a str>,
    pub state: State,
    /// A dropped item closed as a duplicate: the item it was merged into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary: Option<BoundaryPair<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limbo_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<String>,
    /// With a working calendar: the working time counted against the SLA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla_used_minutes: Option<i64>,
    /// The working calendar the SLA counts in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla_status: Option<&'static str>,
    pub due: Option<DateTime<Utc>>,
    /// Out of the attention queue until then, unless overdue or breached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<DateTime<Utc>>,
    pub tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_key: Option<&'a str>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct BoundaryPair<'a> {
    pub from: &'a str,
    pub to: &'a str,
}

pub fn item_view<'a>(item: &'a Item, org: &Org, now: DateTime<Utc>) -> ItemView<'a> {
    let time = limbo_time(item, org, now);
    ItemView {
        id: item.id,
        title: &item.title,
        team: &item.team,
        owner: item.owner.as_deref(),
        state: item.state,
        merged_into: item.merged_into,
        boundary: item.boundary().map(|(from, to)| BoundaryPair { from, to }),
        sent_at: item.limbo.as_ref().map(|l| l.sent_at),
        limbo_minutes: time.map(|t| t.age.num_minutes()),
        sla: time.and_then(|t| match t.working_day {
            Some(_) => t.sla_text(),
            None => t.sla.map(format_duration_compact),
        }),
        sla_used_minutes: time
            .filter(|t| t.working_day.is_some())
            .map(|t| t.used.num_minutes()),
        calendar: item
            .boundary()
            .and_then(|(from, to)| org.boundary(from, to))
            .and_then(|b| b.contract.calendar.clone()),
        sla_status: time.map(|t| t.standing.as_str()),
        due: item.due,
        snoozed_until: snoozed_until(item, now),
        tags: &item.tags,
        link: item.link.as_deref(),
        external_key: item.external_key.as_deref(),
        created_at: item.created_at,
        updated_at: item.updated_at,
    }
}

pub use crate::domain::attention::snoozed_until;

/// Rows of cells as an aligned table; the last column is not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    table_keeping(header, rows, &[])
}

/// [`table`], with the columns at `whole` never cut: what they say ends in a mark
/// (`✖ breached`) that must be read whole.
fn table_keeping(header: &[&str], rows: &[Vec<String>], whole: &[usize]) -> String {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            let cap = if whole.contains(&i) { usize::MAX } else { 48 };
            widths[i] = widths[i].max(cell.width()).min(cap);
        }
    }
    let line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&fit(cell, widths[i]));
                text.push_str("  ");
            }
        }
        text.trim_end().to_string()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

fn where_cell(item: &Item) -> String {
    display_safe(&Place::of(item).short())
}

fn limbo_cell(item: &Item, org: &Org, now: DateTime<Utc>) -> String {
    match limbo_time(item, org, now) {
        Some(time) => {
            let mark = match time.standing {
                SlaStanding::Within => "",
                SlaStanding::AtRisk => " ! at risk",
                SlaStanding::Breached => " ✖ breached",
                SlaStanding::NoSla => " (no SLA)",
            };
            match (time.working_day, time.sla) {
                (Some(_), Some(sla)) => format!(
                    "{}: {} of {} working time used{mark}",
                    format_duration(time.age),
                    time.counted(time.used),
                    time.counted(sla)
                ),
                // Around the clock, the SLA it runs against as the board shows it.
                (None, Some(sla)) => format!(
                    "{} of {}{mark}",
                    format_duration(time.age),
                    format_duration(sla)
                ),
                _ => format!("{}{mark}", format_duration(time.age)),
            }
        }
        None => String::new(),
    }
}

pub fn items_text(items: &[Item], org: &Org, now: DateTime<Utc>) -> String {
    if items.is_empty() {
        return "no items match\n".to_string();
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            vec![
                format!("#{}", item.id),
                item.state.as_str().to_string(),
                where_cell(item),
                item.owner
                    .as_deref()
                    .map_or_else(|| "—".to_string(), display_safe),
                limbo_cell(item, org, now),
                display_safe(&item.title),
            ]
        })
        .collect();
    table_keeping(
        &["ID", "STATE", "WHERE", "OWNER", "IN LIMBO", "TITLE"],
        &rows,
        &[4],
    )
}

/// `ls --snoozed`: each item snoozed at `now`, with when its snooze ends (in `zone`).
pub fn snoozed_text(items: &[Item], now: DateTime<Utc>, zone: &Zone) -> String {
    if items.is_empty() {
        return "no item is snoozed\n".to_string();
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .filter_map(|item| {
            let until = snoozed_until(item, now)?;
            Some(vec![
                format!("#{}", item.id),
                zone.show(until),
                where_cell(item),
                item.owner
                    .as_deref()
                    .map_or_else(|| "—".to_string(), display_safe),
                display_safe(&item.title),
            ])
        })
        .collect();
    table(&["ID", "SNOOZED UNTIL", "WHERE", "OWNER", "TITLE"], &rows)
}

pub fn show_text(
    item: &Item,
    events: &[Event],
    org: &Org,
    signals: &[Signal],
    now: DateTime<Utc>,
    zone: &Zone,
) -> String {
    let local = |t| zone.show(t);
    let mut out = format!("#{}  {}\n", item.id, display_safe(&item.title));
    let mut field = |name: &str, value: String| {
        out.push_str(&format!("  {:<10} {}\n", format!("{name}:"), value));
    };
    let place = Place::of(item);
    let state = match place {
        Place::Limbo { .. } => format!(
            "{} for {}",
            display_safe(&place.describe()),
            limbo_cell(item, org, now)
        ),
        _ => display_safe(&place.describe_in_full()),
    };
    field("state", state);
    field("owner", display_safe(&owner_line(item, org).0));
    if let Some(due) = item.due {
        field("due", local(due));
    }
    if !item.tags.is_empty() {
        field("tags", display_safe(&item.tags.join(", ")));
    }
    if let Some(link) = &item.link {
        field("link", display_safe(link));
    }
    if let Some(key) = &item.external_key {
        field("from", display_safe(key));
    }
    if let Some(esc) = &item.escalation {
        field(
            "escalated",
            format!(
                "{} to {}",
                local(esc.at),
                esc.to
                    .as_deref()
                    .map_or("no one named".to_string(), display_safe)
            ),
        );
    }
    if let Some(until) = snoozed_until(item, now) {
        let fact = signals
            .iter()
            .find(|s| crate::domain::attention::snooze_cannot_hide(s.code));
        field(
            "snoozed",
            match fact {
                Some(s) => format!(
                    "until {}, but in the attention queue all the same: {}",
                    local(until),
                    s.code.as_str()
                ),
                None => format!(
                    "until {}: out of the attention queue till then",
                    local(until)
                ),
            },
        );
    }
    field("created", local(item.created_at));
    if let Some(body) = &item.body {
        out.push_str(&format!("\n{}", indent(&display_safe_multiline(body))));
    }
    if let Some(limbo) = &item.limbo {
        out.push_str("\nhandoff note:\n");
        out.push_str(&indent(&display_safe_multiline(&limbo.note)));
        if let Some(b) = item.boundary().and_then(|(f, t)| org.boundary(f, t)) {
            out.push_str("\ncontract:\n");
            out.push_str(&indent(&contract_text(b)));
        }
    }
    if !signals.is_empty() {
        out.push_str("\nneeds attention:\n");
        for s in signals {
            out.push_str(&format!(
                "  {:<19} {}\n",
                s.code.as_str(),
                display_safe(&s.reason)
            ));
        }
    }
    out.push_str("\nhistory:\n");
    for (event, line) in narrate(events, zone) {
        out.push_str(&format!(
            "  {}  {:<10} {}\n",
            local(event.at),
            display_safe(&event.actor),
            display_safe(&line)
        ));
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect::<String>()
}

/// The contract's terms, one a line, a missing one marked.
pub fn contract_text(b: &Boundary) -> String {
    let mut out = String::new();
    for term in terms(&b.contract) {
        let label = format!("{}:", term.label);
        match term.value {
            Some(TermValue::Checklist(entries)) => {
                out.push_str(&format!("{label}\n"));
                for (i, entry) in entries.iter().enumerate() {
                    out.push_str(&format!("  {}. {}\n", i + 1, display_safe(entry)));
                }
            }
            Some(TermValue::Text(value)) => {
                out.push_str(&format!("{label:<13}{}\n", display_safe(&value)));
            }
            None => out.push_str(&format!("{label:<13}{MISSING}\n")),
        }
    }
    out
}

/// A calendar's zone, hours, working day and holidays, one per line.
pub fn calendar_text(c: &crate::domain::calendar::Calendar) -> String {
    let mut out = format!("zone:        {}\n", display_safe(&c.def().tz));
    for (i, row) in c.def().hours.iter().enumerate() {
        let label = if i == 0 { "hours:" } else { "" };
        out.push_str(&format!("{label:<13}{}\n", display_safe(row)));
    }
    out.push_str(&format!(
        "working day: {} (an SLA's d; w is five)\n",
        crate::domain::duration::format_duration(c.day_length())
    ));
    let holidays: Vec<String> = c.def().holidays.iter().map(|d| d.to_string()).collect();
    out.push_str(&format!(
        "holidays:    {}\n",
        if holidays.is_empty() {
            "none".to_string()
        } else {
            holidays.join(", ")
        }
    ));
    out
}

/// Entries of the attention listing formatted at once by one thread: a block's lines
/// fit in a buffer that is reused, rather than one buffer for the whole listing
/// (100,000 items make some 17 MB of text).
const ATTENTION_BLOCK: usize = 4_096;

/// `baton attention`'s listing, written to `out`: each entry with its place and its
/// reasons, then the boundaries whose contracts lack something. A long queue is
/// formatted a block per core at a time, and the blocks are written in order.
pub fn write_attention_text(
    out: &mut dyn std::io::Write,
    queue: &[Attention],
    items: &[Item],
    contracts: &[(String, Signal)],
) -> std::io::Result<()> {
    let by_id = crate::domain::attention::ItemsById::new(items);
    if queue.is_empty() {
        out.write_all(b"nothing needs attention\n")?;
    }
    let threads = if queue.len() > ATTENTION_BLOCK {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    let mut buffers = vec![String::new(); threads];
    for round in queue.chunks(ATTENTION_BLOCK * threads) {
        let blocks = round.chunks(ATTENTION_BLOCK);
        let used = blocks.len();
        if used == 1 {
            buffers[0].clear();
            push_attention_entries(&mut buffers[0], round, &by_id);
        } else {
            std::thread::scope(|scope| {
                for (buffer, block) in buffers.iter_mut().zip(blocks) {
                    let by_id = &by_id;
                    scope.spawn(move || {
                        buffer.clear();
                        push_attention_entries(buffer, block, by_id);
                    });
                }
            });
        }
        for buffer in &buffers[..used] {
            out.write_all(buffer.as_bytes())?;
        }
    }
    if !contracts.is_empty() {
        let mut text = String::from("\nboundaries:\n");
        for (label, s) in contracts {
            text.push_str(&format!(
                "  {:<24} {:<19} {}\n",
                display_safe(label),
                s.code.as_str(),
                display_safe(&s.reason)
            ));
        }
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

/// The lines of `entries` of the attention listing, appended to `out`.
fn push_attention_entries(
    out: &mut String,
    entries: &[Attention],
    by_id: &crate::domain::attention::ItemsById<'_>,
) {
    use crate::domain::text::push_display_safe;
    // Pads the line from `start` with spaces to `width` (ids and codes are ASCII).
    const SPACES: &str = "                   ";
    let pad = |out: &mut String, start: usize, width: usize| {
        let short = width.saturating_sub(out.len() - start);
        out.push_str(&SPACES[..short.min(SPACES.len())]);
    };
    let mut place = String::new();
    let mut id = itoa::Buffer::new();
    for entry in entries {
        let Some(item) = by_id.get(entry.id) else {
            continue;
        };
        // "#42    title  [sales → solutions]"
        let start = out.len();
        out.push('#');
        out.push_str(id.format(item.id));
        pad(out, start, 6);
        out.push(' ');
        push_display_safe(out, &item.title);
        out.push_str("  [");
        place.clear();
        Place::of(item).push_short(&mut place);
        push_display_safe(out, &place);
        out.push_str("]\n");
        for s in &entry.signals {
            out.push_str("       ");
            let start = out.len();
            out.push_str(s.code.as_str());
            pad(out, start, 19);
            out.push(' ');
            push_display_safe(out, &s.reason);
            out.push('\n');
        }
    }
}

/// `baton stats` and `snapshot show`: headline numbers, boundaries worst first, teams.
pub fn stats_text(m: &crate::domain::metrics::Metrics, zone: &Zone) -> String {
    use crate::domain::metrics::{minutes, percent, worst_first};
    let local = |t| zone.show(t);
    let o = &m.overall;
    let mut out = match m.period.since {
        Some(since) => format!(
            "Flow metrics from {} to {}\n\n",
            local(since),
            local(m.period.until)
        ),
        None => format!(
            "Flow metrics, all history up to {}\n\n",
            local(m.period.until)
        ),
    };
    let line = |out: &mut String, name: &str, value: String| {
        out.push_str(&format!("  {name:<17} {value}\n"));
    };
    out.push_str("Overall\n");
    line(
        &mut out,
        "handoffs",
        format!(
            "sent {} · accepted {} · bounced {} · reclaimed {}",
            o.sent, o.accepted, o.bounced, o.reclaimed
        ),
    );
    line(
        &mut out,
        "time in limbo",
        format!(
            "median {} · 85th pct {} · max {} ({} spells) · {} in limbo at the end",
            minutes(o.time_in_limbo.median_minutes),
            minutes(o.time_in_limbo.p85_minutes),
            minutes(o.time_in_limbo.max_minutes),
            o.time_in_limbo.count,
            o.in_limbo_now
        ),
    );
    line(
        &mut out,
        "SLA breach rate",
        format!(
            "{} ({} of {} spells)",
            percent(o.breach_rate),
            o.breached,
            o.spells
        ),
    );
    line(&mut out, "bounce rate", percent(o.bounce_rate));
    line(
        &mut out,
        "escalations",
        format!(
            "{} · incomplete handoffs {} · late handoffs {} · dropped batons {}",
            o.escalations,
            o.incomplete_handoffs,
            m.late_handoffs(),
            o.dropped_batons
        ),
    );
    line(
        &mut out,
        "done",
        format!(
            "{} · cycle time median {} · 85th pct {} · max {}",
            o.done,
            minutes(o.cycle_time.median_minutes),
            minutes(o.cycle_time.p85_minutes),
            minutes(o.cycle_time.max_minutes)
        ),
    );
    line(
        &mut out,
        "flow efficiency",
        format!("{} · WIP {}", percent(o.flow_efficiency), o.wip),
    );
    out.push_str("\nBoundaries, worst first\n");
    let rows: Vec<Vec<String>> = worst_first(&m.boundaries)
        .into_iter()
        .map(|b| {
            vec![
                display_safe(&b.label()),
                minutes(b.sla_minutes),
                format!("{}/{}/{}/{}", b.sent, b.accepted, b.bounced, b.reclaimed),
                minutes(b.time_in_limbo.median_minutes),
                minutes(b.time_in_limbo.p85_minutes),
                minutes(b.time_in_limbo.max_minutes),
                b.open_ages_minutes.len().to_string(),
                percent(b.breach_rate),
                percent(b.bounce_rate),
                format!(
                    "{}/{}/{}/{}",
                    b.escalations, b.incomplete_handoffs, b.late_handoffs, b.dropped_batons
                ),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "BOUNDARY",
            "SLA",
            "SENT/ACC/BNC/RCL",
            "MEDIAN",
            "P85",
            "MAX",
            "OPEN",
            "BREACH",
            "BOUNCE",
            "ESC/INC/LATE/DROP",
        ],
        &rows,
    ));
    out.push_str("\nTeams\n");
    let rows: Vec<Vec<String>> = m
        .teams
        .iter()
        .map(|t| {
            vec![
                display_safe(&t.team),
                t.wip.to_string(),
                minutes(t.wip_age.median_minutes),
                t.done.to_string(),
                minutes(t.cycle_time.median_minutes),
                percent(t.flow_efficiency),
                format!("{}/{}", t.escalations, t.dropped_batons),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "TEAM", "WIP", "WIP AGE", "DONE", "CYCLE", "FLOW EFF", "ESC/DROP",
        ],
        &rows,
    ));
    if !m.throughput.is_empty() {
        out.push_str("\nThroughput per week\n");
        let max = m.throughput.iter().map(|w| w.done).max().unwrap_or(0) as f64;
        for w in &m.throughput {
            out.push_str(&format!(
                "  {}  {:>3} {}\n",
                w.week,
                w.done,
                crate::domain::text::bar(w.done as f64, max, 20)
            ));
        }
    }
    out
}

/// `snapshot diff`: what moved, entered or left limbo, newly breached, and metric changes.
pub fn diff_text(d: &crate::domain::snapshot::Diff) -> String {
    let mut out = format!(
        "from “{}” to “{}”\n",
        display_safe(&d.before),
        display_safe(&d.after)
    );
    for (heading, list) in [
        ("crossed to another team", &d.crossed),
        ("entered limbo", &d.entered_limbo),
        ("left limbo", &d.left_limbo),
        ("newly breached", &d.newly_breached),
    ] {
        out.push_str(&format!("\n{heading} ({})\n", list.len()));
        for m in list {
            out.push_str(&format!(
                "  #{:<5} was {}, now {}  {}\n",
                m.id,
                display_safe(&m.before),
                display_safe(&m.after),
                display_safe(&m.title)
            ));
        }
    }
    out.push_str(&format!("\nmetrics that changed ({})\n", d.metrics.len()));
    for c in &d.metrics {
        let (before, after) = change_shown(&c.metric, c.before, c.after);
        out.push_str(&format!(
            "  {:<48} {before} → {after}\n",
            display_safe(&c.metric)
        ));
    }
    out
}

/// A changed number's two values in words, precise enough to tell them apart: a share
/// as a whole percentage unless both round alike (then with decimals), a duration in
/// days and hours unless both read alike (then to the minute).
pub fn change_shown(metric: &str, before: Option<f64>, after: Option<f64>) -> (String, String) {
    let share = metric.ends_with("_rate") || metric.ends_with("efficiency");
    let duration = metric.ends_with("_minutes");
    let exact = |minutes: f64| {
        let m = minutes as i64;
        let (d, h, min) = (m / 1440, (m % 1440) / 60, m % 60);
        match (d, h) {
            (0, 0) => format!("{min}m"),
            (0, _) => format!("{h}h {min}m"),
            _ => format!("{d}d {h}h {min}m"),
        }
    };
    let show = |v: Option<f64>, precision: usize| -> String {
        match v {
            None => "—".to_string(),
            Some(x) if share => format!("{:.*}%", precision, x * 100.0),
            Some(x) if duration && precision == 0 => {
                crate::domain::metrics::minutes(Some(x as i64))
            }
            Some(x) if duration => exact(x),
            Some(x) => format!("{x}"),
        }
    };
    let mut precision = 0;
    loop {
        let pair = (show(before, precision), show(after, precision));
        if pair.0 != pair.1 || precision >= 6 {
            return pair;
        }
        precision += 1;
    }
}
