/*
 * procrun: run a command once per input file, sequentially, and time each
 * process. The benchmark driver for the one-process-per-mail path
 * (`mado ingest`, bench/ceiling), and for timing one long command
 * (`mado import`) with its peak RSS.
 *
 *   procrun [--stdin-dir DIR] [--limit N] [--every K] [--label L] -- CMD ARGS...
 *
 * With --stdin-dir, CMD runs once per regular file of DIR (sorted by name,
 * the first N, or every K-th when --every is given), each with that file on
 * stdin; without it, CMD runs once with stdin from /dev/null. Each run is
 * fork + exec + wait4; the wall time of one run is CLOCK_MONOTONIC from just
 * before fork() to wait4() returning, so process start-up (exec, dynamic
 * linking, library constructors) is part of it. CMD's stdout goes to
 * /dev/null unless --show-output; its stderr is kept.
 *
 * Prints one machine-readable line:
 *   LABEL n=… fail=… total_s=… rate=… p50_ms=… p90_ms=… p99_ms=… max_ms=…
 *         cpu_mean_ms=… cpu_p50_ms=… maxrss_kb=…
 * cpu_* is user+system CPU time of one child (wait4 rusage): unlike wall
 * time it does not include waiting for the disk or for a busy CPU.
 * maxrss_kb is the largest ru_maxrss of any child, i.e. peak RSS.
 * A run fails when it exits non-zero or dies on a signal; the first few
 * failures are described on stderr. Exit status: 0, or 1 if any run failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void usage(void)
{
	fprintf(stderr, "usage: procrun [--stdin-dir DIR] [--limit N] [--every K] [--label L] "
	                "[--show-output] -- CMD ARGS...\n");
	exit(64);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *label = "run";
	size_t limit = 0, every = 1;
	int show = 0, i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--stdin-dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
			limit = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--every") && i + 1 < argc)
			every = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--label") && i + 1 < argc)
			label = argv[++i];
		else if (!strcmp(argv[i], "--show-output"))
			show = 1;
		else
			usage();
	}
	if (i >= argc)
		usage();
	char **cmd = argv + i;
	if (every == 0)
		every = 1;

	char **files = NULL;
	size_t n = 0, cap = 0;
	if (dir) {
		DIR *d = opendir(dir);
		if (!d) {
			fprintf(stderr, "procrun: %s: %s\n", dir, strerror(errno));
			return 2;
		}
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				files = realloc(files, cap * sizeof *files);
				if (!files)
					return 2;
			}
			size_t l = strlen(dir) + strlen(e->d_name) + 2;
			files[n] = malloc(l);
			if (!files[n])
				return 2;
			snprintf(files[n], l, "%s/%s", dir, e->d_name);
			n++;
		}
		closedir(d);
		qsort(files, n, sizeof *files, cmp_str);
		if (every > 1) {
			size_t k = 0;
			for (size_t j = 0; j < n; j += every)
				files[k++] = files[j];
			n = k;
		}
		if (limit && n > limit)
			n = limit;
	} else {
		n = 1;
	}
	double *t = calloc(n ? n : 1, sizeof *t), *cpu = calloc(n ? n : 1, sizeof *cpu);
	if (!t || !cpu)
		return 2;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	size_t fails = 0;
	long maxrss = 0;
	double start = now_s();
	for (size_t k = 0; k < n; k++) {
		int in = dir ? open(files[k], O_RDONLY | O_CLOEXEC) : devnull;
		if (in < 0) {
			fprintf(stderr, "procrun: %s: %s\n", files[k], strerror(errno));
			return 2;
		}
		double t0 = now_s();
		pid_t pid = fork();
		if (pid < 0) {
			perror("procrun: fork");
			return 2;
		}
		if (pid == 0) {
			dup2(in, 0);
			if (!show)
				dup2(devnull, 1);
			execvp(cmd[0], cmd);
			_exit(127);
		}
		int status;
		struct rusage ru;
		while (wait4(pid, &status, 0, &ru) < 0) {
			if (errno != EINTR) {
				perror("procrun: wait4");
				return 2;
			}
		}
		t[k] = now_s() - t0;
		cpu[k] = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
		if (in != devnull)
			close(in);
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			if (fails < 5) {
				if (WIFEXITED(status))
					fprintf(stderr, "procrun: %s exited %d%s%s\n", cmd[0], WEXITSTATUS(status),
					        dir ? " on " : "", dir ? files[k] : "");
				else
					fprintf(stderr, "procrun: %s killed by signal %d%s%s\n", cmd[0],
					        WTERMSIG(status), dir ? " on " : "", dir ? files[k] : "");
			}
			fails++;
		}
	}
	double total = now_s() - start;
	double cpu_sum = 0;
	for (size_t k = 0; k < n; k++)
		cpu_sum += cpu[k];
	qsort(t, n, sizeof *t, cmp_dbl);
	qsort(cpu, n, sizeof *cpu, cmp_dbl);
	printf("%s n=%zu fail=%zu total_s=%.3f rate=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
	       "max_ms=%.3f cpu_mean_ms=%.3f cpu_p50_ms=%.3f maxrss_kb=%ld\n",
	       label, n, fails, total, total > 0 ? (double)n / total : 0.0, pct(t, n, 50) * 1e3,
	       pct(t, n, 90) * 1e3, pct(t, n, 99) * 1e3, n ? t[n - 1] * 1e3 : 0.0,
	       n ? cpu_sum / (double)n * 1e3 : 0.0, pct(cpu, n, 50) * 1e3, maxrss);
	return fails ? 1 : 0;
}
