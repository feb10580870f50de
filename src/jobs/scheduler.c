/*
 * The scheduler (see scheduler.h). Each batch is one transaction: take up
 * to `batch` due timers, delete them, fire them, commit. A crash between
 * firing and commit rolls both back, so the timer fires again after the
 * restart; a crash after commit cannot repeat an action, and the fired
 * table's unique keys guard against a timer set again for something that
 * already happened. The thread sleeps in short steps so that
 * scheduler_stop() returns quickly.
 */
#include "jobs/scheduler.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sla.h"
#include "jobs/webhooks.h"
#include "util/clock.h"

#define SWEEP_MAX_BATCHES 10000   /* bounds one sweep even if actions keep adding due timers */

struct due_list {
	struct store_timer *v;
	size_t n, cap;
	struct arena *a;
};

static mado_status collect(void *ctx, const struct store_timer *t)
{
	struct due_list *l = ctx;
	if (l->n < l->cap)
		l->v[l->n++] = *t;
	return MADO_OK;
}

static mado_status fire(const struct automation_env *env, struct store *s, struct arena *a, const struct store_timer *t,
                        int64_t now, int *fired, struct mado_err *err)
{
	mado_status st = store_timer_delete(s, t->ticket_id, t->kind, err);
	if (st)
		return st;
	if (!strncmp(t->kind, "sla_", 4))
		return sla_fire_timer(s, a, t->ticket_id, t->kind, now, fired, err);
	if (!strncmp(t->kind, "automation:", 11)) {
		char *end;
		long long id = strtoll(t->kind + 11, &end, 10);
		return *end ? MADO_OK : automation_fire_timer(env, s, a, t->ticket_id, id, now, fired, err);
	}
	return MADO_OK;   /* a kind this version does not know: dropped */
}

/* Fire one timer inside its own savepoint. An action that cannot be done
 * for a reason that will not go away (bad configuration, a row gone) is
 * undone, its timer dropped and the reason noted on the ticket, so that
 * one bad timer never blocks the ones behind it; database and memory
 * errors end the batch (rolled back, retried by the next sweep). */
static mado_status fire_one(const struct automation_env *env, struct store *s, struct arena *a,
                            const struct store_timer *t, int64_t now, int *fired, struct mado_err *err)
{
	int n = 0;
	mado_status st = store_savepoint(s, err);
	if (st)
		return st;
	st = fire(env, s, a, t, now, &n, err);
	if (st == MADO_EINVAL || st == MADO_ELIMIT || st == MADO_ENOTFOUND) {
		store_rollback_to(s);
		char msg[700];
		snprintf(msg, sizeof msg, "%s dropped: %s", t->kind, err ? err->msg : "");
		if ((st = store_timer_delete(s, t->ticket_id, t->kind, err)) ||
		    (st = store_event_add(s, t->ticket_id, "system", "note", "scheduler", NULL, msg, (time_t)now, err)))
			return st;
		return MADO_OK;
	}
	if (st) {
		store_rollback_to(s);
		return st;
	}
	*fired += n;
	return store_release(s, err);
}

static mado_status sweep_batch(struct store *s, const struct automation_env *env, int64_t now, size_t batch,
                               struct sweep_stats *out, size_t *taken, struct mado_err *err)
{
	struct arena *a = arena_new();
	struct due_list l = { .cap = batch, .a = a };
	l.v = a ? arena_alloc(a, batch * sizeof *l.v) : NULL;
	if (!l.v) {
		arena_free(a);
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	}
	mado_status st = store_begin(s, err);
	if (!st)
		st = store_timers_due(s, a, now, (int64_t)batch, collect, &l, err);
	int fired = 0;
	int *fired_at = a ? arena_alloc(a, (l.n ? l.n : 1) * sizeof *fired_at) : NULL;
	if (!st && !fired_at)
		st = mado_fail(err, MADO_ENOMEM, "out of memory");
	for (size_t i = 0; !st && i < l.n; i++) {
		int before = fired;
		st = fire_one(env, s, a, &l.v[i], now, &fired, err);
		fired_at[i] = fired - before;
	}
	if (!st)
		st = store_commit(s, err);
	if (st)
		store_rollback(s);
	else {
		out->timers += (int64_t)l.n;
		out->fired += fired;
		for (size_t i = 0; env->changed && i < l.n; i++)
			if (fired_at[i])
				env->changed(env->changed_ctx, l.v[i].ticket_id);
	}
	*taken = l.n;
	arena_free(a);
	return st;
}

/* One batch of SLA recomputation in its own transaction; the tickets it
 * moved are published after the commit. */
static mado_status recompute_batch(struct store *s, const struct automation_env *env, int64_t now, size_t batch,
                                   struct sweep_stats *out, bool *more, struct mado_err *err)
{
	int64_t *tickets = calloc(batch, sizeof *tickets);
	size_t done = 0;
	*more = false;
	mado_status st = tickets ? store_begin(s, err) : mado_fail(err, MADO_ENOMEM, "out of memory");
	if (!st && tickets)
		st = sla_recompute_step(s, batch, now, tickets, &done, more, err);
	if (!st && tickets)
		st = store_commit(s, err);
	if (st && tickets)
		store_rollback(s);
	for (size_t i = 0; !st && env->changed && i < done; i++)
		env->changed(env->changed_ctx, tickets[i]);
	if (!st)
		out->recomputed += (int64_t)done;
	free(tickets);
	return st;
}

