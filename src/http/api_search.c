/*
 * GET /api/v1/search?q=...&status=...&limit=...&offset=...: tickets whose
 * subject or messages contain every word of q, best first (mado_rank), with the
 * ticket, its highlighted subject and a highlighted snippet of the best
 * message. Visibility is part of the store query, so results and total
 * never include a ticket the caller may not open.
 *
 * Highlighting is done here, not by FTS5's snippet(): one highlighter for
 * both paths (2-character words never reach FTS5) that returns segments
 * [{"text": "...", "hit": true}, ...] a client renders with textContent,
 * so no marker characters can be confused with mail text and no offsets
 * need a shared unit (UTF-16 vs bytes). Snippets come from the plain-text
 * body (HTML mail is stored converted), with whitespace collapsed and
 * control characters dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/view.h"
#include "http/api.h"
#include "store/store_search.h"

#define Q_MAX_BYTES 256          /* longer q is refused */
#define SCAN_WINDOW 5000         /* short path: newest messages scanned */
#define CANDIDATES 200           /* full text: newest matching messages ranked (docs/api/search-events.md) */
#define SNIPPET_BEFORE 30        /* characters of context before the first hit */
#define SNIPPET_CHARS 160        /* characters in a snippet */
#define SNIPPET_SEARCH_BYTES (256 * 1024)  /* look for a hit this far into a body */

static const char *const statuses[] = { "new", "open", "pending", "on-hold", "resolved", "closed" };

static bool utf8_valid(const unsigned char *s)
{
	while (*s) {
		size_t n = *s < 0x80 ? 1 : (*s & 0xE0) == 0xC0 ? 2 : (*s & 0xF0) == 0xE0 ? 3 : (*s & 0xF8) == 0xF0 ? 4 : 0;
		if (!n || (n == 2 && *s < 0xC2))
			return false;
		for (size_t i = 1; i < n; i++)
			if ((s[i] & 0xC0) != 0x80)
				return false;
		s += n;
	}
	return true;
}

/* Length of a separator at p: ASCII white space or U+3000 (the
 * full-width space Japanese input methods type). 0 if none. */
static size_t sep_len(const char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		return 1;
	if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80)
		return 3;
	return 0;
}

/* Split q into words (arena strings). -1 when there are too many. */
static int split_words(struct arena *a, const char *q, const char **w, int max)
{
	int n = 0;
	const char *p = q;
	while (*p) {
		size_t s;
		while ((s = sep_len(p)))
			p += s;
		if (!*p)
			break;
		const char *start = p;
		while (*p && !sep_len(p))
			p++;
		if (n == max)
			return -1;
		w[n++] = arena_strndup(a, start, (size_t)(p - start));
	}
	return n;
}

/* Does one of the words start at p (ASCII case-insensitive)? Its length. */
static size_t word_at(const char *p, size_t left, const char *const *w, int nw)
{
	for (int i = 0; i < nw; i++) {
		size_t l = strlen(w[i]);
		if (l && l <= left && strncasecmp(p, w[i], l) == 0)
			return l;
	}
	return 0;
}

static void part_add(json_t *parts, struct buf *b, bool hit)
{
	if (!b->len)
		return;
	json_t *o = json_object();
	json_object_set_new(o, "text", json_stringn(b->p, b->len));
	if (hit)
		json_object_set_new(o, "hit", json_true());
	json_array_append_new(parts, o);
	buf_reset(b);
}

/*
 * Segments of text[0..len) around the first hit: at most SNIPPET_CHARS
 * characters starting SNIPPET_BEFORE characters before it (whole text when
 * from_start), "…" where cut. Words are matched on the original bytes;
 * white space runs become one space and control characters are dropped.
 */
static json_t *highlight(const char *text, size_t len, const char *const *w, int nw, bool from_start)
{
	size_t first = 0;
	if (!from_start) {
		size_t best = (size_t)-1;
		struct str hay = str_make(text, len < SNIPPET_SEARCH_BYTES ? len : SNIPPET_SEARCH_BYTES);
		for (int i = 0; i < nw; i++) {
			size_t f = str_ifind(hay, w[i]);
			if (f < best)
				best = f;
		}
		first = best == (size_t)-1 ? 0 : best;
	}
	size_t start = first;
	for (int back = 0; start > 0 && back < SNIPPET_BEFORE;) {
		start--;
		if (((unsigned char)text[start] & 0xC0) != 0x80)
			back++;
	}
	json_t *parts = json_array();
	struct buf b;
	buf_init(&b, 0);
	if (start > 0)
		buf_append_str(&b, "…");
	size_t chars = 0, i = start;
	bool space = false;
	while (i < len && chars < SNIPPET_CHARS) {
		size_t h = word_at(text + i, len - i, w, nw);
		if (h) {
			if (space)
				buf_append_char(&b, ' ');
			space = false;
			part_add(parts, &b, false);
			buf_append(&b, text + i, h);
			part_add(parts, &b, true);
			for (size_t k = i; k < i + h; k++)
				chars += ((unsigned char)text[k] & 0xC0) != 0x80;
			i += h;
			continue;
		}
		unsigned char c = (unsigned char)text[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			space = b.len > 0 || json_array_size(parts) > 0;
		} else if (c >= 0x20 && c != 0x7F) {
			if (space) {
				buf_append_char(&b, ' ');
				chars++;
				space = false;
			}
			buf_append_char(&b, (char)c);
			chars += (c & 0xC0) != 0x80;
		}
		i++;
	}
	/* finish a character cut in the middle */
	while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80)
		buf_append_char(&b, text[i++]);
	if (i < len)
		buf_append_str(&b, "…");
	part_add(parts, &b, false);
	buf_free(&b);
	return parts;
}

