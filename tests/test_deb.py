"""`make deb` (scripts/build-deb.sh): the package's files, a venv that lives at /opt/keyrx, and
`keyrx --version` running from a clean root the package was unpacked into (dpkg --root)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("dpkg-deb") is None or not Path("/usr/bin/python3").exists(),
                                 reason="needs dpkg-deb and Debian's /usr/bin/python3")]

SYSTEM_FILES = {"./usr/lib/systemd/system/keyrx.service", "./usr/lib/udev/rules.d/60-keyrx.rules",
                "./usr/lib/sysusers.d/keyrx.conf", "./usr/lib/modules-load.d/keyrx.conf",
                "./usr/share/doc/keyrx/copyright", "./opt/keyrx/bin/keyrx", "./opt/keyrx/bin/python",
                "./opt/keyrx/pyvenv.cfg", "./usr/bin/keyrx"}


def sh(*argv: str | Path, **kw: object) -> str:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=110, check=False,
                          **kw)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return str(done.stdout)


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deb")
    sh("sh", ROOT / "scripts/build-deb.sh", out, cwd=ROOT, env={**os.environ, "BUILD_PY": sys.executable})
    return next(out.glob("keyrx_*.deb"))


def test_the_package_holds_the_venv_and_the_system_files(deb: Path) -> None:
    listing = sh("dpkg-deb", "-c", deb).splitlines()
    paths = {line.split()[5] for line in listing}
    assert SYSTEM_FILES <= paths
    assert "./usr/bin/keyrx -> /opt/keyrx/bin/keyrx" in "\n".join(listing)
    assert any(p.endswith("site-packages/app/deploy/keyrx.service") for p in paths)
    shipped = {str(f.relative_to(ROOT)) for d in ("app/static", "app/profiles", "app/deploy")
               for f in (ROOT / d).rglob("*") if f.is_file() and "__pycache__" not in f.parts}
    in_venv = {p.split("site-packages/", 1)[1] for p in paths if "site-packages/app/" in p}
    assert shipped - in_venv == set()  # the whole UI, the examples and the deployment files
    assert not [p for p in paths if "__pycache__" in p or p.startswith(("./etc/", "./var/", "./home/"))]
    control = sh("dpkg-deb", "-f", deb, "Package", "Depends", "Architecture")
    assert "Package: keyrx" in control and "Depends: python3.11" in control
    for script in ("postinst", "prerm", "postrm"):
        text = sh("dpkg-deb", "-I", deb, script)
        subprocess.run(["sh", "-n"], input=text, text=True, check=True, timeout=10)
    assert "systemd-sysusers /usr/lib/sysusers.d/keyrx.conf" in sh("dpkg-deb", "-I", deb, "postinst")


def test_unpacked_into_a_clean_root_it_runs_from_opt_keyrx(deb: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "var/lib/dpkg/info").mkdir(parents=True)
    (root / "var/lib/dpkg/updates").mkdir()
    (root / "var/lib/dpkg/status").touch()
    # --unpack runs no maintainer script (there is no preinst): nothing touches this machine
    sh("dpkg", f"--root={root}", "--force-depends", "--force-not-root", "--unpack", deb)
    assert "/usr/lib/systemd/system/keyrx.service" in sh("dpkg", f"--root={root}", "-L", "keyrx")
    venv = root / "opt/keyrx"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "KEYRX_"))}
    assert sh(venv / "bin/python", "-m", "app.cli", "--version", env=env, cwd=tmp_path).strip() \
        == "keyrx, version 0.1.0"
    assert (venv / "bin/keyrx").read_text().splitlines()[0] == "#!/opt/keyrx/bin/python"
    assert sh(venv / "bin/python", venv / "bin/keyrx", "--version", env=env, cwd=tmp_path).startswith("keyrx")
    stray = subprocess.run(["grep", "-rlI", "-e", str(tmp_path), "-e", "/tmp/", str(venv / "bin"),
                            str(venv / "pyvenv.cfg")], capture_output=True, text=True, check=False)
    assert stray.stdout == ""
    unit = (root / "usr/lib/systemd/system/keyrx.service").read_text()
    assert "ExecStart=/opt/keyrx/bin/python -m gunicorn -c python:app.gunicorn_conf app.wsgi:app" in unit
    if shutil.which("systemd-analyze"):
        from tests.cli.test_deployment import verify_unit
        local = tmp_path / "keyrx.service"  # verify needs the interpreter to exist on this machine
        local.write_text(unit.replace("/opt/keyrx/bin/python", str(venv / "bin/python")))
        verify_unit(local)
