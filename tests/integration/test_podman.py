"""specops against real podman containers (the test bed's Debian image, rootful).

- a spec applied to a running container (``podman = "NAME"``) converges;
- ``specops run @podman/NAME`` runs commands and ops there;
- image builds (``podman = "image:IMAGE"``, ``@podman/image:IMAGE``): the deploy runs
  in a new container, the result is committed as a new image whose id is printed
  and in ``--json``, with the base image's entrypoint and command kept; the build
  container is removed after a plan, an apply and a failed apply, and a failed
  apply commits nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import specops
from tests.targets import converge, json_doc
from tests.testbed import podman

pytestmark = pytest.mark.fleet

OPS = """
[ops.app_dir]
op = "files.directory"
path = "/srv/app"
mode = "0750"

[ops.conf]
op = "files.file"
path = "/srv/app/app.conf"
content = "port = 8080\\n"

[ops.line]
op = "files.line"
path = "/etc/environment"
line = "APP_ENV=prod"

[ops.svc_user]
op = "server.user"
name = "app"
system = true
home = "/srv/app"

[ops.marker]
op = "server.shell"
command = "echo built > /srv/app/built"
creates = "/srv/app/built"
"""


def _builds() -> list[str]:
    """Build containers left behind (there must be none)."""
    out = podman.podman("ps", "-a", "--filter", "name=specops-build-", "--format", "{{.Names}}")
    return out.split()


def test_a_spec_converges_in_a_running_container(podman_container: str, tmp_path: Path) -> None:
    spec = tmp_path / "site.toml"
    spec.write_text(f'[hosts.box]\npodman = "{podman_container}"\n' + OPS)
    done = converge(spec)
    assert done.changed("box") == {"app_dir", "conf", "line", "svc_user", "marker"}
    r = specops(
        "run",
        f"@podman/{podman_container}",
        "--json",
        "--",
        "stat -c '%a %U' /srv/app; cat /srv/app/app.conf /srv/app/built; id -u app",
        code=0,
    )
    host = json_doc(r.stdout)["hosts"][0]
    lines = host["stdout"].splitlines()
    assert lines[:3] == ["750 root", "port = 8080", "built"] and lines[3].isdigit()


def test_an_ad_hoc_op_in_a_running_container(podman_container: str) -> None:
    target = f"@podman/{podman_container}"
    specops("run", target, "files.line", "path=/etc/motd", "line=hello from specops", code=0)
    again = specops(
        "run",
        target,
        "files.line",
        "path=/etc/motd",
        "line=hello from specops",
        "--plan",
        "--json",
        code=0,
    )
    assert not any(o["changes"] for h in json_doc(again.stdout)["hosts"] for o in h["ops"])


def test_an_image_build_commits_the_result(podman_env: None, tmp_path: Path) -> None:
    base = podman.image()
    tag = "localhost/specops-built:test"
    spec = tmp_path / "build.toml"
    spec.write_text(f'[hosts.img]\npodman = "image:{base}"\ntag = "{tag}"\n' + OPS)
    specops("plan", str(spec), "--json", code=0)
    assert _builds() == [], "a plan left its build container behind"
    r = specops("apply", str(spec), "--yes", "--json", code=0)
    host = json_doc(r.stdout)["hosts"][0]
    image = host["image"]
    assert image and {o["status"] for o in host["ops"]} == {"changed"}
    assert _builds() == [], "the build container was not removed"
    try:
        assert podman.podman("image", "inspect", "--format", "{{.Id}}", tag).startswith(image)
        out = podman.podman(
            "run",
            "--rm",
            "--network",
            "none",
            image,
            "sh",
            "-c",
            "cat /srv/app/app.conf /srv/app/built; grep APP_ENV /etc/environment",
        )
        assert out.splitlines() == ["port = 8080", "built", "APP_ENV=prod"]
        config = podman.podman(
            "image",
            "inspect",
            "--format",
            "{{json .Config.Entrypoint}}|{{json .Config.Cmd}}",
            image,
        )
        base_config = podman.podman(
            "image", "inspect", "--format", "{{json .Config.Entrypoint}}|{{json .Config.Cmd}}", base
        )
        assert config == base_config, "the build's idle entrypoint leaked into the image"
        text = specops("apply", str(spec), "--yes", code=0)
        assert "img: built image " in text.stdout
    finally:
        podman.podman("rmi", "-f", tag, image, check=False)


def test_a_failed_build_commits_nothing_and_removes_its_container(
    podman_env: None, tmp_path: Path
) -> None:
    base = podman.image()
    spec = tmp_path / "broken.toml"
    spec.write_text(
        f'[hosts.img]\npodman = "image:{base}"\n'
        '[ops.ok]\nop = "files.file"\npath = "/etc/first"\ncontent = "1\\n"\n'
        '[ops.boom]\nop = "server.shell"\ncommand = "exit 7"\nrequires = ["ok"]\n'
    )
    images_before = podman.podman("images", "-q", "--no-trunc").split()
    r = specops("apply", str(spec), "--yes", "--json", code=3)
    host = json_doc(r.stdout)["hosts"][0]
    assert host["image"] is None
    assert {o["id"]: o["status"] for o in host["ops"]} == {"ok": "changed", "boom": "failed"}
    assert _builds() == []
    assert podman.podman("images", "-q", "--no-trunc").split() == images_before


def test_an_ad_hoc_command_builds_an_image(podman_env: None) -> None:
    base = podman.image()
    r = specops("run", f"@podman/image:{base}", "--json", "--", "echo baked > /etc/baked", code=0)
    image = json.loads(r.stdout)["hosts"][0]["image"]
    try:
        assert image and _builds() == []
        out = podman.podman("run", "--rm", "--network", "none", image, "cat", "/etc/baked")
        assert out == "baked"
    finally:
        podman.podman("rmi", "-f", image, check=False)
