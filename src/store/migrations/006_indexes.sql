-- Version 6: indexes the API benchmark showed missing. Showing a ticket
-- lists the tickets linked to it; without this index every show read the
-- whole tickets table (805 → 4,113 req/s on 20,000 tickets).
CREATE INDEX tickets_linked ON tickets(linked_ticket_id);
CREATE INDEX tickets_merged ON tickets(merged_into);
CREATE INDEX tickets_priority ON tickets(priority, id);
