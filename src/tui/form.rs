//! Small forms for the board's actions. A form only gathers input; on submit it becomes
//! a domain [`Command`], checked by the same rules as the command line. What the rules
//! refuse (an empty required field, unticked checklist entries) comes back through
//! [`Form::refused`] in their words; the form does not check it first.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::clock::Zone;
use chrono::{DateTime, Utc};

use crate::domain::attention::{Signal, SignalCode, can_be_dismissed, late_send, parse_signal};
use crate::domain::cause::Cause;
use crate::domain::time::{parse_due, parse_time};
use crate::domain::view::responsible;
use crate::domain::{Command, Item, Org, Pair, Ticks};
use crate::domain::{DomainError, unticked_refusal};
use crate::storage::StoreError;
use crate::ui::strings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    NewItem,
    Send,
    Accept,
    Bounce,
    Reclaim,
    Escalate,
    Owner,
    Note,
    Done,
    Reopen,
    Drop,
    Flag,
    Edit,
    /// Close the item as a duplicate of another.
    Merge,
    /// One of the item's signals is not a problem.
    Dismiss,
    /// Definition-of-done entries done since a forced handoff.
    Tick,
    /// Out of the queue until a chosen time.
    Snooze,
    /// Not an item action: where to write the standup summary.
    SaveSummary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Text {
        label: &'static str,
        value: String,
        /// Marked on screen as one the rules refuse empty; the form does not check it.
        required: bool,
        hint: &'static str,
    },
    Choice {
        label: &'static str,
        options: Vec<String>,
        selected: usize,
    },
    Checklist {
        label: &'static str,
        entries: Vec<String>,
        ticked: Vec<bool>,
        cursor: usize,
    },
}

impl Field {
    fn text(label: &'static str, value: Option<&str>, required: bool, hint: &'static str) -> Field {
        Field::Text {
            label,
            value: value.unwrap_or_default().to_string(),
            required,
            hint,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Field::Text { label, .. }
            | Field::Choice { label, .. }
            | Field::Checklist { label, .. } => label,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    /// The item acted on; `None` for a new item.
    pub item: Option<i64>,
    /// The item's title, or the team for a new item, for the form's heading.
    pub subject: String,
    /// The team holding the item (whose boundaries a send may cross).
    pub team: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub error: Option<String>,
    /// The unticked entries the rules refused a send for; a second Enter sends it anyway,
    /// as an incomplete handoff.
    pub confirm_incomplete: Option<Vec<String>>,
    /// The zone typed times are read in (the board's).
    pub zone: Zone,
    /// A tick form's entries, by their number in the contract's checklist.
    pub tick_numbers: Vec<usize>,
    /// A send form's item's due date, and what sending it to the chosen team now would
    /// be: a late handoff, said before it happens (see [`Form::check_late`]).
    pub due: Option<DateTime<Utc>>,
    pub late: Option<String>,
    /// The people the board knows, which person fields complete from.
    pub people: Vec<String>,
    /// An escalation was submitted and waits for `y`: it notifies someone, so Enter
    /// alone never sends it.
    pub confirm_escalate: bool,
    /// What a second Enter confirms, after the first said what it would do: a file
    /// that exists overwritten, a merge into a named item.
    pub confirm_again: Option<String>,
    /// Something was typed into a text field: Esc asks before it throws that away.
    pub typed: bool,
    /// Esc was pressed once after typing: a second Esc discards the form.
    discard_asked: bool,
    /// Tab put a person in the focused field: what was typed, and which of the people
    /// it matches is in the field. Tab again puts the next one.
    completing: Option<(String, usize)>,
}

/// The text fields that name a person, and so complete from the known people.
const PERSON_FIELDS: [&str; 2] = ["Owner", "To"];

/// How many completions a person field offers at once.
const SUGGESTIONS: usize = 5;

/// What a key did to a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    Editing,
    Cancel,
    Submit(Command),
    /// A decision about this item and another one (a merge, not duplicates).
    SubmitPair(i64, Pair),
    /// The file the standup summary goes to.
    SaveTo(String),
}

/// The first choice of the cause list: no cause given.
pub const NO_CAUSE: &str = "none";

/// The cause of a bounce or a dropped baton, chosen from the fixed list (or none).
fn cause_field() -> Field {
    let mut options = vec![NO_CAUSE.to_string()];
    options.extend(Cause::ALL.map(|c| c.as_str().to_string()));
    Field::Choice {
        label: "Cause",
        options,
        selected: 0,
    }
}

impl Form {
    /// The cause chosen in the form's cause list, if any.
    fn cause(&self) -> Option<Cause> {
        self.fields.iter().find_map(|f| match f {
            Field::Choice {
                label: "Cause",
                options,
                selected,
            } => options.get(*selected).and_then(|c| c.parse().ok()),
            _ => None,
        })
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            FormKind::NewItem => "New item",
            FormKind::Send => "Send across a boundary",
            FormKind::Accept => "Accept",
            FormKind::Bounce => "Bounce back to the sender",
            FormKind::Reclaim => "Reclaim (pull back)",
            FormKind::Escalate => "Escalate",
            FormKind::Owner => "Assign owner",
            FormKind::Note => "Add a note",
            FormKind::Done => "Mark done",
            FormKind::Reopen => "Reopen",
            FormKind::Drop => "Drop",
            FormKind::Flag => "Flag a dropped baton",
            FormKind::Edit => "Edit",
            FormKind::Merge => "Merge into another item (close as a duplicate)",
            FormKind::Dismiss => "Dismiss a signal (off until its facts change)",
            FormKind::Tick => "Tick entries done since the handoff",
            FormKind::Snooze => "Snooze until",
            FormKind::SaveSummary => "Save the standup summary",
        }
    }

