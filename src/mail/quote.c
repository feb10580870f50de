/*
 * Quote folding. One pass over the lines, each classified:
 *   - the start of quoted history: an attribution line ("On … wrote:",
 *     possibly wrapped onto a second line ending "wrote:"; 「…さんは書きま
 *     した:」; Gmail's Japanese "2026年…(月) 10:00 名前 <addr>:"), an
 *     Outlook separator ("-----Original Message-----", "-----元のメッセー
 *     ジ-----", a line of underscores followed by From:/差出人:), or an
 *     Outlook header block ("From:"/"差出人:" with "Sent:"/"送信日時:"
 *     within the next lines). History runs to the end of the text.
 *   - a `>` line: runs of them are quote blocks (inline answers between
 *     blocks stay visible).
 *   - "-- " (or "--") alone on a line: the signature, up to the next
 *     history or the end.
 * Rejected: heuristics on the shape of the last paragraph (too many false
 * folds of real text); the patterns above are what mailers write.
 */
#include "mail/quote.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct line {
	const char *p;
	size_t len;
};

static struct str trim(struct line l)
{
	struct str s = str_make(l.p, l.len);
	while (s.len && (s.p[s.len - 1] == '\r' || s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	while (s.len && (*s.p == ' ' || *s.p == '\t')) {
		s.p++;
		s.len--;
	}
	return s;
}

static bool ends_with(struct str s, const char *suffix)
{
	size_t n = strlen(suffix);
	return s.len >= n && !memcmp(s.p + s.len - n, suffix, n);
}

static bool starts_with(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.len >= n && !strncasecmp(s.p, prefix, n);
}

static bool contains(struct str s, const char *needle)
{
	return memmem(s.p, s.len, needle, strlen(needle)) != NULL;
}

static bool attribution_end(struct str s)
{
	return ends_with(s, "wrote:") || ends_with(s, "さんは書きました:") || ends_with(s, "さんは書きました：") ||
	       ends_with(s, "は書きました:") || ends_with(s, "は書きました：") || ends_with(s, "schrieb:") ||
	       ends_with(s, "a écrit :");
}

/* Does quoted history start at line i? */
static bool history_at(const struct line *v, size_t n, size_t i)
{
	struct str s = trim(v[i]);
	if (!s.len)
		return false;
	if (attribution_end(s) && (starts_with(s, "On ") || contains(s, "は書きました") || contains(s, "@") ||
	                           contains(s, "<") || starts_with(s, "Am ") || starts_with(s, "Le ")))
		return true;
	/* "On Mon, 23 Nov 2026 at 10:00, Alice <alice@example.org>" + "wrote:" */
	if (starts_with(s, "On ") && i + 1 < n && attribution_end(trim(v[i + 1])))
		return true;
	/* Gmail in Japanese: "2026年11月23日(月) 10:00 山田 太郎 <taro@example.jp>:" */
	if (contains(s, "年") && contains(s, "月") && contains(s, "日") && (ends_with(s, ">:") || ends_with(s, ">：")))
		return true;
	if (contains(s, "-----Original Message-----") || contains(s, "-----元のメッセージ-----") ||
	    contains(s, "----- Original Message -----") || contains(s, "-------- Original Message --------") ||
	    contains(s, "-------- Forwarded Message --------") || contains(s, "---------- Forwarded message ---------"))
		return true;
	bool from = starts_with(s, "From:") || starts_with(s, "差出人:") || starts_with(s, "差出人：");
	if (starts_with(s, "________________") && i + 1 < n) {
		struct str nx = trim(v[i + 1]);
		return starts_with(nx, "From:") || starts_with(nx, "差出人");
	}
	for (size_t k = i + 1; from && k < n && k <= i + 4; k++) {
		struct str t = trim(v[k]);
		if (starts_with(t, "Sent:") || starts_with(t, "送信日時:") || starts_with(t, "送信日時：") ||
		    starts_with(t, "Date:") || starts_with(t, "日時:"))
			return true;
	}
	return false;
}

static bool quote_line(struct line l)
{
	return l.len && l.p[0] == '>';
}

static bool signature_line(struct line l)
{
	struct str s = str_make(l.p, l.len);
	if (s.len && s.p[s.len - 1] == '\r')
		s.len--;
	return (s.len == 3 && !memcmp(s.p, "-- ", 3)) || (s.len == 2 && !memcmp(s.p, "--", 2));
}

static void add_range(struct quote_result *r, enum quote_kind k, size_t from, size_t to)
{
	if (r->n == QUOTE_MAX_RANGES) {
		r->ranges[r->n - 1].to = to;
		return;
	}
	r->ranges[r->n++] = (struct quote_range){ k, from, to };
}

/* Texts with more lines than this fold only within the first
 * QUOTE_SCAN_LINES. The line table is allocated per call: as a 64 KB
 * thread-local array it was zeroed by the loader at every exec of mado
 * (16 page faults in each `mado ingest` process, which never folds). */
#define QUOTE_SCAN_LINES 4096

static void quote_fold_lines(const char *text, size_t len, struct line *v, struct quote_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i <= len && n < QUOTE_SCAN_LINES;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (text + i)) : len - i;
		if (!nl && !l && n)
			break;
		v[n++] = (struct line){ text + i, l };
		if (!nl)
			break;
		i += l + 1;
	}
	r->lines = n;
	size_t sig = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (history_at(v, n, i)) {
			if (sig != (size_t)-1)
				add_range(r, QUOTE_SIGNATURE, sig, i);
			add_range(r, QUOTE_HISTORY, i, n);
			return;
		}
		if (sig != (size_t)-1)
			continue;
		if (signature_line(v[i])) {
			sig = i;
		} else if (quote_line(v[i])) {
			size_t k = i;
			while (k < n && quote_line(v[k]))
				k++;
			add_range(r, QUOTE_BLOCK, i, k);
			i = k - 1;
		}
	}
	if (sig != (size_t)-1)
		add_range(r, QUOTE_SIGNATURE, sig, n);
}

