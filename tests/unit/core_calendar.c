/* Business-time calendars, time zones and Japanese holidays
 * (src/core/calendar.c, src/core/holidays_jp.c, src/util/tz.c). */
#include <stdlib.h>

#include "core/calendar.h"
#include "core/holidays_jp.h"
#include "tap.h"
#include "util/clock.h"

/* The Cabinet Office's list of national holidays (内閣府「国民の祝日について」),
 * 2019-2027, typed in: every holiday including substitute and citizen's
 * holidays, as MMDD per year. */
static const struct {
	int year;
	int days[24];
} cabinet_office[] = {
	{ 2019, { 101, 114, 211, 321, 429, 430, 501, 502, 503, 504, 505, 506, 715, 811, 812, 916, 923, 1014, 1022, 1103, 1104, 1123 } },
	{ 2020, { 101, 113, 211, 223, 224, 320, 429, 503, 504, 505, 506, 723, 724, 810, 921, 922, 1103, 1123 } },
	{ 2021, { 101, 111, 211, 223, 320, 429, 503, 504, 505, 722, 723, 808, 809, 920, 923, 1103, 1123 } },
	{ 2022, { 101, 110, 211, 223, 321, 429, 503, 504, 505, 718, 811, 919, 923, 1010, 1103, 1123 } },
	{ 2023, { 101, 102, 109, 211, 223, 321, 429, 503, 504, 505, 717, 811, 918, 923, 1009, 1103, 1123 } },
	{ 2024, { 101, 108, 211, 212, 223, 320, 429, 503, 504, 505, 506, 715, 811, 812, 916, 922, 923, 1014, 1103, 1104, 1123 } },
	{ 2025, { 101, 113, 211, 223, 224, 320, 429, 503, 504, 505, 506, 721, 811, 915, 923, 1013, 1103, 1123, 1124 } },
	{ 2026, { 101, 112, 211, 223, 320, 429, 503, 504, 505, 506, 720, 811, 921, 922, 923, 1012, 1103, 1123 } },
	{ 2027, { 101, 111, 211, 223, 321, 322, 429, 503, 504, 505, 719, 811, 920, 923, 1011, 1103, 1123 } },
};

static void check_holiday_lists(void)
{
	for (size_t i = 0; i < sizeof cabinet_office / sizeof cabinet_office[0]; i++) {
		int y = cabinet_office[i].year, want = 0, got = 0, wrong = 0;
		for (int k = 0; k < 24 && cabinet_office[i].days[k]; k++)
			want++;
		for (int64_t day = days_from_civil(y, 1, 1); day < days_from_civil(y + 1, 1, 1); day++) {
			int yy, m, d;
			civil_from_days(day, &yy, &m, &d);
			bool listed = false;
			for (int k = 0; k < want; k++)
				listed |= cabinet_office[i].days[k] == m * 100 + d;
			bool is = jp_holiday(yy, m, d, NULL);
			got += is;
			if (is != listed) {
				wrong++;
				diag("%d-%02d-%02d: computed %s, listed %s", yy, m, d, is ? "holiday" : "workday",
				     listed ? "holiday" : "workday");
			}
		}
		ok(wrong == 0 && got == want, "%d: the %d holidays of the Cabinet Office list, no more", y, want);
	}
}

