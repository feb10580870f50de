/*
 * TZif reader (RFC 8536) and POSIX TZ rule evaluator; see tz.h for why
 * Mado reads zones itself instead of switching TZ for localtime_r().
 *
 * A zone is a sorted array of transition instants with the UTC offset in
 * force after each, plus the footer rule for instants after the last
 * transition (a "slim" TZif file has few transitions and relies on it).
 * Version 1 files carry 32-bit times only; later versions repeat the data
 * with 64-bit times after the first block, which is what we read.
 */
#include "util/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TZ_MAX_TIMES 4096       /* transitions; real zones have < 2,000 */
#define TZ_MAX_TYPES 256        /* the format's own limit */
#define TZ_MAX_CHARS 4096
#define TZ_MAX_LEAPS 1024
#define TZ_MAX_FILE (1 << 20)
#define TZ_MAX_FOOTER 128
#define TZ_MAX_OFFSET (25 * 3600)

/* One end of daylight saving time in a POSIX rule. */
struct tz_when {
	char kind;   /* 'J' (1..365, no Feb 29), 'D' (0..365), 'M' (month.week.day) */
	int n, m, w, d;
	long secs;   /* local time of day of the change */
};

struct tz {
	size_t n;
	int64_t *times;
	int32_t *offs;
	int32_t first_off;
	bool has_rule, rule_dst;
	long std_off, dst_off;   /* seconds east */
	struct tz_when start, end;
};

/* ---- civil dates ---- */

/* After Howard Hinnant's days_from_civil: exact for any proleptic date. */
int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int weekday_of_days(int64_t days)
{
	int64_t w = (days + 4) % 7;   /* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* ---- the POSIX TZ rule in the footer ---- */

static bool parse_num(const char **pp, long max, long *out)
{
	const char *p = *pp;
	long v = 0;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		if (v > max)
			return false;
	}
	*out = v;
	*pp = p;
	return true;
}

/* [+-]hh[:mm[:ss]] as seconds (hours up to 167, RFC 8536 3.3.1). */
static bool parse_hms(const char **pp, long *out)
{
	const char *p = *pp;
	long sign = 1, h, mi = 0, s = 0;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!parse_num(&p, 167, &h))
		return false;
	if (*p == ':') {
		p++;
		if (!parse_num(&p, 59, &mi))
			return false;
		if (*p == ':') {
			p++;
			if (!parse_num(&p, 59, &s))
				return false;
		}
	}
	*out = sign * (h * 3600 + mi * 60 + s);
	*pp = p;
	return true;
}

static bool parse_zone_name(const char **pp)
{
	const char *p = *pp;
	size_t n = 0;
	if (*p == '<') {
		p++;
		while (*p && *p != '>')
			p++, n++;
		if (*p != '>')
			return false;
		p++;
	} else {
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
			p++, n++;
	}
	if (n < 1)
		return false;
	*pp = p;
	return true;
}

static bool parse_when(const char **pp, struct tz_when *w)
{
	const char *p = *pp;
	long a, b, c;
	memset(w, 0, sizeof *w);
	if (*p == 'M') {
		p++;
		if (!parse_num(&p, 12, &a) || *p++ != '.' || !parse_num(&p, 5, &b) || *p++ != '.' ||
		    !parse_num(&p, 6, &c) || a < 1 || b < 1)
			return false;
		w->kind = 'M', w->m = (int)a, w->w = (int)b, w->d = (int)c;
	} else if (*p == 'J') {
		p++;
		if (!parse_num(&p, 365, &a) || a < 1)
			return false;
		w->kind = 'J', w->n = (int)a;
	} else {
		if (!parse_num(&p, 365, &a))
			return false;
		w->kind = 'D', w->n = (int)a;
	}
	w->secs = 7200;
	if (*p == '/') {
		p++;
		if (!parse_hms(&p, &w->secs))
			return false;
	}
	*pp = p;
	return true;
}

