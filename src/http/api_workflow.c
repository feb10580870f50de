/*
 * Admin API for the SLA half of the workflow configuration: calendars
 * (with holidays), SLA policies and automations, a dry run of the policy
 * match, and export/import of all three as one JSON document.
 *
 * The three resources share one implementation: each is described by a
 * table of fields (JSON name, kind, offset in its store struct) that both
 * reads request bodies (unknown fields refused, types checked) and writes
 * responses, plus a check function for what the kinds cannot say (zone
 * names, hours syntax, references). POST starts from defaults, PATCH from
 * the stored row; both run the same checks.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/sla.h"
#include "http/api.h"
#include "store/store_people.h"
#include "store/store_tickets.h"
#include "store/store_workflow.h"
#include "util/clock.h"

#define NAME_MAX_BYTES 200
#define TEXT_MAX_BYTES (64 * 1024)

void api_store_error(struct http_resp *resp, mado_status st, const struct mado_err *err);

enum fkind { F_NAME, F_TEXT, F_OPT, F_INT, F_REF, F_BOOL, F_JSON };

struct field {
	const char *json;
	enum fkind kind;
	size_t off;
};

struct resource;
typedef const char *(*check_fn)(struct http_req *req, void *obj);

struct resource {
	const char *what;            /* "calendar" */
	size_t size;                 /* of the store struct */
	const struct field *fields;
	void (*defaults)(void *obj);
	check_fn check;
	mado_status (*add)(struct store *s, const void *obj, time_t now, int64_t *id, struct mado_err *err);
	mado_status (*update)(struct store *s, const void *obj, struct mado_err *err);
	mado_status (*del)(struct store *s, int64_t id, struct mado_err *err);
	mado_status (*get)(struct store *s, struct arena *a, int64_t id, void *obj, struct mado_err *err);
	mado_status (*list)(struct store *s, struct arena *a, mado_status (*cb)(void *, const void *), void *ctx,
	                    struct mado_err *err);
};

static const char *const priorities[] = { "low", "normal", "high", "urgent", NULL };
static const char *const types[] = { "question", "incident", "request", "problem", "alarm", NULL };
static const char *const kinds[] = { "remind_pending", "auto_close", "escalate", NULL };
static const char *const on_sla[] = { "", "warning", "breach", NULL };

static bool in_list(const char *v, const char *const *list)
{
	for (size_t i = 0; v && list[i]; i++)
		if (!strcmp(v, list[i]))
			return true;
	return false;
}

/* ---- reading and writing fields ---- */

#define AT(obj, f, type) ((type *)((char *)(obj) + (f)->off))

/* Set one field from JSON; NULL or a message saying what is wrong. */
static const char *read_field(struct http_req *req, const struct field *f, json_t *v, void *obj)
{
	switch (f->kind) {
	case F_NAME:
	case F_TEXT: {
		const char *s = json_string_value(v);
		size_t max = f->kind == F_NAME ? NAME_MAX_BYTES : TEXT_MAX_BYTES;
		if (!s || (f->kind == F_NAME && !*s) || strlen(s) > max)
			return f->kind == F_NAME ? "must be a non-empty string of at most 200 bytes"
			                         : "must be a string of at most 64 KB";
		*AT(obj, f, const char *) = arena_strdup(req->arena, s);
		return NULL;
	}
	case F_OPT:
		if (json_is_null(v)) {
			*AT(obj, f, const char *) = NULL;
			return NULL;
		}
		if (!json_is_string(v) || json_string_length(v) > NAME_MAX_BYTES)
			return "must be a string or null";
		*AT(obj, f, const char *) = arena_strdup(req->arena, json_string_value(v));
		return NULL;
	case F_INT:
	case F_REF:
		if (f->kind == F_REF && json_is_null(v)) {
			*AT(obj, f, int64_t) = 0;
			return NULL;
		}
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > CAL_MAX_SPAN)
			return f->kind == F_REF ? "must be an id or null" : "must be a whole number of seconds, 0 or more";
		*AT(obj, f, int64_t) = json_integer_value(v);
		return NULL;
	case F_BOOL:
		if (!json_is_boolean(v))
			return "must be true or false";
		*AT(obj, f, bool) = json_is_true(v);
		return NULL;
	case F_JSON: {
		if (!json_is_array(v) || json_array_size(v) > CAL_MAX_HOLIDAYS)
			return "must be an array of at most 2000 entries";
		char *s = json_dumps(v, JSON_COMPACT);
		*AT(obj, f, const char *) = s ? arena_strdup(req->arena, s) : "[]";
		free(s);
		return NULL;
	}
	}
	return "unsupported";
}

