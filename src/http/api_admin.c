/*
 * Administration: agents (/api/v1/agents), groups (/api/v1/groups) and API
 * tokens (/api/v1/tokens).
 *
 * The route table admits the weakest role of each endpoint; the finer
 * rules live here. PATCH /agents/:id is the one that mixes roles: an admin
 * may change anything listed below of anyone (but not demote or disable
 * themselves, so the last admin cannot lock everyone out by accident),
 * any other agent only the personal fields (name, language, time_zone,
 * available) of their own account; anything else is 403. Unknown fields
 * are 400 before any permission is considered, so a typo is never
 * mistaken for a refusal. Every change writes a people_audit row in the
 * same transaction.
 *
 * Passwords are hashed (Argon2id) before the transaction starts, so the
 * slow hash never holds the database's write lock. API tokens are shown
 * once; only their SHA-256 is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/view.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/auth.h"
#include "store/store_people.h"
#include "util/clock.h"

#define PASSWORD_MIN 8
#define PASSWORD_MAX 1024
#define EMAIL_MAX 254
#define GROUP_NAME_MAX 100
#define TOKEN_NAME_MAX 100
#define GROUPS_MAX 64

static void bad(struct http_resp *resp, const char *code, const char *msg)
{
	http_error(resp, 400, code, msg);
}

static bool unknown_field(json_t *body, const char *const *known, struct http_resp *resp)
{
	const char *key;
	json_t *val;
	json_object_foreach(body, key, val) {
		bool ok = false;
		for (size_t i = 0; known[i]; i++)
			ok |= strcmp(known[i], key) == 0;
		if (!ok) {
			char msg[128];
			snprintf(msg, sizeof msg, "unknown field '%.64s'", key);
			bad(resp, "unknown_field", msg);
			return true;
		}
	}
	return false;
}

/* A plausible address: one "@" with text on both sides, no spaces or
 * control characters, at most EMAIL_MAX bytes. */
static bool email_ok(const char *s)
{
	if (!s || !*s || strlen(s) > EMAIL_MAX)
		return false;
	const char *at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@'))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == ',')
			return false;
	return true;
}

/* The name of a group or token: 1 to max (100) bytes; false with a 400 written. */
static bool short_name_ok(const char *name, size_t max, struct http_resp *resp)
{
	if (!name || !*name || strlen(name) > max || !people_name_ok(name)) {
		bad(resp, "bad_value", "name: 1 to 100 bytes, no control characters");
		return false;
	}
	return true;
}

/* ---- JSON ---- */

static mado_status add_id(void *ctx, int64_t id)
{
	json_array_append_new(ctx, json_integer(id));
	return MADO_OK;
}

/* The ids list() gives for id (an agent's groups, a group's members) as
 * a JSON array; *out NULL on failure. */
typedef mado_status (*id_list_fn)(struct store *s, int64_t id, people_id_cb cb, void *ctx, struct mado_err *err);
static mado_status id_array(struct store *s, int64_t id, id_list_fn list, json_t **out, struct mado_err *err)
{
	*out = json_array();
	mado_status st = list(s, id, add_id, *out, err);
	if (st) {
		json_decref(*out);
		*out = NULL;
	}
	return st;
}

/* The JSON of one agent or group (item), with what it refers to read from s. */
typedef mado_status (*item_json_fn)(struct store *s, const void *item, json_t **out, struct mado_err *err);

/* {key: item's JSON} with status, or the error of st or of reading it. */
static void send_item(struct http_req *req, struct http_resp *resp, int status, mado_status st, const void *item,
                      item_json_fn to_json, struct mado_err *err, const char *key, const char *not_found)
{
	json_t *j = NULL;
	if (st == MADO_OK)
		st = to_json(req->store, item, &j, err);
	api_send_result(resp, status, st, st ? NULL : json_pack("{s:o}", key, j), err, not_found);
}

/* A collection being listed: each item's JSON is appended to arr. */
struct item_list {
	struct store *store;
	item_json_fn to_json;
	json_t *arr;
};

static mado_status list_add(struct item_list *l, const void *item)
{
	json_t *j;
	struct mado_err err;
	mado_status st = l->to_json(l->store, item, &j, &err);
	if (st == MADO_OK)
		json_array_append_new(l->arr, j);
	return st;
}

