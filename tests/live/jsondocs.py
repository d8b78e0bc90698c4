"""The JSON documents `memtally VIEW --json --interval S` printed one after
another into a file (the live tests of the eBPF tracer read them)."""
import json


def read_docs(path):
    """Every whole document in the file, in order; a last one still being
    written is left out."""
    text = open(path).read()
    docs, i, dec = [], 0, json.JSONDecoder()
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        try:
            d, i = dec.raw_decode(text, i)
        except ValueError:
            break
        docs.append(d)
    return docs