mado_status scheduler_sweep(struct store *s, const struct automation_env *env, int64_t now, size_t batch,
                            struct sweep_stats *out, struct mado_err *err)
{
	memset(out, 0, sizeof *out);
	if (batch == 0)
		batch = 1;
	size_t taken = batch;
	mado_status st = MADO_OK;
	for (int i = 0; !st && taken == batch && i < SWEEP_MAX_BATCHES; i++)
		st = sweep_batch(s, env, now, batch, out, &taken, err);
	bool more = true;
	for (int i = 0; !st && more && i < SWEEP_MAX_BATCHES; i++)
		st = recompute_batch(s, env, now, batch, out, &more, err);
	return st;
}

/* ---- the thread in `mado serve` ---- */

struct scheduler {
	struct workspace *ws;
	void (*changed)(void *ctx, int64_t ticket_id);
	void *changed_ctx;
	pthread_t thread, webhook_thread;
	bool webhooks_running;
	atomic_bool stopping;
};

/* Sleep ms in short steps; false when told to stop. */
static bool nap(struct scheduler *sch, size_t ms)
{
	for (size_t waited = 0; waited < ms && !atomic_load(&sch->stopping); waited += 50) {
		struct timespec d = { 0, 50 * 1000 * 1000 };
		nanosleep(&d, NULL);
	}
	return !atomic_load(&sch->stopping);
}

/* The scheduler's webhook lane: delivers webhook_queue every second on a
 * thread and connection of its own, so that a slow or dead receiver
 * (each POST is cut at webhooks.timeout_seconds) delays only the webhooks
 * behind it, never the SLA sweeps; a stop cuts off a POST in flight. */
static void *deliver_webhooks(void *arg)
{
	struct scheduler *sch = arg;
	struct store *st = NULL;
	struct webhook_opts o = { .key = sch->ws->key,
		                      .timeout_ms = (long)sch->ws->cfg.webhooks_timeout_seconds * 1000,
		                      .stop = &sch->stopping };
	while (nap(sch, 1000)) {
		struct mado_err err;
		if (!st && store_open(sch->ws->db_path, 5000, &st, &err) != MADO_OK) {
			fprintf(stderr, "mado serve: webhooks: %s\n", err.msg);
			st = NULL;
			continue;
		}
		struct webhook_stats ws;
		do {
			if (webhooks_send_due(st, &o, mado_now(), &ws, &err) != MADO_OK) {
				fprintf(stderr, "mado serve: webhooks: %s\n", err.msg);
				break;
			}
		} while (ws.taken == 100 && !atomic_load(&sch->stopping));
	}
	store_close(st);
	return NULL;
}

static void *run(void *arg)
{
	struct scheduler *sch = arg;
	struct store *st = NULL;
	struct automation_env env = { &sch->ws->cfg, sch->ws->key, sch->changed, sch->changed_ctx };
	size_t interval_ms = sch->ws->cfg.scheduler_interval_seconds * 1000;
	/* the first sweep one interval after start: the server is up and its
	 * clients can be listening for what the sweep changes */
	while (nap(sch, interval_ms)) {
		struct mado_err err;
		if (!st && store_open(sch->ws->db_path, 5000, &st, &err) != MADO_OK) {
			fprintf(stderr, "mado serve: scheduler: %s\n", err.msg);
			st = NULL;
		}
		struct sweep_stats ss;
		if (st && scheduler_sweep(st, &env, mado_now(), sch->ws->cfg.scheduler_batch, &ss, &err) != MADO_OK)
			fprintf(stderr, "mado serve: scheduler: %s\n", err.msg);
	}
	store_close(st);
	return NULL;
}

mado_status scheduler_start(struct workspace *ws, void (*changed)(void *ctx, int64_t ticket_id), void *changed_ctx,
                            struct scheduler **out, struct mado_err *err)
{
	struct scheduler *sch = calloc(1, sizeof *sch);
	if (!sch)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	sch->ws = ws;
	sch->changed = changed;
	sch->changed_ctx = changed_ctx;
	if (pthread_create(&sch->thread, NULL, run, sch) != 0) {
		free(sch);
		return mado_fail(err, MADO_ENOMEM, "cannot start the scheduler thread");
	}
	sch->webhooks_running = pthread_create(&sch->webhook_thread, NULL, deliver_webhooks, sch) == 0;
	if (!sch->webhooks_running)
		fprintf(stderr, "mado serve: cannot start the webhook thread (use `mado webhooks send` from cron)\n");
	*out = sch;
	return MADO_OK;
}

void scheduler_stop(struct scheduler *sch)
{
	if (!sch)
		return;
	atomic_store(&sch->stopping, true);
	pthread_join(sch->thread, NULL);
	if (sch->webhooks_running)
		pthread_join(sch->webhook_thread, NULL);
	free(sch);
}