/* {key: [...]}, or 503 with fail when listing (st) failed. */
static void send_list(struct http_resp *resp, const char *key, struct item_list *l, mado_status st,
                      const char *fail)
{
	if (st) {
		json_decref(l->arr);
		http_error(resp, 503, "unavailable", fail);
		return;
	}
	http_json(resp, 200, json_pack("{s:o}", key, l->arr));
}

/* An item_json_fn: item is a struct store_agent. */
static mado_status agent_json(struct store *s, const void *item, json_t **out, struct mado_err *err)
{
	const struct store_agent *ag = item;
	json_t *groups;
	mado_status st = id_array(s, ag->id, people_agent_groups, &groups, err);
	*out = NULL;
	if (st)
		return st;
	*out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "id", (json_int_t)ag->id, "email", ag->email,
	                 "name", ag->name, "role", ag->role, "language", ag->language, "time_zone", ag->time_zone,
	                 "available", ag->available, "disabled", ag->disabled, "groups", groups);
	return MADO_OK;
}

static void send_agent(struct http_req *req, struct http_resp *resp, int status, int64_t id)
{
	struct store_agent ag;
	struct mado_err err;
	mado_status st = store_agent_get(req->store, req->arena, id, &ag, &err);
	send_item(req, resp, status, st, &ag, agent_json, &err, "agent", "no such agent");
}

/* ---- GET /api/v1/agents ---- */

static mado_status add_agent(void *ctx, const struct store_agent *ag)
{
	return list_add(ctx, ag);
}

void api_agents_list(struct http_req *req, struct http_resp *resp)
{
	struct item_list l = { .store = req->store, .to_json = agent_json, .arr = json_array() };
	struct mado_err err;
	send_list(resp, "agents", &l, people_agent_list(req->store, req->arena, add_agent, &l, &err),
	          "cannot list agents");
}

/* ---- groups given as a JSON array of ids ---- */

/* ids from a JSON array of existing group ids; false with a 400 written. */
static bool group_ids(struct http_req *req, struct http_resp *resp, json_t *arr, int64_t *ids, size_t *n)
{
	*n = 0;
	if (!json_is_array(arr) || json_array_size(arr) > GROUPS_MAX) {
		bad(resp, "bad_value", "groups must be an array of at most 64 group ids");
		return false;
	}
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		struct people_group g;
		struct mado_err err;
		if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
		    people_group_get(req->store, req->arena, json_integer_value(v), &g, &err) != MADO_OK) {
			bad(resp, "bad_value", "groups: unknown group id");
			return false;
		}
		ids[(*n)++] = json_integer_value(v);
	}
	return true;
}

static mado_status join_ids(void *ctx, int64_t id)
{
	struct buf *b = ctx;
	return buf_printf(b, "%s%lld", b->len ? "," : "", (long long)id);
}

/* Replace memberships and audit the change (inside a transaction). */
static mado_status set_groups(struct http_req *req, int64_t agent_id, const int64_t *ids, size_t n,
                              const char *actor, time_t now, struct mado_err *err)
{
	struct buf old, nw;
	buf_init(&old, 0);
	buf_init(&nw, 0);
	mado_status st = people_agent_groups(req->store, agent_id, join_ids, &old, err);
	if (st == MADO_OK)
		st = people_agent_groups_set(req->store, agent_id, ids, n, err);
	if (st == MADO_OK)
		st = people_agent_groups(req->store, agent_id, join_ids, &nw, err);
	const char *o = old.p ? old.p : "", *w = nw.p ? nw.p : "";
	if (st == MADO_OK && strcmp(o, w) != 0)
		st = people_audit_add(req->store, "agent", agent_id, actor, "groups", o, w, now, err);
	buf_free(&old);
	buf_free(&nw);
	return st;
}

/* Check one value of an agent (create and PATCH); false with a 400 written. */
static bool agent_value_ok(const char *k, json_t *v, struct http_resp *resp)
{
	const char *s = json_string_value(v);
	if (!strcmp(k, "name") && !people_name_ok(s))
		bad(resp, "bad_value", "name: at most 200 bytes, no control characters");
	else if (!strcmp(k, "language") && (!s || !*s || !people_language_ok(s)))
		bad(resp, "bad_value", "language: a BCP 47 tag such as \"ja\" or \"en-GB\"");
	else if (!strcmp(k, "time_zone") && !people_time_zone_ok(s))
		bad(resp, "bad_value", "time_zone: an IANA zone name such as \"Asia/Tokyo\"");
	else if (!strcmp(k, "role") && (!s || role_parse(s) < ROLE_LIGHT_AGENT))
		bad(resp, "bad_value", "role: one of admin, supervisor, agent, light_agent");
	else if ((!strcmp(k, "available") || !strcmp(k, "disabled")) && !json_is_boolean(v))
		bad(resp, "bad_value", "available and disabled must be true or false");
	else
		return true;
	return false;
}