static bool parse_rule(struct tz *z, const char *p)
{
	long off;
	if (!*p)
		return true;   /* no footer rule: the last transition stands */
	if (!parse_zone_name(&p) || !parse_hms(&p, &off) || off < -TZ_MAX_OFFSET || off > TZ_MAX_OFFSET)
		return false;
	z->std_off = -off;   /* POSIX offsets are west of Greenwich */
	z->has_rule = true;
	if (!*p)
		return true;
	if (!parse_zone_name(&p))
		return false;
	z->dst_off = z->std_off + 3600;
	if (*p && *p != ',') {
		if (!parse_hms(&p, &off) || off < -TZ_MAX_OFFSET || off > TZ_MAX_OFFSET)
			return false;
		z->dst_off = -off;
	}
	if (*p++ != ',' || !parse_when(&p, &z->start) || *p++ != ',' || !parse_when(&p, &z->end) || *p)
		return false;
	z->rule_dst = true;
	return true;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local seconds since the epoch at which w happens in year y. */
static int64_t when_local(const struct tz_when *w, int y)
{
	int64_t day;
	if (w->kind == 'J') {
		day = days_from_civil(y, 1, 1) + w->n - 1 + (is_leap(y) && w->n >= 60);
	} else if (w->kind == 'D') {
		day = days_from_civil(y, 1, 1) + w->n;
	} else {
		int64_t first = days_from_civil(y, w->m, 1);
		int64_t next = w->m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, w->m + 1, 1);
		day = first + (w->d - weekday_of_days(first) + 7) % 7 + (int64_t)(w->w - 1) * 7;
		while (day >= next)
			day -= 7;
	}
	return day * 86400 + w->secs;
}

static long rule_offset(const struct tz *z, int64_t t)
{
	if (!z->rule_dst)
		return z->std_off;
	int y, m, d;
	civil_from_days(floor_div(t + z->std_off, 86400), &y, &m, &d);
	int64_t start = when_local(&z->start, y) - z->std_off;
	int64_t end = when_local(&z->end, y) - z->dst_off;
	bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
	return dst ? z->dst_off : z->std_off;
}

long tz_offset(const struct tz *z, int64_t t)
{
	if (z->n == 0)
		return z->has_rule ? rule_offset(z, t) : z->first_off;
	if (t < z->times[0])
		return z->first_off;
	if (t >= z->times[z->n - 1] && z->has_rule)
		return rule_offset(z, t);
	size_t lo = 0, hi = z->n;   /* times[lo] <= t < times[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->offs[lo];
}

int64_t tz_local_to_utc(const struct tz *z, int64_t local)
{
	/* Two rounds find the offset in force at the answer; starting from the
	 * offset a day earlier takes the earlier instant of an overlap. */
	int64_t u = local - tz_offset(z, local - 86400);
	u = local - tz_offset(z, u);
	return local - tz_offset(z, u);
}

/* ---- TZif ---- */

struct rd {
	const unsigned char *p;
	size_t left;
};

static bool take(struct rd *r, size_t n, const unsigned char **out)
{
	if (r->left < n)
		return false;
	*out = r->p;
	r->p += n;
	r->left -= n;
	return true;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static bool read_header(struct rd *r, char *version, struct tzif_counts *c)
{
	const unsigned char *h;
	if (!take(r, 44, &h) || memcmp(h, "TZif", 4))
		return false;
	*version = (char)h[4];
	c->isut = be32(h + 20), c->isstd = be32(h + 24), c->leap = be32(h + 28);
	c->time = be32(h + 32), c->type = be32(h + 36), c->chars = be32(h + 40);
	return c->time <= TZ_MAX_TIMES && c->type >= 1 && c->type <= TZ_MAX_TYPES && c->chars <= TZ_MAX_CHARS &&
	       c->leap <= TZ_MAX_LEAPS && (c->isut == 0 || c->isut == c->type) &&
	       (c->isstd == 0 || c->isstd == c->type);
}

static size_t block_size(const struct tzif_counts *c, size_t tsize)
{
	return c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) + c->isstd + c->isut;
}

/* Read one data block with tsize-byte times into z. */
static bool read_block(struct rd *r, const struct tzif_counts *c, size_t tsize, struct tz *z)
{
	const unsigned char *times, *idx, *types, *skip;
	if (!take(r, c->time * tsize, &times) || !take(r, c->time, &idx) || !take(r, c->type * 6, &types) ||
	    !take(r, block_size(c, tsize) - c->time * (tsize + 1) - c->type * 6, &skip))
		return false;
	z->n = c->time;
	z->times = calloc(c->time + 1, sizeof *z->times);
	z->offs = calloc(c->time + 1, sizeof *z->offs);
	if (!z->times || !z->offs)
		return false;
	for (size_t i = 0; i < c->time; i++) {
		z->times[i] = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
		if (idx[i] >= c->type || (i && z->times[i] <= z->times[i - 1]))
			return false;
		z->offs[i] = (int32_t)be32(types + 6 * idx[i]);
	}
	for (size_t i = 0; i < c->type; i++) {
		int32_t off = (int32_t)be32(types + 6 * i);
		if (off < -TZ_MAX_OFFSET || off > TZ_MAX_OFFSET)   /* RFC 8536: -25h..+26h; we keep ±25h */
			return false;
	}
	z->first_off = (int32_t)be32(types);
	return true;
}

