//! The JSON board document (`"format": "baton-board", "version": 1`): every team,
//! boundary and item with its whole history. Import replays each history through the
//! domain rules, so a document can only bring in what could really have happened.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::calendar::Calendar;
use crate::domain::contracts::ContractChange;
use crate::domain::rules::{check_item_id, replay};
use crate::domain::text::to_json_compact;
use crate::domain::{Boundary, DomainError, Event, EventKind, Item, ItemId, Org, State, Team};

pub const FORMAT: &str = "baton-board";
pub const VERSION: u32 = 1;

/// An item's current state with the events that led to it.
pub type History = (Item, Vec<Event>);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardDocument {
    pub format: String,
    pub version: u32,
    /// The moment a hand-written document describes (the demo); exports leave it out so
    /// that export → import → export is identical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
    pub teams: Vec<Team>,
    /// The working calendars contracts count their SLAs in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendars: Vec<Calendar>,
    pub boundaries: Vec<Boundary>,
    /// Every recorded change to a contract, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contract_history: Vec<ContractChange>,
    pub items: Vec<ItemRecord>,
}

/// One item of a document, checked: an id Baton can address and has not seen, and a
/// history the domain's rules can replay.
fn checked_record(
    org: &Org,
    ids: &mut HashSet<ItemId>,
    record: ItemRecord,
) -> Result<History, ImportError> {
    check_item_id(record.id)?;
    if !ids.insert(record.id) {
        return Err(ImportError::DuplicateItem(record.id));
    }
    let item = replay(record.id, org, &record.events).map_err(|(index, error)| {
        ImportError::ImpossibleHistory {
            id: record.id,
            number: index + 1,
            event: record
                .events
                .get(index)
                .map_or("none", |e| e.kind.name())
                .to_string(),
            error,
        }
    })?;
    Ok((item, record.events))
}

/// What has been read of a streamed document so far.
#[derive(Default)]
struct StreamState {
    format: Option<String>,
    version: Option<u32>,
    teams: Option<Vec<Team>>,
    calendars: Option<Vec<Calendar>>,
    boundaries: Option<Vec<Boundary>>,
    contract_history: Option<Vec<ContractChange>>,
    org: Option<Org>,
    /// Items read before the organisation was known, or `Some(empty)` once streamed.
    buffered: Option<Vec<ItemRecord>>,
    ids: HashSet<ItemId>,
    count: usize,
    failed: Option<ImportError>,
}

impl StreamState {
    fn header(&self) -> Result<(), ImportError> {
        match self.format.as_deref() {
            Some(FORMAT) => {}
            Some(other) => return Err(ImportError::WrongFormat(other.to_string())),
            None => return Err(ImportError::Malformed("no `format` field".to_string())),
        }
        match self.version {
            Some(v) if v > VERSION => Err(ImportError::TooNew(v)),
            Some(0) => Err(ImportError::UnknownVersion(0)),
            Some(_) => Ok(()),
            None => Err(ImportError::Malformed("no `version` field".to_string())),
        }
    }

    fn take_org(&mut self) -> Result<Org, ImportError> {
        let org = Org {
            teams: self
                .teams
                .take()
                .ok_or_else(|| ImportError::Malformed("missing field `teams`".to_string()))?,
            boundaries: self
                .boundaries
                .take()
                .ok_or_else(|| ImportError::Malformed("missing field `boundaries`".to_string()))?,
            calendars: self.calendars.take().unwrap_or_default(),
            contract_history: self.contract_history.take().unwrap_or_default(),
        };
        org.check()?;
        Ok(org)
    }

    fn item(
        &mut self,
        record: ItemRecord,
        each: &mut dyn FnMut(History) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let org = self
            .org
            .as_ref()
            .ok_or_else(|| ImportError::Malformed("missing field `teams`".to_string()))?;
        let history = checked_record(org, &mut self.ids, record)?;
        self.count += 1;
        each(history)
    }
}

