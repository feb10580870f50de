-- Version 19: the tiers in use (GET /api/v1/admin/tiers, offered by the
-- SLA policy form) are read by grouping customers and organisations by
-- tier; with these indexes each grouping walks one small index instead of
-- the whole table.
CREATE INDEX IF NOT EXISTS customers_tier ON customers(tier);
CREATE INDEX IF NOT EXISTS organizations_tier ON organizations(tier);
