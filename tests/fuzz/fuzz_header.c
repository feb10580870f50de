/*
 * libFuzzer target for src/mail/header.c and src/mail/charset.c. The input
 * is one header value, fed to every decoder: unstructured text, address
 * list, msg-ids, parameters and the value token, and to charset_to_utf8
 * under a few labels (the first byte picks the label, the rest is the
 * text). Checks beyond "no crash": results are valid UTF-8 with no control
 * characters where the contract says so, and output maxima are honoured.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/charset.h"
#include "mail/header.h"

static const char *const LABELS[] = {
	NULL, "", "iso-2022-jp", "ISO-2022-JP-2", "Shift_JIS", "euc-jp", "utf-8",
	"us-ascii", "iso-8859-1", "x-unknown", "utf-16", "gb2312", "\"windows-31j\"",
	"utf-8*ja",
};

static void check_line(const char *s, size_t len)
{
	if (!charset_is_utf8(s, len))
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			abort();
	if (strlen(s) != len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct buf b;

	buf_init(&b, 0);
	if (header_decode_text(p, size, &b) == MADO_OK && b.p)
		check_line(b.p, b.len);
	buf_free(&b);

	buf_init(&b, 64);
	mado_status st = header_decode_text(p, size, &b);
	if (b.len > 64 || (st != MADO_OK && st != MADO_ELIMIT))
		abort();
	buf_free(&b);

	buf_init(&b, 0);
	header_unfold(p, size, &b);
	buf_free(&b);

	struct arena *a = arena_new();
	if (!a)
		return 0;
	struct mail_addr_list l;
	if (header_parse_addresses(a, p, size, &l) == MADO_OK)
		for (size_t i = 0; i < l.n; i++) {
			check_line(l.v[i].name, strlen(l.v[i].name));
			if (!charset_is_utf8(l.v[i].email, strlen(l.v[i].email)))
				abort();
		}
	const char **ids;
	size_t n;
	if (header_parse_msgids(a, p, size, &ids, &n) == MADO_OK && ids[n] != NULL)
		abort();
	static const char *const PARAMS[] = { "filename", "name", "charset", "boundary", "title" };
	for (size_t i = 0; i < sizeof PARAMS / sizeof PARAMS[0]; i++) {
		const char *v = header_param_get(a, p, size, PARAMS[i]);
		if (v && i != 3)
			check_line(v, strlen(v));
	}
	const char *t = header_value_token(a, p, size);
	if (t && !charset_is_utf8(t, strlen(t)))
		abort();
	arena_free(a);

	if (size) {
		const char *label = LABELS[data[0] % (sizeof LABELS / sizeof LABELS[0])];
		bool lossy = false;
		buf_init(&b, 0);
		if (charset_to_utf8(label, p + 1, size - 1, &b, &lossy) == MADO_OK && b.p &&
		    (!charset_is_utf8(b.p, b.len) || memchr(b.p, '\0', b.len)))
			abort();
		buf_free(&b);
		buf_init(&b, 16);
		st = charset_to_utf8(label, p + 1, size - 1, &b, &lossy);
		if (b.len > 16 || (st != MADO_OK && st != MADO_ELIMIT))
			abort();
		buf_free(&b);
	}
	return 0;
}
