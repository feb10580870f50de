/*
 * The store's interface for the work agents do on tickets
 * (src/store/sqlite/tickets_write.c): the filtered ticket list, field
 * changes, tags, custom fields, links, merges, splits, internal notes, the
 * reply outbox and saved views. Same rules as store.h: bound parameters
 * only; strings passed in are borrowed for the call; strings returned are
 * owned by the given arena; writes happen between store_begin() and
 * store_commit().
 */
#ifndef MADO_STORE_STORE_TICKETS_H
#define MADO_STORE_STORE_TICKETS_H

#include "store/store.h"

/* ---- the filtered, sorted, paged list ---- */

enum store_sort { STORE_SORT_CREATED, STORE_SORT_UPDATED, STORE_SORT_PRIORITY };

#define STORE_FILTER_MAX_STATUS 6

/* Every filter is optional; unset ones are NULL / false. Values are bound
 * as parameters: the SQL is assembled only from fixed fragments chosen by
 * which fields are set. */
struct store_ticket_filter {
	const char *status[STORE_FILTER_MAX_STATUS];
	size_t nstatus;
	const char *priority, *type, *channel, *tag;
	bool has_group, has_assignee, has_customer, has_organization;
	int64_t group_id;           /* 0 with has_group = no group */
	int64_t assignee_id;        /* 0 with has_assignee = unassigned */
	int64_t customer_id;        /* or customer_email */
	const char *customer_email;
	int64_t organization_id;    /* or organization_domain */
	const char *organization_domain;
	bool has_created_after, has_created_before, has_updated_after, has_updated_before;
	int64_t created_after, created_before, updated_after, updated_before;  /* epoch, inclusive */
	bool has_sla_due_before, has_sla_breached;
	int64_t sla_due_before;     /* a running SLA due time at or before (epoch) */
	bool sla_breached;          /* with has_sla_breached: breached (true) or not */
	enum store_sort sort;
	bool desc;
	bool has_cursor;            /* rows strictly after (cursor_key, cursor_id) in sort order */
	int64_t cursor_key, cursor_id;
	int64_t limit;              /* 1..200 */
};

/* The sort key of a ticket for the given sort (for cursors). */
int64_t store_ticket_sort_key(const struct store_ticket *t, enum store_sort sort);
/* Rank of a priority name: low 0, normal 1, high 2, urgent 3; -1 if unknown. */
int store_priority_rank(const char *priority);

/* Counts of lists stop here: counting is a walk over every match, and
 * "10,000+" tells a person as much as 48,213. */
#define STORE_LIST_COUNT_CAP 10000

/* Visible tickets matching f in f's order; *total counts the visible
 * matches (ignoring cursor and limit) up to STORE_LIST_COUNT_CAP, and
 * *total_exact is false when there are more than that. */
mado_status store_ticket_query(struct store *s, struct arena *a, const struct store_viewer *v,
                               const struct store_ticket_filter *f, store_ticket_cb cb, void *ctx,
                               int64_t *total, bool *total_exact, struct mado_err *err);

/* ---- the parts of a ticket that store_ticket does not carry ---- */

struct store_ticket_work {
	int64_t group_id, assignee_id, parent_id, merged_into;  /* 0 = none */
	const char *tags_json;       /* ["a","b"] sorted */
};
mado_status store_ticket_work_get(struct store *s, struct arena *a, int64_t id, struct store_ticket_work *w,
                                  struct mado_err *err);
/* The same for the n tickets ids in one statement (a list page): cb once
 * per ticket that exists, in no particular order. */
typedef mado_status (*store_work_cb)(void *ctx, int64_t id, const struct store_ticket_work *w);
mado_status store_ticket_work_each(struct store *s, struct arena *a, const int64_t *ids, size_t n,
                                   store_work_cb cb, void *ctx, struct mado_err *err);

/* Set status, priority or type (column is one of those names, else
 * MADO_EINVAL) and updated_at. */
mado_status store_ticket_set_text(struct store *s, int64_t id, const char *column, const char *value,
                                  time_t now, struct mado_err *err);
/* Set group_id, assignee_id, parent_id or merged_into (0 = NULL). */
mado_status store_ticket_set_ref(struct store *s, int64_t id, const char *column, int64_t value, time_t now,
                                 struct mado_err *err);

mado_status store_group_exists(struct store *s, int64_t group_id, bool *yes, struct mado_err *err);
mado_status store_agent_in_group(struct store *s, int64_t agent_id, int64_t group_id, bool *yes,
                                 struct mado_err *err);

/* Tags: *changed says whether the set changed. */
mado_status store_ticket_tag_add(struct store *s, int64_t id, const char *tag, bool *changed,
                                 struct mado_err *err);
mado_status store_ticket_tag_remove(struct store *s, int64_t id, const char *tag, bool *changed,
                                    struct mado_err *err);

/* ---- custom fields ---- */

struct store_field_def {
	int64_t id;
	const char *key, *label, *type, *options_json;
	time_t created_at;
};
typedef mado_status (*store_field_def_cb)(void *ctx, const struct store_field_def *d);
/* MADO_EEXIST when the key is taken. */
mado_status store_field_def_add(struct store *s, const char *key, const char *label, const char *type,
                                const char *options_json, time_t now, int64_t *id, struct mado_err *err);
mado_status store_field_def_list(struct store *s, struct arena *a, store_field_def_cb cb, void *ctx,
                                 struct mado_err *err);
