/*
 * Header field decoding over raw bytes: unfolding, RFC 2047 encoded words,
 * raw 8-bit text, address lists, msg-id lists and MIME parameters
 * (RFC 2045/2231). No GMime: GMime's own decoders are strict where
 * Japanese mail is not.
 *
 * How it works. Every entry point first unfolds the value (a line break
 * followed by white space continues the field; one that is not ends it),
 * bounded by HEADER_MAX_VALUE. Unstructured text is cut into literal runs
 * and encoded words. Consecutive encoded words with the same charset are
 * one run: their bytes are concatenated before charset conversion, and the
 * base64 bit stream carries over from one word to the next, so a character
 * (even a base64 quantum) split across words decodes right; white space
 * between encoded words is dropped. Literal runs that contain 8-bit bytes
 * are decoded with charset detection (raw ISO-2022-JP, CP932, EUC-JP,
 * UTF-8). The result has control characters removed and is one line.
 *
 * Address lists, msg-ids and parameters are scanned by small loops with an
 * explicit state (comment depth is a counter): nothing recurses on input.
 * Garbage is skipped, never an error; only OOM and buffer limits fail.
 *
 * Shift_JIS's 0x5C problem: in raw CP932 text the second byte of a
 * double-byte character may be 0x5C, the backslash. Inside a quoted string
 * or comment of a value that is not valid UTF-8, a backslash right after a
 * CP932 lead byte is taken as part of the character, not as an escape.
 */
#include "mail/header.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/charset.h"

/* Largest header value looked at; the rest is ignored. */
#define HEADER_MAX_VALUE (256u * 1024u)
/* Longest encoded word accepted (RFC 2047 says 75; real mail is longer). */
#define HEADER_MAX_EW 4096
/* Longest charset name in an encoded word or RFC 2231 value. */
#define HEADER_MAX_CHARSET 64
/* Addresses kept from one list, msg-ids kept from one field. */
#define HEADER_MAX_ADDRS 1000
#define HEADER_MAX_MSGIDS 1000
/* Words in one address; RFC 2231 sections of one parameter. */
#define HEADER_MAX_WORDS 256
#define HEADER_MAX_SECTIONS 256

/* Marks a fold (line break + white space) in the text decoder's input. */
#define FOLD '\n'

static bool is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static bool is_lead_cp932(unsigned char c)
{
	return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC);
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * If s[i] starts a raw ISO-2022-JP double-byte run (ESC $ ...), the offset
 * just past the escape that ends it (or n); else i. Inside such a run,
 * bytes like ';' '"' '(' '\\' are halves of characters, not syntax.
 */
static size_t skip_jis(const char *s, size_t n, size_t i)
{
	if (i + 2 >= n || s[i] != 0x1B || s[i + 1] != '$')
		return i;
	size_t j = i + 3;
	while (j < n) {
		if (s[j] == 0x1B && j + 2 < n && s[j + 1] == '(') {
			return j + 3;
		}
		/* JIS pairs are 0x21-0x7E: anything else means ESC ( B is missing. */
		if ((unsigned char)s[j] < 0x21 || (unsigned char)s[j] > 0x7E)
			return j;
		j++;
	}
	return n;
}

/*
 * Unfold raw into out. A line break (CRLF, LF or CR) followed by white
 * space is a fold; one that is not ends the field. mark_folds replaces each
 * fold (the break and the white space after it) by one FOLD byte, for the
 * text decoder; otherwise the break is removed and the white space kept
 * (RFC 5322 2.2.3). Input past HEADER_MAX_VALUE is ignored.
 */
static mado_status unfold(const char *raw, size_t len, struct buf *out, bool mark_folds)
{
	const unsigned char *s = (const unsigned char *)raw;
	if (len > HEADER_MAX_VALUE)
		len = HEADER_MAX_VALUE;
	mado_status st = buf_reserve(out, 0);
	size_t i = 0, start = 0;
	while (!st && i < len) {
		if (s[i] != '\r' && s[i] != '\n') {
			i++;
			continue;
		}
		if ((st = buf_append(out, raw + start, i - start)))
			break;
		size_t j = i;
		if (s[j] == '\r' && j + 1 < len && s[j + 1] == '\n')
			j += 2;
		else
			j++;
		if (j >= len || !is_wsp(s[j]))
			return MADO_OK;   /* end of the field */
		if (mark_folds) {
			while (j < len) {
				if (is_wsp(s[j])) {
					j++;
					continue;
				}
				/* Further folds in a row: "\n \n\t". */
				size_t k = j;
				if (s[k] == '\r' && k + 1 < len && s[k + 1] == '\n')
					k += 2;
				else if (s[k] == '\r' || s[k] == '\n')
					k++;
				else
					break;
				if (k < len && is_wsp(s[k]))
					j = k;
				else
					break;
			}
			st = buf_append_char(out, FOLD);
		}
		i = start = j;
	}
	if (!st)
		st = buf_append(out, raw + start, i - start);
	return st;
}

mado_status header_unfold(const char *raw, size_t len, struct buf *out)
{
	return unfold(raw, len, out, false);
}

/* ---- encoded words ---------------------------------------------------- */

struct ew {
	const char *cs;
	size_t cslen;
	char enc;         /* 'B' or 'Q' */
	const char *text;
	size_t textlen;
	size_t end;       /* offset just past "?=" */
};

/*
 * An encoded word "=?charset?e?text?=" at s[i]. Lenient: text may contain
 * spaces and folds (skipped by the decoders), encoding letters in any case.
 */