static json_t *write_field(const struct field *f, const void *obj)
{
	const char *s = *(const char *const *)((const char *)obj + f->off);
	switch (f->kind) {
	case F_NAME:
	case F_TEXT:
		return json_string(s ? s : "");
	case F_OPT:
		return s ? json_string(s) : json_null();
	case F_INT:
		return json_integer(*(const int64_t *)((const char *)obj + f->off));
	case F_REF: {
		int64_t id = *(const int64_t *)((const char *)obj + f->off);
		return id ? json_integer(id) : json_null();
	}
	case F_BOOL:
		return json_boolean(*(const bool *)((const char *)obj + f->off));
	case F_JSON: {
		json_t *j = json_loads(s ? s : "[]", 0, NULL);
		return j ? j : json_array();
	}
	}
	return json_null();
}

static json_t *to_json(const struct resource *r, const void *obj)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(*(const int64_t *)obj));   /* id is every struct's first field */
	for (const struct field *f = r->fields; f->json; f++)
		json_object_set_new(j, f->json, write_field(f, obj));
	return j;
}

/* Overlay body on obj; NULL, or what is wrong (in req->arena) with the
 * error code for it in *code. */
static const char *overlay(struct http_req *req, const struct resource *r, json_t *body, void *obj, const char **code)
{
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v) {
		const struct field *f = r->fields;
		while (f->json && strcmp(f->json, key))
			f++;
		const char *msg = f->json ? read_field(req, f, v, obj) : "is not a field of this resource";
		if (msg) {
			char *m = arena_alloc(req->arena, 200);
			if (m)
				snprintf(m, 200, "%.64s: %s", key, msg);
			*code = f->json ? "bad_field" : "unknown_field";
			return m ? m : msg;
		}
	}
	*code = "bad_value";
	return r->check(req, obj);
}

/* Overlay body on obj; false with a 400 in resp on a bad field. */
static bool from_json(struct http_req *req, struct http_resp *resp, const struct resource *r, json_t *body, void *obj)
{
	const char *code, *msg = overlay(req, r, body, obj, &code);
	if (msg)
		http_error(resp, 400, code, msg);
	return !msg;
}

/* ---- the three resources ---- */

static const char *ref_ok(struct http_req *req, int64_t group_id, int64_t calendar_id)
{
	struct mado_err err;
	bool yes = true;
	if (group_id && (store_group_exists(req->store, group_id, &yes, &err) || !yes))
		return "no such group";
	struct store_calendar c;
	if (calendar_id && store_calendar_get(req->store, req->arena, calendar_id, &c, &err))
		return "no such calendar";
	return NULL;
}

#define FLD(type, name, kind, member) { name, kind, offsetof(type, member) }

static const struct field calendar_fields[] = {
	FLD(struct store_calendar, "name", F_NAME, name),
	FLD(struct store_calendar, "time_zone", F_NAME, time_zone),
	FLD(struct store_calendar, "hours", F_TEXT, hours),
	FLD(struct store_calendar, "jp_holidays", F_BOOL, jp_holidays),
	FLD(struct store_calendar, "holidays", F_JSON, holidays_json),
	{ 0 },
};

static void calendar_defaults(void *obj)
{
	struct store_calendar *c = obj;
	c->time_zone = "Asia/Tokyo";
	c->hours = "mon-fri 09:00-18:00";
	c->jp_holidays = true;
	c->holidays_json = "[]";
}

static const char *calendar_check(struct http_req *req, void *obj)
{
	struct store_calendar *c = obj;
	struct calendar *cal = arena_alloc(req->arena, sizeof *cal);
	struct mado_err err;
	if (!cal)
		return "out of memory";
	calendar_init(cal);
	if (!c->name)
		return "name is required";
	if (calendar_set_zone(cal, c->time_zone, &err) || calendar_parse_hours(cal, c->hours, &err))
		return arena_strdup(req->arena, err.msg);
	int open_days = 0;
	for (int d = 0; d < 7; d++)
		open_days += cal->week[d].n > 0;
	if (!open_days)
		return "hours: a calendar must be open at least once a week";
	json_t *hs = json_loads(c->holidays_json, 0, NULL);
	const char *msg = NULL;
	for (size_t i = 0; !msg && i < json_array_size(hs); i++) {
		json_t *h = json_array_get(hs, i), *name = json_object_get(h, "name");
		const char *d = json_string_value(json_object_get(h, "date"));
		if (!json_is_object(h) || !d || (name && (!json_is_string(name) || json_string_length(name) > 200)))
			msg = "holidays: each is {\"date\": \"YYYY-MM-DD\", \"name\": \"...\"}";
		else if (calendar_add_holiday(cal, d, &err))
			msg = arena_strdup(req->arena, err.msg);
	}
	json_decref(hs);
	return msg;
}

