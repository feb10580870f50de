/*
 * The outbox sender: delivers the mail queued in the outbox table (agent
 * replies, acknowledgements, notices, agent notifications), one row at a
 * time, and records each outcome on the row and the ticket.
 *
 *   claim    status 'sending', attempts + 1, lease until now + lease
 *            (committed before anything is sent)
 *   compose  mail/compose.c from the row: headers as stored, its own
 *            Message-ID, attachments from the blob store
 *   send     jobs/transport.c (SMTP relay or sendmail)
 *   record   sent → 'sent'; temporary failure → 'queued' with exponential
 *            backoff (outbox.retry_*), 'failed' after outbox.give_up_hours;
 *            permanent failure (5xx) → 'failed', an event on the ticket;
 *            taken for some recipients only → those refused for good
 *            are an event on the ticket, those refused for now stay
 *            queued alone in the envelope (the others never get a copy)
 *
 * At most one duplicate: the claim is committed before sending, so a
 * sender that dies between the relay's 250 and the 'sent' commit leaves
 * the row 'sending'. Only when its lease has run out does a sender take it
 * again, and it sends the same bytes with the same Message-ID (compose is
 * deterministic), which receiving clients fold into one. Each such crash
 * costs at most one extra copy; a live sender never resends a 'sent' row.
 */
#ifndef MADO_JOBS_OUTBOX_H
#define MADO_JOBS_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"
#include "util/config.h"

struct outbox_stats {
	size_t sent, retried, failed;
};

/* Called after a row's outcome is committed (e.g. to publish a live
 * event). what is "sent", "refused" (sent, but some recipient refused for
 * good), "retry" or "failed". */
typedef void (*outbox_changed_fn)(void *ctx, int64_t ticket_id, const char *what);

struct outbox_sender {
	struct store *store;
	const struct mado_config *cfg;
	const char *blob_dir;
	outbox_changed_fn changed;   /* may be NULL */
	void *changed_ctx;
};

/*
 * Deliver up to max rows due now. Stats are added to *stats. Fails only on
 * database trouble (the rows stay in the outbox for the next run).
 */
mado_status outbox_deliver_due(const struct outbox_sender *o, size_t max, struct outbox_stats *stats,
                               struct mado_err *err);

/* Seconds to wait before retry number `attempts` (1 = after the first
 * failure): base * 2^(attempts-1), at most max. */
time_t outbox_backoff(const struct mado_config *cfg, int64_t attempts);

#endif
