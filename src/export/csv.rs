//! CSV for spreadsheets and flow-analytics tools: one row per item (with the dates it
//! entered each column), the stages layout those tools import, one row per event, or
//! one row per boundary with its metrics. Every text cell goes through [`cell`].

use std::io::Write;

use chrono::{DateTime, TimeZone, Utc};

use crate::domain::metrics::FlowEvent;
use crate::domain::metrics::Metrics;
use crate::domain::snapshot::Snapshot;
use crate::domain::stages::{Columns, Stage, Whereabouts};
use crate::domain::time::format_time;
use crate::domain::{EventKind, ItemId};

/// When each item first entered each of the item CSVs' date columns (the board's
/// columns in flow order, then done; see [`crate::domain::stages`]), gathered as the
/// histories stream by: a span of one flat list per item, not a map of names.
pub struct Entries {
    columns: Columns,
    /// Each item's span of `cells`, by id.
    items: Vec<(ItemId, usize, usize)>,
    /// Column place and when.
    cells: Vec<(u32, DateTime<Utc>)>,
}

impl Entries {
    /// For the board's `columns` in flow order (done is added last).
    pub fn new(columns: &[Stage]) -> Entries {
        let mut all: Vec<Stage> = columns
            .iter()
            .filter(|c| **c != Stage::Done)
            .cloned()
            .collect();
        all.push(Stage::Done);
        Entries {
            columns: Columns::new(all),
            items: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// Reads the history of `id` (what is known of it).
    pub fn add(&mut self, id: ItemId, history: &[FlowEvent]) {
        let start = self.cells.len();
        let cells = &mut self.cells;
        self.columns.first_entries(history, |place, at| {
            cells.push((u32::try_from(place).unwrap_or(u32::MAX), at));
        });
        let span = (id, start, self.cells.len());
        // Histories come by id; one out of order goes in its place.
        match self.items.last() {
            Some((last, _, _)) if *last >= id => {
                let at = self.items.partition_point(|(i, _, _)| *i < id);
                if self.items.get(at).is_some_and(|(i, _, _)| *i == id) {
                    self.items[at] = span;
                } else {
                    self.items.insert(at, span);
                }
            }
            _ => self.items.push(span),
        }
    }

    fn stages(&self) -> &[Stage] {
        self.columns.stages()
    }

    /// The entry times of `id` laid out under the columns, into `row`.
    fn row(&self, id: ItemId, row: &mut Vec<Option<DateTime<Utc>>>) {
        row.clear();
        row.resize(self.stages().len(), None);
        if let Ok(at) = self.items.binary_search_by_key(&id, |(i, _, _)| *i) {
            let (_, start, end) = self.items[at];
            for (place, when) in &self.cells[start..end] {
                if let Some(cell) = row.get_mut(*place as usize) {
                    *cell = Some(*when);
                }
            }
        }
    }
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A text cell a spreadsheet shows as text: a cell that would start a formula (`=`,
/// `+`, `-`, `@`, a tab or a carriage return first, or one of them after leading
/// spaces) is kept as text with a leading apostrophe, and control characters (escape
/// sequences, NUL, tabs, line breaks) become spaces.
pub fn cell(text: &str) -> String {
    cell_text(text).into_owned()
}

/// `value` in decimal, written into `buffer`.
fn number(buffer: &mut String, value: i64) -> &[u8] {
    use std::fmt::Write as _;
    buffer.clear();
    let _ = write!(buffer, "{value}");
    buffer.as_bytes()
}

/// [`cell`], without a copy when the text is already safe.
fn cell_text(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text
        .trim_start_matches(' ')
        .starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !risky && !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 1);
    if risky {
        out.push('\'');
    }
    out.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
    std::borrow::Cow::Owned(out)
}

fn hours(minutes: i64) -> String {
    format!("{:.1}", minutes as f64 / 60.0)
}

/// [`hours`], written into `buffer`.
fn hours_in(buffer: &mut String, minutes: i64) -> &[u8] {
    use std::fmt::Write as _;
    buffer.clear();
    let _ = write!(buffer, "{:.1}", minutes as f64 / 60.0);
    buffer.as_bytes()
}

/// One row per item: where it is, its owner, time in limbo, bounces, escalations,
/// link; then, for each of the board's columns (in flow order) and done, when the item
/// first entered it (`entered sales`, `entered sales → ops`, …, `entered done`).
/// Written row by row into `out`.
pub fn items(s: &Snapshot, entries: &Entries, out: impl Write) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = [
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
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(
        entries
            .stages()
            .iter()
            .map(|c| cell(&format!("entered {}", c.label()))),
    );
    w.write_record(&header)?;
    let mut text = String::new();
    let mut dates = Vec::new();
    for r in &s.items {
        w.write_field(number(&mut text, r.id))?;
        w.write_field(cell_text(&r.title).as_bytes())?;
        w.write_field(cell_text(&r.team).as_bytes())?;
        w.write_field(r.state.as_str())?;
        w.write_field(cell_text(r.to.as_deref().unwrap_or_default()).as_bytes())?;
        w.write_field(cell_text(r.owner.as_deref().unwrap_or_default()).as_bytes())?;
        w.write_field(r.sent_at.map(format_time).unwrap_or_default())?;
        w.write_field(if r.breached { "true" } else { "false" })?;
        w.write_field(hours_in(&mut text, r.limbo_minutes))?;
        w.write_field(number(&mut text, i64::from(r.bounces)))?;
        w.write_field(number(&mut text, i64::from(r.escalations)))?;
        w.write_field(cell_text(r.link.as_deref().unwrap_or_default()).as_bytes())?;
        entries.row(r.id, &mut dates);
        for at in &dates {
            w.write_field(at.map(format_time).unwrap_or_default())?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()?;
    Ok(())
}

/// The layout flow-analytics tools import: `ID`, `Link`, `Name`, then one column per
/// board column in flow order, then `Done`; each cell the local date (in `zone`) the
/// item first entered that column, empty if it never did. Written row by row into
/// `out`.
pub fn stages<Tz: TimeZone>(
    s: &Snapshot,
    entries: &Entries,
    zone: &Tz,
    out: impl Write,
) -> Result<(), csv::Error> {
    use std::fmt::Write as _;
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["ID".to_string(), "Link".to_string(), "Name".to_string()];
    header.extend(entries.stages().iter().map(|c| match c {
        Stage::Done => "Done".to_string(),
        c => cell(&c.label()),
    }));
    w.write_record(&header)?;
    let mut text = String::new();
    let mut dates = Vec::new();
    for r in &s.items {
        w.write_field(number(&mut text, r.id))?;
        w.write_field(cell_text(r.link.as_deref().unwrap_or_default()).as_bytes())?;
        w.write_field(cell_text(&r.title).as_bytes())?;
        entries.row(r.id, &mut dates);
        for at in &dates {
            text.clear();
            if let Some(at) = at {
                let _ = write!(text, "{}", crate::domain::time::day_of(*at, zone));
            }
            w.write_field(text.as_bytes())?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()?;
    Ok(())
}

/// The header of the events CSV.
pub const EVENT_COLUMNS: [&str; 11] = [
    "item", "seq", "time", "actor", "type", "from", "to", "owner", "note", "reason", "cause",
];

/// One row per event, written as items' histories are read: `item`, `seq`, `time`
/// (RFC 3339, UTC), `actor`, `type` (the stored event name), `from` and `to` (on a
/// crossing, the boundary's teams; else the team holding the item, or for `created`
/// the team it was created in, under `to`), `owner` (a new owner, or the person an
/// escalation went to), `note`, `reason`, `cause`.
pub struct EventsCsv<W: std::io::Write> {
    out: csv::Writer<W>,
    /// The item whose events are being written, and where they have taken it.
    item: Option<ItemId>,
    at: Whereabouts,
    /// Numbers are written through this, not a new string each.
    number: String,
}

impl<W: std::io::Write> EventsCsv<W> {
    pub fn start(out: W) -> Result<Self, csv::Error> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(EVENT_COLUMNS)?;
        Ok(EventsCsv {
            out,
            item: None,
            at: Whereabouts::with_undos(),
            number: String::new(),
        })
    }

    /// Writes one item's history, in order.
    pub fn item<'a>(
        &mut self,
        id: ItemId,
        events: impl IntoIterator<Item = (u32, DateTime<Utc>, &'a str, &'a EventKind)>,
    ) -> Result<(), csv::Error> {
        for (seq, time, actor, kind) in events {
            self.event(id, seq, time, actor, kind, true)?;
        }
        Ok(())
    }

    /// Reads the next event of the history of `id` (events come item by item, each
    /// history in order, every event of it, so that where the item is stays known);
    /// writes its row when `write` (in the period).
    pub fn event(
        &mut self,
        id: ItemId,
        seq: u32,
        time: DateTime<Utc>,
        actor: &str,
        kind: &EventKind,
        write: bool,
    ) -> Result<(), csv::Error> {
        if self.item != Some(id) {
            self.item = Some(id);
            self.at = Whereabouts::with_undos();
        }
        let flow = crate::domain::metrics::Flow::of(kind);
        if write {
            let w = &mut self.out;
            w.write_field(number(&mut self.number, id))?;
            w.write_field(number(&mut self.number, i64::from(seq)))?;
            w.write_field(format_time(time))?;
            w.write_field(cell_text(actor).as_bytes())?;
            w.write_field(kind.name())?;
            let holder = self.at.team.as_deref().unwrap_or_default();
            let (from, to) = match kind {
                EventKind::Created { team, .. } => ("", team.as_str()),
                EventKind::Sent { to, .. } => (holder, to.as_str()),
                EventKind::Accepted { .. }
                | EventKind::Bounced { .. }
                | EventKind::Reclaimed { .. }
                | EventKind::Escalated { .. }
                | EventKind::Dropped { .. }
                | EventKind::Merged { .. }
                    if self.at.limbo_to.is_some() =>
                {
                    (holder, self.at.limbo_to.as_deref().unwrap_or_default())
                }
                _ => (holder, ""),
            };
            w.write_field(cell_text(from).as_bytes())?;
            w.write_field(cell_text(to).as_bytes())?;
            let f = fields(kind);
            w.write_field(cell_text(f.owner.unwrap_or_default()).as_bytes())?;
            w.write_field(cell_text(f.note.as_deref().unwrap_or_default()).as_bytes())?;
            w.write_field(cell_text(f.reason.unwrap_or_default()).as_bytes())?;
            w.write_field(cell_text(f.cause.unwrap_or_default()).as_bytes())?;
            w.write_record(None::<&[u8]>)?;
        }
        self.at.step(seq, &flow);
        Ok(())
    }

    pub fn finish(self) -> Result<W, csv::Error> {
        self.out
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

#[derive(Default)]
struct Fields<'a> {
    owner: Option<&'a str>,
    note: Option<std::borrow::Cow<'a, str>>,
    reason: Option<&'a str>,
    cause: Option<&'a str>,
}

fn fields(kind: &EventKind) -> Fields<'_> {
    match kind {
        EventKind::Created { owner, .. }
        | EventKind::Owner { owner }
        | EventKind::Accepted { owner } => Fields {
            owner: owner.as_deref(),
            ..Fields::default()
        },
        EventKind::Sent { note, .. } | EventKind::Noted { note } => Fields {
            note: Some(note.into()),
            ..Fields::default()
        },
        EventKind::Flagged { note, cause } => Fields {
            note: Some(note.into()),
            cause: cause.map(|c| c.as_str()),
            ..Fields::default()
        },
        EventKind::Escalated { to, note } => Fields {
            owner: to.as_deref(),
            note: note.as_deref().map(Into::into),
            ..Fields::default()
        },
        EventKind::Done { note }
        | EventKind::Merged { note, .. }
        | EventKind::Absorbed { note, .. }
        | EventKind::Dismissed { note, .. }
        | EventKind::Ticked { note, .. } => Fields {
            note: note.as_deref().map(Into::into),
            ..Fields::default()
        },
        EventKind::Bounced { reason, cause } => Fields {
            reason: Some(reason),
            cause: cause.map(|c| c.as_str()),
            ..Fields::default()
        },
        EventKind::Dropped { reason } => Fields {
            reason: Some(reason),
            ..Fields::default()
        },
        EventKind::Reclaimed { reason } | EventKind::Reopened { reason } => Fields {
            reason: reason.as_deref(),
            ..Fields::default()
        },
        // The change an undo takes back, by its number in the item's history.
        EventKind::Undone { seq } => Fields {
            note: Some(format!("undoes {seq}").into()),
            ..Fields::default()
        },
        EventKind::Edited { .. } | EventKind::Snoozed { .. } => Fields::default(),
    }
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

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_never_start_a_formula_or_carry_control_characters() {
        for (text, want) in [
            ("Acme", "Acme"),
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1+1", "' =1+1"),
            ("\r=1+1", "' =1+1"),
            ("  =1+1", "'  =1+1"),
            ("a\u{1b}[31mb\u{0}", "a [31mb "),
            ("line\nbreak", "line break"),
            ("1-2", "1-2"),
        ] {
            assert_eq!(cell(text), want, "{text:?}");
        }
    }
}
