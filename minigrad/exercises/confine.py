"""The OS wall around the grading child: Linux's Landlock, which a process raises around itself, for good.

The static rules (``rules.py``) read a submission's source; a way around
them that they do not foresee would hand the student's code the grader's
user's powers.  Landlock (Linux 5.13 and later) lets an unprivileged
process give up, irreversibly, for itself and every process it starts,
the right to touch files outside the folders it names::

    from minigrad.exercises.confine import confine
    print(confine(read_paths=[...], write_paths=[scratch]))
    # landlock ABI 7: files read only below 7 paths, written only below /tmp/minigrad-sandbox-x1y2;
    # no programs run; no TCP; no signals or abstract sockets outside

After that call the process may read files only beneath ``read_paths``,
create, write, truncate and remove regular files only beneath
``write_paths``, and execute no program at all; from ABI 4 on it may
neither bind nor connect a TCP socket, and from ABI 6 on it may neither
signal nor reach through an abstract UNIX socket any process outside its
own Landlock domain (the grader, the student before and after it).

Landlock's EXECUTE right governs ``execve`` only, not ``mmap(PROT_EXEC)``:
an extension module or a shared library loaded after the wall is up needs
READ_FILE on its file, not EXECUTE (the kernel's documentation lists no
mmap hook; the Landlock issue tracker's "File access for libraries" asks
for one).  So nothing is executable here, and ``import decimal`` still
works after ``confine``, which the tests check.

``confine`` is best effort: where Landlock is missing (not Linux, a kernel
before 5.13, disabled at boot, hidden by a seccomp filter or a container)
it changes nothing and returns a ``Wall`` whose ``code`` says why, never
raises.  A ``Wall`` is a str (the line for people) with a ``code`` from
the fixed vocabulary ``WHY`` and the ``abi``: the child sends those two
back to the grader, which words the report itself (``describe``).

Constants are those of the kernel's ``include/uapi/linux/landlock.h``; the
system call numbers 444-446 are the same on x86_64 and arm64.
"""
import ctypes
import errno
import os
import sys

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1 << 0
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# Filesystem rights (LANDLOCK_ACCESS_FS_*).
EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13  # ABI 2: link or rename across folders
TRUNCATE = 1 << 14  # ABI 3
IOCTL_DEV = 1 << 15  # ABI 5
# Network rights (LANDLOCK_ACCESS_NET_*, ABI 4) and scopes (LANDLOCK_SCOPE_*, ABI 6).
NET_BIND_TCP = 1 << 0
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1

FS_RIGHTS = {1: (1 << 13) - 1, 2: REFER, 3: TRUNCATE, 5: IOCTL_DEV}  # the rights each ABI added
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # the only ones a rule on a file may grant
READ = READ_FILE | READ_DIR
WRITE = READ | WRITE_FILE | MAKE_REG | REMOVE_FILE | TRUNCATE

# Why a process is not confined: the fixed vocabulary a child may report (it could lie, but only with these words).
WHY = {
    "confined": "confined",
    "not_linux": "Landlock is Linux's (this is not Linux)",
    "no_landlock": "the kernel has no Landlock (Linux 5.13 or newer, built with it), or a seccomp filter hides it",
    "disabled": "Landlock is built into the kernel but not enabled at boot (lsm= on the kernel's command line)",
    "blocked": "a seccomp filter or the container refuses the Landlock system calls",
    "threads": "the process runs several threads, and Landlock walls in only the calling one",
    "failed": "a Landlock system call failed",
    "exposed": "the student folders lie inside a folder the child must read (the Python installation?)",
    "unreported": "the child ended before it reported its wall",
}


class Wall(str):
    """What ``confine`` did: a line for people; ``code`` (a key of ``WHY``) and ``abi`` for the grader."""

    def __new__(cls, text, code, abi=0):
        wall = super().__new__(cls, text)
        wall.code, wall.abi = code, abi
        return wall


