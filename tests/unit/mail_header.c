/*
 * Unit tests for src/mail/header.c. Tables of raw header bytes and the
 * exact UTF-8 expected; then the header cases of the japanese-test-mails
 * corpus, read straight from the .eml files (find the field in the header
 * block, take it with its continuation lines) and fed to our functions.
 * Run from the repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/header.h"
#include "tap.h"

#define B(s) s, sizeof(s) - 1

/* ---- unfold ------------------------------------------------------------ */

struct unfold_case {
	const char *in;
	size_t len;
	const char *want;
};

static const struct unfold_case UNFOLD[] = {
	{ B("abc"), "abc" },
	{ B("a\r\n b"), "a b" },
	{ B("a\n\tb\r\n"), "a\tb" },
	{ B("a\r\n  b\r\n c"), "a  b c" },
	{ B("a\r\nX-Next: b"), "a" },
	{ B("a\n\n b"), "a" },
	{ B("a\r b"), "a b" },
	{ B(""), "" },
};

static void test_unfold(void)
{
	for (size_t i = 0; i < sizeof UNFOLD / sizeof UNFOLD[0]; i++) {
		struct buf b;
		buf_init(&b, 0);
		is_int(header_unfold(UNFOLD[i].in, UNFOLD[i].len, &b), MADO_OK, "unfold #%zu status", i);
		is_str(b.p, UNFOLD[i].want, "unfold #%zu", i);
		buf_free(&b);
	}
}

/* ---- unstructured text ------------------------------------------------- */

struct text_case {
	const char *what;
	const char *in;
	size_t len;
	const char *want;
};

