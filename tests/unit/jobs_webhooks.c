/* The webhook sender (src/jobs/webhooks.c) against a real HTTP server on
 * 127.0.0.1 (libmicrohttpd, in this process): the body arrives as queued
 * with a signature that verifies; a 500 is retried later and given up
 * after the last attempt; a refused connection is recorded; nothing is
 * sent before its retry time. */
#include <curl/curl.h>
#include <microhttpd.h>
#include <pthread.h>

#include "jobs/webhooks.h"
#include "tap.h"
#include "workflow_fixture.h"

#define NOW 1795000000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char got_body[4096], got_sig[128], got_path[64];
static int hits;

struct upload {
	char buf[4096];
	size_t len;
};

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **con_cls)
{
	struct upload *u = *con_cls;
	if (!u) {
		*con_cls = calloc(1, sizeof *u);
		return MHD_YES;
	}
	if (*size) {
		size_t n = *size < sizeof u->buf - 1 - u->len ? *size : sizeof u->buf - 1 - u->len;
		memcpy(u->buf + u->len, data, n);
		u->len += n;
		*size = 0;
		return MHD_YES;
	}
	const char *sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Mado-Signature");
	pthread_mutex_lock(&mu);
	hits++;
	snprintf(got_body, sizeof got_body, "%.*s", (int)u->len, u->buf);
	snprintf(got_sig, sizeof got_sig, "%s", sig ? sig : "");
	snprintf(got_path, sizeof got_path, "%s", url);
	pthread_mutex_unlock(&mu);
	struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(conn, strcmp(url, "/ok") ? 500 : 204, r);
	MHD_destroy_response(r);
	return ret;
}

static void done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	free(*con_cls);
	*con_cls = NULL;
}

static void queue(struct fx *f, int64_t ticket, const char *url, const char *body)
{
	struct mado_err e;
	fx_begin(f);
	if (store_webhook_add(f->s, ticket, 0, url, body, NOW, &e))
		fx_die("webhook add", &e);
	fx_commit(f);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, NULL,
	                                        MHD_OPTION_NOTIFY_COMPLETED, done, NULL, MHD_OPTION_END);
	if (!d) {
		printf("Bail out! cannot start the HTTP receiver\n");
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	int port = info ? info->port : 0;
	ok(port > 0, "receiver on 127.0.0.1:%d", port);

	struct fx f;
	fx_open(&f);
	memset(f.key, 7, sizeof f.key);
	int64_t t = fx_mail(&f, "c@example.net", "hook me", "x");
	char ok_url[80], fail_url[80];
	snprintf(ok_url, sizeof ok_url, "http://127.0.0.1:%d/ok", port);
	snprintf(fail_url, sizeof fail_url, "http://127.0.0.1:%d/fail", port);
	const char *body = "{\"event\":\"created\",\"ticket\":{\"number\":1,\"subject\":\"件名\"}}";
	queue(&f, t, ok_url, body);

	struct webhook_opts o = { .key = f.key, .timeout_ms = 5000, .max_attempts = 3 };
	struct webhook_stats st;
	struct mado_err e;
	ok(webhooks_send_due(f.s, &o, NOW, &st, &e) == MADO_OK, "send");
	is_int(st.sent, 1, "one sent");
	is_str(got_body, body, "the receiver got the queued body byte for byte");
	char want[96];
	webhooks_signature(f.key, body, strlen(body), want, sizeof want);
	is_str(got_sig, want, "X-Mado-Signature is the HMAC-SHA256 of the body under the key");
	ok(strncmp(got_sig, "sha256=", 7) == 0 && strlen(got_sig) == 7 + 64, "…as sha256=<64 hex>");
	is_str(fx_text(&f, "SELECT status || '|' || attempts || '|' || sent_at FROM webhook_queue WHERE id = 1", 0),
	       "sent|1|1795000000", "recorded as sent with the time");
	ok(webhooks_send_due(f.s, &o, NOW + 1, &st, &e) == MADO_OK && st.sent + st.retry + st.failed == 0 && hits == 1,
	   "a sent webhook is not sent again");

	/* a receiver error: retried later, given up after max_attempts */
	queue(&f, t, fail_url, "{\"n\":2}");
	webhooks_send_due(f.s, &o, NOW, &st, &e);
	is_int(st.retry, 1, "HTTP 500: to retry");
	is_str(fx_text(&f, "SELECT status || '|' || attempts || '|' || last_error || '|' || (next_attempt_at - ?1) FROM webhook_queue WHERE id = 2", NOW),
	       "queued|1|HTTP 500|60", "…after 60 s, with the error");
	webhooks_send_due(f.s, &o, NOW + 30, &st, &e);
	is_int(st.retry + st.sent + st.failed, 0, "not before its time");
	webhooks_send_due(f.s, &o, NOW + 60, &st, &e);
	is_str(fx_text(&f, "SELECT attempts || '|' || (next_attempt_at - ?1) FROM webhook_queue WHERE id = 2", NOW + 60),
	       "2|120", "second failure: the delay doubles");
	webhooks_send_due(f.s, &o, NOW + 180, &st, &e);
	is_int(st.failed, 1, "third failure of 3: given up");
	is_str(fx_text(&f, "SELECT status FROM webhook_queue WHERE id = 2", 0), "failed", "…recorded as failed");

	/* nobody listening */
	MHD_stop_daemon(d);
	queue(&f, t, ok_url, "{\"n\":3}");
	webhooks_send_due(f.s, &o, NOW + 200, &st, &e);
	is_int(st.retry, 1, "connection refused: to retry");
	const char *err = fx_text(&f, "SELECT last_error FROM webhook_queue WHERE id = 3", 0);
	ok(err && strstr(err, "onnect"), "…with curl's reason (%s)", err ? err : "");

	fx_close(&f);
	curl_global_cleanup();
	return done_testing();
}
