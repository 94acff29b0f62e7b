#!/bin/sh
# mmdebstrap --customize-hook for the test-bed image: $1 is the new root.
# Everything here is the same for every host; what differs per host (name, address,
# host key, the client key allowed in) is written by boot.sh when a host starts.
set -eu
R=$1

# sshd: keys only, no DNS lookups of clients; host keys come per host. Tests open many
# connections at once (one per host entry of a spec): no early drops below 100.
mkdir -p "$R/etc/ssh/sshd_config.d"
cat > "$R/etc/ssh/sshd_config.d/10-testbed.conf" <<'CONF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
MaxStartups 100:30:200
CONF
rm -f "$R"/etc/ssh/ssh_host_*

# A non-root user who may sudo without a password (become tests log in as it).
chroot "$R" useradd --create-home --shell /bin/bash tester
echo 'tester ALL=(ALL) NOPASSWD:ALL' > "$R/etc/sudoers.d/tester"
chmod 440 "$R/etc/sudoers.d/tester"

# Per-host identity is written at boot; an empty machine-id makes systemd make one.
rm -f "$R/etc/hostname" "$R/etc/resolv.conf"
: > "$R/etc/machine-id"
