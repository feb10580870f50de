/* `mado serve`: run the HTTP API and the spool drainer until SIGTERM/SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/server.h"
#include "http/events.h"
#include "jobs/scheduler.h"
#include "store/workspace.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* What the scheduler changed (SLA warnings, breaches, escalations,
 * reminders, auto-close) reaches open ticket lists live. */
static void publish_changed(void *srv, int64_t ticket_id)
{
	events_publish(srv, "ticket.updated", ticket_id, NULL);
}

int cmd_serve(struct cli *c, int argc, char **argv)
{
	struct server_opts o = { .listen_addr = "127.0.0.1", .port = 8080, .threads = 2 };
	static char addr[64];
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (cli_opt_value(argc, argv, &i, "--listen", &v)) {
			const char *colon = strrchr(v, ':');
			char *end;
			long port = colon ? strtol(colon + 1, &end, 10) : -1;
			if (!colon || *end || port < 1 || port > 65535 || (size_t)(colon - v) >= sizeof addr) {
				fprintf(stderr, "mado serve: --listen wants ADDR:PORT, e.g. 127.0.0.1:8080\n");
				return EX_USAGE_;
			}
			snprintf(addr, sizeof addr, "%.*s", (int)(colon - v), v);
			o.listen_addr = addr;
			o.port = (uint16_t)port;
		} else if (cli_opt_value(argc, argv, &i, "--threads", &v)) {
			o.threads = (unsigned)strtoul(v, NULL, 10);
		} else if (!strcmp(argv[i], "--secure-cookies")) {
			o.secure_cookies = true;
		} else if (!strcmp(argv[i], "--help")) {
			printf("usage: mado serve [--listen ADDR:PORT] [--threads N] [--secure-cookies]\n\n"
			       "Serves the JSON API under /api/v1/ (default 127.0.0.1:8080), /healthz and\n"
			       "/metrics, and moves mail piped with `mado ingest` into tickets within a\n"
			       "second. Fires due SLA timers and automations every\n"
			       "scheduler.interval_seconds (docs/sla.md) and delivers the webhooks\n"
			       "triggers queue (docs/workflow.md). --secure-cookies when clients\n"
			       "reach it over TLS (a reverse proxy).\n"
			       "Stops cleanly on SIGTERM or SIGINT.\n");
			return 0;
		} else {
			fprintf(stderr, "mado serve: unknown argument %s\n", argv[i]);
			return EX_USAGE_;
		}
	}
	struct workspace ws;
	struct mado_err err;
	if (workspace_open(workspace_default_dir(c->workspace), &ws, &err)) {
		fprintf(stderr, "mado serve: %s\n", err.msg);
		return EX_CONFIG_;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct server *s;
	if (server_start(&ws, &o, &s, &err)) {
		fprintf(stderr, "mado serve: %s\n", err.msg);
		workspace_close(&ws);
		return EX_TEMPFAIL_;
	}
	struct scheduler *sched = NULL;
	if (scheduler_start(&ws, publish_changed, s, &sched, &err))
		fprintf(stderr, "mado serve: %s (SLA timers and automations will not fire)\n", err.msg);
	printf("mado serve: listening on http://%s:%u (workspace %s)\n", o.listen_addr, o.port, ws.dir);
	fflush(stdout);
	while (!stop)
		pause();
	scheduler_stop(sched);
	server_stop(s);
	workspace_close(&ws);
	printf("mado serve: stopped\n");
	return 0;
}
