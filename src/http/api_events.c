/*
 * GET /api/v1/events: the caller's server-sent event stream (see
 * src/http/events.c). GET/POST /api/v1/tickets/:id/presence: which agents
 * are viewing or replying to a ticket, for collision detection. Presence
 * is for agents on tickets they may see; others get 404 like for a
 * ticket that does not exist.
 */
#include <string.h>

#include "http/api.h"
#include "http/events.h"
#include "http/server_internal.h"

void api_events_stream(struct http_req *req, struct http_resp *resp)
{
	events_subscribe(req, resp);
}

/* The ticket id of the path when the caller may see it; 0 with a 404 in resp. */
static int64_t visible_ticket(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	struct store_viewer v = {
		.all = req->who.role >= ROLE_SUPERVISOR,
		.agent_id = req->who.agent_id,
		.customer_id = req->who.customer_id,
	};
	bool visible = false;
	struct mado_err err;
	if (id && store_ticket_visible(req->store, &v, id, &visible, &err)) {
		http_error(resp, 503, "unavailable", err.msg);
		return 0;
	}
	if (!visible || req->who.agent_id <= 0) {
		http_error(resp, 404, "not_found", "no such ticket");
		return 0;
	}
	return id;
}

void api_presence_get(struct http_req *req, struct http_resp *resp)
{
	int64_t id = visible_ticket(req, resp);
	if (!id)
		return;
	http_json(resp, 200, json_pack("{s:I, s:o}", "ticket_id", (json_int_t)id, "agents",
	                               events_presence_get(req->srv, id)));
}

void api_presence_set(struct http_req *req, struct http_resp *resp)
{
	int64_t id = visible_ticket(req, resp);
	if (!id)
		return;
	json_t *body = http_body_json(req, resp);
	if (!body)
		return;
	const char *state = json_string_value(json_object_get(body, "state"));
	if (!state || (strcmp(state, "viewing") && strcmp(state, "replying") && strcmp(state, "left"))) {
		json_decref(body);
		http_error(resp, 400, "bad_state", "state must be \"viewing\", \"replying\" or \"left\"");
		return;
	}
	json_t *jt = json_object_get(body, "ttl");
	json_int_t ttl = jt ? (json_is_integer(jt) ? json_integer_value(jt) : -1) : PRESENCE_TTL_SECONDS;
	if (ttl < PRESENCE_TTL_MIN || ttl > PRESENCE_TTL_MAX) {
		json_decref(body);
		http_error(resp, 400, "bad_ttl", "ttl must be an integer number of seconds, 5..120");
		return;
	}
	events_presence_set(req->srv, id, req->who.agent_id, req->who.email, state, (int)ttl);
	json_decref(body);
	http_json(resp, 200, json_pack("{s:I, s:o}", "ticket_id", (json_int_t)id, "agents",
	                               events_presence_get(req->srv, id)));
}
