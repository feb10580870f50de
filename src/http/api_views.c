/*
 * /api/v1/views: saved ticket-list views, each an agent's own or shared
 * with everyone (only supervisors and admins create shared ones); and
 * /api/v1/fields: the custom field definitions tickets can carry (admins
 * define them; route role).
 *
 * A view's query is a flat object of GET /api/v1/tickets parameters. It is
 * checked with the list's own parser when saved, so opening a view can
 * never fail on a filter the list refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/view.h"
#include "http/api.h"
#include "http/api_util.h"
#include "store/store_tickets.h"
#include "util/clock.h"

#define MAX_VIEW_NAME 100

/* ---- views ---- */

struct views_ctx {
	json_t *arr;
	int64_t me;
};

static json_t *view_json(const struct store_view *v, int64_t me)
{
	char c[32];
	json_t *q = json_loads(v->query_json, 0, NULL);
	return json_pack("{s:I, s:s, s:b, s:I, s:b, s:o, s:s}", "id", (json_int_t)v->id, "name", v->name, "shared",
	                 v->shared, "owner_id", (json_int_t)v->agent_id, "mine", v->agent_id == me, "query",
	                 q ? q : json_object(), "created_at", view_time(v->created_at, c, sizeof c));
}

static mado_status add_view(void *vctx, const struct store_view *v)
{
	struct views_ctx *x = vctx;
	json_array_append_new(x->arr, view_json(v, x->me));
	return MADO_OK;
}

void api_views_list(struct http_req *req, struct http_resp *resp)
{
	struct views_ctx x = { json_array(), req->who.agent_id };
	struct mado_err err;
	mado_status st = store_view_list(req->store, req->arena, req->who.agent_id, add_view, &x, &err);
	if (st) {
		json_decref(x.arr);
		api_store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, json_pack("{s:o}", "views", x.arr));
}

static const char *json_param(void *ctx, const char *name)
{
	return json_string_value(json_object_get(ctx, name));
}

void api_view_create(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	const char *name = json_string_value(json_object_get(j, "name"));
	json_t *query = json_object_get(j, "query"), *shared = json_object_get(j, "shared");
	const char *msg = NULL, *k;
	json_t *v;
	json_object_foreach(j, k, v) if (!msg && strcmp(k, "name") && strcmp(k, "query") && strcmp(k, "shared"))
		msg = "the body is {\"name\": \"…\", \"query\": {…}, \"shared\": false}";
	if (!msg && (!name || !*name || strlen(name) > MAX_VIEW_NAME))
		msg = "name must be a string of 1 to 100 bytes";
	if (!msg && shared && !json_is_boolean(shared))
		msg = "shared must be true or false";
	if (!msg && query && !json_is_object(query))
		msg = "query must be an object of ticket-list filters";
	json_object_foreach(query, k, v) if (!msg && (!api_ticket_filter_known(k) || !json_is_string(v)))
		msg = "query: unknown filter or a value that is not a string (status, priority, type, group, "
		      "assignee, customer, organization, tag, channel, created_after, created_before, "
		      "updated_after, updated_before, sort, limit)";
	struct store_ticket_filter f;
	const char *sort_spec;
	if (!msg && query && !api_ticket_filter_parse(req, json_param, query, &f, &sort_spec, &msg) && !msg)
		msg = "bad filter";
	if (msg) {
		json_decref(j);
		http_error(resp, 400, "bad_request", msg);
		return;
	}
	bool is_shared = json_is_true(shared);
	if (is_shared && req->who.role < ROLE_SUPERVISOR) {
		json_decref(j);
		http_error(resp, 403, "forbidden", "only supervisors and admins may create shared views");
		return;
	}
	char *qs = query ? json_dumps(query, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct mado_err err;
	int64_t id = 0;
	time_t now = mado_now();
	mado_status st = store_begin(req->store, &err);
	if (!st)
		st = store_view_add(req->store, req->who.agent_id, name, is_shared, qs ? qs : "{}", now, &id, &err);
	if (!st)
		st = store_commit(req->store, &err);
	else
		store_rollback(req->store);
	if (st) {
		free(qs);
		json_decref(j);
		api_store_error(resp, st, &err);
		return;
	}
	struct store_view sv = { id, req->who.agent_id, name, qs ? qs : "{}", is_shared, now };
	http_json(resp, 201, json_pack("{s:o}", "view", view_json(&sv, req->who.agent_id)));
	free(qs);
	json_decref(j);
}

void api_view_delete(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	struct store_view v;
	struct mado_err err;
	mado_status st = id ? store_view_get(req->store, req->arena, id, &v, &err) : MADO_ENOTFOUND;
	bool mine = !st && v.agent_id == req->who.agent_id;
	if (st == MADO_ENOTFOUND || (!st && !mine && !v.shared)) {
		/* someone else's private view does not exist for you */
		http_error(resp, 404, "not_found", "no such view");
		return;
	}
	if (st) {
		api_store_error(resp, st, &err);
		return;
	}
	if (!mine && req->who.role < ROLE_SUPERVISOR) {
		http_error(resp, 403, "forbidden", "only its owner, supervisors and admins may delete a shared view");
		return;
	}
	if (!(st = store_begin(req->store, &err))) {
		if (!(st = store_view_delete(req->store, id, &err)))
			st = store_commit(req->store, &err);
		else
			store_rollback(req->store);
	}
	if (st) {
		api_store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, json_pack("{s:I}", "deleted", (json_int_t)id));
}

/* ---- custom field definitions ---- */

static json_t *field_json(const struct store_field_def *d)
{
	json_t *opts = json_loads(d->options_json, 0, NULL);
	return json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)d->id, "key", d->key, "label", d->label, "type",
	                 d->type, "options", opts ? opts : json_array());
}

