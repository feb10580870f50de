/*
 * Japanese public holidays (国民の祝日), computed: fixed days, Happy Monday
 * days, the vernal and autumnal equinox days by the standard formula, the
 * 2019-2021 special cases (the enthronement, the Olympic moves),
 * substitute holidays (振替休日) and citizen's holidays (国民の休日).
 * Valid for 2000-2099 (the equinox formula's range; earlier rules differ).
 * Dates announced later than this code (a new law, the Cabinet Office's
 * equinox announcement differing from the formula) are added as custom
 * holidays of a calendar.
 */
#ifndef MADO_CORE_HOLIDAYS_JP_H
#define MADO_CORE_HOLIDAYS_JP_H

#include <stdbool.h>

struct jp_holiday {
	const char *ja, *en;   /* static strings */
};

/* Is y-m-d a holiday? Fills *h (may be NULL) when it is. False outside
 * 2000-2099. */
bool jp_holiday(int y, int m, int d, struct jp_holiday *h);

#endif