/// The document's top level, field by field; `items` is streamed when the header and
/// the organisation came before it (as Baton writes them).
struct DocumentVisitor<'a> {
    state: &'a mut StreamState,
    each: &'a mut dyn FnMut(History) -> Result<(), ImportError>,
}

impl<'de> serde::de::Visitor<'de> for DocumentVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Baton board document (a JSON object)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        let state = self.state;
        let stop = |state: &mut StreamState, error: ImportError| {
            state.failed = Some(error);
            A::Error::custom("the document was refused")
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let format: String = map.next_value()?;
                    if format != FORMAT {
                        return Err(stop(state, ImportError::WrongFormat(format)));
                    }
                    state.format = Some(format);
                }
                "version" => {
                    state.version = Some(map.next_value()?);
                    if let Err(e) = state.header() {
                        return Err(stop(state, e));
                    }
                }
                "as_of" => {
                    map.next_value::<Option<DateTime<Utc>>>()?;
                }
                "teams" => state.teams = Some(map.next_value()?),
                "boundaries" => state.boundaries = Some(map.next_value()?),
                "calendars" => state.calendars = Some(map.next_value()?),
                "contract_history" => state.contract_history = Some(map.next_value()?),
                "items" => {
                    let ready = state.format.is_some()
                        && state.version.is_some()
                        && state.teams.is_some()
                        && state.boundaries.is_some();
                    if !ready {
                        state.buffered = Some(map.next_value()?);
                        continue;
                    }
                    match state.header().and_then(|()| state.take_org()) {
                        Ok(org) => state.org = Some(org),
                        Err(e) => return Err(stop(state, e)),
                    }
                    state.buffered = Some(Vec::new());
                    map.next_value_seed(ItemsSeed {
                        state: &mut *state,
                        each: &mut *self.each,
                    })?;
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The `items` array, one record at a time.
struct ItemsSeed<'a> {
    state: &'a mut StreamState,
    each: &'a mut dyn FnMut(History) -> Result<(), ImportError>,
}

impl<'de> serde::de::DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ItemsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        while let Some(record) = seq.next_element::<ItemRecord>()? {
            if let Err(error) = self.state.item(record, self.each) {
                self.state.failed = Some(error);
                return Err(A::Error::custom("the document was refused"));
            }
        }
        Ok(())
    }
}

/// An item's current state (for readers; recomputed on import) and its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemRecord {
    pub id: ItemId,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default = "default_state")]
    pub state: State,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<BoundaryRef>,
    pub events: Vec<Event>,
}

