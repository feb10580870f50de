/*
 * SLA and automations in SQLite (see store_sla.h; migration 008).
 *
 * NULL stands for "any" / "none" in the tables; the C structs use 0 and
 * NULL pointers, converted at the edge by bind_id()/bind_opt() and
 * coalesce() in the SELECTs. The scheduler's one hot query,
 * store_timers_due(), is a range scan of the timers_due index.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "store/store_sla.h"

static void bind_id(sqlite3_stmt *st, int i, int64_t v)   /* 0 → NULL */
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)   /* NULL → NULL */
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Step a write; a constraint failure becomes MADO_EEXIST with msg, a
 * write that changed no row MADO_ENOTFOUND (when what is given). */
static mado_status write_row(struct store *s, sqlite3_stmt *st, const char *taken, const char *what,
                             struct mado_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT)
		return mado_fail(err, MADO_EEXIST, "%s", taken ? taken : "conflicts with an existing row");
	if (rc != SQLITE_DONE)
		return store_db_fail(s, err, "write");
	if (what && sqlite3_changes(store_db(s)) == 0)
		return mado_fail(err, MADO_ENOTFOUND, "no such %s", what);
	return MADO_OK;
}

static mado_status delete_by_id(struct store *s, const char *sql, int64_t id, const char *what,
                                struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	return write_row(s, st, "it is still in use", what, err);
}

/* ---- calendars ---- */

#define CAL_COLS \
	"c.id, c.name, c.time_zone, c.hours, c.jp_holidays, " \
	"(SELECT json_group_array(json_object('date', date, 'name', name)) FROM " \
	"  (SELECT date, name FROM calendar_holidays WHERE calendar_id = c.id ORDER BY date)) FROM calendars c "

static const char sql_cal_add[] =
	"INSERT INTO calendars(name, time_zone, hours, jp_holidays, created_at) VALUES (?1,?2,?3,?4,?5)";
static const char sql_cal_update[] =
	"UPDATE calendars SET name = ?2, time_zone = ?3, hours = ?4, jp_holidays = ?5 WHERE id = ?1";
static const char sql_cal_in_use[] =
	"SELECT 1 FROM sla_policies WHERE calendar_id = ?1 UNION ALL SELECT 1 FROM automations WHERE calendar_id = ?1";
static const char sql_cal_delete_holidays[] = "DELETE FROM calendar_holidays WHERE calendar_id = ?1";
static const char sql_cal_delete[] = "DELETE FROM calendars WHERE id = ?1";
static const char sql_cal_get[] = "SELECT " CAL_COLS "WHERE c.id = ?1";
static const char sql_cal_list[] = "SELECT " CAL_COLS "ORDER BY c.id";
static const char sql_cal_holidays_set[] =
	"INSERT OR REPLACE INTO calendar_holidays(calendar_id, date, name) "
	"SELECT ?1, json_extract(value, '$.date'), coalesce(json_extract(value, '$.name'), '') FROM json_each(?2)";

static void bind_calendar(sqlite3_stmt *st, const struct store_calendar *c, int first)
{
	store_bind_text(st, first, c->name);
	store_bind_text(st, first + 1, c->time_zone);
	store_bind_text(st, first + 2, c->hours);
	sqlite3_bind_int(st, first + 3, c->jp_holidays);
}

mado_status store_calendar_add(struct store *s, const struct store_calendar *c, time_t now, int64_t *id,
                               struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_cal_add, err);
	if (!st)
		return MADO_EDB;
	bind_calendar(st, c, 1);
	sqlite3_bind_int64(st, 5, now);
	mado_status r = write_row(s, st, "a calendar of that name exists already", NULL, err);
	if (!r)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_calendar_update(struct store *s, const struct store_calendar *c, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_cal_update, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, c->id);
	bind_calendar(st, c, 2);
	return write_row(s, st, "a calendar of that name exists already", "calendar", err);
}

