/*
 * People in SQLite (see store_people.h): customers, organisations, agents
 * and groups as the administration API reads and edits them, the audit
 * trail of those edits, attachment download tokens, message bodies and
 * uploads.
 *
 * Updates go one field at a time through a table of fixed statements, one
 * per field name, so that no column name is ever built from input. Prefix
 * search escapes LIKE wildcards so "%" and "_" in a query match
 * themselves.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "store/store_people.h"

/* ---- customers ---- */

#define CUSTOMER_COLS \
	"c.id, c.email, c.name, c.tier, c.language, c.time_zone, c.bouncing, c.bounce_status, " \
	"c.bounce_reason, coalesce(c.bounced_at,0), c.created_at, c.updated_at, " \
	"coalesce(c.organization_id,0), coalesce(o.name,''), coalesce(o.domain,'') " \
	"FROM customers c LEFT JOIN organizations o ON o.id = c.organization_id "

static const char sql_customer_search[] =
	"SELECT " CUSTOMER_COLS "WHERE c.id > ?1 AND (?2 = '' OR c.email LIKE ?2 || '%' ESCAPE '\\' "
	"OR c.name LIKE ?2 || '%' ESCAPE '\\') ORDER BY c.id LIMIT ?3";
static const char sql_customer_get[] = "SELECT " CUSTOMER_COLS "WHERE c.id = ?1";
static const char sql_org_customers[] = "SELECT " CUSTOMER_COLS "WHERE c.organization_id = ?1 ORDER BY c.id LIMIT ?2";
static const char sql_customer_set_name[] = "UPDATE customers SET name = ?2, updated_at = ?3 WHERE id = ?1";
static const char sql_customer_set_tier[] = "UPDATE customers SET tier = ?2, updated_at = ?3 WHERE id = ?1";
static const char sql_customer_set_language[] =
	"UPDATE customers SET language = ?2, updated_at = ?3 WHERE id = ?1";
static const char sql_customer_set_time_zone[] =
	"UPDATE customers SET time_zone = ?2, updated_at = ?3 WHERE id = ?1";
static const char sql_customer_tickets[] =
	"SELECT " TICKET_COLS "WHERE t.customer_id = ?1 ORDER BY t.id DESC LIMIT ?2";

/* ---- organisations ---- */

#define ORG_COLS \
	"o.id, o.domain, o.name, o.tier, o.shared_tickets, o.created_at, " \
	"(SELECT count(*) FROM customers c WHERE c.organization_id = o.id) FROM organizations o "

static const char sql_org_search[] =
	"SELECT " ORG_COLS "WHERE o.id > ?1 AND (?2 = '' OR o.domain LIKE ?2 || '%' ESCAPE '\\' "
	"OR o.name LIKE ?2 || '%' ESCAPE '\\') ORDER BY o.id LIMIT ?3";
static const char sql_org_get[] = "SELECT " ORG_COLS "WHERE o.id = ?1";
static const char sql_org_set_name[] = "UPDATE organizations SET name = ?2 WHERE id = ?1";
static const char sql_org_set_tier[] = "UPDATE organizations SET tier = ?2 WHERE id = ?1";
static const char sql_org_set_shared[] = "UPDATE organizations SET shared_tickets = ?2 WHERE id = ?1";

/* ---- audit ---- */

static const char sql_audit_add[] =
	"INSERT INTO people_audit(subject, subject_id, actor, field, old_value, new_value, created_at) "
	"VALUES (?1,?2,?3,?4,?5,?6,?7)";
static const char sql_audit_list[] =
	"SELECT id, actor, field, old_value, new_value, created_at FROM people_audit "
	"WHERE subject = ?1 AND subject_id = ?2 ORDER BY id DESC LIMIT ?3";

/* ---- agents and groups ---- */

static const char sql_agent_list[] =
	"SELECT id, email, name, role, language, time_zone, available, disabled FROM agents ORDER BY id";
