/*
 * Workflow administration: priority, category, routing and trigger rules
 * (/api/v1/rules), their dry run, agents' routing profiles and groups'
 * strategies, redistribution of an away agent's tickets, and import /
 * export of the whole configuration (/api/v1/workflow).
 *
 * Admins and supervisors only (the route table); import replaces the
 * configuration and is admin-only. Every rule is parsed by the same
 * parser that runs it (core/rules.c) before it is stored, so the database
 * holds only rules that run; the error says what is wrong. Bodies are
 * checked before the transaction; each write is one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hours.h"
#include "util/clock.h"
#include "store/store_sla.h"
#include "core/routing.h"
#include "core/rules.h"
#include "core/triage.h"
#include "http/api.h"
#include "http/server_internal.h"
#include "store/store_people.h"
#include "store/store_workflow.h"
#include "store/workspace.h"

#define RULE_NAME_MAX 200
#define IMPORT_MAX_RULES 1000

void api_store_error(struct http_resp *resp, mado_status st, const struct mado_err *err);

/* ---- shared ---- */

static bool begin(struct http_req *req, struct http_resp *resp)
{
	struct mado_err err;
	mado_status st = store_begin(req->store, &err);
	if (st)
		api_store_error(resp, st, &err);
	return st == MADO_OK;
}

/* Commit when st is fine, else roll back; false with a response written. */
static bool finish(struct http_req *req, struct http_resp *resp, mado_status st, struct mado_err *err,
                   const char *not_found)
{
	if (st == MADO_OK && (st = store_commit(req->store, err)) == MADO_OK)
		return true;
	store_rollback(req->store);
	if (st == MADO_ENOTFOUND)
		http_error(resp, 404, "not_found", not_found);
	else if (st == MADO_EINVAL)
		http_error(resp, 400, "bad_request", err->msg);
	else
		api_store_error(resp, st, err);
	return false;
}

static bool only_keys(json_t *j, const char *const *known, struct http_resp *resp)
{
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v) {
		bool ok = false;
		for (size_t i = 0; known[i]; i++)
			ok |= strcmp(known[i], k) == 0;
		if (!ok) {
			char msg[128];
			snprintf(msg, sizeof msg, "unknown field '%.64s'", k);
			http_error(resp, 400, "unknown_field", msg);
			return false;
		}
	}
	return true;
}

static bool name_ok(const char *s)
{
	return s && *s && strlen(s) <= RULE_NAME_MAX && !strpbrk(s, "\r\n") && people_name_ok(s);
}

struct calendar_check {
	struct store *s;
	struct mado_err *err;
};

static mado_status calendar_exists(void *ctx, const char *name)
{
	struct calendar_check *c = ctx;
	int64_t id;
	mado_status st = store_calendar_by_name(c->s, name, &id, c->err);
	if (!st && !id)
		st = mado_fail(c->err, MADO_EINVAL, "business_hours: no calendar named \"%.100s\"", name);
	return st;
}

/* Validate a rule object of kind: NULL with err filled, or its compact
 * text (malloc). Routing rules must name an existing group, business-hours
 * conditions an existing calendar. */
static char *rule_text(struct http_req *req, int kind, json_t *rule, struct mado_err *err)
{
	char *text = json_is_object(rule) ? json_dumps(rule, JSON_COMPACT) : NULL;
	if (!text) {
		mado_fail(err, MADO_EINVAL, "rule must be a JSON object");
		return NULL;
	}
	struct rule *r;
	if (rule_parse(text, strlen(text), (enum rule_kind)kind, &r, err)) {
		free(text);
		return NULL;
	}
	int64_t g = 0;
	struct calendar_check cc = { req->store, err };
	if (r->group && (store_group_by_name(req->store, r->group, &g, err) != MADO_OK || !g)) {
		mado_fail(err, MADO_EINVAL, "routing rule: no group named \"%.100s\"", r->group);
		free(text);
		text = NULL;
	} else if (rule_each_calendar(r, calendar_exists, &cc)) {
		free(text);
		text = NULL;
	}
	rule_free(r);
	return text;
}

static json_t *rule_json(const struct store_rule *r)
{
	json_t *rule = json_loads(r->rule_json, 0, NULL);
	return json_pack("{s:I, s:s, s:s, s:I, s:b, s:o, s:I, s:I}", "id", (json_int_t)r->id, "kind", r->kind, "name",
	                 r->name, "position", (json_int_t)r->position, "enabled", r->enabled, "rule",
	                 rule ? rule : json_null(), "created_at", (json_int_t)r->created_at, "updated_at",
	                 (json_int_t)r->updated_at);
}

