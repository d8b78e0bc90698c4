/* An allocation-heavy loop for bench/bpf.sh: each operation makes a few
 * kernel slab allocations and frees them again.
 *
 *   alloc-loop open SECONDS FILE   open(FILE) + close: a struct file, its
 *                                  LSM blob and a names_cache buffer
 *   alloc-loop msg SECONDS         msgsnd + msgrcv of 64 bytes on a
 *                                  private queue: one kmalloc + kfree
 *
 * Prints the operations per second of this process's CPU time (user +
 * system), so that other load on the machine, which steals wall-clock
 * time, disturbs the figure less; the loop runs for SECONDS of CPU time. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct {
		long type;
		char text[64];
	} m = {1, "memtally"};
	double secs, t0, t;
	unsigned long ops = 0;
	int q = -1;

	if (argc < 3)
		return 2;
	secs = strtod(argv[2], NULL);
	if (strcmp(argv[1], "msg") == 0) {
		q = msgget(IPC_PRIVATE, 0600);
		if (q < 0)
			return 1;
	}
	t0 = now();
	do {
		for (int i = 0; i < 1000; i++) {
			if (q >= 0) {
				if (msgsnd(q, &m, sizeof(m.text), 0) < 0 ||
				    msgrcv(q, &m, sizeof(m.text), 0, 0) < 0)
					return 1;
			} else {
				int fd = open(argv[3], O_RDONLY);

				if (fd < 0)
					return 1;
				close(fd);
			}
		}
		ops += 1000;
		t = now();
	} while (t - t0 < secs);
	if (q >= 0)
		msgctl(q, IPC_RMID, NULL);
	printf("%.0f\n", (double)ops / (t - t0));
	return 0;
}
