/*
 * The sandbox zygote: runs inside a long-lived bubblewrap sandbox, forks one run at a time.
 *
 * bubblewrap sets up the expensive, shared part once per worker slot: the user, network, ipc
 * and uts namespaces and the read-only view of /usr and the toolchains. For each run the
 * zygote clones B straight into fresh pid, mount, ipc and uts namespaces: B is pid 1 of the
 * run. It mounts a private tmpfs work dir, /tmp, /dev/shm and a /proc of its own, writes the
 * run's files from descriptors, and forks C, the command, with every capability dropped,
 * NO_NEW_PRIVS, a new session and its limits. When C ends, B reports and exits, and the run's
 * pid namespace ends with it: nothing the run started outlives it.
 *
 * Protocol on the SOCK_SEQPACKET socket given as argv[1]. A request is one message of
 * NUL-terminated "key=value" fields (box, tmp, shm sizes; rlimit=N:SOFT:HARD; file=MODE:NAME;
 * env=NAME=VALUE; arg=VALUE) with descriptors stdin, stdout, stderr and one per file. The
 * answer is "status=S cpu_us=U" or "error=...". A message "kill" ends the current run.
 * Candidate code never runs in this process, nor before its capabilities are gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_MESSAGE (256 * 1024)
#define MAX_FDS 64
#define MAX_ITEMS 256

struct request {
    char *box, *tmp, *shm;
    char *args[MAX_ITEMS + 1];
    char *envs[MAX_ITEMS + 1];
    char *files[MAX_ITEMS];
    char *rlimits[MAX_ITEMS];
    int nargs, nenvs, nfiles, nrlimits;
    int fds[MAX_FDS];
    int nfds;
};

static void die(int report, const char *what) {
    char line[512];
    int n = snprintf(line, sizeof line, "error=%s: %s", what, strerror(errno));
    if (report >= 0 && n > 0) (void)!write(report, line, (size_t)n);
    _exit(1);
}

static void drop_capabilities(int report) {
    int last = CAP_LAST_CAP;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
    if (f) {
        if (fscanf(f, "%d", &last) != 1) last = CAP_LAST_CAP;
        fclose(f);
    }
    for (int cap = 0; cap <= last; cap++) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) != 0) die(report, "capset");
}

static int parse(char *message, size_t length, struct request *req) {
    memset(req, 0, sizeof *req);
    for (char *p = message; p < message + length;) {
        size_t n = strnlen(p, (size_t)(message + length - p));
        if (p + n >= message + length) return -1; /* unterminated */
        char *eq = strchr(p, '=');
        if (!eq) return -1;
        *eq = 0;
        char *value = eq + 1;
        if (!strcmp(p, "box")) req->box = value;
        else if (!strcmp(p, "tmp")) req->tmp = value;
        else if (!strcmp(p, "shm")) req->shm = value;
        else if (!strcmp(p, "arg") && req->nargs < MAX_ITEMS) req->args[req->nargs++] = value;
        else if (!strcmp(p, "env") && req->nenvs < MAX_ITEMS) req->envs[req->nenvs++] = value;
        else if (!strcmp(p, "file") && req->nfiles < MAX_ITEMS) req->files[req->nfiles++] = value;
        else if (!strcmp(p, "rlimit") && req->nrlimits < MAX_ITEMS)
            req->rlimits[req->nrlimits++] = value;
        else return -1;
        p += n + 1;
    }
    if (!req->box || !req->tmp || !req->shm || req->nargs == 0) return -1;
    return 0;
}

static void write_files(struct request *req, int report) {
    for (int i = 0; i < req->nfiles; i++) {
        unsigned mode = 0644;
        char *colon = strchr(req->files[i], ':');
        if (!colon) die(report, "file field");
        *colon = 0;
        mode = (unsigned)strtoul(req->files[i], NULL, 8) & 0777;
        const char *name = colon + 1;
        if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..") || !*name)
            die(report, "file name");
        char path[512];
        snprintf(path, sizeof path, "/box/%s", name);
        int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (out < 0) die(report, "create file");
        int in = req->fds[3 + i];
        char buffer[1 << 16];
        off_t offset = 0;
        for (;;) {
            ssize_t got = pread(in, buffer, sizeof buffer, offset);
            if (got < 0) die(report, "read file");
            if (got == 0) break;
            for (ssize_t done = 0; done < got;) {
                ssize_t put = write(out, buffer + done, (size_t)(got - done));
                if (put < 0) die(report, "write file");
                done += put;
            }
            offset += got;
        }
        if (fchmod(out, mode) != 0) die(report, "chmod");
        close(out);
        close(in);
    }
}

static void command(struct request *req, int report) {
    if (setsid() < 0) die(report, "setsid");
    for (int i = 0; i < 3; i++)
        if (dup2(req->fds[i], i) < 0) die(report, "dup2");
    for (int i = 0; i < req->nrlimits; i++) {
        int resource;
        unsigned long long soft, hard;
        if (sscanf(req->rlimits[i], "%d:%llu:%llu", &resource, &soft, &hard) != 3)
            die(report, "rlimit field");
        struct rlimit limit = {(rlim_t)soft, (rlim_t)hard};
        if (setrlimit(resource, &limit) != 0) die(report, "setrlimit");
    }
    if (chdir("/box") != 0) die(report, "chdir");
    int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (adj >= 0) { /* the run, never the zygote, is what the OOM killer takes */
        (void)!write(adj, "1000", 4);
        close(adj);
    }
    drop_capabilities(report);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die(report, "no_new_privs");
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* everything but stdio goes: the report pipe and the files are closed on exec */
    syscall(SYS_close_range, 3U, ~0U, 0U);
    execve(req->args[0], req->args, req->envs);
    dprintf(2, "sandbox: cannot start %s: %s\n", req->args[0], strerror(errno));
    _exit(127);
}

