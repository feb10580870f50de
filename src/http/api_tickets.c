/*
 * /api/v1/tickets: list (filters, sort, cursor paging, total) and show,
 * through the viewer's visibility. A ticket the caller may not see is 404,
 * exactly like one that does not exist, so ticket numbers leak nothing;
 * the total counts visible tickets only (the same SQL condition).
 *
 * Filters are parsed here into a struct store_ticket_filter of checked
 * values (enums from fixed lists, integers, epoch times); the store turns
 * it into SQL from fixed fragments with bound parameters. The same parser
 * checks the queries of saved views (api_views.c), so a view can never
 * hold a filter the list would refuse.
 *
 * A cursor is "<sort>.<key>.<id>": the sort it belongs to, then the sort
 * key and number of the last ticket of the page; the next page starts
 * strictly after that pair, so paging stays correct when keys repeat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sla.h"
#include "core/view.h"
#include "http/api.h"
#include "http/api_util.h"
#include "store/store_tickets.h"
#include "util/clock.h"

struct store_viewer api_viewer_of(const struct http_req *req)
{
	struct store_viewer v = { 0 };
	v.all = req->who.role >= ROLE_SUPERVISOR;
	v.agent_id = req->who.agent_id;
	v.customer_id = req->who.customer_id;
	return v;
}

void api_store_error(struct http_resp *resp, mado_status st, const struct mado_err *err)
{
	if (st == MADO_ETEMP)
		http_error(resp, 503, "unavailable", "database busy; try again");
	else if (st == MADO_ENOTFOUND)
		http_error(resp, 404, "not_found", "no such ticket");
	else
		http_error(resp, 500, "internal", err && *err->msg ? err->msg : "database error");
}

static const char *const statuses[] = { "new", "open", "pending", "on-hold", "resolved", "closed" };
static const char *const priorities[] = { "low", "normal", "high", "urgent" };
static const char *const types[] = { "question", "incident", "request", "problem", "alarm" };

static const char *one_of(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (strcmp(v, list[i]) == 0)
			return list[i];
	return NULL;
}
#define ONE_OF(v, list) one_of((v), (list), sizeof(list) / sizeof((list)[0]))

/* The names GET /tickets understands (a saved view may hold these). */
static const char *const filter_names[] = {
	"status", "priority", "type", "group", "assignee", "customer", "organization", "tag", "channel",
	"created_after", "created_before", "updated_after", "updated_before", "sort", "limit",
	"sla_due_before", "sla_breached",
};

bool api_ticket_filter_known(const char *name)
{
	return ONE_OF(name, filter_names) != NULL;
}

/* A positive decimal integer of at most 18 digits. */
static bool parse_id(const char *s, int64_t *out)
{
	if (!s || !*s || strlen(s) > 18)
		return false;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return v > 0;
}

static bool tag_ok(const char *t)
{
	size_t n = strlen(t);
	return n >= 1 && n <= 64 && strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789._:-") == n;
}

static const char *const sort_specs[] = { "created", "-created", "updated", "-updated", "priority", "-priority" };

