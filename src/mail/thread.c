/*
 * Subject tokens and signed reply addresses. The tag is the first 60 bits
 * of HMAC-SHA256(key, "mado-reply:<n>") in base32: short enough for an
 * address local part, long enough that guessing is hopeless online.
 */
#include "mail/thread.h"

#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

mado_status thread_token_format(const char *format, int64_t n, struct buf *out)
{
	const char *ph = strstr(format, "{n}");
	if (!ph)
		return buf_append_str(out, format);
	mado_status st = buf_append(out, format, (size_t)(ph - format));
	if (!st)
		st = buf_printf(out, "%" PRId64, n);
	if (!st)
		st = buf_append_str(out, ph + 3);
	return st;
}

bool thread_token_find(const char *format, const char *subject, size_t len, int64_t *n)
{
	const char *ph = strstr(format, "{n}");
	if (!ph)
		return false;
	size_t pl = (size_t)(ph - format);
	const char *suffix = ph + 3;
	size_t sl = strlen(suffix);
	bool found = false;
	for (size_t i = 0; i + pl < len; i++) {
		if (strncasecmp(subject + i, format, pl) != 0)
			continue;
		size_t j = i + pl;
		int64_t v = 0;
		size_t digits = 0;
		while (j < len && isdigit((unsigned char)subject[j]) && digits < 18) {
			v = v * 10 + (subject[j] - '0');
			j++;
			digits++;
		}
		if (!digits || (j < len && isdigit((unsigned char)subject[j])))
			continue;
		if (sl && (len - j < sl || strncasecmp(subject + j, suffix, sl) != 0))
			continue;
		/* Without a suffix the number must end at a non-alphanumeric. */
		if (!sl && j < len && isalnum((unsigned char)subject[j]))
			continue;
		*n = v;
		found = true;
	}
	return found && *n > 0;
}

/* The tag of ticket n for one use (purpose): reply addresses and VERP
 * bounce addresses get different tags, so neither can stand for the other. */
static void purpose_tag(const unsigned char key[THREAD_KEY_BYTES], const char *purpose, int64_t n,
                        char tag[THREAD_TAG_CHARS + 1])
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	char msg[64];
	int ml = snprintf(msg, sizeof msg, "%s:%" PRId64, purpose, n);
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, THREAD_KEY_BYTES);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, (unsigned long long)ml);
	crypto_auth_hmacsha256_final(&st, mac);
	uint64_t bits = 0;
	for (int i = 0; i < 8; i++)
		bits = bits << 8 | mac[i];
	for (int i = 0; i < THREAD_TAG_CHARS; i++)
		tag[i] = b32[(bits >> (64 - 5 * (i + 1))) & 31];
	tag[THREAD_TAG_CHARS] = '\0';
}

void thread_tag(const unsigned char key[THREAD_KEY_BYTES], int64_t n, char tag[THREAD_TAG_CHARS + 1])
{
	purpose_tag(key, "mado-reply", n, tag);
}

void thread_survey_tag(const unsigned char key[THREAD_KEY_BYTES], int64_t n, char tag[THREAD_TAG_CHARS + 1])
{
	purpose_tag(key, "mado-survey", n, tag);
}

bool thread_verify_survey(const unsigned char key[THREAD_KEY_BYTES], int64_t n, const char *tag)
{
	char want[THREAD_TAG_CHARS + 1];
	thread_survey_tag(key, n, want);
	return tag && strlen(tag) == THREAD_TAG_CHARS && sodium_memcmp(want, tag, THREAD_TAG_CHARS) == 0;
}

static bool split_address(const char *addr, size_t len, struct str *local, struct str *domain)
{
	const char *at = memchr(addr, '@', len);
	if (!at)
		return false;
	const char *at2 = at;
	/* the last @ separates the domain */
	for (const char *q = at + 1; q < addr + len; q++)
		if (*q == '@')
			at2 = q;
	*local = str_make(addr, (size_t)(at2 - addr));
	*domain = str_make(at2 + 1, (size_t)(addr + len - at2 - 1));
	return local->len && domain->len;
}

