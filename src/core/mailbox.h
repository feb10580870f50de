/*
 * Mailboxes: the support addresses mail comes to and goes out from
 * (admins manage them: http/api_mailbox.c; stored by store_mailbox.h).
 *
 * The table is the list. While it is empty (a workspace from before
 * migration 018 that has not started since), mado.conf's mailbox.addresses
 * and mailbox.from_name stand in for it; mailbox_seed() copies them in
 * once, when intake first starts with an empty table.
 *
 *   intake      which active mailbox a mail came to (the first of ours in
 *               Delivered-To, X-Original-To, Envelope-To, To, Cc), kept on
 *               a new ticket; routing sends the ticket to that mailbox's
 *               group when no routing rule placed it (core/routing.c)
 *   outgoing    mail about a ticket goes out From its mailbox's reply
 *               address (or address) with its display name; a ticket
 *               without one, or whose mailbox is inactive or gone, uses
 *               the default: the oldest active mailbox
 *   hygiene     every address of every mailbox, active or not, and every
 *               address in mado.conf count as our own (loop checks,
 *               signed reply addresses, no acks to ourselves)
 *
 * A mailbox_set owns its strings (its arena) and is read-only once
 * loaded, so it can be shared by threads that do not reload it.
 */
#ifndef MADO_CORE_MAILBOX_H
#define MADO_CORE_MAILBOX_H

#include "store/store_mailbox.h"
#include "util/config.h"

struct mailbox {
	int64_t id;          /* 0: mado.conf's, the table being empty */
	int64_t group_id;    /* 0 = none */
	const char *address, *name, *reply_address;  /* address lowercase; reply '' = address */
	bool active;
};

struct mailbox_set {
	struct arena *a;
	struct mailbox *v;
	size_t n;
	const char **own;    /* our addresses, lowercase: see "hygiene" above */
	size_t n_own;
};

/* Load the mailboxes (or mado.conf's); free with mailbox_set_free (also
 * on failure; a zeroed set frees to nothing). */
mado_status mailbox_set_load(struct store *s, const struct mado_config *cfg, struct mailbox_set *ms,
                             struct mado_err *err);
void mailbox_set_free(struct mailbox_set *ms);

/* The active mailbox email reaches: its address, or the address with a
 * +tag (sales+123.x@ reaches sales@). NULL when none. */
const struct mailbox *mailbox_match(const struct mailbox_set *ms, const char *email);

/* Is email one of our own addresses (or one with a +tag)? */
bool mailbox_is_own(const struct mailbox_set *ms, const char *email);

/* When the table is empty, copy mado.conf's addresses into it (name:
 * mailbox.from_name), in a transaction of its own. */
mado_status mailbox_seed(struct store *s, const struct mado_config *cfg, struct mado_err *err);

/* Who mail about ticket (0: about none) is From (strings in a). */
struct mailbox_sender {
	const char *email, *name;
};
mado_status mailbox_sender_of(struct store *s, struct arena *a, const struct mado_config *cfg, int64_t ticket,
                              struct mailbox_sender *out, struct mado_err *err);

/* ---- what admins may write ---- */

#define MAILBOX_NAME_MAX 200

/* Why a mailbox is refused, in English and Japanese. */
struct mailbox_refusal {
	const char *field, *en, *ja;
};
/* Check a mailbox to write (address already lowercased by the caller):
 * a plain address (no display name, no CR/LF), a reply address that is
 * one or empty, a name without control characters. false with *why. */
bool mailbox_check(const struct store_mailbox_in *in, struct mailbox_refusal *why);

#endif
