/* libFuzzer target for a snapshot's owners member (owners_snap_parse):
 * any bytes must be parsed or refused with -EINVAL, never crash or leak;
 * what parses must write back (owners_snap_format) to text that parses
 * to the same objects. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/analysis/owners-snap.h"
#include "../../src/model/ownerset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct owner_set a, b;
	char *why = NULL, *text;
	size_t len;

	if (owners_snap_parse((const char *)data, size, &a, &why) < 0) {
		free(why);
		return 0;
	}
	text = owners_snap_format(&a, &len);
	if (owners_snap_parse(text, len, &b, NULL) < 0)
		abort(); /* what we wrote we must read */
	/* (processes that hold nothing kept are not written) */
	if (a.nobjs != b.nobjs)
		abort();
	for (size_t i = 0; i < a.nobjs; i++)
		if (a.objs[i].kind != b.objs[i].kind ||
		    a.objs[i].id != b.objs[i].id ||
		    a.objs[i].bytes != b.objs[i].bytes ||
		    a.objs[i].nholders != b.objs[i].nholders)
			abort();
	owner_set_release(&b);
	owner_set_release(&a);
	free(text);
	return 0;
}
