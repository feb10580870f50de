/*
 * Configuration: one table of settings (name, type, default, range, doc).
 * The workspace's mado.conf holds "key = value" lines; unknown keys and
 * out-of-range values are errors. `mado config --defaults` prints the table.
 * A struct mado_config is filled once at start-up and passed explicitly.
 */
#ifndef MADO_UTIL_CONFIG_H
#define MADO_UTIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/status.h"

struct mado_config {
	/* mail parser limits */
	size_t max_message_bytes;
	size_t max_header_bytes;
	size_t max_headers;
	size_t max_mime_depth;
	size_t max_parts;
	size_t max_part_bytes;
	size_t max_text_bytes;
	size_t max_html_bytes;
	size_t max_attachment_bytes;
	/* intake */
	size_t ingest_deadline_seconds;
	size_t import_batch;
	size_t drain_batch;
	/* mailbox */
	char support_addresses[1024];  /* comma-separated, the first is the reply address */
	char msgid_domain[256];
	char subject_token[64];        /* e.g. "[#{n}]" */
	/* hygiene */
	bool trust_spam_headers;
	double spam_threshold;
	size_t max_received;
	char loop_header[64];
	char freemail_domains[2048];   /* never made into organisations */
	/* workflow */
	char clock_override[64];       /* "" = real time; see util/clock.h */
	size_t scheduler_interval_seconds;
	size_t scheduler_batch;
	/* triggers */
	char business_hours[512];      /* weekly hours of the business_hours condition (core/hours.h) */
	size_t webhooks_timeout_seconds;  /* longest one webhook POST may take */
	/* outgoing mail (docs/outgoing-mail.md) */
	char mail_transport[16];       /* "smtp" or "sendmail" */
	char relay_host[256];
	size_t relay_port;
	char relay_user[256];
	char relay_password[256];
	char relay_ca_file[1024];
	char relay_tls[16];            /* "none", "try", "starttls", "smtps" */
	size_t relay_timeout_seconds;
	char sendmail_path[512];
	size_t retry_base_seconds;
	size_t retry_max_seconds;
	size_t retry_give_up_hours;
	size_t sending_lease_seconds;
	bool sender_in_serve;
	char mail_charset[16];         /* "utf-8" or "iso-2022-jp" */
	char from_name[256];
	/* acknowledgements and automatic mail */
	bool ack_enabled;
	bool notify_customer_on_resolved, notify_customer_on_pending;
	size_t ack_first_response_hours;
	size_t ack_recipient_hours;
	size_t auto_window_minutes;
	size_t auto_per_ticket_max;
	size_t auto_per_recipient_max;
	size_t auto_global_max;
	char ticket_url[512];          /* link to follow a ticket; {n} is its number */
	char survey_url[512];          /* survey link; {n} the number, {token} its signed token */
};

/* Defaults for every setting. */
void config_defaults(struct mado_config *cfg);

/* Read "key = value" settings from path over cfg. A missing file is fine
 * (defaults stand); an unknown key or bad value is MADO_EINVAL with the line. */
mado_status config_load(struct mado_config *cfg, const char *path, struct mado_err *err);

/* Set one key from a string (used by config_load and tests). */
mado_status config_set(struct mado_config *cfg, const char *key, const char *value,
                       struct mado_err *err);

/* Print the settings table (name, default, doc) as a commented config file. */
void config_print_defaults(FILE *out);

#endif
