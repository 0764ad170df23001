//! Working calendars and the clock an SLA runs on.
//!
//! A calendar is the hours a team works in its time zone (several rows for split shifts
//! and breaks), less its holidays. A boundary with a calendar counts only working time
//! against its SLA: `h` and `m` are working hours and minutes, `d` one working day of the
//! calendar (its working hours in a week over its working days: 8h for Mon-Fri
//! 09:00-17:00) and `w` five working days. A boundary without one counts around the
//! clock, `d` being 24 hours and `w` seven days.
//!
//! The working time up to any instant is worked out in constant time, from a week's
//! hours, sorted holidays and the days whose clocks change, each prefix-summed once per
//! calendar: nothing walks the time minute by minute, or even day by day.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::DomainError;
use super::duration::parse_duration;
use super::time::{Resolved, resolve};

/// What a calendar refuses, naming the bad input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(
        "`{0}` is not a time zone (use an IANA name such as UTC, Europe/Berlin or America/New_York)"
    )]
    BadZone(String),
    #[error(
        "`{0}` is not a row of working hours (use DAYS HH:MM-HH:MM, as in \"Mon-Fri 09:00-17:00\", \"Mon,Wed 13:00-17:00\" or \"Sat 10:00-14:00\")"
    )]
    BadHours(String),
    #[error(
        "`{0}`: a shift must end after it starts; give a night shift as two rows, as in \"Mon-Fri 22:00-24:00\" and \"Tue-Sat 00:00-06:00\""
    )]
    Overnight(String),
    #[error("`{0}` is not a holiday date (use YYYY-MM-DD)")]
    BadHoliday(String),
    #[error("a calendar needs working hours, as in --hours \"Mon-Fri 09:00-17:00\"")]
    NoHours,
    #[error("{file}, line {line}: {problem}")]
    BadIcs {
        file: String,
        line: usize,
        problem: String,
    },
    #[error("`{0}` is not a calendar name (letters, digits, - and _, up to 32)")]
    BadName(String),
}

/// A calendar as it is typed and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDef {
    pub name: String,
    pub tz: String,
    pub hours: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<NaiveDate>,
}

/// A working calendar, checked, with its clock worked out.
#[derive(Debug, Clone)]
pub struct Calendar {
    def: CalendarDef,
    clock: WorkingClock,
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        self.def == other.def
    }
}

impl Eq for Calendar {}

impl Serialize for Calendar {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.def.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Calendar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let def = CalendarDef::deserialize(deserializer)?;
        Calendar::from_def(def).map_err(serde::de::Error::custom)
    }
}

/// A calendar name is typed like a team key.
pub fn check_calendar_name(name: &str) -> Result<(), CalendarError> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(CalendarError::BadName(name.to_string()))
    }
}

impl Calendar {
    /// Checks a definition and works out its clock; holidays are kept sorted, once each.
    pub fn from_def(mut def: CalendarDef) -> Result<Calendar, CalendarError> {
        check_calendar_name(&def.name)?;
        def.tz = def.tz.trim().to_string();
        let tz: Tz = def
            .tz
            .parse()
            .map_err(|_| CalendarError::BadZone(def.tz.clone()))?;
        def.hours = def.hours.iter().map(|h| h.trim().to_string()).collect();
        let mut week: [Vec<(i64, i64)>; 7] = Default::default();
        for row in &def.hours {
            let (days, spans) = parse_hours(row)?;
            for day in days {
                week[day].extend(spans.iter().copied());
            }
        }
        for spans in &mut week {
            *spans = merge(std::mem::take(spans));
        }
        if week.iter().all(Vec::is_empty) {
            return Err(CalendarError::NoHours);
        }
        def.holidays.sort_unstable();
        def.holidays.dedup();
        let clock = WorkingClock::new(tz, week, &def.holidays);
        Ok(Calendar { def, clock })
    }

    pub fn name(&self) -> &str {
        &self.def.name
    }

    pub fn def(&self) -> &CalendarDef {
        &self.def
    }

    pub fn zone(&self) -> Tz {
        self.clock.tz
    }

