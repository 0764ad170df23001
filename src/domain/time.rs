//! Times as people type them: RFC 3339, or `YYYY-MM-DD[ HH:MM]` in a given zone; and
//! the calendar days of a zone, which metrics group by.
//!
//! A local time the zone skips (the clocks go forward) is refused, naming the gap; a
//! local time the zone repeats (the clocks go back) means the first of the two.

use chrono::{
    DateTime, Duration, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc,
};

use super::DomainError;

/// Parses an RFC 3339 time, or `YYYY-MM-DD[ HH:MM]` read in `zone`.
/// A date alone means the start of that day.
pub fn parse_time<Tz: TimeZone>(input: &str, zone: &Tz) -> Result<DateTime<Utc>, DomainError> {
    parse_with_default(input, zone, NaiveTime::MIN)
}

/// Parses a due date: like [`parse_time`], but a date alone means the end of that day.
pub fn parse_due<Tz: TimeZone>(input: &str, zone: &Tz) -> Result<DateTime<Utc>, DomainError> {
    let end_of_day = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN);
    parse_with_default(input, zone, end_of_day)
}

fn parse_with_default<Tz: TimeZone>(
    input: &str,
    zone: &Tz,
    time_of_day: NaiveTime,
) -> Result<DateTime<Utc>, DomainError> {
    let text = input.trim();
    let bad = || DomainError::BadTime(input.to_string());
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(whole_seconds(t.with_timezone(&Utc)));
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        // A day whose midnight the zone skips starts when the gap ends.
        let naive = day.and_time(time_of_day);
        return match resolve(naive, zone) {
            Resolved::At(t) => Ok(t),
            Resolved::Gap { ends, .. } if time_of_day == NaiveTime::MIN => Ok(ends),
            Resolved::Gap { from, to, .. } => Err(in_gap(input, from, to)),
            Resolved::Unknown => Err(bad()),
        };
    }
    let naive = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .ok_or_else(bad)?;
    match resolve(naive, zone) {
        Resolved::At(t) => Ok(t),
        Resolved::Gap { from, to, .. } => Err(in_gap(input, from, to)),
        Resolved::Unknown => Err(bad()),
    }
}

fn in_gap(input: &str, from: NaiveDateTime, to: NaiveDateTime) -> DomainError {
    DomainError::TimeInGap {
        input: input.to_string(),
        day: from.date(),
        from: from.time(),
        to: to.time(),
    }
}

/// What a local time is in a zone.
pub(crate) enum Resolved {
    /// The instant it names; the earlier one when the zone repeats it.
    At(DateTime<Utc>),
    /// None: the zone's clocks jump from `from` to `to` (local), at the instant `ends`.
    Gap {
        from: NaiveDateTime,
        to: NaiveDateTime,
        ends: DateTime<Utc>,
    },
    /// None, for want of a single gap around it (out of range, say).
    Unknown,
}

pub(crate) fn resolve<Tz: TimeZone>(naive: NaiveDateTime, zone: &Tz) -> Resolved {
    match zone.from_local_datetime(&naive) {
        MappedLocalTime::Single(t) => Resolved::At(t.with_timezone(&Utc)),
        // Compared, not taken in order: chrono's local zone lists the smaller offset
        // first, which is the later of the two moments.
        MappedLocalTime::Ambiguous(a, b) => {
            Resolved::At(a.with_timezone(&Utc).min(b.with_timezone(&Utc)))
        }
        MappedLocalTime::None => gap(naive, zone).unwrap_or(Resolved::Unknown),
    }
}