bool api_ticket_filter_parse(struct http_req *req, api_param_fn get, void *ctx, struct store_ticket_filter *f,
                             const char **sort_spec, const char **msg)
{
	memset(f, 0, sizeof *f);
	f->limit = 50;
	f->sort = STORE_SORT_CREATED;
	f->desc = true;
	*sort_spec = "-created";
	const char *v;
	if ((v = get(ctx, "status"))) {
		/* one status or several, comma-separated */
		const char *p = v;
		while (*p) {
			const char *e = strchr(p, ',');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			const char *match = NULL;
			for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
				if (strlen(statuses[i]) == l && strncmp(p, statuses[i], l) == 0)
					match = statuses[i];
			if (!match || f->nstatus >= STORE_FILTER_MAX_STATUS) {
				*msg = "unknown status (new, open, pending, on-hold, resolved, closed; comma-separated)";
				return false;
			}
			f->status[f->nstatus++] = match;
			p = e ? e + 1 : p + l;
			if (e && !*p) {
				*msg = "unknown status (new, open, pending, on-hold, resolved, closed; comma-separated)";
				return false;
			}
		}
		if (!f->nstatus) {
			*msg = "empty status filter";
			return false;
		}
	}
	if ((v = get(ctx, "priority")) && !(f->priority = ONE_OF(v, priorities))) {
		*msg = "unknown priority (low, normal, high, urgent)";
		return false;
	}
	if ((v = get(ctx, "type")) && !(f->type = ONE_OF(v, types))) {
		*msg = "unknown type (question, incident, request, problem, alarm)";
		return false;
	}
	if ((v = get(ctx, "channel"))) {
		if (strlen(v) > 64) {
			*msg = "channel too long";
			return false;
		}
		f->channel = v;
	}
	if ((v = get(ctx, "tag"))) {
		if (!tag_ok(v)) {
			*msg = "bad tag (lowercase a-z, 0-9, '.', '_', ':', '-'; at most 64)";
			return false;
		}
		f->tag = v;
	}
	if ((v = get(ctx, "group"))) {
		f->has_group = true;
		if (strcmp(v, "none") && !parse_id(v, &f->group_id)) {
			*msg = "group must be a group id or \"none\"";
			return false;
		}
	}
	if ((v = get(ctx, "assignee"))) {
		f->has_assignee = true;
		if (!strcmp(v, "me")) {
			f->assignee_id = req->who.agent_id;
			if (!f->assignee_id) {
				*msg = "assignee=me needs an agent";
				return false;
			}
		} else if (strcmp(v, "none") && !parse_id(v, &f->assignee_id)) {
			*msg = "assignee must be an agent id, \"me\" or \"none\"";
			return false;
		}
	}
	if ((v = get(ctx, "customer"))) {
		f->has_customer = true;
		if (strchr(v, '@')) {
			if (strlen(v) > 254) {
				*msg = "customer email too long";
				return false;
			}
			f->customer_email = v;
		} else if (!parse_id(v, &f->customer_id)) {
			*msg = "customer must be a customer id or an email address";
			return false;
		}
	}
	if ((v = get(ctx, "organization"))) {
		f->has_organization = true;
		if (strchr(v, '.')) {
			if (strlen(v) > 253) {
				*msg = "organization domain too long";
				return false;
			}
			f->organization_domain = v;
		} else if (!parse_id(v, &f->organization_id)) {
			*msg = "organization must be an organization id or a mail domain";
			return false;
		}
	}
	static const char *const tnames[] = { "created_after", "created_before", "updated_after", "updated_before",
	                                      "sla_due_before" };
	bool *has[] = { &f->has_created_after, &f->has_created_before, &f->has_updated_after, &f->has_updated_before,
	                &f->has_sla_due_before };
	int64_t *val[] = { &f->created_after, &f->created_before, &f->updated_after, &f->updated_before,
	                   &f->sla_due_before };
	for (size_t i = 0; i < 5; i++) {
		if (!(v = get(ctx, tnames[i])))
			continue;
		if (!clock_parse(v, val[i])) {
			*msg = "bad time: give ISO 8601 (2026-11-23, 2026-11-23T10:00:00Z, …+09:00) or epoch seconds";
			return false;
		}
		*has[i] = true;
	}
	if ((v = get(ctx, "sla_breached"))) {
		if (strcmp(v, "0") && strcmp(v, "1")) {
			*msg = "sla_breached must be 1 (breached) or 0 (not breached)";
			return false;
		}
		f->has_sla_breached = true;
		f->sla_breached = *v == '1';
	}
	if ((v = get(ctx, "sort"))) {
		const char *s = ONE_OF(v, sort_specs);
		if (!s) {
			*msg = "unknown sort (created, updated, priority; prefix - for descending)";
			return false;
		}
		*sort_spec = s;
		f->desc = *s == '-';
		const char *name = f->desc ? s + 1 : s;
		f->sort = !strcmp(name, "created")   ? STORE_SORT_CREATED
		          : !strcmp(name, "updated") ? STORE_SORT_UPDATED
		                                     : STORE_SORT_PRIORITY;
	}
	if ((v = get(ctx, "limit"))) {
		int64_t l;
		if (!parse_id(v, &l) || l > 200) {
			*msg = "limit must be 1..200";
			return false;
		}
		f->limit = l;
	}
	return true;
}

static const char *query_param(void *ctx, const char *name)
{
	return http_query_get(ctx, name);
}

/* "<sort>.<key>.<id>" for this sort, or false. */
static bool parse_cursor(const char *c, const char *sort_spec, int64_t *key, int64_t *id)
{
	size_t sl = strlen(sort_spec);
	if (strncmp(c, sort_spec, sl) != 0 || c[sl] != '.')
		return false;
	const char *k = c + sl + 1, *dot = strchr(k, '.');
	if (!dot || dot == k || (size_t)(dot - k) > 18)
		return false;
	int64_t kv = 0;
	for (const char *p = k; p < dot; p++) {
		if (*p < '0' || *p > '9')
			return false;
		kv = kv * 10 + (*p - '0');
	}
	*key = kv;
	return parse_id(dot + 1, id);
}

