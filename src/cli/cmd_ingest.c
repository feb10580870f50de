/*
 * `mado ingest`: the MTA-facing intake (Postfix pipe, aliases).
 *
 * Contract with the MTA (sysexits): 0 only once the message is durably
 * spooled; 75 (EX_TEMPFAIL) on anything transient, so that the MTA keeps
 * the message and retries; 65 (EX_DATAERR) for a message that can never
 * be accepted, with an RFC 3463 status and the reason on stderr. A SIGALRM
 * deadline well under Postfix's 1000 s command limit turns a hang into 75.
 *
 * After spooling, the process that wins the workspace writer lock drains
 * the whole spool (its message and any others) in batches: concurrent
 * deliveries share commits. A process that cannot get the lock leaves its
 * (durable) message to the holder, which re-checks the spool after
 * unlocking so nothing is stranded.
 */
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/intake.h"
#include "mail/spool.h"
#include "store/store.h"
#include "store/workspace.h"
#include "util/fsio.h"

static void on_deadline(int sig)
{
	(void)sig;
	static const char msg[] = "mado ingest: 4.3.0 internal deadline reached; retry later\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(EX_TEMPFAIL_);
}

/* Count Received: fields of the top header block without a full parse. */
static size_t count_received(const char *p, size_t len)
{
	size_t n = 0, i = 0;
	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - p) : len;
		size_t l = e - i;
		if (l == 0 || (l == 1 && p[i] == '\r'))
			break;
		if (l >= 9 && strncasecmp(p + i, "Received:", 9) == 0)
			n++;
		i = e + 1;
	}
	return n;
}

/*
 * Storing one mail touches ~0.8 MB of fresh heap (SQLite's schema, pages
 * and statements; GMime's objects): ~190 page faults one by one, each
 * 5-12 us in this VM, a fifth of the process's CPU time. One
 * madvise(MADV_POPULATE_WRITE) over a block that is then freed maps those
 * pages in one call (Linux >= 5.14; older kernels refuse it and nothing
 * changes). The thresholds keep the freed block in the heap for the
 * allocations that follow instead of trimming or mmap'ing.
 */
#define INGEST_HEAP_BYTES (1u << 20)

static void prefault_heap(void)
{
#ifdef MADV_POPULATE_WRITE
	mallopt(M_MMAP_THRESHOLD, 2 * INGEST_HEAP_BYTES);
	mallopt(M_TRIM_THRESHOLD, 4 * INGEST_HEAP_BYTES);
	char *volatile p = malloc(INGEST_HEAP_BYTES);   /* volatile: the compiler may drop an unused malloc */
	if (!p)
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1), hi = ((uintptr_t)p + INGEST_HEAP_BYTES) & ~(page - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
	free(p);
#endif
}

/* Hold the writer lock and drain; returns a sysexits code. */
static int drain_as_writer(struct workspace *ws, double deadline, bool wait, bool verbose)
{
	struct mado_err err;
	for (;;) {
		bool got = false;
		double left = deadline - intake_monotonic();
		if (workspace_lock_writer(ws, wait ? (int)(left * 1000) : 0, &got, &err)) {
			fprintf(stderr, "mado ingest: 4.3.0 %s\n", err.msg);
			return EX_TEMPFAIL_;
		}
		if (!got) {
			if (wait) {
				fprintf(stderr, "mado ingest: 4.3.0 the spool is locked by another writer\n");
				return EX_TEMPFAIL_;
			}
			return 0; /* the holder drains our message */
		}
		prefault_heap();
		struct store *s = NULL;
		left = deadline - intake_monotonic();
		int busy = left > 1 ? (int)((left - 0.5) * 1000) : 500;
		if (store_open(ws->db_path, busy, &s, &err)) {
			workspace_unlock_writer(ws);
			fprintf(stderr, "mado ingest: 4.3.0 %s\n", err.msg);
			return EX_TEMPFAIL_;
		}
		struct intake_ctx ctx;
		struct drain_stats stats;
		mado_status st = intake_ctx_init(&ctx, s, ws->blob_dir, &ws->cfg, ws->key, &err);
		if (!st)
			st = intake_drain(&ctx, ws->spool_dir, ws->cfg.drain_batch, deadline, &stats, &err);
		intake_ctx_free(&ctx);
		store_close(s);
		workspace_unlock_writer(ws);
		if (st) {
			fprintf(stderr, "mado ingest: 4.3.0 %s\n", err.msg);
			return EX_TEMPFAIL_;
		}
		if (verbose)
			printf("drained %zu messages (%zu duplicates, %zu quarantined) in %zu batches\n",
			       stats.processed, stats.duplicates, stats.quarantined, stats.batches);
		/* Someone may have spooled while we held the lock and given up on it. */
		char **names = NULL;
		size_t n = 0;
		spool_list(ws->spool_dir, 1, &names, &n, NULL);
		spool_names_free(names, n);
		if (n == 0 || wait)
			return 0;
	}
}

