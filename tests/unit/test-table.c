/* Unit tests for the neutral table: text rendering (human and exact
 * sizes, absent cells, notes) and JSON (integers, null for absent). */
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/basic/human.h"
#include "../../src/output/doc.h"
#include "../../src/output/render-json.h"
#include "../../src/output/table.h"

static char *render(struct table *t, bool bytes)
{
	struct out_opts o = {.bytes = bytes};
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	table_print(t, f, &o);
	fclose(f);
	return s;
}

static struct table *sample(void)
{
	struct table *t = table_new(NULL);
	size_t r;

	table_add_col(t, "NAME", "name", COL_STR);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_add_col(t, "COUNT", "count", COL_COUNT);
	table_add_col(t, "PCT", "pct", COL_PCT);
	r = table_add_row(t);
	table_set_str(t, r, 0, "alpha");
	table_set_u64(t, r, 1, 1536);
	table_set_u64(t, r, 2, 0);
	table_set_double(t, r, 3, 12.345);
	r = table_add_row(t);
	table_set_str(t, r, 0, "beta");
	table_set_u64(t, r, 1, VAL_ABSENT);
	table_set_u64(t, r, 2, 42);
	table_add_note(t, "n/a: %s", "not kept by the kernel");
	return t;
}

static void test_text(void **state)
{
	struct table *t = sample();
	char *s = render(t, false), *e;

	(void)state;
	assert_non_null(strstr(s, "NAME"));
	assert_non_null(strstr(s, "1.5 KiB"));
	assert_non_null(strstr(s, "12.3%"));
	assert_non_null(strstr(s, "n/a"));
	assert_non_null(strstr(s, "not kept by the kernel"));
	free(s);
	e = render(t, true);
	assert_non_null(strstr(e, "1536"));
	free(e);
	table_free(t);
}

/* Names from processes and files reach the terminal: control bytes are
 * escaped (a process may name itself "\e]0;..."; a newline would forge a
 * row), and non-ASCII shows as is in a UTF-8 locale, escaped in C. */
static void test_text_escapes(void **state)
{
	struct table *t = table_new(NULL);
	char *s;
	size_t r;

	(void)state;
	table_add_col(t, "NAME", "name", COL_STR);
	r = table_add_row(t);
	table_set_str(t, r, 0, "\033[31mEVIL\033]0;pw\007");
	r = table_add_row(t);
	table_set_str(t, r, 0, "two\nlines");
	r = table_add_row(t);
	table_set_str(t, r, 0, "r\xc3\xa9sum\xc3\xa9");
	if (setlocale(LC_CTYPE, "C.UTF-8")) {
		s = render(t, false);
		assert_null(strchr(s, '\033'));
		assert_null(strchr(s, '\007'));
		assert_non_null(strstr(s, "\\x1b[31mEVIL"));
		assert_non_null(strstr(s, "two\\x0alines"));
		assert_non_null(strstr(s, "r\xc3\xa9sum\xc3\xa9"));
		free(s);
	}
	setlocale(LC_CTYPE, "C");
	s = render(t, false);
	assert_null(strchr(s, '\033'));
	assert_non_null(strstr(s, "r\\xc3\\xa9sum"));
	free(s);
	table_free(t);
}

