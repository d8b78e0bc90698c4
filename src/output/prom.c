/* Prometheus text exposition of series; see prom.h.
 *
 * Families are written in a fixed order with every sample of a family
 * together (the format requires it), from the same series that `record`
 * stores, so an alert on memtally_usage_bytes watches exactly what
 * `leaks` analyses. Cardinality is bounded by construction: categories
 * and free-list orders are fixed sets, pool tags are the top N chosen by
 * series_collect() plus one "other" line per source and type, owners the
 * top N holders per kind (20 kinds at most) plus one unheld line a kind. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "prom.h"

static void bprintf(struct prom_buf *b, const char *fmt, ...) _printf_(2, 3);

static void bprintf(struct prom_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->alloc - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->p = xgrow(b->p, &b->alloc,
			     b->len + (n > 0 ? (size_t)n : 0) + 256, 1);
	}
}

void prom_buf_release(struct prom_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void prom_escape(const char *s, char *buf, size_t n)
{
	size_t k = 0;

	for (; *s && k + 3 < n; s++) {
		if (*s == '\\' || *s == '"') {
			buf[k++] = '\\';
			buf[k++] = *s;
		} else if (*s == '\n') {
			buf[k++] = '\\';
			buf[k++] = 'n';
		} else {
			buf[k++] = *s;
		}
	}
	buf[k] = '\0';
}

static void family(struct prom_buf *b, const char *name, const char *help)
{
	bprintf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static bool has_kind(const struct series_set *set, const char *kind)
{
	for (size_t i = 0; i < set->n; i++)
		if (streq(set->v[i].kind, kind))
			return true;
	return false;
}

/* Split "a/b/c" into up to n parts (escaped) in parts[][128]. */
static size_t split(const char *name, char parts[][128], size_t n)
{
	size_t k = 0;
	const char *p = name;

	while (k < n) {
		const char *slash = k + 1 < n ? strchr(p, '/') : NULL;
		char raw[128];

		snprintf(raw, sizeof(raw), "%.*s",
			 (int)(slash ? (size_t)(slash - p) : strlen(p)), p);
		prom_escape(raw, parts[k++], 128);
		if (!slash)
			break;
		p = slash + 1;
	}
	return k;
}

static const char *pool_type(const char *reclaim)
{
	return reclaim && streq(reclaim, "reclaimable") ? "reclaimable"
							: "unreclaimable";
}

