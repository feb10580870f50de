/*
 * Charset conversion to UTF-8 with the rules Japanese mail needs.
 *
 * A label is first normalised (quotes, case, RFC 2231 "*lang" suffix) and
 * mapped to a family: ISO-2022-JP (decoded by our own state machine, see
 * below), CP932 (every Shift_JIS alias: in practice Shift_JIS mail is
 * written by Windows and uses CP932's extensions), EUC-JP (read through
 * glibc's EUC-JP-MS so that NEC row 13 and IBM extensions work), UTF-8,
 * "weak" labels that are often wrong (us-ascii, iso-8859-1, windows-1252,
 * unknown-8bit…), and everything else, handed to iconv by name.
 *
 * ISO-2022-JP: iconv's decoder rejects the CP932 extensions (① ㈱ ～ ㍻, NEC
 * and NEC-selected IBM rows) that Japanese Windows clients put into mail
 * labelled iso-2022-jp, and loses the rest of a line on the first error.
 * Our state machine turns each JIS X 0208 pair into its Shift_JIS code
 * arithmetically and decodes runs of those with iconv "CP932", which maps
 * the extensions (and WAVE DASH to U+FF5E, as Windows does). Half-width
 * katakana (ESC ( I, SO/SI) go the same way (0xA1-0xDF). JIS X 0201 Roman
 * (ESC ( J) maps 0x5C to U+00A5 and 0x7E to U+203E as the standard says.
 * JIS X 0212, JIS X 0213, GB 2312 and KS C 5601 designations of
 * ISO-2022-JP-1/2/3 go through the matching EUC table. A missing final
 * ESC ( B loses nothing: what is buffered is flushed at the end; a line
 * feed returns to ASCII, since RFC 1468 requires lines to end in ASCII and
 * a sender who forgot would otherwise garble everything after.
 *
 * When the bytes are not valid in the declared charset (a decode was
 * lossy), or the label is weak or unknown, charset_detect() guesses and the
 * guess is used if it decodes without loss. Undecodable bytes become
 * U+FFFD; NUL characters are dropped. Nothing here fails on bad input: only
 * OOM and the output buffer's maximum are errors.
 *
 * Rejected: caching iconv descriptors in statics (the module promises to
 * keep no state and glibc caches the gconv modules itself); using iconv's
 * "//IGNORE" (it silently drops text and its error reporting differs
 * between glibc versions).
 */
#include "mail/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Longest charset label we look at; longer ones are treated as unknown. */
#define CHARSET_MAX_LABEL 64

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD */

enum family {
	FAM_NONE,     /* no label / unknown: detect */
	FAM_WEAK,     /* us-ascii, latin1, cp1252…: often wrong, detect first */
	FAM_JIS,      /* ISO-2022-JP and its variants */
	FAM_CP932,
	FAM_EUCJP,
	FAM_UTF8,
	FAM_ICONV,    /* any other label, by name */
};

/* Append UTF-8 bytes, dropping NULs. */
static mado_status emit(struct buf *out, const char *p, size_t len)
{
	while (len) {
		const char *z = memchr(p, '\0', len);
		size_t n = z ? (size_t)(z - p) : len;
		if (n) {
			mado_status st = buf_append(out, p, n);
			if (st)
				return st;
		}
		if (!z)
			break;
		p += n + 1;
		len -= n + 1;
	}
	return MADO_OK;
}

static mado_status emit_bad(struct buf *out, bool *lossy)
{
	*lossy = true;
	return buf_append(out, REPLACEMENT, 3);
}

