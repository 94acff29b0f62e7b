#!/bin/bash
# Starts one disposable host. Runs as pid 1 of a new pid namespace, in new mount, UTS
# and IPC namespaces (and a cgroup namespace for systemd), made by host.py with
# `unshare --fork --kill-child`. Every mount below is private to the host's mount
# namespace and goes away with it; nothing is mounted in the machine's own.
#
# In (environment): TB_DIR (the host's directory), TB_NAME, TB_ADDRESS, TB_PORT,
# TB_INIT (tiny|systemd), TB_LOWER (the image's extracted root for an overlay root;
# empty when TB_DIR/root already holds a copy), TB_CLIENT_KEY (public key allowed in
# as root and tester), TB_SERVICES (deny: apt never starts services | allow).
set -euo pipefail
R=$TB_DIR/root

# -- the root: overlay over the shared image, or the host's own copy
if [ -n "$TB_LOWER" ]; then
  mount -t overlay overlay \
    -o "lowerdir=$TB_LOWER,upperdir=$TB_DIR/upper,workdir=$TB_DIR/work" "$R"
else
  mount --bind "$R" "$R" # pivot_root wants the new root to be a mount point
fi

# -- kernel interfaces, read-only where writing would reach the machine's kernel:
# sysctl, sysrq and /sys are the machine's own, so systemd and sysctl tests cannot
# change them.
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
for p in sys sysrq-trigger irq bus fs; do
  [ -e "$R/proc/$p" ] || continue
  mount --bind "$R/proc/$p" "$R/proc/$p"
  mount -o remount,bind,ro "$R/proc/$p"
done
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
if [ "$TB_INIT" = systemd ]; then
  # The root of our cgroup namespace: a subtree host.py made for this host alone.
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup"
fi

# -- /dev with the usual nodes only, its own ptys, /run on tmpfs
mount -t tmpfs -o mode=755,nosuid,size=16m tmpfs "$R/dev"
while read -r node major minor; do
  mknod -m 666 "$R/dev/$node" c "$major" "$minor"
done <<'NODES'
null 1 3
zero 1 5
full 1 7
random 1 8
urandom 1 9
tty 5 0
NODES
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5,nosuid,noexec devpts "$R/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
for i in 0:stdin 1:stdout 2:stderr; do ln -s "/proc/self/fd/${i%%:*}" "$R/dev/${i#*:}"; done
mount -t tmpfs -o mode=755,nosuid,nodev,size=256m tmpfs "$R/run"
mkdir -p "$R/run/lock" "$R/run/sshd"
chmod 1777 "$R/run/lock"

# -- who this host is
hostname "$TB_NAME"
echo "$TB_NAME" >"$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
  "$TB_NAME" >"$R/etc/hosts"
cp /etc/resolv.conf "$R/etc/resolv.conf"
install -m 600 "$TB_DIR/ssh_host_ed25519_key" "$R/etc/ssh/ssh_host_ed25519_key"
install -m 644 "$TB_DIR/ssh_host_ed25519_key.pub" "$R/etc/ssh/ssh_host_ed25519_key.pub"
printf 'Port %s\nListenAddress %s\n' "$TB_PORT" "$TB_ADDRESS" \
  >"$R/etc/ssh/sshd_config.d/00-listen.conf"
install -d -m 700 "$R/root/.ssh"
install -m 600 "$TB_CLIENT_KEY" "$R/root/.ssh/authorized_keys"
install -d -m 700 -o "$(chroot "$R" id -u tester)" -g "$(chroot "$R" id -g tester)" \
  "$R/home/tester/.ssh"
install -m 600 -o "$(chroot "$R" id -u tester)" -g "$(chroot "$R" id -g tester)" \
  "$TB_CLIENT_KEY" "$R/home/tester/.ssh/authorized_keys"
if [ "$TB_SERVICES" = deny ]; then
  # dpkg maintainer scripts ask invoke-rc.d, which asks this: 101 = do not start.
  printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
  chmod 755 "$R/usr/sbin/policy-rc.d"
fi
chroot "$R" /usr/sbin/sshd -t

# -- become the root: pivot_root (not chroot) so / is a real mount inside, and the
# machine's tree is detached from this namespace
cd "$R"
pivot_root . .
umount -l .
cd /

# Capabilities no test host needs and that would reach the machine: the clock, kernel
# modules, raw I/O, the kernel log, and (sharing the machine's network) its interfaces.
DROP=-sys_time,-sys_module,-sys_rawio,-syslog,-wake_alarm,-mac_admin,-mac_override,-net_admin
ENV=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
if [ "$TB_INIT" = systemd ]; then
  exec /usr/bin/env -i "${ENV[@]}" container=specops-testbed \
    /usr/bin/setpriv --bounding-set="$DROP" /lib/systemd/systemd --log-target=console
fi
# The tiny init: start sshd, reap orphans, end everyone on SIGTERM. Perl is Essential in
# Debian, so every image has it.
exec /usr/bin/env -i "${ENV[@]}" /usr/bin/setpriv --bounding-set="$DROP" /usr/bin/perl -e '
  $0 = "testbed-init";
  $SIG{TERM} = sub { kill "TERM", -1; sleep 1; kill "KILL", -1; exit 0 };
  system("/usr/sbin/sshd") == 0 or die "testbed-init: sshd did not start\n";
  while (1) { waitpid(-1, 0) > 0 or sleep 1 }'
