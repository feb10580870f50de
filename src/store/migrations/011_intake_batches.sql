-- Version 11: intake writes in batches, cheaply.
--
-- 1. Small blobs (raw messages, attachments) live in the database, in the
-- same transaction as the rows that refer to them. A file per blob cost an
-- import a third of its CPU (access, mkdir, open, write, close, rename,
-- then an fsync per file or a syncfs per batch) and cost `mado ingest` one
-- more directory fsync per mail; a row costs neither and is atomic with
-- its message. Blobs above BLOB_ROW_MAX (src/store/blob.h), and every
-- blob of a workspace made before this version, are files under
-- blobs/ab/<sha256>: readers go through blob_read(), which looks here
-- first and then there.
CREATE TABLE blobs (
  id      INTEGER PRIMARY KEY,
  sha256  TEXT NOT NULL UNIQUE,   -- hex SHA-256 of data
  data    BLOB NOT NULL
);

-- 2. Full-text indexing of an intake batch at its end, not row by row.
-- FTS5 (SQLite 3.40) flushes its pending terms into a new segment at
-- every savepoint, and intake wraps each message in one (a bad message
-- must not lose the batch): every message became a segment and FTS5
-- spent its time merging them. While the writer's transaction holds the
-- one row of fts_deferred, the insert triggers stand aside; before the
-- commit the writer indexes every message and ticket above the ids it
-- noted and deletes the row (store_fts_defer_end), so no committed state
-- ever has the row or an unindexed message. A deferred batch only
-- inserts: an update of subject/body_text or a delete of a row inserted
-- in it would 'delete' terms that are not in the index yet.
CREATE TABLE fts_deferred (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  after_message   INTEGER NOT NULL,   -- messages with a larger id are unindexed
  after_ticket    INTEGER NOT NULL    -- tickets likewise
);

DROP TRIGGER message_fts_ai;
CREATE TRIGGER message_fts_ai AFTER INSERT ON messages
WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT INTO message_fts(rowid, subject, body_text) VALUES (new.id, new.subject, new.body_text);
END;
DROP TRIGGER ticket_fts_ai;
CREATE TRIGGER ticket_fts_ai AFTER INSERT ON tickets
WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT INTO ticket_fts(rowid, subject) VALUES (new.id, new.subject);
END;