    /// One working day: the week's working hours over its working days.
    pub fn day_length(&self) -> Duration {
        Duration::seconds(self.clock.day_len)
    }

    /// Working time in `[from, to)`; zero when `to` is not after `from`.
    pub fn working_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        Duration::seconds(self.clock.worked(to) - self.clock.worked(from))
    }

    /// The first instant by which `working` of working time has passed since `from`.
    pub fn add_working(&self, from: DateTime<Utc>, working: Duration) -> Option<DateTime<Utc>> {
        if working <= Duration::zero() {
            return Some(from);
        }
        let target = self.clock.worked(from) + working.num_seconds();
        self.clock.instant_at(target, self.clock.index_of(from))
    }

    /// The instant before which anything sent has had more than `working` of working
    /// time by `now`.
    pub fn cutoff(&self, now: DateTime<Utc>, working: Duration) -> Option<DateTime<Utc>> {
        let target = self.clock.worked(now) - working.num_seconds();
        self.clock.instant_at(target, self.clock.index_of(now))
    }
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL_WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn weekday(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    WEEKDAYS
        .iter()
        .position(|d| *d == lower)
        .or_else(|| FULL_WEEKDAYS.iter().position(|d| *d == lower))
}

/// A row of hours: its weekdays (Monday = 0) and its spans, in seconds of the day.
type HoursRow = (Vec<usize>, Vec<(i64, i64)>);

/// "Mon-Fri 09:00-12:00 13:00-17:00", read.
fn parse_hours(row: &str) -> Result<HoursRow, CalendarError> {
    let bad = || CalendarError::BadHours(row.to_string());
    let mut parts = row.split_whitespace();
    let days_text = parts.next().ok_or_else(bad)?;
    let mut days = Vec::new();
    for part in days_text.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (weekday(a).ok_or_else(bad)?, weekday(b).ok_or_else(bad)?);
                let mut d = a;
                loop {
                    days.push(d);
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => days.push(weekday(part).ok_or_else(bad)?),
        }
    }
    let mut spans = Vec::new();
    for span in parts {
        let (a, b) = span.split_once('-').ok_or_else(bad)?;
        let (a, b) = (
            clock_time(a).ok_or_else(bad)?,
            clock_time(b).ok_or_else(bad)?,
        );
        if b <= a {
            return Err(CalendarError::Overnight(row.to_string()));
        }
        spans.push((a, b));
    }
    if spans.is_empty() {
        return Err(bad());
    }
    Ok((days, spans))
}

/// "09:00" as seconds of the day; "24:00" is the day's end.
fn clock_time(text: &str) -> Option<i64> {
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(86_400),
        (0..=23, 0..=59) => Some(h * 3600 + m * 60),
        _ => None,
    }
}

/// Spans sorted and overlapping ones joined.
fn merge(mut spans: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    spans.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// A Monday: day indexes count from it.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 5).unwrap_or(NaiveDate::MIN)
}

/// The years whose clock changes are looked for; outside them every day counts by its
/// hours on the wall clock.
const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2100;

/// Working time as a running total of seconds since [`epoch`]. `worked(t)` is the
/// working time before day `t` falls on (whole weeks, plus the days of this week, less
/// holidays, corrected on days whose clocks change), plus the time worked that day.
#[derive(Debug, Clone)]
struct WorkingClock {
    tz: Tz,
    /// Each weekday's spans in seconds of the day, Monday first.
    week: [Vec<(i64, i64)>; 7],
    /// Working seconds before each weekday (Monday = 0), and the week's in `[7]`.
    prefix: [i64; 8],
    /// Holidays as day indexes, sorted, and the working seconds before each (`[i]` is the
    /// sum of the first `i`).
    holidays: Vec<i64>,
    holiday_prefix: Vec<i64>,
    /// Days (not holidays) whose clocks change during working hours: their index, and the
    /// running sum of how far their working time differs from the wall clock's.
    changes: Vec<i64>,
    change_prefix: Vec<i64>,
    /// One working day, in seconds.
    day_len: i64,
}

