/*
 * tpl: what rendering a mail template costs. Renders each built-in
 * template (ack, reply, status, resolved, reminder) in Japanese and
 * English, as text and as HTML, with a value for every placeholder
 * (tpl_known), ROUNDS times.
 *
 *   tpl [ROUNDS]        (default 20000)
 *
 * Prints one line: tpl renders=… ns_per_render=… bytes_per_render=…
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/template.h"

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	if (rounds <= 0)
		rounds = 20000;
	static const struct tpl_var vars[] = {
		{ "ticket.number", "12345" },
		{ "ticket.subject", "請求書の再発行について <至急>" },
		{ "ticket.url", "https://support.example.co.jp/t/12345?t=abcdef" },
		{ "customer.name", "山田 花子" },
		{ "agent.name", "Ann Lee" },
		{ "support.name", "Example Support" },
		{ "ticket.token", "[#12345]" },
		{ "ticket.status", "pending" },
		{ "customer.email", "hanako@example.co.jp" },
		{ "support.address", "support@example.co.jp" },
		{ "sla.first_response_hours", "4" },
		{ "survey.url", "https://support.example.co.jp/survey/12345?t=abcdef" },
		{ "reply.body", "お世話になっております。\n再発行いたしました。\n\nよろしくお願いいたします。" },
	};
	static const char *const langs[] = { "ja", "en" };
	struct buf out = { 0 };
	struct mado_err err;
	long renders = 0;
	size_t bytes = 0;
	double t0 = now_ns();
	for (long r = 0; r < rounds; r++)
		for (size_t n = 0; tpl_names[n]; n++)
			for (size_t l = 0; l < 2; l++) {
				const char *subject, *body;
				if (!tpl_default(tpl_names[n], langs[l], &subject, &body))
					continue;
				for (int mode = TPL_TEXT; mode <= TPL_HTML; mode++) {
					out.len = 0;
					if (tpl_render(subject, vars, sizeof vars / sizeof vars[0], (enum tpl_output)mode, &out, &err) ||
					    tpl_render(body, vars, sizeof vars / sizeof vars[0], (enum tpl_output)mode, &out, &err)) {
						fprintf(stderr, "tpl: %s\n", err.msg);
						buf_free(&out);
						return 1;
					}
					bytes += out.len;
					renders++;
				}
			}
	double ns = now_ns() - t0;
	printf("tpl renders=%ld ns_per_render=%.0f bytes_per_render=%zu\n", renders, ns / (double)renders,
	       renders ? bytes / (size_t)renders : 0);
	buf_free(&out);
	return 0;
}
