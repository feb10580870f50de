/* Agents, sessions, API tokens and groups in SQLite (see store.h). */
#include "store/sqlite/internal.h"

static const char sql_agent_add[] =
	"INSERT INTO agents(email, name, role, password_hash, created_at) VALUES (?1,?2,?3,?4,?5)";
static const char sql_agent_by_email[] =
	"SELECT id, email, name, role, password_hash, language, time_zone, available, disabled "
	"FROM agents WHERE email = ?1";
static const char sql_agent_get[] =
	"SELECT id, email, name, role, password_hash, language, time_zone, available, disabled "
	"FROM agents WHERE id = ?1";
static const char sql_session_add[] =
	"INSERT INTO sessions(token_hash, agent_id, customer_id, csrf_token, created_at, expires_at) "
	"VALUES (?1, nullif(?2,0), nullif(?3,0), ?4, ?5, ?6)";
static const char sql_session_get[] =
	"SELECT coalesce(s.agent_id,0), coalesce(s.customer_id,0), coalesce(a.role,'customer'), "
	"coalesce(a.email, c.email), s.csrf_token FROM sessions s "
	"LEFT JOIN agents a ON a.id = s.agent_id LEFT JOIN customers c ON c.id = s.customer_id "
	"WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND coalesce(a.disabled, 0) = 0 "
	"AND (a.id IS NOT NULL OR c.id IS NOT NULL)";
static const char sql_session_delete[] = "DELETE FROM sessions WHERE token_hash = ?1";
static const char sql_token_add[] =
	"INSERT INTO api_tokens(token_hash, agent_id, name, created_at) VALUES (?1,?2,?3,?4)";
static const char sql_token_get[] =
	"SELECT a.id, a.role, a.email FROM api_tokens t JOIN agents a ON a.id = t.agent_id "
	"WHERE t.token_hash = ?1 AND a.disabled = 0";
static const char sql_group_add[] = "INSERT INTO groups(name, created_at) VALUES (?1, ?2)";
static const char sql_group_member_add[] =
	"INSERT OR IGNORE INTO group_members(group_id, agent_id) VALUES (?1, ?2)";
static const char sql_group_by_name[] = "SELECT id FROM groups WHERE name = ?1";

mado_status store_agent_add(struct store *s, const char *email, const char *name, const char *role,
                            const char *password_hash, time_t now, int64_t *id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_agent_add, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, email);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, role);
	store_bind_text(st, 4, password_hash);
	sqlite3_bind_int64(st, 5, (int64_t)now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		mado_status r = sqlite3_errcode(store_db(s)) == SQLITE_CONSTRAINT
		                    ? mado_fail(err, MADO_EEXIST, "an agent %s exists already", email)
		                    : store_db_fail(s, err, "write");
		sqlite3_reset(st);
		return r;
	}
	sqlite3_reset(st);
	*id = sqlite3_last_insert_rowid(store_db(s));
	return MADO_OK;
}

static mado_status read_agent(struct store *s, struct arena *a, sqlite3_stmt *st,
                              struct store_agent *out, struct mado_err *err)
{
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found) {
		out->id = sqlite3_column_int64(st, 0);
		out->email = store_col_str(a, st, 1);
		out->name = store_col_str(a, st, 2);
		out->role = store_col_str(a, st, 3);
		out->password_hash = store_col_str(a, st, 4);
		out->language = store_col_str(a, st, 5);
		out->time_zone = store_col_str(a, st, 6);
		out->available = sqlite3_column_int(st, 7);
		out->disabled = sqlite3_column_int(st, 8);
	}
	sqlite3_reset(st);
	if (r == MADO_OK && !found)
		return mado_fail(err, MADO_ENOTFOUND, "no such agent");
	return r;
}

mado_status store_agent_by_email(struct store *s, struct arena *a, const char *email,
                                 struct store_agent *out, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_agent_by_email, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, email);
	return read_agent(s, a, st, out, err);
}

mado_status store_agent_get(struct store *s, struct arena *a, int64_t id, struct store_agent *out,
                            struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_agent_get, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	return read_agent(s, a, st, out, err);
}

mado_status store_session_add(struct store *s, const char *token_hash, int64_t agent_id,
                              int64_t customer_id, const char *csrf, time_t now, time_t expires,
                              struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_session_add, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, agent_id);
	sqlite3_bind_int64(st, 3, customer_id);
	store_bind_text(st, 4, csrf);
	sqlite3_bind_int64(st, 5, (int64_t)now);
	sqlite3_bind_int64(st, 6, (int64_t)expires);
	return store_step_done(s, st, err);
}

mado_status store_session_get(struct store *s, struct arena *a, const char *token_hash, time_t now,
                              struct store_principal *out, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_session_get, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found) {
		out->agent_id = sqlite3_column_int64(st, 0);
		out->customer_id = sqlite3_column_int64(st, 1);
		out->role = store_col_str(a, st, 2);
		out->email = store_col_str(a, st, 3);
		out->csrf = store_col_str(a, st, 4);
	}
	sqlite3_reset(st);
	if (r == MADO_OK && !found)
		return mado_fail(err, MADO_ENOTFOUND, "no such session");
	return r;
}

mado_status store_session_delete(struct store *s, const char *token_hash, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_session_delete, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, token_hash);
	return store_step_done(s, st, err);
}

mado_status store_token_add(struct store *s, const char *token_hash, int64_t agent_id, const char *name,
                            time_t now, int64_t *id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_token_add, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, agent_id);
	store_bind_text(st, 3, name);
	sqlite3_bind_int64(st, 4, (int64_t)now);
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_token_get(struct store *s, struct arena *a, const char *token_hash,
                            struct store_principal *out, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_token_get, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, token_hash);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found) {
		out->agent_id = sqlite3_column_int64(st, 0);
		out->customer_id = 0;
		out->role = store_col_str(a, st, 1);
		out->email = store_col_str(a, st, 2);
		out->csrf = NULL;
	}
	sqlite3_reset(st);
	if (r == MADO_OK && !found)
		return mado_fail(err, MADO_ENOTFOUND, "no such token");
	return r;
}

mado_status store_group_add(struct store *s, const char *name, time_t now, int64_t *id,
                            struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_group_add, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_group_member_add(struct store *s, int64_t group_id, int64_t agent_id,
                                   struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_group_member_add, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, group_id);
	sqlite3_bind_int64(st, 2, agent_id);
	return store_step_done(s, st, err);
}

mado_status store_group_by_name(struct store *s, const char *name, int64_t *id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_group_by_name, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, name);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	*id = (r == MADO_OK && found) ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return r;
}