static void run_init(struct request *req, int report) {
    /* if the zygote dies, so does the run */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    char options[128];
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) die(report, "make private");
    snprintf(options, sizeof options, "size=%s,mode=0777", req->box);
    if (mount("tmpfs", "/box", "tmpfs", MS_NOSUID | MS_NODEV, options)) die(report, "mount box");
    snprintf(options, sizeof options, "size=%s,mode=1777", req->tmp);
    if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, options)) die(report, "mount tmp");
    snprintf(options, sizeof options, "size=%s,mode=1777", req->shm);
    if (mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, options))
        die(report, "mount shm");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
        die(report, "mount proc");
    sethostname("sandbox", 7);
    write_files(req, report);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    pid_t child = fork();
    if (child < 0) die(report, "fork command");
    if (child == 0) command(req, report);
    for (int i = 0; i < 3; i++) close(req->fds[i]);
    drop_capabilities(report);
    long long cpu_us = 0;
    for (;;) { /* reap everything; the command's end is the run's end */
        int status;
        struct rusage usage;
        pid_t pid = wait4(-1, &status, 0, &usage);
        if (pid < 0) {
            if (errno == EINTR) continue;
            die(report, "wait");
        }
        cpu_us += (long long)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec +
                  (long long)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
        if (pid == child) {
            char line[128];
            int n = snprintf(line, sizeof line, "status=%d cpu_us=%lld", status, cpu_us);
            (void)!write(report, line, (size_t)n);
            _exit(0);
        }
    }
}

/* fork() into new namespaces: the child is pid 1 of a pid namespace of its own */
static pid_t clone_run(void) {
    return (pid_t)syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
                          SIGCHLD, NULL, NULL, NULL, 0);
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    int control = atoi(argv[1]);
    static char message[MAX_MESSAGE];
    char ancillary[CMSG_SPACE(sizeof(int) * MAX_FDS)];
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        struct iovec iov = {message, sizeof message - 1};
        struct msghdr msg = {0};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ancillary;
        msg.msg_controllen = sizeof ancillary;
        ssize_t got = recvmsg(control, &msg, MSG_CMSG_CLOEXEC);
        if (got <= 0) return 0; /* the judge went away */
        struct request req;
        int fds[MAX_FDS], nfds = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                for (int i = 0; i < n && nfds < MAX_FDS; i++)
                    memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            }
        }
        if (got == 4 && !memcmp(message, "kill", 4)) { /* for a run already over */
            for (int i = 0; i < nfds; i++) close(fds[i]);
            continue;
        }
        if (parse(message, (size_t)got, &req) != 0 || nfds != 3 + req.nfiles) {
            for (int i = 0; i < nfds; i++) close(fds[i]);
            const char *bad = "error=malformed request";
            send(control, bad, strlen(bad), 0);
            continue;
        }
        memcpy(req.fds, fds, sizeof(int) * (size_t)nfds);
        req.nfds = nfds;
        req.args[req.nargs] = NULL;
        req.envs[req.nenvs] = NULL;
        int pipe_fds[2];
        if (pipe2(pipe_fds, O_CLOEXEC) != 0) return 1;
        pid_t runner = clone_run();
        if (runner < 0) {
            const char *failed = "error=clone: cannot make the run's namespaces";
            for (int i = 0; i < nfds; i++) close(fds[i]);
            close(pipe_fds[0]);
            close(pipe_fds[1]);
            send(control, failed, strlen(failed), 0);
            continue;
        }
        if (runner == 0) {
            close(control);
            close(pipe_fds[0]);
            run_init(&req, pipe_fds[1]);
        }
        close(pipe_fds[1]);
        for (int i = 0; i < nfds; i++) close(fds[i]);
        char report[512];
        size_t have = 0;
        struct pollfd watch[2] = {{control, POLLIN, 0}, {pipe_fds[0], POLLIN, 0}};
        for (;;) {
            if (poll(watch, 2, -1) < 0) {
                if (errno == EINTR) continue;
                return 1;
            }
            if (watch[0].revents) {
                char note[16];
                ssize_t n = recv(control, note, sizeof note, 0);
                kill(runner, SIGKILL); /* pid 1 of the run: its namespace goes with it */
                if (n <= 0) return 0;
            }
            if (watch[1].revents) {
                ssize_t n = read(pipe_fds[0], report + have, sizeof report - 1 - have);
                if (n <= 0) break;
                have += (size_t)n;
            }
        }
        close(pipe_fds[0]);
        int status;
        while (waitpid(runner, &status, 0) < 0 && errno == EINTR) {
        }
        if (have == 0) {
            strcpy(report, "killed=1");
            have = strlen(report);
        }
        send(control, report, have, 0);
    }
}
