/* libFuzzer target for the page classifier: the input is read as
 * kpageflags words (and, every other round, as map counts and cgroups
 * too), fed in batches whose sizes come from the input, in both BUDDY
 * modes. Any input must count every page exactly once, in one use and
 * one list, and never read out of bounds (AddressSanitizer) or overflow
 * a shift (UndefinedBehaviorSanitizer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/model/pageclass.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void emit(void *ctx, const struct page_run *r)
{
	uint64_t *next = ctx;

	/* runs arrive in order and never overlap */
	if (r->pfn != *next || r->n == 0)
		abort();
	*next = r->pfn + r->n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size / 8;
	uint64_t *w, start, next, sum = 0;
	struct pageclass pc;
	struct pageclass_zone z[2] = {{0, 100}, {100, 1000}};

	if (n < 2)
		return 0;
	w = malloc(n * 8);
	if (!w)
		return 0;
	memcpy(w, data, n * 8);
	start = w[0] & 0xffff;
	for (int mode = 0; mode < 2; mode++) {
		struct pageclass_cfg cfg = {
		    .max_order = (unsigned)(data[0] % 12),
		    .buddy_head_only = mode,
		    .section_pages = 1u << (data[1] % 16),
		    .zones = z,
		    .n_zones = 2,
		    .ram = z,
		    .n_ram = data[2] % 3,
		    .emit = emit,
		    .ctx = &next,
		};
		size_t i = 1;

		next = start + 1;
		sum = 0;
		pageclass_init(&pc, &cfg);
		while (i < n) {
			size_t k = 1 + (size_t)(data[i % size] % 61);

			if (k > n - i)
				k = n - i;
			if (pageclass_feed(&pc, start + i, w + i,
					   mode ? w + i : NULL, NULL, k) != 0)
				abort();
			i += k;
		}
		pageclass_finish(&pc);
		for (int u = 0; u < _PU_MAX; u++)
			sum += pageclass_use_pages(&pc.c, u);
		if (sum != n - 1 || pc.c.total != n - 1 || next != start + n)
			abort();
	}
	free(w);
	return 0;
}
