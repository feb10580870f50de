/*
 * Search (SQLite backend): which visible tickets contain all of the
 * user's words, best first.
 *
 * Words of 3+ characters go to FTS5 (trigram tokenizer, migration 004),
 * each quoted as an FTS5 string literal ("..." with " doubled), so that
 * quotes, NEAR, *, ^, column filters or SQL in the input are only ever
 * text to look for. Hits from message_fts (subject weighted 4, body 1) and
 * ticket_fts are grouped per ticket keeping the best score (mado_rank,
 * below: BM25 without the IDF pass), and the
 * message that scored it (SQLite's min() bare-column rule).
 *
 * Trigrams need 3 characters: a 2-character word (請求, 返金) matches
 * nothing in FTS5. Such words are LIKE patterns ('%' word '%', with the
 * LIKE wildcards escaped): on top of an FTS match they filter its
 * messages. When every word is short and each is two non-ASCII
 * characters (the Japanese case), message_bigram answers (migration 012:
 * every pair of adjacent non-ASCII characters, tokenizer mado_bigram
 * below): the newest candidates matching messages, newest first, plus the
 * messages the writer has not indexed yet (above bigram_state.upto,
 * checked with LIKE). Other short words (ASCII pairs, single characters)
 * scan the newest scan_window messages only, newest first, so the cost
 * is bounded (measured in docs/api/search-events.md). Rejected: fts5vocab
 * prefix expansion (請求* over trigram terms), which misses a word at the
 * very end of a text; bigrams of ASCII text, which would make the index
 * several times larger than the trigram one for words like "id".
 *
 * One query yields every matching visible ticket in order; the page is cut
 * out of it in C while counting the rest, so the total costs no second
 * query and always agrees with the page (same visibility condition).
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "store/store_search.h"

/* VISIBLE comes from internal.h: the one visibility condition. */

/* Short words ?5..?8 (NULL = unused slot) must occur in subject or body. */
#define SHORT1(n, subj, body) \
	"(?" n " IS NULL OR " subj " LIKE ?" n " ESCAPE '\\' OR " body " LIKE ?" n " ESCAPE '\\')"
#define SHORT(subj, body) \
	SHORT1("5", subj, body) " AND " SHORT1("6", subj, body) " AND " SHORT1("7", subj, body) \
	" AND " SHORT1("8", subj, body)

#define FILTER " JOIN tickets t ON t.id = h.tid WHERE (?3 IS NULL OR t.status = ?3) AND " VISIBLE

/* The two windows (newest ?13 matching messages and ticket subjects) are
 * materialized once; the 4th column says whether both held every match
 * (fewer rows than the window), which makes total exact. */
static const char sql_fts[] =
	"WITH mf AS MATERIALIZED ("
	"    SELECT rowid AS mid, mado_rank(message_fts, 4.0, 1.0) AS score FROM message_fts"
	"    WHERE message_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?13),"
	"  tf AS MATERIALIZED ("
	"    SELECT rowid AS tid, mado_rank(ticket_fts) AS score FROM ticket_fts"
	"    WHERE ticket_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?13) "
	"SELECT h.tid, h.best, h.mid, (SELECT count(*) FROM mf) < ?13 AND (SELECT count(*) FROM tf) < ?13 FROM ("
	"  SELECT tid, min(score) AS best, mid FROM ("
	"    SELECT m.ticket_id AS tid, f.mid, f.score FROM mf f"
	"      JOIN messages m ON m.id = f.mid"
	"     WHERE m.ticket_id IS NOT NULL AND " SHORT("m.subject", "m.body_text")
	"    UNION ALL"
	"    SELECT f.tid, 0, f.score FROM tf f"
	"      JOIN tickets tk ON tk.id = f.tid WHERE " SHORT("tk.subject", "''")
	"  ) GROUP BY tid"
	") h" FILTER
	" ORDER BY h.best, t.id DESC";

static const char sql_scan[] =
	"SELECT h.tid, 0.0, h.mid FROM ("
	"  SELECT r.ticket_id AS tid, max(r.id) AS mid FROM"
	"    (SELECT id, ticket_id, subject, body_text FROM messages ORDER BY id DESC LIMIT ?9) r"
	"   WHERE r.ticket_id IS NOT NULL AND " SHORT("r.subject", "r.body_text")
	"   GROUP BY r.ticket_id"
	") h" FILTER
	" ORDER BY h.mid DESC";

/* Short words from message_bigram (?1: the words as FTS5 strings): the
 * newest ?13 matching messages, and the newest ?9 not indexed yet (above
 * the writer's mark), which LIKE checks. Exact when neither window was
 * full. */
