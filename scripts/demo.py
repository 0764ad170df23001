#!/usr/bin/env python3
"""Writes assets/demo.json, the sample organisation behind `baton demo` and
`baton init --demo`.

This script is the readable source of the demo: edit it, run it
(`python3 scripts/demo.py`), and commit both files. It uses the standard library
only and is deterministic: the same script always writes the same bytes.

The document describes one moment, AS_OF (a Wednesday, 09:00 UTC); every event lies
in the three weeks before it. Baton shifts the whole document at import so that
AS_OF becomes "now" and every age stays what it is here.

Each item is written as its history, event by event, through a small builder that
applies the same rules as `src/domain/rules.rs` (`apply`), so an impossible history
fails here, not at import. The derived fields of each item (title, team, owner,
state, boundary) are computed by replaying that history, as Baton does. The output
is in the exact form `BoardDocument::to_json` writes (field order, omitted empty
fields, a header line then one compact line per team, boundary and item), which
`tests/demo_asset.rs` checks.

Before writing, the script computes the attention signals at AS_OF the way
`src/domain/attention.rs` does, and refuses to write a demo that does not show every
signal at least once. Run with `--summary` to print which item shows what.
"""

import json
import math
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

YEAR = 2026
AS_OF = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
WINDOW_START = AS_OF - timedelta(weeks=3)
OUT = Path(__file__).resolve().parent.parent / "assets" / "demo.json"


def t(text):
    """'11-20 15:30' -> that minute of YEAR, in UTC."""
    date, clock = text.split()
    month, day = (int(x) for x in date.split("-"))
    hour, minute = (int(x) for x in clock.split(":"))
    return datetime(YEAR, month, day, hour, minute, tzinfo=timezone.utc)


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_sla(text):
    units = {"m": 1, "h": 60, "d": 1440, "w": 10080}
    return int(text[:-1]) * units[text[-1]]


# --------------------------------------------------------------------------- org

TEAMS = [
    ("sales", "Sales", "Maya Okafor"),
    ("solutions", "Solutions Engineering", "Tomás Rivera"),
    ("onboarding", "Customer Onboarding", "Priya Natarajan"),
    ("support", "Customer Support", "Jonas Berg"),
    ("engineering", "Product Engineering", "Aiko Tanaka"),
    ("operations", "Platform Operations", "Sam Whitfield"),
    ("finance", "Finance", "Elena Petrova"),
]

# Who works where (for reading the histories; actors are free text in Baton):
#   sales        Maya Okafor (lead), Daniel Reyes, Chloé Martin, Ben Adler
#   solutions    Tomás Rivera (lead), Hannah Lee, Viktor Sokolov
#   onboarding   Priya Natarajan (lead), Leo Fischer, Grace Mensah
#   support      Jonas Berg (lead), Fatima Zahra, Owen Price, Mei Lin
#   engineering  Aiko Tanaka (lead), Ravi Shah, Lukas Novak, Sofia Costa, Ines Duarte
#   operations   Sam Whitfield (lead), Nadia Ivanova, Kwame Asante
#   finance      Elena Petrova (lead), Marcus Bell
#   escalations  Dana Whitaker (VP Sales), Rachel Kim (VP Customer Success),
#                Martin Osei (VP Engineering), Noor Haddad (Head of Infrastructure)


def boundary(frm, to, trigger=None, done=(), outcome=None, owner=None, sla=None, escalate_to=None):
    """A boundary in the order `Boundary` serializes: the contract is flattened."""
    b = {"from": frm, "to": to}
    if trigger is not None:
        b["trigger"] = trigger
    b["definition_of_done"] = list(done)
    if outcome is not None:
        b["outcome"] = outcome
    if owner is not None:
        b["owner"] = owner
    if sla is not None:
        b["sla"] = sla
    if escalate_to is not None:
        b["escalate_to"] = escalate_to
    return b


