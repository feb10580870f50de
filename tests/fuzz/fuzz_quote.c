/* libFuzzer target: quote folding. Ranges stay inside the text's lines,
 * in order, and the new text is never longer than the text. */
#include <stdint.h>
#include <stdlib.h>

#include "mail/quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quote_result r;
	quote_fold((const char *)data, size, &r);
	for (size_t i = 0; i < r.n; i++)
		if (r.ranges[i].from >= r.ranges[i].to || r.ranges[i].to > r.lines ||
		    (i && r.ranges[i].from < r.ranges[i - 1].to))
			abort();
	struct buf out;
	buf_init(&out, 0);
	if (quote_new_text((const char *)data, size, &r, &out) == MADO_OK && out.len > size)
		abort();
	buf_free(&out);
	return 0;
}