static const struct text_case TEXT[] = {
	{ "ascii", B("Hello world"), "Hello world" },
	{ "trim", B("  Hello  "), "Hello" },
	{ "B iso-2022-jp", B("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?="), "テスト" },
	{ "b lower case", B("=?iso-2022-jp?b?GyRCJUYlOSVIGyhC?="), "テスト" },
	{ "Q utf-8", B("=?UTF-8?Q?=E3=83=86=E3=82=B9=E3=83=88?="), "テスト" },
	{ "q underscore", B("=?utf-8?q?a_b?="), "a b" },
	{ "prefix text", B("Re: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?="), "Re: テスト" },
	{ "word inside text", B("abc=?UTF-8?B?44OG44K544OI?=def"), "abcテストdef" },
	{ "adjacent words no space", B("=?UTF-8?B?44OG?==?UTF-8?B?44K544OI?="), "テスト" },
	{ "space between words dropped", B("=?UTF-8?B?44OG?= \t =?UTF-8?B?44K544OI?="), "テスト" },
	{ "fold between words dropped", B("=?UTF-8?B?44OG?=\r\n =?UTF-8?B?44K544OI?="), "テスト" },
	{ "space kept before text", B("=?UTF-8?B?44OG?= x"), "テ x" },
	/* Split mid-character: bytes of one character in two words. */
	{ "utf-8 split across B words", B("=?UTF-8?B?44OG4w==?= =?UTF-8?B?grnjg4g=?="), "テスト" },
	{ "utf-8 split across Q words", B("=?UTF-8?Q?=E3=83=86=E3?= =?UTF-8?Q?=82=B9=E3=83=88?="), "テスト" },
	{ "utf-8 split mid base64 quantum", B("=?UTF-8?B?44OG4?= =?UTF-8?B?4K544OI?="), "テスト" },
	{ "utf-8 split mid Q escape", B("=?UTF-8?Q?=E3=83=86=E?= =?UTF-8?Q?3=82=B9=E3=83=88?="), "テスト" },
	{ "jis split across B words", B("=?ISO-2022-JP?B?GyRCJUYl?= =?ISO-2022-JP?B?OSVIGyhC?="), "テスト" },
	{ "jis split across Q words", B("=?ISO-2022-JP?Q?=1B$B%F%?= =?ISO-2022-JP?Q?9%H=1B(B?="), "テスト" },
	{ "cp932 split across B words", B("=?Shift_JIS?B?h0CH?= =?Shift_JIS?B?QYdC?="), "①②③" },
	{ "jis word missing ESC ( B", B("=?ISO-2022-JP?B?GyRCJUYlOSVI?= ok"), "テスト ok" },
	{ "jis CP932 ext in word", B("=?ISO-2022-JP?B?GyRCLSEtIi1qGyhC?="), "①②㈱" },
	{ "charset case differs, same run", B("=?utf-8?B?44OG4w==?= =?UTF-8?B?grnjg4g=?="), "テスト" },
	{ "different charsets", B("=?ISO-8859-1?Q?caf=E9?= =?UTF-8?Q?_=E2=82=AC?="), "café €" },
	{ "rfc 2231 language", B("=?UTF-8*ja?B?44OG44K544OI?="), "テスト" },
	{ "mislabelled word", B("=?us-ascii?B?GyRCJUYlOSVIGyhC?="), "テスト" },
	{ "unknown charset word", B("=?x-unknown?B?44OG44K544OI?="), "テスト" },
	{ "sjis label", B("=?Shift_JIS?B?g2WDWINn?="), "テスト" },
	{ "euc-jp label", B("=?EUC-JP?B?pcal uaXI?="), "テスト" },
	{ "raw iso-2022-jp", B("\x1b$B%F%9%H\x1b(B"), "テスト" },
	{ "raw cp932", B("\x87\x40\x87\x41\x87\x42"), "①②③" },
	{ "raw euc-jp", B("\xa5\xc6\xa5\xb9\xa5\xc8"), "テスト" },
	{ "raw utf-8", B("テスト"), "テスト" },
	{ "raw and encoded", B("\x83\x65 =?UTF-8?B?44K5?="), "テ ス" },
	{ "fold inside Q word", B("=?utf-8?Q?Hello\r\n _there!?="), "Hello there!" },
	{ "fold inside B word", B("=?ISO-2022-JP?B?GyRCJUYlOSVI\r\n JWEhPCVrGyhC?="), "テストメール" },
	{ "folds become one space", B(" Fwd: \n\tSaying \n Hello\r\n"), "Fwd: Saying Hello" },
	{ "end of field", B("a\r\nX-Other: b"), "a" },
	{ "NUL removed", B("te\0st"), "test" },
	{ "only NUL", B("\0"), "" },
	{ "controls removed", B("a\x01\x1b" "b\x7f" "c\td"), "abc d" },
	{ "C1 removed", B("=?UTF-8?Q?a=C2=85b?="), "ab" },
	{ "encoded CR LF become space", B("=?UTF-8?Q?a=0D=0Ab?="), "a  b" },
	{ "bad: no end", B("=?UTF-8?B?44OG"), "=?UTF-8?B?44OG" },
	{ "bad: no encoding", B("=?UTF-8?X?abc?="), "=?UTF-8?X?abc?=" },
	{ "bad: lone =?", B("a =? b"), "a =? b" },
	{ "empty word", B("Some =?utf-8?Q?" "?=text"), "Some text" },
	{ "invalid base64 chars ignored", B("=?UTF-8?B?44OG*44K5?="), "テス" },
	{ "bad utf-8 in word", B("=?UTF-8?B?/w==?="), "\xef\xbf\xbd" },
	{ "dangling = in Q", B("=?UTF-8?Q?a=?="), "a=" },
};

static void test_text(void)
{
	for (size_t i = 0; i < sizeof TEXT / sizeof TEXT[0]; i++) {
		struct buf b;
		buf_init(&b, 0);
		is_int(header_decode_text(TEXT[i].in, TEXT[i].len, &b), MADO_OK, "%s: status",
		       TEXT[i].what);
		is_str(b.p ? b.p : "", TEXT[i].want, "text: %s", TEXT[i].what);
		buf_free(&b);
	}
	struct buf b;
	buf_init(&b, 4);
	is_int(header_decode_text(B("=?UTF-8?B?44OG44K544OI?="), &b), MADO_ELIMIT, "text: max");
	buf_free(&b);
}

/* ---- addresses ------------------------------------------------------- */

struct addr_case {
	const char *what;
	const char *in;
	size_t len;
	const char *want;   /* "name|email" joined with "; " */
};

