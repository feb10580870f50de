/*
 * Business-time arithmetic. Both operations walk local days from the
 * starting instant: each open interval of a day that is not a holiday is
 * turned into a UTC range through the zone (so DST days come out right)
 * and clipped to the part after the start. Walking days rather than
 * jumping by whole weeks keeps holidays and DST exact; the walk is bounded
 * (CAL_MAX_DAYS) so a calendar with no open hours is an error, not a hang.
 */
#include "core/calendar.h"

#include <stdio.h>
#include <string.h>

#include "core/holidays_jp.h"

static const char *const day_names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

void calendar_init(struct calendar *c)
{
	memset(c, 0, sizeof *c);
	const struct tz *utc = NULL;
	if (tz_get("UTC", &utc, NULL) == MADO_OK)
		c->tz = utc;
	for (int d = 0; d < 7; d++) {
		c->week[d].n = 1;
		c->week[d].iv[0].start = 0;
		c->week[d].iv[0].end = 86400;
	}
}

static int day_index(const char *p)
{
	for (int i = 0; i < 7; i++)
		if (!strncmp(p, day_names[i], 3))
			return i;
	return -1;
}

/* "HH:MM" (00:00-24:00) at *pp. */
static bool parse_hhmm(const char **pp, int32_t *out)
{
	const char *p = *pp;
	if (p[0] < '0' || p[0] > '2' || p[1] < '0' || p[1] > '9' || p[2] != ':' || p[3] < '0' || p[3] > '5' ||
	    p[4] < '0' || p[4] > '9')
		return false;
	int h = (p[0] - '0') * 10 + (p[1] - '0'), m = (p[3] - '0') * 10 + (p[4] - '0');
	if (h > 24 || (h == 24 && m))
		return false;
	*out = h * 3600 + m * 60;
	*pp = p + 5;
	return true;
}

static void skip_spaces(const char **pp)
{
	while (**pp == ' ' || **pp == '\t')
		(*pp)++;
}

static mado_status parse_group(struct cal_day week[7], const char **pp, struct mado_err *err)
{
	const char *p = *pp;
	int from = day_index(p), to;
	if (from < 0)
		return mado_fail(err, MADO_EINVAL, "hours: expected a day (mon..sun) at '%.20s'", p);
	p += 3;
	to = from;
	if (*p == '-') {
		if ((to = day_index(p + 1)) < 0)
			return mado_fail(err, MADO_EINVAL, "hours: expected a day after '-' at '%.20s'", p);
		p += 4;
	}
	skip_spaces(&p);
	struct cal_day day = { 0 };
	for (;;) {
		int32_t a, b;
		const char *at = p;
		if (!parse_hhmm(&p, &a) || *p++ != '-' || !parse_hhmm(&p, &b))
			return mado_fail(err, MADO_EINVAL, "hours: expected HH:MM-HH:MM at '%.20s'", at);
		if (b <= a)
			return mado_fail(err, MADO_EINVAL, "hours: interval ends before it starts at '%.20s'", at);
		if (day.n && a < day.iv[day.n - 1].end)
			return mado_fail(err, MADO_EINVAL, "hours: intervals must be in order and apart at '%.20s'", at);
		if (day.n == CAL_MAX_INTERVALS)
			return mado_fail(err, MADO_EINVAL, "hours: more than %d intervals a day", CAL_MAX_INTERVALS);
		day.iv[day.n].start = a;
		day.iv[day.n].end = b;
		day.n++;
		skip_spaces(&p);
		if (*p != ',')
			break;
		p++;
		skip_spaces(&p);
	}
	for (int d = from;; d = (d + 1) % 7) {
		if (week[d].n)
			return mado_fail(err, MADO_EINVAL, "hours: %s is given twice", day_names[d]);
		week[d] = day;
		if (d == to)
			break;
	}
	*pp = p;
	return MADO_OK;
}

mado_status calendar_parse_hours(struct calendar *c, const char *spec, struct mado_err *err)
{
	if (strlen(spec) > CAL_MAX_SPEC)
		return mado_fail(err, MADO_ELIMIT, "hours: longer than %d bytes", CAL_MAX_SPEC);
	struct cal_day week[7];
	memset(week, 0, sizeof week);
	const char *p = spec;
	mado_status st;
	skip_spaces(&p);
	while (*p) {
		if ((st = parse_group(week, &p, err)))
			return st;
		skip_spaces(&p);
		if (*p == ';') {
			p++;
			skip_spaces(&p);
		} else if (*p) {
			return mado_fail(err, MADO_EINVAL, "hours: expected ';' at '%.20s'", p);
		}
	}
	memcpy(c->week, week, sizeof week);
	return MADO_OK;
}

void calendar_format_hours(const struct calendar *c, char *out, size_t n)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 1; i <= 7; i++) {   /* Monday first */
		const struct cal_day *d = &c->week[i % 7];
		for (int k = 0; k < d->n && len < n; k++) {
			const char *sep = k ? "," : len ? "; " : "";
			int w = k ? snprintf(out + len, n - len, "%s", sep)
			          : snprintf(out + len, n - len, "%s%s ", sep, day_names[i % 7]);
			len += w > 0 ? (size_t)w : 0;
			if (len >= n)
				break;
			w = snprintf(out + len, n - len, "%02d:%02d-%02d:%02d", d->iv[k].start / 3600,
			             d->iv[k].start / 60 % 60, d->iv[k].end / 3600, d->iv[k].end / 60 % 60);
			len += w > 0 ? (size_t)w : 0;
		}
	}
}

