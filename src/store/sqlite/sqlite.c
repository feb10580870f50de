/*
 * SQLite backend of store.h.
 *
 * WAL with synchronous=FULL (in WAL mode NORMAL can lose the last commits
 * on power loss). Statements are prepared once per connection and cached
 * by number; every value is bound, never formatted into SQL. Writers use
 * BEGIN IMMEDIATE so that lock waits happen at BEGIN, bounded by the busy
 * timeout, rather than as a deadlock at the first write.
 */
#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrations.h"
#include "store/sqlite/internal.h"

enum stmt_id {
	S_MSG_FIND, S_THREAD_LOOKUP, S_THREAD_ADD, S_TICKET_EXISTS, S_PARTICIPANT_HAS,
	S_ORG_FIND, S_ORG_INSERT, S_CUST_FIND, S_CUST_INSERT, S_CUST_SETNAME, S_CUST_BOUNCE,
	S_TICKET_INSERT, S_TICKET_TOUCH, S_MSG_INSERT, S_ATT_INSERT, S_PART_ADD, S_BOUNCE_ADD,
	S_EVENT_ADD, S_QUAR_ADD, S_TICKET_GET, S_MSG_LIST, S_ATT_LIST, S_PART_LIST, S_EVENT_LIST,
	S_CUST_GET, S_TICKET_LIST, S_TICKET_LIST_STATUS,
	S__COUNT
};

static const char *const stmt_sql[S__COUNT] = {
	[S_MSG_FIND] = "SELECT ticket_id FROM messages WHERE message_id = ?1 AND raw_sha256 = ?2",
	[S_THREAD_LOOKUP] = "SELECT ticket_id FROM thread_ids WHERE message_id = ?1",
	[S_THREAD_ADD] = "INSERT OR IGNORE INTO thread_ids(message_id, ticket_id) VALUES (?1, ?2)",
	[S_TICKET_EXISTS] = "SELECT 1 FROM tickets WHERE id = ?1",
	[S_PARTICIPANT_HAS] = "SELECT 1 FROM participants WHERE ticket_id = ?1 AND email = ?2",
	[S_ORG_FIND] = "SELECT id FROM organizations WHERE domain = ?1",
	[S_ORG_INSERT] = "INSERT INTO organizations(domain, name, created_at) VALUES (?1, ?1, ?2)",
	[S_CUST_FIND] = "SELECT id, name FROM customers WHERE email = ?1",
	[S_CUST_INSERT] = "INSERT INTO customers(email, name, organization_id, created_at, updated_at) "
	                  "VALUES (?1, ?2, nullif(?3, 0), ?4, ?4)",
	[S_CUST_SETNAME] = "UPDATE customers SET name = ?2, updated_at = ?3 WHERE id = ?1",
	[S_CUST_BOUNCE] = "UPDATE customers SET bouncing = 1, bounce_status = ?2, bounce_reason = ?3, "
	                  "bounced_at = ?4, updated_at = ?4 WHERE email = ?1",
	[S_TICKET_INSERT] = "INSERT INTO tickets(subject, channel, customer_id, organization_id, "
	                    "linked_ticket_id, spam, created_at, updated_at) "
	                    "VALUES (?1, ?2, nullif(?3,0), nullif(?4,0), nullif(?5,0), ?6, ?7, ?7)",
	[S_TICKET_TOUCH] = "UPDATE tickets SET updated_at = max(updated_at, ?2) WHERE id = ?1",
	[S_MSG_INSERT] = "INSERT INTO messages(ticket_id, direction, message_id, raw_sha256, raw_size, "
	                 "source, from_email, from_name, to_json, cc_json, subject, date, in_reply_to, "
	                 "references_json, body_text, body_html, text_from_html, kind, hygiene_flags, "
	                 "hygiene_reasons, may_auto_answer, spam_score, thread_reason, parse_notes, "
	                 "truncated, created_at) VALUES (nullif(?1,0),?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,nullif(?12,0),"
	                 "?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26)",
	[S_ATT_INSERT] = "INSERT INTO attachments(message_id, sha256, filename, content_type, size, "
	                 "content_id, inline, stored) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
	[S_PART_ADD] = "INSERT OR IGNORE INTO participants(ticket_id, email, name, role) VALUES (?1,?2,?3,?4)",
	[S_BOUNCE_ADD] = "INSERT INTO bounce_recipients(message_id, email, status, action, diagnostic) "
	                 "VALUES (?1,?2,?3,?4,?5)",
	[S_EVENT_ADD] = "INSERT INTO events(ticket_id, actor, kind, field, old_value, new_value, created_at) "
	                "VALUES (nullif(?1,0),?2,?3,?4,?5,?6,?7)",
	[S_QUAR_ADD] = "INSERT INTO quarantine(raw_sha256, reason, created_at) VALUES (?1,?2,?3)",
	[S_TICKET_GET] = "SELECT " TICKET_COLS "WHERE t.id = ?1",
	[S_MSG_LIST] = "SELECT id, direction, message_id, raw_sha256, source, from_email, from_name, "
	               "to_json, cc_json, subject, coalesce(date,0), created_at, in_reply_to, body_text, "
	               "body_html, kind, hygiene_reasons, may_auto_answer, text_from_html, truncated, "
	               "spam_score, thread_reason, parse_notes FROM messages WHERE ticket_id = ?1 ORDER BY id",
	[S_ATT_LIST] = "SELECT a.id, a.message_id, a.sha256, a.filename, a.content_type, a.content_id, "
	               "a.size, a.inline, a.stored FROM attachments a JOIN messages m ON m.id = a.message_id "
	               "WHERE m.ticket_id = ?1 ORDER BY a.id",
	[S_PART_LIST] = "SELECT email, name, role FROM participants WHERE ticket_id = ?1 "
	                "ORDER BY role = 'requester' DESC, role, email",
	[S_EVENT_LIST] = "SELECT id, actor, kind, field, old_value, new_value, created_at FROM events "
	                 "WHERE ticket_id = ?1 ORDER BY id",
	[S_CUST_GET] = "SELECT id, email, name, bounce_status, bounce_reason, bouncing, "
	               "coalesce(organization_id,0) FROM customers WHERE email = ?1",
	[S_TICKET_LIST] = "SELECT " TICKET_COLS "WHERE (?1 = 0 OR t.id < ?1) ORDER BY t.id DESC LIMIT ?2",
	[S_TICKET_LIST_STATUS] = "SELECT " TICKET_COLS "WHERE (?1 = 0 OR t.id < ?1) AND t.status = ?3 "
	                         "ORDER BY t.id DESC LIMIT ?2",
};

