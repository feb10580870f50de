/* libFuzzer target: the web UI's request parsing in src/http/static.c —
 * Accept-Encoding values and request paths (lookup of an embedded file or
 * a client route). Input: the header value, a NUL, the path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/static.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	static_accepts_gzip(s);
	size_t hl = strlen(s);
	const char *path = hl < size ? s + hl + 1 : "/";
	static_lookup(path);
	free(s);
	return 0;
}
