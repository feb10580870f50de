-- Version 14: editing an SLA policy or a calendar recomputes the due
-- times of the tickets it governs, in bounded batches by the scheduler
-- (src/core/sla.c sla_recompute_step, docs/sla.md).
--
-- One row per policy whose tickets still wait: the admin's edit writes it
-- (after_ticket 0; an edit while a job runs starts it over), every batch
-- moves after_ticket past the tickets it did (keyset order by id, so a
-- batch costs its size however many tickets there are), and the last
-- batch deletes it. A crash loses nothing: the row is the to-do list.
CREATE TABLE sla_recompute (
  policy_id     INTEGER PRIMARY KEY,
  after_ticket  INTEGER NOT NULL DEFAULT 0,
  requested_at  INTEGER NOT NULL
);

-- The tickets of one policy, in id order: a batch is a range scan.
CREATE INDEX tickets_sla_policy ON tickets(sla_policy_id, id) WHERE sla_policy_id IS NOT NULL;