BOUNDARIES = [
    boundary(
        "sales", "solutions",
        trigger="Opportunity reaches the Technical Evaluation stage in the CRM",
        done=[
            "Opportunity linked in the CRM",
            "Customer requirements written down",
            "Technical contact named",
        ],
        outcome="A solution design and a scoped statement of work",
        owner="Hannah Lee",
        sla="2d",
        escalate_to="Dana Whitaker",
    ),
    # Deliberately incomplete: nobody in finance is named to pick these up.
    boundary(
        "sales", "finance",
        trigger="Customer asks for non-standard payment terms or a discount above 15%",
        done=["Deal desk form filled in", "Margin impact calculated"],
        outcome="Terms approved, or a counter-offer the customer can sign",
        sla="2d",
        escalate_to="Elena Petrova",
    ),
    boundary(
        "solutions", "onboarding",
        trigger="Order form signed and statement of work approved",
        done=[
            "Signed order form attached",
            "Solution design handed over",
            "Kick-off date agreed with the customer",
        ],
        outcome="Customer live on the agreed scope",
        owner="Priya Natarajan",
        sla="3d",
        escalate_to="Rachel Kim",
    ),
    # Rework edge, deliberately incomplete: no SLA and no escalation contact.
    boundary(
        "onboarding", "solutions",
        trigger="Customer asks for something outside the agreed scope",
        done=["Gap described", "Customer's request quoted"],
        outcome="A scope change, or a workaround the customer agreed to",
        owner="Tomás Rivera",
    ),
    boundary(
        "onboarding", "support",
        trigger="Customer has gone live",
        done=[
            "Go-live checklist signed off",
            "Account notes updated",
            "Support tier set in the helpdesk",
        ],
        outcome="Customer supported under their plan",
        owner="Jonas Berg",
        sla="1d",
        escalate_to="Rachel Kim",
    ),
    boundary(
        "support", "engineering",
        trigger="Defect reproduced by support",
        done=[
            "Steps to reproduce",
            "Logs or screenshots attached",
            "Customer impact and priority set",
        ],
        outcome="Fix released, or a workaround documented",
        owner="Aiko Tanaka",
        sla="1d",
        escalate_to="Martin Osei",
    ),
    # Rework edge: engineering hands a ticket back to support to close with the customer.
    boundary(
        "engineering", "support",
        trigger="Fix released, or more information needed from the customer",
        done=["Fixed version noted", "Customer-facing explanation drafted"],
        outcome="Customer told, ticket closed",
        owner="Jonas Berg",
        sla="1d",
        escalate_to="Rachel Kim",
    ),
    boundary(
        "engineering", "operations",
        trigger="Change merged and ready for production",
        done=[
            "Release notes written",
            "Rollback plan documented",
            "Change ticket approved",
        ],
        outcome="Change deployed to production and verified",
        owner="Sam Whitfield",
        sla="4h",
        escalate_to="Noor Haddad",
    ),
    # Rework edge: a failed or rolled-back deployment goes back to engineering.
    boundary(
        "operations", "engineering",
        trigger="Deployment failed or was rolled back",
        done=["Rollback done and verified", "Alerts and graphs linked"],
        outcome="Root cause found and a fixed change ready",
        owner="Aiko Tanaka",
        sla="1d",
        escalate_to="Martin Osei",
    ),
]

TEAM_KEYS = [key for key, _, _ in TEAMS]


def find_boundary(frm, to):
    for b in BOUNDARIES:
        if b["from"] == frm and b["to"] == to:
            return b
    return None


# ------------------------------------------------------------------------- items


class Rule(Exception):
    pass


class Item:
    """One item's history, checked event by event against Baton's rules."""

    def __init__(self, title, team, at, actor, owner=None, due=None, tags=(), body=None):
        if team not in TEAM_KEYS:
            raise Rule(f"{title}: unknown team {team}")
        self.events = []
        self.title = title
        self.team = team
        self.owner = owner
        self.state = "active"
        self.due = t(due) if due else None
        self.created_at = t(at)
        self.limbo = None  # {"to", "sent_at", "sender_owner"}
        self.escalated = None  # (at, to)
        self.incomplete = []
        self.bounces = 0
        self.flags = 0
        fields = {"title": title, "team": team}
        if owner is not None:
            fields["owner"] = owner
        if due is not None:
            fields["due"] = rfc3339(self.due)
        if tags:
            fields["tags"] = list(tags)
        if body is not None:
            fields["body"] = body
        self._event(at, actor, "created", fields)

    def _event(self, at, actor, kind, fields):
        moment = t(at)
        if not WINDOW_START <= moment < AS_OF:
            raise Rule(f"{self.title}: {kind} at {at} is outside the three weeks before AS_OF")
        if self.events and moment < self.last_at:
            raise Rule(f"{self.title}: {kind} at {at} comes before the previous event")
        self.last_at = moment
        event = {"seq": len(self.events) + 1, "at": rfc3339(moment), "actor": actor, "type": kind}
        event.update(fields)
        self.events.append(event)
        return self

    def _require(self, ok, what):
        if not ok:
            raise Rule(f"{self.title}: cannot {what} while {self.state}")

    def set_owner(self, at, actor, owner):
        self._require(self.state in ("active", "limbo"), "assign an owner")
        self.owner = owner
        return self._event(at, actor, "owner", {"owner": owner})

    def send(self, at, actor, to, note, unticked=()):
        self._require(self.state == "active", "send")
        b = find_boundary(self.team, to)
        if b is None:
            raise Rule(f"{self.title}: no boundary {self.team} -> {to}")
        unticked = list(unticked)
        for entry in unticked:
            if entry not in b["definition_of_done"]:
                raise Rule(f"{self.title}: {entry!r} is not on the {self.team} -> {to} checklist")
        fields = {"to": to, "note": note}
        if unticked:
            fields["unticked"] = unticked
            fields["forced"] = True
        self._event(at, actor, "sent", fields)
        self.state = "limbo"
        self.limbo = {"to": to, "sent_at": t(at), "sender_owner": self.owner}
        self.owner = None
        self.escalated = None
        self.incomplete = unticked
        return self

    def accept(self, at, actor, owner=None):
        self._require(self.state == "limbo", "accept")
        if owner is None:  # as `baton accept` does: the contract's next owner
            owner = find_boundary(self.team, self.limbo["to"]).get("owner")
        self.team = self.limbo["to"]
        self.owner = owner
        self.state = "active"
        self.limbo = None
        self.escalated = None
        return self._event(at, actor, "accepted", {"owner": owner} if owner else {})

    def _back(self):
        self.owner = self.limbo["sender_owner"]
        self.state = "active"
        self.limbo = None
        self.escalated = None
        self.incomplete = []

    def bounce(self, at, actor, reason, cause=None):
        self._require(self.state == "limbo", "bounce")
        self._back()
        self.bounces += 1
        fields = {"reason": reason}
        if cause is not None:
            fields["cause"] = cause
        return self._event(at, actor, "bounced", fields)

    def reclaim(self, at, actor, reason=None):
        self._require(self.state == "limbo", "reclaim")
        self._back()
        return self._event(at, actor, "reclaimed", {"reason": reason} if reason else {})

    def escalate(self, at, actor, to, note=None):
        self._require(self.state in ("active", "limbo"), "escalate")
        self.escalated = (t(at), to)
        fields = {"to": to}
        if note is not None:
            fields["note"] = note
        return self._event(at, actor, "escalated", fields)

    def note(self, at, actor, note):
        return self._event(at, actor, "noted", {"note": note})

    def flag(self, at, actor, note, cause=None):
        self.flags += 1
        fields = {"note": note}
        if cause is not None:
            fields["cause"] = cause
        return self._event(at, actor, "flagged", fields)

    def done(self, at, actor, note=None):
        self._require(self.state == "active", "finish")
        self.state = "done"
        self.escalated = None
        self.incomplete = []
        return self._event(at, actor, "done", {"note": note} if note else {})

    def reopen(self, at, actor, reason=None):
        self._require(self.state in ("done", "dropped"), "reopen")
        self.state = "active"
        return self._event(at, actor, "reopened", {"reason": reason} if reason else {})

    def drop(self, at, actor, reason):
        self._require(self.state in ("active", "limbo"), "drop")
        self.state = "dropped"
        self.limbo = None
        self.escalated = None
        self.incomplete = []
        return self._event(at, actor, "dropped", {"reason": reason})

    def record(self, item_id):
        """The item as `ItemRecord` serializes it."""
        r = {
            "id": item_id,
            "title": self.title,
            "team": self.team,
            "owner": self.owner,
            "state": self.state,
        }
        if self.limbo:
            r["boundary"] = {
                "from": self.team,
                "to": self.limbo["to"],
                "sent_at": rfc3339(self.limbo["sent_at"]),
            }
        r["events"] = self.events
        return r