static void send_rule(struct http_req *req, struct http_resp *resp, int status, int64_t id)
{
	struct store_rule r;
	struct mado_err err;
	mado_status st = store_rule_get(req->store, req->arena, id, &r, &err);
	if (st == MADO_ENOTFOUND)
		http_error(resp, 404, "not_found", "no such rule");
	else if (st)
		api_store_error(resp, st, &err);
	else
		http_json(resp, status, json_pack("{s:o}", "rule", rule_json(&r)));
}

/* ---- GET /api/v1/rules[?kind=] ---- */

static mado_status add_rule(void *ctx, const struct store_rule *r)
{
	json_array_append_new(ctx, rule_json(r));
	return MADO_OK;
}

void api_rules_list(struct http_req *req, struct http_resp *resp)
{
	const char *kind = http_query_get(req, "kind");
	if (kind && rule_kind_parse(kind) < 0) {
		http_error(resp, 400, "bad_kind", "kind is priority, category, routing or trigger");
		return;
	}
	json_t *arr = json_array();
	struct mado_err err;
	mado_status st = store_rule_list(req->store, req->arena, kind, false, add_rule, arr, &err);
	if (st) {
		json_decref(arr);
		api_store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, json_pack("{s:o}", "rules", arr));
}

void api_rule_show(struct http_req *req, struct http_resp *resp)
{
	send_rule(req, resp, 200, http_param_id(req, 0));
}

/* ---- POST /api/v1/rules ---- */

void api_rule_create(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	static const char *const known[] = { "kind", "name", "rule", "enabled", NULL };
	const char *kind = json_string_value(json_object_get(j, "kind"));
	const char *name = json_string_value(json_object_get(j, "name"));
	json_t *en = json_object_get(j, "enabled");
	int k = rule_kind_parse(kind);
	struct mado_err err;
	char *text = NULL;
	if (!only_keys(j, known, resp))
		goto out;
	if (k < 0 || !name_ok(name) || (en && !json_is_boolean(en))) {
		http_error(resp, 400, "bad_request",
		           "kind (priority, category, routing, trigger), name (1-200 characters) and rule are required; "
		           "enabled is true or false");
		goto out;
	}
	if (!begin(req, resp))
		goto out;
	if (!(text = rule_text(req, k, json_object_get(j, "rule"), &err))) {
		store_rollback(req->store);
		http_error(resp, 400, "bad_rule", err.msg);
		goto out;
	}
	int64_t id = 0;
	mado_status st = store_rule_add(req->store, kind, name, !en || json_is_true(en), text, time(NULL), &id, &err);
	if (finish(req, resp, st, &err, "no such rule"))
		send_rule(req, resp, 201, id);
out:
	free(text);
	json_decref(j);
}

/* ---- PATCH /api/v1/rules/:id ---- */

void api_rule_update(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	static const char *const known[] = { "name", "rule", "enabled", NULL };
	json_t *name = json_object_get(j, "name"), *en = json_object_get(j, "enabled"), *rule = json_object_get(j, "rule");
	char *text = NULL;
	struct mado_err err;
	if (!only_keys(j, known, resp))
		goto out;
	if ((name && !name_ok(json_string_value(name))) || (en && !json_is_boolean(en))) {
		http_error(resp, 400, "bad_request", "name is 1-200 characters; enabled is true or false");
		goto out;
	}
	if (!begin(req, resp))
		goto out;
	struct store_rule cur;
	mado_status st = store_rule_get(req->store, req->arena, id, &cur, &err);
	if (st == MADO_OK && rule && !(text = rule_text(req, rule_kind_parse(cur.kind), rule, &err))) {
		store_rollback(req->store);
		http_error(resp, 400, "bad_rule", err.msg);
		goto out;
	}
	if (st == MADO_OK)
		st = store_rule_update(req->store, id, json_string_value(name), en ? json_is_true(en) : -1, text,
		                       time(NULL), &err);
	if (finish(req, resp, st, &err, "no such rule"))
		send_rule(req, resp, 200, id);
out:
	free(text);
	json_decref(j);
}

void api_rule_delete(struct http_req *req, struct http_resp *resp)
{
	struct mado_err err;
	if (!begin(req, resp))
		return;
	mado_status st = store_rule_delete(req->store, http_param_id(req, 0), &err);
	if (finish(req, resp, st, &err, "no such rule"))
		http_json(resp, 200, json_pack("{s:b}", "deleted", 1));
}

