/* The template engine and built-in texts (src/core/template.c). */
#include <string.h>

#include "core/template.h"
#include "tap.h"

static struct buf rendered;

static const char *render(const char *src, enum tpl_output mode)
{
	buf_free(&rendered);
	buf_init(&rendered, 0);
	struct tpl_var vars[] = {
		{ "ticket.number", "42" },
		{ "customer.name", "O'Brien <ob@example.org> & {{ticket.number}}" },
		{ "ticket.subject", "請求書について" },
	};
	static struct mado_err err;
	if (tpl_render(src, vars, 3, mode, &rendered, &err) != MADO_OK)
		return err.msg;
	return rendered.p ? rendered.p : "";
}

int main(void)
{
	struct {
		const char *src, *text, *html;
	} cases[] = {
		{ "Ticket {{ticket.number}}", "Ticket 42", "Ticket 42" },
		{ "{{ ticket.number }}/{{ticket.number}}", "42/42", "42/42" },
		{ "Dear {{customer.name}}", "Dear O'Brien <ob@example.org> & {{ticket.number}}",
		  "Dear O&#39;Brien &lt;ob@example.org&gt; &amp; {{ticket.number}}" },
		{ "{{ticket.subject}} 様", "請求書について 様", "請求書について 様" },
		{ "<b>{{unknown.name}}</b>", "<b></b>", "&lt;b&gt;&lt;/b&gt;" },
		{ "no placeholders", "no placeholders", "no placeholders" },
		{ "a { b } {c}", "a { b } {c}", "a { b } {c}" },
		{ "", "", "" },
		{ "x {{ticket.number", "unclosed {{ at offset 2", "unclosed {{ at offset 2" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		is_str(render(cases[i].src, TPL_TEXT), cases[i].text, "text: %s", cases[i].src);
		is_str(render(cases[i].src, TPL_HTML), cases[i].html, "html: %s", cases[i].src);
	}
	struct mado_err err;
	ok(tpl_check("Hi {{customer.name}}, #{{ ticket.number }}", &err) == MADO_OK, "check: known placeholders");
	ok(tpl_check("Hi {{customer.password}}", &err) == MADO_EINVAL && strstr(err.msg, "customer.password"),
	   "check: unknown placeholder named: %s", err.msg);
	ok(tpl_check("Hi {{customer.name", &err) == MADO_EINVAL, "check: unclosed");

	/* every built-in template exists in both languages and uses only known placeholders */
	for (size_t i = 0; tpl_names[i]; i++) {
		const char *langs[] = { "en", "ja" };
		for (size_t l = 0; l < 2; l++) {
			const char *s = NULL, *b = NULL;
			ok(tpl_default(tpl_names[i], langs[l], &s, &b) && tpl_check(s, &err) == MADO_OK &&
			       tpl_check(b, &err) == MADO_OK,
			   "built-in %s/%s", tpl_names[i], langs[l]);
		}
	}
	const char *s, *b;
	ok(tpl_default("resolved", "ja", &s, &b) && strstr(b, "{{survey.url}}"), "the resolution mail has the survey link");
	ok(tpl_default("ack", "fr", &s, &b) && strstr(b, "Hello"), "another language falls back to English");
	ok(!tpl_default("nope", "en", &s, &b), "no such template");

	is_str(tpl_language("ja", "hello"), "ja", "customer language ja");
	is_str(tpl_language("en", "請求書"), "en", "customer language wins over the text");
	is_str(tpl_language("", "請求書について"), "ja", "kanji: Japanese");
	is_str(tpl_language("", "ありがとう"), "ja", "kana: Japanese");
	is_str(tpl_language("", "Printer on fire"), "en", "English");
	is_str(tpl_language("ja-JP", ""), "ja", "ja-JP");

	struct buf h;
	buf_init(&h, 0);
	tpl_text_to_html("a < b\nc & d", &h);
	is_str(h.p, "<div>a &lt; b<br>\nc &amp; d</div>\n", "text as HTML");
	buf_free(&h);
	buf_free(&rendered);
	return done_testing();
}
