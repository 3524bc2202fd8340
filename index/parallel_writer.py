"""Whoosh's multiprocessing writer, made safe to kill.

Whoosh's MpWriter forks worker processes that analyze documents (pyvi included)
and each write a segment, which is what spreads segmentation over the cores.
Its workers wait on a queue forever, so after a `kill -9` of the builder they
would linger and, having inherited it, keep holding the builder lock. Each
worker here asks Linux to kill it when its parent dies, and a cancelled writer
(a failed build, e.g. a full disk) stops its workers itself.
"""

from __future__ import annotations

import ctypes
import os
import signal

from whoosh.multiproc import MpWriter, SubWriterTask

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: workers may outlive a killed builder
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


class _MortalSubWriterTask(SubWriterTask):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parent_pid = os.getpid()

    def run(self) -> None:
        _die_with_parent(self.parent_pid)
        super().run()


class ParallelWriter(MpWriter):
    """MpWriter whose workers die with the builder; one segment per worker."""

    def __init__(self, ix, procs: int, limitmb: int = 256, **options) -> None:
        # The options (the codec among them) reach the workers' writers too.
        super().__init__(ix, procs=procs, multisegment=True, limitmb=limitmb, **options)

    def _new_task(self):
        task = _MortalSubWriterTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment
        )
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        """Stop the workers for real, then discard the segment.

        Whoosh's cancel only flips a flag in the parent's copy of each task: the
        workers would go on writing into a generation being deleted, then wait on
        the job queue for ever, holding the build lock, inside a long-lived
        process such as the web app's background job.
        """
        for task in self.tasks:
            task.terminate()
        for task in self.tasks:
            task.join()
        super().cancel()