static mado_status emit_cp(struct buf *out, uint32_t cp)
{
	/* U+0000 is dropped, as emit() drops NUL bytes */
	return cp ? buf_append_utf8(out, cp) : MADO_OK;
}

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t len)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return len >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (len < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && p[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && p[1] >= 0xA0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (len < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && p[1] < 0x90)
			return 0;
		if (c == 0xF4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

bool charset_is_utf8(const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;
	while (i < len) {
		size_t n = utf8_seq(s + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

static mado_status utf8_lossy(const char *p, size_t len, struct buf *out, bool *lossy)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, start = 0;
	mado_status st;
	while (i < len) {
		size_t n = utf8_seq(s + i, len - i);
		if (n) {
			i += n;
			continue;
		}
		if ((st = emit(out, p + start, i - start)) || (st = emit_bad(out, lossy)))
			return st;
		i++;
		start = i;
	}
	return emit(out, p + start, i - start);
}

/*
 * Convert with iconv; each undecodable byte (or Shift_JIS pair) becomes
 * U+FFFD and decoding resumes after it. `from` "CP932-PAIRS" is CP932 whose
 * bytes came from JIS X 0208 pairs. Returns MADO_EINVAL (nothing appended)
 * when iconv does not know the charset.
 */
/*
 * iconv_open() loads the charset's gconv module and iconv_close() unloads
 * it again: for Japanese charsets that dominated parsing time. Each thread
 * keeps a few open descriptors, reset before reuse, for the life of the
 * thread (a handful of small tables, intentionally never closed).
 */
#define ICONV_CACHE 8
static __thread struct {
	char from[32];
	iconv_t cd;
} iconv_cache[ICONV_CACHE];
static __thread unsigned iconv_cache_next;

static iconv_t cached_iconv(const char *from)
{
	for (unsigned i = 0; i < ICONV_CACHE; i++)
		if (iconv_cache[i].cd && strcmp(iconv_cache[i].from, from) == 0) {
			iconv(iconv_cache[i].cd, NULL, NULL, NULL, NULL);
			return iconv_cache[i].cd;
		}
	if (strlen(from) >= sizeof iconv_cache[0].from)
		return (iconv_t)-1;
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return cd;
	unsigned slot = iconv_cache_next++ % ICONV_CACHE;
	if (iconv_cache[slot].cd)
		iconv_close(iconv_cache[slot].cd);
	snprintf(iconv_cache[slot].from, sizeof iconv_cache[slot].from, "%s", from);
	iconv_cache[slot].cd = cd;
	return cd;
}

static mado_status iconv_lossy(const char *from, const char *p, size_t len,
                               struct buf *out, bool *lossy)
{
	/* 1: raw Shift_JIS; 2: Shift_JIS made from JIS X 0208 pairs. */
	int sjis = strcmp(from, "CP932") == 0 ? 1 : strcmp(from, "CP932-PAIRS") == 0 ? 2 : 0;
	if (sjis)
		from = "CP932";
	iconv_t cd = cached_iconv(from);
	if (cd == (iconv_t)-1)
		return MADO_EINVAL;
	mado_status st = MADO_OK;
	char tmp[2048];
	char *in = (char *)p;
	size_t inleft = len;
	while (inleft) {
		char *o = tmp;
		size_t oleft = sizeof tmp;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		int e = errno;
		if ((st = emit(out, tmp, (size_t)(o - tmp))))
			goto out;
		if (r != (size_t)-1)
			break;
		if (e == E2BIG)
			continue;
		/* EILSEQ, or EINVAL (incomplete sequence at the end). */
		if ((st = emit_bad(out, lossy)))
			goto out;
		size_t skip = 1;
		if (sjis && inleft >= 2) {
			unsigned char c = (unsigned char)in[0], t = (unsigned char)in[1];
			bool lead = (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC);
			/* A Shift_JIS pair unknown to CP932 is one bad character; an
			 * ASCII second byte is kept unless the run is made of pairs
			 * (ISO-2022-JP). As the WHATWG decoder does. */
			if (lead && t >= 0x40 && t <= 0xFC && t != 0x7F && (t >= 0x80 || sjis == 2))
				skip = 2;
		}
		in += skip;
		inleft -= skip;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	/* Flush any shift state. */
	{
		char *o = tmp;
		size_t oleft = sizeof tmp;
		iconv(cd, NULL, NULL, &o, &oleft);
		st = emit(out, tmp, (size_t)(o - tmp));
	}
out:
	return st;
}

/* ---- ISO-2022-JP ---------------------------------------------------- */

enum jis_set {
	JIS_ASCII,
	JIS_ROMAN,    /* JIS X 0201 Roman */
	JIS_KANA,     /* JIS X 0201 katakana, 7-bit */
	JIS_X0208,    /* also JIS C 6226-1978 (ESC $ @) */
	JIS_X0212,
	JIS_X0213_1,
	JIS_X0213_2,
	JIS_GB2312,
	JIS_KSC5601,
};

/* Bytes of the current run, in the charset the run is decoded with. */
struct jis_run {
	struct buf b;
	const char *cs;   /* iconv name, or NULL for ASCII pass-through */
};

static mado_status run_flush(struct jis_run *r, struct buf *out, bool *lossy)
{
	mado_status st = MADO_OK;
	if (r->b.len) {
		if (!r->cs)
			st = emit(out, r->b.p, r->b.len);
		else if ((st = iconv_lossy(r->cs, r->b.p, r->b.len, out, lossy)) == MADO_EINVAL)
			st = utf8_lossy(r->b.p, r->b.len, out, lossy);
	}
	buf_reset(&r->b);
	return st;
}

static mado_status run_put(struct jis_run *r, const char *cs, const char *p, size_t n,
                           struct buf *out, bool *lossy)
{
	mado_status st;
	if (r->cs != cs && r->b.len && (st = run_flush(r, out, lossy)))
		return st;
	r->cs = cs;
	return buf_append(&r->b, p, n);
}

static const char *jis_iconv_name(enum jis_set s)
{
	switch (s) {
	case JIS_X0208:
	case JIS_KANA:
		return "CP932-PAIRS";
	case JIS_X0212:
		return "EUC-JP-MS";
	case JIS_X0213_1:
	case JIS_X0213_2:
		return "EUC-JISX0213";
	case JIS_GB2312:
		return "GBK";
	case JIS_KSC5601:
		return "CP949";
	default:
		return NULL;
	}
}

static bool jis_double(enum jis_set s)
{
	return s >= JIS_X0208;
}

/*
 * Recognise an escape sequence at p (p[0] == ESC). Returns its length and
 * sets *g0 (or *g2 for ESC . F designations), or 0 if unknown.
 */
static size_t jis_escape(const unsigned char *p, size_t len, enum jis_set *g0, int *g2)
{
	if (len >= 3 && p[1] == '(') {
		switch (p[2]) {
		case 'B': *g0 = JIS_ASCII; return 3;
		case 'J': case 'H': *g0 = JIS_ROMAN; return 3;
		case 'I': *g0 = JIS_KANA; return 3;
		}
		return 0;
	}
	if (len >= 3 && p[1] == '$') {
		switch (p[2]) {
		case '@': case 'B': *g0 = JIS_X0208; return 3;
		case 'A': *g0 = JIS_GB2312; return 3;
		case '(':
			if (len < 4)
				return 0;
			switch (p[3]) {
			case '@': case 'B': *g0 = JIS_X0208; return 4;
			case 'D': *g0 = JIS_X0212; return 4;
			case 'C': *g0 = JIS_KSC5601; return 4;
			case 'O': case 'Q': *g0 = JIS_X0213_1; return 4;
			case 'P': *g0 = JIS_X0213_2; return 4;
			}
			return 0;
		}
		return 0;
	}
	if (len >= 3 && p[1] == '.') {
		if (p[2] == 'A') { *g2 = 1; return 3; }   /* ISO-8859-1 high half */
		if (p[2] == 'F') { *g2 = 7; return 3; }   /* ISO-8859-7 high half */
		return 0;
	}
	if (len >= 4 && p[1] == '&' && p[2] == '@' && p[3] == 0x1B) {
		/* JIS X 0208-1990 announcer, followed by ESC $ B. */
		return 3;
	}
	return 0;
}

/* JIS X 0208 row/cell (0x21-0x7E each) to Shift_JIS. */
static void jis_to_sjis(unsigned j1, unsigned j2, char s[2])
{
	unsigned s1 = ((j1 + 1) >> 1) + (j1 <= 0x5E ? 0x70 : 0xB0);
	unsigned s2;
	if (j1 & 1)
		s2 = j2 + (j2 >= 0x60 ? 0x20 : 0x1F);
	else
		s2 = j2 + 0x7E;
	s[0] = (char)s1;
	s[1] = (char)s2;
}

static mado_status jis_decode(const char *p, size_t len, struct buf *out, bool *lossy)
{
	const unsigned char *s = (const unsigned char *)p;
	enum jis_set g0 = JIS_ASCII, saved = JIS_ASCII;
	int g2 = 0;
	bool shifted = false;
	struct jis_run run = { .cs = NULL };
	mado_status st = MADO_OK;
	size_t i = 0;

	buf_init(&run.b, 0);
	while (i < len) {
		unsigned c = s[i];
		if (c == 0x1B) {
			size_t n = jis_escape(s + i, len - i, &g0, &g2);
			if (n) {
				shifted = false;
				i += n;
				continue;
			}
			if (len - i >= 3 && s[i + 1] == 'N') {
				/* Single shift 2: one character from the G2 set. */
				unsigned b = s[i + 2];
				if ((st = run_flush(&run, out, lossy)))
					goto out;
				if (g2 == 1 && b >= 0x20 && b < 0x80)
					st = emit_cp(out, b | 0x80);
				else if (g2 == 7 && b >= 0x20 && b < 0x80) {
					char hb = (char)(b | 0x80);
					if ((st = iconv_lossy("ISO-8859-7", &hb, 1, out, lossy)) == MADO_EINVAL)
						st = emit_bad(out, lossy);
				} else
					st = emit_bad(out, lossy);
				if (st)
					goto out;
				i += 3;
				continue;
			}
			if ((st = run_flush(&run, out, lossy)) || (st = emit_bad(out, lossy)))
				goto out;
			i++;
			continue;
		}
		if (c == 0x0E) {          /* SO: half-width katakana */
			if (!shifted)
				saved = g0;
			shifted = true;
			g0 = JIS_KANA;
			i++;
			continue;
		}
		if (c == 0x0F) {          /* SI: back */
			if (shifted)
				g0 = saved;
			shifted = false;
			i++;
			continue;
		}
		if (c == '\n' || c == '\r') {
			/* Lines end in ASCII (RFC 1468); recover from senders who forgot. */
			if (c == '\n') {
				g0 = JIS_ASCII;
				shifted = false;
			}
			char ch = (char)c;
			if ((st = run_put(&run, NULL, &ch, 1, out, lossy)))
				goto out;
			i++;
			continue;
		}
		if (c >= 0x80) {
			/* 8-bit bytes do not belong in ISO-2022-JP. */
			if ((st = run_flush(&run, out, lossy)) || (st = emit_bad(out, lossy)))
				goto out;
			i++;
			continue;
		}
		if (c < 0x21 || c == 0x7F) {
			/* Controls and space are the same in every set. */
			char ch = (char)c;
			if ((st = run_put(&run, NULL, &ch, 1, out, lossy)))
				goto out;
			i++;
			continue;
		}
		if (jis_double(g0)) {
			if (i + 1 >= len || s[i + 1] < 0x21 || s[i + 1] > 0x7E) {
				if ((st = run_flush(&run, out, lossy)) || (st = emit_bad(out, lossy)))
					goto out;
				i++;
				continue;
			}
			char b[3];
			size_t n = 2;
			unsigned c2 = s[i + 1];
			if (g0 == JIS_X0208 && c >= 0x75 && (c <= 0x78 || c >= 0x7D)) {
				/* User-defined rows (CP50221 maps 0x75-0x7E to U+E000 on,
				 * except the NEC-selected IBM rows 0x79-0x7C, which go
				 * through CP932 below). au's emoji live here: kept as
				 * private-use characters rather than lost. */
				if ((st = run_flush(&run, out, lossy)) ||
				    (st = emit_cp(out, 0xE000 + (c - 0x75) * 94 + (c2 - 0x21))))
					goto out;
				i += 2;
				continue;
			} else if (g0 == JIS_X0208) {
				jis_to_sjis(c, c2, b);
			} else if (g0 == JIS_X0212 || g0 == JIS_X0213_2) {
				b[0] = (char)0x8F;
				b[1] = (char)(c | 0x80);
				b[2] = (char)(c2 | 0x80);
				n = 3;
			} else {
				b[0] = (char)(c | 0x80);
				b[1] = (char)(c2 | 0x80);
			}
			if ((st = run_put(&run, jis_iconv_name(g0), b, n, out, lossy)))
				goto out;
			i += 2;
			continue;
		}
		if (g0 == JIS_KANA) {
			if (c <= 0x5F) {
				char b = (char)(c + 0x80);
				if ((st = run_put(&run, "CP932-PAIRS", &b, 1, out, lossy)))
					goto out;
			} else if ((st = run_flush(&run, out, lossy)) || (st = emit_bad(out, lossy))) {
				goto out;
			}
			i++;
			continue;
		}
		if (g0 == JIS_ROMAN && (c == 0x5C || c == 0x7E)) {
			if ((st = run_flush(&run, out, lossy)) ||
			    (st = emit_cp(out, c == 0x5C ? 0x00A5 : 0x203E)))
				goto out;
			i++;
			continue;
		}
		char ch = (char)c;
		if ((st = run_put(&run, NULL, &ch, 1, out, lossy)))
			goto out;
		i++;
	}
	st = run_flush(&run, out, lossy);
out:
	buf_free(&run.b);
	return st;
}

/* ---- detection ------------------------------------------------------- */

struct jscore {
	size_t errors;
	long score;
};

/* Score p as CP932: hiragana and katakana are strong evidence. */
static struct jscore score_cp932(const unsigned char *s, size_t len)
{
	struct jscore r = { 0, 0 };
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xA1 && c <= 0xDF) {   /* half-width katakana: weak */
			i++;
			continue;
		}
		bool lead = (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC);
		if (!lead || i + 1 >= len) {
			r.errors++;
			i++;
			continue;
		}
		unsigned t = s[i + 1];
		if (t < 0x40 || t == 0x7F || t > 0xFC) {
			r.errors++;
			i++;
			continue;
		}
		/* Rows CP932 leaves empty, and user-defined rows. */
		if ((c >= 0x85 && c <= 0x86) || (c >= 0xEB && c <= 0xEC) || c == 0xEF ||
		    (c >= 0xF0 && c <= 0xF9) || (c == 0xFC && t > 0x4B) ||
		    (c == 0x88 && t < 0x9F) || (c == 0xEA && t > 0xA4)) {
			r.errors++;
			i += 2;
			continue;
		}
		if ((c == 0x82 && t >= 0x9F && t <= 0xF1) || (c == 0x83 && t >= 0x40 && t <= 0x96))
			r.score += 3;           /* hiragana, katakana */
		else if (c == 0x81 && t >= 0x40 && t <= 0xAC)
			r.score += 2;           /* 、。「」ー etc. */
		else if (c == 0x82 && t >= 0x4F && t <= 0x9A)
			r.score += 1;           /* full-width alphanumerics */
		else if (c == 0x87)
			r.score += 2;           /* NEC row 13: ① ㈱ ㍻ */
		else if ((c >= 0xED && c <= 0xEE) || c >= 0xFA)
			r.score += 1;           /* IBM extensions */
		else if ((c >= 0x88 && c <= 0x9F) || (c >= 0xE0 && c <= 0xEA))
			r.score += 1;           /* kanji */
		i += 2;
	}
	return r;
}

static struct jscore score_eucjp(const unsigned char *s, size_t len)
{
	struct jscore r = { 0, 0 };
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c == 0x8E) {                /* half-width katakana */
			if (i + 1 < len && s[i + 1] >= 0xA1 && s[i + 1] <= 0xDF) {
				i += 2;
				continue;
			}
			r.errors++;
			i++;
			continue;
		}
		if (c == 0x8F) {                /* JIS X 0212 */
			if (i + 2 < len && s[i + 1] >= 0xA1 && s[i + 1] <= 0xFE &&
			    s[i + 2] >= 0xA1 && s[i + 2] <= 0xFE) {
				i += 3;
				continue;
			}
			r.errors++;
			i++;
			continue;
		}
		if (c < 0xA1 || c > 0xFE || i + 1 >= len || s[i + 1] < 0xA1 || s[i + 1] > 0xFE) {
			r.errors++;
			i++;
			continue;
		}
		unsigned t = s[i + 1];
		if ((c >= 0xA9 && c <= 0xAC) || (c >= 0xAE && c <= 0xAF) || (c >= 0xF5 && c <= 0xF8)) {
			r.errors++;
			i += 2;
			continue;
		}
		if ((c == 0xA4 && t <= 0xF3) || (c == 0xA5 && t <= 0xF6))
			r.score += 3;
		else if (c == 0xA1)
			r.score += 2;
		else if (c == 0xAD)
			r.score += 2;
		else if (c == 0xA3 || c >= 0xF9)
			r.score += 1;
		else if (c >= 0xB0 && c <= 0xF4)
			r.score += 1;
		i += 2;
	}
	return r;
}

/* How much p looks like Latin-1 text: accented letters next to ASCII letters. */
static long score_latin(const unsigned char *s, size_t len)
{
	long sc = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned c = s[i];
		if (c < 0xC0 || c == 0xD7 || c == 0xF7)
			continue;
		bool before = i > 0 && s[i - 1] < 0x80 &&
			((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z');
		bool after = i + 1 < len && s[i + 1] < 0x80 &&
			((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z');
		if (before || after)
			sc += 2;
	}
	return sc;
}

static bool has_jis_escape(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i + 2 < len; i++)
		if (s[i] == 0x1B && (s[i + 1] == '$' || (s[i + 1] == '(' &&
		    (s[i + 2] == 'B' || s[i + 2] == 'J' || s[i + 2] == 'I'))))
			return true;
	return false;
}

const char *charset_detect(const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	bool high = false;
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 0x80) {
			high = true;
			break;
		}
	bool esc = has_jis_escape(s, len);
	if (!high)
		return esc ? "ISO-2022-JP" : "US-ASCII";
	if (charset_is_utf8(p, len))
		return "UTF-8";
	struct jscore sj = score_cp932(s, len), eu = score_eucjp(s, len);
	long latin = score_latin(s, len);
	const struct jscore *best;
	const char *name;
	if (sj.errors < eu.errors || (sj.errors == eu.errors && sj.score >= eu.score)) {
		best = &sj;
		name = "CP932";
	} else {
		best = &eu;
		name = "EUC-JP";
	}
	if (best->errors == 0 && best->score > latin)
		return name;
	if (esc)
		return "ISO-2022-JP";
	/* A few bad bytes in clearly Japanese text (a cut, a stray byte). */
	if (best->score >= 6 && best->errors * 8 <= (size_t)best->score && best->score > 2 * latin)
		return name;
	return "WINDOWS-1252";
}

/*
 * A detection good enough to overrule a declared charset: valid multi-byte
 * UTF-8, ISO-2022-JP escapes in 7-bit text, or CP932/EUC-JP without a
 * single invalid sequence and with real Japanese in it (one kana, or a few
 * kanji/symbols). NULL when there is no such evidence.
 */
static const char *detect_strong(const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	bool high = false;
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 0x80) {
			high = true;
			break;
		}
	if (!high)
		return has_jis_escape(s, len) ? "ISO-2022-JP" : NULL;
	if (charset_is_utf8(p, len))
		return "UTF-8";
	struct jscore sj = score_cp932(s, len), eu = score_eucjp(s, len);
	long latin = score_latin(s, len);
	if (sj.errors == 0 && sj.score >= 3 && sj.score > latin && (eu.errors || sj.score >= eu.score))
		return "CP932";
	if (eu.errors == 0 && eu.score >= 3 && eu.score > latin)
		return "EUC-JP";
	return NULL;
}

/* ---- labels ----------------------------------------------------------- */

struct alias {
	const char *label;
	enum family fam;
	const char *iconv_name;
};

static const struct alias ALIASES[] = {
	{ "iso-2022-jp", FAM_JIS, NULL },
	{ "iso-2022-jp-1", FAM_JIS, NULL },
	{ "iso-2022-jp-2", FAM_JIS, NULL },
	{ "iso-2022-jp-3", FAM_JIS, NULL },
	{ "iso-2022-jp-2004", FAM_JIS, NULL },
	{ "iso-2022-jp-ms", FAM_JIS, NULL },
	{ "iso2022jp", FAM_JIS, NULL },
	{ "csiso2022jp", FAM_JIS, NULL },
	{ "csiso2022jp2", FAM_JIS, NULL },
	{ "jis", FAM_JIS, NULL },
	{ "jis7", FAM_JIS, NULL },
	{ "cp50220", FAM_JIS, NULL },
	{ "cp50221", FAM_JIS, NULL },
	{ "cp50222", FAM_JIS, NULL },
	{ "shift_jis", FAM_CP932, "CP932" },
	{ "shift-jis", FAM_CP932, "CP932" },
	{ "shiftjis", FAM_CP932, "CP932" },
	{ "sjis", FAM_CP932, "CP932" },
	{ "x-sjis", FAM_CP932, "CP932" },
	{ "x_sjis", FAM_CP932, "CP932" },
	{ "s-jis", FAM_CP932, "CP932" },
	{ "ms_kanji", FAM_CP932, "CP932" },
	{ "csshiftjis", FAM_CP932, "CP932" },
	{ "windows-31j", FAM_CP932, "CP932" },
	{ "cswindows31j", FAM_CP932, "CP932" },
	{ "cp932", FAM_CP932, "CP932" },
	{ "ms932", FAM_CP932, "CP932" },
	{ "x-ms-cp932", FAM_CP932, "CP932" },
	{ "windows-932", FAM_CP932, "CP932" },
	{ "ibm-943", FAM_CP932, "CP932" },
	{ "shift_jis-2004", FAM_ICONV, "SHIFT_JISX0213" },
	{ "shift_jisx0213", FAM_ICONV, "SHIFT_JISX0213" },
	{ "euc-jp", FAM_EUCJP, "EUC-JP-MS" },
	{ "eucjp", FAM_EUCJP, "EUC-JP-MS" },
	{ "x-euc-jp", FAM_EUCJP, "EUC-JP-MS" },
	{ "x-euc", FAM_EUCJP, "EUC-JP-MS" },
	{ "euc-jp-ms", FAM_EUCJP, "EUC-JP-MS" },
	{ "eucjp-ms", FAM_EUCJP, "EUC-JP-MS" },
	{ "eucjp-win", FAM_EUCJP, "EUC-JP-MS" },
	{ "cp51932", FAM_EUCJP, "EUC-JP-MS" },
	{ "ujis", FAM_EUCJP, "EUC-JP-MS" },
	{ "cseucpkdfmtjapanese", FAM_EUCJP, "EUC-JP-MS" },
	{ "euc-jisx0213", FAM_ICONV, "EUC-JISX0213" },
	{ "euc-jis-2004", FAM_ICONV, "EUC-JISX0213" },
	{ "utf-8", FAM_UTF8, NULL },
	{ "utf8", FAM_UTF8, NULL },
	{ "x-utf-8", FAM_UTF8, NULL },
	{ "unicode-1-1-utf-8", FAM_UTF8, NULL },
	{ "us-ascii", FAM_WEAK, NULL },
	{ "ascii", FAM_WEAK, NULL },
	{ "ansi_x3.4-1968", FAM_WEAK, NULL },
	{ "iso-8859-1", FAM_WEAK, NULL },
	{ "iso8859-1", FAM_WEAK, NULL },
	{ "iso_8859-1", FAM_WEAK, NULL },
	{ "latin1", FAM_WEAK, NULL },
	{ "latin-1", FAM_WEAK, NULL },
	{ "l1", FAM_WEAK, NULL },
	{ "windows-1252", FAM_WEAK, NULL },
	{ "cp1252", FAM_WEAK, NULL },
	{ "x-cp1252", FAM_WEAK, NULL },
	{ "unknown-8bit", FAM_WEAK, NULL },
	{ "x-unknown", FAM_WEAK, NULL },
	{ "unknown", FAM_WEAK, NULL },
	{ "default", FAM_WEAK, NULL },
	{ "x-user-defined", FAM_WEAK, NULL },
	{ "8bit", FAM_WEAK, NULL },
	{ "7bit", FAM_WEAK, NULL },
	{ "gb2312", FAM_ICONV, "GBK" },
	{ "csgb2312", FAM_ICONV, "GBK" },
	{ "x-gbk", FAM_ICONV, "GBK" },
	{ "euc-cn", FAM_ICONV, "GBK" },
	{ "ks_c_5601-1987", FAM_ICONV, "CP949" },
	{ "ks_c_5601", FAM_ICONV, "CP949" },
	{ "euc-kr", FAM_ICONV, "CP949" },
	{ "big5", FAM_ICONV, "BIG5-HKSCS" },
	{ "x-x-big5", FAM_ICONV, "BIG5-HKSCS" },
	{ "iso-8859-8-i", FAM_ICONV, "ISO-8859-8" },
	{ "tis-620", FAM_ICONV, "CP874" },
	{ "iso-8859-11", FAM_ICONV, "CP874" },
};

/*
 * Normalise a label into buf (lower case, no quotes or surrounding space,
 * no RFC 2231 "*lang" suffix). Returns false for labels that cannot be a
 * charset name (too long, odd characters such as '/' that iconv would read
 * as options).
 */
static bool label_norm(const char *label, char buf[CHARSET_MAX_LABEL + 1])
{
	size_t n = strlen(label), o = 0;
	size_t a = 0, b = n;
	while (a < b && (label[a] == ' ' || label[a] == '\t' || label[a] == '"' || label[a] == '\''))
		a++;
	while (b > a && (label[b - 1] == ' ' || label[b - 1] == '\t' || label[b - 1] == '"' ||
	                 label[b - 1] == '\''))
		b--;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)label[i];
		if (c == '*')
			break;
		if (o >= CHARSET_MAX_LABEL)
			return false;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.' || c == ':' || c == '+' || c == '(' || c == ')'))
			return false;
		buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return o > 0;
}

static enum family label_family(const char *label, char norm[CHARSET_MAX_LABEL + 1],
                                const char **iconv_name)
{
	*iconv_name = NULL;
	if (!label || !label_norm(label, norm))
		return FAM_NONE;
	for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
		if (strcmp(norm, ALIASES[i].label) == 0) {
			*iconv_name = ALIASES[i].iconv_name;
			return ALIASES[i].fam;
		}
	*iconv_name = norm;
	return FAM_ICONV;
}

/* Decode as the named detected charset. */
static mado_status decode_as(const char *name, const char *p, size_t len, struct buf *out,
                             bool *lossy)
{
	if (strcmp(name, "US-ASCII") == 0 || strcmp(name, "UTF-8") == 0)
		return utf8_lossy(p, len, out, lossy);
	if (strcmp(name, "ISO-2022-JP") == 0)
		return jis_decode(p, len, out, lossy);
	if (strcmp(name, "EUC-JP") == 0)
		name = "EUC-JP-MS";
	mado_status st = iconv_lossy(name, p, len, out, lossy);
	if (st == MADO_EINVAL)
		st = utf8_lossy(p, len, out, lossy);
	return st;
}

static mado_status decode_family(enum family fam, const char *iconv_name, const char *p,
                                 size_t len, struct buf *out, bool *lossy)
{
	switch (fam) {
	case FAM_JIS:
		return jis_decode(p, len, out, lossy);
	case FAM_UTF8:
		return utf8_lossy(p, len, out, lossy);
	case FAM_WEAK:
		return decode_as("WINDOWS-1252", p, len, out, lossy);
	default: {
		mado_status st = iconv_lossy(iconv_name, p, len, out, lossy);
		if (st == MADO_EINVAL)
			return decode_as(charset_detect(p, len), p, len, out, lossy);
		return st;
	}
	}
}

mado_status charset_to_utf8(const char *label, const char *p, size_t len,
                            struct buf *out, bool *lossy)
{
	bool dummy = false;
	if (!lossy)
		lossy = &dummy;
	if (len == 0)
		return buf_append(out, "", 0);

	char norm[CHARSET_MAX_LABEL + 1];
	const char *iconv_name;
	enum family fam = label_family(label, norm, &iconv_name);

	if (fam == FAM_NONE)
		return decode_as(charset_detect(p, len), p, len, out, lossy);
	if (fam == FAM_WEAK) {
		const char *d = detect_strong(p, len);
		return decode_as(d ? d : "WINDOWS-1252", p, len, out, lossy);
	}

	/*
	 * Declared charset first. If the bytes are not valid in it, a strong
	 * detection that decodes without loss wins.
	 */
	size_t start = out->len;
	bool loss = false;
	mado_status st = decode_family(fam, iconv_name, p, len, out, &loss);
	if (st)
		return st;
	bool real_loss = loss;
	/* glibc passes some invalid CP932/EUC-JP bytes through as C1/PUA. */
	if (fam == FAM_CP932 && score_cp932((const unsigned char *)p, len).errors)
		loss = true;
	if (fam == FAM_EUCJP && score_eucjp((const unsigned char *)p, len).errors)
		loss = true;
	if (!loss)
		return MADO_OK;
	const char *d = detect_strong(p, len);
	bool same = d && ((fam == FAM_JIS && strcmp(d, "ISO-2022-JP") == 0) ||
	                  (fam == FAM_CP932 && strcmp(d, "CP932") == 0) ||
	                  (fam == FAM_EUCJP && strcmp(d, "EUC-JP") == 0) ||
	                  (fam == FAM_UTF8 && strcmp(d, "UTF-8") == 0));
	if (d && !same) {
		struct buf alt;
		bool loss2 = false;
		buf_init(&alt, out->max);
		st = decode_as(d, p, len, &alt, &loss2);
		if (st == MADO_OK && !loss2) {
			out->len = start;
			if (out->p)
				out->p[start] = '\0';
			st = buf_append(out, alt.p ? alt.p : "", alt.len);
			buf_free(&alt);
			return st;
		}
		buf_free(&alt);
		if (st == MADO_ENOMEM)
			return st;
	}
	if (real_loss)
		*lossy = true;
	return MADO_OK;
}
