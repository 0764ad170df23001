//! Stored text is kept exactly as given; what reaches a terminal is made safe here.

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
    fn ordinary_text_is_unchanged() {
        assert_eq!(display_safe("Renewal — ACME 🚀 日本"), "Renewal — ACME 🚀 日本");
        assert_eq!(display_safe_multiline("a\nb\u{1b}"), "a\nb\u{FFFD}");
    }
}
