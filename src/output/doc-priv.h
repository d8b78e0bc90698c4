/* The document's insides, for the renderers in src/output/ only. */
#ifndef MEMTALLY_DOC_PRIV_H
#define MEMTALLY_DOC_PRIV_H

#include "doc.h"

enum doc_kind {
	DOC_TABLE,
	DOC_SECTION,
	DOC_VALUE,
	DOC_LINE,
	DOC_BLANK,
	DOC_NOTE,    /* one note (text: at the end) */
	DOC_NOTES,   /* JSON: the array of the notes so far */
	DOC_STRINGS, /* strings: JSON an array, text one line each */
};

enum doc_vtype {
	DV_BYTES,
	DV_SBYTES,
	DV_COUNT,
	DV_SCOUNT,
	DV_DOUBLE,
	DV_PCT,
	DV_DURATION,
	DV_STR,
	DV_BOOL,
	DV_NULL,
	DV_JSON,
};

/* A piece of a line: text, or a size to render. */
struct doc_seg {
	bool size;
	bool sign;
	int64_t i;
	uint64_t u;
	char *text;
};

struct doc_item {
	enum doc_kind kind;
	char *key;
	char *label;
	struct table *table;
	struct doc *section;
	enum doc_vtype vtype;
	uint64_t u;
	int64_t i;
	double d;
	int decimals; /* DV_DOUBLE */
	bool b;
	bool json_only; /* DOC_TABLE: not drawn in text */
	char *s;	/* DV_STR, DV_JSON, DV_NULL's reason, a note */
	struct doc_seg *segs;
	size_t nsegs;
	char **strs; /* DOC_STRINGS */
	size_t nstrs;
	doc_stream_fn fill; /* DOC_TABLE streamed: doc_add_stream() */
	void *fill_ctx;
	void (*fill_free)(void *);
};

struct doc {
	bool list; /* JSON: an array of the items' values */
	struct doc_item *items;
	size_t nitems, items_alloc;
	size_t nnotes;	      /* DOC_NOTE items */
	size_t notes_dropped; /* past TABLE_MAX_NOTES */
	size_t last_note;     /* index of the last DOC_NOTE item */
};

/* A stream being rendered: what doc_stream_flush() needs. */
struct doc_stream {
	struct doc *d; /* the document (fill may add items to it) */
	size_t index;  /* the stream's item in d */
	struct table *t;
	FILE *f;
	const struct out_opts *o;
	bool json;
	bool started; /* what comes before the rows is out */
	size_t rows;  /* rows drawn */
	size_t *cols; /* text: the columns shown */
	size_t ncols;
};

/* Run item index of d (a stream): fill, flushing into f. Returns 0 or
 * -ECANCELED with err set (what was drawn stays). */
int doc_stream_run(struct doc_stream *s, char *err, size_t errlen);
/* The renderers' halves of doc_stream_flush(): print what comes before
 * the rows if not done yet, then the rows of s->t. */
void text_stream_rows(struct doc_stream *s);
void json_stream_rows(struct doc_stream *s);
/* Whether d has a stream item. */
bool doc_has_stream(const struct doc *d);

/* A line rendered to a malloc'd string: sizes exact when bytes. */
char *doc_line_text(const struct doc_item *it, bool bytes);
/* A value rendered as text for "Label: value". */
void doc_value_text(const struct doc_item *it, const struct out_opts *o,
		    char *buf, size_t n);

int doc_render_text(const struct doc *d, FILE *f, const struct out_opts *o,
		    char *err, size_t errlen);
/* compact: the document on one line (JSON lines). */
int doc_render_json(const struct doc *d, FILE *f, bool compact, char *err,
		    size_t errlen);

#endif
