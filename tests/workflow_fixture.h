/*
 * A workspace for the workflow tests (core_priority, core_routing,
 * core_rules): a real SQLite store in a temporary directory, the real
 * intake for mail, and small helpers to add agents, groups, rules and
 * tickets. Header-only: each test is one binary.
 */
#ifndef MADO_TESTS_WORKFLOW_FIXTURE_H
#define MADO_TESTS_WORKFLOW_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/intake.h"
#include "core/rules.h"
#include "core/triage.h"
#include "mail/thread.h"
#include "store/store.h"
#include "store/store_people.h"
#include "store/store_workflow.h"
#include "store/sqlite/internal.h"

struct fx {
	char dir[64];
	struct store *s;
	struct mado_config cfg;
	unsigned char key[THREAD_KEY_BYTES];
	struct intake_ctx in;
	struct triage_opts opts;
	struct arena *a;
	int mails;
};

static inline void fx_die(const char *what, const struct mado_err *e)
{
	printf("Bail out! %s: %s\n", what, e ? e->msg : "");
	exit(1);
}

static inline void fx_open(struct fx *f)
{
	memset(f, 0, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/mado-wf-XXXXXX");
	if (!mkdtemp(f->dir))
		fx_die("mkdtemp", NULL);
	char path[128], blobs[128];
	snprintf(path, sizeof path, "%s/mado.db", f->dir);
	snprintf(blobs, sizeof blobs, "%s/blobs", f->dir);
	if (mkdir(blobs, 0700) != 0)
		fx_die("mkdir blobs", NULL);
	struct mado_err e;
	config_defaults(&f->cfg);
	if (store_open(path, 5000, &f->s, &e))
		fx_die("store_open", &e);
	if (intake_ctx_init(&f->in, f->s, strdup(blobs), &f->cfg, f->key, &e))
		fx_die("intake_ctx_init", &e);
	triage_opts_from_config(&f->opts, &f->cfg);
	f->opts.key = f->key;
	f->a = arena_new();
}

static inline void fx_close(struct fx *f)
{
	free((char *)f->in.blob_dir);
	intake_ctx_free(&f->in);
	store_close(f->s);
	arena_free(f->a);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", f->dir);
}

static inline void fx_begin(struct fx *f)
{
	struct mado_err e;
	if (store_begin(f->s, &e))
		fx_die("begin", &e);
}

static inline void fx_commit(struct fx *f)
{
	struct mado_err e;
	if (store_commit(f->s, &e))
		fx_die("commit", &e);
}

/* Ingest one mail (its own transaction) at time now; the ticket number. */
static inline int64_t fx_mail_at(struct fx *f, const char *from, const char *subject, const char *body, time_t now)
{
	char raw[8192];
	int n = snprintf(raw, sizeof raw,
	                 "From: %s\r\nTo: support@localhost\r\nSubject: %s\r\nMessage-ID: <fx%d.%d@test>\r\n"
	                 "Date: Mon, 23 Nov 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\n"
	                 "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
	                 from, subject, (int)getpid(), ++f->mails, body);
	struct intake_result r;
	struct mado_err e;
	if (intake_batch_begin(&f->in, &e) || intake_message(&f->in, raw, (size_t)n, NULL, "ingest", now, &r, &e) ||
	    intake_batch_commit(&f->in, &e))
		fx_die("intake", &e);
	return r.ticket_id;
}

static inline int64_t fx_mail(struct fx *f, const char *from, const char *subject, const char *body)
{
	return fx_mail_at(f, from, subject, body, 1795000000);
}

static inline int64_t fx_rule(struct fx *f, const char *kind, const char *name, const char *json)
{
	int64_t id = 0;
	struct mado_err e;
	struct rule *r;
	int k = rule_kind_parse(kind);
	if (k < 0 || rule_parse(json, strlen(json), (enum rule_kind)k, &r, &e))
		fx_die(json, &e);
	rule_free(r);
	fx_begin(f);
	if (store_rule_add(f->s, kind, name, true, json, 1, &id, &e))
		fx_die("rule add", &e);
	fx_commit(f);
	return id;
}

static inline int64_t fx_group(struct fx *f, const char *name, const char *strategy)
{
	int64_t id = 0;
	struct mado_err e;
	fx_begin(f);
	if (store_group_add(f->s, name, 1, &id, &e) || store_group_routing_set(f->s, id, strategy, 0, &e))
		fx_die("group", &e);
	fx_commit(f);
	return id;
}

static inline int64_t fx_agent(struct fx *f, const char *email, int64_t group, int64_t capacity, bool senior,
                               const char *skills, const char *shifts)
{
	int64_t id = 0;
	struct mado_err e;
	fx_begin(f);
	if (store_agent_add(f->s, email, email, "agent", "", 1, &id, &e) ||
	    (group && store_group_member_add(f->s, group, id, &e)) ||
	    store_agent_routing_set(f->s, id, capacity, senior, skills ? skills : "[]", shifts ? shifts : "", &e))
		fx_die("agent", &e);
	fx_commit(f);
	return id;
}

/* A ticket without mail (inside the caller's transaction), then the
 * new-ticket pipeline on it; customer may be NULL. */
static inline int64_t fx_new_ticket(struct fx *f, const char *customer, const char *subject, time_t now)
{
	struct mado_err e;
	int64_t cust = 0, id = 0;
	bool created;
	if (customer && store_customer_upsert(f->s, customer, "", 0, now, &cust, &created, &e))
		fx_die("customer", &e);
	struct store_ticket_new tn = { .subject = subject, .channel = "email", .customer_id = cust, .now = now };
	if (store_ticket_insert(f->s, &tn, &id, &e) || triage_ticket_created(f->s, id, &f->opts, now, &e))
		fx_die("ticket", &e);
	return id;
}

static inline struct store_ticket fx_ticket(struct fx *f, int64_t id)
{
	struct store_ticket t;
	struct mado_err e;
	if (store_ticket_get(f->s, f->a, id, &t, &e))
		fx_die("ticket get", &e);
	return t;
}

static inline int64_t fx_int(struct fx *f, const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(store_db(f->s), sql, -1, &st, NULL) != SQLITE_OK)
		fx_die(sql, NULL);
	sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static inline const char *fx_text(struct fx *f, const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	const char *v = NULL;
	if (sqlite3_prepare_v2(store_db(f->s), sql, -1, &st, NULL) != SQLITE_OK)
		fx_die(sql, NULL);
	sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = arena_strdup(f->a, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static inline void fx_exec(struct fx *f, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(store_db(f->s), sql, NULL, NULL, &msg) != SQLITE_OK) {
		printf("Bail out! %s: %s\n", sql, msg ? msg : "");
		exit(1);
	}
}

#endif