    pub fn new_item(team: &str) -> Form {
        Form::build(
            FormKind::NewItem,
            None,
            format!("held by {team}, until it is sent on"),
            team.to_string(),
            vec![
                Field::text("Title", None, true, ""),
                Field::text("Owner", None, false, "a person; empty for none"),
                Field::text("Due", None, false, "YYYY-MM-DD or YYYY-MM-DD HH:MM"),
                Field::text("Tags", None, false, "separated by commas"),
            ],
        )
    }

    /// The form for `kind` on `item`; `Err` says why the action makes no sense here.
    /// Times are shown in `zone`.
    pub fn for_item(kind: FormKind, item: &Item, org: &Org, zone: Zone) -> Result<Form, String> {
        let fields = match kind {
            FormKind::NewItem => return Ok(Form::new_item(&item.team)),
            FormKind::SaveSummary | FormKind::Dismiss | FormKind::Snooze => {
                return Err("that form needs more than the item".to_string());
            }
            FormKind::Merge => vec![
                Field::text("Into", None, true, "the item it duplicates: 42 or #42"),
                Field::text("Note", None, false, "optional"),
            ],
            FormKind::Tick => {
                if item.incomplete_handoff.is_empty() {
                    return Err(crate::domain::DomainError::NothingToTick(item.id).to_string());
                }
                let checklist = item
                    .governing_boundary()
                    .and_then(|(from, to)| org.boundary(from, to))
                    .map(|b| b.contract.definition_of_done.clone())
                    .unwrap_or_default();
                let mut form = Form::build(
                    kind,
                    Some(item.id),
                    item.title.clone(),
                    item.team.clone(),
                    vec![
                        Field::Checklist {
                            label: "Done since",
                            ticked: vec![false; item.incomplete_handoff.len()],
                            entries: item.incomplete_handoff.clone(),
                            cursor: 0,
                        },
                        Field::text("Note", None, false, "optional"),
                    ],
                );
                form.focus = 0;
                form.tick_numbers = item
                    .incomplete_handoff
                    .iter()
                    .map(|e| checklist.iter().position(|c| c == e).map_or(0, |i| i + 1))
                    .collect();
                return Ok(form);
            }
            FormKind::Send => {
                let targets: Vec<String> = org
                    .boundaries_from(&item.team)
                    .map(|b| b.to.clone())
                    .collect();
                if targets.is_empty() {
                    return Err(format!(
                        "no boundary leads out of {}; add one with `baton boundary add {} TEAM`",
                        item.team, item.team
                    ));
                }
                let entries = org
                    .boundary(&item.team, &targets[0])
                    .map(|b| b.contract.definition_of_done.clone())
                    .unwrap_or_default();
                vec![
                    Field::Choice {
                        label: "To",
                        options: targets,
                        selected: 0,
                    },
                    Field::Checklist {
                        label: "Definition of done",
                        ticked: vec![false; entries.len()],
                        entries,
                        cursor: 0,
                    },
                    Field::text(
                        "Handoff note",
                        None,
                        true,
                        "what the receiving team must know",
                    ),
                ]
            }
            FormKind::Accept => {
                let responsible = responsible(item, org);
                let owner = responsible.name();
                // Left empty with no next owner in the contract, the item is accepted
                // with no owner, and `no-owner` is raised: the hint says so.
                let hint = if owner.is_some() {
                    "the contract's next owner"
                } else {
                    "who takes it: the contract names no next owner (empty: no-owner)"
                };
                vec![Field::text("Owner", owner, false, hint)]
            }
            FormKind::Bounce => vec![
                Field::text("Reason", None, true, "why it goes back"),
                cause_field(),
            ],
            FormKind::Reclaim => vec![Field::text("Reason", None, false, "optional")],
            FormKind::Escalate => {
                let contact = crate::domain::rules::escalation_contact(item, org);
                // Escalated already to the top of the ladder: the contract has no one
                // further up, and the same person again is refused.
                let top = contact.as_deref().filter(|c| {
                    item.escalation
                        .as_ref()
                        .is_some_and(|e| e.to.as_deref() == Some(*c))
                });
                let contact = if top.is_some() { None } else { contact.clone() };
                // With no contact to fall back on, the form asks for one, rather than
                // confirm an escalation the rules then refuse.
                let hint = match (&contact, top, item.governing_boundary()) {
                    (Some(_), _, _) => "the contract's escalation contact",
                    (None, Some(_), _) => "who next: the top of the contract's ladder has it",
                    (None, None, Some(_)) => "who it goes to: the contract names no one",
                    (None, None, None) => "who it goes to: it has crossed no boundary",
                };
                vec![
                    Field::text("To", contact.as_deref(), contact.is_none(), hint),
                    Field::text("Note", None, false, "optional"),
                ]
            }
            FormKind::Owner => vec![Field::text(
                "Owner",
                item.owner.as_deref(),
                false,
                "empty to clear",
            )],
            FormKind::Note => vec![Field::text("Note", None, true, "")],
            FormKind::Done => vec![Field::text("Note", None, false, "optional")],
            FormKind::Reopen => vec![Field::text("Reason", None, false, "optional")],
            FormKind::Drop => vec![Field::text("Reason", None, true, "why it is dropped")],
            FormKind::Edit => {
                let due = item.due.map(|d| zone.show(d));
                let tags = item.tags.join(", ");
                vec![
                    Field::text("Title", Some(&item.title), true, ""),
                    Field::text("Due", due.as_deref(), false, "empty for none"),
                    Field::text("Tags", Some(&tags), false, "separated by commas"),
                    Field::text("Description", item.body.as_deref(), false, ""),
                ]
            }
            FormKind::Flag => vec![
                Field::text("Note", None, true, "what went wrong in the handoff"),
                cause_field(),
            ],
        };
        let mut form = Form::build(
            kind,
            Some(item.id),
            item.title.clone(),
            item.team.clone(),
            fields,
        );
        form.due = item.due;
        Ok(form)
    }

