//! CSV for spreadsheets: one row per item, or one row per boundary with its metrics.

use crate::domain::metrics::Metrics;
use crate::domain::snapshot::Snapshot;

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A text cell a spreadsheet shows as text: control characters (escape sequences,
/// NUL) become spaces, and a cell that would start a formula (`=`, `+`, `-`, `@`, or a
/// tab or return before one) is kept as text with a leading apostrophe.
fn cell(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.starts_with(['=', '+', '-', '@']) {
        format!("'{clean}")
    } else {
        clean
    }
}

fn hours(minutes: i64) -> String {
    format!("{:.1}", minutes as f64 / 60.0)
}

/// One row per item: where it is, its owner, time in limbo, bounces, escalations.
pub fn items(s: &Snapshot) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "title",
        "team",
        "state",
        "to",
        "owner",
        "sent_at",
        "breached",
        "limbo_hours",
        "bounces",
        "escalations",
        "link",
    ])?;
    for r in &s.items {
        w.write_record([
            r.id.to_string(),
            cell(&r.title),
            cell(&r.team),
            r.state.as_str().to_string(),
            cell(r.to.as_deref().unwrap_or_default()),
            cell(r.owner.as_deref().unwrap_or_default()),
            r.sent_at
                .map(crate::domain::time::format_time)
                .unwrap_or_default(),
            r.breached.to_string(),
            hours(r.limbo_minutes),
            r.bounces.to_string(),
            r.escalations.to_string(),
            cell(r.link.as_deref().unwrap_or_default()),
        ])?;
    }
    finish(w)
}

/// One row per boundary with its metrics over the period.
pub fn boundaries(metrics: &Metrics) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "from",
        "to",
        "sla_hours",
        "sent",
        "accepted",
        "bounced",
        "reclaimed",
        "limbo_median_hours",
        "limbo_p85_hours",
        "limbo_max_hours",
        "in_limbo_now",
        "breached",
        "spells",
        "breach_rate",
        "bounce_rate",
        "escalations",
        "incomplete_handoffs",
        "dropped_batons",
    ])?;
    let opt = |v: Option<i64>| v.map(hours).unwrap_or_default();
    let rate = |v: Option<f64>| v.map(|r| format!("{r:.3}")).unwrap_or_default();
    for b in &metrics.boundaries {
        w.write_record([
            cell(&b.from),
            cell(&b.to),
            opt(b.sla_minutes),
            b.sent.to_string(),
            b.accepted.to_string(),
            b.bounced.to_string(),
            b.reclaimed.to_string(),
            opt(b.time_in_limbo.median_minutes),
            opt(b.time_in_limbo.p85_minutes),
            opt(b.time_in_limbo.max_minutes),
            b.open_ages_minutes.len().to_string(),
            b.breached.to_string(),
            b.spells.to_string(),
            rate(b.breach_rate),
            rate(b.bounce_rate),
            b.escalations.to_string(),
            b.incomplete_handoffs.to_string(),
            b.dropped_batons.to_string(),
        ])?;
    }
    finish(w)
}
