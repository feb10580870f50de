/*
 * Weekly hours: "mon-fri 09:00-18:00 +09:00; sat 10:00-14:00 +09:00".
 * Used for agents' shifts (routing) and the time-of-day and business-hours
 * conditions of triggers. Deliberately small: no holidays and a fixed UTC
 * offset per entry. The calendar module (business-time calendars with
 * holidays and zones) can stand in for it through struct hours_check.
 *
 * Grammar: entries separated by ';'. An entry is DAYS START-END [OFFSET]:
 * DAYS is "daily", a day ("mon".."sun"), a range ("mon-fri") or a comma
 * list ("mon,wed,fri"); START and END are HH:MM (END may be 24:00, or
 * earlier than START for a shift past midnight, which belongs to the day
 * it starts on); OFFSET is ±HH:MM from UTC (default +00:00).
 */
#ifndef MADO_CORE_HOURS_H
#define MADO_CORE_HOURS_H

#include <stdbool.h>
#include <time.h>

#include "util/status.h"

#define HOURS_SPEC_MAX 512
#define HOURS_MAX_ENTRIES 14

/* Is spec well formed? MADO_EINVAL with what is wrong in err. */
mado_status hours_check_spec(const char *spec, struct mado_err *err);
/* Is now inside spec's hours? An empty spec is always inside; a bad spec
 * is never inside (MADO_EINVAL). */
mado_status hours_within(const char *spec, time_t now, bool *inside, struct mado_err *err);

/* The seam for a fuller calendar: routing and triggers ask this. */
typedef mado_status (*hours_within_fn)(void *ctx, const char *spec, time_t now, bool *inside,
                                       struct mado_err *err);
struct hours_check {
	hours_within_fn within;   /* NULL = hours_within() */
	void *ctx;
};
mado_status hours_check_within(const struct hours_check *hc, const char *spec, time_t now, bool *inside,
                               struct mado_err *err);

#endif