mado_status store_calendar_delete(struct store *s, int64_t id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_cal_in_use, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	bool used = false;
	mado_status r = store_step_row(s, st, &used, err);
	sqlite3_reset(st);
	if (r)
		return r;
	if (used)
		return mado_fail(err, MADO_EEXIST, "the calendar is used by a policy or an automation");
	if ((r = delete_by_id(s, sql_cal_delete_holidays, id, NULL, err)))
		return r;
	return delete_by_id(s, sql_cal_delete, id, "calendar", err);
}

static void read_calendar(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_calendar *c = out;
	c->id = sqlite3_column_int64(st, 0);
	c->name = store_col_str(a, st, 1);
	c->time_zone = store_col_str(a, st, 2);
	c->hours = store_col_str(a, st, 3);
	c->jp_holidays = sqlite3_column_int(st, 4);
	c->holidays_json = store_col_str(a, st, 5);
}

mado_status store_calendar_get(struct store *s, struct arena *a, int64_t id, struct store_calendar *out,
                               struct mado_err *err)
{
	return store_get_by_id(s, a, sql_cal_get, id, read_calendar, out, "calendar", err);
}

static const char sql_cal_by_name[] = "SELECT id FROM calendars WHERE name = ?1";
static const char sql_ticket_calendar[] =
	"SELECT CASE WHEN t.sla_policy_id IS NULL THEN -1 ELSE coalesce(p.calendar_id, 0) END "
	"FROM tickets t LEFT JOIN sla_policies p ON p.id = t.sla_policy_id WHERE t.id = ?1";

mado_status store_calendar_by_name(struct store *s, const char *name, int64_t *id, struct mado_err *err)
{
	*id = 0;
	sqlite3_stmt *st = store_stmt(s, sql_cal_by_name, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	bool found = false;
	mado_status r = store_step_row(s, st, &found, err);
	if (found)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r;
}

mado_status store_ticket_sla_calendar(struct store *s, int64_t ticket, int64_t *calendar_id, struct mado_err *err)
{
	return store_first_int64(s, sql_ticket_calendar, ticket, -1, calendar_id, err);
}

mado_status store_calendar_list(struct store *s, struct arena *a, store_calendar_cb cb, void *ctx,
                                struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_cal_list, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_calendar c;
		read_calendar(a, st, &c);
		r_ = cb(ctx, &c);
	});
}

mado_status store_calendar_holidays_set(struct store *s, int64_t id, const char *holidays_json,
                                        struct mado_err *err)
{
	mado_status r = delete_by_id(s, sql_cal_delete_holidays, id, NULL, err);
	sqlite3_stmt *st = r ? NULL : store_stmt(s, sql_cal_holidays_set, err);
	if (r || !st)
		return r ? r : MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, holidays_json);
	return write_row(s, st, NULL, NULL, err);
}

/* ---- SLA policies ---- */

#define POLICY_COLS \
	"id, name, position, enabled, match_priority, match_tier, match_type, coalesce(match_group_id,0), " \
	"coalesce(calendar_id,0), coalesce(first_response_seconds,0), coalesce(next_response_seconds,0), " \
	"coalesce(resolution_seconds,0), warn_seconds FROM sla_policies "

static const char sql_policy_add[] =
	"INSERT INTO sla_policies(name, position, enabled, match_priority, match_tier, match_type, match_group_id, "
	"calendar_id, first_response_seconds, next_response_seconds, resolution_seconds, warn_seconds, created_at) "
	"VALUES (?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)";
static const char sql_policy_update[] =
	"UPDATE sla_policies SET name = ?2, position = ?3, enabled = ?4, match_priority = ?5, match_tier = ?6, "
	"match_type = ?7, match_group_id = ?8, calendar_id = ?9, first_response_seconds = ?10, "
	"next_response_seconds = ?11, resolution_seconds = ?12, warn_seconds = ?13 WHERE id = ?1";