static const char sql_agent_set_name[] = "UPDATE agents SET name = ?2 WHERE id = ?1";
static const char sql_agent_set_language[] = "UPDATE agents SET language = ?2 WHERE id = ?1";
static const char sql_agent_set_time_zone[] = "UPDATE agents SET time_zone = ?2 WHERE id = ?1";
static const char sql_agent_set_role[] = "UPDATE agents SET role = ?2 WHERE id = ?1";
static const char sql_agent_set_available[] = "UPDATE agents SET available = (?2 = '1') WHERE id = ?1";
static const char sql_agent_set_disabled[] = "UPDATE agents SET disabled = (?2 = '1') WHERE id = ?1";
static const char sql_agent_groups[] = "SELECT group_id FROM group_members WHERE agent_id = ?1 ORDER BY group_id";
static const char sql_agent_groups_clear[] = "DELETE FROM group_members WHERE agent_id = ?1";
static const char sql_agent_groups_add[] = "INSERT OR IGNORE INTO group_members(group_id, agent_id) VALUES (?1, ?2)";
static const char sql_group_list[] = "SELECT id, name, created_at FROM groups ORDER BY id";
static const char sql_group_get[] = "SELECT id, name, created_at FROM groups WHERE id = ?1";
static const char sql_group_members[] = "SELECT agent_id FROM group_members WHERE group_id = ?1 ORDER BY agent_id";

/* ---- attachments, bodies, uploads ---- */

static const char sql_attachment_by_token[] =
	"SELECT a.id, a.message_id, coalesce(m.ticket_id,0), a.sha256, a.filename, a.content_type, a.size, "
	"a.stored FROM attachment_tokens k JOIN attachments a ON a.id = k.attachment_id "
	"JOIN messages m ON m.id = a.message_id WHERE k.token = ?1";
static const char sql_attachment_token[] = "SELECT token FROM attachment_tokens WHERE attachment_id = ?1";
static const char sql_message_body[] =
	"SELECT id, coalesce(ticket_id,0), subject, body_text, body_html FROM messages WHERE id = ?1";
static const char sql_upload_add[] =
	"INSERT INTO uploads(id, agent_id, sha256, filename, content_type, size, created_at) "
	"VALUES (?1,?2,?3,?4,?5,?6,?7)";
static const char sql_upload_get[] =
	"SELECT id, agent_id, sha256, filename, content_type, size, created_at, coalesce(used_at,0) "
	"FROM uploads WHERE id = ?1 AND agent_id = ?2";

/* Run a prepared statement to the end, reading rows with fn. */
/* Callbacks travel through each_row() as the generic function pointer
 * type and are cast back to their own type by the row reader. */
typedef void (*any_fn)(void);
typedef mado_status (*row_fn)(struct arena *a, sqlite3_stmt *st, any_fn cb, void *ctx);

static mado_status each_row(struct store *s, struct arena *a, sqlite3_stmt *st, row_fn fn, any_fn cb, void *ctx,
                            struct mado_err *err)
{
	int rc;
	mado_status r = MADO_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = fn(a, st, cb, ctx)))
			break;
	if (!r && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = store_db_fail(s, err, "read");
	sqlite3_reset(st);
	return r;
}

/* Every row of sql (?1 bound to id when by_id), each through fn to cb. */
static mado_status rows_of(struct store *s, struct arena *a, const char *sql, bool by_id, int64_t id, row_fn fn,
                           any_fn cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	if (by_id)
		sqlite3_bind_int64(st, 1, id);
	return each_row(s, a, st, fn, cb, ctx, err);
}

/* "abc" -> "abc" with LIKE's % _ \ escaped by a backslash, into the arena. */
static const char *like_escape(struct arena *a, const char *q)
{
	if (!q)
		return "";
	size_t n = strlen(q);
	char *o = arena_alloc(a, 2 * n + 1);
	if (!o)
		return NULL;
	char *p = o;
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			*p++ = '\\';
		*p++ = q[i];
	}
	*p = '\0';
	return o;
}

/* A store_row_reader: out is a struct people_customer. */
static void read_customer(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct people_customer *c = out;
	c->id = sqlite3_column_int64(st, 0);
	c->email = store_col_str(a, st, 1);
	c->name = store_col_str(a, st, 2);
	c->tier = store_col_str(a, st, 3);
	c->language = store_col_str(a, st, 4);
	c->time_zone = store_col_str(a, st, 5);
	c->bouncing = sqlite3_column_int(st, 6);
	c->bounce_status = store_col_str(a, st, 7);
	c->bounce_reason = store_col_str(a, st, 8);
	c->bounced_at = (time_t)sqlite3_column_int64(st, 9);
	c->created_at = (time_t)sqlite3_column_int64(st, 10);
	c->updated_at = (time_t)sqlite3_column_int64(st, 11);
	c->organization_id = sqlite3_column_int64(st, 12);
	c->org_name = store_col_str(a, st, 13);
	c->org_domain = store_col_str(a, st, 14);
}

