/* `memtally leaks --db FILE`: what grows in a recording.
 *
 * Loads the recording (or its part since --since), fits a robust trend to
 * every series (analysis/leaks.c, analysis/trend.c) and lists the ones
 * that grow: rate, confidence, how long, when memory runs out at that
 * rate, whether the kernel can reclaim it, and the owner chain. Says so
 * plainly when nothing grows. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../analysis/leaks.h"
#include "../analysis/series.h"
#include "../basic/human.h"
#include "../basic/log.h"
#include "../basic/xalloc.h"
#include "cli.h"

const char cmd_leaks_help[] =
    "Usage: memtally leaks --db FILE [options]\n"
    "\n"
    "Find what grows in a recording made by 'memtally record': each usage\n"
    "category and pool tag gets a robust trend (Theil-Sen slopes over\n"
    "bucket medians, one-off jumps set aside, Mann-Kendall confidence),\n"
    "and the series that grow steadily are listed, fastest first, with:\n"
    "\n"
    "  RATE       growth in bytes per hour\n"
    "  CONF       how sure the trend is (Mann-Kendall, 0-100%)\n"
    "  GROWING    for how long it has grown (since its last low point)\n"
    "  RUNS OUT   when MemAvailable is used up at this rate (only for\n"
    "             memory the kernel cannot reclaim)\n"
    "  KIND       reclaimable (page cache, reclaimable slab: the kernel\n"
    "             gives it back under pressure) or unreclaimable\n"
    "  OWNER      the chain: category -> pool tag -> module\n"
    "\n"
    "A series is named only when it grew by at least --min-growth over\n"
    "the window, at --min-rate or faster, with --min-confidence; a\n"
    "sawtooth that comes back down, a single jump and noise stay quiet.\n"
    "With nothing growing it says so and exits 0.\n"
    "\n"
    "Options:\n"
    "      --db FILE             the recording (required)\n"
    "      --since T             only the last T of the recording (e.g. "
    "6h,\n"
    "                            2d) or samples since unix time @T\n"
    "      --min-growth SIZE     default 8M\n"
    "      --min-rate SIZE       per hour; default 1M\n"
    "      --min-confidence PCT  default 99.9\n"
    "      --all                 show every series' trend, growing or not\n"
    "                            (text: GROWING column says which)\n";

/* --since: "6h" (ago, relative to the recording's end) or "@UNIX". */
static int parse_since(const char *s, bool *ret_abs, double *ret)
{
	if (s[0] == '@') {
		char *end;

		errno = 0;
		*ret = strtod(s + 1, &end);
		if (errno || end == s + 1 || *end)
			return -EINVAL;
		*ret_abs = true;
		return 0;
	}
	*ret_abs = false;
	return cli_parse_duration(s, ret);
}

static void fmt_duration(double s, char *buf, size_t n)
{
	if (s < 120)
		snprintf(buf, n, "%.0fs", s);
	else if (s < 7200)
		snprintf(buf, n, "%.0fm", s / 60);
	else if (s < 172800)
		snprintf(buf, n, "%.1fh", s / 3600);
	else
		snprintf(buf, n, "%.1fd", s / 86400);
}

json_object *leaks_owner_json(const struct store_data *d,
			      const struct leaks_result *res, size_t k);

/* The owner object: the series' own owner JSON plus "chain", the finer
 * series that grow inside it. */
json_object *leaks_owner_json(const struct store_data *d,
			      const struct leaks_result *res, size_t k)
{
	const struct leak_finding *f = &res->v[k];
	const struct store_series_info *si = &d->series[f->series];
	json_object *o = series_owner_object(si->owner, si->reclaim);
	json_object *chain = json_object_new_array();

	for (size_t c = 0; c < f->n_children; c++) {
		const struct leak_finding *ch = &res->v[f->children[c]];
		const struct store_series_info *cs = &d->series[ch->series];
		json_object *e = series_owner_object(cs->owner, NULL);
		char name[256];

		leaks_series_name(d, ch->series, name, sizeof(name));
		json_object_object_add(e, "series",
				       json_object_new_string(name));
		json_object_object_add(e, "bytes_per_hour",
				       json_object_new_int64((int64_t)llround(
					   ch->bytes_per_hour)));
		json_object_array_add(chain, e);
	}
	json_object_object_add(o, "chain", chain);
	return o;
}

