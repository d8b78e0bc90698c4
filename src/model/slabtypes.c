/* The slab caches' types for the views that split slab memory into
 * reclaimable and unreclaimable (pools, top, the history series); see
 * slabtypes.h. */
#include <stdlib.h>

#include "../basic/xalloc.h"
#include "slabtypes.h"

int slab_types_read(struct root *root, const struct slabinfo *si,
		    struct slab_sysfs *ret, struct source_err *err)
{
	_cleanup_free_ char **names = xcalloc(si->n_caches + 1, sizeof(char *));

	for (size_t i = 0; i < si->n_caches; i++)
		names[i] = si->caches[i].name;
	return slab_sysfs_read_names(root, names, si->n_caches,
				     SA_BIT(SA_RECLAIM_ACCOUNT), ret, err);
}
