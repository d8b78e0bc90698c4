/* `memtally report --db FILE -o report.html`: the recording as one
 * self-contained HTML file (output/report.c draws it). The file is
 * written under a temporary name and renamed, so a failed write leaves
 * no half report. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../analysis/leaks.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "../output/report.h"
#include "cli.h"

const char cmd_report_help[] =
    "Usage: memtally report --db FILE -o REPORT.html [options]\n"
    "\n"
    "Draw a recording made by 'memtally record' as one self-contained "
    "HTML\n"
    "file (inline SVG and CSS, no script, nothing fetched from the\n"
    "network): a stacked chart of the usage categories over time, the top\n"
    "growers found by 'memtally leaks' as line charts with their trend,\n"
    "the leak findings, the pools table at the start and the end, and\n"
    "which sources failed.\n"
    "\n"
    "Options:\n"
    "      --db FILE          the recording (required)\n"
    "  -o, --output FILE      where to write (required; replaced\n"
    "                         atomically)\n"
    "      --since T          only the last T of the recording (e.g. 6h)\n";

/* report_write() into f, then close f; the errno of the write that
 * failed ("No space left on device"), not a bare -EIO: stdio's ferror()
 * keeps no errno, but the failing write() set it, and the buffered rest
 * fails again in fflush(). */
static int write_out(FILE *f, const struct store_data *d,
		     const struct leaks_result *res,
		     const struct report_meta *meta)
{
	int r, e;

	errno = 0;
	r = report_write(f, d, res, meta);
	e = errno;
	if (fflush(f) != 0) {
		e = errno;
		if (r == 0)
			r = -e;
	}
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == -EIO && e > 0)
		r = -e;
	return r;
}

int cmd_report(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'D'},
	    {"output", required_argument, NULL, 'o'},
	    {"since", required_argument, NULL, 's'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *db = NULL, *out = NULL;
	_cleanup_free_ char *tmp = NULL, *host = NULL, *kernel = NULL,
			    *interval = NULL;
	struct report_meta meta = {0};
	struct trend_rules rules;
	struct leaks_result res;
	struct store_data d;
	struct store *st;
	int64_t since_ms = INT64_MIN, first, last;
	double since = -1;
	FILE *f;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:" CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case 'D':
			db = optarg;
			continue;
		case 'o':
			out = optarg;
			continue;
		case 's':
			if (cli_parse_duration(optarg, &since) < 0)
				return cli_usage_error(ctx, "bad --since '%s'",
						       optarg);
			continue;
		}
		r = cli_common_opt(ctx, c, optarg);
		if (r >= 100)
			return r - 100;
		if (r == 0)
			return cli_usage_error(ctx, "unknown option");
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%s'",
				       argv[optind]);
	if (!db)
		return cli_usage_error(ctx, "missing --db FILE");
	if (!out)
		return cli_usage_error(ctx, "missing -o FILE");
	if (cli_open_store(db, STORE_RDONLY, &st) < 0)
		return EXIT_FAIL;
	/* counted back from the recording's last sample */
	if (since >= 0 && store_range(st, &first, &last) == 0)
		since_ms = last - (int64_t)(since * 1000);
	store_meta_get(st, "hostname", &host);
	store_meta_get(st, "kernel", &kernel);
	store_meta_get(st, "interval_s", &interval);
	r = store_load(st, since_ms, INT64_MAX, &d);
	store_close(st);
	if (r < 0) {
		log_error_errno(r, "cannot read recording '%s'", db);
		return EXIT_FAIL;
	}
	leaks_default_rules(&rules);
	leaks_find(&d, &rules, false, &res);
	meta = (struct report_meta){
	    .db = db, .hostname = host, .kernel = kernel, .interval = interval};

	tmp = xasprintf("%s.tmp.%d", out, (int)getpid());
	f = fopen(tmp, "we");
	if (!f) {
		r = -errno;
		log_error_errno(r, "cannot write '%s'", out);
		goto out;
	}
	r = write_out(f, &d, &res, &meta);
	if (r == 0 && rename(tmp, out) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		log_error_errno(r, "cannot write '%s'", out);
	} else if (!ctx->json) {
		printf("wrote %s: %zu samples, %zu growing series\n", out,
		       d.n_times, res.n);
	} else {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(out));
		json_object_object_add(o, "samples",
				       json_object_new_uint64(d.n_times));
		json_object_object_add(o, "growing",
				       json_object_new_uint64(res.n));
		json_print(stdout, o);
		json_object_put(o);
	}
out:
	leaks_result_release(&res);
	store_data_release(&d);
	return r < 0 ? EXIT_FAIL : EXIT_OK;
}