static bool parse_ew(const char *s, size_t n, size_t i, struct ew *w)
{
	if (i + 1 >= n || s[i] != '=' || s[i + 1] != '?')
		return false;
	size_t j = i + 2, cs = j;
	while (j < n && s[j] != '?' && j - cs <= HEADER_MAX_CHARSET) {
		unsigned char c = (unsigned char)s[j];
		if (c <= ' ' || c >= 0x7F || c == '"' || c == '(' || c == ')' || c == '<' ||
		    c == '>' || c == ',' || c == ';')
			return false;
		j++;
	}
	if (j >= n || s[j] != '?' || j == cs || j - cs > HEADER_MAX_CHARSET)
		return false;
	w->cs = s + cs;
	w->cslen = j - cs;
	j++;
	if (j + 1 >= n || s[j + 1] != '?')
		return false;
	char e = (char)(s[j] & ~0x20);
	if (e != 'B' && e != 'Q')
		return false;
	w->enc = e;
	j += 2;
	size_t t = j;
	while (j < n && s[j] != '?' && j - i < HEADER_MAX_EW)
		j++;
	if (j + 1 >= n || s[j] != '?' || s[j + 1] != '=')
		return false;
	w->text = s + t;
	w->textlen = j - t;
	w->end = j + 2;
	return true;
}

/* Charset names equal, ignoring case and an RFC 2231 "*lang" suffix. */
static bool cs_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *s = memchr(a, '*', alen);
	if (s)
		alen = (size_t)(s - a);
	s = memchr(b, '*', blen);
	if (s)
		blen = (size_t)(s - b);
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* A run of encoded words with one charset, being collected. */
struct ewrun {
	struct buf bytes;
	char cs[HEADER_MAX_CHARSET + 1];
	size_t cslen;
	bool active;
	uint32_t acc;      /* base64 bits carried between words */
	int bits;
	char qcarry[2];    /* "=" or "=X" cut at the end of a Q word */
	size_t qn;
};

static mado_status ewrun_flush(struct ewrun *r, struct buf *conv)
{
	mado_status st = MADO_OK;
	if (r->active && r->qn)
		st = buf_append(&r->bytes, r->qcarry, r->qn);   /* a dangling "=" */
	if (!st && r->active && r->bytes.len) {
		char cs[HEADER_MAX_CHARSET + 1];
		memcpy(cs, r->cs, r->cslen);
		cs[r->cslen] = '\0';
		st = charset_to_utf8(cs, r->bytes.p, r->bytes.len, conv, NULL);
	}
	buf_reset(&r->bytes);
	r->active = false;
	r->acc = 0;
	r->bits = 0;
	r->qn = 0;
	return st;
}

static mado_status ewrun_feed(struct ewrun *r, const struct ew *w, struct buf *conv)
{
	mado_status st;
	if (r->active && !cs_eq(r->cs, r->cslen, w->cs, w->cslen) && (st = ewrun_flush(r, conv)))
		return st;
	if (!r->active) {
		memcpy(r->cs, w->cs, w->cslen);
		r->cslen = w->cslen;
		r->active = true;
	}
	const unsigned char *t = (const unsigned char *)w->text;
	if (w->enc == 'B') {
		r->qn = 0;
		for (size_t i = 0; i < w->textlen; i++) {
			if (t[i] == '=') {
				/* Padding completes the quantum; partial bits are dropped. */
				r->acc = 0;
				r->bits = 0;
				continue;
			}
			int v = b64val(t[i]);
			if (v < 0)
				continue;
			r->acc = (r->acc << 6) | (uint32_t)v;
			r->bits += 6;
			if (r->bits >= 8) {
				r->bits -= 8;
				char c = (char)((r->acc >> r->bits) & 0xFF);
				if ((st = buf_append_char(&r->bytes, c)))
					return st;
				r->acc &= (1u << r->bits) - 1;
			}
		}
		return MADO_OK;
	}
	r->acc = 0;
	r->bits = 0;
	/* Q: work on carry + text. */
	char carry[2];
	size_t cn = r->qn;
	memcpy(carry, r->qcarry, cn);
	r->qn = 0;
	size_t n = cn + w->textlen;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = i < cn ? (unsigned char)carry[i] : t[i - cn];
		if (c == FOLD)
			continue;
		if (c == '_') {
			c = ' ';
		} else if (c == '=') {
			if (i + 2 >= n) {
				/* "=" or "=X" at the end: may continue in the next word. */
				for (size_t k = i; k < n; k++)
					r->qcarry[k - i] = (char)(k < cn ? (unsigned char)carry[k] : t[k - cn]);
				r->qn = n - i;
				break;
			}
			unsigned char h1 = i + 1 < cn ? (unsigned char)carry[i + 1] : t[i + 1 - cn];
			unsigned char h2 = i + 2 < cn ? (unsigned char)carry[i + 2] : t[i + 2 - cn];
			int a = hexval(h1), b = hexval(h2);
			if (a >= 0 && b >= 0) {
				c = (unsigned char)(a * 16 + b);
				i += 2;
			}
		}
		if ((st = buf_append_char(&r->bytes, (char)c)))
			return st;
	}
	return MADO_OK;
}

