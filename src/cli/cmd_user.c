/*
 * `mado user add EMAIL [--name N] [--role R] [--group G]` creates an agent
 * (the first admin, typically); the password comes from $MADO_PASSWORD or
 * the first line of stdin, never from argv (visible in ps).
 * `mado user token EMAIL [--name N]` prints a new API token once; only its
 * hash is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "http/auth.h"
#include "http/http.h"
#include "store/store.h"
#include "store/workspace.h"

static int usage(int rc)
{
	printf("usage: mado user add EMAIL [--name NAME] [--role admin|supervisor|agent|light_agent] [--group GROUP]\n"
	       "       mado user token EMAIL [--name LABEL]\n\n"
	       "The password is read from $MADO_PASSWORD or the first line of stdin.\n");
	return rc;
}

static int read_password(char *pw, size_t n)
{
	const char *env = getenv("MADO_PASSWORD");
	if (env) {
		snprintf(pw, n, "%s", env);
	} else if (!fgets(pw, (int)n, stdin)) {
		return -1;
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	return strlen(pw) >= 8 ? 0 : -1;
}

int cmd_user(struct cli *c, int argc, char **argv)
{
	if (argc < 3 || !strcmp(argv[1], "--help"))
		return usage(argc < 3 && !(argc == 2 && !strcmp(argv[1], "--help")) ? EX_USAGE_ : 0);
	const char *verb = argv[1], *email = argv[2], *name = "", *role = "agent", *group = NULL;
	for (int i = 3; i < argc; i++) {
		if (cli_opt_value(argc, argv, &i, "--name", &name) || cli_opt_value(argc, argv, &i, "--role", &role) ||
		    cli_opt_value(argc, argv, &i, "--group", &group))
			continue;
		fprintf(stderr, "mado user: unknown argument %s\n", argv[i]);
		return EX_USAGE_;
	}
	if (strcmp(verb, "add") && strcmp(verb, "token"))
		return usage(EX_USAGE_);
	if (role_parse(role) < ROLE_LIGHT_AGENT) {
		fprintf(stderr, "mado user: unknown role '%s'\n", role);
		return EX_USAGE_;
	}
	struct workspace ws;
	struct mado_err err;
	if (workspace_open(workspace_default_dir(c->workspace), &ws, &err)) {
		fprintf(stderr, "mado user: %s\n", err.msg);
		return EX_CONFIG_;
	}
	struct store *s = NULL;
	struct arena *a = arena_new();
	int rc = 0;
	time_t now = time(NULL);
	if (store_open(ws.db_path, 10000, &s, &err)) {
		fprintf(stderr, "mado user: %s\n", err.msg);
		rc = EX_TEMPFAIL_;
		goto out;
	}
	if (!strcmp(verb, "add")) {
		char pw[1024], hash[128];
		if (read_password(pw, sizeof pw)) {
			fprintf(stderr, "mado user: a password of at least 8 characters is needed "
			                "($MADO_PASSWORD or stdin)\n");
			rc = EX_USAGE_;
			goto out;
		}
		int64_t id, gid = 0;
		if (auth_hash_password(pw, hash, &err) || store_begin(s, &err) ||
		    store_agent_add(s, email, name, role, hash, now, &id, &err) ||
		    (group && (store_group_by_name(s, group, &gid, &err) ||
		               (!gid && store_group_add(s, group, now, &gid, &err)) ||
		               store_group_member_add(s, gid, id, &err))) ||
		    store_commit(s, &err)) {
			store_rollback(s);
			fprintf(stderr, "mado user: %s\n", err.msg);
			rc = 1;
			goto out;
		}
		printf("agent %s (%s) created%s%s\n", email, role, group ? " in group " : "", group ? group : "");
	} else {
		struct store_agent ag;
		if (store_agent_by_email(s, a, email, &ag, &err)) {
			fprintf(stderr, "mado user: no agent %s\n", email);
			rc = 1;
			goto out;
		}
		char token[65], hash[65];
		int64_t id;
		auth_new_token(token);
		auth_token_hash(token, hash);
		if (store_token_add(s, hash, ag.id, name, now, &id, &err)) {
			fprintf(stderr, "mado user: %s\n", err.msg);
			rc = 1;
			goto out;
		}
		printf("%s\n", token);
	}
out:
	arena_free(a);
	store_close(s);
	workspace_close(&ws);
	return rc;
}