/* Statements assembled at run time (the filtered list), keyed by text. */
#define STORE_BUILT_CACHE 16
struct store_built_stmt {
	char *sql;              /* malloc'd copy; NULL = free slot */
	size_t len;
	sqlite3_stmt *st;
	uint64_t used;          /* for least-recently-used eviction */
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S__COUNT];
	struct store_cached_stmt cache[STORE_STMT_CACHE];
	struct store_built_stmt built[STORE_BUILT_CACHE];
	uint64_t built_clock;
};

static mado_status db_fail(struct store *s, struct mado_err *err, const char *what)
{
	int code = sqlite3_errcode(s->db);
	mado_status st = (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_FULL ||
	                  code == SQLITE_IOERR || code == SQLITE_NOMEM || code == SQLITE_CANTOPEN)
	                     ? MADO_ETEMP
	                     : MADO_EDB;
	return mado_fail(err, st, "database %s: %s", what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *prep(struct store *s, enum stmt_id id, struct mado_err *err)
{
	sqlite3_stmt *st = s->stmt[id];
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_fail(s, err, "prepare");
		return NULL;
	}
	s->stmt[id] = st;
	return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Run a statement that returns no rows we need. */
static mado_status step_done(struct store *s, sqlite3_stmt *st, struct mado_err *err)
{
	int rc = sqlite3_step(st);
	mado_status r = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? MADO_OK : db_fail(s, err, "write");
	sqlite3_reset(st);
	return r;
}

/* Run a statement expected to give at most one row; *found says whether it did. */
static mado_status step_row(struct store *s, sqlite3_stmt *st, bool *found, struct mado_err *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		return MADO_OK;
	}
	*found = false;
	if (rc == SQLITE_DONE)
		return MADO_OK;
	return db_fail(s, err, "read");
}

static const char *col_str(struct arena *a, sqlite3_stmt *st, int i)
{
	const unsigned char *p = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);
	return p ? arena_strndup(a, (const char *)p, (size_t)n) : NULL;
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql, struct mado_err *err)
{
	size_t h = ((uintptr_t)sql >> 3) % STORE_STMT_CACHE;
	for (size_t n = 0; n < STORE_STMT_CACHE; n++, h = (h + 1) % STORE_STMT_CACHE) {
		struct store_cached_stmt *c = &s->cache[h];
		if (c->sql == sql) {
			sqlite3_reset(c->st);
			sqlite3_clear_bindings(c->st);
			return c->st;
		}
		if (!c->sql) {
			if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->st, NULL) != SQLITE_OK) {
				db_fail(s, err, "prepare");
				c->st = NULL;
				return NULL;
			}
			c->sql = sql;
			return c->st;
		}
	}
	/* cache full: an unbounded number of distinct statements is a bug */
	mado_fail(err, MADO_EDB, "statement cache full");
	return NULL;
}