    /// Dismissing one of `item`'s signals: the ones it raises that may be dismissed,
    /// with the other item of a possible duplicate (`like`) filled in.
    pub fn dismiss(item: &Item, signals: &[Signal], like: Option<i64>) -> Result<Form, String> {
        let options: Vec<String> = signals
            .iter()
            .map(|s| s.code)
            .filter(|c| can_be_dismissed(*c))
            .map(|c| c.as_str().to_string())
            .collect();
        if signals.is_empty() {
            return Err(format!("#{} raises no signal: nothing to dismiss", item.id));
        }
        if options.is_empty() {
            return Err(format!(
                "#{}: none of its signals can be dismissed (overdue and sla-breached are facts)",
                item.id
            ));
        }
        // Only a possible duplicate names another item: the field is not offered otherwise.
        let pairs = options
            .iter()
            .any(|o| o == SignalCode::PossibleDuplicate.as_str());
        let like = like.map(|id| id.to_string());
        let mut fields = vec![Field::Choice {
            label: "Signal",
            options,
            selected: 0,
        }];
        if pairs {
            fields.push(Field::text(
                "With",
                like.as_deref(),
                false,
                "possible-duplicate: the other item",
            ));
        }
        fields.push(Field::text("Note", None, false, "why it is not a problem"));
        Ok(Form::build(
            FormKind::Dismiss,
            Some(item.id),
            item.title.clone(),
            item.team.clone(),
            fields,
        ))
    }

