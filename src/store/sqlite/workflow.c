/*
 * Triage and routing in SQLite (see store/store_workflow.h). Static SQL
 * with bound parameters, prepared once per connection by store_stmt().
 *
 * The routing candidates come with their open tickets counted and
 * weighted in the same statement (tickets_assignee index), so least-load
 * routing costs one query per decision, not one per agent.
 */
#include "store/store_workflow.h"

#include <string.h>

#include "store/sqlite/internal.h"

/* ---- rules ---- */

#define RULE_COLS "id, position, kind, name, rule_json, enabled, created_at, updated_at FROM triage_rules "
static const char sql_rule_list[] = "SELECT " RULE_COLS
	"WHERE (?1 = '' OR kind = ?1) AND (?2 = 0 OR enabled = 1) "
	"ORDER BY CASE kind WHEN 'priority' THEN 0 WHEN 'category' THEN 1 WHEN 'routing' THEN 2 ELSE 3 END, position, id";
static const char sql_rule_get[] = "SELECT " RULE_COLS "WHERE id = ?1";
static const char sql_rule_add[] =
	"INSERT INTO triage_rules(kind, name, position, enabled, rule_json, created_at, updated_at) "
	"VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM triage_rules WHERE kind = ?1), ?3, ?4, ?5, ?5)";
static const char sql_rule_update[] =
	"UPDATE triage_rules SET name = coalesce(?2, name), enabled = CASE WHEN ?3 < 0 THEN enabled ELSE ?3 END, "
	"rule_json = coalesce(?4, rule_json), updated_at = ?5 WHERE id = ?1";
static const char sql_rule_position[] = "UPDATE triage_rules SET position = ?2 WHERE id = ?1";
static const char sql_rule_delete[] = "DELETE FROM triage_rules WHERE id = ?1";
static const char sql_rule_delete_all[] = "DELETE FROM triage_rules";

static void read_rule(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_rule *r = out;
	r->id = sqlite3_column_int64(st, 0);
	r->position = sqlite3_column_int64(st, 1);
	r->kind = store_col_str(a, st, 2);
	r->name = store_col_str(a, st, 3);
	r->rule_json = store_col_str(a, st, 4);
	r->enabled = sqlite3_column_int(st, 5);
	r->created_at = (time_t)sqlite3_column_int64(st, 6);
	r->updated_at = (time_t)sqlite3_column_int64(st, 7);
}

mado_status store_rule_list(struct store *s, struct arena *a, const char *kind, bool enabled_only, store_rule_cb cb,
                            void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_rule_list, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, kind);
	sqlite3_bind_int(st, 2, enabled_only);
	STORE_EACH_ROW(s, st, err, {
		struct store_rule r;
		read_rule(a, st, &r);
		r_ = cb(ctx, &r);
	});
}

mado_status store_rule_get(struct store *s, struct arena *a, int64_t id, struct store_rule *out,
                           struct mado_err *err)
{
	return store_get_by_id(s, a, sql_rule_get, id, read_rule, out, "rule", err);
}

/* Run st (already bound) and report MADO_ENOTFOUND when it changed no row. */
static mado_status step_changed(struct store *s, sqlite3_stmt *st, const char *what, struct mado_err *err)
{
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK && sqlite3_changes(store_db(s)) == 0)
		return mado_fail(err, MADO_ENOTFOUND, "no such %s", what);
	return r;
}

mado_status store_rule_add(struct store *s, const char *kind, const char *name, bool enabled, const char *rule_json,
                           time_t now, int64_t *id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_rule_add, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, kind);
	store_bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, enabled);
	store_bind_text(st, 4, rule_json);
	sqlite3_bind_int64(st, 5, (int64_t)now);
	mado_status r = store_step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return r;
}

mado_status store_rule_update(struct store *s, int64_t id, const char *name, int enabled, const char *rule_json,
                              time_t now, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_rule_update, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	if (name)
		store_bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, enabled);
	if (rule_json)
		store_bind_text(st, 4, rule_json);
	sqlite3_bind_int64(st, 5, (int64_t)now);
	return step_changed(s, st, "rule", err);
}

mado_status store_rule_set_position(struct store *s, int64_t id, int64_t position, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_rule_position, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, position);
	return step_changed(s, st, "rule", err);
}

mado_status store_rule_delete(struct store *s, int64_t id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_rule_delete, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	return step_changed(s, st, "rule", err);
}