static const char sql_bigram[] =
	"WITH mf AS MATERIALIZED ("
	"    SELECT rowid AS mid FROM message_bigram WHERE message_bigram MATCH ?1 ORDER BY rowid DESC LIMIT ?13),"
	"  tail AS MATERIALIZED ("
	"    SELECT id AS mid FROM messages WHERE id > (SELECT upto FROM bigram_state) ORDER BY id DESC LIMIT ?9) "
	"SELECT h.tid, 0.0, h.mid, (SELECT count(*) FROM mf) < ?13 AND (SELECT count(*) FROM tail) < ?9 FROM ("
	"  SELECT tid, max(mid) AS mid FROM ("
	"    SELECT m.ticket_id AS tid, m.id AS mid FROM mf f JOIN messages m ON m.id = f.mid"
	"     WHERE m.ticket_id IS NOT NULL"
	"    UNION ALL"
	"    SELECT m.ticket_id, m.id FROM tail x JOIN messages m ON m.id = x.mid"
	"     WHERE m.ticket_id IS NOT NULL AND " SHORT("m.subject", "m.body_text")
	"  ) GROUP BY tid"
	") h" FILTER
	" ORDER BY h.mid DESC";

/* Did the candidate window cut anything off? (When no visible ticket came
 * back, sql_fts's own answer is missing.) */
static const char sql_fts_more[] =
	"SELECT (SELECT count(*) FROM (SELECT 1 FROM message_fts WHERE message_fts MATCH ?1 LIMIT ?2)) < ?2"
	"   AND (SELECT count(*) FROM (SELECT 1 FROM ticket_fts WHERE ticket_fts MATCH ?1 LIMIT ?2)) < ?2";
static const char sql_bigram_more[] =
	"SELECT (SELECT count(*) FROM (SELECT 1 FROM message_bigram WHERE message_bigram MATCH ?1 LIMIT ?2)) < ?2"
	"   AND (SELECT count(*) FROM (SELECT 1 FROM messages WHERE id > (SELECT upto FROM bigram_state)"
	"        LIMIT ?3)) < ?3";

static const char sql_text[] = "SELECT subject, body_text, id FROM messages WHERE id = ?1";
static const char sql_text_first[] =
	"SELECT subject, body_text, id FROM messages WHERE ticket_id = ?1 ORDER BY id LIMIT 1";

/*
 * mado_rank(fts, weight...): BM25 (k1 1.2, b 0.75, as FTS5's bm25()) with
 * every word's IDF taken as 1. FTS5's bm25() computes each word's IDF by
 * visiting every row that contains it, on every query, so ranking even a
 * window of 500 rows cost as much as the number of matches in the whole
 * database (7 ms for "crash" in 100,000 tickets, 0.4 ms without). Every
 * word must occur in a result (AND), so IDF would only weigh the words of
 * a query against each other; term frequency and length normalisation,
 * which order the results, are kept. Column weights as bm25()'s.
 */
#define RANK_K1 1.2
#define RANK_B 0.75
#define RANK_MAX_PHRASES 16

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                    sqlite3_value **val)
{
	double freq[RANK_MAX_PHRASES] = { 0 };
	int nphrase = api->xPhraseCount(fts), ncol = api->xColumnCount(fts), ninst = 0;
	if (api->xInstCount(fts, &ninst) != SQLITE_OK) {
		sqlite3_result_error(ctx, "mado_rank: no phrase positions", -1);
		return;
	}
	for (int i = 0; i < ninst; i++) {
		int ph, col, off;
		if (api->xInst(fts, i, &ph, &col, &off) == SQLITE_OK && ph >= 0 && ph < RANK_MAX_PHRASES)
			freq[ph] += col < nval ? sqlite3_value_double(val[col]) : 1.0;
	}
	sqlite3_int64 rows = 0, all_tokens = 0;
	int64_t len = 0;
	api->xRowCount(fts, &rows);
	for (int c = 0; c < ncol; c++) {
		sqlite3_int64 t = 0;
		int n = 0;
		if (api->xColumnTotalSize(fts, c, &t) == SQLITE_OK)
			all_tokens += t;
		if (api->xColumnSize(fts, c, &n) == SQLITE_OK)
			len += n;
	}
	double avg = rows > 0 && all_tokens > 0 ? (double)all_tokens / (double)rows : 1.0;
	double norm = RANK_K1 * (1.0 - RANK_B + RANK_B * (double)len / avg), score = 0;
	for (int p = 0; p < nphrase && p < RANK_MAX_PHRASES; p++)
		score += freq[p] * (RANK_K1 + 1.0) / (freq[p] + norm);
	sqlite3_result_double(ctx, -score);   /* lower is better, like bm25() */
}

