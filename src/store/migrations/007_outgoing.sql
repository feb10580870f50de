-- Version 7: outgoing mail. The outbox (version 3) learns what kind of
-- mail a row is, its HTML part and charset, and whom it goes to first (for
-- the ack rate limits); mail templates and canned responses; per-agent
-- notification settings.

-- kind: 'reply' (an agent's answer, VERP envelope), 'ack' (acknowledgement
-- of a new ticket, null envelope, Auto-Submitted: auto-replied),
-- 'notice' (status change, resolution, reminder to the customer:
-- null envelope, auto-generated) or 'notification' (to an agent).
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'reply';
ALTER TABLE outbox ADD COLUMN recipient TEXT NOT NULL DEFAULT '';   -- first recipient, lower case
ALTER TABLE outbox ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN charset TEXT NOT NULL DEFAULT 'utf-8'; -- 'utf-8' or 'iso-2022-jp'
CREATE INDEX outbox_recipient ON outbox(kind, recipient, created_at);
CREATE INDEX outbox_ticket ON outbox(ticket_id, kind, created_at);

-- Templates of the mail Mado writes, per language ('en', 'ja'). A row
-- overrides the built-in default of that name and language.
CREATE TABLE mail_templates (
  name        TEXT NOT NULL,
  language    TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  updated_by  INTEGER REFERENCES agents(id),
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (name, language)
) WITHOUT ROWID;

-- Canned responses for agents: rendered with the same engine.
CREATE TABLE canned_responses (
  id          INTEGER PRIMARY KEY,
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_by  INTEGER REFERENCES agents(id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- Which mail an agent wants (missing row = the defaults: all on).
CREATE TABLE agent_notify (
  agent_id          INTEGER PRIMARY KEY REFERENCES agents(id),
  new_in_group      INTEGER NOT NULL DEFAULT 1,
  assigned          INTEGER NOT NULL DEFAULT 1,
  customer_replied  INTEGER NOT NULL DEFAULT 1,
  mention           INTEGER NOT NULL DEFAULT 1
);