static void built_free(struct store_built_stmt *b)
{
	sqlite3_finalize(b->st);
	free(b->sql);
	memset(b, 0, sizeof *b);
}

sqlite3_stmt *store_stmt_built(struct store *s, const char *sql, size_t len, struct mado_err *err)
{
	struct store_built_stmt *victim = &s->built[0];
	for (size_t i = 0; i < STORE_BUILT_CACHE; i++) {
		struct store_built_stmt *b = &s->built[i];
		if (b->sql && b->len == len && memcmp(b->sql, sql, len) == 0) {
			b->used = ++s->built_clock;
			sqlite3_reset(b->st);
			sqlite3_clear_bindings(b->st);
			return b->st;
		}
		if (!b->sql ? victim->sql != NULL : (victim->sql && b->used < victim->used))
			victim = b;
	}
	built_free(victim);
	if (!(victim->sql = malloc(len))) {
		mado_fail(err, MADO_ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(victim->sql, sql, len);
	if (sqlite3_prepare_v3(s->db, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &victim->st, NULL) != SQLITE_OK) {
		db_fail(s, err, "prepare");
		built_free(victim);
		return NULL;
	}
	victim->len = len;
	victim->used = ++s->built_clock;
	return victim->st;
}

mado_status store_db_fail(struct store *s, struct mado_err *err, const char *what)
{
	return db_fail(s, err, what);
}

mado_status store_step_done(struct store *s, sqlite3_stmt *st, struct mado_err *err)
{
	return step_done(s, st, err);
}

mado_status store_step_changed(struct store *s, sqlite3_stmt *st, bool *found, struct mado_err *err)
{
	mado_status r = step_done(s, st, err);
	*found = r == MADO_OK && sqlite3_changes(s->db) > 0;
	return r;
}

mado_status store_step_row(struct store *s, sqlite3_stmt *st, bool *found, struct mado_err *err)
{
	return step_row(s, st, found, err);
}

const char *store_col_str(struct arena *a, sqlite3_stmt *st, int i)
{
	return col_str(a, st, i);
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	bind_text(st, i, v);
}

void store_bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	bind_text_or_null(st, i, v);
}

mado_status store_get_row(struct store *s, struct arena *a, sqlite3_stmt *st, store_row_reader read, void *out,
                          struct mado_err *err, const char *fmt, ...)
{
	bool found;
	mado_status r = step_row(s, st, &found, err);
	if (r == MADO_OK && found)
		read(a, st, out);
	sqlite3_reset(st);
	if (r == MADO_OK && !found) {
		char msg[sizeof err->msg];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		return mado_fail(err, MADO_ENOTFOUND, "%s", msg);
	}
	return r;
}

mado_status store_get_by_id(struct store *s, struct arena *a, const char *sql, int64_t id,
                            store_row_reader read, void *out, const char *what, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	return store_get_row(s, a, st, read, out, err, "no such %s", what);
}

sqlite3 *store_db(struct store *s)
{
	return s->db;
}

static mado_status exec(struct store *s, const char *sql, struct mado_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		mado_status st = db_fail(s, err, "exec");
		sqlite3_free(msg);
		return st;
	}
	return MADO_OK;
}

/* Column 0 of the first row of sql (one optional parameter: text when
 * text is not NULL, else number), or none when there is no row. */
static int first_int(struct store *s, const char *sql, const char *text, int number, int none)
{
	sqlite3_stmt *st;
	int v = none;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return none;
	if (sqlite3_bind_parameter_count(st) > 0) {
		if (text)
			sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int(st, 1, number);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int store_schema_version(struct store *s)
{
	return first_int(s, "PRAGMA user_version", NULL, 0, 0);
}

/*
 * Applied migrations are listed in schema_migrations, and user_version holds
 * how many there are, so that the common case (nothing to do) costs one
 * pragma per open. A count rather than the newest number, because branches
 * land out of order: a database that has 9 but not 7 must still get 7.
 * Databases from before the table existed kept the newest number in
 * user_version with every older one applied.
 */
static int migration_applied(struct store *s, int version)
{
	return first_int(s, "SELECT 1 FROM schema_migrations WHERE version = ?", NULL, version, 0);
}

static mado_status record_migration(struct store *s, int version, struct mado_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO schema_migrations(version) VALUES (?)", -1, &st,
	                       NULL) != SQLITE_OK)
		return db_fail(s, err, "record migration");
	sqlite3_bind_int(st, 1, version);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? MADO_OK : db_fail(s, err, "record migration");
}

static int count_applied(struct store *s)
{
	return first_int(s, "SELECT count(*) FROM schema_migrations", NULL, 0, 0);
}

static bool migration_known(int version)
{
	for (size_t i = 0; i < store_migrations_count; i++)
		if (store_migrations[i].version == version)
			return true;
	return false;
}

