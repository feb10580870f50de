/*
 * libFuzzer target for the hygiene classifier and the bounce reader
 * (src/mail/hygiene.c, src/mail/bounce.c). The input is a whole message:
 * mail_parse() then hygiene_classify() under a config that turns every
 * rule on. The same bytes also go straight to bounce_parse_dsn() (as the
 * text of a message/delivery-status part) and bounce_find_status().
 * Checks beyond "no crash": the result keeps its contract (a kind and
 * reasons always set, may_auto_answer exactly when no flag fired, every
 * recipient with lower-case address and well-formed status, bounded
 * counts).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/bounce.h"
#include "mail/hygiene.h"
#include "mail/mail.h"

static void check_status(const char *s)
{
	if (!s)
		abort();
	if (!*s)
		return;
	/* "c.s.d": class 2/4/5, then digits and two dots */
	if (s[0] != '2' && s[0] != '4' && s[0] != '5')
		abort();
	int dots = 0;
	for (const char *p = s + 1; *p; p++) {
		if (*p == '.')
			dots++;
		else if (!isdigit((unsigned char)*p))
			abort();
	}
	if (dots != 2 || strlen(s) > 11)
		abort();
}

static void check_recipients(const struct bounce_recipient *v, size_t n)
{
	if (n > 200 || (n && !v))
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!v[i].email || !*v[i].email || !v[i].action || !v[i].diagnostic)
			abort();
		for (const char *p = v[i].email; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				abort();
		check_status(v[i].status);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;

	/* the lower-level readers on the raw bytes */
	char code[12];
	if (bounce_find_status(p, size, code))
		check_status(code);
	struct arena *a = arena_new();
	if (a) {
		struct bounce_recipient *v = NULL;
		size_t n = 0;
		if (bounce_parse_dsn(a, p, size, &v, &n) == MADO_OK)
			check_recipients(v, n);
		arena_free(a);
	}

	/* the whole classifier */
	struct mail_limits lim;
	mail_limits_default(&lim);
	lim.max_message_bytes = 1u << 20;
	struct mail_msg *m = NULL;
	struct mado_err err;
	if (mail_parse(p, size, &lim, &m, &err) != MADO_OK || !m)
		return 0;
	static const char *const own[] = { "support@mado.example" };
	struct hygiene_config cfg;
	hygiene_config_default(&cfg);
	cfg.own_addresses = own;
	cfg.n_own_addresses = 1;
	cfg.own_msgid_domain = "mado.example";
	cfg.trust_spam_headers = true;
	struct hygiene_result r;
	if (hygiene_classify(m, &cfg, &r) == MADO_OK) {
		if (!r.kind || !r.reasons || !r.original_message_id || !r.report_form || !r.feedback_type)
			abort();
		if (r.may_auto_answer != (r.flags == 0))
			abort();
		if ((r.flags == 0) != (strcmp(r.kind, "normal") == 0))
			abort();
		if (r.flags && !*r.reasons)
			abort();
		check_recipients(r.recipients, r.nrecipients);
		if (strchr(r.original_message_id, '<') || strchr(r.original_message_id, '>'))
			abort();
	}
	mail_msg_free(m);
	return 0;
}
