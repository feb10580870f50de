/*
 * Ticket work in SQLite (see store/store_tickets.h): the filtered list,
 * field changes, tags, custom fields, links, merge and split, internal
 * notes, the reply outbox and saved views.
 *
 * Every statement but one is a static string prepared once per connection
 * through store_stmt(). The exception is the filtered list: its WHERE and
 * ORDER BY are assembled from the fixed fragments below, each chosen by
 * which filter is set and each with its own fixed parameter numbers, so no
 * byte of user input ever reaches the SQL text. Those statements are
 * kept by their text (store_stmt_built(): the combinations are too many
 * for the per-connection cache of static strings, but a desk asks the
 * same few lists again and again; parsing was 13% of a list). Rejected: one
 * static statement with "(?N IS NULL OR col = ?N)" for every filter —
 * simpler, but SQLite then cannot use the indexes for any filter.
 */
#include "store/store_tickets.h"

#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"

/* ---- the filtered list ---- */

/* Parameter numbers: ?1 limit, ?2/?3 cursor, ?4 the count's cap, ?10-?12 the viewer
 * (VISIBLE), ?20.. one fixed number per filter, ?60.. an agent's groups. */
static const char *const f_status[STORE_FILTER_MAX_STATUS] = {
	"?20", "?21", "?22", "?23", "?24", "?25",
};
static const char f_priority[] = " AND t.priority = ?30";
static const char f_type[] = " AND t.type = ?31";
static const char f_channel[] = " AND t.channel = ?32";
static const char f_tag[] = " AND EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = ?33)";
static const char f_group[] = " AND t.group_id = ?34";
static const char f_group_none[] = " AND t.group_id IS NULL";
static const char f_assignee[] = " AND t.assignee_id = ?35";
static const char f_assignee_none[] = " AND t.assignee_id IS NULL";
static const char f_customer[] = " AND t.customer_id = ?36";
static const char f_customer_email[] = " AND t.customer_id = (SELECT id FROM customers WHERE email = ?37)";
static const char f_org[] = " AND t.organization_id = ?38";
static const char f_org_domain[] =
	" AND t.organization_id = (SELECT id FROM organizations WHERE domain = ?39)";
static const char f_created_after[] = " AND t.created_at >= ?40";
static const char f_created_before[] = " AND t.created_at <= ?41";
static const char f_updated_after[] = " AND t.updated_at >= ?42";
static const char f_updated_before[] = " AND t.updated_at <= ?43";
/* SLA (migration 008): running due times and breaches, each on its own index */
static const char f_sla_due_before[] = " AND t.sla_next_due <= ?50";
static const char f_sla_breached[] = " AND t.sla_breached <> ''";
static const char f_sla_not_breached[] = " AND t.sla_breached = ''";

#define PRIORITY_RANK "(CASE t.priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END)"
static const char *const sort_key_sql[] = {
	[STORE_SORT_CREATED] = "t.created_at",
	[STORE_SORT_UPDATED] = "t.updated_at",
	[STORE_SORT_PRIORITY] = PRIORITY_RANK,
};

int store_priority_rank(const char *p)
{
	static const char *const names[] = { "low", "normal", "high", "urgent" };
	for (int i = 0; p && i < 4; i++)
		if (strcmp(p, names[i]) == 0)
			return i;
	return -1;
}

int64_t store_ticket_sort_key(const struct store_ticket *t, enum store_sort sort)
{
	switch (sort) {
	case STORE_SORT_UPDATED:
		return (int64_t)t->updated_at;
	case STORE_SORT_PRIORITY:
		return store_priority_rank(t->priority) < 0 ? 3 : store_priority_rank(t->priority);
	case STORE_SORT_CREATED:
	default:
		return (int64_t)t->created_at;
	}
}

/* The filter fragments of f after a WHERE; group_none is the "no group"
 * test of the table being filtered (tickets or ticket_counts). */
