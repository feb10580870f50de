/*
 * Mail templates (admins), canned responses and notification settings
 * (agents) over HTTP.
 *
 *   GET    /api/v1/admin/templates                  every template, both languages
 *   GET    /api/v1/admin/templates/:name/:lang      one (the admin's text or the built-in)
 *   PUT    /api/v1/admin/templates/:name/:lang      {"subject", "body"}: replace
 *   DELETE /api/v1/admin/templates/:name/:lang      back to the built-in text
 *   GET    /api/v1/canned                           canned responses
 *   POST   /api/v1/canned                           {"title", "body"}
 *   PATCH  /api/v1/canned/:id                       {"title"?, "body"?}
 *   DELETE /api/v1/canned/:id
 *   POST   /api/v1/canned/:id/render                {"ticket": N}: the text for that ticket
 *   GET    /api/v1/me/notifications                 the caller's notification settings
 *   PATCH  /api/v1/me/notifications                 {"assigned": false, ...}
 *
 * Roles are in the route table; templates and canned bodies are checked
 * with tpl_check() so that a typo is refused when saved, not mailed.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/outgoing.h"
#include "core/template.h"
#include "http/api.h"
#include "http/server_internal.h"
#include "store/store_outgoing.h"
#include "store/workspace.h"

/* From api_tickets.c. */
struct store_viewer api_viewer_of(const struct http_req *req);
void api_store_error(struct http_resp *resp, mado_status st, const struct mado_err *err);

#define MAX_SUBJECT 1000
#define MAX_BODY (64 * 1024)
#define MAX_TITLE 200

/* ---- templates ---- */

static bool template_known(const char *name)
{
	for (size_t i = 0; tpl_names[i]; i++)
		if (!strcmp(tpl_names[i], name))
			return true;
	return false;
}

/* The :name/:lang of the path, or a 404. */
static bool template_params(struct http_req *req, struct http_resp *resp, const char **name, const char **lang)
{
	*name = req->params[0];
	*lang = req->params[1];
	if (!*name || !template_known(*name) || !*lang || (strcmp(*lang, "en") && strcmp(*lang, "ja"))) {
		http_error(resp, 404, "not_found", "no such template (names: ack, reply, status, resolved, reminder; "
		                                   "languages: en, ja)");
		return false;
	}
	return true;
}

static json_t *template_json(struct http_req *req, const char *name, const char *lang, struct mado_err *err,
                             mado_status *st)
{
	const char *subject, *body;
	bool custom = false;
	*st = store_template_get(req->store, req->arena, name, lang, &subject, &body, &custom, err);
	if (*st)
		return NULL;
	if (!custom)
		tpl_default(name, lang, &subject, &body);
	return json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", name, "language", lang, "subject", subject, "body", body,
	                 "customized", custom);
}

void api_templates_list(struct http_req *req, struct http_resp *resp)
{
	json_t *arr = json_array();
	struct mado_err err;
	mado_status st = MADO_OK;
	static const char *const langs[] = { "en", "ja" };
	for (size_t i = 0; tpl_names[i] && !st; i++)
		for (size_t l = 0; l < 2 && !st; l++) {
			json_t *t = template_json(req, tpl_names[i], langs[l], &err, &st);
			if (t)
				json_array_append_new(arr, t);
		}
	if (st) {
		json_decref(arr);
		api_store_error(resp, st, &err);
		return;
	}
	json_t *known = json_array();
	for (size_t i = 0; tpl_known[i]; i++)
		json_array_append_new(known, json_string(tpl_known[i]));
	http_json(resp, 200, json_pack("{s:o, s:o}", "templates", arr, "placeholders", known));
}

/* 200 with the template as it now applies. */
static void send_template(struct http_req *req, struct http_resp *resp, const char *name, const char *lang)
{
	struct mado_err err;
	mado_status st;
	json_t *t = template_json(req, name, lang, &err, &st);
	if (!t)
		api_store_error(resp, st, &err);
	else
		http_json(resp, 200, t);
}

void api_template_get(struct http_req *req, struct http_resp *resp)
{
	const char *name, *lang;
	if (template_params(req, resp, &name, &lang))
		send_template(req, resp, name, lang);
}

/* A string field of at most max bytes, checked as a template; the reason
 * in msg when it is not. */
