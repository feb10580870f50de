/*
 * The settings table. Each row names a field of struct mado_config by
 * offset, its type and bounds, so that parsing, validation and the
 * `--defaults` listing all come from this one place (Postfix postconf).
 */
#include "util/config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum ctype { C_SIZE, C_UINT, C_BOOL, C_DOUBLE, C_STR };

struct setting {
	const char *name;
	enum ctype type;
	size_t off, size;
	const char *def;
	double min, max;
	const char *doc;
};

/* Text settings that take one of a few words. */
static const struct {
	const char *name, *choices;
} choice_settings[] = {
	{ "outbox.transport", "smtp sendmail" },
	{ "outbox.relay_tls", "none try starttls smtps" },
	{ "mailbox.charset", "utf-8 iso-2022-jp" },
};

#define F(field) offsetof(struct mado_config, field), sizeof(((struct mado_config *)0)->field)

static const struct setting settings[] = {
	{ "mail.max_message_bytes", C_SIZE, F(max_message_bytes), "50M", 1024, 2e9,
	  "largest message accepted; larger ones are refused with exit 65" },
	{ "mail.max_header_bytes", C_SIZE, F(max_header_bytes), "256K", 1024, 64e6,
	  "bytes of one header block; the rest is ignored and noted" },
	{ "mail.max_headers", C_UINT, F(max_headers), "1000", 10, 1e6,
	  "header fields in one block; the rest are ignored and noted" },
	{ "mail.max_mime_depth", C_UINT, F(max_mime_depth), "32", 1, 1000,
	  "multipart nesting depth; deeper parts are ignored and noted" },
	{ "mail.max_parts", C_UINT, F(max_parts), "500", 1, 1e6,
	  "MIME parts per message; further parts are ignored and noted" },
	{ "mail.max_part_bytes", C_SIZE, F(max_part_bytes), "50M", 1024, 2e9,
	  "decoded bytes of one part; longer parts are cut and noted" },
	{ "mail.max_text_bytes", C_SIZE, F(max_text_bytes), "2M", 1024, 1e9,
	  "body text kept on a message; the rest is cut and noted (raw kept)" },
	{ "mail.max_html_bytes", C_SIZE, F(max_html_bytes), "4M", 1024, 1e9,
	  "HTML given to the sanitizer; over it only text is shown" },
	{ "mail.max_attachment_bytes", C_SIZE, F(max_attachment_bytes), "25M", 0, 2e9,
	  "largest attachment stored; larger ones are listed but not kept" },
	{ "ingest.deadline_seconds", C_UINT, F(ingest_deadline_seconds), "120", 1, 900,
	  "time `mado ingest` may take before it gives up with exit 75 (Postfix allows 1000)" },
	{ "import.batch", C_UINT, F(import_batch), "200", 1, 100000,
	  "messages per transaction in `mado import`" },
	{ "ingest.drain_batch", C_UINT, F(drain_batch), "100", 1, 100000,
	  "spooled messages per transaction when draining" },
	{ "mailbox.addresses", C_STR, F(support_addresses), "support@localhost", 0, 0,
	  "support addresses copied into the mailboxes table when it is empty (admins edit them there); always our own" },
	{ "mailbox.msgid_domain", C_STR, F(msgid_domain), "mado.localhost", 0, 0,
	  "domain of the Message-IDs Mado writes (recognised as our own)" },
	{ "thread.subject_token", C_STR, F(subject_token), "[#{n}]", 0, 0,
	  "ticket token in subjects; {n} is the ticket number" },
	{ "hygiene.trust_spam_headers", C_BOOL, F(trust_spam_headers), "false", 0, 0,
	  "read X-Spam-*/rspamd verdict headers (only if your MTA sets and strips them)" },
	{ "hygiene.spam_threshold", C_DOUBLE, F(spam_threshold), "5.0", -1000, 1000,
	  "spam score at or above which a message is spam" },
	{ "hygiene.max_received", C_UINT, F(max_received), "50", 5, 1000,
	  "Received: headers that mean a mail loop (refused with exit 65)" },
	{ "hygiene.loop_header", C_STR, F(loop_header), "X-Mado-Loop", 0, 0,
	  "header Mado puts on its own mail to recognise it coming back" },
	{ "customers.freemail_domains", C_STR, F(freemail_domains),
	  "gmail.com,googlemail.com,yahoo.com,yahoo.co.jp,ymail.com,outlook.com,outlook.jp,"
	  "hotmail.com,hotmail.co.jp,live.com,live.jp,msn.com,icloud.com,me.com,mac.com,aol.com,"
	  "gmx.de,gmx.net,web.de,mail.ru,yandex.ru,proton.me,protonmail.com,docomo.ne.jp,"
	  "ezweb.ne.jp,au.com,softbank.ne.jp,i.softbank.jp,ymobile.ne.jp,nifty.com,biglobe.ne.jp,"
	  "so-net.ne.jp,ocn.ne.jp,example.com", 0, 0,
	  "mail domains shared by unrelated people: never made into an organisation" },
	{ "clock.override", C_STR, F(clock_override), "off", 0, 0,
	  "fixed time for tests (unix seconds or ISO 8601), or off for real time; MADO_CLOCK wins" },
	{ "scheduler.interval_seconds", C_UINT, F(scheduler_interval_seconds), "30", 1, 3600,
	  "how often `mado serve` sweeps due SLA timers and automations" },
	{ "scheduler.batch", C_UINT, F(scheduler_batch), "500", 1, 100000,
	  "due timers, or tickets recomputed after an SLA policy or calendar edit, per transaction of a sweep" },
	{ "triggers.business_hours", C_STR, F(business_hours), "mon-fri 09:00-18:00 +09:00", 0, 0,
	  "weekly hours of the trigger condition business_hours for tickets no SLA policy holds (days HH:MM-HH:MM offset; ';' between)" },
	{ "webhooks.timeout_seconds", C_UINT, F(webhooks_timeout_seconds), "10", 1, 120,
	  "longest one webhook POST may take (connect included); a slower receiver counts as a failed attempt" },
	{ "outbox.transport", C_STR, F(mail_transport), "smtp", 0, 0,
	  "how mail leaves: smtp (the relay below, via libcurl) or sendmail (outbox.sendmail_path)" },
	{ "outbox.relay_host", C_STR, F(relay_host), "127.0.0.1", 0, 0, "SMTP relay host (smtp transport)" },
	{ "outbox.relay_port", C_UINT, F(relay_port), "25", 1, 65535, "SMTP relay port (587 for submission)" },
	{ "outbox.relay_user", C_STR, F(relay_user), "", 0, 0, "SMTP AUTH user (empty: no AUTH)" },
	{ "outbox.relay_password", C_STR, F(relay_password), "", 0, 0, "SMTP AUTH password" },
	{ "outbox.relay_ca_file", C_STR, F(relay_ca_file), "", 0, 0,
	  "PEM file of the CA(s) that sign the relay's TLS certificate (empty: the system's CAs)" },
	{ "outbox.relay_tls", C_STR, F(relay_tls), "try", 0, 0,
	  "TLS to the relay: none, try (STARTTLS when offered; required when relay_user is set), starttls (required), smtps (TLS from the start)" },
	{ "outbox.relay_timeout_seconds", C_UINT, F(relay_timeout_seconds), "60", 1, 3600,
	  "longest one delivery to the relay may take (a timeout is retried)" },
	{ "outbox.sendmail_path", C_STR, F(sendmail_path), "/usr/sbin/sendmail", 0, 0,
	  "sendmail binary (sendmail transport); run as PATH -i -f SENDER -- RCPT..." },
	{ "outbox.retry_base_seconds", C_UINT, F(retry_base_seconds), "60", 1, 86400,
	  "first retry after a temporary failure (4xx, relay down); doubles per attempt" },
	{ "outbox.retry_max_seconds", C_UINT, F(retry_max_seconds), "21600", 1, 604800,
	  "longest wait between two retries" },
	{ "outbox.give_up_hours", C_UINT, F(retry_give_up_hours), "120", 1, 8760,
	  "a mail still failing temporarily this long after it was queued is marked failed" },
	{ "outbox.sending_lease_seconds", C_UINT, F(sending_lease_seconds), "600", 10, 86400,
	  "a mail left 'sending' this long (its sender died) is sent again, with the same Message-ID" },
	{ "outbox.in_serve", C_BOOL, F(sender_in_serve), "true", 0, 0,
	  "`mado serve` delivers the outbox itself (else run `mado outbox run` from cron)" },
	{ "mailbox.charset", C_STR, F(mail_charset), "utf-8", 0, 0,
	  "charset of outgoing mail: utf-8, or iso-2022-jp for recipients who need it (UTF-8 where it cannot say a character)" },
	{ "mailbox.from_name", C_STR, F(from_name), "", 0, 0, "display name of the seeded mailboxes, and of mail from a mailbox without one" },
	{ "ack.enabled", C_BOOL, F(ack_enabled), "true", 0, 0, "acknowledge each new ticket by mail" },
	{ "notify.customer_on_resolved", C_BOOL, F(notify_customer_on_resolved), "true", 0, 0,
	  "mail the customer the 'resolved' template when an agent resolves the ticket" },
	{ "notify.customer_on_pending", C_BOOL, F(notify_customer_on_pending), "true", 0, 0,
	  "mail the customer the 'status' template when an agent sets the ticket pending" },
	{ "ack.first_response_hours", C_UINT, F(ack_first_response_hours), "24", 1, 8760,
	  "first-response time promised in acknowledgements" },
	{ "ack.recipient_hours", C_UINT, F(ack_recipient_hours), "24", 0, 8760,
	  "an address that got an acknowledgement this recently gets no other" },
	{ "auto.window_minutes", C_UINT, F(auto_window_minutes), "10", 1, 1440,
	  "sliding window of the automatic-mail rate limits" },
	{ "auto.per_ticket_max", C_UINT, F(auto_per_ticket_max), "10", 1, 1000,
	  "automatic mails per ticket within the window" },
	{ "auto.per_recipient_max", C_UINT, F(auto_per_recipient_max), "10", 1, 1000,
	  "automatic mails (acknowledgements, notices, trigger mail) to one customer address within the window" },
	{ "auto.global_max", C_UINT, F(auto_global_max), "30", 1, 100000,
	  "automatic mails in total within the window" },
	{ "survey.url", C_STR, F(survey_url), "http://127.0.0.1:8080/survey/{n}?t={token}", 0, 0,
	  "satisfaction survey link in the resolved mail ({{survey.url}}); {n} is the ticket number, {token} its signed token; empty: no link" },
	{ "portal.ticket_url", C_STR, F(ticket_url), "http://127.0.0.1:8080/tickets/{n}", 0, 0,
	  "link to follow a ticket, in acknowledgements; {n} is the ticket number" },
};