/* k absent from body, or its value fine for agent_value_ok(). */
static bool optional_ok(json_t *body, const char *k, struct http_resp *resp)
{
	json_t *v = json_object_get(body, k);
	return !v || agent_value_ok(k, v, resp);
}

/* ---- POST /api/v1/agents ---- */

void api_agent_create(struct http_req *req, struct http_resp *resp)
{
	static const char *const known[] = { "email", "name", "role", "password", "language", "time_zone", "groups",
		                                 NULL };
	json_t *body = http_body_json(req, resp);
	if (!body)
		return;
	int64_t ids[GROUPS_MAX];
	size_t nids = 0;
	const char *email = json_string_value(json_object_get(body, "email"));
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *role = json_string_value(json_object_get(body, "role"));
	const char *password = json_string_value(json_object_get(body, "password"));
	const char *language = json_string_value(json_object_get(body, "language"));
	const char *tz = json_string_value(json_object_get(body, "time_zone"));
	json_t *groups = json_object_get(body, "groups");
	char hash[128], actor[64];
	struct mado_err err;
	mado_status st = MADO_OK;
	time_t now = mado_now();
	int64_t id = 0;
	api_actor(req, actor, sizeof actor);
	if (unknown_field(body, known, resp))
		goto out;
	if (!email_ok(email)) {
		bad(resp, "bad_value", "email: an address such as agent@example.org");
		goto out;
	}
	if (!optional_ok(body, "name", resp) || !agent_value_ok("role", json_object_get(body, "role"), resp))
		goto out;
	if (!password || strlen(password) < PASSWORD_MIN || strlen(password) > PASSWORD_MAX) {
		bad(resp, "bad_value", "password: 8 to 1024 bytes");
		goto out;
	}
	if (!optional_ok(body, "language", resp) || !optional_ok(body, "time_zone", resp))
		goto out;
	if (groups && !group_ids(req, resp, groups, ids, &nids))
		goto out;
	if (auth_hash_password(password, hash, &err) != MADO_OK) {
		http_error(resp, 500, "internal", "cannot hash the password");
		goto out;
	}
	if ((st = store_begin(req->store, &err)) != MADO_OK) {
		http_error(resp, 503, "unavailable", err.msg);
		goto out;
	}
	if ((st = store_agent_add(req->store, email, name ? name : "", role, hash, now, &id, &err)) == MADO_OK &&
	    (!language || (st = people_agent_set(req->store, id, "language", language, &err)) == MADO_OK) &&
	    (!tz || (st = people_agent_set(req->store, id, "time_zone", tz, &err)) == MADO_OK) &&
	    (st = people_audit_add(req->store, "agent", id, actor, "created", NULL, role, now, &err)) == MADO_OK &&
	    (!groups || (st = set_groups(req, id, ids, nids, actor, now, &err)) == MADO_OK))
		st = store_commit(req->store, &err);
	else
		store_rollback(req->store);
	if (st == MADO_EEXIST)
		http_error(resp, 409, "exists", "an agent with this email exists already");
	else if (st)
		http_error(resp, 503, "unavailable", err.msg);
	else
		send_agent(req, resp, 201, id);
out:
	json_decref(body);
}

/* ---- PATCH /api/v1/agents/:id ---- */

/* The fields any agent may change on their own account. */
static bool personal_field(const char *k)
{
	return !strcmp(k, "name") || !strcmp(k, "language") || !strcmp(k, "time_zone") || !strcmp(k, "available");
}

static const char *agent_field_value(const struct store_agent *ag, const char *k)
{
	if (!strcmp(k, "name"))
		return ag->name;
	if (!strcmp(k, "language"))
		return ag->language;
	if (!strcmp(k, "time_zone"))
		return ag->time_zone;
	if (!strcmp(k, "role"))
		return ag->role;
	if (!strcmp(k, "available"))
		return ag->available ? "1" : "0";
	return ag->disabled ? "1" : "0";
}

