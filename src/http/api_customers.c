/*
 * /api/v1/customers and /api/v1/organizations: list (prefix search, id
 * cursor), show, update.
 *
 * Any agent may look customers up (they come from mail, they are not
 * secret from the desk), but the tickets shown with a customer are only
 * those the caller may see: each goes through store_ticket_visible(), the
 * same rule as ticket show, so the profile never leaks a ticket. Updates
 * accept a fixed set of fields, validate each value, refuse unknown
 * fields with 400, and write one people_audit row per changed field in
 * the same transaction as the change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/view.h"
#include "http/api.h"
#include "http/api_util.h"
#include "store/store_people.h"
#include "util/clock.h"

#define PEOPLE_PAGE_DEFAULT 50
#define PEOPLE_PAGE_MAX 200
#define PROFILE_TICKETS_MAX 100
#define PROFILE_CHANGES_MAX 50
#define ORG_CUSTOMERS_MAX 100
#define QUERY_MAX 200

/* q, cursor and limit of a list request; false with a 400 written. */
static bool paging(struct http_req *req, struct http_resp *resp, const char **q, int64_t *after,
                   int64_t *limit)
{
	*q = http_query_get(req, "q");
	if (*q && strlen(*q) > QUERY_MAX) {
		http_error(resp, 400, "bad_filter", "q is too long");
		return false;
	}
	*after = 0;
	*limit = PEOPLE_PAGE_DEFAULT;
	const char *c = http_query_get(req, "cursor"), *l = http_query_get(req, "limit");
	char *end;
	if (c) {
		long long v = strtoll(c, &end, 10);
		if (!*c || *end || v < 0) {
			http_error(resp, 400, "bad_filter", "bad cursor");
			return false;
		}
		*after = v;
	}
	if (l) {
		long long v = strtoll(l, &end, 10);
		if (!*l || *end || v < 1 || v > PEOPLE_PAGE_MAX) {
			http_error(resp, 400, "bad_filter", "limit must be 1..200");
			return false;
		}
		*limit = v;
	}
	return true;
}

static json_t *time_or_null(time_t t)
{
	char b[32];
	return t ? json_string(view_time(t, b, sizeof b)) : json_null();
}

static json_t *customer_json(const struct people_customer *c)
{
	json_t *org = c->organization_id
	                  ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c->organization_id, "name", c->org_name,
	                              "domain", c->org_domain)
	                  : json_null();
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:{s:s, s:s, s:o}, s:o, s:o}", "id",
	                 (json_int_t)c->id, "email", c->email, "name", c->name, "tier", c->tier, "language",
	                 c->language, "time_zone", c->time_zone, "organization", org, "bouncing", c->bouncing,
	                 "bounce", "status", c->bounce_status, "reason", c->bounce_reason, "at",
	                 time_or_null(c->bounced_at), "created_at", time_or_null(c->created_at), "updated_at",
	                 time_or_null(c->updated_at));
}

static json_t *org_json(const struct people_org *o)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:o}", "id", (json_int_t)o->id, "domain", o->domain,
	                 "name", o->name, "tier", o->tier, "shared_tickets", o->shared_tickets, "customer_count",
	                 (json_int_t)o->customer_count, "created_at", time_or_null(o->created_at));
}

struct page {
	json_t *arr;
	int64_t last;
};

static mado_status add_customer(void *ctx, const struct people_customer *c)
{
	struct page *p = ctx;
	json_array_append_new(p->arr, customer_json(c));
	p->last = c->id;
	return MADO_OK;
}

static mado_status add_org(void *ctx, const struct people_org *o)
{
	struct page *p = ctx;
	json_array_append_new(p->arr, org_json(o));
	p->last = o->id;
	return MADO_OK;
}

static mado_status add_change(void *ctx, const struct people_audit *e)
{
	char b[32];
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s}", "id", (json_int_t)e->id, "actor",
	                                     e->actor, "field", e->field, "old", e->old_value, "new",
	                                     e->new_value, "at", view_time(e->created_at, b, sizeof b)));
	return MADO_OK;
}

/* One page of people matching q after the cursor; fills p. */
typedef mado_status (*page_search_fn)(struct http_req *req, const char *q, int64_t after, int64_t limit,
                                      struct page *p, struct mado_err *err);

/* A list request: paging from the query, one page under key, the next
 * cursor when the page is full. */
