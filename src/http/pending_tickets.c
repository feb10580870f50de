/* Placeholders until the tickets endpoints land: 501, never a fake success. */
#include "http/api.h"

void api_ticket_update(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_tickets_bulk(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_ticket_note(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_ticket_reply(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_ticket_merge(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_ticket_link(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_ticket_split(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_views_list(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_view_create(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_view_delete(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_fields_list(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_field_create(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