static mado_status append_filters(struct buf *b, const struct store_ticket_filter *f, const char *group_none)
{
	mado_status st = MADO_OK;
	if (f->nstatus) {
		st |= buf_append_str(b, " AND t.status IN (");
		for (size_t i = 0; i < f->nstatus && i < STORE_FILTER_MAX_STATUS; i++) {
			st |= buf_append_str(b, i ? ", " : "");
			st |= buf_append_str(b, f_status[i]);
		}
		st |= buf_append_str(b, ")");
	}
	if (f->priority)
		st |= buf_append_str(b, f_priority);
	if (f->type)
		st |= buf_append_str(b, f_type);
	if (f->channel)
		st |= buf_append_str(b, f_channel);
	if (f->tag)
		st |= buf_append_str(b, f_tag);
	if (f->has_group)
		st |= buf_append_str(b, f->group_id ? f_group : group_none);
	if (f->has_assignee)
		st |= buf_append_str(b, f->assignee_id ? f_assignee : f_assignee_none);
	if (f->has_customer)
		st |= buf_append_str(b, f->customer_email ? f_customer_email : f_customer);
	if (f->has_organization)
		st |= buf_append_str(b, f->organization_domain ? f_org_domain : f_org);
	if (f->has_created_after)
		st |= buf_append_str(b, f_created_after);
	if (f->has_created_before)
		st |= buf_append_str(b, f_created_before);
	if (f->has_updated_after)
		st |= buf_append_str(b, f_updated_after);
	if (f->has_updated_before)
		st |= buf_append_str(b, f_updated_before);
	if (f->has_sla_due_before)
		st |= buf_append_str(b, f_sla_due_before);
	if (f->has_sla_breached)
		st |= buf_append_str(b, f->sla_breached ? f_sla_breached : f_sla_not_breached);
	return st ? MADO_ENOMEM : MADO_OK;
}

static mado_status build_where(struct buf *b, const struct store_vis *vis, const struct store_ticket_filter *f)
{
	mado_status st = buf_append_str(b, "WHERE ");
	st |= store_vis_append(b, vis);
	return st ? MADO_ENOMEM : append_filters(b, f, f_group_none);
}

static void bind_filter(sqlite3_stmt *st, const struct store_vis *vis, const struct store_ticket_filter *f)
{
	store_vis_bind(st, vis);
	for (size_t i = 0; i < f->nstatus && i < STORE_FILTER_MAX_STATUS; i++)
		store_bind_text(st, 20 + (int)i, f->status[i]);
	if (f->priority)
		store_bind_text(st, 30, f->priority);
	if (f->type)
		store_bind_text(st, 31, f->type);
	if (f->channel)
		store_bind_text(st, 32, f->channel);
	if (f->tag)
		store_bind_text(st, 33, f->tag);
	if (f->has_group && f->group_id)
		sqlite3_bind_int64(st, 34, f->group_id);
	if (f->has_assignee && f->assignee_id)
		sqlite3_bind_int64(st, 35, f->assignee_id);
	if (f->has_customer) {
		if (f->customer_email)
			store_bind_text(st, 37, f->customer_email);
		else
			sqlite3_bind_int64(st, 36, f->customer_id);
	}
	if (f->has_organization) {
		if (f->organization_domain)
			store_bind_text(st, 39, f->organization_domain);
		else
			sqlite3_bind_int64(st, 38, f->organization_id);
	}
	if (f->has_created_after)
		sqlite3_bind_int64(st, 40, f->created_after);
	if (f->has_created_before)
		sqlite3_bind_int64(st, 41, f->created_before);
	if (f->has_updated_after)
		sqlite3_bind_int64(st, 42, f->updated_after);
	if (f->has_updated_before)
		sqlite3_bind_int64(st, 43, f->updated_before);
	if (f->has_sla_due_before)
		sqlite3_bind_int64(st, 50, f->sla_due_before);
}

static mado_status prepare_built(struct store *s, struct buf *b, sqlite3_stmt **st, struct mado_err *err)
{
	*st = store_stmt_built(s, b->p, b->len, err);
	return *st ? MADO_OK : MADO_EDB;
}

/* " ORDER BY key dir, t.id dir" */
static mado_status append_order(struct buf *q, const char *key, const char *dir)
{
	return buf_append_str(q, " ORDER BY ") | buf_append_str(q, key) | buf_append_str(q, dir) |
	       buf_append_str(q, ", t.id") | buf_append_str(q, dir);
}

/* Can ticket_counts (migration 012) answer f's total? Only filters on its
 * own columns, for a viewer who sees everything or an agent (through the
 * agent's groups). */
static bool counts_answer(const struct store_ticket_filter *f, const struct store_viewer *v)
{
	bool agent = v->agent_id > 0 && v->customer_id <= 0;
	return (v->all || agent) && !f->type && !f->channel && !f->tag && !f->has_assignee && !f->has_customer &&
	       !f->has_organization && !f->has_created_after && !f->has_created_before && !f->has_updated_after &&
	       !f->has_updated_before && !f->has_sla_due_before && !f->has_sla_breached;
}

/* The exact total from ticket_counts. An agent sees the tickets of the
 * agent's groups (summed per group) plus those assigned to the agent in
 * any other group or none (counted: a handful, on the assignee index). */
