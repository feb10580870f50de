/*
 * Mailboxes: the support addresses admins manage (migration 018), and the
 * mailbox a ticket came to. Strings returned live in the caller's arena.
 * Rules about them (what a valid address is, the mado.conf fallback) are
 * core/mailbox.h's; this is storage only.
 */
#ifndef MADO_STORE_STORE_MAILBOX_H
#define MADO_STORE_STORE_MAILBOX_H

#include "store/store.h"

struct store_mailbox {
	int64_t id, group_id;          /* group_id 0 = none */
	const char *address, *name, *reply_address;
	const char *group_name;        /* '' when no group */
	bool active;
	time_t created_at, updated_at;
};

/* A mailbox to write: every field; id is ignored. */
struct store_mailbox_in {
	const char *address, *name, *reply_address;
	int64_t group_id;
	bool active;
};

typedef mado_status (*store_mailbox_cb)(void *ctx, const struct store_mailbox *m);
/* All mailboxes, oldest first (the first active one is the default). */
mado_status store_mailbox_list(struct store *s, struct arena *a, store_mailbox_cb cb, void *ctx,
                               struct mado_err *err);
/* MADO_ENOTFOUND "no such mailbox". */
mado_status store_mailbox_get(struct store *s, struct arena *a, int64_t id, struct store_mailbox *m,
                              struct mado_err *err);
/* The id of the mailbox with this address (any case), 0 when none. */
mado_status store_mailbox_find(struct store *s, const char *address, int64_t *id, struct mado_err *err);
mado_status store_mailbox_add(struct store *s, const struct store_mailbox_in *in, time_t now, int64_t *id,
                              struct mado_err *err);
/* *found: whether the row existed. */
mado_status store_mailbox_update(struct store *s, int64_t id, const struct store_mailbox_in *in, time_t now,
                                 bool *found, struct mado_err *err);
mado_status store_mailbox_delete(struct store *s, int64_t id, bool *found, struct mado_err *err);
mado_status store_mailbox_count(struct store *s, int64_t *n, struct mado_err *err);

/* The ticket's mailbox address ('' = none) and the group that mailbox
 * routes to when it is active and has one (0 = none). */
mado_status store_ticket_mailbox_set(struct store *s, int64_t ticket, const char *address, struct mado_err *err);
mado_status store_ticket_mailbox_get(struct store *s, struct arena *a, int64_t ticket, const char **address,
                                     int64_t *group_id, const char **group_name, struct mado_err *err);

#endif