# The items, grouped by how they stand at AS_OF. Ids are given in order of creation.
ITEMS = []


def item(*args, **kwargs):
    it = Item(*args, **kwargs)
    ITEMS.append(it)
    return it


# ---- Finished work: the history behind the flow metrics ---------------------------

(item("Northwind Traders — renewal with 200 extra seats", "sales", "11-04 09:10", "Maya Okafor",
      owner="Daniel Reyes", tags=["renewal"])
    .send("11-04 15:40", "Daniel Reyes", "solutions",
          "Renewal plus 200 seats for the Berlin office. SSO for the new seats through their "
          "existing Azure AD tenant. Technical contact: Jana Vogel (IT lead). Requirements doc "
          "linked on the opportunity.")
    .accept("11-05 09:20", "Tomás Rivera", "Hannah Lee")
    .note("11-05 16:00", "Hannah Lee", "Same tenant, one new group mapping. No design work needed.")
    .send("11-06 11:00", "Hannah Lee", "onboarding",
          "Order form signed this morning. Existing tenant: add 200 seats and map the Azure AD "
          "group 'Berlin-All'. Kick-off agreed with Jana for early next week.")
    .accept("11-06 14:30", "Priya Natarajan", "Leo Fischer")
    .done("11-12 16:10", "Leo Fischer", "Seats provisioned, Berlin group syncing; Jana confirmed."))

(item("SUP-4702 Password reset emails land in spam (Fourth Coffee)", "support", "11-04 10:25",
      "Fatima Zahra", owner="Fatima Zahra", tags=["bug", "email"])
    .send("11-04 13:05", "Fatima Zahra", "engineering",
          "Reproduced with a Gmail test account: DKIM fails for reset emails only. Full headers "
          "attached to SUP-4702. 40 store managers at Fourth Coffee are locked out.")
    .accept("11-04 14:50", "Aiko Tanaka", "Lukas Novak")
    .send("11-05 09:30", "Lukas Novak", "operations",
          "The DKIM key for selector s2 was rotated but DNS still publishes the old one. "
          "CHG-1182 approved; rollback is restoring the old TXT record (value in the ticket).")
    .accept("11-05 10:05", "Sam Whitfield", "Kwame Asante")
    .done("11-05 11:40", "Kwame Asante", "TXT record updated; DKIM passes for Gmail and Outlook.")
    .flag("11-09 09:30", "Fatima Zahra",
          "Ops fixed this four days ago but nobody told support; we heard it from the customer.",
          cause="unclear-owner"))

