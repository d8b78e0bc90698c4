/* Helpers shared by the history commands (record, leaks, report, serve,
 * diff): durations on the command line and opening a recording with one
 * clear line when that fails. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/log.h"
#include "../analysis/series.h"
#include "../basic/xalloc.h"
#include "../model/cgroups.h"
#include "../model/procs.h"
#include "../model/snapshot.h"
#include "../sources/slabinfo.h"
#include "cli.h"

int cli_parse_duration(const char *s, double *ret)
{
	static const struct {
		const char *suffix;
		double scale;
	} units[] = {
	    {"", 1},	 {"s", 1},    {"ms", 0.001}, {"m", 60},
	    {"min", 60}, {"h", 3600}, {"d", 86400},  {"w", 7 * 86400},
	};
	char *end;
	double v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(units); i++)
		if (streq(end, units[i].suffix)) {
			*ret = v * units[i].scale;
			return 0;
		}
	return -EINVAL;
}

int cli_open_store(const char *path, unsigned flags, struct store **ret)
{
	char *why = NULL;
	int r;

	r = store_open(path, flags, ret, &why);
	if (r < 0) {
		if (why)
			log_error("%s", why);
		else
			log_error_errno(r, "cannot open recording '%s'", path);
		free(why);
	}
	return r;
}

void cli_collect_series(struct root *root, const struct series_opts *o,
			struct snapshot *snap, struct series_set *ret)
{
	struct series_opts opts = *o;
	const struct slabinfo *si;
	struct slab_sysfs ss = {0};
	struct source_err err, perr;
	struct procs ps = {0};
	struct cgroups cg = {0};
	bool have_types = false;

	snapshot_collect(root, series_sources(), snap);
	si = snapshot_get(snap, SRC_SLABINFO);
	if (si && si->n_caches) {
		_cleanup_free_ char **names =
		    xcalloc(si->n_caches, sizeof(char *));

		for (size_t i = 0; i < si->n_caches; i++)
			names[i] = si->caches[i].name;
		have_types = slab_sysfs_read_names(root, names, si->n_caches,
						   SA_BIT(SA_RECLAIM_ACCOUNT),
						   &ss, &err) == 0;
	}
	if (root_page_size_known(root) && !opts.page_size)
		opts.page_size = root_page_size(root);
	opts.slab_types = have_types ? &ss : NULL;
	if (o->top_procs && procs_collect(root, NULL, 0, &ps, &perr) == 0)
		opts.procs = &ps;
	if (o->top_cgroups) {
		cgroups_collect(root, 2, &cg);
		opts.cgroups = &cg;
	}
	series_collect(snap, &opts, ret);
	if (opts.procs)
		procs_release(&ps);
	if (opts.cgroups)
		cgroups_release(&cg);
	if (have_types)
		slab_sysfs_release(&ss);
}

void cli_owner_text(json_object *o, char *buf, size_t n)
{
	json_object *v, *chain;
	const char *src = NULL;
	size_t len = 0;

#define APPEND(...)                                                            \
	(len += (size_t)snprintf(buf + len, len < n ? n - len : 0, __VA_ARGS__))
	buf[0] = '\0';
	if (json_object_object_get_ex(o, "from", &v))
		APPEND("%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "source", &v))
		src = json_object_get_string(v);
	if (src && json_object_object_get_ex(o, "tags", &v))
		APPEND("%sthe other %s tags, summed", len ? ", " : "", src);
	else if (src)
		APPEND("%s%s", len ? ", " : "",
		       streq(src, "slab")	 ? "slab cache"
		       : streq(src, "vmalloc")	 ? "vmalloc caller"
		       : streq(src, "allocinfo") ? "call site"
		       : streq(src, "bpf")	 ? "call site (traced)"
						 : src);
	if (json_object_object_get_ex(o, "pid", &v))
		APPEND("%sprocess %d", len ? ", " : "", json_object_get_int(v));
	if (json_object_object_get_ex(o, "path", &v))
		APPEND("%scgroup %s", len ? ", " : "",
		       json_object_get_string(v));
	if (json_object_object_get_ex(o, "module", &v) &&
	    json_object_get_string(v))
		APPEND("%smodule %s", len ? ", " : "",
		       json_object_get_string(v));
	else if (src && !json_object_object_get_ex(o, "tags", &v))
		APPEND(", built-in");
	if (json_object_object_get_ex(o, "chain", &chain))
		for (size_t i = 0; i < json_object_array_length(chain); i++) {
			json_object *e = json_object_array_get_idx(chain, i);

			if (json_object_object_get_ex(e, "series", &v))
				APPEND(" -> %s", json_object_get_string(v));
		}
#undef APPEND
	if (len >= n && n > 4)
		memcpy(buf + n - 4, "...", 4);
}
