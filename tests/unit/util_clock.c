/* The settable clock (src/util/clock.c). */
#include <stdlib.h>

#include "tap.h"
#include "util/clock.h"

int main(void)
{
	unsetenv("MADO_CLOCK");
	int64_t t = 0;
	static const struct { const char *in; int64_t want; } good[] = {
		{ "0", 0 },
		{ "1777537800", 1777537800 },
		{ "2026-04-30", 1777507200 },
		{ "2026-04-30T08:30:00Z", 1777537800 },
		{ "2026-04-30T17:30:00+09:00", 1777537800 },
		{ "2026-04-30T17:30:00+0900", 1777537800 },
		{ "2026-04-29T20:30:00-12:00", 1777537800 },
		{ "2026-04-30T08:30Z", 1777537800 },
		{ "2026-04-30 08:30:00.250Z", 1777537800 },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		t = -1;
		ok(clock_parse(good[i].in, &t) && t == good[i].want, "parse %s = %lld (got %lld)", good[i].in,
		   (long long)good[i].want, (long long)t);
	}
	static const char *const bad[] = { "", "x", "2026-02-31", "2026-13-01", "2026-04-30T25:00Z",
	                                   "2026-04-30T08:30:00+9", "1969-12-31", "2026-04-30T08:30:00Zjunk",
	                                   "12345678901234" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(!clock_parse(bad[i], &t), "refuse '%s'", bad[i]);

	time_t real = time(NULL);
	ok(mado_now() >= real && mado_now() - real < 5, "real time without an override");
	clock_set(1777537800);
	is_int(mado_now(), 1777537800, "clock_set fixes the time");
	struct mado_err err;
	ok(clock_set_string("2027-01-01T00:00:00+09:00", &err) == MADO_OK, "set from ISO 8601");
	is_int(mado_now(), 1798729200, "…to that instant");
	ok(clock_set_string("soon", &err) == MADO_EINVAL && strstr(err.msg, "soon"), "bad spec refused: %s", err.msg);
	is_int(mado_now(), 1798729200, "…and the clock unchanged");
	ok(clock_set_string("", &err) == MADO_OK && mado_now() - time(NULL) < 5, "empty clears the override");
	return done_testing();
}