static mado_status build_counts_sql(struct buf *q, const struct store_ticket_filter *f, bool all)
{
	static const char counts_group_none[] = " AND t.group_id = 0";
	if (all)
		return buf_append_str(q, "SELECT coalesce(sum(n), 0) FROM ticket_counts t WHERE 1") ? MADO_ENOMEM
		       : append_filters(q, f, counts_group_none);
	mado_status st = buf_append_str(q, "SELECT (SELECT coalesce(sum(n), 0) FROM ticket_counts t WHERE t.group_id IN "
	                                   VISIBLE_AGENT_GROUPS);
	st |= append_filters(q, f, counts_group_none);
	st |= buf_append_str(q, ") + (SELECT count(*) FROM tickets t WHERE " VISIBLE_AGENT_ASSIGNED
	                        " AND coalesce(t.group_id, 0) NOT IN " VISIBLE_AGENT_GROUPS);
	st |= append_filters(q, f, f_group_none);
	return st | buf_append_str(q, ")");
}

/* *total: the visible tickets matching f (cursor and limit aside); exact
 * from ticket_counts when it can answer, else a walk over the matches up
 * to STORE_LIST_COUNT_CAP. q is scratch space. */
static mado_status count_matches(struct store *s, const struct store_vis *vis, const struct store_ticket_filter *f,
                                 const struct buf *where, struct buf *q, int64_t *total, bool *total_exact,
                                 struct mado_err *err)
{
	bool counts = counts_answer(f, vis->v);
	mado_status r = counts ? build_counts_sql(q, f, vis->v->all)
	                       : buf_append_str(q, "SELECT count(*) FROM (SELECT 1 FROM tickets t ") |
	                                 buf_append(q, where->p, where->len) | buf_append_str(q, " LIMIT ?4)");
	if (r)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	sqlite3_stmt *st;
	if ((r = prepare_built(s, q, &st, err)))
		return r;
	bind_filter(st, vis, f);
	sqlite3_bind_int64(st, 4, STORE_LIST_COUNT_CAP + 1);
	bool found;
	r = store_step_row(s, st, &found, err);
	int64_t n = !r && found ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	*total_exact = counts || n <= STORE_LIST_COUNT_CAP;
	*total = *total_exact ? n : STORE_LIST_COUNT_CAP;
	return r;
}

