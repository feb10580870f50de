/*
 * Scheduler sweep benchmark: N tickets (default 1,000,000), each with SLA
 * timers, of which D (default 1,000) are due; one sweep must fire exactly
 * the D due breaches (event, breached mark, fired key each) in
 * milliseconds, because it reads the timers_due index from its start up
 * to now instead of scanning tickets. Prints the fill time, the sweep
 * time, an empty sweep's time and the query plan of the due-timer read.
 *
 *   bench/sched [TICKETS [DUE]]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobs/scheduler.h"
#include "store/store.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "sched: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Every ticket gets a policy, a running first-response due time and its
 * warning and breach timers; the first `due` tickets are breached at NOW. */
static int fill(sqlite3 *db, long long n, long long due)
{
	char sql[2048];
	snprintf(sql, sizeof sql,
	         "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;"
	         "INSERT INTO sla_policies(name, first_response_seconds, created_at) VALUES ('bench', 3600, 0);"
	         "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %lld) "
	         "INSERT INTO tickets(id, subject, created_at, updated_at, sla_policy_id, first_response_due, sla_next_due) "
	         "SELECT x, '', 0, 0, 1, CASE WHEN x <= %lld THEN 2000000000 - x ELSE 2000000000 + x END, "
	         "CASE WHEN x <= %lld THEN 2000000000 - x ELSE 2000000000 + x END FROM c;"
	         "INSERT INTO timers(ticket_id, kind, due_at) SELECT id, 'sla_breach:first_response', first_response_due FROM tickets;"
	         "INSERT INTO timers(ticket_id, kind, due_at) SELECT id, 'sla_warning:first_response', first_response_due + 1 FROM tickets WHERE id > %lld;"
	         "COMMIT; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
	         n, due, due, due);
	return exec(db, sql);
}

static void print_plan(sqlite3 *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT ticket_id, kind, due_at FROM timers WHERE due_at <= ?1 "
	                           "ORDER BY due_at LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW)
		printf("  due-timer query plan: %s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
}

int main(int argc, char **argv)
{
	long long n = argc > 1 ? strtoll(argv[1], NULL, 10) : 1000000, due = argc > 2 ? strtoll(argv[2], NULL, 10) : 1000;
	if (n < 1 || due < 0 || due > n) {
		fprintf(stderr, "usage: sched [TICKETS [DUE]]\n");
		return 64;
	}
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/mado-sched-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/b.db", dir);
	struct store *s = NULL;
	struct mado_err err;
	sqlite3 *db = NULL;
	int rc = 1;
	/* create the schema, then fill without a journal (a scratch database:
	 * only the sweep is measured), then reopen as Mado runs */
	if (store_open(path, 10000, &s, &err)) {
		fprintf(stderr, "sched: %s\n", err.msg);
		goto out;
	}
	store_close(s);
	s = NULL;
	sqlite3_open(path, &db);
	double t0 = now_s();
	if (fill(db, n, due))
		goto out;
	double t1 = now_s();
	if (store_open(path, 10000, &s, &err)) {
		fprintf(stderr, "sched: %s\n", err.msg);
		goto out;
	}
	struct mado_config cfg;
	config_defaults(&cfg);
	unsigned char key[THREAD_KEY_BYTES] = { 0 };
	struct automation_env env = { .cfg = &cfg, .key = key };
	struct sweep_stats ss, empty;
	double t2 = now_s();
	if (scheduler_sweep(s, &env, 2000000000, cfg.scheduler_batch, &ss, &err)) {
		fprintf(stderr, "sched: sweep: %s\n", err.msg);
		goto out;
	}
	double t3 = now_s();
	if (scheduler_sweep(s, &env, 2000000000, cfg.scheduler_batch, &empty, &err))
		goto out;
	double t4 = now_s();
	printf("scheduler sweep: %lld tickets, %lld due (filled in %.1f s)\n", n, due, t1 - t0);
	printf("  sweep:        %.1f ms for %lld due timers, %lld fired (%.0f timers/s; batch %zu)\n", (t3 - t2) * 1e3,
	       (long long)ss.timers, (long long)ss.fired, ss.timers / (t3 - t2), cfg.scheduler_batch);
	printf("  empty sweep:  %.3f ms (nothing due)\n", (t4 - t3) * 1e3);
	print_plan(db);
	bool right = ss.timers == due && ss.fired == due && empty.timers == 0;
	printf("  target: the due breaches fired once each, in milliseconds (< 1000 ms): %s\n",
	       right && t3 - t2 < 1.0 ? "PASS" : "MISS");
	rc = right ? 0 : 1;
out:
	sqlite3_close(db);
	store_close(s);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "sched: could not remove %s\n", dir);
	return rc;
}