/* Drop control characters (C0, DEL, C1), tabs become spaces; trim. */
static mado_status clean_line(const char *p, size_t len, struct buf *out, bool trim)
{
	const unsigned char *s = (const unsigned char *)p;
	mado_status st = buf_reserve(out, len);
	if (st)
		return st;
	size_t start = out->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		else if (c < 0x20 || c == 0x7F)
			continue;
		else if (c == 0xC2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) {
			i++;
			continue;
		}
		if (trim && c == ' ' && out->len == start)
			continue;
		out->p[out->len++] = (char)c;
	}
	if (trim)
		while (out->len > start && out->p[out->len - 1] == ' ')
			out->len--;
	out->p[out->len] = '\0';
	return MADO_OK;
}

/*
 * Decode a literal run: folds become one space unless white space is
 * already there; 8-bit bytes go through charset detection.
 */
static mado_status decode_literal(const char *p, size_t len, struct buf *conv)
{
	struct buf t;
	mado_status st = MADO_OK;
	buf_init(&t, 0);
	for (size_t i = 0; i < len && !st; i++) {
		char c = p[i];
		if (c == FOLD) {
			char prev = t.len ? t.p[t.len - 1] : conv->len ? conv->p[conv->len - 1] : ' ';
			if (prev == ' ' || prev == '\t')
				continue;
			c = ' ';
		}
		st = buf_append_char(&t, c);
	}
	if (!st && t.len)
		st = charset_to_utf8(NULL, t.p, t.len, conv, NULL);
	buf_free(&t);
	return st;
}

static bool all_space(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_wsp((unsigned char)p[i]) && p[i] != FOLD)
			return false;
	return true;
}

/* The text decoder on unfolded input (folds may be marked). */
static mado_status decode_unfolded(const char *u, size_t n, struct buf *conv)
{
	struct ewrun run;
	mado_status st = MADO_OK;
	memset(&run, 0, sizeof run);
	buf_init(&run.bytes, 0);
	size_t i = 0, lit = 0;
	bool prev_ew = false;
	while (i < n) {
		struct ew w;
		if (u[i] != '=' || !parse_ew(u, n, i, &w)) {
			i++;
			continue;
		}
		if (i > lit) {
			if (!(prev_ew && all_space(u + lit, i - lit))) {
				if ((st = ewrun_flush(&run, conv)) ||
				    (st = decode_literal(u + lit, i - lit, conv)))
					goto out;
			}
		}
		if ((st = ewrun_feed(&run, &w, conv)))
			goto out;
		i = lit = w.end;
		prev_ew = true;
	}
	if ((st = ewrun_flush(&run, conv)))
		goto out;
	if (n > lit)
		st = decode_literal(u + lit, n - lit, conv);
out:
	buf_free(&run.bytes);
	return st;
}

mado_status header_decode_text(const char *raw, size_t len, struct buf *out)
{
	struct buf u, conv;
	buf_init(&u, 0);
	buf_init(&conv, out->max ? out->max * 2 + 64 : 0);
	mado_status st = unfold(raw, len, &u, true);
	if (!st)
		st = decode_unfolded(u.p, u.len, &conv);
	if (!st)
		st = clean_line(conv.p ? conv.p : "", conv.len, out, true);
	buf_free(&u);
	buf_free(&conv);
	return st;
}

/* Decode text into an arena string (NULL only on OOM). */
static char *decode_to_arena(struct arena *arena, const char *p, size_t len, mado_status *st)
{
	struct buf b;
	buf_init(&b, 0);
	*st = header_decode_text(p, len, &b);
	char *r = *st ? NULL : arena_strndup(arena, b.p ? b.p : "", b.len);
	if (!*st && !r)
		*st = MADO_ENOMEM;
	buf_free(&b);
	return r;
}

/* ---- quoted strings and comments -------------------------------------- */

/*
 * Inside quoted strings and comments, copy what must not be interpreted:
 * a whole ISO-2022-JP escape run, a Shift_JIS double byte (whose second
 * byte may be '\\' or a quote), or a backslash-quoted character. True
 * when something was consumed at s[*j].
 */
static bool copy_escaped(const char *s, size_t n, size_t *j, bool sjis, struct buf *out,
                         mado_status *st)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = skip_jis(s, n, *j);
	if (k > *j) {
		*st = buf_append(out, s + *j, k - *j);
		*j = k;
		return true;
	}
	if (sjis && is_lead_cp932(u[*j]) && *j + 1 < n && u[*j + 1] >= 0x40) {
		*st = buf_append(out, s + *j, 2);
		*j += 2;
		return true;
	}
	if (u[*j] == '\\' && *j + 1 < n) {
		*st = buf_append_char(out, s[*j + 1]);
		*j += 2;
		return true;
	}
	return false;
}

/*
 * Read a quoted string starting after its opening quote at s[*i]; append
 * the unescaped content to out; *i ends past the closing quote (or at n).
 */
static mado_status read_quoted(const char *s, size_t n, size_t *i, bool sjis, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t j = *i;
	mado_status st = MADO_OK;
	while (j < n && !st) {
		unsigned char c = u[j];
		if (c == '"') {
			j++;
			break;
		}
		if (copy_escaped(s, n, &j, sjis, out, &st))
			continue;
		st = buf_append_char(out, (char)c);
		j++;
	}
	*i = j;
	return st;
}

/*
 * Read a comment starting after its '(' at s[*i]; nested parentheses are
 * kept in the text, the outer ones are not. Depth is a counter.
 */
static mado_status read_comment(const char *s, size_t n, size_t *i, bool sjis, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t j = *i, depth = 1;
	mado_status st = MADO_OK;
	while (j < n && !st) {
		unsigned char c = u[j];
		if (copy_escaped(s, n, &j, sjis, out, &st))
			continue;
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0) {
			j++;
			break;
		}
		st = buf_append_char(out, (char)c);
		j++;
	}
	*i = j;
	return st;
}

