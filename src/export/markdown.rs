//! The retro report as Markdown, for a wiki: headline numbers, the worst boundaries
//! first with small text bars, teams, throughput, and what sits in limbo.

use chrono::TimeZone;

use crate::domain::attention::SlaStanding;
use crate::domain::metrics::{minutes, percent, worst_first};
use crate::domain::snapshot::Snapshot;
use crate::domain::text::{bar, display_safe};
use crate::domain::view::contract_incomplete;
use crate::domain::{Org, State};

/// At most this many rows in the tables of items (the latest done, the oldest in
/// progress).
const ROWS: usize = 100;

/// Width of the longest text bar, in characters.
const BAR: usize = 20;

/// User text made inert in Markdown, for a table cell or a list item: control
/// characters shown as `display_safe` shows them; `&`, `<` and `>` as entities, so no
/// raw HTML (`<script>`, `<img onerror>`) gets through; every character that can start
/// inline Markdown (emphasis, code, strikethrough, a table's `|`, and the brackets
/// without which no link or image can form) escaped with a backslash; and the colon of a `javascript:`,
/// `vbscript:` or `data:` scheme written as an entity, so no linkifier sees a link.
pub fn cell(text: &str) -> String {
    let safe = display_safe(text);
    let mut out = String::with_capacity(safe.len() + 8);
    for (i, c) in safe.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            ':' if ends_with_script_scheme(&safe[..i]) => out.push_str("&#58;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether `text` ends with a URL scheme that runs code or hides content.
fn ends_with_script_scheme(text: &str) -> bool {
    ["javascript", "vbscript", "data"].iter().any(|scheme| {
        text.len() >= scheme.len()
            && text.is_char_boundary(text.len() - scheme.len())
            && text[text.len() - scheme.len()..].eq_ignore_ascii_case(scheme)
    })
}

/// A bar as an inline code span; an empty cell for no bar, since an empty span ("``")
/// shows as two backticks.
fn bar_cell(value: f64, max: f64, width: usize) -> String {
    let bar = bar(value, max, width);
    if bar.is_empty() {
        bar
    } else {
        format!("`{bar}`")
    }
}

/// The retro; times in `zone`.
pub fn render<Tz: TimeZone>(s: &Snapshot, org: &Org, zone: &Tz) -> String {
    let m = &s.metrics;
    let mut out = format!("# Handoff retro: {}\n\n", cell(&s.label));
    out.push_str(&format!(
        "Period: {}. Every number is computed from the event log; definitions in Baton's docs/metrics.md.\n\n",
        s.metrics.period.describe(zone)
    ));
    out.push_str("## Overall\n\n| metric | value |\n| --- | --- |\n");
    let rows = super::overall_rows(m);
    for (name, value) in rows {
        out.push_str(&format!("| {name} | {value} |\n"));
    }

    out.push_str("\n## Boundaries, worst first\n\n");
    out.push_str("| boundary | SLA | sent | accepted | bounced | reclaimed | median limbo | 85th pct | max | in limbo at the end | breach rate | | bounce rate | escalations | incomplete | dropped batons |\n");
    out.push_str("| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n");
    for b in worst_first(&m.boundaries) {
        let incomplete = contract_incomplete(org, &b.from, &b.to);
        out.push_str(&format!(
            "| {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&b.label()),
            if incomplete {
                " (contract incomplete)"
            } else {
                ""
            },
            minutes(b.sla_minutes),
            b.sent,
            b.accepted,
            b.bounced,
            b.reclaimed,
            minutes(b.time_in_limbo.median_minutes),
            minutes(b.time_in_limbo.p85_minutes),
            minutes(b.time_in_limbo.max_minutes),
            b.open_ages_minutes.len(),
            percent(b.breach_rate),
            bar_cell(b.breach_rate.unwrap_or(0.0), 1.0, BAR / 2),
            percent(b.bounce_rate),
            b.escalations,
            b.incomplete_handoffs,
            b.dropped_batons,
        ));
    }

    causes(&mut out, m);

    out.push_str("\n## Teams\n\n| team | WIP | WIP age (median / max) | done | cycle time (median / 85th pct) | flow efficiency | escalations | dropped batons |\n| --- | ---: | --- | ---: | --- | ---: | ---: | ---: |\n");
    for t in &m.teams {
        out.push_str(&format!(
            "| {} | {} | {} / {} | {} | {} / {} | {} | {} | {} |\n",
            cell(&t.team),
            t.wip,
            minutes(t.wip_age.median_minutes),
            minutes(t.wip_age.max_minutes),
            t.done,
            minutes(t.cycle_time.median_minutes),
            minutes(t.cycle_time.p85_minutes),
            percent(t.flow_efficiency),
            t.escalations,
            t.dropped_batons,
        ));
    }

    out.push_str("\n## Throughput per week\n\n");
    if m.throughput.is_empty() {
        out.push_str("Nothing was done in the period.\n");
    } else {
        let max = m.throughput.iter().map(|w| w.done).max().unwrap_or(0) as f64;
        out.push_str("| week of | done | |\n| --- | ---: | --- |\n");
        for w in &m.throughput {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                w.week,
                w.done,
                bar_cell(w.done as f64, max, BAR)
            ));
        }
    }

    flow_tables(&mut out, s, zone);
    incidents(&mut out, s, zone);
    if let Some(standup) = &s.standup {
        out.push('\n');
        out.push_str(&super::standup::section(standup, zone));
    }

    let mut limbo: Vec<_> = s.items.iter().filter(|r| r.state == State::Limbo).collect();
    limbo.sort_by_key(|r| r.sent_at);
    out.push_str("\n## In limbo at the snapshot\n\n");
    if limbo.is_empty() {
        out.push_str("Nothing is waiting between teams.\n");
    } else {
        out.push_str("| item | boundary | waiting | SLA |\n| --- | --- | --- | --- |\n");
        for r in limbo {
            let waited = r
                .sent_at
                .map(|t| (s.taken_at - t).num_minutes())
                .map(Some)
                .map_or("—".to_string(), minutes);
            out.push_str(&format!(
                "| #{} {} | {} | {} | {} |\n",
                r.id,
                cell(&r.title),
                cell(&r.place()),
                waited,
                match (r.breached, sla_of(m, r).is_some()) {
                    (true, _) => SlaStanding::Breached,
                    (false, true) => SlaStanding::Within,
                    (false, false) => SlaStanding::NoSla,
                }
                .as_str()
            ));
        }
    }
    out
}