/* ---- POST /api/v1/rules/order {"kind": k, "ids": [...]} ---- */

struct order_ctx {
	json_t *ids;
	size_t seen, missing;
};

static mado_status check_listed(void *vctx, const struct store_rule *r)
{
	struct order_ctx *c = vctx;
	c->seen++;
	size_t i;
	json_t *v;
	bool found = false;
	json_array_foreach(c->ids, i, v) found |= json_integer_value(v) == r->id;
	c->missing += !found;
	return MADO_OK;
}

void api_rules_order(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	static const char *const known[] = { "kind", "ids", NULL };
	const char *kind = json_string_value(json_object_get(j, "kind"));
	json_t *ids = json_object_get(j, "ids");
	struct mado_err err;
	if (!only_keys(j, known, resp))
		goto out;
	bool ok = rule_kind_parse(kind) >= 0 && json_is_array(ids) && json_array_size(ids) <= IMPORT_MAX_RULES;
	for (size_t i = 0; ok && i < json_array_size(ids); i++)
		ok = json_is_integer(json_array_get(ids, i));
	if (!ok) {
		http_error(resp, 400, "bad_request", "the body is {\"kind\": kind, \"ids\": [every rule id of that kind, in order]}");
		goto out;
	}
	if (!begin(req, resp))
		goto out;
	struct order_ctx c = { ids, 0, 0 };
	mado_status st = store_rule_list(req->store, req->arena, kind, false, check_listed, &c, &err);
	if (st == MADO_OK && (c.missing || c.seen != json_array_size(ids)))
		st = mado_fail(&err, MADO_EINVAL, "ids must list every %s rule exactly once (%zu of them)", kind, c.seen);
	for (size_t i = 0; st == MADO_OK && i < json_array_size(ids); i++)
		st = store_rule_set_position(req->store, json_integer_value(json_array_get(ids, i)), (int64_t)i + 1, &err);
	if (finish(req, resp, st, &err, "no such rule")) {
		json_t *arr = json_array();
		store_rule_list(req->store, req->arena, kind, false, add_rule, arr, &err);
		http_json(resp, 200, json_pack("{s:o}", "rules", arr));
	}
out:
	json_decref(j);
}

/* ---- POST /api/v1/rules/test: the dry run ---- */

void api_rules_test(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	static const char *const known[] = { "ticket", "kind", "event", "rule", NULL };
	json_t *tk = json_object_get(j, "ticket"), *rule = json_object_get(j, "rule");
	const char *kind = json_string_value(json_object_get(j, "kind"));
	const char *event = json_string_value(json_object_get(j, "event"));
	int k = kind ? rule_kind_parse(kind) : -1;
	enum rule_event ev = !event || !strcmp(event, "created") ? RULE_ON_CREATED
	                     : !strcmp(event, "updated")         ? RULE_ON_UPDATED
	                     : !strcmp(event, "customer_replied") ? RULE_ON_CUSTOMER_REPLIED
	                                                          : 0;
	struct rule *cand = NULL;
	struct mado_err err;
	json_t *out = NULL;
	if (!only_keys(j, known, resp))
		goto done;
	if (!json_is_integer(tk) || (kind && k < 0) || !ev || (rule && k < 0)) {
		http_error(resp, 400, "bad_request",
		           "the body is {\"ticket\": number, \"kind\": kind, \"event\": created|updated|customer_replied, "
		           "\"rule\": an unsaved rule to try (needs kind)}");
		goto done;
	}
	if (rule) {
		char *text = json_is_object(rule) ? json_dumps(rule, JSON_COMPACT) : NULL;
		mado_status st = text ? rule_parse(text, strlen(text), (enum rule_kind)k, &cand, &err)
		                      : mado_fail(&err, MADO_EINVAL, "rule must be a JSON object");
		free(text);
		if (st) {
			http_error(resp, 400, "bad_rule", err.msg);
			goto done;
		}
		cand->name = strdup("(unsaved)");
	}
	struct triage_opts o;
	triage_opts_from_config(&o, &req->srv->ws->cfg);
	o.key = req->srv->ws->key; /* simulate trigger mail too (rolled back) */
	mado_status st = triage_dry_run(req->store, json_integer_value(tk), k, cand, ev, &o, mado_now(), &out, &err);
	if (st == MADO_ENOTFOUND)
		http_error(resp, 404, "not_found", "no such ticket");
	else if (st)
		api_store_error(resp, st, &err);
	else
		http_json(resp, 200, out);
done:
	rule_free(cand);
	json_decref(j);
}

