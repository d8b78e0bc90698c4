/* libFuzzer target for the recording's packed sample values
 * (store_unpack): any bytes must be decoded or refused with -EBADMSG,
 * never read past the end; what decodes must pack back to a blob that
 * decodes to the same points. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct pts {
	struct store_point v[4096];
	size_t n;
	int ascending;
};

static int collect(uint32_t series, int64_t value, void *arg)
{
	struct pts *p = arg;

	if (p->n && series <= p->v[p->n - 1].series)
		p->ascending = 0;
	if (p->n == 4096)
		return -1;
	p->v[p->n].series = series;
	p->v[p->n++].value = value;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pts a, b;
	static uint8_t packed[4096 * 15];
	uint8_t *buf = malloc(size ? size : 1);
	size_t len;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	a.n = 0;
	a.ascending = 1;
	if (store_unpack(buf, size, collect, &a) == 0 && a.ascending) {
		len = store_pack(a.v, a.n, packed);
		b.n = 0;
		b.ascending = 1;
		if (store_unpack(packed, len, collect, &b) != 0 || b.n != a.n ||
		    memcmp(a.v, b.v, a.n * sizeof(a.v[0])) != 0)
			abort();
	}
	free(buf);
	return 0;
}
