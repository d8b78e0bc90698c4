/* Helpers shared by the history commands (record, leaks, report, serve,
 * diff): durations on the command line and opening a recording with one
 * clear line when that fails (views/history.c says why). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/log.h"
#include "../views/history.h"
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
	struct view_err err = {{0}};
	int r = history_open_store(path, flags, ret, &err);

	if (r < 0)
		log_error("%s", err.msg);
	return r;
}
