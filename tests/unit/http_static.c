/*
 * Unit tests for src/http/static.c: which Accept-Encoding values admit
 * gzip. (Serving the embedded files is tested over HTTP by
 * tests/e2e/ui_static.sh: unit tests link no web build.)
 */
#include "http/static.h"
#include "tap.h"

int main(void)
{
	static const struct {
		const char *ae;
		bool want;
	} cases[] = {
		{ "gzip", true },
		{ "gzip, deflate, br", true },
		{ "deflate, gzip;q=0.5", true },
		{ "br;q=1.0, gzip; q=0.8", true },
		{ "GZIP", true },
		{ "gzip;q=0", false },
		{ "gzip;q=0.0", false },
		{ "deflate", false },
		{ "x-gzipped", false },
		{ "identity", false },
		{ "", false },
		{ NULL, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ok(static_accepts_gzip(cases[i].ae) == cases[i].want, "Accept-Encoding '%s' → %s",
		   cases[i].ae ? cases[i].ae : "(none)", cases[i].want ? "gzip" : "identity");
	size_t n = 5;
	ok(static_assets(&n) == NULL && n == 0, "without a web build the table is empty (weak fallback)");
	ok(static_lookup("/") == NULL, "and nothing is found");
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
