/* Loading an optional library with dlopen() and its functions with
 * dlsym(): what root/archive-shim.c (libarchive) and output/mhd-shim.c
 * (libmicrohttpd) share. Each shim lists its functions once (an X-macro)
 * and turns the list into a table of names and the pointers to fill. */
#ifndef MEMTALLY_DLSYMS_H
#define MEMTALLY_DLSYMS_H

#include <stddef.h>

struct dl_sym {
	const char *name;
	void **slot; /* where the function's address goes */
};

/* dlopen(lib) and fill every slot. Returns 0 with the handle in
 * *ret_handle, or -EOPNOTSUPP (nothing kept open) with a malloc'd reason
 * in *ret_why when ret_why is given. */
int dl_load_syms(const char *lib, const struct dl_sym *syms, size_t n,
		 void **ret_handle, char **ret_why);

#endif
