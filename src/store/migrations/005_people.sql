-- Version 5: people administration (customer time zone, organisation tier,
-- an audit trail for changes to people), attachment download tokens, and
-- files uploaded for replies.

ALTER TABLE customers ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN tier TEXT NOT NULL DEFAULT 'standard';
CREATE INDEX customers_name ON customers(name COLLATE NOCASE);

-- Who changed which field of a customer, organisation or agent: append-only,
-- like events (which belong to tickets).
CREATE TABLE people_audit (
  id          INTEGER PRIMARY KEY,
  subject     TEXT NOT NULL CHECK (subject IN ('customer','organization','agent','group')),
  subject_id  INTEGER NOT NULL,
  actor       TEXT NOT NULL,          -- 'agent:<id>'
  field       TEXT NOT NULL,
  old_value   TEXT,
  new_value   TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX people_audit_subject ON people_audit(subject, subject_id, id);
CREATE TRIGGER people_audit_no_update BEFORE UPDATE ON people_audit
  BEGIN SELECT RAISE(ABORT, 'people_audit is append-only'); END;
CREATE TRIGGER people_audit_no_delete BEFORE DELETE ON people_audit
  BEGIN SELECT RAISE(ABORT, 'people_audit is append-only'); END;

-- One unguessable download token per attachment: 32 random bytes as hex
-- from SQLite's randomblob() (ChaCha20 seeded from the OS since 3.32).
-- The token is a capability name, not a credential: downloads also check
-- that the caller may see the ticket. It is kept in clear so that the
-- ticket view can print download URLs; UNIQUE makes a collision fail the
-- insert instead of sharing a token. A trigger gives every attachment its
-- token in the same transaction that stores the attachment, whoever
-- inserts it (intake, import, replies).
CREATE TABLE attachment_tokens (
  attachment_id  INTEGER PRIMARY KEY REFERENCES attachments(id),
  token          TEXT NOT NULL UNIQUE
);
INSERT INTO attachment_tokens(attachment_id, token)
  SELECT id, lower(hex(randomblob(32))) FROM attachments;
CREATE TRIGGER attachments_token AFTER INSERT ON attachments
  BEGIN INSERT INTO attachment_tokens(attachment_id, token)
        VALUES (new.id, lower(hex(randomblob(32)))); END;

-- Files uploaded by an agent for a reply, stored as blobs. The id is 32
-- random hex chars (not a counter), and only the uploader may use it.
CREATE TABLE uploads (
  id            TEXT PRIMARY KEY,
  agent_id      INTEGER NOT NULL REFERENCES agents(id),
  sha256        TEXT NOT NULL,
  filename      TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  size          INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  used_at       INTEGER              -- set when a reply takes it
) WITHOUT ROWID;
CREATE INDEX uploads_agent ON uploads(agent_id, created_at);
