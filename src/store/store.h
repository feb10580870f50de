/*
 * The store: the one interface between Mado's logic and its database.
 * SQLite (WAL, synchronous=FULL) is the embedded backend; the PostgreSQL
 * backend for scale-out implements the same functions (later issue).
 *
 * All SQL lives behind this interface and uses bound parameters only.
 * Strings passed in are borrowed for the duration of the call. Strings
 * returned inside result structs are owned by the given arena.
 *
 * Write functions must be called between store_begin() and
 * store_commit()/store_rollback(). One process-wide writer at a time: the
 * caller holds the workspace writer lock (see core/workspace.h).
 */
#ifndef MADO_STORE_STORE_H
#define MADO_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/status.h"

struct store;

/* Open (creating if needed) and migrate to the newest schema.
 * busy_ms bounds how long any statement waits for a lock; past it the
 * call fails with MADO_ETEMP. */
mado_status store_open(const char *path, int busy_ms, struct store **out, struct mado_err *err);
void store_close(struct store *s);
int store_schema_version(struct store *s);
/* Change the lock wait (e.g. to the time left before a deadline). */
void store_set_busy_ms(struct store *s, int busy_ms);
/* Change the page cache (16 MB from store_open) to kib KiB; a smaller one
 * gives the excess back at once. */
void store_set_cache_kib(struct store *s, int kib);

mado_status store_begin(struct store *s, struct mado_err *err);   /* BEGIN IMMEDIATE */
/* A read-only request's statements in one snapshot (and one WAL read
 * lock instead of one per statement). Best effort: if BEGIN fails the
 * statements run on their own. Nothing may write in between. */
void store_read_begin(struct store *s);
void store_read_end(struct store *s);
/* Nested unit inside a transaction: one message of a batch. */
mado_status store_savepoint(struct store *s, struct mado_err *err);
mado_status store_release(struct store *s, struct mado_err *err);
void store_rollback_to(struct store *s);
mado_status store_commit(struct store *s, struct mado_err *err);
void store_rollback(struct store *s);

/* ---- intake ---- */

/* Is a message with this (Message-ID, SHA-256) stored? Its ticket (0 if none). */
mado_status store_message_find(struct store *s, const char *message_id, const char *sha256,
                               bool *found, int64_t *ticket_id, struct mado_err *err);
/* Ticket that a Message-ID we have seen or sent belongs to, or 0. */
mado_status store_thread_lookup(struct store *s, const char *message_id, int64_t *ticket_id,
                                struct mado_err *err);
mado_status store_thread_add(struct store *s, const char *message_id, int64_t ticket_id,
                             struct mado_err *err);
mado_status store_ticket_exists(struct store *s, int64_t ticket_id, bool *exists,
                                struct mado_err *err);
mado_status store_ticket_has_participant(struct store *s, int64_t ticket_id, const char *email,
                                         bool *yes, struct mado_err *err);

/* Find or create the organisation for a mail domain. */
mado_status store_org_upsert(struct store *s, const char *domain, time_t now, int64_t *id,
                             struct mado_err *err);
/* Find (case-insensitively) or create a customer; fills a missing name. */
mado_status store_customer_upsert(struct store *s, const char *email, const char *name,
                                  int64_t org_id, time_t now, int64_t *id, bool *created,
                                  struct mado_err *err);
mado_status store_customer_mark_bouncing(struct store *s, const char *email, const char *status,
                                         const char *reason, time_t now, bool *changed,
                                         struct mado_err *err);

struct store_ticket_new {
	const char *subject;
	const char *channel;
	int64_t customer_id;       /* 0 = none */
	int64_t organization_id;   /* 0 = none */
	int64_t linked_ticket_id;  /* 0 = none */
	bool spam;
	time_t now;
};
mado_status store_ticket_insert(struct store *s, const struct store_ticket_new *t, int64_t *id,
                                struct mado_err *err);
mado_status store_ticket_touch(struct store *s, int64_t ticket_id, time_t now,
                               struct mado_err *err);

