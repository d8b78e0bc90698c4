/* /proc/iomem parser and reader.
 *
 * Format (kernel/resource.c, r_show(); Documentation/filesystems/proc.rst,
 * "iomem"): one resource a line, "%*s%0*llx-%0*llx : %s\n": two spaces of
 * indent per level of nesting, start and end (inclusive) in lowercase hex
 * padded to at least 8 digits (more when the address needs them), then
 * " : " and the name, which may hold spaces and colons ("PCI ECAM 0000
 * [bus 00-00]") or be empty ("... : " with nothing after). Children
 * follow their parent, one level deeper. The kernel caps the printed depth
 * at MAX_IORES_LEVEL (5), so a resource nested deeper shows as a sibling
 * of its level-5 ancestor; we keep what is printed.
 *
 * Quirks: since 4.15 ("/proc/iomem: only expose physical resource
 * addresses to privileged users") an opener without CAP_SYS_ADMIN sees
 * every start and end as 0; we detect "every range is 0-0" and set
 * addr_hidden rather than report zero bytes of RAM. An empty file is not
 * iomem (a kernel always has some resource). Nesting deeper than the
 * parent + 1, an indent that is not a multiple of two, end < start or a
 * missing " : " is malformed (-EINVAL, with the line). A file cut
 * mid-line is refused. */
#include <errno.h>
#include <string.h>

#include "../basic/xalloc.h"
#include "iomem.h"
#include "sources.h"

/* deeper than any real tree (about 6); bounds the parent stack */
#define IOMEM_MAX_DEPTH 32

void iomem_release(struct iomem *io)
{
	for (size_t i = 0; i < io->n; i++)
		free(io->ranges[i].name);
	free(io->ranges);
	io->ranges = NULL;
	io->n = 0;
	io->addr_hidden = false;
}

uint64_t iomem_system_ram(const struct iomem *io)
{
	uint64_t total = 0;
	bool found = false;

	if (io->addr_hidden)
		return VAL_ABSENT;
	for (size_t i = 0; i < io->n; i++) {
		const struct iomem_range *r = &io->ranges[i];
		uint64_t size = r->end - r->start + 1;

		if (r->depth != 0 || !streq(r->name, "System RAM"))
			continue;
		/* a range of the whole 64-bit space has no 64-bit size */
		if (size == 0 || total + size < total)
			return VAL_ABSENT;
		total += size;
		found = true;
	}
	return found ? total : VAL_ABSENT;
}

/* Parse "START-END" into *start and *end. */
static int parse_range(struct span s, uint64_t *start, uint64_t *end)
{
	const char *dash = memchr(s.p, '-', s.len);
	struct span a, b;
	int r;

	if (!dash)
		return -EINVAL;
	a.p = s.p;
	a.len = (size_t)(dash - s.p);
	b.p = dash + 1;
	b.len = s.len - a.len - 1;
	/* the kernel never prints 0x */
	if (span_startswith(a, "0x") || span_startswith(b, "0x"))
		return -EINVAL;
	r = span_x64(a, start);
	if (r < 0)
		return r;
	return span_x64(b, end);
}

int iomem_parse(const char *buf, size_t len, struct iomem *ret,
		struct parse_err *err)
{
	size_t stack[IOMEM_MAX_DEPTH];
	struct iomem io = {0};
	size_t alloc = 0, indent;
	bool all_zero = true;
	struct line_iter it;
	struct span line;
	int r;

	if (buf_truncated(buf, len))
		return parse_fail(err, 0,
				  "file ends inside a line (truncated)");

	line_iter_init(&it, buf, len);
	while (line_next(&it, &line)) {
		struct iomem_range rg = {0};
		struct span range, name;
		const char *sep;

		if (span_trim(line).len == 0)
			continue;
		for (indent = 0; indent < line.len && line.p[indent] == ' ';
		     indent++)
			;
		if (indent % 2) {
			r = parse_fail(err, it.lineno, "odd indent");
			goto fail;
		}
		rg.depth = (unsigned)(indent / 2);
		if (rg.depth >= IOMEM_MAX_DEPTH ||
		    (io.n == 0 && rg.depth > 0) ||
		    (io.n > 0 && rg.depth > io.ranges[io.n - 1].depth + 1)) {
			r = parse_fail(err, it.lineno,
				       "nested deeper than its parent");
			goto fail;
		}
		line.p += indent;
		line.len -= indent;
		sep = NULL;
		for (size_t i = 0; i + 3 <= line.len; i++)
			if (memcmp(line.p + i, " : ", 3) == 0) {
				sep = line.p + i;
				break;
			}
		if (!sep) {
			r = parse_fail(err, it.lineno,
				       "no ' : ' after the range");
			goto fail;
		}
		range.p = line.p;
		range.len = (size_t)(sep - line.p);
		name.p = sep + 3;
		name.len = line.len - range.len - 3;
		r = parse_range(range, &rg.start, &rg.end);
		if (r < 0) {
			r = parse_fail_errno(err, r, it.lineno,
					     "bad range '%.*s'", (int)range.len,
					     range.p);
			goto fail;
		}
		if (rg.end < rg.start) {
			r = parse_fail(err, it.lineno,
				       "range ends before it starts");
			goto fail;
		}
		if (rg.start || rg.end)
			all_zero = false;
		rg.parent = rg.depth ? stack[rg.depth - 1] : IOMEM_NO_PARENT;
		stack[rg.depth] = io.n;
		rg.name = xstrndup(name.p, name.len);
		io.ranges =
		    xgrow(io.ranges, &alloc, io.n + 1, sizeof(*io.ranges));
		io.ranges[io.n++] = rg;
	}
	if (io.n == 0) {
		r = parse_fail(err, 0, "no ranges");
		goto fail;
	}
	io.addr_hidden = all_zero;
	*ret = io;
	return 0;
fail:
	iomem_release(&io);
	return r;
}

/* readable by all, but addresses read 0 */
SOURCE_DEFINE_FILE(iomem, "proc/iomem", SRC_IOMEM, NEEDS_ROOT,
		   "physical address map: System RAM, reserved, kernel image");
