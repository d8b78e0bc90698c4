/* Names and limits of the snapshot file format, shared by the writer
 * (snapshot-write.c) and the reader (root-snapshot.c); docs/SNAPSHOT.md
 * describes the format. */
#ifndef MEMTALLY_SNAPSHOT_FORMAT_H
#define MEMTALLY_SNAPSHOT_FORMAT_H

#include <stdint.h>

#define MANIFEST_NAME "memtally-snapshot.json"
#define MANIFEST_FORMAT "memtally-snapshot"
#define MANIFEST_VERSION 1
/* A snapshot member larger than this is refused (a guard against a
 * hostile header asking for terabytes). kpage files of a 1 TiB machine
 * stay below it. */
#define MEMBER_MAX ((int64_t)4 << 30)

#endif