(item("Initech — proof-of-concept environment", "sales", "11-04 11:00", "Chloé Martin",
      owner="Chloé Martin", tags=["poc"])
    .send("11-04 17:20", "Chloé Martin", "solutions",
          "Initech want a two-week POC on their own (anonymised) data, about 50k records. "
          "Success criteria are on the opportunity; technical contact is Peter Gibbons.")
    .accept("11-05 10:30", "Tomás Rivera", "Viktor Sokolov")
    .done("11-18 17:00", "Viktor Sokolov",
          "POC ended with all five success criteria met. Environment torn down, report sent to Chloé."))

(item("Wide World Importers — go-live and hand-over to support", "onboarding", "11-04 14:00",
      "Priya Natarajan", owner="Grace Mensah")
    .note("11-06 10:00", "Grace Mensah", "Go-live pushed back four days at the customer's request.")
    .send("11-10 16:30", "Grace Mensah", "support",
          "Live since this morning with 320 users. Their admin, Rosa Díaz, prefers email to phone. "
          "Known quirk: they send through their own SMTP relay, see the account notes.")
    .accept("11-11 09:15", "Jonas Berg", "Mei Lin")
    .done("11-17 11:00", "Mei Lin", "First-week check-in done; no open tickets."))

(item("Upgrade Postgres to 16 on the EU cluster", "operations", "11-05 08:30", "Sam Whitfield",
      owner="Nadia Ivanova", tags=["maintenance"])
    .note("11-12 17:45", "Nadia Ivanova",
          "Replica upgraded and soaked for 48h; primary switchover booked for next week, 06:00 UTC.")
    .done("11-18 07:10", "Nadia Ivanova", "Switchover done with 42s of read-only time."))

(item("Vandelay Imports — on-prem deployment", "sales", "11-05 13:00", "Ben Adler",
      owner="Ben Adler")
    .send("11-06 09:40", "Ben Adler", "solutions",
          "Vandelay's regulator wants everything on their own servers. 1,200 seats if we can do "
          "it. Notes from the requirements call attached; contact is Art Vandelay himself.")
    .accept("11-06 13:00", "Tomás Rivera", "Tomás Rivera")
    .note("11-09 15:00", "Tomás Rivera",
          "We have no supported on-prem option; offered the EU single-tenant cloud instead.")
    .drop("11-13 10:00", "Tomás Rivera", "Lost: the customer chose a vendor that offers on-prem."))

(item("SUP-4755 Dashboard filters reset after refresh (Lamna Healthcare)", "support",
      "11-05 15:10", "Owen Price", owner="Owen Price", tags=["bug"])
    .send("11-05 16:00", "Owen Price", "engineering",
          "Lamna's clinic managers lose their dashboard filters on every refresh. I can't "
          "reproduce it myself yet; their screenshots are attached.",
          unticked=["Steps to reproduce"])
    .bounce("11-06 10:20", "Aiko Tanaka",
            "No browser or steps: we can't reproduce it on Chrome or Firefox. Please get the "
            "browser version and the exact filters.", cause="missing-context")
    .note("11-06 14:00", "Owen Price", "Only in Safari 18, with the 'last 30 days' preset.")
    .send("11-06 15:30", "Owen Price", "engineering",
          "Reproduced: Safari 18, preset 'last 30 days', refresh, filters gone. Screen recording "
          "and console log in SUP-4755. 60 users affected.")
    .accept("11-06 16:05", "Aiko Tanaka", "Sofia Costa")
    .send("11-11 12:00", "Sofia Costa", "support",
          "Fixed in 2.13.2, released today: Safari dropped the filter state from localStorage. "
          "Draft reply for the customer is in the ticket.")
    .accept("11-11 13:30", "Jonas Berg", "Owen Price")
    .done("11-11 15:00", "Owen Price", "Customer confirmed the fix."))

(item("Margie's Travel — net-60 payment terms", "sales", "11-06 10:00", "Daniel Reyes",
      owner="Daniel Reyes", tags=["deal-desk"])
    .send("11-06 11:30", "Daniel Reyes", "finance",
          "Margie's Travel sign 150 seats if we accept net 60 instead of net 30. Deal desk form "
          "attached; no margin impact.")
    .accept("11-09 16:40", "Elena Petrova", "Marcus Bell")
    .done("11-10 12:00", "Marcus Bell", "Net 60 approved; order form updated.")
    .flag("11-10 12:30", "Daniel Reyes",
          "Sat in finance's queue for three days with nobody on it: the sales → finance contract "
          "names no next owner.", cause="unclear-owner"))

(item("Blue Yonder Airlines — kick-off and workspace setup", "solutions", "11-09 09:30",
      "Hannah Lee", owner="Hannah Lee")
    .send("11-09 12:00", "Hannah Lee", "onboarding",
          "Order form signed. Design doc attached: three regions, SSO through Okta. No kick-off "
          "date yet, their PM is on leave until later this week.",
          unticked=["Kick-off date agreed with the customer"])
    .accept("11-09 15:00", "Priya Natarajan", "Grace Mensah")
    .flag("11-16 10:00", "Grace Mensah",
          "Nobody owned booking the kick-off; the customer waited six days for a first call.",
          cause="unclear-owner")
    .done("11-20 17:30", "Grace Mensah", "Workspaces live in all three regions."))

