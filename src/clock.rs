//! Where "now" comes from, and the zone times are read and shown in: the one place
//! that reads the system clock and the machine's time zone. Everything below takes
//! both as parameters.

use std::fmt;

use chrono::{
    DateTime, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc,
};

use crate::domain::time::{day_of, show_in, whole_seconds};

/// Where "now" comes from: the system clock, or a fixed time (`BATON_NOW`, tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => whole_seconds(Utc::now()),
            Clock::Fixed(t) => *t,
        }
    }
}

/// The zone times are read and shown in, when people type them (`--at`, `--since`,
/// `--due`, the board's forms, `BATON_NOW`) and when they read them (`show`, `ls`, the
/// board, metrics' days and weeks). Stored and exported times are UTC (RFC 3339).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The machine's zone: `TZ`, else the system's.
    Local,
    /// A fixed offset from UTC, for tests that run the board in their own process (a
    /// process cannot safely set its own `TZ`).
    Fixed(FixedOffset),
}

/// The rule: Baton reads and shows times in the local zone, on the command line and
/// the board alike, whether or not `BATON_NOW` fixes "now". Tests that need the same
/// screen on every machine run `baton` with `TZ=UTC`.
impl Default for Zone {
    fn default() -> Zone {
        Zone::Local
    }
}

impl Zone {
    /// UTC, for tests.
    pub fn utc() -> Zone {
        Zone::Fixed(Utc.fix())
    }

    /// A time as people read it: in this zone, to the minute.
    pub fn show(&self, t: DateTime<Utc>) -> String {
        show_in(t, self)
    }

    /// The calendar day `t` falls on in this zone.
    pub fn day(&self, t: DateTime<Utc>) -> NaiveDate {
        day_of(t, self)
    }

    fn offset(&self, fixed: FixedOffset) -> ZoneOffset {
        ZoneOffset { zone: *self, fixed }
    }
}

/// An offset from UTC in a [`Zone`], which remembers its zone (chrono asks a zone back
/// from an offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneOffset {
    zone: Zone,
    fixed: FixedOffset,
}

impl Offset for ZoneOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

impl fmt::Display for ZoneOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fixed.fmt(f)
    }
}

/// A [`Zone`] is a chrono time zone, so the domain's functions, which take any zone,
/// take it as a parameter without reading the machine's zone themselves.
impl TimeZone for Zone {
    type Offset = ZoneOffset;

    fn from_offset(offset: &ZoneOffset) -> Zone {
        offset.zone
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<ZoneOffset> {
        match self {
            Zone::Local => chrono::Local.offset_from_local_date(local),
            Zone::Fixed(fixed) => fixed.offset_from_local_date(local),
        }
        .map(|fixed| self.offset(fixed))
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<ZoneOffset> {
        match self {
            Zone::Local => chrono::Local.offset_from_local_datetime(local),
            Zone::Fixed(fixed) => fixed.offset_from_local_datetime(local),
        }
        .map(|fixed| self.offset(fixed))
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> ZoneOffset {
        self.offset(match self {
            Zone::Local => chrono::Local.offset_from_utc_date(utc),
            Zone::Fixed(fixed) => *fixed,
        })
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> ZoneOffset {
        self.offset(match self {
            Zone::Local => chrono::Local.offset_from_utc_datetime(utc),
            Zone::Fixed(fixed) => *fixed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_zone_shows_and_groups_by_its_own_clock() {
        let tokyo = Zone::Fixed(FixedOffset::east_opt(9 * 3600).expect("offset"));
        let t = DateTime::parse_from_rfc3339("2026-11-25T20:30:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(tokyo.show(t), "2026-11-26 05:30");
        assert_eq!(tokyo.day(t).to_string(), "2026-11-26");
        assert_eq!(Zone::utc().show(t), "2026-11-25 20:30");
        assert_eq!(t.with_timezone(&tokyo).timezone(), tokyo);
    }
}
