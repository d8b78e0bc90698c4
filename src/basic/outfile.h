/* Writing an output file the user named (-o FILE) safely: into a
 * temporary file beside it, fsync'd, then renamed over it, so a failed
 * write leaves the old file or nothing, never half a file.
 *
 * What it refuses: a target that exists and is not a regular file. As
 * root, `-o /dev/null` would otherwise replace the system's /dev/null
 * with a regular file; a FIFO, socket, directory or symlink is refused
 * the same way (a symlink is never followed into the rename). A target
 * that did not exist is created with renameat2(RENAME_NOREPLACE), so one
 * that appears meanwhile is not replaced either.
 *
 * Errors come back as the errno of the call that failed, the first write
 * error included ("No space left on device", not a generic I/O error). */
#ifndef MEMTALLY_OUTFILE_H
#define MEMTALLY_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct outfile {
	char *path; /* the target */
	char *tmp;  /* the temporary file beside it */
	int fd;
	int err; /* first write error through the stream (-errno), or 0 */
	FILE *f;
	bool existed; /* the target was there (a regular file) */
};

/* Check the target and create the temporary file. -EEXIST when the
 * target exists and is not a regular file (-EISDIR for a directory);
 * -errno when the temporary file cannot be made. ret is untouched on
 * failure. */
int outfile_open(const char *path, struct outfile *ret);

/* A stdio stream onto the temporary file (made on first call, owned by
 * o); its write errors are kept in o->err with their errno. */
FILE *outfile_stream(struct outfile *o);

/* Finish: when status is 0, flush, fsync, check the target again and
 * rename the temporary file over it; otherwise (or when any step fails)
 * remove the temporary file. Returns the first error: a write error seen
 * on the stream, then status, then the step that failed. Releases o. */
int outfile_finish(struct outfile *o, int status);

/* The reason for err as the user should read it: outfile's own meaning
 * of -EEXIST, strerror() otherwise. */
const char *outfile_strerror(int err);

#endif
