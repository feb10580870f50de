/*
 * Login, logout and "who am I". Login renews the session (a new random
 * token every time, so a planted cookie is worthless), returns the CSRF
 * token, and answers unknown account and wrong password identically.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/api.h"
#include "http/server_internal.h"

static void set_cookie(struct http_req *req, struct http_resp *resp, const char *value, long max_age)
{
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s", AUTH_SESSION_COOKIE,
	         value, max_age, req->srv->opts.secure_cookies ? "; Secure" : "");
	http_header_add(resp, req, "Set-Cookie", c);
}

void api_login(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	/* copied out of the JSON, which is released before the slow hash */
	const char *email = arena_strdup(req->arena, json_string_value(json_object_get(j, "email")));
	const char *password = arena_strdup(req->arena, json_string_value(json_object_get(j, "password")));
	json_decref(j);
	if (!email || !password || strlen(email) > 254 || strlen(password) > 1024) {
		http_error(resp, 400, "bad_request", "email and password are required");
		return;
	}
	time_t now = time(NULL);
	struct auth_state *as = &req->srv->auth;
	if (!auth_login_allowed(as, email, req->remote_addr, now)) {
		http_header_add(resp, req, "Retry-After", "900");
		http_error(resp, 429, "rate_limited", "too many failed logins; try again later");
		return;
	}
	struct store_agent ag;
	struct mado_err err;
	mado_status st = store_agent_by_email(req->store, req->arena, email, &ag, &err);
	bool good = auth_check_password(st == MADO_OK && !ag.disabled ? ag.password_hash : NULL, password);
	if (!good) {
		auth_login_failed(as, email, req->remote_addr, now);
		http_error(resp, 401, "invalid_credentials", "wrong email or password");
		return;
	}
	auth_login_succeeded(as, email, now);
	char token[65], hash[65], csrf[65];
	auth_new_token(token);
	auth_new_token(csrf);
	auth_token_hash(token, hash);
	if (store_session_add(req->store, hash, ag.id, 0, csrf, now, now + AUTH_SESSION_SECONDS, &err)) {
		http_error(resp, 503, "unavailable", err.msg);
		return;
	}
	/* the old session, if any, ends: no fixation */
	const char *old = http_cookie_get(req, AUTH_SESSION_COOKIE);
	if (old && strlen(old) == 64) {
		char oh[65];
		auth_token_hash(old, oh);
		store_session_delete(req->store, oh, &err);
	}
	set_cookie(req, resp, token, AUTH_SESSION_SECONDS);
	http_json(resp, 200, json_pack("{s:{s:I, s:s, s:s, s:s}, s:s}", "agent", "id", (json_int_t)ag.id, "email",
	                               ag.email, "name", ag.name, "role", ag.role, "csrf_token", csrf));
}

void api_logout(struct http_req *req, struct http_resp *resp)
{
	const char *cookie = http_cookie_get(req, AUTH_SESSION_COOKIE);
	struct mado_err err;
	if (cookie && strlen(cookie) == 64) {
		char hash[65];
		auth_token_hash(cookie, hash);
		store_session_delete(req->store, hash, &err);
	}
	set_cookie(req, resp, "", 0);
	http_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

void api_session(struct http_req *req, struct http_resp *resp)
{
	json_t *j = json_pack("{s:s, s:s?}", "role", role_name(req->who.role), "email", req->who.email);
	if (req->who.agent_id)
		json_object_set_new(j, "agent_id", json_integer(req->who.agent_id));
	if (req->who.csrf)
		json_object_set_new(j, "csrf_token", json_string(req->who.csrf));
	http_json(resp, 200, j);
}
