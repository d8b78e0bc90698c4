/* The recording store: SQLite, one file, WAL; see store.h.
 *
 * Why one row per sample with a packed blob, not one row per value.
 * A week at a 60-second interval is 10,080 samples; with ~150 series
 * (21 usage categories, the top pool tags, free lists by order and zone,
 * top processes and cgroups) a row per value would be 1.5 million rows of
 * (series, t, value): ~25 bytes each in a WITHOUT ROWID table, about
 * 38 MB, uncomfortably close to the 50 MB aim, and the index on (series,
 * t) buys nothing because every reader (leaks, report) wants all series
 * over a time range anyway. One row per sample keyed by its time
 * (INTEGER PRIMARY KEY, the rowid itself, so no second index) with the
 * values packed as varints costs ~4-5 bytes a value: the series id as the
 * gap from the previous id (1 byte) and the value, zigzag-encoded (it is
 * signed: the unaccounted remainder can dip below zero), in KiB when it
 * is a whole number of KiB (every meminfo figure and every page-sized
 * pool) or in bytes otherwise, one flag bit saying which. Each row stands
 * alone: no delta against the previous sample, so retention can drop any old
 * row and a lost row loses one sample, never the ones after it (atop's
 * delta-compressed files are fragile exactly there).
 *
 * Durability. journal_mode=WAL lets `leaks` and `report` read while
 * `record` writes. Each sample is one transaction. synchronous=FULL in WAL
 * mode fsyncs the WAL at every commit: a committed sample survives power
 * loss, so a crash loses at most the sample in flight (with NORMAL, WAL
 * commits are synced only at checkpoints and a power cut could roll back
 * every sample since the last one: minutes of a 1-second recording). The
 * cost is one fsync a sample, nothing at a 60-second interval. SIGKILL
 * needs no fsync at all: committed WAL frames are in the page cache.
 *
 * Refusing files that are not ours. A file that is not SQLite fails the
 * first read with SQLITE_NOTADB; an SQLite file of another program has
 * another PRAGMA application_id (or 0 and tables of its own). Either is
 * -EBADMSG and the file is not touched. The schema version lives in PRAGMA
 * user_version; migrations[] takes a file from version N-1 to N inside one
 * transaction, and a file from a newer memtally is refused (-EPROTO)
 * rather than misread.
 *
 * Full disk. SQLite rolls the transaction back and says SQLITE_FULL; we
 * return -ENOSPC and the file holds every sample committed before. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "store.h"

struct series_cache {
	char *kind, *name;
	uint32_t id;
	bool has_owner;
};

struct store {
	sqlite3 *db;
	char *path;
	bool rdonly;
	int lock_fd; /* the writer's flock on the file, or -1 */
	struct series_cache *cache;
	size_t n_cache, alloc_cache;
	sqlite3_stmt *ins_sample;
};

/* Schema migrations: migrations[i] takes user_version i to i + 1. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    "CREATE TABLE series("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " reclaim TEXT,"
    " owner TEXT,"
    " UNIQUE(kind, name));"
    "CREATE TABLE samples("
    " t INTEGER PRIMARY KEY," /* ms since the epoch */
    " failed TEXT,"	      /* JSON: sources that failed */
    " data BLOB NOT NULL);",  /* store_pack() of the values */
};

/* Map an SQLite result code to a negative errno. */
static int sql_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT:
		return -EBADMSG;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return -EINVAL;
	default:
		return -EIO;
	}
}

/* Like sql_errno, but a disk that filled up mid-write can also surface as
 * an I/O error whose system errno is ENOSPC or EDQUOT: say so. */
static int store_errno(struct store *s, int rc)
{
	int sys = s->db ? sqlite3_system_errno(s->db) : 0;
	int r = sql_errno(rc);

	if ((r == -EIO || r == -ENOENT || r == -EACCES) &&
	    (sys == ENOSPC || sys == EDQUOT))
		return -ENOSPC;
	if (r == -ENOENT && sys > 0)
		return -sys;
	return r;
}

