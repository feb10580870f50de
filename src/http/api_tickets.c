/*
 * /api/v1/tickets: list and show, through the viewer's visibility. A
 * ticket the caller may not see is 404, exactly like one that does not
 * exist, so ticket numbers leak nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "core/view.h"
#include "http/api.h"

static struct store_viewer viewer_of(const struct http_req *req)
{
	struct store_viewer v = { 0 };
	v.all = req->who.role >= ROLE_SUPERVISOR;
	v.agent_id = req->who.agent_id;
	v.customer_id = req->who.customer_id;
	return v;
}

static const char *const statuses[] = { "new", "open", "pending", "on-hold", "resolved", "closed" };

struct list_ctx {
	json_t *arr;
	int64_t last;
};

static mado_status add_ticket(void *vctx, const struct store_ticket *t)
{
	struct list_ctx *lc = vctx;
	json_array_append_new(lc->arr, view_ticket(t));
	lc->last = t->id;
	return MADO_OK;
}

void api_tickets_list(struct http_req *req, struct http_resp *resp)
{
	struct store_list_opts o = { .limit = 50 };
	const char *status = http_query_get(req, "status");
	if (status) {
		bool known = false;
		for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
			known |= strcmp(status, statuses[i]) == 0;
		if (!known) {
			http_error(resp, 400, "bad_filter", "unknown status");
			return;
		}
		o.status = status;
	}
	const char *limit = http_query_get(req, "limit");
	if (limit) {
		char *end;
		long long l = strtoll(limit, &end, 10);
		if (*end || l < 1 || l > 200) {
			http_error(resp, 400, "bad_filter", "limit must be 1..200");
			return;
		}
		o.limit = l;
	}
	const char *cursor = http_query_get(req, "cursor");
	if (cursor) {
		char *end;
		long long c = strtoll(cursor, &end, 10);
		if (*end || c < 1) {
			http_error(resp, 400, "bad_filter", "bad cursor");
			return;
		}
		o.before_id = c;
	}
	struct store_viewer v = viewer_of(req);
	struct list_ctx lc = { .arr = json_array() };
	struct mado_err err;
	if (store_ticket_list_visible(req->store, req->arena, &v, &o, add_ticket, &lc, &err)) {
		json_decref(lc.arr);
		http_error(resp, 503, "unavailable", err.msg);
		return;
	}
	json_t *out = json_pack("{s:o}", "tickets", lc.arr);
	if ((int64_t)json_array_size(lc.arr) == o.limit)
		json_object_set_new(out, "next_cursor", json_integer(lc.last));
	http_json(resp, 200, out);
}

void api_ticket_show(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	struct store_viewer v = viewer_of(req);
	bool visible = false;
	struct mado_err err;
	if (id && store_ticket_visible(req->store, &v, id, &visible, &err)) {
		http_error(resp, 503, "unavailable", err.msg);
		return;
	}
	struct store_ticket t;
	json_t *j = NULL;
	if (!visible || store_ticket_get(req->store, req->arena, id, &t, &err) ||
	    view_ticket_full(req->store, req->arena, &t, &j, &err)) {
		http_error(resp, 404, "not_found", "no such ticket");
		return;
	}
	http_json(resp, 200, j);
}
