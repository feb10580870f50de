-- Version 18: mailboxes (support addresses) managed by admins instead of
-- read once from mado.conf (docs/outgoing-mail.md "Mailboxes").
--
-- address        what customers write to, lowercase, unique
-- name           display name on the mail we send for it ('' = mado.conf's
--                mailbox.from_name)
-- group_id       the group a new ticket to this address goes to when no
--                routing rule placed it (NULL = none)
-- reply_address  the From of our mail for it ('' = the address itself)
-- active         0: mail to it is no longer recognised as to this mailbox
--                and nothing is sent from it; it still counts as one of
--                our own addresses for the loop checks
--
-- While the table is empty, mado.conf's mailbox.addresses are the
-- mailboxes; `mado serve` copies them in when it starts with an empty
-- table, and the API refuses to delete the last one.
CREATE TABLE mailboxes (
  id             INTEGER PRIMARY KEY,
  address        TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL DEFAULT '',
  group_id       INTEGER REFERENCES groups(id) ON DELETE SET NULL,
  reply_address  TEXT NOT NULL DEFAULT '',
  active         INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);

-- The mailbox (its address) a ticket's first mail came to; '' = none of
-- ours was named (mail sent to us in Bcc, or before version 18).
ALTER TABLE tickets ADD COLUMN mailbox TEXT NOT NULL DEFAULT '';
