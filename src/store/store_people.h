/*
 * The store's people half (src/store/sqlite/people.c): customers and
 * organisations as the API shows and edits them, agents and groups for
 * administration, the audit trail of changes to people, attachment
 * download tokens, message bodies for the HTML view, and uploads.
 *
 * Same contract as store.h: strings passed in are borrowed for the call;
 * strings in results are owned by the given arena. Write functions run
 * between store_begin() and store_commit(). "Not found" is MADO_ENOTFOUND.
 */
#ifndef MADO_STORE_STORE_PEOPLE_H
#define MADO_STORE_STORE_PEOPLE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

/* ---- customers ---- */

struct people_customer {
	int64_t id;
	const char *email, *name, *tier, *language, *time_zone;
	bool bouncing;
	const char *bounce_status, *bounce_reason;
	time_t bounced_at;          /* 0 = never */
	time_t created_at, updated_at;
	int64_t organization_id;    /* 0 = none */
	const char *org_name, *org_domain;  /* "" when none */
};
typedef mado_status (*people_customer_cb)(void *ctx, const struct people_customer *c);

/* Customers whose email or name starts with q (case-insensitive; NULL or
 * "" = all), ordered by id, with id > after_id, at most limit. */
mado_status people_customer_search(struct store *s, struct arena *a, const char *q, int64_t after_id,
                                   int64_t limit, people_customer_cb cb, void *ctx, struct mado_err *err);
mado_status people_customer_get(struct store *s, struct arena *a, int64_t id, struct people_customer *out,
                                struct mado_err *err);
/* Set one text field: "name", "tier", "language" or "time_zone" (else
 * MADO_EINVAL). updated_at becomes now. */
mado_status people_customer_set(struct store *s, int64_t id, const char *field, const char *value, time_t now,
                                struct mado_err *err);
/* The customer's tickets, newest first, at most limit, unfiltered: the
 * caller applies store_ticket_visible(). */
mado_status people_customer_tickets(struct store *s, struct arena *a, int64_t customer_id, int64_t limit,
                                    store_ticket_cb cb, void *ctx, struct mado_err *err);

/* ---- organisations ---- */

struct people_org {
	int64_t id;
	const char *domain, *name, *tier;
	bool shared_tickets;
	time_t created_at;
	int64_t customer_count;
};
typedef mado_status (*people_org_cb)(void *ctx, const struct people_org *o);
mado_status people_org_search(struct store *s, struct arena *a, const char *q, int64_t after_id, int64_t limit,
                              people_org_cb cb, void *ctx, struct mado_err *err);
mado_status people_org_get(struct store *s, struct arena *a, int64_t id, struct people_org *out,
                           struct mado_err *err);
/* Set "name" or "tier" (text). */
mado_status people_org_set(struct store *s, int64_t id, const char *field, const char *value,
                           struct mado_err *err);
mado_status people_org_set_shared(struct store *s, int64_t id, bool shared, struct mado_err *err);
/* Customers of the organisation, by id, at most limit. */
mado_status people_org_customers(struct store *s, struct arena *a, int64_t org_id, int64_t limit,
                                 people_customer_cb cb, void *ctx, struct mado_err *err);

/* ---- audit trail of changes to people ---- */

struct people_audit {
	int64_t id;
	const char *actor, *field, *old_value, *new_value;  /* values may be NULL */
	time_t created_at;
};
typedef mado_status (*people_audit_cb)(void *ctx, const struct people_audit *e);
/* subject: "customer", "organization", "agent" or "group". */
mado_status people_audit_add(struct store *s, const char *subject, int64_t subject_id, const char *actor,
                             const char *field, const char *old_value, const char *new_value, time_t now,
                             struct mado_err *err);
/* Newest first, at most limit. */
mado_status people_audit_list(struct store *s, struct arena *a, const char *subject, int64_t subject_id,
                              int64_t limit, people_audit_cb cb, void *ctx, struct mado_err *err);

/* ---- agents and groups ---- */

/* All agents by id (password_hash is left NULL). */
typedef mado_status (*people_agent_cb)(void *ctx, const struct store_agent *ag);
mado_status people_agent_list(struct store *s, struct arena *a, people_agent_cb cb, void *ctx,
                              struct mado_err *err);
/* Set one field: text "name", "language", "time_zone", "role"; flag
 * "available", "disabled" (value "0"/"1"). Other names: MADO_EINVAL. */
