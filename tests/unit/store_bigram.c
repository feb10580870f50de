/*
 * The bigram index for 2-character words (migration 012,
 * src/store/sqlite/search.c): the tokenizer's pairs, the writer's catch-up
 * (backlog in steps, an intake batch whole), and search through the index
 * plus the messages above the mark — including messages written by a
 * plain sqlite3 connection that has no tokenizer, as scripts do.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite/internal.h"
#include "store/store.h"
#include "store/store_batch.h"
#include "store/store_search.h"
#include "tap.h"

static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Ticket numbers of a search for q (one word), comma-separated; mode in *mode. */
static const char *search(struct store *s, struct arena *a, const char *q, const char **mode, bool *exact)
{
	static char out[256];
	const char *terms[] = { q };
	struct store_viewer v = { .all = true };
	struct store_search_opts o = { .terms = terms, .nterms = 1, .limit = 20, .scan_window = 5000, .candidates = 200 };
	struct store_search_result r;
	struct mado_err err;
	out[0] = '\0';
	if (store_search(s, a, &v, &o, &r, &err)) {
		snprintf(out, sizeof out, "error: %s", err.msg);
		return out;
	}
	*mode = r.full_text ? "full_text" : r.bigram ? "bigram" : "recent";
	*exact = r.exact;
	for (size_t i = 0; i < r.nhits; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%lld", i ? "," : "", (long long)r.hits[i].ticket_id);
	return out;
}

#define MSG_SQL "INSERT INTO messages (ticket_id, message_id, raw_sha256, raw_size, subject, body_text, created_at) "

int main(void)
{
	char dir[64], path[256];
	if (!tap_scratch_db("bigram", dir, path))
		return 1;
	struct store *s;
	struct mado_err err;
	if (!ok(store_open(path, 1000, &s, &err) == MADO_OK, "open and migrate"))
		return done_testing();
	store_close(s);

	/* a script's connection: no tokenizer, and it can still write messages */
	sqlite3 *db;
	sqlite3_open(path, &db);
	ok(sqlite3_exec(db,
	                "INSERT INTO tickets (id, subject, created_at, updated_at) VALUES (1, 'one', 0, 0), (2, 'two', 0, 0),"
	                " (3, 'three', 0, 0);" MSG_SQL
	                "VALUES (1, 'a@x', 'x', 1, '請求書の件', 'よろしくお願いします', 0),"
	                " (2, 'b@x', 'x', 1, 'Re: order', 'A社の件で返金', 0),"
	                " (3, 'c@x', 'x', 1, 'ok', 'it is ok now', 0);" MSG_SQL
	                "WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < 25)"
	                " SELECT 3, 'f' || k || '@x', 'x', 1, 'log', '記録 ' || k, 0 FROM k",
	                NULL, NULL, NULL) == SQLITE_OK,
	   "a connection without the tokenizer inserts messages (no trigger needs it)");

	ok(store_open(path, 1000, &s, &err) == MADO_OK, "reopen");
	struct arena *a = arena_new();
	const char *mode = "";
	bool exact = false;
	is_str(search(s, a, "返金", &mode, &exact), "2", "before any indexing: found above the mark (LIKE)");
	is_str(mode, "bigram", "…on the bigram path");

	bool more = false;
	store_begin(s, &err);
	ok(store_bigram_catch_up(s, 10, &more, &err) == MADO_OK && more, "catch-up of 10 of 28: more to do");
	store_commit(s, &err);
	is_int(one_int(db, "SELECT upto FROM bigram_state"), 10, "…the mark is at the 10th message");
	while (more && !store_begin(s, &err) && !store_bigram_catch_up(s, 10, &more, &err))
		store_commit(s, &err);
	is_int(one_int(db, "SELECT upto FROM bigram_state"), 28, "steps of 10 reach the last message");
	is_int(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name GLOB 'message_bigram_*'"
	                   " AND name NOT IN ('message_bigram_data', 'message_bigram_idx', 'message_bigram_config')"),
	       0, "contentless, no column sizes: only the index itself is stored");

	is_str(search(s, a, "返金", &mode, &exact), "2", "返金 at the very end of a body is found from the index");
	ok(exact, "…exactly");
	is_str(search(s, a, "請求", &mode, &exact), "1", "請求 inside 請求書 (subject)");
	is_str(search(s, a, "求書", &mode, &exact), "1", "…and the pair after it");
	is_str(search(s, a, "社の", &mode, &exact), "2", "a pair after an ASCII letter (A社の)");
	is_str(search(s, a, "A社", &mode, &exact), "2", "a pair with an ASCII letter…");
	is_str(mode, "recent", "…takes the window of recent messages");
	is_str(search(s, a, "ok", &mode, &exact), "3", "an ASCII pair too");
	is_str(mode, "recent", "…(recent)");
	is_str(search(s, a, "無い", &mode, &exact), "", "a pair nowhere: nothing");
	ok(exact && !strcmp(mode, "bigram"), "…exactly, on the bigram path");
	is_str(search(s, a, "記録", &mode, &exact), "3", "25 messages of one ticket: one result");

	/* an intake batch larger than the backlog step is indexed whole */
	sqlite3_exec(db, MSG_SQL "VALUES (1, 'late@x', 'x', 1, 'late', '遅延です', 0)", NULL, NULL, NULL);
	ok(store_begin(s, &err) == MADO_OK && store_fts_defer_begin(s, &err) == MADO_OK, "a batch begins");
	ok(sqlite3_exec(store_db(s),
	                MSG_SQL "WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < 40)"
	                        " SELECT 2, 'b' || k || '@x', 'x', 1, 'batch', '障害 ' || k, 0 FROM k",
	                NULL, NULL, NULL) == SQLITE_OK,
	   "…with 40 messages");
	ok(store_bigram_catch_up(s, 5, &more, &err) == MADO_OK && !more, "catch-up with a step of 5: nothing left");
	ok(store_fts_defer_end(s, &err) == MADO_OK && store_commit(s, &err) == MADO_OK, "…and the batch commits");
	is_int(one_int(db, "SELECT upto = (SELECT max(id) FROM messages) FROM bigram_state"), 1,
	       "the backlog message and the whole batch are indexed");
	is_str(search(s, a, "遅延", &mode, &exact), "1", "the backlog message is found");
	is_str(search(s, a, "障害", &mode, &exact), "2", "the batch's messages are found");

	arena_free(a);
	store_close(s);
	sqlite3_close(db);
	tap_rm_rf(dir);
	return done_testing();
}
