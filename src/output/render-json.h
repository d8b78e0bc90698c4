/* The JSON renderer's pieces, for output/ and the few places that write
 * JSON of their own (the store, the snapshot manifest, the report's data
 * island). Views and commands use doc_render(). */
#ifndef MEMTALLY_RENDER_JSON_H
#define MEMTALLY_RENDER_JSON_H

#include <json-c/json.h>
#include <stdio.h>

#include "doc.h"
#include "table.h"

/* Rows as a JSON array of objects keyed by column key (text-only rows
 * and columns left out). Caller owns it. */
json_object *table_json_rows(const struct table *t);
/* Notes (and reasons of absent cells) as a JSON array of strings. */
json_object *table_json_notes(const struct table *t);
/* A document as a JSON object. Caller owns it. */
json_object *doc_json(const struct doc *d);
/* Print a JSON value followed by a newline (pretty, stable). */
void json_print(FILE *f, json_object *o);

#endif
