/*
 * `mado automations run`: one scheduler sweep, for cron. It fires every
 * SLA warning and breach, escalation, reminder and auto-close that is due
 * at the clock's now (MADO_CLOCK moves it in tests), then prints what it
 * did. Safe beside `mado serve`'s own scheduler: each timer is taken and
 * fired in one transaction, and each action has a unique fired key.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "jobs/scheduler.h"
#include "store/store.h"
#include "store/workspace.h"
#include "util/clock.h"

static int usage(int rc)
{
	printf("usage: mado automations run\n\n"
	       "Fires what is due now: SLA warnings and breaches, escalations, reminders to\n"
	       "customers of pending tickets, auto-closes of resolved ones (docs/sla.md).\n"
	       "`mado serve` does the same every scheduler.interval_seconds; run this from\n"
	       "cron when no server runs. Prints the due timers taken and the actions done.\n");
	return rc;
}

int cmd_automations(struct cli *c, int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help"))
		return usage(0);
	if (argc != 2 || strcmp(argv[1], "run"))
		return usage(EX_USAGE_);
	struct workspace ws;
	struct mado_err err;
	if (workspace_open(workspace_default_dir(c->workspace), &ws, &err)) {
		fprintf(stderr, "mado automations: %s\n", err.msg);
		return EX_CONFIG_;
	}
	struct store *s = NULL;
	struct sweep_stats ss = { 0 };
	struct automation_env env = { .cfg = &ws.cfg, .key = ws.key };
	int rc = 0;
	if (store_open(ws.db_path, 30000, &s, &err) ||
	    scheduler_sweep(s, &env, mado_now(), ws.cfg.scheduler_batch, &ss, &err)) {
		fprintf(stderr, "mado automations: %s\n", err.msg);
		rc = EX_TEMPFAIL_;
	} else {
		printf("due timers: %lld, fired: %lld\n", (long long)ss.timers, (long long)ss.fired);
		if (ss.recomputed)
			printf("due times recomputed after an SLA edit: %lld tickets\n", (long long)ss.recomputed);
	}
	store_close(s);
	workspace_close(&ws);
	return rc;
}