static mado_status customer_row(struct arena *a, sqlite3_stmt *st, any_fn cb, void *ctx)
{
	struct people_customer c;
	read_customer(a, st, &c);
	return ((people_customer_cb)cb)(ctx, &c);
}

/* A page of sql's rows (?1 after this id, ?2 the escaped prefix, ?3 the
 * page size), each through fn to cb. */
static mado_status prefix_search(struct store *s, struct arena *a, const char *sql, const char *q, int64_t after_id,
                                 int64_t limit, row_fn fn, any_fn cb, void *ctx, struct mado_err *err)
{
	const char *esc = like_escape(a, q);
	if (!esc)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, after_id);
	store_bind_text(st, 2, esc);
	sqlite3_bind_int64(st, 3, limit);
	return each_row(s, a, st, fn, cb, ctx, err);
}

mado_status people_customer_search(struct store *s, struct arena *a, const char *q, int64_t after_id,
                                   int64_t limit, people_customer_cb cb, void *ctx, struct mado_err *err)
{
	return prefix_search(s, a, sql_customer_search, q, after_id, limit, customer_row, (any_fn)cb, ctx, err);
}

mado_status people_customer_get(struct store *s, struct arena *a, int64_t id, struct people_customer *out,
                                struct mado_err *err)
{
	return store_get_by_id(s, a, sql_customer_get, id, read_customer, out, "customer", err);
}

struct field_sql {
	const char *field;
	const char *sql;
};

/* The fixed statement of t that sets field, ?1 bound to id and ?2 to
 * value; MADO_EINVAL "no <what> field" for a field t does not have. */
static mado_status field_stmt(struct store *s, const struct field_sql *t, size_t n, const char *what, int64_t id,
                              const char *field, const char *value, sqlite3_stmt **st, struct mado_err *err)
{
	const char *sql = NULL;
	for (size_t i = 0; !sql && i < n; i++)
		if (strcmp(t[i].field, field) == 0)
			sql = t[i].sql;
	if (!sql)
		return mado_fail(err, MADO_EINVAL, "no %s field %s", what, field);
	if (!(*st = store_stmt(s, sql, err)))
		return MADO_EDB;
	sqlite3_bind_int64(*st, 1, id);
	store_bind_text(*st, 2, value);
	return MADO_OK;
}

/* field_stmt() run: for statements with no more parameters. */
static mado_status set_field(struct store *s, const struct field_sql *t, size_t n, const char *what, int64_t id,
                             const char *field, const char *value, struct mado_err *err)
{
	sqlite3_stmt *st;
	mado_status r = field_stmt(s, t, n, what, id, field, value, &st, err);
	return r ? r : store_step_done(s, st, err);
}

static const struct field_sql customer_fields[] = {
	{ "name", sql_customer_set_name },
	{ "tier", sql_customer_set_tier },
	{ "language", sql_customer_set_language },
	{ "time_zone", sql_customer_set_time_zone },
};

mado_status people_customer_set(struct store *s, int64_t id, const char *field, const char *value, time_t now,
                                struct mado_err *err)
{
	sqlite3_stmt *st;
	mado_status r = field_stmt(s, customer_fields, sizeof customer_fields / sizeof customer_fields[0], "customer", id,
	                           field, value, &st, err);
	if (r)
		return r;
	sqlite3_bind_int64(st, 3, (int64_t)now);
	return store_step_done(s, st, err);
}

static mado_status ticket_row(struct arena *a, sqlite3_stmt *st, any_fn cb, void *ctx)
{
	struct store_ticket t;
	store_read_ticket(a, st, &t);
	return ((store_ticket_cb)cb)(ctx, &t);
}

mado_status people_customer_tickets(struct store *s, struct arena *a, int64_t customer_id, int64_t limit,
                                    store_ticket_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_customer_tickets, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_int64(st, 2, limit);
	return each_row(s, a, st, ticket_row, (any_fn)cb, ctx, err);
}

/* ---- organisations ---- */

