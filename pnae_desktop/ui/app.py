"""Start the GUI: QApplication, French translations, style, the store, the main window."""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

# Not QtCore.Qt: PySide builds its ~90 enums on first touch (tens of ms), and nothing needs it
# before the first paint.
from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from pnae_desktop import APP_NAME, __version__, paths
from pnae_desktop.errors import UserError
from pnae_desktop.services.workspace import Workspace
from pnae_desktop.ui import palette


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translator = QTranslator(app)
    if translator.load(
        QLocale(QLocale.Language.French), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(translator)  # "Annuler", "Oui"… in Qt's own dialogs
    app.setStyleSheet(palette.stylesheet(paths.resources().joinpath("style.qss").read_text(encoding="utf-8")))
    return app


def install_window_icon() -> None:
    """The app's icon (title bar, taskbar, Alt+Tab): set just after the first paint, since
    decoding its images is not needed to show the window (run_gui), or by the splash."""
    app = QApplication.instance()
    if not isinstance(app, QApplication) or not app.windowIcon().isNull():
        return
    # start-up: off the path to the first paint
    from PySide6.QtGui import QIcon, QPixmap

    icon = QIcon()
    for size in (32, 256):
        pixmap = QPixmap()
        # "PNG" named: without it Qt first scans the image-format plugins (~4 ms at start-up).
        pixmap.loadFromData(paths.resources().joinpath("icons", f"pnae-desktop-{size}.png").read_bytes(), "PNG")
        icon.addPixmap(pixmap)
    app.setWindowIcon(icon)


def open_workspace(db: str | None, db_url: str | None, with_demo: bool, announce=None) -> Workspace:
    """Open the store (creating or upgrading it if need be) and, if asked, add the demo PRAE;
    `announce(sentence)` is called before each of these long steps, never on a plain start."""
    workspace = Workspace(db=db, url=db_url)
    workspace.prepare(announce)
    if with_demo and not workspace.prae_summaries():
        # start-up: off the path to the first paint
        from pnae_desktop.services import demo

        if announce is not None:
            announce("Création du PRAE de démonstration…")
        demo.create_demo(workspace.store, workspace.catalogues.default)
    return workspace


class ErrorReporter(QObject):
    """Shows an uncaught exception's report in a French dialog, on the GUI thread whatever
    thread raised it (a queued signal); one dialog at a time, the app keeps running."""

    reported = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.showing = False
        # An automatic connection: from another thread, queued to this (the GUI) thread; from the
        # GUI thread, direct, so `later` defers the dialog out of the excepthook. (An explicit
        # Qt.ConnectionType.QueuedConnection would build QtCore.Qt's enums, ~10 ms, at start-up.)
        self.reported.connect(self.later)

    def later(self, report: str) -> None:
        QTimer.singleShot(0, lambda: self.show_report(report))

    def show_report(self, report: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # start-up: only when something went wrong

        from pnae_desktop import logs  # start-up: logging, only when something went wrong

        if self.showing:  # the same error again while its dialog is open: it is in the log
            return
        self.showing = True
        try:
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                APP_NAME,
                "Une erreur inattendue s'est produite. L'application reste ouverte : vos données "
                "enregistrées ne sont pas touchées, mais vérifiez la dernière modification.\n\n"
                f"Le détail est noté dans le journal : {logs.log_path()}\n"
                "Pour le signaler, copiez le rapport et joignez-le à votre message.",
                parent=QApplication.activeWindow(),
            )
            box.setDetailedText(report)
            copy = box.addButton("Copier le rapport", QMessageBox.ButtonRole.ActionRole)
            copy.clicked.connect(lambda: QApplication.clipboard().setText(report))
            box.addButton(QMessageBox.StandardButton.Close)
            box.exec()
        finally:
            self.showing = False


def install_error_reporting(app: QApplication, log_folder: str | Path | None = None) -> ErrorReporter:
    """The log file, and uncaught exceptions logged then shown in a dialog (never a silent exit)."""
    from pnae_desktop import logs  # start-up: logging, after the first paint

    logs.install_log_file(log_folder)
    reporter = ErrorReporter(app)
    logs.install_excepthook(reporter.reported.emit)
    return reporter


class StartupSplash:
    """A small window saying what start-up is doing, shown only when it does long work (the first
    launch creates the data file, a new version upgrades it): a plain start shows none."""

    def __init__(self):
        self.screen = None

    def announce(self, message: str) -> None:
        # start-up: off the path to the first paint
        from PySide6.QtCore import QRect, Qt
        from PySide6.QtGui import QColor, QPainter, QPixmap
        from PySide6.QtWidgets import QSplashScreen

        if self.screen is None:
            install_window_icon()
            pixmap = QPixmap(480, 170)
            pixmap.fill(QColor(palette.NAVY))
            painter = QPainter(pixmap)
            painter.drawPixmap(28, 37, QApplication.windowIcon().pixmap(96, 96))
            font = painter.font()
            font.setPointSize(20)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor(palette.WHITE))
            painter.drawText(
                QRect(144, 40, 320, 60), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, APP_NAME
            )
            painter.end()
            self.screen = QSplashScreen(pixmap)
            self.screen.show()
        self.screen.showMessage(
            f"   {message}", Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, QColor(palette.SPLASH_TEXT)
        )
        QApplication.processEvents()  # paint it now: the long work blocks the event loop

    def close(self, window=None) -> None:
        if self.screen is not None:
            if window is not None:
                self.screen.finish(window)
            else:
                self.screen.close()
            self.screen = None