mado_status store_rule_delete_all(struct store *s, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_rule_delete_all, err);
	return st ? store_step_done(s, st, err) : MADO_EDB;
}

/* ---- what rules look at ---- */

static const char sql_facts[] =
	"SELECT coalesce((SELECT body_text FROM messages m WHERE m.ticket_id = t.id AND m.direction = 'in' "
	"                 ORDER BY m.id DESC LIMIT 1), ''), "
	"coalesce((SELECT to_json FROM messages m WHERE m.ticket_id = t.id ORDER BY m.id LIMIT 1), '[]'), "
	"coalesce(c.tier, ''), coalesce(c.language, ''), coalesce(o.domain, ''), coalesce(o.tier, ''), "
	"coalesce(g.name, ''), coalesce(ag.email, ''), "
	"coalesce((SELECT group_concat(tag, ',') FROM ticket_tags tt WHERE tt.ticket_id = t.id), ''), "
	"coalesce(t.group_id, 0), coalesce(t.assignee_id, 0), "
	"coalesce((SELECT json_group_object(d.key, v.value) FROM ticket_field_values v "
	"          JOIN custom_fields d ON d.id = v.field_id WHERE v.ticket_id = t.id), '{}') "
	"FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id "
	"LEFT JOIN organizations o ON o.id = t.organization_id LEFT JOIN groups g ON g.id = t.group_id "
	"LEFT JOIN agents ag ON ag.id = t.assignee_id WHERE t.id = ?1";

static void read_facts(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_triage_facts *f = out;
	const char **str[] = { &f->body,     &f->to_json,    &f->customer_tier,  &f->customer_language, &f->org_domain,
	                       &f->org_tier, &f->group_name, &f->assignee_email, &f->tags };
	for (int i = 0; i < 9; i++)
		*str[i] = store_col_str(a, st, i);
	f->group_id = sqlite3_column_int64(st, 9);
	f->assignee_id = sqlite3_column_int64(st, 10);
	f->custom_json = store_col_str(a, st, 11);
}

mado_status store_triage_facts(struct store *s, struct arena *a, int64_t ticket, struct store_triage_facts *f,
                               struct mado_err *err)
{
	return store_get_by_id(s, a, sql_facts, ticket, read_facts, f, "ticket", err);
}

static const char sql_customer_count[] =
	"SELECT count(*) FROM tickets WHERE customer_id = ?1 AND created_at >= ?2";

mado_status store_customer_ticket_count(struct store *s, int64_t customer_id, time_t since, int64_t *n,
                                        struct mado_err *err)
{
	*n = 0;
	sqlite3_stmt *st = store_stmt(s, sql_customer_count, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_int64(st, 2, (int64_t)since);
	bool found;
	mado_status r = store_step_row(s, st, &found, err);
	if (r == MADO_OK && found)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r;
}

static const char sql_set_category[] = "UPDATE tickets SET category = ?2 WHERE id = ?1";
static const char sql_set_language[] = "UPDATE tickets SET language = ?2 WHERE id = ?1";
static const char sql_set_reason[] = "UPDATE tickets SET priority_reason = ?2 WHERE id = ?1";
static const char sql_set_reason_ja[] = "UPDATE tickets SET priority_reason_ja = ?2 WHERE id = ?1";

mado_status store_ticket_set_triage(struct store *s, int64_t ticket, const char *column, const char *value,
                                    struct mado_err *err)
{
	const char *sql = !strcmp(column, "category")          ? sql_set_category
	                  : !strcmp(column, "language")        ? sql_set_language
	                  : !strcmp(column, "priority_reason") ? sql_set_reason
	                  : !strcmp(column, "priority_reason_ja") ? sql_set_reason_ja
	                                                          : NULL;
	if (!sql)
		return mado_fail(err, MADO_EINVAL, "not a triage column of tickets: %s", column);
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket);
	store_bind_text(st, 2, value);
	return store_step_done(s, st, err);
}

/* ---- routing ---- */

static const char sql_route_agents[] =
	"SELECT a.id, a.capacity, "
	"(SELECT count(*) FROM tickets t WHERE t.assignee_id = a.id AND t.status NOT IN ('resolved','closed')), "
	"(SELECT coalesce(sum(CASE t.priority WHEN 'low' THEN 1 WHEN 'normal' THEN 2 WHEN 'high' THEN 3 ELSE 4 END), 0) "
	"   FROM tickets t WHERE t.assignee_id = a.id AND t.status NOT IN ('resolved','closed')), "
	"a.email, a.skills, a.shifts, a.senior "
	"FROM group_members gm JOIN agents a ON a.id = gm.agent_id "
	"WHERE gm.group_id = ?1 AND a.disabled = 0 AND a.available = 1 AND a.role <> 'light_agent' ORDER BY a.id";

