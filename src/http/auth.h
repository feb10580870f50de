/*
 * Authentication: passwords (Argon2id via libsodium), sessions (random
 * cookie, stored as SHA-256), CSRF tokens bound to the session, API tokens
 * (stored as SHA-256), and login rate limits per account and per address.
 * Unknown user and wrong password get the same reply and the same work.
 */
#ifndef MADO_HTTP_AUTH_H
#define MADO_HTTP_AUTH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "util/status.h"

struct http_req;
struct store;

#define AUTH_LIMIT_SLOTS 1024

struct auth_limit_slot {
	char key[128];       /* "a:<email>" or "i:<address>" */
	time_t window_start;
	unsigned failures;
};

struct auth_state {
	pthread_mutex_t lock;
	struct auth_limit_slot slots[AUTH_LIMIT_SLOTS];
};

#define AUTH_SESSION_COOKIE "mado_session"
#define AUTH_SESSION_SECONDS (12 * 3600)
#define AUTH_MAX_FAILURES_ACCOUNT 5   /* per 15 minutes */
#define AUTH_MAX_FAILURES_ADDRESS 20  /* per 15 minutes */
#define AUTH_WINDOW_SECONDS (15 * 60)

void auth_init(struct auth_state *a);
void auth_free(struct auth_state *a);

/* Hash a password for storage (Argon2id string). */
mado_status auth_hash_password(const char *password, char out[128], struct mado_err *err);
bool auth_check_password(const char *hash, const char *password);

/* Random token as 64 hex chars, and its storage hash (SHA-256 hex). */
void auth_new_token(char token[65]);
void auth_token_hash(const char *token, char hash[65]);

/* Fill req->who from the session cookie or "Authorization: Bearer". */
void auth_identify(struct http_req *req);
/* The request carries the session's CSRF token (API tokens need none). */
bool auth_csrf_ok(struct http_req *req);

/* Rate limits: true if this account/address may try to log in now. */
bool auth_login_allowed(struct auth_state *a, const char *email, const char *addr, time_t now);
void auth_login_failed(struct auth_state *a, const char *email, const char *addr, time_t now);
void auth_login_succeeded(struct auth_state *a, const char *email, time_t now);

#endif