static void check_named_days(void)
{
	static const struct { int y, m, d; const char *ja; } t[] = {
		{ 2000, 3, 20, "春分の日" }, { 2000, 9, 23, "秋分の日" }, { 2010, 3, 21, "春分の日" },
		{ 2010, 9, 23, "秋分の日" }, { 2012, 3, 20, "春分の日" }, { 2012, 9, 22, "秋分の日" },
		{ 2016, 3, 20, "春分の日" }, { 2016, 9, 22, "秋分の日" }, { 2023, 3, 21, "春分の日" },
		{ 2015, 9, 22, "国民の休日" }, { 2009, 9, 22, "国民の休日" }, { 2026, 9, 22, "国民の休日" },
		{ 2008, 5, 6, "振替休日" },   /* 5/4 (Sunday) → after 5/5: the "nearest non-holiday" rule of 2007 */
		{ 2024, 11, 4, "振替休日" }, { 2027, 3, 22, "振替休日" }, { 2019, 5, 1, "即位の日" },
		{ 2020, 7, 24, "スポーツの日" }, { 2018, 12, 23, "天皇誕生日" }, { 2018, 10, 8, "体育の日" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct jp_holiday h = { 0 };
		ok(jp_holiday(t[i].y, t[i].m, t[i].d, &h) && !strcmp(h.ja, t[i].ja), "%d-%02d-%02d is %s (%s)", t[i].y,
		   t[i].m, t[i].d, t[i].ja, h.ja ? h.ja : "none");
	}
	ok(!jp_holiday(2019, 12, 23, NULL), "no Emperor's Birthday in 2019 (Dec 23 ended, Feb 23 not yet)");
	ok(!jp_holiday(2020, 10, 12, NULL) && !jp_holiday(2021, 8, 11, NULL), "Olympic years: the usual dates are workdays");
	ok(!jp_holiday(1999, 1, 1, NULL) && !jp_holiday(2100, 1, 1, NULL), "outside 2000-2099: not computed");
}

static int64_t at(const char *iso)
{
	int64_t t = 0;
	if (!clock_parse(iso, &t))
		diag("bad time in test table: %s", iso);
	return t;
}

static void check_zones(void)
{
	static const struct { const char *zone, *utc; long off; } t[] = {
		{ "Asia/Tokyo", "2026-07-01T00:00:00Z", 9 * 3600 },
		{ "America/New_York", "2026-03-08T06:59:59Z", -5 * 3600 },
		{ "America/New_York", "2026-03-08T07:00:00Z", -4 * 3600 },
		{ "America/New_York", "2026-11-01T05:59:59Z", -4 * 3600 },
		{ "America/New_York", "2026-11-01T06:00:00Z", -5 * 3600 },
		{ "Europe/Berlin", "2026-03-29T00:59:59Z", 3600 },
		{ "Europe/Berlin", "2026-03-29T01:00:00Z", 7200 },
		{ "Europe/Berlin", "2026-10-25T01:00:00Z", 3600 },
		/* past the file's last transition: the footer's POSIX rule */
		{ "America/New_York", "2100-07-01T16:00:00Z", -4 * 3600 },
		{ "Europe/Berlin", "2090-12-01T11:00:00Z", 3600 },
		{ "Australia/Sydney", "2026-01-15T00:00:00Z", 11 * 3600 },
		{ "Australia/Sydney", "2026-07-15T00:00:00Z", 10 * 3600 },
		{ "UTC", "2026-07-01T00:00:00Z", 0 },
	};
	struct mado_err err;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct tz *z = NULL;
		ok(tz_get(t[i].zone, &z, &err) == MADO_OK && tz_offset(z, at(t[i].utc)) == t[i].off,
		   "%s at %s: UTC%+ld", t[i].zone, t[i].utc, t[i].off / 3600);
	}
	const struct tz *z;
	ok(tz_get("Nowhere/Atlantis", &z, &err) == MADO_EINVAL && strstr(err.msg, "unknown time zone"),
	   "unknown zone refused: %s", err.msg);
	ok(tz_get("../../etc/passwd", &z, &err) == MADO_EINVAL && strstr(err.msg, "bad time zone name"),
	   "path in a zone name refused");
	ok(tz_get("Asia/Tokyo", &z, &err) == MADO_OK &&
	   tz_local_to_utc(z, at("2026-09-18T17:30:00Z")) == at("2026-09-18T17:30:00+09:00"), "local to UTC in Tokyo");
}

struct cal_case {
	const char *zone, *hours, *from;
	int64_t add;
	const char *want;
	const char *what;
};

static void setup(struct calendar *c, const char *zone, const char *hours, bool jp)
{
	struct mado_err err;
	calendar_init(c);
	if (calendar_set_zone(c, zone, &err) || calendar_parse_hours(c, hours, &err))
		diag("setup: %s", err.msg);
	c->jp_holidays = jp;
}

/* Each case: from + add = want (or from - add = want when back), and the
 * business time between the two is add. */
static void check_table(const struct cal_case *t, size_t n, bool back)
{
	struct mado_err err;
	for (size_t i = 0; i < n; i++) {
		struct calendar c;
		setup(&c, t[i].zone, t[i].hours, !strcmp(t[i].zone, "Asia/Tokyo"));
		int64_t got = 0, from = at(t[i].from), want = at(t[i].want);
		mado_status st = back ? calendar_sub(&c, from, t[i].add, &got, &err) : calendar_add(&c, from, t[i].add, &got, &err);
		ok(st == MADO_OK && got == want, "%s: %s (off by %llds)", back ? "sub" : "add", t[i].what,
		   (long long)(got - want));
		is_int(back ? calendar_between(&c, want, from) : calendar_between(&c, from, want), t[i].add, "between: %s",
		       t[i].what);
	}
}

