/* epoll-churn N: add a pipe to an epoll set and remove it again, N times.
 * Each EPOLL_CTL_ADD allocates an epitem (slab cache eventpoll_epi) in
 * do_epoll_ctl(); each EPOLL_CTL_DEL frees it with kfree_rcu(), which no
 * tracepoint shows (tests/live/bpf-rcu.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int n, ep, p[2];

	if (argc != 2 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: epoll-churn N\n");
		return 2;
	}
	ep = epoll_create1(0);
	if (ep < 0 || pipe(p) < 0) {
		perror("epoll-churn");
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0 ||
		    epoll_ctl(ep, EPOLL_CTL_DEL, p[0], &ev) < 0) {
			perror("epoll-churn: epoll_ctl");
			return 1;
		}
	return 0;
}
