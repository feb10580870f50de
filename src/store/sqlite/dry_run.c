/*
 * What a trigger run left behind, for the dry run (see store_workflow.h):
 * it runs the triggers for real inside a transaction, reads back the rows
 * added after the marks taken before, and rolls everything back.
 */
#include "store/sqlite/internal.h"
#include "store/store_workflow.h"

static const char sql_max_event[] = "SELECT coalesce(max(id), 0) FROM events";
static const char sql_max_message[] = "SELECT coalesce(max(id), 0) FROM messages";
static const char sql_max_webhook[] = "SELECT coalesce(max(id), 0) FROM webhook_queue";
static const char sql_mails[] =
	"SELECT to_json, subject, body_text FROM messages WHERE ticket_id = ?1 AND id > ?2 AND direction = 'out' "
	"ORDER BY id";
static const char sql_webhooks[] =
	"SELECT url, body_json FROM webhook_queue WHERE ticket_id = ?1 AND id > ?2 ORDER BY id";

mado_status store_dry_marks_take(struct store *s, struct store_dry_marks *m, struct mado_err *err)
{
	mado_status st = store_first_int64(s, sql_max_event, 0, 0, &m->event, err);
	if (!st)
		st = store_first_int64(s, sql_max_message, 0, 0, &m->message, err);
	if (!st)
		st = store_first_int64(s, sql_max_webhook, 0, 0, &m->webhook, err);
	return st;
}

static mado_status each_since(struct store *s, struct arena *a, const char *sql, int64_t ticket, int64_t after,
                              store_dry_row_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket);
	sqlite3_bind_int64(st, 2, after);
	int ncol = sqlite3_column_count(st);
	STORE_EACH_ROW(s, st, err, {
		const char *col[3] = { "", "", "" };
		for (int i = 0; i < ncol && i < 3; i++)
			col[i] = store_col_str(a, st, i);
		r_ = cb(ctx, col);
	});
}

mado_status store_dry_mails(struct store *s, struct arena *a, int64_t ticket, const struct store_dry_marks *m,
                            store_dry_row_cb cb, void *ctx, struct mado_err *err)
{
	return each_since(s, a, sql_mails, ticket, m->message, cb, ctx, err);
}

mado_status store_dry_webhooks(struct store *s, struct arena *a, int64_t ticket, const struct store_dry_marks *m,
                               store_dry_row_cb cb, void *ctx, struct mado_err *err)
{
	return each_since(s, a, sql_webhooks, ticket, m->webhook, cb, ctx, err);
}
