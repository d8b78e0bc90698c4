/* The owners view; see owners.h.
 *
 * One collection (model/owners.c) gives every object once, with its
 * holders; the view shows it twice. JSON gets the contract: one row per
 * object, biggest first, under its first (lowest-PID) holder, with every
 * holder listed. Text gets what a person reads first: the objects grouped
 * under their process (or cgroup, or kind) as a tree, the biggest groups
 * first, a few objects each, and the totals per kind tied to the `usage`
 * category their memory lives in. Estimated sizes are marked with '~'
 * and the notes say how each was made. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analysis/owners.h"
#include "../basic/xalloc.h"
#include "../model/owners.h"
#include "../sources/passwd.h"
#include "../sources/sockstat.h"
#include "history.h"
#include "owners.h"

int owners_by_parse(const char *s)
{
	static const char *const names[] = {
	    [OWNERS_BY_PROCESS] = "process",
	    [OWNERS_BY_CGROUP] = "cgroup",
	    [OWNERS_BY_KIND] = "kind",
	    [OWNERS_BY_OBJECT] = "object",
	};

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(s, names[i]))
			return (int)i;
	return -1;
}

int owners_kinds_parse(const char *s, unsigned *ret, struct view_err *err)
{
	_cleanup_free_ char *list = xstrdup(s);
	unsigned bits = 0;
	char *save = NULL;

	for (char *n = strtok_r(list, ",", &save); n;
	     n = strtok_r(NULL, ",", &save)) {
		int k = owner_kind_from_name(n);

		if (k < 0)
			return view_fail(err, -EINVAL,
					 "unknown kind '%s' (pipe, tcp, udp, "
					 "unix, socket, bpf-map, bpf-prog, "
					 "io_uring, memfd, deleted-file, "
					 "tmpfs-file, sysv-shm, sysv-msg, "
					 "posix-mq, hugetlb, epoll, inotify, "
					 "fanotify, dma-buf, drm)",
					 n);
		bits |= 1u << k;
	}
	if (!bits)
		return view_fail(err, -EINVAL, "--kind wants a list of kinds");
	*ret = bits;
	return 0;
}

static bool wanted(const struct owners_opts *o, const struct owner_obj *ob)
{
	return !o->kinds || (o->kinds & (1u << ob->kind));
}

static int first_holder(const struct owner_obj *ob)
{
	return ob->nholders ? ob->holders[0] : -1;
}

/* --- the JSON rows ----------------------------------------------------- */

enum {
	J_KIND,
	J_PID,
	J_COMM,
	J_CGROUP,
	J_OBJECT,
	J_BYTES,
	J_CATEGORY,
	J_SOURCE,
	J_ESTIMATE,
	J_HOLDERS,
	J_CREATOR,
	J_LAST,
	J_WHY,
};

static char *holders_json(const struct owner_obj *ob)
{
	size_t n = 3 + ob->nholders * 12, len = 0;
	char *s = xmalloc(n);

	len += (size_t)snprintf(s + len, n - len, "[");
	for (size_t i = 0; i < ob->nholders; i++)
		len += (size_t)snprintf(s + len, n - len, "%s%d", i ? "," : "",
					ob->holders[i]);
	snprintf(s + len, n - len, "]");
	return s;
}

static void json_row(struct table *t, const struct owner_set *set,
		     const struct owner_obj *ob)
{
	const struct owner_kind_info *ki = owner_kind_info(ob->kind);
	const struct owner_proc *p =
	    ob->nholders ? owner_set_find_proc(set, first_holder(ob)) : NULL;
	_cleanup_free_ char *holders = holders_json(ob);
	size_t r = table_add_row(t);

	table_set_str(t, r, J_KIND, ki->name);
	if (ob->nholders)
		table_set_u64(t, r, J_PID, (uint64_t)first_holder(ob));
	if (p && p->comm)
		table_set_str(t, r, J_COMM, p->comm);
	if (p && p->cgroup)
		table_set_str(t, r, J_CGROUP, p->cgroup);
	table_set_str(t, r, J_OBJECT, ob->object ? ob->object : "?");
	table_set_u64(t, r, J_BYTES, ob->bytes);
	table_set_str(t, r, J_CATEGORY, acct_cat_info(ki->cat)->key);
	table_set_str(t, r, J_SOURCE, ki->source);
	table_set_json(t, r, J_ESTIMATE, ki->estimate ? "true" : "false");
	table_set_json(t, r, J_HOLDERS, holders);
	if (ob->creator_pid >= 0)
		table_set_u64(t, r, J_CREATOR, (uint64_t)ob->creator_pid);
	if (ob->last_pid >= 0)
		table_set_u64(t, r, J_LAST, (uint64_t)ob->last_pid);
	if (ob->why)
		table_set_str(t, r, J_WHY, ob->why);
}

