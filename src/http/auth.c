/*
 * Authentication and its rate limits. Session cookies and API tokens are
 * 256-bit random values; only their SHA-256 is stored, so a copy of the
 * database opens no session. The CSRF token is a second random value bound
 * to the session and compared in constant time.
 *
 * Login limits are a small fixed table of failure counters keyed by
 * account and by client address, in fixed 15-minute windows: bounded
 * memory whatever an attacker sends.
 */
#include "http/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "store/store.h"

/* Argon2id cost: OWASP's minimum for Argon2id (19 MiB, 2 passes). */
#define PW_OPS 2
#define PW_MEM (19u * 1024 * 1024)

void auth_init(struct auth_state *a)
{
	memset(a, 0, sizeof *a);
	pthread_mutex_init(&a->lock, NULL);
}

void auth_free(struct auth_state *a)
{
	pthread_mutex_destroy(&a->lock);
}

mado_status auth_hash_password(const char *password, char out[128], struct mado_err *err)
{
	if (crypto_pwhash_str(out, password, strlen(password), PW_OPS, PW_MEM) != 0)
		return mado_fail(err, MADO_ENOMEM, "out of memory hashing the password");
	return MADO_OK;
}

bool auth_check_password(const char *hash, const char *password)
{
	/* An unknown account still pays for one verification, so that the
	 * reply time does not tell which accounts exist. */
	static char dummy[crypto_pwhash_STRBYTES];
	if (!dummy[0] && crypto_pwhash_str(dummy, "not a password", 14, PW_OPS, PW_MEM) != 0)
		dummy[0] = '\0';
	const char *h = hash && *hash ? hash : dummy;
	bool ok = crypto_pwhash_str_verify(h, password, strlen(password)) == 0;
	return ok && hash && *hash;
}

void auth_new_token(char token[65])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(token, 65, b, sizeof b);
}

void auth_token_hash(const char *token, char hash[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hash, 65, h, sizeof h);
}

static void set_principal(struct http_req *req, const struct store_principal *p, bool token)
{
	req->who.agent_id = p->agent_id;
	req->who.customer_id = p->customer_id;
	req->who.email = p->email;
	req->who.csrf = p->csrf;
	req->who.via_token = token;
	req->who.role = p->customer_id ? ROLE_CUSTOMER : role_parse(p->role);
}

void auth_identify(struct http_req *req)
{
	memset(&req->who, 0, sizeof req->who);
	struct store_principal p;
	struct mado_err err;
	char hash[65];
	const char *authz = http_header_get(req, "Authorization");
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		auth_token_hash(authz + 7, hash);
		if (store_token_get(req->store, req->arena, hash, &p, &err) == MADO_OK)
			set_principal(req, &p, true);
		return;
	}
	const char *cookie = http_cookie_get(req, AUTH_SESSION_COOKIE);
	if (!cookie || strlen(cookie) != 64)
		return;
	auth_token_hash(cookie, hash);
	if (store_session_get(req->store, req->arena, hash, time(NULL), &p, &err) == MADO_OK)
		set_principal(req, &p, false);
}

bool auth_csrf_ok(struct http_req *req)
{
	if (req->who.via_token || req->who.role == ROLE_NONE)
		return true; /* no ambient credential to abuse */
	const char *sent = http_header_get(req, "X-CSRF-Token");
	const char *want = req->who.csrf;
	if (!sent || !want || strlen(sent) != strlen(want))
		return false;
	return sodium_memcmp(sent, want, strlen(want)) == 0;
}

static struct auth_limit_slot *slot_for(struct auth_state *a, const char *key, time_t now)
{
	uint32_t h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	struct auth_limit_slot *sl = &a->slots[h % AUTH_LIMIT_SLOTS];
	if (strcmp(sl->key, key) != 0 || now - sl->window_start >= AUTH_WINDOW_SECONDS) {
		/* a colliding key shares nothing: the slot restarts for this key */
		if (strcmp(sl->key, key) != 0 && now - sl->window_start < AUTH_WINDOW_SECONDS &&
		    sl->failures > 0 && sl->key[0])
			return sl; /* keep counting the older key; the newcomer is limited with it */
		snprintf(sl->key, sizeof sl->key, "%s", key);
		sl->window_start = now;
		sl->failures = 0;
	}
	return sl;
}

bool auth_login_allowed(struct auth_state *a, const char *email, const char *addr, time_t now)
{
	char k1[128], k2[128];
	snprintf(k1, sizeof k1, "a:%s", email);
	snprintf(k2, sizeof k2, "i:%s", addr);
	pthread_mutex_lock(&a->lock);
	bool ok = slot_for(a, k1, now)->failures < AUTH_MAX_FAILURES_ACCOUNT &&
	          slot_for(a, k2, now)->failures < AUTH_MAX_FAILURES_ADDRESS;
	pthread_mutex_unlock(&a->lock);
	return ok;
}

void auth_login_failed(struct auth_state *a, const char *email, const char *addr, time_t now)
{
	char k1[128], k2[128];
	snprintf(k1, sizeof k1, "a:%s", email);
	snprintf(k2, sizeof k2, "i:%s", addr);
	pthread_mutex_lock(&a->lock);
	slot_for(a, k1, now)->failures++;
	slot_for(a, k2, now)->failures++;
	pthread_mutex_unlock(&a->lock);
}

void auth_login_succeeded(struct auth_state *a, const char *email, time_t now)
{
	char k1[128];
	snprintf(k1, sizeof k1, "a:%s", email);
	pthread_mutex_lock(&a->lock);
	struct auth_limit_slot *sl = slot_for(a, k1, now);
	if (strcmp(sl->key, k1) == 0)
		sl->failures = 0;
	pthread_mutex_unlock(&a->lock);
}
