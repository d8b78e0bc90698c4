/* A set of files and their page cache residency: collected by walking
 * directories (`memtally files PATH...`) or from what processes map and
 * hold open plus tmpfs mounts (`memtally files` alone).
 *
 * Each file is counted once (by device and inode) however many paths or
 * processes lead to it. Files that vanish during the walk are counted in
 * n_vanished and skipped; ones that cannot be opened in n_denied, with the
 * first such path kept for the note. Live system only. */
#ifndef MEMTALLY_FILES_H
#define MEMTALLY_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../sources/pagecache.h"

#define FILE_HOLDERS_MAX 4

struct file_entry {
	char *path;
	uint64_t dev, ino;
	uint64_t size; /* bytes */
	struct pagecache_stat st;
	int holders[FILE_HOLDERS_MAX]; /* PIDs that map or hold it open */
	size_t nholders;	       /* all of them (may exceed the max) */
	int last_holder;
};

struct files {
	struct file_entry *v;
	size_t n, alloc;
	bool cross_mounts; /* walks may leave the starting filesystem */
	uint64_t n_vanished, n_denied, n_other_fs, n_errors, n_mincore;
	uint64_t n_hidden; /* residency hidden from us (not root) */
	char first_denied[512];
	int first_denied_err; /* negative errno */
	/* progress, called every 1024 files; may be NULL */
	void (*progress)(size_t nfiles, void *userdata);
	void *userdata;
	/* (dev, ino) -> entry, for counting each file once */
	uint64_t *seen;
	size_t seen_cap, seen_n;
};

void files_init(struct files *fs);
void files_release(struct files *fs);

/* Add path: a regular file, or a directory walked recursively (never
 * following symlinks; staying on its filesystem unless cross_mounts).
 * Returns 0, or -errno when path itself cannot be examined (the caller
 * says so); trouble below it is counted, not returned. The directories
 * right below path are shared out among up to one thread per CPU. */
int files_add_path(struct files *fs, const char *path);

/* Add every regular file mapped (/proc/PID/maps) or held open
 * (/proc/PID/fd) by a process, and every file on a tmpfs mount
 * (/proc/self/mounts). Returns 0 or -errno when /proc cannot be read. */
int files_add_held(struct files *fs);

#endif
