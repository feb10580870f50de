/*
 * Outgoing mail in SQLite: the sender's side of the outbox. A claim is one
 * UPDATE guarded by the row's status and due time, so that two senders
 * (`mado serve` and a cron `mado outbox run`) can never both take a row:
 * SQLite serialises writers and the loser's UPDATE changes nothing.
 */
#include "store/store_outgoing.h"

#include "store/sqlite/internal.h"


static const char sql_due[] =
	"SELECT id FROM outbox WHERE status IN ('queued','sending') AND next_attempt_at <= ?1 "
	"ORDER BY next_attempt_at, id LIMIT ?2";
static const char sql_claim[] =
	"UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?3 "
	"WHERE id = ?1 AND status IN ('queued','sending') AND next_attempt_at <= ?2";
#define OUTBOX_COLS \
	"id, coalesce(message_id,0), ticket_id, coalesce(agent_id,0), kind, status, mail_from, rcpt_json, headers_json, " \
	"body_text, body_html, attachments_json, charset, last_error, recipient, attempts, next_attempt_at, " \
	"created_at, coalesce(sent_at,0) FROM outbox "
static const char sql_get[] = "SELECT " OUTBOX_COLS "WHERE id = ?1";
static const char sql_list[] =
	"SELECT id, coalesce(message_id,0), ticket_id, coalesce(agent_id,0), kind, status, mail_from, rcpt_json, '', '', '', "
	"attachments_json, charset, last_error, recipient, attempts, next_attempt_at, created_at, coalesce(sent_at,0) "
	"FROM outbox WHERE ?1 = 0 OR ticket_id = ?1 ORDER BY id";
static const char sql_finish[] =
	"UPDATE outbox SET status = ?2, next_attempt_at = ?3, last_error = ?4, "
	"sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END WHERE id = ?1";
static const char sql_set_rcpt[] = "UPDATE outbox SET rcpt_json = ?2 WHERE id = ?1";
/* kind 'auto' counts every automatic mail to customers */
static const char sql_count[] =
	"SELECT count(*) FROM outbox WHERE (kind = ?1 OR (?1 = 'auto' AND kind IN ('ack','notice'))) "
	"AND created_at >= ?2 "
	"AND (?3 = '' OR recipient = lower(?3)) AND (?4 = 0 OR ticket_id = ?4)";

mado_status store_outbox_due(struct store *s, time_t now, int64_t limit, store_id_cb cb, void *ctx,
                             struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_due, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, (int64_t)now);
	sqlite3_bind_int64(st, 2, limit);
	STORE_EACH_ROW(s, st, err, r_ = cb(ctx, sqlite3_column_int64(st, 0)));
}

mado_status store_outbox_claim(struct store *s, int64_t id, time_t now, time_t lease_until, bool *claimed,
                               struct mado_err *err)
{
	*claimed = false;
	sqlite3_stmt *st = store_stmt(s, sql_claim, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	sqlite3_bind_int64(st, 3, (int64_t)lease_until);
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK)
		*claimed = sqlite3_changes(store_db(s)) == 1;
	return r;
}

/* A store_row_reader: out is a struct store_outbox_row. */
static void read_outbox(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_outbox_row *r = out;
	r->id = sqlite3_column_int64(st, 0);
	r->message_row = sqlite3_column_int64(st, 1);
	r->ticket_id = sqlite3_column_int64(st, 2);
	r->agent_id = sqlite3_column_int64(st, 3);
	r->kind = store_col_str(a, st, 4);
	r->status = store_col_str(a, st, 5);
	r->mail_from = store_col_str(a, st, 6);
	r->rcpt_json = store_col_str(a, st, 7);
	r->headers_json = store_col_str(a, st, 8);
	r->body_text = store_col_str(a, st, 9);
	r->body_html = store_col_str(a, st, 10);
	r->attachments_json = store_col_str(a, st, 11);
	r->charset = store_col_str(a, st, 12);
	r->last_error = store_col_str(a, st, 13);
	r->recipient = store_col_str(a, st, 14);
	r->attempts = sqlite3_column_int64(st, 15);
	r->next_attempt_at = (time_t)sqlite3_column_int64(st, 16);
	r->created_at = (time_t)sqlite3_column_int64(st, 17);
	r->sent_at = (time_t)sqlite3_column_int64(st, 18);
}

