"""Long work off the GUI thread, reporting progress through signals (the UI never freezes)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal

from pnae_desktop.errors import UserError


class Job(QObject):
    progress = Signal(float, str)  # fraction done, what is being done (French)
    finished = Signal(object)  # the result
    failed = Signal(str)  # a French message

    def __init__(self, work):
        super().__init__()
        self._work = work

    def run(self) -> None:
        try:
            result = self._work(lambda fraction, label: self.progress.emit(fraction, label))
        except UserError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user instead of lost in a thread
            self.failed.emit(f"Erreur inattendue : {exc.__class__.__name__} : {exc}")
        else:
            self.finished.emit(result)


def start(parent: QObject, work) -> tuple[QThread, Job]:
    """Run `work(report)` in a thread; connect to the returned job's signals before it ends.
    The caller must keep a reference to the job until it has finished."""
    thread = QThread(parent)
    job = Job(work)
    job.moveToThread(thread)
    thread.started.connect(job.run)
    job.finished.connect(thread.quit)
    job.failed.connect(thread.quit)
    thread.finished.connect(job.deleteLater)
    thread.finished.connect(thread.deleteLater)
    return thread, job
