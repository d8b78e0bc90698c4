/* Loading libmicrohttpd with dlopen(); see mhd-shim.h for why. */
#include "../basic/dlsyms.h"
#include "../basic/macro.h"
#include "mhd-shim.h"

struct mhd_shim mhd_shim;

int mhd_shim_load(char **ret_why)
{
#define MHD_SLOT(name) {#name, (void **)&mhd_shim.name},
	static const struct dl_sym syms[] = {MHD_SYMS(MHD_SLOT)};
#undef MHD_SLOT

	if (mhd_shim.handle)
		return 0;
	return dl_load_syms("libmicrohttpd.so.12", syms, ELEMENTSOF(syms),
			    &mhd_shim.handle, ret_why);
}