static const char sql_policy_delete[] = "DELETE FROM sla_policies WHERE id = ?1";
static const char sql_policy_unlink[] = "UPDATE tickets SET sla_policy_id = NULL WHERE sla_policy_id = ?1";
static const char sql_policy_get[] = "SELECT " POLICY_COLS "WHERE id = ?1";
static const char sql_policy_list[] = "SELECT " POLICY_COLS "ORDER BY position, id";

static void bind_policy(sqlite3_stmt *st, const struct store_sla_policy *p)
{
	sqlite3_bind_int64(st, 1, p->id);
	store_bind_text(st, 2, p->name);
	sqlite3_bind_int64(st, 3, p->position);
	sqlite3_bind_int(st, 4, p->enabled);
	bind_opt(st, 5, p->match_priority);
	bind_opt(st, 6, p->match_tier);
	bind_opt(st, 7, p->match_type);
	bind_id(st, 8, p->match_group_id);
	bind_id(st, 9, p->calendar_id);
	bind_id(st, 10, p->first_response);
	bind_id(st, 11, p->next_response);
	bind_id(st, 12, p->resolution);
	sqlite3_bind_int64(st, 13, p->warn);
}

mado_status store_sla_policy_add(struct store *s, const struct store_sla_policy *p, time_t now, int64_t *id,
                                 struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_policy_add, err);
	if (!st)
		return MADO_EDB;
	bind_policy(st, p);
	sqlite3_bind_int64(st, 14, now);
	mado_status r = write_row(s, st, "a policy of that name exists already", NULL, err);
	if (!r)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_sla_policy_update(struct store *s, const struct store_sla_policy *p, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_policy_update, err);
	if (!st)
		return MADO_EDB;
	bind_policy(st, p);
	return write_row(s, st, "a policy of that name exists already", "policy", err);
}

mado_status store_sla_policy_delete(struct store *s, int64_t id, struct mado_err *err)
{
	mado_status r = delete_by_id(s, sql_policy_unlink, id, NULL, err);
	return r ? r : delete_by_id(s, sql_policy_delete, id, "policy", err);
}

static void read_policy(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_sla_policy *p = out;
	p->id = sqlite3_column_int64(st, 0);
	p->name = store_col_str(a, st, 1);
	p->position = sqlite3_column_int64(st, 2);
	p->enabled = sqlite3_column_int(st, 3);
	p->match_priority = store_col_str(a, st, 4);
	p->match_tier = store_col_str(a, st, 5);
	p->match_type = store_col_str(a, st, 6);
	p->match_group_id = sqlite3_column_int64(st, 7);
	p->calendar_id = sqlite3_column_int64(st, 8);
	p->first_response = sqlite3_column_int64(st, 9);
	p->next_response = sqlite3_column_int64(st, 10);
	p->resolution = sqlite3_column_int64(st, 11);
	p->warn = sqlite3_column_int64(st, 12);
}

mado_status store_sla_policy_get(struct store *s, struct arena *a, int64_t id, struct store_sla_policy *out,
                                 struct mado_err *err)
{
	return store_get_by_id(s, a, sql_policy_get, id, read_policy, out, "policy", err);
}

mado_status store_sla_policy_list(struct store *s, struct arena *a, store_sla_policy_cb cb, void *ctx,
                                  struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_policy_list, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_sla_policy p;
		read_policy(a, st, &p);
		r_ = cb(ctx, &p);
	});
}

/* ---- a ticket's SLA state ---- */

static const char sql_sla_ticket_get[] =
	"SELECT t.id, t.status, t.priority, t.type, "
	"CASE WHEN coalesce(c.tier,'standard') <> 'standard' THEN c.tier ELSE coalesce(o.tier,'standard') END, "
	"coalesce(t.group_id,0), t.created_at, coalesce(t.sla_policy_id,0), coalesce(t.first_response_due,0), "
	"coalesce(t.first_responded_at,0), coalesce(t.next_response_due,0), coalesce(t.resolution_due,0), "
	"coalesce(t.sla_paused_at,0), t.sla_paused_seconds, t.sla_breached "
	"FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id "
	"LEFT JOIN organizations o ON o.id = coalesce(c.organization_id, t.organization_id) WHERE t.id = ?1";
