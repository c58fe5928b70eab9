"""`signals_held`: Ctrl-C and SIGTERM wait for the end of a block, whichever thread the kernel picks."""

import os
import signal
import threading

import pytest

from viz.export.swap import signals_held


def _signal_from_another_thread(signum):
    # a process-directed signal: with a signal mask on the main thread only, the kernel would hand
    # it to this thread, and Python would raise KeyboardInterrupt inside the block all the same
    sender = threading.Thread(target=os.kill, args=(os.getpid(), signum))
    sender.start()
    sender.join()


def test_a_ctrl_c_from_another_thread_waits_for_the_end_of_the_block():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with signals_held():
            _signal_from_another_thread(signal.SIGINT)
            for _ in range(100_000):  # bytecodes at which Python would run a pending handler
                pass
            done.append(True)
    assert done == [True]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_sigterm_reaches_the_handler_that_was_there_before():
    class Terminated(Exception):
        pass

    def handler(signum, frame):
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with pytest.raises(Terminated):
            with signals_held():
                os.kill(os.getpid(), signal.SIGTERM)
                assert signal.getsignal(signal.SIGTERM) is not handler
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_no_signal_no_change_and_other_threads_are_not_held():
    with signals_held():
        pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    errors = []

    def in_a_thread():
        try:
            with signals_held():
                pass
        except BaseException as e:  # signal.signal refuses outside the main thread
            errors.append(e)

    t = threading.Thread(target=in_a_thread)
    t.start()
    t.join()
    assert errors == []