static void usage(void)
{
	printf("usage: mado ingest [--workspace DIR] < message\n"
	       "       mado ingest --drain\n"
	       "       mado ingest --spool-only < message\n\n"
	       "Reads one RFC 5322 message on stdin, stores it durably in the spool and\n"
	       "processes it into a ticket. Exit status (sysexits, for the MTA):\n"
	       "  0   stored durably (processed now, or by whoever holds the writer lock)\n"
	       "  65  can never be accepted (over mail.max_message_bytes, mail loop)\n"
	       "  75  temporary failure (disk full, I/O error, database busy past the\n"
	       "      ingest.deadline_seconds deadline): the MTA should retry\n"
	       "--drain       process everything left in the spool, then exit\n"
	       "--spool-only  only spool the message (a running server drains it)\n");
}

int cmd_ingest(struct cli *c, int argc, char **argv)
{
	bool drain = false, spool_only = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--drain"))
			drain = true;
		else if (!strcmp(argv[i], "--spool-only"))
			spool_only = true;
		else if (!strcmp(argv[i], "--help")) {
			usage();
			return 0;
		} else {
			fprintf(stderr, "mado ingest: unknown argument %s\n", argv[i]);
			return EX_USAGE_;
		}
	}
	struct workspace ws;
	struct mado_err err;
	if (workspace_open(workspace_default_dir(c->workspace), &ws, &err)) {
		fprintf(stderr, "mado ingest: 4.3.5 %s\n", err.msg);
		return EX_TEMPFAIL_;
	}
	unsigned secs = (unsigned)ws.cfg.ingest_deadline_seconds;
	signal(SIGALRM, on_deadline);
	alarm(secs + 5);
	double deadline = intake_monotonic() + secs;
	int rc;
	if (drain) {
		rc = drain_as_writer(&ws, deadline, true, true);
		workspace_close(&ws);
		return rc;
	}

	struct buf msg;
	buf_init(&msg, 0);
	mado_status st = fsio_read_fd(0, ws.cfg.max_message_bytes, &msg, &err);
	if (st == MADO_ELIMIT) {
		fprintf(stderr, "mado ingest: 5.3.4 message too big (limit %zu bytes)\n",
		        ws.cfg.max_message_bytes);
		rc = EX_DATAERR_;
		goto out;
	}
	if (st) {
		fprintf(stderr, "mado ingest: 4.3.0 %s\n", err.msg);
		rc = EX_TEMPFAIL_;
		goto out;
	}
	if (msg.len == 0) {
		fprintf(stderr, "mado ingest: 5.6.0 empty message\n");
		rc = EX_DATAERR_;
		goto out;
	}
	size_t hops = count_received(msg.p, msg.len);
	if (hops > ws.cfg.max_received) {
		fprintf(stderr, "mado ingest: 5.4.6 mail loop: %zu Received: headers (limit %zu)\n", hops,
		        ws.cfg.max_received);
		rc = EX_DATAERR_;
		goto out;
	}
	char name[128];
	if ((st = spool_put(ws.spool_dir, msg.p, msg.len, name, sizeof name, &err))) {
		fprintf(stderr, "mado ingest: 4.3.0 %s\n", err.msg);
		rc = EX_TEMPFAIL_;
		goto out;
	}
	fsio_crash_point("after-spool");
	rc = spool_only ? 0 : drain_as_writer(&ws, deadline, false, false);
out:
	buf_free(&msg);
	workspace_close(&ws);
	return rc;
}
