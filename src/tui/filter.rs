//! The board's filter line, read: words that must appear in an item's title or body,
//! and `team:KEY`, `owner:NAME`, `tag:TAG`, `signal:CODE` terms. Pure: what it asks
//! for, not how the store finds it.

use crate::domain::attention::SignalCode;
use crate::storage::ItemFilter;

/// What a filter line asks for. A repeated term keeps its last value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub team: Option<String>,
    pub owner: Option<String>,
    pub tag: Option<String>,
    /// The words, joined by single spaces.
    pub words: Option<String>,
    /// Only items carrying this attention signal.
    pub signal: Option<SignalCode>,
}

impl Filter {
    /// The store's filter for everything but the signal, which needs the attention
    /// queue and is applied as a list of ids, and the owner, which is matched against
    /// the people the board knows ([`crate::domain::text::owners_matching`]).
    pub fn items(&self) -> ItemFilter {
        ItemFilter {
            team: self.team.clone(),
            tag: self.tag.clone(),
            text: self.words.clone(),
            ..ItemFilter::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("unknown signal `{0}`; signals: {list}", list = SignalCode::list())]
    UnknownSignal(String),
}

/// Reads a filter line; the empty line asks for everything.
pub fn parse_filter(text: &str) -> Result<Filter, FilterError> {
    let mut filter = Filter::default();
    let mut words = Vec::new();
    for term in terms(text) {
        match term.split_once(':') {
            Some(("team", v)) => filter.team = Some(v.to_string()),
            Some(("owner", v)) => filter.owner = Some(v.to_string()),
            Some(("tag", v)) => filter.tag = Some(v.to_string()),
            Some(("signal", v)) => {
                let code = SignalCode::parse(v);
                filter.signal = Some(code.ok_or_else(|| FilterError::UnknownSignal(v.into()))?);
            }
            _ => words.push(term),
        }
    }
    if !words.is_empty() {
        filter.words = Some(words.join(" "));
    }
    Ok(filter)
}

/// A filter line's terms: split at spaces, except inside double quotes, so that
/// `owner:"Ann Lee"` names one person (the quotes are dropped).
fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut term = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !term.is_empty() {
                    terms.push(std::mem::take(&mut term));
                }
            }
            c => term.push(c),
        }
    }
    if !term.is_empty() {
        terms.push(term);
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    #[test]
    fn a_filter_line_reads_into_terms_and_words() {
        let none = Filter::default();
        let cases = [
            ("", none.clone()),
            ("   ", none.clone()),
            (
                "team:sales",
                Filter {
                    team: some("sales"),
                    ..none.clone()
                },
            ),
            (
                "owner:\"Ann Lee\" tag:renewal",
                Filter {
                    owner: some("Ann Lee"),
                    tag: some("renewal"),
                    ..none.clone()
                },
            ),
            // Words keep their order and are joined by one space; quotes group them.
            (
                "  globex   \"sso  login\" pilot ",
                Filter {
                    words: some("globex sso  login pilot"),
                    ..none.clone()
                },
            ),
            (
                "signal:sla-breached team:support acme",
                Filter {
                    team: some("support"),
                    words: some("acme"),
                    signal: Some(SignalCode::SlaBreached),
                    ..none.clone()
                },
            ),
            // The last of a repeated term counts; an unknown `key:` is a word.
            (
                "team:sales team:support due:friday",
                Filter {
                    team: some("support"),
                    words: some("due:friday"),
                    ..none.clone()
                },
            ),
            // Only the first colon separates: the value may hold more.
            (
                "tag:q4:renewal",
                Filter {
                    tag: some("q4:renewal"),
                    ..none.clone()
                },
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(parse_filter(line), Ok(expected), "{line:?}");
        }
    }

    #[test]
    fn an_unknown_signal_is_refused_with_the_known_ones() {
        let refused = parse_filter("globex signal:late").expect_err("refused");
        assert_eq!(refused, FilterError::UnknownSignal("late".to_string()));
        let text = refused.to_string();
        assert!(
            text.starts_with("unknown signal `late`; signals: overdue, "),
            "{text}"
        );
        assert!(text.ends_with(", contract-incomplete"), "{text}");
    }

    #[test]
    fn the_store_filter_carries_every_term_but_the_signal_and_the_owner() {
        let filter =
            parse_filter("team:sales owner:ann tag:q4 acme signal:overdue").expect("a filter");
        let items = filter.items();
        assert_eq!(items.team, some("sales"));
        // The owner is matched against the known people, then given as `owners`.
        assert_eq!(filter.owner, some("ann"));
        assert_eq!((items.owner, items.owners), (None, None));
        assert_eq!(items.tag, some("q4"));
        assert_eq!(items.text, some("acme"));
        assert_eq!(items.ids, None);
        assert!(items.states.is_empty());
    }
}
