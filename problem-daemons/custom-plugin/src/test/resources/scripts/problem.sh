#!/bin/sh
# Surrounding white space is trimmed, as NPD does.
printf '  \n  ntp.service is not running  \n\n'
exit 1
