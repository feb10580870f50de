/*
 * Unit tests for src/mail/charset.c: the Japanese reading rules. Each table
 * row is (label, input bytes, expected UTF-8, whether the decode is lossy).
 * ISO-2022-JP inputs with CP932 extensions were made by encoding to CP932
 * and mapping Shift_JIS back to JIS X 0208 row/cell, as Windows clients do.
 */
#include <string.h>

#include "mail/charset.h"
#include "tap.h"

struct conv_case {
	const char *what;
	const char *label;
	const char *in;
	size_t len;          /* 0: strlen(in) */
	const char *want;
	int lossy;           /* 1 lossy, 0 clean, -1 don't care */
};

#define B(s) s, sizeof(s) - 1

static const struct conv_case CONV[] = {
	/* ISO-2022-JP and its CP932 extensions. */
	{ "jis basic", "ISO-2022-JP", B("\x1b$B%F%9%H\x1b(B"), "テスト", 0 },
	{ "jis label lower/quoted", "\"iso-2022-jp\"", B("\x1b$B%F%9%H\x1b(B"), "テスト", 0 },
	{ "jis NEC row 13 circled digits", "iso-2022-jp", B("\x1b$B-!-\x22\x1b(B"), "①②", 0 },
	{ "jis kabushiki", "iso-2022-jp", B("\x1b$B-j\x1b(B"), "㈱", 0 },
	{ "jis wave dash as Windows", "iso-2022-jp", B("\x1b$B!A\x1b(B"), "\xef\xbd\x9e", 0 },
	{ "jis nearly equal, because", "iso-2022-jp", B("\x1b$B\x22" "b\x22" "h\x1b(B"), "≒∵", 0 },
	{ "jis fullwidth reverse solidus", "iso-2022-jp", B("\x1b$B!@\x1b(B"), "＼", 0 },
	{ "jis era Heisei", "iso-2022-jp", B("\x1b$B-_\x1b(B"), "㍻", 0 },
	{ "jis NEC-selected IBM ext", "iso-2022-jp", B("\x1b$By!|b|q\x1b(B"), "纊髙ⅰ", 0 },
	{ "jis ESC $ @ (1978)", "iso-2022-jp", B("\x1b$@%F%9%H\x1b(B"), "テスト", 0 },
	{ "jis mixed ascii", "iso-2022-jp", B("Re: \x1b$B%F%9%H\x1b(B ok"), "Re: テスト ok", 0 },
	{ "jis missing final ESC ( B", "iso-2022-jp", B("\x1b$B%F%9%H"), "テスト", 0 },
	{ "jis odd trailing byte", "iso-2022-jp", B("\x1b$B%F%"), "テ\xef\xbf\xbd", 1 },
	{ "jis newline returns to ascii", "iso-2022-jp", B("\x1b$B%F\nabc"), "テ\nabc", 0 },
	{ "jis half-width katakana ESC ( I", "iso-2022-jp", B("\x1b(I12\x1b(B"), "ｱｲ", 0 },
	{ "jis half-width katakana SO/SI", "iso-2022-jp", B("a\x0e" "12\x0f" "b"), "aｱｲb", 0 },
	{ "jis X 0201 Roman", "iso-2022-jp", B("\x1b(Jabc\\~\x1b(B\\"), "abc¥‾\\", 0 },
	{ "jis-2 G2 latin-1", "iso-2022-jp-2", B("caf\x1b.A\x1bNi"), "café", 0 },
	{ "jis-2 GB2312", "iso-2022-jp-2", B("\x1b$A\x44\x4e\x1b(B"), "奈", 0 },
	{ "jis-2 KS C 5601", "iso-2022-jp-2", B("\x1b$(C\x30\x21\x1b(B"), "가", 0 },
	{ "jis-1 JIS X 0212", "iso-2022-jp-1", B("\x1b$(D\x22\x37\x1b(B"), "～", 0 },
	/* user-defined row 0x75 (au emoji live there) → private use, not lost */
	{ "jis user-defined row to PUA", "iso-2022-jp", B("\x1b$Bu!%F\x1b(B"), "\xee\x80\x80テ", 0 },
	{ "jis au emoji 0x7774 to PUA", "iso-2022-jp", B("\x1b$Bwt\x1b(B"), "\xee\x84\x8f", 0 },
	{ "jis pair undefined in CP932", "iso-2022-jp", B("\x1b$B)!\x1b(B"), "\xef\xbf\xbd", 1 },
	{ "jis unknown escape", "iso-2022-jp", B("a\x1bZb"), "a\xef\xbf\xbd" "Zb", 1 },
	{ "jis NUL stripped", "iso-2022-jp", B("\x1b$B%F\x1b(B\0x"), "テx", 0 },
	{ "jis label with raw cp932", "iso-2022-jp", B("\x87\x40\x87\x41\x87\x42"), "①②③", -1 },
	{ "jis label with raw euc-jp", "iso-2022-jp", B("\xa5\xc6\xa5\xb9\xa5\xc8"), "テスト", -1 },
	{ "jis label with raw utf-8", "iso-2022-jp", B("テスト"), "テスト", -1 },

	/* Shift_JIS means CP932. */
	{ "Shift_JIS", "Shift_JIS", B("\x83\x65\x83\x58\x83\x67"), "テスト", 0 },
	{ "Shift_JIS circled", "Shift_JIS", B("\x87\x40\x87\x8a\x81\x60"), "①㈱～", 0 },
	{ "x-sjis", "x-sjis", B("\x83\x65"), "テ", 0 },
	{ "shift-jis", "shift-jis", B("\x83\x65"), "テ", 0 },
	{ "MS_Kanji quoted", "\"MS_Kanji\"", B("\x83\x65"), "テ", 0 },
	{ "windows-31j", "Windows-31J", B("\x83\x65\x5c"), "テ\\", 0 },
	{ "sjis half-width kana", "shift_jis", B("\xb1\xb2"), "ｱｲ", 0 },
	{ "sjis truncated", "shift_jis", B("\x83\x65\x83"), "テ\xef\xbf\xbd", 1 },
	{ "sjis undefined pair, ascii trail kept", "shift_jis", B("\xeb\x40" "A"), "\xef\xbf\xbd@A", 1 },
	{ "sjis undefined pair, 8-bit trail", "shift_jis", B("\x85\x9f\x83\x65"), "\xef\xbf\xbdテ", 1 },
	{ "sjis 5C trail", "shift_jis", B("\x83\x5c\x95\x5c"), "ソ表", 0 },

	/* EUC-JP with NEC extensions. */
	{ "EUC-JP", "EUC-JP", B("\xa5\xc6\xa5\xb9\xa5\xc8"), "テスト", 0 },
	{ "EUC-JP NEC row 13", "euc-jp", B("\xad\xa1\xad\xa2"), "①②", 0 },
	{ "EUC-JP half-width kana", "euc-jp", B("\x8e\xb1"), "ｱ", 0 },
	{ "EUC-JP JIS X 0212", "euc-jp", B("\x8f\xa2\xb7"), "～", 0 },

	/* Wrong labels. */
	{ "us-ascii but jis", "us-ascii", B("\x1b$B%F%9%H\x1b(B"), "テスト", 0 },
	{ "us-ascii but utf-8", "us-ascii", B("テスト"), "テスト", 0 },
	{ "iso-8859-1 but utf-8", "iso-8859-1", B("テスト"), "テスト", 0 },
	{ "iso-8859-1 but cp932", "ISO-8859-1", B("\x83\x65\x83\x58\x83\x67"), "テスト", 0 },
	{ "iso-8859-1 but euc-jp", "ISO-8859-1", B("\xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\xa4\xcf"), "こんにちは", 0 },
	{ "iso-8859-1 really latin", "iso-8859-1", B("caf\xe9 cr\xe8me"), "café crème", 0 },
	{ "us-ascii really cp1252", "us-ascii", B("\x93quoted\x94"), "“quoted”", 0 },
	{ "utf-8 but cp932", "utf-8", B("\x83\x65\x83\x58\x83\x67"), "テスト", 0 },
	{ "utf-8 but euc-jp", "UTF-8", B("\xa5\xc6\xa5\xb9\xa5\xc8"), "テスト", 0 },
	{ "shift_jis but utf-8", "shift_jis", B("テスト"), "テスト", 0 },
	{ "euc-jp but cp932", "euc-jp", B("\x87\x40\x87\x41"), "①②", 0 },
	{ "unknown label", "x-no-such-charset", B("テスト"), "テスト", 0 },
	{ "label with option chars", "UTF-8//TRANSLIT", B("テスト"), "テスト", 0 },
	{ "rfc 2231 lang suffix", "utf-8*ja", B("テスト"), "テスト", 0 },
	{ "empty label", "", B("\x83\x65\x83\x58\x83\x67"), "テスト", 0 },

	/* No label: detection. */
	{ "detect cp932 ①②③", NULL, B("\x87\x40\x87\x41\x87\x42"), "①②③", 0 },
	{ "detect euc-jp", NULL, B("\xa5\xc6\xa5\xb9\xa5\xc8"), "テスト", 0 },
	{ "detect jis", NULL, B("\x1b$B%F%9%H\x1b(B"), "テスト", 0 },
	{ "detect utf-8", NULL, B("テスト"), "テスト", 0 },
	{ "detect cp932 mixed", NULL, B("Re: \x82\xa0\x82\xa2 \x89\xef\x8b\x63"), "Re: あい 会議", 0 },

	/* Other charsets through iconv. */
	{ "iso-8859-2", "iso-8859-2", B("\xb1"), "ą", 0 },
	{ "koi8-r", "KOI8-R", B("\xf0\xd2\xc9"), "При", 0 },
	{ "gb2312 as GBK", "gb2312", B("\xc4\xce"), "奈", 0 },
	{ "ks_c_5601-1987", "ks_c_5601-1987", B("\xb0\xa1"), "가", 0 },

	/* Bad input never fails. */
	{ "utf-8 invalid byte", "utf-8", B("a\xff" "b"), "a\xef\xbf\xbd" "b", 1 },
	{ "utf-8 overlong", "utf-8", B("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd", 1 },
	{ "NUL stripped utf-8", "utf-8", B("a\0b"), "ab", 0 },
	{ "NUL stripped cp932", "shift_jis", B("\x83\x65\0\x83\x67"), "テト", 0 },
	{ "empty input", "utf-8", B(""), "", 0 },
};

struct detect_case {
	const char *in;
	size_t len;
	const char *want;
};

static const struct detect_case DETECT[] = {
	{ B("plain ascii"), "US-ASCII" },
	{ B(""), "US-ASCII" },
	{ B("\x1b$B%F%9%H\x1b(B"), "ISO-2022-JP" },
	{ B("\x1b(I12\x1b(B"), "ISO-2022-JP" },
	{ B("テスト"), "UTF-8" },
	{ B("\x83\x65\x83\x58\x83\x67"), "CP932" },
	{ B("\x87\x40\x87\x41\x87\x42"), "CP932" },
	{ B("\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd"), "CP932" },
	{ B("\xa5\xc6\xa5\xb9\xa5\xc8"), "EUC-JP" },
	{ B("\xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\xa4\xcf"), "EUC-JP" },
	{ B("\xb0\xec\xc8\xcc\xa4\xce\xc6\xfc\xcb\xdc\xb8\xec"), "EUC-JP" },
	{ B("caf\xe9"), "WINDOWS-1252" },
	{ B("M\xfcller"), "WINDOWS-1252" },
	{ B("\xff\xfe\xfd"), "WINDOWS-1252" },
};

struct utf8_case {
	const char *in;
	size_t len;
	bool want;
};

static const struct utf8_case UTF8[] = {
	{ B("abc"), true },
	{ B("テスト"), true },
	{ B("\xf0\x9f\x98\x80"), true },
	{ B("\xc0\xaf"), false },
	{ B("\xe0\x80\xaf"), false },
	{ B("\xed\xa0\x80"), false },
	{ B("\xf4\x90\x80\x80"), false },
	{ B("\xe3\x81"), false },
	{ B("\x80"), false },
};

static void test_conv(void)
{
	for (size_t i = 0; i < sizeof CONV / sizeof CONV[0]; i++) {
		const struct conv_case *c = &CONV[i];
		struct buf out;
		bool lossy = false;
		buf_init(&out, 0);
		mado_status st = charset_to_utf8(c->label, c->in, c->len, &out, &lossy);
		is_int(st, MADO_OK, "%s: status", c->what);
		is_str(out.p ? out.p : "", c->want, "%s", c->what);
		if (c->lossy >= 0)
			is_int(lossy, c->lossy, "%s: lossy flag", c->what);
		buf_free(&out);
	}
}

static void test_detect(void)
{
	for (size_t i = 0; i < sizeof DETECT / sizeof DETECT[0]; i++)
		is_str(charset_detect(DETECT[i].in, DETECT[i].len), DETECT[i].want,
		       "detect #%zu", i);
	for (size_t i = 0; i < sizeof UTF8 / sizeof UTF8[0]; i++)
		is_int(charset_is_utf8(UTF8[i].in, UTF8[i].len), UTF8[i].want, "is_utf8 #%zu", i);
}

static void test_limits(void)
{
	struct buf out;
	buf_init(&out, 5);
	is_int(charset_to_utf8("iso-2022-jp", B("\x1b$B%F%9%H\x1b(B"), &out, NULL), MADO_ELIMIT,
	       "output max respected (jis)");
	buf_free(&out);
	buf_init(&out, 5);
	is_int(charset_to_utf8("shift_jis", B("\x83\x65\x83\x58\x83\x67"), &out, NULL), MADO_ELIMIT,
	       "output max respected (iconv)");
	buf_free(&out);
	buf_init(&out, 9);
	is_int(charset_to_utf8("utf-8", B("テスト"), &out, NULL), MADO_OK, "exactly at max");
	buf_free(&out);

	/* Appends to what is already there; NULL lossy accepted. */
	buf_init(&out, 0);
	buf_append_str(&out, "x");
	charset_to_utf8("euc-jp", B("\xa5\xc6"), &out, NULL);
	is_str(out.p, "xテ", "appends");
	buf_free(&out);

	/* A long ISO-2022-JP text crosses iconv's output chunk. */
	struct buf in;
	buf_init(&in, 0);
	buf_append_str(&in, "\x1b$B");
	for (int i = 0; i < 3000; i++)
		buf_append_str(&in, "%F");
	buf_append_str(&in, "\x1b(B");
	buf_init(&out, 0);
	bool lossy = false;
	charset_to_utf8("iso-2022-jp", in.p, in.len, &out, &lossy);
	is_int(out.len, 9000, "long jis run decoded whole");
	is_int(lossy, 0, "long jis run clean");
	buf_free(&out);
	buf_free(&in);
}

int main(void)
{
	test_conv();
	test_detect();
	test_limits();
	return done_testing();
}
