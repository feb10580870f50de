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

void api_presence_get(struct http_req *req, struct http_resp *resp);
void api_presence_set(struct http_req *req, struct http_resp *resp);
void api_events_stream(struct http_req *req, struct http_resp *resp);
void api_search(struct http_req *req, struct http_resp *resp);
void api_ticket_update(struct http_req *req, struct http_resp *resp);
void api_tickets_bulk(struct http_req *req, struct http_resp *resp);
void api_ticket_note(struct http_req *req, struct http_resp *resp);
void api_ticket_reply(struct http_req *req, struct http_resp *resp);
void api_ticket_merge(struct http_req *req, struct http_resp *resp);
void api_ticket_link(struct http_req *req, struct http_resp *resp);
void api_ticket_split(struct http_req *req, struct http_resp *resp);
void api_views_list(struct http_req *req, struct http_resp *resp);
void api_view_create(struct http_req *req, struct http_resp *resp);
void api_view_delete(struct http_req *req, struct http_resp *resp);
void api_fields_list(struct http_req *req, struct http_resp *resp);
void api_field_create(struct http_req *req, struct http_resp *resp);
void api_customers_list(struct http_req *req, struct http_resp *resp);
void api_customer_show(struct http_req *req, struct http_resp *resp);
void api_customer_update(struct http_req *req, struct http_resp *resp);
void api_orgs_list(struct http_req *req, struct http_resp *resp);
void api_org_show(struct http_req *req, struct http_resp *resp);
void api_org_update(struct http_req *req, struct http_resp *resp);
void api_tiers_list(struct http_req *req, struct http_resp *resp);
void api_attachment_download(struct http_req *req, struct http_resp *resp);
void api_message_html(struct http_req *req, struct http_resp *resp);
void api_upload(struct http_req *req, struct http_resp *resp);
void api_agents_list(struct http_req *req, struct http_resp *resp);
void api_agent_create(struct http_req *req, struct http_resp *resp);
void api_agent_update(struct http_req *req, struct http_resp *resp);
void api_groups_list(struct http_req *req, struct http_resp *resp);
void api_group_create(struct http_req *req, struct http_resp *resp);
void api_group_member_add(struct http_req *req, struct http_resp *resp);
void api_token_create(struct http_req *req, struct http_resp *resp);
void api_static(struct http_req *req, struct http_resp *resp);  /* static.c: the web UI */
/* workflow administration (src/http/api_rules.c) */
void api_rules_list(struct http_req *req, struct http_resp *resp);
void api_rule_show(struct http_req *req, struct http_resp *resp);
void api_rule_create(struct http_req *req, struct http_resp *resp);
void api_rule_update(struct http_req *req, struct http_resp *resp);
void api_rule_delete(struct http_req *req, struct http_resp *resp);
void api_rules_order(struct http_req *req, struct http_resp *resp);
void api_rules_test(struct http_req *req, struct http_resp *resp);
void api_agent_routing_show(struct http_req *req, struct http_resp *resp);
void api_agent_routing_update(struct http_req *req, struct http_resp *resp);
void api_agent_redistribute(struct http_req *req, struct http_resp *resp);
void api_group_routing_update(struct http_req *req, struct http_resp *resp);
void api_workflow_export(struct http_req *req, struct http_resp *resp);
void api_workflow_import(struct http_req *req, struct http_resp *resp);

/* SLA half of the workflow configuration (src/http/api_workflow.c) */
/* Its sections of the one workflow export: calendars, sla_policies,
 * automations added to doc. */
mado_status api_sla_config_export(struct http_req *req, json_t *doc, struct mado_err *err);
/* Those sections of an export applied inside the caller's transaction
 * (upsert by name); counts gets the items per section. */
mado_status api_sla_config_import(struct http_req *req, json_t *doc, json_t *counts, struct mado_err *err);
void api_calendar_list(struct http_req *req, struct http_resp *resp);
void api_calendar_create(struct http_req *req, struct http_resp *resp);
void api_calendar_update(struct http_req *req, struct http_resp *resp);
void api_calendar_delete(struct http_req *req, struct http_resp *resp);
void api_sla_policy_list(struct http_req *req, struct http_resp *resp);
void api_sla_policy_create(struct http_req *req, struct http_resp *resp);
void api_sla_policy_update(struct http_req *req, struct http_resp *resp);
void api_sla_policy_delete(struct http_req *req, struct http_resp *resp);
void api_automation_list(struct http_req *req, struct http_resp *resp);
void api_automation_create(struct http_req *req, struct http_resp *resp);
void api_automation_update(struct http_req *req, struct http_resp *resp);
void api_automation_delete(struct http_req *req, struct http_resp *resp);
void api_sla_dry_run(struct http_req *req, struct http_resp *resp);
/* mail templates (admins) and canned responses: src/http/api_templates.c */
void api_templates_list(struct http_req *req, struct http_resp *resp);
void api_template_get(struct http_req *req, struct http_resp *resp);
void api_template_put(struct http_req *req, struct http_resp *resp);
void api_template_delete(struct http_req *req, struct http_resp *resp);
void api_canned_list(struct http_req *req, struct http_resp *resp);
void api_canned_create(struct http_req *req, struct http_resp *resp);
void api_canned_update(struct http_req *req, struct http_resp *resp);
void api_canned_delete(struct http_req *req, struct http_resp *resp);
void api_canned_render(struct http_req *req, struct http_resp *resp);
void api_notify_get(struct http_req *req, struct http_resp *resp);
void api_notify_update(struct http_req *req, struct http_resp *resp);
/* mailboxes and the mailbox settings (src/http/api_mailbox.c) */
void api_mailbox_show(struct http_req *req, struct http_resp *resp);
void api_mailboxes_list(struct http_req *req, struct http_resp *resp);
void api_mailbox_create(struct http_req *req, struct http_resp *resp);
void api_mailbox_update(struct http_req *req, struct http_resp *resp);
void api_mailbox_delete(struct http_req *req, struct http_resp *resp);

#endif