static const struct field policy_fields[] = {
	FLD(struct store_sla_policy, "name", F_NAME, name),
	FLD(struct store_sla_policy, "position", F_INT, position),
	FLD(struct store_sla_policy, "enabled", F_BOOL, enabled),
	FLD(struct store_sla_policy, "match_priority", F_OPT, match_priority),
	FLD(struct store_sla_policy, "match_tier", F_OPT, match_tier),
	FLD(struct store_sla_policy, "match_type", F_OPT, match_type),
	FLD(struct store_sla_policy, "match_group_id", F_REF, match_group_id),
	FLD(struct store_sla_policy, "calendar_id", F_REF, calendar_id),
	FLD(struct store_sla_policy, "first_response_seconds", F_INT, first_response),
	FLD(struct store_sla_policy, "next_response_seconds", F_INT, next_response),
	FLD(struct store_sla_policy, "resolution_seconds", F_INT, resolution),
	FLD(struct store_sla_policy, "warn_seconds", F_INT, warn),
	{ 0 },
};

static void policy_defaults(void *obj)
{
	struct store_sla_policy *p = obj;
	p->enabled = true;
	p->warn = 3600;
}

static const char *policy_check(struct http_req *req, void *obj)
{
	struct store_sla_policy *p = obj;
	if (!p->name)
		return "name is required";
	if (p->match_priority && !in_list(p->match_priority, priorities))
		return "match_priority must be low, normal, high, urgent or null";
	if (p->match_type && !in_list(p->match_type, types))
		return "match_type must be question, incident, request, problem, alarm or null";
	if (p->match_tier && !people_tier_ok(p->match_tier))
		return "match_tier must be a tier name (1 to 64 bytes, one line, no blanks at either end) or null";
	return ref_ok(req, p->match_group_id, p->calendar_id);
}

static const struct field automation_fields[] = {
	FLD(struct store_automation, "name", F_NAME, name),
	FLD(struct store_automation, "position", F_INT, position),
	FLD(struct store_automation, "enabled", F_BOOL, enabled),
	FLD(struct store_automation, "kind", F_NAME, kind),
	FLD(struct store_automation, "after_seconds", F_INT, after_seconds),
	FLD(struct store_automation, "calendar_id", F_REF, calendar_id),
	FLD(struct store_automation, "on_sla", F_TEXT, on_sla),
	FLD(struct store_automation, "set_priority", F_OPT, set_priority),
	FLD(struct store_automation, "set_group_id", F_REF, set_group_id),
	FLD(struct store_automation, "notify_supervisor", F_BOOL, notify_supervisor),
	FLD(struct store_automation, "message", F_TEXT, message),
	{ 0 },
};

static void automation_defaults(void *obj)
{
	struct store_automation *au = obj;
	au->enabled = true;
	au->on_sla = "";
	au->message = "";
}

static const char *automation_check(struct http_req *req, void *obj)
{
	struct store_automation *au = obj;
	if (!au->name || !au->kind)
		return "name and kind are required";
	if (!in_list(au->kind, kinds))
		return "kind must be remind_pending, auto_close or escalate";
	if (!in_list(au->on_sla, on_sla))
		return "on_sla must be \"\", warning or breach";
	if (!strcmp(au->kind, "escalate") == !*au->on_sla)
		return "on_sla (warning or breach) is required for escalate and only for it";
	if (strcmp(au->kind, "escalate") && au->after_seconds <= 0)
		return "after_seconds must be positive";
	if (!strcmp(au->kind, "escalate") && !au->set_priority && !au->set_group_id && !au->notify_supervisor)
		return "an escalation must do something: set_priority, set_group_id or notify_supervisor";
	if (au->set_priority && !in_list(au->set_priority, priorities))
		return "set_priority must be low, normal, high, urgent or null";
	return ref_ok(req, au->set_group_id, au->calendar_id);
}

/* Adapters from the typed store functions to the generic shape; list
 * callbacks go through a typed forwarder rather than a cast. */