void prom_render(const struct series_set *set, const struct snapshot *snap,
		 double scrape_s, struct prom_buf *b)
{
	char esc[256], parts[3][128];

	if (has_kind(set, "category")) {
		family(b, "memtally_usage_bytes",
		       "Memory by usage category; the categories sum to "
		       "MemTotal.");
		for (size_t i = 0; i < set->n; i++) {
			const struct series_point *p = &set->v[i];

			if (!streq(p->kind, "category"))
				continue;
			prom_escape(p->name, esc, sizeof(esc));
			bprintf(b,
				"memtally_usage_bytes{category=\"%s\","
				"reclaim=\"%s\"} %lld\n",
				esc, p->reclaim ? p->reclaim : "unknown",
				(long long)p->value);
		}
	}
	for (size_t i = 0; i < set->n; i++) {
		const struct series_point *p = &set->v[i];

		if (!streq(p->kind, "meminfo"))
			continue;
		if (streq(p->name, "total")) {
			family(b, "memtally_memory_total_bytes",
			       "MemTotal: RAM the kernel manages.");
			bprintf(b, "memtally_memory_total_bytes %lld\n",
				(long long)p->value);
		} else if (streq(p->name, "available")) {
			family(b, "memtally_memory_available_bytes",
			       "MemAvailable: the kernel's estimate of memory "
			       "available without swapping.");
			bprintf(b, "memtally_memory_available_bytes %lld\n",
				(long long)p->value);
		}
	}
	if (has_kind(set, "pool")) {
		family(b, "memtally_pool_bytes",
		       "Bytes held by a kernel pool tag (top tags only; the "
		       "rest is in memtally_pool_other_bytes).");
		for (size_t i = 0; i < set->n; i++) {
			const struct series_point *p = &set->v[i];

			if (!streq(p->kind, "pool"))
				continue;
			if (split(p->name, parts, 2) != 2)
				continue;
			bprintf(b,
				"memtally_pool_bytes{source=\"%s\",tag=\"%s\","
				"type=\"%s\"} %lld\n",
				parts[0], parts[1], pool_type(p->reclaim),
				(long long)p->value);
		}
	}
	if (has_kind(set, "pool_other")) {
		family(b, "memtally_pool_other_bytes",
		       "Bytes held by the pool tags not listed in "
		       "memtally_pool_bytes, by source and type.");
		for (size_t i = 0; i < set->n; i++) {
			const struct series_point *p = &set->v[i];

			if (!streq(p->kind, "pool_other"))
				continue;
			if (split(p->name, parts, 2) != 2)
				continue;
			bprintf(b,
				"memtally_pool_other_bytes{source=\"%s\","
				"type=\"%s\"} %lld\n",
				parts[0], parts[1], (long long)p->value);
		}
	}
	if (has_kind(set, "free")) {
		family(b, "memtally_free_bytes",
		       "Free memory in blocks of one order, by node and zone.");
		for (size_t i = 0; i < set->n; i++) {
			const struct series_point *p = &set->v[i];

			if (!streq(p->kind, "free"))
				continue;
			if (split(p->name, parts, 3) != 3)
				continue;
			bprintf(b,
				"memtally_free_bytes{node=\"%s\",zone=\"%s\","
				"order=\"%s\"} %lld\n",
				parts[0], parts[1], parts[2],
				(long long)p->value);
		}
	}
	if (has_kind(set, "cgroup")) {
		family(b, "memtally_cgroup_memory_bytes",
		       "Memory charged to a cgroup (memory.current, with its "
		       "descendants); the biggest ones only.");
		for (size_t i = 0; i < set->n; i++) {
			const struct series_point *p = &set->v[i];

			if (!streq(p->kind, "cgroup"))
				continue;
			prom_escape(p->name, esc, sizeof(esc));
			bprintf(b,
				"memtally_cgroup_memory_bytes{cgroup=\"%s\"} "
				"%lld\n",
				esc, (long long)p->value);
		}
	}
	if (has_kind(set, "owner")) {
		family(b, "memtally_owner_bytes",
		       "Kernel memory a process holds through one kind of "
		       "object (pipes, sockets, BPF maps, ...); the top "
		       "holders per kind only, pid \"\" for objects no "
		       "process holds.");
		for (size_t i = 0; i < set->n; i++) {
			const struct series_point *p = &set->v[i];
			struct series_owner_proc op;
			char kind[64], comm[160], pid[16] = "";

			if (!streq(p->kind, "owner") ||
			    !series_owner_proc(p->owner, &op))
				continue;
			prom_escape(op.kind, kind, sizeof(kind));
			prom_escape(op.comm, comm, sizeof(comm));
			if (op.pid >= 0)
				snprintf(pid, sizeof(pid), "%d", op.pid);
			bprintf(b,
				"memtally_owner_bytes{kind=\"%s\",pid=\"%s\","
				"comm=\"%s\"} %lld\n",
				kind, pid, comm, (long long)p->value);
		}
	}
	if (snap) {
		family(b, "memtally_source_up",
		       "1 when the kernel interface could be read, 0 when "
		       "not.");
		for (int id = 0; id < _SRC_MAX; id++) {
			const struct source_desc *d = source_get(id);

			if (!d || !(snap->asked & SRC_BIT(id)))
				continue;
			bprintf(b, "memtally_source_up{source=\"%s\"} %d\n",
				d->name, snapshot_get(snap, id) ? 1 : 0);
		}
	}
	if (scrape_s >= 0) {
		family(b, "memtally_scrape_duration_seconds",
		       "Time taken to read the kernel and build this page.");
		bprintf(b, "memtally_scrape_duration_seconds %.6f\n", scrape_s);
	}
}
