/* libFuzzer target: the whole message parser (GMime wrapper, charsets,
 * headers, HTML sanitizer) on arbitrary bytes, with small limits so that
 * the limit paths are exercised too. */
#include <stdint.h>
#include <string.h>

#include "mail/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_limits lim;
	mail_limits_default(&lim);
	if (size && data[0] & 1) {
		lim.max_mime_depth = 4;
		lim.max_parts = 8;
		lim.max_header_bytes = 2048;
		lim.max_part_bytes = 4096;
		lim.max_text_bytes = 2048;
	}
	struct mail_msg *m = NULL;
	if (mail_parse((const char *)data, size, &lim, &m, NULL) == MADO_OK) {
		/* touch every string so that ASan sees any dangling pointer */
		size_t n = strlen(m->subject) + strlen(m->text) + strlen(m->html) + strlen(m->message_id);
		for (size_t i = 0; i < m->nparts; i++)
			n += strlen(m->parts[i].filename) + m->parts[i].len;
		for (size_t i = 0; i < m->from.n; i++)
			n += strlen(m->from.v[i].email) + strlen(m->from.v[i].name);
		(void)n;
		mail_msg_free(m);
	}
	return 0;
}