static int exec(struct store *s, const char *sql)
{
	return store_errno(s, sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

static int query_int(struct store *s, const char *sql, int64_t *ret)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(s, rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : store_errno(s, rc);
}

const char *store_errmsg(struct store *s)
{
	return s && s->db ? sqlite3_errmsg(s->db) : "no database";
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->ins_sample);
	for (size_t i = 0; i < s->n_cache; i++) {
		free(s->cache[i].kind);
		free(s->cache[i].name);
	}
	free(s->cache);
	/* close_v2 so a failed open with live statements still closes */
	sqlite3_close_v2(s->db);
	/* after SQLite: closing any descriptor of the file drops every
	 * fcntl lock this process holds on it, SQLite's included */
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->path);
	free(s);
}

/* Bring the schema to STORE_SCHEMA_VERSION, one transaction a step. */
static int migrate(struct store *s, int64_t from)
{
	int r;

	for (int64_t v = from; v < STORE_SCHEMA_VERSION; v++) {
		char sql[96];

		r = exec(s, "BEGIN IMMEDIATE");
		if (r < 0)
			return r;
		r = exec(s, migrations[v]);
		if (r == 0) {
			snprintf(sql, sizeof(sql),
				 "PRAGMA application_id=%d;"
				 "PRAGMA user_version=%d",
				 STORE_APPLICATION_ID, (int)v + 1);
			r = exec(s, sql);
		}
		if (r == 0)
			r = exec(s, "COMMIT");
		if (r < 0) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return r;
		}
	}
	return 0;
}

/* Check that the open file is ours (or new), set it up, migrate it.
 * Sets *ret_why on refusal. */
static int store_setup(struct store *s, char **ret_why)
{
	int64_t app = 0, ver = 0, ntables = 0;
	int r;

	/* the first read of a file that is not SQLite fails here */
	r = query_int(s, "PRAGMA application_id", &app);
	if (r == 0)
		r = query_int(s, "PRAGMA user_version", &ver);
	if (r == 0)
		r = query_int(s, "SELECT count(*) FROM sqlite_master",
			      &ntables);
	if (r == -EBADMSG) {
		if (ret_why)
			*ret_why = xasprintf("'%s' is not a memtally database "
					     "(not an SQLite file, or corrupt)",
					     s->path);
		return r;
	}
	if (r < 0)
		return r;
	if (app != STORE_APPLICATION_ID && (app != 0 || ntables > 0)) {
		if (ret_why)
			*ret_why = xasprintf("'%s' is an SQLite database of "
					     "another program (application_id "
					     "0x%08llx), not a memtally "
					     "recording",
					     s->path, (unsigned long long)app);
		return -EBADMSG;
	}
	if (ver > STORE_SCHEMA_VERSION) {
		if (ret_why)
			*ret_why = xasprintf("'%s' has schema version %lld, "
					     "newer than this memtally's %d",
					     s->path, (long long)ver,
					     STORE_SCHEMA_VERSION);
		return -EPROTO;
	}
	if (s->rdonly) {
		if (app == 0 || ver < STORE_SCHEMA_VERSION) {
			if (ret_why)
				*ret_why = xasprintf(
				    "'%s' is %s", s->path,
				    app == 0 ? "an empty database, not a "
					       "memtally recording"
					     : "an older recording; open "
					       "it once with 'record' to "
					       "upgrade it");
			return app == 0 ? -EBADMSG : -EPROTO;
		}
		return exec(s, "PRAGMA query_only=1");
	}
	/* auto_vacuum must be chosen before the first table exists */
	if (ntables == 0) {
		r = exec(s, "PRAGMA auto_vacuum=INCREMENTAL");
		if (r < 0)
			return r;
	}
	r = exec(s, "PRAGMA journal_mode=WAL;"
		    "PRAGMA synchronous=FULL;"
		    "PRAGMA journal_size_limit=1048576;"
		    "PRAGMA wal_autocheckpoint=256");
	if (r < 0)
		return r;
	return migrate(s, ver);
}

