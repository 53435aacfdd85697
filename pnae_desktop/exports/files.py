"""Writing an exported file safely: the one atomic-write helper every export uses."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_output(out_path: Path | str) -> Iterator[Path]:
    """A temporary path beside `out_path`, moved over it only when the block succeeds: a failed
    export never leaves a truncated file, nor clobbers the previous one.

    The temporary file is created by the writer with a plain open(), so the document gets the
    usual permissions of a new file (0666 less the umask), whatever it replaces."""
    out = Path(out_path)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
