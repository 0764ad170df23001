//! PostgreSQL for the tests: a fresh database per test on the server `BATON_TEST_PG`
//! names (a superuser URL), dropped again when the test is done, with the cluster-wide
//! roles the test made. Without `BATON_TEST_PG` the PostgreSQL variants are skipped,
//! saying so on stderr, unless `BATON_REQUIRE_PG=1` (CI), where that is a failure.
//!
//! The fixture connects without TLS (as `sslmode=prefer` does when the server offers
//! none), so `BATON_TEST_PG` should not say `sslmode=require`.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use postgres::{Client, NoTls};

pub const SKIPPED: &str = "skipped: PostgreSQL tests need BATON_TEST_PG (see README)";

/// The admin URL, when the tests are to use a PostgreSQL server.
fn admin_url() -> Option<String> {
    std::env::var("BATON_TEST_PG")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// True when PostgreSQL tests can run. Otherwise says why on stderr and returns false,
/// or fails the test when `BATON_REQUIRE_PG=1`.
pub fn available() -> bool {
    if admin_url().is_some() {
        return true;
    }
    assert!(
        std::env::var("BATON_REQUIRE_PG").as_deref() != Ok("1"),
        "BATON_REQUIRE_PG=1 but BATON_TEST_PG is not set: PostgreSQL tests cannot be skipped"
    );
    eprintln!("{SKIPPED}");
    false
}

/// A superuser connection to the database `BATON_TEST_PG` names (not a test's own);
/// call only when [`available`] said so.
pub fn server_admin() -> Client {
    let server = Server::parse(&admin_url().expect("BATON_TEST_PG is set"));
    server.connect(&server.database)
}

/// A `postgres://` URL taken apart, to name another database or another user.
#[derive(Debug, Clone)]
struct Server {
    scheme: String,
    user: Option<String>,
    password: Option<String>,
    host: String,
    database: String,
    query: String,
}

impl Server {
    fn parse(url: &str) -> Server {
        let (scheme, rest) = url
            .split_once("://")
            .unwrap_or_else(|| panic!("BATON_TEST_PG is not a postgres:// URL"));
        let (main, query) = match rest.split_once('?') {
            Some((main, query)) => (main, format!("?{query}")),
            None => (rest, String::new()),
        };
        let (authority, database) = match main.split_once('/') {
            Some((authority, database)) => (authority, database.to_string()),
            None => (main, String::new()),
        };
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((userinfo, host)) => (Some(userinfo), host.to_string()),
            None => (None, authority.to_string()),
        };
        let (user, password) = match userinfo.map(|u| u.split_once(':').ok_or(u)) {
            Some(Ok((user, password))) => (Some(user.to_string()), Some(password.to_string())),
            Some(Err(user)) => (Some(user.to_string()), None),
            None => (None, None),
        };
        Server {
            scheme: scheme.to_string(),
            user,
            password,
            host,
            database,
            query,
        }
    }

    fn url(&self, user: Option<&str>, password: Option<&str>, database: &str) -> String {
        let userinfo = match (user, password) {
            (Some(user), Some(password)) => format!("{user}:{password}@"),
            (Some(user), None) => format!("{user}@"),
            (None, _) => String::new(),
        };
        format!(
            "{}://{userinfo}{}/{database}{}",
            self.scheme, self.host, self.query
        )
    }

    /// The admin connection to `database`.
    fn connect(&self, database: &str) -> Client {
        let url = self.url(self.user.as_deref(), self.password.as_deref(), database);
        Client::connect(&url, NoTls).unwrap_or_else(|e| {
            panic!("cannot connect to BATON_TEST_PG (database {database}): {e}")
        })
    }
}

/// A name no other test, here or in another test process, uses at the same time.
pub fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("baton_t_{}_{n}_{:x}", std::process::id(), nanos & 0xff_ffff)
}

/// A name quoted as an SQL identifier.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A fresh, empty database, dropped with everything the test made in the cluster.
pub struct PgDb {
    pub name: String,
    server: Server,
    admin_role: String,
    roles: RefCell<Vec<String>>,
}

impl PgDb {
    /// A fresh database; call only when [`available`] said so.
    pub fn create() -> PgDb {
        PgDb::create_named(unique_name())
    }

    /// A fresh database named `name`, which must be unique: see [`unique_name`].
    pub fn create_named(name: String) -> PgDb {
        let server = Server::parse(&admin_url().expect("BATON_TEST_PG is set"));
        let mut admin = server.connect(&server.database);
        admin
            .batch_execute(&format!("CREATE DATABASE {}", ident(&name)))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        let admin_role: String = admin
            .query_one("SELECT session_user::text", &[])
            .expect("session_user")
            .get(0);
        PgDb {
            name,
            server,
            admin_role,
            roles: RefCell::new(Vec::new()),
        }
    }

    /// The database's URL, as its admin (the board's owner once it runs `baton init`).
    pub fn url(&self) -> String {
        self.server.url(
            self.server.user.as_deref(),
            self.server.password.as_deref(),
            &self.name,
        )
    }

    /// The database's URL as another user.
    pub fn url_as(&self, user: &str, password: &str) -> String {
        self.server.url(Some(user), Some(password), &self.name)
    }

    /// The URL as Baton's messages name it: the password hidden.
    pub fn shown_url(&self) -> String {
        let hidden = self.server.password.as_ref().map(|_| "***");
        self.server
            .url(self.server.user.as_deref(), hidden, &self.name)
    }

    /// The role the admin URL logs in as: the actor of everything done through [`url`].
    pub fn admin_role(&self) -> &str {
        &self.admin_role
    }

    /// A superuser connection to this database, to look behind Baton's back.
    pub fn admin(&self) -> Client {
        self.server.connect(&self.name)
    }

    /// The group role `baton init` makes for the board's writers.
    pub fn writers_group(&self) -> String {
        format!("baton_{}_writers", self.name)
    }

    /// Creates a login role with `password`, named `base` plus this database's unique
    /// suffix (roles are cluster-wide); dropped with the database. Returns its name.
    pub fn create_role(&self, base: &str, password: &str) -> String {
        let suffix = self.name.trim_start_matches("baton_t");
        let role = format!("{base}{suffix}");
        let mut admin = self.server.connect(&self.server.database);
        admin
            .batch_execute(&format!(
                "CREATE ROLE {} LOGIN PASSWORD '{}'",
                ident(&role),
                password.replace('\'', "''")
            ))
            .unwrap_or_else(|e| panic!("CREATE ROLE {role}: {e}"));
        self.roles.borrow_mut().push(role.clone());
        role
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let drop_all = || -> Result<(), postgres::Error> {
            let mut admin = Client::connect(
                &self.server.url(
                    self.server.user.as_deref(),
                    self.server.password.as_deref(),
                    &self.server.database,
                ),
                NoTls,
            )?;
            admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                ident(&self.name)
            ))?;
            admin.batch_execute(&format!(
                "DROP ROLE IF EXISTS {}",
                ident(&self.writers_group())
            ))?;
            for role in self.roles.borrow().iter() {
                admin.batch_execute(&format!("DROP ROLE IF EXISTS {}", ident(role)))?;
            }
            Ok(())
        };
        if let Err(e) = drop_all() {
            eprintln!("could not clean up the test database {}: {e}", self.name);
        }
    }
}
