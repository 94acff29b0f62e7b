"""examples/lamp on a disposable Debian host with systemd: it converges and serves PHP.

The example is applied as written, with its inventory swapped for the target
(``-i``), from its own directory (its template paths are relative). The PHP page
must answer over HTTP on the target's 127.x address and report the database up;
then the YAML form of the same deploy must find nothing to do.
"""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli import specops
from tests.targets import Targets, converge, json_doc, planned

pytestmark = pytest.mark.fleet

EXAMPLE = Path(__file__).parents[2] / "examples" / "lamp"


def fetch(url: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                body: str = r.read().decode()
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_lamp_example_converges_and_serves_php(targets: Targets, tmp_path: Path) -> None:
    host = targets.get("lamp", init="systemd")
    inventory = tmp_path / "inventory.toml"
    inventory.write_text(host.inventory("web1", vars={"listen": host.address}))

    done = converge(EXAMPLE / "site.toml", "-i", str(inventory), cwd=EXAMPLE)
    changed = done.changed("web1")
    assert {"packages", "app_user", "page", "vhost", "vhost_on", "db", "db_user"} <= changed
    assert {"apache", "mariadb", "restart_apache", "reload_apache"} <= changed

    page = fetch(f"http://{host.address}:8081/")
    assert "skip-networking" in host.sh("my_print_defaults mysqld").stdout
    assert page == "Hello from shop on PHP 8.2, database up\n"
    vhost = host.sh("cat /etc/apache2/sites-available/shop.conf").stdout
    assert f"<VirtualHost {host.address}:8081>" in vhost and "rendered for lamp" in vhost

    # The YAML form is the same deploy: on the converged host it has nothing to do.
    again = specops(
        "plan", str(EXAMPLE / "site.yaml"), "--json", "-i", str(inventory), cwd=EXAMPLE, code=0
    )
    assert planned(json_doc(again.stdout)) == {"web1": {}}
    reapply = specops(
        "apply",
        str(EXAMPLE / "site.toml"),
        "--yes",
        "--json",
        "-i",
        str(inventory),
        cwd=EXAMPLE,
        code=0,
    )
    statuses = {o["status"] for h in json_doc(reapply.stdout)["hosts"] for o in h["ops"]}
    assert statuses == {"ok"}
    assert fetch(f"http://{host.address}:8081/") == page