mado_status store_ticket_query(struct store *s, struct arena *a, const struct store_viewer *v,
                               const struct store_ticket_filter *f, store_ticket_cb cb, void *ctx,
                               int64_t *total, bool *total_exact, struct mado_err *err)
{
	struct buf where, q;
	buf_init(&where, 0);
	buf_init(&q, 0);
	sqlite3_stmt *st = NULL;
	mado_status r;
	struct store_vis vis;
	if ((r = store_vis_init(s, v, &vis, err)))
		goto out;
	if ((r = build_where(&where, &vis, f)))
		goto oom;

	/* the count: visible matches, whatever the page */
	if ((r = count_matches(s, &vis, f, &where, &q, total, total_exact, err)))
		goto out;

	/* the page: numbers first (narrow rows, an index can give the order),
	 * then the columns of those 50 only */
	const char *key = sort_key_sql[f->sort];
	const char *dir = f->desc ? " DESC" : " ASC";
	buf_reset(&q);
	if (buf_append_str(&q, "SELECT " TICKET_COLS "WHERE t.id IN (SELECT t.id FROM tickets t ") ||
	    buf_append(&q, where.p, where.len))
		goto oom;
	if (f->has_cursor &&
	    (buf_append_str(&q, " AND (") || buf_append_str(&q, key) ||
	     buf_append_str(&q, f->desc ? ", t.id) < (?2, ?3)" : ", t.id) > (?2, ?3)")))
		goto oom;
	if (append_order(&q, key, dir) || buf_append_str(&q, " LIMIT ?1)") || append_order(&q, key, dir))
		goto oom;
	if ((r = prepare_built(s, &q, &st, err)))
		goto out;
	bind_filter(st, &vis, f);
	sqlite3_bind_int64(st, 1, f->limit > 0 ? f->limit : 50);
	if (f->has_cursor) {
		sqlite3_bind_int64(st, 2, f->cursor_key);
		sqlite3_bind_int64(st, 3, f->cursor_id);
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_ticket t;
		store_read_ticket(a, st, &t);
		if ((r = cb(ctx, &t)))
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = store_db_fail(s, err, "read");
	goto out;
oom:
	r = mado_fail(err, MADO_ENOMEM, "out of memory");
out:
	if (st)
		sqlite3_reset(st);
	buf_free(&where);
	buf_free(&q);
	return r;
}

/* ---- small helpers ---- */

static mado_status run_exists(struct store *s, sqlite3_stmt *st, bool *yes, struct mado_err *err)
{
	mado_status r = store_step_row(s, st, yes, err);
	sqlite3_reset(st);
	return r;
}

/* ---- the ticket's own extra fields ---- */

#define WORK_COLS \
	"coalesce(t.group_id,0), coalesce(t.assignee_id,0), coalesce(t.parent_id,0), coalesce(t.merged_into,0), " \
	"(SELECT json_group_array(tag) FROM (SELECT tag FROM ticket_tags WHERE ticket_id = t.id ORDER BY tag)) "
static const char sql_work_get[] = "SELECT " WORK_COLS "FROM tickets t WHERE t.id = ?1";
/* ?1: a JSON array of numbers */
static const char sql_work_each[] =
	"SELECT " WORK_COLS ", t.id FROM tickets t WHERE t.id IN (SELECT value FROM json_each(?1))";

/* A store_row_reader: out is a struct store_ticket_work. */
static void read_work(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_ticket_work *w = out;
	w->group_id = sqlite3_column_int64(st, 0);
	w->assignee_id = sqlite3_column_int64(st, 1);
	w->parent_id = sqlite3_column_int64(st, 2);
	w->merged_into = sqlite3_column_int64(st, 3);
	w->tags_json = store_col_str(a, st, 4);
	if (!w->tags_json)
		w->tags_json = "[]";
}

mado_status store_ticket_work_each(struct store *s, struct arena *a, const int64_t *ids, size_t n,
                                   store_work_cb cb, void *ctx, struct mado_err *err)
{
	struct buf list;
	buf_init(&list, 0);
	mado_status r = buf_append_char(&list, '[');
	for (size_t i = 0; i < n; i++) {
		char num[24];
		snprintf(num, sizeof num, "%s%lld", i ? "," : "", (long long)ids[i]);
		r |= buf_append_str(&list, num);
	}
	r |= buf_append_char(&list, ']');
	sqlite3_stmt *st = r ? NULL : store_stmt(s, sql_work_each, err);
	if (!st) {
		buf_free(&list);
		return r ? mado_fail(err, MADO_ENOMEM, "out of memory") : MADO_EDB;
	}
	sqlite3_bind_text(st, 1, list.p, (int)list.len, SQLITE_TRANSIENT);
	buf_free(&list);
	STORE_EACH_ROW(s, st, err, {
		struct store_ticket_work w;
		read_work(a, st, &w);
		r_ = cb(ctx, sqlite3_column_int64(st, 5), &w);
	});
}

mado_status store_ticket_work_get(struct store *s, struct arena *a, int64_t id, struct store_ticket_work *w,
                                  struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_work_get, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	return store_get_row(s, a, st, read_work, w, err, "no ticket #%lld", (long long)id);
}

static const char sql_set_status[] = "UPDATE tickets SET status = ?2, updated_at = max(updated_at, ?3) WHERE id = ?1";
static const char sql_set_priority[] =
	"UPDATE tickets SET priority = ?2, updated_at = max(updated_at, ?3) WHERE id = ?1";
static const char sql_set_type[] = "UPDATE tickets SET type = ?2, updated_at = max(updated_at, ?3) WHERE id = ?1";
static const char sql_set_group[] =
	"UPDATE tickets SET group_id = nullif(?2,0), updated_at = max(updated_at, ?3) WHERE id = ?1";
static const char sql_set_assignee[] =
	"UPDATE tickets SET assignee_id = nullif(?2,0), updated_at = max(updated_at, ?3) WHERE id = ?1";
static const char sql_set_parent[] =
	"UPDATE tickets SET parent_id = nullif(?2,0), updated_at = max(updated_at, ?3) WHERE id = ?1";
static const char sql_set_merged[] =
	"UPDATE tickets SET merged_into = nullif(?2,0), updated_at = max(updated_at, ?3) WHERE id = ?1";

mado_status store_ticket_set_text(struct store *s, int64_t id, const char *column, const char *value,
                                  time_t now, struct mado_err *err)
{
	const char *sql = !strcmp(column, "status")     ? sql_set_status
	                  : !strcmp(column, "priority") ? sql_set_priority
	                  : !strcmp(column, "type")     ? sql_set_type
	                                                : NULL;
	if (!sql)
		return mado_fail(err, MADO_EINVAL, "not a text column of tickets: %s", column);
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, value);
	sqlite3_bind_int64(st, 3, (int64_t)now);
	return store_step_done(s, st, err);
}

mado_status store_ticket_set_ref(struct store *s, int64_t id, const char *column, int64_t value, time_t now,
                                 struct mado_err *err)
{
	const char *sql = !strcmp(column, "group_id")      ? sql_set_group
	                  : !strcmp(column, "assignee_id") ? sql_set_assignee
	                  : !strcmp(column, "parent_id")   ? sql_set_parent
	                  : !strcmp(column, "merged_into") ? sql_set_merged
	                                                   : NULL;
	if (!sql)
		return mado_fail(err, MADO_EINVAL, "not a reference column of tickets: %s", column);
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, value);
	sqlite3_bind_int64(st, 3, (int64_t)now);
	return store_step_done(s, st, err);
}