impl WorkingClock {
    fn new(tz: Tz, week: [Vec<(i64, i64)>; 7], holidays: &[NaiveDate]) -> WorkingClock {
        let day_secs: Vec<i64> = week
            .iter()
            .map(|spans| spans.iter().map(|(a, b)| b - a).sum())
            .collect();
        let mut prefix = [0; 8];
        for d in 0..7 {
            prefix[d + 1] = prefix[d] + day_secs[d];
        }
        let working_days = day_secs.iter().filter(|s| **s > 0).count().max(1) as i64;
        // Whole minutes, so a day reads as hours and minutes.
        let day_len = (prefix[7] / working_days / 60) * 60;
        let mut clock = WorkingClock {
            tz,
            week,
            prefix,
            holidays: Vec::new(),
            holiday_prefix: vec![0],
            changes: Vec::new(),
            change_prefix: vec![0],
            day_len: day_len.max(60),
        };
        let holiday_days: Vec<i64> = holidays.iter().map(|d| index(*d)).collect();
        // Days whose clocks change: sample the offset weekly, and where it moved, compare
        // each day's working time with its wall-clock hours.
        let mut changes = Vec::new();
        let start = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 5).map_or(0, index);
        let end = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).map_or(0, index);
        let offset_at = |i: i64| {
            date_of(i)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .map(|n| tz.offset_from_utc_datetime(&n).fix().local_minus_utc())
        };
        let mut week_start = start;
        let mut last = offset_at(week_start);
        while week_start < end {
            let next = week_start + 7;
            let now = offset_at(next);
            if now != last {
                for i in week_start - 1..=next + 1 {
                    let naive = clock.naive_day(i);
                    let actual = clock.precise_day(i).iter().map(|(a, b)| b - a).sum::<i64>();
                    if actual != naive && !changes.iter().any(|(c, _)| *c == i) {
                        changes.push((i, actual - naive));
                    }
                }
            }
            last = now;
            week_start = next;
        }
        changes.sort_unstable();
        // A holiday takes off its wall-clock hours; its clock change, if any, is left
        // out of the corrections below, so the day counts nothing.
        for h in &holiday_days {
            let day = clock.naive_day(*h);
            clock.holidays.push(*h);
            let total = clock.holiday_prefix.last().copied().unwrap_or(0) + day;
            clock.holiday_prefix.push(total);
        }
        for (i, corr) in changes {
            if holiday_days.binary_search(&i).is_ok() {
                continue;
            }
            clock.changes.push(i);
            let total = clock.change_prefix.last().copied().unwrap_or(0) + corr;
            clock.change_prefix.push(total);
        }
        clock
    }

    fn naive_day(&self, i: i64) -> i64 {
        let wd = i.rem_euclid(7) as usize;
        self.prefix[wd + 1] - self.prefix[wd]
    }

    /// Day `i`'s spans as instants (seconds since 1970), as the zone's clocks run that
    /// day: a span end the clocks skip is when the gap ends; one they repeat, the first.
    fn precise_day(&self, i: i64) -> Vec<(i64, i64)> {
        let Some(date) = date_of(i) else {
            return Vec::new();
        };
        let wd = i.rem_euclid(7) as usize;
        let at = |secs: i64| {
            let naive = date.and_time(NaiveTime::MIN) + Duration::seconds(secs);
            match resolve(naive, &self.tz) {
                Resolved::At(t) | Resolved::Gap { ends: t, .. } => Some(t.timestamp()),
                Resolved::Unknown => None,
            }
        };
        self.week[wd]
            .iter()
            .filter_map(|(a, b)| Some((at(*a)?, at(*b)?)))
            .map(|(a, b)| (a, b.max(a)))
            .collect()
    }

    fn is_holiday(&self, i: i64) -> bool {
        self.holidays.binary_search(&i).is_ok()
    }

    fn is_change(&self, i: i64) -> bool {
        self.changes.binary_search(&i).is_ok()
    }

    /// Working seconds before day `i` begins.
    fn before_day(&self, i: i64) -> i64 {
        let weeks = i.div_euclid(7);
        let wd = i.rem_euclid(7) as usize;
        let naive = weeks * self.prefix[7] + self.prefix[wd];
        let holidays = self.holiday_prefix[self.holidays.partition_point(|h| *h < i)];
        let changes = self.change_prefix[self.changes.partition_point(|c| *c < i)];
        naive - holidays + changes
    }

    fn index_of(&self, t: DateTime<Utc>) -> i64 {
        index(t.with_timezone(&self.tz).date_naive())
    }

    /// Working seconds from the epoch to `t`.
    fn worked(&self, t: DateTime<Utc>) -> i64 {
        let local = t.with_timezone(&self.tz);
        let i = index(local.date_naive());
        let base = self.before_day(i);
        if self.is_holiday(i) {
            return base;
        }
        if self.is_change(i) {
            let at = t.timestamp();
            return base
                + self
                    .precise_day(i)
                    .iter()
                    .map(|(a, b)| at.clamp(*a, *b) - a)
                    .sum::<i64>();
        }
        let secs = i64::from(local.time().num_seconds_from_midnight());
        let wd = i.rem_euclid(7) as usize;
        base + self.week[wd]
            .iter()
            .map(|(a, b)| secs.clamp(*a, *b) - a)
            .sum::<i64>()
    }

    /// The first instant at which [`Self::worked`] reaches `target`; `hint` is a day
    /// index near it.
    fn instant_at(&self, target: i64, hint: i64) -> Option<DateTime<Utc>> {
        // Find lo < hi with before_day(lo) < target <= before_day(hi).
        let (mut lo, mut hi);
        let mut step = 1;
        if self.before_day(hint) < target {
            lo = hint;
            hi = hint + 1;
            while self.before_day(hi) < target {
                lo = hi;
                hi = hi.checked_add(step)?;
                step *= 2;
                if step > 1 << 22 {
                    return None;
                }
            }
        } else {
            hi = hint;
            lo = hint - 1;
            while self.before_day(lo) >= target {
                hi = lo;
                lo = lo.checked_sub(step)?;
                step *= 2;
                if step > 1 << 22 {
                    return None;
                }
            }
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.before_day(mid) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let mut left = target - self.before_day(lo);
        if self.is_change(lo) {
            for (a, b) in self.precise_day(lo) {
                if left <= b - a {
                    return DateTime::from_timestamp(a + left, 0);
                }
                left -= b - a;
            }
            return None;
        }
        let date = date_of(lo)?;
        let wd = lo.rem_euclid(7) as usize;
        for (a, b) in &self.week[wd] {
            if left <= b - a {
                let naive = date.and_time(NaiveTime::MIN) + Duration::seconds(a + left);
                return match resolve(naive, &self.tz) {
                    Resolved::At(t) | Resolved::Gap { ends: t, .. } => Some(t),
                    Resolved::Unknown => None,
                };
            }
            left -= b - a;
        }
        None
    }
}

