//! Cause codes: why a handoff failed, from a short fixed list, given with a bounce or
//! a flagged dropped baton so retros can cluster failures per boundary.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    MissingContext,
    DoneCriteriaUnmet,
    WrongTeam,
    UnclearOwner,
    TooLate,
    Rework,
    Other,
}

/// A cause code not on the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown cause `{0}` (causes: {list})", list = Cause::list())]
pub struct UnknownCause(pub String);

impl Cause {
    /// Every cause, in the order forms and reports show them.
    pub const ALL: [Cause; 7] = [
        Cause::MissingContext,
        Cause::DoneCriteriaUnmet,
        Cause::WrongTeam,
        Cause::UnclearOwner,
        Cause::TooLate,
        Cause::Rework,
        Cause::Other,
    ];

    /// The stable code, as typed, stored and exported.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::MissingContext => "missing-context",
            Cause::DoneCriteriaUnmet => "done-criteria-unmet",
            Cause::WrongTeam => "wrong-team",
            Cause::UnclearOwner => "unclear-owner",
            Cause::TooLate => "too-late",
            Cause::Rework => "rework",
            Cause::Other => "other",
        }
    }

    /// What the code means, for help and forms.
    pub fn meaning(self) -> &'static str {
        match self {
            Cause::MissingContext => "the receiver lacked what it needed to know",
            Cause::DoneCriteriaUnmet => "the definition of done was not met",
            Cause::WrongTeam => "sent to the wrong team",
            Cause::UnclearOwner => "nobody clearly owned it",
            Cause::TooLate => "handed over too late to act on",
            Cause::Rework => "the work had to be redone",
            Cause::Other => "something else (say what in the reason)",
        }
    }

    fn list() -> String {
        Cause::ALL.map(Cause::as_str).join(", ")
    }
}

impl std::str::FromStr for Cause {
    type Err = UnknownCause;

    fn from_str(text: &str) -> Result<Cause, UnknownCause> {
        let code = text.trim();
        Cause::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(code))
            .ok_or_else(|| UnknownCause(code.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_an_unknown_one_is_named() {
        for cause in Cause::ALL {
            assert_eq!(cause.as_str().parse::<Cause>(), Ok(cause));
            let json = serde_json::to_string(&cause).expect("json");
            assert_eq!(json, format!("\"{}\"", cause.as_str()));
        }
        assert_eq!(" Rework ".parse::<Cause>(), Ok(Cause::Rework));
        assert_eq!(
            "lazy".parse::<Cause>().map_err(|e| e.to_string()),
            Err("unknown cause `lazy` (causes: missing-context, done-criteria-unmet, wrong-team, unclear-owner, too-late, rework, other)".to_string())
        );
    }
}
