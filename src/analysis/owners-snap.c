/* The owner set as a snapshot member; see owners-snap.h.
 *
 * The layout (version 1):
 *   {"version": 1,
 *    "procs": [{"pid", "comm", "cgroup"}],   holders only
 *    "objects": [{"kind", "id", "object", "bytes", "why", "holders",
 *                 "creator_pid", "last_pid"}],   biggest first
 *    "notes": ["..."]}
 * "bytes" and "why" are null when absent, the PIDs -1 when not SysV. On
 * a machine with a few thousand sockets and pipes it is a few hundred
 * KiB of JSON, a few tens of KiB in the zstd-compressed snapshot. */
#include <errno.h>
#include <limits.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../basic/macro.h"
#include "../basic/xalloc.h"
#include "owners-snap.h"
#include "owners.h"

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *obj_json(const struct owner_obj *o)
{
	json_object *j = json_object_new_object(), *h;

	json_object_object_add(
	    j, "kind", json_object_new_string(owner_kind_info(o->kind)->name));
	json_object_object_add(j, "id", json_object_new_uint64(o->id));
	json_object_object_add(j, "object", str_or_null(o->object));
	json_object_object_add(
	    j, "bytes",
	    val_has(o->bytes) ? json_object_new_uint64(o->bytes) : NULL);
	json_object_object_add(j, "why", str_or_null(o->why));
	h = json_object_new_array();
	for (size_t k = 0; k < o->nholders; k++)
		json_object_array_add(h, json_object_new_int(o->holders[k]));
	json_object_object_add(j, "holders", h);
	json_object_object_add(j, "creator_pid",
			       json_object_new_int(o->creator_pid));
	json_object_object_add(j, "last_pid", json_object_new_int(o->last_pid));
	return j;
}

/* Does a kept object name pid as a holder? */
static bool holds(const struct owner_set *s, size_t nkept, int pid)
{
	for (size_t i = 0; i < nkept; i++)
		for (size_t k = 0; k < s->objs[i].nholders; k++)
			if (s->objs[i].holders[k] == pid)
				return true;
	return false;
}

