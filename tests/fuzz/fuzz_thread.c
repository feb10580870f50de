/* libFuzzer target: subject-token and signed-reply-address parsing. The
 * first byte picks the token format; the rest is the subject/address. */
#include <stdint.h>
#include <string.h>

#include "mail/thread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[THREAD_KEY_BYTES] = "fuzz-key-fuzz-key-fuzz-key-fuzz";
	static const char *const formats[] = { "[#{n}]", "#{n}", "[Ticket#{n}]", "{n}", "Case {n}:", "x" };
	if (size == 0)
		return 0;
	const char *fmt = formats[data[0] % 6];
	const char *s = (const char *)data + 1;
	size_t len = size - 1;
	int64_t n;
	thread_token_find(fmt, s, len, &n);
	thread_verify_address(key, "support@example.com", s, len, &n);
	return 0;
}
