/* The document: what a view says, before anyone decides how it looks.
 *
 * A view (src/views/) fills one document and returns it; the command
 * layer hands it to doc_render(), which draws it as text (libsmartcols
 * tables, human sizes) or as JSON (json-c, sizes in bytes). A view never
 * prints and never builds JSON, so the two renderings cannot disagree
 * and every view gets -o, --raw, --noheadings and --bytes for free.
 *
 * A document is an ordered list of items. Each item has a JSON key (NULL:
 * text only) and, for values, a text label (NULL: JSON only):
 *
 *   table     titled rows of typed cells (table.h); JSON: an array of row
 *             objects; a NULL table is JSON null and absent from text
 *   section   a nested document; JSON: an object; text: its items in place
 *   list      a nested document; JSON: an array of its items' values (their
 *             keys ignored); text: its items in place
 *   value     one typed figure; JSON: key: value; text: "Label: value"
 *   line      a sentence with sizes in it (%B, %D); text: the line;
 *             JSON (with a key): the same sentence, sizes human
 *   list      sentences; JSON: an array of strings; text: one indented
 *             line each
 *   stream    a table too long to hold (a listing of millions of pages),
 *             filled while it is rendered; see doc_add_stream()
 *   notes     JSON: an array of every note of the document so far (its
 *             tables' notes and reasons, then doc_add_note()'s), in order;
 *             text: doc_add_note()'s notes print at the end
 *
 * Ownership: the document owns what is added to it and copies strings. */
#ifndef MEMTALLY_DOC_H
#define MEMTALLY_DOC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../basic/macro.h"
#include "table.h"

struct doc;

struct doc *doc_new(void);
void doc_free(struct doc *d);
static inline void docp(struct doc **d)
{
	doc_free(*d);
}
#define _cleanup_doc_ _cleanup_(docp)

/* Add a table (the document takes it; t may be NULL: JSON null). Returns
 * t, so a view can write doc_add_table(d, "rows", table_new(...)). */
struct table *doc_add_table(struct doc *d, const char *key, struct table *t);
/* A table in JSON only (text draws the same facts in another shape, or
 * at another place); its notes still count for doc_add_notes(). */
struct table *doc_add_json_table(struct doc *d, const char *key,
				 struct table *t);
/* A nested document under key. Returns it (owned by d). */
struct doc *doc_add_section(struct doc *d, const char *key);
/* A nested list under key: JSON an array of the values of the tables,
 * sections, lists, values and lines added to it, in order (their keys
 * are ignored: pass NULL or anything). Returns it (owned by d). */
struct doc *doc_add_list(struct doc *d, const char *key);
/* Put a whole document sub (a view's) under key, as a section; d takes
 * it. */
void doc_add_doc(struct doc *d, const char *key, struct doc *sub);
/* The first table under key, in d or its sections, or NULL (for the
 * TUI, which draws a document's tables itself). */
const struct table *doc_find_table(const struct doc *d, const char *key);

/* A streamed table: rows too many to hold. t (the document takes it)
 * has its columns (with table_col_width() for text) and no rows. When
 * the renderer reaches this item it calls fill(ctx, d, t, s, err,
 * errlen) once; fill adds rows to t and calls doc_stream_flush(s) as
 * often as it likes, which draws the rows so far and drops them. fill
 * may add items to d after this one (totals known at the end); they are
 * rendered after the rows. fill returns 0, or -errno with err set: the
 * rendering stops there and doc_render() returns -ECANCELED with err.
 * Nothing is drawn before the first row (an error first prints nothing).
 * Text: the columns padded to their widths, one space apart, the header
 * first. JSON (only in a top-level document): the document is written
 * one key a line with compact values, and the rows one a line. ctx_free
 * (may be NULL) frees ctx with the document. Only one stream a document,
 * and such a document is rendered once. */
struct doc_stream;
typedef int (*doc_stream_fn)(void *ctx, struct doc *d, struct table *t,
			     struct doc_stream *s, char *err, size_t errlen);
void doc_add_stream(struct doc *d, const char *key, struct table *t,
		    doc_stream_fn fill, void *ctx, void (*ctx_free)(void *));
/* Draw the rows added to the streamed table so far and drop them. */
void doc_stream_flush(struct doc_stream *s);

/* Typed values. key: JSON (NULL: text only); label: text (NULL: JSON
 * only). VAL_ABSENT in a u64 is null / "n/a". */
void doc_add_bytes(struct doc *d, const char *key, const char *label,
		   uint64_t v);
void doc_add_sbytes(struct doc *d, const char *key, const char *label,
		    int64_t v);
void doc_add_count(struct doc *d, const char *key, const char *label,
		   uint64_t v);
void doc_add_scount(struct doc *d, const char *key, const char *label,
		    int64_t v);
/* A double: JSON with two decimals, as table cells. */
void doc_add_double(struct doc *d, const char *key, const char *label,
		    double v);
/* A double with the given number of decimals (0 to 17), JSON and text. */
void doc_add_decimal(struct doc *d, const char *key, const char *label,
		     double v, int decimals);
void doc_add_pct(struct doc *d, const char *key, const char *label, double v);
void doc_add_duration(struct doc *d, const char *key, const char *label,
		      double seconds);
void doc_add_str(struct doc *d, const char *key, const char *label,
		 const char *s);
void doc_add_bool(struct doc *d, const char *key, const char *label, bool b);
/* Absent: JSON null; text "Label: n/a (why)". */
void doc_add_null(struct doc *d, const char *key, const char *label,
		  const char *why);
/* JSON text made elsewhere (a recording's owner object), under key. */
void doc_add_json(struct doc *d, const char *key, const char *json);

/* A line of text. The format is printf's, plus %B (uint64_t bytes) and
 * %D (int64_t bytes, signed), rendered as sizes by the renderer (human
 * or, in text with --bytes, exact). Conversions: d i u x X c s f g e %
 * with the usual flags, width, precision and h/l/ll/z/j length. key
 * NULL: text only. */
void doc_add_line(struct doc *d, const char *key, const char *fmt, ...);
/* An empty line in text. */
void doc_add_blank(struct doc *d);
/* A note (text: at the end of the document). */
void doc_add_note(struct doc *d, const char *fmt, ...) _printf_(2, 3);
/* The JSON array of every note so far, under key. */
void doc_add_notes(struct doc *d, const char *key);
/* A list of n sentences (copied): JSON an array of strings under key
 * (NULL: text only); text one line each, indented by two spaces, under
 * the line before (the steps of an action, what was done). */
void doc_add_strings(struct doc *d, const char *key, const char *const *v,
		     size_t n);

/* Render d to f as o says (text or JSON). Returns 0, -EINVAL when -o
 * names a column no table of d has (err says which, and lists them), or
 * -ECANCELED when a stream's fill failed (err says why). */
int doc_render(const struct doc *d, FILE *f, const struct out_opts *o,
	       char *err, size_t errlen);

#endif
