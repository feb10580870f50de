-- Mado schema, version 1: intake, tickets, customers, history.
-- Times are UTC seconds since the epoch.

CREATE TABLE organizations (
  id          INTEGER PRIMARY KEY,
  domain      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE customers (
  id              INTEGER PRIMARY KEY,
  email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name            TEXT NOT NULL DEFAULT '',
  organization_id INTEGER REFERENCES organizations(id),
  tier            TEXT NOT NULL DEFAULT 'standard',
  language        TEXT NOT NULL DEFAULT '',
  bouncing        INTEGER NOT NULL DEFAULT 0,
  bounce_status   TEXT NOT NULL DEFAULT '',
  bounce_reason   TEXT NOT NULL DEFAULT '',
  bounced_at      INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);

CREATE TABLE tickets (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,  -- the ticket number
  subject         TEXT NOT NULL DEFAULT '',
  status          TEXT NOT NULL DEFAULT 'new'
                  CHECK (status IN ('new','open','pending','on-hold','resolved','closed')),
  priority        TEXT NOT NULL DEFAULT 'normal'
                  CHECK (priority IN ('low','normal','high','urgent')),
  type            TEXT NOT NULL DEFAULT 'question'
                  CHECK (type IN ('question','incident','request','problem','alarm')),
  channel         TEXT NOT NULL DEFAULT 'email',
  customer_id     INTEGER REFERENCES customers(id),
  organization_id INTEGER REFERENCES organizations(id),
  linked_ticket_id INTEGER REFERENCES tickets(id),
  spam            INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX tickets_customer ON tickets(customer_id);
CREATE INDEX tickets_updated ON tickets(updated_at);
CREATE INDEX tickets_status ON tickets(status, updated_at);

CREATE TABLE messages (
  id               INTEGER PRIMARY KEY,
  ticket_id        INTEGER REFERENCES tickets(id),  -- NULL: machine mail that matched no ticket
  direction        TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in','out')),
  message_id       TEXT NOT NULL,          -- without <>; synthesized when missing
  raw_sha256       TEXT NOT NULL,          -- blob of the raw message
  raw_size         INTEGER NOT NULL,
  source           TEXT NOT NULL DEFAULT '',  -- ingest, import:maildir, import:mbox
  from_email       TEXT NOT NULL DEFAULT '',
  from_name        TEXT NOT NULL DEFAULT '',
  to_json          TEXT NOT NULL DEFAULT '[]',
  cc_json          TEXT NOT NULL DEFAULT '[]',
  subject          TEXT NOT NULL DEFAULT '',
  date             INTEGER,
  in_reply_to      TEXT NOT NULL DEFAULT '',
  references_json  TEXT NOT NULL DEFAULT '[]',
  body_text        TEXT NOT NULL DEFAULT '',
  body_html        TEXT NOT NULL DEFAULT '',
  text_from_html   INTEGER NOT NULL DEFAULT 0,
  kind             TEXT NOT NULL DEFAULT 'normal',
  hygiene_flags    INTEGER NOT NULL DEFAULT 0,
  hygiene_reasons  TEXT NOT NULL DEFAULT '',
  may_auto_answer  INTEGER NOT NULL DEFAULT 1,
  spam_score       REAL NOT NULL DEFAULT 0,
  thread_reason    TEXT NOT NULL DEFAULT '',
  parse_notes      TEXT NOT NULL DEFAULT '',
  truncated        INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  UNIQUE (message_id, raw_sha256)
);
CREATE INDEX messages_ticket ON messages(ticket_id, id);

-- Every Message-ID seen or sent, for threading by In-Reply-To/References.
CREATE TABLE thread_ids (
  message_id  TEXT NOT NULL PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id)
) WITHOUT ROWID;

CREATE TABLE attachments (
  id            INTEGER PRIMARY KEY,
  message_id    INTEGER NOT NULL REFERENCES messages(id),
  sha256        TEXT NOT NULL,
  filename      TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  size          INTEGER NOT NULL,
  content_id    TEXT NOT NULL DEFAULT '',
  inline        INTEGER NOT NULL DEFAULT 0,
  stored        INTEGER NOT NULL DEFAULT 1   -- 0: over the size limit, not kept
);
CREATE INDEX attachments_message ON attachments(message_id);

CREATE TABLE participants (
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  email       TEXT NOT NULL COLLATE NOCASE,
  name        TEXT NOT NULL DEFAULT '',
  role        TEXT NOT NULL CHECK (role IN ('requester','to','cc')),
  PRIMARY KEY (ticket_id, email)
) WITHOUT ROWID;

CREATE TABLE bounce_recipients (
  message_id  INTEGER NOT NULL REFERENCES messages(id),
  email       TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT '',
  action      TEXT NOT NULL DEFAULT '',
  diagnostic  TEXT NOT NULL DEFAULT ''
);

-- The audit trail: append-only.
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER REFERENCES tickets(id),
  actor       TEXT NOT NULL,          -- 'system', 'customer:<email>', 'agent:<id>'
  kind        TEXT NOT NULL,          -- created, message, field, link, bounce…
  field       TEXT NOT NULL DEFAULT '',
  old_value   TEXT,
  new_value   TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX events_ticket ON events(ticket_id, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Messages that could not be processed, kept for an operator.
CREATE TABLE quarantine (
  id          INTEGER PRIMARY KEY,
  raw_sha256  TEXT NOT NULL,
  reason      TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