struct list_fwd {
	mado_status (*cb)(void *, const void *);
	void *ctx;
};

#define ADAPT(prefix, type, cbtype, ...)                                                                  \
	static mado_status res_##prefix##_add(struct store *s, const void *o, time_t now, int64_t *id,        \
	                                      struct mado_err *err)                                           \
	{                                                                                                    \
		return store_##prefix##_add(s, (const type *)o, now, id, err);                                   \
	}                                                                                                    \
	static mado_status res_##prefix##_update(struct store *s, const void *o, struct mado_err *err)        \
	{                                                                                                    \
		return store_##prefix##_update(s, (const type *)o, err);                                         \
	}                                                                                                    \
	static mado_status res_##prefix##_get(struct store *s, struct arena *a, int64_t id, void *o,          \
	                                      struct mado_err *err)                                           \
	{                                                                                                    \
		return store_##prefix##_get(s, a, id, (type *)o, err);                                           \
	}                                                                                                    \
	static mado_status res_##prefix##_fwd(void *ctx, const type *o)                                      \
	{                                                                                                    \
		struct list_fwd *f = ctx;                                                                        \
		return f->cb(f->ctx, o);                                                                         \
	}                                                                                                    \
	static mado_status res_##prefix##_list(struct store *s, struct arena *a,                             \
	                                       mado_status (*cb)(void *, const void *), void *ctx,           \
	                                       struct mado_err *err)                                          \
	{                                                                                                    \
		struct list_fwd f = { cb, ctx };                                                                 \
		return store_##prefix##_list(s, a, __VA_ARGS__ res_##prefix##_fwd, &f, err);                     \
	}
ADAPT(calendar, struct store_calendar, store_calendar_cb)
ADAPT(sla_policy, struct store_sla_policy, store_sla_policy_cb)
ADAPT(automation, struct store_automation, store_automation_cb, false,)

/* to_json() and find_name() read every struct as { id; name; ... } */
_Static_assert(offsetof(struct store_calendar, name) == sizeof(int64_t), "calendar starts with id, name");
_Static_assert(offsetof(struct store_sla_policy, name) == sizeof(int64_t), "policy starts with id, name");
_Static_assert(offsetof(struct store_automation, name) == sizeof(int64_t), "automation starts with id, name");

static const struct resource calendars = {
	"calendar", sizeof(struct store_calendar), calendar_fields, calendar_defaults, calendar_check,
	res_calendar_add, res_calendar_update, store_calendar_delete, res_calendar_get, res_calendar_list,
};
static const struct resource policies = {
	"policy", sizeof(struct store_sla_policy), policy_fields, policy_defaults, policy_check,
	res_sla_policy_add, res_sla_policy_update, store_sla_policy_delete, res_sla_policy_get, res_sla_policy_list,
};
static const struct resource automations = {
	"automation", sizeof(struct store_automation), automation_fields, automation_defaults, automation_check,
	res_automation_add, res_automation_update, store_automation_delete, res_automation_get, res_automation_list,
};

/* ---- generic handlers ---- */

static void store_error(struct http_resp *resp, mado_status st, const struct mado_err *err)
{
	if (st == MADO_ENOTFOUND)
		http_error(resp, 404, "not_found", err->msg);
	else if (st == MADO_EEXIST)
		http_error(resp, 409, "conflict", err->msg);
	else if (st == MADO_EINVAL)
		http_error(resp, 400, "bad_value", err->msg);
	else
		api_store_error(resp, st, err);
}

static mado_status append_json(void *ctx, const void *obj)
{
	void **c = ctx;
	json_array_append_new(c[0], to_json(c[1], obj));
	return MADO_OK;
}

static mado_status list_json(struct http_req *req, const struct resource *r, json_t **out, struct mado_err *err)
{
	*out = json_array();
	void *ctx[2] = { *out, (void *)r };
	return r->list(req->store, req->arena, append_json, ctx, err);
}

static void do_list(struct http_req *req, struct http_resp *resp, const struct resource *r)
{
	struct mado_err err;
	json_t *arr;
	mado_status st = list_json(req, r, &arr, &err);
	if (st) {
		json_decref(arr);
		store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, json_pack("{s:o}", "items", arr));
}

/* An edited policy or calendar: its open tickets' due times are
 * recomputed by the scheduler in bounded batches (docs/sla.md); queued
 * in the edit's transaction, so an edit is never without its job. */