    /// Snoozing `item` until a time, `until` offered (the next standup).
    pub fn snooze(item: &Item, until: &str) -> Form {
        Form::build(
            FormKind::Snooze,
            Some(item.id),
            item.title.clone(),
            item.team.clone(),
            vec![Field::text(
                "Until",
                Some(until),
                true,
                "YYYY-MM-DD HH:MM; offered: the next standup",
            )],
        )
    }

    /// Asks for the file a standup summary is written to.
    pub fn save_summary(default_file: &str) -> Form {
        Form::build(
            FormKind::SaveSummary,
            None,
            "Markdown: each item with its decision and where it stands now".to_string(),
            String::new(),
            vec![Field::text("File", Some(default_file), true, "")],
        )
    }

    fn build(
        kind: FormKind,
        item: Option<i64>,
        subject: String,
        team: String,
        fields: Vec<Field>,
    ) -> Form {
        // Start where the user decides first: the target, else the first text.
        let focus = fields
            .iter()
            .position(|f| !matches!(f, Field::Checklist { .. }))
            .unwrap_or(0);
        Form {
            kind,
            item,
            subject,
            team,
            fields,
            focus,
            error: None,
            confirm_incomplete: None,
            zone: Zone::default(),
            tick_numbers: Vec::new(),
            due: None,
            late: None,
            people: Vec::new(),
            confirm_escalate: false,
            confirm_again: None,
            typed: false,
            discard_asked: false,
            completing: None,
        }
    }

    /// For a send form: whether sending now to the chosen team is a late handoff, in
    /// words, by the rule of the `late-handoff` signal.
    pub fn check_late(&mut self, org: &Org, now: DateTime<Utc>) {
        if self.kind != FormKind::Send {
            return;
        }
        let target = self.fields.iter().find_map(|f| match f {
            Field::Choice {
                options, selected, ..
            } => options.get(*selected).cloned(),
            _ => None,
        });
        self.late = match (target, self.due) {
            (Some(to), Some(due)) => late_send(org, &self.team, &to, now, due, &self.zone)
                .map(|late| format!("late handoff: {}", late.reason)),
            _ => None,
        };
    }

    /// Whether the form has a field that names a person.
    pub fn names_people(&self) -> bool {
        self.fields
            .iter()
            .any(|f| matches!(f, Field::Text { label, .. } if PERSON_FIELDS.contains(label)))
    }

    /// The known people the focused person field's text is part of (any case), up to
    /// [`SUGGESTIONS`]; none when the field is empty or already names one exactly.
    pub fn suggestions(&self) -> Vec<&str> {
        let Some(Field::Text { label, value, .. }) = self.fields.get(self.focus) else {
            return Vec::new();
        };
        let typed = value.trim();
        if !PERSON_FIELDS.contains(label)
            || typed.is_empty()
            || self.people.iter().any(|p| p == typed)
        {
            return Vec::new();
        }
        self.people
            .iter()
            .filter(|p| crate::domain::text::name_matches(p, typed))
            .take(SUGGESTIONS)
            .map(String::as_str)
            .collect()
    }

    /// The person Tab puts in the focused field next (see [`Form::completing`]).
    fn next_completion(&mut self) -> Option<String> {
        let Some(Field::Text { label, value, .. }) = self.fields.get(self.focus) else {
            return None;
        };
        if !PERSON_FIELDS.contains(label) {
            return None;
        }
        let matching = |typed: &str| crate::domain::text::owners_matching(&self.people, typed);
        let (typed, next) = match &self.completing {
            // The field still holds the last one put in: the next of the same matches.
            Some((typed, at)) if matching(typed).get(*at) == Some(value) => (typed.clone(), at + 1),
            _ => (value.trim().to_string(), 0),
        };
        if typed.is_empty() {
            return None;
        }
        let names = matching(&typed);
        // A name typed whole, with no other match, is done: Tab moves on.
        if names.is_empty() || (next == 0 && names.len() == 1 && names[0] == typed) {
            self.completing = None;
            return None;
        }
        let at = next % names.len();
        self.completing = Some((typed, at));
        Some(names[at].clone())
    }