/* ---- addresses ---------------------------------------------------------- */

struct word {
	size_t off, len;   /* in addr.wb */
	bool quoted;
	bool ws_before;
};

struct addr_state {
	struct buf wb;         /* word bytes */
	struct word w[HEADER_MAX_WORDS];
	size_t nw;
	struct buf comment;    /* comment texts, space separated */
	struct buf email;      /* angle-addr content */
	bool angle;
};

struct addr_out {
	struct mail_addr *v;
	size_t n, cap;
};

static void addr_reset(struct addr_state *a)
{
	buf_reset(&a->wb);
	buf_reset(&a->comment);
	buf_reset(&a->email);
	a->nw = 0;
	a->angle = false;
}

static mado_status addr_word(struct addr_state *a, const char *p, size_t len, bool quoted,
                             bool ws_before)
{
	if (a->nw >= HEADER_MAX_WORDS)
		return MADO_OK;
	mado_status st = buf_append(&a->wb, p, len);
	if (st)
		return st;
	a->w[a->nw++] = (struct word){ a->wb.len - len, len, quoted, ws_before };
	return MADO_OK;
}

/* Join words [from, to) into out as a phrase (quoted words unquoted). */
static mado_status join_words(const struct addr_state *a, size_t from, size_t to,
                              struct buf *out)
{
	mado_status st = MADO_OK;
	for (size_t k = from; k < to && !st; k++) {
		if (out->len && a->w[k].ws_before)
			st = buf_append_char(out, ' ');
		if (!st)
			st = buf_append(out, a->wb.p + a->w[k].off, a->w[k].len);
	}
	return st;
}

/* Make an addr-spec UTF-8 and free of white space and controls. */
static mado_status clean_email(const char *p, size_t len, struct buf *out)
{
	struct buf t;
	mado_status st;
	buf_init(&t, 0);
	if (charset_is_utf8(p, len))
		st = buf_append(&t, p, len);
	else
		st = charset_to_utf8(NULL, p, len, &t, NULL);
	bool q = false;
	for (size_t i = 0; !st && i < t.len; i++) {
		unsigned char c = (unsigned char)t.p[i];
		if (c == '"')
			q = !q;
		if (c < ' ' || c == 0x7F || (c == ' ' && !q))
			continue;
		st = buf_append_char(out, (char)c);
	}
	buf_free(&t);
	return st;
}

static bool word_has(const struct addr_state *a, size_t k, char ch)
{
	return !a->w[k].quoted && memchr(a->wb.p + a->w[k].off, ch, a->w[k].len) != NULL;
}

static bool word_edge(const struct addr_state *a, size_t k, bool last)
{
	const struct word *w = &a->w[k];
	if (w->quoted || !w->len)
		return false;
	char c = a->wb.p[w->off + (last ? w->len - 1 : 0)];
	return c == '@' || c == '.';
}

static mado_status addr_finish(struct arena *arena, struct addr_state *a, struct addr_out *o)
{
	struct buf name, email;
	mado_status st = MADO_OK;
	buf_init(&name, 0);
	buf_init(&email, 0);

	if (a->angle) {
		st = join_words(a, 0, a->nw, &name);
		if (!st)
			st = clean_email(a->email.p ? a->email.p : "", a->email.len, &email);
	} else if (a->nw) {
		/* Bare addr-spec: the word with '@' and the words glued to it. */
		size_t at = a->nw;
		for (size_t k = 0; k < a->nw; k++)
			if (word_has(a, k, '@') ||
			    (a->w[k].quoted && k + 1 < a->nw && !a->w[k + 1].quoted &&
			     a->w[k + 1].len && a->wb.p[a->w[k + 1].off] == '@')) {
				at = k;
				break;
			}
		if (at == a->nw && a->nw == 1 && !a->w[0].quoted)
			at = 0;   /* a lone atom: a local address ("postmaster") */
		if (at == a->nw) {
			st = join_words(a, 0, a->nw, &name);
		} else {
			size_t b = at, e = at + 1;
			while (b > 0 && (word_edge(a, b - 1, true) || word_edge(a, b, false)))
				b--;
			while (e < a->nw && (word_edge(a, e - 1, true) || word_edge(a, e, false)))
				e++;
			struct buf spec;
			buf_init(&spec, 0);
			for (size_t k = b; k < e && !st; k++) {
				if (a->w[k].quoted)
					st = buf_append_char(&spec, '"');
				if (!st)
					st = buf_append(&spec, a->wb.p + a->w[k].off, a->w[k].len);
				if (!st && a->w[k].quoted)
					st = buf_append_char(&spec, '"');
			}
			if (!st)
				st = clean_email(spec.p ? spec.p : "", spec.len, &email);
			buf_free(&spec);
			if (!st)
				st = join_words(a, 0, b, &name);
			if (!st && e < a->nw) {
				if (name.len)
					st = buf_append_char(&name, ' ');
				if (!st)
					st = join_words(a, e, a->nw, &name);
			}
		}
	}
	if (!st && name.len == 0 && a->comment.len)
		st = buf_append(&name, a->comment.p, a->comment.len);
	if (st)
		goto out;

	if (o->n >= HEADER_MAX_ADDRS)
		goto out;
	const char *nm = "";
	if (name.len) {
		nm = decode_to_arena(arena, name.p, name.len, &st);
		if (st)
			goto out;
	}
	if (!*nm && email.len == 0)
		goto out;   /* nothing there: "," or "<>" */
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4;
		struct mail_addr *v = realloc(o->v, cap * sizeof *v);
		if (!v) {
			st = MADO_ENOMEM;
			goto out;
		}
		o->v = v;
		o->cap = cap;
	}
	const char *em = arena_strndup(arena, email.p ? email.p : "", email.len);
	if (!em) {
		st = MADO_ENOMEM;
		goto out;
	}
	o->v[o->n++] = (struct mail_addr){ nm, em };
