/* The numbered schema migrations compiled into the binary
 * (src/store/migrations/NNN_name.sql, embedded by scripts/embed-migrations.sh). */
#ifndef MADO_STORE_MIGRATIONS_H
#define MADO_STORE_MIGRATIONS_H

#include <stddef.h>

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration store_migrations[];
extern const size_t store_migrations_count;

#endif