static const char sql_group_exists[] = "SELECT 1 FROM groups WHERE id = ?1";
static const char sql_agent_in_group[] = "SELECT 1 FROM group_members WHERE agent_id = ?1 AND group_id = ?2";

mado_status store_group_exists(struct store *s, int64_t group_id, bool *yes, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_group_exists, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, group_id);
	return run_exists(s, st, yes, err);
}

mado_status store_agent_in_group(struct store *s, int64_t agent_id, int64_t group_id, bool *yes,
                                 struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_agent_in_group, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, agent_id);
	sqlite3_bind_int64(st, 2, group_id);
	return run_exists(s, st, yes, err);
}

/* ---- tags ---- */

static const char sql_tag_add[] = "INSERT OR IGNORE INTO ticket_tags(ticket_id, tag) VALUES (?1, ?2)";
static const char sql_tag_remove[] = "DELETE FROM ticket_tags WHERE ticket_id = ?1 AND tag = ?2";

static mado_status tag_change(struct store *s, const char *sql, int64_t id, const char *tag, bool *changed,
                              struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, tag);
	mado_status r = store_step_done(s, st, err);
	*changed = r == MADO_OK && sqlite3_changes(store_db(s)) > 0;
	return r;
}

mado_status store_ticket_tag_add(struct store *s, int64_t id, const char *tag, bool *changed,
                                 struct mado_err *err)
{
	return tag_change(s, sql_tag_add, id, tag, changed, err);
}

mado_status store_ticket_tag_remove(struct store *s, int64_t id, const char *tag, bool *changed,
                                    struct mado_err *err)
{
	return tag_change(s, sql_tag_remove, id, tag, changed, err);
}

/* ---- custom fields ---- */

static const char sql_field_add[] =
	"INSERT INTO custom_fields(key, label, type, options_json, created_at) VALUES (?1,?2,?3,?4,?5)";
static const char sql_field_list[] =
	"SELECT id, key, label, type, options_json, created_at FROM custom_fields ORDER BY id";
static const char sql_field_get[] =
	"SELECT id, key, label, type, options_json, created_at FROM custom_fields WHERE key = ?1";
static const char sql_value_get[] = "SELECT value FROM ticket_field_values WHERE ticket_id = ?1 AND field_id = ?2";
static const char sql_value_set[] =
	"INSERT INTO ticket_field_values(ticket_id, field_id, value) VALUES (?1,?2,?3) "
	"ON CONFLICT(ticket_id, field_id) DO UPDATE SET value = excluded.value";
static const char sql_value_del[] = "DELETE FROM ticket_field_values WHERE ticket_id = ?1 AND field_id = ?2";
static const char sql_value_list[] =
	"SELECT f.key, f.type, v.value FROM ticket_field_values v JOIN custom_fields f ON f.id = v.field_id "
	"WHERE v.ticket_id = ?1 ORDER BY f.id";

mado_status store_field_def_add(struct store *s, const char *key, const char *label, const char *type,
                                const char *options_json, time_t now, int64_t *id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_field_add, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, label);
	store_bind_text(st, 3, type);
	store_bind_text(st, 4, options_json ? options_json : "[]");
	sqlite3_bind_int64(st, 5, (int64_t)now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		mado_status r = sqlite3_errcode(store_db(s)) == SQLITE_CONSTRAINT
		                    ? mado_fail(err, MADO_EEXIST, "a field %s exists already", key)
		                    : store_db_fail(s, err, "write");
		sqlite3_reset(st);
		return r;
	}
	sqlite3_reset(st);
	*id = sqlite3_last_insert_rowid(store_db(s));
	return MADO_OK;
}

/* A store_row_reader: out is a struct store_field_def. */
static void read_field_def(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_field_def *d = out;
	d->id = sqlite3_column_int64(st, 0);
	d->key = store_col_str(a, st, 1);
	d->label = store_col_str(a, st, 2);
	d->type = store_col_str(a, st, 3);
	d->options_json = store_col_str(a, st, 4);
	d->created_at = (time_t)sqlite3_column_int64(st, 5);
}


mado_status store_field_def_list(struct store *s, struct arena *a, store_field_def_cb cb, void *ctx,
                                 struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_field_list, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_field_def d;
		read_field_def(a, st, &d);
		r_ = cb(ctx, &d);
	});
}

mado_status store_field_def_get(struct store *s, struct arena *a, const char *key, struct store_field_def *d,
                                struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_field_get, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, key);
	return store_get_row(s, a, st, read_field_def, d, err, "no custom field %s", key);
}

