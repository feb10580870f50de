/* Subject tokens and signed reply addresses (src/mail/thread.c). */
#include <string.h>

#include "mail/thread.h"
#include "tap.h"

static const unsigned char key[THREAD_KEY_BYTES] = "0123456789abcdef0123456789abcdef";
static const unsigned char key2[THREAD_KEY_BYTES] = "fedcba9876543210fedcba9876543210";

static int64_t token(const char *fmt, const char *subject)
{
	int64_t n = 0;
	return thread_token_find(fmt, subject, strlen(subject), &n) ? n : -1;
}

int main(void)
{
	struct {
		const char *fmt, *subject;
		int64_t want;
	} cases[] = {
		{ "[#{n}]", "Re: [#123] Printer on fire", 123 },
		{ "[#{n}]", "Re: Printer on fire [#7]", 7 },
		{ "[#{n}]", "[#12] and later [#34]", 34 },  /* the last token wins */
		{ "[#{n}]", "Re: #123 Printer", -1 },
		{ "[#{n}]", "[#] empty", -1 },
		{ "[#{n}]", "[#12x]", -1 },
		{ "[#{n}]", "[#0]", -1 },
		{ "[#{n}]", "[#99999999999999999999]", -1 },  /* too long: not a ticket */
		{ "[#{n}]", "Ｒｅ：【お問い合わせ】[#42] 請求書", 42 },
		{ "[Ticket#{n}]", "RE: [ticket#55] hi", 55 },
		{ "[Ticket#{n}]", "RE: [#55] hi", -1 },
		{ "Case {n}:", "Fwd: Case 9: broken", 9 },
		{ "#{n}", "see #15.", 15 },
		{ "#{n}", "see #15abc", -1 },
		{ "no placeholder", "no placeholder 5", -1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		is_int(token(cases[i].fmt, cases[i].subject), cases[i].want, "token %s in '%s'", cases[i].fmt,
		       cases[i].subject);

	struct buf b;
	buf_init(&b, 0);
	thread_token_format("[#{n}]", 123, &b);
	is_str(b.p, "[#123]", "format a token");
	buf_reset(&b);

	ok(thread_sign_address(key, "support@example.com", 123, &b) == MADO_OK, "sign an address");
	ok(strncmp(b.p, "support+123.", 12) == 0 && strstr(b.p, "@example.com"), "signed address shape: %s", b.p);
	int64_t n = 0;
	ok(thread_verify_address(key, "support@example.com", b.p, b.len, &n) && n == 123, "verify it");
	ok(!thread_verify_address(key2, "support@example.com", b.p, b.len, &n), "another key refuses it");
	ok(!thread_verify_address(key, "sales@example.com", b.p, b.len, &n), "another mailbox refuses it");

	/* upper case (some MTAs and clients change case) still verifies */
	char up[128];
	snprintf(up, sizeof up, "%s", b.p);
	for (char *q = up; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			*q = (char)(*q - 32);
	ok(thread_verify_address(key, "support@example.com", up, strlen(up), &n) && n == 123,
	   "case-insensitive: %s", up);

	/* the tag of 123 on ticket 124 is refused; so is every one-character change */
	char forged[128];
	snprintf(forged, sizeof forged, "%s", b.p);
	forged[8] = '4';
	ok(!thread_verify_address(key, "support@example.com", forged, strlen(forged), &n),
	   "the tag of another ticket is refused: %s", forged);
	int refused = 0, tried = 0;
	const char *dot = strchr(b.p, '.');
	for (size_t i = (size_t)(dot - b.p) + 1; i < (size_t)(dot - b.p) + 1 + THREAD_TAG_CHARS; i++) {
		snprintf(forged, sizeof forged, "%s", b.p);
		forged[i] = forged[i] == 'a' ? 'b' : 'a';
		tried++;
		refused += !thread_verify_address(key, "support@example.com", forged, strlen(forged), &n);
	}
	is_int(refused, tried, "every one-character change of the tag is refused");
	const char *bad[] = { "support@example.com", "support+123@example.com", "support+.abc@example.com",
		                  "support+123.@example.com", "support+-1.aaaaaaaaaaaa@example.com",
		                  "xsupport+123.aaaaaaaaaaaa@example.com", "", "@", "support+123.aaaaaaaaaaaaa@example.com" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(!thread_verify_address(key, "support@example.com", bad[i], strlen(bad[i]), &n), "refused: '%s'",
		   bad[i]);

	/* VERP bounce addresses: their own tag, the support domain */
	buf_reset(&b);
	ok(thread_verp_address(key, "support@example.com", 42, &b) == MADO_OK, "VERP address");
	ok(strncmp(b.p, "bounce+42-", 10) == 0 && strstr(b.p, "@example.com"), "VERP shape: %s", b.p);
	n = 0;
	ok(thread_verify_verp(key, "support@example.com", b.p, b.len, &n) && n == 42, "VERP verifies to 42");
	ok(!thread_verify_verp(key2, "support@example.com", b.p, b.len, &n), "another key refuses it");
	ok(!thread_verify_verp(key, "support@example.net", b.p, b.len, &n), "another domain refuses it");
	ok(!thread_verify_address(key, "support@example.com", b.p, b.len, &n), "a VERP address is no reply address");
	char tag[THREAD_TAG_CHARS + 1];
	thread_tag(key, 42, tag);
	snprintf(forged, sizeof forged, "bounce+42-%s@example.com", tag);
	ok(!thread_verify_verp(key, "support@example.com", forged, strlen(forged), &n),
	   "the reply tag does not pass as a VERP tag");
	buf_reset(&b);
	thread_sign_address(key, "support@example.com", 42, &b);
	snprintf(forged, sizeof forged, "bounce+42-%s", strchr(b.p, '.') + 1);
	ok(!thread_verify_verp(key, "support@example.com", forged, strlen(forged), &n),
	   "nor does a signed reply address turned around");
	buf_free(&b);

	/* survey tokens: their own purpose, checked in constant time */
	char survey[THREAD_TAG_CHARS + 1], survey43[THREAD_TAG_CHARS + 1];
	thread_survey_tag(key, 42, survey);
	thread_survey_tag(key, 43, survey43);
	ok(strlen(survey) == THREAD_TAG_CHARS && strspn(survey, "abcdefghijklmnopqrstuvwxyz234567") == THREAD_TAG_CHARS,
	   "survey token shape: %s", survey);
	ok(thread_verify_survey(key, 42, survey), "the survey token of 42 verifies");
	ok(!thread_verify_survey(key, 43, survey) && strcmp(survey, survey43), "…not for 43, whose token differs");
	ok(!thread_verify_survey(key2, 42, survey), "another key refuses it");
	ok(strcmp(survey, tag) && !thread_verify_survey(key, 42, tag), "the reply tag is no survey token");
	ok(!thread_verify_survey(key, 42, NULL) && !thread_verify_survey(key, 42, "") &&
	       !thread_verify_survey(key, 42, "abc"), "empty or short tokens are refused");
	return done_testing();
}
