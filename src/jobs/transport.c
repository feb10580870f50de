/*
 * Transports. SMTP goes through libcurl's smtp:// and smtps:// handlers:
 * libcurl does EHLO, STARTTLS (CURLOPT_USE_SSL), AUTH, MAIL FROM, one RCPT
 * per recipient, DATA with dot-stuffing, and reports the last reply code
 * (CURLINFO_RESPONSE_CODE). A refused recipient does not stop the others
 * (CURLOPT_MAIL_RCPT_ALLLOWFAILS): the mail goes to those the relay took,
 * and the debug callback, which sees each command and reply, tells which
 * RCPT got which answer, so the caller can record or retry just that one.
 *
 * A relay refusing our login (535) or our lack of TLS (530 "Must issue a
 * STARTTLS command first") speaks of our configuration, not of the mail:
 * that is temporary, the mail waits until an admin fixes the settings.
 *
 * sendmail is run as `PATH -i -f SENDER -- RCPT...` with the message on
 * stdin: -i so a lone "." line is data; "--" so no recipient is read as
 * an option. Its exit status follows sysexits: 75 (EX_TEMPFAIL) and
 * signals are temporary, other failures permanent.
 */
#include "jobs/transport.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/curl_load.h"

/* ---- SMTP (libcurl) ---- */

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ud)
{
	struct upload *u = ud;
	size_t n = size * nmemb < u->left ? size * nmemb : u->left;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* For SMTP, libcurl hands each server reply line to the header callback:
 * keep the first 4xx/5xx one, it says why the transaction failed (what
 * follows is QUIT's "221 Bye"). */
static size_t reply_cb(char *line, size_t size, size_t nmemb, void *ud)
{
	char *last = ud;
	size_t n = size * nmemb;
	if (!*last && n >= 3 && (line[0] == '4' || line[0] == '5')) {
		size_t k = n < 300 ? n : 300;
		while (k && (line[k - 1] == '\r' || line[k - 1] == '\n'))
			k--;
		memcpy(last, line, k);
		last[k] = '\0';
	}
	return n;
}

/* Pairs each RCPT TO we send with the relay's final reply line to it
 * (libcurl sends SMTP commands one at a time, never pipelined). */
struct rcpt_watch {
	struct transport_outcome *out;
	long pending;     /* index of the RCPT awaiting its reply, -1 = none */
	size_t sent;
};

static int debug_cb(CURL *c, curl_infotype type, char *data, size_t size, void *ud)
{
	(void)c;
	struct rcpt_watch *w = ud;
	if (type == CURLINFO_HEADER_OUT && size >= 8 && !strncasecmp(data, "RCPT TO:", 8)) {
		w->pending = w->sent < TRANSPORT_MAX_RCPT ? (long)w->sent : -1;
		w->sent++;
	} else if (type == CURLINFO_HEADER_IN && w->pending >= 0 && size >= 4 && data[3] != '-' &&
	           data[0] >= '2' && data[0] <= '5') {
		struct transport_rcpt *r = &w->out->rcpt[w->pending];
		r->code = (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0');
		size_t k = size < sizeof r->text - 1 ? size : sizeof r->text - 1;
		while (k && (data[k - 1] == '\r' || data[k - 1] == '\n'))
			k--;
		memcpy(r->text, data, k);
		r->text[k] = '\0';
		w->pending = -1;
	}
	return 0;
}

/* 530 (authentication or TLS required) and 535 (login refused): the relay
 * refuses us, not the mail. */
static bool our_setup_refused(CURLcode rc, long code)
{
	return rc == CURLE_LOGIN_DENIED || code == 530 || code == 535 || code == 534 || code == 538;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void smtp_send(const struct mado_config *cfg, const char *mail_from, const char *const *rcpt, size_t n,
                      const char *data, size_t len, struct transport_outcome *out)
{
	struct mado_err lerr;
	if (curl_load(&lerr)) { /* libcurl is loaded on first send, not at exec */
		out->result = TRANSPORT_TEMP;
		snprintf(out->text, sizeof out->text, "%s", lerr.msg);
		return;
	}
	pthread_once(&curl_once, curl_start);
	CURL *c = curl_easy_init();
	if (!c) {
		out->result = TRANSPORT_TEMP;
		snprintf(out->text, sizeof out->text, "libcurl: cannot start a transfer");
		return;
	}
	char url[400], from[300], errbuf[CURL_ERROR_SIZE] = "", last[304] = "";
	bool smtps = !strcmp(cfg->relay_tls, "smtps");
	snprintf(url, sizeof url, "%s://%s:%zu", smtps ? "smtps" : "smtp", cfg->relay_host, cfg->relay_port);
	snprintf(from, sizeof from, "<%s>", mail_from);
	struct curl_slist *to = NULL;
	for (size_t i = 0; i < n; i++) {
		char r[300];
		snprintf(r, sizeof r, "<%s>", rcpt[i]);
		to = curl_slist_append(to, r);
	}
	struct upload u = { data, len };
	struct rcpt_watch w = { out, -1, 0 };
	out->nrcpt = n < TRANSPORT_MAX_RCPT ? n : TRANSPORT_MAX_RCPT;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, reply_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, last);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
	curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(c, CURLOPT_DEBUGDATA, &w);
	curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  /* the debug callback only sees traffic in verbose mode */
	if (*cfg->relay_ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->relay_ca_file);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(cfg->relay_timeout_seconds < 30 ? cfg->relay_timeout_seconds : 30));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)cfg->relay_timeout_seconds);
	/* "try" with a password requires TLS: a relay that does not offer
	 * STARTTLS (or a man in the middle stripping it) must never see the
	 * password in clear. "none" is the explicit way to send it plain. */
	bool try_tls = !strcmp(cfg->relay_tls, "try");
	if (smtps || !strcmp(cfg->relay_tls, "starttls") || (try_tls && *cfg->relay_user))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	else if (try_tls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (*cfg->relay_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->relay_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->relay_password);
	}
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	out->code = (int)code;
	if (rc == CURLE_OK) {
		out->result = TRANSPORT_SENT;
	} else {
		/* 5xx is final; everything else (4xx, refused or dropped
		 * connections, timeouts, TLS trouble) may pass later */
		out->result = code >= 500 && code < 600 && !our_setup_refused(rc, code) ? TRANSPORT_PERM : TRANSPORT_TEMP;
		size_t el = strlen(errbuf);
		while (el && (errbuf[el - 1] == '\n' || errbuf[el - 1] == '\r'))
			errbuf[--el] = '\0';
		/* the relay's own reply line when there was one, else the code */
		if (*last && code >= 400)
			snprintf(out->text, sizeof out->text, "%s (%s)", last, el ? errbuf : curl_easy_strerror(rc));
		else if (code >= 400)
			snprintf(out->text, sizeof out->text, "%ld (%s)", code, el ? errbuf : curl_easy_strerror(rc));
		else
			snprintf(out->text, sizeof out->text, "%s", el ? errbuf : curl_easy_strerror(rc));
	}
	curl_slist_free_all(to);
	curl_easy_cleanup(c);
}

