/* libmicrohttpd, loaded on first use.
 *
 * Only `serve` needs libmicrohttpd, and linking it cost every run of every
 * view about 2.5 ms: it pulls in GnuTLS (with p11-kit, nettle, gmp, idn2,
 * libtasn1), whose constructors run at every start. Measured with hyperfine
 * (200 runs, medians) on an empty main() linked with memtally's libraries:
 * 4.40 ms with libmicrohttpd, 1.88 ms without. So it is dlopen()ed when
 * `serve` starts, as src/root/archive-shim.c loads libarchive. Calls go
 * through MHD(name), a pointer of the real prototype's type, so the
 * compiler still checks every call against microhttpd.h. */
#ifndef MEMTALLY_MHD_SHIM_H
#define MEMTALLY_MHD_SHIM_H

#include <microhttpd.h>

#define MHD_SYMS(X)                                                            \
	X(MHD_start_daemon)                                                    \
	X(MHD_stop_daemon)                                                     \
	X(MHD_create_response_from_buffer)                                     \
	X(MHD_add_response_header)                                             \
	X(MHD_queue_response)                                                  \
	X(MHD_destroy_response)

struct mhd_shim {
	void *handle;
#define MHD_PTR(name) __typeof__(name) *name;
	MHD_SYMS(MHD_PTR)
#undef MHD_PTR
};

extern struct mhd_shim mhd_shim;

#define MHD(name) (mhd_shim.name)

/* Load libmicrohttpd once. Returns 0, or -EOPNOTSUPP with a malloc'd
 * reason in *ret_why when ret_why is given. */
int mhd_shim_load(char **ret_why);

#endif
