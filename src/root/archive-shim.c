/* Loading libarchive with dlopen(); see archive-shim.h for why. */
#include "../basic/dlsyms.h"
#include "../basic/macro.h"
#include "archive-shim.h"

struct archive_shim archive_shim;

int archive_shim_load(char **ret_why)
{
#define ARCHIVE_SLOT(name) {#name, (void **)&archive_shim.name},
	static const struct dl_sym syms[] = {ARCHIVE_SYMS(ARCHIVE_SLOT)};
#undef ARCHIVE_SLOT

	if (archive_shim.handle)
		return 0;
	return dl_load_syms("libarchive.so.13", syms, ELEMENTSOF(syms),
			    &archive_shim.handle, ret_why);
}