static const struct addr_case ADDR[] = {
	{ "name angle", B("John Doe <jdoe@example.com>"), "John Doe|jdoe@example.com" },
	{ "bare", B("jdoe@example.com"), "|jdoe@example.com" },
	{ "angle only", B("<jdoe@example.com>"), "|jdoe@example.com" },
	{ "quoted name", B("\"Doe, John\" <j@x.test>"), "Doe, John|j@x.test" },
	{ "escapes", B("\"Giant; \\\"Big\\\" Box\" <s@x.test>"), "Giant; \"Big\" Box|s@x.test" },
	{ "list", B("a@x.test, B <b@x.test>,c@x.test"), "|a@x.test; B|b@x.test; |c@x.test" },
	{ "empty members", B(", ,a@x.test,,"), "|a@x.test" },
	{ "group flattened", B("Team: a@x.test, B <b@x.test>; c@x.test"),
	  "|a@x.test; B|b@x.test; |c@x.test" },
	{ "undisclosed", B("undisclosed-recipients:;"), "" },
	{ "undisclosed spaced", B("Undisclosed recipients: ;"), "" },
	{ "comment as name", B("jdoe@example.com (John Doe)"), "John Doe|jdoe@example.com" },
	{ "comment dropped when named", B("John (work) <j@x.test>"), "John|j@x.test" },
	{ "comments in addr-spec", B("<pete(his account)@silly.test(his host)>"), "|pete@silly.test" },
	{ "route", B("Mary <@node.test,@b.test:mary@example.net>"), "Mary|mary@example.net" },
	{ "missing >", B("Foo <foo@x.test"), "Foo|foo@x.test" },
	{ "missing > then more", B("Foo <foo@x.test, Bar <bar@x.test>"), "Foo|foo@x.test; Bar|bar@x.test" },
	{ "space in angle", B("<  a@x.test >"), "|a@x.test" },
	{ "name after angle", B("<a@b.com> =?utf-8?q?Doe?="), "Doe|a@b.com" },
	{ "B word name", B("=?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <yamada@example.jp>"),
	  "山田 太郎|yamada@example.jp" },
	{ "B word in quotes", B("\"=?ISO-2022-JP?B?GyRCM3Q8MDJxPFIlRiU5JUgbKEI=?=\" <info@example.jp>"),
	  "株式会社テスト|info@example.jp" },
	{ "B word with comma inside", B("=?UTF-8?Q?Doe,_John?= <j@x.test>"), "Doe, John|j@x.test" },
	{ "split B words name", B("=?UTF-8?B?44OG4w==?= =?UTF-8?B?grnjg4g=?= <t@x.test>"), "テスト|t@x.test" },
	{ "raw jis name", B("\x1b$B;3ED\x1b(B <y@x.test>"), "山田|y@x.test" },
	{ "raw jis name, ESC ( B missing", B("\x1b$B;3ED <y@x.test>"), "山田|y@x.test" },
	{ "raw jis name with ; and \"", B("\x1b$B%;\";\x1b(B <y@x.test>"), "セ∋|y@x.test" },
	{ "raw cp932 name", B("\x8e\x52\x93\x63 <y@x.test>"), "山田|y@x.test" },
	{ "raw cp932 quoted with 5C", B("\"\x83\x5c\x83\x74\x83\x67\" <s@x.test>"), "ソフト|s@x.test" },
	{ "raw euc-jp name", B("\xbb\xb3\xc5\xc4 <y@x.test>"), "山田|y@x.test" },
	{ "raw utf-8 name", B("山田 <y@x.test>"), "山田|y@x.test" },
	{ "folded", B("Test Sender\r\n <test@example.com>"), "Test Sender|test@example.com" },
	{ "quoted local part", B("\"john doe\"@example.com"), "|\"john doe\"@example.com" },
	{ "spaced addr-spec", B("jdoe @ example . org"), "|jdoe@example.org" },
	{ "name without angle", B("Mary Smith mary@x.test"), "Mary Smith|mary@x.test" },
	{ "local only", B("postmaster"), "|postmaster" },
	{ "name only", B("\"Just A Name\""), "Just A Name|" },
	{ "null sender", B("<>"), "" },
	{ "garbage", B(">>><<<,,;;::\"\"()"), "" },
	{ "unclosed quote", B("\"Foo <a@x.test>"), "Foo <a@x.test>|" },
	{ "unclosed comment", B("a@x.test (foo"), "foo|a@x.test" },
	{ "nested comment", B("a@x.test (a (b) c)"), "a (b) c|a@x.test" },
	{ "case kept", B("<John.Doe@Example.COM>"), "|John.Doe@Example.COM" },
	{ "two angles", B("A <a@x.test> <b@x.test>"), "A|a@x.test; |b@x.test" },
	{ "end of field", B("a@x.test\r\nb@x.test"), "|a@x.test" },
};

