/*
 * libcurl, loaded when mail or a webhook is first sent rather than at exec.
 *
 * Why: libcurl brings some twenty libraries (nghttp2, ssh2, ldap, sasl,
 * kerberos, psl, idn2, ...) into every process that links it, and the
 * dynamic loader maps and relocates each of them at exec. `mado ingest`
 * runs once per mail and never sends, so the binary is not linked against
 * libcurl: this file defines the curl functions Mado calls, with the
 * library's own prototypes (<curl/curl.h>), and each forwards to the real
 * function resolved by dlopen/dlsym once. The senders call curl_load()
 * first, so a missing library is a clear error; a forwarder called
 * without it loads lazily and fails like libcurl does (CURLE_FAILED_INIT,
 * NULL) rather than calling NULL.
 *
 * A new curl_* call needs one more forwarder here (the link fails with an
 * undefined reference until it has one). Same design as
 * src/http/mhd_load.c.
 */
/* <curl/curl.h> turns curl_easy_setopt/getinfo into type-checking macros
 * under GCC; this file defines the real functions. */
#define CURL_DISABLE_TYPECHECK 1

#include "util/curl_load.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>

#include <curl/curl.h>

#define LIBCURL_SONAME "libcurl.so.4"

static void *lib;
static const char *load_error;
static const char *missing_symbol;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The real functions, resolved once. */
static struct {
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} fn;

static const struct {
	const char *name;
	void **slot;
} symbols[] = {
	{ "curl_global_init", (void **)&fn.global_init },
	{ "curl_global_cleanup", (void **)&fn.global_cleanup },
	{ "curl_easy_init", (void **)&fn.easy_init },
	{ "curl_easy_cleanup", (void **)&fn.easy_cleanup },
	{ "curl_easy_setopt", (void **)&fn.easy_setopt },
	{ "curl_easy_perform", (void **)&fn.easy_perform },
	{ "curl_easy_getinfo", (void **)&fn.easy_getinfo },
	{ "curl_easy_strerror", (void **)&fn.easy_strerror },
	{ "curl_slist_append", (void **)&fn.slist_append },
	{ "curl_slist_free_all", (void **)&fn.slist_free_all },
};

static void load(void)
{
	/* Only the versioned name: it is the ABI <curl/curl.h> describes, and
	 * the runtime package (libcurl4) ships nothing else. */
	lib = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		load_error = dlerror();
		return;
	}
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		/* POSIX: a data pointer from dlsym converts to a function pointer */
		*symbols[i].slot = dlsym(lib, symbols[i].name);
		if (!*symbols[i].slot) {
			missing_symbol = symbols[i].name;
			load_error = dlerror();
			dlclose(lib);
			lib = NULL;
			return;
		}
	}
}

mado_status curl_load(struct mado_err *err)
{
	pthread_once(&once, load);
	if (lib)
		return MADO_OK;
	if (missing_symbol)
		return mado_fail(err, MADO_EIO, "%s lacks %s (too old?): %s", LIBCURL_SONAME, missing_symbol,
		                 load_error ? load_error : "unknown error");
	return mado_fail(err, MADO_EIO, "%s not found: install libcurl4 (%s)", LIBCURL_SONAME,
	                 load_error ? load_error : "unknown error");
}

static int loaded(void)
{
	return curl_load(NULL) == MADO_OK;
}

CURLcode curl_global_init(long flags)
{
	return loaded() ? fn.global_init(flags) : CURLE_FAILED_INIT;
}

void curl_global_cleanup(void)
{
	if (loaded())
		fn.global_cleanup();
}

CURL *curl_easy_init(void)
{
	return loaded() ? fn.easy_init() : NULL;
}

void curl_easy_cleanup(CURL *curl)
{
	if (loaded())
		fn.easy_cleanup(curl);
}

/* One value follows the option, of the type its number says -- the rule
 * curl itself applies (lib/setopt.c, CURLOPTTYPE_* in <curl/curl.h>):
 * below OBJECTPOINT a long, below FUNCTIONPOINT an object pointer (also
 * strings and slists), below OFF_T a function pointer, below BLOB a
 * curl_off_t, from BLOB on a pointer (struct curl_blob *). */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	if (!loaded())
		return CURLE_FAILED_INIT;
	typedef void (*any_fn)(void);
	CURLcode rc;
	va_list ap;
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		rc = fn.easy_setopt(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_FUNCTIONPOINT)
		rc = fn.easy_setopt(curl, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_OFF_T)
		rc = fn.easy_setopt(curl, option, va_arg(ap, any_fn));
	else if (option < CURLOPTTYPE_BLOB)
		rc = fn.easy_setopt(curl, option, va_arg(ap, curl_off_t));
	else
		rc = fn.easy_setopt(curl, option, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode curl_easy_perform(CURL *curl)
{
	return loaded() ? fn.easy_perform(curl) : CURLE_FAILED_INIT;
}

/* Every CURLINFO_* takes one pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	if (!loaded())
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, info);
	CURLcode rc = fn.easy_getinfo(curl, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

const char *curl_easy_strerror(CURLcode code)
{
	return loaded() ? fn.easy_strerror(code) : "libcurl (" LIBCURL_SONAME ") could not be loaded";
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
	return loaded() ? fn.slist_append(list, data) : NULL;
}

void curl_slist_free_all(struct curl_slist *list)
{
	if (loaded())
		fn.slist_free_all(list);
}
