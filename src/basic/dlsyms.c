/* dlopen() and dlsym() of an optional library; see dlsyms.h. */
#include <dlfcn.h>
#include <errno.h>

#include "dlsyms.h"
#include "xalloc.h"

int dl_load_syms(const char *lib, const struct dl_sym *syms, size_t n,
		 void **ret_handle, char **ret_why)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		if (ret_why)
			*ret_why =
			    xasprintf("cannot load %s: %s", lib, dlerror());
		return -EOPNOTSUPP;
	}
	for (size_t i = 0; i < n; i++) {
		/* POSIX's way to take a function from dlsym() */
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot) {
			if (ret_why)
				*ret_why =
				    xasprintf("%s lacks %s", lib, syms[i].name);
			dlclose(h);
			return -EOPNOTSUPP;
		}
	}
	*ret_handle = h;
	return 0;
}
