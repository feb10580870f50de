/*
 * The settable clock (see clock.h). MADO_CLOCK is read once per process:
 * the environment cannot change under a running process, and reading it
 * once keeps getenv() out of hot paths and away from any setenv().
 */
#include "util/clock.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Atomic int64_t set_value;   /* clock_set(); 0 = none */
static int64_t env_value;           /* MADO_CLOCK; 0 = none */
static pthread_once_t env_once = PTHREAD_ONCE_INIT;

static void read_env(void)
{
	const char *v = getenv("MADO_CLOCK");
	int64_t t;
	if (v && *v && clock_parse(v, &t))
		env_value = t;
}

time_t mado_now(void)
{
	pthread_once(&env_once, read_env);
	if (env_value)
		return (time_t)env_value;
	int64_t v = atomic_load(&set_value);
	return v ? (time_t)v : time(NULL);
}

void clock_set(time_t t)
{
	atomic_store(&set_value, (int64_t)t);
}

mado_status clock_set_string(const char *spec, struct mado_err *err)
{
	int64_t t = 0;
	if (*spec && !clock_parse(spec, &t))
		return mado_fail(err, MADO_EINVAL,
		                 "clock: '%s' is neither unix seconds nor ISO 8601 (2026-04-28T17:30:00+09:00)", spec);
	clock_set((time_t)t);
	return MADO_OK;
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "Z", "+09:00", "-0500" or nothing at p; *off in seconds east. */
static bool parse_zone(const char **pp, long *off)
{
	const char *p = *pp;
	*off = 0;
	if (*p == 'Z' || *p == 'z') {
		*pp = p + 1;
		return true;
	}
	if (*p != '+' && *p != '-')
		return true;
	int sign = *p == '-' ? -1 : 1, oh, om;
	p++;
	if (!digits(p, 2, &oh))
		return false;
	p += 2;
	if (*p == ':')
		p++;
	if (!digits(p, 2, &om) || oh > 23 || om > 59)
		return false;
	*off = sign * (oh * 3600L + om * 60L);
	*pp = p + 2;
	return true;
}

bool clock_parse(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 40)
		return false;
	if (strspn(s, "0123456789") == n) {
		if (n > 12)
			return false;
		int64_t v = 0;
		for (size_t i = 0; i < n; i++)
			v = v * 10 + (s[i] - '0');
		*out = v;
		return true;
	}
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return false;
	const char *p = s + 10;
	long off = 0;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &mi))
			return false;
		p += 5;
		if (*p == ':') {
			if (!digits(p + 1, 2, &sec))
				return false;
			p += 3;
			if (*p == '.') {
				p++;
				if (*p < '0' || *p > '9')
					return false;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (!parse_zone(&p, &off))
			return false;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != d || back.tm_mon != mo - 1) /* 2026-02-31 */
		return false;
	*out = (int64_t)t - off;
	return true;
}