/* Reading without write access.
 *
 * A reader opens "file:PATH?mode=ro". SQLite still wants the WAL index
 * (PATH-shm) of a WAL database, and creates it when missing: on a
 * read-only mount, or as a user who may not write the directory (root's
 * 0644 recording read by anyone), that fails with "unable to open
 * database file" or "attempt to write a readonly database". Where the
 * -shm exists, SQLite reads it read-only (3.22+) and nothing more is
 * needed. Where it cannot be had, the reader opens the file again with
 * immutable=1 (no locks, no -shm, no WAL), but only when PATH-wal is
 * absent or empty: then every committed sample is in the main file and
 * no writer has anything unsaved (a running `record` keeps its -wal
 * between checkpoints). A non-empty -wal without its -shm is refused
 * with a reason: reading around it would drop samples silently. */
static char *uri_of(const char *path, bool immutable)
{
	size_t n = strlen(path), len = 0;
	char *u = xmalloc(n * 3 + 40);

	len += (size_t)snprintf(u, 8, "file:");
	for (const char *p = path; *p; p++) {
		/* '?' and '#' end the path in a URI, '%' starts an escape */
		if (*p == '?' || *p == '#' || *p == '%')
			len += (size_t)snprintf(u + len, 4, "%%%02X",
						(unsigned char)*p);
		else
			u[len++] = *p;
	}
	snprintf(u + len, 32, "?mode=ro%s", immutable ? "&immutable=1" : "");
	return u;
}

/* May the reader of path fall back to immutable=1 (see above)? Only when
 * PATH-wal is absent or empty: then every committed sample is in the main
 * file. A non-empty -wal whose -shm cannot be had cannot be read at all. */
