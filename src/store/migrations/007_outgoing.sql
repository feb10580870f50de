-- Version 7: outgoing mail. The outbox (version 3) learns what kind of
-- mail a row is, its HTML part and charset, and whom it goes to first (for
-- the ack rate limits); mail templates and canned responses; per-agent
-- notification settings.

-- The outbox is rebuilt (SQLite cannot relax NOT NULL in place):
-- message_id becomes optional, because automatic mail (acknowledgements,
-- notices, agent notifications) is not part of the ticket's conversation:
-- it is listed with the ticket's outbox, and its Message-ID is registered
-- in thread_ids so that an answer to it still threads.
--
-- kind: 'reply' (an agent's answer, VERP envelope), 'ack' (acknowledgement
-- of a new ticket, null envelope, Auto-Submitted: auto-replied),
-- 'notice' (status change, resolution, reminder to the customer:
-- null envelope, auto-generated) or 'notification' (to an agent).
CREATE TABLE outbox_v7 (
  id               INTEGER PRIMARY KEY,
  message_id       INTEGER REFERENCES messages(id),  -- the stored reply; NULL for automatic mail
  ticket_id        INTEGER NOT NULL REFERENCES tickets(id),
  agent_id         INTEGER REFERENCES agents(id),
  status           TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued','sending','sent','failed')),
  mail_from        TEXT NOT NULL,        -- envelope sender; '' = <>
  rcpt_json        TEXT NOT NULL,
  headers_json     TEXT NOT NULL,
  body_text        TEXT NOT NULL,
  attachments_json TEXT NOT NULL DEFAULT '[]',
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER,
  kind             TEXT NOT NULL DEFAULT 'reply'
                   CHECK (kind IN ('reply','ack','notice','notification')),
  recipient        TEXT NOT NULL DEFAULT '',      -- first recipient, lower case
  body_html        TEXT NOT NULL DEFAULT '',
  charset          TEXT NOT NULL DEFAULT 'utf-8'  -- 'utf-8' or 'iso-2022-jp'
);
INSERT INTO outbox_v7(id, message_id, ticket_id, agent_id, status, mail_from, rcpt_json, headers_json,
                      body_text, attachments_json, attempts, next_attempt_at, last_error, created_at,
                      sent_at, recipient)
  SELECT id, message_id, ticket_id, agent_id, status, mail_from, rcpt_json, headers_json, body_text,
         attachments_json, attempts, next_attempt_at, last_error, created_at, sent_at,
         lower(coalesce(json_extract(rcpt_json, '$[0]'), ''))
  FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v7 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
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