out:
	buf_free(&name);
	buf_free(&email);
	addr_reset(a);
	return st;
}

/*
 * Read an angle-addr starting after '<' at s[*i] into a->email: comments
 * and white space dropped, quoted local parts kept quoted, an obsolete
 * route ("@a,@b:") removed. A missing '>' ends the address at the next
 * '<', at a ',' (when no route is open) or at the end.
 */
static mado_status read_angle(const char *s, size_t n, size_t *i, bool sjis,
                              struct addr_state *a)
{
	size_t j = *i;
	mado_status st = MADO_OK;
	bool route = false;
	struct buf junk;
	buf_init(&junk, 0);
	size_t k = j;
	while (k < n && (s[k] == ' ' || s[k] == '\t'))
		k++;
	if (k < n && s[k] == '@')
		route = true;
	while (j < n && !st) {
		char c = s[j];
		if (c == '>') {
			j++;
			break;
		}
		if (c == '<')
			break;
		if (c == ',' && !route)
			break;
		if (c == ':' && route) {
			route = false;
			buf_reset(&a->email);
			j++;
			continue;
		}
		if (c == '(') {
			j++;
			buf_reset(&junk);
			st = read_comment(s, n, &j, sjis, &junk);
			continue;
		}
		if (c == '"') {
			j++;
			if ((st = buf_append_char(&a->email, '"')))
				break;
			if ((st = read_quoted(s, n, &j, sjis, &a->email)))
				break;
			st = buf_append_char(&a->email, '"');
			continue;
		}
		if (!is_wsp((unsigned char)c))
			st = buf_append_char(&a->email, c);
		j++;
	}
	buf_free(&junk);
	*i = j;
	a->angle = true;
	return st;
}

static bool is_special(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == ',' || c == ';' ||
	       c == ':' || c == '"' || is_wsp(c);
}

mado_status header_parse_addresses(struct arena *arena, const char *raw, size_t len,
                                   struct mail_addr_list *out)
{
	struct buf u;
	struct addr_state *a = calloc(1, sizeof *a);
	struct addr_out o = { NULL, 0, 0 };
	struct buf tmp;
	mado_status st;

	out->v = NULL;
	out->n = 0;
	buf_init(&u, 0);
	buf_init(&tmp, 0);
	if (!a)
		return MADO_ENOMEM;
	buf_init(&a->wb, 0);
	buf_init(&a->comment, 0);
	buf_init(&a->email, 0);
	if ((st = unfold(raw, len, &u, false)))
		goto out;

	const char *s = u.p ? u.p : "";
	size_t n = u.len, i = 0;
	bool sjis = !charset_is_utf8(s, n);
	bool in_group = false, ws = false;
	while (i < n && !st) {
		unsigned char c = (unsigned char)s[i];
		if (is_wsp(c)) {
			ws = true;
			i++;
			continue;
		}
		switch (c) {
		case '(':
			i++;
			buf_reset(&tmp);
			if ((st = read_comment(s, n, &i, sjis, &tmp)))
				break;
			if (tmp.len) {
				if (a->comment.len)
					st = buf_append_char(&a->comment, ' ');
				if (!st)
					st = buf_append(&a->comment, tmp.p, tmp.len);
			}
			ws = true;
			continue;
		case '"':
			i++;
			buf_reset(&tmp);
			if (!(st = read_quoted(s, n, &i, sjis, &tmp)))
				st = addr_word(a, tmp.p ? tmp.p : "", tmp.len, true, ws);
			ws = false;
			continue;
		case '<':
			if (a->angle && (st = addr_finish(arena, a, &o)))
				break;
			i++;
			st = read_angle(s, n, &i, sjis, a);
			ws = true;
			continue;
		case '>':
			i++;
			continue;
		case ',':
			i++;
			st = addr_finish(arena, a, &o);
			ws = false;
			continue;
		case ';':
			i++;
			st = addr_finish(arena, a, &o);
			in_group = false;
			ws = false;
			continue;
		case ':':
			i++;
			if (!in_group && !a->angle) {
				/* Group name: flattened away. */
				addr_reset(a);
				in_group = true;
			}
			ws = false;
			continue;
		default:
			break;
		}
		if (st)
			break;
		/* An atom; encoded words inside it are taken whole. */
		size_t b = i;
		while (i < n && !is_special((unsigned char)s[i])) {
			struct ew w;
			size_t k = skip_jis(s, n, i);
			if (k > i) {
				i = k;
				continue;
			}
			if (s[i] == '=' && parse_ew(s, n, i, &w)) {
				i = w.end;
				continue;
			}
			i++;
		}
		if (i == b) {
			i++;   /* ')' and other strays */
			continue;
		}
		st = addr_word(a, s + b, i - b, false, ws);
		ws = false;
	}
	if (!st)
		st = addr_finish(arena, a, &o);
	if (!st && o.n) {
		out->v = arena_alloc(arena, o.n * sizeof *out->v);
		if (!out->v)
			st = MADO_ENOMEM;
		else {
			memcpy(out->v, o.v, o.n * sizeof *out->v);
			out->n = o.n;
		}
	}
out:
	free(o.v);
	buf_free(&a->wb);
	buf_free(&a->comment);
	buf_free(&a->email);
	free(a);
	buf_free(&u);
	buf_free(&tmp);
	return st;
}

