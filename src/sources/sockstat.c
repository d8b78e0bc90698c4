/* /proc/net/sockstat and /proc/net/sockstat6 parser and reader.
 *
 * Format (net/ipv4/proc.c, sockstat_seq_show(); net/ipv6/proc.c,
 * sockstat6_seq_show()): one line per protocol, a label ending in ':' and
 * then "key value" pairs:
 *
 *   sockets: used 211
 *   TCP: inuse 9 orphan 0 tw 19 alloc 47 mem 22
 *   UDP: inuse 2 mem 0
 *   UDPLITE: inuse 0
 *   RAW: inuse 0
 *   FRAG: inuse 0 memory 0
 *
 * and in sockstat6 "TCP6: inuse 17", "UDP6: ...", "FRAG6: inuse 0 memory
 * 0". Units differ by key: "mem" is pages (sk_memory_allocated(), the
 * protocol's global charge, summed over every network namespace), FRAG's
 * "memory" is bytes (this namespace's reassembly queues). "inuse",
 * "orphan", "tw" and "alloc" are socket counts; inuse is per namespace,
 * orphan/tw/alloc are global. So the per-socket figures of one
 * namespace's NETLINK_SOCK_DIAG dump add up to at most "mem": a cross
 * check, not an identity.
 *
 * Strictness: a file cut mid-line is refused; a known label whose words
 * do not pair up, or whose value is not a decimal, is -EINVAL with its
 * line. Unknown labels and unknown keys are ignored (a newer kernel may
 * add them). A label seen twice keeps the last values. */
#include <errno.h>
#include <string.h>

#include "sockstat.h"
#include "sources.h"

static const char *const proto_names[_SOCKSTAT_PROTO_MAX] = {
    [SOCKSTAT_TCP] = "TCP",	    [SOCKSTAT_UDP] = "UDP",
    [SOCKSTAT_UDPLITE] = "UDPLITE", [SOCKSTAT_RAW] = "RAW",
    [SOCKSTAT_FRAG] = "FRAG",	    [SOCKSTAT_TCP6] = "TCP6",
    [SOCKSTAT_UDP6] = "UDP6",	    [SOCKSTAT_UDPLITE6] = "UDPLITE6",
    [SOCKSTAT_RAW6] = "RAW6",	    [SOCKSTAT_FRAG6] = "FRAG6",
};

const char *sockstat_proto_name(enum sockstat_proto p)
{
	return (unsigned)p < _SOCKSTAT_PROTO_MAX ? proto_names[p] : "?";
}

static void sockstat_init(struct sockstat *s)
{
	s->sockets_used = VAL_ABSENT;
	for (size_t i = 0; i < _SOCKSTAT_PROTO_MAX; i++)
		s->proto[i] = (struct sockstat_line){
		    .inuse = VAL_ABSENT,
		    .orphan = VAL_ABSENT,
		    .tw = VAL_ABSENT,
		    .alloc = VAL_ABSENT,
		    .mem_pages = VAL_ABSENT,
		    .memory_bytes = VAL_ABSENT,
		};
}

void sockstat_release(struct sockstat *s)
{
	(void)s; /* nothing allocated */
}

/* The field of line that key names, or NULL for a key we do not know. */
static uint64_t *line_field(struct sockstat_line *l, struct span key)
{
	if (span_eq(key, "inuse"))
		return &l->inuse;
	if (span_eq(key, "orphan"))
		return &l->orphan;
	if (span_eq(key, "tw"))
		return &l->tw;
	if (span_eq(key, "alloc"))
		return &l->alloc;
	if (span_eq(key, "mem"))
		return &l->mem_pages;
	if (span_eq(key, "memory"))
		return &l->memory_bytes;
	return NULL;
}

/* Parse buf into s, which already holds defaults (or the other file's
 * lines). On failure s may be partly written: callers parse into a copy. */
static int parse_into(const char *buf, size_t len, struct sockstat *s,
		      struct parse_err *err)
{
	struct line_iter it;
	struct span line;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");
	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct span f[16], label;
		struct sockstat_line *l = NULL;
		size_t nf;

		if (span_trim(line).len == 0)
			continue;
		nf = span_fields(line, f, ELEMENTSOF(f));
		label = f[0];
		if (label.len < 2 || label.p[label.len - 1] != ':')
			return parse_fail(err, it.lineno,
					  "no 'LABEL:' at the start");
		label.len--;
		if (span_eq(label, "sockets")) {
			if (nf != 3 || !span_eq(f[1], "used") ||
			    span_u64(f[2], &s->sockets_used) < 0)
				return parse_fail(err, it.lineno,
						  "expected 'sockets: used N'");
			continue;
		}
		for (size_t i = 0; i < _SOCKSTAT_PROTO_MAX; i++)
			if (span_eq(label, proto_names[i]))
				l = &s->proto[i];
		if (!l)
			continue; /* a protocol we do not know */
		if (nf % 2 != 1 || nf == ELEMENTSOF(f))
			return parse_fail(err, it.lineno,
					  "'%.*s' values do not pair with keys",
					  (int)label.len, label.p);
		for (size_t k = 1; k + 1 < nf; k += 2) {
			uint64_t *dst = line_field(l, f[k]), v;
			int r = span_u64(f[k + 1], &v);

			if (r < 0)
				return parse_fail_errno(
				    err, r, it.lineno, "'%.*s' is not a number",
				    (int)f[k].len, f[k].p);
			if (dst)
				*dst = v;
		}
	}
	return 0;
}

int sockstat_parse(const char *buf, size_t len, struct sockstat *ret,
		   struct parse_err *err)
{
	struct sockstat s;
	int r;

	sockstat_init(&s);
	r = parse_into(buf, len, &s, err);
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

static int parse4_cb(const char *buf, size_t len, void *ret,
		     struct parse_err *err)
{
	return sockstat_parse(buf, len, ret, err);
}

/* Parse sockstat6 on top of what sockstat gave; *ret untouched on
 * failure. */
static int parse6_cb(const char *buf, size_t len, void *ret,
		     struct parse_err *err)
{
	struct sockstat s = *(struct sockstat *)ret;
	int r = parse_into(buf, len, &s, err);

	if (r < 0)
		return r;
	*(struct sockstat *)ret = s;
	return 0;
}

int sockstat_read(struct root *root, struct sockstat *ret,
		  struct source_err *err)
{
	struct source_err e6;
	struct sockstat s;
	int r;

	r = source_read_parse(root, "proc/net/sockstat", parse4_cb, &s, err);
	if (r < 0)
		return r;
	r = source_read_parse(root, "proc/net/sockstat6", parse6_cb, &s, &e6);
	if (r < 0 && r != -ENOENT) { /* ENOENT: IPv6 off, lines stay absent */
		if (err)
			*err = e6;
		return r;
	}
	*ret = s;
	return 0;
}

static int read_cb(struct root *root, void *ret, struct source_err *err)
{
	return sockstat_read(root, ret, err);
}

static void release_cb(void *data)
{
	sockstat_release(data);
}

const struct source_desc sockstat_source = {
    .id = SRC_SOCKSTAT,
    .name = "sockstat",
    .path = "/proc/net/sockstat",
    .scope = SCOPE_SYSTEM,
    .needs = NEEDS_NOTHING,
    .size = sizeof(struct sockstat),
    .read = read_cb,
    .release = release_cb,
    .summary = "sockets in use and TCP/UDP/fragment memory (and sockstat6)",
};
