-- Version 2: agents, groups, sessions, API tokens; tickets get a group and
-- an assignee.

CREATE TABLE agents (
  id             INTEGER PRIMARY KEY,
  email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name           TEXT NOT NULL DEFAULT '',
  role           TEXT NOT NULL DEFAULT 'agent'
                 CHECK (role IN ('admin','supervisor','agent','light_agent')),
  password_hash  TEXT NOT NULL DEFAULT '',   -- Argon2id (libsodium crypto_pwhash_str)
  language       TEXT NOT NULL DEFAULT 'en',
  time_zone      TEXT NOT NULL DEFAULT 'UTC',
  available      INTEGER NOT NULL DEFAULT 1,
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);

CREATE TABLE groups (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL
);

CREATE TABLE group_members (
  group_id  INTEGER NOT NULL REFERENCES groups(id),
  agent_id  INTEGER NOT NULL REFERENCES agents(id),
  PRIMARY KEY (group_id, agent_id)
) WITHOUT ROWID;

ALTER TABLE tickets ADD COLUMN group_id INTEGER REFERENCES groups(id);
ALTER TABLE tickets ADD COLUMN assignee_id INTEGER REFERENCES agents(id);
CREATE INDEX tickets_group ON tickets(group_id, updated_at);
CREATE INDEX tickets_assignee ON tickets(assignee_id, updated_at);

-- Sessions and API tokens are stored as SHA-256 of the secret only.
CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  agent_id    INTEGER REFERENCES agents(id),
  customer_id INTEGER REFERENCES customers(id),
  csrf_token  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE api_tokens (
  id          INTEGER PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,
  agent_id    INTEGER NOT NULL REFERENCES agents(id),
  name        TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  last_used   INTEGER
);

ALTER TABLE customers ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN shared_tickets INTEGER NOT NULL DEFAULT 0;
