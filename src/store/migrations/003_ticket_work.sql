-- Version 3: the work agents do on tickets: tags, custom fields, links,
-- parent/child, merges, internal notes with @mentions, the outbox of agent
-- replies (queued here, sent by the outgoing-mail issue), saved views.

-- A child ticket (split off a parent) and a merged ticket (points to the
-- ticket that took its thread; it is closed).
ALTER TABLE tickets ADD COLUMN parent_id INTEGER REFERENCES tickets(id);
ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets(id);
CREATE INDEX tickets_created ON tickets(created_at);
CREATE INDEX tickets_parent ON tickets(parent_id);
CREATE INDEX tickets_organization ON tickets(organization_id);

-- Tags: lowercase [a-z0-9._:-], 1..64 characters (checked by the API).
CREATE TABLE ticket_tags (
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  tag        TEXT NOT NULL,
  PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags(tag, ticket_id);

-- Custom field definitions (admins) and their values per ticket. Values
-- are text in a canonical form for the type: number as JSON number text,
-- date as YYYY-MM-DD, select as one of the options.
CREATE TABLE custom_fields (
  id            INTEGER PRIMARY KEY,
  key           TEXT NOT NULL UNIQUE,
  label         TEXT NOT NULL,
  type          TEXT NOT NULL CHECK (type IN ('text','number','date','select')),
  options_json  TEXT NOT NULL DEFAULT '[]',
  created_at    INTEGER NOT NULL
);
CREATE TABLE ticket_field_values (
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  field_id   INTEGER NOT NULL REFERENCES custom_fields(id),
  value      TEXT NOT NULL,
  PRIMARY KEY (ticket_id, field_id)
) WITHOUT ROWID;

-- Links between tickets are symmetric: stored once, smaller number first.
CREATE TABLE ticket_links (
  a           INTEGER NOT NULL REFERENCES tickets(id),
  b           INTEGER NOT NULL REFERENCES tickets(id),
  created_by  INTEGER REFERENCES agents(id),
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (a, b),
  CHECK (a < b)
) WITHOUT ROWID;
CREATE INDEX ticket_links_b ON ticket_links(b, a);

-- Internal notes: never shown to customers, never mailed. A table of their
-- own rather than messages with direction 'note', so that no query over
-- messages (threading, customer views, the sender) can pick one up by
-- forgetting a condition.
CREATE TABLE notes (
  id          INTEGER PRIMARY KEY,
  ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
  agent_id    INTEGER NOT NULL REFERENCES agents(id),
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX notes_ticket ON notes(ticket_id, id);
CREATE TABLE note_mentions (
  note_id   INTEGER NOT NULL REFERENCES notes(id),
  agent_id  INTEGER NOT NULL REFERENCES agents(id),
  PRIMARY KEY (note_id, agent_id)
) WITHOUT ROWID;
CREATE INDEX note_mentions_agent ON note_mentions(agent_id, note_id);

-- Agent replies waiting to be sent: one row per reply, written in the same
-- transaction as its message (direction 'out'). Headers are stored
-- unencoded (UTF-8) as a JSON array of [name, value] pairs in order; the
-- sender encodes them (RFC 2047) and the body (quoted-printable or 8bit).
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  message_id       INTEGER NOT NULL REFERENCES messages(id),  -- the stored reply
  ticket_id        INTEGER NOT NULL REFERENCES tickets(id),
  agent_id         INTEGER REFERENCES agents(id),
  status           TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued','sending','sent','failed')),
  mail_from        TEXT NOT NULL,        -- envelope sender
  rcpt_json        TEXT NOT NULL,        -- envelope recipients: ["a@b", ...]
  headers_json     TEXT NOT NULL,        -- [["From","..."],["To","..."],...]
  body_text        TEXT NOT NULL,
  attachments_json TEXT NOT NULL DEFAULT '[]',  -- [{"sha256","filename","content_type","size"}]
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

-- Saved ticket-list views: an agent's own, or shared with everyone.
-- query_json holds list filters (the query parameters of GET /tickets).
CREATE TABLE saved_views (
  id          INTEGER PRIMARY KEY,
  agent_id    INTEGER NOT NULL REFERENCES agents(id),
  name        TEXT NOT NULL,
  shared      INTEGER NOT NULL DEFAULT 0,
  query_json  TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL
);
CREATE INDEX saved_views_agent ON saved_views(agent_id, id);