/* A store_row_reader: out is a struct people_org. */
static void read_org(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct people_org *o = out;
	o->id = sqlite3_column_int64(st, 0);
	o->domain = store_col_str(a, st, 1);
	o->name = store_col_str(a, st, 2);
	o->tier = store_col_str(a, st, 3);
	o->shared_tickets = sqlite3_column_int(st, 4);
	o->created_at = (time_t)sqlite3_column_int64(st, 5);
	o->customer_count = sqlite3_column_int64(st, 6);
}

static mado_status org_row(struct arena *a, sqlite3_stmt *st, any_fn cb, void *ctx)
{
	struct people_org o;
	read_org(a, st, &o);
	return ((people_org_cb)cb)(ctx, &o);
}

mado_status people_org_search(struct store *s, struct arena *a, const char *q, int64_t after_id, int64_t limit,
                              people_org_cb cb, void *ctx, struct mado_err *err)
{
	return prefix_search(s, a, sql_org_search, q, after_id, limit, org_row, (any_fn)cb, ctx, err);
}

mado_status people_org_get(struct store *s, struct arena *a, int64_t id, struct people_org *out,
                           struct mado_err *err)
{
	return store_get_by_id(s, a, sql_org_get, id, read_org, out, "organization", err);
}

static const struct field_sql org_fields[] = {
	{ "name", sql_org_set_name },
	{ "tier", sql_org_set_tier },
};

mado_status people_org_set(struct store *s, int64_t id, const char *field, const char *value,
                           struct mado_err *err)
{
	return set_field(s, org_fields, sizeof org_fields / sizeof org_fields[0], "organization", id, field, value, err);
}

mado_status people_org_set_shared(struct store *s, int64_t id, bool shared, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_org_set_shared, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, shared);
	return store_step_done(s, st, err);
}

mado_status people_org_customers(struct store *s, struct arena *a, int64_t org_id, int64_t limit,
                                 people_customer_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_org_customers, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, limit);
	return each_row(s, a, st, customer_row, (any_fn)cb, ctx, err);
}

/* ---- audit ---- */

mado_status people_audit_add(struct store *s, const char *subject, int64_t subject_id, const char *actor,
                             const char *field, const char *old_value, const char *new_value, time_t now,
                             struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_audit_add, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, subject);
	sqlite3_bind_int64(st, 2, subject_id);
	store_bind_text(st, 3, actor);
	store_bind_text(st, 4, field);
	store_bind_text_or_null(st, 5, old_value);
	store_bind_text_or_null(st, 6, new_value);
	sqlite3_bind_int64(st, 7, (int64_t)now);
	return store_step_done(s, st, err);
}

static mado_status audit_row(struct arena *a, sqlite3_stmt *st, any_fn cb, void *ctx)
{
	struct people_audit e = {
		.id = sqlite3_column_int64(st, 0),
		.actor = store_col_str(a, st, 1),
		.field = store_col_str(a, st, 2),
		.old_value = store_col_str(a, st, 3),
		.new_value = store_col_str(a, st, 4),
		.created_at = (time_t)sqlite3_column_int64(st, 5),
	};
	return ((people_audit_cb)cb)(ctx, &e);
}

mado_status people_audit_list(struct store *s, struct arena *a, const char *subject, int64_t subject_id,
                              int64_t limit, people_audit_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_audit_list, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, subject);
	sqlite3_bind_int64(st, 2, subject_id);
	sqlite3_bind_int64(st, 3, limit);
	return each_row(s, a, st, audit_row, (any_fn)cb, ctx, err);
}

/* ---- agents and groups ---- */

static mado_status agent_row(struct arena *a, sqlite3_stmt *st, any_fn cb, void *ctx)
{
	struct store_agent ag = {
		.id = sqlite3_column_int64(st, 0),
		.email = store_col_str(a, st, 1),
		.name = store_col_str(a, st, 2),
		.role = store_col_str(a, st, 3),
		.language = store_col_str(a, st, 4),
		.time_zone = store_col_str(a, st, 5),
		.available = sqlite3_column_int(st, 6),
		.disabled = sqlite3_column_int(st, 7),
	};
	return ((people_agent_cb)cb)(ctx, &ag);
}

mado_status people_agent_list(struct store *s, struct arena *a, people_agent_cb cb, void *ctx,
                              struct mado_err *err)
{
	return rows_of(s, a, sql_agent_list, false, 0, agent_row, (any_fn)cb, ctx, err);
}

