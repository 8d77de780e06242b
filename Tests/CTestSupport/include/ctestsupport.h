// What the end-to-end tests need of the C library that Glibc's Swift module hides; not part of
// the tools.
#ifndef CTESTSUPPORT_H
#define CTESTSUPPORT_H

#include <spawn.h>

// prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants become our children, to be reaped.
int swns_test_set_child_subreaper(void);
// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): the spawned program gets no descriptor from lowfd up.
int swns_test_spawn_close_from(posix_spawn_file_actions_t *actions, int lowfd);

#endif
