/* Helpers shared by the subcommands. */
#include "cli/cli.h"

#include <string.h>

bool cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return false;
	if (a[n] == '=') {
		*value = a + n + 1;
		return true;
	}
	if (a[n] == '\0' && *i + 1 < argc) {
		*value = argv[++*i];
		return true;
	}
	return false;
}
