//! Nothing goes undocumented: every command in clap's command tree is listed by
//! `--help` and named in the README, and every key in the board's key map is on the
//! board's help screen and in the README.

mod common;

use std::collections::BTreeSet;

use clap::CommandFactory;
use crossterm::event::{KeyCode, KeyModifiers};

use baton::cli::args::Cli;
use baton::tui::keys::{BINDINGS, Binding};
use common::BIN;
use common::app::{demo_app, key, press, screen};

const README: &str = include_str!("../README.md");

/// Every command path the command line has (`["boundary", "edit"]`), clap's own
/// `help` and hidden commands aside.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands() {
            if sub.is_hide_set() || sub.get_name() == "help" {
                continue;
            }
            let mut here = path.to_vec();
            here.push(sub.get_name().to_string());
            out.push(here.clone());
            walk(sub, &here, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &[], &mut out);
    out
}

/// Every option and argument of every command says what it is for in `--help`.
#[test]
fn every_option_and_argument_has_help() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if arg.is_hide_set() || id == "help" || id == "version" {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            if !sub.is_hide_set() && sub.get_name() != "help" {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(&Cli::command(), "baton", &mut missing);
    assert!(missing.is_empty(), "no help text: {missing:#?}");
}

/// The names `baton ARGS… --help` lists under `Commands:`.
fn listed_commands(args: &[String]) -> BTreeSet<String> {
    let output = std::process::Command::new(BIN)
        .args(args)
        .arg("--help")
        .env_remove("BATON_DB")
        .output()
        .expect("baton runs");
    assert!(output.status.success(), "baton {args:?} --help");
    let text = String::from_utf8(output.stdout).expect("utf-8");
    text.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// What the README shows as something to type: `code spans` and the lines of code
/// blocks, each without a leading `baton ` (or `cargo run … -- `).
fn readme_commands() -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in README.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            out.push(line.to_string());
        } else {
            out.extend(line.split('`').skip(1).step_by(2).map(str::to_string));
        }
    }
    out.iter()
        .map(|text| {
            let text = text.trim();
            let start = text
                .find("baton ")
                .map(|i| i + "baton ".len())
                .or_else(|| text.find("-- ").map(|i| i + "-- ".len()))
                .unwrap_or(0);
            text[start..].to_string()
        })
        .collect()
}

/// True when `text` starts with the command `path`: `boundary edit …`, or a list of
/// alternatives as the README writes them, `boundary ls|show|edit`.
fn names(text: &str, path: &[String]) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    path.len() <= words.len()
        && path
            .iter()
            .zip(&words)
            .all(|(name, word)| word.split('|').any(|w| w == name))
}

