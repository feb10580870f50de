-- Version 8: business-time calendars, SLA policies and their due times on
-- tickets, the timers the scheduler sweeps, and time-based automations.
-- Times are UTC seconds; durations of business time are seconds too.

CREATE TABLE calendars (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE,
  time_zone    TEXT NOT NULL DEFAULT 'Asia/Tokyo',     -- IANA name
  hours        TEXT NOT NULL DEFAULT 'mon-fri 09:00-18:00',
  jp_holidays  INTEGER NOT NULL DEFAULT 1,             -- Japanese public holidays closed
  created_at   INTEGER NOT NULL
);
CREATE TABLE calendar_holidays (
  calendar_id  INTEGER NOT NULL REFERENCES calendars(id),
  date         TEXT NOT NULL,                          -- YYYY-MM-DD, local
  name         TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (calendar_id, date)
) WITHOUT ROWID;

-- Ordered: the first enabled policy whose conditions all hold applies.
-- A NULL condition matches anything; a NULL target means none.
CREATE TABLE sla_policies (
  id                      INTEGER PRIMARY KEY,
  name                    TEXT NOT NULL UNIQUE,
  position                INTEGER NOT NULL DEFAULT 0,
  enabled                 INTEGER NOT NULL DEFAULT 1,
  match_priority          TEXT,
  match_tier              TEXT,
  match_type              TEXT,
  match_group_id          INTEGER REFERENCES groups(id),
  calendar_id             INTEGER REFERENCES calendars(id),  -- NULL: around the clock, UTC
  first_response_seconds  INTEGER,
  next_response_seconds   INTEGER,
  resolution_seconds      INTEGER,
  warn_seconds            INTEGER NOT NULL DEFAULT 3600,     -- warning this long before a due time
  created_at              INTEGER NOT NULL
);
CREATE INDEX sla_policies_order ON sla_policies(position, id);

-- The SLA state of a ticket; the database is the truth, due times are
-- absolute. While sla_paused_at is set (pending, on-hold, resolved,
-- closed) no clock runs; on resume every running due time moves by the
-- business time that was left at the pause.
ALTER TABLE tickets ADD COLUMN sla_policy_id INTEGER REFERENCES sla_policies(id);
ALTER TABLE tickets ADD COLUMN first_response_due INTEGER;
ALTER TABLE tickets ADD COLUMN first_responded_at INTEGER;
ALTER TABLE tickets ADD COLUMN next_response_due INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_due INTEGER;
ALTER TABLE tickets ADD COLUMN sla_paused_at INTEGER;
ALTER TABLE tickets ADD COLUMN sla_paused_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sla_breached TEXT NOT NULL DEFAULT '';  -- e.g. "first_response,resolution"
ALTER TABLE tickets ADD COLUMN sla_next_due INTEGER;                   -- earliest running due time
CREATE INDEX tickets_sla_next_due ON tickets(sla_next_due) WHERE sla_next_due IS NOT NULL;
CREATE INDEX tickets_sla_breached ON tickets(id) WHERE sla_breached <> '';

-- The scheduler's wake-ups: one row per ticket and kind
-- ('sla_warning:first_response', 'sla_breach:resolution', 'automation:3').
-- A sweep is a range scan of timers_due up to now, so its cost grows with
-- the number of due tickets, not with all tickets.
CREATE TABLE timers (
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  kind       TEXT NOT NULL,
  due_at     INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, kind)
) WITHOUT ROWID;
CREATE INDEX timers_due ON timers(due_at);

-- Time-based rules. remind_pending: queue a reminder to the customer
-- after_seconds of business time (calendar_id; NULL = wall clock) after a
-- ticket became pending. auto_close: close a ticket resolved for
-- after_seconds. escalate: on an SLA 'warning' or 'breach' (on_sla), raise
-- the priority, move to a group and/or notify the supervisors.
CREATE TABLE automations (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL UNIQUE,
  position           INTEGER NOT NULL DEFAULT 0,
  enabled            INTEGER NOT NULL DEFAULT 1,
  kind               TEXT NOT NULL CHECK (kind IN ('remind_pending','auto_close','escalate')),
  after_seconds      INTEGER NOT NULL DEFAULT 0,
  calendar_id        INTEGER REFERENCES calendars(id),
  on_sla             TEXT NOT NULL DEFAULT '' CHECK (on_sla IN ('','warning','breach')),
  set_priority       TEXT CHECK (set_priority IN ('low','normal','high','urgent')),
  set_group_id       INTEGER REFERENCES groups(id),
  notify_supervisor  INTEGER NOT NULL DEFAULT 0,
  message            TEXT NOT NULL DEFAULT '',
  created_at         INTEGER NOT NULL
);

-- What has fired: a unique key per ticket and condition, so that nothing
-- fires twice however often a sweep runs or repeats after a crash.
CREATE TABLE fired (
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  key        TEXT NOT NULL,
  fired_at   INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, key)
) WITHOUT ROWID;
