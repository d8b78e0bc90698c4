/* The recording store: one SQLite file that holds samples over time.
 *
 * A recording is a set of series (a usage category, a pool tag, a free
 * list, ...) and a row per sample time. Each series is named by a kind
 * ("category", "pool", "free", "meminfo") and a name ("unaccounted",
 * "slab:kmalloc-64"), and carries its reclaim class and a JSON owner
 * description (module, source) so `leaks` and `diff` can drill down
 * without the live system.
 *
 * Layout (store.c explains the choices):
 *   meta(key, value)                       host, kernel, interval, ...
 *   series(id, kind, name, reclaim, owner) one row per series
 *   samples(t, failed, data)               one row per sample: t in ms
 *                                          since the epoch, the sources
 *                                          that failed, and every value
 *                                          packed in a varint blob
 *
 * The file is refused unless it is empty (then it is created) or carries
 * memtally's application_id; its schema version is PRAGMA user_version and
 * is migrated forward on open (read-write) or refused when newer.
 *
 * Every function returns 0 or a negative errno: -EBADMSG for a file that
 * is not a memtally database or is corrupt, -ENOSPC for a full disk,
 * -EIO for an I/O error, -EROFS/-EACCES when it cannot be written,
 * -EPROTO for a schema newer than this memtally. Nothing here prints. */
#ifndef MEMTALLY_STORE_H
#define MEMTALLY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* 'MTLY' */
#define STORE_APPLICATION_ID 0x4d544c59
#define STORE_SCHEMA_VERSION 1

struct store;

enum store_flags {
	STORE_RDONLY = 1 << 0, /* never write; the file must exist */
};

/* Open (or create, unless STORE_RDONLY) the database at path. On failure
 * *ret_why, when given, is a malloc'd one-line reason. */
int store_open(const char *path, unsigned flags, struct store **ret,
	       char **ret_why);
void store_close(struct store *s);

/* The last SQLite error message of s, for diagnostics. */
const char *store_errmsg(struct store *s);

int store_meta_set(struct store *s, const char *key, const char *value);
/* *ret is malloc'd; -ENOENT when unset. */
int store_meta_get(struct store *s, const char *key, char **ret);

/* The id of series (kind, name), created when new. reclaim and owner
 * (JSON text) may be NULL; an existing series keeps its first values
 * unless owner was NULL then. Ids are cached in memory. */
int store_series(struct store *s, const char *kind, const char *name,
		 const char *reclaim, const char *owner, uint32_t *ret_id);

/* A value that was not recorded (in store_data). */
#define STORE_ABSENT INT64_MIN

struct store_point {
	uint32_t series;
	int64_t value; /* bytes or a count; signed: the unaccounted remainder
			* can dip below zero; never STORE_ABSENT */
};

/* Append one sample at t_ms in one transaction: either all of it is in
 * the file or none. failed is JSON text naming the sources that could not
 * be read ({"slabinfo": "Permission denied"}) or NULL. A second sample at
 * the same t_ms replaces the first. */
int store_append(struct store *s, int64_t t_ms, const struct store_point *pts,
		 size_t n, const char *failed);

/* Retention: delete samples older than min_t_ms (0: keep all), then the
 * oldest ones while the file is bigger than max_bytes (0: no limit), and
 * give the freed pages back to the filesystem. */
int store_retain(struct store *s, int64_t min_t_ms, uint64_t max_bytes);

/* The size of the database file in bytes (pages in use). */
int store_size(struct store *s, uint64_t *ret);

/* --- reading a recording back -------------------------------------- */

struct store_series_info {
	uint32_t id;
	char *kind, *name;
	char *reclaim; /* or NULL */
	char *owner;   /* JSON text or NULL */
};

/* A recording loaded into memory: n_times samples by n_series series.
 * value(i, j) is series i at time j, STORE_ABSENT where not recorded. */
struct store_data {
	size_t n_series, n_times;
	struct store_series_info *series;
	int64_t *t_ms;	 /* sample times, ascending */
	char **failed;	 /* per sample: JSON text or NULL */
	int64_t *values; /* n_series * n_times, row per series */
};

static inline int64_t store_value(const struct store_data *d, size_t i,
				  size_t j)
{
	return d->values[i * d->n_times + j];
}

/* The first and the last sample's time; -ENODATA when there is none. */
int store_range(struct store *s, int64_t *ret_first, int64_t *ret_last);

/* Load samples with since_ms <= t <= until_ms (use INT64_MIN/INT64_MAX
 * for no bound). */
int store_load(struct store *s, int64_t since_ms, int64_t until_ms,
	       struct store_data *ret);
void store_data_release(struct store_data *d);
/* Index of series (kind, name) in d, or -1. */
ssize_t store_data_find(const struct store_data *d, const char *kind,
			const char *name);

/* Varint packing of a sample's points, exposed for tests: returns the
 * bytes written (buf must hold n * 15 bytes) / -EBADMSG on bad input. */
size_t store_pack(const struct store_point *pts, size_t n, uint8_t *buf);
int store_unpack(const uint8_t *buf, size_t len,
		 int (*fn)(uint32_t series, int64_t value, void *arg),
		 void *arg);

#endif
