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