fn index(date: NaiveDate) -> i64 {
    (date - epoch()).num_days()
}

fn date_of(i: i64) -> Option<NaiveDate> {
    epoch().checked_add_signed(Duration::try_days(i)?)
}

/// A contract's SLA as typed: weeks and days are kept apart from hours and minutes,
/// because with a calendar a day is a working day, not 24 hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sla {
    pub weeks: i64,
    pub days: i64,
    /// Hours and minutes, in minutes.
    pub minutes: i64,
}

impl Sla {
    /// `2d`, `36h`, `1d 4h`, `1w`: the forms of [`parse_duration`], units kept.
    pub fn parse(text: &str) -> Result<Sla, DomainError> {
        parse_duration(text)?;
        let mut sla = Sla::default();
        let mut digits = String::new();
        for ch in text.trim().chars() {
            if ch.is_ascii_digit() {
                digits.push(ch);
                continue;
            }
            if ch.is_whitespace() {
                continue;
            }
            let n: i64 = digits
                .parse()
                .map_err(|_| DomainError::BadDuration(text.to_string()))?;
            digits.clear();
            match ch {
                'w' => sla.weeks += n,
                'd' => sla.days += n,
                'h' => sla.minutes += n * 60,
                _ => sla.minutes += n,
            }
        }
        Ok(sla)
    }