static struct table *json_rows(const struct owner_set *set,
			       const struct owners_opts *o)
{
	static const struct {
		const char *key;
		enum col_type type;
	} cols[] = {
	    [J_KIND] = {"kind", COL_STR},
	    [J_PID] = {"pid", COL_COUNT},
	    [J_COMM] = {"comm", COL_STR},
	    [J_CGROUP] = {"cgroup", COL_STR},
	    [J_OBJECT] = {"object", COL_STR},
	    [J_BYTES] = {"bytes", COL_BYTES},
	    [J_CATEGORY] = {"category", COL_STR},
	    [J_SOURCE] = {"source", COL_STR},
	    [J_ESTIMATE] = {"estimate", COL_JSON},
	    [J_HOLDERS] = {"holders", COL_JSON},
	    [J_CREATOR] = {"creator_pid", COL_COUNT},
	    [J_LAST] = {"last_pid", COL_COUNT},
	    [J_WHY] = {"why", COL_STR},
	};
	struct table *t = table_new(NULL);

	for (size_t c = 0; c < ELEMENTSOF(cols); c++)
		table_add_col(t, cols[c].key, cols[c].key, cols[c].type);
	table_col_flags(t, J_WHY, COLF_JSON_OPTIONAL);
	for (size_t i = 0; i < set->nobjs; i++)
		if (wanted(o, &set->objs[i]))
			json_row(t, set, &set->objs[i]);
	return t;
}

/* --- the text tree ----------------------------------------------------- */

struct item {
	size_t obj;
	char key[192]; /* the group it belongs to */
};

struct group {
	size_t first, n; /* items[first .. first+n) */
	uint64_t bytes;
};

static void group_key(const struct owner_set *set, const struct owner_obj *ob,
		      enum owners_by by, char *buf, size_t n)
{
	const struct owner_proc *p =
	    ob->nholders ? owner_set_find_proc(set, first_holder(ob)) : NULL;

	switch (by) {
	case OWNERS_BY_PROCESS:
		if (!ob->nholders)
			snprintf(buf, n, "(no process)");
		else
			snprintf(buf, n, "%d %s", first_holder(ob),
				 p && p->comm ? p->comm : "?");
		break;
	case OWNERS_BY_CGROUP:
		snprintf(buf, n, "%s",
			 !ob->nholders	  ? "(no process)"
			 : p && p->cgroup ? p->cgroup
					  : "(cgroup unknown)");
		break;
	case OWNERS_BY_KIND:
		snprintf(buf, n, "%s", owner_kind_info(ob->kind)->name);
		break;
	case OWNERS_BY_OBJECT:
		buf[0] = '\0';
		break;
	}
}

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->obj > y->obj) - (x->obj < y->obj);
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

enum { T_OWNER, T_SIZE, T_CATEGORY, T_OBJECT };

/* One object's line: under a group, its kind (or its holder, when the
 * groups are kinds). */
static void text_obj(struct table *t, const struct owner_set *set,
		     const struct owner_obj *ob, enum owners_by by,
		     size_t parent)
{
	const struct owner_kind_info *ki = owner_kind_info(ob->kind);
	size_t r = table_add_row(t);
	char who[96];

	if (parent != (size_t)-1)
		table_row_parent(t, r, parent);
	if (by == OWNERS_BY_KIND || by == OWNERS_BY_OBJECT) {
		group_key(set, ob, OWNERS_BY_PROCESS, who, sizeof(who));
		if (by == OWNERS_BY_OBJECT) {
			char both[128];

			snprintf(both, sizeof(both), "%s: %s", ki->name, who);
			table_set_str(t, r, T_OWNER, both);
		} else {
			table_set_str(t, r, T_OWNER, who);
		}
	} else {
		table_set_str(t, r, T_OWNER, ki->name);
	}
	table_set_u64(t, r, T_SIZE, ob->bytes);
	table_set_str(t, r, T_CATEGORY, acct_cat_info(ki->cat)->label);
	table_set_str(t, r, T_OBJECT, ob->object ? ob->object : "?");
}

