/*
 * Golden test: every mail of tests/corpus/japanese-test-mails reads as its
 * README says (subject, body text, attachment names, HTML and inline
 * images), through the whole parser (mail_parse).
 *
 * Where the corpus README and the bytes disagree, the bytes win and the
 * row says why: the docomo Shift_JIS and emobile UTF-8 "丸付き数字の1"
 * mails actually carry ⑩ (Shift_JIS 0x8749, UTF-8 E2 91 A9).
 * Carrier emoji (docomo/au/SoftBank/emobile) have no standard Unicode
 * code point in their charsets: they must survive as private-use
 * characters (what the carriers' own Unicode mappings use), never as
 * U+FFFD or nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"
#include "tap.h"
#include "util/fsio.h"

#define DIR "tests/corpus/japanese-test-mails/normal/"

struct row {
	const char *file;
	const char *subject;        /* exact */
	const char *text;           /* substring of the body text, or NULL */
	const char *attachments;    /* comma-joined filenames, or NULL = don't check */
	const char *html;           /* substring of the sanitized HTML, or NULL */
	int pua;                    /* body must contain a private-use character */
};

static const struct row rows[] = {
	{ "attachments/filename/content-disposition-encoded-filename-without-lang.eml",
	  "アイテム価格ファイル", "アイテムの買値と売値を書いたファイルを送ります。", "アイテム.csv", NULL, 0 },
	{ "decomail/docomo-iso-2022-jp.eml", "デコメール", "謹賀新年",
	  "face-angel.gif,face-crying.gif", "cid:02@130708.052256", 0 },
	{ "decomail/au-iso-2022-jp.eml", "でこめ", "パンダ", "face-angel.gif,face-crying.gif,face-devilish.gif",
	  "<img src=\"cid:00@130708.172210\">パンダ", 0 },
	{ "decomail/emobile-shift_jis.eml", "デコメ送信テスト", "デコメール送信テスト",
	  "face-angel.GIF,face-crying.GIF", "デコメール送信テスト", 0 },
	{ "emoji/docomo.eml", "EmojiTest", "\xee\x9c\x8c" /* U+E70C, docomo's own mapping of F9B1 */, "", NULL, 1 },
	{ "emoji/au.eml", "EmojiTest", NULL, "", NULL, 1 },
	{ "emoji/emobile.eml", "EmojiTest", "\xee\x98\x90" /* U+E610 as sent */, "", NULL, 1 },
	{ "emoji/softbank.eml", "EmojiTest", NULL, "", NULL, 1 },
	{ "emoji/unicode.eml", "EmojiTest", "😠", "", NULL, 0 },
	{ "folded-header/from.eml", "This is a test mail", "Message body", "", NULL, 0 },
	{ "folded-header/to.eml", "This is a test mail", "Message body", "", NULL, 0 },
	{ "headers/subject/2-subjects.eml", "test1", "test", "", NULL, 0 },
	{ "headers/subject/90-columns.eml",
	  "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890",
	  "test", "", NULL, 0 },
	{ "headers/subject/ascii.eml", "test", "test", "", NULL, 0 },
	{ "headers/subject/base64-iso-2022-jp.eml", "テスト", "test", "", NULL, 0 },
	{ "headers/subject/empty.eml", "", "test", "", NULL, 0 },
	{ "headers/subject/fold-69-column.eml",
	  "123456789012345678901234567890123456789012345678901234567890 1234567890", "test", "", NULL, 0 },
	{ "headers/subject/fold-after-header-name.eml", "test", "test", "", NULL, 0 },
	{ "headers/subject/folded-ascii.eml", "test test", "test", "", NULL, 0 },
	{ "headers/subject/folded-base64-iso-2022-jp.eml", "テストテスト", "test", "", NULL, 0 },
	{ "headers/subject/folded-long-lines.eml",
	  "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890 "
	  "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890",
	  "test", "", NULL, 0 },
	/* base64 block split over two encoded words mid double-byte segment */
	{ "headers/subject/folded-mime-incomplete.eml", "テストメール", "test", "", NULL, 0 },
	/* raw folded values: unfolding keeps the folding white space (RFC 5322 2.2.3) */
	{ "headers/subject/folded-raw-cp932.eml", "①②③ ④⑤⑥", "test", "", NULL, 0 },
	{ "headers/subject/folded-raw-euc-jp.eml", "テスト テスト", "test", "", NULL, 0 },
	{ "headers/subject/folded-raw-iso-2022-jp.eml", "テスト テスト", "test", "", NULL, 0 },
	{ "headers/subject/folded-raw-utf-8.eml", "テスト テスト", "test", "", NULL, 0 },
	{ "headers/subject/include-null.eml", "test", "test", "", NULL, 0 },
	{ "headers/subject/no-subject.eml", "", "test", "", NULL, 0 },
	{ "headers/subject/only-null.eml", "", "test", "", NULL, 0 },
	{ "headers/subject/raw-cp932.eml", "①②③", "test", "", NULL, 0 },
	{ "headers/subject/raw-euc-jp.eml", "テスト", "test", "", NULL, 0 },
	{ "headers/subject/raw-iso-2022-jp.eml", "テスト", "test", "", NULL, 0 },
	{ "headers/subject/raw-utf-8.eml", "テスト", "test", "", NULL, 0 },
	/* a Subject: line in the body is body text, never the subject */
	{ "headers/subject/subject-in-body.eml", "", "Subject: test", "", NULL, 0 },
	{ "headers/subject/subject-in-body2.eml", "test", "Subject: test", "", NULL, 0 },
	{ "html/windows10-mail.eml", "This is test", "This is test.", "", "ＭＳ Ｐゴシック", 0 },
	{ "machine-dependent/au-iso-2022-jp-extra-7bit.eml", "Machine-dependent", "丸数字①", "", NULL, 0 },
	/* README says ①; the bytes are Shift_JIS 0x8749 = ⑩ */
	{ "machine-dependent/docomo-shift-jis-extra-8bit.eml", "Machine-dependent", "丸数字⑩", "", NULL, 0 },
	/* README says ①; the base64 decodes to UTF-8 ⑩ */
	{ "machine-dependent/emobile-utf-8-extra-base64.eml", "Machine-dependent", "丸数字⑩", "", NULL, 0 },
};

