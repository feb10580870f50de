/*
 * `mado webhooks send`: deliver the webhooks triggers queued (for cron or
 * a systemd timer; see docs/workflow.md). Prints what happened; exit 0
 * when the queue was worked through (deliveries that failed and will be
 * retried are not an error of this command), 75 when the database was
 * unavailable.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "jobs/webhooks.h"
#include "store/store.h"
#include "store/workspace.h"
#include "util/clock.h"
#include "util/curl_load.h"

static int usage(int rc)
{
	printf("usage: mado webhooks send\n"
	       "  POST each queued webhook (JSON, X-Mado-Signature: sha256=HMAC of the body\n"
	       "  under the workspace key); failures retry after 1, 2, 4, 8 minutes, 5 attempts.\n"
	       "  `mado serve` delivers them itself; this is for cron where no server runs\n"
	       "  (safe beside one: each webhook is claimed before it is sent).\n");
	return rc;
}

int cmd_webhooks(struct cli *c, int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help"))
		return usage(EX_OK_);
	if (argc != 2 || strcmp(argv[1], "send"))
		return usage(EX_USAGE_);
	struct workspace ws;
	struct mado_err err;
	if (workspace_open(workspace_default_dir(c->workspace), &ws, &err)) {
		fprintf(stderr, "mado webhooks: %s\n", err.msg);
		return EX_CONFIG_;
	}
	struct store *s = NULL;
	if (store_open(ws.db_path, 10000, &s, &err)) {
		fprintf(stderr, "mado webhooks: %s\n", err.msg);
		workspace_close(&ws);
		return EX_TEMPFAIL_;
	}
	if (curl_load(&err)) { /* loaded here, not at exec (util/curl_load.c) */
		fprintf(stderr, "mado webhooks: %s\n", err.msg);
		store_close(s);
		workspace_close(&ws);
		return EX_CONFIG_;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct webhook_opts o = { .key = ws.key, .timeout_ms = (long)ws.cfg.webhooks_timeout_seconds * 1000 };
	struct webhook_stats stats;
	int rc = EX_OK_;
	do {
		if (webhooks_send_due(s, &o, mado_now(), &stats, &err)) {
			fprintf(stderr, "mado webhooks: %s\n", err.msg);
			rc = EX_TEMPFAIL_;
			break;
		}
		printf("webhooks: %zu sent, %zu to retry, %zu failed\n", stats.sent, stats.retry, stats.failed);
	} while (stats.taken == 100); /* a full batch: there may be more */
	curl_global_cleanup();
	store_close(s);
	workspace_close(&ws);
	return rc;
}
