/* libFuzzer target: message composition. The input is split at NUL bytes
 * into a display name, an address, a subject, an extra header value, the
 * body text and the charset choice. Whatever they hold, a composed message
 * read back by our parser has exactly the intended header fields and
 * recipients: otherwise the target aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/compose.h"
#include "mail/mail.h"

static const char *field(const uint8_t *data, size_t size, size_t *pos, char *dst, size_t cap)
{
	size_t n = 0;
	while (*pos < size && data[*pos] && n + 1 < cap)
		dst[n++] = (char)data[(*pos)++];
	dst[n] = '\0';
	while (*pos < size && data[*pos])
		(*pos)++;
	if (*pos < size)
		(*pos)++;
	return dst;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char name[512], addr[512], subject[4096], extra[1024], text[16384], cs[8];
	size_t pos = 0;
	field(data, size, &pos, name, sizeof name);
	field(data, size, &pos, addr, sizeof addr);
	field(data, size, &pos, subject, sizeof subject);
	field(data, size, &pos, extra, sizeof extra);
	field(data, size, &pos, text, sizeof text);
	field(data, size, &pos, cs, sizeof cs);
	struct compose_addr to[2] = { { name, addr }, { subject, "second@example.org" } };
	struct compose_header xh[] = { { "X-Mado-Loop", extra } };
	const char *refs[] = { addr, "r@example.org" };
	struct compose_msg m = {
		.from = { name, "support@example.com" },
		.to = to,
		.nto = 2,
		.reply_to = { name, "support+1.abcdefghijkl@example.com" },
		.subject = subject,
		.message_id = "fuzz.1@mado.example.com",
		.in_reply_to = addr,
		.references = refs,
		.nreferences = 2,
		.date = 1795000000,
		.extra = xh,
		.nextra = 1,
		.text = text,
		.html = cs[0] == 'h' ? text : NULL,
		.charset = cs[0] == 'j' || cs[1] == 'j' ? COMPOSE_ISO2022JP : COMPOSE_UTF8,
	};
	struct buf out;
	buf_init(&out, 0);
	struct mado_err err;
	mado_status st = compose_message(&m, &out, &err);
	if (st == MADO_OK) {
		struct mail_limits lim;
		mail_limits_default(&lim);
		struct mail_msg *p = NULL;
		if (mail_parse(out.p, out.len, &lim, &p, &err) != MADO_OK)
			abort();
		/* Date From To Reply-To Subject Message-ID [In-Reply-To] References
		 * X-Mado-Loop MIME-Version Content-Type [Content-Transfer-Encoding] */
		size_t want = 9 + (compose_msgid_ok(addr) ? 1 : 0) + (m.html && *m.html ? 0 : 1) + 1;
		if (p->nheaders != want || p->to.n != 2 || strcmp(p->to.v[1].email, "second@example.org") ||
		    mail_header_count(p, "Bcc") || p->from.n != 1 || p->reply_to.n != 1)
			abort();
		const char *end = memmem(out.p, out.len, "\r\n\r\n", 4);
		if (!end)
			abort();
		for (const char *c = out.p; c < end + 2; c++)
			if ((*c == '\n' && (c == out.p || c[-1] != '\r')) || (*c == '\r' && c[1] != '\n'))
				abort();  /* a bare CR or LF in the header block */
		mail_msg_free(p);
	} else if (compose_address_ok(addr)) {
		abort();  /* a good address was refused */
	}
	buf_free(&out);
	return 0;
}