mado_status thread_sign_address(const unsigned char key[THREAD_KEY_BYTES], const char *support,
                                int64_t n, struct buf *out)
{
	struct str local, domain;
	if (!split_address(support, strlen(support), &local, &domain))
		return MADO_EINVAL;
	char tag[THREAD_TAG_CHARS + 1];
	thread_tag(key, n, tag);
	return buf_printf(out, "%.*s+%" PRId64 ".%s@%.*s", (int)local.len, local.p, n, tag,
	                  (int)domain.len, domain.p);
}

/* "<prefix>+<n><sep><tag>@<domain>" with tag valid for n and purpose. */
static bool verify_tagged(const unsigned char key[THREAD_KEY_BYTES], struct str slocal, struct str sdomain,
                          const char *purpose, char sep, const char *addr, size_t len, int64_t *n)
{
	struct str local, domain;
	if (!split_address(addr, len, &local, &domain))
		return false;
	if (!str_ieq(domain, sdomain) || local.len <= slocal.len + 1 ||
	    strncasecmp(local.p, slocal.p, slocal.len) != 0 || local.p[slocal.len] != '+')
		return false;
	const char *p = local.p + slocal.len + 1, *end = local.p + local.len;
	int64_t v = 0;
	size_t digits = 0;
	while (p < end && isdigit((unsigned char)*p) && digits < 18) {
		v = v * 10 + (*p - '0');
		p++;
		digits++;
	}
	if (!digits || v <= 0 || p >= end || *p != sep || (size_t)(end - p - 1) != THREAD_TAG_CHARS)
		return false;
	char want[THREAD_TAG_CHARS + 1], got[THREAD_TAG_CHARS];
	purpose_tag(key, purpose, v, want);
	for (size_t i = 0; i < THREAD_TAG_CHARS; i++)
		got[i] = (char)tolower((unsigned char)p[1 + i]);
	if (sodium_memcmp(want, got, THREAD_TAG_CHARS) != 0)
		return false;
	*n = v;
	return true;
}

bool thread_verify_address(const unsigned char key[THREAD_KEY_BYTES], const char *support,
                           const char *addr, size_t len, int64_t *n)
{
	struct str slocal, sdomain;
	return split_address(support, strlen(support), &slocal, &sdomain) &&
	       verify_tagged(key, slocal, sdomain, "mado-reply", '.', addr, len, n);
}

mado_status thread_verp_address(const unsigned char key[THREAD_KEY_BYTES], const char *support, int64_t n,
                                struct buf *out)
{
	struct str local, domain;
	if (!split_address(support, strlen(support), &local, &domain))
		return MADO_EINVAL;
	char tag[THREAD_TAG_CHARS + 1];
	purpose_tag(key, "mado-bounce", n, tag);
	return buf_printf(out, "bounce+%" PRId64 "-%s@%.*s", n, tag, (int)domain.len, domain.p);
}

bool thread_verify_verp(const unsigned char key[THREAD_KEY_BYTES], const char *support, const char *addr,
                        size_t len, int64_t *n)
{
	struct str local, domain;
	return split_address(support, strlen(support), &local, &domain) &&
	       verify_tagged(key, STR_LIT("bounce"), domain, "mado-bounce", '-', addr, len, n);
}

struct json_t *thread_reply_references(const char *refs_json, const char *in_reply_to, struct buf *hdr)
{
	json_t *refs = json_loads(refs_json ? refs_json : "[]", 0, NULL);
	if (!json_is_array(refs)) {
		json_decref(refs);
		refs = json_array();
	}
	if (in_reply_to && *in_reply_to)
		json_array_append_new(refs, json_string(in_reply_to));
	while (json_array_size(refs) > THREAD_MAX_REFERENCES)
		json_array_remove(refs, 0);
	for (size_t i = 0; i < json_array_size(refs); i++)
		buf_printf(hdr, "%s<%s>", i ? " " : "", json_string_value(json_array_get(refs, i)));
	return refs;
}