mado_status store_field_value_set(struct store *s, struct arena *a, int64_t ticket_id, int64_t field_id,
                                  const char *value, const char **old, struct mado_err *err)
{
	*old = NULL;
	sqlite3_stmt *st = store_stmt(s, sql_value_get, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	sqlite3_bind_int64(st, 2, field_id);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found)
		*old = store_col_str(a, st, 0);
	sqlite3_reset(st);
	if (r)
		return r;
	st = store_stmt(s, value ? sql_value_set : sql_value_del, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	sqlite3_bind_int64(st, 2, field_id);
	if (value)
		store_bind_text(st, 3, value);
	return store_step_done(s, st, err);
}

mado_status store_field_value_list(struct store *s, struct arena *a, int64_t ticket_id,
                                   store_field_value_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_value_list, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	STORE_EACH_ROW(s, st, err, {
		struct store_field_value v = { store_col_str(a, st, 0), store_col_str(a, st, 1),
			                           store_col_str(a, st, 2) };
		r_ = cb(ctx, &v);
	});
}

/* ---- links, merge, split ---- */

static const char sql_link_add[] =
	"INSERT OR IGNORE INTO ticket_links(a, b, created_by, created_at) VALUES (?1, ?2, nullif(?3,0), ?4)";
static const char sql_link_list[] =
	"SELECT b FROM ticket_links WHERE a = ?1 UNION SELECT a FROM ticket_links WHERE b = ?1 "
	"UNION SELECT linked_ticket_id FROM tickets WHERE id = ?1 AND linked_ticket_id IS NOT NULL "
	"UNION SELECT id FROM tickets WHERE linked_ticket_id = ?1 ORDER BY 1";
static const char sql_children[] = "SELECT id FROM tickets WHERE parent_id = ?1 ORDER BY id";

mado_status store_ticket_link_add(struct store *s, int64_t a, int64_t b, int64_t agent_id, time_t now,
                                  bool *created, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_link_add, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, a < b ? a : b);
	sqlite3_bind_int64(st, 2, a < b ? b : a);
	sqlite3_bind_int64(st, 3, agent_id);
	sqlite3_bind_int64(st, 4, (int64_t)now);
	mado_status r = store_step_done(s, st, err);
	*created = r == MADO_OK && sqlite3_changes(store_db(s)) > 0;
	return r;
}

static mado_status id_list(struct store *s, const char *sql, int64_t id, store_id_cb cb, void *ctx,
                           struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	STORE_EACH_ROW(s, st, err, { r_ = cb(ctx, sqlite3_column_int64(st, 0)); });
}

mado_status store_ticket_link_list(struct store *s, int64_t id, store_id_cb cb, void *ctx, struct mado_err *err)
{
	return id_list(s, sql_link_list, id, cb, ctx, err);
}

mado_status store_ticket_children(struct store *s, int64_t id, store_id_cb cb, void *ctx, struct mado_err *err)
{
	return id_list(s, sql_children, id, cb, ctx, err);
}

static const char sql_merge_messages[] = "UPDATE messages SET ticket_id = ?2 WHERE ticket_id = ?1";
static const char sql_merge_notes[] = "UPDATE notes SET ticket_id = ?2 WHERE ticket_id = ?1";
static const char sql_merge_thread[] = "UPDATE thread_ids SET ticket_id = ?2 WHERE ticket_id = ?1";
static const char sql_merge_parts[] =
	"INSERT OR IGNORE INTO participants(ticket_id, email, name, role) "
	"SELECT ?2, email, name, CASE role WHEN 'requester' THEN 'cc' ELSE role END "
	"FROM participants WHERE ticket_id = ?1";
static const char sql_merge_parts_del[] = "DELETE FROM participants WHERE ticket_id = ?1";

static mado_status exec_pair(struct store *s, const char *sql, int64_t a, int64_t b, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	return store_step_done(s, st, err);
}

mado_status store_ticket_merge_move(struct store *s, int64_t from, int64_t into, struct mado_err *err)
{
	mado_status r;
	if ((r = exec_pair(s, sql_merge_messages, from, into, err)) ||
	    (r = exec_pair(s, sql_merge_notes, from, into, err)) ||
	    (r = exec_pair(s, sql_merge_thread, from, into, err)) ||
	    (r = exec_pair(s, sql_merge_parts, from, into, err)) ||
	    (r = exec_pair(s, sql_merge_parts_del, from, 0, err)))
		return r;
	return MADO_OK;
}

static const char sql_msg_in_ticket[] = "SELECT 1 FROM messages WHERE id = ?1 AND ticket_id = ?2";
static const char sql_msg_move_thread[] =
	"UPDATE thread_ids SET ticket_id = ?3 WHERE ticket_id = ?2 "
	"AND message_id = (SELECT message_id FROM messages WHERE id = ?1)";