(item("Audit-log export for the Woodgrove Bank security review", "engineering", "11-09 11:00",
      "Aiko Tanaka", owner="Ravi Shah", due="11-20 17:00", tags=["feature"])
    .note("11-16 12:00", "Ravi Shah", "Export works; waiting on a security review of the signed URLs.")
    .done("11-19 18:20", "Ravi Shah", "Shipped behind the audit_export flag; enabled for Woodgrove."))

(item("Renew the TLS certificate for api.eu", "operations", "11-10 09:00", "Kwame Asante",
      owner="Kwame Asante", tags=["maintenance"])
    .done("11-10 11:30", "Kwame Asante", "Renewed and deployed; valid for another year."))

(item("Munson's Pickles — 2027 renewal quote", "sales", "11-16 11:00", "Daniel Reyes",
      owner="Daniel Reyes", tags=["renewal"])
    .done("11-19 16:30", "Daniel Reyes", "Quote accepted; renewed for 2027."))

# ---- Dropped ------------------------------------------------------------------------

(item("SUP-4823 Export to CSV fails for big workspaces (Northwind)", "support", "11-23 10:05",
      "Mei Lin", owner="Mei Lin", tags=["bug"])
    .drop("11-23 10:30", "Owen Price", "Duplicate of SUP-4821: same customer, same export."))

# ---- Open work: held by a team ------------------------------------------------------

(item("Trey Research — hand-over to support after go-live", "onboarding", "11-10 09:00",
      "Leo Fischer", owner="Leo Fischer")
    .send("11-20 16:00", "Leo Fischer", "support",
          "Trey Research live since yesterday: 85 users, Standard tier. Account notes still to be "
          "written; I'm out tomorrow, the details are in the kick-off recording.",
          unticked=["Account notes updated"])
    .accept("11-23 09:10", "Jonas Berg", "Fatima Zahra")
    .flag("11-24 11:00", "Fatima Zahra",
          "No account notes at hand-over: support didn't know about Trey's custom data-retention "
          "agreement and gave the customer wrong advice.", cause="done-criteria-unmet"))

(item("SUP-4731 Scheduled reports arrive a day late (Adventure Works)", "support", "11-10 14:20",
      "Mei Lin", owner="Mei Lin", tags=["bug"])
    .send("11-10 15:00", "Mei Lin", "engineering",
          "Reports scheduled for 08:00 arrive a day late for users in Sydney. Steps and two "
          "sample report ids in SUP-4731. Priority medium, 12 users.")
    .accept("11-11 08:30", "Aiko Tanaka", "Sofia Costa")
    .done("11-18 16:00", "Sofia Costa", "Timezone conversion fixed in 2.13.4.")
    .reopen("11-23 10:15", "Sofia Costa",
            "Still a day late for users on daylight saving time (UTC+11)."))

(item("Proseware — migrate 8 years of tickets from the legacy CRM", "solutions", "11-11 10:00",
      "Viktor Sokolov", owner="Viktor Sokolov", due="11-24 17:00", tags=["migration"],
      body="Legacy system: SalesBase 7, self-hosted. About 1.1M tickets with attachments; "
           "attachments must keep their original dates. Their old contract ends on the due date.")
    .send("11-12 14:00", "Viktor Sokolov", "onboarding",
          "Order form signed. Scope is 8 years of tickets from SalesBase; field mapping in the "
          "design doc. Kick-off agreed for early next week. It must be done before their old contract "
          "ends (the due date).")
    .accept("11-13 09:00", "Priya Natarajan", "Grace Mensah")
    .note("11-20 16:30", "Grace Mensah",
          "SalesBase throttles attachment export to 5k an hour; the migration will run past the 24th."))

(item("Wingtip Toys — SOW for EU data residency", "solutions", "11-12 09:00", "Hannah Lee",
      owner="Hannah Lee", tags=["data-residency"])
    .send("11-18 10:00", "Hannah Lee", "onboarding",
          "Order form signed; SOW attached: EU data residency across two regions. Kick-off "
          "agreed for next week.")
    .bounce("11-19 11:00", "Priya Natarajan",
            "The order form says one EU region and the SOW says two. Please get them to agree "
            "before kick-off.", cause="missing-context")
    .note("11-20 10:00", "Hannah Lee", "Asked the customer which is right; waiting on their procurement."))

(item("Lamna Healthcare — 3-year prepaid deal at 22% discount", "sales", "11-12 11:00",
      "Chloé Martin", owner="Chloé Martin", tags=["deal-desk"])
    .send("11-13 15:00", "Chloé Martin", "finance",
          "Three years prepaid at 22% off list. Deal desk form and margin sheet attached. They "
          "want an answer before their board meets in three weeks.")
    .accept("11-17 10:00", "Marcus Bell"))