static const char sql_sla_ticket_save[] =
	"UPDATE tickets SET sla_policy_id = ?2, first_response_due = ?3, first_responded_at = ?4, "
	"next_response_due = ?5, resolution_due = ?6, sla_paused_at = ?7, sla_paused_seconds = ?8, "
	"sla_next_due = ?9 WHERE id = ?1";
static const char sql_sla_breached[] =
	"UPDATE tickets SET sla_breached = CASE WHEN sla_breached = '' THEN ?2 ELSE sla_breached || ',' || ?2 END "
	"WHERE id = ?1 AND instr(',' || sla_breached || ',', ',' || ?2 || ',') = 0";

static void read_sla_ticket(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_sla_ticket *t = out;
	t->id = sqlite3_column_int64(st, 0);
	t->status = store_col_str(a, st, 1);
	t->priority = store_col_str(a, st, 2);
	t->type = store_col_str(a, st, 3);
	t->tier = store_col_str(a, st, 4);
	t->group_id = sqlite3_column_int64(st, 5);
	t->created_at = sqlite3_column_int64(st, 6);
	t->policy_id = sqlite3_column_int64(st, 7);
	t->first_response_due = sqlite3_column_int64(st, 8);
	t->first_responded_at = sqlite3_column_int64(st, 9);
	t->next_response_due = sqlite3_column_int64(st, 10);
	t->resolution_due = sqlite3_column_int64(st, 11);
	t->paused_at = sqlite3_column_int64(st, 12);
	t->paused_seconds = sqlite3_column_int64(st, 13);
	t->breached = store_col_str(a, st, 14);
}

mado_status store_sla_ticket_get(struct store *s, struct arena *a, int64_t id, struct store_sla_ticket *out,
                                 struct mado_err *err)
{
	return store_get_by_id(s, a, sql_sla_ticket_get, id, read_sla_ticket, out, "ticket", err);
}

mado_status store_sla_ticket_save(struct store *s, const struct store_sla_ticket *t, int64_t next_due_min,
                                  struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_sla_ticket_save, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, t->id);
	bind_id(st, 2, t->policy_id);
	bind_id(st, 3, t->first_response_due);
	bind_id(st, 4, t->first_responded_at);
	bind_id(st, 5, t->next_response_due);
	bind_id(st, 6, t->resolution_due);
	bind_id(st, 7, t->paused_at);
	sqlite3_bind_int64(st, 8, t->paused_seconds);
	bind_id(st, 9, next_due_min);
	return write_row(s, st, NULL, "ticket", err);
}

mado_status store_sla_mark_breached(struct store *s, int64_t id, const char *target, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_sla_breached, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, target);
	return write_row(s, st, NULL, NULL, err);
}

/* ---- timers ---- */

static const char sql_timer_set[] = "INSERT OR REPLACE INTO timers(ticket_id, kind, due_at) VALUES (?1,?2,?3)";
static const char sql_timer_set_if_absent[] =
	"INSERT OR IGNORE INTO timers(ticket_id, kind, due_at) VALUES (?1,?2,?3)";
static const char sql_timer_delete[] = "DELETE FROM timers WHERE ticket_id = ?1 AND kind = ?2";
static const char sql_timers_clear[] =
	"DELETE FROM timers WHERE ticket_id = ?1 AND substr(kind, 1, length(?2)) = ?2";
static const char sql_timers_due[] =
	"SELECT ticket_id, kind, due_at FROM timers WHERE due_at <= ?1 ORDER BY due_at LIMIT ?2";
