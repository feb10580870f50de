/* The SQLite store (src/store/sqlite/sqlite.c): migrations, intake writes,
 * the append-only history, and bound parameters with hostile strings. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/migrations.h"
#include "store/sqlite/internal.h"
#include "store/store.h"
#include "tap.h"

static mado_status count_cb(void *ctx, const struct store_ticket *t)
{
	(void)t;
	(*(int *)ctx)++;
	return MADO_OK;
}

int main(void)
{
	char dir[64], path[256];
	if (!tap_scratch_db("store", dir, path))
		return 1;
	struct store *s;
	struct mado_err err;
	ok(store_open(path, 1000, &s, &err) == MADO_OK, "open and migrate");
	int version = store_schema_version(s);
	ok(version >= 2, "schema version %d", version);
	store_close(s);
	ok(store_open(path, 1000, &s, &err) == MADO_OK, "reopen: migrations are idempotent");
	sqlite3_stmt *cs;
	store_set_cache_kib(s, 4096);
	sqlite3_prepare_v2(store_db(s), "PRAGMA cache_size", -1, &cs, NULL);
	is_int(sqlite3_step(cs) == SQLITE_ROW ? sqlite3_column_int(cs, 0) : 0, -4096,
	       "store_set_cache_kib: the page cache is 4 MiB (serve's drain loop)");
	sqlite3_finalize(cs);

	/* bound parameters: SQL metacharacters are data */
	const char *evil = "x'); DROP TABLE tickets; --";
	int64_t org, cust, t1, t2;
	bool created;
	ok(store_begin(s, &err) == MADO_OK, "begin");
	ok(store_org_upsert(s, "example.org", 100, &org, &err) == MADO_OK, "org");
	ok(store_customer_upsert(s, "A@Example.org", evil, org, 100, &cust, &created, &err) == MADO_OK && created,
	   "customer with a hostile name");
	int64_t again;
	store_customer_upsert(s, "a@EXAMPLE.org", "", org, 100, &again, &created, &err);
	ok(again == cust && !created, "customer found case-insensitively");
	struct store_ticket_new tn = { .subject = evil, .customer_id = cust, .organization_id = org, .now = 100 };
	ok(store_ticket_insert(s, &tn, &t1, &err) == MADO_OK, "ticket insert");
	tn.subject = "second";
	store_ticket_insert(s, &tn, &t2, &err);
	is_int(t2, t1 + 1, "ticket numbers increase");
	ok(store_event_add(s, t1, "system", "created", "status", NULL, "new", 100, &err) == MADO_OK, "event");
	ok(store_thread_add(s, "id@x", t1, &err) == MADO_OK, "thread id");
	int64_t found;
	store_thread_lookup(s, "id@x", &found, &err);
	is_int(found, t1, "thread lookup");
	store_thread_lookup(s, "other@x", &found, &err);
	is_int(found, 0, "unknown id");
	ok(store_commit(s, &err) == MADO_OK, "commit");

	struct arena *a = arena_new();
	struct store_ticket t;
	ok(store_ticket_get(s, a, t1, &t, &err) == MADO_OK, "get ticket");
	is_str(t.subject, evil, "hostile subject stored verbatim");
	is_str(t.customer_email, "A@Example.org", "customer email as first seen");
	int n = 0;
	struct store_list_opts lo = { .status = "new" };
	store_ticket_list(s, a, &lo, count_cb, &n, &err);
	is_int(n, 2, "list by status");
	n = 0;
	lo.status = "closed";
	store_ticket_list(s, a, &lo, count_cb, &n, &err);
	is_int(n, 0, "list by another status");
	ok(store_ticket_get(s, a, 999, &t, &err) == MADO_ENOTFOUND, "missing ticket: not found");
	arena_free(a);
	store_close(s);

	/* the audit trail refuses changes, whoever asks */
	sqlite3 *db;
	sqlite3_open(path, &db);
	ok(sqlite3_exec(db, "UPDATE events SET new_value = 'x'", NULL, NULL, NULL) != SQLITE_OK,
	   "events cannot be updated");
	ok(sqlite3_exec(db, "DELETE FROM events", NULL, NULL, NULL) != SQLITE_OK, "events cannot be deleted");
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
	sqlite3_step(st);
	is_str((const char *)sqlite3_column_text(st, 0), "wal", "WAL mode");
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* a database newer than this binary is refused, not damaged */
	char pragma[64];
	sqlite3_open(path, &db);
	sqlite3_exec(db, "INSERT INTO schema_migrations(version) VALUES (999)", NULL, NULL, NULL);
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version + 1);
	sqlite3_exec(db, pragma, NULL, NULL, NULL);
	sqlite3_close(db);
	ok(store_open(path, 1000, &s, &err) == MADO_EINVAL && strstr(err.msg, "newer"), "newer schema refused: %s",
	   err.msg);

	/* a database from before schema_migrations: user_version named the
	 * newest migration, all older ones applied; it is adopted as is */
	sqlite3_open(path, &db);
	sqlite3_exec(db, "DROP TABLE schema_migrations", NULL, NULL, NULL);
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", store_migrations[store_migrations_count - 1].version);
	sqlite3_exec(db, pragma, NULL, NULL, NULL);
	sqlite3_close(db);
	ok(store_open(path, 1000, &s, &err) == MADO_OK, "legacy numbered database adopted: %s", err.msg);
	is_int(store_schema_version(s), version, "user_version counts the applied migrations again");
	store_close(s);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL);
	sqlite3_exec(db, "DROP TABLE schema_migrations", NULL, NULL, NULL);
	sqlite3_close(db);
	ok(store_open(path, 1000, &s, &err) == MADO_EINVAL && strstr(err.msg, "newer"),
	   "legacy database newer than this mado refused: %s", err.msg);

	/* busy: another writer holds the lock past the timeout → temporary */
	sqlite3_open(path, &db);
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", store_migrations[store_migrations_count - 1].version);
	sqlite3_exec(db, pragma, NULL, NULL, NULL);
	if (!ok(store_open(path, 100, &s, &err) == MADO_OK, "open"))
		return done_testing();
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	ok(store_begin(s, &err) == MADO_ETEMP, "locked database: MADO_ETEMP (%s)", err.msg);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	store_close(s);

	tap_rm_rf(dir);
	return done_testing();
}