/* The first applied migration this binary does not have, or 0. */
static int unknown_applied(struct store *s)
{
	sqlite3_stmt *st;
	int unknown = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT version FROM schema_migrations ORDER BY version", -1, &st, NULL) ==
	    SQLITE_OK) {
		while (!unknown && sqlite3_step(st) == SQLITE_ROW)
			if (!migration_known(sqlite3_column_int(st, 0)))
				unknown = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return unknown;
}

static int table_exists(struct store *s, const char *name)
{
	return first_int(s, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", name, 0, 0);
}

static mado_status adopt_legacy_version(struct store *s, struct mado_err *err)
{
	int legacy = table_exists(s, "schema_migrations") ? 0 : store_schema_version(s);
	if (legacy > 0 && !migration_known(legacy))
		return mado_fail(err, MADO_EINVAL, "database schema %d is newer than this mado: upgrade mado", legacy);
	mado_status st = exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)", err);
	for (size_t i = 0; !st && legacy > 0 && i < store_migrations_count; i++)
		if (store_migrations[i].version <= legacy)
			st = record_migration(s, store_migrations[i].version, err);
	return st;
}

static mado_status set_applied_count(struct store *s, struct mado_err *err)
{
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", count_applied(s));
	return exec(s, pragma, err);
}

static mado_status migrate(struct store *s, struct mado_err *err)
{
	if (store_schema_version(s) == (int)store_migrations_count && table_exists(s, "schema_migrations"))
		return MADO_OK;
	mado_status st = store_begin(s, err);
	if (st)
		return st;
	/* another process may have migrated meanwhile: everything below rechecks */
	if ((st = adopt_legacy_version(s, err)) != MADO_OK) {
		store_rollback(s);
		return st;
	}
	int unknown = unknown_applied(s);
	if (unknown) {
		store_rollback(s);
		return mado_fail(err, MADO_EINVAL, "database schema is newer than this mado (it has migration %d): upgrade mado",
		                 unknown);
	}
	for (size_t i = 0; i < store_migrations_count; i++) {
		const struct migration *m = &store_migrations[i];
		if (migration_applied(s, m->version))
			continue;
		if ((st = exec(s, m->sql, err)) != MADO_OK || (st = record_migration(s, m->version, err)) != MADO_OK) {
			store_rollback(s);
			return mado_fail(err, st, "migration %s: %s", m->name, err ? err->msg : "");
		}
	}
	if ((st = set_applied_count(s, err)) != MADO_OK) {
		store_rollback(s);
		return st;
	}
	return store_commit(s, err);
}

/*
 * Checkpoint and truncate the WAL after a commit once it holds 256 frames: with one short-lived process per mail the default
 * autocheckpoint was never seen to run, the WAL grew without bound, and
 * every process paid to rebuild its index on open (39 MB after 300 mails).
 */
static int wal_checkpoint_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
	(void)ctx;
	/* Truncating at ~1 MB keeps the index every new process rebuilds small
	 * (measured: 31.6 → 24.5 ms per one-process-per-mail ingest). */
	if (frames >= 256)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return SQLITE_OK;
}

/* SQLite's memory statistics take a global mutex around every
 * allocation, shared by all threads; nothing reads them. */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

mado_status store_open(const char *path, int busy_ms, struct store **out, struct mado_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite);
	*out = NULL;
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	int rc = sqlite3_open_v2(path, &s->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		mado_status st = mado_fail(err, MADO_ETEMP, "open database %s: %s", path,
		                           s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return st;
	}
	sqlite3_busy_timeout(s->db, busy_ms);
	/* `mado ingest` opens and closes the database once per mail: keep the
	 * WAL across closes and leave checkpoints to wal_autocheckpoint, or
	 * every process pays a checkpoint (two extra fsyncs) and recreates the WAL. */
	int one = 1;
	sqlite3_wal_hook(s->db, wal_checkpoint_hook, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	sqlite3_extended_result_codes(s->db, 0);
	mado_status st;
	if ((st = exec(s, "PRAGMA journal_mode=WAL", err)) ||
	    (st = exec(s, "PRAGMA synchronous=FULL", err)) ||
	    (st = exec(s, "PRAGMA foreign_keys=ON", err)) ||
	    (st = exec(s, "PRAGMA temp_store=MEMORY", err)) ||
	    (st = exec(s, "PRAGMA cache_size=-16384", err))) {
		store_close(s);
		return st;
	}
	/* before migrating: migration 012 creates a table with the tokenizer */
	if (store_search_register(s->db) != SQLITE_OK) {
		st = db_fail(s, err, "register search functions");
		store_close(s);
		return st;
	}
	if ((st = migrate(s, err))) {
		store_close(s);
		return st;
	}
	*out = s;
	return MADO_OK;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < S__COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	for (int i = 0; i < STORE_STMT_CACHE; i++)
		sqlite3_finalize(s->cache[i].st);
	for (int i = 0; i < STORE_BUILT_CACHE; i++)
		built_free(&s->built[i]);
	sqlite3_close(s->db);
	free(s);
}

void store_set_busy_ms(struct store *s, int busy_ms)
{
	sqlite3_busy_timeout(s->db, busy_ms > 0 ? busy_ms : 1);
}

void store_set_cache_kib(struct store *s, int kib)
{
	char pragma[48];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d", kib > 0 ? kib : 1);
	sqlite3_exec(s->db, pragma, NULL, NULL, NULL);   /* a pragma that cannot fail on an open connection */
}

mado_status store_begin(struct store *s, struct mado_err *err)
{
	return exec(s, "BEGIN IMMEDIATE", err);
}

mado_status store_commit(struct store *s, struct mado_err *err)
{
	mado_status st = exec(s, "COMMIT", err);
	if (st)
		store_rollback(s);
	return st;
}

/* SAVEPOINT and RELEASE run once per message of every batch: kept
 * prepared (with sqlite3_exec they were parsed again each time). */
mado_status store_run(struct store *s, const char *sql, struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql, err);
	return st ? step_done(s, st, err) : MADO_EDB;
}