(item("Tailwind Traders — upgrade to the Enterprise plan", "sales", "11-16 09:40", "Ben Adler",
      owner="Ben Adler")
    .send("11-18 11:00", "Ben Adler", "solutions",
          "Upgrade from Team to Enterprise, 80 seats; they need audit logs and SCIM. Technical "
          "contact: Ana Ruiz.")
    .reclaim("11-19 09:30", "Ben Adler", "The customer paused the upgrade until their January budget.")
    .note("11-19 09:35", "Ben Adler", "Follow up in the first week of January."))

(item("Rotate the Kafka broker certificates before they expire", "operations",
      "11-16 10:00", "Sam Whitfield", owner="Kwame Asante", due="11-26 18:00",
      tags=["maintenance", "security"])
    .note("11-23 14:00", "Kwame Asante",
          "New certificates issued and rolled out to staging; production is booked for the last change window before they expire."))

(item("Datum Corp — three custom SAML attributes", "sales", "11-16 13:00", "Daniel Reyes",
      owner="Daniel Reyes", due="12-04 17:00")
    .send("11-17 10:00", "Daniel Reyes", "solutions",
          "Datum need department, cost centre and manager id passed through SAML. Their IdP is "
          "PingFederate; contact is Lee Wong.")
    .accept("11-17 15:20", "Tomás Rivera", "Viktor Sokolov"))

(item("Webhook delivery dashboard for support agents", "engineering", "11-17 09:00",
      "Aiko Tanaka", owner="Lukas Novak", tags=["feature"],
      body="Support asks engineering to look up webhook deliveries several times a week. Show "
           "the last 100 deliveries per workspace with status, response time and a retry button."))

(item("SUP-4810 Android app crashes when attaching photos (Oceanic Airlines)", "support",
      "11-18 13:00", "Owen Price", owner="Owen Price", tags=["bug", "mobile"])
    .send("11-18 15:00", "Owen Price", "engineering",
          "Crashes on Android 15 when attaching a photo from the gallery. Crash log and device "
          "list in SUP-4810. 900 cabin crew use this for incident reports.")
    .accept("11-19 09:10", "Aiko Tanaka", "Ines Duarte")
    .note("11-20 17:00", "Ines Duarte",
          "The crash is in the image-resize library on Android 15; upgrading it breaks the build "
          "for older devices.")
    .escalate("11-24 09:30", "Jonas Berg", "Martin Osei",
              "Oceanic's crews are filing incident reports on paper; we need a date for the fix."))

(item("Onboarding checklist for healthcare customers", "onboarding", "11-19 14:00",
      "Priya Natarajan", owner="Priya Natarajan", tags=["process"]))

(item("Cut staging spend: idle GPU nodes", "operations", "11-20 11:30", "Nadia Ivanova",
      owner="Nadia Ivanova", tags=["cost"])
    .note("11-23 16:00", "Nadia Ivanova", "Six g5 nodes idle since October; asked engineering before turning them off."))

item("SSO login fails for Globex admins", "support", "11-24 08:40", "Owen Price",
     owner="Owen Price", tags=["sso"])

item("Globex admins: SSO login fails after IdP change", "engineering", "11-24 11:15", "Ravi Shah",
     owner="Ravi Shah", tags=["sso"],
     body="Raised in the #globex shared channel: their admins get 'invalid audience' since "
          "Globex moved to a new IdP tenant.")

item("Nakatomi Trading — 50-user pilot", "sales", "11-24 14:00", "Chloé Martin",
     owner="Chloé Martin")

item("Coho Winery: November invoice charged VAT twice", "support", "11-24 15:05", "Mei Lin",
     body="Took the call at the end of my shift; invoice INV-20931 attached.")

# ---- Open work: in limbo between teams ----------------------------------------------

(item("Fabrikam — go-live hand-over to support", "onboarding", "11-09 10:00",
      "Priya Natarajan", owner="Leo Fischer")
    .send("11-23 11:00", "Leo Fischer", "support",
          "Fabrikam went live this morning: 540 users on three sites. Go-live checklist signed, "
          "account notes updated, Premium tier set. Their admin Jamal is new; expect how-to "
          "questions.")
    .flag("11-24 17:00", "Leo Fischer",
          "Nobody in support has picked this up: the hand-over alert in the helpdesk was muted.",
          cause="other"))

(item("SUP-4790 PDF invoices render blank pages (Humongous Insurance)", "support", "11-17 11:30",
      "Fatima Zahra", owner="Fatima Zahra", tags=["bug", "billing"])
    .send("11-17 14:00", "Fatima Zahra", "engineering",
          "Humongous say some PDF invoices are blank. Sample invoice attached.",
          unticked=["Steps to reproduce"])
    .bounce("11-18 09:40", "Ravi Shah", "The sample renders fine for us. Which invoices, which viewer?",
            cause="missing-context")
    .send("11-19 11:00", "Fatima Zahra", "engineering",
          "Blank in Adobe Reader only, for invoices with more than 40 lines. Three samples "
          "attached, steps in SUP-4790.")
    .bounce("11-20 10:30", "Ravi Shah",
            "The samples render in Adobe Reader 2024 on 2.14. Which Reader version do they use?",
            cause="missing-context")
    .note("11-23 15:00", "Fatima Zahra", "Adobe Reader 11 (2017) on locked-down PCs.")
    .send("11-24 16:10", "Fatima Zahra", "engineering",
          "Blank in Adobe Reader 11 on the customer's managed PCs, which they cannot upgrade. "
          "Reproduced on a VM with Reader 11: every invoice over 40 lines. VM image and logs linked."))

