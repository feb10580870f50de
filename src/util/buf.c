/*
 * Buffers and slices. Growth doubles; a buffer with a maximum refuses to
 * grow past it so that every reader of untrusted input has a bound.
 */
#include "util/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct str str_from_cstr(const char *s)
{
	return str_make(s, s ? strlen(s) : 0);
}

bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool str_ieq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || strncasecmp(a.p, b.p, a.len) == 0);
}

bool str_ieq_cstr(struct str a, const char *b)
{
	return str_ieq(a, str_from_cstr(b));
}

bool str_istarts(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.len >= n && strncasecmp(s.p, prefix, n) == 0;
}

/* Next position in [p, end) holding a or b (end when none). memchr is
 * vectorised; cached hits (NULL: none yet) are reused until the scan
 * passes them. */
static const char *next_of_two(const char *p, const char *end, char a, char b, const char **na,
                               const char **nb)
{
	if (!*na || *na < p) {
		const char *h = memchr(p, a, (size_t)(end - p));
		*na = h ? h : end;
	}
	if (a == b)
		return *na;
	if (!*nb || *nb < p) {
		const char *h = memchr(p, b, (size_t)(end - p));
		*nb = h ? h : end;
	}
	return *na < *nb ? *na : *nb;
}

size_t str_ifind(struct str hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return 0;
	if (n > hay.len)
		return (size_t)-1;
	/* Compare the rest only where the first byte matches, found with
	 * memchr for each case: the hygiene and bounce scanners call this for
	 * dozens of markers on every body (a byte loop here was 5% of an
	 * import's CPU). */
	const char lo = (char)tolower((unsigned char)needle[0]);
	const char up = (char)toupper((unsigned char)needle[0]);
	const char *end = hay.p + (hay.len - n) + 1; /* last possible start + 1 */
	const char *na = NULL, *nb = NULL;
	for (const char *c = hay.p; (c = next_of_two(c, end, lo, up, &na, &nb)) < end; c++)
		if (strncasecmp(c + 1, needle + 1, n - 1) == 0)
			return (size_t)(c - hay.p);
	return (size_t)-1;
}

struct str str_trim(struct str s)
{
	while (s.len && isspace((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && isspace((unsigned char)s.p[s.len - 1]))
		s.len--;
	return s;
}

void buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void buf_free(struct buf *b)
{
	if (!b)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

mado_status buf_reserve(struct buf *b, size_t extra)
{
	if (extra > (size_t)-1 / 2 - b->len)
		return MADO_ELIMIT;
	size_t need = b->len + extra + 1;
	if (b->max && b->len + extra > b->max)
		return MADO_ELIMIT;
	if (need <= b->cap)
		return MADO_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return MADO_ENOMEM;
	b->p = p;
	b->cap = cap;
	return MADO_OK;
}

mado_status buf_append(struct buf *b, const void *p, size_t len)
{
	mado_status st = buf_reserve(b, len);
	if (st)
		return st;
	if (len)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
	return MADO_OK;
}

mado_status buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

mado_status buf_append_char(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

mado_status buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return MADO_EINVAL;
	mado_status st = buf_reserve(b, (size_t)n);
	if (st)
		return st;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return MADO_OK;
}

mado_status buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mado_status st = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return st;
}

char *buf_steal(struct buf *b)
{
	char *p = b->p;
	if (!p)
		p = calloc(1, 1);
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

char *xstrndup(const char *p, size_t len)
{
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

mado_status buf_append_utf8(struct buf *b, unsigned long cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return buf_append(b, u, n);
}

mado_status array_reserve_one(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return MADO_OK;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *nv = realloc(*v, ncap * elem);
	if (!nv)
		return MADO_ENOMEM;
	*v = nv;
	*cap = ncap;
	return MADO_OK;
}
