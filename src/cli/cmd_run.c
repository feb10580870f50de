/*
 * `mado run`: what `make run` calls. Creates the workspace with demo mail
 * if it does not exist, then shows what came in. The HTTP server and UI
 * (`mado serve`) arrive with their own issue; until then this prints how
 * to look at tickets from the command line.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/workspace.h"

int cmd_run(struct cli *c, int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: mado run\n\nCreate the workspace if missing and print how to use it.\n");
		return 0;
	}
	const char *dir = workspace_default_dir(c->workspace);
	struct mado_err err;
	bool created;
	if (workspace_create(dir, &created, &err)) {
		fprintf(stderr, "mado run: %s\n", err.msg);
		return EX_TEMPFAIL_;
	}
	printf("workspace: %s%s\n", dir, created ? " (new)" : "");
	printf("  mado --workspace %s ticket list          tickets that came in\n"
	       "  mado --workspace %s ticket show N        one ticket with its thread and history\n"
	       "  mado --workspace %s ingest < mail.eml    pipe a message in (as Postfix does)\n",
	       dir, dir, dir);
	return 0;
}
