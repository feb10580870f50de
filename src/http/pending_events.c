/* Placeholders until the events endpoints land: 501, never a fake success. */
#include "http/api.h"

void api_presence_get(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_presence_set(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_events_stream(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_search(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

