"""The typed Python client of SpineFit (`clients/python`), generated from the public
document by openapi-python-client (pinned in pyproject.toml), so it cannot say anything the
document does not.

`make sdk` runs this: the document as `python -m deploy.public_api` prints it, into a
temporary file, then the generator with the hand-kept settings beside the client
(`clients/python/config.yaml`, `templates/`). The generator's post-hooks run ruff: the one
of this venv, put first on PATH. tests/unit/test_sdk_fresh.py generates into a temporary
directory the same way and compares, so the committed client never drifts.

    python -m deploy.sdk                       # clients/python
    python -m deploy.sdk --output-path DIR     # elsewhere (the freshness test)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENT_DIR = ROOT / "clients" / "python"
CONFIG = CLIENT_DIR / "config.yaml"
TEMPLATES = CLIENT_DIR / "templates"
# Kept by hand in CLIENT_DIR (the generator's inputs); everything else there is generated.
HAND_KEPT = ("config.yaml", "templates/")
META = "uv"  # a pyproject.toml with [project] and a build backend: `pip install` works
# The venv's tools (not resolved: a venv's python is often a link to the system's).
BIN = Path(sys.executable).parent
GENERATOR = BIN / "openapi-python-client"


class SdkError(Exception):
    """The document or the client could not be generated."""


def _environment() -> dict[str, str]:
    """This environment with the venv first on PATH (the post-hooks' ruff), and no
    SPINEFIT_* settings: the document, so the client, is the same in every shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPINEFIT_")}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 (our own commands, no shell)
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SdkError(f"{' '.join(command[:3])} failed:\n{done.stdout}{done.stderr}")
    return done


def generate(output: Path = CLIENT_DIR) -> str:
    """Write the client to `output` (created, or rewritten in place); returns what the
    generator said (its warnings: an operation or a response it had to leave out)."""
    if not GENERATOR.exists():
        raise SdkError(f"{GENERATOR} is missing: `make install` installs the generator")
    env = _environment()
    with tempfile.TemporaryDirectory(prefix="spinefit-sdk-") as scratch:
        document = Path(scratch) / "openapi.json"
        document.write_text(
            _run([sys.executable, "-m", "deploy.public_api"], env).stdout, encoding="utf-8"
        )
        said = _run(
            [
                str(GENERATOR),
                "generate",
                "--path",
                str(document),
                "--config",
                str(CONFIG),
                "--custom-template-path",
                str(TEMPLATES),
                "--meta",
                META,
                "--output-path",
                str(output),
                "--overwrite",
            ],
            env,
        )
        return said.stdout + said.stderr


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-path", type=Path, default=CLIENT_DIR)
    args = parser.parse_args(argv)
    try:
        said = generate(args.output_path)
    except SdkError as error:
        sys.exit(str(error))
    sys.stdout.write(said)
    print(f"wrote {args.output_path}")


if __name__ == "__main__":
    main()