fn default_state() -> State {
    State::Active
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoundaryRef {
    pub from: String,
    pub to: String,
    pub sent_at: DateTime<Utc>,
}

impl BoundaryRef {
    pub fn of(item: &Item) -> Option<BoundaryRef> {
        item.limbo.as_ref().map(|l| BoundaryRef {
            from: item.team.clone(),
            to: l.to.clone(),
            sent_at: l.sent_at,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not a Baton board document: {0}")]
    Malformed(String),
    #[error("the document is `{0}`, not a `baton-board` document")]
    WrongFormat(String),
    #[error(
        "the document is version {0}, written by a newer Baton (this Baton reads version {VERSION})"
    )]
    TooNew(u32),
    #[error(
        "the document is version {0}, which no Baton writes (this Baton reads version {VERSION})"
    )]
    UnknownVersion(u32),
    #[error(transparent)]
    Org(#[from] DomainError),
    #[error("item #{0} appears twice")]
    DuplicateItem(ItemId),
    #[error("item #{id}, event {number} ({event}): {error}")]
    ImpossibleHistory {
        id: ItemId,
        number: usize,
        event: String,
        error: DomainError,
    },
    /// Writing the checked document aside failed (disk full, say).
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ImportError {
    /// True when the document could not be read as a board document at all, rather
    /// than read and found impossible.
    pub fn is_unreadable(&self) -> bool {
        matches!(
            self,
            ImportError::Malformed(_)
                | ImportError::WrongFormat(_)
                | ImportError::TooNew(_)
                | ImportError::UnknownVersion(_)
        )
    }
}

impl BoardDocument {
    pub fn new(org: &Org, histories: &[(Item, Vec<Event>)]) -> BoardDocument {
        BoardDocument {
            format: FORMAT.to_string(),
            version: VERSION,
            as_of: None,
            teams: org.teams.clone(),
            calendars: org.calendars.clone(),
            boundaries: org.boundaries.clone(),
            contract_history: org.contract_history.clone(),
            items: histories
                .iter()
                .map(|(item, events)| ItemRecord {
                    id: item.id,
                    title: item.title.clone(),
                    team: item.team.clone(),
                    owner: item.owner.clone(),
                    state: item.state,
                    boundary: BoundaryRef::of(item),
                    events: events.clone(),
                })
                .collect(),
        }
    }

    pub fn parse(text: &str) -> Result<BoardDocument, ImportError> {
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let header: Header =
            serde_json::from_str(text).map_err(|e| ImportError::Malformed(e.to_string()))?;
        match header.format.as_deref() {
            Some(FORMAT) => {}
            Some(other) => return Err(ImportError::WrongFormat(other.to_string())),
            None => return Err(ImportError::Malformed("no `format` field".to_string())),
        }
        match header.version {
            Some(v) if v > VERSION => return Err(ImportError::TooNew(v)),
            Some(0) => return Err(ImportError::UnknownVersion(0)),
            Some(_) => {}
            None => return Err(ImportError::Malformed("no `version` field".to_string())),
        }
        serde_json::from_str(text).map_err(|e| ImportError::Malformed(e.to_string()))
    }

    /// The document as Baton writes it: see [`DocumentWriter`].
    pub fn to_json(&self) -> String {
        let org = Org {
            teams: self.teams.clone(),
            boundaries: self.boundaries.clone(),
            calendars: self.calendars.clone(),
            contract_history: self.contract_history.clone(),
        };
        let write = || -> std::io::Result<Vec<u8>> {
            let mut writer = DocumentWriter::start(Vec::new(), &org, self.as_of)?;
            for record in &self.items {
                let head = ItemHead::of_record(record);
                let events = record
                    .events
                    .iter()
                    .map(|e| to_json_compact(e).unwrap_or_default());
                writer.item(&head, events)?;
            }
            writer.finish()
        };
        write()
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    /// Checks the document and replays every history through the domain rules.
    pub fn check(&self) -> Result<(Org, Vec<History>), ImportError> {
        self.clone().into_checked()
    }

    /// Like [`BoardDocument::check`], moving the histories out of the document rather
    /// than copying them: an import of a million events holds them once.
    pub fn into_checked(self) -> Result<(Org, Vec<History>), ImportError> {
        let org = Org {
            teams: self.teams,
            boundaries: self.boundaries,
            calendars: self.calendars,
            contract_history: self.contract_history,
        };
        org.check()?;
        let mut ids = HashSet::new();
        let mut items = Vec::with_capacity(self.items.len());
        for record in self.items {
            items.push(checked_record(&org, &mut ids, record)?);
        }
        items.sort_by_key(|(item, _)| item.id);
        Ok((org, items))
    }

    /// Reads a board document from `reader` one item at a time, checking it as it
    /// goes: the header and the organisation first, then each item's history replayed
    /// through the domain rules and handed to `each`. Only the item being read is in
    /// memory (and the ids seen, to refuse a repeated one), so a document of any size
    /// is checked in little memory. Returns the organisation and how many items there
    /// were. A document that names its items before its teams is read whole instead.
    pub fn check_stream(
        reader: impl std::io::Read,
        mut each: impl FnMut(History) -> Result<(), ImportError>,
    ) -> Result<(Org, usize), ImportError> {
        use serde::de::Deserializer as _;
        let mut reading = StreamState::default();
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
        let result = de
            .deserialize_map(DocumentVisitor {
                state: &mut reading,
                each: &mut each,
            })
            .and_then(|()| de.end());
        if let Some(error) = reading.failed.take() {
            return Err(error);
        }
        result.map_err(|e| ImportError::Malformed(e.to_string()))?;
        // Everything the header must say, in the order a reader would ask.
        reading.header()?;
        if reading.org.is_none() {
            let org = reading.take_org()?;
            reading.org = Some(org);
        }
        let buffered = std::mem::take(&mut reading.buffered)
            .ok_or_else(|| ImportError::Malformed("missing field `items`".to_string()))?;
        for record in buffered {
            reading.item(record, &mut each)?;
        }
        let org = reading
            .org
            .take()
            .ok_or_else(|| ImportError::Malformed("missing field `teams`".to_string()))?;
        Ok((org, reading.count))
    }

    /// Moves every time in the document by `delta`, so a sample written for one day can
    /// be opened on any other with the same ages.
    pub fn shift(&mut self, delta: Duration) {
        self.as_of = self.as_of.map(|t| t + delta);
        for record in &mut self.items {
            if let Some(b) = &mut record.boundary {
                b.sent_at += delta;
            }
            for event in &mut record.events {
                event.at += delta;
                match &mut event.kind {
                    EventKind::Created { due: Some(due), .. } => *due += delta,
                    EventKind::Snoozed { until } => *until += delta,
                    EventKind::Edited {
                        due: Some(Some(due)),
                        ..
                    } => *due += delta,
                    _ => {}
                }
            }
        }
    }
}

/// An item record without its events: what precedes `"events"` in the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemHead<'a> {
    pub id: ItemId,
    pub title: &'a str,
    pub team: &'a str,
    pub owner: Option<&'a str>,
    pub state: State,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary: Option<BoundaryRef>,
}

impl<'a> ItemHead<'a> {
    pub fn of_item(item: &'a Item) -> ItemHead<'a> {
        ItemHead {
            id: item.id,
            title: &item.title,
            team: &item.team,
            owner: item.owner.as_deref(),
            state: item.state,
            boundary: BoundaryRef::of(item),
        }
    }

    fn of_record(record: &'a ItemRecord) -> ItemHead<'a> {
        ItemHead {
            id: record.id,
            title: &record.title,
            team: &record.team,
            owner: record.owner.as_deref(),
            state: record.state,
            boundary: record.boundary.clone(),
        }
    }
}

/// Writes the board document as it is read from the store, one item at a time: a
/// header line, then one line per team, boundary and item (compact JSON), so that a
/// million events stream through without the whole board in memory, and exports diff
/// line by line.
pub struct DocumentWriter<W: std::io::Write> {
    out: W,
    first_item: bool,
}

fn json_line<T: Serialize + ?Sized>(value: &T) -> std::io::Result<String> {
    to_json_compact(value).map_err(std::io::Error::other)
}

impl<W: std::io::Write> DocumentWriter<W> {
    pub fn start(mut out: W, org: &Org, as_of: Option<DateTime<Utc>>) -> std::io::Result<Self> {
        write!(out, "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},")?;
        if let Some(as_of) = as_of {
            write!(out, "\"as_of\":{},", json_line(&as_of)?)?;
        }
        write!(out, "\n\"teams\":[")?;
        for (i, team) in org.teams.iter().enumerate() {
            write!(
                out,
                "{}\n{}",
                if i == 0 { "" } else { "," },
                json_line(team)?
            )?;
        }
        if !org.calendars.is_empty() {
            write!(out, "\n],\n\"calendars\":[")?;
            for (i, c) in org.calendars.iter().enumerate() {
                write!(out, "{}\n{}", if i == 0 { "" } else { "," }, json_line(c)?)?;
            }
        }
        write!(out, "\n],\n\"boundaries\":[")?;
        for (i, b) in org.boundaries.iter().enumerate() {
            write!(out, "{}\n{}", if i == 0 { "" } else { "," }, json_line(b)?)?;
        }
        if !org.contract_history.is_empty() {
            write!(out, "\n],\n\"contract_history\":[")?;
            for (i, c) in org.contract_history.iter().enumerate() {
                write!(out, "{}\n{}", if i == 0 { "" } else { "," }, json_line(c)?)?;
            }
        }
        write!(out, "\n],\n\"items\":[")?;
        Ok(DocumentWriter {
            out,
            first_item: true,
        })
    }

    /// One item: its head and its events, each already as compact JSON.
    pub fn item(
        &mut self,
        head: &ItemHead,
        events: impl IntoIterator<Item = String>,
    ) -> std::io::Result<()> {
        let head = json_line(head)?;
        // `{"id":…,"boundary":{…}}` → `{"id":…,"boundary":{…},"events":[…]}`
        let open = head.strip_suffix('}').unwrap_or(&head);
        write!(
            self.out,
            "{}\n{open},\"events\":[",
            if self.first_item { "" } else { "," }
        )?;
        self.first_item = false;
        for (i, event) in events.into_iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            self.out.write_all(event.as_bytes())?;
        }
        self.out.write_all(b"]}")
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.write_all(b"\n]}\n")?;
        Ok(self.out)
    }
}

/// An event as the document writes it, from what the store keeps: its number, time and
/// actor, then the stored JSON of what happened (already compact and safe). The same
/// bytes as serializing the [`Event`].
pub fn event_json(seq: u32, at: DateTime<Utc>, actor: &str, data: &str) -> std::io::Result<String> {
    // An undo's target is stored as `seq`, and written `undoes` beside the event's own.
    let undone = if data.starts_with("{\"type\":\"undone\"") {
        match serde_json::from_str::<EventKind>(data) {
            Ok(EventKind::Undone { seq: target }) => {
                Some(format!("\"type\":\"undone\",\"undoes\":{target}}}"))
            }
            _ => None,
        }
    } else {
        None
    };
    let fields = match &undone {
        Some(fields) => fields.as_str(),
        None => data.strip_prefix('{').unwrap_or(data),
    };
    let mut out = String::with_capacity(data.len() + actor.len() + 48);
    out.push_str("{\"seq\":");
    out.push_str(&seq.to_string());
    // Stored times are whole seconds, which serde writes as RFC 3339 with `Z`.
    out.push_str(",\"at\":\"");
    out.push_str(&crate::domain::time::format_time(at));
    out.push_str("\",\"actor\":");
    let plain = actor
        .chars()
        .all(|c| (c.is_ascii_graphic() || c == ' ') && c != '"' && c != '\\');
    if plain {
        out.push('"');
        out.push_str(actor);
        out.push('"');
    } else {
        out.push_str(&json_line(actor)?);
    }
    out.push(',');
    out.push_str(fields);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undo_names_its_target_apart_from_its_own_number() {
        let event = Event {
            seq: 5,
            at: "2026-11-25T09:00:00Z".parse().expect("time"),
            actor: "maya".to_string(),
            kind: EventKind::Undone { seq: 4 },
        };
        let written = to_json_compact(&event).expect("json");
        assert_eq!(
            written,
            r#"{"seq":5,"at":"2026-11-25T09:00:00Z","actor":"maya","type":"undone","undoes":4}"#
        );
        assert_eq!(
            serde_json::from_str::<Event>(&written).ok(),
            Some(event.clone())
        );
        // The streamed export writes the same bytes from what the store keeps.
        let stored = to_json_compact(&event.kind).expect("json");
        assert_eq!(stored, r#"{"type":"undone","seq":4}"#);
        assert_eq!(
            event_json(5, event.at, "maya", &stored).expect("json"),
            written
        );
        // An `undoes` anywhere else is refused, not dropped.
        let odd = r#"{"seq":2,"at":"2026-11-25T09:00:00Z","actor":"m","type":"noted","note":"n","undoes":1}"#;
        assert!(serde_json::from_str::<Event>(odd).is_err());
    }
}
