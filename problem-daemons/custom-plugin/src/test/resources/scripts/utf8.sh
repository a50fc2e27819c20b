#!/bin/sh
printf 'disque plein: 97 %% — réessayez\n'
exit 1
