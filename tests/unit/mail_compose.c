/* Message composition (src/mail/compose.c): every message is read back
 * with our own parser (GMime), which is what a receiving client sees. */
#include <string.h>

#include "mail/compose.h"
#include "mail/mail.h"
#include "tap.h"

static struct mail_msg *compose_parse(const struct compose_msg *m, struct buf *raw)
{
	buf_reset(raw);
	struct mado_err err;
	if (compose_message(m, raw, &err) != MADO_OK) {
		diag("compose: %s", err.msg);
		return NULL;
	}
	struct mail_limits lim;
	mail_limits_default(&lim);
	struct mail_msg *p = NULL;
	if (mail_parse(raw->p, raw->len, &lim, &p, &err) != MADO_OK)
		return NULL;
	return p;
}

/* Every line of the header block is "Name: ..." or a fold; returns the
 * number of header fields, and whether every line is at most 998 bytes. */
static size_t header_fields(const char *raw, bool *short_lines)
{
	size_t n = 0;
	*short_lines = true;
	for (const char *p = raw; *p && !(p[0] == '\r' && p[1] == '\n');) {
		const char *e = strstr(p, "\r\n");
		if (!e)
			break;
		if ((size_t)(e - p) > 998)
			*short_lines = false;
		if (*p != ' ' && *p != '\t')
			n++;
		p = e + 2;
	}
	return n;
}

