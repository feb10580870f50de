/* Blob rows and deferred full-text indexing in SQLite (see store_batch.h). */
#include "store/sqlite/internal.h"
#include "store/store_batch.h"

static const char sql_blob_put[] = "INSERT OR IGNORE INTO blobs(sha256, data) VALUES (?1, ?2)";
static const char sql_blob_get[] = "SELECT data FROM blobs WHERE sha256 = ?1";

/* The triggers of migration 011 stand aside while this row exists. */
static const char sql_defer_begin[] =
	"INSERT INTO fts_deferred(id, after_message, after_ticket) "
	"VALUES (1, (SELECT coalesce(max(id), 0) FROM messages), (SELECT coalesce(max(id), 0) FROM tickets))";
/* Rowids only grow within a batch that only inserts (messages: max + 1;
 * tickets: AUTOINCREMENT), so "above the mark" is exactly the batch. */
static const char sql_index_messages[] =
	"INSERT INTO message_fts(rowid, subject, body_text) SELECT id, subject, body_text FROM messages "
	"WHERE id > (SELECT after_message FROM fts_deferred)";
static const char sql_index_tickets[] =
	"INSERT INTO ticket_fts(rowid, subject) SELECT id, subject FROM tickets "
	"WHERE id > (SELECT after_ticket FROM fts_deferred)";
static const char sql_defer_end[] = "DELETE FROM fts_deferred";

mado_status store_blob_put(struct store *s, const char *sha_hex, const void *data, size_t len,
                           struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, sql_blob_put, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, sha_hex);
	/* an empty blob is bound as an empty value, never NULL */
	sqlite3_bind_blob64(st, 2, len ? data : "", (sqlite3_uint64)len, SQLITE_STATIC);
	return store_step_done(s, st, err);
}

mado_status store_blob_get(struct store *s, const char *sha_hex, size_t max, struct buf *out,
                           bool *found, struct mado_err *err)
{
	*found = false;
	sqlite3_stmt *st = store_stmt(s, sql_blob_get, err);
	if (!st)
		return MADO_EDB;
	store_bind_text(st, 1, sha_hex);
	mado_status r = store_step_row(s, st, found, err);
	if (r == MADO_OK && *found) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *p = sqlite3_column_blob(st, 0);
		if (n > max)
			r = mado_fail(err, MADO_ELIMIT, "blob %.16s… is %zu bytes, over %zu", sha_hex, n, max);
		else if (n && buf_append(out, p, n))
			r = mado_fail(err, MADO_ENOMEM, "out of memory");
	}
	sqlite3_reset(st);
	return r;
}

mado_status store_fts_defer_begin(struct store *s, struct mado_err *err)
{
	return store_run(s, sql_defer_begin, err);
}

mado_status store_fts_defer_end(struct store *s, struct mado_err *err)
{
	mado_status st;
	if ((st = store_run(s, sql_index_messages, err)) || (st = store_run(s, sql_index_tickets, err)))
		return st;
	return store_run(s, sql_defer_end, err);
}