static bool wal_is_empty(const char *path)
{
	char wal[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", path) >= sizeof(wal))
		return false;
	return stat(wal, &st) < 0 ? errno == ENOENT : st.st_size == 0;
}

/* The writer's lock. Two `record`s on one file would interleave their
 * samples, so the second is refused. An flock() on the database file
 * itself: the kernel drops it when the holder dies (even on SIGKILL), so
 * it never goes stale as a pid row in the database would (and a pid says
 * nothing across PID namespaces); no side file to create or leave
 * behind; and on Linux flock() and SQLite's fcntl() byte-range locks are
 * independent, so readers are not blocked. (On NFS flock is emulated with
 * fcntl locks; SQLite's WAL mode does not work there anyway.) */
static int take_writer_lock(struct store *s, char **ret_why)
{
	int fd = open(s->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = -errno;

		close(fd);
		if (r == -EWOULDBLOCK) {
			if (ret_why)
				*ret_why = xasprintf(
				    "'%s' is already being recorded by another "
				    "'memtally record' (it holds the lock on "
				    "the "
				    "file)",
				    s->path);
			return -EBUSY;
		}
		return r;
	}
	s->lock_fd = fd;
	return 0;
}

static int open_db(struct store *s, bool immutable, char **ret_why)
{
	_cleanup_free_ char *uri = NULL;
	const char *name = s->path;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc, r;

	if (s->rdonly) {
		uri = uri_of(s->path, immutable);
		name = uri;
		oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
	}
	rc = sqlite3_open_v2(name, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = store_errno(s, rc);
		if (ret_why)
			*ret_why = xasprintf("cannot open '%s': %s", s->path,
					     s->db ? sqlite3_errmsg(s->db)
						   : "out of memory");
		return r;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	if (!s->rdonly && !streq(s->path, ":memory:")) {
		r = take_writer_lock(s, ret_why);
		if (r < 0)
			return r;
	}
	r = store_setup(s, ret_why);
	if (r < 0 && ret_why && !*ret_why)
		*ret_why = xasprintf("cannot use '%s': %s", s->path,
				     sqlite3_errmsg(s->db));
	return r;
}

int store_open(const char *path, unsigned flags, struct store **ret,
	       char **ret_why)
{
	struct store *s = xcalloc(1, sizeof(*s));
	char *why = NULL;
	struct stat st;
	bool created;
	int r;

	s->path = xstrdup(path);
	s->rdonly = flags & STORE_RDONLY;
	s->lock_fd = -1;
	created = !s->rdonly && stat(path, &st) < 0 && errno == ENOENT;
	r = open_db(s, false, &why);
	if (r < 0 && s->rdonly &&
	    (r == -EROFS || r == -ENOENT || r == -EACCES || r == -EIO) &&
	    access(path, R_OK) == 0) {
		if (!wal_is_empty(path)) {
			free(why);
			why = xasprintf(
			    "cannot read '%s' without write access: samples "
			    "are in '%s-wal' and SQLite needs to create "
			    "'%s-shm' to read them; copy the files to a "
			    "writable directory",
			    path, path, path);
			goto fail;
		}
		/* the -shm could not be had: see "Reading without write
		 * access" above */
		sqlite3_close_v2(s->db);
		s->db = NULL;
		free(why);
		why = NULL;
		r = open_db(s, true, &why);
	}
	if (r < 0) {
	fail:
		store_close(s);
		/* a database we created and could not set up (a full
		 * disk) is removed, not left behind as an empty file */
		if (created && r != -EBUSY) {
			_cleanup_free_ char *wal = xasprintf("%s-wal", path);
			_cleanup_free_ char *shm = xasprintf("%s-shm", path);
			_cleanup_free_ char *jnl =
			    xasprintf("%s-journal", path);

			unlink(path);
			unlink(wal);
			unlink(shm);
			unlink(jnl);
		}
		if (ret_why)
			*ret_why = why;
		else
			free(why);
		return r;
	}
	free(why);
	*ret = s;
	return 0;
}

int store_meta_set(struct store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db,
				"INSERT OR REPLACE INTO meta(key, value) "
				"VALUES (?, ?)",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(s, rc);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_errno(s, rc);
}

int store_meta_get(struct store *s, const char *key, char **ret)
{
	sqlite3_stmt *st;
	int rc, r = -ENOENT;

	rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(s, rc);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		*ret = xstrdup((const char *)sqlite3_column_text(st, 0));
		r = 0;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		r = store_errno(s, rc);
	}
	sqlite3_finalize(st);
	return r;
}

/* Look (kind, name) up in the table; insert it when missing. */
static int series_lookup_db(struct store *s, const char *kind, const char *name,
			    const char *reclaim, const char *owner,
			    uint32_t *ret_id)
{
	sqlite3_stmt *st;
	int rc;

	rc =
	    sqlite3_prepare_v2(s->db,
			       "INSERT INTO series(kind, name, reclaim, owner) "
			       "VALUES (?1, ?2, ?3, ?4) "
			       "ON CONFLICT(kind, name) DO UPDATE SET "
			       "owner = coalesce(owner, excluded.owner), "
			       "reclaim = coalesce(reclaim, excluded.reclaim) "
			       "RETURNING id",
			       -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(s, rc);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reclaim, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, owner, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret_id = (uint32_t)sqlite3_column_int64(st, 0);
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_errno(s, rc);
}

int store_series(struct store *s, const char *kind, const char *name,
		 const char *reclaim, const char *owner, uint32_t *ret_id)
{
	struct series_cache *c;
	uint32_t id = 0;
	int r;

	for (size_t i = 0; i < s->n_cache; i++) {
		c = &s->cache[i];
		if (streq(c->kind, kind) && streq(c->name, name) &&
		    (c->has_owner || !owner)) {
			*ret_id = c->id;
			return 0;
		}
	}
	r = series_lookup_db(s, kind, name, reclaim, owner, &id);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_cache; i++) {
		c = &s->cache[i];
		if (streq(c->kind, kind) && streq(c->name, name)) {
			c->has_owner = true;
			*ret_id = id;
			return 0;
		}
	}
	s->cache =
	    xgrow(s->cache, &s->alloc_cache, s->n_cache + 1, sizeof(*s->cache));
	c = &s->cache[s->n_cache++];
	c->kind = xstrdup(kind);
	c->name = xstrdup(name);
	c->id = id;
	c->has_owner = owner != NULL;
	*ret_id = id;
	return 0;
}

/* --- packing ------------------------------------------------------------ */

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *ret)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (*p >= end)
			return -EBADMSG;
		b = *(*p)++;
		if (shift == 63 && b > 1)
			return -EBADMSG;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return 0;
		}
	}
	return -EBADMSG;
}

