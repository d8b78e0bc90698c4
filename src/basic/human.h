/* Human-readable sizes in binary units: "0 B", "512 B", "4.0 KiB",
 * "23.5 GiB", "118 MiB". Three significant digits, like free -h. */
#ifndef MEMTALLY_HUMAN_H
#define MEMTALLY_HUMAN_H

#include <stddef.h>
#include <stdint.h>

/* Format v into buf (at least 16 bytes). Returns buf. */
char *human_bytes(uint64_t v, char *buf, size_t n);
/* Signed variant for differences: "+1.2 MiB", "-512 B". */
char *human_bytes_signed(int64_t v, char *buf, size_t n);

#endif