static struct table *text_new(enum owners_by by)
{
	static const char *const titles[] = {
	    [OWNERS_BY_PROCESS] = "Held by process",
	    [OWNERS_BY_CGROUP] = "Held by cgroup",
	    [OWNERS_BY_KIND] = "Held by kind",
	    [OWNERS_BY_OBJECT] = "Objects held",
	};
	struct table *t = table_new(titles[by]);

	table_add_col(t, "OWNER", "owner", COL_STR);
	table_add_col(t, "SIZE", "bytes", COL_BYTES);
	table_add_col(t, "CATEGORY", "category", COL_STR);
	table_add_col(t, "OBJECT", "object", COL_STR);
	table_col_flags(t, T_OWNER, COLF_TREE);
	return t;
}

/* The rest of a group that is not shown: one line with their total. */
static void text_more(struct table *t, size_t parent, size_t n, uint64_t bytes)
{
	size_t r = table_add_row(t);
	char what[64];

	table_row_parent(t, r, parent);
	snprintf(what, sizeof(what), "... %zu more", n);
	table_set_str(t, r, T_OWNER, what);
	table_set_u64(t, r, T_SIZE, bytes);
	table_set_word(t, r, T_CATEGORY, "");
	table_set_word(t, r, T_OBJECT, "");
}

static void text_group(struct table *t, const struct owner_set *set,
		       const struct owners_opts *o, const struct item *items,
		       const struct group *g)
{
	const struct owner_obj *first = &set->objs[items[g->first].obj];
	const struct owner_proc *p =
	    first->nholders ? owner_set_find_proc(set, first_holder(first))
			    : NULL;
	size_t r = table_add_row(t), shown = 0;
	uint64_t rest = 0;
	char detail[64];

	table_set_str(t, r, T_OWNER, items[g->first].key);
	table_set_u64(t, r, T_SIZE, g->bytes);
	if (o->by == OWNERS_BY_PROCESS && p && p->cgroup)
		table_set_str(t, r, T_OBJECT, p->cgroup);
	else {
		snprintf(detail, sizeof(detail), "%zu object%s", g->n,
			 g->n == 1 ? "" : "s");
		table_set_str(t, r, T_OBJECT, detail);
	}
	table_set_word(t, r, T_CATEGORY, "");
	for (size_t k = 0; k < g->n; k++) {
		const struct owner_obj *ob =
		    &set->objs[items[g->first + k].obj];

		if (o->objects && shown >= o->objects) {
			rest += val_has(ob->bytes) ? ob->bytes : 0;
			continue;
		}
		text_obj(t, set, ob, o->by, r);
		shown++;
	}
	if (shown < g->n)
		text_more(t, r, g->n - shown, rest);
}

static struct table *text_tree(const struct owner_set *set,
			       const struct owners_opts *o)
{
	struct table *t = text_new(o->by);
	_cleanup_free_ struct item *items = NULL;
	_cleanup_free_ struct group *groups = NULL;
	size_t n = 0, ng = 0;

	items = xcalloc(set->nobjs + 1, sizeof(*items));
	for (size_t i = 0; i < set->nobjs; i++) {
		if (!wanted(o, &set->objs[i]))
			continue;
		items[n].obj = i;
		group_key(set, &set->objs[i], o->by, items[n].key,
			  sizeof(items[n].key));
		n++;
	}
	if (o->by == OWNERS_BY_OBJECT) {
		for (size_t i = 0; i < n && (!o->top || i < o->top); i++)
			text_obj(t, set, &set->objs[items[i].obj], o->by,
				 (size_t)-1);
		return t;
	}
	qsort(items, n, sizeof(*items), cmp_item);
	groups = xcalloc(n + 1, sizeof(*groups));
	for (size_t i = 0; i < n; i++) {
		const struct owner_obj *ob = &set->objs[items[i].obj];

		if (i == 0 || strcmp(items[i].key, items[i - 1].key) != 0)
			groups[ng++] = (struct group){.first = i};
		groups[ng - 1].n++;
		if (val_has(ob->bytes))
			groups[ng - 1].bytes += ob->bytes;
	}
	qsort(groups, ng, sizeof(*groups), cmp_group);
	for (size_t g = 0; g < ng && (!o->top || g < o->top); g++)
		text_group(t, set, o, items, &groups[g]);
	if (o->top && ng > o->top)
		table_add_note(t, "%zu more groups not shown (-n 0 shows all)",
			       ng - o->top);
	return t;
}