static int has_pua(const char *s)
{
	/* U+E000..U+F8FF is EE 80 80 .. EF A3 BF in UTF-8 */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((p[0] == 0xEE || (p[0] == 0xEF && p[1] >= 0x80 && p[1] <= 0xA3)) && p[1] >= 0x80 && p[2] >= 0x80)
			return 1;
	return 0;
}

int main(void)
{
	struct mail_limits lim;
	mail_limits_default(&lim);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		char path[512];
		snprintf(path, sizeof path, DIR "%s", r->file);
		struct buf raw;
		buf_init(&raw, 0);
		struct mado_err err;
		if (fsio_read_file(path, 1 << 24, &raw, &err)) {
			ok(0, "%s: read: %s", r->file, err.msg);
			continue;
		}
		struct mail_msg *m = NULL;
		if (mail_parse(raw.p, raw.len, &lim, &m, &err)) {
			ok(0, "%s: parse: %s", r->file, err.msg);
			buf_free(&raw);
			continue;
		}
		is_str(m->subject, r->subject, "%s: subject", r->file);
		if (r->text)
			ok(strstr(m->text, r->text) != NULL, "%s: body contains '%s'", r->file, r->text);
		ok(strstr(m->text, "\xef\xbf\xbd") == NULL, "%s: no U+FFFD in the body", r->file);
		ok(strchr(m->text, '\r') == NULL, "%s: body line ends are LF", r->file);
		if (r->pua)
			ok(has_pua(m->text), "%s: carrier emoji kept as a private-use character", r->file);
		if (r->attachments) {
			struct buf names;
			buf_init(&names, 0);
			for (size_t k = 0; k < m->nparts; k++)
				if (m->parts[k].role == MAIL_PART_ATTACHMENT)
					buf_printf(&names, "%s%s", names.len ? "," : "", m->parts[k].filename);
			is_str(names.p ? names.p : "", r->attachments, "%s: attachments", r->file);
			buf_free(&names);
		}
		if (r->html)
			ok(strstr(m->html, r->html) != NULL, "%s: HTML contains '%s'", r->file, r->html);
		mail_msg_free(m);
		buf_free(&raw);
	}
	return done_testing();
}