/// The gap that swallows `naive`: the offsets a day either side differ, and the clocks
/// change at one instant between the two readings of `naive`, found to the second.
fn gap<Tz: TimeZone>(naive: NaiveDateTime, zone: &Tz) -> Option<Resolved> {
    let offset = |utc: NaiveDateTime| zone.offset_from_utc_datetime(&utc).fix();
    let before = offset(naive.checked_sub_signed(Duration::days(1))?);
    let after = offset(naive.checked_add_signed(Duration::days(1))?);
    let jump = after.local_minus_utc() - before.local_minus_utc();
    if jump <= 0 {
        return None;
    }
    // Read with the later offset, `naive` is an instant still on the earlier one; read
    // with the earlier, one already on the later.
    let mut lo = naive.checked_sub_signed(Duration::seconds(after.local_minus_utc().into()))?;
    let mut hi = naive.checked_sub_signed(Duration::seconds(before.local_minus_utc().into()))?;
    if offset(lo) != before || offset(hi) != after {
        return None;
    }
    while hi - lo > Duration::seconds(1) {
        let mid = lo + (hi - lo) / 2;
        if offset(mid) == after {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(Resolved::Gap {
        from: hi.checked_add_signed(Duration::seconds(before.local_minus_utc().into()))?,
        to: hi.checked_add_signed(Duration::seconds(after.local_minus_utc().into()))?,
        ends: hi.and_utc(),
    })
}

/// An offset as people read it beside a time: `UTC`, `UTC+01:00`, `UTC-03:30`.
pub fn offset_name(offset: FixedOffset) -> String {
    if offset.local_minus_utc() == 0 {
        "UTC".to_string()
    } else {
        format!("UTC{offset}")
    }
}

/// A time in `zone`, to the minute, without its offset.
pub fn show_in<Tz: TimeZone>(t: DateTime<Utc>, zone: &Tz) -> String {
    t.with_timezone(zone)
        .naive_local()
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The offset `zone` has at `t`, named: for documents read in other zones.
pub fn offset_at<Tz: TimeZone>(t: DateTime<Utc>, zone: &Tz) -> String {
    offset_name(t.with_timezone(zone).offset().fix())
}

/// The calendar day `t` falls on in `zone`.
pub fn day_of<Tz: TimeZone>(t: DateTime<Utc>, zone: &Tz) -> NaiveDate {
    t.with_timezone(zone).date_naive()
}

/// When `day` begins in `zone`: its midnight, or the end of a gap that skips midnight.
pub fn start_of_day<Tz: TimeZone>(day: NaiveDate, zone: &Tz) -> Option<DateTime<Utc>> {
    match resolve(day.and_time(NaiveTime::MIN), zone) {
        Resolved::At(t) | Resolved::Gap { ends: t, .. } => Some(t),
        Resolved::Unknown => None,
    }
}

/// Drops sub-second precision: the log keeps whole seconds, so every time is cut the same way.
pub fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// The canonical text form of a time in storage and JSON: RFC 3339 in UTC, seconds.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// [`format_time`] into `buffer` (cleared first), digit by digit: the exports write a
/// million of them.
pub fn write_time(buffer: &mut String, t: DateTime<Utc>) {
    use chrono::{Datelike, Timelike};
    buffer.clear();
    let year = t.year();
    if !(0..=9999).contains(&year) {
        buffer.push_str(&format_time(t));
        return;
    }
    fn digits(buffer: &mut String, value: u32, width: u32) {
        for place in (0..width).rev() {
            let digit = value / 10u32.pow(place) % 10;
            buffer.push(char::from(b'0' + digit as u8));
        }
    }
    digits(buffer, year.unsigned_abs(), 4);
    let rest = [
        ('-', t.month()),
        ('-', t.day()),
        ('T', t.hour()),
        (':', t.minute()),
        (':', t.second()),
    ];
    for (separator, value) in rest {
        buffer.push(separator);
        digits(buffer, value, 2);
    }
    buffer.push('Z');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_time_writes_what_format_time_does() {
        let mut buffer = String::from("left over");
        let mut seconds: i64 = -62_167_219_200 - 86_400; // the day before year 0
        for _ in 0..20_010 {
            let t = DateTime::from_timestamp(seconds, 0).expect("in range");
            write_time(&mut buffer, t);
            assert_eq!(buffer, format_time(t), "{seconds}");
            // A stride that visits every field's values and crosses years 0 to 10000.
            seconds += 15_780_017;
        }
        let odd = DateTime::from_timestamp(1_795_000_000, 999_999_999).expect("in range");
        write_time(&mut buffer, odd);
        assert_eq!(buffer, format_time(odd));
    }

    #[test]
    fn reads_rfc3339_and_local_forms() {
        let zone = FixedOffset::east_opt(3600).expect("offset");
        let cases = [
            ("2026-11-20T09:30:00Z", "2026-11-20T09:30:00Z"),
            ("2026-11-20T09:30:00+02:00", "2026-11-20T07:30:00Z"),
            ("2026-11-20", "2026-11-19T23:00:00Z"),
            ("2026-11-20 09:30", "2026-11-20T08:30:00Z"),
        ];
        for (text, want) in cases {
            let got = parse_time(text, &zone).map(format_time);
            assert_eq!(got.as_deref(), Ok(want), "{text}");
        }
    }

    #[test]
    fn due_dates_mean_the_end_of_the_day() {
        let got = parse_due("2026-11-20", &Utc).map(format_time);
        assert_eq!(got.as_deref(), Ok("2026-11-20T23:59:00Z"));
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for text in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-11-20 25:00",
            "20/11/2026",
        ] {
            assert!(parse_time(text, &Utc).is_err(), "{text:?}");
        }
    }

    /// A zone with daylight saving, as Central Europe keeps it in 2026: UTC+1, and
    /// UTC+2 from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC. The clocks jump from
    /// 02:00 to 03:00 on 29 March and go back from 03:00 to 02:00 on 25 October.
    #[derive(Debug, Clone, Copy)]
    struct Berlin;

    fn naive(text: &str) -> NaiveDateTime {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .naive_utc()
    }

    impl Berlin {
        fn winter() -> FixedOffset {
            FixedOffset::east_opt(3600).expect("offset")
        }
        fn summer() -> FixedOffset {
            FixedOffset::east_opt(7200).expect("offset")
        }
    }

    impl TimeZone for Berlin {
        type Offset = FixedOffset;

        fn from_offset(_: &FixedOffset) -> Berlin {
            Berlin
        }

        fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<FixedOffset> {
            self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
        }

        fn offset_from_local_datetime(
            &self,
            local: &NaiveDateTime,
        ) -> MappedLocalTime<FixedOffset> {
            let fits = |o: FixedOffset| {
                local
                    .checked_sub_offset(o)
                    .is_some_and(|u| self.offset_from_utc_datetime(&u) == o)
            };
            match (fits(Berlin::summer()), fits(Berlin::winter())) {
                // The smaller offset first, as chrono's local zone gives them.
                (true, true) => MappedLocalTime::Ambiguous(Berlin::winter(), Berlin::summer()),
                (true, false) => MappedLocalTime::Single(Berlin::summer()),
                (false, true) => MappedLocalTime::Single(Berlin::winter()),
                (false, false) => MappedLocalTime::None,
            }
        }

        fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
            self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
        }

        fn offset_from_utc_datetime(&self, t: &NaiveDateTime) -> FixedOffset {
            if *t >= naive("2026-03-29T01:00:00Z") && *t < naive("2026-10-25T01:00:00Z") {
                Berlin::summer()
            } else {
                Berlin::winter()
            }
        }
    }

    #[test]
    fn a_time_the_clocks_skip_is_refused_naming_the_gap() {
        for text in [
            "2026-03-29 02:30",
            "2026-03-29 02:00",
            "2026-03-29T02:59:59",
        ] {
            let error = parse_time(text, &Berlin).expect_err(text);
            assert_eq!(
                error.to_string(),
                format!(
                    "`{text}` does not exist in local time: on 2026-03-29 the clocks jump from 02:00 to 03:00 (daylight saving); give a time before or after the gap"
                )
            );
        }
        // Either side of the gap is fine.
        let cases = [
            ("2026-03-29 01:59", "2026-03-29T00:59:00Z"),
            ("2026-03-29 03:00", "2026-03-29T01:00:00Z"),
            // A date alone is midnight, which this gap leaves alone.
            ("2026-03-29", "2026-03-28T23:00:00Z"),
        ];
        for (text, want) in cases {
            assert_eq!(
                parse_time(text, &Berlin).map(format_time).as_deref(),
                Ok(want)
            );
        }
        assert!(matches!(
            parse_due("2026-03-29 02:15", &Berlin),
            Err(DomainError::TimeInGap { .. })
        ));
    }

    #[test]
    fn a_time_the_clocks_repeat_means_the_first_of_the_two() {
        let cases = [
            ("2026-10-25 02:30", "2026-10-25T00:30:00Z"),
            ("2026-10-25 01:59", "2026-10-24T23:59:00Z"),
            ("2026-10-25 03:00", "2026-10-25T02:00:00Z"),
        ];
        for (text, want) in cases {
            assert_eq!(
                parse_time(text, &Berlin).map(format_time).as_deref(),
                Ok(want),
                "{text}"
            );
        }
    }

    /// A zone whose clocks jump from midnight to 01:00 (as some have): the day starts
    /// when the gap ends.
    #[derive(Debug, Clone, Copy)]
    struct MidnightJump;

    impl TimeZone for MidnightJump {
        type Offset = FixedOffset;

        fn from_offset(_: &FixedOffset) -> MidnightJump {
            MidnightJump
        }

        fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<FixedOffset> {
            self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
        }

        fn offset_from_local_datetime(
            &self,
            local: &NaiveDateTime,
        ) -> MappedLocalTime<FixedOffset> {
            if *local < naive("2026-09-06T00:00:00Z") {
                MappedLocalTime::Single(Berlin::winter())
            } else if *local < naive("2026-09-06T01:00:00Z") {
                MappedLocalTime::None
            } else {
                MappedLocalTime::Single(Berlin::summer())
            }
        }

        fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
            self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
        }

        fn offset_from_utc_datetime(&self, t: &NaiveDateTime) -> FixedOffset {
            if *t < naive("2026-09-05T23:00:00Z") {
                Berlin::winter()
            } else {
                Berlin::summer()
            }
        }
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_when_the_gap_ends() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).expect("date");
        let start = start_of_day(day, &MidnightJump).map(format_time);
        assert_eq!(start.as_deref(), Some("2026-09-05T23:00:00Z"));
        let parsed = parse_time("2026-09-06", &MidnightJump).map(format_time);
        assert_eq!(parsed.as_deref(), Ok("2026-09-05T23:00:00Z"));
        let error = parse_time("2026-09-06 00:30", &MidnightJump).expect_err("in the gap");
        assert!(
            error
                .to_string()
                .contains("on 2026-09-06 the clocks jump from 00:00 to 01:00"),
            "{error}"
        );
        assert_eq!(
            day_of(naive("2026-09-05T23:00:00Z").and_utc(), &MidnightJump),
            day
        );
    }
}
