/*
 * Time zones from the system's tz database (/usr/share/zoneinfo, or $TZDIR),
 * read by Mado itself: TZif files (RFC 8536, versions 1-4) and the POSIX
 * TZ rule in their footer for instants past the last transition.
 *
 * Why not localtime_r() with TZ switched: TZ is process-wide, so switching
 * it races with every other thread that formats a local time (GMime, the
 * HTTP server) and setenv() is not thread-safe at all; a mutex around our
 * own conversions would not protect theirs. A parsed zone is immutable and
 * so safe to share between threads.
 *
 * Also here: proleptic Gregorian day arithmetic (days since 1970-01-01).
 */
#ifndef MADO_UTIL_TZ_H
#define MADO_UTIL_TZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/status.h"

struct tz;

/* The zone named like "Asia/Tokyo" or "UTC". Zones are loaded once and
 * cached for the life of the process (thread-safe): the returned pointer
 * is owned by the cache and never freed. MADO_EINVAL for a bad or unknown
 * name. */
mado_status tz_get(const char *name, const struct tz **out, struct mado_err *err);

/* Parse TZif data (the fuzzed entry point). The caller owns *out. */
mado_status tz_parse(const unsigned char *data, size_t len, struct tz **out, struct mado_err *err);
void tz_free(struct tz *z);   /* accepts NULL */

/* Offset from UTC (seconds east) in force at the UTC instant t. */
long tz_offset(const struct tz *z, int64_t t);
/* The UTC instant of a local wall time given as seconds since 1970-01-01
 * 00:00 local. In a gap (spring forward) the result is shifted by the
 * gap; in an overlap (fall back) the earlier instant is taken. */
int64_t tz_local_to_utc(const struct tz *z, int64_t local);

/* Days since 1970-01-01 of a civil date, and back; weekday 0 = Sunday. */
int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t days, int *y, int *m, int *d);
int weekday_of_days(int64_t days);

#endif
