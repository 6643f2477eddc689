/* cx-relay: the in-container relay from a loopback TCP port to cx's broker.
 *
 *   cx-relay PORT unix:PATH        (local transport: the broker's socket, mounted at /run/cx)
 *   cx-relay PORT tcp:HOST:PORT    (remote transport: the gate container)
 *
 * Listens on 127.0.0.1:PORT, and only then goes to the background: when the
 * command returns 0, the port accepts connections, so the entrypoint needs
 * no polling. Each connection is relayed by a child process of its own,
 * both directions at once, with half-closes passed on. Compiled in the
 * image's builder stage; it replaces socat on the session's way to claude,
 * whose start-up (its TLS and Kerberos libraries) cost each session tens of
 * milliseconds (BENCHMARKS.md). Exit status: 0 listening, 125 cannot listen,
 * 2 usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BUF_SIZE 65536
#define CONNECT_TIMEOUT_MS 10000

static const char *target;

static int set_nonblock(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Finishes a non-blocking connect within the timeout; 0 when connected. */
static int await_connect(int fd) {
  struct pollfd p = {fd, POLLOUT, 0};
  int err = 0;
  socklen_t len = sizeof err;
  if (poll(&p, 1, CONNECT_TIMEOUT_MS) != 1) return -1;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return -1;
  return 0;
}

/* Connects to the target; a non-blocking descriptor, or -1. */
static int connect_target(void) {
  if (strncmp(target, "unix:", 5) == 0) {
    struct sockaddr_un a;
    const char *path = target + 5;
    int fd;
    memset(&a, 0, sizeof a);
    if (strlen(path) >= sizeof a.sun_path) return -1;
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || set_nonblock(fd) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }
  if (strncmp(target, "tcp:", 4) == 0) {
    char host[256];
    const char *rest = target + 4, *colon = strrchr(rest, ':');
    struct addrinfo hints, *res, *ai;
    int fd = -1;
    if (colon == NULL || (size_t)(colon - rest) >= sizeof host) return -1;
    memcpy(host, rest, (size_t)(colon - rest));
    host[colon - rest] = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0) return -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
      fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0) continue;
      if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
          (errno == EINPROGRESS && await_connect(fd) == 0))
        break;
      close(fd);
      fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
  }
  return -1;
}

/* One direction of a connection: bytes read from `from`, not yet written to `to`. */
struct half {
  int from, to;
  char buf[BUF_SIZE];
  size_t len, off;
  int eof;  /* `from` ended; once the buffer is written, `to` is shut for writing */
  int done; /* the shutdown was passed on */
};

/* Moves what can move without blocking; -1 on an error that ends the connection. */
static int pump(struct half *h, short from_events, short to_events) {
  if (h->len == 0 && !h->eof && (from_events & (POLLIN | POLLHUP | POLLERR))) {
    ssize_t n = read(h->from, h->buf, sizeof h->buf);
    if (n > 0) {
      h->len = (size_t)n;
      h->off = 0;
    } else if (n == 0) {
      h->eof = 1;
    } else if (errno != EAGAIN && errno != EINTR) {
      return -1;
    }
  }
  if (h->len > 0 && (to_events & POLLOUT || to_events == 0)) {
    ssize_t n = send(h->to, h->buf + h->off, h->len, MSG_NOSIGNAL);
    if (n > 0) {
      h->off += (size_t)n;
      h->len -= (size_t)n;
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return -1;
    }
  }
  if (h->eof && h->len == 0 && !h->done) {
    shutdown(h->to, SHUT_WR);
    h->done = 1;
  }
  return 0;
}

static void relay(int client) {
  static struct half up, down;
  int server = connect_target();
  if (server < 0 || set_nonblock(client) != 0) _exit(1);
  up.from = down.to = client;
  up.to = down.from = server;
  while (!(up.done && down.done)) {
    struct pollfd p[2] = {{client, 0, 0}, {server, 0, 0}};
    /* Read only into an empty buffer; wait to write only with bytes to write. */
    if (up.len == 0 && !up.eof) p[0].events |= POLLIN;
    if (down.len == 0 && !down.eof) p[1].events |= POLLIN;
    if (up.len > 0) p[1].events |= POLLOUT;
    if (down.len > 0) p[0].events |= POLLOUT;
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      _exit(1);
    }
    if (pump(&up, p[0].revents, p[1].revents) != 0 || pump(&down, p[1].revents, p[0].revents) != 0)
      _exit(1);
    /* A peer that has closed both ways (POLLHUP, or an error) and said all it
     * had to say can take nothing more: the connection is over. */
    if ((p[0].revents & (POLLHUP | POLLERR)) && up.eof) break;
    if ((p[1].revents & (POLLHUP | POLLERR)) && down.eof) break;
  }
  _exit(0);
}

int main(int argc, char **argv) {
  struct sockaddr_in a;
  int one = 1, port, s;
  char *end;
  if (argc != 3) {
    fprintf(stderr, "usage: cx-relay PORT unix:PATH|tcp:HOST:PORT\n");
    return 2;
  }
  port = (int)strtol(argv[1], &end, 10);
  if (*end != '\0' || port < 1 || port > 65535) {
    fprintf(stderr, "cx-relay: bad port %s\n", argv[1]);
    return 2;
  }
  target = argv[2];
  s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 128) != 0) {
    fprintf(stderr, "cx-relay: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
    return 125;
  }
  /* Listening: the caller may go on. Children are reaped by the kernel. */
  switch (fork()) {
    case -1:
      fprintf(stderr, "cx-relay: fork: %s\n", strerror(errno));
      return 125;
    case 0:
      break;
    default:
      return 0;
  }
  /* The background relay holds none of the container's standard streams. */
  {
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      if (null > 2) close(null);
    }
  }
  setsid();
  signal(SIGCHLD, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  for (;;) {
    int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE ||
          errno == ENOBUFS || errno == ENOMEM || errno == EPROTO)
        continue;
      return 1;
    }
    switch (fork()) {
      case 0:
        close(s);
        relay(c);
        break;
      default:
        close(c); /* on a failed fork too: that connection is refused */
    }
  }
}