static void addr_string(const struct mail_addr_list *l, struct buf *b)
{
	for (size_t i = 0; i < l->n; i++)
		buf_printf(b, "%s%s|%s", i ? "; " : "", l->v[i].name, l->v[i].email);
	buf_append(b, "", 0);
}

static void test_addresses(void)
{
	for (size_t i = 0; i < sizeof ADDR / sizeof ADDR[0]; i++) {
		struct arena *a = arena_new();
		struct mail_addr_list l;
		struct buf b;
		buf_init(&b, 0);
		is_int(header_parse_addresses(a, ADDR[i].in, ADDR[i].len, &l), MADO_OK, "%s: status",
		       ADDR[i].what);
		addr_string(&l, &b);
		is_str(b.p, ADDR[i].want, "addr: %s", ADDR[i].what);
		buf_free(&b);
		arena_free(a);
	}
	/* Bounded: many addresses. */
	struct buf in;
	buf_init(&in, 0);
	for (int i = 0; i < 3000; i++)
		buf_printf(&in, "u%d@x.test,", i);
	struct arena *a = arena_new();
	struct mail_addr_list l;
	is_int(header_parse_addresses(a, in.p, in.len, &l), MADO_OK, "many addresses: status");
	is_int(l.n, 1000, "many addresses: capped");
	arena_free(a);
	buf_free(&in);
}

/* ---- msg-ids --------------------------------------------------------- */

struct id_case {
	const char *in;
	size_t len;
	const char *want;   /* ids joined with " " */
};

static const struct id_case IDS[] = {
	{ B("<a@b>"), "a@b" },
	{ B("<a@b> <c@d>"), "a@b c@d" },
	{ B("<a@b>\r\n <c@d>"), "a@b c@d" },
	{ B("<a@b>,<c@d>"), "a@b c@d" },
	{ B("<a@b> (comment <x@y>) <c@d>"), "a@b c@d" },
	{ B("Your message of \"Mon <x>\" <a@b>"), "a@b" },
	{ B("<a@\r\n b>"), "a@b" },
	{ B("a@b"), "a@b" },
	{ B("  a@b  c@d "), "a@b c@d" },
	{ B("m"), "m" },
	{ B("two words"), "" },
	{ B("<>"), "" },
	{ B("<a@b"), "a@b" },
	{ B("<a@b<c@d>"), "a@b c@d" },
	{ B(""), "" },
};

static void test_msgids(void)
{
	for (size_t i = 0; i < sizeof IDS / sizeof IDS[0]; i++) {
		struct arena *a = arena_new();
		const char **ids;
		size_t n;
		struct buf b;
		buf_init(&b, 0);
		is_int(header_parse_msgids(a, IDS[i].in, IDS[i].len, &ids, &n), MADO_OK,
		       "msgids #%zu status", i);
		for (size_t k = 0; k < n; k++)
			buf_printf(&b, "%s%s", k ? " " : "", ids[k]);
		buf_append(&b, "", 0);
		is_str(b.p, IDS[i].want, "msgids #%zu", i);
		ok(ids && ids[n] == NULL, "msgids #%zu NULL-terminated", i);
		buf_free(&b);
		arena_free(a);
	}
	/* Over the limit: the first and the newest are kept, in order. */
	struct buf in;
	buf_init(&in, 0);
	for (int i = 0; i < 2500; i++)
		buf_printf(&in, "<%d@x> ", i);
	struct arena *a = arena_new();
	const char **ids;
	size_t n;
	header_parse_msgids(a, in.p, in.len, &ids, &n);
	is_int(n, 1000, "msgids capped");
	is_str(ids[0], "0@x", "msgids keeps root");
	is_str(ids[1], "1501@x", "msgids oldest kept after root");
	is_str(ids[n - 1], "2499@x", "msgids keeps newest last");
	arena_free(a);
	buf_free(&in);
}

/* ---- parameters -------------------------------------------------------- */