mado_status store_outbox_get(struct store *s, struct arena *a, int64_t id, struct store_outbox_row *r,
                             struct mado_err *err)
{
	return store_get_by_id(s, a, sql_get, id, read_outbox, r, "outbox row", err);
}

mado_status store_outbox_finish(struct store *s, int64_t id, const char *status, time_t next_attempt_at,
                                const char *error, time_t now, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_finish, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, status);
	sqlite3_bind_int64(st, 3, (int64_t)next_attempt_at);
	store_bind_text(st, 4, error);
	sqlite3_bind_int64(st, 5, (int64_t)now);
	return store_step_done(s, st, err);
}

mado_status store_outbox_set_rcpt(struct store *s, int64_t id, const char *rcpt_json, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_set_rcpt, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, rcpt_json);
	return store_step_done(s, st, err);
}

mado_status store_outbox_count(struct store *s, const char *kind, const char *recipient, int64_t ticket_id,
                               time_t since, int64_t *n, struct mado_err *err)
{
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql_count, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, kind);
	sqlite3_bind_int64(st, 2, (int64_t)since);
	store_bind_text(st, 3, recipient);
	sqlite3_bind_int64(st, 4, ticket_id);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r;
}

mado_status store_outbox_list(struct store *s, struct arena *a, int64_t ticket_id, store_outbox_cb cb,
                              void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_list, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	struct store_outbox_row r;
	STORE_EACH_ROW(s, st, err, read_outbox(a, st, &r); r_ = cb(ctx, &r));
}

/* ---- templates ---- */

static const char sql_tpl_get[] = "SELECT subject, body FROM mail_templates WHERE name = ?1 AND language = ?2";
static const char sql_tpl_put[] =
	"INSERT INTO mail_templates(name, language, subject, body, updated_by, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, nullif(?5,0), ?6) ON CONFLICT(name, language) DO UPDATE SET "
	"subject = excluded.subject, body = excluded.body, updated_by = excluded.updated_by, "
	"updated_at = excluded.updated_at";
static const char sql_tpl_delete[] = "DELETE FROM mail_templates WHERE name = ?1 AND language = ?2";
static const char sql_customer_lang[] = "SELECT language FROM customers WHERE id = ?1";

mado_status store_template_get(struct store *s, struct arena *a, const char *name, const char *language,
                               const char **subject, const char **body, bool *found, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_tpl_get, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, language);
	mado_status r = store_step_row(s, st, found, err);
	if (r == MADO_OK && *found) {
		*subject = store_col_str(a, st, 0);
		*body = store_col_str(a, st, 1);
	}
	sqlite3_reset(st);
	return r;
}

mado_status store_template_put(struct store *s, const char *name, const char *language, const char *subject,
                               const char *body, int64_t agent_id, time_t now, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_tpl_put, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, language);
	store_bind_text(st, 3, subject);
	store_bind_text(st, 4, body);
	sqlite3_bind_int64(st, 5, agent_id);
	sqlite3_bind_int64(st, 6, (int64_t)now);
	return store_step_done(s, st, err);
}

mado_status store_template_delete(struct store *s, const char *name, const char *language, bool *found,
                                  struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_tpl_delete, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, language);
	return store_step_changed(s, st, found, err);
}

mado_status store_customer_language(struct store *s, struct arena *a, int64_t customer_id, const char **language,
                                    struct mado_err *err)
{
	*language = "";
	sqlite3_stmt *st = store_stmt(s, sql_customer_lang, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found)
		*language = store_col_str(a, st, 0);
	sqlite3_reset(st);
	return r;
}

/* ---- canned responses ---- */

static const char sql_canned_add[] =
	"INSERT INTO canned_responses(title, body, created_by, created_at, updated_at) VALUES (?1, ?2, nullif(?3,0), ?4, ?4)";
