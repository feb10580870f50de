/*
 * Mail templates: a small placeholder engine and the built-in Japanese
 * and English texts of the mail Mado writes (acknowledgement, agent reply
 * wrapper, status change, resolution, pending reminder).
 *
 * A template is text with {{name}} placeholders (spaces inside the braces
 * allowed; names are [a-z_.]). Rendering replaces each with its value,
 * escaped for the output: nothing for text (the composer encodes headers
 * and bodies), HTML entities for HTML. A placeholder without a value
 * renders empty; tpl_check() refuses unknown names when an admin saves a
 * template. Pure: no I/O; strings passed in are borrowed.
 */
#ifndef MADO_CORE_TEMPLATE_H
#define MADO_CORE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

enum tpl_output { TPL_TEXT, TPL_HTML };

struct tpl_var {
	const char *name, *value;
};

/* The placeholders templates may use (NULL-terminated). */
extern const char *const tpl_known[];

/* Append src rendered with vars to out. MADO_EINVAL for an unclosed
 * "{{" (with its offset in err). */
mado_status tpl_render(const char *src, const struct tpl_var *vars, size_t nvars, enum tpl_output mode,
                       struct buf *out, struct mado_err *err);

/* Text as HTML: escaped, line breaks as <br>, in one <div>. */
mado_status tpl_text_to_html(const char *text, struct buf *out);

/* MADO_EINVAL naming the first unknown placeholder or unclosed "{{". */
mado_status tpl_check(const char *src, struct mado_err *err);

/* The built-in template of that name ("ack", "reply", "status",
 * "resolved", "reminder") in language "ja" or "en" (anything else: en).
 * false when there is no such name. Static strings. */
bool tpl_default(const char *name, const char *language, const char **subject, const char **body);

/* The names of the built-in templates (NULL-terminated). */
extern const char *const tpl_names[];

/* "ja" when the customer's language says so, or when it is unset and
 * the text holds Japanese (kana or kanji); else "en". */
const char *tpl_language(const char *customer_language, const char *text);

#endif