static const char sql_msg_move[] = "UPDATE messages SET ticket_id = ?3 WHERE id = ?1 AND ticket_id = ?2";
static const char sql_parts_copy[] =
	"INSERT OR IGNORE INTO participants(ticket_id, email, name, role) "
	"SELECT ?2, email, name, role FROM participants WHERE ticket_id = ?1";

mado_status store_message_in_ticket(struct store *s, int64_t msg, int64_t ticket, bool *yes,
                                    struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_msg_in_ticket, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, msg);
	sqlite3_bind_int64(st, 2, ticket);
	return run_exists(s, st, yes, err);
}

mado_status store_message_move(struct store *s, int64_t msg, int64_t from, int64_t to, struct mado_err *err)
{
	const char *const sqls[] = { sql_msg_move_thread, sql_msg_move };
	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *st = store_stmt(s, sqls[i], err);
		if (!st)
			return MADO_EDB;
		sqlite3_bind_int64(st, 1, msg);
		sqlite3_bind_int64(st, 2, from);
		sqlite3_bind_int64(st, 3, to);
		mado_status r = store_step_done(s, st, err);
		if (r)
			return r;
	}
	return MADO_OK;
}

mado_status store_participants_copy(struct store *s, int64_t from, int64_t to, struct mado_err *err)
{
	return exec_pair(s, sql_parts_copy, from, to, err);
}

/* ---- internal notes ---- */

static const char sql_note_add[] =
	"INSERT INTO notes(ticket_id, agent_id, body, created_at) VALUES (?1,?2,?3,?4)";
static const char sql_mention_add[] = "INSERT OR IGNORE INTO note_mentions(note_id, agent_id) VALUES (?1,?2)";
static const char sql_note_list[] =
	"SELECT n.id, n.agent_id, coalesce(a.email,''), coalesce(a.name,''), n.body, n.created_at, "
	"(SELECT json_group_array(json_object('id', m.agent_id, 'email', ma.email, 'name', ma.name)) "
	" FROM note_mentions m JOIN agents ma ON ma.id = m.agent_id WHERE m.note_id = n.id) "
	"FROM notes n LEFT JOIN agents a ON a.id = n.agent_id WHERE n.ticket_id = ?1 ORDER BY n.id";
static const char sql_mention_candidates[] =
	"SELECT id, email, name, role FROM agents WHERE disabled = 0 ORDER BY id";

mado_status store_note_add(struct store *s, int64_t ticket_id, int64_t agent_id, const char *body, time_t now,
                           int64_t *id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_note_add, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	sqlite3_bind_int64(st, 2, agent_id);
	store_bind_text(st, 3, body);
	sqlite3_bind_int64(st, 4, (int64_t)now);
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_note_mention_add(struct store *s, int64_t note_id, int64_t agent_id, struct mado_err *err)
{
	return exec_pair(s, sql_mention_add, note_id, agent_id, err);
}

mado_status store_note_list(struct store *s, struct arena *a, int64_t ticket_id, store_note_cb cb, void *ctx,
                            struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_note_list, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	STORE_EACH_ROW(s, st, err, {
		struct store_note n = {
			.id = sqlite3_column_int64(st, 0),
			.agent_id = sqlite3_column_int64(st, 1),
			.agent_email = store_col_str(a, st, 2),
			.agent_name = store_col_str(a, st, 3),
			.body = store_col_str(a, st, 4),
			.created_at = (time_t)sqlite3_column_int64(st, 5),
			.mentions_json = store_col_str(a, st, 6),
		};
		r_ = cb(ctx, &n);
	});
}

mado_status store_mention_candidates(struct store *s, struct arena *a, store_agent_cb cb, void *ctx,
                                     struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_mention_candidates, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_agent ag = {
			.id = sqlite3_column_int64(st, 0),
			.email = store_col_str(a, st, 1),
			.name = store_col_str(a, st, 2),
			.role = store_col_str(a, st, 3),
		};
		r_ = cb(ctx, &ag);
	});
}

/* ---- replies and the outbox ---- */

static const char sql_last_inbound[] =
	"SELECT message_id, references_json FROM messages WHERE ticket_id = ?1 AND direction = 'in' "
	"ORDER BY id DESC LIMIT 1";
static const char sql_upload_get[] =
	"SELECT id, sha256, filename, content_type, size FROM uploads "
	"WHERE id = ?1 AND agent_id = ?2 AND used_at IS NULL";
