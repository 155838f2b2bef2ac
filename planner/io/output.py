"""The one output writer: every command that writes (solve, check, report, whatif, diff, decompose, apply,
generate) goes through `Output`.

Before any work (`Output.open`, or the ``with`` statement): a lock on the target (`filelock`, kept in a folder
of the temporary directory, so nothing is left beside the output) so that two runs cannot both replace it; the
repair of a swap that a killed run left half done; then the checks — the target's name (not empty, at most 255
bytes a component), a symbolic link that leads nowhere, a parent that is a file, a folder that cannot be
written (read-only, no permission: tried, not guessed from the mode bits, which root ignores), free space for
the expected size, a target of the wrong type, files the writer would not have written (at any depth: a
``notes.txt`` inside ``calendars/`` counts), and an earlier result, which only ``force`` replaces.

Then `Output.write` puts the files in a temporary sibling (fsynced), and swaps it in: on Linux in one atomic
exchange (``renameat2(RENAME_EXCHANGE)``), elsewhere in two renames. A journal beside the target names the
temporary and the old copy before anything moves, so a run killed at any instant leaves the old or the new
result under the target's own name (the exchange never leaves it missing; after the two renames' one gap, the
next run puts the new one in place) and the next run removes what was left. Nothing is deleted that the
writer did not write: the checks refuse a target that holds anything else, and the leftovers removed are the
ones a journal names. Every failure is an `InputError` naming the path (exit 2), never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from planner.errors import InputError

__all__ = ["Output", "OutputKind", "PLAN_KIND", "file_kind", "stage_name", "written"]

NAME_MAX = 255  # bytes of one path component (Linux, macOS, Windows)
PATH_MAX = 4000  # bytes of a whole path (Linux allows 4096)
SPACE_MARGIN = 1_000_000  # bytes kept free beyond the expected size
_JOURNAL = ".planner-journal"


class OutputKind:
    """What a target may hold: ``patterns`` are relative paths whose parts may hold ``*`` and ``?``
    (``calendars/*.ics``); ``what`` names the result in messages (``a plan``, ``a plan diff``).
    ``directory`` False: the target is one file."""

    def __init__(self, what: str, patterns: Iterable[str] = (), directory: bool = True):
        self.what, self.directory = what, directory
        self.patterns = tuple(PurePosixPath(p).parts for p in patterns)

    def allows_file(self, parts: tuple[str, ...]) -> bool:
        return any(
            len(p) == len(parts) and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, p)) for p in self.patterns
        )

    def allows_folder(self, parts: tuple[str, ...]) -> bool:
        n = len(parts)
        return any(len(p) > n and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, p[:n])) for p in self.patterns)

    def with_names(self, names: Iterable[str]) -> OutputKind:
        """This kind, also allowing ``names`` (the files about to be written)."""
        kind = OutputKind(self.what, directory=self.directory)
        kind.patterns = self.patterns + tuple(PurePosixPath(glob_escape(n)).parts for n in names)
        return kind


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


PLAN_KIND = OutputKind("a plan", ("charges.csv", "meetings.csv", "attendance.csv", "summary.json"))


def file_kind(what: str) -> OutputKind:
    return OutputKind(what, directory=False)


def stage_name(target: Path, tag: str) -> str:
    """A hidden sibling name for ``target`` (``.NAME.TAG-PID-RANDOM``) that stays within `NAME_MAX` bytes."""
    return _hidden(target, f".{tag}-{os.getpid()}-{os.urandom(4).hex()}")


def _hidden(target: Path, suffix: str) -> str:
    """``.NAME`` + ``suffix``, the name cut (at a character) so that the whole stays within `NAME_MAX` bytes."""
    room = NAME_MAX - len(suffix.encode("utf-8")) - 1
    head = os.fsencode(target.name)[:room].decode("utf-8", "ignore")
    return f".{head}{suffix}"


def _fail(path: Path | str, message: str, hint: str = "") -> InputError:
    return InputError.one(str(path), None, None, message, hint)


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the device"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    return (exc.strerror or str(exc)).lower()


_written: list[str] = []  # the targets this process has written (what an interrupt message reports)


def written() -> list[str]:
    """The targets this process has written whole so far."""
    return list(_written)


@contextlib.contextmanager
def _signals_held() -> Any:
    """No signal handler runs inside (they run right after): the swap of a result is never cut in two."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# ---------------------------------------------------------------------------------------------- the lock
_held: dict[str, list[Any]] = {}  # lock path → [FileLock, count] (re-entrant within one process)


def _lock_path(target: Path) -> Path:
    key = hashlib.sha256(os.fsencode(str(target))).hexdigest()[:40]
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"planner-locks-{uid}" / f"{key}.lock"


def _acquire(target: Path, option: str) -> str | None:
    from filelock import FileLock, Timeout

    path = _lock_path(target)
    key = str(path)
    if key in _held:
        _held[key][1] += 1
        return key
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        lock = FileLock(str(path), timeout=0)
        lock.acquire()
    except Timeout:
        raise _fail(
            target,
            "another planner run is writing to it now",
            f"wait until that run ends, or give {option} another name",
        ) from None
    except OSError:
        return None  # no lock folder can be made (a read-only temporary directory): write without the lock
    _held[key] = [lock, 1]
    return key


def _release(key: str | None) -> None:
    if key is None or key not in _held:
        return
    _held[key][1] -= 1
    if _held[key][1] <= 0:
        lock = _held.pop(key)[0]
        with contextlib.suppress(OSError):
            lock.release()


# ---------------------------------------------------------------------------------------------- the journal
def _journal_path(target: Path) -> Path:
    return target.with_name(_hidden(target, _JOURNAL))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_journal(target: Path, entry: dict[str, Any]) -> None:
    path = _journal_path(target)
    tmp = path.with_name(path.name + ".new")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(entry, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def repair(target: Path) -> None:
    """Finish or undo what a killed run left (the journal beside ``target`` says what): the target ends as the
    old or the new result under its own name, and the temporary copies the journal names are removed."""
    path = _journal_path(target)
    with contextlib.suppress(OSError):
        path.with_name(path.name + ".new").unlink()  # a journal being written when the run was killed
    if not path.is_file():
        return
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        staging = target.with_name(str(entry["staging"]))
        old = target.with_name(str(entry["old"])) if entry.get("old") else None
    except (OSError, ValueError, KeyError, TypeError):
        return  # not a journal of ours: leave it alone
    if entry.get("state") == "swapping" and old is not None and old.exists() and not os.path.lexists(target):
        if staging.exists():
            os.replace(staging, target)  # the new result was whole: the first rename was done, not the second
        else:
            os.replace(old, target)
    for leftover in (staging, old):
        if leftover is not None and os.path.lexists(leftover):
            _remove(leftover)
    with contextlib.suppress(OSError):
        path.unlink()
    _fsync_dir(target.parent)


# ---------------------------------------------------------------------------------------------- the swap
def _exchange(a: Path, b: Path) -> bool:
    """Swap the paths ``a`` and ``b`` in one atomic step (Linux ``renameat2``); False where that is not
    available (another system, an old kernel, a file system without it)."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(staging: Path, target: Path) -> None:
    if not os.path.lexists(target):
        os.rename(staging, target)
        _fsync_dir(target.parent)
        return
    old = target.with_name(stage_name(target, "old"))
    _write_journal(target, {"state": "swapping", "staging": staging.name, "old": old.name})
    if _exchange(staging, target):
        _fsync_dir(target.parent)
        _remove(staging)  # it holds the old result now
    else:
        os.replace(target, old)
        os.replace(staging, target)
        _fsync_dir(target.parent)
        _remove(old)
    with contextlib.suppress(OSError):
        _journal_path(target).unlink()


# ---------------------------------------------------------------------------------------------- the writer
class Output:
    """One target of one command: a directory (``kind.directory``) or a file.

    ``force``: an earlier result of this kind is replaced (never anything else). ``expected_bytes``: about how
    much the result will take (the free space is checked for it). ``option`` names the command-line option in
    messages. Use as a context manager, or call `open` and `close`; `write` writes and swaps in at once."""

    def __init__(
        self,
        target: str | Path,
        kind: OutputKind = PLAN_KIND,
        force: bool = False,
        expected_bytes: int = 0,
        option: str = "--out",
        same_as: str | Path | None = None,
    ):
        self.given = Path(target)
        self.kind, self.force, self.expected, self.option = kind, force, expected_bytes, option
        self.same_as = same_as  # a plan rendered in place (report PLAN --out PLAN) replaces itself freely
        self.target = self.given
        self._lock: str | None = None
        self._opened = False

    # -- before any work
    def open(self) -> Output:
        self.target = self._resolve()
        self._lock = _acquire(self.target, self.option)
        self._opened = True
        try:
            repair(self.target)
            self.check()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self._opened:
            _release(self._lock)
            self._lock, self._opened = None, False

    def __enter__(self) -> Output:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _resolve(self) -> Path:
        t = self.given
        name = t.name
        if name in ("", ".", "..") or str(t) in ("", "."):
            raise _fail(
                t,
                "is not a name to write to",
                f"give {self.option} a new {'directory' if self.kind.directory else 'file'} name",
            )
        if len(os.fsencode(str(t.absolute()))) > PATH_MAX:
            raise _fail(t, "the path is too long", "choose a shorter path")
        for part in t.parts:
            if len(os.fsencode(part)) > NAME_MAX:
                raise _fail(
                    t,
                    f"the name '{part[:40]}…' is {len(os.fsencode(part))} bytes long; a file system allows {NAME_MAX}",
                    "choose a shorter name",
                )
        if t.is_symlink():
            real = Path(os.path.realpath(t))
            if not real.exists():
                raise _fail(
                    t,
                    f"is a symbolic link to {os.readlink(t)}, which does not exist",
                    "remove the link, or give the real path",
                )
            return real
        parent = Path(os.path.realpath(t.parent if str(t.parent) else "."))
        return parent / name

    def _existing_ancestor(self) -> Path:
        p = self.target.parent
        while not p.exists():
            if os.path.lexists(p):  # a dangling link among the parents
                raise _fail(p, "is a symbolic link that leads nowhere", f"give {self.option} a path that exists")
            p = p.parent
        if not p.is_dir():
            raise _fail(p, "is a file, not a folder", f"give {self.option} a path inside a folder")
        return p

    def check(self) -> None:
        """The target may receive the result now (see the module's docstring); raise `InputError` if not."""
        t, kind = self.target, self.kind
        folder = self._existing_ancestor()
        try:  # tried, not guessed: root ignores mode bits, and a read-only mount shows none
            with tempfile.TemporaryFile(dir=folder):  # unnamed on Linux (O_TMPFILE): nothing to leave behind
                pass
        except OSError as exc:
            raise _fail(
                folder, f"cannot be written to: {_os_reason(exc)}", f"give {self.option} a folder you can write"
            ) from None
        if self.expected:
            with contextlib.suppress(OSError):
                free = shutil.disk_usage(folder).free
                if free < self.expected + SPACE_MARGIN:
                    raise _fail(
                        folder,
                        f"only {free / 1e6:.1f} MB free; the output needs about {(self.expected + SPACE_MARGIN) / 1e6:.1f} MB",
                        "free some space, or write elsewhere",
                    )
        if not os.path.lexists(t):
            return
        if kind.directory and not t.is_dir():
            raise _fail(self.given, "exists and is not a directory", f"give {self.option} a directory name")
        if not kind.directory:
            if t.is_dir():
                raise _fail(self.given, "is a directory", f"give {self.option} a file name")
            if not t.is_file():
                raise _fail(self.given, "is not a regular file", f"give {self.option} a file name")
            if not self.force:
                raise _fail(
                    self.given, "already exists", f"give --force to replace it, or choose another {self.option}"
                )
            return
        foreign = self.foreign()
        if foreign:
            raise _fail(
                self.given,
                f"holds files that are not {kind.what} ({', '.join(foreign[:3])}{', …' if len(foreign) > 3 else ''})",
                f"choose another {self.option} directory, or move those files away",
            )
        present = sorted(p.name for p in t.iterdir())
        in_place = self.same_as is not None and Path(os.path.realpath(self.same_as)) == t
        if present and not self.force and not in_place:
            raise _fail(
                self.given,
                f"already holds {kind.what} ({', '.join(present[:3])}{', …' if len(present) > 3 else ''})",
                f"give --force to replace it, or choose another {self.option} directory",
            )

    def foreign(self) -> list[str]:
        """The paths inside the target (relative, folders with a trailing /) that this writer would not have
        written: other files, folders, links, at any depth."""
        out: list[str] = []

        def walk(folder: Path, parts: tuple[str, ...]) -> None:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                raise _fail(folder, f"cannot be read: {_os_reason(exc)}") from None
            for e in entries:
                here = (*parts, e.name)
                rel = "/".join(here)
                if e.is_symlink():
                    out.append(rel)
                elif e.is_dir():
                    if self.kind.allows_folder(here):
                        walk(Path(e.path), here)
                    else:
                        out.append(rel + "/")
                elif not (e.is_file() and self.kind.allows_file(here)):
                    out.append(rel)

        walk(self.target, ())
        return out

    # -- the result
    def write(self, files: Mapping[str, str | bytes] | str | bytes) -> None:
        """Write the result and swap it in: ``files`` (name → text or bytes; names may hold folders) for a
        directory, the content for a file. Text is written as UTF-8."""
        if not self._opened:
            with self:
                return self.write(files)
        if self.kind.directory:
            assert isinstance(files, Mapping)
            for name in files:
                parts = PurePosixPath(name).parts
                if (
                    not parts
                    or PurePosixPath(name).is_absolute()
                    or any(p in ("", ".", "..") for p in parts)
                    or "\\" in name
                ):
                    raise ValueError(f"not a relative file name inside the output directory: {name!r}")
            self.kind = self.kind.with_names(files)
        self.check()  # again: files may have appeared while the command worked
        t = self.target
        staging = t.with_name(stage_name(t, "tmp"))
        try:
            t.parent.mkdir(parents=True, exist_ok=True)
            _write_journal(t, {"state": "writing", "staging": staging.name})
            if self.kind.directory:
                assert isinstance(files, Mapping)
                staging.mkdir()
                for name, content in files.items():
                    path = staging / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    _write_file(path, content)
            else:
                assert isinstance(files, (str, bytes))
                _write_file(staging, files)
            _fsync_dir(staging)
            with _signals_held():
                if self.kind.directory:
                    _swap_in(staging, t)
                else:
                    os.replace(staging, t)
                    _fsync_dir(t.parent)
                with contextlib.suppress(OSError):
                    _journal_path(t).unlink()
                _written.append(str(self.given))
        except OSError as exc:
            _remove(staging)
            with contextlib.suppress(OSError):
                _journal_path(t).unlink()
            where = exc.filename if isinstance(exc.filename, str) else str(t)
            raise _fail(
                self.given,
                f"cannot be written: {_os_reason(exc)} ({Path(where).name})",
                "nothing was changed there; free some space or fix the folder's permissions, then run again",
            ) from None
        except BaseException:
            _remove(staging)
            with contextlib.suppress(OSError):
                _journal_path(t).unlink()
            raise


def _write_file(path: Path, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
