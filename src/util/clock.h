/*
 * The clock: every timestamp Mado writes (tickets, events, SLA due times,
 * the scheduler) comes from mado_now(), so that tests can set the time and
 * business-time arithmetic is tested exactly.
 *
 * The time is real (time(NULL)) unless overridden, strongest first:
 *   1. the environment variable MADO_CLOCK=<unix seconds | ISO 8601>;
 *   2. clock_set() (the workspace setting clock.override, tests).
 * An overridden clock stands still: every call returns the same instant.
 * Intervals (timeouts, benchmarks) use CLOCK_MONOTONIC, never this.
 */
#ifndef MADO_UTIL_CLOCK_H
#define MADO_UTIL_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "util/status.h"

/* Now, in UTC seconds since the epoch. Thread-safe. */
time_t mado_now(void);

/* Override the clock (0 = back to the real one). MADO_CLOCK still wins. */
void clock_set(time_t t);

/* Override from a string (clock.override, MADO_CLOCK); "" clears it. */
mado_status clock_set_string(const char *spec, struct mado_err *err);

/* Parse ISO 8601 (YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and Z or
 * ±HH[:]MM; no zone means UTC) or seconds since the epoch. */
bool clock_parse(const char *s, int64_t *out);

#endif
