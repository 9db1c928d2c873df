"""Front-end assets for the dashboard, from their npm packages, at build time.

`npm ci` installs exactly what package-lock.json pins (integrity-checked, no install scripts),
then the files the pages load are copied next to our own. Nothing third-party is committed and
nothing is fetched by a browser from a CDN.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "gateway" / "dashboard" / "static" / "vendor"
FILES = {
    "bootstrap.min.css": ROOT / "node_modules/bootstrap/dist/css/bootstrap.min.css",
    "bootstrap.bundle.min.js": ROOT / "node_modules/bootstrap/dist/js/bootstrap.bundle.min.js",
}
LICENSE = ROOT / "node_modules/bootstrap/LICENSE"


def main(argv: list[str]) -> int:
    # --copy-only: node_modules is already installed (the Dockerfile's node stage did it).
    if "--copy-only" not in argv:
        npm = shutil.which("npm")
        if npm is None:
            print(
                "npm is needed to build the dashboard's assets (apt-get install nodejs npm)", file=sys.stderr
            )
            return 1
        subprocess.run(  # noqa: S603 - a fixed command line
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ROOT,
            check=True,
        )
    VENDOR.mkdir(parents=True, exist_ok=True)
    for name, source in FILES.items():
        text = source.read_text(encoding="utf-8")
        # The source maps are not shipped; without this line a browser's tools ask for them.
        lines = [line for line in text.splitlines() if "sourceMappingURL=" not in line]
        (VENDOR / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copyfile(LICENSE, VENDOR / "BOOTSTRAP-LICENSE")
    print(f"dashboard assets: {', '.join(FILES)} -> {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
