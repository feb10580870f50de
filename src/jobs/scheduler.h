/*
 * The scheduler: fires what is due. A sweep reads the timers that are due
 * (an index range scan of timers.due_at, so its cost grows with the due
 * tickets, not with all tickets), deletes each and runs its action in
 * batches of one transaction each: SLA warnings and breaches with their
 * escalations, reminders and auto-closes; then the due-time
 * recomputations an admin's edit of a policy or calendar queued. Runs
 * inside `mado serve` (a thread, every scheduler.interval_seconds) and as
 * `mado automations run` (cron). Both take the clock from mado_now(), so
 * tests can move time. Inside `mado serve` the scheduler also delivers
 * webhook_queue, on a second thread so that no receiver can hold up a
 * sweep (jobs/webhooks.h).
 */
#ifndef MADO_JOBS_SCHEDULER_H
#define MADO_JOBS_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include "core/automation.h"
#include "store/workspace.h"

struct sweep_stats {
	int64_t timers;   /* due timers taken */
	int64_t fired;    /* warnings, breaches and actions done */
	int64_t recomputed;  /* tickets whose due times an edited policy or calendar moved */
};

/* Fire every timer due at or before now, batch timers per transaction;
 * then recompute the due times of tickets whose policy or calendar an
 * admin edited, batch tickets per transaction (sla_recompute_step). The
 * caller must not be inside a transaction. */
mado_status scheduler_sweep(struct store *s, const struct automation_env *env, int64_t now, size_t batch,
                            struct sweep_stats *out, struct mado_err *err);

/* The thread inside `mado serve`; it opens its own connection. changed
 * (may be NULL) is told of each ticket a sweep changed, once committed. */
struct scheduler;
mado_status scheduler_start(struct workspace *ws, void (*changed)(void *ctx, int64_t ticket_id), void *changed_ctx,
                            struct scheduler **out, struct mado_err *err);
void scheduler_stop(struct scheduler *sch);   /* accepts NULL; waits for a sweep in progress */

#endif
