//! Durations as people type and read them: `90m`, `4h`, `2d`, `1w`, `1d 4h`.

use chrono::Duration;

use super::DomainError;

/// Parses `90m`, `4h`, `2d`, `1w` and combinations such as `1d4h` or `1d 4h`.
///
/// Units are lowercase only: `1M` reads as a month to some, so an uppercase unit is
/// refused with a message saying which units exist rather than guessed at.
pub fn parse_duration(input: &str) -> Result<Duration, DomainError> {
    parse_lowercase(input).map_err(|error| {
        let lowered = input.to_ascii_lowercase();
        if lowered != input && parse_lowercase(&lowered).is_ok() {
            DomainError::UppercaseUnit(input.to_string())
        } else {
            error
        }
    })
}

fn parse_lowercase(input: &str) -> Result<Duration, DomainError> {
    let bad = || DomainError::BadDuration(input.to_string());
    let text = input.trim();
    if text.is_empty() {
        return Err(bad());
    }
    let mut total = Duration::zero();
    let mut digits = String::new();
    let mut seen_unit = false;
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
        } else if ch.is_whitespace() {
            if !digits.is_empty() {
                return Err(bad());
            }
        } else {
            let n: i64 = digits.parse().map_err(|_| bad())?;
            digits.clear();
            let part = match ch {
                'm' => Duration::try_minutes(n),
                'h' => Duration::try_hours(n),
                'd' => Duration::try_days(n),
                'w' => Duration::try_weeks(n),
                _ => None,
            }
            .ok_or_else(bad)?;
            total = total.checked_add(&part).ok_or_else(bad)?;
            seen_unit = true;
        }
    }
    // Ten years is more than any SLA or snooze needs, and keeps time arithmetic safe.
    if !digits.is_empty() || !seen_unit || total <= Duration::zero() || total > longest() {
        return Err(bad());
    }
    Ok(total)
}

/// The longest duration accepted: ten years (520 weeks).
pub fn longest() -> Duration {
    Duration::weeks(520)
}

/// Formats a duration with its two largest units: `3d 2h`, `5h 10m`, `45m`.
/// Negative durations are shown by their magnitude; callers word the sign.
pub fn format_duration(d: Duration) -> String {
    let minutes = d.num_minutes().unsigned_abs();
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// A duration in days of `day` (a calendar's working day; 24h around the clock), hours
/// and minutes: `1d 2h`, `2d 15m`, `45m`.
pub fn format_in_days(d: Duration, day: Duration) -> String {
    let day = day.num_minutes().max(1);
    let minutes = d.num_minutes().abs();
    let (days, hours, mins) = (minutes / day, (minutes % day) / 60, (minutes % day) % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, 0) => format!("{d}d"),
        (d, 0, m) => format!("{d}d {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// The compact form used to store and export an SLA: `2d`, `36h`, `90m`.
pub fn format_duration_compact(d: Duration) -> String {
    let minutes = d.num_minutes();
    if minutes % 10080 == 0 {
        format!("{}w", minutes / 10080)
    } else if minutes % 1440 == 0 {
        format!("{}d", minutes / 1440)
    } else if minutes % 60 == 0 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let cases = [
            ("90m", 90),
            ("4h", 240),
            ("2d", 2880),
            ("1w", 10080),
            ("1d4h", 1680),
            ("1d 4h", 1680),
            (" 2h 30m ", 150),
        ];
        for (text, minutes) in cases {
            assert_eq!(
                parse_duration(text).ok().map(|d| d.num_minutes()),
                Some(minutes),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for text in ["", "2", "h", "2x", "-2d", "0m", "2 d", "99999999999999999w"] {
            assert!(parse_duration(text).is_err(), "{text:?} should be refused");
        }
    }

    #[test]
    fn uppercase_units_are_refused_with_the_units_named() {
        for text in ["4H", "2D", "1W", "90M", "1d 4H"] {
            assert_eq!(
                parse_duration(text),
                Err(DomainError::UppercaseUnit(text.to_string())),
                "{text}"
            );
        }
        // Not a duration in any case: the usual message.
        assert_eq!(
            parse_duration("2X"),
            Err(DomainError::BadDuration("2X".to_string()))
        );
    }

    #[test]
    fn formats_with_the_two_largest_units() {
        let cases = [
            (45, "45m"),
            (60, "1h"),
            (130, "2h 10m"),
            (1440, "1d"),
            (4470, "3d 2h"),
        ];
        for (minutes, text) in cases {
            assert_eq!(format_duration(Duration::minutes(minutes)), text);
        }
        assert_eq!(format_duration(Duration::minutes(-90)), "1h 30m");
    }

    #[test]
    fn compact_form_round_trips() {
        for text in ["2d", "36h", "90m", "1w"] {
            let d = parse_duration(text).expect("valid");
            assert_eq!(format_duration_compact(d), text);
        }
    }
}