static const char sql_timers_of[] = "SELECT ticket_id, kind, due_at FROM timers WHERE ticket_id = ?1 ORDER BY kind";
static const char sql_fired_add[] = "INSERT OR IGNORE INTO fired(ticket_id, key, fired_at) VALUES (?1,?2,?3)";

static mado_status timer_write(struct store *s, const char *sql, int64_t ticket, const char *kind, int64_t due,
                               struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket);
	store_bind_text(st, 2, kind);
	if (sql != sql_timer_delete && sql != sql_timers_clear)
		sqlite3_bind_int64(st, 3, due);
	return write_row(s, st, NULL, NULL, err);
}

mado_status store_timer_set(struct store *s, int64_t ticket, const char *kind, int64_t due_at, struct mado_err *err)
{
	return timer_write(s, sql_timer_set, ticket, kind, due_at, err);
}

mado_status store_timer_set_if_absent(struct store *s, int64_t ticket, const char *kind, int64_t due_at,
                                      struct mado_err *err)
{
	return timer_write(s, sql_timer_set_if_absent, ticket, kind, due_at, err);
}

mado_status store_timer_delete(struct store *s, int64_t ticket, const char *kind, struct mado_err *err)
{
	return timer_write(s, sql_timer_delete, ticket, kind, 0, err);
}

mado_status store_timers_clear(struct store *s, int64_t ticket, const char *prefix, struct mado_err *err)
{
	return timer_write(s, sql_timers_clear, ticket, prefix, 0, err);
}

static mado_status each_timer(struct store *s, struct arena *a, sqlite3_stmt *st, store_timer_cb cb, void *ctx,
                              struct mado_err *err)
{
	STORE_EACH_ROW(s, st, err, {
		struct store_timer t = { sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 2),
		                         store_col_str(a, st, 1) };
		r_ = cb(ctx, &t);
	});
}

mado_status store_timers_due(struct store *s, struct arena *a, int64_t now, int64_t limit, store_timer_cb cb,
                             void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_timers_due, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, limit);
	return each_timer(s, a, st, cb, ctx, err);
}

mado_status store_timers_of(struct store *s, struct arena *a, int64_t ticket, store_timer_cb cb, void *ctx,
                            struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_timers_of, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket);
	return each_timer(s, a, st, cb, ctx, err);
}

mado_status store_fired_add(struct store *s, int64_t ticket, const char *key, int64_t now, bool *fresh,
                            struct mado_err *err)
{
	mado_status r = timer_write(s, sql_fired_add, ticket, key, now, err);
	*fresh = !r && sqlite3_changes(store_db(s)) > 0;
	return r;
}

/* ---- automations ---- */

#define AUTO_COLS \
	"id, name, position, enabled, kind, after_seconds, coalesce(calendar_id,0), on_sla, set_priority, " \
	"coalesce(set_group_id,0), notify_supervisor, message FROM automations "

static const char sql_auto_add[] =
	"INSERT INTO automations(name, position, enabled, kind, after_seconds, calendar_id, on_sla, set_priority, "
	"set_group_id, notify_supervisor, message, created_at) VALUES (?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)";
static const char sql_auto_update[] =
	"UPDATE automations SET name = ?2, position = ?3, enabled = ?4, kind = ?5, after_seconds = ?6, "
	"calendar_id = ?7, on_sla = ?8, set_priority = ?9, set_group_id = ?10, notify_supervisor = ?11, "
	"message = ?12 WHERE id = ?1";
static const char sql_auto_delete[] = "DELETE FROM automations WHERE id = ?1";
static const char sql_auto_timers_delete[] = "DELETE FROM timers WHERE kind = 'automation:' || ?1";
static const char sql_auto_get[] = "SELECT " AUTO_COLS "WHERE id = ?1";
static const char sql_auto_list[] = "SELECT " AUTO_COLS "WHERE (?1 = 0 OR enabled = 1) ORDER BY position, id";