/* ---- msg-ids ---------------------------------------------------------- */

/* Keeps the first id and the last HEADER_MAX_MSGIDS-1: References grows at
 * the end and threading needs the root and the nearest parents. */
struct idlist {
	const char **v;
	size_t n;         /* stored */
	size_t ring;      /* next slot to overwrite once full (1..MAX-1) */
	bool wrapped;
};

static mado_status id_add(struct arena *arena, struct idlist *l, const char *p, size_t len)
{
	struct buf b;
	buf_init(&b, 0);
	mado_status st = clean_email(p, len, &b);
	if (!st && b.len) {
		const char *id = arena_strndup(arena, b.p, b.len);
		if (!id)
			st = MADO_ENOMEM;
		else if (l->n < HEADER_MAX_MSGIDS)
			l->v[l->n++] = id;
		else {
			if (!l->wrapped) {
				l->wrapped = true;
				l->ring = 1;
			}
			l->v[l->ring] = id;
			l->ring = l->ring + 1 < HEADER_MAX_MSGIDS ? l->ring + 1 : 1;
		}
	}
	buf_free(&b);
	return st;
}

mado_status header_parse_msgids(struct arena *arena, const char *raw, size_t len,
                                const char ***ids, size_t *n)
{
	struct buf u, junk;
	struct idlist l = { NULL, 0, 0, false };
	mado_status st;
	*ids = NULL;
	*n = 0;
	buf_init(&u, 0);
	buf_init(&junk, 0);
	l.v = calloc(HEADER_MAX_MSGIDS, sizeof *l.v);
	if (!l.v)
		return MADO_ENOMEM;
	if ((st = unfold(raw, len, &u, false)))
		goto out;
	const char *s = u.p ? u.p : "";
	size_t m = u.len, i = 0;

	if (memchr(s, '<', m)) {
		while (i < m && !st) {
			if (s[i] == '(') {
				i++;
				buf_reset(&junk);
				st = read_comment(s, m, &i, false, &junk);
				continue;
			}
			if (s[i] == '"') {
				i++;
				buf_reset(&junk);
				st = read_quoted(s, m, &i, false, &junk);
				continue;
			}
			if (s[i] != '<') {
				i++;
				continue;
			}
			size_t b = ++i;
			while (i < m && s[i] != '>' && s[i] != '<')
				i++;
			st = id_add(arena, &l, s + b, i - b);
			if (i < m && s[i] == '>')
				i++;
		}
	} else {
		/* No brackets: white-space or comma separated bare ids; take the
		 * ones that look like ids, or the only token there is. */
		size_t ntok = 0, fb = 0, fe = 0;
		size_t before = l.n;
		while (i < m && !st) {
			while (i < m && (is_wsp((unsigned char)s[i]) || s[i] == ','))
				i++;
			size_t b = i;
			while (i < m && !is_wsp((unsigned char)s[i]) && s[i] != ',')
				i++;
			if (i == b)
				break;
			if (ntok++ == 0) {
				fb = b;
				fe = i;
			}
			if (memchr(s + b, '@', i - b))
				st = id_add(arena, &l, s + b, i - b);
		}
		if (!st && l.n == before && ntok == 1)
			st = id_add(arena, &l, s + fb, fe - fb);
	}
	if (st)
		goto out;

	const char **v = arena_alloc(arena, (l.n + 1) * sizeof *v);
	if (!v) {
		st = MADO_ENOMEM;
		goto out;
	}
	if (!l.wrapped) {
		memcpy(v, l.v, l.n * sizeof *v);
	} else {
		/* Oldest kept after the first is at l.ring. */
		size_t k = 0;
		v[k++] = l.v[0];
		for (size_t j = l.ring; j < HEADER_MAX_MSGIDS; j++)
			v[k++] = l.v[j];
		for (size_t j = 1; j < l.ring; j++)
			v[k++] = l.v[j];
	}
	v[l.n] = NULL;
	*ids = v;
	*n = l.n;
out:
	free(l.v);
	buf_free(&u);
	buf_free(&junk);
	return st;
}

/* ---- MIME parameters -------------------------------------------------- */

struct section {
	bool present, ext;
	size_t off, len;   /* in vals */
};

struct params {
	struct buf vals;
	bool have_plain, have_ext;
	size_t plain_off, plain_len;
	bool plain_quoted;
	size_t ext_off, ext_len;
	struct section sec[HEADER_MAX_SECTIONS];
	size_t nsec;   /* highest index + 1 */
};

/*
 * After white space at s[i], does a parameter "attr=" start? Used to split
 * parameters whose ';' is missing, as in RFC 2231's own examples
 * ("application/x-stuff\r\n title*0*=...").
 */
static bool param_starts(const char *s, size_t n, size_t i)
{
	if (i == 0 || !is_wsp((unsigned char)s[i - 1]))
		return false;
	size_t j = i;
	while (j < n) {
		unsigned char c = (unsigned char)s[j];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == '*'))
			break;
		j++;
	}
	return j > i && j < n && s[j] == '=';
}

