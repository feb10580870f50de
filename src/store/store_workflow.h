/*
 * The store's triage and routing half (src/store/sqlite/workflow.c): the
 * admin-defined rules, what rules look at on a ticket, the triage columns,
 * agents' routing profiles and groups' strategies, and the queues triggers
 * write to (webhooks, notifications).
 *
 * Same contract as store.h: strings passed in are borrowed for the call;
 * strings in results are owned by the given arena; writes run between
 * store_begin() and store_commit(); "not found" is MADO_ENOTFOUND.
 */
#ifndef MADO_STORE_STORE_WORKFLOW_H
#define MADO_STORE_STORE_WORKFLOW_H

#include "store/store.h"
#include "store/store_tickets.h"

/* ---- rules ---- */

struct store_rule {
	int64_t id, position;
	const char *kind, *name, *rule_json;
	bool enabled;
	time_t created_at, updated_at;
};
typedef mado_status (*store_rule_cb)(void *ctx, const struct store_rule *r);
/* Rules of kind (NULL = every kind) by kind, position, id. */
mado_status store_rule_list(struct store *s, struct arena *a, const char *kind, bool enabled_only, store_rule_cb cb,
                            void *ctx, struct mado_err *err);
mado_status store_rule_get(struct store *s, struct arena *a, int64_t id, struct store_rule *out,
                           struct mado_err *err);
/* Appended after the last rule of its kind. */
mado_status store_rule_add(struct store *s, const char *kind, const char *name, bool enabled, const char *rule_json,
                           time_t now, int64_t *id, struct mado_err *err);
/* name / rule_json NULL = keep; enabled < 0 = keep. */
mado_status store_rule_update(struct store *s, int64_t id, const char *name, int enabled, const char *rule_json,
                              time_t now, struct mado_err *err);
mado_status store_rule_set_position(struct store *s, int64_t id, int64_t position, struct mado_err *err);
mado_status store_rule_delete(struct store *s, int64_t id, struct mado_err *err);
mado_status store_rule_delete_all(struct store *s, struct mado_err *err);

/* ---- what rules look at ---- */

struct store_triage_facts {
	const char *body;            /* the newest inbound message's text */
	const char *to_json;         /* its To addresses */
	const char *customer_tier, *customer_language, *org_domain, *org_tier;
	const char *group_name, *assignee_email;
	const char *tags;            /* "a,b" */
	const char *custom_json;     /* {"key": "value"} */
	int64_t group_id, assignee_id;
};
mado_status store_triage_facts(struct store *s, struct arena *a, int64_t ticket, struct store_triage_facts *f,
                               struct mado_err *err);
/* Tickets of the customer created at or after since. */
mado_status store_customer_ticket_count(struct store *s, int64_t customer_id, time_t since, int64_t *n,
                                        struct mado_err *err);
/* Set "category", "language", "priority_reason" or "priority_reason_ja". */
mado_status store_ticket_set_triage(struct store *s, int64_t ticket, const char *column, const char *value,
                                    struct mado_err *err);

/* ---- routing ---- */

/* An agent who may receive tickets of a group now: a member, not
 * disabled, available, not a light agent. open_count: tickets assigned
 * and not resolved/closed; load: the same weighted by priority (low 1,
 * normal 2, high 3, urgent 4). */
struct store_route_agent {
	int64_t id, capacity, open_count, load;
	const char *email, *skills_json, *shifts;
	bool senior;
};
typedef mado_status (*store_route_agent_cb)(void *ctx, const struct store_route_agent *ag);
mado_status store_group_route_agents(struct store *s, struct arena *a, int64_t group_id, store_route_agent_cb cb,
                                     void *ctx, struct mado_err *err);

struct store_group_routing {
	int64_t id, rr_cursor, escalation_group_id;
	const char *name, *strategy;
};
mado_status store_group_routing_get(struct store *s, struct arena *a, int64_t group_id,
                                    struct store_group_routing *out, struct mado_err *err);