#[test]
fn help_and_the_readme_name_every_command() {
    let paths = command_paths();
    assert!(paths.len() > 30, "{paths:?}");
    let readme = readme_commands();
    let mut missing = Vec::new();
    for path in &paths {
        let (name, parent) = path.split_last().expect("a name");
        if !listed_commands(parent).contains(name) {
            missing.push(format!(
                "`baton {} --help` lists no {name}",
                parent.join(" ")
            ));
        }
        if !readme.iter().any(|text| names(text, path)) {
            missing.push(format!("the README names no `{}`", path.join(" ")));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// How a key is written on screen and in the README.
fn written(code: KeyCode, modifiers: KeyModifiers) -> String {
    match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => format!("ctrl-{c}"),
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Left => "←".to_string(),
        KeyCode::Right => "→".to_string(),
        KeyCode::Up => "↑".to_string(),
        KeyCode::Down => "↓".to_string(),
        KeyCode::PageUp => "PgUp".to_string(),
        KeyCode::PageDown => "PgDn".to_string(),
        KeyCode::Home => "Home".to_string(),
        KeyCode::End => "End".to_string(),
        KeyCode::Enter => "enter".to_string(),
        KeyCode::Esc => "esc".to_string(),
        other => panic!("no written form for {other:?}: add one here"),
    }
}

/// Every key of the key map, written, with its binding.
fn keys() -> Vec<(String, &'static Binding)> {
    let mut out: Vec<(String, &Binding)> = BINDINGS
        .iter()
        .flat_map(|b| b.keys.iter().map(move |(code, m)| (written(*code, *m), b)))
        .collect();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// The keys a help screen line gives in its key column (`  ←→ h l    previous or…`):
/// words, with arrows one by one.
fn key_column(line: &str) -> Vec<String> {
    let inner = line.trim_start_matches([' ', '│']);
    if !line.contains("│  ") {
        return Vec::new();
    }
    let column = inner.split("  ").next().unwrap_or("");
    column
        .split_whitespace()
        .flat_map(|word| {
            if word.chars().all(|c| "←→↑↓".contains(c)) {
                word.chars().map(String::from).collect()
            } else {
                vec![word.to_string()]
            }
        })
        .collect()
}

#[test]
fn the_help_screen_and_the_readme_give_every_key() {
    let (_dir, mut app) = demo_app((160, 80));
    app.update(baton::tui::keys::Action::Help)
        .expect("help opens");
    let help = screen(&app);
    // The help box's lines, from its left border on (the board shows around it).
    let left = help
        .lines()
        .find_map(|l| {
            l.split_once("┌ Help")
                .map(|(before, _)| before.chars().count())
        })
        .expect("the help box");
    let on_screen: BTreeSet<String> = help
        .lines()
        .map(|l| l.chars().skip(left).collect::<String>())
        .flat_map(|l| key_column(&l))
        .collect();
    // The README's keys: the board's key table and the triage paragraph, in code spans,
    // with `hjkl` one letter each, and the keys it names in words.
    let readme_keys: BTreeSet<String> = README
        .split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| {
            if span == "hjkl" {
                span.chars().map(String::from).collect::<Vec<_>>()
            } else {
                span.split_whitespace().map(str::to_string).collect()
            }
        })
        .chain(
            [
                ("arrows", ["←", "→", "↑", "↓"].as_slice()),
                ("PgUp/PgDn", &["PgUp", "PgDn"]),
                ("Home/End", &["Home", "End"]),
            ]
            .iter()
            .filter(|(words, _)| README.contains(words))
            .flat_map(|(_, keys)| keys.iter().map(|k| k.to_string())),
        )
        .collect();
    let mut missing = Vec::new();
    for (key, binding) in keys() {
        // ctrl-c is said in words next to the key it doubles.
        let on_help = on_screen.contains(&key) || binding.help.contains(&key);
        if !on_help {
            missing.push(format!(
                "the help screen gives no `{key}` ({:?})",
                binding.action
            ));
        }
        if !readme_keys.contains(&key) {
            missing.push(format!(
                "the README gives no `{key}` ({:?})",
                binding.action
            ));
        }
    }
    assert!(missing.is_empty(), "{}\n\n{help}", missing.join("\n"));
}

#[test]
fn panes_scroll_to_their_last_line_and_no_further() {
    let (_dir, mut app) = demo_app((80, 24));
    press(&mut app, '?');
    let top = screen(&app);
    let last_line = "  signals: ";
    assert!(!top.contains(last_line), "{top}");
    // End shows the last lines; more paging does not scroll into blank space.
    key(&mut app, KeyCode::End);
    let end = screen(&app);
    assert!(end.contains(last_line), "{end}");
    for _ in 0..20 {
        key(&mut app, KeyCode::PageDown);
        key(&mut app, KeyCode::Down);
    }
    assert_eq!(screen(&app), end);
    // One step up from the end is one line up, not twenty pages.
    key(&mut app, KeyCode::Up);
    let up = screen(&app);
    assert_ne!(up, end);
    key(&mut app, KeyCode::Down);
    assert_eq!(screen(&app), end);

    // The detail pane alike.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    let detail = screen(&app);
    key(&mut app, KeyCode::End);
    let end = screen(&app);
    for _ in 0..20 {
        key(&mut app, KeyCode::PageDown);
    }
    assert_eq!(screen(&app), end);
    assert_ne!(end, detail, "the demo's first item does not fit at 80×24");
}
