#define _GNU_SOURCE
#include "cswns.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <linux/sockios.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/net_namespace.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <time.h>
#include <linux/connector.h>
#include <linux/cn_proc.h>

_Static_assert(SWNS_CLONE_NEWTIME == CLONE_NEWTIME, "CLONE_NEWTIME");
_Static_assert(SWNS_CLONE_NEWNS == CLONE_NEWNS, "CLONE_NEWNS");
_Static_assert(SWNS_CLONE_NEWCGROUP == CLONE_NEWCGROUP, "CLONE_NEWCGROUP");
_Static_assert(SWNS_CLONE_NEWUTS == CLONE_NEWUTS, "CLONE_NEWUTS");
_Static_assert(SWNS_CLONE_NEWIPC == CLONE_NEWIPC, "CLONE_NEWIPC");
_Static_assert(SWNS_CLONE_NEWUSER == CLONE_NEWUSER, "CLONE_NEWUSER");
_Static_assert(SWNS_CLONE_NEWPID == CLONE_NEWPID, "CLONE_NEWPID");
_Static_assert(SWNS_CLONE_NEWNET == CLONE_NEWNET, "CLONE_NEWNET");
_Static_assert(SWNS_MS_NOSUID == MS_NOSUID, "MS_NOSUID");
_Static_assert(SWNS_MS_NODEV == MS_NODEV, "MS_NODEV");
_Static_assert(SWNS_MS_NOEXEC == MS_NOEXEC, "MS_NOEXEC");
_Static_assert(SWNS_MS_BIND == MS_BIND, "MS_BIND");
_Static_assert(SWNS_MS_REC == MS_REC, "MS_REC");
_Static_assert(SWNS_MS_PRIVATE == MS_PRIVATE, "MS_PRIVATE");
_Static_assert(SWNS_MS_SLAVE == MS_SLAVE, "MS_SLAVE");
_Static_assert(SWNS_MS_SHARED == MS_SHARED, "MS_SHARED");
_Static_assert(SWNS_MNT_DETACH == MNT_DETACH, "MNT_DETACH");
_Static_assert(SWNS_NS_GET_USERNS == NS_GET_USERNS, "NS_GET_USERNS");
_Static_assert(SWNS_NS_GET_PARENT == NS_GET_PARENT, "NS_GET_PARENT");
_Static_assert(SWNS_NS_GET_NSTYPE == NS_GET_NSTYPE, "NS_GET_NSTYPE");
_Static_assert(SWNS_NS_GET_OWNER_UID == NS_GET_OWNER_UID, "NS_GET_OWNER_UID");
_Static_assert(SWNS_NS_GET_ID == _IOR(0xb7, 13, uint64_t), "NS_GET_ID");
_Static_assert(SWNS_SIOCGSKNS == SIOCGSKNS, "SIOCGSKNS");

int swns_unshare(int flags) { return unshare(flags); }
int swns_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
int swns_default_signal(int signo) { return signal(signo, SIG_DFL) == SIG_ERR ? -1 : 0; }
int swns_setns(int fd, int nstype) { return setns(fd, nstype); }
int swns_pidfd_open(pid_t pid, unsigned int flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }
int swns_open_in_root(int rootfd, const char *path, int directory)
{
	int flags = O_PATH | O_CLOEXEC | (directory ? O_DIRECTORY : 0);
	if (rootfd < 0)
		return open(path, flags);
	struct open_how how = { .flags = (unsigned long long)flags, .resolve = RESOLVE_IN_ROOT };
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}
int swns_pidfd_getfd(int pidfd, int targetfd) { return (int)syscall(SYS_pidfd_getfd, pidfd, targetfd, 0); }
int swns_ioctl_none(int fd, unsigned long request) { return ioctl(fd, request); }
int swns_ioctl_u64(int fd, unsigned long request, uint64_t *value) { return ioctl(fd, request, value); }
int swns_ioctl_u32(int fd, unsigned long request, uint32_t *value) { return ioctl(fd, request, value); }

long swns_getdents64(int fd, void *buf, size_t size) { return syscall(SYS_getdents64, fd, buf, size); }

int swns_terminal_width(int fd) {
    struct winsize size;
    if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &size) != 0)
        return 0;
    return size.ws_col;
}

int swns_netlink_route_open(void) { return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE); }

