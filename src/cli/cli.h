/*
 * The `mado` command: one file per subcommand, dispatched by the table in
 * src/main.c. Each command returns a process exit status (sysexits for
 * `mado ingest`); only main() exits.
 */
#ifndef MADO_CLI_CLI_H
#define MADO_CLI_CLI_H

#include <stdbool.h>

#define EX_OK_ 0
#define EX_USAGE_ 64
#define EX_DATAERR_ 65
#define EX_SOFTWARE_ 70
#define EX_TEMPFAIL_ 75
#define EX_CONFIG_ 78

struct cli {
	const char *workspace;  /* --workspace DIR, or NULL for the default */
};

int cmd_init(struct cli *c, int argc, char **argv);
int cmd_ingest(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_ticket(struct cli *c, int argc, char **argv);
int cmd_config(struct cli *c, int argc, char **argv);
int cmd_run(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);
int cmd_outbox(struct cli *c, int argc, char **argv);
int cmd_webhooks(struct cli *c, int argc, char **argv);
int cmd_automations(struct cli *c, int argc, char **argv);

/* True if argv[i] is --name (and then *value = argv[i+1], i advanced) or
 * --name=value. */
bool cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value);

#endif