void api_agent_update(struct http_req *req, struct http_resp *resp)
{
	static const char *const known[] = { "name", "language", "time_zone", "available", "role", "disabled", "groups",
		                                 NULL };
	int64_t id = http_param_id(req, 0);
	json_t *body = http_body_json(req, resp);
	if (!body)
		return;
	bool admin = req->who.role >= ROLE_ADMIN, self = id && id == req->who.agent_id;
	int64_t ids[GROUPS_MAX];
	size_t nids = 0;
	struct mado_err err;
	struct store_agent ag;
	char actor[64];
	time_t now = mado_now();
	api_actor(req, actor, sizeof actor);
	mado_status st = MADO_OK;
	const char *key;
	json_t *val;

	if (unknown_field(body, known, resp))
		goto out;
	if (!admin && !self) {
		http_error(resp, 403, "forbidden", "you may change only your own account");
		goto out;
	}
	json_object_foreach(body, key, val) {
		if (!admin && (!self || !personal_field(key))) {
			http_error(resp, 403, "forbidden",
			           self ? "only an admin may change role, disabled and groups"
			                : "you may change only your own account");
			goto out;
		}
		if (!agent_value_ok(key, val, resp))
			goto out;
	}
	if (admin && self) {
		const char *r = json_string_value(json_object_get(body, "role"));
		if ((r && strcmp(r, "admin") != 0) || json_is_true(json_object_get(body, "disabled"))) {
			http_error(resp, 409, "self_lockout", "an admin may not demote or disable themselves");
			goto out;
		}
	}
	json_t *groups = json_object_get(body, "groups");
	if (groups && !group_ids(req, resp, groups, ids, &nids))
		goto out;
	if (!id || (st = store_agent_get(req->store, req->arena, id, &ag, &err)) == MADO_ENOTFOUND) {
		http_error(resp, 404, "not_found", "no such agent");
		goto out;
	}
	if (st || (st = store_begin(req->store, &err))) {
		http_error(resp, 503, "unavailable", err.msg);
		goto out;
	}
	json_object_foreach(body, key, val) {
		if (val == groups) {
			st = set_groups(req, id, ids, nids, actor, now, &err);
		} else {
			const char *old = agent_field_value(&ag, key);
			const char *nv = json_is_boolean(val) ? (json_is_true(val) ? "1" : "0") : json_string_value(val);
			if (strcmp(old, nv) != 0 && (st = people_agent_set(req->store, id, key, nv, &err)) == MADO_OK)
				st = people_audit_add(req->store, "agent", id, actor, key, old, nv, now, &err);
		}
		if (st)
			break;
	}
	if (st == MADO_OK)
		st = store_commit(req->store, &err);
	else
		store_rollback(req->store);
	if (st)
		http_error(resp, 503, "unavailable", err.msg);
	else
		send_agent(req, resp, 200, id);
out:
	json_decref(body);
}

/* ---- groups ---- */

/* An item_json_fn: item is a struct people_group. */
static mado_status group_json(struct store *s, const void *item, json_t **out, struct mado_err *err)
{
	const struct people_group *g = item;
	json_t *members;
	mado_status st = id_array(s, g->id, people_group_members, &members, err);
	*out = NULL;
	if (st)
		return st;
	char b[32];
	*out = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)g->id, "name", g->name, "created_at",
	                 view_time(g->created_at, b, sizeof b), "members", members);
	return MADO_OK;
}

static void send_group(struct http_req *req, struct http_resp *resp, int status, int64_t id)
{
	struct people_group g;
	struct mado_err err;
	mado_status st = people_group_get(req->store, req->arena, id, &g, &err);
	send_item(req, resp, status, st, &g, group_json, &err, "group", "no such group");
}

static mado_status add_group(void *ctx, const struct people_group *g)
{
	return list_add(ctx, g);
}

void api_groups_list(struct http_req *req, struct http_resp *resp)
{
	struct item_list l = { .store = req->store, .to_json = group_json, .arr = json_array() };
	struct mado_err err;
	send_list(resp, "groups", &l, people_group_list(req->store, req->arena, add_group, &l, &err),
	          "cannot list groups");
}