mado_status store_group_route_agents(struct store *s, struct arena *a, int64_t group_id, store_route_agent_cb cb,
                                     void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_route_agents, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, group_id);
	STORE_EACH_ROW(s, st, err, {
		struct store_route_agent ag = {
			.id = sqlite3_column_int64(st, 0),
			.capacity = sqlite3_column_int64(st, 1),
			.open_count = sqlite3_column_int64(st, 2),
			.load = sqlite3_column_int64(st, 3),
			.email = store_col_str(a, st, 4),
			.skills_json = store_col_str(a, st, 5),
			.shifts = store_col_str(a, st, 6),
			.senior = sqlite3_column_int(st, 7),
		};
		r_ = cb(ctx, &ag);
	});
}

#define GROUP_ROUTING_COLS "id, coalesce(rr_cursor, 0), coalesce(escalation_group_id, 0), name, strategy FROM groups "
static const char sql_group_routing_get[] = "SELECT " GROUP_ROUTING_COLS "WHERE id = ?1";
static const char sql_group_routing_list[] = "SELECT " GROUP_ROUTING_COLS "ORDER BY id";
static const char sql_group_routing_set[] =
	"UPDATE groups SET strategy = ?2, escalation_group_id = nullif(?3, 0) WHERE id = ?1";
static const char sql_group_cursor_set[] = "UPDATE groups SET rr_cursor = ?2 WHERE id = ?1";

static void read_group_routing(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_group_routing *g = out;
	g->id = sqlite3_column_int64(st, 0);
	g->rr_cursor = sqlite3_column_int64(st, 1);
	g->escalation_group_id = sqlite3_column_int64(st, 2);
	g->name = store_col_str(a, st, 3);
	g->strategy = store_col_str(a, st, 4);
}

mado_status store_group_routing_get(struct store *s, struct arena *a, int64_t group_id,
                                    struct store_group_routing *out, struct mado_err *err)
{
	return store_get_by_id(s, a, sql_group_routing_get, group_id, read_group_routing, out, "group", err);
}

mado_status store_group_routing_list(struct store *s, struct arena *a, store_group_routing_cb cb, void *ctx,
                                     struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_group_routing_list, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_group_routing g;
		read_group_routing(a, st, &g);
		r_ = cb(ctx, &g);
	});
}

mado_status store_group_routing_set(struct store *s, int64_t group_id, const char *strategy,
                                    int64_t escalation_group_id, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_group_routing_set, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, group_id);
	store_bind_text(st, 2, strategy);
	sqlite3_bind_int64(st, 3, escalation_group_id);
	return step_changed(s, st, "group", err);
}

mado_status store_group_cursor_set(struct store *s, int64_t group_id, int64_t cursor, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_group_cursor_set, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, group_id);
	sqlite3_bind_int64(st, 2, cursor);
	return store_step_done(s, st, err);
}

#define AGENT_ROUTING_COLS "id, capacity, email, skills, shifts, senior, available FROM agents "
static const char sql_agent_routing_get[] = "SELECT " AGENT_ROUTING_COLS "WHERE id = ?1";
static const char sql_agent_routing_list[] = "SELECT " AGENT_ROUTING_COLS "ORDER BY id";
static const char sql_agent_routing_set[] =
	"UPDATE agents SET capacity = ?2, senior = ?3, skills = ?4, shifts = ?5 WHERE id = ?1";
static const char sql_agent_open[] =
	"SELECT id FROM tickets WHERE assignee_id = ?1 AND status NOT IN ('resolved','closed') ORDER BY id";

static void read_agent_routing(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_agent_routing *r = out;
	r->id = sqlite3_column_int64(st, 0);
	r->capacity = sqlite3_column_int64(st, 1);
	r->email = store_col_str(a, st, 2);
	r->skills_json = store_col_str(a, st, 3);
	r->shifts = store_col_str(a, st, 4);
	r->senior = sqlite3_column_int(st, 5);
	r->available = sqlite3_column_int(st, 6);
}

mado_status store_agent_routing_get(struct store *s, struct arena *a, int64_t agent_id,
                                    struct store_agent_routing *out, struct mado_err *err)
{
	return store_get_by_id(s, a, sql_agent_routing_get, agent_id, read_agent_routing, out, "agent", err);
}

