/*
 * Webhook delivery (see webhooks.h). libcurl is used with redirects off,
 * only http and https, a connect and a total timeout, and no signals (the
 * sender runs on the scheduler's webhook thread in `mado serve`). The response body is
 * discarded; any 2xx is success.
 */
#include "jobs/webhooks.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_workflow.h"
#include "util/curl_load.h"

void webhooks_signature(const unsigned char *key, const char *body, size_t len, char *out, size_t n)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, WEBHOOK_KEY_BYTES);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	char hex[2 * sizeof mac + 1];
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out, n, "sha256=%s", hex);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* Cut a transfer off when the sender is told to stop (libcurl calls
 * this about once a second and whenever data moves). */
static int progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	const atomic_bool *stop = ctx;
	return stop && atomic_load(stop);
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* POST one webhook; "" in error on success. */
static void post(const struct webhook_opts *o, const struct store_webhook *w, char *error, size_t en)
{
	*error = 0;
	struct mado_err lerr;
	if (curl_load(&lerr)) { /* libcurl is loaded on first send, not at exec */
		snprintf(error, en, "%s", lerr.msg);
		return;
	}
	pthread_once(&curl_once, curl_start);
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(error, en, "curl_easy_init failed");
		return;
	}
	char sig[96], sig_h[128], id_h[64];
	webhooks_signature(o->key, w->body_json, strlen(w->body_json), sig, sizeof sig);
	snprintf(sig_h, sizeof sig_h, "X-Mado-Signature: %s", sig);
	snprintf(id_h, sizeof id_h, "X-Mado-Delivery: %lld", (long long)w->id);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, sig_h);
	h = curl_slist_append(h, id_h);
	h = curl_slist_append(h, "User-Agent: Mado-Webhook/1");
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms ? o->timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms ? o->timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, w->body_json);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(w->body_json));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)o->stop);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK)
		snprintf(error, en, "%s", curl_easy_strerror(rc));
	else if (code < 200 || code > 299)
		snprintf(error, en, "HTTP %ld", code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

static mado_status claim(struct store *s, const struct store_webhook *w, time_t until, time_t now, bool *mine,
                         struct mado_err *err)
{
	mado_status st = store_begin(s, err);
	if (!st)
		st = store_webhook_claim(s, w->id, until, now, mine, err);
	if (!st)
		st = store_commit(s, err);
	if (st)
		store_rollback(s);
	return st;
}

struct due {
	struct store_webhook *v;
	size_t n, cap;
	struct arena *a;
};

static mado_status collect(void *vctx, const struct store_webhook *w)
{
	struct due *d = vctx;
	if (array_reserve_one((void **)&d->v, &d->cap, d->n, sizeof *d->v))
		return MADO_ENOMEM;
	d->v[d->n++] = *w;
	return MADO_OK;
}

mado_status webhooks_send_due(struct store *s, const struct webhook_opts *o, time_t now, struct webhook_stats *stats,
                              struct mado_err *err)
{
	memset(stats, 0, sizeof *stats);
	struct due d = { .a = arena_new() };
	if (!d.a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	unsigned max = o->max_attempts ? o->max_attempts : 5;
	long timeout_ms = o->timeout_ms ? o->timeout_ms : 10000;
	mado_status st = store_webhook_due(s, d.a, now, o->batch ? (int64_t)o->batch : 100, collect, &d, err);
	if (st == MADO_ENOMEM)
		mado_fail(err, st, "out of memory");
	stats->taken = d.n;
	for (size_t i = 0; i < d.n && !st && !(o->stop && atomic_load(o->stop)); i++) {
		char error[256];
		bool mine = false;
		if ((st = claim(s, &d.v[i], now + timeout_ms / 1000 + 60, now, &mine, err)) || !mine)
			continue;
		post(o, &d.v[i], error, sizeof error);
		if (o->stop && atomic_load(o->stop))
			break;   /* cut off by the shutdown: not an attempt; taken again after the claim */
		const char *status = !*error ? "sent" : d.v[i].attempts + 1 >= max ? "failed" : "queued";
		/* retry after 1, 2, 4, 8… minutes */
		time_t next = now + ((time_t)60 << (d.v[i].attempts < 10 ? d.v[i].attempts : 10));
		if ((st = store_begin(s, err)))
			break;
		st = store_webhook_attempt(s, d.v[i].id, status, error, next, now, err);
		if (st == MADO_OK)
			st = store_commit(s, err);
		else
			store_rollback(s);
		if (st == MADO_OK) {
			stats->sent += !*error;
			stats->failed += *status == 'f';
			stats->retry += *status == 'q';
		}
	}
	free(d.v);
	arena_free(d.a);
	return st;
}