static void test_json(void **state)
{
	struct table *t = sample();
	json_object *rows = table_json_rows(t), *r0, *r1, *v;

	(void)state;
	assert_int_equal(json_object_array_length(rows), 2);
	r0 = json_object_array_get_idx(rows, 0);
	r1 = json_object_array_get_idx(rows, 1);
	assert_true(json_object_object_get_ex(r0, "bytes", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int64(v), 1536);
	assert_true(json_object_object_get_ex(r0, "count", &v));
	assert_int_equal(json_object_get_int64(v), 0);
	/* absent is null, present key */
	assert_true(json_object_object_get_ex(r1, "bytes", &v));
	assert_null(v);
	json_object_put(rows);
	table_free(t);
}

static char *render_doc(const struct doc *d, bool json)
{
	struct out_opts o = {.json = json};
	char *s = NULL, err[256];
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	assert_int_equal(doc_render(d, f, &o, err, sizeof(err)), 0);
	fclose(f);
	return s;
}

/* A JSON-only table draws nothing in text and is an array in JSON; a
 * list is indented lines in text and an array of strings in JSON. */
static void test_doc_json_only_and_list(void **state)
{
	static const char *const steps[] = {"write 1", "sync"};
	struct doc *d = doc_new();
	struct table *t = table_new(NULL);
	char *s;

	(void)state;
	doc_add_line(d, NULL, "it would:");
	doc_add_strings(d, "steps", steps, 2);
	table_add_col(t, "PID", "pid", COL_COUNT);
	table_set_u64(t, table_add_row(t), 0, 42);
	table_json_only(t);
	doc_add_table(d, "unreadable", t);
	s = render_doc(d, false);
	assert_string_equal(s, "it would:\n  write 1\n  sync\n");
	free(s);
	s = render_doc(d, true);
	assert_non_null(strstr(s, "\"steps\": ["));
	assert_non_null(strstr(s, "\"write 1\","));
	assert_non_null(strstr(s, "\"sync\"\n"));
	assert_non_null(strstr(s, "\"pid\": 42"));
	free(s);
	doc_free(d);
}

/* A tree: a child row under its parent, a text-only drill-down row with
 * blank absent cells, and an optional JSON field left out when absent. */
static void test_tree_optional(void **state)
{
	struct table *t = table_new(NULL);
	json_object *rows, *v;
	size_t p, c, d;
	char *s;

	(void)state;
	table_add_col(t, "NAME", "name", COL_STR);
	table_col_flags(t, 0, COLF_TREE);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_add_col(t, "WHY", "why", COL_STR);
	table_col_flags(t, 2, COLF_JSON_OPTIONAL);
	p = table_add_row(t);
	table_set_str(t, p, 0, "parent");
	table_set_u64(t, p, 1, 2048);
	c = table_add_row(t);
	table_set_str(t, c, 0, "child");
	table_set_str(t, c, 2, "absent in B");
	table_row_parent(t, c, p);
	d = table_add_row(t);
	table_set_str(t, d, 0, "module foo");
	table_row_parent(t, d, c);
	table_row_text_only(t, d);

	s = render(t, false);
	assert_non_null(strstr(s, "parent"));
	assert_non_null(strstr(s, "`-child") ? strstr(s, "`-child")
					     : strstr(s, "└─child"));
	assert_non_null(strstr(s, "module foo"));
	/* the child's absent size is n/a; the text-only row's is blank */
	assert_non_null(strstr(strstr(s, "child"), "n/a"));
	assert_null(strstr(strstr(s, "module foo"), "n/a"));
	free(s);

	rows = table_json_rows(t);
	assert_int_equal(json_object_array_length(rows), 2);
	assert_false(json_object_object_get_ex(
	    json_object_array_get_idx(rows, 0), "why", &v));
	assert_true(json_object_object_get_ex(
	    json_object_array_get_idx(rows, 1), "why", &v));
	assert_string_equal(json_object_get_string(v), "absent in B");
	json_object_put(rows);
	table_free(t);
}

static void test_human(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(human_bytes(0, b, sizeof(b)), "0 B");
	assert_string_equal(human_bytes(1023, b, sizeof(b)), "1023 B");
	assert_string_equal(human_bytes(1024, b, sizeof(b)), "1.0 KiB");
	assert_string_equal(human_bytes(256ULL << 20, b, sizeof(b)), "256 MiB");
	assert_string_equal(human_bytes(24684096ULL * 1024, b, sizeof(b)),
			    "23.5 GiB");
	assert_string_equal(human_bytes(UINT64_MAX, b, sizeof(b)), "16.0 EiB");
	assert_string_equal(human_bytes_signed(-2048, b, sizeof(b)),
			    "-2.0 KiB");
	assert_string_equal(human_bytes_signed(INT64_MIN, b, sizeof(b)),
			    "-8.0 EiB");
}

/* doc_add_list: a JSON array of its items' values, keys ignored; text
 * draws its items in place. doc_add_decimal keeps its decimals. */
static void test_doc_list(void **state)
{
	struct doc *d = doc_new(), *l, *z;
	json_object *o, *a, *v;
	char *s;

	(void)state;
	l = doc_add_list(d, "orders");
	doc_add_count(l, NULL, NULL, 3);
	doc_add_decimal(l, "ignored", NULL, 0.0666666, 6);
	z = doc_add_section(l, NULL);
	doc_add_str(z, "zone", "Zone", "DMA");
	doc_add_list(d, "empty");
	o = doc_json(d);
	assert_true(json_object_object_get_ex(o, "orders", &a));
	assert_true(json_object_is_type(a, json_type_array));
	assert_int_equal(json_object_array_length(a), 3);
	assert_int_equal(json_object_get_int64(json_object_array_get_idx(a, 0)),
			 3);
	assert_string_equal(
	    json_object_to_json_string(json_object_array_get_idx(a, 1)),
	    "0.066667");
	assert_true(json_object_object_get_ex(json_object_array_get_idx(a, 2),
					      "zone", &v));
	assert_string_equal(json_object_get_string(v), "DMA");
	assert_true(json_object_object_get_ex(o, "empty", &a));
	assert_int_equal(json_object_array_length(a), 0);
	json_object_put(o);
	s = render_doc(d, false);
	assert_string_equal(s, "Zone: DMA\n");
	free(s);
	doc_free(d);
}

/* doc_add_json_table: in JSON, not in text; -o does not see it.
 * table_set_word: the word in text, null in JSON. */
static void test_doc_json_table(void **state)
{
	struct doc *d = doc_new();
	struct out_opts o = {.columns = "COUNT"};
	struct table *t = sample();
	char *s, err[256];

	(void)state;
	table_set_word(t, 1, 1, "none");
	doc_add_json_table(d, "rows", t);
	s = render_doc(d, false);
	assert_string_equal(s, "");
	free(s);
	s = render_doc(d, true);
	assert_non_null(strstr(s, "\"bytes\": null"));
	assert_null(strstr(s, "none"));
	free(s);
	assert_int_equal(doc_render(d, stdout, &o, err, sizeof(err)), -EINVAL);
	doc_free(d);
	t = sample();
	table_set_word(t, 1, 1, "none");
	s = render(t, false);
	assert_non_null(strstr(s, "none"));
	free(s);
	table_free(t);
}

/* An absent cell of a COLF_BLANK_ABSENT column is empty in text and
 * null in JSON; the getters read what the TUI needs. */
static void test_blank_and_getters(void **state)
{
	struct out_opts o = {0};
	struct table *t = table_new(NULL);
	json_object *rows, *v;
	double d = -1;
	char buf[32];
	size_t r;

	(void)state;
	table_add_col(t, "NAME", "name", COL_STR);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_add_col(t, "PCT", "pct", COL_PCT);
	table_add_col(t, "MODULE", "module", COL_STR);
	table_col_flags(t, 3, COLF_BLANK_ABSENT);
	r = table_add_row(t);
	table_set_str(t, r, 0, "alpha");
	table_set_u64(t, r, 1, 1536);
	table_set_double(t, r, 2, 12.345);
	r = table_add_row(t);
	table_set_i64(t, r, 1, -5);
	table_row_total(t, r);
	table_cell_text(t, 0, 3, &o, buf, sizeof(buf));
	assert_string_equal(buf, "");
	table_cell_text(t, 1, 2, &o, buf, sizeof(buf));
	assert_string_equal(buf, "n/a");
	rows = table_json_rows(t);
	assert_true(json_object_object_get_ex(
	    json_object_array_get_idx(rows, 0), "module", &v));
	assert_null(v);
	json_object_put(rows);
	assert_int_equal(table_cell_num(t, 0, 1, &d), 0);
	assert_true(d == 1536);
	assert_int_equal(table_cell_num(t, 1, 1, &d), 0);
	assert_true(d == -5);
	assert_int_equal(table_cell_num(t, 0, 2, &d), 0);
	assert_true(d > 12.3 && d < 12.4);
	assert_int_equal(table_cell_num(t, 1, 2, &d), -ENODATA);
	assert_int_equal(table_cell_num(t, 0, 0, &d), -EINVAL);
	assert_int_equal(table_cell_num(t, 9, 1, &d), -EINVAL);
	assert_true(d > 12.3 && d < 12.4);
	assert_int_equal(table_col_type(t, 1), COL_BYTES);
	assert_int_equal(table_col_get_flags(t, 3), COLF_BLANK_ABSENT);
	assert_false(table_row_is_total(t, 0));
	assert_true(table_row_is_total(t, 1));
	assert_false(table_row_is_text_only(t, 1));
	table_free(t);
}

static char *render_doc_opts(const struct doc *d, const struct out_opts *o)
{
	char *s = NULL, err[256];
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	assert_int_equal(doc_render(d, f, o, err, sizeof(err)), 0);
	fclose(f);
	return s;
}

/* doc_add_doc nests a document; doc_find_table finds a table in it;
 * compact JSON is one line; a table with only JSON columns prints
 * nothing in text, not even the blank line before it. */
static void test_doc_nest_compact(void **state)
{
	struct doc *d = doc_new(), *sub = doc_new();
	struct table *j = table_new(NULL);
	char *s;

	(void)state;
	doc_add_table(sub, "rows", sample());
	table_add_col(j, "WHY", "why", COL_STR);
	table_col_flags(j, 0, COLF_JSON_ONLY);
	table_set_str(j, table_add_row(j), 0, "because");
	doc_add_table(sub, "hidden", j);
	doc_add_count(d, "refresh", NULL, 1);
	doc_add_doc(d, "pools", sub);
	assert_ptr_equal(doc_find_table(d, "hidden"), j);
	assert_non_null(doc_find_table(d, "rows"));
	assert_null(doc_find_table(d, "nothing"));
	s = render_doc_opts(d,
			    &(struct out_opts){.json = true, .compact = true});
	assert_non_null(strstr(s, "{\"refresh\":1,\"pools\":{\"rows\":[{"));
	assert_non_null(strstr(s, "\"hidden\":[{\"why\":\"because\"}]"));
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	free(s);
	s = render_doc_opts(d, &(struct out_opts){0});
	assert_null(strstr(s, "because"));
	assert_int_equal(s[strlen(s) - 1], '\n');
	assert_true(strlen(s) < 2 || s[strlen(s) - 2] != '\n');
	free(s);
	doc_free(d);
}

/* A streamed table: rows drawn as they come, items added by the fill
 * follow; a failing fill stops the rendering with its message. */
static int stream_fill(void *ctx, struct doc *d, struct table *t,
		       struct doc_stream *s, char *err, size_t errlen)
{
	int *fail = ctx;

	for (uint64_t i = 0; i < 3; i++) {
		size_t r = table_add_row(t);

		table_set_str(t, r, 0, i == 1 ? "bb" : "a");
		table_set_u64(t, r, 1, i * 1024);
		if (i == 0)
			doc_stream_flush(s);
	}
	if (*fail) {
		snprintf(err, errlen, "it broke");
		return -EIO;
	}
	doc_add_count(d, "total", NULL, 3);
	doc_add_line(d, NULL, "3 rows");
	return 0;
}

static struct doc *stream_doc(int *fail)
{
	struct table *t = table_new(NULL);
	struct doc *d = doc_new();

	table_add_col(t, "NAME", "name", COL_STR);
	table_col_width(t, 0, 4);
	table_add_col(t, "BYTES", "bytes", COL_BYTES);
	table_col_width(t, 1, 8);
	doc_add_count(d, "before", NULL, 1);
	doc_add_stream(d, "rows", t, stream_fill, fail, NULL);
	return d;
}

static void test_stream(void **state)
{
	struct out_opts o = {0};
	struct table *sub = table_new(NULL);
	char *s, *j, err[64] = "";
	int fail = 0;
	size_t n = 0;
	FILE *f;
	struct doc *d = stream_doc(&fail);

	s = render_doc(d, false);
	assert_string_equal(s, "NAME    BYTES\n"
			       "a         0 B\n"
			       "bb    1.0 KiB\n"
			       "a     2.0 KiB\n"
			       "3 rows\n");
	doc_free(d);
	d = stream_doc(&fail);
	j = render_doc(d, true);
	assert_string_equal(j, "{\n  \"before\": 1,\n  \"rows\": [\n"
			       "    {\"name\":\"a\",\"bytes\":0},\n"
			       "    {\"name\":\"bb\",\"bytes\":1024},\n"
			       "    {\"name\":\"a\",\"bytes\":2048}\n  ],\n"
			       "  \"total\": 3\n}\n");
	free(s);
	free(j);
	doc_free(d);

	/* a nested array through a COL_JSON cell */
	table_add_col(sub, "N", "n", COL_COUNT);
	table_set_u64(sub, table_add_row(sub), 0, 7);
	j = table_json_text(sub);
	assert_string_equal(j, "[{\"n\":7}]");
	free(j);
	j = table_row_json_text(sub, 0);
	assert_string_equal(j, "{\"n\":7}");
	free(j);
	table_free(sub);

	fail = 1;
	d = stream_doc(&fail);
	f = open_memstream(&s, &n);
	assert_int_equal(doc_render(d, f, &o, err, sizeof(err)), -ECANCELED);
	fclose(f);
	assert_string_equal(err, "it broke");
	free(s);
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_text_escapes),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_tree_optional),
	    cmocka_unit_test(test_human),
	    cmocka_unit_test(test_doc_json_only_and_list),
	    cmocka_unit_test(test_doc_list),
	    cmocka_unit_test(test_doc_json_table),
	    cmocka_unit_test(test_blank_and_getters),
	    cmocka_unit_test(test_doc_nest_compact),
	    cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
