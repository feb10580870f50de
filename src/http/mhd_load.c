/*
 * libmicrohttpd, loaded when the server starts rather than at exec.
 *
 * Why: libmicrohttpd brings GnuTLS and its six libraries (p11-kit, tasn1,
 * nettle, hogweed, gmp, ...) into every process that links it, and the
 * dynamic loader maps, relocates and write-protects each of them at exec.
 * `mado ingest` runs once per mail (the MTA path) and never serves HTTP,
 * so it paid ~1/3 of its start-up for them. The binary is therefore not
 * linked against libmicrohttpd: this file defines the MHD functions
 * server.c calls, with the library's own prototypes (<microhttpd.h>), and
 * each forwards to the real function resolved by dlopen/dlsym on first
 * use. server_start() calls mhd_load() first, so a missing library is a
 * clear error there and never a NULL call.
 *
 * A new MHD_* call in server.c needs one more forwarder here (the link
 * fails with an undefined reference until it has one).
 */
#include "http/mhd_load.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>

#include <microhttpd.h>

static void *lib;
static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The real functions, resolved once. */
static struct {
	struct MHD_Daemon *(*start_daemon_va)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
	                                      MHD_AccessHandlerCallback, void *, va_list);
	void (*stop_daemon)(struct MHD_Daemon *);
	enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
	struct MHD_Response *(*create_response_from_buffer)(size_t, void *, enum MHD_ResponseMemoryMode);
	struct MHD_Response *(*create_response_from_callback)(uint64_t, size_t, MHD_ContentReaderCallback,
	                                                      void *, MHD_ContentReaderFreeCallback);
	void (*destroy_response)(struct MHD_Response *);
	const union MHD_ConnectionInfo *(*get_connection_info)(struct MHD_Connection *,
	                                                       enum MHD_ConnectionInfoType, ...);
	const char *(*lookup_connection_value)(struct MHD_Connection *, enum MHD_ValueKind, const char *);
	enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
	void (*resume_connection)(struct MHD_Connection *);
	void (*suspend_connection)(struct MHD_Connection *);
} fn;

static const struct {
	const char *name;
	void **slot;
} symbols[] = {
	{ "MHD_start_daemon_va", (void **)&fn.start_daemon_va },
	{ "MHD_stop_daemon", (void **)&fn.stop_daemon },
	{ "MHD_add_response_header", (void **)&fn.add_response_header },
	{ "MHD_create_response_from_buffer", (void **)&fn.create_response_from_buffer },
	{ "MHD_create_response_from_callback", (void **)&fn.create_response_from_callback },
	{ "MHD_destroy_response", (void **)&fn.destroy_response },
	{ "MHD_get_connection_info", (void **)&fn.get_connection_info },
	{ "MHD_lookup_connection_value", (void **)&fn.lookup_connection_value },
	{ "MHD_queue_response", (void **)&fn.queue_response },
	{ "MHD_resume_connection", (void **)&fn.resume_connection },
	{ "MHD_suspend_connection", (void **)&fn.suspend_connection },
};

static void load(void)
{
	/* The runtime package ships only the versioned name; the -dev
	 * package adds the plain one. */
	static const char *const names[] = { "libmicrohttpd.so.12", "libmicrohttpd.so" };
	for (size_t i = 0; i < sizeof names / sizeof names[0] && !lib; i++)
		lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		load_error = dlerror();
		return;
	}
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		/* POSIX: a data pointer from dlsym converts to a function pointer */
		*symbols[i].slot = dlsym(lib, symbols[i].name);
		if (!*symbols[i].slot) {
			load_error = dlerror();
			dlclose(lib);
			lib = NULL;
			return;
		}
	}
}

mado_status mhd_load(struct mado_err *err)
{
	pthread_once(&once, load);
	if (!lib)
		return mado_fail(err, MADO_EIO, "cannot load libmicrohttpd (the HTTP server library): %s",
		                 load_error ? load_error : "unknown error");
	return MADO_OK;
}

/* Every forwarder runs after a successful mhd_load() (server_start). */

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	if (mhd_load(&(struct mado_err){ 0 }))
		return NULL;
	va_list ap;
	va_start(ap, dh_cls);
	struct MHD_Daemon *d = fn.start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

void MHD_stop_daemon(struct MHD_Daemon *daemon)
{
	fn.stop_daemon(daemon);
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *response, const char *header,
                                        const char *content)
{
	return fn.add_response_header(response, header, content);
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
                                                     enum MHD_ResponseMemoryMode mode)
{
	return fn.create_response_from_buffer(size, buffer, mode);
}

struct MHD_Response *MHD_create_response_from_callback(uint64_t size, size_t block_size,
                                                       MHD_ContentReaderCallback crc, void *crc_cls,
                                                       MHD_ContentReaderFreeCallback crfc)
{
	return fn.create_response_from_callback(size, block_size, crc, crc_cls, crfc);
}

void MHD_destroy_response(struct MHD_Response *response)
{
	fn.destroy_response(response);
}

/* Only the info types that take no further argument (CLIENT_ADDRESS and
 * the like) can be forwarded: C cannot pass on a "...". */
const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *connection,
                                                        enum MHD_ConnectionInfoType info_type, ...)
{
	return fn.get_connection_info(connection, info_type);
}

const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                        const char *key)
{
	return fn.lookup_connection_value(connection, kind, key);
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response)
{
	return fn.queue_response(connection, status_code, response);
}

void MHD_resume_connection(struct MHD_Connection *connection)
{
	fn.resume_connection(connection);
}

void MHD_suspend_connection(struct MHD_Connection *connection)
{
	fn.suspend_connection(connection);
}
