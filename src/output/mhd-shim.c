/* Loading libmicrohttpd with dlopen(); see mhd-shim.h for why. */
#include <dlfcn.h>
#include <errno.h>

#include "../basic/xalloc.h"
#include "mhd-shim.h"

struct mhd_shim mhd_shim;

int mhd_shim_load(char **ret_why)
{
	void *h;

	if (mhd_shim.handle)
		return 0;
	h = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		if (ret_why)
			*ret_why = xasprintf("cannot load libmicrohttpd: %s",
					     dlerror());
		return -EOPNOTSUPP;
	}
#define MHD_LOAD(name)                                                         \
	mhd_shim.name = (__typeof__(name) *)dlsym(h, #name);                   \
	if (!mhd_shim.name) {                                                  \
		if (ret_why)                                                   \
			*ret_why = xstrdup("libmicrohttpd lacks " #name);      \
		dlclose(h);                                                    \
		return -EOPNOTSUPP;                                            \
	}
	MHD_SYMS(MHD_LOAD)
#undef MHD_LOAD
	mhd_shim.handle = h;
	return 0;
}
