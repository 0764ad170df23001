//! CSV for spreadsheets and flow-analytics tools: one row per item (with the dates it
//! entered each column), the stages layout those tools import, one row per event, or
//! one row per boundary with its metrics. Every text cell goes through [`cell`].

use std::borrow::Cow;
use std::io::Write;

use chrono::{DateTime, TimeZone, Utc};

use crate::domain::ItemId;
use crate::domain::cause::Cause;
use crate::domain::metrics::Metrics;
use crate::domain::metrics::{Flow, FlowEvent};
use crate::domain::snapshot::Snapshot;
use crate::domain::stages::{Columns, Stage, Whereabouts};
use crate::domain::time::write_time;

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
    // Control characters are C0, DEL and C1 (U+0080–U+009F, whose UTF-8 starts with
    // 0xC2): text with none of those bytes has none, found without decoding a char.
    let maybe_control = text.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2);
    let control = maybe_control && text.chars().any(char::is_control);
    if !risky && !control {
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

/// A time as [`crate::domain::time::format_time`] writes it, or nothing, into `buffer`.
fn time_or_empty(buffer: &mut String, at: Option<DateTime<Utc>>) -> &[u8] {
    match at {
        Some(at) => write_time(buffer, at),
        None => buffer.clear(),
    }
    buffer.as_bytes()
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
        w.write_field(time_or_empty(&mut text, r.sent_at))?;
        w.write_field(if r.breached { "true" } else { "false" })?;
        w.write_field(hours_in(&mut text, r.limbo_minutes))?;
        w.write_field(number(&mut text, i64::from(r.bounces)))?;
        w.write_field(number(&mut text, i64::from(r.escalations)))?;
        w.write_field(cell_text(r.link.as_deref().unwrap_or_default()).as_bytes())?;
        entries.row(r.id, &mut dates);
        for at in &dates {
            w.write_field(time_or_empty(&mut text, *at))?;
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

    /// Reads the next event of the history of `id` (events come item by item, each
    /// history in order, every event of it, so that where the item is stays known);
    /// writes its row when `write` (in the period).
    pub fn event(
        &mut self,
        id: ItemId,
        seq: u32,
        time: DateTime<Utc>,
        actor: &str,
        event: &StoredKind<'_>,
        write: bool,
    ) -> Result<(), csv::Error> {
        if self.item != Some(id) {
            self.item = Some(id);
            self.at = Whereabouts::with_undos();
        }
        if write {
            let w = &mut self.out;
            w.write_field(number(&mut self.number, id))?;
            w.write_field(number(&mut self.number, i64::from(seq)))?;
            write_time(&mut self.number, time);
            w.write_field(self.number.as_bytes())?;
            w.write_field(cell_text(actor).as_bytes())?;
            w.write_field(event.name.as_bytes())?;
            let holder = self.at.team.as_deref().unwrap_or_default();
            let moved_to = event.to.as_deref().unwrap_or_default();
            let (from, to) = match &*event.name {
                "created" => ("", event.team.as_deref().unwrap_or_default()),
                "sent" => (holder, moved_to),
                "accepted" | "bounced" | "reclaimed" | "escalated" | "dropped" | "merged"
                    if self.at.limbo_to.is_some() =>
                {
                    (holder, self.at.limbo_to.as_deref().unwrap_or_default())
                }
                _ => (holder, ""),
            };
            w.write_field(cell_text(from).as_bytes())?;
            w.write_field(cell_text(to).as_bytes())?;
            // The person an escalation went to is its owner cell.
            let owner = match &*event.name {
                "escalated" => moved_to,
                _ => event.owner.as_deref().unwrap_or_default(),
            };
            w.write_field(cell_text(owner).as_bytes())?;
            if &*event.name == "undone" {
                // The change an undo takes back, by its number in the item's history.
                let undoes = format!("undoes {}", event.seq.unwrap_or(0));
                w.write_field(undoes.as_bytes())?;
            } else {
                w.write_field(cell_text(event.note.as_deref().unwrap_or_default()).as_bytes())?;
            }
            w.write_field(cell_text(event.reason.as_deref().unwrap_or_default()).as_bytes())?;
            w.write_field(event.cause.map(Cause::as_str).unwrap_or_default())?;
            w.write_record(None::<&[u8]>)?;
        }
        self.at.moved(seq, &event.flow);
        Ok(())
    }

    pub fn finish(self) -> Result<W, csv::Error> {
        self.out
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// What an events CSV row reads of an event's stored JSON, borrowed from it; the rest
/// is skipped unread. Still strict where a row depends on it: a name that is no
/// event's, a cause not on the list, or JSON that does not read is an error.
pub struct StoredKind<'a> {
    name: Cow<'a, str>,
    team: Option<Cow<'a, str>>,
    to: Option<Cow<'a, str>>,
    owner: Option<Cow<'a, str>>,
    note: Option<Cow<'a, str>>,
    reason: Option<Cow<'a, str>>,
    cause: Option<Cause>,
    seq: Option<u32>,
    flow: Flow,
}

#[derive(serde::Deserialize)]
struct Stored<'a> {
    #[serde(rename = "type", borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    team: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    to: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    owner: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    note: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reason: Option<Cow<'a, str>>,
    #[serde(default)]
    cause: Option<Cause>,
    #[serde(default)]
    forced: bool,
    #[serde(default)]
    late: bool,
    #[serde(default)]
    seq: Option<u32>,
}

impl<'a> StoredKind<'a> {
    pub fn decode(data: &'a str) -> Result<StoredKind<'a>, serde_json::Error> {
        use serde::de::Error as _;
        let s: Stored<'a> = serde_json::from_str(data)?;
        let place = match &*s.name {
            "created" => s.team.as_deref(),
            _ => s.to.as_deref(),
        };
        let flow = Flow::named(
            &s.name,
            place.unwrap_or_default(),
            s.forced,
            s.late,
            s.seq.unwrap_or(0),
        )
        .ok_or_else(|| serde_json::Error::custom(format!("unknown event type {:?}", s.name)))?;
        Ok(StoredKind {
            name: s.name,
            team: s.team,
            to: s.to,
            owner: s.owner,
            note: s.note,
            reason: s.reason,
            cause: s.cause,
            seq: s.seq,
            flow,
        })
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
        // Last, so that the columns before keep their places for scripts.
        "late_handoffs",
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
            b.late_handoffs.to_string(),
        ])?;
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::{StoredKind, cell};

    #[test]
    fn an_event_that_does_not_read_is_an_error() {
        for data in [
            r#"{"type":"teleported","to":"ops"}"#,
            r#"{"type":"bounced","reason":"why","cause":"no-such-cause"}"#,
            r#"{"type":"sent","to":"ops""#,
            r#"{"to":"ops"}"#,
        ] {
            assert!(StoredKind::decode(data).is_err(), "{data}");
        }
        let read =
            StoredKind::decode(r#"{"type":"bounced","reason":"a \"quote\"","cause":"rework"}"#)
                .expect("reads");
        assert_eq!(read.reason.as_deref(), Some("a \"quote\""));
        assert_eq!(read.cause.map(|c| c.as_str()), Some("rework"));
    }

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
            // C1 controls go too; other characters that start with the same byte stay.
            ("a\u{85}b\u{9f}", "a b "),
            ("no\u{a0}break, café", "no\u{a0}break, café"),
        ] {
            assert_eq!(cell(text), want, "{text:?}");
        }
    }
}
