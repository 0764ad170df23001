//! A person's settings: `config.toml` in the platform config directory (on Linux
//! `~/.config/baton/config.toml`; `BATON_CONFIG` names another file). Each setting is
//! taken from the first of: a flag, the environment, this file, the default.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The settings a config file may hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Config {
    /// The board: a file path or a `postgres://` URL.
    pub db: Option<String>,
    /// Who acts, where the database does not say (outside team mode).
    pub actor: Option<String>,
    /// The board's colours.
    pub theme: Option<ThemeName>,
    /// Whether the board takes the mouse (click, double click, wheel); default yes.
    pub mouse: Option<bool>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    HighContrast,
}

impl ThemeName {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
        }
    }
}

/// The keys [`Config`] knows, for telling an unknown key from a misspelt one.
const KEYS: &[&str] = &["db", "actor", "theme", "mouse"];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {reason}")]
    Read {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("the config file {path} is not valid: {detail}")]
    Invalid { path: PathBuf, detail: String },
}

/// A config file as read, with the warnings it deserves (unknown keys).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    pub config: Config,
    /// The file it came from, when there was one.
    pub from: Option<PathBuf>,
    pub warnings: Vec<String>,
}

/// Where the config file is looked for (none when there is no home directory and no
/// `BATON_CONFIG`).
pub fn path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("BATON_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "baton").map(|d| d.config_dir().join("config.toml"))
}

/// Reads the config file at `path`; a missing file is no settings, not an error.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::default()),
        Err(reason) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                reason,
            });
        }
    };
    parse(&text, path)
}

/// Parses a config file's text; `path` names it in messages.
pub fn parse(text: &str, path: &Path) -> Result<Loaded, ConfigError> {
    let invalid = |detail: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        detail,
    };
    // toml's messages name the line and column, and show the line.
    let table: toml::Table = toml::from_str(text).map_err(|e| invalid(one_line(&e, text)))?;
    let warnings = table
        .keys()
        .filter(|key| !KEYS.contains(&key.as_str()))
        .map(|key| {
            format!(
                "{}: unknown setting `{key}` ignored (known: {})",
                path.display(),
                KEYS.join(", ")
            )
        })
        .collect();
    let known: toml::Table = table
        .into_iter()
        .filter(|(key, _)| KEYS.contains(&key.as_str()))
        .collect();
    let config: Config = known
        .try_into()
        .map_err(|e: toml::de::Error| invalid(one_line(&e, "")))?;
    Ok(Loaded {
        config,
        from: Some(path.to_path_buf()),
        warnings,
    })
}

/// A toml error on one line: "line 3, column 9: invalid string …" (the place when it
/// is known in `text`).
fn one_line(error: &toml::de::Error, text: &str) -> String {
    let message = error.message().trim().replace('\n', " ");
    match error.span().filter(|span| span.start <= text.len()) {
        Some(span) if !text.is_empty() => {
            let before = &text[..span.start];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {message}")
        }
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Loaded, ConfigError> {
        parse(text, Path::new("config.toml"))
    }

    #[test]
    fn every_setting_is_read() {
        let loaded = parsed(
            "db = \"postgres://db.example/handoffs\"\nactor = \"maya\"\ntheme = \"high-contrast\"\nmouse = false\n",
        )
        .expect("valid");
        assert_eq!(
            loaded.config,
            Config {
                db: Some("postgres://db.example/handoffs".to_string()),
                actor: Some("maya".to_string()),
                theme: Some(ThemeName::HighContrast),
                mouse: Some(false),
            }
        );
        assert!(loaded.warnings.is_empty());
    }

    #[test]
    fn an_unknown_key_is_a_warning() {
        let loaded = parsed("colour = \"blue\"\nactor = \"maya\"\n").expect("valid");
        assert_eq!(loaded.config.actor.as_deref(), Some("maya"));
        assert_eq!(
            loaded.warnings,
            ["config.toml: unknown setting `colour` ignored (known: db, actor, theme, mouse)"]
        );
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_line() {
        let error = parsed("actor = \"maya\"\ntheme = dark\n")
            .expect_err("bare word")
            .to_string();
        assert!(
            error.starts_with("the config file config.toml is not valid: line 2, column 9: "),
            "{error}"
        );
        assert_eq!(error.lines().count(), 1);
    }

    #[test]
    fn malformed_files_and_bad_values_are_errors() {
        for text in [
            "actor = \"unterminated\n",
            "theme = \"pink\"\n",
            "mouse = \"yes\"\n",
        ] {
            let error = parsed(text).expect_err(text).to_string();
            assert!(
                error.starts_with("the config file config.toml is not valid: "),
                "{error}"
            );
        }
    }
}