static void list_page(struct http_req *req, struct http_resp *resp, const char *key, page_search_fn search)
{
	const char *q;
	int64_t after, limit;
	if (!paging(req, resp, &q, &after, &limit))
		return;
	struct page p = { .arr = json_array() };
	struct mado_err err;
	if (search(req, q, after, limit, &p, &err)) {
		json_decref(p.arr);
		http_error(resp, 503, "unavailable", err.msg);
		return;
	}
	json_t *out = json_pack("{s:o}", key, p.arr);
	if ((int64_t)json_array_size(p.arr) == limit)
		json_object_set_new(out, "next_cursor", json_integer(p.last));
	http_json(resp, 200, out);
}

/* A profile (show and the answer to an update) of the person id. */
typedef mado_status (*profile_fn)(struct http_req *req, int64_t id, json_t **out, struct mado_err *err);

/* The answer of show and update: st is what came before (MADO_ENOTFOUND
 * for id 0); when it is fine, the profile of id. */
static void send_profile(struct http_req *req, struct http_resp *resp, int64_t id, mado_status st,
                         struct mado_err *err, profile_fn profile, const char *not_found)
{
	json_t *j = NULL;
	if (st == MADO_OK)
		st = id ? profile(req, id, &j, err) : MADO_ENOTFOUND;
	api_send_result(resp, 200, st, j, err, not_found);
}

/* Write body's fields (validated already) to the person id inside the
 * update's transaction, with an audit row for each changed one. */
typedef mado_status (*apply_fn)(struct http_req *req, int64_t id, json_t *body, const char *actor, time_t now,
                                struct mado_err *err);

/* An update in one transaction, then the profile as it is now. Takes body. */
static void update_and_send(struct http_req *req, struct http_resp *resp, json_t *body, apply_fn apply,
                            profile_fn profile, const char *not_found)
{
	int64_t id = http_param_id(req, 0);
	struct mado_err err;
	time_t now = mado_now();
	char actor[64];
	api_actor(req, actor, sizeof actor);
	mado_status st = id ? store_begin(req->store, &err) : MADO_ENOTFOUND;
	if (st == MADO_OK) {
		if ((st = apply(req, id, body, actor, now, &err)) == MADO_OK)
			st = store_commit(req->store, &err);
		else
			store_rollback(req->store);
	}
	json_decref(body);
	send_profile(req, resp, id, st, &err, profile, not_found);
}

/* ---- customers ---- */

static mado_status search_customers(struct http_req *req, const char *q, int64_t after, int64_t limit,
                                    struct page *p, struct mado_err *err)
{
	return people_customer_search(req->store, req->arena, q, after, limit, add_customer, p, err);
}

void api_customers_list(struct http_req *req, struct http_resp *resp)
{
	list_page(req, resp, "customers", search_customers);
}

struct visible_tickets {
	struct store *store;
	struct store_viewer v;
	json_t *arr;
};

static mado_status add_visible_ticket(void *ctx, const struct store_ticket *t)
{
	struct visible_tickets *vt = ctx;
	bool visible = false;
	struct mado_err err;
	mado_status st = store_ticket_visible(vt->store, &vt->v, t->id, &visible, &err);
	if (st)
		return st;
	if (visible)
		json_array_append_new(vt->arr, view_ticket(t));
	return MADO_OK;
}

/* The full profile: the customer, their visible tickets, their changes. */
static mado_status customer_profile(struct http_req *req, int64_t id, json_t **out, struct mado_err *err)
{
	*out = NULL;
	struct people_customer c;
	mado_status st = people_customer_get(req->store, req->arena, id, &c, err);
	if (st)
		return st;
	struct visible_tickets vt = { .store = req->store, .v = api_viewer_of(req), .arr = json_array() };
	json_t *changes = json_array();
	if ((st = people_customer_tickets(req->store, req->arena, id, PROFILE_TICKETS_MAX, add_visible_ticket, &vt,
	                                  err)) ||
	    (st = people_audit_list(req->store, req->arena, "customer", id, PROFILE_CHANGES_MAX, add_change, changes,
	                            err))) {
		json_decref(vt.arr);
		json_decref(changes);
		return st;
	}
	json_t *j = customer_json(&c);
	json_object_set_new(j, "tickets", vt.arr);
	json_object_set_new(j, "changes", changes);
	*out = json_pack("{s:o}", "customer", j);
	return MADO_OK;
}

void api_customer_show(struct http_req *req, struct http_resp *resp)
{
	struct mado_err err;
	send_profile(req, resp, http_param_id(req, 0), MADO_OK, &err, customer_profile, "no such customer");
}

