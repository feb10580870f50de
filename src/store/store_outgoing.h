/*
 * The store's interface for outgoing mail (src/store/sqlite/outgoing.c):
 * the sender's view of the outbox (due rows, claims, outcomes), the counts
 * behind the ack rate limits, mail templates, canned responses and agents'
 * notification settings. Same rules as store.h: bound parameters only;
 * strings passed in are borrowed for the call; strings returned are owned
 * by the given arena; writes happen between store_begin() and
 * store_commit().
 */
#ifndef MADO_STORE_STORE_OUTGOING_H
#define MADO_STORE_STORE_OUTGOING_H

#include "store/store.h"

struct store_outbox_row {
	int64_t id, message_row, ticket_id, agent_id;  /* agent_id 0 = none */
	const char *kind, *status, *mail_from, *rcpt_json, *headers_json;
	const char *body_text, *body_html, *attachments_json, *charset, *last_error, *recipient;
	int64_t attempts;
	time_t next_attempt_at, created_at, sent_at;   /* sent_at 0 = not sent */
};

/* Rows due at now: queued ones whose next attempt has come, and 'sending'
 * ones whose claim lapsed (a sender died mid-send). Oldest first. */
mado_status store_outbox_due(struct store *s, time_t now, int64_t limit, store_id_cb cb, void *ctx,
                             struct mado_err *err);

/* Take a due row for sending: status 'sending', attempts + 1, and
 * next_attempt_at = lease_until (when another sender may take it over).
 * *claimed is false when it is no longer due (someone else took it). */
mado_status store_outbox_claim(struct store *s, int64_t id, time_t now, time_t lease_until, bool *claimed,
                               struct mado_err *err);

/* MADO_ENOTFOUND when there is no such row. */
mado_status store_outbox_get(struct store *s, struct arena *a, int64_t id, struct store_outbox_row *r,
                             struct mado_err *err);

/* Record an attempt's outcome: status 'sent' (sent_at = now), 'queued'
 * (retry at next_attempt_at) or 'failed'; error is kept as last_error. */
mado_status store_outbox_finish(struct store *s, int64_t id, const char *status, time_t next_attempt_at,
                                const char *error, time_t now, struct mado_err *err);

/* Narrow the envelope of a row to rcpt_json (a JSON array of addresses):
 * a retry then goes only to the recipients the relay has not taken yet. */
mado_status store_outbox_set_rcpt(struct store *s, int64_t id, const char *rcpt_json, struct mado_err *err);

/* Rows of this kind created at or after since: to recipient (NULL = any)
 * and in ticket (0 = any). */
mado_status store_outbox_count(struct store *s, const char *kind, const char *recipient, int64_t ticket_id,
                               time_t since, int64_t *n, struct mado_err *err);

typedef mado_status (*store_outbox_cb)(void *ctx, const struct store_outbox_row *r);
/* A ticket's outgoing mail (ticket_id 0 = all), oldest first (bodies left out: ""). */
mado_status store_outbox_list(struct store *s, struct arena *a, int64_t ticket_id, store_outbox_cb cb,
                              void *ctx, struct mado_err *err);

/* ---- templates ---- */

/* The stored override of a template; *found false when there is none. */
mado_status store_template_get(struct store *s, struct arena *a, const char *name, const char *language,
                               const char **subject, const char **body, bool *found, struct mado_err *err);
mado_status store_template_put(struct store *s, const char *name, const char *language, const char *subject,
                               const char *body, int64_t agent_id, time_t now, struct mado_err *err);
/* Back to the built-in text; *found false when there was no override. */
mado_status store_template_delete(struct store *s, const char *name, const char *language, bool *found,
                                  struct mado_err *err);

/* ---- canned responses ---- */

struct store_canned {
	int64_t id, created_by;
	const char *title, *body;
	time_t created_at, updated_at;
};
typedef mado_status (*store_canned_cb)(void *ctx, const struct store_canned *c);
mado_status store_canned_add(struct store *s, const char *title, const char *body, int64_t agent_id, time_t now,
                             int64_t *id, struct mado_err *err);
mado_status store_canned_list(struct store *s, struct arena *a, store_canned_cb cb, void *ctx, struct mado_err *err);
/* MADO_ENOTFOUND when there is none. */
mado_status store_canned_get(struct store *s, struct arena *a, int64_t id, struct store_canned *c,
                             struct mado_err *err);
/* title/body NULL = unchanged; *found false when there is no such row. */
mado_status store_canned_update(struct store *s, int64_t id, const char *title, const char *body, time_t now,
                                bool *found, struct mado_err *err);
mado_status store_canned_delete(struct store *s, int64_t id, bool *found, struct mado_err *err);

/* ---- agents' notification settings ---- */

struct store_notify {
	bool new_in_group, assigned, customer_replied, mention;
};
/* An agent without a row gets every notification. */
mado_status store_notify_get(struct store *s, int64_t agent_id, struct store_notify *n, struct mado_err *err);
mado_status store_notify_set(struct store *s, int64_t agent_id, const struct store_notify *n, struct mado_err *err);

/* The customer's language ("" when unknown or no such customer). */
mado_status store_customer_language(struct store *s, struct arena *a, int64_t customer_id, const char **language,
                                    struct mado_err *err);

#endif
