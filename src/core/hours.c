/*
 * Weekly hours (see hours.h). The spec is parsed on every call: specs are
 * short and the callers evaluate a handful per ticket, so there is no
 * cache to keep in step with the database.
 */
#include "core/hours.h"

#include <stdio.h>
#include <string.h>

struct hours_entry {
	unsigned days;      /* bit 0 = Sunday .. bit 6 = Saturday */
	int start, end;     /* minutes from local midnight; end may be <= start (overnight) */
	int offset;         /* minutes east of UTC */
};

static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static int day_at(const char *p)
{
	for (int i = 0; i < 7; i++)
		if (strncmp(p, day_names[i], 3) == 0)
			return i;
	return -1;
}

static const char *skip_sp(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *parse_days(const char *p, unsigned *days)
{
	*days = 0;
	if (strncmp(p, "daily", 5) == 0) {
		*days = 0x7f;
		return p + 5;
	}
	for (;;) {
		int a = day_at(p);
		if (a < 0)
			return NULL;
		p += 3;
		int b = a;
		if (*p == '-') {
			if ((b = day_at(p + 1)) < 0)
				return NULL;
			p += 4;
		}
		for (int d = a;; d = (d + 1) % 7) {
			*days |= 1u << d;
			if (d == b)
				break;
		}
		if (*p != ',')
			return p;
		p++;
	}
}

static const char *parse_hhmm(const char *p, int *min, int max_hour)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] != ':' || p[3] < '0' || p[3] > '5' ||
	    p[4] < '0' || p[4] > '9')
		return NULL;
	int h = (p[0] - '0') * 10 + (p[1] - '0'), m = (p[3] - '0') * 10 + (p[4] - '0');
	if (h > max_hour || (h == max_hour && max_hour == 24 && m))
		return NULL;
	*min = h * 60 + m;
	return p + 5;
}

static mado_status parse_entry(const char *p, const char *end, struct hours_entry *e, struct mado_err *err)
{
	char one[HOURS_SPEC_MAX + 1];
	size_t n = (size_t)(end - p);
	memcpy(one, p, n);
	one[n] = 0;
	const char *q = skip_sp(one);
	e->offset = 0;
	if (!(q = parse_days(q, &e->days)) || (*q != ' ' && *q != '\t'))
		return mado_fail(err, MADO_EINVAL, "hours: expected days (daily, mon-fri, mon,wed) in \"%.60s\"", one);
	q = skip_sp(q);
	if (!(q = parse_hhmm(q, &e->start, 23)) || *q != '-' || !(q = parse_hhmm(q + 1, &e->end, 24)))
		return mado_fail(err, MADO_EINVAL, "hours: expected HH:MM-HH:MM in \"%.60s\"", one);
	q = skip_sp(q);
	if (*q == '+' || *q == '-') {
		int sign = *q == '-' ? -1 : 1, off;
		if (!(q = parse_hhmm(q + 1, &off, 14)))
			return mado_fail(err, MADO_EINVAL, "hours: expected an offset like +09:00 in \"%.60s\"", one);
		e->offset = sign * off;
		q = skip_sp(q);
	}
	if (*q)
		return mado_fail(err, MADO_EINVAL, "hours: unexpected \"%.20s\" in \"%.60s\"", q, one);
	if (e->start == e->end)
		return mado_fail(err, MADO_EINVAL, "hours: empty interval in \"%.60s\"", one);
	return MADO_OK;
}

static mado_status parse_spec(const char *spec, struct hours_entry *v, size_t *n, struct mado_err *err)
{
	*n = 0;
	if (strlen(spec) > HOURS_SPEC_MAX)
		return mado_fail(err, MADO_EINVAL, "hours: longer than %d bytes", HOURS_SPEC_MAX);
	const char *p = spec;
	while (*skip_sp(p)) {
		const char *e = strchr(p, ';');
		if (!e)
			e = p + strlen(p);
		if (*n == HOURS_MAX_ENTRIES)
			return mado_fail(err, MADO_EINVAL, "hours: more than %d entries", HOURS_MAX_ENTRIES);
		mado_status st = parse_entry(p, e, &v[*n], err);
		if (st)
			return st;
		(*n)++;
		p = *e ? e + 1 : e;
	}
	return MADO_OK;
}

mado_status hours_check_spec(const char *spec, struct mado_err *err)
{
	struct hours_entry v[HOURS_MAX_ENTRIES];
	size_t n;
	return parse_spec(spec, v, &n, err);
}

static bool entry_within(const struct hours_entry *e, time_t now)
{
	time_t local = now + (time_t)e->offset * 60;
	struct tm tm;
	gmtime_r(&local, &tm);
	int m = tm.tm_hour * 60 + tm.tm_min, d = tm.tm_wday, prev = (d + 6) % 7;
	if (e->start < e->end)
		return (e->days >> d & 1) && m >= e->start && m < e->end;
	/* overnight: the part after midnight belongs to the previous day */
	return ((e->days >> d & 1) && m >= e->start) || ((e->days >> prev & 1) && m < e->end);
}

mado_status hours_within(const char *spec, time_t now, bool *inside, struct mado_err *err)
{
	struct hours_entry v[HOURS_MAX_ENTRIES];
	size_t n;
	*inside = false;
	mado_status st = parse_spec(spec ? spec : "", v, &n, err);
	if (st)
		return st;
	*inside = n == 0;
	for (size_t i = 0; i < n && !*inside; i++)
		*inside = entry_within(&v[i], now);
	return MADO_OK;
}

mado_status hours_check_within(const struct hours_check *hc, const char *spec, time_t now, bool *inside,
                               struct mado_err *err)
{
	if (hc && hc->within)
		return hc->within(hc->ctx, spec, now, inside, err);
	return hours_within(spec, now, inside, err);
}