/* --- totals and notes -------------------------------------------------- */

static struct table *kinds_table(const struct owner_set *set,
				 const struct owners_opts *o)
{
	struct owner_kind_total tot[_OWN_MAX];
	struct table *t = table_new("Totals by kind");

	owner_set_totals(set, tot);
	table_add_col(t, "KIND", "kind", COL_STR);
	table_add_col(t, "OBJECTS", "objects", COL_COUNT);
	table_add_col(t, "SIZE", "bytes", COL_BYTES);
	table_add_col(t, "CATEGORY", "category_label", COL_STR);
	table_add_col(t, "category", "category", COL_STR);
	table_add_col(t, "HOW", "how", COL_STR);
	table_add_col(t, "source", "source", COL_STR);
	table_add_col(t, "estimate", "estimate", COL_JSON);
	table_col_flags(t, 3, COLF_TEXT_ONLY);
	table_col_flags(t, 4, COLF_JSON_ONLY);
	table_col_flags(t, 5, COLF_TEXT_ONLY);
	table_col_flags(t, 6, COLF_JSON_ONLY);
	table_col_flags(t, 7, COLF_JSON_ONLY);
	for (int k = 0; k < _OWN_MAX; k++) {
		const struct owner_kind_info *ki = owner_kind_info(k);
		size_t r;
		char how[64];

		if (!tot[k].objects || (o->kinds && !(o->kinds & (1u << k))))
			continue;
		r = table_add_row(t);
		table_set_str(t, r, 0, ki->name);
		table_set_u64(t, r, 1, tot[k].objects);
		if (tot[k].n_absent == tot[k].objects)
			table_set_absent(t, r, 2);
		else
			table_set_u64(t, r, 2, tot[k].bytes);
		table_set_str(t, r, 3, acct_cat_info(ki->cat)->label);
		table_set_str(t, r, 4, acct_cat_info(ki->cat)->key);
		snprintf(how, sizeof(how), "%s%s", ki->source,
			 ki->estimate ? ", estimate" : "");
		table_set_str(t, r, 5, how);
		table_set_str(t, r, 6, ki->source);
		table_set_json(t, r, 7, ki->estimate ? "true" : "false");
	}
	return t;
}

/* How each estimated kind present was sized, once per kind. */
static void estimate_notes(struct doc *d, const struct owner_set *set,
			   const struct owners_opts *o)
{
	bool said[_OWN_MAX] = {false};

	for (size_t i = 0; i < set->nobjs; i++) {
		const struct owner_obj *ob = &set->objs[i];

		if (said[ob->kind] || !wanted(o, ob) ||
		    !owner_kind_info(ob->kind)->estimate || !ob->why ||
		    !val_has(ob->bytes))
			continue;
		said[ob->kind] = true;
		doc_add_note(d, "%s sizes are estimates: %s.",
			     owner_kind_info(ob->kind)->name, ob->why);
	}
}

static void socket_notes(struct doc *d, struct root *root,
			 const struct owner_set *set,
			 const struct owners_opts *o)
{
	unsigned socks = 1u << OWN_TCP | 1u << OWN_UDP | 1u << OWN_UNIX;
	struct owner_kind_total tot[_OWN_MAX];
	struct sockstat ss;

	owner_set_totals(set, tot);
	if ((!tot[OWN_TCP].objects && !tot[OWN_UDP].objects &&
	     !tot[OWN_UNIX].objects) ||
	    (o->kinds && !(o->kinds & socks)))
		return;
	doc_add_note(d, "Socket memory is partly slab (buffer heads) and "
			"partly page fragments; the kernel does not split it "
			"per socket, so it is shown under unaccounted.");
	if (sockstat_read(root, &ss, NULL) < 0 ||
	    !val_has(ss.proto[SOCKSTAT_TCP].mem_pages))
		return;
	doc_add_note(
	    d,
	    "Cross-check: TCP sockets here hold %.1f MiB by sock_diag; "
	    "/proc/net/sockstat charges %llu pages (%.1f MiB) to TCP "
	    "(every network namespace, forward allocations included).",
	    (double)tot[OWN_TCP].bytes / 1048576.0,
	    (unsigned long long)ss.proto[SOCKSTAT_TCP].mem_pages,
	    (double)(ss.proto[SOCKSTAT_TCP].mem_pages * root_page_size(root)) /
		1048576.0);
	sockstat_release(&ss);
}

