/* See api_util.h. */
#include "http/api_util.h"

#include <stdio.h>

void api_actor(const struct http_req *req, char *out, size_t n)
{
	snprintf(out, n, "agent:%lld", (long long)req->who.agent_id);
}

void api_send_result(struct http_resp *resp, int status, mado_status st, json_t *value,
                     const struct mado_err *err, const char *not_found)
{
	if (st) {
		json_decref(value);
		if (st == MADO_ENOTFOUND)
			http_error(resp, 404, "not_found", not_found);
		else
			http_error(resp, 503, "unavailable", err->msg);
		return;
	}
	http_json(resp, status, value);
}