mado_status calendar_set_zone(struct calendar *c, const char *tz_name, struct mado_err *err)
{
	const struct tz *z;
	mado_status st = tz_get(tz_name, &z, err);
	if (!st)
		c->tz = z;
	return st;
}

mado_status calendar_add_holiday(struct calendar *c, const char *date, struct mado_err *err)
{
	int y, m, d, back_y, back_m, back_d;
	char extra;
	if (strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > 31 || y < 1970 || y > 9999)
		return mado_fail(err, MADO_EINVAL, "holiday '%.16s': want YYYY-MM-DD", date);
	int64_t day = days_from_civil(y, m, d);
	civil_from_days(day, &back_y, &back_m, &back_d);
	if (back_d != d)
		return mado_fail(err, MADO_EINVAL, "holiday '%s': no such date", date);
	if (c->nholidays == CAL_MAX_HOLIDAYS)
		return mado_fail(err, MADO_ELIMIT, "more than %d holidays in one calendar", CAL_MAX_HOLIDAYS);
	size_t i = c->nholidays;
	while (i > 0 && c->holidays[i - 1] > day)
		i--;
	if (i > 0 && c->holidays[i - 1] == day)
		return MADO_OK;
	memmove(&c->holidays[i + 1], &c->holidays[i], (c->nholidays - i) * sizeof c->holidays[0]);
	c->holidays[i] = day;
	c->nholidays++;
	return MADO_OK;
}

bool calendar_is_holiday(const struct calendar *c, int64_t day)
{
	size_t lo = 0, hi = c->nholidays;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->holidays[mid] == day)
			return true;
		if (c->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (c->jp_holidays) {
		int y, m, d;
		civil_from_days(day, &y, &m, &d);
		return jp_holiday(y, m, d, NULL);
	}
	return false;
}

static int64_t local_day_of(const struct calendar *c, int64_t t)
{
	int64_t local = t + tz_offset(c->tz, t);
	return local / 86400 - (local % 86400 < 0);
}

/* The UTC range of interval k of local day `day`. */
static void interval_utc(const struct calendar *c, int64_t day, const struct cal_day *d, int k, int64_t *a,
                         int64_t *b)
{
	*a = tz_local_to_utc(c->tz, day * 86400 + d->iv[k].start);
	*b = tz_local_to_utc(c->tz, day * 86400 + d->iv[k].end);
}

/* Walk from `from` forwards (dir 1) or backwards (dir -1) through the
 * open intervals until `seconds` of business time are used up. */
static mado_status walk(const struct calendar *c, int64_t from, int64_t seconds, int dir, int64_t *out,
                        struct mado_err *err)
{
	if (seconds <= 0) {
		*out = from;
		return MADO_OK;
	}
	if (seconds > CAL_MAX_SPAN)
		return mado_fail(err, MADO_ELIMIT, "business time longer than ten years");
	int64_t left = seconds, day = local_day_of(c, from), last_open = day;
	for (; (day - last_open) * dir <= CAL_MAX_DAYS; day += dir) {
		const struct cal_day *d = &c->week[weekday_of_days(day)];
		if (!d->n || calendar_is_holiday(c, day))
			continue;
		last_open = day;
		for (int i = 0; i < d->n; i++) {
			int64_t a, b;
			interval_utc(c, day, d, dir > 0 ? i : d->n - 1 - i, &a, &b);
			if (dir > 0 ? b <= from : a >= from)
				continue;   /* on the other side of from */
			if (dir > 0 && a < from)
				a = from;
			if (dir < 0 && b > from)
				b = from;
			if (left <= b - a) {
				*out = dir > 0 ? a + left : b - left;
				return MADO_OK;
			}
			left -= b - a;
		}
	}
	return mado_fail(err, MADO_EINVAL, "the calendar has no business hours within %d days", CAL_MAX_DAYS);
}

mado_status calendar_add(const struct calendar *c, int64_t from, int64_t seconds, int64_t *out,
                         struct mado_err *err)
{
	return walk(c, from, seconds, 1, out, err);
}

mado_status calendar_sub(const struct calendar *c, int64_t from, int64_t seconds, int64_t *out,
                         struct mado_err *err)
{
	return walk(c, from, seconds, -1, out, err);
}

bool calendar_open_at(const struct calendar *c, int64_t t)
{
	int64_t day = local_day_of(c, t);
	const struct cal_day *d = &c->week[weekday_of_days(day)];
	if (!d->n || calendar_is_holiday(c, day))
		return false;
	for (int k = 0; k < d->n; k++) {
		int64_t a, b;
		interval_utc(c, day, d, k, &a, &b);
		if (a <= t && t < b)
			return true;
	}
	return false;
}

int64_t calendar_between(const struct calendar *c, int64_t a, int64_t b)
{
	int64_t sum = 0;
	if (b <= a)
		return 0;
	if (b - a > CAL_MAX_SPAN)   /* keeps the walk bounded; no SLA spans a decade */
		b = a + CAL_MAX_SPAN;
	for (int64_t day = local_day_of(c, a), end = local_day_of(c, b); day <= end; day++) {
		const struct cal_day *d = &c->week[weekday_of_days(day)];
		if (!d->n || calendar_is_holiday(c, day))
			continue;
		for (int k = 0; k < d->n; k++) {
			int64_t x, y;
			interval_utc(c, day, d, k, &x, &y);
			if (x < a)
				x = a;
			if (y > b)
				y = b;
			if (y > x)
				sum += y - x;
		}
	}
	return sum;
}