/* MADO_ENOTFOUND when there is no such key. */
mado_status store_field_def_get(struct store *s, struct arena *a, const char *key, struct store_field_def *d,
                                struct mado_err *err);
/* Set (value non-NULL) or clear a ticket's value; *old is the previous
 * value or NULL (arena). */
mado_status store_field_value_set(struct store *s, struct arena *a, int64_t ticket_id, int64_t field_id,
                                  const char *value, const char **old, struct mado_err *err);
struct store_field_value {
	const char *key, *type, *value;
};
typedef mado_status (*store_field_value_cb)(void *ctx, const struct store_field_value *v);
mado_status store_field_value_list(struct store *s, struct arena *a, int64_t ticket_id,
                                   store_field_value_cb cb, void *ctx, struct mado_err *err);

/* ---- links, merge, split ---- */

/* Link a and b (symmetric); *created false when they were linked already. */
mado_status store_ticket_link_add(struct store *s, int64_t a, int64_t b, int64_t agent_id, time_t now,
                                  bool *created, struct mado_err *err);
typedef mado_status (*store_id_cb)(void *ctx, int64_t id);
/* Tickets linked to id (both directions, and the intake's linked_ticket_id). */
mado_status store_ticket_link_list(struct store *s, int64_t id, store_id_cb cb, void *ctx, struct mado_err *err);
mado_status store_ticket_children(struct store *s, int64_t id, store_id_cb cb, void *ctx, struct mado_err *err);

/* Move messages, notes, participants (a requester becomes cc) and
 * thread_ids of `from` to `into`. Events stay where they were written. */
mado_status store_ticket_merge_move(struct store *s, int64_t from, int64_t into, struct mado_err *err);

/* Does message row msg belong to ticket? */
mado_status store_message_in_ticket(struct store *s, int64_t msg, int64_t ticket, bool *yes,
                                    struct mado_err *err);
/* Move one message (and its Message-ID in thread_ids) to another ticket. */
mado_status store_message_move(struct store *s, int64_t msg, int64_t from, int64_t to, struct mado_err *err);
/* Copy the participants of one ticket to another. */
mado_status store_participants_copy(struct store *s, int64_t from, int64_t to, struct mado_err *err);

/* ---- internal notes ---- */

mado_status store_note_add(struct store *s, int64_t ticket_id, int64_t agent_id, const char *body, time_t now,
                           int64_t *id, struct mado_err *err);
mado_status store_note_mention_add(struct store *s, int64_t note_id, int64_t agent_id, struct mado_err *err);
struct store_note {
	int64_t id, agent_id;
	const char *agent_email, *agent_name, *body;
	const char *mentions_json;   /* [{"id":..,"email":..}] */
	time_t created_at;
};
typedef mado_status (*store_note_cb)(void *ctx, const struct store_note *n);
mado_status store_note_list(struct store *s, struct arena *a, int64_t ticket_id, store_note_cb cb, void *ctx,
                            struct mado_err *err);
/* Every agent that is not disabled (id, email, name), for @mentions. */
typedef mado_status (*store_agent_cb)(void *ctx, const struct store_agent *ag);
mado_status store_mention_candidates(struct store *s, struct arena *a, store_agent_cb cb, void *ctx,
                                     struct mado_err *err);

/* ---- replies and the outbox ---- */

/* The newest inbound message of a ticket: its Message-ID and References
 * (JSON array). Both "" when there is none. */
mado_status store_ticket_last_inbound(struct store *s, struct arena *a, int64_t ticket_id,
                                      const char **message_id, const char **references_json,
                                      struct mado_err *err);

struct store_upload {
	const char *id, *sha256, *filename, *content_type;
	int64_t size;
};
/* Claim an upload of this agent that no reply has used yet (sets used_at).
 * MADO_ENOTFOUND otherwise. */
mado_status store_upload_take(struct store *s, struct arena *a, const char *id, int64_t agent_id, time_t now,
                              struct store_upload *out, struct mado_err *err);

struct store_outbox_new {
	int64_t message_row, ticket_id, agent_id;   /* message_row 0: automatic mail, not in the thread */
	const char *mail_from, *rcpt_json, *headers_json, *body_text, *attachments_json;
	time_t now;
	/* outgoing mail (store_outgoing.h): NULL = 'reply', first of rcpt, '', 'utf-8' */
	const char *kind, *recipient, *body_html, *charset;
};
mado_status store_outbox_add(struct store *s, const struct store_outbox_new *o, int64_t *id,
                             struct mado_err *err);

/* ---- saved views ---- */

struct store_view {
	int64_t id, agent_id;
	const char *name, *query_json;
	bool shared;
	time_t created_at;
};
typedef mado_status (*store_view_cb)(void *ctx, const struct store_view *v);
mado_status store_view_add(struct store *s, int64_t agent_id, const char *name, bool shared, const char *query_json,
                           time_t now, int64_t *id, struct mado_err *err);
/* The agent's own views and every shared view. */
mado_status store_view_list(struct store *s, struct arena *a, int64_t agent_id, store_view_cb cb, void *ctx,
                            struct mado_err *err);
/* MADO_ENOTFOUND when there is none. */
mado_status store_view_get(struct store *s, struct arena *a, int64_t id, struct store_view *out,
                           struct mado_err *err);
mado_status store_view_delete(struct store *s, int64_t id, struct mado_err *err);

#endif
