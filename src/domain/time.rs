//! Times as people type them: RFC 3339, or `YYYY-MM-DD[ HH:MM]` in a given zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

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
    let naive = if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        d.and_time(time_of_day)
    } else {
        [
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or_else(bad)?
    };
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(bad)
}

/// Drops sub-second precision: the log keeps whole seconds, so every time is cut the same way.
pub fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// The canonical text form of a time in storage and JSON: RFC 3339 in UTC, seconds.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

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
}