/* ---- agents' routing profiles and groups' strategies ---- */

static json_t *agent_routing_json(const struct store_agent_routing *r)
{
	json_t *skills = json_loads(r->skills_json, 0, NULL);
	return json_pack("{s:I, s:s, s:I, s:b, s:o, s:s, s:b}", "id", (json_int_t)r->id, "email", r->email, "capacity",
	                 (json_int_t)r->capacity, "senior", r->senior, "skills", skills ? skills : json_array(), "shifts",
	                 r->shifts, "available", r->available);
}

static bool skills_ok(json_t *a)
{
	if (!json_is_array(a) || json_array_size(a) > 50)
		return false;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!s || !*s || strlen(s) > 64 || strpbrk(s, "\r\n\t\","))
			return false;
	}
	return true;
}

/* Merge body fields over the current profile and store it. */
static mado_status set_agent_routing(struct http_req *req, int64_t id, json_t *j, struct mado_err *err)
{
	struct store_agent_routing cur;
	mado_status st = store_agent_routing_get(req->store, req->arena, id, &cur, err);
	if (st)
		return st;
	json_t *cap = json_object_get(j, "capacity"), *sen = json_object_get(j, "senior"),
	       *sk = json_object_get(j, "skills"), *sh = json_object_get(j, "shifts");
	if ((cap && (!json_is_integer(cap) || json_integer_value(cap) < 0 || json_integer_value(cap) > 10000)) ||
	    (sen && !json_is_boolean(sen)) || (sk && !skills_ok(sk)) || (sh && !json_is_string(sh)))
		return mado_fail(err, MADO_EINVAL, "capacity is 0..10000 (0 = no limit), senior true/false, skills an array "
		                                   "of up to 50 words, shifts weekly hours");
	if (sh && (st = hours_check_spec(json_string_value(sh), err)))
		return st;
	char *skills = sk ? json_dumps(sk, JSON_COMPACT) : NULL;
	st = store_agent_routing_set(req->store, id, cap ? json_integer_value(cap) : cur.capacity,
	                             sen ? json_is_true(sen) : cur.senior, skills ? skills : cur.skills_json,
	                             sh ? json_string_value(sh) : cur.shifts, err);
	free(skills);
	return st;
}

static void send_agent_routing(struct http_req *req, struct http_resp *resp, int64_t id)
{
	struct store_agent_routing r;
	struct mado_err err;
	mado_status st = store_agent_routing_get(req->store, req->arena, id, &r, &err);
	if (st == MADO_ENOTFOUND)
		http_error(resp, 404, "not_found", "no such agent");
	else if (st)
		api_store_error(resp, st, &err);
	else
		http_json(resp, 200, json_pack("{s:o}", "routing", agent_routing_json(&r)));
}

void api_agent_routing_show(struct http_req *req, struct http_resp *resp)
{
	send_agent_routing(req, resp, http_param_id(req, 0));
}

void api_agent_routing_update(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	static const char *const known[] = { "capacity", "senior", "skills", "shifts", NULL };
	struct mado_err err;
	if (only_keys(j, known, resp) && begin(req, resp) &&
	    finish(req, resp, set_agent_routing(req, id, j, &err), &err, "no such agent"))
		send_agent_routing(req, resp, id);
	json_decref(j);
}

static mado_status set_group_routing(struct http_req *req, int64_t id, json_t *j, struct mado_err *err)
{
	struct store_group_routing cur;
	mado_status st = store_group_routing_get(req->store, req->arena, id, &cur, err);
	if (st)
		return st;
	const char *strategy = json_string_value(json_object_get(j, "strategy"));
	json_t *esc = json_object_get(j, "escalation_group_id");
	if ((json_object_get(j, "strategy") && !routing_strategy_ok(strategy)) ||
	    (esc && !json_is_null(esc) && (!json_is_integer(esc) || json_integer_value(esc) == id)))
		return mado_fail(err, MADO_EINVAL, "strategy is none, round_robin, least_loaded, skills or vip; "
		                                   "escalation_group_id another group's id or null");
	int64_t eg = esc ? (json_is_null(esc) ? 0 : json_integer_value(esc)) : cur.escalation_group_id;
	bool exists = true;
	if (eg && (st = store_group_exists(req->store, eg, &exists, err)))
		return st;
	if (!exists)
		return mado_fail(err, MADO_EINVAL, "escalation_group_id: no such group");
	return store_group_routing_set(req->store, id, strategy ? strategy : cur.strategy, eg, err);
}

