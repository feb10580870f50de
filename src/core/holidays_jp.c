/*
 * Japanese public holidays, computed from the Act on National Holidays
 * (国民の祝日に関する法律) as amended up to 2018, plus the special laws for
 * 2019 (the enthronement) and 2020/2021 (the Tokyo Olympics).
 *
 * base_holiday() knows the days the law names; jp_holiday() adds the two
 * derived kinds: a substitute holiday is the first non-holiday after a
 * holiday falling on a Sunday (since 2007: "the nearest day that is not a
 * holiday", so it can be Tuesday when Monday is a holiday too); a citizen's
 * holiday is a weekday squeezed between two holidays.
 * The table-driven test checks 2020-2027 against the Cabinet Office's list.
 */
#include "core/holidays_jp.h"

#include <stddef.h>

#include "util/tz.h"

static const struct jp_holiday
	GANJITSU = { "元日", "New Year's Day" },
	SEIJIN = { "成人の日", "Coming of Age Day" },
	KENKOKU = { "建国記念の日", "National Foundation Day" },
	TENNO = { "天皇誕生日", "The Emperor's Birthday" },
	SHUNBUN = { "春分の日", "Vernal Equinox Day" },
	SHOWA = { "昭和の日", "Showa Day" },
	GREENERY_OLD = { "みどりの日", "Greenery Day" },
	KENPO = { "憲法記念日", "Constitution Memorial Day" },
	MIDORI = { "みどりの日", "Greenery Day" },
	KODOMO = { "こどもの日", "Children's Day" },
	UMI = { "海の日", "Marine Day" },
	YAMA = { "山の日", "Mountain Day" },
	KEIRO = { "敬老の日", "Respect for the Aged Day" },
	SHUBUN = { "秋分の日", "Autumnal Equinox Day" },
	TAIIKU = { "体育の日", "Health and Sports Day" },
	SPORTS = { "スポーツの日", "Sports Day" },
	BUNKA = { "文化の日", "Culture Day" },
	KINRO = { "勤労感謝の日", "Labour Thanksgiving Day" },
	SOKUI = { "即位の日", "Enthronement Day" },
	SOKUIREI = { "即位礼正殿の儀の行われる日", "Enthronement Ceremony Day" },
	KOKUMIN = { "国民の休日", "Citizen's Holiday" },
	FURIKAE = { "振替休日", "Substitute Holiday" };

/* The n-th Monday of month m. */
static int happy_monday(int y, int m, int n)
{
	int wd = weekday_of_days(days_from_civil(y, m, 1));
	return 1 + (8 - wd) % 7 + (n - 1) * 7;
}

/* The equinox formula (valid 1980-2099) as published with the almanac. */
static int equinox_day(int y, double base)
{
	return (int)(base + 0.242194 * (y - 1980)) - (y - 1980) / 4;
}

static const struct jp_holiday *special_year(int y, int m, int d)
{
	static const struct {
		int y, m, d;
		const struct jp_holiday *h;
	} t[] = {
		{ 2019, 4, 30, &KOKUMIN }, { 2019, 5, 1, &SOKUI }, { 2019, 5, 2, &KOKUMIN },
		{ 2019, 10, 22, &SOKUIREI },
		{ 2020, 7, 23, &UMI }, { 2020, 7, 24, &SPORTS }, { 2020, 8, 10, &YAMA },
		{ 2021, 7, 22, &UMI }, { 2021, 7, 23, &SPORTS }, { 2021, 8, 8, &YAMA },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].y == y && t[i].m == m && t[i].d == d)
			return t[i].h;
	return NULL;
}

/* A holiday named by the law (not substitute or citizen's). */
static const struct jp_holiday *base_holiday(int y, int m, int d)
{
	const struct jp_holiday *s = special_year(y, m, d);
	if (s)
		return s;
	bool olympic = y == 2020 || y == 2021;   /* Marine, Sports, Mountain Day moved */
	switch (m) {
	case 1:
		return d == 1 ? &GANJITSU : d == happy_monday(y, 1, 2) ? &SEIJIN : NULL;
	case 2:
		return d == 11 ? &KENKOKU : (d == 23 && y >= 2020) ? &TENNO : NULL;
	case 3:
		return d == equinox_day(y, 20.8431) ? &SHUNBUN : NULL;
	case 4:
		return d == 29 ? (y >= 2007 ? &SHOWA : &GREENERY_OLD) : NULL;
	case 5:
		return d == 3 ? &KENPO : (d == 4 && y >= 2007) ? &MIDORI : d == 5 ? &KODOMO : NULL;
	case 7:
		return (!olympic && y >= 2003 && d == happy_monday(y, 7, 3)) ? &UMI : NULL;
	case 8:
		return (!olympic && y >= 2016 && d == 11) ? &YAMA : NULL;
	case 9:
		return (y >= 2003 && d == happy_monday(y, 9, 3)) ? &KEIRO
		       : d == equinox_day(y, 23.2488)            ? &SHUBUN
		                                                 : NULL;
	case 10:
		return (!olympic && d == happy_monday(y, 10, 2)) ? (y >= 2020 ? &SPORTS : &TAIIKU) : NULL;
	case 11:
		return d == 3 ? &BUNKA : d == 23 ? &KINRO : NULL;
	case 12:
		return (d == 23 && y <= 2018) ? &TENNO : NULL;
	default:
		return NULL;
	}
}

static const struct jp_holiday *base_of_days(int64_t days)
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	return base_holiday(y, m, d);
}

bool jp_holiday(int y, int m, int d, struct jp_holiday *out)
{
	if (y < 2000 || y > 2099)
		return false;
	const struct jp_holiday *h = base_holiday(y, m, d);
	int64_t day = days_from_civil(y, m, d);
	if (!h) {
		/* 振替休日: walk back over the run of holidays before this day */
		for (int64_t k = day - 1; base_of_days(k); k--) {
			if (weekday_of_days(k) == 0 && (y >= 2007 || k == day - 1)) {
				h = &FURIKAE;
				break;
			}
		}
	}
	if (!h && weekday_of_days(day) != 0 && base_of_days(day - 1) && base_of_days(day + 1))
		h = &KOKUMIN;
	if (h && out)
		*out = *h;
	return h != NULL;
}
