/*
 * Mailboxes (see store_mailbox.h). Addresses are stored lowercase by the
 * caller; the lookups compare without case anyway, so a row written by
 * hand with capitals still matches.
 */
#include <string.h>

#include "store/store_mailbox.h"

#include "store/sqlite/internal.h"

#define MAILBOX_COLS \
	"SELECT m.id, coalesce(m.group_id, 0), m.address, m.name, m.reply_address, coalesce(g.name, ''), m.active, " \
	"m.created_at, m.updated_at FROM mailboxes m LEFT JOIN groups g ON g.id = m.group_id "
static const char sql_list[] = MAILBOX_COLS "ORDER BY m.id";
static const char sql_get[] = MAILBOX_COLS "WHERE m.id = ?1";
static const char sql_find[] = "SELECT id FROM mailboxes WHERE address = ?1 COLLATE NOCASE";
static const char sql_add[] =
	"INSERT INTO mailboxes(address, name, reply_address, group_id, active, created_at, updated_at) "
	"VALUES (?1, ?2, ?3, nullif(?4, 0), ?5, ?6, ?6)";
static const char sql_update[] =
	"UPDATE mailboxes SET address = ?2, name = ?3, reply_address = ?4, group_id = nullif(?5, 0), active = ?6, "
	"updated_at = ?7 WHERE id = ?1";
static const char sql_delete[] = "DELETE FROM mailboxes WHERE id = ?1";
static const char sql_count[] = "SELECT count(*) FROM mailboxes";
static const char sql_ticket_set[] = "UPDATE tickets SET mailbox = ?2 WHERE id = ?1";
static const char sql_ticket_get[] =
	"SELECT t.mailbox, coalesce(g.id, 0), coalesce(g.name, '') FROM tickets t "
	"LEFT JOIN mailboxes m ON m.address = t.mailbox COLLATE NOCASE AND m.active = 1 AND t.mailbox <> '' "
	"LEFT JOIN groups g ON g.id = m.group_id WHERE t.id = ?1";

/* A store_row_reader: out is a struct store_mailbox. */
static void read_mailbox(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_mailbox *m = out;
	m->id = sqlite3_column_int64(st, 0);
	m->group_id = sqlite3_column_int64(st, 1);
	m->address = store_col_str(a, st, 2);
	m->name = store_col_str(a, st, 3);
	m->reply_address = store_col_str(a, st, 4);
	m->group_name = store_col_str(a, st, 5);
	m->active = sqlite3_column_int(st, 6) != 0;
	m->created_at = (time_t)sqlite3_column_int64(st, 7);
	m->updated_at = (time_t)sqlite3_column_int64(st, 8);
}

mado_status store_mailbox_list(struct store *s, struct arena *a, store_mailbox_cb cb, void *ctx,
                               struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_list, err);
	if (!st)
		return MADO_EDB;
	struct store_mailbox m;
	STORE_EACH_ROW(s, st, err, read_mailbox(a, st, &m); r_ = cb(ctx, &m));
}

mado_status store_mailbox_get(struct store *s, struct arena *a, int64_t id, struct store_mailbox *m,
                              struct mado_err *err)
{
	return store_get_by_id(s, a, sql_get, id, read_mailbox, m, "mailbox", err);
}

mado_status store_mailbox_find(struct store *s, const char *address, int64_t *id, struct mado_err *err)
{
	*id = 0;
	sqlite3_stmt *st = store_stmt(s, sql_find, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, address);
	bool found = false;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r;
}

/* ?first.. = address, name, reply_address, group_id, active. */
static void bind_in(sqlite3_stmt *st, int first, const struct store_mailbox_in *in)
{
	store_bind_text(st, first, in->address);
	store_bind_text(st, first + 1, in->name);
	store_bind_text(st, first + 2, in->reply_address);
	sqlite3_bind_int64(st, first + 3, in->group_id);
	sqlite3_bind_int(st, first + 4, in->active);
}

mado_status store_mailbox_add(struct store *s, const struct store_mailbox_in *in, time_t now, int64_t *id,
                              struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_add, err);
	if (!st)
		return MADO_EDB;
	bind_in(st, 1, in);
	sqlite3_bind_int64(st, 6, (int64_t)now);
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_mailbox_update(struct store *s, int64_t id, const struct store_mailbox_in *in, time_t now,
                                 bool *found, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_update, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	bind_in(st, 2, in);
	sqlite3_bind_int64(st, 7, (int64_t)now);
	return store_step_changed(s, st, found, err);
}

mado_status store_mailbox_delete(struct store *s, int64_t id, bool *found, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_delete, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	return store_step_changed(s, st, found, err);
}

mado_status store_mailbox_count(struct store *s, int64_t *n, struct mado_err *err)
{
	return store_first_int64(s, sql_count, 0, 0, n, err);
}

mado_status store_ticket_mailbox_set(struct store *s, int64_t ticket, const char *address, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_ticket_set, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket);
	store_bind_text(st, 2, address);
	return store_step_done(s, st, err);
}

mado_status store_ticket_mailbox_get(struct store *s, struct arena *a, int64_t ticket, const char **address,
                                     int64_t *group_id, const char **group_name, struct mado_err *err)
{
	*address = *group_name = "";
	*group_id = 0;
	sqlite3_stmt *st = store_stmt(s, sql_ticket_get, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket);
	bool found = false;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found) {
		*address = store_col_str(a, st, 0);
		*group_id = sqlite3_column_int64(st, 1);
		*group_name = store_col_str(a, st, 2);
	}
	sqlite3_reset(st);
	if (r == MADO_OK && !found)
		r = mado_fail(err, MADO_ENOTFOUND, "no such ticket");
	return r;
}