static const char sql_upload_use[] = "UPDATE uploads SET used_at = ?2 WHERE id = ?1";
static const char sql_outbox_add[] =
	"INSERT INTO outbox(message_id, ticket_id, agent_id, status, mail_from, rcpt_json, headers_json, "
	"body_text, attachments_json, next_attempt_at, created_at, kind, recipient, body_html, charset) "
	"VALUES (nullif(?1,0), ?2, nullif(?3,0), 'queued', ?4, ?5, ?6, ?7, ?8, ?9, ?9, coalesce(nullif(?10,''),'reply'), "
	"lower(coalesce(nullif(?11,''), json_extract(?5,'$[0]'), '')), ?12, coalesce(nullif(?13,''),'utf-8'))";

mado_status store_ticket_last_inbound(struct store *s, struct arena *a, int64_t ticket_id,
                                      const char **message_id, const char **references_json,
                                      struct mado_err *err)
{
	*message_id = "";
	*references_json = "[]";
	sqlite3_stmt *st = store_stmt(s, sql_last_inbound, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found) {
		*message_id = store_col_str(a, st, 0);
		*references_json = store_col_str(a, st, 1);
	}
	sqlite3_reset(st);
	return r;
}

/* A store_row_reader: out is a struct store_upload. */
static void read_upload(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_upload *u = out;
	u->id = store_col_str(a, st, 0);
	u->sha256 = store_col_str(a, st, 1);
	u->filename = store_col_str(a, st, 2);
	u->content_type = store_col_str(a, st, 3);
	u->size = sqlite3_column_int64(st, 4);
}

mado_status store_upload_take(struct store *s, struct arena *a, const char *id, int64_t agent_id, time_t now,
                              struct store_upload *out, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_upload_get, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, agent_id);
	mado_status r = store_get_row(s, a, st, read_upload, out, err, "no unused upload %s of yours", id);
	if (r)
		return r;
	st = store_stmt(s, sql_upload_use, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	return store_step_done(s, st, err);
}

mado_status store_outbox_add(struct store *s, const struct store_outbox_new *o, int64_t *id,
                             struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_outbox_add, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, o->message_row);
	sqlite3_bind_int64(st, 2, o->ticket_id);
	sqlite3_bind_int64(st, 3, o->agent_id);
	store_bind_text(st, 4, o->mail_from);
	store_bind_text(st, 5, o->rcpt_json);
	store_bind_text(st, 6, o->headers_json);
	store_bind_text(st, 7, o->body_text);
	store_bind_text(st, 8, o->attachments_json ? o->attachments_json : "[]");
	sqlite3_bind_int64(st, 9, (int64_t)o->now);
	store_bind_text(st, 10, o->kind);
	store_bind_text(st, 11, o->recipient);
	store_bind_text(st, 12, o->body_html);
	store_bind_text(st, 13, o->charset);
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

/* ---- saved views ---- */

static const char sql_view_add[] =
	"INSERT INTO saved_views(agent_id, name, shared, query_json, created_at) VALUES (?1,?2,?3,?4,?5)";
static const char sql_view_list[] =
	"SELECT id, agent_id, name, shared, query_json, created_at FROM saved_views "
	"WHERE agent_id = ?1 OR shared = 1 ORDER BY shared, id";
static const char sql_view_get[] =
	"SELECT id, agent_id, name, shared, query_json, created_at FROM saved_views WHERE id = ?1";
static const char sql_view_delete[] = "DELETE FROM saved_views WHERE id = ?1";

/* A store_row_reader: out is a struct store_view. */
static void read_view(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_view *v = out;
	v->id = sqlite3_column_int64(st, 0);
	v->agent_id = sqlite3_column_int64(st, 1);
	v->name = store_col_str(a, st, 2);
	v->shared = sqlite3_column_int(st, 3);
	v->query_json = store_col_str(a, st, 4);
	v->created_at = (time_t)sqlite3_column_int64(st, 5);
}

mado_status store_view_add(struct store *s, int64_t agent_id, const char *name, bool shared, const char *query_json,
                           time_t now, int64_t *id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_view_add, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, agent_id);
	store_bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, shared);
	store_bind_text(st, 4, query_json);
	sqlite3_bind_int64(st, 5, (int64_t)now);
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_view_list(struct store *s, struct arena *a, int64_t agent_id, store_view_cb cb, void *ctx,
                            struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_view_list, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, agent_id);
	STORE_EACH_ROW(s, st, err, {
		struct store_view v;
		read_view(a, st, &v);
		r_ = cb(ctx, &v);
	});
}

mado_status store_view_get(struct store *s, struct arena *a, int64_t id, struct store_view *out,
                           struct mado_err *err)
{
	return store_get_by_id(s, a, sql_view_get, id, read_view, out, "view", err);
}

mado_status store_view_delete(struct store *s, int64_t id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_view_delete, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	return store_step_done(s, st, err);
}
