/*
 * mado: an email-ticketing helpdesk. This file parses the global options
 * and dispatches to one subcommand from the table below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct command {
	const char *name;
	int (*fn)(struct cli *, int, char **);
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, "create a workspace (config, database, spool, blob store)" },
	{ "ingest", cmd_ingest, "read one message on stdin (for an MTA pipe); --drain processes the spool" },
	{ "import", cmd_import, "import a maildir (--maildir DIR) or mbox file (--mbox FILE)" },
	{ "ticket", cmd_ticket, "list tickets or show one: ticket list | ticket show N [--json]" },
	{ "config", cmd_config, "print every setting with its default: config --defaults" },
	{ "serve", cmd_serve, "serve the JSON API and drain the intake spool (--listen ADDR:PORT)" },
	{ "user", cmd_user, "create agents and API tokens: user add EMAIL | user token EMAIL" },
	{ "outbox", cmd_outbox, "deliver queued mail now (for cron): outbox run | outbox list" },
	{ "webhooks", cmd_webhooks, "deliver the webhooks triggers queued: webhooks send" },
	{ "run", cmd_run, "set up a demo workspace if none exists and show what came in" },
	{ "automations", cmd_automations, "fire what is due (SLA warnings, breaches, escalations, reminders): automations run" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: mado [--workspace DIR] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
	        "\nThe workspace is DIR, else $MADO_HOME, else ./var.\n"
	        "`mado COMMAND --help` describes a command.\n");
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	/* Global options may come before or after the command name. */
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	if (!rest)
		return EX_SOFTWARE_;
	int nrest = 0;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (cli_opt_value(argc, argv, &i, "--workspace", &v) || cli_opt_value(argc, argv, &i, "-w", &v))
			c.workspace = v;
		else
			rest[nrest++] = argv[i];
	}
	if (nrest == 0 || !strcmp(rest[0], "--help") || !strcmp(rest[0], "-h") || !strcmp(rest[0], "help")) {
		usage(nrest ? stdout : stderr);
		free(rest);
		return nrest ? 0 : EX_USAGE_;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(rest[0], commands[i].name) == 0) {
			int rc = commands[i].fn(&c, nrest, rest);
			free(rest);
			return rc;
		}
	}
	fprintf(stderr, "mado: unknown command '%s'\n", rest[0]);
	usage(stderr);
	free(rest);
	return EX_USAGE_;
}