static int cmp_point(const void *a, const void *b)
{
	const struct store_point *x = a, *y = b;

	return (x->series > y->series) - (x->series < y->series);
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* Points must be sorted by series id, ids unique. Each point is
 * varint(gap << 1 | kib) varint(zigzag(kib ? value / 1024 : value)). */
size_t store_pack(const struct store_point *pts, size_t n, uint8_t *buf)
{
	uint32_t prev = 0;
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t gap = pts[i].series - prev;
		bool kib = pts[i].value % 1024 == 0;

		len += put_varint(buf + len, gap << 1 | kib);
		len += put_varint(buf + len, zigzag(kib ? pts[i].value / 1024
							: pts[i].value));
		prev = pts[i].series;
	}
	return len;
}

int store_unpack(const uint8_t *buf, size_t len,
		 int (*fn)(uint32_t series, int64_t value, void *arg),
		 void *arg)
{
	const uint8_t *p = buf, *end = buf + len;
	uint64_t id = 0;

	while (p < end) {
		uint64_t head, u;
		int64_t v;
		int r;

		if (get_varint(&p, end, &head) < 0 ||
		    get_varint(&p, end, &u) < 0)
			return -EBADMSG;
		id += head >> 1;
		if (id > UINT32_MAX)
			return -EBADMSG;
		v = unzigzag(u);
		if (head & 1) {
			if (v > INT64_MAX / 1024 || v < INT64_MIN / 1024)
				return -EBADMSG;
			v *= 1024;
		}
		/* never written: store_append() refuses it */
		if (v == STORE_ABSENT)
			return -EBADMSG;
		r = fn((uint32_t)id, v, arg);
		if (r < 0)
			return r;
	}
	return 0;
}