static mado_status queue_recompute(struct http_req *req, const struct resource *r, int64_t id, struct mado_err *err)
{
	if (r == &policies)
		return store_sla_recompute_request(req->store, id, 0, mado_now(), err);
	if (r == &calendars)
		return store_sla_recompute_request(req->store, 0, id, mado_now(), err);
	return MADO_OK;
}

/* Create (id 0) or update (the row given) r from the body; one transaction. */
static void do_write(struct http_req *req, struct http_resp *resp, const struct resource *r, int64_t id)
{
	json_t *body = http_body_json(req, resp);
	if (!body)
		return;
	struct mado_err err;
	int status = id ? 200 : 201;
	void *obj = arena_alloc(req->arena, r->size);
	mado_status st = obj ? store_begin(req->store, &err) : MADO_ENOMEM;
	if (st) {
		json_decref(body);
		store_error(resp, st, &err);
		return;
	}
	if (id)
		st = r->get(req->store, req->arena, id, obj, &err);
	else
		r->defaults(obj);
	if (!st && !from_json(req, resp, r, body, obj)) {
		store_rollback(req->store);
		json_decref(body);
		return;
	}
	if (!st)
		st = id ? r->update(req->store, obj, &err) : r->add(req->store, obj, mado_now(), &id, &err);
	if (!st && r == &calendars)
		st = store_calendar_holidays_set(req->store, id, ((struct store_calendar *)obj)->holidays_json, &err);
	if (!st && status == 200)
		st = queue_recompute(req, r, id, &err);
	if (!st)
		st = r->get(req->store, req->arena, id, obj, &err);
	if (!st)
		st = store_commit(req->store, &err);
	json_decref(body);
	if (st) {
		store_rollback(req->store);
		store_error(resp, st, &err);
		return;
	}
	http_json(resp, status, to_json(r, obj));
}

static void do_delete(struct http_req *req, struct http_resp *resp, const struct resource *r)
{
	struct mado_err err;
	int64_t id = http_param_id(req, 0);
	mado_status st = store_begin(req->store, &err);
	if (!st)
		st = r->del(req->store, id, &err);
	if (!st)
		st = store_commit(req->store, &err);
	if (st) {
		store_rollback(req->store);
		store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, json_pack("{s:I}", "deleted", (json_int_t)id));
}

#define HANDLERS(name, res)                                                                  \
	void api_##name##_list(struct http_req *req, struct http_resp *resp)                     \
	{                                                                                      \
		do_list(req, resp, &res);                                                          \
	}                                                                                      \
	void api_##name##_create(struct http_req *req, struct http_resp *resp)                   \
	{                                                                                      \
		do_write(req, resp, &res, 0);                                                      \
	}                                                                                      \
	void api_##name##_update(struct http_req *req, struct http_resp *resp)                   \
	{                                                                                      \
		int64_t id = http_param_id(req, 0);                                                \
		if (!id)                                                                           \
			http_error(resp, 404, "not_found", "no such " #name);                          \
		else                                                                               \
			do_write(req, resp, &res, id);                                                 \
	}                                                                                      \
	void api_##name##_delete(struct http_req *req, struct http_resp *resp)                   \
	{                                                                                      \
		do_delete(req, resp, &res);                                                        \
	}
HANDLERS(calendar, calendars)
HANDLERS(sla_policy, policies)
HANDLERS(automation, automations)

/* ---- dry run ---- */

void api_sla_dry_run(struct http_req *req, struct http_resp *resp)
{
	const char *t = http_query_get(req, "ticket"), *at_s = http_query_get(req, "at");
	int64_t ticket = 0, at = mado_now();
	char *end = NULL;
	if (t)
		ticket = strtoll(t, &end, 10);
	if (!t || *end || ticket <= 0 || (at_s && !clock_parse(at_s, &at))) {
		http_error(resp, 400, "bad_request",
		           "give ticket=N and optionally at=<ISO 8601 or epoch> (default: now)");
		return;
	}
	struct mado_err err;
	json_t *j;
	mado_status st = sla_preview(req->store, req->arena, ticket, at, &j, &err);
	if (st) {
		store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, j);
}

/* ---- export / import: the SLA sections of GET /api/v1/workflow/export
 * and POST /api/v1/workflow/import (src/http/api_rules.c) ---- */

static const struct {
	const char *key;
	const struct resource *r;
} sections[] = { { "calendars", &calendars }, { "sla_policies", &policies }, { "automations", &automations } };

mado_status api_sla_config_export(struct http_req *req, json_t *doc, struct mado_err *err)
{
	for (size_t i = 0; i < 3; i++) {
		json_t *arr;
		mado_status st = list_json(req, sections[i].r, &arr, err);
		if (st) {
			json_decref(arr);
			return st;
		}
		json_object_set_new(doc, sections[i].key, arr);
	}
	return MADO_OK;
}

struct name_ctx {
	const char *name;
	int64_t id;
};

static mado_status find_name(void *ctx, const void *obj)
{
	struct name_ctx *c = ctx;
	/* every resource struct starts with id, then name */
	const struct { int64_t id; const char *name; } *o = obj;
	if (!strcmp(o->name, c->name))
		c->id = o->id;
	return MADO_OK;
}

/* Map calendar ids of the exported document to this instance's ids by
 * calendar name ("calendar": "name" may also be given instead of an id). */
static void map_calendar(json_t *item, json_t *cal_map)
{
	json_t *name = json_object_get(item, "calendar");
	json_t *old = json_object_get(item, "calendar_id");
	char key[32];
	if (json_is_integer(old)) {
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(old));
		json_t *nid = json_object_get(cal_map, key);
		if (nid)
			json_object_set(item, "calendar_id", nid);
	}
	if (json_is_string(name)) {
		json_t *nid = json_object_get(cal_map, json_string_value(name));
		json_object_set(item, "calendar_id", nid ? nid : json_null());
	}
	json_object_del(item, "calendar");
}

