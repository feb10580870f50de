/*
 * The one route table: method, path, handler, the weakest role admitted,
 * and the body limit. Every endpoint is here; server.c enforces the role,
 * the limit and CSRF before a handler runs.
 */
#include "http/api.h"

#define KB 1024

const struct route http_routes[] = {
	{ "GET", "/healthz", api_healthz, ROLE_NONE, 0, 0 },
	{ "GET", "/metrics", api_metrics, ROLE_NONE, 0, ROUTE_RAW },
	{ "POST", "/api/v1/session", api_login, ROLE_NONE, 4 * KB, ROUTE_NO_CSRF },
	{ "GET", "/api/v1/session", api_session, ROLE_CUSTOMER, 0, 0 },
	{ "DELETE", "/api/v1/session", api_logout, ROLE_CUSTOMER, 0, 0 },
	{ "GET", "/api/v1/tickets", api_tickets_list, ROLE_CUSTOMER, 0, 0 },
	{ "GET", "/api/v1/tickets/:id", api_ticket_show, ROLE_CUSTOMER, 0, 0 },
};

const size_t http_nroutes = sizeof http_routes / sizeof http_routes[0];