int main(void)
{
	struct buf raw;
	buf_init(&raw, 0);
	struct compose_addr to[] = { { "山田 太郎", "taro@example.jp" } };
	const char *refs[] = { "a1@example.jp", "bad id with spaces", "b2@example.jp" };
	struct compose_msg base = {
		.from = { "Example サポート", "support@example.com" },
		.to = to,
		.nto = 1,
		.reply_to = { NULL, "support+12.abcdefghijkl@example.com" },
		.subject = "Re: 請求書について [#12]",
		.message_id = "0123abcd.12@mado.example.com",
		.in_reply_to = "b2@example.jp",
		.references = refs,
		.nreferences = 3,
		.date = 1795000000,
		.text = "山田様\n\nお問い合わせありがとうございます。\n.\nFrom here on\n",
	};

	/* 1. a plain Japanese reply, UTF-8 */
	struct compose_msg m = base;
	struct mail_msg *p = compose_parse(&m, &raw);
	ok(p != NULL, "UTF-8 reply composes and parses");
	if (p) {
		is_str(p->subject, "Re: 請求書について [#12]", "subject round-trips");
		is_int((int)p->to.n, 1, "one To recipient");
		is_str(p->to.v[0].name, "山田 太郎", "Japanese display name round-trips");
		is_str(p->to.v[0].email, "taro@example.jp", "To address");
		is_str(p->from.v[0].name, "Example サポート", "From name");
		is_str(p->reply_to.v[0].email, "support+12.abcdefghijkl@example.com", "Reply-To is the signed address");
		is_str(p->message_id, "0123abcd.12@mado.example.com", "Message-ID");
		is_str(p->in_reply_to, "b2@example.jp", "In-Reply-To");
		is_int((int)p->nreferences, 2, "References keep the two well-formed ids");
		is_str(p->text, "山田様\n\nお問い合わせありがとうございます。\n.\nFrom here on\n", "body round-trips");
		ok(strstr(raw.p, "\r\n=2E\r\n") && strstr(raw.p, "\r\n=46rom here"),
		   "a leading dot and From are quoted-printable encoded");
		ok(!mail_header_find(p, "Auto-Submitted"), "an agent reply is not Auto-Submitted");
		mail_msg_free(p);
	}

	/* 2. header injection through names, subjects and extra values */
	struct compose_addr evil_to[] = {
		{ "Evil\r\nBcc: victim@example.org", "a@example.org" },
		{ "Smith, John <x@evil.example>, \"q\\\"", "b@example.org" },
	};
	struct compose_header extra[] = { { "X-Mado-Loop", "1\r\nBcc: c@evil.example" } };
	m = base;
	m.to = evil_to;
	m.nto = 2;
	m.subject = "hello\r\nBcc: victim@example.org\r\n\r\nbody";
	m.extra = extra;
	m.nextra = 1;
	m.charset = COMPOSE_UTF8;
	p = compose_parse(&m, &raw);
	ok(p != NULL, "hostile names and subject compose");
	if (p) {
		bool short_lines;
		size_t nh = header_fields(raw.p, &short_lines);
		/* Date From To Reply-To Subject Message-ID In-Reply-To References X-Mado-Loop MIME-Version CT CTE */
		is_int((int)nh, 12, "exactly the intended header fields");
		ok(short_lines, "no header line over 998 bytes");
		is_int((int)mail_header_count(p, "Bcc"), 0, "no Bcc header appeared");
		is_int((int)p->to.n, 2, "exactly two recipients despite commas and brackets in a name");
		is_str(p->to.v[0].email, "a@example.org", "first recipient unchanged");
		is_str(p->to.v[1].email, "b@example.org", "second recipient unchanged");
		is_str(p->to.v[1].name, "Smith, John <x@evil.example>, \"q\\\"", "the name is kept, as a name");
		is_str(p->subject, "hello Bcc: victim@example.org body", "line breaks in the subject became spaces");
		is_str(p->text, base.text, "the body is the intended body");
		mail_msg_free(p);
	}

	/* 3. bad addresses and ids are refused, not written */
	const char *bad[] = { "a@b.example\r\nBcc: x@y.example", "a b@example.org", "<a@example.org>",
	                      "a@example.org, b@example.org", "\"a\"@example.org", "a@", "@example.org",
	                      "a..b@example.org", "a@exa mple.org", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct compose_addr t[] = { { "x", bad[i] } };
		m = base;
		m.to = t;
		struct mado_err err;
		buf_reset(&raw);
		ok(compose_message(&m, &raw, &err) == MADO_EINVAL && raw.len == 0, "refused address #%zu", i);
	}
	m = base;
	m.message_id = "x@y>\r\nBcc: z@w";
	struct mado_err err;
	ok(compose_message(&m, &raw, &err) == MADO_EINVAL, "refused Message-ID with a line break");
	struct compose_header bad_name[] = { { "Bcc", "x@y.example" } };
	m = base;
	m.extra = bad_name;
	m.nextra = 1;
	ok(compose_message(&m, &raw, &err) == MADO_EINVAL, "an extra header may not be Bcc");
	m = base;
	m.auto_submitted = "no\r\nBcc: x@y";
	ok(compose_message(&m, &raw, &err) == MADO_EINVAL, "Auto-Submitted takes only its two values");

	/* 4. ISO-2022-JP */
	m = base;
	m.charset = COMPOSE_ISO2022JP;
	p = compose_parse(&m, &raw);
	ok(p != NULL, "ISO-2022-JP reply composes");
	if (p) {
		ok(strstr(raw.p, "=?ISO-2022-JP?B?") != NULL, "subject in ISO-2022-JP encoded words");
		ok(strstr(raw.p, "charset=ISO-2022-JP") && strstr(raw.p, "Content-Transfer-Encoding: 7bit"),
		   "body is 7bit ISO-2022-JP");
		bool eight = false;
		for (size_t i = 0; i < raw.len; i++)
			eight |= (unsigned char)raw.p[i] >= 0x80;
		ok(!eight, "the whole message is 7-bit");
		is_str(p->subject, base.subject, "ISO-2022-JP subject round-trips");
		is_str(p->to.v[0].name, "山田 太郎", "ISO-2022-JP name round-trips");
		is_str(p->text, base.text, "ISO-2022-JP body round-trips");
		mail_msg_free(p);
	}
	m.text = "絵文字 😀 と ～";  /* no ISO-2022-JP form: UTF-8 keeps it */
	m.subject = "😀 ok";
	p = compose_parse(&m, &raw);
	if (p) {
		is_str(p->text, "絵文字 😀 と ～\n", "unrepresentable text falls back to UTF-8, nothing lost");
		is_str(p->subject, "😀 ok", "unrepresentable subject falls back to UTF-8");
		mail_msg_free(p);
	}

	/* 5. HTML alternative and attachments, automatic headers */
	unsigned char bin[300];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 7);
	struct compose_attachment att[] = {
		{ "見積書.pdf", "application/PDF", bin, sizeof bin },
		{ "a\"b\r\n.txt", "text/plain\r\nX: y", (const unsigned char *)"hi", 2 },
	};
	m = base;
	m.html = "<p>山田様</p>";
	m.attachments = att;
	m.nattachments = 2;
	m.auto_submitted = "auto-replied";
	p = compose_parse(&m, &raw);
	ok(p != NULL, "multipart message composes");
	if (p) {
		is_str(p->text, base.text, "text part");
		ok(strstr(p->html, "山田様") != NULL, "HTML part");
		size_t files = 0;
		bool pdf = false, txt = false;
		for (size_t i = 0; i < p->nparts; i++) {
			if (p->parts[i].role != MAIL_PART_ATTACHMENT)
				continue;
			files++;
			if (!strcmp(p->parts[i].filename, "見積書.pdf") && !strcmp(p->parts[i].content_type, "application/pdf") &&
			    p->parts[i].len == sizeof bin && !memcmp(p->parts[i].data, bin, sizeof bin))
				pdf = true;
			if (!strcmp(p->parts[i].content_type, "application/octet-stream") && p->parts[i].len == 2)
				txt = true;
		}
		is_int((int)files, 2, "two attachments");
		ok(pdf, "Japanese filename and bytes round-trip");
		ok(txt, "a hostile content type became application/octet-stream");
		const struct mail_header *as = mail_header_find(p, "Auto-Submitted");
		ok(as && !strcmp(as->value, "auto-replied"), "Auto-Submitted: auto-replied");
		mail_msg_free(p);
	}
	struct buf again;
	buf_init(&again, 0);
	compose_message(&m, &again, &err);
	ok(again.len == raw.len && !memcmp(again.p, raw.p, raw.len), "composing twice gives the same bytes");
	buf_free(&again);

	/* 6. long subjects fold; ids */
	char longsub[1200];
	size_t o = 0;
	while (o + 4 < sizeof longsub - 1) {
		memcpy(longsub + o, "長い", 6 < sizeof longsub - 1 - o ? 6 : 0);
		o += 6;
		if (o + 6 >= sizeof longsub - 1)
			break;
	}
	longsub[o] = '\0';
	m = base;
	m.subject = longsub;
	p = compose_parse(&m, &raw);
	if (p) {
		bool short_lines;
		header_fields(raw.p, &short_lines);
		ok(short_lines, "a long subject is folded");
		is_str(p->subject, longsub, "a long Japanese subject round-trips");
		mail_msg_free(p);
	}
	struct buf id;
	buf_init(&id, 0);
	compose_new_message_id("12", "mado.example.com", &id);
	ok(compose_msgid_ok(id.p) && strstr(id.p, ".12@mado.example.com"), "new Message-ID %s", id.p);
	buf_reset(&id);
	compose_new_message_id("x", "bad domain\r\n", &id);
	ok(compose_msgid_ok(id.p) && strstr(id.p, "@mado.localhost"), "bad domain replaced: %s", id.p);
	buf_free(&id);
	buf_free(&raw);
	return done_testing();
}
