#!/usr/bin/env python3
"""Run a command with a real pseudo-terminal as its controlling terminal, and type into it.

  pty_feed.py --transcript FILE [--expect TEXT --send TEXT] [--timeout SECONDS] -- CMD [ARGS...]

CMD runs in a new session whose controlling terminal is a fresh pty (so /dev/tty works, as for a
user at a terminal); its stdin is that pty, its stdout and stderr are this script's (so a caller
can capture them apart from what is shown on the terminal). Everything CMD writes to the terminal
is copied to --transcript. Once TEXT has appeared on the terminal, SEND is typed (backslash escapes
such as \\n are decoded), once. Exits with CMD's exit status (128+N for signal N), or 124 after
--timeout (default 30) seconds, when CMD is killed.
"""

import argparse
import fcntl
import os
import select
import signal
import subprocess
import sys
import termios
import time


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--transcript", required=True)
    p.add_argument("--expect")
    p.add_argument("--send", default="")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    args = p.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        p.error("no command")
    send = args.send.encode().decode("unicode_escape").encode()

    master, slave = os.openpty()

    def become_terminal_user():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    child = subprocess.Popen(cmd, stdin=slave, preexec_fn=become_terminal_user, close_fds=True)
    os.close(slave)

    seen = b""
    sent = args.expect is None and not send
    deadline = time.monotonic() + args.timeout
    with open(args.transcript, "wb") as transcript:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                child.kill()
                child.wait()
                return 124
            ready, _, _ = select.select([master], [], [], min(left, 0.1))
            if ready:
                try:
                    data = os.read(master, 4096)
                except OSError:  # EIO: every slave side is closed
                    data = b""
                if data:
                    transcript.write(data)
                    transcript.flush()
                    seen += data
                    if not sent and args.expect is not None and args.expect.encode() in seen:
                        os.write(master, send)
                        sent = True
                    continue
                if child.poll() is not None:
                    break
                time.sleep(0.05)  # the terminal is closed but CMD still runs: do not spin
            if child.poll() is not None:
                # Drain what is left, then stop.
                ready, _, _ = select.select([master], [], [], 0.2)
                if not ready:
                    break
    os.close(master)
    rc = child.wait()
    return 128 - rc if rc < 0 else rc


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