static void bind_automation(sqlite3_stmt *st, const struct store_automation *au)
{
	sqlite3_bind_int64(st, 1, au->id);
	store_bind_text(st, 2, au->name);
	sqlite3_bind_int64(st, 3, au->position);
	sqlite3_bind_int(st, 4, au->enabled);
	store_bind_text(st, 5, au->kind);
	sqlite3_bind_int64(st, 6, au->after_seconds);
	bind_id(st, 7, au->calendar_id);
	store_bind_text(st, 8, au->on_sla);
	bind_opt(st, 9, au->set_priority);
	bind_id(st, 10, au->set_group_id);
	sqlite3_bind_int(st, 11, au->notify_supervisor);
	store_bind_text(st, 12, au->message);
}

mado_status store_automation_add(struct store *s, const struct store_automation *au, time_t now, int64_t *id,
                                 struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_auto_add, err);
	if (!st)
		return MADO_EDB;
	bind_automation(st, au);
	sqlite3_bind_int64(st, 13, now);
	mado_status r = write_row(s, st, "an automation of that name exists already", NULL, err);
	if (!r)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_automation_update(struct store *s, const struct store_automation *au, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_auto_update, err);
	if (!st)
		return MADO_EDB;
	bind_automation(st, au);
	return write_row(s, st, "an automation of that name exists already", "automation", err);
}

mado_status store_automation_delete(struct store *s, int64_t id, struct mado_err *err)
{
	mado_status r = delete_by_id(s, sql_auto_timers_delete, id, NULL, err);
	return r ? r : delete_by_id(s, sql_auto_delete, id, "automation", err);
}

static void read_automation(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_automation *au = out;
	au->id = sqlite3_column_int64(st, 0);
	au->name = store_col_str(a, st, 1);
	au->position = sqlite3_column_int64(st, 2);
	au->enabled = sqlite3_column_int(st, 3);
	au->kind = store_col_str(a, st, 4);
	au->after_seconds = sqlite3_column_int64(st, 5);
	au->calendar_id = sqlite3_column_int64(st, 6);
	au->on_sla = store_col_str(a, st, 7);
	au->set_priority = store_col_str(a, st, 8);
	au->set_group_id = sqlite3_column_int64(st, 9);
	au->notify_supervisor = sqlite3_column_int(st, 10);
	au->message = store_col_str(a, st, 11);
}

mado_status store_automation_get(struct store *s, struct arena *a, int64_t id, struct store_automation *out,
                                 struct mado_err *err)
{
	return store_get_by_id(s, a, sql_auto_get, id, read_automation, out, "automation", err);
}

mado_status store_automation_list(struct store *s, struct arena *a, bool enabled_only, store_automation_cb cb,
                                  void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_auto_list, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int(st, 1, enabled_only);
	STORE_EACH_ROW(s, st, err, {
		struct store_automation au;
		read_automation(a, st, &au);
		r_ = cb(ctx, &au);
	});
}

static const char sql_supervisors[] =
	"SELECT coalesce(group_concat(email, ','), '') FROM (SELECT a.email FROM agents a WHERE a.disabled = 0 "
	"AND a.role = 'supervisor' AND (NOT EXISTS (SELECT 1 FROM group_members m JOIN agents b ON b.id = m.agent_id "
	"  JOIN tickets t ON t.group_id = m.group_id WHERE t.id = ?1 AND b.role = 'supervisor' AND b.disabled = 0) "
	"OR a.id IN (SELECT m.agent_id FROM group_members m JOIN tickets t ON t.group_id = m.group_id WHERE t.id = ?1)) "
	"ORDER BY a.email)";

mado_status store_ticket_supervisors(struct store *s, struct arena *a, int64_t ticket, const char **emails,
                                     struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_supervisors, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket);
	bool found = false;
	mado_status r = store_step_row(s, st, &found, err);
	*emails = found ? store_col_str(a, st, 0) : "";
	sqlite3_reset(st);
	return r;
}
