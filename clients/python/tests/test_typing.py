import subprocess
import sys
from pathlib import Path


def test_the_package_passes_mypy_strict() -> None:
    here = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=here, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_ships_py_typed() -> None:
    import presque

    assert (Path(presque.__file__).parent / "py.typed").is_file()