    /// An SLA stored as minutes before units were kept: whole weeks, else whole days,
    /// else hours and minutes (the compact form it was shown in).
    pub fn from_minutes(minutes: i64) -> Sla {
        if minutes % 10080 == 0 {
            Sla {
                weeks: minutes / 10080,
                ..Sla::default()
            }
        } else if minutes % 1440 == 0 {
            Sla {
                days: minutes / 1440,
                ..Sla::default()
            }
        } else {
            Sla {
                minutes,
                ..Sla::default()
            }
        }
    }

    /// Around the clock: a day is 24 hours, a week seven days.
    pub fn nominal(&self) -> Duration {
        Duration::minutes(self.weeks * 10080 + self.days * 1440 + self.minutes)
    }

    /// In the working time of a calendar whose working day is `day`: a week is five.
    pub fn working(&self, day: Duration) -> Duration {
        day * (self.weeks * 5 + self.days) as i32 + Duration::minutes(self.minutes)
    }

    /// As typed, in its compact form: `1d 4h`, `36h`, `90m`, `1w`.
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        if self.weeks > 0 {
            parts.push(format!("{}w", self.weeks));
        }
        if self.days > 0 {
            parts.push(format!("{}d", self.days));
        }
        if self.minutes > 0 {
            if self.minutes % 60 == 0 {
                parts.push(format!("{}h", self.minutes / 60));
            } else {
                parts.push(format!("{}m", self.minutes));
            }
        }
        parts.join(" ")
    }
}

impl Serialize for Sla {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Sla {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Sla::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// What an SLA counts: the wall clock, or a calendar's working time.
#[derive(Debug, Clone, Copy)]
pub enum Clock<'a> {
    Wall,
    Working(&'a Calendar),
}

impl Clock<'_> {
    /// Time counted in `[from, to)`.
    pub fn elapsed(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        match self {
            Clock::Wall => to.signed_duration_since(from),
            Clock::Working(c) => c.working_between(from, to),
        }
    }

    /// How much counted time `sla` allows.
    pub fn allowance(&self, sla: Sla) -> Duration {
        match self {
            Clock::Wall => sla.nominal(),
            Clock::Working(c) => sla.working(c.day_length()),
        }
    }

    /// When an item sent at `sent` runs out of `sla`.
    pub fn ran_out(&self, sent: DateTime<Utc>, sla: Sla) -> Option<DateTime<Utc>> {
        match self {
            Clock::Wall => sent.checked_add_signed(sla.nominal()),
            Clock::Working(c) => c.add_working(sent, sla.working(c.day_length())),
        }
    }

