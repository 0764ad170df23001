//! Where "now" comes from. The one place that reads the system clock; everything below
//! takes time as a parameter.

use chrono::{DateTime, Utc};

use crate::domain::time::whole_seconds;

/// Where "now" comes from: the system clock, or a fixed time (`BATON_NOW`, tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// A fixed clock (`BATON_NOW`, tests) reads and shows times in UTC, so the same
    /// input gives the same screen on any machine; the system clock uses local time.
    pub fn in_utc(&self) -> bool {
        matches!(self, Clock::Fixed(_))
    }

    /// A time as the board shows it.
    pub fn show(&self, t: DateTime<Utc>) -> String {
        if self.in_utc() {
            t.format("%Y-%m-%d %H:%M").to_string()
        } else {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => whole_seconds(Utc::now()),
            Clock::Fixed(t) => *t,
        }
    }
}
