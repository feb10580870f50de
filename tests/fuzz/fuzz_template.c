/* libFuzzer target: the template engine. The input is a template; it is
 * checked and rendered both ways, and an HTML rendering never holds a
 * raw '<' that did not come from the template itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = malloc(size + 1);
	if (!src)
		return 0;
	memcpy(src, data, size);
	src[size] = '\0';
	struct tpl_var vars[] = { { "customer.name", "<script>alert(1)</script>" }, { "ticket.number", "7" } };
	struct buf out;
	struct mado_err err;
	buf_init(&out, 0);
	tpl_check(src, &err);
	tpl_render(src, vars, 2, TPL_TEXT, &out, &err);
	buf_reset(&out);
	if (tpl_render(src, vars, 2, TPL_HTML, &out, &err) == MADO_OK && out.p && strstr(out.p, "<script>"))
		abort();  /* a value (or template text) reached HTML unescaped */
	buf_free(&out);
	free(src);
	return 0;
}