#define LIST_MAX 200   /* the largest limit */

struct list_ctx {
	struct http_req *req;
	json_t *arr;
	const struct store_ticket_filter *f;
	int64_t last_key, last_id;
	int64_t ids[LIST_MAX];  /* ticket number of arr[i] */
	size_t n;
};

/* The routing fields and tags, which agents see. */
static void set_work_fields(json_t *j, const struct store_ticket_work *w)
{
	json_object_set_new(j, "group_id", w->group_id ? json_integer(w->group_id) : json_null());
	json_object_set_new(j, "assignee_id", w->assignee_id ? json_integer(w->assignee_id) : json_null());
	json_object_set_new(j, "parent_id", w->parent_id ? json_integer(w->parent_id) : json_null());
	json_object_set_new(j, "merged_into", w->merged_into ? json_integer(w->merged_into) : json_null());
	json_t *tags = json_loads(w->tags_json, 0, NULL);
	json_object_set_new(j, "tags", tags ? tags : json_array());
}

static mado_status add_ticket(void *vctx, const struct store_ticket *t)
{
	struct list_ctx *lc = vctx;
	if (lc->n == LIST_MAX)
		return MADO_OK;
	json_array_append_new(lc->arr, view_ticket(t));
	lc->ids[lc->n++] = t->id;
	lc->last_key = store_ticket_sort_key(t, lc->f->sort);
	lc->last_id = t->id;
	return MADO_OK;
}

/* Agents' fields of one row of the page: routing, tags and the SLA. */
static mado_status add_work(void *vctx, int64_t id, const struct store_ticket_work *w)
{
	struct list_ctx *lc = vctx;
	for (size_t i = 0; i < lc->n; i++) {
		if (lc->ids[i] != id)
			continue;
		json_t *row = json_array_get(lc->arr, i), *sla;
		struct mado_err err;
		mado_status st = sla_view(lc->req->store, lc->req->arena, id, mado_now(), &sla, &err);
		if (st)
			return st;
		set_work_fields(row, w);
		json_object_set_new(row, "sla", sla);
	}
	return MADO_OK;
}

void api_tickets_list(struct http_req *req, struct http_resp *resp)
{
	struct store_ticket_filter f;
	const char *sort_spec, *msg = "bad filter";
	if (!api_ticket_filter_parse(req, query_param, req, &f, &sort_spec, &msg)) {
		http_error(resp, 400, "bad_filter", msg);
		return;
	}
	const char *cursor = http_query_get(req, "cursor");
	if (cursor) {
		if (!parse_cursor(cursor, sort_spec, &f.cursor_key, &f.cursor_id)) {
			http_error(resp, 400, "bad_filter", "bad cursor (pass next_cursor back with the same sort)");
			return;
		}
		f.has_cursor = true;
	}
	struct store_viewer v = api_viewer_of(req);
	struct list_ctx *lc = arena_alloc(req->arena, sizeof *lc);
	if (!lc) {
		http_error(resp, 500, "internal", "out of memory");
		return;
	}
	*lc = (struct list_ctx){ .req = req, .arr = json_array(), .f = &f };
	struct mado_err err;
	int64_t total = 0;
	bool exact = true;
	mado_status st = store_ticket_query(req->store, req->arena, &v, &f, add_ticket, lc, &total, &exact, &err);
	/* agents also get the routing fields and tags: one statement for the page */
	if (!st && req->who.role >= ROLE_LIGHT_AGENT && lc->n)
		st = store_ticket_work_each(req->store, req->arena, lc->ids, lc->n, add_work, lc, &err);
	if (st) {
		json_decref(lc->arr);
		api_store_error(resp, st, &err);
		return;
	}
	json_t *out = json_pack("{s:o, s:I, s:b, s:s}", "tickets", lc->arr, "total", (json_int_t)total, "total_exact",
	                        exact, "sort", sort_spec);
	if ((int64_t)json_array_size(lc->arr) == f.limit) {
		char c[96];
		snprintf(c, sizeof c, "%s.%lld.%lld", sort_spec, (long long)lc->last_key, (long long)lc->last_id);
		json_object_set_new(out, "next_cursor", json_string(c));
	}
	http_json(resp, 200, out);
}