/*
 * mado_bigram: an FTS5 tokenizer whose tokens are the pairs of adjacent
 * characters that are both outside ASCII (and not U+3000, the full-width
 * space), as they are: "請求書" gives 請求 and 求書, "A社の件" gives
 * 社の and の件. A 2-character query word is then exactly one token. ASCII
 * stays out: English pairs would make the index several times larger, and
 * English 2-letter words are rarely what someone searches for.
 */
static size_t utf8_char_len(const unsigned char *p, size_t left)
{
	size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 1;
	for (size_t i = 1; i < n; i++)
		if (i >= left || (p[i] & 0xC0) != 0x80)
			return 1;   /* broken sequence: one byte, paired like any other */
	return n;
}

static bool bigram_char(const unsigned char *p, size_t n)
{
	return *p >= 0x80 && !(n == 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80);
}

static int bigram_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)ctx;
	(void)argv;
	if (argc)
		return SQLITE_ERROR;
	static int the_one;   /* no state */
	*out = (Fts5Tokenizer *)&the_one;
	return SQLITE_OK;
}

static void bigram_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int bigram_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int ntext,
                           int (*token)(void *, int, const char *, int, int, int))
{
	(void)t;
	(void)flags;
	const unsigned char *p = (const unsigned char *)text;
	size_t len = ntext > 0 ? (size_t)ntext : 0, prev = 0, prev_n = 0;   /* prev_n 0: no usable previous */
	for (size_t i = 0; i < len;) {
		size_t n = utf8_char_len(p + i, len - i);
		if (!bigram_char(p + i, n)) {
			prev_n = 0;
		} else {
			if (prev_n) {
				int rc = token(ctx, 0, text + prev, (int)(prev_n + n), (int)prev, (int)(i + n));
				if (rc != SQLITE_OK)
					return rc;
			}
			prev = i;
			prev_n = n;
		}
		i += n;
	}
	return SQLITE_OK;
}

/* Is t a word message_bigram answers: two characters, both bigram ones? */
static bool bigram_word(const char *t)
{
	const unsigned char *p = (const unsigned char *)t;
	size_t len = strlen(t), a = utf8_char_len(p, len);
	if (a >= len || !bigram_char(p, a))
		return false;
	size_t b = utf8_char_len(p + a, len - a);
	return a + b == len && b > 1 && bigram_char(p + a, b);
}

int store_search_register(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api)
		return SQLITE_ERROR;
	static fts5_tokenizer bigram = { bigram_create, bigram_delete, bigram_tokenize };
	int rc = api->xCreateFunction(api, "mado_rank", NULL, rank_fn, NULL);
	return rc != SQLITE_OK ? rc : api->xCreateTokenizer(api, "mado_bigram", NULL, &bigram, NULL);
}

/* ?2 messages, plus those of the intake batch that is open, if any (its
 * fts_deferred row): a batch larger than ?2 is indexed whole. */
#define BIGRAM_LIMIT \
	" LIMIT ?2 + coalesce((SELECT max(id) FROM messages) - (SELECT after_message FROM fts_deferred), 0)"
static const char sql_bigram_upto[] = "SELECT upto FROM bigram_state";
static const char sql_bigram_index[] =
	"INSERT INTO message_bigram(rowid, subject, body_text) SELECT id, subject, body_text FROM messages "
	"WHERE id > ?1 ORDER BY id" BIGRAM_LIMIT;
static const char sql_bigram_mark[] =
	"UPDATE bigram_state SET upto = coalesce((SELECT max(id) FROM "
	"(SELECT id FROM messages WHERE id > ?1 ORDER BY id" BIGRAM_LIMIT ")), upto)";
static const char sql_bigram_behind[] =
	"SELECT upto < (SELECT coalesce(max(id), 0) FROM messages) FROM bigram_state";

/* The first column of the one row of st (bound by the caller), as integer. */
static mado_status first_int64(struct store *s, sqlite3_stmt *st, int64_t *v, struct mado_err *err)
{
	bool found = false;
	mado_status r = store_step_row(s, st, &found, err);
	*v = !r && found ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return r;
}

