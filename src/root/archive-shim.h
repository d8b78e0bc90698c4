/* libarchive, loaded on first use.
 *
 * Only snapshot files need libarchive, and linking it costs every run of
 * every view about half a millisecond in the dynamic loader (it pulls in
 * libxml2, ICU and libstdc++). So it is dlopen()ed the first time a
 * snapshot is read or written, as systemd loads its optional libraries.
 * Calls go through AR(name), a pointer of the real prototype's type, so
 * the compiler still checks every call against archive.h. */
#ifndef MEMTALLY_ARCHIVE_SHIM_H
#define MEMTALLY_ARCHIVE_SHIM_H

#include <archive.h>
#include <archive_entry.h>

#define ARCHIVE_SYMS(X)                                                        \
	X(archive_write_new)                                                   \
	X(archive_write_add_filter_zstd)                                       \
	X(archive_write_set_format_pax_restricted)                             \
	X(archive_write_open_fd)                                               \
	X(archive_error_string)                                                \
	X(archive_errno)                                                       \
	X(archive_write_free)                                                  \
	X(archive_entry_new)                                                   \
	X(archive_entry_set_pathname)                                          \
	X(archive_entry_set_filetype)                                          \
	X(archive_entry_set_perm)                                              \
	X(archive_entry_set_mtime)                                             \
	X(archive_entry_set_symlink)                                           \
	X(archive_entry_set_size)                                              \
	X(archive_write_header)                                                \
	X(archive_entry_free)                                                  \
	X(archive_write_data)                                                  \
	X(archive_write_close)                                                 \
	X(archive_read_new)                                                    \
	X(archive_read_support_filter_zstd)                                    \
	X(archive_read_support_filter_none)                                    \
	X(archive_read_support_format_tar)                                     \
	X(archive_read_open_fd)                                                \
	X(archive_read_next_header)                                            \
	X(archive_entry_pathname)                                              \
	X(archive_entry_filetype)                                              \
	X(archive_entry_size)                                                  \
	X(archive_read_data)                                                   \
	X(archive_entry_symlink)                                               \
	X(archive_read_free)

struct archive_shim {
	void *handle;
#define ARCHIVE_PTR(name) __typeof__(name) *name;
	ARCHIVE_SYMS(ARCHIVE_PTR)
#undef ARCHIVE_PTR
};

extern struct archive_shim archive_shim;

#define AR(name) (archive_shim.name)

/* Load libarchive once. Returns 0, or -EOPNOTSUPP with a malloc'd reason
 * in *ret_why when ret_why is given. */
int archive_shim_load(char **ret_why);

#endif
