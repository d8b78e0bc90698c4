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
/* Limits against a snapshot bomb, far above what a real snapshot holds
 * (this VM's: 3,439 entries, a 0.4 MiB manifest, 0.6 MiB of members):
 * the manifest's size, its entries (files, directories, links, errors),
 * and the sum of the members other than the three kpage files (those
 * are capped at MEMBER_MAX each). Each is checked before the bytes it
 * guards are read or parsed. */
#define SNAPSHOT_MANIFEST_MAX ((int64_t)32 << 20)
#define SNAPSHOT_ENTRIES_MAX 200000
#define SNAPSHOT_TOTAL_MAX ((uint64_t)256 << 20)

#endif