int store_append(struct store *s, int64_t t_ms, const struct store_point *pts,
		 size_t n, const char *failed)
{
	_cleanup_free_ struct store_point *sorted = NULL;
	_cleanup_free_ uint8_t *blob = NULL;
	size_t len;
	int rc, r;

	if (s->rdonly)
		return -EROFS;
	sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
	if (n)
		memcpy(sorted, pts, n * sizeof(*sorted));
	for (size_t i = 0; i < n; i++)
		if (pts[i].value == STORE_ABSENT)
			return -EINVAL;
	qsort(sorted, n, sizeof(*sorted), cmp_point);
	for (size_t i = 1; i < n; i++)
		if (sorted[i].series == sorted[i - 1].series)
			return -EINVAL;
	blob = xmalloc(n * 15 + 1);
	len = store_pack(sorted, n, blob);

	if (!s->ins_sample) {
		rc = sqlite3_prepare_v3(s->db,
					"INSERT OR REPLACE INTO samples(t, "
					"failed, data) VALUES (?, ?, ?)",
					-1, SQLITE_PREPARE_PERSISTENT,
					&s->ins_sample, NULL);
		if (rc != SQLITE_OK)
			return store_errno(s, rc);
	}
	/* one statement is one transaction: all of the sample or none */
	sqlite3_bind_int64(s->ins_sample, 1, t_ms);
	sqlite3_bind_text(s->ins_sample, 2, failed, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s->ins_sample, 3, blob, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(s->ins_sample);
	r = rc == SQLITE_DONE ? 0 : store_errno(s, rc);
	sqlite3_reset(s->ins_sample);
	sqlite3_clear_bindings(s->ins_sample);
	return r;
}

int store_size(struct store *s, uint64_t *ret)
{
	int64_t pages, freel, psize;
	int r;

	r = query_int(s, "PRAGMA page_count", &pages);
	if (r == 0)
		r = query_int(s, "PRAGMA freelist_count", &freel);
	if (r == 0)
		r = query_int(s, "PRAGMA page_size", &psize);
	if (r < 0)
		return r;
	*ret = (uint64_t)(pages - freel) * (uint64_t)psize;
	return 0;
}

static int exec_i64(struct store *s, const char *sql, int64_t v)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(s, rc);
	sqlite3_bind_int64(st, 1, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_errno(s, rc);
}

int store_retain(struct store *s, int64_t min_t_ms, uint64_t max_bytes)
{
	uint64_t size;
	int64_t rows;
	int r;

	if (s->rdonly)
		return -EROFS;
	if (min_t_ms > 0) {
		r = exec_i64(s, "DELETE FROM samples WHERE t < ?", min_t_ms);
		if (r < 0)
			return r;
	}
	/* drop the oldest twentieth at a time until the data fits */
	for (int guard = 0; max_bytes && guard < 100; guard++) {
		r = store_size(s, &size);
		if (r < 0)
			return r;
		if (size <= max_bytes)
			break;
		r = query_int(s, "SELECT count(*) FROM samples", &rows);
		if (r < 0)
			return r;
		if (rows <= 1)
			break;
		r = exec_i64(s,
			     "DELETE FROM samples WHERE t IN (SELECT t FROM "
			     "samples ORDER BY t LIMIT ?)",
			     rows / 20 > 0 ? rows / 20 : 1);
		if (r < 0)
			return r;
	}
	return exec(s, "PRAGMA incremental_vacuum");
}

int store_range(struct store *s, int64_t *ret_first, int64_t *ret_last)
{
	int64_t n, a, b;
	int r;

	r = query_int(s, "SELECT count(*) FROM samples", &n);
	if (r < 0)
		return r;
	if (n == 0)
		return -ENODATA;
	r = query_int(s, "SELECT min(t) FROM samples", &a);
	if (r == 0)
		r = query_int(s, "SELECT max(t) FROM samples", &b);
	if (r < 0)
		return r;
	*ret_first = a;
	*ret_last = b;
	return 0;
}

/* --- loading -------------------------------------------------------------- */

struct load_ctx {
	struct store_data *d;
	const ssize_t *index; /* series id -> row, -1 */
	size_t n_index;
	size_t j;
};

static int load_point(uint32_t series, int64_t value, void *arg)
{
	struct load_ctx *c = arg;

	if (series >= c->n_index || c->index[series] < 0)
		return 0; /* a series row lost: skip its values */
	c->d->values[(size_t)c->index[series] * c->d->n_times + c->j] = value;
	return 0;
}

static char *col_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? xstrdup((const char *)t) : NULL;
}

int store_load(struct store *s, int64_t since_ms, int64_t until_ms,
	       struct store_data *ret)
{
	struct store_data d = {0};
	_cleanup_free_ ssize_t *index = NULL;
	sqlite3_stmt *st = NULL;
	size_t alloc = 0, n_index = 0, cells;
	int64_t rows = 0, max_id = 0;
	struct load_ctx lc;
	int rc, r;

	r = query_int(s, "SELECT coalesce(max(id), 0) FROM series", &max_id);
	if (r < 0)
		return r;
	n_index = (size_t)max_id + 1;
	index = xmalloc(n_index * sizeof(*index));
	for (size_t i = 0; i < n_index; i++)
		index[i] = -1;

