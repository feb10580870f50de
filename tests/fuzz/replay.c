/*
 * Replays a libFuzzer corpus directory through a fuzz target without
 * libFuzzer, so that `make test` runs every seed under ASan/UBSan with gcc.
 * Prints one TAP line per input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	DIR *d = opendir(argv[1]);
	if (!d) {
		printf("not ok 1 - corpus %s missing\n", argv[1]);
		return 1;
	}
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		long sz = ftell(f);
		fseek(f, 0, SEEK_SET);
		uint8_t *buf = malloc(sz > 0 ? (size_t)sz : 1);
		size_t got = fread(buf, 1, (size_t)(sz > 0 ? sz : 0), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, got);
		free(buf);
		printf("ok %d - %s\n", ++n, e->d_name);
	}
	closedir(d);
	printf("1..%d\n", n);
	return 0;
}