def abi():
    """The Landlock ABI version the kernel offers (1, 2, ...), or a ``Wall`` that says why there is none."""
    if not sys.platform.startswith("linux"):
        return _off("not_linux")
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        version = _syscall(libc, _CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except (OSError, AttributeError) as error:
        return _off("failed", f"calling the kernel through ctypes: {error}")
    if version < 0:
        number = ctypes.get_errno()
        code = {errno.ENOSYS: "no_landlock", errno.EOPNOTSUPP: "disabled", errno.EPERM: "blocked"}.get(number, "failed")
        return _off(code, f"landlock_create_ruleset: {os.strerror(number)}")
    return version


def confine(read_paths, write_paths):
    """Allow reading only beneath ``read_paths`` and writing only beneath ``write_paths``, for good.

    Returns a ``Wall``: "landlock ABI 7: files read only below ..." when the
    wall stands, else the reason it was not raised (and nothing changed,
    except perhaps no_new_privs, should the very last call fail).  Paths
    that do not exist are skipped; a file (not a folder) may be named too.
    """
    version = abi()
    if isinstance(version, Wall):
        return version
    threads = _threads()
    if threads > 1:  # landlock_restrict_self walls in the calling thread; older threads would stay outside
        return _off("threads", f"{threads} threads")
    libc = ctypes.CDLL(None, use_errno=True)
    handled_fs = sum(rights for since, rights in FS_RIGHTS.items() if version >= since)
    attr = _RulesetAttr(handled_access_fs=handled_fs,
                        handled_access_net=NET_BIND_TCP | NET_CONNECT_TCP if version >= 4 else 0,  # no rule allows any
                        scoped=SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if version >= 6 else 0)
    size = 24 if version >= 6 else 16 if version >= 4 else 8  # the fields this ABI knows: a larger struct is refused
    ruleset = _syscall(libc, _CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        return _off("failed", f"landlock_create_ruleset: {os.strerror(ctypes.get_errno())}")
    try:
        read = _add_rules(libc, ruleset, read_paths, READ & handled_fs)
        written = _add_rules(libc, ruleset, write_paths, WRITE & handled_fs)
        if isinstance(read, Wall) or isinstance(written, Wall):
            return read if isinstance(read, Wall) else written
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:  # restrict_self demands it of an unprivileged caller
            return _off("failed", f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}")
        if _syscall(libc, _RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return _off("failed", f"landlock_restrict_self: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(ruleset)
    text = (f"landlock ABI {version}: files read only below {len(read)} paths, written only below "
            f"{', '.join(written) or 'nowhere'}; no programs run; "
            + ("no TCP; " if version >= 4 else "TCP not walled (ABI < 4); ")
            + ("no signals or abstract sockets outside" if version >= 6 else "signals not walled (ABI < 6)"))
    return Wall(text, "confined", version)


def describe(code, version=0):
    """The grader's own words for what a child reported: "confined (landlock ABI 7)" or "NOT confined: why"."""
    if code == "confined":
        gaps = [what for what, since in (("TCP", 4), ("signals", 6)) if version < since]
        return f"confined (landlock ABI {version})" + (f"; {' and '.join(gaps)} not walled" if gaps else "")
    return f"NOT confined: {WHY.get(code, 'the child reported something unknown')}"


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # packed in the kernel's header: 12 bytes, no padding after parent_fd
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _add_rules(libc, ruleset, paths, rights):
    """One path-beneath rule per existing path; the paths added, or a Wall when the kernel refused one."""
    added = []
    for path in dict.fromkeys(os.path.realpath(p) for p in paths):
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            continue  # a path that does not exist (or cannot be opened) is nothing to allow
        try:
            allowed = rights if os.path.isdir(path) else rights & FILE_RIGHTS
            rule = _PathBeneathAttr(allowed_access=allowed, parent_fd=fd)
            if _syscall(libc, _ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH), ctypes.byref(rule),
                        ctypes.c_uint32(0)) != 0:
                return _off("failed", f"landlock_add_rule({path}): {os.strerror(ctypes.get_errno())}")
        finally:
            os.close(fd)
        added.append(path)
    return added


def _syscall(libc, number, *args):
    libc.syscall.restype = ctypes.c_long
    return libc.syscall(ctypes.c_long(number), *args)


def _threads():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1  # no /proc to ask: nothing to refuse on


def _off(code, detail=""):
    return Wall(f"not confined: {WHY[code]}" + (f" ({detail})" if detail else ""), code)