typedef bool (*value_ok_fn)(const char *);

struct text_field {
	const char *name;
	value_ok_fn ok;
	const char *rule;   /* for the 400 message */
};

static const struct text_field customer_fields[] = {
	{ "name", people_name_ok, "name: at most 200 bytes, no control characters" },
	{ "tier", people_tier_ok, "tier: 1 to 64 bytes, one line, no blanks at either end" },
	{ "language", people_language_ok, "language: a BCP 47 tag such as \"ja\" or \"en-GB\", or \"\"" },
	{ "time_zone", people_time_zone_ok, "time_zone: an IANA zone name such as \"Asia/Tokyo\"" },
};

static const struct text_field *find_field(const struct text_field *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/*
 * Check every key of body against fields (extra_ok: keys handled by the
 * caller). false with a 400 written for an unknown field or a bad value.
 */
static bool validate_text_fields(json_t *body, const struct text_field *fields, size_t n,
                                 const char *const *extra_ok, struct http_resp *resp)
{
	const char *key;
	json_t *val;
	json_object_foreach(body, key, val) {
		bool extra = false;
		for (size_t i = 0; extra_ok && extra_ok[i]; i++)
			extra |= strcmp(extra_ok[i], key) == 0;
		if (extra)
			continue;
		const struct text_field *f = find_field(fields, n, key);
		char msg[256];
		if (!f) {
			snprintf(msg, sizeof msg, "unknown field '%.64s'", key);
			http_error(resp, 400, "unknown_field", msg);
			return false;
		}
		if (!json_is_string(val) || !f->ok(json_string_value(val))) {
			snprintf(msg, sizeof msg, "bad value for %s", f->rule);
			http_error(resp, 400, "bad_value", msg);
			return false;
		}
	}
	return true;
}

/* A field's value as text (a boolean as "true" or "false"), as audited. */
typedef const char *(*field_value_fn)(const void *row, const char *field);
/* Store one field's new value (text, as field_value_fn gives it). */
typedef mado_status (*field_write_fn)(struct http_req *req, int64_t id, const char *field, const char *value,
                                      time_t now, struct mado_err *err);

/* Each field of body (validated already) whose value differs from row's:
 * written, and audited as a change of subject id by actor. */
static mado_status apply_fields(struct http_req *req, const char *subject, int64_t id, json_t *body,
                                const char *actor, time_t now, const void *row, field_value_fn value_of,
                                field_write_fn write, struct mado_err *err)
{
	const char *key;
	json_t *val;
	mado_status st = MADO_OK;
	json_object_foreach(body, key, val) {
		const char *old = value_of(row, key);
		const char *nv = json_is_boolean(val) ? (json_is_true(val) ? "true" : "false") : json_string_value(val);
		if (strcmp(old, nv) != 0 && ((st = write(req, id, key, nv, now, err)) ||
		                             (st = people_audit_add(req->store, subject, id, actor, key, old, nv, now, err))))
			break;
	}
	return st;
}

/* A field_value_fn: row is a struct people_customer. */
static const char *customer_field_value(const void *row, const char *f)
{
	const struct people_customer *c = row;
	return strcmp(f, "name") == 0       ? c->name
	       : strcmp(f, "tier") == 0     ? c->tier
	       : strcmp(f, "language") == 0 ? c->language
	                                    : c->time_zone;
}

static mado_status write_customer(struct http_req *req, int64_t id, const char *field, const char *value, time_t now,
                                  struct mado_err *err)
{
	return people_customer_set(req->store, id, field, value, now, err);
}

static mado_status apply_customer(struct http_req *req, int64_t id, json_t *body, const char *actor, time_t now,
                                  struct mado_err *err)
{
	struct people_customer c;
	mado_status st = people_customer_get(req->store, req->arena, id, &c, err);
	return st ? st
	          : apply_fields(req, "customer", id, body, actor, now, &c, customer_field_value, write_customer, err);
}

void api_customer_update(struct http_req *req, struct http_resp *resp)
{
	json_t *body = http_body_json(req, resp);
	if (!body)
		return;
	if (!validate_text_fields(body, customer_fields, sizeof customer_fields / sizeof customer_fields[0], NULL,
	                          resp)) {
		json_decref(body);
		return;
	}
	update_and_send(req, resp, body, apply_customer, customer_profile, "no such customer");
}

/* ---- organisations ---- */

static mado_status search_orgs(struct http_req *req, const char *q, int64_t after, int64_t limit, struct page *p,
                               struct mado_err *err)
{
	return people_org_search(req->store, req->arena, q, after, limit, add_org, p, err);
}

void api_orgs_list(struct http_req *req, struct http_resp *resp)
{
	list_page(req, resp, "organizations", search_orgs);
}

static mado_status add_member(void *ctx, const struct people_customer *c)
{
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)c->id, "email", c->email,
	                                     "name", c->name, "tier", c->tier));
	return MADO_OK;
}

