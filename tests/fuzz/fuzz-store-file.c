/* libFuzzer target for opening a corrupt recording: the database file as
 * `leaks`, `report` and `diff` read it (store_open read-only, store_range,
 * store_meta_get, store_load). Any file must be read or refused with a
 * negative errno, never crash, hang or read out of bounds.
 *
 * Random bytes almost never get past SQLite's header check, so the input
 * is a list of patches to a real recording built once at start (three
 * samples of a few series, through the store API, checkpointed into the
 * main file): each 3 bytes of input are (offset, value) on the 64 KiB
 * image: offset little-endian 16 bits, the byte to write there. The rest
 * of the input, past a 0xff 0xff 0xff marker, is appended to the file
 * (a longer, garbage tail). The file is written under /tmp, opened and
 * read, and removed. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static uint8_t *image;
static size_t image_len;
static char path[64];

static int write_file(const uint8_t *buf, size_t len, const uint8_t *tail,
		      size_t tail_len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	fwrite(buf, 1, len, f);
	if (tail_len)
		fwrite(tail, 1, tail_len, f);
	return fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct store_point pts[3];
	struct store *s;
	FILE *f;
	long len;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "/tmp/memtally-fuzz-store.%d.db",
		 (int)getpid());
	unlink(path);
	if (store_open(path, 0, &s, NULL) < 0)
		abort();
	store_meta_set(s, "host", "fuzz");
	for (int t = 0; t < 3; t++) {
		for (int k = 0; k < 3; k++) {
			char name[16];
			uint32_t id;

			snprintf(name, sizeof(name), "s%d", k);
			if (store_series(s, "category", name, "pinned",
					 "{\"from\":\"x\"}", &id) < 0)
				abort();
			pts[k].series = id;
			pts[k].value = (int64_t)(t + 1) * 4096 * (k + 1);
		}
		if (store_append(s, (int64_t)t * 60000, pts, 3, NULL) < 0)
			abort();
	}
	store_close(s); /* checkpoints the WAL into the main file */
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) <= 0)
		abort();
	rewind(f);
	image_len = (size_t)len;
	image = malloc(image_len);
	if (!image || fread(image, 1, image_len, f) != image_len)
		abort();
	fclose(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(image_len);
	const uint8_t *tail = NULL;
	size_t i, tail_len = 0;
	struct store_data d;
	struct store *s;
	int64_t first, last;
	char *why = NULL, *v = NULL;

	if (!buf)
		return 0;
	memcpy(buf, image, image_len);
	for (i = 0; i + 3 <= size; i += 3) {
		size_t off = (size_t)data[i] | (size_t)data[i + 1] << 8;

		if (data[i] == 0xff && data[i + 1] == 0xff &&
		    data[i + 2] == 0xff) {
			tail = data + i + 3;
			tail_len = size - i - 3;
			break;
		}
		if (off < image_len)
			buf[off] = data[i + 2];
	}
	unlink(path);
	if (write_file(buf, image_len, tail, tail_len) == 0 &&
	    store_open(path, STORE_RDONLY, &s, &why) == 0) {
		store_range(s, &first, &last);
		if (store_meta_get(s, "host", &v) == 0)
			free(v);
		if (store_load(s, INT64_MIN, INT64_MAX, &d) == 0)
			store_data_release(&d);
		store_close(s);
	}
	free(why);
	free(buf);
	return 0;
}