static const char *template_field(json_t *j, const char *key, size_t max, bool required, const char **msg,
                                  struct mado_err *err)
{
	json_t *v = json_object_get(j, key);
	if (!v && !required)
		return NULL;
	const char *s = json_string_value(v);
	if (!s || (required && !*s) || strlen(s) > max) {
		*msg = required ? "subject and body must be non-empty strings (subject ≤ 1000 bytes, body ≤ 64 KB)"
		                : "title and body must be strings (title ≤ 200 bytes, body ≤ 64 KB)";
		return NULL;
	}
	if (tpl_check(s, err) != MADO_OK) {
		*msg = err->msg;
		return NULL;
	}
	return s;
}

static bool only_keys(json_t *j, const char *a, const char *b)
{
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v) if (strcmp(k, a) && strcmp(k, b)) return false;
	return true;
}

/* Run a write in a transaction; 500/503 on failure. */
static bool write_done(struct http_req *req, struct http_resp *resp, mado_status st, struct mado_err *err)
{
	if (!st)
		st = store_commit(req->store, err);
	if (st) {
		store_rollback(req->store);
		api_store_error(resp, st, err);
		return false;
	}
	return true;
}

void api_template_put(struct http_req *req, struct http_resp *resp)
{
	const char *name, *lang;
	if (!template_params(req, resp, &name, &lang))
		return;
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	const char *msg = only_keys(j, "subject", "body") ? NULL : "unknown field (subject, body)";
	struct mado_err err;
	const char *subject = msg ? NULL : template_field(j, "subject", MAX_SUBJECT, true, &msg, &err);
	const char *body = msg ? NULL : template_field(j, "body", MAX_BODY, true, &msg, &err);
	if (msg) {
		http_error(resp, 400, "bad_request", msg);
		json_decref(j);
		return;
	}
	mado_status st = store_begin(req->store, &err);
	if (!st)
		st = store_template_put(req->store, name, lang, subject, body, req->who.agent_id, time(NULL), &err);
	json_decref(j);
	if (!write_done(req, resp, st, &err))
		return;
	send_template(req, resp, name, lang);
}

void api_template_delete(struct http_req *req, struct http_resp *resp)
{
	const char *name, *lang;
	if (!template_params(req, resp, &name, &lang))
		return;
	struct mado_err err;
	bool found = false;
	mado_status st = store_begin(req->store, &err);
	if (!st)
		st = store_template_delete(req->store, name, lang, &found, &err);
	if (!write_done(req, resp, st, &err))
		return;
	send_template(req, resp, name, lang);
}

/* ---- canned responses ---- */

static json_t *canned_json(const struct store_canned *c)
{
	return json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)c->id, "title", c->title, "body", c->body,
	                 "created_by", (json_int_t)c->created_by);
}

static mado_status add_canned(void *ctx, const struct store_canned *c)
{
	json_array_append_new(ctx, canned_json(c));
	return MADO_OK;
}

void api_canned_list(struct http_req *req, struct http_resp *resp)
{
	json_t *arr = json_array();
	struct mado_err err;
	mado_status st = store_canned_list(req->store, req->arena, add_canned, arr, &err);
	if (st) {
		json_decref(arr);
		api_store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, json_pack("{s:o}", "canned", arr));
}

/* Parse {"title", "body"} (both required when create). */
static json_t *canned_body(struct http_req *req, struct http_resp *resp, bool create, const char **title,
                           const char **body)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return NULL;
	const char *msg = only_keys(j, "title", "body") ? NULL : "unknown field (title, body)";
	struct mado_err err;
	*title = msg ? NULL : template_field(j, "title", MAX_TITLE, false, &msg, &err);
	*body = msg ? NULL : template_field(j, "body", MAX_BODY, false, &msg, &err);
	if (!msg && create && (!*title || !**title || !*body || !**body))
		msg = "title and body are required";
	if (!msg && !create && !*title && !*body)
		msg = "nothing to change (title, body)";
	if (msg) {
		http_error(resp, 400, "bad_request", msg);
		json_decref(j);
		return NULL;
	}
	return j;
}

static void canned_reply(struct http_req *req, struct http_resp *resp, int status, int64_t id)
{
	struct store_canned c;
	struct mado_err err;
	mado_status st = store_canned_get(req->store, req->arena, id, &c, &err);
	if (st)
		api_store_error(resp, st, &err);
	else
		http_json(resp, status, canned_json(&c));
}

void api_canned_create(struct http_req *req, struct http_resp *resp)
{
	const char *title, *body;
	json_t *j = canned_body(req, resp, true, &title, &body);
	if (!j)
		return;
	struct mado_err err;
	int64_t id = 0;
	mado_status st = store_begin(req->store, &err);
	if (!st)
		st = store_canned_add(req->store, title, body, req->who.agent_id, time(NULL), &id, &err);
	json_decref(j);
	if (write_done(req, resp, st, &err))
		canned_reply(req, resp, 201, id);
}