mado_status store_bigram_catch_up(struct store *s, int64_t max_rows, bool *more, struct mado_err *err)
{
	*more = false;
	sqlite3_stmt *st = store_stmt(s, sql_bigram_upto, err);
	int64_t upto = 0, behind = 0;
	mado_status r = st ? first_int64(s, st, &upto, err) : MADO_EDB;
	for (int i = 0; !r && i < 2; i++) {
		if (!(st = store_stmt(s, i ? sql_bigram_mark : sql_bigram_index, err)))
			return MADO_EDB;
		sqlite3_bind_int64(st, 1, upto);
		sqlite3_bind_int64(st, 2, max_rows);
		r = store_step_done(s, st, err);
	}
	if (!r)
		r = (st = store_stmt(s, sql_bigram_behind, err)) ? first_int64(s, st, &behind, err) : MADO_EDB;
	*more = behind != 0;
	return r;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* "word" with " doubled: an FTS5 string, never syntax. */
static void fts_quote(struct buf *b, const char *t)
{
	if (b->len)
		buf_append_char(b, ' ');   /* implicit AND */
	buf_append_char(b, '"');
	for (; *t; t++) {
		if (*t == '"')
			buf_append_char(b, '"');
		buf_append_char(b, *t);
	}
	buf_append_char(b, '"');
}

/* %word% for LIKE ... ESCAPE '\'. */
static char *like_pattern(struct arena *a, const char *t)
{
	struct buf b;
	buf_init(&b, 0);
	buf_append_char(&b, '%');
	for (; *t; t++) {
		if (*t == '%' || *t == '_' || *t == '\\')
			buf_append_char(&b, '\\');
		buf_append_char(&b, *t);
	}
	buf_append_char(&b, '%');
	char *out = b.p ? arena_strndup(a, b.p, b.len) : NULL;
	buf_free(&b);
	return out;
}

/* sql_fts_more or sql_bigram_more: did the windows hold every match? */
static mado_status window_whole(struct store *s, const char *sql, const struct buf *q, int64_t cand,
                                int64_t scan, bool *whole, struct mado_err *err)
{
	sqlite3_stmt *mo = store_stmt(s, sql, err);
	if (!mo)
		return MADO_EDB;
	bool found = false;
	sqlite3_bind_text(mo, 1, q->p, (int)q->len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(mo, 2, cand);
	sqlite3_bind_int64(mo, 3, scan);
	mado_status r = store_step_row(s, mo, &found, err);
	if (!r && found)
		*whole = sqlite3_column_int(mo, 0);
	sqlite3_reset(mo);
	return r;
}

mado_status store_search(struct store *s, struct arena *a, const struct store_viewer *v,
                         const struct store_search_opts *o, struct store_search_result *out,
                         struct mado_err *err)
{
	memset(out, 0, sizeof *out);
	if (o->nterms < 1 || o->nterms > STORE_SEARCH_MAX_TERMS || o->limit < 1 || o->offset < 0)
		return mado_fail(err, MADO_EINVAL, "between 1 and %d words", STORE_SEARCH_MAX_TERMS);
	const char *shorts[STORE_SEARCH_MAX_SHORT] = { 0 };
	size_t nshort = 0;
	struct buf fts, bigrams;   /* the FTS5 queries: long words; short words for message_bigram */
	buf_init(&fts, 0);
	buf_init(&bigrams, 0);
	bool all_bigram = true;
	mado_status r = MADO_OK;
	for (size_t i = 0; i < o->nterms; i++) {
		const char *t = o->terms[i];
		size_t n = utf8_chars(t);
		if (n == 0)
			continue;
		if (n >= STORE_SEARCH_SHORT_CHARS) {
			fts_quote(&fts, t);
			continue;
		}
		if (bigram_word(t))
			fts_quote(&bigrams, t);
		else
			all_bigram = false;
		if (nshort == STORE_SEARCH_MAX_SHORT) {
			r = mado_fail(err, MADO_EINVAL, "at most %d words shorter than %d characters",
			              STORE_SEARCH_MAX_SHORT, STORE_SEARCH_SHORT_CHARS);
			goto out;
		} else if (!(shorts[nshort++] = like_pattern(a, t))) {
			r = mado_fail(err, MADO_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (!fts.len && !nshort) {
		r = mado_fail(err, MADO_EINVAL, "nothing to search for");
		goto out;
	}
	out->full_text = fts.len > 0;
	out->bigram = !out->full_text && all_bigram;
	sqlite3_stmt *st = store_stmt(s, out->full_text ? sql_fts : out->bigram ? sql_bigram : sql_scan, err);
	if (!st) {
		r = MADO_EDB;
		goto out;
	}
	int64_t cand = o->candidates > 0 ? o->candidates : 200;
	if (out->full_text || out->bigram) {
		const struct buf *q = out->full_text ? &fts : &bigrams;
		sqlite3_bind_text(st, 1, q->p, (int)q->len, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 13, cand);
	}
	int64_t scan = o->scan_window > 0 ? o->scan_window : 20000;
	if (!out->full_text)
		sqlite3_bind_int64(st, 9, scan);
	if (o->status)
		store_bind_text(st, 3, o->status);
	for (size_t i = 0; i < nshort; i++)
		sqlite3_bind_text(st, 5 + (int)i, shorts[i], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, v->all);
	sqlite3_bind_int64(st, 11, v->agent_id);
	sqlite3_bind_int64(st, 12, v->customer_id);

	out->hits = arena_alloc(a, (size_t)o->limit * sizeof *out->hits);
	if (!out->hits) {
		r = mado_fail(err, MADO_ENOMEM, "out of memory");
		sqlite3_reset(st);
		goto out;
	}
	int rc;
	/* recent mode: a window of messages, never exact; the indexed modes
	 * say whether their windows held everything (also when none matched) */
	out->exact = out->full_text || out->bigram;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->full_text || out->bigram)
			out->exact = sqlite3_column_int(st, 3);
		if (out->total >= o->offset && out->nhits < (size_t)o->limit) {
			struct store_search_hit *h = &out->hits[out->nhits++];
			h->ticket_id = sqlite3_column_int64(st, 0);
			h->score = sqlite3_column_double(st, 1);
			h->message_row = sqlite3_column_int64(st, 2);
		}
		out->total++;
	}
	if (rc != SQLITE_DONE)
		r = store_db_fail(s, err, "search");
	sqlite3_reset(st);
	/* the statement keeps pointers to shorts[] (arena) and fts (copied) */
	for (size_t i = 0; i < nshort; i++)
		sqlite3_bind_null(st, 5 + (int)i);
	if (!r && (out->full_text || out->bigram) && out->total == 0)
		r = window_whole(s, out->full_text ? sql_fts_more : sql_bigram_more, out->full_text ? &fts : &bigrams,
		                 cand, scan, &out->exact, err);
out:
	buf_free(&fts);
	buf_free(&bigrams);
	return r;
}

mado_status store_search_message_text(struct store *s, struct arena *a, int64_t *message_row,
                                      int64_t ticket_id, const char **subject, const char **body,
                                      struct mado_err *err)
{
	sqlite3_stmt *st = store_stmt(s, *message_row ? sql_text : sql_text_first, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, *message_row ? *message_row : ticket_id);
	bool found = false;
	mado_status r = store_step_row(s, st, &found, err);
	if (!r && !found)
		r = mado_fail(err, MADO_ENOTFOUND, "no such message");
	if (!r) {
		*subject = store_col_str(a, st, 0);
		*body = store_col_str(a, st, 1);
		*message_row = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return r;
}

/* ---- the audit-trail tail for live events ---- */

static const char sql_feed[] =
	"SELECT id, ticket_id, kind FROM events WHERE id > ?1 AND ticket_id IS NOT NULL"
	" AND kind IN ('created', 'message') AND actor NOT LIKE 'agent:%' ORDER BY id LIMIT ?2";
static const char sql_feed_head[] = "SELECT coalesce(max(id), 0) FROM events";

mado_status store_feed_since(struct store *s, struct arena *a, int64_t after_id, int max,
                             store_feed_cb cb, void *ctx, int64_t *last, struct mado_err *err)
{
	*last = after_id;
	sqlite3_stmt *st = store_stmt(s, sql_feed, err);
	if (!st)
		return MADO_EDB;
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int(st, 2, max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_feed_item it = {
			.event_id = sqlite3_column_int64(st, 0),
			.ticket_id = sqlite3_column_int64(st, 1),
			.kind = store_col_str(a, st, 2),
		};
		*last = it.event_id;
		cb(ctx, &it);
	}
	mado_status r = rc == SQLITE_DONE ? MADO_OK : store_db_fail(s, err, "read events");
	sqlite3_reset(st);
	return r;
}

mado_status store_feed_head(struct store *s, int64_t *last, struct mado_err *err)
{
	*last = 0;
	sqlite3_stmt *st = store_stmt(s, sql_feed_head, err);
	if (!st)
		return MADO_EDB;
	bool found = false;
	mado_status r = store_step_row(s, st, &found, err);
	if (!r && found)
		*last = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return r;
}