/* ---- show ---- */

static mado_status add_note(void *v, const struct store_note *n)
{
	char c[32];
	json_t *m = json_loads(n->mentions_json ? n->mentions_json : "[]", 0, NULL);
	json_array_append_new(v, json_pack("{s:I, s:{s:I, s:s, s:s}, s:s, s:o, s:s}", "id", (json_int_t)n->id,
	                                   "agent", "id", (json_int_t)n->agent_id, "email", n->agent_email, "name",
	                                   n->agent_name, "body", n->body, "mentions", m ? m : json_array(),
	                                   "created_at", view_time(n->created_at, c, sizeof c)));
	return MADO_OK;
}

static mado_status add_field_value(void *v, const struct store_field_value *fv)
{
	json_t *val;
	if (!strcmp(fv->type, "number")) /* stored canonical: "%lld" or "%.17g" */
		val = strpbrk(fv->value, ".eEn") ? json_real(strtod(fv->value, NULL))
		                                 : json_integer(strtoll(fv->value, NULL, 10));
	else
		val = json_string(fv->value);
	json_object_set_new(v, fv->key, val);
	return MADO_OK;
}

struct visible_ids {
	struct http_req *req;
	struct store_viewer v;
	json_t *arr;
};

/* Only tickets the caller may see are listed (numbers leak nothing). */
static mado_status add_visible_id(void *vctx, int64_t id)
{
	struct visible_ids *x = vctx;
	bool vis = false;
	struct mado_err err;
	mado_status st = store_ticket_visible(x->req->store, &x->v, id, &vis, &err);
	if (!st && vis)
		json_array_append_new(x->arr, json_integer(id));
	return st;
}

/* What a customer must not see: internal notes and mentions, how our mail
 * fared at the relay (outbox, delivery events), and the SLA (our targets,
 * warnings, breaches, which supervisors were told). */
static void strip_internal_events(json_t *j)
{
	json_t *evs = json_object_get(j, "events");
	for (size_t i = json_array_size(evs); i-- > 0;) {
		const char *k = json_string_value(json_object_get(json_array_get(evs, i), "kind"));
		if (k && (!strcmp(k, "note") || !strcmp(k, "mention") || !strcmp(k, "delivery") || !strcmp(k, "sla") ||
		          !strcmp(k, "notify")))
			json_array_remove(evs, i);
	}
	json_object_del(j, "outbox");
	json_object_del(j, "delivery_failed");
	json_object_del(j, "sla");
}

void api_ticket_show(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	struct store_viewer v = api_viewer_of(req);
	bool visible = false;
	struct mado_err err;
	mado_status st;
	if (id && (st = store_ticket_visible(req->store, &v, id, &visible, &err))) {
		api_store_error(resp, st, &err);
		return;
	}
	struct store_ticket t;
	json_t *j = NULL;
	if (!visible || store_ticket_get(req->store, req->arena, id, &t, &err) ||
	    view_ticket_full(req->store, req->arena, &t, &j, &err)) {
		http_error(resp, 404, "not_found", "no such ticket");
		return;
	}
	if (req->who.role < ROLE_LIGHT_AGENT) {
		strip_internal_events(j);
		http_json(resp, 200, j);
		return;
	}
	struct store_ticket_work w;
	json_t *notes = json_array(), *fields = json_object(), *links = json_array(), *children = json_array();
	struct visible_ids lv = { req, v, links }, cv = { req, v, children };
	if ((st = store_ticket_work_get(req->store, req->arena, id, &w, &err)) ||
	    (st = store_note_list(req->store, req->arena, id, add_note, notes, &err)) ||
	    (st = store_field_value_list(req->store, req->arena, id, add_field_value, fields, &err)) ||
	    (st = store_ticket_link_list(req->store, id, add_visible_id, &lv, &err)) ||
	    (st = store_ticket_children(req->store, id, add_visible_id, &cv, &err))) {
		json_decref(j);
		json_decref(notes);
		json_decref(fields);
		json_decref(links);
		json_decref(children);
		api_store_error(resp, st, &err);
		return;
	}
	set_work_fields(j, &w);
	json_object_set_new(j, "custom_fields", fields);
	json_object_set_new(j, "links", links);
	json_object_set_new(j, "children", children);
	json_object_set_new(j, "notes", notes);
	http_json(resp, 200, j);
}