struct param_case {
	const char *what;
	const char *in;
	size_t len;
	const char *name;
	const char *want;   /* NULL: absent */
};

static const struct param_case PARAM[] = {
	{ "simple", B("text/plain; charset=iso-2022-jp"), "charset", "iso-2022-jp" },
	{ "quoted", B("text/plain; charset=\"Shift_JIS\""), "charset", "Shift_JIS" },
	{ "case-insensitive name", B("text/plain; CharSet=utf-8"), "charset", "utf-8" },
	{ "absent", B("text/plain; format=flowed"), "charset", NULL },
	{ "second param", B("text/plain; charset=utf-8; format=flowed"), "format", "flowed" },
	{ "folded", B("multipart/mixed;\r\n boundary=\"----=_Part_1\""), "boundary", "----=_Part_1" },
	{ "boundary not decoded", B("multipart/mixed; boundary=\"=?a?b?c?=\""), "boundary", "=?a?b?c?=" },
	{ "comment after value", B("text/plain; charset=us-ascii (Plain text)"), "charset", "us-ascii" },
	{ "; inside quotes", B("a/b; x=\"1;2\"; name=n"), "name", "n" },
	{ "name in quoted other value", B("a/b; x=\"name=bad\"; name=good"), "name", "good" },
	{ "2231 ext", B("attachment; filename*=UTF-8''%E6%B7%BB%E4%BB%98%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB.pdf"),
	  "filename", "添付ファイル.pdf" },
	{ "2231 ext with lang", B("attachment; filename*=utf-8'ja'%E3%83%86%E3%82%B9%E3%83%88.txt"),
	  "filename", "テスト.txt" },
	{ "2231 ext cp932", B("attachment; filename*=shift_jis''%95%F1%8D%90%8F%91.xlsx"),
	  "filename", "報告書.xlsx" },
	{ "2231 ext quoted", B("attachment; filename*=\"UTF-8''%E3%83%86.txt\""), "filename", "テ.txt" },
	{ "2231 continuations", B("attachment;\r\n filename*0*=UTF-8''%E6%B7%BB%E4%BB;\r\n filename*1*=%98%E3%83%95%E3%82%A1;\r\n filename*2=.pdf"),
	  "filename", "添付ファ.pdf" },
	{ "2231 continuations out of order", B("a/b; n*1=\"def\"; n*0=\"abc\""), "n", "abcdef" },
	{ "2231 continuation jis", B("attachment;\r\n filename*0*=iso-2022-jp''%1B%24%42%25%22%25%24%25%46%25%60%1B%28%42%2E%63;\r\n filename*1*=%73%76"),
	  "filename", "アイテム.csv" },
	{ "2231 preferred over plain", B("a/b; name=\"plain.txt\"; name*=utf-8''ext.txt"), "name", "ext.txt" },
	{ "2231 no charset", B("a/b; name*=%E3%83%86.txt"), "name", "テ.txt" },
	{ "2231 bad percent", B("a/b; name*=utf-8''100%25%zz"), "name", "100%%zz" },
	{ "2047 in quotes", B("attachment; filename=\"=?ISO-2022-JP?B?GyRCRTpJVSVVJSElJCVrGyhCLnBkZg==?=\""),
	  "filename", "添付ファイル.pdf" },
	{ "2047 unquoted", B("image/gif; name==?utf-8?B?44OG44K544OI?=.gif"), "name", "テスト.gif" },
	{ "2047 folded in quotes", B("attachment;\r\n\tfilename=\"=?utf-8?Q?Auftragsbest=C3=A4tigung?=\r\n =?utf-8?Q?.pdf?=\""),
	  "filename", "Auftragsbestätigung.pdf" },
	{ "raw cp932 value", B("attachment; filename=\"\x95\x5c.txt\""), "filename", "表.txt" },
	{ "raw utf-8 value", B("attachment; filename=\"表.txt\""), "filename", "表.txt" },
	{ "raw euc-jp value", B("attachment; filename=\"\xa5\xc6\xa5\xb9\xa5\xc8.txt\""), "filename", "テスト.txt" },
	{ "empty unquoted", B("text/plain; name=  "), "name", NULL },
	{ "empty quoted", B("text/plain; name=\"\""), "name", "" },
	{ "no value part", B("; charset=utf-8"), "charset", "utf-8" },
	{ "garbage", B("a/b; ;;; = ; =x; name"), "name", NULL },
	{ "prefix of name", B("a/b; filename2=x"), "filename", NULL },
	{ "NUL removed", B("a/b; name=\"a\0b\""), "name", "ab" },
	{ "section index too large", B("a/b; n*0=a; n*99999=b"), "n", "a" },
};