mado_status store_agent_routing_list(struct store *s, struct arena *a, store_agent_routing_cb cb, void *ctx,
                                     struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_agent_routing_list, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_agent_routing r;
		read_agent_routing(a, st, &r);
		r_ = cb(ctx, &r);
	});
}

mado_status store_agent_routing_set(struct store *s, int64_t agent_id, int64_t capacity, bool senior,
                                    const char *skills_json, const char *shifts, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_agent_routing_set, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, agent_id);
	sqlite3_bind_int64(st, 2, capacity);
	sqlite3_bind_int(st, 3, senior);
	store_bind_text(st, 4, skills_json);
	store_bind_text(st, 5, shifts);
	return step_changed(s, st, "agent", err);
}

mado_status store_agent_open_tickets(struct store *s, int64_t agent_id, store_id_cb cb, void *ctx,
                                     struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_agent_open, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, agent_id);
	STORE_EACH_ROW(s, st, err, r_ = cb(ctx, sqlite3_column_int64(st, 0)));
}

/* ---- what triggers queue ---- */

static const char sql_webhook_add[] =
	"INSERT INTO webhook_queue(ticket_id, rule_id, url, body_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_notification_add[] =
	"INSERT INTO notifications(agent_id, ticket_id, body, created_at) VALUES (?1, ?2, ?3, ?4)";

mado_status store_webhook_add(struct store *s, int64_t ticket, int64_t rule_id, const char *url,
                              const char *body_json, time_t now, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_webhook_add, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket);
	sqlite3_bind_int64(st, 2, rule_id);
	store_bind_text(st, 3, url);
	store_bind_text(st, 4, body_json);
	sqlite3_bind_int64(st, 5, (int64_t)now);
	return store_step_done(s, st, err);
}

mado_status store_notification_add(struct store *s, int64_t agent_id, int64_t ticket, const char *body, time_t now,
                                   struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_notification_add, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, agent_id);
	sqlite3_bind_int64(st, 2, ticket);
	store_bind_text(st, 3, body);
	sqlite3_bind_int64(st, 4, (int64_t)now);
	return store_step_done(s, st, err);
}

static const char sql_webhook_due[] =
	"SELECT id, coalesce(ticket_id, 0), attempts, url, body_json FROM webhook_queue "
	"WHERE status = 'queued' AND next_attempt_at <= ?1 ORDER BY id LIMIT ?2";
static const char sql_webhook_attempt[] =
	"UPDATE webhook_queue SET status = ?2, last_error = ?3, next_attempt_at = ?4, attempts = attempts + 1, "
	"sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END WHERE id = ?1";

mado_status store_webhook_due(struct store *s, struct arena *a, time_t now, int64_t limit, store_webhook_cb cb,
                              void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_webhook_due, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, (int64_t)now);
	sqlite3_bind_int64(st, 2, limit);
	STORE_EACH_ROW(s, st, err, {
		struct store_webhook w = {
			.id = sqlite3_column_int64(st, 0),
			.ticket_id = sqlite3_column_int64(st, 1),
			.attempts = sqlite3_column_int64(st, 2),
			.url = store_col_str(a, st, 3),
			.body_json = store_col_str(a, st, 4),
		};
		r_ = cb(ctx, &w);
	});
}

static const char sql_webhook_claim[] =
	"UPDATE webhook_queue SET next_attempt_at = ?2 WHERE id = ?1 AND status = 'queued' AND next_attempt_at <= ?3";

mado_status store_webhook_claim(struct store *s, int64_t id, time_t until, time_t now, bool *claimed,
                                struct mado_err *err)
{
	*claimed = false;
	sqlite3_stmt *st = store_stmt(s, sql_webhook_claim, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)until);
	sqlite3_bind_int64(st, 3, (int64_t)now);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_db_fail(s, err, "write");
	*claimed = sqlite3_changes(store_db(s)) == 1;
	return MADO_OK;
}

mado_status store_webhook_attempt(struct store *s, int64_t id, const char *status, const char *error,
                                  time_t next_attempt_at, time_t now, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_webhook_attempt, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, status);
	store_bind_text(st, 3, error);
	sqlite3_bind_int64(st, 4, (int64_t)next_attempt_at);
	sqlite3_bind_int64(st, 5, (int64_t)now);
	return step_changed(s, st, "webhook", err);
}