static const char sql_savepoint[] = "SAVEPOINT msg";
static const char sql_release[] = "RELEASE msg";
/* Deferred: takes a WAL read snapshot at the first statement and never
 * the write lock. Cached statements: a request pays no prepare. */
static const char sql_read_begin[] = "BEGIN";
static const char sql_read_end[] = "COMMIT";

void store_read_begin(struct store *s)
{
	struct mado_err err;
	sqlite3_stmt *st = sqlite3_get_autocommit(s->db) ? store_stmt(s, sql_read_begin, &err) : NULL;
	if (st) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

void store_read_end(struct store *s)
{
	struct mado_err err;
	sqlite3_stmt *st = sqlite3_get_autocommit(s->db) ? NULL : store_stmt(s, sql_read_end, &err);
	if (st) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

mado_status store_savepoint(struct store *s, struct mado_err *err)
{
	return store_run(s, sql_savepoint, err);
}

mado_status store_release(struct store *s, struct mado_err *err)
{
	return store_run(s, sql_release, err);
}

void store_rollback_to(struct store *s)
{
	sqlite3_exec(s->db, "ROLLBACK TO msg; RELEASE msg", NULL, NULL, NULL);
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- intake ---- */

static mado_status lookup_id(struct store *s, enum stmt_id id, const char *a, const char *b,
                             int64_t *out, struct mado_err *err)
{
	*out = 0;
	sqlite3_stmt *st = prep(s, id, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, a);
	if (b)
		bind_text(st, 2, b);
	bool found;
	mado_status r = step_row(s, st, &found, err);
	if (r == MADO_OK && found)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r;
}

mado_status store_message_find(struct store *s, const char *message_id, const char *sha256,
                               bool *found, int64_t *ticket_id, struct mado_err *err)
{
	*ticket_id = 0;
	sqlite3_stmt *st = prep(s, S_MSG_FIND, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, message_id);
	bind_text(st, 2, sha256);
	mado_status r = step_row(s, st, found, err);
	if (r == MADO_OK && *found)
		*ticket_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r;
}

mado_status store_thread_lookup(struct store *s, const char *message_id, int64_t *ticket_id,
                                struct mado_err *err)
{
	return lookup_id(s, S_THREAD_LOOKUP, message_id, NULL, ticket_id, err);
}

mado_status store_thread_add(struct store *s, const char *message_id, int64_t ticket_id,
                             struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_THREAD_ADD, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, message_id);
	sqlite3_bind_int64(st, 2, ticket_id);
	return step_done(s, st, err);
}

mado_status store_ticket_exists(struct store *s, int64_t ticket_id, bool *exists,
                                struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_TICKET_EXISTS, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	mado_status r = step_row(s, st, exists, err);
	sqlite3_reset(st);
	return r;
}

mado_status store_ticket_has_participant(struct store *s, int64_t ticket_id, const char *email,
                                         bool *yes, struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_PARTICIPANT_HAS, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	bind_text(st, 2, email);
	mado_status r = step_row(s, st, yes, err);
	sqlite3_reset(st);
	return r;
}

mado_status store_org_upsert(struct store *s, const char *domain, time_t now, int64_t *id,
                             struct mado_err *err)
{
	mado_status r = lookup_id(s, S_ORG_FIND, domain, NULL, id, err);
	if (r || *id)
		return r;
	sqlite3_stmt *st = prep(s, S_ORG_INSERT, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	if ((r = step_done(s, st, err)))
		return r;
	*id = sqlite3_last_insert_rowid(s->db);
	return MADO_OK;
}

mado_status store_customer_upsert(struct store *s, const char *email, const char *name,
                                  int64_t org_id, time_t now, int64_t *id, bool *created,
                                  struct mado_err *err)
{
	*created = false;
	sqlite3_stmt *st = prep(s, S_CUST_FIND, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, email);
	bool found;
	mado_status r = step_row(s, st, &found, err);
	if (r)
		return r;
	if (found) {
		*id = sqlite3_column_int64(st, 0);
		const unsigned char *old = sqlite3_column_text(st, 1);
		bool unnamed = !old || !*old;
		sqlite3_reset(st);
		if (unnamed && name && *name) {
			sqlite3_stmt *u = prep(s, S_CUST_SETNAME, err);
			if (!u)
				return MADO_EDB;
			sqlite3_bind_int64(u, 1, *id);
			bind_text(u, 2, name);
			sqlite3_bind_int64(u, 3, (int64_t)now);
			return step_done(s, u, err);
		}
		return MADO_OK;
	}
	sqlite3_reset(st);
	st = prep(s, S_CUST_INSERT, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, email);
	bind_text(st, 2, name);
	sqlite3_bind_int64(st, 3, org_id);
	sqlite3_bind_int64(st, 4, (int64_t)now);
	if ((r = step_done(s, st, err)))
		return r;
	*id = sqlite3_last_insert_rowid(s->db);
	*created = true;
	return MADO_OK;
}

mado_status store_customer_mark_bouncing(struct store *s, const char *email, const char *status,
                                         const char *reason, time_t now, bool *changed,
                                         struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_CUST_BOUNCE, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, email);
	bind_text(st, 2, status);
	bind_text(st, 3, reason);
	sqlite3_bind_int64(st, 4, (int64_t)now);
	mado_status r = step_done(s, st, err);
	*changed = r == MADO_OK && sqlite3_changes(s->db) > 0;
	return r;
}

mado_status store_ticket_insert(struct store *s, const struct store_ticket_new *t, int64_t *id,
                                struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_TICKET_INSERT, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, t->subject);
	bind_text(st, 2, t->channel ? t->channel : "email");
	sqlite3_bind_int64(st, 3, t->customer_id);
	sqlite3_bind_int64(st, 4, t->organization_id);
	sqlite3_bind_int64(st, 5, t->linked_ticket_id);
	sqlite3_bind_int(st, 6, t->spam);
	sqlite3_bind_int64(st, 7, (int64_t)t->now);
	mado_status r = step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return r;
}

mado_status store_ticket_touch(struct store *s, int64_t ticket_id, time_t now, struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_TICKET_TOUCH, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	sqlite3_bind_int64(st, 2, (int64_t)now);
	return step_done(s, st, err);
}

mado_status store_message_insert(struct store *s, const struct store_message_new *m, int64_t *id,
                                 struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_MSG_INSERT, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, m->ticket_id);
	bind_text(st, 2, m->direction ? m->direction : "in");
	bind_text(st, 3, m->message_id);
	bind_text(st, 4, m->raw_sha256);
	sqlite3_bind_int64(st, 5, (int64_t)m->raw_size);
	bind_text(st, 6, m->source);
	bind_text(st, 7, m->from_email);
	bind_text(st, 8, m->from_name);
	bind_text(st, 9, m->to_json ? m->to_json : "[]");
	bind_text(st, 10, m->cc_json ? m->cc_json : "[]");
	bind_text(st, 11, m->subject);
	sqlite3_bind_int64(st, 12, (int64_t)m->date);
	bind_text(st, 13, m->in_reply_to);
	bind_text(st, 14, m->references_json ? m->references_json : "[]");
	bind_text(st, 15, m->body_text);
	bind_text(st, 16, m->body_html);
	sqlite3_bind_int(st, 17, m->text_from_html);
	bind_text(st, 18, m->kind ? m->kind : "normal");
	sqlite3_bind_int64(st, 19, m->hygiene_flags);
	bind_text(st, 20, m->hygiene_reasons);
	sqlite3_bind_int(st, 21, m->may_auto_answer);
	sqlite3_bind_double(st, 22, m->spam_score);
	bind_text(st, 23, m->thread_reason);
	bind_text(st, 24, m->parse_notes);
	sqlite3_bind_int(st, 25, m->truncated);
	sqlite3_bind_int64(st, 26, (int64_t)m->now);
	mado_status r = step_done(s, st, err);
	if (r == MADO_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return r;
}

mado_status store_attachment_insert(struct store *s, const struct store_attachment_new *a,
                                    struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_ATT_INSERT, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, a->message_row);
	bind_text(st, 2, a->sha256);
	bind_text(st, 3, a->filename);
	bind_text(st, 4, a->content_type);
	sqlite3_bind_int64(st, 5, (int64_t)a->size);
	bind_text(st, 6, a->content_id);
	sqlite3_bind_int(st, 7, a->inline_part);
	sqlite3_bind_int(st, 8, a->stored);
	return step_done(s, st, err);
}