static void test_params(void)
{
	for (size_t i = 0; i < sizeof PARAM / sizeof PARAM[0]; i++) {
		struct arena *a = arena_new();
		const char *v = header_param_get(a, PARAM[i].in, PARAM[i].len, PARAM[i].name);
		is_str(v, PARAM[i].want, "param: %s", PARAM[i].what);
		arena_free(a);
	}
}

struct token_case {
	const char *in;
	size_t len;
	const char *want;
};

static const struct token_case TOKEN[] = {
	{ B("text/plain"), "text/plain" },
	{ B(" Text/HTML ; charset=utf-8"), "text/html" },
	{ B("image/ jpeg"), "image/jpeg" },
	{ B("(c) multipart (x) / mixed (y); boundary=x"), "multipart/mixed" },
	{ B("attachment;\r\n filename=x"), "attachment" },
	{ B("INLINE"), "inline" },
	{ B(""), "" },
	{ B(";"), "" },
};

static void test_token(void)
{
	for (size_t i = 0; i < sizeof TOKEN / sizeof TOKEN[0]; i++) {
		struct arena *a = arena_new();
		is_str(header_value_token(a, TOKEN[i].in, TOKEN[i].len), TOKEN[i].want, "token #%zu", i);
		arena_free(a);
	}
}

/* ---- the japanese-test-mails corpus ------------------------------------ */

#define JT "tests/corpus/japanese-test-mails/normal/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_append(&b, tmp, n);
	fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

/*
 * The raw value of the first field `name` in the header block (or, with
 * anywhere, in the whole file: for MIME part headers), continuation lines
 * included, without the final line break. NULL if absent.
 */
static bool field_raw(const char *m, size_t len, const char *name, bool anywhere,
                      const char **v, size_t *vlen)
{
	size_t nl = strlen(name), i = 0;
	while (i < len) {
		size_t e = i;
		while (e < len && m[e] != '\n')
			e++;
		size_t ll = e - i;
		if (ll && m[e - 1] == '\r')
			ll--;
		if (ll == 0 && !anywhere)
			return false;   /* end of the header block */
		if (ll > nl && strncasecmp(m + i, name, nl) == 0 && m[i + nl] == ':') {
			size_t b = i + nl + 1, j = e;
			while (j + 1 < len && (m[j + 1] == ' ' || m[j + 1] == '\t')) {
				j++;
				while (j < len && m[j] != '\n')
					j++;
			}
			if (b < len && m[b] == ' ')
				b++;
			*v = m + b;
			*vlen = (j > b ? j : b) - b;
			return true;
		}
		i = e + 1;
	}
	return false;
}

struct subj_case {
	const char *file;
	const char *want;   /* NULL: no Subject field */
};

static const struct subj_case SUBJ[] = {
	{ "no-subject.eml", NULL },
	{ "subject-in-body.eml", NULL },
	{ "subject-in-body2.eml", "test" },
	{ "empty.eml", "" },
	{ "ascii.eml", "test" },
	{ "base64-iso-2022-jp.eml", "テスト" },
	{ "raw-iso-2022-jp.eml", "テスト" },
	{ "raw-cp932.eml", "①②③" },
	{ "raw-euc-jp.eml", "テスト" },
	{ "raw-utf-8.eml", "テスト" },
	{ "90-columns.eml", "123456789012345678901234567890123456789012345678901234567890"
	                    "123456789012345678901234567890" },
	{ "fold-after-header-name.eml", "test" },
	{ "fold-69-column.eml", "123456789012345678901234567890123456789012345678901234567890 1234567890" },
	{ "folded-ascii.eml", "test test" },
	{ "folded-base64-iso-2022-jp.eml", "テストテスト" },
	/* A fold between raw text is white space (RFC 5322 unfolding). */
	{ "folded-raw-iso-2022-jp.eml", "テスト テスト" },
	{ "folded-raw-cp932.eml", "①②③ ④⑤⑥" },
	{ "folded-raw-euc-jp.eml", "テスト テスト" },
	{ "folded-raw-utf-8.eml", "テスト テスト" },
	{ "folded-long-lines.eml", "123456789012345678901234567890123456789012345678901234567890"
	                           "123456789012345678901234567890 "
	                           "123456789012345678901234567890123456789012345678901234567890"
	                           "123456789012345678901234567890" },
	{ "folded-mime-incomplete.eml", "テストメール" },
	{ "2-subjects.eml", "test1" },
	{ "only-null.eml", "" },
	{ "include-null.eml", "test" },
};