void api_canned_update(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	const char *title, *body;
	json_t *j = canned_body(req, resp, false, &title, &body);
	if (!j)
		return;
	struct mado_err err;
	bool found = false;
	mado_status st = store_begin(req->store, &err);
	if (!st)
		st = store_canned_update(req->store, id, title, body, time(NULL), &found, &err);
	json_decref(j);
	if (!st && !found)
		st = mado_fail(&err, MADO_ENOTFOUND, "no such canned response");
	if (write_done(req, resp, st, &err))
		canned_reply(req, resp, 200, id);
}

void api_canned_delete(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	struct mado_err err;
	bool found = false;
	mado_status st = store_begin(req->store, &err);
	if (!st)
		st = store_canned_delete(req->store, id, &found, &err);
	if (!st && !found)
		st = mado_fail(&err, MADO_ENOTFOUND, "no such canned response");
	if (write_done(req, resp, st, &err))
		http_json(resp, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

void api_canned_render(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	json_t *tv = json_object_get(j, "ticket");
	int64_t ticket = json_is_integer(tv) && json_object_size(j) == 1 ? json_integer_value(tv) : 0;
	json_decref(j);
	if (ticket <= 0) {
		http_error(resp, 400, "bad_request", "the body is {\"ticket\": <ticket number>}");
		return;
	}
	struct store_viewer v = api_viewer_of(req);
	bool visible = false;
	struct mado_err err;
	mado_status st = store_ticket_visible(req->store, &v, ticket, &visible, &err);
	if (!st && !visible)
		st = mado_fail(&err, MADO_ENOTFOUND, "no such ticket");
	struct store_canned c;
	struct store_agent me;
	struct outgoing_vars vars;
	struct buf out;
	buf_init(&out, 0);
	if (!st)
		st = store_canned_get(req->store, req->arena, id, &c, &err);
	if (!st)
		st = store_agent_get(req->store, req->arena, req->who.agent_id, &me, &err);
	if (!st)
		st = outgoing_ticket_vars(req->store, req->arena, &req->srv->ws->cfg, req->srv->ws->key, ticket, me.name,
		                          NULL, &vars, &err);
	if (!st)
		st = tpl_render(c.body, vars.vars, vars.n, TPL_TEXT, &out, &err);
	if (st)
		api_store_error(resp, st, &err);
	else
		http_json(resp, 200, json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "ticket", (json_int_t)ticket,
		                               "language", vars.language, "body", out.p ? out.p : ""));
	buf_free(&out);
}

/* ---- an agent's own notification settings ---- */

static void send_notify(struct http_resp *resp, const struct store_notify *n)
{
	http_json(resp, 200, json_pack("{s:b, s:b, s:b, s:b}", "new_in_group", n->new_in_group, "assigned", n->assigned,
	                               "customer_replied", n->customer_replied, "mention", n->mention));
}

void api_notify_get(struct http_req *req, struct http_resp *resp)
{
	struct store_notify n;
	struct mado_err err;
	mado_status st = store_notify_get(req->store, req->who.agent_id, &n, &err);
	if (st)
		api_store_error(resp, st, &err);
	else
		send_notify(resp, &n);
}

void api_notify_update(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	struct store_notify n;
	struct mado_err err;
	mado_status st = store_begin(req->store, &err);
	if (!st)
		st = store_notify_get(req->store, req->who.agent_id, &n, &err);
	const char *msg = json_object_size(j) ? NULL : "nothing to change";
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v)
	{
		bool *f = !strcmp(k, "new_in_group") ? &n.new_in_group : !strcmp(k, "assigned") ? &n.assigned
		        : !strcmp(k, "customer_replied") ? &n.customer_replied : !strcmp(k, "mention") ? &n.mention : NULL;
		if (!f || !json_is_boolean(v))
			msg = "fields are new_in_group, assigned, customer_replied, mention: true or false";
		else
			*f = json_is_true(v);
	}
	json_decref(j);
	if (!st && msg) {
		store_rollback(req->store);
		http_error(resp, 400, "bad_request", msg);
		return;
	}
	if (!st)
		st = store_notify_set(req->store, req->who.agent_id, &n, &err);
	if (write_done(req, resp, st, &err))
		send_notify(resp, &n);
}
