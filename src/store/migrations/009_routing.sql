-- Version 9: triage and routing (issue 5, first half): priority with its
-- reasons, category and language on the ticket; agents' routing profile
-- (capacity, seniority, skills, shifts); groups' routing strategy,
-- round-robin cursor and escalation group; the admin-defined rules
-- (priority, category, routing, trigger); webhooks and agent
-- notifications queued by triggers.

ALTER TABLE tickets ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN language TEXT NOT NULL DEFAULT '';
-- Why the ticket has its priority, in English and Japanese, e.g.
-- "VIP customer + 'システム停止' in subject"; '' when nothing raised it.
ALTER TABLE tickets ADD COLUMN priority_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN priority_reason_ja TEXT NOT NULL DEFAULT '';

-- capacity: open tickets an agent may hold (0 = no limit); senior: takes
-- VIP and escalated tickets; skills: JSON array of lowercase words matched
-- against a ticket's category and language; shifts: weekly hours such as
-- "mon-fri 09:00-18:00 +09:00" ('' = always on shift).
ALTER TABLE agents ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN senior INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN skills TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN shifts TEXT NOT NULL DEFAULT '';

ALTER TABLE groups ADD COLUMN strategy TEXT NOT NULL DEFAULT 'none'
  CHECK (strategy IN ('none','round_robin','least_loaded','skills','vip'));
ALTER TABLE groups ADD COLUMN rr_cursor INTEGER NOT NULL DEFAULT 0;  -- last agent id given a ticket
ALTER TABLE groups ADD COLUMN escalation_group_id INTEGER REFERENCES groups(id);

-- Rules of every kind share one table and one JSON grammar (src/core/rules.c
-- parses rule_json; the API refuses what it cannot parse). Ordered by
-- position within a kind.
CREATE TABLE triage_rules (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('priority','category','routing','trigger')),
  name        TEXT NOT NULL,
  position    INTEGER NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 1,
  rule_json   TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX triage_rules_kind ON triage_rules(kind, position, id);

-- Webhook calls queued by triggers, delivered by a sender (libcurl).
CREATE TABLE webhook_queue (
  id           INTEGER PRIMARY KEY,
  ticket_id    INTEGER REFERENCES tickets(id),
  rule_id      INTEGER,
  url          TEXT NOT NULL,
  body_json    TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  sent_at      INTEGER
);
CREATE INDEX webhook_queue_due ON webhook_queue(status, next_attempt_at, id);

-- Notifications for agents (from triggers), read by the agent UI.
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  agent_id    INTEGER NOT NULL REFERENCES agents(id),
  ticket_id   INTEGER REFERENCES tickets(id),
  body        TEXT NOT NULL,
  read_at     INTEGER,
  created_at  INTEGER NOT NULL
);
CREATE INDEX notifications_agent ON notifications(agent_id, id);