static void check_arithmetic(void)
{
	static const char *const jp9to6 = "mon-fri 09:00-18:00";
	static const struct cal_case t[] = {
		{ "Asia/Tokyo", jp9to6, "2026-04-20T10:00:00+09:00", 2 * 3600, "2026-04-20T12:00:00+09:00", "same day" },
		{ "Asia/Tokyo", jp9to6, "2026-04-20T09:00:00+09:00", 9 * 3600, "2026-04-20T18:00:00+09:00", "ends at closing, not next morning" },
		{ "Asia/Tokyo", jp9to6, "2026-04-24T17:30:00+09:00", 4 * 3600, "2026-04-27T12:30:00+09:00", "Friday evening over the weekend" },
		{ "Asia/Tokyo", jp9to6, "2026-04-25T11:00:00+09:00", 3600, "2026-04-27T10:00:00+09:00", "starting on a Saturday" },
		{ "Asia/Tokyo", jp9to6, "2026-04-24T20:00:00+09:00", 3600, "2026-04-27T10:00:00+09:00", "starting after hours" },
		{ "Asia/Tokyo", jp9to6, "2026-04-28T17:30:00+09:00", 4 * 3600, "2026-04-30T12:30:00+09:00", "over Showa Day" },
		{ "Asia/Tokyo", jp9to6, "2026-05-01T17:30:00+09:00", 4 * 3600, "2026-05-07T12:30:00+09:00", "over Golden Week and its substitute holiday" },
		{ "Asia/Tokyo", jp9to6, "2026-09-18T17:30:00+09:00", 4 * 3600, "2026-09-24T12:30:00+09:00", "over Silver Week (citizen's holiday)" },
		{ "Asia/Tokyo", jp9to6, "2026-03-19T17:30:00+09:00", 4 * 3600, "2026-03-23T12:30:00+09:00", "over the vernal equinox 2026" },
		{ "Asia/Tokyo", jp9to6, "2027-03-19T17:30:00+09:00", 4 * 3600, "2027-03-23T12:30:00+09:00", "equinox on Sunday 2027: substitute Monday" },
		{ "Asia/Tokyo", jp9to6, "2024-09-20T17:30:00+09:00", 4 * 3600, "2024-09-24T12:30:00+09:00", "autumnal equinox 2024 on Sunday" },
		{ "Asia/Tokyo", jp9to6, "2025-11-21T17:30:00+09:00", 4 * 3600, "2025-11-25T12:30:00+09:00", "Labour Thanksgiving 2025: substitute Monday" },
		{ "Asia/Tokyo", jp9to6, "2024-02-09T17:30:00+09:00", 4 * 3600, "2024-02-13T12:30:00+09:00", "National Foundation Day 2024: substitute" },
		{ "Asia/Tokyo", jp9to6, "2026-04-24T08:30:00Z", 4 * 3600, "2026-04-27T12:30:00+09:00", "the instant in UTC, the hours in Tokyo" },
		{ "Asia/Tokyo", "mon-fri 09:00-12:00,13:00-18:00", "2026-04-20T11:00:00+09:00", 2 * 3600, "2026-04-20T14:00:00+09:00", "lunch break skipped" },
		{ "Asia/Tokyo", "mon-fri 09:00-12:00,13:00-18:00", "2026-04-20T12:30:00+09:00", 3600, "2026-04-20T14:00:00+09:00", "starting in the lunch break" },
		{ "Asia/Tokyo", "mon-fri 09:00-18:00; sat 10:00-14:00", "2026-04-24T17:30:00+09:00", 2 * 3600, "2026-04-25T11:30:00+09:00", "Saturday hours" },
		{ "Asia/Tokyo", "fri-mon 00:00-24:00", "2026-04-23T12:00:00+09:00", 30 * 3600, "2026-04-25T06:00:00+09:00", "wrapping day range, whole days" },
		{ "America/New_York", "mon-fri 09:00-17:00", "2026-03-06T16:00:00-05:00", 2 * 3600, "2026-03-09T10:00:00-04:00", "New York: over spring forward" },
		{ "America/New_York", "mon-fri 09:00-17:00", "2026-10-30T16:00:00-04:00", 2 * 3600, "2026-11-02T10:00:00-05:00", "New York: over fall back" },
		{ "America/New_York", "mon-fri 09:00-17:00", "2026-07-03T16:00:00-04:00", 2 * 3600, "2026-07-06T10:00:00-04:00", "New York: no Japanese holidays" },
		{ "Europe/Berlin", "mon-fri 09:00-17:00", "2026-03-27T16:00:00+01:00", 2 * 3600, "2026-03-30T10:00:00+02:00", "Berlin: over spring forward" },
		{ "Europe/Berlin", "mon-fri 09:00-17:00", "2026-10-23T16:00:00+02:00", 2 * 3600, "2026-10-26T10:00:00+01:00", "Berlin: over fall back" },
		{ "America/New_York", "mon-sun 00:00-24:00", "2026-03-07T00:00:00-05:00", 47 * 3600, "2026-03-09T00:00:00-04:00", "24x7: the spring-forward day has 23 hours" },
	};
	check_table(t, sizeof t / sizeof t[0], false);
}

