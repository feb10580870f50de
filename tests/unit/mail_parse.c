/* The message parser (src/mail/parse.c): body choice, attachments, inline
 * images, embedded messages, reports, limits, malformed input. */
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"
#include "tap.h"

static struct mail_msg *parse_lim(const char *raw, const struct mail_limits *lim)
{
	struct mail_msg *m = NULL;
	struct mado_err err;
	if (mail_parse(raw, strlen(raw), lim, &m, &err) != MADO_OK)
		return NULL;
	return m;
}

static struct mail_msg *parse(const char *raw)
{
	struct mail_limits lim;
	mail_limits_default(&lim);
	return parse_lim(raw, &lim);
}

static size_t count_role(const struct mail_msg *m, enum mail_part_role r)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nparts; i++)
		n += m->parts[i].role == r;
	return n;
}

static const struct mail_part *first_attachment(const struct mail_msg *m)
{
	for (size_t i = 0; i < m->nparts; i++)
		if (m->parts[i].role == MAIL_PART_ATTACHMENT)
			return &m->parts[i];
	return NULL;
}

int main(void)
{
	struct mail_msg *m;

	m = parse("From: \"Yamada, Taro\" <taro@example.jp>\r\nTo: a@b.test, \"C D\" <c@d.test>\r\n"
	          "Cc: e@f.test\r\nSubject: =?UTF-8?B?44OG44K544OI?=\r\nMessage-ID: <abc@x>\r\n"
	          "In-Reply-To: <p1@x>\r\nReferences: <p0@x>\r\n <p1@x>\r\n"
	          "Date: Mon, 23 Nov 2026 10:00:00 +0900\r\n\r\nhello\r\nworld\r\n");
	ok(m != NULL, "simple message parses");
	is_str(m->subject, "テスト", "subject decoded");
	is_int(m->from.n, 1, "one From");
	is_str(m->from.v[0].name, "Yamada, Taro", "quoted display name with comma");
	is_str(m->from.v[0].email, "taro@example.jp", "From address");
	is_int(m->to.n, 2, "two To addresses");
	is_int(m->cc.n, 1, "one Cc");
	is_str(m->message_id, "abc@x", "Message-ID without brackets");
	is_str(m->in_reply_to, "p1@x", "In-Reply-To");
	is_int(m->nreferences, 2, "two References");
	is_str(m->references[1], "p1@x", "References in order");
	is_int(m->date, 1795395600, "Date to UTC epoch");
	is_str(m->text, "hello\nworld\n", "body text with LF line ends");
	mail_msg_free(m);

	m = parse("From: a@b.test\nSubject: alt\nMIME-Version: 1.0\n"
	          "Content-Type: multipart/alternative; boundary=X\n\n"
	          "--X\nContent-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B%F%9%H\x1b(B\n"
	          "--X\nContent-Type: text/html; charset=utf-8\n\n<p onclick=\"x()\">テスト<script>alert(1)</script></p>\n"
	          "--X--\n");
	/* the line end before a boundary belongs to the boundary (RFC 2046) */
	is_str(m->text, "テスト", "alternative: text part is the text");
	ok(strstr(m->html, "テスト") && !strstr(m->html, "script") && !strstr(m->html, "onclick"),
	   "alternative: HTML kept, sanitized: %s", m->html);
	ok(!m->text_from_html, "text not derived from HTML");
	is_int(count_role(m, MAIL_PART_TEXT), 1, "one text part");
	is_int(count_role(m, MAIL_PART_HTML), 1, "one HTML part");
	mail_msg_free(m);

	m = parse("From: a@b.test\nSubject: html only\nContent-Type: text/html; charset=shift_jis\n\n"
	          "<html><body><p>\x83\x65\x83\x58\x83\x67</p><p>line2<br>line3</p></body></html>\n");
	ok(m->text_from_html, "HTML-only: text derived from HTML");
	ok(strstr(m->text, "テスト") && strstr(m->text, "line2\nline3"), "…readable text: %s", m->text);
	mail_msg_free(m);

	m = parse("From: a@b.test\nSubject: att\nContent-Type: multipart/mixed; boundary=B\n\n--B\n"
	          "Content-Type: text/plain\n\nsee attached\n--B\n"
	          "Content-Type: application/pdf; name=\"=?ISO-2022-JP?B?GyRCOyY2SBsoQg==?=.pdf\"\n"
	          "Content-Disposition: attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd\n"
	          "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--B\n"
	          "Content-Type: image/png\nContent-ID: <img1@x>\nContent-Disposition: inline\n"
	          "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--B\n"
	          "Content-Type: message/rfc822\n\nFrom: x@y.test\nSubject: inner\n\ninner body\n--B--\n");
	is_str(m->text, "see attached", "mixed: text part");
	is_int(count_role(m, MAIL_PART_ATTACHMENT), 3, "three attachments");
	const struct mail_part *p = first_attachment(m);
	is_str(p->filename, "passwd", "path traversal in an RFC 2231 file name removed");
	is_int(p->len, 9, "attachment transfer-decoded");
	ok(memcmp(p->data, "%PDF-1.4\n", 9) == 0, "attachment bytes");
	is_str(m->parts[2].content_id, "img1@x", "inline image keeps its Content-ID");
	ok(m->parts[2].filename[0] != '\0', "inline image gets a name: %s", m->parts[2].filename);
	is_str(m->parts[3].content_type, "message/rfc822", "embedded message is an attachment");
	is_str(m->parts[3].filename, "inner.eml", "…named after its subject");
	ok(strstr(m->text, "inner body") == NULL, "embedded message body is not our text");
	mail_msg_free(m);

	/* CR-only line ends (old Mac mail) */
	m = parse("From: a@b.test\rSubject: mac\rContent-Type: text/plain\r\rline1\rline2\r");
	is_str(m->subject, "mac", "CR-only headers read");
	is_str(m->text, "line1\nline2\n", "CR-only body read");
	mail_msg_free(m);

	/* no headers at all, garbage, empty */
	m = parse("just some text\nwithout headers\n");
	ok(m != NULL, "a message without headers still parses");
	ok(*m->notes != '\0', "…with a note: %s", m->notes);
	ok(strstr(m->text, "without headers") != NULL, "…and its text kept as the body: %s", m->text);
	mail_msg_free(m);
	m = parse("");
	ok(m != NULL && *m->subject == '\0', "empty input parses to an empty message");
	mail_msg_free(m);

	/* limits: each cut is noted, never a crash */
	struct mail_limits lim;
	mail_limits_default(&lim);
	lim.max_mime_depth = 3;
	struct buf deep;
	buf_init(&deep, 0);
	buf_append_str(&deep, "From: a@b.test\nSubject: deep\n");
	for (int i = 0; i < 50; i++)
		buf_printf(&deep, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
	buf_append_str(&deep, "Content-Type: text/plain\n\ndeep text\n");
	m = parse_lim(deep.p, &lim);
	ok(m && m->truncated && strstr(m->notes, "nesting"), "MIME depth limit noted: %s", m ? m->notes : "");
	mail_msg_free(m);
	buf_free(&deep);

	mail_limits_default(&lim);
	lim.max_parts = 5;
	struct buf many;
	buf_init(&many, 0);
	buf_append_str(&many, "From: a@b.test\nSubject: many\nContent-Type: multipart/mixed; boundary=Z\n\n");
	for (int i = 0; i < 40; i++)
		buf_printf(&many, "--Z\nContent-Type: application/octet-stream; name=f%d.bin\n\nxx\n", i);
	buf_append_str(&many, "--Z--\n");
	m = parse_lim(many.p, &lim);
	ok(m && m->truncated && strstr(m->notes, "MIME parts"), "part count limit noted: %s", m ? m->notes : "");
	ok(m && m->nparts <= 5, "…at most 5 parts kept (%zu)", m ? m->nparts : 0);
	mail_msg_free(m);
	buf_free(&many);

	mail_limits_default(&lim);
	lim.max_header_bytes = 1024;
	struct buf hdr;
	buf_init(&hdr, 0);
	buf_append_str(&hdr, "From: a@b.test\nSubject: big headers\n");
	for (int i = 0; i < 200; i++)
		buf_printf(&hdr, "X-Filler-%d: %s\n", i, "0123456789012345678901234567890123456789");
	buf_append_str(&hdr, "\nbody\n");
	m = parse_lim(hdr.p, &lim);
	ok(m && m->truncated && strstr(m->notes, "header block"), "header size limit noted");
	is_str(m ? m->subject : NULL, "big headers", "…headers before the cut are kept");
	is_str(m ? m->text : NULL, "body\n", "…and the body still read");
	mail_msg_free(m);
	buf_free(&hdr);

	mail_limits_default(&lim);
	lim.max_text_bytes = 100;
	struct buf big;
	buf_init(&big, 0);
	buf_append_str(&big, "From: a@b.test\nSubject: long\nContent-Type: text/plain; charset=utf-8\n\n");
	for (int i = 0; i < 100; i++)
		buf_append_str(&big, "日本語のテキスト");
	m = parse_lim(big.p, &lim);
	ok(m && m->truncated && strlen(m->text) <= 100, "body text cut at the limit (%zu bytes)",
	   m ? strlen(m->text) : 0);
	mail_msg_free(m);

	mail_limits_default(&lim);
	lim.max_message_bytes = 10;
	struct mado_err err;
	ok(mail_parse(big.p, big.len, &lim, &m, &err) == MADO_ELIMIT && strstr(err.msg, "over the limit"),
	   "message over the size limit refused: %s", err.msg);
	buf_free(&big);

	/* HTML-only mail over the HTML cap: no HTML kept, but the words are */
	mail_limits_default(&lim);
	lim.max_html_bytes = 1024;
	struct buf hb;
	buf_init(&hb, 0);
	buf_append_str(&hb, "From: a@b.test\nSubject: huge html\nContent-Type: text/html; charset=utf-8\n\n");
	for (int i = 0; i < 200; i++)
		buf_append_str(&hb, "<p style=\"color:red\">請求書 invoice</p>");
	m = parse_lim(hb.p, &lim);
	ok(m && *m->html == '\0', "HTML over the cap is not kept");
	ok(m && strstr(m->text, "請求書 invoice") && !strchr(m->text, '<'), "…its words are the text");
	ok(m && strstr(m->notes, "too large"), "…noted: %s", m ? m->notes : "");
	mail_msg_free(m);
	buf_free(&hb);

	/* NUL bytes in a header do not cut it */
	static const char nul[] = "From: a@b.test\nSubject: te\0st\n\nx\n";
	mail_limits_default(&lim);
	mail_parse(nul, sizeof nul - 1, &lim, &m, &err);
	is_str(m->subject, "test", "NUL inside a header removed, rest kept");
	mail_msg_free(m);
	return done_testing();
}
