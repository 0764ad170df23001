//! Reaching a PostgreSQL server the way `psql` does: a libpq-style URL, a password from
//! the URL, `PGPASSWORD` or `~/.pgpass`, and `sslmode=disable|prefer|require`.

use std::path::PathBuf;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config};

use super::{Result, StoreError};

/// How long to wait for a server that does not answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The connection settings of `url`, with the password and user filled in as libpq
/// would.
pub fn config(url: &str) -> std::result::Result<Config, String> {
    if let Some(mode) = query_value(url, "sslmode")
        && !matches!(mode.as_str(), "disable" | "prefer" | "require")
    {
        return Err(format!(
            "sslmode={mode} is not supported: use sslmode=disable, prefer or require"
        ));
    }
    let mut config: Config = url.parse().map_err(|e| {
        format!(
            "{} is not a PostgreSQL URL Baton can use ({e}); write postgres://USER@HOST:PORT/DATABASE",
            super::postgres::redact(url)
        )
    })?;
    if config.get_user().is_none() {
        let user = ["PGUSER", "USER", "USERNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_else(|| "postgres".to_string());
        config.user(&user);
    }
    if config.get_dbname().is_none()
        && let Some(db) = std::env::var("PGDATABASE").ok().filter(|v| !v.is_empty())
    {
        config.dbname(&db);
    }
    if config.get_password().is_none() {
        if let Some(password) = std::env::var("PGPASSWORD").ok().filter(|v| !v.is_empty()) {
            config.password(password);
        } else if let Some(password) = pgpass_password(&config) {
            config.password(password);
        }
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    config.application_name("baton");
    Ok(config)
}

/// A connection, encrypted as the URL's `sslmode` asks.
pub fn connect(config: &Config, place: &str) -> Result<Client> {
    let result = match config.get_ssl_mode() {
        SslMode::Disable => config.connect(postgres::NoTls),
        _ => {
            let tls = super::pg_tls::connector().map_err(|e| {
                StoreError::Connection(format!("cannot set up TLS for {place}: {e}"))
            })?;
            config.connect(tls)
        }
    };
    result.map_err(|e| match e.as_db_error() {
        Some(db) => StoreError::Connection(format!("cannot connect to {place}: {}", db.message())),
        // The only setting the server can find missing is the password.
        None if config.get_password().is_none() && e.to_string() == "invalid configuration" => {
            StoreError::Connection(format!(
                "{place} asks for a password for `{}`: give it in the URL, in PGPASSWORD or in ~/.pgpass",
                config.get_user().unwrap_or_default()
            ))
        }
        None => StoreError::Connection(format!(
            "cannot connect to {place}: {}",
            e.to_string().lines().next().unwrap_or("no answer")
        )),
    })
}

fn query_value(url: &str, key: &str) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    query.split('&').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k == key).then(|| v.to_string())
    })
}

/// The password `~/.pgpass` (or `PGPASSFILE`) gives for this connection, if any.
fn pgpass_password(config: &Config) -> Option<String> {
    let path = match std::env::var_os("PGPASSFILE") {
        Some(path) => PathBuf::from(path),
        None => directories::BaseDirs::new()?.home_dir().join(".pgpass"),
    };
    let text = std::fs::read_to_string(path).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        // libpq matches a Unix socket as `localhost`.
        _ => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    pgpass_lookup(&text, [&host, &port, db, user])
}

/// The first line of a pgpass file matching host, port, database and user (`*` matches
/// anything; `\:` and `\\` are a literal colon and backslash).
fn pgpass_lookup(text: &str, wanted: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields: Vec<String> = vec![String::new()];
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next()
                        && let Some(field) = fields.last_mut()
                    {
                        field.push(next);
                    }
                }
                ':' if fields.len() < 5 => fields.push(String::new()),
                _ => {
                    if let Some(field) = fields.last_mut() {
                        field.push(c);
                    }
                }
            }
        }
        if fields.len() != 5 {
            continue;
        }
        let matches = fields[..4]
            .iter()
            .zip(wanted)
            .all(|(field, want)| field == "*" || field == want);
        if matches {
            return fields.pop();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgpass_takes_the_first_matching_line_with_wildcards_and_escapes() {
        let file = "# comment\n\
                    db.example:5432:baton:alice:first\n\
                    *:*:baton:bob:b\\:ob's\n\
                    *:*:*:*:fallback\n";
        let lookup = |h: &str, p: &str, d: &str, u: &str| pgpass_lookup(file, [h, p, d, u]);
        assert_eq!(
            lookup("db.example", "5432", "baton", "alice").as_deref(),
            Some("first")
        );
        assert_eq!(
            lookup("other", "6543", "baton", "bob").as_deref(),
            Some("b:ob's")
        );
        assert_eq!(
            lookup("db.example", "5433", "baton", "alice").as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_lookup("h:1:d:u:p\n", ["x", "1", "d", "u"]), None);
    }

    #[test]
    fn unsupported_sslmodes_are_refused_with_the_ones_that_work() {
        let error = config("postgres://h/db?sslmode=verify-full").expect_err("refused");
        assert!(
            error.contains("sslmode=disable, prefer or require"),
            "{error}"
        );
    }

    #[test]
    fn a_password_in_the_url_wins() {
        let config = config("postgres://alice:pw@h:5433/db?sslmode=require").expect("parses");
        assert_eq!(config.get_password(), Some(&b"pw"[..]));
        assert_eq!(config.get_user(), Some("alice"));
        assert_eq!(config.get_ssl_mode(), SslMode::Require);
    }
}