static void check_custom_and_pauses(void)
{
	struct calendar c;
	struct mado_err err;
	setup(&c, "Asia/Tokyo", "mon-fri 09:00-18:00", true);
	ok(calendar_add_holiday(&c, "2026-12-30", &err) == MADO_OK && calendar_add_holiday(&c, "2026-12-29", &err) == MADO_OK &&
	   calendar_add_holiday(&c, "2026-12-31", &err) == MADO_OK && calendar_add_holiday(&c, "2027-01-04", &err) == MADO_OK,
	   "custom holidays (company year-end)");
	int64_t got;
	ok(calendar_add(&c, at("2026-12-28T17:00:00+09:00"), 2 * 3600, &got, &err) == MADO_OK &&
	   got == at("2027-01-05T10:00:00+09:00"), "year end: custom holidays, New Year's Day and a weekend skipped");
	ok(calendar_add_holiday(&c, "2026-02-30", &err) == MADO_EINVAL, "no such date refused");
	ok(calendar_add_holiday(&c, "26-1-1", &err) == MADO_EINVAL, "bad date refused: %s", err.msg);

	/* A pause: a ticket due Thursday 12:30 is paused Tuesday 10:00 and
	 * resumed Wednesday 15:00; the business time left at the pause is
	 * kept, so the new due time is that much after the resume. */
	int64_t due = at("2026-04-23T12:30:00+09:00"), paused = at("2026-04-21T10:00:00+09:00"),
	        resumed = at("2026-04-22T15:00:00+09:00");
	int64_t left = calendar_between(&c, paused, due);
	is_int(left, 2 * 9 * 3600 + 3.5 * 3600 - 3600, "business time left at the pause");
	ok(calendar_add(&c, resumed, left, &got, &err) == MADO_OK && got == at("2026-04-24T17:30:00+09:00"),
	   "resumed: due shifted by the business time paused (Thu 12:30 + 14h paused → Fri 17:30)");
	is_int(calendar_between(&c, paused, resumed), 8 * 3600 + 6 * 3600, "business time paused");
	/* pausing over a weekend costs no business time */
	is_int(calendar_between(&c, at("2026-04-24T18:00:00+09:00"), at("2026-04-27T09:00:00+09:00")), 0,
	       "a pause outside hours takes no business time");

	struct calendar closed;
	setup(&closed, "UTC", "", false);
	ok(calendar_add(&closed, 0, 60, &got, &err) == MADO_EINVAL && strstr(err.msg, "no business hours"),
	   "a calendar with no hours: an error, not a hang");
	ok(calendar_add(&c, 0, CAL_MAX_SPAN + 1, &got, &err) == MADO_ELIMIT, "absurd durations refused");
}

/* Going back from a due time: where an SLA warning lands. The result is
 * the latest instant with that much business time before the due time,
 * so that a warning before a morning due time comes at the opening, not
 * over the night. */