int swns_netnsid(int sock, int nsfd) {
    static unsigned int sequence;
    char request[NLMSG_SPACE(sizeof(struct rtgenmsg)) + RTA_SPACE(sizeof(int))];
    memset(request, 0, sizeof(request));
    struct nlmsghdr *header = (struct nlmsghdr *)request;
    header->nlmsg_len = NLMSG_LENGTH(sizeof(struct rtgenmsg));
    header->nlmsg_type = RTM_GETNSID;
    header->nlmsg_flags = NLM_F_REQUEST;
    header->nlmsg_seq = ++sequence;
    ((struct rtgenmsg *)NLMSG_DATA(header))->rtgen_family = AF_UNSPEC;
    struct rtattr *attribute = (struct rtattr *)(request + NLMSG_ALIGN(header->nlmsg_len));
    attribute->rta_type = NETNSA_FD;
    attribute->rta_len = RTA_LENGTH(sizeof(int));
    memcpy(RTA_DATA(attribute), &nsfd, sizeof(int));
    header->nlmsg_len = NLMSG_ALIGN(header->nlmsg_len) + RTA_ALIGN(attribute->rta_len);
    if (send(sock, request, header->nlmsg_len, 0) < 0)
        return -2;

    char reply[1024];
    ssize_t length = recv(sock, reply, sizeof(reply), 0);
    if (length < (ssize_t)NLMSG_LENGTH(sizeof(struct rtgenmsg)))
        return -2;
    struct nlmsghdr *answer = (struct nlmsghdr *)reply;
    if (answer->nlmsg_type != RTM_NEWNSID || answer->nlmsg_len > (unsigned)length)
        return -2;
    int remaining = (int)answer->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct rtgenmsg)));
    struct rtattr *field = (struct rtattr *)((char *)NLMSG_DATA(answer) + NLMSG_ALIGN(sizeof(struct rtgenmsg)));
    for (; RTA_OK(field, remaining); field = RTA_NEXT(field, remaining)) {
        if (field->rta_type == NETNSA_NSID) {
            int id;
            memcpy(&id, RTA_DATA(field), sizeof(id));
            return id < 0 ? -1 : id;
        }
    }
    return -1;
}

int swns_open_namespace_by_id(uint64_t id) {
    // struct nsfs_file_handle: ns_id, then ns_type and ns_inum, both 0 to match any.
    struct file_handle *handle = calloc(1, sizeof(*handle) + 16);
    if (!handle)
        return -1;
    handle->handle_bytes = 16;
    handle->handle_type = SWNS_FILEID_NSFS;
    memcpy(handle->f_handle, &id, sizeof(id));
    int fd = open_by_handle_at(SWNS_FD_NSFS_ROOT, handle, O_RDONLY | O_CLOEXEC);
    int saved = errno;
    free(handle);
    errno = saved;
    return fd;
}

long swns_fstatfs_type(int fd) {
    struct statfs buf;
    if (fstatfs(fd, &buf) != 0)
        return 0;
    return (long)buf.f_type;
}

int swns_set_pdeathsig(int signo) { return prctl(PR_SET_PDEATHSIG, signo, 0, 0, 0); }
int swns_set_keepcaps(int on) { return prctl(PR_SET_KEEPCAPS, on, 0, 0, 0); }
int swns_set_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }
int swns_cap_ambient_raise(unsigned long cap) { return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0); }
int swns_sethostname(const char *name, size_t len) { return sethostname(name, len); }
int swns_setdomainname(const char *name, size_t len) { return setdomainname(name, len); }
static int saved_argc;
static char **saved_argv;

// glibc calls the functions of .init_array with main's arguments, also in static executables.
__attribute__((constructor)) static void save_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}

// Whether SIGQUIT came to us ignored (a shell's background job): read before the Swift runtime's
// start-up puts its crash handler there, by a constructor that runs ahead of the default ones.
static int quit_was_ignored;

__attribute__((constructor(101))) static void save_quit_disposition(void) {
    struct sigaction action;
    quit_was_ignored = sigaction(SIGQUIT, NULL, &action) == 0 && action.sa_handler == SIG_IGN;
}

int swns_restore_quit_signal(void) { return signal(SIGQUIT, quit_was_ignored ? SIG_IGN : SIG_DFL) == SIG_ERR ? -1 : 0; }

int swns_argc(void) { return saved_argc; }
char **swns_argv(void) { return saved_argv; }

// execvp with the program's environment in place first, as util-linux's clearenv(), setenv()
// and execvp() have it: PATH is searched as the new environment sets it (or glibc's default
// path when it sets none), not as ours does. The environment comes back when exec fails.
int swns_execvpe(const char *file, char *const argv[], char *const envp[])
{
	char **saved = environ;
	environ = (char **)envp;
	int rc = execvp(file, argv);
	int error = errno;
	environ = saved;
	errno = error;
	return rc;
}
int swns_sigrtmin(void) { return SIGRTMIN; }
int swns_sigrtmax(void) { return SIGRTMAX; }
char *const *swns_environ(void) { return environ; }

