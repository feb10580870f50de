/* Quote folding (src/mail/quote.c): real-looking English and Japanese
 * mails, the new text each leaves, and the folded ranges. */
#include <string.h>

#include "mail/quote.h"
#include "tap.h"

static const struct {
	const char *name, *text, *want_new, *want_ranges;
} cases[] = {
	{ "Gmail English reply",
	  "Thanks, that fixed it.\n\nOn Mon, Nov 23, 2026 at 10:00 AM Example Support <support@example.com> wrote:\n"
	  "> Please restart the printer.\n>\n> Ann\n",
	  "Thanks, that fixed it.", "history 2-6" },
	{ "attribution wrapped onto two lines",
	  "Still broken.\n\nOn Mon, 23 Nov 2026 10:00:00 +0900, Example Support <support+12.abcdefghijkl@example.com>\n"
	  "wrote:\n> Try again.\n",
	  "Still broken.", "history 2-5" },
	{ "Thunderbird Japanese",
	  "ご回答ありがとうございます。\n解決しました。\n\n山田 太郎 さんは書きました:\n> 再起動してください。\n",
	  "ご回答ありがとうございます。\n解決しました。", "history 3-5" },
	{ "Japanese with date prefix",
	  "承知しました。\n\n2026/11/23 10:00、サポート さんは書きました：\n> お問い合わせありがとうございます。\n",
	  "承知しました。", "history 2-4" },
	{ "Gmail in Japanese",
	  "確認します。\n\n2026年11月23日(月) 10:00 Example Support <support@example.com>:\n\n> 請求書を添付します。\n",
	  "確認します。", "history 2-5" },
	{ "Outlook separator",
	  "Please see below.\n\n-----Original Message-----\nFrom: Support <support@example.com>\nSent: Monday, November 23, 2026 10:00 AM\n"
	  "To: Alice\nSubject: RE: Printer\n\nRestart it.\n",
	  "Please see below.", "history 2-9" },
	{ "Outlook header block without separator",
	  "It works now.\n\n________________________________\nFrom: Support <support@example.com>\nSent: Monday, November 23, 2026 10:00\n"
	  "Subject: Printer\n\nRestart it.\n",
	  "It works now.", "history 2-8" },
	{ "Outlook in Japanese",
	  "よろしくお願いします。\n\n差出人: サポート <support@example.com>\n送信日時: 2026年11月23日 10:00\n宛先: 山田\n件名: RE: 請求書\n\n本文\n",
	  "よろしくお願いします。", "history 2-8" },
	{ "signature",
	  "The invoice number is 4711.\n\n-- \nAlice Smith\nACME Corp.\n",
	  "The invoice number is 4711.", "signature 2-5" },
	{ "signature then history",
	  "Done.\n-- \nAlice\nOn Mon, Nov 23, 2026 Bob <bob@example.org> wrote:\n> x\n",
	  "Done.", "signature 1-3, history 3-5" },
	{ "inline answers between quote blocks stay",
	  "> Is the printer on?\nYes.\n> Is it plugged in?\nNo, it was not.\n",
	  "Yes.\nNo, it was not.", "quote 0-1, quote 2-3" },
	{ "nothing to fold",
	  "Hello,\n\nmy printer is on fire.\nRegards, Alice\n",
	  "Hello,\n\nmy printer is on fire.\nRegards, Alice", "" },
	{ "a sentence ending in wrote: is not an attribution",
	  "Here is what the manual wrote:\nturn it off.\n",
	  "Here is what the manual wrote:\nturn it off.", "" },
	{ "only quoted text: the whole text stays",
	  "> forwarded text\n> more\n",
	  "> forwarded text\n> more\n", "quote 0-2" },
	{ "CRLF lines",
	  "Thanks.\r\n\r\nOn Tue, Nov 24, 2026 Ann <ann@example.com> wrote:\r\n> hi\r\n",
	  "Thanks.", "history 2-4" },
	{ "empty", "", "", "" },
};

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct quote_result r;
		size_t len = strlen(cases[i].text);
		quote_fold(cases[i].text, len, &r);
		struct buf rs, nt;
		buf_init(&rs, 0);
		buf_init(&nt, 0);
		for (size_t k = 0; k < r.n; k++)
			buf_printf(&rs, "%s%s %zu-%zu", k ? ", " : "", quote_kind_name(r.ranges[k].kind), r.ranges[k].from,
			           r.ranges[k].to);
		quote_new_text(cases[i].text, len, &r, &nt);
		is_str(rs.p ? rs.p : "", cases[i].want_ranges, "%s: ranges", cases[i].name);
		is_str(nt.p ? nt.p : "", cases[i].want_new, "%s: new text", cases[i].name);
		buf_free(&rs);
		buf_free(&nt);
	}
	return done_testing();
}
