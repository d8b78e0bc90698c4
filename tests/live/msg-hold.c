/* Helper for tests/live/bpf.sh: make N System V messages of S bytes in a
 * private queue, hold them until a line arrives on stdin, then remove the
 * queue (which frees every message) and exit.
 *
 *   msg-hold N S READYFILE
 *
 * Writes "ready" to READYFILE once all N messages are queued. Each
 * message is one kmalloc of sizeof(struct msg_msg) + S bytes in the
 * kernel's load_msg() (S up to a page minus the header). A queue holds
 * msgmnb bytes (16 KiB by default) and raising that needs
 * CAP_SYS_RESOURCE, so the messages are spread over as many private
 * queues as needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

int main(int argc, char **argv)
{
	struct msqid_ds ds;
	unsigned long n, s, nq = 0, left = 0;
	char line[16];
	int *qs;
	struct {
		long type;
		char text[8192];
	} * m;
	FILE *f;

	if (argc != 4)
		return 2;
	n = strtoul(argv[1], NULL, 10);
	s = strtoul(argv[2], NULL, 10);
	if (!n || !s || s > 8192)
		return 2;
	m = calloc(1, sizeof(*m));
	if (!m)
		return 1;
	m->type = 1;
	memset(m->text, 'x', s);
	qs = calloc(n, sizeof(*qs));
	if (!qs)
		return 1;
	for (unsigned long i = 0; i < n; i++) {
		if (nq == 0 || left == 0) {
			qs[nq] = msgget(IPC_PRIVATE, 0600);
			if (qs[nq] < 0) {
				perror("msgget");
				goto fail;
			}
			if (msgctl(qs[nq], IPC_STAT, &ds) < 0) {
				perror("msgctl");
				goto fail;
			}
			left = ds.msg_qbytes / s;
			nq++;
			if (left == 0)
				goto fail;
		}
		if (msgsnd(qs[nq - 1], m, s, IPC_NOWAIT) < 0) {
			perror("msgsnd");
			goto fail;
		}
		left--;
	}
	f = fopen(argv[3], "w");
	if (f) {
		fputs("ready\n", f);
		fclose(f);
	}
	if (!fgets(line, sizeof(line), stdin))
		line[0] = '\0';
	for (unsigned long i = 0; i < nq; i++)
		msgctl(qs[i], IPC_RMID, NULL);
	free(qs);
	free(m);
	return 0;
fail:
	for (unsigned long i = 0; i < nq; i++)
		msgctl(qs[i], IPC_RMID, NULL);
	return 1;
}