static void test_corpus(void)
{
	for (size_t i = 0; i < sizeof SUBJ / sizeof SUBJ[0]; i++) {
		char path[512];
		size_t len;
		snprintf(path, sizeof path, JT "headers/subject/%s", SUBJ[i].file);
		char *m = slurp(path, &len);
		if (!ok(m != NULL, "corpus %s readable", SUBJ[i].file))
			continue;
		const char *v;
		size_t vlen;
		bool found = field_raw(m, len, "Subject", false, &v, &vlen);
		if (!SUBJ[i].want) {
			ok(!found, "corpus %s: no Subject", SUBJ[i].file);
		} else if (ok(found, "corpus %s: Subject found", SUBJ[i].file)) {
			struct buf b;
			buf_init(&b, 0);
			header_decode_text(v, vlen, &b);
			is_str(b.p ? b.p : "", SUBJ[i].want, "corpus %s", SUBJ[i].file);
			buf_free(&b);
		}
		free(m);
	}

	static const struct {
		const char *file, *field, *want;
	} ADDRS[] = {
		{ "folded-header/from.eml", "From", "Test Sender|test-from@example.com" },
		{ "folded-header/from.eml", "To", "Test Receiver|test-to@example.com" },
		{ "folded-header/to.eml", "To", "Test Sender|test-to@example.com" },
		{ "folded-header/to.eml", "From", "|test-from@example.com" },
		{ "headers/subject/folded-mime-incomplete.eml", "From", "test user|test@example.com" },
	};
	for (size_t i = 0; i < sizeof ADDRS / sizeof ADDRS[0]; i++) {
		char path[512];
		size_t len;
		snprintf(path, sizeof path, JT "%s", ADDRS[i].file);
		char *m = slurp(path, &len);
		const char *v;
		size_t vlen;
		if (!ok(m && field_raw(m, len, ADDRS[i].field, false, &v, &vlen), "corpus %s %s found",
		        ADDRS[i].file, ADDRS[i].field)) {
			free(m);
			continue;
		}
		struct arena *a = arena_new();
		struct mail_addr_list l;
		struct buf b;
		buf_init(&b, 0);
		header_parse_addresses(a, v, vlen, &l);
		addr_string(&l, &b);
		is_str(b.p, ADDRS[i].want, "corpus %s %s", ADDRS[i].file, ADDRS[i].field);
		buf_free(&b);
		arena_free(a);
		free(m);
	}

	/* Attachment file name: RFC 2231 continuations in ISO-2022-JP, no language. */
	{
		size_t len;
		char *m = slurp(JT "attachments/filename/content-disposition-encoded-filename-without-lang.eml", &len);
		const char *v;
		size_t vlen;
		if (ok(m && field_raw(m, len, "Content-Disposition", true, &v, &vlen),
		       "corpus filename: Content-Disposition found")) {
			struct arena *a = arena_new();
			is_str(header_value_token(a, v, vlen), "attachment", "corpus filename: disposition");
			is_str(header_param_get(a, v, vlen, "filename"), "アイテム.csv", "corpus filename");
			arena_free(a);
		}
		if (m && field_raw(m, len, "Subject", false, &v, &vlen)) {
			struct buf b;
			buf_init(&b, 0);
			header_decode_text(v, vlen, &b);
			is_str(b.p, "アイテム価格ファイル", "corpus filename: subject");
			buf_free(&b);
		}
		free(m);
	}
}

int main(void)
{
	test_unfold();
	test_text();
	test_addresses();
	test_msgids();
	test_params();
	test_token();
	test_corpus();
	return done_testing();
}
