//! Stored text is kept exactly as given; what reaches a terminal is made safe here,
//! and cut to fit by display width (wide characters count as two columns).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use std::io::Write;

use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Replaces control characters (escape sequences, bells, carriage returns, …) with a
/// visible `�`, and newlines and tabs with a space, so stored text can never move the
/// cursor or change the terminal's state.
pub fn display_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' | '\t' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Like [`display_safe`] but keeps line breaks, for multi-line bodies and notes.
pub fn display_safe_multiline(text: &str) -> String {
    text.split('\n')
        .map(display_safe)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Pretty JSON that is as safe on a terminal as the text output: besides what JSON
/// itself escapes, control characters beyond ASCII (C1 codes such as CSI, U+009B), DEL
/// and bidi controls are written as `\uXXXX`, so the value reads back unchanged but the
/// bytes can never drive the terminal.
pub fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut bytes = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut bytes, SafeFormatter(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    // The formatter only ever writes whole UTF-8 characters and ASCII escapes.
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// Compact JSON, as safe as [`to_json_pretty`]: what the database and the board
/// document store.
pub fn to_json_compact<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut bytes = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut bytes, SafeFormatter(CompactFormatter));
    value.serialize(&mut serializer)?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

struct SafeFormatter<F>(F);

impl<F: Formatter> Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some((at, ch)) = rest
            .char_indices()
            .find(|(_, c)| c.is_control() || is_bidi_control(*c))
        {
            writer.write_all(&rest.as_bytes()[..at])?;
            write!(writer, "\\u{:04x}", u32::from(ch))?;
            rest = &rest[at + ch.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Pads `text` to `width` terminal columns, cutting it with `…` when longer.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    if width == 0 {
        return out;
    }
    if text.width() <= width {
        out.push_str(text);
        used = text.width();
    } else {
        for ch in text.chars() {
            let w = ch.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(ch);
            used += w;
        }
        out.push('…');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// A bar of `value` against `max`, in eighths of a block so small values still show.
pub fn bar(value: f64, max: f64, width: usize) -> String {
    if max <= 0.0 || value <= 0.0 {
        return String::new();
    }
    const PARTS: [&str; 8] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"];
    let eighths = ((value / max) * (width * 8) as f64).round().max(1.0) as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push_str(PARTS[eighths % 8 - 1]);
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_never_survive() {
        let hostile = "ok\u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{9b}31m\u{202E}";
        let safe = display_safe(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert!(safe.starts_with("ok"));
    }

    #[test]
    fn fit_pads_and_cuts_by_display_width() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語テキスト", 6), "日本… ");
        assert_eq!(fit("🚀🚀🚀", 5), "🚀🚀…");
        for text in ["日本語テキスト", "🚀 launch", "plain words here"] {
            for width in 1..12 {
                assert_eq!(fit(text, width).width(), width, "{text:?} at {width}");
            }
        }
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        assert_eq!(
            display_safe("Renewal — ACME 🚀 日本"),
            "Renewal — ACME 🚀 日本"
        );
        assert_eq!(display_safe_multiline("a\nb\u{1b}"), "a\nb\u{FFFD}");
    }

    #[test]
    fn json_escapes_every_control_and_reads_back() {
        let hostile = "ok\u{1b}[2J\u{7}\u{9b}31m\u{7f}\u{202E} — 日本";
        let text = to_json_pretty(&[hostile]).expect("serializes");
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(!text.contains('\u{202E}'), "{text:?}");
        assert!(
            text.contains("\\u009b") && text.contains("— 日本"),
            "{text}"
        );
        let back: Vec<String> = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, [hostile]);
    }
}