static void check_subtraction(void)
{
	static const char *const jp9to6 = "mon-fri 09:00-18:00";
	static const struct cal_case t[] = {
		{ "Asia/Tokyo", jp9to6, "2026-04-21T10:00:00+09:00", 3600, "2026-04-21T09:00:00+09:00", "1h before 10:00: the opening, not 09:00 wall clock over the night" },
		{ "Asia/Tokyo", jp9to6, "2026-04-21T09:30:00+09:00", 3600, "2026-04-20T17:30:00+09:00", "1h before 09:30: half an hour the evening before" },
		{ "Asia/Tokyo", jp9to6, "2026-04-21T09:00:00+09:00", 3600, "2026-04-20T17:00:00+09:00", "1h before the opening: 17:00 the day before" },
		{ "Asia/Tokyo", jp9to6, "2026-04-21T15:00:00+09:00", 1800, "2026-04-21T14:30:00+09:00", "inside the day: like wall clock" },
		{ "Asia/Tokyo", jp9to6, "2026-04-27T10:00:00+09:00", 2 * 3600, "2026-04-24T17:00:00+09:00", "Monday 10:00: back over the weekend to Friday" },
		{ "Asia/Tokyo", jp9to6, "2026-09-24T10:00:00+09:00", 4 * 3600, "2026-09-18T15:00:00+09:00", "back over Silver Week (citizen's holiday)" },
		{ "Asia/Tokyo", jp9to6, "2026-05-07T09:30:00+09:00", 3600, "2026-05-01T17:30:00+09:00", "back over Golden Week and its substitute holiday" },
		{ "Asia/Tokyo", "mon-fri 09:00-12:00,13:00-18:00", "2026-04-20T13:30:00+09:00", 3600, "2026-04-20T11:30:00+09:00", "over the lunch break" },
		{ "Asia/Tokyo", jp9to6, "2026-04-25T12:00:00+09:00", 3600, "2026-04-24T17:00:00+09:00", "from a Saturday" },
		{ "America/New_York", "mon-fri 09:00-17:00", "2026-03-09T10:00:00-04:00", 2 * 3600, "2026-03-06T16:00:00-05:00", "New York: back over spring forward" },
		{ "Europe/Berlin", "mon-fri 09:00-17:00", "2026-10-26T10:00:00+01:00", 2 * 3600, "2026-10-23T16:00:00+02:00", "Berlin: back over fall back" },
	};
	check_table(t, sizeof t / sizeof t[0], true);
	struct mado_err err;
	struct calendar closed;
	int64_t got;
	setup(&closed, "UTC", "", false);
	ok(calendar_sub(&closed, 0, 60, &got, &err) == MADO_EINVAL, "sub on a calendar with no hours: an error, not a hang");
}

static void check_open_at(void)
{
	static const struct { const char *when; bool open; const char *what; } t[] = {
		{ "2026-09-18T10:00:00+09:00", true, "a Friday morning" },
		{ "2026-09-18T09:00:00+09:00", true, "the opening minute" },
		{ "2026-09-18T18:00:00+09:00", false, "the closing instant" },
		{ "2026-09-18T08:59:59+09:00", false, "a second before opening" },
		{ "2026-09-19T10:00:00+09:00", false, "a Saturday" },
		{ "2026-09-21T10:00:00+09:00", false, "敬老の日" },
		{ "2026-09-22T10:00:00+09:00", false, "国民の休日" },
		{ "2026-09-24T10:00:00+09:00", true, "the Thursday after" },
		{ "2026-09-18T01:00:00Z", true, "a UTC instant inside Tokyo's hours" },
	};
	struct calendar c;
	setup(&c, "Asia/Tokyo", "mon-fri 09:00-18:00", true);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		ok(calendar_open_at(&c, at(t[i].when)) == t[i].open, "open at %s: %s", t[i].what, t[i].open ? "yes" : "no");
}

static void check_hours_parser(void)
{
	static const struct { const char *in, *canon; } good[] = {
		{ "mon-fri 09:00-18:00", "mon 09:00-18:00; tue 09:00-18:00; wed 09:00-18:00; thu 09:00-18:00; fri 09:00-18:00" },
		{ " sat 10:00-12:00 , 13:00-15:00 ;sun 00:00-24:00", "sat 10:00-12:00,13:00-15:00; sun 00:00-24:00" },
		{ "", "" },
	};
	struct calendar c;
	struct mado_err err;
	char out[512];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		calendar_init(&c);
		ok(calendar_parse_hours(&c, good[i].in, &err) == MADO_OK, "hours '%s' accepted", good[i].in);
		calendar_format_hours(&c, out, sizeof out);
		is_str(out, good[i].canon, "…and written back canonically");
	}
	static const char *const bad[] = { "monday 09:00-18:00", "mon 9:00-18:00", "mon 18:00-09:00",
	                                   "mon 09:00-12:00,11:00-13:00", "mon 09:00-18:00; mon 10:00-11:00",
	                                   "mon 09:00-24:30", "mon 09:00-18:00 tue", "mon-xyz 09:00-10:00" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		calendar_init(&c);
		ok(calendar_parse_hours(&c, bad[i], &err) == MADO_EINVAL, "refused '%s': %s", bad[i], err.msg);
		ok(c.week[3].n == 1 && c.week[3].iv[0].end == 86400, "…and the calendar left as it was");
	}
}

int main(void)
{
	check_holiday_lists();
	check_named_days();
	check_zones();
	check_arithmetic();
	check_custom_and_pauses();
	check_subtraction();
	check_open_at();
	check_hours_parser();
	return done_testing();
}