static const struct field_sql agent_fields[] = {
	{ "name", sql_agent_set_name },
	{ "language", sql_agent_set_language },
	{ "time_zone", sql_agent_set_time_zone },
	{ "role", sql_agent_set_role },
	{ "available", sql_agent_set_available },
	{ "disabled", sql_agent_set_disabled },
};

mado_status people_agent_set(struct store *s, int64_t id, const char *field, const char *value,
                             struct mado_err *err)
{
	return set_field(s, agent_fields, sizeof agent_fields / sizeof agent_fields[0], "agent", id, field, value, err);
}

static mado_status id_row(struct arena *a, sqlite3_stmt *st, any_fn cb, void *ctx)
{
	(void)a;
	return ((people_id_cb)cb)(ctx, sqlite3_column_int64(st, 0));
}

mado_status people_agent_groups(struct store *s, int64_t agent_id, people_id_cb cb, void *ctx,
                                struct mado_err *err)
{
	return rows_of(s, NULL, sql_agent_groups, true, agent_id, id_row, (any_fn)cb, ctx, err);
}

mado_status people_agent_groups_set(struct store *s, int64_t agent_id, const int64_t *ids, size_t n,
                                    struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_agent_groups_clear, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, agent_id);
	mado_status r = store_step_done(s, st, err);
	for (size_t i = 0; r == MADO_OK && i < n; i++) {
		if (!(st = store_stmt(s, sql_agent_groups_add, err)))
			return MADO_EDB;
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_int64(st, 2, agent_id);
		r = store_step_done(s, st, err);
	}
	return r;
}

/* A store_row_reader: out is a struct people_group. */
static void read_group(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct people_group *g = out;
	g->id = sqlite3_column_int64(st, 0);
	g->name = store_col_str(a, st, 1);
	g->created_at = (time_t)sqlite3_column_int64(st, 2);
}

static mado_status group_row(struct arena *a, sqlite3_stmt *st, any_fn cb, void *ctx)
{
	struct people_group g;
	read_group(a, st, &g);
	return ((people_group_cb)cb)(ctx, &g);
}

mado_status people_group_list(struct store *s, struct arena *a, people_group_cb cb, void *ctx,
                              struct mado_err *err)
{
	return rows_of(s, a, sql_group_list, false, 0, group_row, (any_fn)cb, ctx, err);
}

mado_status people_group_get(struct store *s, struct arena *a, int64_t id, struct people_group *out,
                             struct mado_err *err)
{
	return store_get_by_id(s, a, sql_group_get, id, read_group, out, "group", err);
}

mado_status people_group_members(struct store *s, int64_t group_id, people_id_cb cb, void *ctx,
                                 struct mado_err *err)
{
	return rows_of(s, NULL, sql_group_members, true, group_id, id_row, (any_fn)cb, ctx, err);
}

/* ---- attachments and message bodies ---- */

/* A store_row_reader: out is a struct people_attachment. */
static void read_attachment(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct people_attachment *x = out;
	x->id = sqlite3_column_int64(st, 0);
	x->message_row = sqlite3_column_int64(st, 1);
	x->ticket_id = sqlite3_column_int64(st, 2);
	x->sha256 = store_col_str(a, st, 3);
	x->filename = store_col_str(a, st, 4);
	x->content_type = store_col_str(a, st, 5);
	x->size = sqlite3_column_int64(st, 6);
	x->stored = sqlite3_column_int(st, 7);
}

mado_status people_attachment_by_token(struct store *s, struct arena *a, const char *token,
                                       struct people_attachment *out, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_attachment_by_token, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, token);
	return store_get_row(s, a, st, read_attachment, out, err, "no such attachment");
}

mado_status people_attachment_url(struct store *s, struct arena *a, int64_t attachment_id, const char **url,
                                  struct mado_err *err)
{
	*url = NULL;
	sqlite3_stmt *st = store_stmt(s, sql_attachment_token, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, attachment_id);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found) {
		const char *tok = (const char *)sqlite3_column_text(st, 0);
		char u[128];
		snprintf(u, sizeof u, "/api/v1/attachments/%s", tok ? tok : "");
		if (!(*url = arena_strdup(a, u)))
			r = mado_fail(err, MADO_ENOMEM, "out of memory");
	}
	sqlite3_reset(st);
	if (r == MADO_OK && !found)
		return mado_fail(err, MADO_ENOTFOUND, "attachment %lld has no download token", (long long)attachment_id);
	return r;
}

