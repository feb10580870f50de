/* `mado init [DIR]` and `mado config --defaults`. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/workspace.h"
#include "util/config.h"

int cmd_init(struct cli *c, int argc, char **argv)
{
	const char *dir = c->workspace;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			printf("usage: mado init [DIR]\n\nCreate a workspace in DIR (default $MADO_HOME or ./var):\n"
			       "mado.conf, mado.db (SQLite, WAL), secret.key, spool/ and blobs/.\n"
			       "Running it again on an existing workspace changes nothing but migrates the database.\n");
			return 0;
		}
		dir = argv[i];
	}
	dir = workspace_default_dir(dir);
	struct mado_err err;
	bool created;
	if (workspace_create(dir, &created, &err) != MADO_OK) {
		fprintf(stderr, "mado init: %s\n", err.msg);
		return EX_TEMPFAIL_;
	}
	printf("%s workspace in %s\n", created ? "created" : "using existing", dir);
	return 0;
}

int cmd_config(struct cli *c, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--defaults")) {
		config_print_defaults(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--check")) {
		struct workspace ws;
		struct mado_err err;
		if (workspace_open(workspace_default_dir(c->workspace), &ws, &err)) {
			fprintf(stderr, "mado config: %s\n", err.msg);
			return EX_CONFIG_;
		}
		workspace_close(&ws);
		printf("configuration ok\n");
		return 0;
	}
	printf("usage: mado config --defaults | --check\n\n"
	       "--defaults  print every setting with its default and meaning\n"
	       "--check     load the workspace's mado.conf and report errors\n");
	return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : EX_USAGE_;
}