static void tz_clear(struct tz *z)
{
	free(z->times);
	free(z->offs);
	memset(z, 0, sizeof *z);
}

mado_status tz_parse(const unsigned char *data, size_t len, struct tz **out, struct mado_err *err)
{
	*out = NULL;
	struct rd r = { data, len };
	struct tzif_counts c;
	char version;
	const unsigned char *skip;
	struct tz *z = calloc(1, sizeof *z);
	if (!z)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	if (!read_header(&r, &version, &c))
		goto bad;
	if (version == 0) {
		if (!read_block(&r, &c, 4, z))
			goto bad;
	} else {
		/* skip the 32-bit block: the 64-bit one follows with a header */
		if (!take(&r, block_size(&c, 4), &skip) || !read_header(&r, &version, &c) || !read_block(&r, &c, 8, z))
			goto bad;
		const unsigned char *nl, *footer;
		if (!take(&r, 1, &nl) || *nl != '\n')
			goto bad;
		size_t n = 0;
		while (n < r.left && n <= TZ_MAX_FOOTER && r.p[n] != '\n')
			n++;
		if (n >= r.left || n > TZ_MAX_FOOTER || !take(&r, n + 1, &footer) || memchr(footer, 0, n))
			goto bad;
		char rule[TZ_MAX_FOOTER + 1];
		memcpy(rule, footer, n);
		rule[n] = '\0';
		if (!parse_rule(z, rule))
			goto bad;
	}
	*out = z;
	return MADO_OK;
bad:
	tz_clear(z);
	free(z);
	return mado_fail(err, MADO_EINVAL, "not a valid TZif time zone file");
}

void tz_free(struct tz *z)
{
	if (!z)
		return;
	tz_clear(z);
	free(z);
}

/* ---- the cache of zones by name ---- */

struct tz_entry {
	struct tz_entry *next;
	struct tz *z;
	char name[];
};
static struct tz_entry *cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* Area/Location names only: no "..", no leading '/', tz database characters. */
static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64 || name[0] == '/' || name[0] == '.' || strstr(name, "..") || strstr(name, "//"))
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") == n;
}

static mado_status load_file(const char *name, struct tz **out, struct mado_err *err)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mado_fail(err, MADO_EINVAL, "unknown time zone '%s' (%s)", name, strerror(errno));
	unsigned char *buf = malloc(TZ_MAX_FILE);
	ssize_t got = buf ? read(fd, buf, TZ_MAX_FILE) : -1;
	close(fd);
	mado_status st = got < 0 ? mado_fail(err, MADO_EINVAL, "time zone '%s': cannot read %s", name, path)
	                         : tz_parse(buf, (size_t)got, out, err);
	if (st == MADO_EINVAL && got >= 0)
		mado_fail(err, MADO_EINVAL, "time zone '%s': %s is not a TZif file", name, path);
	free(buf);
	return st;
}

mado_status tz_get(const char *name, const struct tz **out, struct mado_err *err)
{
	if (!name_ok(name))
		return mado_fail(err, MADO_EINVAL, "bad time zone name '%.64s' (want e.g. Asia/Tokyo)", name);
	mado_status st = MADO_OK;
	pthread_mutex_lock(&cache_lock);
	struct tz_entry *e;
	for (e = cache; e; e = e->next)
		if (!strcmp(e->name, name))
			break;
	if (!e) {
		struct tz *z;
		if (!(st = load_file(name, &z, err))) {
			e = malloc(sizeof *e + strlen(name) + 1);
			if (!e) {
				tz_free(z);
				st = mado_fail(err, MADO_ENOMEM, "out of memory");
			} else {
				memcpy(e->name, name, strlen(name) + 1);
				e->z = z;
				e->next = cache;
				cache = e;
			}
		}
	}
	if (e)
		*out = e->z;
	pthread_mutex_unlock(&cache_lock);
	return st;
}