mado_status store_participant_add(struct store *s, int64_t ticket_id, const char *email,
                                  const char *name, const char *role, struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_PART_ADD, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	bind_text(st, 2, email);
	bind_text(st, 3, name);
	bind_text(st, 4, role);
	return step_done(s, st, err);
}

mado_status store_bounce_recipient_add(struct store *s, int64_t message_row, const char *email,
                                       const char *status, const char *action,
                                       const char *diagnostic, struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_BOUNCE_ADD, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, message_row);
	bind_text(st, 2, email);
	bind_text(st, 3, status);
	bind_text(st, 4, action);
	bind_text(st, 5, diagnostic);
	return step_done(s, st, err);
}

mado_status store_event_add(struct store *s, int64_t ticket_id, const char *actor,
                            const char *kind, const char *field, const char *old_value,
                            const char *new_value, time_t now, struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_EVENT_ADD, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, ticket_id);
	bind_text(st, 2, actor);
	bind_text(st, 3, kind);
	bind_text(st, 4, field);
	bind_text_or_null(st, 5, old_value);
	bind_text_or_null(st, 6, new_value);
	sqlite3_bind_int64(st, 7, (int64_t)now);
	return step_done(s, st, err);
}

mado_status store_quarantine_add(struct store *s, const char *sha256, const char *reason,
                                 time_t now, struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_QUAR_ADD, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, sha256);
	bind_text(st, 2, reason);
	sqlite3_bind_int64(st, 3, (int64_t)now);
	return step_done(s, st, err);
}

