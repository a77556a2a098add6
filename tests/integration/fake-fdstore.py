#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A stand-in for systemd's side of the fd store protocol (no systemd as
PID 1 on the test machines): what vpdnd's restart through the fd store
(docs/RESTART.md) needs of the service manager, nothing more.

    fake-fdstore.py SOCKET LOG [--restart-job FILE] -- COMMAND...

Binds the AF_UNIX datagram socket SOCKET, runs COMMAND with
NOTIFY_SOCKET=SOCKET, and keeps, as systemd does with
FileDescriptorStoreMax=: FDSTORE=1 (with FDNAME=) stores the descriptors
passed with SCM_RIGHTS, FDSTOREREMOVE=1 FDNAME= drops them. When the
command exits with status 75 (the unit's RestartForceExitStatus=75), it
is started again with the store passed as systemd passes it: at 3, 4, ...
with LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID (the new process's pid).
Any other exit ends the fake with the command's status. SIGTERM is
passed on to the command. Every event is a line in LOG.
"""
import array
import fcntl
import os
import select
import signal
import socket
import sys

MAX_FDS = 4096


def main():
    sock_path, log_path = sys.argv[1], sys.argv[2]
    # --restart-job FILE: an exit 0 while FILE says "restart" is the stop
    # half of systemctl restart: the restart job starts the unit again.
    job_file = sys.argv[sys.argv.index("--restart-job") + 1] if "--restart-job" in sys.argv else None
    cmd = sys.argv[sys.argv.index("--") + 1:]
    log = open(log_path, "a", buffering=1)
    try:
        os.unlink(sock_path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    store = []  # [name, fd] in store order
    child = None

    def on_term(signum, frame):
        if child:
            os.kill(child, signal.SIGTERM)
    signal.signal(signal.SIGTERM, on_term)

    def drain(block):
        while True:
            r, _, _ = select.select([sock], [], [], 0.05 if block else 0)
            if not r:
                return
            fds = array.array("i")
            msg, anc, _, _ = sock.recvmsg(65536, socket.CMSG_SPACE(253 * fds.itemsize))
            for level, typ, data in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                    fds.frombytes(data[:len(data) - len(data) % fds.itemsize])
            fields = dict(l.split("=", 1) for l in msg.decode().split("\n") if "=" in l)
            name = fields.get("FDNAME", "stored")
            if fields.get("FDSTORE") == "1":
                for fd in fds:
                    if len(store) >= MAX_FDS:
                        os.close(fd)
                        log.write("store full: %s dropped\n" % name)
                        continue
                    store.append([name, fd])
                    log.write("stored %s\n" % name)
            else:
                for fd in fds:
                    os.close(fd)
            if fields.get("FDSTOREREMOVE") == "1":
                for e in [e for e in store if e[0] == name]:
                    os.close(e[1])
                    store.remove(e)
                    log.write("removed %s\n" % name)
            for k in ("READY", "STOPPING"):
                if fields.get(k) == "1":
                    log.write("%s\n" % k)

    def start():
        pid = os.fork()
        if pid == 0:
            # Out of the way first, then at 3, 4, ... as systemd does.
            high = [fcntl.fcntl(e[1], fcntl.F_DUPFD_CLOEXEC, 3 + len(store)) for e in store]
            for i, fd in enumerate(high):
                os.dup2(fd, 3 + i, inheritable=True)
            env = dict(os.environ, NOTIFY_SOCKET=sock_path)
            for k in ("LISTEN_FDS", "LISTEN_FDNAMES", "LISTEN_PID"):
                env.pop(k, None)
            if store:
                env.update(LISTEN_FDS=str(len(store)), LISTEN_PID=str(os.getpid()),
                           LISTEN_FDNAMES=":".join(e[0] for e in store))
            os.execvpe(cmd[0], cmd, env)
        log.write("start %d with %d descriptor%s\n" % (pid, len(store), "" if len(store) == 1 else "s"))
        return pid

    child = start()
    while True:
        drain(True)
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid == 0:
            continue
        drain(False)
        code = os.waitstatus_to_exitcode(status)
        log.write("exit %d\n" % code)
        restart_job = False
        if job_file and code == 0:
            try:
                restart_job = open(job_file).read().split() == ["restart"]
            except OSError:
                pass
        if restart_job:
            log.write("restart job\n")
        if code != 75 and not restart_job:
            log.write("store at the end: %d\n" % len(store))
            sys.exit(code if code >= 0 else 128 - code)
        child = start()


if __name__ == "__main__":
    main()
