// The few things that Glibc's Swift module hides behind _GNU_SOURCE or does not
// import at all. Everything here has a swns_ / SWNS_ prefix; the .c file checks
// every constant against the real macro.
#ifndef CSWNS_H
#define CSWNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

// CLONE_NEW* namespace bits (linux/sched.h).
#define SWNS_CLONE_NEWTIME   0x00000080
#define SWNS_CLONE_NEWNS     0x00020000
#define SWNS_CLONE_NEWCGROUP 0x02000000
#define SWNS_CLONE_NEWUTS    0x04000000
#define SWNS_CLONE_NEWIPC    0x08000000
#define SWNS_CLONE_NEWUSER   0x10000000
#define SWNS_CLONE_NEWPID    0x20000000
#define SWNS_CLONE_NEWNET    0x40000000

// Mount flags (sys/mount.h), re-exported because Glibc's module imports them as enum cases.
#define SWNS_MS_NOSUID  0x2UL
#define SWNS_MS_NODEV   0x4UL
#define SWNS_MS_NOEXEC  0x8UL
#define SWNS_MS_BIND    0x1000UL
#define SWNS_MS_REC     0x4000UL
#define SWNS_MS_PRIVATE 0x40000UL
#define SWNS_MS_SLAVE   0x80000UL
#define SWNS_MS_SHARED  0x100000UL
#define SWNS_MNT_DETACH 0x2

// ioctl requests on namespace files (linux/nsfs.h).
#define SWNS_NS_GET_USERNS    0xb701UL
#define SWNS_NS_GET_PARENT    0xb702UL
#define SWNS_NS_GET_NSTYPE    0xb703UL
#define SWNS_NS_GET_OWNER_UID 0xb704UL

// Namespace ids (Linux 6.18): NS_GET_ID reads one; a namespace file handle opened against
// FD_NSFS_ROOT reopens the namespace from it (linux/nsfs.h, linux/exportfs.h).
#define SWNS_NS_GET_ID     0x8008b70dUL
#define SWNS_FD_NSFS_ROOT  (-10003)
#define SWNS_FILEID_NSFS   0xf1
// The network namespace of a socket (linux/sockios.h).
#define SWNS_SIOCGSKNS     0x894c
// statfs f_type of pidfs, where each pidfd's inode number names one process for good.
#define SWNS_PIDFS_MAGIC   0x50494446

int swns_unshare(int flags);
int swns_pipe_cloexec(int fds[2]);
// signal(signo, SIG_DFL); -1 on failure.
int swns_default_signal(int signo);
// SIGQUIT as the process got it: ignored if it came ignored, else the default action.
int swns_restore_quit_signal(void);
int swns_setns(int fd, int nstype);
int swns_pidfd_open(pid_t pid, unsigned int flags);
int swns_pidfd_getfd(int pidfd, int targetfd);
// An O_PATH descriptor (of a directory, if `directory`) for `path` resolved as if `rootfd` were
// the root directory, as a process chrooted there resolves it: openat2(2) with RESOLVE_IN_ROOT
// (Linux 5.6 and later; -1 with ENOSYS before). A negative `rootfd`: open(2) of `path` itself.
int swns_open_in_root(int rootfd, const char *path, int directory);
// ioctl(2) with no argument (NS_GET_*, SIOCGSKNS) and with a pointer to a 64-bit value (NS_GET_ID).
int swns_ioctl_none(int fd, unsigned long request);
int swns_ioctl_u64(int fd, unsigned long request, uint64_t *value);
int swns_ioctl_u32(int fd, unsigned long request, uint32_t *value);
// A NETLINK_ROUTE socket, and the id that our network namespace gives the network namespace
// behind nsfd (RTM_GETNSID): the id, -1 when none is assigned, -2 on error.
int swns_netlink_route_open(void);
// The width of the terminal on fd, or 0 when fd is not a terminal.
int swns_terminal_width(int fd);
// getdents64(2): linux_dirent64 records into buf; the bytes read, 0 at the end, -1 on error.
long swns_getdents64(int fd, void *buf, size_t size);
int swns_netnsid(int sock, int nsfd);
// open_by_handle_at(FD_NSFS_ROOT, {id, type 0, inode 0}, O_RDONLY | O_CLOEXEC): the namespace with that id.
int swns_open_namespace_by_id(uint64_t id);
// The f_type of the file system under fd, or 0 with errno set.
long swns_fstatfs_type(int fd);
int swns_set_pdeathsig(int signo);
int swns_cap_ambient_raise(unsigned long cap);
// prctl(PR_SET_KEEPCAPS, on) and prctl(PR_SET_NO_NEW_PRIVS, 1).
int swns_set_keepcaps(int on);
int swns_set_no_new_privs(void);
int swns_sethostname(const char *name, size_t len);
int swns_setdomainname(const char *name, size_t len);
int swns_execvpe(const char *file, char *const argv[], char *const envp[]);
int swns_sigrtmin(void);
int swns_sigrtmax(void);
char *const *swns_environ(void);

// After this call SIGINT and SIGTERM received by the calling process are sent on to `child`.
int swns_forward_signals(pid_t child);

// swlsns --watch's event sources. The proc connector (linux/cn_proc.h): a non-blocking socket that
// receives the kernel's fork, exec and exit events (needs CAP_NET_ADMIN); -errno on failure.
int swns_proc_connector_open(void);
// Reads every pending message; returns how many were fork, exec or exit events (a receive buffer
// that overflowed counts as one: events were lost), 0 when none, -errno on failure.
int swns_proc_connector_drain(int fd);
// A signalfd for SIGINT and SIGTERM, which are blocked first; -errno on failure.
int swns_signalfd_int_term(void);
// Reads one signal from such a signalfd: its number, 0 when none is pending, -errno on failure.
int swns_signalfd_read(int fd);
// The wall-clock time, ISO 8601 with milliseconds and the local offset
// (2026-12-08T02:50:01.123+01:00), in `buffer`; its length, or -1.
int swns_iso8601_now(char *buffer, size_t size);
// CLOCK_MONOTONIC in milliseconds.
int64_t swns_monotonic_ms(void);

// The argument vector that the C runtime passed to main, saved by a constructor, so that a tool
// can parse it without first making Swift strings (CommandLine.arguments).
int swns_argc(void);
char **swns_argv(void);

// getopt_long with its globals behind functions, because Swift 6 rejects mutable C globals.
struct swns_long_option {
    const char *name;
    int has_arg;  // 0 none, 1 required, 2 optional, as in getopt.h
    int val;
};

// getopt's state is global: one parse at a time per process (unit tests parse in parallel).
void swns_getopt_lock(void);
void swns_getopt_unlock(void);

// Resets getopt's state so that a new argument vector can be parsed in the same process.
void swns_getopt_reset(void);

// One step of getopt_long, silent (opterr is 0): the caller words the diagnostics, because
// getopt would write them to the process-wide stderr, which other threads share.
int swns_getopt_long(int argc, char *const argv[], const char *shortopts,
                     const struct swns_long_option *longopts, size_t count);
const char *swns_optarg(void);
int swns_optopt(void);
int swns_optind(void);

#endif
