/* /proc/kallsyms: the kernel's symbol table, to name call sites.
 *
 * A BPF collector sees a call site as an address; PoolMon's pooltag.txt
 * maps a tag to a driver, and this table maps an address to the function
 * that contains it ("anon_pipe_write+0x1a7") and the module that function
 * lives in ("[foo]", or none for the kernel itself).
 *
 * Only text symbols (types t, T, w, W) are kept, sorted by address; the
 * __pfx_ padding symbols that precede functions (CONFIG_FUNCTION_PADDING)
 * are dropped so they never shadow the function they pad. Without root
 * the kernel prints every address as 0 (kptr_restrict): the table is then
 * marked hidden and resolves nothing. */
#ifndef MEMTALLY_KALLSYMS_H
#define MEMTALLY_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct ksym {
	uint64_t addr;
	const char *name;   /* "anon_pipe_write" */
	const char *module; /* "foo", or NULL for the kernel image */
};

struct kallsyms {
	struct ksym *syms; /* sorted by addr */
	size_t n;
	char *text;  /* owns the strings the syms point into */
	bool hidden; /* every address was 0: not root */
};

int kallsyms_parse(const char *buf, size_t len, struct kallsyms *ret,
		   struct parse_err *err);
int kallsyms_read(struct root *root, struct kallsyms *ret,
		  struct source_err *err);
void kallsyms_release(struct kallsyms *k);

/* The symbol containing addr (the last one at or below it), or NULL when
 * addr lies below every symbol or the table is hidden. *ret_off is the
 * offset into it. */
const struct ksym *kallsyms_lookup(const struct kallsyms *k, uint64_t addr,
				   uint64_t *ret_off);

/* The first symbol named name (in any module), or NULL. Linear. */
const struct ksym *kallsyms_find(const struct kallsyms *k, const char *name);

/* The end of sym: the next symbol's address. */
uint64_t kallsyms_end(const struct kallsyms *k, const struct ksym *sym);

/* "func+0x1a" into buf ("0xffffffff81234567" when unresolved). Returns
 * the module name or NULL. */
const char *kallsyms_format(const struct kallsyms *k, uint64_t addr, char *buf,
			    size_t n);

#endif