static mado_status org_profile(struct http_req *req, int64_t id, json_t **out, struct mado_err *err)
{
	*out = NULL;
	struct people_org o;
	mado_status st = people_org_get(req->store, req->arena, id, &o, err);
	if (st)
		return st;
	json_t *customers = json_array(), *changes = json_array();
	if ((st = people_org_customers(req->store, req->arena, id, ORG_CUSTOMERS_MAX, add_member, customers, err)) ||
	    (st = people_audit_list(req->store, req->arena, "organization", id, PROFILE_CHANGES_MAX, add_change,
	                            changes, err))) {
		json_decref(customers);
		json_decref(changes);
		return st;
	}
	json_t *j = org_json(&o);
	json_object_set_new(j, "customers", customers);
	json_object_set_new(j, "changes", changes);
	*out = json_pack("{s:o}", "organization", j);
	return MADO_OK;
}

void api_org_show(struct http_req *req, struct http_resp *resp)
{
	struct mado_err err;
	send_profile(req, resp, http_param_id(req, 0), MADO_OK, &err, org_profile, "no such organization");
}

static const struct text_field org_fields[] = {
	{ "name", people_name_ok, "name: at most 200 bytes, no control characters" },
	{ "tier", people_tier_ok, "tier: 1 to 64 bytes, one line, no blanks at either end" },
};

/* A field_value_fn: row is a struct people_org. */
static const char *org_field_value(const void *row, const char *f)
{
	const struct people_org *o = row;
	return strcmp(f, "shared_tickets") == 0 ? (o->shared_tickets ? "true" : "false")
	       : strcmp(f, "name") == 0         ? o->name
	                                        : o->tier;
}

/* name and tier as text; shared_tickets (a boolean) as "true" or "false". */
static mado_status write_org(struct http_req *req, int64_t id, const char *field, const char *value, time_t now,
                             struct mado_err *err)
{
	if (strcmp(field, "shared_tickets") == 0)
		return people_org_set_shared(req->store, id, strcmp(value, "true") == 0, err);
	return people_org_set(req->store, id, field, value, err);
}

static mado_status apply_org(struct http_req *req, int64_t id, json_t *body, const char *actor, time_t now,
                             struct mado_err *err)
{
	struct people_org o;
	mado_status st = people_org_get(req->store, req->arena, id, &o, err);
	return st ? st : apply_fields(req, "organization", id, body, actor, now, &o, org_field_value, write_org, err);
}

void api_org_update(struct http_req *req, struct http_resp *resp)
{
	json_t *body = http_body_json(req, resp);
	if (!body)
		return;
	static const char *const extra[] = { "shared_tickets", NULL };
	if (!validate_text_fields(body, org_fields, sizeof org_fields / sizeof org_fields[0], extra, resp)) {
		json_decref(body);
		return;
	}
	json_t *shared = json_object_get(body, "shared_tickets");
	if (shared && !json_is_boolean(shared)) {
		json_decref(body);
		http_error(resp, 400, "bad_value", "shared_tickets must be true or false");
		return;
	}
	update_and_send(req, resp, body, apply_org, org_profile, "no such organization");
}

/* ---- GET /api/v1/admin/tiers: the tiers in use (admins) ---- */

static mado_status tier_json(void *ctx, const struct people_tier *t)
{
	json_array_append_new(ctx, json_pack("{s:s, s:I, s:I, s:I}", "tier", t->tier, "customers",
	                                     (json_int_t)t->customers, "organizations", (json_int_t)t->organizations,
	                                     "policies", (json_int_t)t->policies));
	return MADO_OK;
}

void api_tiers_list(struct http_req *req, struct http_resp *resp)
{
	struct mado_err err;
	json_t *arr = json_array();
	mado_status st = people_tier_list(req->store, req->arena, tier_json, arr, &err);
	if (st) {
		json_decref(arr);
		api_store_error(resp, st, &err);
		return;
	}
	http_json(resp, 200, json_pack("{s:o}", "tiers", arr));
}