/* ---- reading ---- */

void store_read_ticket(struct arena *a, sqlite3_stmt *st, struct store_ticket *t)
{
	t->id = sqlite3_column_int64(st, 0);
	t->subject = col_str(a, st, 1);
	t->status = col_str(a, st, 2);
	t->priority = col_str(a, st, 3);
	t->type = col_str(a, st, 4);
	t->channel = col_str(a, st, 5);
	t->customer_id = sqlite3_column_int64(st, 6);
	t->organization_id = sqlite3_column_int64(st, 7);
	t->linked_ticket_id = sqlite3_column_int64(st, 8);
	t->spam = sqlite3_column_int(st, 9);
	t->created_at = (time_t)sqlite3_column_int64(st, 10);
	t->updated_at = (time_t)sqlite3_column_int64(st, 11);
	t->customer_email = col_str(a, st, 12);
	t->customer_name = col_str(a, st, 13);
	t->organization = col_str(a, st, 14);
	t->message_count = sqlite3_column_int64(st, 15);
	t->category = col_str(a, st, 16);
	t->language = col_str(a, st, 17);
	t->priority_reason = col_str(a, st, 18);
	t->priority_reason_ja = col_str(a, st, 19);
}


mado_status store_ticket_list(struct store *s, struct arena *a, const struct store_list_opts *o,
                              store_ticket_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, o->status ? S_TICKET_LIST_STATUS : S_TICKET_LIST, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, o->before_id);
	sqlite3_bind_int64(st, 2, o->limit > 0 ? o->limit : 50);
	if (o->status)
		bind_text(st, 3, o->status);
	STORE_EACH_ROW(s, st, err, {
		struct store_ticket t;
		store_read_ticket(a, st, &t);
		r_ = cb(ctx, &t);
	});
}

/* A store_row_reader: out is a struct store_ticket. */
static void read_ticket_row(struct arena *a, sqlite3_stmt *st, void *out)
{
	store_read_ticket(a, st, out);
}

mado_status store_ticket_get(struct store *s, struct arena *a, int64_t id, struct store_ticket *t,
                             struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_TICKET_GET, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, id);
	return store_get_row(s, a, st, read_ticket_row, t, err, "no ticket #%lld", (long long)id);
}

/* Statement id with ?1 bound to ticket_id: the lists of one ticket's parts. */
static sqlite3_stmt *prep_ticket(struct store *s, enum stmt_id id, int64_t ticket_id, struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, id, err);
	if (st)
		sqlite3_bind_int64(st, 1, ticket_id);
	return st;
}

