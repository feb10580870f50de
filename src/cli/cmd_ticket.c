/*
 * `mado ticket list` and `mado ticket show N`: what came in, as plain text
 * for a person or --json for scripts. Read-only; runs beside a writer.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/mailbox.h"
#include "mail/thread.h"
#include "core/view.h"
#include "store/store.h"
#include "store/workspace.h"

struct list_ctx {
	bool json;
	json_t *arr;
	size_t n;
};

static mado_status print_ticket(void *vctx, const struct store_ticket *t)
{
	struct list_ctx *lc = vctx;
	lc->n++;
	if (lc->json) {
		json_array_append_new(lc->arr, view_ticket(t));
		return MADO_OK;
	}
	char u[32];
	printf("#%-6lld %-8s %-7s %-20s %3lld  %-28.28s %s\n", (long long)t->id, t->status,
	       t->priority, view_time(t->updated_at, u, sizeof u), (long long)t->message_count,
	       t->customer_email, *t->subject ? t->subject : "(no subject)");
	return MADO_OK;
}

static void print_show_text(json_t *j)
{
	printf("Ticket #%lld  %s\n", (long long)json_integer_value(json_object_get(j, "number")),
	       json_string_value(json_object_get(j, "subject")));
	printf("Status: %s  Priority: %s  Type: %s  Channel: %s\n",
	       json_string_value(json_object_get(j, "status")),
	       json_string_value(json_object_get(j, "priority")),
	       json_string_value(json_object_get(j, "type")),
	       json_string_value(json_object_get(j, "channel")));
	json_t *why = json_object_get(j, "priority_reason");
	if (json_is_object(why))
		printf("Why: %s\n     %s\n", json_string_value(json_object_get(why, "en")),
		       json_string_value(json_object_get(why, "ja")));
	json_t *cust = json_object_get(j, "customer");
	printf("Customer: %s <%s>\n", json_string_value(json_object_get(cust, "name")),
	       json_string_value(json_object_get(cust, "email")));
	if (json_object_get(j, "reply_address"))
		printf("Reply address: %s\n", json_string_value(json_object_get(j, "reply_address")));
	json_int_t linked = json_integer_value(json_object_get(j, "linked_ticket"));
	if (linked)
		printf("Linked to: #%lld\n", (long long)linked);
	size_t i;
	json_t *v;
	printf("Participants:");
	json_array_foreach(json_object_get(j, "participants"), i, v)
		printf(" %s (%s)", json_string_value(json_object_get(v, "email")),
		       json_string_value(json_object_get(v, "role")));
	printf("\n");
	json_array_foreach(json_object_get(j, "messages"), i, v) {
		json_t *from = json_object_get(v, "from");
		printf("\n--- message %lld (%s, %s) from %s <%s> at %s\n",
		       (long long)json_integer_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "kind")),
		       json_string_value(json_object_get(v, "thread_reason")),
		       json_string_value(json_object_get(from, "name")),
		       json_string_value(json_object_get(from, "email")),
		       json_string_value(json_object_get(v, "received_at")));
		printf("Subject: %s\n", json_string_value(json_object_get(v, "subject")));
		if (!json_is_true(json_object_get(v, "may_auto_answer")))
			printf("Automatic mail: %s (never auto-answered)\n",
			       json_string_value(json_object_get(v, "hygiene")));
		printf("\n%s\n", json_string_value(json_object_get(v, "text")));
	}
	json_t *atts = json_object_get(j, "attachments");
	if (json_array_size(atts)) {
		printf("\nAttachments:\n");
		json_array_foreach(atts, i, v)
			printf("  %s (%s, %lld bytes)%s\n", json_string_value(json_object_get(v, "filename")),
			       json_string_value(json_object_get(v, "content_type")),
			       (long long)json_integer_value(json_object_get(v, "size")),
			       json_is_true(json_object_get(v, "stored")) ? "" : " [not stored: over the limit]");
	}
	printf("\nHistory:\n");
	json_array_foreach(json_object_get(j, "events"), i, v) {
		const char *old = json_string_value(json_object_get(v, "old"));
		const char *nw = json_string_value(json_object_get(v, "new"));
		printf("  %s  %-8s %s%s%s%s%s  (%s)\n", json_string_value(json_object_get(v, "at")),
		       json_string_value(json_object_get(v, "kind")),
		       json_string_value(json_object_get(v, "field")),
		       *json_string_value(json_object_get(v, "field")) ? ": " : "", old ? old : "",
		       old ? " -> " : "", nw ? nw : "", json_string_value(json_object_get(v, "actor")));
	}
}

int cmd_ticket(struct cli *c, int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		printf("usage: mado ticket list [--status S] [--limit N] [--json]\n"
		       "       mado ticket show N [--json]\n");
		return argc < 2 ? EX_USAGE_ : 0;
	}
	bool json = false;
	const char *status = NULL, *limit = NULL;
	const char *number = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (cli_opt_value(argc, argv, &i, "--status", &status) ||
		         cli_opt_value(argc, argv, &i, "--limit", &limit))
			continue;
		else if (!number)
			number = argv[i];
		else {
			fprintf(stderr, "mado ticket: unexpected argument %s\n", argv[i]);
			return EX_USAGE_;
		}
	}
	struct workspace ws;
	struct mado_err err;
	if (workspace_open(workspace_default_dir(c->workspace), &ws, &err)) {
		fprintf(stderr, "mado ticket: %s\n", err.msg);
		return EX_CONFIG_;
	}
	struct store *s = NULL;
	int rc = 0;
	struct arena *a = arena_new();
	if (store_open(ws.db_path, 5000, &s, &err)) {
		fprintf(stderr, "mado ticket: %s\n", err.msg);
		rc = EX_TEMPFAIL_;
		goto out;
	}
	if (!strcmp(argv[1], "list")) {
		char *end = NULL;
		struct store_list_opts o = { .status = status, .limit = limit ? strtoll(limit, &end, 10) : 50 };
		if (limit && (!end || *end || o.limit <= 0)) {
			fprintf(stderr, "mado ticket: --limit wants a positive number\n");
			rc = EX_USAGE_;
			goto out;
		}
		struct list_ctx lc = { .json = json, .arr = json_array() };
		if (store_ticket_list(s, a, &o, print_ticket, &lc, &err)) {
			fprintf(stderr, "mado ticket: %s\n", err.msg);
			rc = EX_TEMPFAIL_;
		} else if (json) {
			char *out = json_dumps(lc.arr, JSON_INDENT(2));
			printf("%s\n", out);
			free(out);
		} else if (lc.n == 0) {
			printf("no tickets\n");
		}
		json_decref(lc.arr);
	} else if (!strcmp(argv[1], "show") && number) {
		char *end;
		long long id = strtoll(number[0] == '#' ? number + 1 : number, &end, 10);
		struct store_ticket t;
		if (*end || id <= 0) {
			fprintf(stderr, "mado ticket: '%s' is not a ticket number\n", number);
			rc = EX_USAGE_;
			goto out;
		}
		if (store_ticket_get(s, a, id, &t, &err)) {
			fprintf(stderr, "mado ticket: %s\n", err.msg);
			rc = 1;
			goto out;
		}
		json_t *j = NULL;
		if (view_ticket_full(s, a, &t, &j, &err)) {
			fprintf(stderr, "mado ticket: %s\n", err.msg);
			rc = EX_TEMPFAIL_;
		}
		/* The signed address replies should go to, for the ticket's mailbox. */
		struct mailbox_sender support = { "support@localhost", "" };
		mailbox_sender_of(s, a, &ws.cfg, id, &support, &err);
		struct buf reply;
		buf_init(&reply, 0);
		if (j && thread_sign_address(ws.key, support.email, id, &reply) == MADO_OK)
			json_object_set_new(j, "reply_address", json_string(reply.p));
		buf_free(&reply);
		if (!rc) {
			if (json) {
				char *out = json_dumps(j, JSON_INDENT(2));
				printf("%s\n", out);
				free(out);
			} else {
				print_show_text(j);
			}
		}
		json_decref(j);
	} else {
		fprintf(stderr, "mado ticket: expected 'list' or 'show N'\n");
		rc = EX_USAGE_;
	}
out:
	arena_free(a);
	store_close(s);
	workspace_close(&ws);
	return rc;
}
