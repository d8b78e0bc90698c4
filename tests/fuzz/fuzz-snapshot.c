/* libFuzzer target for the snapshot reader: any file given to `-f` (the
 * tar container, its zstd filter, the manifest JSON, the member table and
 * checksums) must be opened and read, or refused with a negative errno
 * and a reason, never crash, hang, or allocate without bound.
 *
 * The input is written to a file under /tmp and opened as a snapshot;
 * when it opens, a few members are read and a directory listed the way
 * the views do. tools/run-fuzz.sh seeds it with a real snapshot of a
 * fixture tree, compressed and not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/root/root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"proc/meminfo", "proc/slabinfo",
					    "proc/../proc/meminfo"};
	char path[64];
	struct root *r = NULL;
	char *why = NULL, **names = NULL;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/memtally-fuzz-snap.%d", getpid());
	f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (root_open_snapshot(path, &r, &why) == 0) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			char *buf = NULL;
			size_t len;

			if (root_read(r, paths[i], &buf, &len) == 0)
				free(buf);
		}
		if (root_list(r, "proc", &names, &n) == 0)
			root_names_free(names, n);
		root_free(r);
	}
	free(why);
	unlink(path);
	return 0;
}
