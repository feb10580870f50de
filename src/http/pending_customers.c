/* Placeholders until the customers endpoints land: 501, never a fake success. */
#include "http/api.h"

void api_customers_list(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_customer_show(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_customer_update(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_orgs_list(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_org_show(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_org_update(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_attachment_download(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_message_html(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_upload(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_agents_list(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_agent_create(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_agent_update(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_groups_list(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_group_create(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_group_member_add(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

void api_token_create(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_error(resp, 501, "not_implemented", "not implemented yet");
}

