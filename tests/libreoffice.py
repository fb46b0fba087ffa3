"""Recalculate workbooks in headless LibreOffice and read the values back (test helper).

LibreOffice opens each workbook with a private profile that forces a full recalculation on
load (``OOXMLRecalcMode`` = 0, "always"), saves it as ``.xlsx``, and openpyxl reads the cached
values (``data_only=True``). soffice exits 0 even when a file failed, so every output is
checked to exist.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """Path of soffice; CI installs it (libreoffice-calc-nogui), so its absence is a failure."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise RuntimeError(
            "LibreOffice is not installed: apt-get install libreoffice-calc-nogui "
            "(.ci/run does this); these tests must not be skipped."
        )
    return path


def _profile(tmp: Path) -> str:
    user = tmp / "lo-profile" / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE_XCU, encoding="utf-8")
    return (tmp / "lo-profile").as_uri()


def convert(files: list[Path], out_dir: Path, fmt: str = "xlsx") -> list[Path]:
    """Recalculate ``files`` and save them in ``out_dir`` as ``fmt`` (xlsx or pdf)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = [
        soffice(),
        f"-env:UserInstallation={_profile(out_dir)}",
        "--headless",
        "--norestore",
        "--convert-to",
        fmt,
        "--outdir",
        str(out_dir),
        *map(str, files),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    outputs = [out_dir / (f.stem + "." + fmt) for f in files]
    missing = [str(p) for p in outputs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}: {run.stdout}{run.stderr}")
    return outputs