#define CANNED_COLS "SELECT id, coalesce(created_by,0), title, body, created_at, updated_at FROM canned_responses "
static const char sql_canned_list[] = CANNED_COLS "ORDER BY title COLLATE NOCASE, id";
static const char sql_canned_get[] = CANNED_COLS "WHERE id = ?1";
static const char sql_canned_update[] =
	"UPDATE canned_responses SET title = coalesce(?2, title), body = coalesce(?3, body), updated_at = ?4 WHERE id = ?1";
static const char sql_canned_delete[] = "DELETE FROM canned_responses WHERE id = ?1";

/* A store_row_reader: out is a struct store_canned. */
static void read_canned(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_canned *c = out;
	c->id = sqlite3_column_int64(st, 0);
	c->created_by = sqlite3_column_int64(st, 1);
	c->title = store_col_str(a, st, 2);
	c->body = store_col_str(a, st, 3);
	c->created_at = (time_t)sqlite3_column_int64(st, 4);
	c->updated_at = (time_t)sqlite3_column_int64(st, 5);
}

mado_status store_canned_add(struct store *s, const char *title, const char *body, int64_t agent_id, time_t now,
                             int64_t *id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_canned_add, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, title);
	store_bind_text(st, 2, body);
	sqlite3_bind_int64(st, 3, agent_id);
	sqlite3_bind_int64(st, 4, (int64_t)now);
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_canned_list(struct store *s, struct arena *a, store_canned_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_canned_list, err);
	if (!st)
		return MADO_EDB;
	struct store_canned c;
	STORE_EACH_ROW(s, st, err, read_canned(a, st, &c); r_ = cb(ctx, &c));
}

mado_status store_canned_get(struct store *s, struct arena *a, int64_t id, struct store_canned *c,
                             struct mado_err *err)
{
	return store_get_by_id(s, a, sql_canned_get, id, read_canned, c, "canned response", err);
}

mado_status store_canned_update(struct store *s, int64_t id, const char *title, const char *body, time_t now,
                                bool *found, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_canned_update, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	if (title)
		store_bind_text(st, 2, title);
	if (body)
		store_bind_text(st, 3, body);
	sqlite3_bind_int64(st, 4, (int64_t)now);
	return store_step_changed(s, st, found, err);
}

mado_status store_canned_delete(struct store *s, int64_t id, bool *found, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_canned_delete, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	return store_step_changed(s, st, found, err);
}

/* ---- agents' notification settings ---- */

static const char sql_notify_get[] =
	"SELECT new_in_group, assigned, customer_replied, mention FROM agent_notify WHERE agent_id = ?1";
static const char sql_notify_set[] =
	"INSERT INTO agent_notify(agent_id, new_in_group, assigned, customer_replied, mention) VALUES (?1,?2,?3,?4,?5) "
	"ON CONFLICT(agent_id) DO UPDATE SET new_in_group = excluded.new_in_group, assigned = excluded.assigned, "
	"customer_replied = excluded.customer_replied, mention = excluded.mention";

mado_status store_notify_get(struct store *s, int64_t agent_id, struct store_notify *n, struct mado_err *err)
{
	*n = (struct store_notify){ true, true, true, true };
	sqlite3_stmt *st = store_stmt(s, sql_notify_get, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, agent_id);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found)
		*n = (struct store_notify){ sqlite3_column_int(st, 0) != 0, sqlite3_column_int(st, 1) != 0,
			                        sqlite3_column_int(st, 2) != 0, sqlite3_column_int(st, 3) != 0 };
	sqlite3_reset(st);
	return r;
}

mado_status store_notify_set(struct store *s, int64_t agent_id, const struct store_notify *n, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_notify_set, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, agent_id);
	sqlite3_bind_int(st, 2, n->new_in_group);
	sqlite3_bind_int(st, 3, n->assigned);
	sqlite3_bind_int(st, 4, n->customer_replied);
	sqlite3_bind_int(st, 5, n->mention);
	return store_step_done(s, st, err);
}