/* ---- sendmail ---- */

static void sendmail_send(const struct mado_config *cfg, const char *mail_from, const char *const *rcpt, size_t n,
                          const char *data, size_t len, struct transport_outcome *out)
{
	char **argv = calloc(n + 6, sizeof *argv);
	int fds[2];
	if (!argv || pipe2(fds, O_CLOEXEC) != 0) {
		free(argv);
		out->result = TRANSPORT_TEMP;
		snprintf(out->text, sizeof out->text, "sendmail: %s", strerror(errno));
		return;
	}
	size_t k = 0;
	argv[k++] = (char *)cfg->sendmail_path;
	argv[k++] = "-i";
	argv[k++] = "-f";
	argv[k++] = (char *)(*mail_from ? mail_from : "<>");
	argv[k++] = "--";
	for (size_t i = 0; i < n; i++)
		argv[k++] = (char *)rcpt[i];
	argv[k] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[0], 0);
		execv(cfg->sendmail_path, argv);
		_exit(127);
	}
	close(fds[0]);
	free(argv);
	if (pid < 0) {
		close(fds[1]);
		out->result = TRANSPORT_TEMP;
		snprintf(out->text, sizeof out->text, "sendmail: fork: %s", strerror(errno));
		return;
	}
	/* sendmail wants local line ends */
	bool wrote = true;
	for (size_t i = 0; i < len && wrote;) {
		const char *cr = memchr(data + i, '\r', len - i);
		size_t chunk = cr ? (size_t)(cr - (data + i)) : len - i;
		if (chunk && write(fds[1], data + i, chunk) != (ssize_t)chunk)
			wrote = false;
		i += chunk + (cr ? 1 : 0);
	}
	close(fds[1]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && wrote) {
		out->result = TRANSPORT_SENT;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 75 && WEXITSTATUS(status) != 127) {
		out->result = TRANSPORT_PERM;
		snprintf(out->text, sizeof out->text, "%s exited with status %d", cfg->sendmail_path, WEXITSTATUS(status));
	} else {
		out->result = TRANSPORT_TEMP;
		snprintf(out->text, sizeof out->text, "%s: %s %d", cfg->sendmail_path,
		         WIFEXITED(status) ? "exit status" : "killed by signal",
		         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
}

void transport_send(const struct mado_config *cfg, const char *mail_from, const char *const *rcpt, size_t n,
                    const char *data, size_t len, struct transport_outcome *out)
{
	memset(out, 0, sizeof *out);
	if (!strcmp(cfg->mail_transport, "sendmail"))
		sendmail_send(cfg, mail_from, rcpt, n, data, len, out);
	else
		smtp_send(cfg, mail_from, rcpt, n, data, len, out);
}
