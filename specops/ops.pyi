"""Typed operations for Python deploys (generated: python -m specops.runtime.stubs)."""

from collections.abc import Callable, Sequence
from typing import Any, Literal

class Family:
    """The ops of a family no stub describes (one a user module adds): any op, any argument."""

    def __init__(self, name: str) -> None: ...
    def __getattr__(self, op: str) -> Callable[..., None]: ...


class _Apache:
    """The apache.* operations."""

    def conf(self, *, name: str, enabled: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure an Apache configuration snippet (conf-available/NAME.conf) is enabled, or disabled.

        Example: ``[ops.security] op = "apache.conf"  name = "security"``
        """
    def module(self, *, name: str, enabled: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure an Apache module is enabled (a2enmod), or disabled.

        Example: ``[ops.rewrite] op = "apache.module"  name = "rewrite"  notify = ["restart_apache"]``
        """
    def site(self, *, name: str, enabled: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure an Apache site (/etc/apache2/sites-available/NAME.conf) is enabled, or disabled.

        Example: ``[ops.vhost_on] op = "apache.site"  name = "shop"  notify = ["reload_apache"]``
        """

class _Apk:
    """The apk.* operations."""

    def packages(self, *, packages: list[str], present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure Alpine packages are installed with apk, or removed.

        Tested from fixtures only: no Alpine host runs here.
        Example: ``[ops.web] op = "apk.packages"  packages = ["nginx"]``
        """
    def repository(self, *, url: str, present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a line in /etc/apk/repositories (Alpine), or its absence.

        Tested from fixtures and by editing the file on a Debian host (no apk runs here).
        Example: ``[ops.community] op = "apk.repository"
        url = "https://dl-cdn.alpinelinux.org/alpine/v3.20/community"``
        """

class _Apt:
    """The apt.* operations."""

    def deb(self, *, path: str, package: str, version: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a package from a .deb file on the host is installed (dependencies through apt).

        Example: ``[ops.tool] op = "apt.deb"  path = "/opt/tool_1.2_amd64.deb"  package = "tool"
        version = "1.2"``
        """
    def hold(self, *, package: str, held: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a package is held at its version (``apt-mark hold``), or released.

        Example: ``[ops.pin_kernel] op = "apt.hold"  package = "linux-image-amd64"``
        """
    def key(self, *, name: str, content: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure an apt signing key is in /etc/apt/keyrings, for a source's signed-by= option.

        apt reads armored .asc keys directly: no gpg or apt-key needed.
        Example: ``[ops.key] op = "apt.key"  name = "nodesource"  content = "${nodesource_key}"``
        """
    def packages(self, *, packages: list[str], state: Literal['present', 'absent', 'latest'] = ..., update_cache: bool = ..., cache_valid_time: int = ..., install_recommends: bool = ..., purge: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure Debian packages are installed (at the latest version), or removed.

        ``latest`` compares with the candidate version in the package lists as the plan
        reads them; a refresh in the same run may find a newer one, which the next run
        then installs.

        Example: ``[ops.web] op = "apt.packages"  packages = ["nginx", "curl"]``
        """
    def repository(self, *, name: str, line: str, present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure an apt source is configured (in its own file), or removed.

        A changed source marks the package lists stale, so a later ``apt.packages``
        in the same run refreshes them before installing.
        Example: ``[ops.repo] op = "apt.repository"  name = "example"
        line = "deb [signed-by=/etc/apt/keyrings/example.asc] https://example.org/deb bookworm main"``
        """
    def update(self, *, cache_valid_time: int = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Refresh the package lists (``apt-get update``) when they are older than cache_valid_time.

        Example: ``[ops.lists] op = "apt.update"  cache_valid_time = 86400``
        """

class _Dnf:
    """The dnf.* operations."""

    def packages(self, *, packages: list[str], present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure RPM packages are installed with dnf (Fedora, RHEL, Rocky, Alma), or removed.

        Tested from fixtures only: no dnf host runs here.
        Example: ``[ops.web] op = "dnf.packages"  packages = ["nginx"]``
        """
    def repository(self, *, name: str, baseurl: str, description: str = ..., gpgkey: str | None = ..., enabled: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a dnf/yum repository file in /etc/yum.repos.d.

        Tested from fixtures and by writing the file on a Debian host (no dnf runs here).
        Example: ``[ops.repo] op = "dnf.repository"  name = "nginx"
        baseurl = "https://nginx.org/packages/centos/9/$basearch/"  gpgkey = "https://nginx.org/keys/nginx_signing.key"``
        """

class _Files:
    """The files.* operations."""

    def absent(self, *, path: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure nothing exists at a path.

        Example: ``[ops.old] op = "files.absent"  path = "/etc/nginx/sites-enabled/default"``
        """
    def attrs(self, *, path: str, user: str | None = ..., group: str | None = ..., file_mode: str | int | None = ..., dir_mode: str | int | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure owner and permissions across a whole directory tree (like chown -R / chmod -R).

        Directories and files get their own modes, so a tree stays traversable;
        symbolic links are never followed.
        Example: ``[ops.www] op = "files.attrs"  path = "/var/www/app"  user = "www-data"
        dir_mode = "0755"  file_mode = "0644"``
        """
    def block(self, *, path: str, name: str, content: str = ..., present: bool = ..., comment: str = ..., mode: str | int | None = ..., user: str | None = ..., group: str | None = ..., validate: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a marker-delimited block of lines is in a file, leaving the rest alone.

        Example: ``[ops.hosts] op = "files.block"  path = "/etc/hosts"  name = "cluster"
        content = "10.0.0.1 db1\n10.0.0.2 db2"``
        """
    def copy(self, *, src: str, path: str, mode: str | int | None = ..., user: str | None = ..., group: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Copy a file, or a directory tree, from the controller to the host.

        A tree is merged into ``path``: files that differ are rewritten, new ones
        created, nothing else is removed (``files.sync`` removes extras). Without
        ``mode``, files keep the controller's permission bits.
        Example: ``[ops.site] op = "files.copy"  src = "site/"  path = "/var/www/site"``
        """
    def directory(self, *, path: str, mode: str | int | None = ..., user: str | None = ..., group: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a directory exists, with mode and owner.

        Example: ``[ops.app] op = "files.directory"  path = "/srv/app"  mode = "0755"``
        """
    def download(self, *, url: str, path: str, sha256: str | None = ..., mode: str | int | None = ..., user: str | None = ..., group: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Download a URL to a file on the host, checked against a SHA-256.

        The host fetches the URL itself; the file lands atomically and only if its
        checksum matches.
        Example: ``[ops.tool] op = "files.download"  url = "https://example.org/tool.tar.gz"
        path = "/opt/tool.tar.gz"  sha256 = "…"``
        """
    def extract(self, *, archive: str, path: str, creates: str, strip_components: int = ..., user: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Extract a tar archive that is on the host, once (until ``creates`` exists).

        Pair it with ``files.download`` to install release tarballs.
        Example: ``[ops.unpack] op = "files.extract"  archive = "/opt/tool.tar.gz"
        path = "/opt/tool"  creates = "/opt/tool/bin/tool"``
        """
    def file(self, *, path: str, content: str | None = ..., mode: str | int | None = ..., user: str | None = ..., group: str | None = ..., validate: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a regular file exists, optionally with exact content, mode and owner.

        Content is written atomically (temp file + rename); a plan shows a unified diff.
        Example: ``[ops.motd] op = "files.file"  path = "/etc/motd"  content = "hello\n"``
        """
    def get(self, *, path: str, dest: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Copy a file from the host to the controller, when the copy there differs.

        Example: ``[ops.backup] op = "files.get"  path = "/etc/nginx/nginx.conf"
        dest = "backups/${host.name}/nginx.conf"``
        """
    def ini(self, *, path: str, section: str, key: str, value: str = ..., present: bool = ..., mode: str | int | None = ..., validate: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure an option in an INI file section (php.ini, my.cnf, systemd-style files).

        Comments and other options stay as they are; a new option goes after its
        commented-out default when there is one.
        Example: ``[ops.upload] op = "files.ini"  path = "/etc/php/8.2/apache2/php.ini"
        section = "PHP"  key = "upload_max_filesize"  value = "64M"``
        """
    def keyvalue(self, *, path: str, key: str, value: str = ..., separator: str = ..., present: bool = ..., mode: str | int | None = ..., validate: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a ``KEY=value`` line in a simple settings file, or its absence.

        Example: ``[ops.proxy] op = "files.keyvalue"  path = "/etc/environment"
        key = "HTTP_PROXY"  value = "http://proxy:3128"``
        """
    def line(self, *, path: str, line: str, regex: str | None = ..., present: bool = ..., validate: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a line is in a file (or not), optionally replacing lines that match a regex.

        Example: ``[ops.swappiness] op = "files.line"  path = "/etc/sysctl.conf"
        line = "vm.swappiness = 10"  regex = "^vm.swappiness"``
        """
    def link(self, *, path: str, target: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a symbolic link exists and points at a target.

        An existing link to elsewhere is replaced atomically; a file or directory in
        the way is an error, never silently removed.
        Example: ``[ops.current] op = "files.link"  path = "/srv/app/current"  target = "releases/42"``
        """
    def replace(self, *, path: str, regex: str, replace: str, count: int = ..., validate: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Replace every match of a regular expression in a file.

        Idempotent when the replacement no longer matches the expression (write the
        expression so that it does not match what it produces).
        Example: ``[ops.listen] op = "files.replace"  path = "/etc/ssh/sshd_config"
        regex = "^#?Port .*$"  replace = "Port 2222"``
        """
    def sync(self, *, src: str, path: str, delete: bool = ..., mode: str | int | None = ..., user: str | None = ..., group: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Make a host directory mirror a controller directory, optionally deleting extras.

        Example: ``[ops.docroot] op = "files.sync"  src = "public/"  path = "/var/www/app"``
        """
    def template(self, *, path: str, src: str, vars: dict[str, Any] = ..., mode: str | int | None = ..., user: str | None = ..., group: str | None = ..., validate: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Render a Jinja2 template from the controller into a file on the host.

        The template sees each entry of ``vars`` as a name (and all of them as ``vars``),
        plus ``facts``: ``facts.os`` (/etc/os-release, lower-case keys), ``facts.hostname``,
        ``facts.arch`` and ``facts.kernel``. Rendering is sandboxed and strict: an
        undefined name is an error, never an empty string. As in Ansible, the newline
        after a block tag (``{% if %}``, ``{% for %}``) is dropped (Jinja's ``trim_blocks``)
        and the final newline is kept, so Ansible templates render the same. The spec's
        variables (all but the sensitive ones) and ``host.name`` are in scope; pass a
        secret in ``vars`` to use it, and the op's diff is then hidden.
        Example: ``[ops.vhost] op = "files.template"  src = "templates/vhost.conf.j2"
        path = "/etc/apache2/sites-available/app.conf"  vars = { port = "${port}" }``
        """

class _Git:
    """The git.* operations."""

    def config(self, *, name: str, value: str, repo: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a git option in the system config (/etc/gitconfig) or a checkout's config.

        Example: ``[ops.safe] op = "git.config"  name = "safe.directory"  value = "/srv/app"``
        """
    def repo(self, *, url: str, path: str, ref: str = ..., force: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a git checkout of a repository at a branch, tag or commit (detached HEAD).

        Needs git on the host (it may be installed earlier in the same run). Local
        changes to tracked files make the op fail unless ``force = true``.
        Example: ``[ops.app] op = "git.repo"  url = "https://example.org/app.git"
        path = "/srv/app"  ref = "v1.4.2"``
        """

class _Mysql:
    """The mysql.* operations."""

    def database(self, *, name: str, present: bool = ..., encoding: str = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a MySQL/MariaDB database exists (or does not).

        The server may be installed and started earlier in the same run.
        Example: ``[ops.db] op = "mysql.database"  name = "shop"``
        """
    def user(self, *, name: str, password: str | None = ..., host: str = ..., database: str | None = ..., privileges: str = ..., present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a MySQL/MariaDB account exists with privileges on one database (or is dropped).

        The password is set only when the account is created.
        Example: ``[ops.db_user] op = "mysql.user"  name = "shop"  password = "${db_password}"
        database = "shop"``
        """

class _Pacman:
    """The pacman.* operations."""

    def packages(self, *, packages: list[str], present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure Arch Linux packages are installed with pacman (``--needed``), or removed.

        Tested from fixtures only: no Arch host runs here.
        Example: ``[ops.web] op = "pacman.packages"  packages = ["nginx"]``
        """

class _Pip:
    """The pip.* operations."""

    def packages(self, *, packages: list[str], venv: str | None = ..., present: bool = ..., index_url: str | None = ..., break_system_packages: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure Python packages are installed with pip (pinned versions are enforced), or removed.

        Example: ``[ops.deps] op = "pip.packages"  venv = "/srv/app/venv"
        packages = ["gunicorn==22.0.0", "flask"]``
        """
    def venv(self, *, path: str, python: str = ..., system_site_packages: bool = ..., user: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a Python virtualenv exists (``python3 -m venv``); needs python3-venv on Debian.

        Example: ``[ops.venv] op = "pip.venv"  path = "/srv/app/venv"``
        """

class _Server:
    """The server.* operations."""

    def alternatives(self, *, name: str, path: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a Debian alternatives group points at a choice (``update-alternatives --set``).

        Example: ``[ops.editor] op = "server.alternatives"  name = "editor"
        path = "/usr/bin/vim.basic"``
        """
    def crontab(self, *, name: str, command: str, schedule: str = ..., user: str = ..., present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a named entry is in a user's crontab (other entries are left alone).

        Needs cron installed (it may be installed earlier in the same run).
        Example: ``[ops.backup] op = "server.crontab"  name = "backup"  schedule = "@daily"
        command = "/usr/local/bin/backup"``
        """
    def group(self, *, name: str, present: bool = ..., gid: int | None = ..., system: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a group exists (with a gid), or does not exist.

        Example: ``[ops.app_group] op = "server.group"  name = "app"  gid = 1500``
        """
    def hostname(self, *, name: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure the host name, both running (``hostname``) and in /etc/hostname.

        /etc/hosts is left alone: declare its line with ``files.line`` if you need one.
        Example: ``[ops.name] op = "server.hostname"  name = "web1"``
        """
    def limits(self, *, name: str, domain: str, item: str, value: str, type: Literal['soft', 'hard', '-'] = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a PAM resource limit (limits.conf syntax) in its own file under limits.d.

        Applies to sessions started after the change.
        Example: ``[ops.nofile] op = "server.limits"  name = "app-nofile"  domain = "app"
        item = "nofile"  value = "65536"``
        """
    def locale(self, *, name: str, default: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a locale is generated (Debian ``locale-gen``), optionally as the system default.

        Needs the ``locales`` package (it may be installed earlier in the same run).
        Example: ``[ops.lang] op = "server.locale"  name = "en_US.UTF-8"  default = true``
        """
    def mount(self, *, path: str, source: str = ..., fstype: str = ..., options: str = ..., mounted: bool = ..., present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a file system is in /etc/fstab and mounted (or neither).

        An existing mount with other options is not remounted; unmount it first.
        Example: ``[ops.scratch] op = "server.mount"  path = "/mnt/scratch"  fstype = "tmpfs"
        options = "size=64m"``
        """
    def packages(self, *, packages: list[str], present: bool = ..., manager: Literal['auto', 'apt', 'dnf', 'yum', 'apk', 'pacman'] = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure packages are installed (or removed) with whatever package manager the host has.

        apt does not refresh its lists here: use ``apt.packages`` for that control.
        Example: ``[ops.tools] op = "server.packages"  packages = ["curl", "git"]``
        """
    def reboot(self, *, only_if_required: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Reboot the host, by default only when a package update asked for it.

        The reboot is scheduled two seconds after the apply script ends, so the run
        reports its results first; specops does not wait for the host to come back.
        With ``only_if_required = false`` it reboots on every apply.
        Example: ``[ops.reboot] op = "server.reboot"``
        """
    def script(self, *, src: str, args: list[str] = ..., creates: str | None = ..., unless: str | None = ..., changes: list[str] | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Upload a script from the controller and run it, unless a guard says it is done.

        The script travels inside the apply script, runs from a private temp file, and
        is removed afterwards. Without ``creates``/``unless`` it runs on every apply.
        Example: ``[ops.setup] op = "server.script"  src = "scripts/setup.sh"
        creates = "/srv/app/.setup-done"``
        """
    def shell(self, *, command: str, creates: str | None = ..., unless: str | None = ..., changes: list[str] | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Run a shell command, unless a guard says its work is already done.

        Without a guard the command runs on every apply. The guard is checked in the
        plan and again on the host right before the command runs.
        Example: ``[ops.init] op = "server.shell"  command = "app init"  creates = "/srv/app/.init"``
        """
    def sudoers(self, *, name: str, content: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a drop-in file in /etc/sudoers.d holds these rules, checked by ``visudo`` first.

        Invalid rules fail the op before anything is written, so a typo can never lock
        out sudo. The file gets mode 0440, owner root.
        Example: ``[ops.deploy_sudo] op = "server.sudoers"  name = "deploy"
        content = "deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app"``
        """
    def sysctl(self, *, key: str, value: str, persist: bool = ..., live: bool = ..., file: str | None = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a kernel parameter has a value, on the running kernel and across reboots.

        Example: ``[ops.swap] op = "server.sysctl"  key = "vm.swappiness"  value = "10"``
        """
    def timezone(self, *, name: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure the system time zone: /etc/localtime links to the zone file, /etc/timezone names it.

        Needs the tzdata package (the zone file must exist).
        Example: ``[ops.tz] op = "server.timezone"  name = "Europe/Paris"``
        """
    def user(self, *, name: str, present: bool = ..., uid: int | None = ..., group: str | None = ..., groups: list[str] = ..., home: str | None = ..., shell: str | None = ..., comment: str | None = ..., system: bool = ..., remove_home: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a user account exists with the given attributes, or does not exist.

        Example: ``[ops.deploy] op = "server.user"  name = "deploy"  shell = "/bin/bash"
        groups = ["www-data"]``
        """

class _Service:
    """The service.* operations."""

    def sysvinit(self, *, name: str, running: bool | None = ..., enabled: bool | None = ..., restarted: bool = ..., reloaded: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a sysvinit service is running (or stopped) and started at boot (or not).

        ``restarted``/``reloaded`` act on every apply: use them in handlers.
        Example: ``[ops.cron] op = "service.sysvinit"  name = "cron"  enabled = true``
        """

class _Ssh:
    """The ssh.* operations."""

    def authorized_key(self, *, user: str, key: str, present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a public key is in a user's ~/.ssh/authorized_keys (or is not).

        The .ssh directory and the file are created with modes 0700 and 0600, owned by the user.
        Example: ``[ops.alice] op = "ssh.authorized_key"  user = "deploy"
        key = "ssh-ed25519 AAAAC3Nza… alice@laptop"``
        """
    def keygen(self, *, path: str, type: Literal['ed25519', 'rsa', 'ecdsa'] = ..., user: str | None = ..., comment: str = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure an SSH key pair exists (``ssh-keygen``, no passphrase); an existing key is kept.

        Example: ``[ops.deploy_key] op = "ssh.keygen"  path = "/home/deploy/.ssh/id_ed25519"
        user = "deploy"``
        """
    def known_host(self, *, host: str, key: str, path: str = ..., present: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a host's public key is trusted in a known_hosts file (replacing an old key).

        Example: ``[ops.github] op = "ssh.known_host"  host = "github.com"
        key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"``
        """
    def sshd_option(self, *, name: str, value: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure an sshd option in a drop-in under /etc/ssh/sshd_config.d, checked by ``sshd -t``.

        The option is checked with ``sshd -t -o NAME=VALUE`` before anything is written,
        so a typo cannot lock you out. sshd reads it on its next reload: notify a
        handler that reloads ssh.
        Example: ``[ops.no_passwords] op = "ssh.sshd_option"  name = "PasswordAuthentication"
        value = "no"``
        """

class _Systemd:
    """The systemd.* operations."""

    def dropin(self, *, unit: str, name: str, content: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a drop-in override for a unit (UNIT.d/NAME.conf), reloading systemd when it changes.

        Example: ``[ops.limits] op = "systemd.dropin"  unit = "nginx"  name = "limits"
        content = "[Service]\nLimitNOFILE=65536\n"``
        """
    def mask(self, *, name: str, masked: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a unit is masked (cannot be started at all, even as a dependency), or unmasked.

        Example: ``[ops.no_apache] op = "systemd.mask"  name = "apache2"``
        """
    def service(self, *, name: str, running: bool | None = ..., enabled: bool | None = ..., restarted: bool = ..., reloaded: bool = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a systemd service is running (or stopped), enabled (or not); restart or reload it.

        Example: ``[ops.nginx] op = "systemd.service"  name = "nginx"  enabled = true``;
        as a handler: ``[handlers.reload_nginx] op = "systemd.service"  name = "nginx"
        reloaded = true``
        """
    def timer(self, *, name: str, command: str, on_calendar: str, user: str | None = ..., description: str = ..., _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a command runs on a schedule: a oneshot NAME.service and a started NAME.timer.

        Example: ``[ops.backup] op = "systemd.timer"  name = "backup"  on_calendar = "daily"
        command = "/usr/local/bin/backup"``
        """
    def unit(self, *, name: str, content: str, _id: str = ..., _requires: str | Sequence[str] = ..., _before: str | Sequence[str] = ..., _notify: str | Sequence[str] = ..., _handler: bool = ..., _tags: str | Sequence[str] = ..., _desc: str = ..., _become: bool | str = ...) -> None:
        r"""Ensure a unit file in /etc/systemd/system, reloading systemd when it changes.

        Example: ``[ops.app_unit] op = "systemd.unit"  name = "app.service"
        content = "[Service]\nExecStart=/srv/app/run\n[Install]\nWantedBy=multi-user.target\n"``
        """

apache: _Apache
apk: _Apk
apt: _Apt
dnf: _Dnf
files: _Files
git: _Git
mysql: _Mysql
pacman: _Pacman
pip: _Pip
server: _Server
service: _Service
ssh: _Ssh
systemd: _Systemd

def __getattr__(name: str) -> Family: ...
