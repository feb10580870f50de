/*
 * The to-do list of SLA recomputations (see store_sla.h; migration 014).
 * A batch is two range scans: the oldest job, then the next tickets of
 * its policy in id order through tickets_sla_policy.
 */
#include "store/sqlite/internal.h"
#include "store/store_sla.h"

static const char sql_request_policy[] =
	"INSERT OR REPLACE INTO sla_recompute(policy_id, after_ticket, requested_at) VALUES (?1, 0, ?2)";
static const char sql_request_calendar[] =
	"INSERT OR REPLACE INTO sla_recompute(policy_id, after_ticket, requested_at) "
	"SELECT id, 0, ?2 FROM sla_policies WHERE calendar_id = ?1";
static const char sql_next[] =
	"SELECT policy_id, after_ticket FROM sla_recompute ORDER BY requested_at, policy_id LIMIT 1";
static const char sql_tickets[] =
	"SELECT id FROM tickets WHERE sla_policy_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
static const char sql_advance[] = "UPDATE sla_recompute SET after_ticket = ?2 WHERE policy_id = ?1";
static const char sql_done[] = "DELETE FROM sla_recompute WHERE policy_id = ?1";
static const char sql_pending[] = "SELECT count(*) FROM sla_recompute";
static const char sql_last_inbound[] =
	"SELECT created_at FROM messages WHERE ticket_id = ?1 AND direction = 'in' ORDER BY id DESC LIMIT 1";

/* Run sql with ?1 = a and ?2 = b to its end. */
static mado_status exec2(struct store *s, const char *sql, int64_t a, int64_t b, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MADO_OK : store_db_fail(s, err, "write");
}

mado_status store_first_int64(struct store *s, const char *sql, int64_t id, int64_t dflt, int64_t *out,
                              struct mado_err *err)
{
	*out = dflt;
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	if (id)
		sqlite3_bind_int64(st, 1, id);
	bool found = false;
	mado_status r = store_step_row(s, st, &found, err);
	if (found)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r;
}

mado_status store_sla_recompute_request(struct store *s, int64_t policy_id, int64_t calendar_id, int64_t now,
                                        struct mado_err *err)
{
	if (policy_id)
		return exec2(s, sql_request_policy, policy_id, now, err);
	return exec2(s, sql_request_calendar, calendar_id, now, err);
}

mado_status store_sla_recompute_next(struct store *s, int64_t *policy_id, int64_t *after, struct mado_err *err)
{
	*policy_id = *after = 0;
	sqlite3_stmt *st = store_stmt(s, sql_next, err);
	if (!st)
		return MADO_EDB;
	bool found = false;
	mado_status r = store_step_row(s, st, &found, err);
	if (found) {
		*policy_id = sqlite3_column_int64(st, 0);
		*after = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return r;
}

mado_status store_sla_recompute_tickets(struct store *s, int64_t policy_id, int64_t after, int64_t limit,
                                        mado_status (*cb)(void *ctx, int64_t ticket), void *ctx,
                                        struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_tickets, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, policy_id);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, limit);
	STORE_EACH_ROW(s, st, err, r_ = cb(ctx, sqlite3_column_int64(st, 0)));
}

mado_status store_sla_recompute_advance(struct store *s, int64_t policy_id, int64_t after, bool done,
                                        struct mado_err *err)
{
	return done ? exec2(s, sql_done, policy_id, 0, err) : exec2(s, sql_advance, policy_id, after, err);
}

mado_status store_sla_recompute_pending(struct store *s, int64_t *jobs, struct mado_err *err)
{
	return store_first_int64(s, sql_pending, 0, 0, jobs, err);
}

mado_status store_sla_last_customer_message(struct store *s, int64_t ticket, int64_t *at, struct mado_err *err)
{
	return store_first_int64(s, sql_last_inbound, ticket, 0, at, err);
}
