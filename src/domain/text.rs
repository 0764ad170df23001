//! Stored text is kept exactly as given; what reaches a terminal is made safe here,
//! and cut to fit by display width (wide characters count as two columns).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use std::io::Write;

use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Replaces each terminal escape sequence, whole (`ESC[2J`, a window title set with
/// `ESC]0;…BEL`), and every other control character (bells, carriage returns, …)
/// with a visible `�`, and newlines and tabs with a space, so stored text can never
/// move the cursor or change the terminal's state, and no remnant like `[2J` shows.
pub fn display_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_display_safe(&mut out, text);
    out
}

/// [`display_safe`], appended to `out`: a long listing writes its lines into one
/// buffer. Text with nothing to replace (no control or bidi characters, so no escape
/// sequence either) is copied as it is.
pub fn push_display_safe(out: &mut String, text: &str) {
    if is_plain(text) {
        out.push_str(text);
        return;
    }
    for piece in pieces(text) {
        match piece {
            Piece::Char('\n' | '\t') => out.push(' '),
            Piece::Char(c) if c.is_control() || is_bidi_control(c) => out.push('\u{FFFD}'),
            Piece::Char(c) => out.push(c),
            Piece::Sequence => out.push('\u{FFFD}'),
        }
    }
}

/// Text from outside (a tracker's export) as Baton keeps it: terminal escape
/// sequences removed whole, by the same rule as [`display_safe`], and other control
/// characters but line breaks and tabs removed too. With `one_line`, line breaks and
/// tabs become spaces and runs of white space one space.
pub fn without_controls(text: &str, one_line: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text) {
        match piece {
            Piece::Char(c @ ('\n' | '\t')) => out.push(if one_line { ' ' } else { c }),
            // A sequence or control between two words still parts them.
            Piece::Char(c) if c.is_control() || is_bidi_control(c) => out.push(' '),
            Piece::Sequence => out.push(' '),
            Piece::Char(c) => out.push(c),
        }
    }
    if one_line {
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        out
    }
}

/// A character of text, or a whole terminal escape sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Char(char),
    Sequence,
}

