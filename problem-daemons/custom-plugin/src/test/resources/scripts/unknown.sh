#!/bin/sh
echo "Could not find 'systemctl' - require systemd"
exit 2