mado_status store_message_list(struct store *s, struct arena *a, int64_t ticket_id,
                               store_message_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = prep_ticket(s, S_MSG_LIST, ticket_id, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_message m = {
			.id = sqlite3_column_int64(st, 0),
			.direction = col_str(a, st, 1),
			.message_id = col_str(a, st, 2),
			.raw_sha256 = col_str(a, st, 3),
			.source = col_str(a, st, 4),
			.from_email = col_str(a, st, 5),
			.from_name = col_str(a, st, 6),
			.to_json = col_str(a, st, 7),
			.cc_json = col_str(a, st, 8),
			.subject = col_str(a, st, 9),
			.date = (time_t)sqlite3_column_int64(st, 10),
			.created_at = (time_t)sqlite3_column_int64(st, 11),
			.in_reply_to = col_str(a, st, 12),
			.body_text = col_str(a, st, 13),
			.body_html = col_str(a, st, 14),
			.kind = col_str(a, st, 15),
			.hygiene_reasons = col_str(a, st, 16),
			.may_auto_answer = sqlite3_column_int(st, 17),
			.text_from_html = sqlite3_column_int(st, 18),
			.truncated = sqlite3_column_int(st, 19),
			.spam_score = sqlite3_column_double(st, 20),
			.thread_reason = col_str(a, st, 21),
			.parse_notes = col_str(a, st, 22),
		};
		r_ = cb(ctx, &m);
	});
}

mado_status store_attachment_list(struct store *s, struct arena *a, int64_t ticket_id,
                                  store_attachment_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = prep_ticket(s, S_ATT_LIST, ticket_id, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_attachment x = {
			.id = sqlite3_column_int64(st, 0),
			.message_row = sqlite3_column_int64(st, 1),
			.sha256 = col_str(a, st, 2),
			.filename = col_str(a, st, 3),
			.content_type = col_str(a, st, 4),
			.content_id = col_str(a, st, 5),
			.size = sqlite3_column_int64(st, 6),
			.inline_part = sqlite3_column_int(st, 7),
			.stored = sqlite3_column_int(st, 8),
		};
		r_ = cb(ctx, &x);
	});
}

mado_status store_participant_list(struct store *s, struct arena *a, int64_t ticket_id,
                                   store_participant_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = prep_ticket(s, S_PART_LIST, ticket_id, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_participant p = { col_str(a, st, 0), col_str(a, st, 1), col_str(a, st, 2) };
		r_ = cb(ctx, &p);
	});
}

mado_status store_event_list(struct store *s, struct arena *a, int64_t ticket_id,
                             store_event_cb cb, void *ctx, struct mado_err *err)
{
	sqlite3_stmt *st = prep_ticket(s, S_EVENT_LIST, ticket_id, err);
	if (!st)
		return MADO_EDB;
	STORE_EACH_ROW(s, st, err, {
		struct store_event e = {
			.id = sqlite3_column_int64(st, 0),
			.actor = col_str(a, st, 1),
			.kind = col_str(a, st, 2),
			.field = col_str(a, st, 3),
			.old_value = col_str(a, st, 4),
			.new_value = col_str(a, st, 5),
			.created_at = (time_t)sqlite3_column_int64(st, 6),
		};
		r_ = cb(ctx, &e);
	});
}

/* A store_row_reader: out is a struct store_customer. */
static void read_customer(struct arena *a, sqlite3_stmt *st, void *out)
{
	struct store_customer *c = out;
	c->id = sqlite3_column_int64(st, 0);
	c->email = col_str(a, st, 1);
	c->name = col_str(a, st, 2);
	c->bounce_status = col_str(a, st, 3);
	c->bounce_reason = col_str(a, st, 4);
	c->bouncing = sqlite3_column_int(st, 5);
	c->organization_id = sqlite3_column_int64(st, 6);
}

mado_status store_customer_get(struct store *s, struct arena *a, const char *email,
                               struct store_customer *c, struct mado_err *err)
{
	sqlite3_stmt *st = prep(s, S_CUST_GET, err);
	if (!st)
		return MADO_EDB;
	bind_text(st, 1, email);
	return store_get_row(s, a, st, read_customer, c, err, "no customer %s", email);
}

mado_status store_count(struct store *s, const char *table, int64_t *n, struct mado_err *err)
{
	/* Table names cannot be bound; only names from this list are accepted. */
	static const char *const tables[] = { "tickets", "messages", "customers", "organizations",
	                                      "attachments", "events", "participants", "thread_ids",
	                                      "bounce_recipients", "quarantine", "outbox", "timers", "fired" };
	const char *sql = NULL;
	char buf[96];
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (strcmp(table, tables[i]) == 0) {
			snprintf(buf, sizeof buf, "SELECT count(*) FROM %s", tables[i]);
			sql = buf;
		}
	if (!sql)
		return mado_fail(err, MADO_EINVAL, "unknown table %s", table);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(s, err, "prepare");
	*n = 0;
	mado_status r = MADO_OK;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		r = db_fail(s, err, "read");
	sqlite3_finalize(st);
	return r;
}
