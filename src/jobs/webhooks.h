/*
 * The webhook sender: delivers what triggers queued in webhook_queue
 * (src/core/triggers.c) with one libcurl POST each, signed with an
 * HMAC-SHA256 of the body under the workspace key, and records every
 * attempt. Failures retry with a doubling delay until max_attempts.
 *
 * The network call happens outside any transaction: each result is written
 * in its own short transaction, so a slow receiver never holds the
 * database's write lock. A webhook may be delivered twice if the process
 * dies between the POST and the commit (at-least-once; X-Mado-Delivery
 * lets a receiver drop repeats).
 */
#ifndef MADO_JOBS_WEBHOOKS_H
#define MADO_JOBS_WEBHOOKS_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "store/store.h"

#define WEBHOOK_KEY_BYTES 32

struct webhook_opts {
	const unsigned char *key;   /* WEBHOOK_KEY_BYTES: HMAC key (the workspace key) */
	long timeout_ms;            /* per request, connect included; 0 = 10,000 */
	unsigned max_attempts;      /* 0 = 5 */
	size_t batch;               /* rows per call; 0 = 100 */
	const atomic_bool *stop;    /* may be NULL: when it turns true, a POST in flight is cut off */
};

struct webhook_stats {
	size_t sent, retry, failed;
	size_t taken;               /* due rows read (a full batch: call again) */
};

/* Deliver the webhooks due at now. Each is first claimed (its next
 * attempt pushed past the request's timeout, in a short transaction), so
 * that two senders (`mado serve` and `mado webhooks send`) never POST the
 * same one at once; a sender that dies mid-request leaves it to be taken
 * again when the claim runs out. A POST cut off by o->stop records no
 * attempt. The caller holds no transaction. */
mado_status webhooks_send_due(struct store *s, const struct webhook_opts *o, time_t now, struct webhook_stats *stats,
                              struct mado_err *err);

/* "sha256=<hex>" of body under key, into out (at least 72 bytes). */
void webhooks_signature(const unsigned char *key, const char *body, size_t len, char *out, size_t n);

#endif
