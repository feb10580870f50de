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
	{ "GET", "/api/v1/tickets", api_tickets_list, ROLE_CUSTOMER, 0, ROUTE_READ },
	{ "GET", "/api/v1/tickets/:id", api_ticket_show, ROLE_CUSTOMER, 0, ROUTE_READ },
	{ "GET", "/api/v1/tickets/:id/presence", api_presence_get, ROLE_LIGHT_AGENT, 0, 0 },
	{ "POST", "/api/v1/tickets/:id/presence", api_presence_set, ROLE_LIGHT_AGENT, 1 * KB, 0 },
	{ "GET", "/api/v1/events", api_events_stream, ROLE_CUSTOMER, 0, ROUTE_RAW },
	{ "GET", "/api/v1/search", api_search, ROLE_CUSTOMER, 0, ROUTE_READ },
	{ "PATCH", "/api/v1/tickets/:id", api_ticket_update, ROLE_AGENT, 64 * KB, 0 },
	{ "POST", "/api/v1/tickets/bulk", api_tickets_bulk, ROLE_AGENT, 256 * KB, 0 },
	{ "POST", "/api/v1/tickets/:id/notes", api_ticket_note, ROLE_LIGHT_AGENT, 256 * KB, 0 },
	{ "POST", "/api/v1/tickets/:id/replies", api_ticket_reply, ROLE_AGENT, 256 * KB, 0 },
	{ "POST", "/api/v1/tickets/:id/merge", api_ticket_merge, ROLE_AGENT, 4 * KB, 0 },
	{ "POST", "/api/v1/tickets/:id/links", api_ticket_link, ROLE_AGENT, 4 * KB, 0 },
	{ "POST", "/api/v1/tickets/:id/children", api_ticket_split, ROLE_AGENT, 64 * KB, 0 },
	{ "GET", "/api/v1/views", api_views_list, ROLE_LIGHT_AGENT, 0, 0 },
	{ "POST", "/api/v1/views", api_view_create, ROLE_LIGHT_AGENT, 16 * KB, 0 },
	{ "DELETE", "/api/v1/views/:id", api_view_delete, ROLE_LIGHT_AGENT, 0, 0 },
	{ "GET", "/api/v1/fields", api_fields_list, ROLE_LIGHT_AGENT, 0, 0 },
	{ "POST", "/api/v1/fields", api_field_create, ROLE_ADMIN, 16 * KB, 0 },
	{ "GET", "/api/v1/customers", api_customers_list, ROLE_LIGHT_AGENT, 0, 0 },
	{ "GET", "/api/v1/customers/:id", api_customer_show, ROLE_LIGHT_AGENT, 0, 0 },
	{ "PATCH", "/api/v1/customers/:id", api_customer_update, ROLE_AGENT, 16 * KB, 0 },
	{ "GET", "/api/v1/organizations", api_orgs_list, ROLE_LIGHT_AGENT, 0, 0 },
	{ "GET", "/api/v1/organizations/:id", api_org_show, ROLE_LIGHT_AGENT, 0, 0 },
	{ "PATCH", "/api/v1/organizations/:id", api_org_update, ROLE_SUPERVISOR, 16 * KB, 0 },
	{ "GET", "/api/v1/attachments/:token", api_attachment_download, ROLE_CUSTOMER, 0, ROUTE_RAW },
	{ "GET", "/api/v1/messages/:id/html", api_message_html, ROLE_CUSTOMER, 0, ROUTE_RAW },
	{ "POST", "/api/v1/uploads", api_upload, ROLE_LIGHT_AGENT, 10 * 1024 * KB, 0 },
	{ "GET", "/api/v1/agents", api_agents_list, ROLE_LIGHT_AGENT, 0, 0 },
	{ "POST", "/api/v1/agents", api_agent_create, ROLE_ADMIN, 16 * KB, 0 },
	{ "PATCH", "/api/v1/agents/:id", api_agent_update, ROLE_LIGHT_AGENT, 16 * KB, 0 },
	{ "GET", "/api/v1/groups", api_groups_list, ROLE_LIGHT_AGENT, 0, 0 },
	{ "POST", "/api/v1/groups", api_group_create, ROLE_ADMIN, 4 * KB, 0 },
	{ "POST", "/api/v1/groups/:id/members", api_group_member_add, ROLE_ADMIN, 4 * KB, 0 },
	{ "POST", "/api/v1/tokens", api_token_create, ROLE_LIGHT_AGENT, 4 * KB, 0 },
	/* workflow administration (issue 5): rules, routing, import/export */
	{ "GET", "/api/v1/rules", api_rules_list, ROLE_SUPERVISOR, 0, 0 },
	{ "POST", "/api/v1/rules", api_rule_create, ROLE_SUPERVISOR, 64 * KB, 0 },
	{ "POST", "/api/v1/rules/order", api_rules_order, ROLE_SUPERVISOR, 16 * KB, 0 },
	{ "POST", "/api/v1/rules/test", api_rules_test, ROLE_SUPERVISOR, 64 * KB, 0 },
	{ "GET", "/api/v1/rules/:id", api_rule_show, ROLE_SUPERVISOR, 0, 0 },
	{ "PATCH", "/api/v1/rules/:id", api_rule_update, ROLE_SUPERVISOR, 64 * KB, 0 },
	{ "DELETE", "/api/v1/rules/:id", api_rule_delete, ROLE_SUPERVISOR, 0, 0 },
	{ "GET", "/api/v1/agents/:id/routing", api_agent_routing_show, ROLE_SUPERVISOR, 0, 0 },
	{ "PATCH", "/api/v1/agents/:id/routing", api_agent_routing_update, ROLE_SUPERVISOR, 4 * KB, 0 },
	{ "POST", "/api/v1/agents/:id/redistribute", api_agent_redistribute, ROLE_SUPERVISOR, 0, 0 },
	{ "PATCH", "/api/v1/groups/:id/routing", api_group_routing_update, ROLE_SUPERVISOR, 4 * KB, 0 },
	{ "GET", "/api/v1/workflow/export", api_workflow_export, ROLE_SUPERVISOR, 0, 0 },
	{ "POST", "/api/v1/workflow/import", api_workflow_import, ROLE_ADMIN, 1024 * KB, 0 },
	{ "GET", "/*", api_static, ROLE_NONE, 0, ROUTE_RAW },  /* the web UI; keep last */
};

const size_t http_nroutes = sizeof http_routes / sizeof http_routes[0];