/// The report's charts as tables a wiki shows: throughput per day (a run chart of text
/// bars), breaches per day, cycle times of the items done, aging work in progress and
/// the cumulative flow.
fn flow_tables<Tz: TimeZone>(out: &mut String, s: &Snapshot, zone: &Tz) {
    let m = &s.metrics;
    out.push_str("\n## Throughput per day (run chart)\n\n");
    let max = m.daily_throughput.iter().map(|d| d.done).max().unwrap_or(0) as f64;
    let mut sorted: Vec<usize> = m.daily_throughput.iter().map(|d| d.done).collect();
    sorted.sort_unstable();
    if let Some(median) = sorted.get(sorted.len().saturating_sub(1) / 2) {
        out.push_str(&format!(
            "Items done each day of the period, zeros included; the median day: {median}.\n\n"
        ));
    }
    out.push_str("| day | done | |\n| --- | ---: | --- |\n");
    for d in &m.daily_throughput {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            d.day,
            d.done,
            bar_cell(d.done as f64, max, BAR)
        ));
    }

    out.push_str("\n## SLA breaches per day\n\n");
    if m.breaches_per_day.is_empty() {
        out.push_str("No SLA ran out in the period.\n");
    } else {
        out.push_str("| day the SLA ran out | spells past their SLA |\n| --- | ---: |\n");
        for d in &m.breaches_per_day {
            out.push_str(&format!("| {} | {} |\n", d.day, d.breaches));
        }
    }

    out.push_str("\n## Cycle times of the items done\n\n");
    let mut done: Vec<_> = s
        .items
        .iter()
        .filter_map(|r| Some((r.done_at?, r.cycle_minutes?, r)))
        .collect();
    done.sort_by_key(|(at, _, r)| (*at, r.id));
    let all_done = done.len();
    let done: Vec<_> = done.into_iter().rev().take(ROWS).rev().collect();
    if done.is_empty() {
        out.push_str("Nothing was done in the period.\n");
    } else {
        let c = &m.overall.cycle_time;
        out.push_str(&format!(
            "Percentiles over the period: 50th {}, 85th {}, 95th {}.\n\n| item | done | cycle time | |\n| --- | --- | --- | --- |\n",
            minutes(c.median_minutes),
            minutes(c.p85_minutes),
            minutes(c.p95_minutes)
        ));
        let p85 = c.p85_minutes.unwrap_or(i64::MAX);
        if all_done > ROWS {
            out.push_str(&format!(
                "| … {} done earlier in the period | | | |\n",
                all_done - ROWS
            ));
        }
        for (at, cycle, r) in done {
            out.push_str(&format!(
                "| #{} {} | {} | {} | {} |\n",
                r.id,
                cell(&r.title),
                crate::domain::time::day_of(at, zone),
                minutes(Some(cycle)),
                if cycle > p85 {
                    "above the 85th pct"
                } else {
                    ""
                }
            ));
        }
    }

    out.push_str("\n## Aging work in progress\n\n");
    let mut wip: Vec<_> = s
        .items
        .iter()
        .filter(|r| matches!(r.state, State::Active | State::Limbo))
        .filter_map(|r| r.since.map(|since| ((s.taken_at - since).num_minutes(), r)))
        .collect();
    wip.sort_by_key(|(age, r)| (std::cmp::Reverse(*age), r.id));
    let all_wip = wip.len();
    wip.truncate(ROWS);
    if wip.is_empty() {
        out.push_str("No work in progress at the end of the period.\n");
    } else {
        let p85 = m.overall.cycle_time.p85_minutes;
        out.push_str("| item | column | age there | against |\n| --- | --- | --- | --- |\n");
        for (age, r) in wip {
            let sla = sla_of(m, r);
            let against = match (r.state, sla, p85) {
                (State::Limbo, Some(sla), _) => format!(
                    "SLA {}{}",
                    minutes(Some(sla)),
                    // As the SLA counts (in working time with a calendar), not the age.
                    if r.breached { ": breached" } else { "" }
                ),
                (State::Active, _, Some(p85)) => format!(
                    "85th pct cycle time {}{}",
                    minutes(Some(p85)),
                    if age > p85 { ": older" } else { "" }
                ),
                _ => "—".to_string(),
            };
            out.push_str(&format!(
                "| #{} {} | {} | {} | {} |\n",
                r.id,
                cell(&r.title),
                cell(&r.place()),
                minutes(Some(age)),
                against
            ));
        }
        if all_wip > ROWS {
            out.push_str(&format!("| … {} younger items | | | |\n", all_wip - ROWS));
        }
    }

    out.push_str("\n## Cumulative flow\n\nItems in each state at the end of each day (the limbo column: sent, not yet accepted).\n\n| day | active | in limbo | done | dropped |\n| --- | ---: | ---: | ---: | ---: |\n");
    for p in &m.cumulative_flow {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            p.day, p.active, p.limbo, p.done, p.dropped
        ));
    }
}