(item("Contoso — 400-seat expansion, technical evaluation", "sales", "11-18 10:00",
      "Maya Okafor", owner="Daniel Reyes", tags=["expansion"], due="12-02 09:00")
    .send("11-20 15:30", "Daniel Reyes", "solutions",
          "Contoso want 400 more seats across two subsidiaries, each with its own SSO. "
          "Requirements doc and org chart attached; technical contact is Kim Akers. They decide "
          "at their steering meeting on the due date.")
    .note("11-23 11:00", "Daniel Reyes", "Pinged #solutions, no answer yet.")
    .escalate("11-24 10:00", "Maya Okafor", "Dana Whitaker",
              "Two working days with nobody on it, and their steering meeting is a week away."))

(item("Litware — kick-off and workspace setup", "solutions", "11-19 10:00", "Hannah Lee",
      owner="Hannah Lee")
    .send("11-24 14:00", "Hannah Lee", "onboarding",
          "Order form signed yesterday. Two workspaces (EU and US), SSO through Google Workspace. "
          "Kick-off not booked yet: their IT lead is back next week.",
          unticked=["Kick-off date agreed with the customer"]))

(item("SUP-4799 Relecloud: nightly sync hits the API rate limit", "support", "11-19 15:30",
      "Mei Lin", owner="Mei Lin", tags=["api"])
    .send("11-19 16:00", "Mei Lin", "engineering",
          "Relecloud's nightly sync gets HTTP 429 at 1,000 requests a minute. Gateway logs and "
          "tenant id attached. They need about 2,000 a minute for an hour a night; priority medium.")
    .accept("11-20 09:00", "Aiko Tanaka", "Lukas Novak")
    .note("11-24 15:00", "Lukas Novak",
          "Per-tenant limits are config; ops will raise it under CHG-1240 at 18:00 tonight.")
    .send("11-25 08:10", "Lukas Novak", "support",
          "Limit raised to 2,000 a minute for Relecloud since 18:00 UTC yesterday (config, no "
          "release). Please confirm with the customer after tonight's sync; draft reply in SUP-4799."))

(item("Woodgrove Bank — 90-day payment terms", "sales", "11-20 14:00", "Maya Okafor",
      owner="Maya Okafor", tags=["deal-desk"])
    .send("11-23 16:00", "Maya Okafor", "finance",
          "Woodgrove sign 2,000 seats this quarter if we give them 90-day terms. Deal desk form "
          "and margin sheet attached. Our quarter closes in a week."))

(item("Tailspin Toys — wants Okta SCIM, not in the SOW", "onboarding", "11-20 11:00",
      "Grace Mensah", owner="Grace Mensah")
    .send("11-23 09:30", "Grace Mensah", "solutions",
          "During setup Tailspin asked for SCIM provisioning from Okta; the SOW only covers SAML "
          "SSO. Their words: 'we assumed SCIM was part of SSO'. Please decide on a scope change "
          "or a workaround."))

(item("SUP-4821 CSV export times out for large workspaces (Northwind Traders)", "support",
      "11-23 09:20", "Owen Price", owner="Owen Price", tags=["bug", "export"])
    .send("11-24 12:30", "Owen Price", "engineering",
          "Exports over about 200k rows time out after 60s. Reproduced on a copy of the Northwind "
          "workspace; HAR file and request ids attached. Their finance team needs it for the "
          "month-end close next week."))

(item("Alpine Ski House — security questionnaire (212 questions)", "sales", "11-23 10:00",
      "Chloé Martin", owner="Chloé Martin", due="11-26 17:00", tags=["security-review"])
    .send("11-24 17:30", "Chloé Martin", "solutions",
          "212-question security questionnaire (SIG Lite) in the opportunity folder. We did the "
          "legal and pricing sections; the ~150 technical ones need solutions. It is due back to "
          "the customer by the due date."))

(item("Deploy the webhook retry fix (2.14.3)", "engineering", "11-23 13:00", "Lukas Novak",
      owner="Lukas Novak", tags=["release"])
    .send("11-25 07:30", "Lukas Novak", "operations",
          "2.14.3 retries webhooks after an HTTP 500. Release notes and rollback plan (redeploy "
          "2.14.2, no migrations) in CHG-1262, approved."))

(item("Search indexer 3.2 rolled back: memory leak", "operations", "11-25 06:00",
      "Nadia Ivanova", owner="Nadia Ivanova", tags=["incident"])
    .send("11-25 06:40", "Nadia Ivanova", "engineering",
          "Indexer 3.2 leaked about 2 GB an hour on the EU nodes. Rolled back to 3.1.4 at 05:50 "
          "UTC and verified. Grafana panels and heap dumps linked in INC-311."))


