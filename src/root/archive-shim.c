/* Loading libarchive with dlopen(); see archive-shim.h for why. */
#include <dlfcn.h>
#include <errno.h>

#include "../basic/xalloc.h"
#include "archive-shim.h"

struct archive_shim archive_shim;

int archive_shim_load(char **ret_why)
{
	void *h;

	if (archive_shim.handle)
		return 0;
	h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		if (ret_why)
			*ret_why =
			    xasprintf("cannot load libarchive: %s", dlerror());
		return -EOPNOTSUPP;
	}
#define ARCHIVE_LOAD(name)                                                     \
	archive_shim.name = (__typeof__(name) *)dlsym(h, #name);               \
	if (!archive_shim.name) {                                              \
		if (ret_why)                                                   \
			*ret_why = xstrdup("libarchive lacks " #name);         \
		dlclose(h);                                                    \
		return -EOPNOTSUPP;                                            \
	}
	ARCHIVE_SYMS(ARCHIVE_LOAD)
#undef ARCHIVE_LOAD
	archive_shim.handle = h;
	return 0;
}