/* A store_row_reader: out is a struct people_message_body. */
static void read_message_body(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct people_message_body *b = out;
	b->id = sqlite3_column_int64(st, 0);
	b->ticket_id = sqlite3_column_int64(st, 1);
	b->subject = store_col_str(a, st, 2);
	b->body_text = store_col_str(a, st, 3);
	b->body_html = store_col_str(a, st, 4);
}

mado_status people_message_body(struct store *s, struct arena *a, int64_t message_row,
                                struct people_message_body *out, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_message_body, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, message_row);
	return store_get_row(s, a, st, read_message_body, out, err, "no such message");
}

/* ---- uploads ---- */

mado_status people_upload_add(struct store *s, const struct people_upload *u, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_upload_add, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, u->id);
	sqlite3_bind_int64(st, 2, u->agent_id);
	store_bind_text(st, 3, u->sha256);
	store_bind_text(st, 4, u->filename);
	store_bind_text(st, 5, u->content_type);
	sqlite3_bind_int64(st, 6, u->size);
	sqlite3_bind_int64(st, 7, (int64_t)u->created_at);
	return store_step_done(s, st, err);
}

/* A store_row_reader: out is a struct people_upload. */
static void read_upload(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct people_upload *u = out;
	u->id = store_col_str(a, st, 0);
	u->agent_id = sqlite3_column_int64(st, 1);
	u->sha256 = store_col_str(a, st, 2);
	u->filename = store_col_str(a, st, 3);
	u->content_type = store_col_str(a, st, 4);
	u->size = sqlite3_column_int64(st, 5);
	u->created_at = (time_t)sqlite3_column_int64(st, 6);
	u->used_at = (time_t)sqlite3_column_int64(st, 7);
}

mado_status people_upload_get(struct store *s, struct arena *a, const char *id, int64_t agent_id,
                              struct people_upload *out, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_upload_get, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, agent_id);
	return store_get_row(s, a, st, read_upload, out, err, "no such upload");
}


/* ---- values people fields accept ---- */

bool people_tier_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64 || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Each table grouped by tier: the tier indexes (migration 019) make each
 * a walk of one index. */
static const char sql_tier_list[] =
	"SELECT tier, sum(c), sum(o), sum(p) FROM ("
	" SELECT tier, count(*) AS c, 0 AS o, 0 AS p FROM customers GROUP BY tier"
	" UNION ALL SELECT tier, 0, count(*), 0 FROM organizations GROUP BY tier"
	" UNION ALL SELECT match_tier, 0, 0, count(*) FROM sla_policies WHERE match_tier IS NOT NULL GROUP BY match_tier"
	") GROUP BY tier ORDER BY tier";

mado_status people_tier_list(struct store *s, struct arena *a, people_tier_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_tier_list, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct people_tier t = { store_col_str(a, st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			                     sqlite3_column_int64(st, 3) };
		r_ = t.tier ? cb(ctx, &t) : MADO_ENOMEM;
	});
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

bool people_time_zone_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return false;
	bool seg_start = true;
	for (const char *p = s; *p; p++) {
		char c = *p;
		if (seg_start) {
			if (!is_alpha(c))
				return false;
			seg_start = false;
		} else if (c == '/') {
			seg_start = true;
		} else if (!is_alnum(c) && c != '_' && c != '+' && c != '-') {
			return false;
		}
	}
	return !seg_start;
}

bool people_language_ok(const char *s)
{
	if (!s)
		return false;
	if (!*s)
		return true;
	size_t n = 0;
	while (is_alpha(s[n]))
		n++;
	if (n < 2 || n > 3)
		return false;
	const char *p = s + n;
	for (int subtags = 0; *p; subtags++) {
		if (*p != '-' || subtags >= 4)
			return false;
		p++;
		size_t k = 0;
		while (is_alnum(p[k]))
			k++;
		if (k < 1 || k > 8)
			return false;
		p += k;
	}
	return true;
}

bool people_name_ok(const char *s)
{
	if (!s || strlen(s) > 200)
		return false;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (n == 0 || (n == 2 && c < 0xc2) || (n == 4 && c > 0xf4))
			return false;
		if (n == 1 && (c < 0x20 || c == 0x7f))
			return false;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		if (n == 2 && c == 0xc2 && p[1] < 0xa0)
			return false; /* C1 controls */
		p += n;
	}
	return true;
}