void api_group_create(struct http_req *req, struct http_resp *resp)
{
	static const char *const known[] = { "name", NULL };
	json_t *body = http_body_json(req, resp);
	if (!body)
		return;
	const char *name = json_string_value(json_object_get(body, "name"));
	struct mado_err err;
	char actor[64];
	time_t now = mado_now();
	int64_t id = 0;
	mado_status st;
	api_actor(req, actor, sizeof actor);
	if (unknown_field(body, known, resp))
		goto out;
	if (!short_name_ok(name, GROUP_NAME_MAX, resp))
		goto out;
	if ((st = store_begin(req->store, &err))) {
		http_error(resp, 503, "unavailable", err.msg);
		goto out;
	}
	if ((st = store_group_by_name(req->store, name, &id, &err)) == MADO_OK && id)
		st = MADO_EEXIST;
	else if (st == MADO_OK && (st = store_group_add(req->store, name, now, &id, &err)) == MADO_OK)
		st = people_audit_add(req->store, "group", id, actor, "created", NULL, name, now, &err);
	if (st == MADO_OK)
		st = store_commit(req->store, &err);
	else
		store_rollback(req->store);
	if (st == MADO_EEXIST)
		http_error(resp, 409, "exists", "a group with this name exists already");
	else if (st)
		http_error(resp, 503, "unavailable", err.msg);
	else
		send_group(req, resp, 201, id);
out:
	json_decref(body);
}

void api_group_member_add(struct http_req *req, struct http_resp *resp)
{
	static const char *const known[] = { "agent_id", NULL };
	int64_t gid = http_param_id(req, 0);
	json_t *body = http_body_json(req, resp);
	if (!body)
		return;
	json_t *aid = json_object_get(body, "agent_id");
	struct mado_err err;
	struct people_group g;
	struct store_agent ag;
	char actor[64], v[32];
	time_t now = mado_now();
	mado_status st;
	api_actor(req, actor, sizeof actor);
	if (unknown_field(body, known, resp))
		goto out;
	if (!json_is_integer(aid) || json_integer_value(aid) <= 0) {
		bad(resp, "bad_value", "agent_id: an agent's id");
		goto out;
	}
	if (!gid || (st = people_group_get(req->store, req->arena, gid, &g, &err)) == MADO_ENOTFOUND) {
		http_error(resp, 404, "not_found", "no such group");
		goto out;
	}
	if (st == MADO_OK &&
	    (st = store_agent_get(req->store, req->arena, json_integer_value(aid), &ag, &err)) == MADO_ENOTFOUND) {
		bad(resp, "bad_value", "agent_id: no such agent");
		goto out;
	}
	if (st || (st = store_begin(req->store, &err))) {
		http_error(resp, 503, "unavailable", err.msg);
		goto out;
	}
	snprintf(v, sizeof v, "%lld", (long long)ag.id);
	if ((st = store_group_member_add(req->store, gid, ag.id, &err)) == MADO_OK &&
	    (st = people_audit_add(req->store, "group", gid, actor, "member_added", NULL, v, now, &err)) == MADO_OK)
		st = store_commit(req->store, &err);
	else
		store_rollback(req->store);
	if (st)
		http_error(resp, 503, "unavailable", err.msg);
	else
		send_group(req, resp, 200, gid);
out:
	json_decref(body);
}

/* ---- POST /api/v1/tokens ---- */

void api_token_create(struct http_req *req, struct http_resp *resp)
{
	static const char *const known[] = { "name", NULL };
	json_t *body = http_body_json(req, resp);
	if (!body)
		return;
	const char *name = json_string_value(json_object_get(body, "name"));
	struct mado_err err;
	char token[65], hash[65], at[32];
	time_t now = mado_now();
	int64_t id = 0;
	mado_status st;
	if (unknown_field(body, known, resp))
		goto out;
	if (!short_name_ok(name, TOKEN_NAME_MAX, resp))
		goto out;
	if (!req->who.agent_id) {
		http_error(resp, 403, "forbidden", "only agents have API tokens");
		goto out;
	}
	auth_new_token(token);
	auth_token_hash(token, hash);
	if ((st = store_begin(req->store, &err)) == MADO_OK) {
		if ((st = store_token_add(req->store, hash, req->who.agent_id, name, now, &id, &err)) == MADO_OK)
			st = store_commit(req->store, &err);
		else
			store_rollback(req->store);
	}
	if (st) {
		http_error(resp, 503, "unavailable", err.msg);
		goto out;
	}
	http_json(resp, 201, json_pack("{s:{s:I, s:s, s:s, s:s}, s:s}", "token", "id", (json_int_t)id, "name", name,
	                               "token", token, "created_at", view_time(now, at, sizeof at), "note",
	                               "the token is shown only now; only its hash is stored"));
out:
	json_decref(body);
}