	rc = sqlite3_prepare_v2(s->db,
				"SELECT id, kind, name, reclaim, owner FROM "
				"series ORDER BY id",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_errno(s, rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_series_info *si;
		int64_t id = sqlite3_column_int64(st, 0);

		if (id < 0 || id > max_id)
			continue;
		d.series =
		    xgrow(d.series, &alloc, d.n_series + 1, sizeof(*d.series));
		si = &d.series[d.n_series];
		si->id = (uint32_t)id;
		si->kind = col_strdup(st, 1);
		si->name = col_strdup(st, 2);
		si->reclaim = col_strdup(st, 3);
		si->owner = col_strdup(st, 4);
		if (!si->kind)
			si->kind = xstrdup("");
		if (!si->name)
			si->name = xstrdup("");
		index[id] = (ssize_t)d.n_series++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		r = store_errno(s, rc);
		goto fail;
	}

	rc = sqlite3_prepare_v2(s->db,
				"SELECT count(*) FROM samples WHERE t BETWEEN "
				"?1 AND ?2",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = store_errno(s, rc);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, since_ms);
	sqlite3_bind_int64(st, 2, until_ms);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rows = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW) {
		r = store_errno(s, rc);
		goto fail;
	}

	d.n_times = (size_t)rows;
	d.t_ms = xcalloc(d.n_times ? d.n_times : 1, sizeof(*d.t_ms));
	d.failed = xcalloc(d.n_times ? d.n_times : 1, sizeof(*d.failed));
	cells = d.n_series * d.n_times;
	d.values = xmalloc((cells ? cells : 1) * sizeof(*d.values));
	for (size_t i = 0; i < d.n_series * d.n_times; i++)
		d.values[i] = STORE_ABSENT;

	rc = sqlite3_prepare_v2(s->db,
				"SELECT t, failed, data FROM samples WHERE t "
				"BETWEEN ?1 AND ?2 ORDER BY t",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		r = store_errno(s, rc);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, since_ms);
	sqlite3_bind_int64(st, 2, until_ms);
	lc = (struct load_ctx){.d = &d, .index = index, .n_index = n_index};
	/* a writer may add rows between the count and here: stop at n_times */
	while (lc.j < d.n_times && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 2);
		int len = sqlite3_column_bytes(st, 2);

		d.t_ms[lc.j] = sqlite3_column_int64(st, 0);
		d.failed[lc.j] = col_strdup(st, 1);
		if (blob &&
		    store_unpack(blob, (size_t)len, load_point, &lc) < 0) {
			r = -EBADMSG;
			goto fail;
		}
		lc.j++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (lc.j < d.n_times && rc != SQLITE_DONE) {
		r = store_errno(s, rc);
		goto fail;
	}
	d.n_times = lc.j; /* rows deleted meanwhile by retention */
	if (d.n_times && d.n_series) {
		/* compact rows if fewer samples came than were counted */
		size_t counted = (size_t)rows;

		if (counted != d.n_times)
			for (size_t i = 0; i < d.n_series; i++)
				memmove(d.values + i * d.n_times,
					d.values + i * counted,
					d.n_times * sizeof(*d.values));
	}
	*ret = d;
	return 0;
fail:
	sqlite3_finalize(st);
	store_data_release(&d);
	return r;
}

void store_data_release(struct store_data *d)
{
	for (size_t i = 0; i < d->n_series; i++) {
		free(d->series[i].kind);
		free(d->series[i].name);
		free(d->series[i].reclaim);
		free(d->series[i].owner);
	}
	for (size_t j = 0; d->failed && j < d->n_times; j++)
		free(d->failed[j]);
	free(d->series);
	free(d->t_ms);
	free(d->failed);
	free(d->values);
	memset(d, 0, sizeof(*d));
}

ssize_t store_data_find(const struct store_data *d, const char *kind,
			const char *name)
{
	for (size_t i = 0; i < d->n_series; i++)
		if (streq(d->series[i].kind, kind) &&
		    streq(d->series[i].name, name))
			return (ssize_t)i;
	return -1;
}