    /// Items sent before this instant have breached `sla` by `now`.
    pub fn breached_if_sent_before(&self, now: DateTime<Utc>, sla: Sla) -> DateTime<Utc> {
        match self {
            Clock::Wall => now.checked_sub_signed(sla.nominal()),
            Clock::Working(c) => c.cutoff(now, sla.working(c.day_length())),
        }
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// A counted duration in words, a working day being the calendar's: `1d 2h`, `45m`.
    pub fn format(&self, d: Duration) -> String {
        let day = match self {
            Clock::Wall => Duration::days(1),
            Clock::Working(c) => c.day_length(),
        };
        super::duration::format_in_days(d, day)
    }

    pub fn calendar(&self) -> Option<&str> {
        match self {
            Clock::Wall => None,
            Clock::Working(c) => Some(c.name()),
        }
    }
}

/// Reads the holidays of an ICS file: the start date of every VEVENT (an all-day
/// `DTSTART;VALUE=DATE:20261224`, or a date-time whose date is taken). Lines the
/// calendar does not need are skipped; a VEVENT without a readable DTSTART is refused
/// with its line.
pub fn parse_ics(file: &str, text: &str) -> Result<Vec<NaiveDate>, CalendarError> {
    let bad = |line: usize, problem: &str| CalendarError::BadIcs {
        file: file.to_string(),
        line,
        problem: problem.to_string(),
    };
    // Unfold continuation lines (RFC 5545 §3.1), keeping each one's first line number.
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.1.push_str(rest);
            continue;
        }
        lines.push((n + 1, raw.to_string()));
    }
    if !lines
        .iter()
        .any(|(_, l)| l.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        return Err(bad(1, "not an iCalendar file (no BEGIN:VCALENDAR)"));
    }
    let mut dates = Vec::new();
    let mut event: Option<(usize, Option<NaiveDate>)> = None;
    for (n, line) in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(n, "a line without `:` between its name and value"));
        };
        let key = name.split(';').next().unwrap_or("").to_ascii_uppercase();
        match (key.as_str(), value.trim().to_ascii_uppercase().as_str()) {
            ("BEGIN", "VEVENT") => {
                if event.is_some() {
                    return Err(bad(n, "BEGIN:VEVENT inside another VEVENT"));
                }
                event = Some((n, None));
            }
            ("END", "VEVENT") => match event.take() {
                Some((_, Some(date))) => dates.push(date),
                Some((start, None)) => return Err(bad(start, "a VEVENT without a DTSTART")),
                None => return Err(bad(n, "END:VEVENT without BEGIN:VEVENT")),
            },
            ("DTSTART", _) => {
                let Some(current) = event.as_mut() else {
                    return Err(bad(n, "DTSTART outside a VEVENT"));
                };
                let value = value.trim();
                let digits = value.get(..8).unwrap_or("");
                let date = NaiveDate::parse_from_str(digits, "%Y%m%d")
                    .ok()
                    .filter(|_| value.len() == 8 || value[8..].starts_with('T'))
                    .ok_or_else(|| {
                        bad(
                            n,
                            &format!(
                                "`{value}` is not a DTSTART date (YYYYMMDD or YYYYMMDDTHHMMSS)"
                            ),
                        )
                    })?;
                current.1 = Some(date);
            }
            _ => {}
        }
    }
    if let Some((start, _)) = event {
        return Err(bad(start, "a VEVENT that never ends (no END:VEVENT)"));
    }
    Ok(dates)
}

/// A holiday as typed, `YYYY-MM-DD`.
pub fn parse_holiday(text: &str) -> Result<NaiveDate, CalendarError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CalendarError::BadHoliday(text.to_string()))
}

/// Whether `day` is a weekday the calendar works and not a holiday (for the demo and
/// tests that need working days).
pub fn works_on(calendar: &Calendar, day: NaiveDate) -> bool {
    let i = index(day);
    !calendar.clock.is_holiday(i) && calendar.clock.naive_day(i) > 0
}

