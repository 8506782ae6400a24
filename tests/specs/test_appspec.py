"""AppSpec validation for EC2/on-premises (§A.5): every rule names the place and the fix."""

from __future__ import annotations

import pytest

from helpers.specs import appspec

GOOD = """version: 0.0
os: linux
files:
  - source: /
    destination: /var/www/html
file_exists_behavior: overwrite
permissions:
  - object: /var/www/html
    mode: 644
    type: [file]
hooks:
  AfterInstall:
    - location: scripts/a.sh
      timeout: 100
      runas: root
    - location: scripts/b.sh
"""


def test_valid_appspec_parses():
    """A full AppSpec parses into files, hooks with timeouts, and the behaviour upper-cased."""
    spec = appspec.loads(GOOD)
    assert spec.os == "linux"
    assert spec.files == [appspec.FileMapping("/", "/var/www/html")]
    assert spec.file_exists_behavior == "OVERWRITE"
    assert [(s.location, s.timeout, s.runas) for s in spec.hooks["AfterInstall"]] == [
        ("scripts/a.sh", 100, "root"), ("scripts/b.sh", 3600, None)]


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("version: 1.0\nos: linux\n", '"0.0"'),
    ("version: 0.0\nos: mac\n", "os: linux"),
    ("version: 0.0\nos: linux\nfile_exists_behavior: MERGE\n", "DISALLOW, OVERWRITE or RETAIN"),
    ("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - timeout: 5\n", "location"),
    ("version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: 0\n",
     "greater than 0"),
    ("version: 0.0\nos: windows\npermissions:\n  - object: C:/x\n", "Linux only"),
    ("version: 0.0\nos: linux\npermissions:\n  - mode: 644\n", "object"),
    ("version: 0.0\nos: linux\npermissions:\n  - object: /x\n    type: [socket]\n", "file or dir"),
    ("version: 0.0\nos: linux\nhooks:\n  Install:\n    - location: a.sh\n", "not a lifecycle"),
    ("version: 0.0\nos: linux\nfiles:\n  - source: a\n", "destination"),
    ("version: 0.0\nos: linux\nfiles:\n  - source: a\n    destination: relative/path\n",
     "fully qualified"),
    ("version: 0.0\n os: linux\n", "not valid YAML at line 2"),
])
def test_invalid_appspec_names_the_problem(text, words):
    """Each agent rule gives a message naming the place and the fix."""
    with pytest.raises(appspec.AppSpecError) as err:
        appspec.loads(text)
    assert words in str(err.value)
    assert str(err.value).startswith("appspec.yml")