/* The OWNER column: what the series is made of and its chain. */
static void owner_text(const struct store_data *d,
		       const struct leaks_result *res, size_t k, char *buf,
		       size_t n)
{
	json_object *o = leaks_owner_json(d, res, k);

	cli_owner_text(o, buf, n);
	json_object_put(o);
}

int cmd_leaks(int argc, char **argv, struct ctx *ctx)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'D'},
	    {"since", required_argument, NULL, 's'},
	    {"min-growth", required_argument, NULL, 'G'},
	    {"min-rate", required_argument, NULL, 'R'},
	    {"min-confidence", required_argument, NULL, 'C'},
	    {"all", no_argument, NULL, 'a'},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	const char *db = NULL, *since = NULL;
	struct trend_rules rules;
	struct leaks_result res;
	struct store_data d;
	struct store *st;
	int64_t since_ms = INT64_MIN, first, last;
	bool since_abs = false;
	double since_v = 0;
	uint64_t sz;
	double pct;
	char *end;
	bool all = false;
	int c, r;

	leaks_default_rules(&rules);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
				NULL)) != -1) {
		switch (c) {
		case 'D':
			db = optarg;
			continue;
		case 's':
			since = optarg;
			continue;
		case 'a':
			all = true;
			continue;
		case 'G':
		case 'R':
			if (cli_parse_size(optarg, &sz) < 0)
				return cli_usage_error(ctx, "bad size '%s'",
						       optarg);
			if (c == 'G')
				rules.min_net = (double)sz;
			else
				rules.min_rate = (double)sz;
			continue;
		case 'C':
			errno = 0;
			pct = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(pct >= 0) ||
			    pct > 100)
				return cli_usage_error(
				    ctx, "bad confidence '%s' (0-100)", optarg);
			rules.min_confidence = pct / 100.0;
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
	if (since && parse_since(since, &since_abs, &since_v) < 0)
		return cli_usage_error(ctx, "bad --since '%s'", since);
	if (cli_open_store(db, STORE_RDONLY, &st) < 0)
		return EXIT_FAIL;
	/* a duration counts back from the recording's last sample, so an
	 * old recording reads the same as a fresh one */
	if (since && since_abs)
		since_ms = (int64_t)(since_v * 1000);
	else if (since && store_range(st, &first, &last) == 0)
		since_ms = last - (int64_t)(since_v * 1000);
	r = store_load(st, since_ms, INT64_MAX, &d);
	store_close(st);
	if (r < 0) {
		log_error_errno(r, "cannot read recording '%s'", db);
		return EXIT_FAIL;
	}
	leaks_find(&d, &rules, all, &res);

	if (ctx->json) {
		json_object *top = json_object_new_object();
		json_object *arr = json_object_new_array();

		json_object_object_add(top, "samples",
				       json_object_new_uint64(d.n_times));
		json_object_object_add(
		    top, "seconds",
		    json_object_new_int64(
			d.n_times ? (d.t_ms[d.n_times - 1] - d.t_ms[0]) / 1000
				  : 0));
		json_object_object_add(top, "series_analysed",
				       json_object_new_uint64(res.n_analysed));
		for (size_t k = 0; k < res.n; k++) {
			const struct leak_finding *f = &res.v[k];
			json_object *o = json_object_new_object();
			char name[256], cf[16];
			double conf;

			leaks_series_name(&d, f->series, name, sizeof(name));
			json_object_object_add(o, "series",
					       json_object_new_string(name));
			json_object_object_add(
			    o, "kind",
			    json_object_new_string(f->reclaimable
						       ? "reclaimable"
						       : "unreclaimable"));
			json_object_object_add(
			    o, "bytes_per_hour",
			    json_object_new_int64(
				(int64_t)llround(f->bytes_per_hour)));
			json_object_object_add(
			    o, "start_bytes",
			    json_object_new_int64(f->start_bytes));
			json_object_object_add(
			    o, "end_bytes",
			    json_object_new_int64(f->end_bytes));
			/* floored, so 0.99996 is never shown as 1 */
			conf = floor(f->tr.confidence * 1e4) / 1e4;
			snprintf(cf, sizeof(cf), "%.4f", conf);
			json_object_object_add(
			    o, "confidence",
			    json_object_new_double_s(conf, cf));
			json_object_object_add(
			    o, "growing_seconds",
			    json_object_new_int64(
				(f->tr.t1 - f->tr.growing_since) / 1000));
			json_object_object_add(
			    o, "steps_ignored",
			    json_object_new_int(f->tr.steps));
			json_object_object_add(
			    o, "net_bytes",
			    json_object_new_int64((int64_t)llround(f->tr.net)));
			json_object_object_add(
			    o, "growing", json_object_new_boolean(f->growing));
			json_object_object_add(
			    o, "exhaustion_seconds",
			    isnan(f->exhaustion_s)
				? NULL
				: json_object_new_int64(
				      (int64_t)f->exhaustion_s));
			if (f->exhaustion_why)
				json_object_object_add(
				    o, "exhaustion_why",
				    json_object_new_string(f->exhaustion_why));
			json_object_object_add(o, "owner",
					       leaks_owner_json(&d, &res, k));
			json_object_array_add(arr, o);
		}
		json_object_object_add(top, "suspects", arr);
		json_print(stdout, top);
		json_object_put(top);
	} else if (res.n == 0) {
		char dur[32];

		fmt_duration(d.n_times
				 ? (double)(d.t_ms[d.n_times - 1] - d.t_ms[0]) /
				       1000.0
				 : 0,
			     dur, sizeof(dur));
		printf("No leaks: nothing grew steadily in %zu samples over "
		       "%s (%zu series analysed).\n",
		       d.n_times, dur, res.n_analysed);
	} else {
		struct table *t = table_new(NULL);
		char dur[32];

		table_add_col(t, "SERIES", "series", COL_STR);
		table_add_col(t, "KIND", "kind", COL_STR);
		table_add_col(t, "RATE/H", "bytes_per_hour", COL_SBYTES);
		table_add_col(t, "START", "start_bytes", COL_BYTES);
		table_add_col(t, "END", "end_bytes", COL_BYTES);
		table_add_col(t, "CONF", "confidence", COL_PCT);
		table_add_col(t, "GROWING", "growing", COL_STR);
		table_add_col(t, "RUNS OUT", "runs_out", COL_STR);
		table_add_col(t, "OWNER", "owner", COL_STR);
		for (size_t k = 0; k < res.n; k++) {
			const struct leak_finding *f = &res.v[k];
			size_t row = table_add_row(t);
			char buf[512];

			leaks_series_name(&d, f->series, buf, sizeof(buf));
			if (f->is_child) {
				char tmp[520];

				snprintf(tmp, sizeof(tmp), "  %s", buf);
				table_set_str(t, row, 0, tmp);
			} else {
				table_set_str(t, row, 0, buf);
			}
			table_set_str(t, row, 1,
				      f->reclaimable ? "reclaimable"
						     : "unreclaimable");
			table_set_i64(t, row, 2,
				      (int64_t)llround(f->bytes_per_hour));
			table_set_i64(t, row, 3, f->start_bytes);
			table_set_i64(t, row, 4, f->end_bytes);
			table_set_double(t, row, 5, f->tr.confidence * 100);
			fmt_duration((double)(f->tr.t1 - f->tr.growing_since) /
					 1000.0,
				     dur, sizeof(dur));
			table_set_str(t, row, 6, f->growing ? dur : "no");
			if (isnan(f->exhaustion_s)) {
				table_set_str(t, row, 7, "n/a");
			} else {
				fmt_duration(f->exhaustion_s, dur, sizeof(dur));
				table_set_str(t, row, 7, dur);
			}
			owner_text(&d, &res, k, buf, sizeof(buf));
			table_set_str(t, row, 8, buf);
			if (!f->reclaimable && f->growing)
				table_row_highlight(t, row);
		}
		for (size_t k = 0; k < res.n; k++)
			if (res.v[k].reclaimable && res.v[k].growing) {
				table_add_note(
				    t, "RUNS OUT is n/a for reclaimable "
				       "growth: the kernel gives that "
				       "memory back under pressure.");
				break;
			}
		if (all)
			printf("%zu series in %zu samples:\n\n", res.n,
			       d.n_times);
		else
			printf("%zu growing series in %zu samples:\n\n", res.n,
			       d.n_times);
		table_print(t, stdout, &ctx->out);
		table_free(t);
	}
	leaks_result_release(&res);
	store_data_release(&d);
	return EXIT_OK;
}
