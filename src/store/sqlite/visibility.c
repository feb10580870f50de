/*
 * Which tickets a viewer may see, as one SQL condition shared by "may I
 * see ticket N" and "list what I may see", so the two can never disagree
 * (counts included). The condition is VISIBLE in internal.h.
 */
#include <stdio.h>

#include "store/sqlite/internal.h"

static const char sql_visible[] = "SELECT 1 FROM tickets t WHERE t.id = ?1 AND " VISIBLE;
static const char sql_list[] = "SELECT " TICKET_COLS "WHERE (?1 = 0 OR t.id < ?1) AND " VISIBLE
                               " ORDER BY t.id DESC LIMIT ?2";
static const char sql_list_status[] = "SELECT " TICKET_COLS "WHERE (?1 = 0 OR t.id < ?1) AND t.status = ?3 AND "
                                      VISIBLE " ORDER BY t.id DESC LIMIT ?2";

static const char sql_agent_groups[] = "SELECT group_id FROM group_members WHERE agent_id = ?11 ORDER BY group_id";

mado_status store_vis_init(struct store *s, const struct store_viewer *v, struct store_vis *vis,
                           struct mado_err *err)
{
	vis->v = v;
	vis->ngroups = -1;
	if (v->all || v->agent_id <= 0 || v->customer_id > 0)
		return MADO_OK;
	sqlite3_stmt *st = store_stmt(s, sql_agent_groups, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 11, v->agent_id);
	int rc, n = 0;
	while (n <= STORE_VIS_MAX_GROUPS && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < STORE_VIS_MAX_GROUPS)
			vis->groups[n] = sqlite3_column_int64(st, 0);
		n++;
	}
	mado_status r = n > STORE_VIS_MAX_GROUPS || rc == SQLITE_DONE ? MADO_OK : store_db_fail(s, err, "read");
	sqlite3_reset(st);
	vis->ngroups = n > STORE_VIS_MAX_GROUPS ? -1 : n;   /* too many to list: the subquery form */
	return r;
}

mado_status store_vis_append(struct buf *b, const struct store_vis *vis)
{
	const struct store_viewer *v = vis->v;
	if (v->all)
		return buf_append_str(b, "1");
	if (vis->ngroups < 0) {
		if (v->agent_id > 0 && v->customer_id <= 0)
			return buf_append_str(b, VISIBLE_AGENT);
		if (v->customer_id > 0 && v->agent_id <= 0)
			return buf_append_str(b, VISIBLE_CUSTOMER);
		return buf_append_str(b, VISIBLE);   /* neither (sees nothing) or both: the whole rule */
	}
	/* VISIBLE_AGENT with its subquery's rows as values */
	mado_status st = buf_append_str(b, "(" VISIBLE_AGENT_ASSIGNED " OR t.group_id IN (");
	for (int i = 0; i < vis->ngroups; i++) {
		char p[8];
		snprintf(p, sizeof p, "%s?%d", i ? ", " : "", 60 + i);
		st |= buf_append_str(b, p);
	}
	return st | buf_append_str(b, "))");
}

void store_vis_bind(sqlite3_stmt *st, const struct store_vis *vis)
{
	store_bind_viewer(st, vis->v);
	for (int i = 0; i < vis->ngroups; i++)
		sqlite3_bind_int64(st, 60 + i, vis->groups[i]);
}

void store_bind_viewer(sqlite3_stmt *st, const struct store_viewer *v)
{
	sqlite3_bind_int(st, 10, v->all);
	sqlite3_bind_int64(st, 11, v->agent_id);
	sqlite3_bind_int64(st, 12, v->customer_id);
}

mado_status store_ticket_visible(struct store *s, const struct store_viewer *v, int64_t ticket_id,
                                 bool *visible, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_visible, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	store_bind_viewer(st, v);
	mado_status r = store_step_row(s, st, visible, err);
	sqlite3_reset(st);
	return r;
}

mado_status store_ticket_list_visible(struct store *s, struct arena *a, const struct store_viewer *v,
                                      const struct store_list_opts *o, store_ticket_cb cb, void *ctx,
                                      struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, o->status ? sql_list_status : sql_list, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, o->before_id);
	sqlite3_bind_int64(st, 2, o->limit > 0 ? o->limit : 50);
	if (o->status)
		store_bind_text(st, 3, o->status);
	store_bind_viewer(st, v);
	int rc;
	mado_status r = MADO_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_ticket t;
		store_read_ticket(a, st, &t);
		if ((r = cb(ctx, &t)))
			break;
	}
	if (!r && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = store_db_fail(s, err, "read");
	sqlite3_reset(st);
	return r;
}