static struct store_viewer viewer_of(const struct http_req *req)
{
	struct store_viewer v = { 0 };
	v.all = req->who.role >= ROLE_SUPERVISOR;
	v.agent_id = req->who.agent_id;
	v.customer_id = req->who.customer_id;
	return v;
}

static bool int_param(struct http_req *req, struct http_resp *resp, const char *name, long long lo,
                      long long hi, int64_t *out)
{
	const char *s = http_query_get(req, name);
	if (!s)
		return true;
	char *end;
	long long l = strtoll(s, &end, 10);
	if (!*s || *end || l < lo || l > hi) {
		char msg[96];
		snprintf(msg, sizeof msg, "%s must be %lld..%lld", name, lo, hi);
		http_error(resp, 400, "bad_filter", msg);
		return false;
	}
	*out = l;
	return true;
}

void api_search(struct http_req *req, struct http_resp *resp)
{
	const char *q = http_query_get(req, "q");
	if (!q || !*q) {
		http_error(resp, 400, "bad_query", "q is required");
		return;
	}
	if (strlen(q) > Q_MAX_BYTES || !utf8_valid((const unsigned char *)q)) {
		http_error(resp, 400, "bad_query", "q must be UTF-8 of at most 256 bytes");
		return;
	}
	const char *words[STORE_SEARCH_MAX_TERMS];
	int nw = split_words(req->arena, q, words, STORE_SEARCH_MAX_TERMS);
	if (nw < 0) {
		http_error(resp, 400, "bad_query", "at most 8 words");
		return;
	}
	if (nw == 0) {
		http_error(resp, 400, "bad_query", "q has no words");
		return;
	}
	struct store_search_opts o = {
		.terms = words, .nterms = (size_t)nw, .limit = 20, .scan_window = SCAN_WINDOW, .candidates = CANDIDATES,
	};
	const char *status = http_query_get(req, "status");
	if (status) {
		bool known = false;
		for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
			known |= strcmp(status, statuses[i]) == 0;
		if (!known) {
			http_error(resp, 400, "bad_filter", "unknown status");
			return;
		}
		o.status = status;
	}
	if (!int_param(req, resp, "limit", 1, 100, &o.limit) ||
	    !int_param(req, resp, "offset", 0, 10000, &o.offset))
		return;

	struct store_viewer v = viewer_of(req);
	struct store_search_result res;
	struct mado_err err;
	mado_status st = store_search(req->store, req->arena, &v, &o, &res, &err);
	if (st == MADO_EINVAL) {
		http_error(resp, 400, "bad_query", err.msg);
		return;
	}
	if (st) {
		http_error(resp, 503, "unavailable", err.msg);
		return;
	}
	json_t *results = json_array();
	for (size_t i = 0; i < res.nhits; i++) {
		const struct store_search_hit *h = &res.hits[i];
		struct store_ticket t;
		if (store_ticket_get(req->store, req->arena, h->ticket_id, &t, &err))
			continue;
		json_t *r = json_object();
		json_object_set_new(r, "ticket", view_ticket(&t));
		json_object_set_new(r, "score", json_real(h->score));
		json_object_set_new(r, "subject", highlight(t.subject, strlen(t.subject), words, nw, true));
		/* a subject-only hit shows the start of the first message */
		const char *msubj, *body;
		int64_t row = h->message_row;
		if (!store_search_message_text(req->store, req->arena, &row, h->ticket_id, &msubj, &body, &err)) {
			json_object_set_new(r, "message_id", json_integer(row));
			json_object_set_new(r, "snippet", highlight(body, strlen(body), words, nw, false));
		} else {
			json_object_set_new(r, "message_id", json_null());
			json_object_set_new(r, "snippet", json_array());
		}
		json_array_append_new(results, r);
	}
	json_t *out = json_object();
	json_object_set_new(out, "query", json_string(q));
	json_object_set_new(out, "mode", json_string(res.full_text ? "full_text" : res.bigram ? "bigram" : "recent"));
	if (!res.full_text && !res.bigram)
		json_object_set_new(out, "scan_window", json_integer(SCAN_WINDOW));
	json_object_set_new(out, "total", json_integer(res.total));
	json_object_set_new(out, "total_exact", json_boolean(res.exact));
	json_object_set_new(out, "results", results);
	if (o.offset + (int64_t)res.nhits < res.total)
		json_object_set_new(out, "next_offset", json_integer(o.offset + (int64_t)res.nhits));
	http_json(resp, 200, out);
}
