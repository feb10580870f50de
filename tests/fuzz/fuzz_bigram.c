/* libFuzzer target: the bigram tokenizer (src/store/sqlite/search.c) on any
 * bytes as a message body, through the writer's catch-up and search. A
 * pair of adjacent non-ASCII characters of the input is always found. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/sqlite/internal.h"
#include "store/store.h"
#include "store/store_search.h"

static struct store *db;

static void close_db(void)
{
	store_close(db);
}

/* Length of the valid UTF-8 character at p (0 when not one). */
static size_t char_len(const uint8_t *p, size_t left)
{
	size_t n = *p < 0x80 ? 1 : *p >= 0xC2 && *p < 0xE0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : *p >= 0xF0 && *p < 0xF5 ? 4 : 0;
	if (!n || n > left)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if ((n == 3 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0))) ||
	    (n == 4 && ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))))
		return 0;   /* overlong or surrogate */
	return n;
}

/* The first pair of adjacent valid non-ASCII characters (not U+3000), as a
 * string in out; false if there is none. */
static bool first_pair(const uint8_t *d, size_t size, char out[9])
{
	size_t prev = 0, prev_n = 0;
	for (size_t i = 0; i < size;) {
		size_t n = char_len(d + i, size - i);
		bool wide = n > 1 && !(n == 3 && d[i] == 0xE3 && d[i + 1] == 0x80 && d[i + 2] == 0x80);
		if (wide && prev_n) {
			memcpy(out, d + prev, prev_n + n);
			out[prev_n + n] = '\0';
			return true;
		}
		prev = i;
		prev_n = wide ? n : 0;
		i += n ? n : 1;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mado_err err;
	if (!db) {
		if (store_open(":memory:", 1000, &db, &err) ||
		    sqlite3_exec(store_db(db), "INSERT INTO tickets (id, subject, created_at, updated_at) VALUES (1, 's', 0, 0)",
		                 NULL, NULL, NULL) != SQLITE_OK)
			abort();
		atexit(close_db);
	}
	static int inputs;
	if (++inputs % 256 == 0 &&   /* keep the database (and each run) small */
	    sqlite3_exec(store_db(db),
	                 "INSERT INTO message_bigram(message_bigram) VALUES ('delete-all'); DELETE FROM messages;"
	                 " UPDATE bigram_state SET upto = 0",
	                 NULL, NULL, NULL) != SQLITE_OK)
		abort();
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(store_db(db),
	                       "INSERT INTO messages (ticket_id, message_id, raw_sha256, raw_size, subject, body_text, "
	                       "created_at) VALUES (1, hex(randomblob(8)), 'x', 1, '', ?1, 0)",
	                       -1, &st, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_text(st, 1, size ? (const char *)data : "", (int)size, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	bool more = true;
	if (rc != SQLITE_DONE || store_begin(db, &err) || store_bigram_catch_up(db, 10, &more, &err) ||
	    store_commit(db, &err) || more)
		abort();
	char pair[9];
	if (!first_pair(data, size, pair))
		return 0;
	const char *terms[] = { pair };
	struct store_viewer v = { .all = true };
	struct store_search_opts o = { .terms = terms, .nterms = 1, .limit = 5, .scan_window = 10, .candidates = 20 };
	struct store_search_result r;
	struct arena *a = arena_new();
	if (store_search(db, a, &v, &o, &r, &err) || !r.bigram || r.nhits != 1 || r.hits[0].ticket_id != 1)
		abort();   /* the newest message holds the pair: ticket 1 is found */
	arena_free(a);
	return 0;
}