static json_t *group_routing_json(const struct store_group_routing *g)
{
	return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)g->id, "name", g->name, "strategy", g->strategy,
	                 "escalation_group_id", g->escalation_group_id ? json_integer(g->escalation_group_id) : json_null());
}

void api_group_routing_update(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	static const char *const known[] = { "strategy", "escalation_group_id", NULL };
	struct mado_err err;
	struct store_group_routing g;
	if (only_keys(j, known, resp) && begin(req, resp) &&
	    finish(req, resp, set_group_routing(req, id, j, &err), &err, "no such group") &&
	    store_group_routing_get(req->store, req->arena, id, &g, &err) == MADO_OK)
		http_json(resp, 200, json_pack("{s:o}", "routing", group_routing_json(&g)));
	json_decref(j);
}

/* ---- POST /api/v1/agents/:id/redistribute ---- */

void api_agent_redistribute(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	struct mado_err err;
	struct store_agent ag;
	mado_status st = store_agent_get(req->store, req->arena, id, &ag, &err);
	if (st == MADO_ENOTFOUND) {
		http_error(resp, 404, "not_found", "no such agent");
		return;
	}
	if (!begin(req, resp))
		return;
	struct triage_opts o;
	triage_opts_from_config(&o, &req->srv->ws->cfg);
	struct rule_env env = { .now = time(NULL), .store = req->store, .hours = o.hours };
	size_t moved = 0, left = 0;
	if (st == MADO_OK)
		st = routing_redistribute(req->store, id, &env, &moved, &left, &err);
	if (finish(req, resp, st, &err, "no such agent"))
		http_json(resp, 200, json_pack("{s:I, s:I}", "reassigned", (json_int_t)moved, "unassigned", (json_int_t)left));
}

/* ---- GET /api/v1/workflow/export, POST /api/v1/workflow/import ---- */

static mado_status export_rule(void *ctx, const struct store_rule *r)
{
	json_t *rule = json_loads(r->rule_json, 0, NULL);
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:b, s:o}", "kind", r->kind, "name", r->name, "enabled",
	                                     r->enabled, "rule", rule ? rule : json_null()));
	return MADO_OK;
}

struct export_ctx {
	struct store *s;
	struct arena *a;
	json_t *arr;
};

static mado_status export_group(void *vctx, const struct store_group_routing *g)
{
	struct export_ctx *c = vctx;
	json_t *esc = json_null();
	struct store_group_routing eg;
	struct mado_err err;
	if (g->escalation_group_id && store_group_routing_get(c->s, c->a, g->escalation_group_id, &eg, &err) == MADO_OK)
		esc = json_string(eg.name);
	json_array_append_new(c->arr, json_pack("{s:s, s:s, s:o}", "name", g->name, "strategy", g->strategy,
	                                        "escalation_group", esc));
	return MADO_OK;
}

static mado_status export_agent(void *ctx, const struct store_agent_routing *r)
{
	json_t *j = agent_routing_json(r);
	json_object_del(j, "id");
	json_object_del(j, "available");
	json_array_append_new(ctx, j);
	return MADO_OK;
}

void api_workflow_export(struct http_req *req, struct http_resp *resp)
{
	json_t *rules = json_array(), *groups = json_array(), *agents = json_array();
	struct mado_err err;
	struct export_ctx gc = { req->store, req->arena, groups };
	mado_status st = store_rule_list(req->store, req->arena, NULL, false, export_rule, rules, &err);
	if (!st)
		st = store_group_routing_list(req->store, req->arena, export_group, &gc, &err);
	if (!st)
		st = store_agent_routing_list(req->store, req->arena, export_agent, agents, &err);
	json_t *out = json_pack("{s:i, s:o, s:o, s:o}", "version", 1, "rules", rules, "groups", groups, "agents", agents);
	/* the SLA configuration is the admins': supervisors export the rest */
	if (!st && req->who.role >= ROLE_ADMIN)
		st = api_sla_config_export(req, out, &err);
	if (st) {
		json_decref(out);
		api_store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, out);
}

/* Apply an exported configuration inside the current transaction: the
 * SLA sections first (rules may name calendars), then groups, agents and
 * the rules. */
