/* libFuzzer target for one pure parser, chosen at build time with
 * -DFUZZ_PARSER=NAME (tests/meson.build builds one binary per parser).
 * The parser gets a buffer of exactly the input's size, not
 * NUL-terminated, so AddressSanitizer catches any read past its end. On
 * success the result is released, so leaks are caught too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/sources/allparsers.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct FUZZ_PARSER result;
	struct parse_err err;
	char *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (CAT(FUZZ_PARSER, _parse)(buf, size, &result, &err) == 0)
		CAT(FUZZ_PARSER, _release)(&result);
	free(buf);
	return 0;
}