    /// A typed due date, read in the board's zone.
    fn parse_due(
        &self,
        text: &str,
    ) -> Result<chrono::DateTime<chrono::Utc>, crate::domain::DomainError> {
        parse_due(text, &self.zone)
    }

    pub fn text_value(&self, label: &str) -> Option<String> {
        self.fields.iter().find_map(|f| match f {
            Field::Text {
                label: l, value, ..
            } if *l == label => Some(value.trim().to_string()).filter(|v| !v.is_empty()),
            _ => None,
        })
    }

    /// Handles one key. `org` refreshes the checklist when the send target changes.
    pub fn handle_key(&mut self, key: KeyEvent, org: &Org) -> FormOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if key.code != KeyCode::Tab {
            self.completing = None;
        }
        if self.discard_asked && key.code != KeyCode::Esc {
            // Any key but a second Esc goes on with the form.
            self.discard_asked = false;
            self.error = None;
        }
        if self.confirm_escalate {
            match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    let outcome = self.submit();
                    self.confirm_escalate = false;
                    return outcome;
                }
                KeyCode::Char('c') if ctrl => return FormOutcome::Cancel,
                // Esc or n: back to the form, nothing sent. Any other key, Enter
                // included, leaves the question up.
                KeyCode::Esc | KeyCode::Char('n') => {
                    self.confirm_escalate = false;
                    self.error = None;
                }
                _ => {}
            }
            return FormOutcome::Editing;
        }
        match key.code {
            KeyCode::Enter if self.kind == FormKind::Escalate => {
                // No contract names anyone to fall back on: said now, not after `y`.
                let needed = self.fields.iter().any(|f| {
                    matches!(f, Field::Text { label: "To", required: true, value, .. }
                        if value.trim().is_empty())
                });
                if needed {
                    self.error = Some(strings::ESCALATE_TO_WHOM.to_string());
                    return FormOutcome::Editing;
                }
                let to = self
                    .text_value("To")
                    .unwrap_or_else(|| strings::ESCALATION_CONTACT.to_string());
                self.confirm_escalate = true;
                self.error = Some(format!("{} {to}?", strings::CONFIRM_ESCALATE));
                return FormOutcome::Editing;
            }
            KeyCode::Esc => {
                if self.confirm_incomplete.take().is_some() {
                    self.error = None;
                    return FormOutcome::Editing;
                }
                // What was typed is not lost to one stray Esc.
                if self.typed && !self.discard_asked {
                    self.discard_asked = true;
                    self.error = Some(strings::CONFIRM_DISCARD.to_string());
                    return FormOutcome::Editing;
                }
                return FormOutcome::Cancel;
            }
            KeyCode::Char('c') if ctrl => return FormOutcome::Cancel,
            KeyCode::Enter => return self.submit(),
            // In a person field, Tab puts in the first person the text typed names, and
            // again the next (round to the first); then, with nothing to complete, it
            // moves on.
            KeyCode::Tab => match self.next_completion() {
                Some(name) => {
                    if let Some(Field::Text { value, .. }) = self.fields.get_mut(self.focus) {
                        *value = name;
                    }
                    return FormOutcome::Editing;
                }
                None => self.move_focus(1),
            },
            KeyCode::BackTab => self.move_focus(self.fields.len() - 1),
            _ => {}
        }
        let focus = self.focus;
        let Some(field) = self.fields.get_mut(focus) else {
            return FormOutcome::Editing;
        };
        let mut target_changed = false;
        match field {
            Field::Text { value, .. } => match key.code {
                KeyCode::Char('u') if ctrl => {
                    value.clear();
                    self.typed = true;
                    self.confirm_again = None;
                }
                KeyCode::Char(c) if !ctrl => {
                    value.push(c);
                    self.typed = true;
                    self.confirm_again = None;
                }
                KeyCode::Backspace => {
                    value.pop();
                    self.typed = true;
                    self.confirm_again = None;
                }
                KeyCode::Up => self.move_focus(self.fields.len() - 1),
                KeyCode::Down => self.move_focus(1),
                _ => {}
            },
            Field::Choice {
                options, selected, ..
            } => match key.code {
                KeyCode::Left | KeyCode::Char('h') => {
                    *selected = (*selected + options.len() - 1) % options.len();
                    target_changed = true;
                }
                KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') => {
                    *selected = (*selected + 1) % options.len();
                    target_changed = true;
                }
                KeyCode::Up => self.move_focus(self.fields.len() - 1),
                KeyCode::Down => self.move_focus(1),
                _ => {}
            },
            Field::Checklist {
                entries,
                ticked,
                cursor,
                ..
            } => match key.code {
                KeyCode::Up | KeyCode::Char('k') => {
                    if *cursor == 0 {
                        self.move_focus(self.fields.len() - 1);
                    } else {
                        *cursor -= 1;
                    }
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    if *cursor + 1 >= entries.len() {
                        self.move_focus(1);
                    } else {
                        *cursor += 1;
                    }
                }
                KeyCode::Char(' ') | KeyCode::Char('x') => {
                    if let Some(t) = ticked.get_mut(*cursor) {
                        *t = !*t;
                    }
                }
                KeyCode::Char('a') => {
                    let all = ticked.iter().all(|t| *t);
                    ticked.iter_mut().for_each(|t| *t = !all);
                }
                _ => {}
            },
        }
        if target_changed {
            let team = self.team.clone();
            self.refresh_checklist(org, &team);
        }
        self.confirm_incomplete = None;
        self.error = None;
        FormOutcome::Editing
    }

    /// Moves the focus by `by` fields round (`len - 1`: back one), passing over the
    /// fields not shown ([`Form::shows`]).
    fn move_focus(&mut self, by: usize) {
        let len = self.fields.len();
        for _ in 0..len {
            self.focus = (self.focus + by) % len;
            if self.shows(self.focus) {
                return;
            }
        }
    }

    /// Whether field `i` is shown: the dismiss form's other item only for the signal
    /// that pairs two items, possible-duplicate.
    pub fn shows(&self, i: usize) -> bool {
        match self.fields.get(i) {
            Some(Field::Text { label: "With", .. }) if self.kind == FormKind::Dismiss => self
                .fields
                .iter()
                .find_map(|f| match f {
                    Field::Choice {
                        label: "Signal",
                        options,
                        selected,
                    } => options.get(*selected),
                    _ => None,
                })
                .is_some_and(|code| code == SignalCode::PossibleDuplicate.as_str()),
            Some(_) => true,
            None => false,
        }
    }

    fn refresh_checklist(&mut self, org: &Org, team: &str) {
        let target = self.fields.iter().find_map(|f| match f {
            Field::Choice {
                options, selected, ..
            } => options.get(*selected).cloned(),
            _ => None,
        });
        let entries = target
            .and_then(|to| org.boundary(team, &to))
            .map(|b| b.contract.definition_of_done.clone())
            .unwrap_or_default();
        for field in &mut self.fields {
            if let Field::Checklist {
                entries: e,
                ticked,
                cursor,
                ..
            } = field
            {
                *ticked = vec![false; entries.len()];
                *e = entries.clone();
                *cursor = 0;
            }
        }
    }

    /// The rules refused the submitted command: says why, in their words. A send refused
    /// for unticked entries waits for a second Enter, which sends it anyway.
    pub fn refused(&mut self, refusal: &StoreError) {
        match refusal {
            StoreError::Domain(DomainError::Unticked { boundary, entries }) => {
                self.error = Some(format!(
                    "{}. {}",
                    unticked_refusal(boundary, entries),
                    strings::SEND_INCOMPLETE
                ));
                self.confirm_incomplete = Some(entries.clone());
            }
            other => {
                self.error = Some(other.to_string());
                self.confirm_incomplete = None;
            }
        }
    }

    fn submit(&mut self) -> FormOutcome {
        // A form with a due date field: read it once, and say so if it is not a time.
        let due = match self
            .text_value("Due")
            .map(|d| self.parse_due(&d))
            .transpose()
        {
            Ok(due) => due,
            Err(e) => {
                self.error = Some(e.to_string());
                return FormOutcome::Editing;
            }
        };
        let text = |label: &str| self.text_value(label);
        let command = match self.kind {
            FormKind::NewItem => Command::Create {
                title: text("Title").unwrap_or_default(),
                team: self.team.clone(),
                owner: text("Owner"),
                due,
                tags: split_tags(text("Tags")),
                body: None,
                link: None,
                external_key: None,
            },
            FormKind::Send => {
                let mut to = String::new();
                let mut ticks = Vec::new();
                for field in &self.fields {
                    match field {
                        Field::Choice {
                            options, selected, ..
                        } => to = options.get(*selected).cloned().unwrap_or_default(),
                        Field::Checklist { ticked, .. } => ticks.extend(
                            ticked
                                .iter()
                                .enumerate()
                                .filter(|(_, t)| **t)
                                .map(|(i, _)| i + 1),
                        ),
                        Field::Text { .. } => {}
                    }
                }
                Command::Send {
                    to,
                    note: text("Handoff note").unwrap_or_default(),
                    ticks: Ticks::Entries(ticks),
                    // Only once the rules refused it for unticked entries, and the user
                    // pressed Enter again.
                    force: self.confirm_incomplete.is_some(),
                }
            }
            FormKind::Accept => Command::Accept {
                owner: text("Owner"),
            },
            FormKind::Bounce => Command::Bounce {
                reason: text("Reason").unwrap_or_default(),
                cause: self.cause(),
            },
            FormKind::Reclaim => Command::Reclaim {
                reason: text("Reason"),
            },
            FormKind::Escalate => Command::Escalate {
                to: text("To"),
                note: text("Note"),
            },
            FormKind::Owner => Command::SetOwner(text("Owner")),
            FormKind::Note => Command::Note(text("Note").unwrap_or_default()),
            FormKind::Done => Command::Done(text("Note")),
            FormKind::Reopen => Command::Reopen(text("Reason")),
            FormKind::Drop => Command::Drop(text("Reason").unwrap_or_default()),
            FormKind::Flag => Command::Flag {
                note: text("Note").unwrap_or_default(),
                cause: self.cause(),
            },
            FormKind::Edit => Command::Edit {
                // Always given: an emptied title is the rules' to refuse.
                title: Some(text("Title").unwrap_or_default()),
                body: Some(text("Description").unwrap_or_default()),
                due: Some(due),
                tags: Some(split_tags(text("Tags"))),
                link: None,
            },
            FormKind::Merge | FormKind::Dismiss => {
                let code = self.fields.iter().find_map(|f| match f {
                    Field::Choice {
                        options, selected, ..
                    } => options.get(*selected).cloned(),
                    _ => None,
                });
                let code = match code.as_deref().map(parse_signal).transpose() {
                    Ok(code) => code,
                    Err(e) => {
                        self.error = Some(e.to_string());
                        return FormOutcome::Editing;
                    }
                };
                let other_field = if self.kind == FormKind::Merge {
                    "Into"
                } else {
                    "With"
                };
                let note = text("Note");
                match code {
                    Some(code) if code != SignalCode::PossibleDuplicate => {
                        Command::Dismiss { code, note }
                    }
                    _ => {
                        let typed = text(other_field).unwrap_or_default();
                        let Some(other) = typed
                            .trim_start_matches('#')
                            .parse::<i64>()
                            .ok()
                            .filter(|id| *id > 0)
                        else {
                            self.error = Some(format!(
                                "{other_field}: `{typed}` is not an item id (use 42 or #42)"
                            ));
                            return FormOutcome::Editing;
                        };
                        let pair = if self.kind == FormKind::Merge {
                            Pair::Merge { note }
                        } else {
                            Pair::NotDuplicates { note }
                        };
                        return FormOutcome::SubmitPair(other, pair);
                    }
                }
            }
            FormKind::Tick => {
                let mut numbers = Vec::new();
                for field in &self.fields {
                    if let Field::Checklist { ticked, .. } = field {
                        numbers.extend(
                            ticked
                                .iter()
                                .zip(&self.tick_numbers)
                                .filter(|(t, _)| **t)
                                .map(|(_, n)| *n),
                        );
                    }
                }
                if numbers.is_empty() {
                    self.error = Some(strings::TICK_NONE.to_string());
                    return FormOutcome::Editing;
                }
                Command::Tick {
                    ticks: Ticks::Entries(numbers),
                    note: text("Note"),
                }
            }
            FormKind::Snooze => {
                let typed = text("Until").unwrap_or_default();
                match parse_time(&typed, &self.zone) {
                    Ok(until) => Command::Snooze(until),
                    Err(e) => {
                        self.error = Some(e.to_string());
                        return FormOutcome::Editing;
                    }
                }
            }
            FormKind::SaveSummary => return FormOutcome::SaveTo(text("File").unwrap_or_default()),
        };
        FormOutcome::Submit(command)
    }
}

