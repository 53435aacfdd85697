"""Entry point of both bundled executables (`PNAE Desktop` windowed, `pnae-desktop-cli` console).

Same behaviour as the `pnae-desktop` console script. Two additions that only matter frozen:

* no __pycache__ is written next to the bundle (Alembic imports the migration scripts from
  disk; the install folder must stay exactly what the installer put there, so the uninstaller
  can remove it);
* PNAE_BUNDLE_SELFCHECK=1 prints a JSON report of what the bundle can find (shipped data,
  migrations, Babel's French locale data, Qt plugins and French translation, SVG support) and exits: used by
  installer/smoke-test.sh to check the bundle from the outside. Not a user feature.
"""

import os
import sys

sys.dont_write_bytecode = True


def selfcheck() -> int:
    import json

    from pnae_desktop import __version__, paths

    report: dict = {"version": __version__, "frozen": bool(getattr(sys, "frozen", False))}
    report["style_qss"] = paths.resources().joinpath("style.qss").is_file()
    report["forms"] = sorted(p.name for p in paths.forms().iterdir() if p.name.endswith(".ui"))
    report["catalogues"] = sorted(
        p.name for p in paths.resources().joinpath("catalogues").iterdir() if p.name.endswith(".json")
    )

    from pnae_desktop.store import migrate

    report["migration_revisions"] = migrate.known_revisions()
    report["migration_head"] = migrate.head_revision()

    from babel.localedata import locale_identifiers
    from babel.numbers import format_currency

    report["babel_locales"] = sorted(locale_identifiers())
    report["babel_fr_FR"] = format_currency(1234.5, "EUR", locale="fr_FR")

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtGui import QGuiApplication, QImageReader

    app = QGuiApplication([sys.argv[0]])
    translator = QTranslator()
    report["qt_version"] = QLibraryInfo.version().toString()
    report["qtbase_fr_loaded"] = translator.load(
        QLocale(QLocale.French), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.TranslationsPath)
    )
    report["platform"] = app.platformName()
    report["image_formats"] = sorted(bytes(f).decode() for f in QImageReader.supportedImageFormats())
    plugins = QLibraryInfo.path(QLibraryInfo.PluginsPath)
    report["plugins"] = (
        {
            kind: sorted(os.listdir(os.path.join(plugins, kind)))
            for kind in sorted(os.listdir(plugins))
            if os.path.isdir(os.path.join(plugins, kind))
        }
        if os.path.isdir(plugins)
        else {}
    )
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    if os.environ.get("PNAE_BUNDLE_SELFCHECK") == "1":
        sys.exit(selfcheck())

    from pnae_desktop.cli.main import main

    sys.exit(main())