typedef mado_status (*store_group_routing_cb)(void *ctx, const struct store_group_routing *g);
mado_status store_group_routing_list(struct store *s, struct arena *a, store_group_routing_cb cb, void *ctx,
                                     struct mado_err *err);
/* escalation_group_id 0 = none. */
mado_status store_group_routing_set(struct store *s, int64_t group_id, const char *strategy,
                                    int64_t escalation_group_id, struct mado_err *err);
mado_status store_group_cursor_set(struct store *s, int64_t group_id, int64_t cursor, struct mado_err *err);

struct store_agent_routing {
	int64_t id, capacity;
	const char *email, *skills_json, *shifts;
	bool senior, available;
};
mado_status store_agent_routing_get(struct store *s, struct arena *a, int64_t agent_id,
                                    struct store_agent_routing *out, struct mado_err *err);
typedef mado_status (*store_agent_routing_cb)(void *ctx, const struct store_agent_routing *r);
mado_status store_agent_routing_list(struct store *s, struct arena *a, store_agent_routing_cb cb, void *ctx,
                                     struct mado_err *err);
mado_status store_agent_routing_set(struct store *s, int64_t agent_id, int64_t capacity, bool senior,
                                    const char *skills_json, const char *shifts, struct mado_err *err);
/* The agent's tickets that are not resolved or closed, by id. */
mado_status store_agent_open_tickets(struct store *s, int64_t agent_id, store_id_cb cb, void *ctx,
                                     struct mado_err *err);

/* ---- what triggers queue ---- */

mado_status store_webhook_add(struct store *s, int64_t ticket, int64_t rule_id, const char *url,
                              const char *body_json, time_t now, struct mado_err *err);
/* Queued webhooks due at now, oldest first, at most limit. */
struct store_webhook {
	int64_t id, ticket_id, attempts;
	const char *url, *body_json;
};
typedef mado_status (*store_webhook_cb)(void *ctx, const struct store_webhook *w);
mado_status store_webhook_due(struct store *s, struct arena *a, time_t now, int64_t limit, store_webhook_cb cb,
                              void *ctx, struct mado_err *err);
/* Record one delivery attempt: status "sent", "queued" (retry at
 * next_attempt_at) or "failed" (given up); error "" when sent. */
/* Take webhook id for one delivery: push its next attempt to `until` if
 * it is still queued and due at now; *claimed false when another sender
 * (serve beside cron) took it first. */
mado_status store_webhook_claim(struct store *s, int64_t id, time_t until, time_t now, bool *claimed,
                                struct mado_err *err);
mado_status store_webhook_attempt(struct store *s, int64_t id, const char *status, const char *error,
                                  time_t next_attempt_at, time_t now, struct mado_err *err);
mado_status store_notification_add(struct store *s, int64_t agent_id, int64_t ticket, const char *body, time_t now,
                                   struct mado_err *err);

/* the SLA and automations half (src/store/sqlite/sla.c) */
#include "store/store_sla.h"

/* ---- the trigger dry run (src/store/sqlite/dry_run.c) ---- */

/* The highest row ids before a simulated run, inside its transaction. */
struct store_dry_marks {
	int64_t event, message, webhook;
};
mado_status store_dry_marks_take(struct store *s, struct store_dry_marks *m, struct mado_err *err);
/* Rows the run added on ticket: mails (to_json, subject, body) and
 * webhooks (url, body_json); strings owned by a. */
typedef mado_status (*store_dry_row_cb)(void *ctx, const char *const col[3]);
mado_status store_dry_mails(struct store *s, struct arena *a, int64_t ticket, const struct store_dry_marks *m,
                            store_dry_row_cb cb, void *ctx, struct mado_err *err);
mado_status store_dry_webhooks(struct store *s, struct arena *a, int64_t ticket, const struct store_dry_marks *m,
                               store_dry_row_cb cb, void *ctx, struct mado_err *err);

#endif