struct store_message_new {
	int64_t ticket_id;
	const char *direction;     /* "in" / "out" */
	const char *message_id;
	const char *raw_sha256;
	size_t raw_size;
	const char *source;
	const char *from_email, *from_name;
	const char *to_json, *cc_json, *references_json;
	const char *subject;
	time_t date;               /* 0 = unknown */
	const char *in_reply_to;
	const char *body_text, *body_html;
	bool text_from_html;
	const char *kind;
	unsigned hygiene_flags;
	const char *hygiene_reasons;
	bool may_auto_answer;
	double spam_score;
	const char *thread_reason;
	const char *parse_notes;
	bool truncated;
	time_t now;
};
mado_status store_message_insert(struct store *s, const struct store_message_new *m, int64_t *id,
                                 struct mado_err *err);

struct store_attachment_new {
	int64_t message_row;
	const char *sha256;
	const char *filename;
	const char *content_type;
	size_t size;
	const char *content_id;
	bool inline_part;
	bool stored;
};
mado_status store_attachment_insert(struct store *s, const struct store_attachment_new *a,
                                    struct mado_err *err);
mado_status store_participant_add(struct store *s, int64_t ticket_id, const char *email,
                                  const char *name, const char *role, struct mado_err *err);
mado_status store_bounce_recipient_add(struct store *s, int64_t message_row, const char *email,
                                       const char *status, const char *action,
                                       const char *diagnostic, struct mado_err *err);
/* Append to the audit trail. old/new may be NULL. */
mado_status store_event_add(struct store *s, int64_t ticket_id, const char *actor,
                            const char *kind, const char *field, const char *old_value,
                            const char *new_value, time_t now, struct mado_err *err);
mado_status store_quarantine_add(struct store *s, const char *sha256, const char *reason,
                                 time_t now, struct mado_err *err);

/* ---- reading ---- */

struct store_ticket {
	int64_t id;
	const char *subject, *status, *priority, *type, *channel;
	int64_t customer_id, organization_id, linked_ticket_id;
	const char *customer_email, *customer_name, *organization;
	bool spam;
	time_t created_at, updated_at;
	int64_t message_count;
	/* triage (migration 9): reasons "" when nothing raised the priority */
	const char *category, *language, *priority_reason, *priority_reason_ja;
};

struct store_list_opts {
	const char *status;   /* NULL = any */
	int64_t limit;        /* 0 = 50 */
	int64_t before_id;    /* paging: tickets with id < before_id; 0 = newest */
};

typedef mado_status (*store_ticket_cb)(void *ctx, const struct store_ticket *t);
mado_status store_ticket_list(struct store *s, struct arena *a, const struct store_list_opts *o,
                              store_ticket_cb cb, void *ctx, struct mado_err *err);
mado_status store_ticket_get(struct store *s, struct arena *a, int64_t id, struct store_ticket *t,
                             struct mado_err *err);

struct store_message {
	int64_t id;
	const char *direction, *message_id, *raw_sha256, *source;
	const char *from_email, *from_name, *to_json, *cc_json, *subject;
	time_t date, created_at;
	const char *in_reply_to, *body_text, *body_html, *kind, *hygiene_reasons;
	bool may_auto_answer, text_from_html, truncated;
	double spam_score;
	const char *thread_reason, *parse_notes;
};
typedef mado_status (*store_message_cb)(void *ctx, const struct store_message *m);
mado_status store_message_list(struct store *s, struct arena *a, int64_t ticket_id,
                               store_message_cb cb, void *ctx, struct mado_err *err);

struct store_attachment {
	int64_t id, message_row;
	const char *sha256, *filename, *content_type, *content_id;
	int64_t size;
	bool inline_part, stored;
};
typedef mado_status (*store_attachment_cb)(void *ctx, const struct store_attachment *a);
mado_status store_attachment_list(struct store *s, struct arena *a, int64_t ticket_id,
                                  store_attachment_cb cb, void *ctx, struct mado_err *err);

