/*
 * Runs a program once and prints its peak resident memory in KiB (wait4's ru_maxrss) and the page
 * faults it took (ru_minflt + ru_majflt): the pages its run touched, which the link order keeps few.
 *
 * startup.py cannot take this figure from the processes it starts itself: a child made from Python
 * by fork or vfork begins with Python's resident pages, and exec records that memory map's
 * high-water mark in ru_maxrss, so every tool would appear to peak at Python's size. A child of
 * this small program starts from a few pages, and the figure is the tool's own.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: peak_rss PROGRAM [ARGUMENT...]\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("peak_rss: fork");
		return 2;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, STDOUT_FILENO);
		execv(argv[1], argv + 1);
		perror("peak_rss: execv");
		_exit(127);
	}
	int status;
	struct rusage usage;
	if (wait4(pid, &status, 0, &usage) < 0) {
		perror("peak_rss: wait4");
		return 2;
	}
	printf("%ld %ld\n", usage.ru_maxrss, usage.ru_minflt + usage.ru_majflt);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
