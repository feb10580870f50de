-- Version 4: full-text search. FTS5 with the trigram tokenizer gives
-- substring search for Japanese (no word boundaries) and English alike, for
-- queries of 3 characters or more; shorter ones take a bounded scan (see
-- src/store/sqlite/search.c). The indexes use external content: the text
-- lives once, in messages and tickets, and these triggers keep the indexes
-- in step inside the writer's own transactions (so intake's batches index
-- in batches too). Existing rows are back-filled by 'rebuild'.

CREATE VIRTUAL TABLE message_fts USING fts5(
  subject, body_text,
  content = 'messages', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE ticket_fts USING fts5(
  subject,
  content = 'tickets', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER message_fts_ai AFTER INSERT ON messages BEGIN
  INSERT INTO message_fts(rowid, subject, body_text) VALUES (new.id, new.subject, new.body_text);
END;
CREATE TRIGGER message_fts_ad AFTER DELETE ON messages BEGIN
  INSERT INTO message_fts(message_fts, rowid, subject, body_text)
    VALUES ('delete', old.id, old.subject, old.body_text);
END;
CREATE TRIGGER message_fts_au AFTER UPDATE OF subject, body_text ON messages BEGIN
  INSERT INTO message_fts(message_fts, rowid, subject, body_text)
    VALUES ('delete', old.id, old.subject, old.body_text);
  INSERT INTO message_fts(rowid, subject, body_text) VALUES (new.id, new.subject, new.body_text);
END;

CREATE TRIGGER ticket_fts_ai AFTER INSERT ON tickets BEGIN
  INSERT INTO ticket_fts(rowid, subject) VALUES (new.id, new.subject);
END;
CREATE TRIGGER ticket_fts_ad AFTER DELETE ON tickets BEGIN
  INSERT INTO ticket_fts(ticket_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
END;
CREATE TRIGGER ticket_fts_au AFTER UPDATE OF subject ON tickets BEGIN
  INSERT INTO ticket_fts(ticket_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
  INSERT INTO ticket_fts(rowid, subject) VALUES (new.id, new.subject);
END;

INSERT INTO message_fts(message_fts) VALUES ('rebuild');
INSERT INTO ticket_fts(ticket_fts) VALUES ('rebuild');
