/*
 * Business-time calendars: weekly hours (several intervals a day), a time
 * zone, Japanese public holidays (optional) and custom holidays. The two
 * questions the SLA asks: what instant is N business seconds after t, and
 * how many business seconds lie between two instants.
 *
 * Business time is measured in real elapsed seconds inside the open
 * intervals, so an interval that a DST change shortens is shorter.
 */
#ifndef MADO_CORE_CALENDAR_H
#define MADO_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"
#include "util/tz.h"

#define CAL_MAX_INTERVALS 8         /* open intervals per weekday */
#define CAL_MAX_HOLIDAYS 2000       /* custom holidays per calendar */
#define CAL_MAX_SPEC 1024           /* bytes of an hours specification */
#define CAL_MAX_DAYS (366 * 5)      /* closed days an addition may cross */
#define CAL_MAX_SPAN (3660LL * 86400) /* longest span added or measured */

struct cal_day {
	int n;
	struct { int32_t start, end; } iv[CAL_MAX_INTERVALS];  /* seconds after local midnight */
};

struct calendar {
	const struct tz *tz;           /* from tz_get(): never freed */
	struct cal_day week[7];        /* 0 = Sunday */
	bool jp_holidays;
	int64_t holidays[CAL_MAX_HOLIDAYS];  /* custom: days since 1970-01-01, sorted */
	size_t nholidays;
};

/* A calendar open 24x7 in UTC with no holidays. */
void calendar_init(struct calendar *c);

/* Weekly hours from text like "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00"
 * (days mon..sun, ranges wrap: "fri-mon"; 24:00 ends a day; "" = closed).
 * Replaces c->week; MADO_EINVAL with the reason for anything else. */
mado_status calendar_parse_hours(struct calendar *c, const char *spec, struct mado_err *err);
/* The canonical text of c's weekly hours into out ("mon 09:00-18:00; …"). */
void calendar_format_hours(const struct calendar *c, char *out, size_t n);

mado_status calendar_set_zone(struct calendar *c, const char *tz_name, struct mado_err *err);
/* Add a custom holiday "YYYY-MM-DD" (keeps the list sorted). */
mado_status calendar_add_holiday(struct calendar *c, const char *date, struct mado_err *err);
/* Is the local day (days since the epoch) a holiday of this calendar? */
bool calendar_is_holiday(const struct calendar *c, int64_t day);

/* The instant `seconds` business seconds after `from`; from itself when
 * seconds is 0. MADO_EINVAL when the calendar has no open hours within
 * CAL_MAX_DAYS. */
mado_status calendar_add(const struct calendar *c, int64_t from, int64_t seconds, int64_t *out,
                         struct mado_err *err);
/* The latest instant that lies `seconds` business seconds before `from`
 * (the opening of a day rather than the closing of the day before: a
 * warning one business hour before a 10:00 due time comes at 09:00, not
 * 17:00 the evening before); from itself when seconds is 0. MADO_EINVAL
 * when the calendar has no open hours within CAL_MAX_DAYS. */
mado_status calendar_sub(const struct calendar *c, int64_t from, int64_t seconds, int64_t *out,
                         struct mado_err *err);
/* Is the instant t inside the calendar's open hours (not on a holiday)? */
bool calendar_open_at(const struct calendar *c, int64_t t);
/* Business seconds in [a, b) (0 when b <= a; spans over CAL_MAX_SPAN are cut). */
int64_t calendar_between(const struct calendar *c, int64_t a, int64_t b);

#endif
