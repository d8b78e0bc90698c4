/* Binary-unit size formatting; see human.h. */
#include <stdio.h>

#include "human.h"

char *human_bytes(uint64_t v, char *buf, size_t n)
{
	static const char *const units[] = {"B",   "KiB", "MiB", "GiB",
					    "TiB", "PiB", "EiB"};
	double d = (double)v;
	unsigned u = 0;

	if (v < 1024) {
		snprintf(buf, n, "%llu B", (unsigned long long)v);
		return buf;
	}
	while (d >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		d /= 1024;
		u++;
	}
	if (d >= 99.95)
		snprintf(buf, n, "%.0f %s", d, units[u]);
	else
		snprintf(buf, n, "%.1f %s", d, units[u]);
	return buf;
}

char *human_bytes_signed(int64_t v, char *buf, size_t n)
{
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char tmp[32];

	human_bytes(mag, tmp, sizeof(tmp));
	snprintf(buf, n, "%s%s", v < 0 ? "-" : v > 0 ? "+" : "", tmp);
	return buf;
}