mado_status people_agent_set(struct store *s, int64_t id, const char *field, const char *value,
                             struct mado_err *err);
/* The agent's group ids, ascending. */
typedef mado_status (*people_id_cb)(void *ctx, int64_t id);
mado_status people_agent_groups(struct store *s, int64_t agent_id, people_id_cb cb, void *ctx,
                                struct mado_err *err);
/* Replace the agent's memberships by ids[0..n). */
mado_status people_agent_groups_set(struct store *s, int64_t agent_id, const int64_t *ids, size_t n,
                                    struct mado_err *err);

struct people_group {
	int64_t id;
	const char *name;
	time_t created_at;
};
typedef mado_status (*people_group_cb)(void *ctx, const struct people_group *g);
mado_status people_group_list(struct store *s, struct arena *a, people_group_cb cb, void *ctx,
                              struct mado_err *err);
mado_status people_group_get(struct store *s, struct arena *a, int64_t id, struct people_group *out,
                             struct mado_err *err);
/* Member agent ids of a group, ascending. */
mado_status people_group_members(struct store *s, int64_t group_id, people_id_cb cb, void *ctx,
                                 struct mado_err *err);

/* ---- attachments and message bodies ---- */

struct people_attachment {
	int64_t id, message_row;
	int64_t ticket_id;          /* 0: the message belongs to no ticket */
	const char *sha256, *filename, *content_type;
	int64_t size;
	bool stored;
};
/* The attachment a download token names. */
mado_status people_attachment_by_token(struct store *s, struct arena *a, const char *token,
                                       struct people_attachment *out, struct mado_err *err);
/*
 * The download URL of an attachment, "/api/v1/attachments/<token>", for
 * the ticket view to print next to each attachment (only ever shown to
 * callers who may see the ticket). *url is owned by the arena. The token
 * is made when the attachment is inserted (a trigger of migration 5);
 * MADO_ENOTFOUND when the attachment has none.
 */
mado_status people_attachment_url(struct store *s, struct arena *a, int64_t attachment_id, const char **url,
                                  struct mado_err *err);

struct people_message_body {
	int64_t id;
	int64_t ticket_id;          /* 0: none */
	const char *subject, *body_text, *body_html;  /* body_html: sanitized at intake */
};
mado_status people_message_body(struct store *s, struct arena *a, int64_t message_row,
                                struct people_message_body *out, struct mado_err *err);

/* ---- uploads (files for replies) ---- */

struct people_upload {
	const char *id;             /* 32 hex chars */
	int64_t agent_id;
	const char *sha256, *filename, *content_type;
	int64_t size;
	time_t created_at, used_at; /* used_at 0 = not yet used */
};
mado_status people_upload_add(struct store *s, const struct people_upload *u, struct mado_err *err);
/* The upload with this id, if agent_id uploaded it (else MADO_ENOTFOUND:
 * uploads of others are indistinguishable from none). */
mado_status people_upload_get(struct store *s, struct arena *a, const char *id, int64_t agent_id,
                              struct people_upload *out, struct mado_err *err);
/* Replies claim uploads with store_upload_take() (store_tickets.h). */

/* ---- values people fields accept ---- */

/* Customer and organisation tiers: any name of 1..64 bytes without
 * control characters or blanks at either end ("standard", "premium",
 * "vip" are the usual ones; "vip" is what the vip routing strategy and
 * the "VIP customer" explanations look for). */
bool people_tier_ok(const char *s);

/* The tiers in use: each distinct tier of the customers, the
 * organisations and the SLA policies (match_tier), by name, with how many
 * of each hold it. Strings owned by a. */
struct people_tier {
	const char *tier;
	int64_t customers, organizations, policies;
};
typedef mado_status (*people_tier_cb)(void *ctx, const struct people_tier *t);
mado_status people_tier_list(struct store *s, struct arena *a, people_tier_cb cb, void *ctx, struct mado_err *err);
/* An IANA zone name such as "UTC" or "Asia/Tokyo": 1..64 bytes of
 * [A-Za-z0-9_+-] segments joined by "/", starting with a letter, no "..". */
bool people_time_zone_ok(const char *s);
/* A BCP 47 tag such as "ja" or "en-GB": 2..3 letters, then up to four
 * "-" subtags of 1..8 letters/digits; "" (unknown) is accepted too. */
bool people_language_ok(const char *s);
/* A display name: at most 200 bytes of valid UTF-8 without control chars. */
bool people_name_ok(const char *s);

#endif
