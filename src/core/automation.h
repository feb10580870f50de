/*
 * Automations: time-based rules (see migration 008). Three kinds:
 *   remind_pending  after N (business) seconds pending, queue a reminder
 *                   to the customer into the outbox (Auto-Submitted:
 *                   auto-generated), in the same transaction;
 *   auto_close      after N seconds resolved, close the ticket;
 *   escalate        on an SLA warning or breach: raise the priority, move
 *                   to a group, notify the supervisors (an event).
 * Each fires at most once per ticket (the fired table's unique key).
 * The first two wait on timers set by automation_ticket_sync() whenever
 * the ticket changes; escalations are run by the scheduler when an SLA
 * timer fires. Everything here runs inside the caller's transaction.
 */
#ifndef MADO_CORE_AUTOMATION_H
#define MADO_CORE_AUTOMATION_H

#include <stdbool.h>
#include <stdint.h>

#include "mail/thread.h"
#include "store/store_workflow.h"
#include "util/config.h"

/* What composing a reminder needs; borrowed. */
struct automation_env {
	const struct mado_config *cfg;
	const unsigned char *key;   /* THREAD_KEY_BYTES: signs the Reply-To address */
	/* Told of each ticket a sweep changed, after its commit (may be NULL):
	 * `mado serve` publishes it on the live event stream. */
	void (*changed)(void *ctx, int64_t ticket_id);
	void *changed_ctx;
};

/* Set or clear the ticket's automation timers for its current status.
 * A timer already set stays (being touched while pending does not
 * postpone the reminder) unless restart: the customer wrote, so the wait
 * for their answer starts again. */
mado_status automation_ticket_sync(struct store *s, struct arena *a, int64_t ticket, const char *status, int64_t now,
                                   bool restart, struct mado_err *err);

/* The scheduler's entry points. *fired counts actions taken. */
mado_status automation_fire_timer(const struct automation_env *env, struct store *s, struct arena *a, int64_t ticket,
                                  int64_t automation_id, int64_t now, int *fired, struct mado_err *err);
/* An SLA warning or breach ("warning"/"breach") of target happened. */
mado_status automation_on_sla(struct store *s, struct arena *a, int64_t ticket, const char *target, const char *which,
                              int64_t now, int *fired, struct mado_err *err);

#endif