/* Upsert one item of section r by its name; exported_id maps calendars. */
static mado_status import_item(struct http_req *req, const struct resource *r, const char *key, size_t k, json_t *item,
                               json_t *cal_map, struct mado_err *err)
{
	const char *name = json_string_value(json_object_get(item, "name"));
	if (!json_is_object(item) || !name)
		return mado_fail(err, MADO_EINVAL, "%s[%zu]: every item needs a name", key, k);
	json_t *copy = json_deep_copy(item);
	json_t *old_id = json_object_get(copy, "id");
	int64_t exported_id = json_is_integer(old_id) ? json_integer_value(old_id) : 0;
	json_object_del(copy, "id");
	if (r != &calendars)
		map_calendar(copy, cal_map);
	struct name_ctx nc = { name, 0 };
	void *obj = arena_alloc(req->arena, r->size);
	mado_status st = obj ? r->list(req->store, req->arena, find_name, &nc, err) : MADO_ENOMEM;
	if (!st && nc.id)
		st = r->get(req->store, req->arena, nc.id, obj, err);
	else if (!st)
		r->defaults(obj);
	const char *code, *msg = st ? NULL : overlay(req, r, copy, obj, &code);
	json_decref(copy);
	if (msg)
		return mado_fail(err, MADO_EINVAL, "%s[%zu] (%.100s): %s", key, k, name, msg);
	int64_t id = nc.id;
	if (!st)
		st = id ? r->update(req->store, obj, err) : r->add(req->store, obj, mado_now(), &id, err);
	if (!st && r == &calendars) {
		st = store_calendar_holidays_set(req->store, id, ((struct store_calendar *)obj)->holidays_json, err);
		char idkey[32];
		snprintf(idkey, sizeof idkey, "%lld", (long long)exported_id);
		json_object_set_new(cal_map, idkey, json_integer(id));
		json_object_set_new(cal_map, name, json_integer(id));
	}
	if (!st && nc.id)
		st = queue_recompute(req, r, id, err);
	if (st == MADO_EEXIST)
		return mado_fail_prefix(err, MADO_EINVAL, "%s[%zu] (%.100s)", key, k, name);
	return st;
}

/* Upsert by name: an item whose name exists is updated, else created;
 * nothing is deleted. Inside the caller's transaction; counts gets the
 * number of items per section. */
mado_status api_sla_config_import(struct http_req *req, json_t *doc, json_t *counts, struct mado_err *err)
{
	json_t *cal_map = json_object();
	mado_status st = MADO_OK;
	for (size_t i = 0; !st && i < 3; i++) {
		json_t *arr = json_object_get(doc, sections[i].key), *item;
		size_t k;
		if (arr && !json_is_array(arr)) {
			st = mado_fail(err, MADO_EINVAL, "calendars, sla_policies and automations must be arrays");
			break;
		}
		json_array_foreach(arr, k, item) {
			if ((st = import_item(req, sections[i].r, sections[i].key, k, item, cal_map, err)))
				break;
		}
		json_object_set_new(counts, sections[i].key, json_integer((json_int_t)json_array_size(arr)));
	}
	json_decref(cal_map);
	return st;
}