static mado_status import_all(struct http_req *req, json_t *j, json_t *counts, struct mado_err *err)
{
	json_t *rules = json_object_get(j, "rules"), *groups = json_object_get(j, "groups"),
	       *agents = json_object_get(j, "agents");
	if ((rules && !json_is_array(rules)) || json_array_size(rules) > IMPORT_MAX_RULES ||
	    (groups && !json_is_array(groups)) || (agents && !json_is_array(agents)) ||
	    json_integer_value(json_object_get(j, "version")) != 1)
		return mado_fail(err, MADO_EINVAL, "the body is an export: {\"version\": 1, \"rules\": [...], \"groups\": [...], "
		                                   "\"agents\": [...], \"calendars\": [...], \"sla_policies\": [...], "
		                                   "\"automations\": [...]} with at most %d rules", IMPORT_MAX_RULES);
	size_t i;
	json_t *v;
	mado_status st = api_sla_config_import(req, j, counts, err);
	if (st)
		return st;
	/* groups first: routing rules name them, escalation groups point at them */
	json_array_foreach(groups, i, v) {
		int64_t id = 0, esc = 0;
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *escn = json_string_value(json_object_get(v, "escalation_group"));
		if (!name || store_group_by_name(req->store, name, &id, err) != MADO_OK || !id ||
		    (escn && (store_group_by_name(req->store, escn, &esc, err) != MADO_OK || !esc)))
			return mado_fail(err, MADO_EINVAL, "groups[%zu]: no group named \"%.100s\" here", i,
			                 escn && id ? escn : name ? name : "");
		json_t *body = json_object(), *strategy = json_object_get(v, "strategy");
		if (strategy)
			json_object_set(body, "strategy", strategy);
		json_object_set_new(body, "escalation_group_id", esc ? json_integer(esc) : json_null());
		st = set_group_routing(req, id, body, err);
		json_decref(body);
		if (st)
			return st == MADO_EINVAL ? mado_fail_prefix(err, st, "groups[%zu]", i) : st;
	}
	json_array_foreach(agents, i, v) {
		struct store_agent ag;
		const char *email = json_string_value(json_object_get(v, "email"));
		if (!email || store_agent_by_email(req->store, req->arena, email, &ag, err) != MADO_OK)
			return mado_fail(err, MADO_EINVAL, "agents[%zu]: no agent \"%.100s\" here", i, email ? email : "");
		json_t *body = json_deep_copy(v);
		json_object_del(body, "email");
		st = set_agent_routing(req, ag.id, body, err);
		json_decref(body);
		if (st)
			return st == MADO_EINVAL ? mado_fail_prefix(err, st, "agents[%zu]", i) : st;
	}
	/* the rules are replaced as a whole; a document without them keeps them */
	if (rules && (st = store_rule_delete_all(req->store, err)))
		return st;
	json_array_foreach(rules, i, v) {
		const char *kind = json_string_value(json_object_get(v, "kind"));
		const char *name = json_string_value(json_object_get(v, "name"));
		json_t *en = json_object_get(v, "enabled");
		int k = rule_kind_parse(kind);
		if (k < 0 || !name_ok(name) || (en && !json_is_boolean(en)))
			return mado_fail(err, MADO_EINVAL, "rules[%zu]: kind, name and rule are required", i);
		char *text = rule_text(req, k, json_object_get(v, "rule"), err);
		if (!text)
			return mado_fail_prefix(err, MADO_EINVAL, "rules[%zu] (%.100s)", i, name);
		int64_t id;
		st = store_rule_add(req->store, kind, name, !en || json_is_true(en), text, time(NULL), &id, err);
		free(text);
		if (st)
			return st;
	}
	json_object_set_new(counts, "rules", json_integer((json_int_t)json_array_size(rules)));
	json_object_set_new(counts, "groups", json_integer((json_int_t)json_array_size(groups)));
	json_object_set_new(counts, "agents", json_integer((json_int_t)json_array_size(agents)));
	return MADO_OK;
}

void api_workflow_import(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	static const char *const known[] = { "version", "rules", "groups", "agents", "calendars", "sla_policies",
		                                 "automations", NULL };
	struct mado_err err;
	json_t *counts = json_object();
	if (only_keys(j, known, resp) && begin(req, resp) &&
	    finish(req, resp, import_all(req, j, counts, &err), &err, "not found"))
		http_json(resp, 200, json_pack("{s:O, s:O}", "rules", json_object_get(counts, "rules"), "imported", counts));
	json_decref(counts);
	json_decref(j);
}