/* The uid o->user names, or without root one's own; (uid_t)-1: all. */
static int pick_uid(struct root *root, const struct owners_opts *o, uid_t *ret,
		    bool *ret_own, struct view_err *err)
{
	struct passwd_db db = {0};
	uint64_t uid;
	char *end;

	*ret_own = false;
	if (!o->user) {
		*ret = geteuid() == 0 ? (uid_t)-1 : geteuid();
		*ret_own = geteuid() != 0;
		return 0;
	}
	uid = strtoull(o->user, &end, 10);
	if (*o->user && !*end) {
		*ret = (uid_t)uid;
		return 0;
	}
	if (passwd_read(root, &db) < 0 || passwd_uid(&db, o->user, &uid) < 0) {
		passwd_release(&db);
		return view_fail(err, -EINVAL, "unknown user '%s'", o->user);
	}
	passwd_release(&db);
	*ret = (uid_t)uid;
	return 0;
}

/* The owner set: walked on the live system; from a snapshot or tree,
 * what `snapshot` kept (memtally/owners.json), cut to o->pids. */
static int owners_get(struct root *root, const struct owners_opts *o,
		      struct owner_set *ret, bool *ret_own,
		      struct view_err *err)
{
	struct owners_collect_opts co = {
	    .pids = o->pids,
	    .npids = o->npids,
	};
	_cleanup_free_ char *why = NULL;
	int r;

	*ret_own = false;
	if (root_is_live(root)) {
		r = pick_uid(root, o, &co.uid, ret_own, err);
		if (r < 0)
			return r;
		r = owners_collect(root, &co, ret);
		if (r < 0)
			return view_fail(err, r, "cannot walk '/proc': %s",
					 strerror(-r));
		return 0;
	}
	if (o->user)
		return view_fail(err, -EINVAL,
				 "--user needs the live system: a snapshot "
				 "keeps no process's user");
	r = history_owners(root, ret, &why);
	/* a bad member is bad input (exit 1), not a usage error (-EINVAL) */
	if (r < 0)
		return view_fail(err, r == -EINVAL ? -EBADMSG : r, "owners: %s",
				 why ? why : strerror(-r));
	if (o->pids)
		owner_set_keep_holders(ret, o->pids, o->npids);
	return 0;
}

int view_owners(struct root *root, const struct owners_opts *o,
		struct doc **ret, struct view_err *err)
{
	bool own = false;
	struct owner_kind_total tot[_OWN_MAX];
	struct owner_set set;
	uint64_t sum = 0;
	size_t nobj = 0;
	struct doc *d;
	int r;

	r = owners_get(root, o, &set, &own, err);
	if (r < 0)
		return r;
	owner_set_totals(&set, tot);
	for (int k = 0; k < _OWN_MAX; k++)
		if (!o->kinds || (o->kinds & (1u << k))) {
			sum += tot[k].bytes;
			nobj += tot[k].objects;
		}
	d = doc_new();
	doc_add_line(d, NULL,
		     "Kernel memory held through descriptors and IPC: %B in "
		     "%zu object%s",
		     sum, nobj, nobj == 1 ? "" : "s");
	doc_add_table(d, NULL, text_tree(&set, o));
	doc_add_json_table(d, "rows", json_rows(&set, o));
	doc_add_table(d, "kinds", kinds_table(&set, o));
	if (own)
		doc_add_note(d, "Not root: only your own processes are shown; "
				"other users' descriptors, pipe queues and BPF "
				"objects need root.");
	for (size_t i = 0; i < set.nnotes; i++)
		doc_add_note(d, "%s", set.notes[i]);
	estimate_notes(d, &set, o);
	socket_notes(d, root, &set, o);
	if (!root_is_live(root))
		doc_add_note(d, "Offline: who held what when the snapshot was "
				"taken (memtally/owners.json).");
	doc_add_note(d, "Each object counts once, under the lowest PID that "
			"holds it; JSON 'holders' lists every holder.");
	doc_add_notes(d, "notes");
	owner_set_release(&set);
	*ret = d;
	return 0;
}
