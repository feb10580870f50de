-- Version 12: exact list totals without counting rows.
--
-- GET /tickets counted every match (up to 10,000) on every request: for
-- status=new among 100,000 tickets that walk was a third of the request's
-- CPU (docs/benchmarks.md), and the total still stopped at "10,000+".
-- ticket_counts holds how many tickets there are per (status, priority,
-- group; 0 = no group), kept by these triggers in the writer's own
-- transactions, so the totals of the usual lists (status, priority and
-- group filters, for callers who see everything and for agents through
-- their groups) are a sum over a few of its rows, exact at any size
-- (src/store/sqlite/tickets_write.c). Rows that fall to 0 stay.
CREATE TABLE ticket_counts (
  status    TEXT NOT NULL,
  priority  TEXT NOT NULL,
  group_id  INTEGER NOT NULL,   -- tickets.group_id, 0 for none
  n         INTEGER NOT NULL,
  PRIMARY KEY (status, priority, group_id)
) WITHOUT ROWID;

INSERT INTO ticket_counts (status, priority, group_id, n)
  SELECT status, priority, coalesce(group_id, 0), count(*) FROM tickets GROUP BY 1, 2, 3;

CREATE TRIGGER ticket_counts_ai AFTER INSERT ON tickets BEGIN
  INSERT INTO ticket_counts (status, priority, group_id, n)
    VALUES (new.status, new.priority, coalesce(new.group_id, 0), 1)
    ON CONFLICT (status, priority, group_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_counts_ad AFTER DELETE ON tickets BEGIN
  UPDATE ticket_counts SET n = n - 1
   WHERE status = old.status AND priority = old.priority AND group_id = coalesce(old.group_id, 0);
END;
CREATE TRIGGER ticket_counts_au AFTER UPDATE OF status, priority, group_id ON tickets
WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority OR old.group_id IS NOT new.group_id
BEGIN
  UPDATE ticket_counts SET n = n - 1
   WHERE status = old.status AND priority = old.priority AND group_id = coalesce(old.group_id, 0);
  INSERT INTO ticket_counts (status, priority, group_id, n)
    VALUES (new.status, new.priority, coalesce(new.group_id, 0), 1)
    ON CONFLICT (status, priority, group_id) DO UPDATE SET n = n + 1;
END;

-- Words of 2 characters (障害, 請求, 返金: common in Japanese) are below
-- the trigram tokenizer's reach; they scanned the newest 5,000 messages
-- (a few ms per query, and blind to anything older). message_bigram
-- indexes every pair of adjacent non-ASCII characters of subject and
-- body (tokenizer mado_bigram, src/store/sqlite/search.c, registered on
-- every connection of mado). It is contentless with detail=none (which
-- messages, no positions, no sizes: the smallest index) and kept by the writer,
-- not by triggers, so that writers without the tokenizer (the sqlite3
-- shell of scripts and tests) can still insert messages: the writer
-- indexes the messages above bigram_state.upto in order
-- (store_bigram_catch_up: after each intake batch and in serve's drain
-- loop), and search scans the few messages above the mark. Message text
-- is never updated, so the index never holds stale text.
CREATE VIRTUAL TABLE message_bigram USING fts5(
  subject, body_text, content = '', tokenize = 'mado_bigram', detail = 'none', columnsize = 0
);
CREATE TABLE bigram_state (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  upto  INTEGER NOT NULL   -- every message with id <= upto is indexed
);
INSERT INTO bigram_state (id, upto) VALUES (1, 0);
