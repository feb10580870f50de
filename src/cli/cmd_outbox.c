/*
 * `mado outbox`: the outgoing-mail queue from the command line.
 *   outbox run    deliver what is due now (for cron, when outbox.in_serve
 *                 is false or no server runs); exit 0 when the database
 *                 was reachable, whatever the relay said (failures stay in
 *                 the queue or show on their tickets)
 *   outbox list   the queue: id, ticket, kind, status, attempts, error
 */
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "jobs/outbox.h"
#include "store/store_outgoing.h"
#include "store/workspace.h"

static int usage(FILE *out)
{
	fprintf(out, "usage: mado outbox run [--max N] | mado outbox list\n\n"
	             "run   deliver the queued mail that is due (agent replies, acknowledgements,\n"
	             "      notifications) through the relay or sendmail set in mado.conf\n"
	             "      (outbox.*); temporary failures are retried later with backoff,\n"
	             "      permanent ones (5xx) are marked failed on their ticket\n"
	             "list  show the queue\n");
	return out == stdout ? 0 : EX_USAGE_;
}

static mado_status print_row(void *ctx, const struct store_outbox_row *r)
{
	(void)ctx;
	printf("%lld\t%lld\t%s\t%s\t%lld\t%s\t%s\n", (long long)r->id, (long long)r->ticket_id, r->kind, r->status,
	       (long long)r->attempts, r->recipient, r->last_error);
	return MADO_OK;
}

static int list(struct store *s)
{
	struct arena *a = arena_new();
	struct mado_err err;
	printf("id\tticket\tkind\tstatus\tattempts\trecipient\tlast_error\n");
	mado_status st = store_outbox_list(s, a, 0, print_row, NULL, &err);
	if (st)
		fprintf(stderr, "mado outbox: %s\n", err.msg);
	arena_free(a);
	return st ? EX_TEMPFAIL_ : 0;
}

int cmd_outbox(struct cli *c, int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help"))
		return usage(argc < 2 ? stderr : stdout);
	bool run = !strcmp(argv[1], "run");
	if (!run && strcmp(argv[1], "list"))
		return usage(stderr);
	size_t max = 1000;
	for (int i = 2; i < argc; i++) {
		const char *v;
		char *end;
		if (run && cli_opt_value(argc, argv, &i, "--max", &v)) {
			unsigned long m = strtoul(v, &end, 10);
			if (*end || !m)
				return usage(stderr);
			max = m;
		} else {
			return usage(stderr);
		}
	}
	struct workspace ws;
	struct mado_err err;
	if (workspace_open(workspace_default_dir(c->workspace), &ws, &err)) {
		fprintf(stderr, "mado outbox: %s\n", err.msg);
		return EX_CONFIG_;
	}
	struct store *s = NULL;
	if (store_open(ws.db_path, 5000, &s, &err)) {
		fprintf(stderr, "mado outbox: %s\n", err.msg);
		workspace_close(&ws);
		return EX_TEMPFAIL_;
	}
	int rc = 0;
	if (run) {
		signal(SIGPIPE, SIG_IGN);   /* a sendmail that dies early must not kill us */
		struct outbox_sender o = { .store = s, .cfg = &ws.cfg, .blob_dir = ws.blob_dir };
		struct outbox_stats st = { 0 };
		if (outbox_deliver_due(&o, max, &st, &err)) {
			fprintf(stderr, "mado outbox: %s\n", err.msg);
			rc = EX_TEMPFAIL_;
		}
		printf("sent %zu, retry later %zu, failed %zu\n", st.sent, st.retried, st.failed);
	} else {
		rc = list(s);
	}
	store_close(s);
	workspace_close(&ws);
	return rc;
}