/* End of the value part (the first ';' outside quotes and comments). */
static size_t value_end(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t k = skip_jis(s, n, i);
		if (k > i) {
			i = k;
			continue;
		}
		if (s[i] == ';' || param_starts(s, n, i))
			return i;
		if (s[i] == '"') {
			i++;
			while (i < n && s[i] != '"')
				i += (s[i] == '\\' && i + 1 < n) ? 2 : 1;
			if (i < n)
				i++;
			continue;
		}
		if (s[i] == '(') {
			size_t depth = 1;
			i++;
			while (i < n && depth) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				else if (s[i] == '(')
					depth++;
				else if (s[i] == ')')
					depth--;
				i++;
			}
			continue;
		}
		i++;
	}
	return n;
}

/*
 * Does attribute a[0..alen) name `name`? Returns 0 no, 1 plain, 2 "name*",
 * 3 a section (*sec, *ext set).
 */
static int attr_match(const char *a, size_t alen, const char *name, size_t *sec, bool *ext)
{
	size_t nl = strlen(name);
	if (alen < nl)
		return 0;
	for (size_t k = 0; k < nl; k++)
		if (lower((unsigned char)a[k]) != lower((unsigned char)name[k]))
			return 0;
	if (alen == nl)
		return 1;
	if (a[nl] != '*')
		return 0;
	if (alen == nl + 1)
		return 2;
	size_t k = nl + 1, v = 0;
	if (a[k] < '0' || a[k] > '9')
		return 0;
	while (k < alen && a[k] >= '0' && a[k] <= '9') {
		v = v * 10 + (size_t)(a[k] - '0');
		if (v >= HEADER_MAX_SECTIONS)
			return 0;
		k++;
	}
	*ext = false;
	if (k < alen && a[k] == '*') {
		*ext = true;
		k++;
	}
	if (k != alen)
		return 0;
	*sec = v;
	return 3;
}

static mado_status params_scan(const char *s, size_t n, const char *name, bool sjis,
                               struct params *P)
{
	size_t i = value_end(s, n);
	mado_status st = MADO_OK;
	struct buf junk;
	buf_init(&junk, 0);
	while (i < n && !st) {
		unsigned char c = (unsigned char)s[i];
		if (c == ';' || is_wsp(c)) {
			i++;
			continue;
		}
		if (c == '(') {
			i++;
			buf_reset(&junk);
			st = read_comment(s, n, &i, sjis, &junk);
			continue;
		}
		size_t ab = i;
		while (i < n && s[i] != '=' && s[i] != ';')
			i++;
		size_t ae = i;
		while (ae > ab && is_wsp((unsigned char)s[ae - 1]))
			ae--;
		if (i >= n || s[i] != '=' || ae == ab) {
			/* No '=': skip this piece. */
			while (i < n && s[i] != ';')
				i++;
			continue;
		}
		i++;
		while (i < n && is_wsp((unsigned char)s[i]))
			i++;
		size_t voff = P->vals.len;
		bool quoted = false;
		if (i < n && s[i] == '"') {
			quoted = true;
			i++;
			if ((st = read_quoted(s, n, &i, sjis, &P->vals)))
				break;
			while (i < n && s[i] != ';' && !param_starts(s, n, i))
				i++;
		} else {
			size_t vb = i, ve;
			while (i < n && s[i] != ';' && !param_starts(s, n, i)) {
				struct ew w;
				size_t k = skip_jis(s, n, i);
				if (k > i) {
					i = k;
					continue;
				}
				if (s[i] == '=' && parse_ew(s, n, i, &w)) {
					i = w.end;
					continue;
				}
				i++;
			}
			ve = i;
			/* A trailing comment after white space: "us-ascii (Plain text)". */
			for (size_t k = vb; k < ve; k++)
				if (s[k] == '(' && k > vb && is_wsp((unsigned char)s[k - 1])) {
					ve = k;
					break;
				}
			while (ve > vb && is_wsp((unsigned char)s[ve - 1]))
				ve--;
			if ((st = buf_append(&P->vals, s + vb, ve - vb)))
				break;
		}
		size_t vlen = P->vals.len - voff;
		if (!quoted && vlen == 0)
			continue;
		size_t sec = 0;
		bool ext = false;
		switch (attr_match(s + ab, ae - ab, name, &sec, &ext)) {
		case 1:
			if (!P->have_plain) {
				P->have_plain = true;
				P->plain_off = voff;
				P->plain_len = vlen;
				P->plain_quoted = quoted;
			}
			break;
		case 2:
			if (!P->have_ext) {
				P->have_ext = true;
				P->ext_off = voff;
				P->ext_len = vlen;
			}
			break;
		case 3:
			if (!P->sec[sec].present) {
				P->sec[sec] = (struct section){ true, ext, voff, vlen };
				if (sec + 1 > P->nsec)
					P->nsec = sec + 1;
			}
			break;
		default:
			break;
		}
	}
	buf_free(&junk);
	return st;
}

static mado_status pct_decode(const char *p, size_t len, struct buf *out)
{
	mado_status st = MADO_OK;
	for (size_t i = 0; i < len && !st; i++) {
		int a, b;
		if (p[i] == '%' && i + 2 < len &&
		    (a = hexval((unsigned char)p[i + 1])) >= 0 &&
		    (b = hexval((unsigned char)p[i + 2])) >= 0) {
			st = buf_append_char(out, (char)(a * 16 + b));
			i += 2;
		} else {
			st = buf_append_char(out, p[i]);
		}
	}
	return st;
}