/// Tags typed as "a, b, c".
fn split_tags(text: Option<String>) -> Vec<String> {
    text.map(|t| {
        t.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::Sla;
    use crate::domain::{Boundary, Contract, Team};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn the_send_form_warns_of_a_late_handoff_before_it_happens() {
        let team = |key: &str| Team {
            key: key.to_string(),
            name: key.to_string(),
            lead: None,
        };
        let boundary = |to: &str, sla: &str| Boundary {
            from: "sales".to_string(),
            to: to.to_string(),
            contract: Contract {
                sla: Some(Sla::parse(sla).expect("sla")),
                ..Contract::default()
            },
        };
        let org = Org {
            teams: vec![team("sales"), team("solutions"), team("legal")],
            boundaries: vec![boundary("solutions", "2d"), boundary("legal", "4h")],
            ..Org::default()
        };
        let item: Item = serde_json::from_value(serde_json::json!({
            "id": 1, "title": "Renewal", "team": "sales", "owner": null, "state": "active",
            "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z",
            "due": "2026-11-21T09:00:00Z", "bounces": 0, "flags": 0, "events": 1
        }))
        .expect("item");
        let now = at("2026-11-20T09:00:00Z");
        let utc = Zone::Fixed(chrono::FixedOffset::east_opt(0).expect("offset"));
        let mut form = Form::for_item(FormKind::Send, &item, &org, utc).expect("form");
        form.zone = utc;
        form.check_late(&org, now);
        assert_eq!(
            form.late.as_deref(),
            Some(
                "late handoff: sent to solutions with 1d left before its due date (2026-11-21 09:00); the contract gives solutions 2d"
            )
        );
        // Choosing a team whose SLA fits clears the warning.
        let right = KeyEvent::new(KeyCode::Right, KeyModifiers::NONE);
        form.handle_key(right, &org);
        form.check_late(&org, now);
        assert_eq!(form.late, None);
    }

    #[test]
    fn the_dismiss_form_asks_for_another_item_only_for_a_possible_duplicate() {
        let item: Item = serde_json::from_value(serde_json::json!({
            "id": 7, "title": "Renewal", "team": "sales", "owner": null, "state": "active",
            "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T09:00:00Z",
            "due": null, "bounces": 0, "flags": 0, "events": 1
        }))
        .expect("item");
        let signal = |code| Signal {
            code,
            reason: String::new(),
            weight: 0,
        };
        let labels = |form: &Form| form.fields.iter().map(Field::label).collect::<Vec<_>>();

        let escalated = Form::dismiss(&item, &[signal(SignalCode::Escalated)], None).expect("form");
        assert_eq!(labels(&escalated), ["Signal", "Note"]);

        let both = [
            signal(SignalCode::Escalated),
            signal(SignalCode::PossibleDuplicate),
        ];
        let paired = Form::dismiss(&item, &both, Some(9)).expect("form");
        assert_eq!(labels(&paired), ["Signal", "With", "Note"]);
        assert_eq!(paired.text_value("With").as_deref(), Some("9"));
        // Shown, and reached by Tab, only while possible-duplicate is the signal chosen.
        let mut paired = paired;
        let org = Org::default();
        let press = |form: &mut Form, code| {
            form.handle_key(KeyEvent::new(code, KeyModifiers::NONE), &org);
        };
        assert!(!paired.shows(1));
        press(&mut paired, KeyCode::Tab);
        assert_eq!(paired.fields[paired.focus].label(), "Note");
        press(&mut paired, KeyCode::BackTab);
        assert_eq!(paired.fields[paired.focus].label(), "Signal");
        press(&mut paired, KeyCode::Right);
        assert!(paired.shows(1));
        press(&mut paired, KeyCode::Tab);
        assert_eq!(paired.fields[paired.focus].label(), "With");

        let facts = [signal(SignalCode::SlaBreached)];
        assert!(Form::dismiss(&item, &facts, None).is_err());
    }
}