// A signal handler can only reach globals; this one is written once, before the
// handlers are installed, and read only by them.
static volatile sig_atomic_t forward_target;

static void forward_signal(int signo) {
    int saved = errno;
    if (forward_target > 0)
        kill((pid_t)forward_target, signo);
    errno = saved;
}

int swns_forward_signals(pid_t child) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = forward_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    forward_target = child;
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGTERM, &action, NULL) != 0)
        return -1;
    return 0;
}

static pthread_mutex_t getopt_mutex = PTHREAD_MUTEX_INITIALIZER;
void swns_getopt_lock(void) { pthread_mutex_lock(&getopt_mutex); }
void swns_getopt_unlock(void) { pthread_mutex_unlock(&getopt_mutex); }

void swns_getopt_reset(void) {
    // optind = 0 makes glibc reinitialise its internal state, including the
    // position inside a group of short options.
    optind = 0;
    opterr = 0;
}

int swns_getopt_long(int argc, char *const argv[], const char *shortopts,
                     const struct swns_long_option *longopts, size_t count) {
    struct option *table = calloc(count + 1, sizeof(*table));
    if (!table)
        return -2;
    for (size_t i = 0; i < count; i++) {
        table[i].name = longopts[i].name;
        table[i].has_arg = longopts[i].has_arg;
        table[i].flag = NULL;
        table[i].val = longopts[i].val;
    }
    int c = getopt_long(argc, argv, shortopts, table, NULL);
    free(table);
    return c;
}

const char *swns_optarg(void) { return optarg; }
int swns_optopt(void) { return optopt; }
int swns_optind(void) { return optind; }

int swns_proc_connector_open(void) {
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
    if (fd < 0)
        return -errno;
    struct sockaddr_nl address = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0 };
    if (bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    char request[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))];
    memset(request, 0, sizeof(request));
    struct nlmsghdr *header = (struct nlmsghdr *)request;
    header->nlmsg_len = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op));
    header->nlmsg_type = NLMSG_DONE;
    header->nlmsg_pid = 0;
    struct cn_msg *message = (struct cn_msg *)NLMSG_DATA(header);
    message->id.idx = CN_IDX_PROC;
    message->id.val = CN_VAL_PROC;
    message->len = sizeof(enum proc_cn_mcast_op);
    enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
    memcpy(message->data, &op, sizeof(op));
    if (send(fd, request, header->nlmsg_len, 0) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

int swns_proc_connector_drain(int fd) {
    int count = 0;
    char buffer[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
    for (;;) {
        ssize_t length = recv(fd, buffer, sizeof(buffer), 0);
        if (length < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return count;
            if (errno == EINTR)
                continue;
            if (errno == ENOBUFS) {
                count++;
                continue;
            }
            return -errno;
        }
        if (length == 0)
            return count;
        for (struct nlmsghdr *header = (struct nlmsghdr *)buffer; NLMSG_OK(header, (unsigned)length);
             header = NLMSG_NEXT(header, length)) {
            if (header->nlmsg_type == NLMSG_ERROR || header->nlmsg_type == NLMSG_NOOP)
                continue;
            struct cn_msg *message = (struct cn_msg *)NLMSG_DATA(header);
            if (message->id.idx != CN_IDX_PROC || message->id.val != CN_VAL_PROC)
                continue;
            if (message->len < sizeof(struct proc_event) - sizeof(((struct proc_event *)0)->event_data))
                continue;
            struct proc_event *event = (struct proc_event *)message->data;
            if (event->what == PROC_EVENT_FORK || event->what == PROC_EVENT_EXEC || event->what == PROC_EVENT_EXIT)
                count++;
        }
    }
}

int swns_signalfd_int_term(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return -errno;
    int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

int swns_signalfd_read(int fd) {
    struct signalfd_siginfo info;
    ssize_t length = read(fd, &info, sizeof(info));
    if (length < 0)
        return errno == EAGAIN ? 0 : -errno;
    return length == sizeof(info) ? (int)info.ssi_signo : 0;
}

int swns_iso8601_now(char *buffer, size_t size) {
    struct timespec now;
    struct tm local;
    if (clock_gettime(CLOCK_REALTIME, &now) < 0 || !localtime_r(&now.tv_sec, &local))
        return -1;
    char date[32], zone[8];
    if (!strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &local) || !strftime(zone, sizeof(zone), "%z", &local))
        return -1;
    // %z gives +hhmm; ISO 8601's extended format has +hh:mm.
    int length = snprintf(buffer, size, "%s.%03ld%.3s:%s", date, now.tv_nsec / 1000000, zone, zone + 3);
    return length < 0 || (size_t)length >= size ? -1 : length;
}

int64_t swns_monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}
