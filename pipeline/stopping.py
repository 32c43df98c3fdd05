"""Stop requests (Ctrl-C, SIGTERM): one owner, raised only where Python can take them.

Python's own Ctrl-C handler raises KeyboardInterrupt at whatever bytecode runs
when the signal lands. During start-up that is mostly import machinery, where
CPython and libraries mishandle it. Each of these was seen in a loop of Ctrl-C
at start-up of ``pipeline run``:

- raised inside code run by ``exec()``/``eval()`` of a string (every
  ``@dataclass`` and ``namedtuple`` is built that way), it sets CPython's
  "unhandled KeyboardInterrupt" flag (``run_eval_code_obj`` in pythonrun.c)
  although the exception is caught later; under ``python -m`` the interpreter
  then ends by re-raising SIGINT on itself after the clean exit 130: the
  process dies by SIGINT (-2) right after the "Interrupted" line;
- raised inside a native module's init (CTranslate2's pybind11 module) it turns
  into an ImportError, which "no CUDA here" swallowed: the Ctrl-C was lost and
  the run finished (exit 0), or the next import failed with 'type "LogLevel"
  is already registered' (exit 1, a traceback);
- raised in importlib's module-lock weakref callback, it was printed as
  "Exception ignored" and lost;
- raised before a command's code runs, Click made it "Aborted!", exit 1;
- raised in Dask's ``distributed.utils.sync`` (every blocking client call, such
  as ``Future.result``) before the loop thread has created the call's future,
  its own handler schedules a ``cancel`` that fails with a NameError traceback
  (``future`` unbound; seen in CI on a ``--cluster local:2`` run).

So the handler installed here only records the request (the first signal
counts; later ones are absorbed, so cleanup is never cut short). It raises
KeyboardInterrupt once, inside :func:`run_interruptible` (the command), and
never while an import or string-compiled code is on the stack; until it can, it
asks again every few milliseconds (a signal to the main thread). A
KeyboardInterrupt that a ``__del__`` or callback swallowed is asked again too.
Whenever a stop was requested, the process ends with the one line and exit 130
(:func:`exit_code`), also when it came too late to stop anything.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

from pipeline.errors import EXIT_INTERRUPTED

T = TypeVar("T")

INTERRUPTED_LINE = ("Interrupted: what was written is complete, nothing half-written is left; "
                    "run the same command again to finish.")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
RETRY_SECONDS = 0.005  # how soon a deferred stop is asked again (an import step is shorter)


class _State:
    installed = False
    signum: int | None = None  # the first stop signal
    armed = 0  # inside run_interruptible: a stop may be raised
    raised = False  # KeyboardInterrupt raised for the request (and not seen swallowed)
    announced = False  # the Interrupted line is printed
    asking = False  # a thread asks again until the request can be raised


_state = _State()


def install() -> None:
    """Own SIGINT and SIGTERM for this process (call once, from the program's entry, main thread only).

    A signal inherited as ignored (``nohup``, a background job) stays ignored,
    as Python itself does for SIGINT.
    """
    if _state.installed or threading.current_thread() is not threading.main_thread():
        return
    for sig in STOP_SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _on_signal)
    sys.unraisablehook = _unraisable_hook(sys.unraisablehook)
    _state.installed = True


def requested() -> bool:
    """True once Ctrl-C or SIGTERM arrived (only where :func:`install` ran)."""
    return _state.signum is not None


def run_interruptible(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)``, where a stop request becomes KeyboardInterrupt, then the line and exit 130.

    A request that came earlier (while Click parsed the command line or
    imported the command) is raised at once, before ``func`` starts. Once a
    stop is requested, an error escaping ``func`` ends the same way.
    """
    _state.armed += 1
    try:
        try:
            if _state.signum is not None and not _state.raised:
                _state.raised = True
                raise KeyboardInterrupt
            return func(*args, **kwargs)
        finally:
            _state.armed -= 1  # a stop landing here is still caught below
    except KeyboardInterrupt:
        announce()
        raise SystemExit(EXIT_INTERRUPTED) from None
    except Exception:
        if _state.signum is None:
            raise
        # Most likely the stop's own consequence: SIGTERM to the process group also ends the
        # pool's forkserver and workers, and talking to them then fails (EOFError, a broken
        # pool), also while cleaning up after the KeyboardInterrupt. An EOFError reaching Click
        # would print "Aborted!", exit 1; anything else, a traceback.
        announce()
        raise SystemExit(EXIT_INTERRUPTED) from None


def announce() -> None:
    """Print the Interrupted line on stderr, once per process."""
    if _state.announced:
        return
    _state.announced = True
    try:
        print(INTERRUPTED_LINE, file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr closed or gone: the exit code still says it
        pass


def exit_code(code: str | int | None) -> str | int | None:
    """The process's exit status: 130 (after the line) whenever a stop was requested, else ``code``."""
    if _state.signum is None:
        return code
    announce()
    return EXIT_INTERRUPTED


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _state.signum is None:
        _state.signum = signum
    if not _state.armed or _state.raised:
        return  # not in the command yet (raised when it starts), or stopping already (absorbed)
    if _can_raise(frame):
        _state.raised = True
        raise KeyboardInterrupt
    _ask_again_soon()


# importlib runs module bodies and native module inits; "<string>" and the like
# are exec()/eval() of a string (dataclasses, namedtuple), see the module docs.
_IMPORTING = ("<frozen importlib._bootstrap", "<frozen zipimport")


def _can_raise(frame: FrameType | None) -> bool:
    # The outermost frame is the program itself (``python -c`` runs it as "<string>").
    while frame is not None and frame.f_back is not None:
        name = frame.f_code.co_filename
        if name.startswith(_IMPORTING) or (name.startswith("<") and not name.startswith("<frozen ")):
            return False
        if _in_dask_sync_before_its_future(frame):
            return False
        frame = frame.f_back
    return True


def _in_dask_sync_before_its_future(frame: FrameType) -> bool:
    """Whether ``frame`` is Dask's ``sync()`` with its ``future`` cell still unbound (see the module docs)."""
    code = frame.f_code
    return (
        code.co_name == "sync"
        and code.co_filename.endswith("distributed/utils.py")
        and "future" in code.co_cellvars
        and "future" not in frame.f_locals  # an unbound cell is left out of f_locals
    )


def _ask_again_soon() -> None:
    if _state.asking:
        return
    _state.asking = True
    main = threading.main_thread().ident
    threading.Thread(target=_ask_again, args=(main,), name="pipeline-stop-request", daemon=True).start()


def _ask_again(main_thread: int) -> None:
    # A real signal (not _thread.interrupt_main) also wakes a main thread blocked in a system call.
    try:
        while _state.armed and not _state.raised and _state.signum is not None:
            time.sleep(RETRY_SECONDS)
            signal.pthread_kill(main_thread, _state.signum)
    finally:
        _state.asking = False


def _unraisable_hook(previous: Callable[[Any], object]) -> Callable[[Any], object]:
    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _state.signum is not None \
                and not _state.announced:
            _state.raised = False  # swallowed by a __del__ or a callback: raise it again where it propagates
            if _state.armed:
                _ask_again_soon()
            return
        previous(unraisable)

    return hook