/// Splits text into characters and whole escape sequences (ECMA-48): CSI (`ESC [` or
/// U+009B, parameters, a final byte), OSC, DCS, SOS, PM and APC strings (up to BEL or
/// the string terminator), and two-character escapes (`ESC 7`, `ESC (B`).
fn pieces(text: &str) -> impl Iterator<Item = Piece> + '_ {
    let mut chars = text.chars().peekable();
    std::iter::from_fn(move || {
        let c = chars.next()?;
        let kind = match c {
            '\u{1b}' => match chars.peek() {
                Some('[') => {
                    chars.next();
                    '\u{9b}'
                }
                Some(']') => {
                    chars.next();
                    '\u{9d}'
                }
                Some('P' | 'X' | '^' | '_') => {
                    chars.next();
                    '\u{90}'
                }
                Some(' '..='/') | Some('0'..='~') => {
                    // Intermediate characters, then one final character.
                    while chars.peek().is_some_and(|c| (' '..='/').contains(c)) {
                        chars.next();
                    }
                    if chars.peek().is_some_and(|c| ('0'..='~').contains(c)) {
                        chars.next();
                    }
                    return Some(Piece::Sequence);
                }
                _ => return Some(Piece::Char(c)),
            },
            '\u{9b}' => '\u{9b}',
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => '\u{9d}',
            c => return Some(Piece::Char(c)),
        };
        if kind == '\u{9b}' {
            // Parameters and intermediates, then the final character.
            while chars.peek().is_some_and(|c| (' '..='?').contains(c)) {
                chars.next();
            }
            if chars.peek().is_some_and(|c| ('@'..='~').contains(c)) {
                chars.next();
            }
        } else {
            // A control string: up to BEL, ST (`ESC \\` or U+009C), or the end.
            while let Some(c) = chars.next() {
                match c {
                    '\u{7}' | '\u{9c}' => break,
                    '\u{1b}' => {
                        if chars.peek() == Some(&'\\') {
                            chars.next();
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
        Some(Piece::Sequence)
    })
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
    write_json_pretty(&mut bytes, value)?;
    // The formatter only ever writes whole UTF-8 characters and ASCII escapes.
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// [`to_json_pretty`], written to `writer` as it is made: a long listing (the attention
/// queue of 100,000 items is 20 MB of JSON) is never held whole. Give it a buffered
/// writer: the serializer writes a few bytes at a time.
pub fn write_json_pretty<W: Write, T: serde::Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(writer, SafeFormatter(PrettyFormatter::new()));
    value.serialize(&mut serializer)
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
        if is_plain(fragment) {
            return writer.write_all(fragment.as_bytes());
        }
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

/// True when `text` has no control or bidi character, so nothing to replace: the
/// test on each character, made on the UTF-8 bytes in one pass (a listing of 100,000
/// items checks every title and reason, most of them with a `→` or quotes in them).
/// The bytes are taken eight at a time: eight of printable ASCII, most of any title,
/// pass at once; others are looked at one by one.
pub fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let next = |at: usize| bytes.get(at).copied().unwrap_or(0);
    let plain = |at: usize| match bytes[at] {
        0x00..0x20 | 0x7F => false,
        // U+0080..U+009F, the C1 controls: C2 80..C2 9F.
        0xC2 => next(at + 1) >= 0xA0,
        // U+200E, U+200F, U+202A..U+202E (E2 80 ..) and U+2066..U+2069 (E2 81 ..).
        0xE2 => !matches!(
            (next(at + 1), next(at + 2)),
            (0x80, 0x8E | 0x8F | 0xAA..=0xAE) | (0x81, 0xA6..=0xA9)
        ),
        // A character's other bytes, or one that is neither.
        _ => true,
    };
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + 8).min(bytes.len());
        // The last eight bytes where fewer are left: bytes already passed, and these.
        let eight = bytes.len().checked_sub(8).map(|last| {
            let from = at.min(last);
            u64::from_le_bytes(bytes[from..from + 8].try_into().unwrap_or([0; 8]))
        });
        if !eight.is_some_and(printable_ascii) && !(at..end).all(plain) {
            return false;
        }
        at = end;
    }
    true
}

/// Whether each of eight bytes is printable ASCII (0x20 to 0x7E): a byte of 0x80 or
/// more has its top bit set, 0x7F sets it when one is added, and a byte below 0x20
/// sets it when 0x20 is taken away (a carry or borrow between bytes only comes from a
/// byte already found out).
fn printable_ascii(eight: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let high_or_delete = eight | eight.wrapping_add(ONES);
    let below_space = eight.wrapping_sub(0x20 * ONES);
    (high_or_delete | below_space) & TOPS == 0
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Whether `query` is part of `name`, in any case and with or without accents: both
/// folded to lower case without their marks, so `owner:chloé` and `owner:chloe` find
/// "CHLOÉ Martin", and `owner:martin` finds her too.
pub fn name_matches(name: &str, query: &str) -> bool {
    folded(name).contains(&folded(query.trim()))
}

/// `text` in lower case with its accents and other combining marks taken off.
fn folded(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The people among `known` whom `query` names (see [`name_matches`]).
/// Those whose name starts with it come first, then those with a word that does, then
/// the rest, each in `known`'s order: Tab on `O` offers Owen before Aiko Tanaka.
pub fn owners_matching(known: &[String], query: &str) -> Vec<String> {
    let typed = folded(query.trim());
    let mut found: Vec<(u8, &String)> = known
        .iter()
        .filter_map(|name| {
            let name_folded = folded(name);
            if !name_folded.contains(&typed) {
                return None;
            }
            let rank = if name_folded.starts_with(&typed) {
                0
            } else if name_folded
                .split_whitespace()
                .any(|word| word.starts_with(&typed))
            {
                1
            } else {
                2
            };
            Some((rank, name))
        })
        .collect();
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().map(|(_, name)| name.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_found_on_the_bytes_as_on_the_characters() {
        let by_char = |t: &str| t.chars().all(|c| !c.is_control() && !is_bidi_control(c));
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("a{c}"), format!("{c}b→“x”")] {
                assert_eq!(is_plain(&text), by_char(&text), "{:?}", text);
            }
        }
        // Anywhere in a longer text, on either side of each eight bytes.
        let odd = [
            '\u{0}', '\u{1f}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2069}', 'é', '→',
        ];
        for at in 0..20 {
            for c in odd {
                let text = format!("{}{c}{}", "x".repeat(at), " ~".repeat(10));
                assert_eq!(is_plain(&text), by_char(&text), "{:?}", text);
            }
        }
        for byte in 0..=0x7Fu8 {
            for at in 0..8 {
                let text = format!("{}{}{}", " ".repeat(at), char::from(byte), "~".repeat(15));
                assert_eq!(is_plain(&text), by_char(&text), "{:?}", text);
            }
        }
    }

    #[test]
    fn escape_sequences_never_survive() {
        let hostile = "ok\u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{9b}31m\u{202E}";
        let safe = display_safe(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert!(safe.starts_with("ok"));
    }

    #[test]
    fn escape_sequences_go_whole() {
        // CSI, OSC ended by BEL and by ST, C1 CSI, a DCS string, a two-character escape.
        let hostile = "a\u{1b}[1;31mb\u{1b}]0;pwned\u{7}c\u{1b}]8;;http://x\u{1b}\\d\u{9b}2Je\u{1b}Pq#0\u{1b}\\f\u{1b}(Bg\u{1b}7h";
        assert_eq!(display_safe(hostile), "a�b�c�d�e�f�g�h");
        assert_eq!(without_controls(hostile, true), "a b c d e f g h");
        assert_eq!(
            without_controls("Fix\u{1b}[31m login\u{1b}[0m", true),
            "Fix login"
        );
        // A lone escape at the end, a bell, a carriage return: plain controls.
        assert_eq!(display_safe("x\u{1b}"), "x�");
        assert_eq!(display_safe("x\u{7}y\rz"), "x�y�z");
        assert_eq!(
            without_controls("one\r\ntwo\t\u{1b}[2Kthree", false),
            "one \ntwo\t three"
        );
        assert_eq!(without_controls("  one\n\n two  ", true), "one two");
        // An unterminated string swallows the rest, as a terminal would.
        assert_eq!(display_safe("ok\u{1b}]0;title"), "ok�");
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

    #[test]
    fn owner_matches_any_part_of_the_name_in_any_case_with_or_without_accents() {
        let cases = [
            ("Chloé Martin", "chloé", true),
            ("Chloé Martin", "CHLOÉ", true),
            ("CHLOÉ Martin", "chloé m", true),
            ("Chloé Martin", "martin", true),
            ("Özlem Şahin", "ÖZLEM", true),
            ("Ἀλέξανδρος", "ΑΛΈΞ", true),
            ("Ἀλέξανδρος", "αλεξ", true),
            ("Tomás Rivera", "rivera", true),
            ("Tomás Rivera", "tomas", true),
            ("Tomas Rivera", "tomás", true),
            ("Chloé Martin", "chloe", true),
            ("Chloé Martin", "chlor", false),
            ("Ben Adler", "bob", false),
            ("Ben Adler", " adler ", true),
        ];
        for (name, query, expected) in cases {
            assert_eq!(name_matches(name, query), expected, "{name} / {query}");
        }
        let known = vec![
            "Ana Lima".to_string(),
            "Hannah Lee".to_string(),
            "Lee Ann".to_string(),
        ];
        assert_eq!(owners_matching(&known, "lee"), ["Lee Ann", "Hannah Lee"]);
        assert_eq!(
            owners_matching(&known, "a"),
            ["Ana Lima", "Lee Ann", "Hannah Lee"]
        );
        assert!(owners_matching(&known, "zed").is_empty());
    }
}