struct store_participant {
	const char *email, *name, *role;
};
typedef mado_status (*store_participant_cb)(void *ctx, const struct store_participant *p);
mado_status store_participant_list(struct store *s, struct arena *a, int64_t ticket_id,
                                   store_participant_cb cb, void *ctx, struct mado_err *err);

struct store_event {
	int64_t id;
	const char *actor, *kind, *field, *old_value, *new_value;
	time_t created_at;
};
typedef mado_status (*store_event_cb)(void *ctx, const struct store_event *e);
mado_status store_event_list(struct store *s, struct arena *a, int64_t ticket_id,
                             store_event_cb cb, void *ctx, struct mado_err *err);

struct store_customer {
	int64_t id;
	const char *email, *name, *bounce_status, *bounce_reason;
	bool bouncing;
	int64_t organization_id;
};
mado_status store_customer_get(struct store *s, struct arena *a, const char *email,
                               struct store_customer *c, struct mado_err *err);

/* Counts for tests and benchmarks. */
mado_status store_count(struct store *s, const char *table, int64_t *n, struct mado_err *err);

/* ---- accounts (src/store/sqlite/accounts.c) ---- */

struct store_agent {
	int64_t id;
	const char *email, *name, *role, *password_hash, *language, *time_zone;
	bool available, disabled;
};
mado_status store_agent_add(struct store *s, const char *email, const char *name, const char *role,
                            const char *password_hash, time_t now, int64_t *id, struct mado_err *err);
/* MADO_ENOTFOUND when there is none. */
mado_status store_agent_by_email(struct store *s, struct arena *a, const char *email,
                                 struct store_agent *out, struct mado_err *err);
mado_status store_agent_get(struct store *s, struct arena *a, int64_t id, struct store_agent *out,
                            struct mado_err *err);

/* Who a session or API token belongs to. */
struct store_principal {
	int64_t agent_id, customer_id;
	const char *role;      /* agent role, or "customer" */
	const char *email;
	const char *csrf;      /* sessions only */
};
mado_status store_session_add(struct store *s, const char *token_hash, int64_t agent_id,
                              int64_t customer_id, const char *csrf, time_t now, time_t expires,
                              struct mado_err *err);
/* MADO_ENOTFOUND when unknown, expired, or its account is disabled. */
mado_status store_session_get(struct store *s, struct arena *a, const char *token_hash, time_t now,
                              struct store_principal *out, struct mado_err *err);
mado_status store_session_delete(struct store *s, const char *token_hash, struct mado_err *err);
mado_status store_token_add(struct store *s, const char *token_hash, int64_t agent_id, const char *name,
                            time_t now, int64_t *id, struct mado_err *err);
mado_status store_token_get(struct store *s, struct arena *a, const char *token_hash,
                            struct store_principal *out, struct mado_err *err);

mado_status store_group_add(struct store *s, const char *name, time_t now, int64_t *id,
                            struct mado_err *err);
mado_status store_group_member_add(struct store *s, int64_t group_id, int64_t agent_id,
                                   struct mado_err *err);
mado_status store_group_by_name(struct store *s, const char *name, int64_t *id, struct mado_err *err);

/* ---- visibility (src/store/sqlite/visibility.c) ---- */

/* Who is looking: admins and supervisors see everything; agents the
 * tickets of their groups and those assigned to them; customers their own
 * (and their organisation's, where it shares tickets). */
struct store_viewer {
	bool all;
	int64_t agent_id;
	int64_t customer_id;
};
mado_status store_ticket_visible(struct store *s, const struct store_viewer *v, int64_t ticket_id,
                                 bool *visible, struct mado_err *err);
mado_status store_ticket_list_visible(struct store *s, struct arena *a, const struct store_viewer *v,
                                      const struct store_list_opts *o, store_ticket_cb cb, void *ctx,
                                      struct mado_err *err);

/* The rest of the interface, by area. */
#include "store/store_tickets.h"
#include "store/store_people.h"

#endif
