//! The config file: where it is, what it sets, and the order settings are taken in
//! (flag > environment > config file > default). A malformed file is an error naming
//! the line; an unknown key is a warning.

mod common;

use std::process::{Command, Output};

use common::{BIN, NOW};

fn baton(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(BIN)
        .env_clear()
        .env("TZ", "UTC")
        .env("BATON_NOW", NOW)
        .env("USER", "tester")
        .env("BATON_CONFIG", dir.join("config.toml"))
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn config_path_names_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = baton(dir.path(), &[], &["config", "path"]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        format!("{}\n", dir.path().join("config.toml").display())
    );
}

#[test]
fn settings_come_from_flag_then_environment_then_file_then_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let from_file = dir.path().join("from-file.db");
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "db = \"{}\"\nactor = \"maya\"\ntheme = \"light\"\n",
            from_file.display()
        ),
    )
    .expect("write");

    // The file's database is the one `init` and `ls` use, and its actor signs changes.
    assert!(baton(dir.path(), &[], &["init"]).status.success());
    assert!(from_file.exists());
    assert!(
        baton(dir.path(), &[], &["team", "add", "sales"])
            .status
            .success()
    );
    assert!(
        baton(dir.path(), &[], &["add", "One", "--team", "sales"])
            .status
            .success()
    );
    let show = text(&baton(dir.path(), &[], &["show", "1"]).stdout);
    assert!(show.contains("maya"), "{show}");

    let shown = text(&baton(dir.path(), &[], &["config", "show"]).stdout);
    assert_eq!(
        shown,
        format!(
            "config file: {}\ndb      {}  [config file]\nactor   maya  [config file]\ntheme   light  [config file]\nmouse   on (the board has no mouse support yet)  [default]\n",
            dir.path().join("config.toml").display(),
            from_file.display()
        )
    );

    // The environment wins over the file, and the flag over the environment.
    let env_db = dir.path().join("env.db");
    let flag_db = dir.path().join("flag.db");
    let env = [
        ("BATON_DB", env_db.to_str().expect("utf-8")),
        ("BATON_ACTOR", "dana"),
    ];
    let shown = text(&baton(dir.path(), &env, &["config", "show"]).stdout);
    assert!(shown.contains(&format!(
        "db      {}  [flag or environment",
        env_db.display()
    )));
    assert!(
        shown.contains("actor   dana  [environment (BATON_ACTOR)]"),
        "{shown}"
    );
    let shown = text(
        &baton(
            dir.path(),
            &env,
            &["--db", flag_db.to_str().expect("utf-8"), "config", "show"],
        )
        .stdout,
    );
    assert!(shown.contains(&format!("db      {}  [flag", flag_db.display())));

    // NO_COLOR still wins over the theme.
    let shown = text(&baton(dir.path(), &[("NO_COLOR", "1")], &["config", "show"]).stdout);
    assert!(
        shown.contains("theme   light (no colour: NO_COLOR is set)"),
        "{shown}"
    );
}

#[test]
fn a_malformed_config_is_an_error_naming_the_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("config.toml"),
        "actor = \"maya\"\ntheme = dark\n",
    )
    .expect("write");
    let out = baton(dir.path(), &[], &["ls"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: the config file {} is not valid: line 2, column 9: ",
            dir.path().join("config.toml").display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);

    std::fs::write(dir.path().join("config.toml"), "theme = \"pink\"\n").expect("write");
    let stderr = text(&baton(dir.path(), &[], &["ls"]).stderr);
    assert!(stderr.contains("unknown variant `pink`"), "{stderr}");
}

#[test]
fn an_unknown_key_is_a_warning_and_the_command_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("b.db");
    std::fs::write(
        dir.path().join("config.toml"),
        format!("db = \"{}\"\ncolour = \"blue\"\n", db.display()),
    )
    .expect("write");
    let out = baton(dir.path(), &[], &["init"]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stderr),
        format!(
            "warning: {}: unknown setting `colour` ignored (known: db, actor, theme, mouse)\n",
            dir.path().join("config.toml").display()
        )
    );
    assert!(db.exists());
}

#[test]
fn quiet_silences_changes_and_never_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("b.db");
    let env = [("BATON_DB", db.to_str().expect("utf-8"))];
    for args in [
        &["--quiet", "init"][..],
        &["-q", "team", "add", "sales"],
        &["add", "One", "--team", "sales", "--quiet"],
        &["-q", "note", "1", "A note"],
    ] {
        let out = baton(dir.path(), &env, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "", "{args:?}");
    }
    let listed = text(&baton(dir.path(), &env, &["-q", "ls"]).stdout);
    assert!(listed.contains("#1") && listed.contains("One"), "{listed}");
    let added = text(
        &baton(
            dir.path(),
            &env,
            &["-q", "add", "Two", "--team", "sales", "--json"],
        )
        .stdout,
    );
    assert!(added.contains("\"id\": 2"), "{added}");
    let refused = baton(dir.path(), &env, &["-q", "accept", "1"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).starts_with("error: cannot accept #1"));
}