#define NSETTINGS (sizeof settings / sizeof settings[0])

static const struct setting *find(const char *key)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].name, key) == 0)
			return &settings[i];
	return NULL;
}

static mado_status parse_size(const char *v, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (end == v || errno)
		return MADO_EINVAL;
	while (*end == ' ')
		end++;
	switch (toupper((unsigned char)*end)) {
	case 'K': d *= 1024; end++; break;
	case 'M': d *= 1024 * 1024; end++; break;
	case 'G': d *= 1024.0 * 1024 * 1024; end++; break;
	default: break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return MADO_EINVAL;
	*out = d;
	return MADO_OK;
}

/* NULL, or the space-separated words a text setting must be one of. */
static const char *choices_of(const char *name)
{
	for (size_t i = 0; i < sizeof choice_settings / sizeof choice_settings[0]; i++)
		if (!strcmp(choice_settings[i].name, name))
			return choice_settings[i].choices;
	return NULL;
}

static bool is_choice(const char *choices, const char *value)
{
	size_t n = strlen(value);
	for (const char *p = choices; *p;) {
		size_t w = strcspn(p, " ");
		if (w == n && n && !strncmp(p, value, n))
			return true;
		p += w;
		while (*p == ' ')
			p++;
	}
	return false;
}

mado_status config_set(struct mado_config *cfg, const char *key, const char *value,
                       struct mado_err *err)
{
	const struct setting *s = find(key);
	if (!s)
		return mado_fail(err, MADO_EINVAL, "unknown setting '%s' (see `mado config --defaults`)", key);
	char *field = (char *)cfg + s->off;
	double d = 0;
	switch (s->type) {
	case C_SIZE:
	case C_UINT:
	case C_DOUBLE:
		if (parse_size(value, &d) != MADO_OK || (s->type == C_UINT && strpbrk(value, "KkMmGg")))
			return mado_fail(err, MADO_EINVAL, "%s: '%s' is not a number", key, value);
		if (d < s->min || d > s->max)
			return mado_fail(err, MADO_EINVAL, "%s: %s is out of range [%g, %g]", key, value,
			                 s->min, s->max);
		if (s->type == C_DOUBLE)
			*(double *)field = d;
		else
			*(size_t *)field = (size_t)d;
		return MADO_OK;
	case C_BOOL:
		if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
			*(bool *)field = true;
		else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
			*(bool *)field = false;
		else
			return mado_fail(err, MADO_EINVAL, "%s: '%s' is not true/false", key, value);
		return MADO_OK;
	case C_STR:
		if (strlen(value) >= s->size)
			return mado_fail(err, MADO_EINVAL, "%s: value longer than %zu bytes", key, s->size - 1);
		if (choices_of(key) && !is_choice(choices_of(key), value))
			return mado_fail(err, MADO_EINVAL, "%s: '%s' is not one of: %s", key, value, choices_of(key));
		memcpy(field, value, strlen(value) + 1);
		return MADO_OK;
	}
	return MADO_EINVAL;
}

void config_defaults(struct mado_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NSETTINGS; i++) {
		mado_status st = config_set(cfg, settings[i].name, settings[i].def, NULL);
		(void)st;
	}
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

mado_status config_load(struct mado_config *cfg, const char *path, struct mado_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? MADO_OK
		                       : mado_fail(err, MADO_EIO, "%s: %s", path, strerror(errno));
	char line[4096];
	int lineno = 0;
	mado_status st = MADO_OK;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			st = mado_fail(err, MADO_EINVAL, "%s:%d: expected 'key = value'", path, lineno);
			break;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
			val[vl - 1] = '\0';
			val++;
		}
		struct mado_err e2;
		if ((st = config_set(cfg, key, val, &e2)) != MADO_OK) {
			mado_fail(err, st, "%s:%d: %s", path, lineno, e2.msg);
			break;
		}
	}
	fclose(f);
	return st;
}

void config_print_defaults(FILE *out)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		fprintf(out, "# %s\n%s = %s\n\n", settings[i].doc, settings[i].name, settings[i].def);
}
