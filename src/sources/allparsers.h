/* Every source module's header, for code that iterates parsers (the fuzz
 * driver). Add a line when you add a source. */
#ifndef MEMTALLY_ALLPARSERS_H
#define MEMTALLY_ALLPARSERS_H

#include "meminfo.h"
#include "kallsyms.h"

#endif