/// The period's breached, bounced, escalated, forced and dropped-baton items, each list
/// oldest first, with the reasons recorded.
fn incidents<Tz: TimeZone>(out: &mut String, s: &Snapshot, zone: &Tz) {
    out.push_str("\n## Items in trouble in the period\n");
    for list in crate::domain::metrics::trouble_lists(&s.metrics.overall, &s.incidents) {
        let total = list.total;
        out.push_str(&format!("\n### {} ({total})\n\n", list.trouble.heading()));
        if total > list.shown.len() && !list.shown.is_empty() {
            out.push_str(&format!(
                "The {} most recent; `baton export --format csv --events` lists every one.\n\n",
                list.shown.len()
            ));
        }
        if list.shown.is_empty() {
            out.push_str("None.\n");
            continue;
        }
        out.push_str("| item | where | when | why | cause |\n| --- | --- | --- | --- | --- |\n");
        for i in list.shown {
            out.push_str(&format!(
                "| #{} {} | {} | {} | {} | {} |\n",
                i.id,
                cell(&i.title),
                cell(&i.place),
                crate::domain::time::show_in(i.at, zone),
                cell(&i.detail),
                i.cause.map_or("", |c| c.as_str())
            ));
        }
    }
}

/// Why handoffs failed: bounces and dropped batons by cause, per boundary, most
/// frequent first.
fn causes(out: &mut String, m: &crate::domain::metrics::Metrics) {
    out.push_str("\n## Why handoffs failed: causes per boundary\n\n");
    let rows: Vec<_> = worst_first(&m.boundaries)
        .into_iter()
        .flat_map(|b| b.causes.iter().map(move |c| (b, c)))
        .collect();
    if rows.is_empty() {
        out.push_str("No bounces or dropped batons in the period.\n");
        return;
    }
    out.push_str("| boundary | cause | bounced | dropped batons |\n| --- | --- | ---: | ---: |\n");
    for (b, c) in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            cell(&b.label()),
            c.label(),
            c.bounced,
            c.dropped_batons
        ));
    }
}

/// The SLA, in minutes, of the boundary an item in limbo waits on, as the report's
/// metrics have it.
fn sla_of(
    m: &crate::domain::metrics::Metrics,
    r: &crate::domain::snapshot::ItemRow,
) -> Option<i64> {
    let to = r.to.as_ref()?;
    m.boundaries
        .iter()
        .find(|b| b.from == r.team && &b.to == to)
        .and_then(|b| b.sla_minutes)
}
