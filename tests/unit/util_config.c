/* The settings table (src/util/config.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/config.h"

int main(void)
{
	struct mado_config c;
	struct mado_err err;
	config_defaults(&c);
	is_int(c.max_message_bytes, 50u << 20, "default max message size");
	is_str(c.subject_token, "[#{n}]", "default subject token");
	ok(!c.trust_spam_headers, "spam headers untrusted by default");

	ok(config_set(&c, "mail.max_message_bytes", "10M", &err) == MADO_OK, "size with suffix");
	is_int(c.max_message_bytes, 10u << 20, "10M");
	ok(config_set(&c, "mail.max_message_bytes", "12", &err) == MADO_EINVAL, "below range refused");
	ok(strstr(err.msg, "out of range") != NULL, "…with a reason: %s", err.msg);
	ok(config_set(&c, "nope", "1", &err) == MADO_EINVAL && strstr(err.msg, "unknown setting 'nope'"),
	   "unknown key refused by name");
	ok(config_set(&c, "hygiene.trust_spam_headers", "maybe", &err) == MADO_EINVAL, "bad bool refused");
	ok(config_set(&c, "mail.max_headers", "5K", &err) == MADO_EINVAL, "count with a size suffix refused");
	ok(config_set(&c, "hygiene.spam_threshold", "abc", &err) == MADO_EINVAL, "non-number refused");

	char path[] = "/tmp/mado-config-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "# comment\n\nmailbox.addresses = \"help@example.jp, support@example.jp\"\n"
	           "hygiene.trust_spam_headers = yes\n  thread.subject_token=[Case {n}]  \n");
	fclose(f);
	config_defaults(&c);
	ok(config_load(&c, path, &err) == MADO_OK, "load a file");
	is_str(c.support_addresses, "help@example.jp, support@example.jp", "quoted value");
	ok(c.trust_spam_headers, "bool yes");
	is_str(c.subject_token, "[Case {n}]", "trimmed value");
	f = fopen(path, "w");
	fprintf(f, "mail.max_parts = 10\nbroken line\n");
	fclose(f);
	ok(config_load(&c, path, &err) == MADO_EINVAL && strstr(err.msg, ":2:"), "bad line named: %s", err.msg);
	remove(path);
	ok(config_load(&c, "/nonexistent/mado.conf", &err) == MADO_OK, "missing file = defaults");
	/* settings that take one of a few words */
	ok(config_set(&c, "outbox.transport", "sendmail", &err) == MADO_OK && !strcmp(c.mail_transport, "sendmail"),
	   "outbox.transport = sendmail");
	ok(config_set(&c, "outbox.transport", "smtpx", &err) == MADO_EINVAL && strstr(err.msg, "smtp sendmail"),
	   "outbox.transport = smtpx refused: %s", err.msg);
	ok(config_set(&c, "mailbox.charset", "iso-2022-jp", &err) == MADO_OK, "mailbox.charset = iso-2022-jp");
	ok(config_set(&c, "mailbox.charset", "shift_jis", &err) == MADO_EINVAL, "mailbox.charset = shift_jis refused");
	ok(config_set(&c, "outbox.relay_tls", "", &err) == MADO_EINVAL, "outbox.relay_tls empty refused");
	ok(config_set(&c, "outbox.relay_port", "70000", &err) == MADO_EINVAL, "outbox.relay_port out of range");
	return done_testing();
}
