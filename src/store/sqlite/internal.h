/*
 * Shared by the files of the SQLite backend (the .c files of src/store/sqlite): the
 * connection struct and small helpers. Each file keeps its SQL as static
 * strings and gets prepared statements through store_stmt(), which caches
 * them per connection by the string's address.
 */
#ifndef MADO_STORE_SQLITE_INTERNAL_H
#define MADO_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"

#define STORE_STMT_CACHE 256

struct store_cached_stmt {
	const char *sql;
	sqlite3_stmt *st;
};

/* Prepared, reset and unbound statement for sql (a string literal: the
 * cache is keyed by its address). NULL with err filled on failure. */
sqlite3_stmt *store_stmt(struct store *s, const char *sql, struct mado_err *err);
/* Run sql (a literal, cached like store_stmt) expecting no row we need. */
mado_status store_run(struct store *s, const char *sql, struct mado_err *err);
/* The same for SQL assembled at run time from fixed fragments (sql need
 * not outlive the call): the last 16 distinct texts stay prepared, so a
 * list asked again with the same filters pays no parse. */
sqlite3_stmt *store_stmt_built(struct store *s, const char *sql, size_t len, struct mado_err *err);
mado_status store_db_fail(struct store *s, struct mado_err *err, const char *what);
/* Step expecting no row we need. */
mado_status store_step_done(struct store *s, sqlite3_stmt *st, struct mado_err *err);
/* Step a write of at most one row; *found says whether a row changed. */
mado_status store_step_changed(struct store *s, sqlite3_stmt *st, bool *found, struct mado_err *err);
/* Step expecting at most one row; *found says whether it came. */
mado_status store_step_row(struct store *s, sqlite3_stmt *st, bool *found, struct mado_err *err);
/* Column text copied into the arena (NULL for SQL NULL). */
const char *store_col_str(struct arena *a, sqlite3_stmt *st, int i);
void store_bind_text(sqlite3_stmt *st, int i, const char *v); /* NULL binds '' */
void store_bind_text_or_null(sqlite3_stmt *st, int i, const char *v); /* NULL binds NULL */
sqlite3 *store_db(struct store *s);

/* The columns store_read_ticket() reads, followed by the FROM clause
 * (tickets t, customers c, organizations o). */
#define TICKET_COLS \
	"t.id, t.subject, t.status, t.priority, t.type, t.channel, t.customer_id, " \
	"t.organization_id, t.linked_ticket_id, t.spam, t.created_at, t.updated_at, " \
	"coalesce(c.email,''), coalesce(c.name,''), coalesce(o.name,''), " \
	"(SELECT count(*) FROM messages m WHERE m.ticket_id = t.id), " \
	"t.category, t.language, t.priority_reason, t.priority_reason_ja " \
	"FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id " \
	"LEFT JOIN organizations o ON o.id = t.organization_id "
void store_read_ticket(struct arena *a, sqlite3_stmt *st, struct store_ticket *t);

/* Which tickets (alias t) a viewer may see: one SQL condition shared by
 * "may I see ticket N", "list what I may see" and every filtered list or
 * count, so they can never disagree. ?10 = all, ?11 = agent id,
 * ?12 = customer id (bind them with store_bind_viewer()). VISIBLE is
 * built from the agent's and the customer's halves. */
#define VISIBLE_AGENT_ASSIGNED "t.assignee_id = ?11"
#define VISIBLE_AGENT_GROUPS "(SELECT group_id FROM group_members WHERE agent_id = ?11)"
#define VISIBLE_AGENT "(" VISIBLE_AGENT_ASSIGNED " OR t.group_id IN " VISIBLE_AGENT_GROUPS ")"
#define VISIBLE_CUSTOMER \
	"(t.customer_id = ?12 OR EXISTS (SELECT 1 FROM customers me " \
	"  JOIN organizations og ON og.id = me.organization_id " \
	"  WHERE me.id = ?12 AND og.shared_tickets = 1 AND t.organization_id = og.id))"
#define VISIBLE "(?10 = 1 OR (?11 > 0 AND " VISIBLE_AGENT ") OR (?12 > 0 AND " VISIBLE_CUSTOMER "))"
/* VISIBLE for SQL assembled per call (the filtered list): the part that
 * is not constant for the viewer — nothing for one who sees everything,
 * the customer's half, or the agent's half with the agent's groups read
 * first (same snapshot) and bound as ?60.. ("t.group_id IN (?60, ?61)"):
 * with values instead of a subquery SQLite can count a queue from the
 * group and assignee indexes (MULTI-INDEX OR) instead of checking every
 * row of the other filters. More than STORE_VIS_MAX_GROUPS groups, or a
 * viewer with both an agent and a customer id: the fixed fragments. */
#define STORE_VIS_MAX_GROUPS 16
struct store_vis {
	const struct store_viewer *v;
	int64_t groups[STORE_VIS_MAX_GROUPS];
	int ngroups;                /* -1: the agent's groups are not listed */
};
mado_status store_vis_init(struct store *s, const struct store_viewer *v, struct store_vis *vis,
                           struct mado_err *err);
mado_status store_vis_append(struct buf *b, const struct store_vis *vis);
void store_vis_bind(sqlite3_stmt *st, const struct store_vis *vis);
void store_bind_viewer(sqlite3_stmt *st, const struct store_viewer *v);

/* Register search's SQL functions (mado_rank) on a new connection. */
int store_search_register(sqlite3 *db);

/* Step through all rows of st, running the body (which sets r_ to stop)
 * for each; st is reset after, and the enclosing function returns r_. */
#define STORE_EACH_ROW(s, st, err, ...)                                    \
	do {                                                             \
		int rc_;                                                     \
		mado_status r_ = MADO_OK;                                    \
		while ((rc_ = sqlite3_step(st)) == SQLITE_ROW) {             \
			__VA_ARGS__;                                             \
			if (r_)                                                  \
				break;                                               \
		}                                                            \
		if (!r_ && rc_ != SQLITE_DONE && rc_ != SQLITE_ROW)          \
			r_ = store_db_fail(s, err, "read");                      \
		sqlite3_reset(st);                                           \
		return r_;                                                   \
	} while (0)

/* The first column of sql's first row as an integer (?1 = id when id is
 * not 0); dflt when there is no row. */
mado_status store_first_int64(struct store *s, const char *sql, int64_t id, int64_t dflt, int64_t *out,
                              struct mado_err *err);

/* Fetch the one row of sql (whose ?1 is id) into out with read();
 * MADO_ENOTFOUND "no such <what>" when there is none. */
typedef void (*store_row_reader)(struct arena *a, sqlite3_stmt *st, void *out);
/* The same for a statement already bound (any key): its one row read into
 * out, st reset after; MADO_ENOTFOUND with the message fmt when none. */
mado_status store_get_row(struct store *s, struct arena *a, sqlite3_stmt *st, store_row_reader read, void *out,
                          struct mado_err *err, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
mado_status store_get_by_id(struct store *s, struct arena *a, const char *sql, int64_t id,
                            store_row_reader read, void *out, const char *what, struct mado_err *err);

#endif
