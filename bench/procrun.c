/*
 * procrun: run commands once per input file, sequentially, and time each
 * process. The benchmark driver for the one-process-per-mail path
 * (`mado ingest`, bench/ceiling), and for timing one long command
 * (`mado import`) with its peak RSS.
 *
 *   procrun [--stdin-dir DIR] [--limit N] [--label L]... [--show-output]
 *           -- CMD1 ARGS... [::: CMD2 ARGS...]...
 *
 * With --stdin-dir, each command runs once per regular file of DIR (sorted
 * by name, the first N with --limit), with that file on stdin; without it,
 * each runs once with stdin from /dev/null. Several commands separated by
 * ":::" are interleaved file by file (file 1 through CMD1, then CMD2, then
 * file 2 …), so that a change in the machine's load during the run weighs
 * on all of them alike: the ratio of their times stays meaningful on a
 * shared machine. --label names each command in order.
 *
 * Each run is fork + exec + wait4; its wall time is CLOCK_MONOTONIC from
 * just before fork() to wait4() returning, so process start-up (exec,
 * dynamic linking, library constructors) is part of it. stdout goes to
 * /dev/null unless --show-output; stderr is kept.
 *
 * Prints one machine-readable line per command:
 *   LABEL n=… fail=… total_s=… rate=… p50_ms=… p90_ms=… p99_ms=… max_ms=…
 *         cpu_mean_ms=… cpu_p50_ms=… first_cpu_ms=… last_cpu_ms=… maxrss_kb=…
 * total_s sums that command's run times only (not the others'), rate is
 * n / total_s. cpu_* is user+system CPU time of one child (wait4 rusage):
 * unlike wall time it excludes waiting for the disk or for a busy CPU.
 * first_cpu_ms and last_cpu_ms are the median CPU times of the first and
 * the last tenth of the runs, in run order: a per-process cost that grows
 * with the number of mails already stored shows as last > first (CPU time,
 * as wall time would mostly show changes in the machine's load).
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

#define MAX_CMDS 8

struct cmd {
	char **argv;
	const char *label;
	double *t, *cpu;
	size_t fails;
	long maxrss;
};

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
	fprintf(stderr, "usage: procrun [--stdin-dir DIR] [--limit N] [--label L]... [--show-output] "
	                "-- CMD ARGS... [::: CMD ARGS...]...\n");
	exit(64);
}

static void run_one(struct cmd *c, size_t k, int in, int devnull, int show, const char *what)
{
	double t0 = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		perror("procrun: fork");
		exit(2);
	}
	if (pid == 0) {
		dup2(in, 0);
		if (in != devnull)
			lseek(0, 0, SEEK_SET);
		if (!show)
			dup2(devnull, 1);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("procrun: wait4");
			exit(2);
		}
	}
	c->t[k] = now_s() - t0;
	c->cpu[k] = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	if (ru.ru_maxrss > c->maxrss)
		c->maxrss = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (c->fails < 5) {
			if (WIFEXITED(status))
				fprintf(stderr, "procrun: %s: %s exited %d%s%s\n", c->label, c->argv[0],
				        WEXITSTATUS(status), what ? " on " : "", what ? what : "");
			else
				fprintf(stderr, "procrun: %s: %s killed by signal %d%s%s\n", c->label, c->argv[0],
				        WTERMSIG(status), what ? " on " : "", what ? what : "");
		}
		c->fails++;
	}
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *labels[MAX_CMDS];
	size_t nlabels = 0, limit = 0;
	int show = 0, i = 1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--stdin-dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
			limit = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--label") && i + 1 < argc && nlabels < MAX_CMDS)
			labels[nlabels++] = argv[++i];
		else if (!strcmp(argv[i], "--show-output"))
			show = 1;
		else
			usage();
	}
	if (i >= argc)
		usage();

	/* split the commands on ":::" */
	struct cmd cmds[MAX_CMDS];
	size_t ncmds = 0;
	memset(cmds, 0, sizeof cmds);
	cmds[ncmds++].argv = argv + i;
	for (int j = i; j < argc; j++) {
		if (strcmp(argv[j], ":::") != 0)
			continue;
		argv[j] = NULL;
		if (ncmds == MAX_CMDS || j + 1 >= argc)
			usage();
		cmds[ncmds++].argv = argv + j + 1;
	}
	static char defaults[MAX_CMDS][16];
	for (size_t c = 0; c < ncmds; c++) {
		if (!cmds[c].argv[0])
			usage();
		snprintf(defaults[c], sizeof defaults[c], "run%zu", c + 1);
		cmds[c].label = c < nlabels ? labels[c] : defaults[c];
	}

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
		if (limit && n > limit)
			n = limit;
	} else {
		n = 1;
	}
	for (size_t c = 0; c < ncmds; c++) {
		cmds[c].t = calloc(n ? n : 1, sizeof *cmds[c].t);
		cmds[c].cpu = calloc(n ? n : 1, sizeof *cmds[c].cpu);
		if (!cmds[c].t || !cmds[c].cpu)
			return 2;
	}
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (size_t k = 0; k < n; k++) {
		int in = dir ? open(files[k], O_RDONLY | O_CLOEXEC) : devnull;
		if (in < 0) {
			fprintf(stderr, "procrun: %s: %s\n", files[k], strerror(errno));
			return 2;
		}
		for (size_t c = 0; c < ncmds; c++)
			run_one(&cmds[c], k, in, devnull, show, dir ? files[k] : NULL);
		if (in != devnull)
			close(in);
	}
	size_t fails = 0;
	for (size_t c = 0; c < ncmds; c++) {
		struct cmd *m = &cmds[c];
		double total = 0, cpu_sum = 0;
		for (size_t k = 0; k < n; k++) {
			total += m->t[k];
			cpu_sum += m->cpu[k];
		}
		/* median CPU of the first and last tenth, before sorting */
		size_t tenth = n / 10 ? n / 10 : 1;
		double *part = calloc(tenth, sizeof *part), first = 0, last = 0;
		if (part && n) {
			memcpy(part, m->cpu, tenth * sizeof *part);
			qsort(part, tenth, sizeof *part, cmp_dbl);
			first = pct(part, tenth, 50);
			memcpy(part, m->cpu + (n - tenth), tenth * sizeof *part);
			qsort(part, tenth, sizeof *part, cmp_dbl);
			last = pct(part, tenth, 50);
		}
		free(part);
		qsort(m->t, n, sizeof *m->t, cmp_dbl);
		qsort(m->cpu, n, sizeof *m->cpu, cmp_dbl);
		printf("%s n=%zu fail=%zu total_s=%.3f rate=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
		       "max_ms=%.3f cpu_mean_ms=%.3f cpu_p50_ms=%.3f first_cpu_ms=%.3f last_cpu_ms=%.3f "
		       "maxrss_kb=%ld\n",
		       m->label, n, m->fails, total, total > 0 ? (double)n / total : 0.0,
		       pct(m->t, n, 50) * 1e3, pct(m->t, n, 90) * 1e3, pct(m->t, n, 99) * 1e3,
		       n ? m->t[n - 1] * 1e3 : 0.0, n ? cpu_sum / (double)n * 1e3 : 0.0,
		       pct(m->cpu, n, 50) * 1e3, first * 1e3, last * 1e3, m->maxrss);
		fails += m->fails;
	}
	fflush(stdout);
	return fails ? 1 : 0;
}