void quote_fold(const char *text, size_t len, struct quote_result *r)
{
	memset(r, 0, sizeof *r);
	struct line *v = malloc(QUOTE_SCAN_LINES * sizeof *v);
	if (!v)
		return; /* nothing folded: the reader sees the whole text */
	quote_fold_lines(text, len, v, r);
	free(v);
}

static bool folded(const struct quote_result *r, size_t line)
{
	for (size_t i = 0; i < r->n; i++)
		if (line >= r->ranges[i].from && line < r->ranges[i].to)
			return true;
	return false;
}

static bool blank(const char *p, size_t l)
{
	for (size_t i = 0; i < l; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

mado_status quote_new_text(const char *text, size_t len, const struct quote_result *r, struct buf *out)
{
	size_t start = out->len, line = 0, keep_end = start;
	mado_status st = MADO_OK;
	bool any = false;
	for (size_t i = 0; i <= len && !st; line++) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (text + i)) : len - i;
		size_t kept = l && text[i + l - 1] == '\r' ? l - 1 : l;  /* CRLF text gives LF lines */
		if (!folded(r, line) && (any || !blank(text + i, l))) {
			st = buf_append(out, text + i, kept);
			if (!st)
				st = buf_append_char(out, '\n');
			if (!blank(text + i, l))
				keep_end = out->len - 1;
			any = true;
		}
		if (!nl)
			break;
		i += l + 1;
	}
	if (st)
		return st;
	if (!any || keep_end == start) {
		out->len = start;
		return buf_append(out, text, len);
	}
	out->len = keep_end;
	out->p[out->len] = '\0';
	return MADO_OK;
}

const char *quote_kind_name(enum quote_kind k)
{
	return k == QUOTE_HISTORY ? "history" : k == QUOTE_BLOCK ? "quote" : "signature";
}