static mado_status add_field(void *ctx, const struct store_field_def *d)
{
	json_array_append_new(ctx, field_json(d));
	return MADO_OK;
}

void api_fields_list(struct http_req *req, struct http_resp *resp)
{
	json_t *arr = json_array();
	struct mado_err err;
	mado_status st = store_field_def_list(req->store, req->arena, add_field, arr, &err);
	if (st) {
		json_decref(arr);
		api_store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, json_pack("{s:o}", "fields", arr));
}

static const char *const field_types[] = { "text", "number", "date", "select" };

void api_field_create(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	const char *key = json_string_value(json_object_get(j, "key"));
	const char *label = json_string_value(json_object_get(j, "label"));
	const char *type = json_string_value(json_object_get(j, "type"));
	json_t *options = json_object_get(j, "options");
	const char *msg = NULL, *k;
	json_t *v;
	json_object_foreach(j, k, v) if (!msg && strcmp(k, "key") && strcmp(k, "label") && strcmp(k, "type") &&
	                                  strcmp(k, "options"))
		msg = "the body is {\"key\", \"label\", \"type\", \"options\"}";
	size_t kl = key ? strlen(key) : 0;
	if (!msg && (!key || kl < 1 || kl > 64 || key[0] < 'a' || key[0] > 'z' ||
	             strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != kl))
		msg = "key must be 1 to 64 of a-z, 0-9 and _, starting with a letter";
	if (!msg && (!label || !*label || strlen(label) > 200))
		msg = "label must be a string of 1 to 200 bytes";
	bool known = false;
	for (size_t i = 0; type && i < sizeof field_types / sizeof field_types[0]; i++)
		known |= !strcmp(type, field_types[i]);
	if (!msg && !known)
		msg = "type must be text, number, date or select";
	bool is_select = known && !strcmp(type, "select");
	if (!msg && is_select && (!json_is_array(options) || json_array_size(options) < 1 || json_array_size(options) > 100))
		msg = "a select field needs options: an array of 1 to 100 distinct strings";
	if (!msg && !is_select && options)
		msg = "only select fields take options";
	for (size_t i = 0; !msg && is_select && i < json_array_size(options); i++) {
		const char *o = json_string_value(json_array_get(options, i));
		if (!o || !*o || strlen(o) > 200)
			msg = "a select field needs options: an array of 1 to 100 distinct strings";
		for (size_t k2 = 0; !msg && k2 < i; k2++)
			if (!strcmp(o, json_string_value(json_array_get(options, k2))))
				msg = "a select field needs options: an array of 1 to 100 distinct strings";
	}
	if (msg) {
		json_decref(j);
		http_error(resp, 400, "bad_request", msg);
		return;
	}
	char *os = is_select ? json_dumps(options, JSON_COMPACT) : NULL;
	struct mado_err err;
	int64_t id = 0;
	time_t now = mado_now();
	mado_status st = store_begin(req->store, &err);
	if (!st)
		st = store_field_def_add(req->store, key, label, type, os ? os : "[]", now, &id, &err);
	if (!st)
		st = store_commit(req->store, &err);
	else
		store_rollback(req->store);
	if (st == MADO_EEXIST)
		http_error(resp, 409, "exists", "a custom field with that key exists already");
	else if (st)
		api_store_error(resp, st, &err);
	else {
		struct store_field_def d = { id, key, label, type, os ? os : "[]", now };
		http_json(resp, 201, json_pack("{s:o}", "field", field_json(&d)));
	}
	free(os);
	json_decref(j);
}
