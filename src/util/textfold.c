/*
 * Text folding (see textfold.h). Works code point by code point on UTF-8;
 * a half-width katakana looks one code point ahead for a voiced mark
 * (U+FF9E) or a semi-voiced mark (U+FF9F) to compose with.
 */
#include "util/textfold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* U+FF61..U+FF9F in full width. */
static const uint16_t halfwidth_kana[] = {
	0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3,
	0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF,
	0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8,
	0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF,
	0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF,
	0x30F3, 0x309B, 0x309C,
};

/* Decode one code point; *n its length. Invalid sequences give -1, n 1. */
static int32_t decode(const unsigned char *p, size_t len, size_t *n)
{
	*n = 1;
	if (p[0] < 0x80)
		return p[0];
	int need;
	int32_t cp;
	if ((p[0] & 0xE0) == 0xC0) {
		need = 1;
		cp = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		need = 2;
		cp = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		need = 3;
		cp = p[0] & 0x07;
	} else {
		return -1;
	}
	if ((size_t)need >= len)
		return -1;
	for (int i = 1; i <= need; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	*n = (size_t)need + 1;
	return cp;
}

/* Katakana that take a voiced mark (ka..to, ha..ho, u) and a semi-voiced
 * one (ha..ho): the composed form is base+1 / base+2, except u → vu. */
static uint32_t compose(uint32_t base, int32_t mark)
{
	bool ka_to = base >= 0x30AB && base <= 0x30C8 && base != 0x30C3;
	bool ha_ho = base >= 0x30CF && base <= 0x30DB && (base - 0x30CF) % 3 == 0;
	if (mark == 0xFF9E) {
		if (base == 0x30A6)
			return 0x30F4;
		if (ka_to || ha_ho)
			return base + 1;
	} else if (mark == 0xFF9F && ha_ho) {
		return base + 2;
	}
	return 0;
}

static uint32_t fold_one(int32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return (uint32_t)cp + 32;
	if (cp >= 0xFF01 && cp <= 0xFF5E) {
		uint32_t a = (uint32_t)cp - 0xFF01 + 0x21;
		return a >= 'A' && a <= 'Z' ? a + 32 : a;
	}
	if (cp == 0x3000)
		return ' ';
	if (cp >= 0x3041 && cp <= 0x3096)
		return (uint32_t)cp + 0x60;
	return (uint32_t)cp;
}

mado_status textfold_append(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	mado_status st = MADO_OK;
	while (i < len && !st) {
		size_t n;
		int32_t cp = decode(p + i, len - i, &n);
		if (cp < 0) {
			st = buf_append(out, p + i, 1);
			i++;
			continue;
		}
		i += n;
		if (cp >= 0xFF61 && cp <= 0xFF9F) {
			uint32_t full = halfwidth_kana[cp - 0xFF61];
			if (i < len) {
				size_t m;
				int32_t next = decode(p + i, len - i, &m);
				uint32_t c = next > 0 ? compose(full, next) : 0;
				if (c) {
					full = c;
					i += m;
				}
			}
			st = buf_append_utf8(out, full);
			continue;
		}
		st = buf_append_utf8(out, fold_one(cp));
	}
	return st;
}

char *textfold_dup(const char *s)
{
	struct buf b;
	buf_init(&b, 0);
	if (textfold_append(&b, s, strlen(s)) || buf_append(&b, "", 0)) {
		buf_free(&b);
		return NULL;
	}
	if (!b.p)
		return calloc(1, 1);
	return buf_steal(&b);
}

int textfold_has_japanese(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t n;
		int32_t cp = decode(p + i, len - i, &n);
		i += n;
		if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xFF66 && cp <= 0xFF9F))
			return 1;
	}
	return 0;
}