/// Monday first, as [`Datelike::weekday`] numbers it.
pub fn weekday_name(day: NaiveDate) -> &'static str {
    WEEKDAYS[day.weekday().num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn calendar(tz: &str, hours: &[&str], holidays: &[&str]) -> Calendar {
        Calendar::from_def(CalendarDef {
            name: "office".to_string(),
            tz: tz.to_string(),
            hours: hours.iter().map(|h| h.to_string()).collect(),
            holidays: holidays
                .iter()
                .map(|d| parse_holiday(d).expect("date"))
                .collect(),
        })
        .expect("calendar")
    }

    fn hours(d: Duration) -> f64 {
        d.num_seconds() as f64 / 3600.0
    }

    #[test]
    fn the_issue_example_counts_working_hours_only() {
        let office = calendar("UTC", &["Mon-Fri 09:00-17:00"], &[]);
        assert_eq!(office.day_length(), Duration::hours(8));
        let sent = at("2026-11-20T16:00:00Z"); // a Friday
        // sent, now, working hours
        let cases = [
            ("2026-11-20T17:30:00Z", 1.0),
            ("2026-11-21T12:00:00Z", 1.0),
            ("2026-11-23T10:00:00Z", 2.0),
            ("2026-11-23T15:30:00Z", 7.5),
            ("2026-11-24T09:30:00Z", 9.5),
        ];
        for (now, want) in cases {
            assert_eq!(hours(office.working_between(sent, at(now))), want, "{now}");
        }
        let holiday = calendar("UTC", &["Mon-Fri 09:00-17:00"], &["2026-11-23"]);
        assert_eq!(
            hours(holiday.working_between(sent, at("2026-11-24T10:00:00Z"))),
            2.0
        );
        // One working day from Friday 16:00 runs out on Monday at 16:00, or Tuesday
        // with Monday off.
        assert_eq!(
            office.add_working(sent, Duration::hours(8)),
            Some(at("2026-11-23T16:00:00Z"))
        );
        assert_eq!(
            holiday.add_working(sent, Duration::hours(8)),
            Some(at("2026-11-24T16:00:00Z"))
        );
        // By Tuesday 09:30, anything sent before Monday 09:30 has had more than 8h.
        let cut = office.cutoff(at("2026-11-24T09:30:00Z"), Duration::hours(8));
        assert_eq!(cut, Some(at("2026-11-23T09:30:00Z")));
    }

    #[test]
    fn split_shifts_and_days_off_count_as_written() {
        let c = calendar(
            "UTC",
            &["Mon-Thu 09:00-12:00 13:00-17:00", "Fri 09:00-13:00"],
            &[],
        );
        // 4 × 7h + 4h over 5 working days.
        assert_eq!(c.day_length(), Duration::minutes(32 * 60 / 5));
        let mon = at("2026-11-23T11:00:00Z");
        assert_eq!(
            hours(c.working_between(mon, at("2026-11-23T14:00:00Z"))),
            2.0
        );
        // Friday 12:00 to Monday 10:00: 1h + 1h.
        assert_eq!(
            hours(c.working_between(at("2026-11-27T12:00:00Z"), at("2026-11-30T10:00:00Z"))),
            2.0
        );
        assert_eq!(
            c.add_working(at("2026-11-23T11:00:00Z"), Duration::hours(2)),
            Some(at("2026-11-23T14:00:00Z"))
        );
    }

    #[test]
    fn working_hours_follow_the_local_clock_across_a_daylight_saving_change() {
        // Berlin leaves summer time on Sunday 2026-10-25: 09:00 local is 07:00 UTC on
        // Friday 23rd and 08:00 UTC on Monday 26th.
        let berlin = calendar("Europe/Berlin", &["Mon-Fri 09:00-17:00"], &[]);
        let sent = at("2026-10-23T14:00:00Z"); // Friday 16:00 local
        assert_eq!(
            hours(berlin.working_between(sent, at("2026-10-26T09:00:00Z"))),
            2.0
        ); // Monday 10:00 local
        assert_eq!(
            berlin.add_working(sent, Duration::hours(8)),
            Some(at("2026-10-26T15:00:00Z"))
        );
        // A night shift the clocks jump inside lasts an hour less (spring, 29 March).
        let night = calendar("Europe/Berlin", &["Sun 00:00-06:00"], &[]);
        assert_eq!(
            hours(night.working_between(at("2026-03-28T12:00:00Z"), at("2026-03-29T12:00:00Z"))),
            5.0
        );
        // …and an hour more when they go back (autumn, 25 October).
        assert_eq!(
            hours(night.working_between(at("2026-10-24T12:00:00Z"), at("2026-10-25T12:00:00Z"))),
            7.0
        );
        let five_in = night.add_working(at("2026-03-28T12:00:00Z"), Duration::hours(5));
        assert_eq!(five_in, Some(at("2026-03-29T04:00:00Z")));
    }

    #[test]
    fn hours_rows_are_read_or_refused_by_name() {
        for row in [
            "Mon-Fri 09:00-17:00",
            "mon,wed 13:00-17:00",
            "Fri-Mon 00:00-24:00",
        ] {
            assert!(parse_hours(row).is_ok(), "{row}");
        }
        assert_eq!(
            parse_hours("Fri-Mon 10:00-11:00").map(|r| r.0),
            Ok(vec![4, 5, 6, 0])
        );
        for row in [
            "",
            "Mon-Fri",
            "Mon-Fry 09:00-17:00",
            "Mon 9-17",
            "Mon 09:00-25:00",
        ] {
            assert_eq!(
                parse_hours(row),
                Err(CalendarError::BadHours(row.to_string()))
            );
        }
        assert_eq!(
            parse_hours("Mon 22:00-06:00"),
            Err(CalendarError::Overnight("Mon 22:00-06:00".to_string()))
        );
    }

    #[test]
    fn sla_units_are_kept_as_typed() {
        let cases = [
            ("1d", 0, 1, 0),
            ("1w", 1, 0, 0),
            ("36h", 0, 0, 2160),
            ("1d 4h", 0, 1, 240),
        ];
        for (text, weeks, days, minutes) in cases {
            let sla = Sla::parse(text).expect("sla");
            assert_eq!(
                sla,
                Sla {
                    weeks,
                    days,
                    minutes
                },
                "{text}"
            );
            assert_eq!(sla.text(), text);
        }
        let day = Duration::hours(8);
        assert_eq!(
            Sla::parse("1w").expect("sla").working(day),
            Duration::hours(40)
        );
        assert_eq!(
            Sla::parse("24h").expect("sla").working(day),
            Duration::hours(24)
        );
        assert_eq!(Sla::parse("1w").expect("sla").nominal(), Duration::days(7));
        assert_eq!(Sla::from_minutes(2880).text(), "2d");
        assert_eq!(Sla::from_minutes(90).text(), "90m");
    }

    #[test]
    fn ics_dates_are_holidays_and_bad_files_name_their_line() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Christmas\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin:20261231T090000\r\nSUMMARY:New\r\n  Year's Eve\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let dates = parse_ics("h.ics", ics).expect("ics");
        assert_eq!(
            dates,
            vec![
                parse_holiday("2026-12-25").expect("d"),
                parse_holiday("2026-12-31").expect("d")
            ]
        );
        let bad = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026-12-25\nEND:VEVENT\nEND:VCALENDAR\n";
        assert_eq!(
            parse_ics("h.ics", bad).map_err(|e| e.to_string()),
            Err(
                "h.ics, line 3: `2026-12-25` is not a DTSTART date (YYYYMMDD or YYYYMMDDTHHMMSS)"
                    .to_string()
            )
        );
        let open = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261225\n";
        assert!(parse_ics("h.ics", open).is_err());
        assert!(parse_ics("h.ics", "hello").is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn calendars() -> impl Strategy<Value = Calendar> {
            let zones = prop_oneof![
                Just("UTC"),
                Just("Europe/Berlin"),
                Just("America/New_York"),
                Just("Australia/Lord_Howe")
            ];
            let rows = prop_oneof![
                Just(vec!["Mon-Fri 09:00-17:00"]),
                Just(vec!["Mon-Fri 09:00-12:00 13:00-17:30", "Sat 10:00-14:00"]),
                Just(vec!["Sun 00:00-06:00", "Mon-Sun 01:30-03:30"]),
                Just(vec!["Mon-Sun 00:00-24:00"]),
            ];
            (zones, rows).prop_map(|(tz, rows)| calendar(tz, &rows, &[]))
        }

        proptest! {
            #[test]
            fn working_time_never_exceeds_wall_time(
                c in calendars(),
                start in 1_700_000_000i64..1_900_000_000,
                span in 0i64..40_000_000,
            ) {
                let a = DateTime::from_timestamp(start, 0).expect("t");
                let b = DateTime::from_timestamp(start + span, 0).expect("t");
                let worked = c.working_between(a, b);
                prop_assert!(worked >= Duration::zero());
                prop_assert!(worked <= b - a, "{worked} > {}", b - a);
                // add_working is the inverse: it lands where that much was worked.
                if worked > Duration::zero() {
                    let end = c.add_working(a, worked).expect("instant");
                    prop_assert!(end <= b);
                    prop_assert_eq!(c.working_between(a, end), worked);
                }
            }

            #[test]
            fn a_holiday_never_makes_an_item_more_breached(
                c in calendars(),
                start in 1_700_000_000i64..1_800_000_000,
                span in 0i64..5_000_000,
                holiday in 0i64..80,
            ) {
                let a = DateTime::from_timestamp(start, 0).expect("t");
                let b = DateTime::from_timestamp(start + span, 0).expect("t");
                let day = a.date_naive() + Duration::days(holiday - 10);
                let mut def = c.def().clone();
                def.holidays.push(day);
                let off = Calendar::from_def(def).expect("calendar");
                prop_assert!(off.working_between(a, b) <= c.working_between(a, b));
                let sla = Duration::hours(8);
                prop_assert!(off.cutoff(b, sla) <= c.cutoff(b, sla));
            }
        }
    }
}