def _recover(error: UserError, db, db_url, with_demo) -> Workspace | None:
    """Say what is wrong; for a damaged file, offer to restore its latest good backup."""
    # start-up: off the path to the first paint
    from PySide6.QtWidgets import QMessageBox

    # start-up: off the path to the first paint
    from pnae_desktop.services import backups as backup
    from pnae_desktop.services.workspace import DamagedStoreError

    candidates = backup.list_backups(error.path) if isinstance(error, DamagedStoreError) else []
    if not isinstance(error, DamagedStoreError) or not candidates:
        QMessageBox.critical(None, APP_NAME, f"Impossible d'ouvrir les données.\n\n{error}")
        return None
    latest = candidates[0]
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, f"{error}\n\nDernière sauvegarde : {latest.description}")
    restore_button = box.addButton("Restaurer cette sauvegarde", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quitter", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not restore_button:
        return None
    try:
        aside = backup.restore(error.path, latest.path)
        splash = StartupSplash()
        try:
            workspace = open_workspace(db, db_url, with_demo, splash.announce)
        finally:
            splash.close()
    except UserError as exc:
        QMessageBox.critical(None, APP_NAME, f"La restauration a échoué.\n\n{exc}")
        return None
    QMessageBox.information(None, APP_NAME, f"Sauvegarde restaurée. Le fichier endommagé est conservé ici :\n{aside}")
    return workspace


def link_team(window) -> None:
    """The File menu's team actions; on a team store, colleagues' changes refresh the pages and
    the status bar says who is there."""
    from pnae_desktop.ui import team  # start-up: after the first paint

    team.attach(window)


def resume_garbage_collection() -> None:
    """After the first paint: the start-up objects (modules, the window's widgets) live as long
    as the app, so they are frozen out of every later collection, then collection resumes
    (cli.main pauses it for the start-up)."""
    gc.freeze()
    gc.enable()


def run_gui(
    db: str | None = None,
    db_url: str | None = None,
    exit_when_ready: bool = False,
    started: float | None = None,
    with_demo: bool = False,
    package_to_open: str | None = None,
) -> int:
    started = time.perf_counter() if started is None else started
    app = create_application()
    splash = StartupSplash()
    try:
        workspace = open_workspace(db, db_url, with_demo, splash.announce)
    except UserError as exc:
        splash.close()
        if exit_when_ready:
            print(f"Erreur : {exc}", file=sys.stderr)
            return 2
        recovered = _recover(exc, db, db_url, with_demo)
        if recovered is None:
            return 2
        workspace = recovered

    # start-up: off the path to the first paint
    from pnae_desktop.ui.main_window import MainWindow

    window = MainWindow(workspace)
    from pnae_desktop.ui import versions_menu  # start-up: off the path to the first paint

    versions_menu.install(window)  # « Signatures » menu and the signed-version banner
    window.show()
    QTimer.singleShot(0, resume_garbage_collection)
    QTimer.singleShot(0, lambda: link_team(window))
    splash.close(window)
    QTimer.singleShot(0, install_window_icon)

    def report_errors() -> None:  # the log file and the error dialog, with the rest of the post-paint work
        window.error_reporter = install_error_reporting(app)

    QTimer.singleShot(0, report_errors)

    def ready() -> None:
        print(f"{(time.perf_counter() - started) * 1000:.0f}")
        sys.stdout.flush()
        stamp = os.environ.get("PNAE_READY_STAMP")  # bench/startup.py: wall-clock time of readiness
        if stamp:
            Path(stamp).write_text(repr(time.time()))
        app.quit()

    if exit_when_ready:
        app.processEvents()
        QTimer.singleShot(0, ready)
    else:
        QTimer.singleShot(0, window.start_warm_up)
        if package_to_open:
            QTimer.singleShot(0, lambda: window.import_package(package_to_open))
    return app.exec()