/* Split "charset'lang'value"; returns false if there are no two quotes. */
static bool split_2231(const char *p, size_t len, struct str *cs, struct str *val)
{
	const char *q1 = memchr(p, '\'', len);
	if (!q1)
		return false;
	const char *q2 = memchr(q1 + 1, '\'', len - (size_t)(q1 + 1 - p));
	if (!q2)
		return false;
	*cs = str_make(p, (size_t)(q1 - p));
	*val = str_make(q2 + 1, len - (size_t)(q2 + 1 - p));
	return true;
}

/* Convert bytes of an RFC 2231 value and clean it. */
static const char *finish_value(struct arena *arena, struct str cs, const char *p, size_t len,
                                mado_status *st)
{
	struct buf conv, out;
	char label[HEADER_MAX_CHARSET + 1];
	buf_init(&conv, 0);
	buf_init(&out, 0);
	const char *r = NULL;
	if (cs.len && cs.len <= HEADER_MAX_CHARSET) {
		memcpy(label, cs.p, cs.len);
		label[cs.len] = '\0';
		*st = charset_to_utf8(label, p, len, &conv, NULL);
	} else if (len >= 2 && memmem(p, len, "=?", 2)) {
		*st = header_decode_text(p, len, &conv);
	} else {
		*st = charset_to_utf8(NULL, p, len, &conv, NULL);
	}
	if (!*st)
		*st = clean_line(conv.p ? conv.p : "", conv.len, &out, true);
	if (!*st) {
		r = arena_strndup(arena, out.p ? out.p : "", out.len);
		if (!r)
			*st = MADO_ENOMEM;
	}
	buf_free(&conv);
	buf_free(&out);
	return r;
}

const char *header_param_get(struct arena *arena, const char *raw, size_t len,
                             const char *name)
{
	struct buf u, bytes;
	struct params *P = calloc(1, sizeof *P);
	const char *r = NULL;
	mado_status st;
	if (!P)
		return NULL;
	buf_init(&u, 0);
	buf_init(&bytes, 0);
	buf_init(&P->vals, 0);
	if ((st = unfold(raw, len, &u, false)))
		goto out;
	const char *s = u.p ? u.p : "";
	bool sjis = !charset_is_utf8(s, u.len);
	if ((st = params_scan(s, u.len, name, sjis, P)))
		goto out;
	const char *v = P->vals.p ? P->vals.p : "";

	if (P->nsec) {
		struct str cs = { "", 0 };
		for (size_t k = 0; k < P->nsec; k++) {
			const struct section *sc = &P->sec[k];
			if (!sc->present)
				continue;
			const char *p = v + sc->off;
			size_t l = sc->len;
			if (sc->ext) {
				struct str c2, val;
				if (k == 0 && split_2231(p, l, &c2, &val)) {
					cs = c2;
					p = val.p;
					l = val.len;
				} else if (k > 0 && cs.len && l > cs.len && p[cs.len] == '\'' &&
				           str_ieq(str_make(p, cs.len), cs)) {
					/* Some clients repeat "charset'" on every section. */
					p += cs.len + 1;
					l -= cs.len + 1;
				}
				st = pct_decode(p, l, &bytes);
			} else {
				st = buf_append(&bytes, p, l);
			}
			if (st)
				goto out;
		}
		r = finish_value(arena, cs, bytes.p ? bytes.p : "", bytes.len, &st);
	} else if (P->have_ext) {
		struct str cs = { "", 0 }, val;
		const char *p = v + P->ext_off;
		size_t l = P->ext_len;
		if (split_2231(p, l, &cs, &val)) {
			p = val.p;
			l = val.len;
		}
		if ((st = pct_decode(p, l, &bytes)))
			goto out;
		r = finish_value(arena, cs, bytes.p ? bytes.p : "", bytes.len, &st);
	} else if (P->have_plain) {
		if (lower((unsigned char)name[0]) == 'b' && strcasecmp(name, "boundary") == 0) {
			/* Boundaries are compared byte for byte: no decoding. */
			r = arena_strndup(arena, v + P->plain_off, P->plain_len);
		} else {
			struct str none = { "", 0 };
			r = finish_value(arena, none, v + P->plain_off, P->plain_len, &st);
		}
	}
out:
	buf_free(&u);
	buf_free(&bytes);
	buf_free(&P->vals);
	free(P);
	return st ? NULL : r;
}

const char *header_value_token(struct arena *arena, const char *raw, size_t len)
{
	struct buf u, t;
	const char *r = NULL;
	buf_init(&u, 0);
	buf_init(&t, 0);
	if (unfold(raw, len, &u, false))
		goto out;
	const char *s = u.p ? u.p : "";
	size_t n = value_end(s, u.len);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '(') {
			size_t depth = 1;
			i++;
			while (i < n && depth) {
				if (s[i] == '\\' && i + 1 < n)
					i++;
				else if (s[i] == '(')
					depth++;
				else if (s[i] == ')')
					depth--;
				if (depth)
					i++;
			}
			continue;
		}
		if (c <= ' ' || c == 0x7F || c == '"')
			continue;
		if (buf_append_char(&t, (char)lower(c)))
			goto out;
	}
	if (!charset_is_utf8(t.p ? t.p : "", t.len)) {
		struct buf c2;
		buf_init(&c2, 0);
		if (!charset_to_utf8(NULL, t.p, t.len, &c2, NULL))
			r = arena_strndup(arena, c2.p ? c2.p : "", c2.len);
		buf_free(&c2);
		goto out;
	}
	r = arena_strndup(arena, t.p ? t.p : "", t.len);
out:
	buf_free(&u);
	buf_free(&t);
	return r;
}