# ------------------------------------------------------------------------ signals


FILLER = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on",
          "or", "the", "to"}


def title_words(title):
    words, word = set(), ""
    for ch in title + " ":
        if ch.isalnum():
            word += ch
        elif word:
            words.add(word.lower())
            word = ""
    return words - FILLER


def signals(items):
    """{id: [codes]} at AS_OF, as src/domain/attention.rs computes them."""
    out = {}
    open_items = [(i, it) for i, it in items if it.state in ("active", "limbo")]
    for i, it in open_items:
        codes = []
        if it.limbo:
            b = find_boundary(it.team, it.limbo["to"])
            age = (AS_OF - it.limbo["sent_at"]).total_seconds()
            if "sla" in b:
                sla = parse_sla(b["sla"]) * 60
                if age > sla:
                    codes.append("sla-breached")
                elif age >= sla * 0.75:
                    codes.append("sla-at-risk")
        if it.owner is None:
            if not it.limbo or "owner" not in find_boundary(it.team, it.limbo["to"]):
                codes.append("no-owner")
        if it.limbo and it.due:
            b = find_boundary(it.team, it.limbo["to"])
            if "sla" in b and (it.due - it.limbo["sent_at"]).total_seconds() < parse_sla(b["sla"]) * 60:
                codes.append("late-handoff")
        if it.incomplete:
            codes.append("incomplete-handoff")
        if it.bounces >= 2:
            codes.append("ping-pong")
        if it.escalated:
            codes.append("escalated")
        if it.due:
            left = it.due - AS_OF
            if left < timedelta(0):
                codes.append("overdue")
            elif left <= timedelta(hours=48):
                codes.append("due-soon")
        out[i] = codes
    for x, (i, a) in enumerate(open_items):
        for j, b in open_items[x + 1:]:
            wa, wb = title_words(a.title), title_words(b.title)
            shared = len(wa & wb)
            if a.team != b.team and shared >= 2 and shared / len(wa | wb) >= 0.6:
                out[i].append("possible-duplicate")
                out[j].append("possible-duplicate")
    return {i: codes for i, codes in out.items() if codes}


ALL_CODES = ["overdue", "sla-breached", "escalated", "due-soon", "late-handoff", "sla-at-risk",
             "ping-pong",
             "no-owner", "incomplete-handoff", "possible-duplicate", "contract-incomplete"]
CONTRACT_FIELDS = ["trigger", "definition_of_done", "outcome", "owner", "sla", "escalate_to"]


def board_document(doc):
    """The document laid out as Baton writes it (`DocumentWriter` in src/export/json.rs)."""
    compact = lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    out = '{"format":"baton-board","version":1,'
    if doc.get("as_of"):
        out += '"as_of":' + compact(doc["as_of"]) + ","
    for name, last in (("teams", False), ("boundaries", False)):
        out += "\n" + compact(name) + ":[" + ",".join("\n" + compact(v) for v in doc[name]) + "\n],"
    out += '\n"items":[' + ",".join("\n" + compact(v) for v in doc["items"]) + "\n]}\n"
    return out


def main():
    # Ids in order of creation, as Baton would have given them.
    ordered = sorted(enumerate(ITEMS), key=lambda p: (p[1].created_at, p[0]))
    items = [(n + 1, it) for n, (_, it) in enumerate(ordered)]

    found = signals(items)
    incomplete = [f"{b['from']} → {b['to']}" for b in BOUNDARIES
                  if any(not b.get(f) for f in CONTRACT_FIELDS)]
    shown = {code for codes in found.values() for code in codes}
    if incomplete:
        shown.add("contract-incomplete")
    missing = [c for c in ALL_CODES if c not in shown]
    if missing:
        sys.exit(f"demo.py: the demo shows no {', '.join(missing)}")
    duplicates = [i for i, codes in found.items() if "possible-duplicate" in codes]
    if len(duplicates) != 2:
        sys.exit(f"demo.py: expected one pair of possible duplicates, found {duplicates}")

    doc = {
        "format": "baton-board",
        "version": 1,
        "as_of": rfc3339(AS_OF),
        "teams": [dict({"key": k, "name": n}, **({"lead": l} if l else {})) for k, n, l in TEAMS],
        "boundaries": BOUNDARIES,
        "items": [it.record(i) for i, it in items],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(board_document(doc), encoding="utf-8")

    if "--summary" in sys.argv[1:]:
        states = {}
        for _, it in items:
            states[it.state] = states.get(it.state, 0) + 1
        print(f"{len(items)} items: " + ", ".join(f"{n} {s}" for s, n in sorted(states.items())))
        for i, it in items:
            where = it.team + (f" → {it.limbo['to']}" if it.limbo else "")
            codes = ", ".join(found.get(i, []))
            print(f"#{i:<3} {it.state:<8} {where:<26} {it.title[:52]:<52} {codes}")
        print("contract-incomplete: " + ", ".join(incomplete))


if __name__ == "__main__":
    main()
