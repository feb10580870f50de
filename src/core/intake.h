/*
 * Intake: one raw message in, one stored message out, attached to the
 * right ticket (threaded) or to a new one, with customer, participants,
 * attachments, hygiene verdict and audit events — all inside the caller's
 * transaction. And the drain loop that feeds spooled messages through it
 * in batches (group commit).
 *
 * The config, key and clock are passed in; nothing here reads files other
 * than spooled messages and blobs.
 */
#ifndef MADO_CORE_INTAKE_H
#define MADO_CORE_INTAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/mailbox.h"
#include "core/triage.h"
#include "mail/hygiene.h"
#include "mail/mail.h"
#include "store/blob.h"
#include "store/store.h"
#include "util/config.h"

struct intake_ctx {
	struct store *store;
	const char *blob_dir;
	const struct mado_config *cfg;
	const unsigned char *key;          /* THREAD_KEY_BYTES */
	struct mail_limits limits;
	struct hygiene_config hygiene;
	struct blob_batch blobs;           /* blobs written since the last commit */
	struct triage_opts triage;         /* priority, routing, triggers on new tickets and replies */
	/* owned: read by intake_ctx_init, again by intake_drain per batch
	 * (admins edit them while mado serve runs); hygiene's own_addresses
	 * point into it */
	struct mailbox_set mailboxes;
};

mado_status intake_ctx_init(struct intake_ctx *ctx, struct store *store, const char *blob_dir,
                            const struct mado_config *cfg, const unsigned char *key,
                            struct mado_err *err);
void intake_ctx_free(struct intake_ctx *ctx);
/* Read the mailboxes again (intake_drain does, once per batch). */
mado_status intake_reload_mailboxes(struct intake_ctx *ctx, struct mado_err *err);

struct intake_result {
	int64_t ticket_id;       /* 0 when machine mail matched no ticket */
	int64_t message_row;
	bool duplicate;          /* already stored: nothing was written */
	bool new_ticket;
	int64_t linked_ticket;   /* new ticket linked to this one (stranger used its token) */
	char kind[32];           /* hygiene kind */
	bool may_auto_answer;
	char thread_reason[160];
};

/*
 * Store one message inside the current transaction. spool_path, when not
 * NULL, is a durable file with exactly these bytes (a raw message too big
 * for a blob row is hard-linked from it instead of copied). Call it
 * between intake_batch_begin() and intake_batch_commit().
 */
mado_status intake_message(struct intake_ctx *ctx, const char *raw, size_t len,
                           const char *spool_path, const char *source, time_t now,
                           struct intake_result *res, struct mado_err *err);

/*
 * intake_message() in two steps, so that a bulk importer can parse the
 * next messages in another thread while this one writes: intake_prepare()
 * only reads ctx's limits and hygiene settings (no database, no state:
 * safe in any thread) and fills p (SHA-256, parsed message, Message-ID,
 * hygiene verdict; p owns them until intake_prepared_free()); the
 * message's bytes must stay valid until intake_store() is done with them.
 */
struct intake_prepared {
	char sha[65];
	struct mail_msg *m;
	const char *msgid;         /* m's, or synthesised from the hash */
	struct hygiene_result hy;
};
mado_status intake_prepare(const struct intake_ctx *ctx, const char *raw, size_t len,
                           struct intake_prepared *p, struct mado_err *err);
mado_status intake_store(struct intake_ctx *ctx, const struct intake_prepared *p, const char *raw,
                         size_t len, const char *spool_path, const char *source, time_t now,
                         struct intake_result *res, struct mado_err *err);
void intake_prepared_free(struct intake_prepared *p);

/*
 * A batch is one transaction. Begin it (BEGIN IMMEDIATE; full-text
 * indexing deferred to the end); commit it: index the batch's messages
 * and tickets, make its blob files durable, commit. A failed commit rolls
 * the batch back. (A failed batch is rolled back with store_rollback().)
 */
mado_status intake_batch_begin(struct intake_ctx *ctx, struct mado_err *err);
mado_status intake_batch_commit(struct intake_ctx *ctx, struct mado_err *err);

/* Index, in a transaction of its own, what the search indexes kept by the
 * writer lack (messages written by other means than a batch: the API's
 * replies, scripts); *more when a next call has more to do. */
mado_status intake_index_backlog(struct intake_ctx *ctx, bool *more, struct mado_err *err);

struct drain_stats {
	size_t processed, duplicates, quarantined, batches;
};

/*
 * Drain spool_dir/new into the database in batches of batch messages,
 * until it is empty or deadline (CLOCK_MONOTONIC seconds, 0 = none) passes.
 * The caller holds the writer lock. A transient failure rolls back the
 * current batch (its files stay spooled) and returns MADO_ETEMP.
 */
mado_status intake_drain(struct intake_ctx *ctx, const char *spool_dir, size_t batch,
                         double deadline, struct drain_stats *stats, struct mado_err *err);

/* Monotonic clock in seconds, for deadlines. */
double intake_monotonic(void);

#endif