char *owners_snap_format(const struct owner_set *s, size_t *ret_len)
{
	size_t nkept =
	    s->nobjs < OWNERS_SNAP_MAX_OBJS ? s->nobjs : OWNERS_SNAP_MAX_OBJS;
	json_object *top = json_object_new_object(), *a;
	_cleanup_free_ bool *held = NULL;
	char *text;

	json_object_object_add(top, "version",
			       json_object_new_int(OWNERS_SNAP_VERSION));
	/* mark the holders of kept objects once, not per process */
	held = xcalloc(s->nprocs + 1, sizeof(*held));
	if (nkept == s->nobjs) {
		for (size_t i = 0; i < nkept; i++)
			for (size_t k = 0; k < s->objs[i].nholders; k++) {
				const struct owner_proc *p =
				    owner_set_find_proc(s,
							s->objs[i].holders[k]);

				if (p)
					held[p - s->procs] = true;
			}
	} else {
		for (size_t i = 0; i < s->nprocs; i++)
			held[i] = holds(s, nkept, s->procs[i].pid);
	}
	a = json_object_new_array();
	for (size_t i = 0; i < s->nprocs; i++) {
		json_object *p;

		if (!held[i])
			continue;
		p = json_object_new_object();
		json_object_object_add(p, "pid",
				       json_object_new_int(s->procs[i].pid));
		json_object_object_add(p, "comm",
				       str_or_null(s->procs[i].comm));
		json_object_object_add(p, "cgroup",
				       str_or_null(s->procs[i].cgroup));
		json_object_array_add(a, p);
	}
	json_object_object_add(top, "procs", a);
	a = json_object_new_array();
	for (size_t i = 0; i < nkept; i++)
		json_object_array_add(a, obj_json(&s->objs[i]));
	json_object_object_add(top, "objects", a);
	a = json_object_new_array();
	for (size_t i = 0; i < s->nnotes; i++)
		json_object_array_add(a, json_object_new_string(s->notes[i]));
	if (nkept < s->nobjs) {
		char note[160];

		snprintf(note, sizeof(note),
			 "the snapshot keeps the %zu biggest of %zu objects",
			 nkept, s->nobjs);
		json_object_array_add(a, json_object_new_string(note));
	}
	json_object_object_add(top, "notes", a);
	text = xstrdup(json_object_to_json_string_ext(
	    top, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
	*ret_len = strlen(text);
	return text;
}

/* A string member, or NULL (absent, null or not a string). */
static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An integer member into *ret; false when absent or not an integer. */
static bool get_int(json_object *o, const char *key, int64_t *ret)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*ret = json_object_get_int64(v);
	return true;
}

/* A non-negative integer (up to UINT64_MAX) into *ret; false when it is
 * absent, not an integer, or negative. */
static bool get_u64(json_object *v, uint64_t *ret)
{
	if (!v || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return false;
	*ret = json_object_get_uint64(v);
	return true;
}

/* A PID member: -1 when absent or out of range. */
static int get_pid(json_object *o, const char *key)
{
	int64_t v;

	if (!get_int(o, key, &v) || v < -1 || v > INT_MAX)
		return -1;
	return (int)v;
}

static json_object *get_array(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

static int fail(char **ret_why, const char *why)
{
	if (ret_why)
		*ret_why = xstrdup(why);
	return -EINVAL;
}

/* One object of the member into s; false when it is malformed. */
static bool parse_obj(struct owner_set *s, json_object *j)
{
	const char *kind = get_str(j, "kind"), *text = get_str(j, "object");
	json_object *h = get_array(j, "holders"), *idv = NULL, *bv = NULL;
	uint64_t id, bytes = VAL_ABSENT;
	struct owner_obj *o;
	int k;

	if (!json_object_is_type(j, json_type_object) || !kind || !h ||
	    !json_object_object_get_ex(j, "id", &idv) || !get_u64(idv, &id))
		return false;
	/* bytes: null when absent; a negative size is malformed */
	if (json_object_object_get_ex(j, "bytes", &bv) && bv &&
	    !get_u64(bv, &bytes))
		return false;
	for (size_t i = 0; i < json_object_array_length(h); i++) {
		json_object *p = json_object_array_get_idx(h, i);

		if (!json_object_is_type(p, json_type_int) ||
		    json_object_get_int64(p) <= 0 ||
		    json_object_get_int64(p) > INT_MAX)
			return false;
	}
	k = owner_kind_from_name(kind);
	if (k < 0)
		return true; /* a newer writer's kind: skip it */
	o = owner_set_obj(s, (enum owner_kind)k, id);
	if (!o->object) {
		o->object = xstrdup(text ? text : "?");
		o->bytes = bytes;
		if (get_str(j, "why"))
			o->why = xstrdup(get_str(j, "why"));
		o->creator_pid = get_pid(j, "creator_pid");
		o->last_pid = get_pid(j, "last_pid");
	}
	for (size_t i = 0; i < json_object_array_length(h); i++)
		owner_obj_add_holder(
		    o, json_object_get_int(json_object_array_get_idx(h, i)));
	return true;
}

int owners_snap_parse(const char *buf, size_t len, struct owner_set *ret,
		      char **ret_why)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *top, *procs, *objs, *notes;
	struct owner_set s;
	int64_t version;

	if (len > INT32_MAX) {
		json_tokener_free(tok);
		return fail(ret_why, "too big");
	}
	top = json_tokener_parse_ex(tok, buf, (int)len);
	json_tokener_free(tok);
	if (!top || !json_object_is_type(top, json_type_object)) {
		json_object_put(top);
		return fail(ret_why, "not JSON");
	}
	procs = get_array(top, "procs");
	objs = get_array(top, "objects");
	notes = get_array(top, "notes");
	if (!get_int(top, "version", &version) ||
	    version != OWNERS_SNAP_VERSION || !procs || !objs) {
		json_object_put(top);
		return fail(ret_why, "not an owners member of version 1");
	}
	owner_set_init(&s);
	for (size_t i = 0; i < json_object_array_length(procs); i++) {
		json_object *p = json_object_array_get_idx(procs, i);
		int64_t pid;

		if (!json_object_is_type(p, json_type_object) ||
		    !get_int(p, "pid", &pid) || pid <= 0 || pid > INT_MAX ||
		    !get_str(p, "comm"))
			goto bad;
		owner_set_proc(&s, (int)pid, get_str(p, "comm"),
			       get_str(p, "cgroup"));
	}
	for (size_t i = 0; i < json_object_array_length(objs); i++)
		if (!parse_obj(&s, json_object_array_get_idx(objs, i)))
			goto bad;
	for (size_t i = 0; notes && i < json_object_array_length(notes); i++) {
		json_object *n = json_object_array_get_idx(notes, i);

		if (json_object_is_type(n, json_type_string))
			owner_set_note(&s, "%s", json_object_get_string(n));
	}
	json_object_put(top);
	owner_set_finish(&s);
	*ret = s;
	return 0;
bad:
	json_object_put(top);
	owner_set_release(&s);
	return fail(ret_why, "a malformed process or object");
}
