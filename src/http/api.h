/* The handlers named in the route table (src/http/routes.c), one
 * api_<resource>.c file per resource. */
#ifndef MADO_HTTP_API_H
#define MADO_HTTP_API_H

#include "http/http.h"

void api_healthz(struct http_req *req, struct http_resp *resp);
void api_metrics(struct http_req *req, struct http_resp *resp);
void api_login(struct http_req *req, struct http_resp *resp);
void api_logout(struct http_req *req, struct http_resp *resp);
void api_session(struct http_req *req, struct http_resp *resp);
void api_tickets_list(struct http_req *req, struct http_resp *resp);
void api_ticket_show(struct http_req *req, struct http_resp *resp);

#endif
