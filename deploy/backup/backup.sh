#!/usr/bin/env bash
# Back up heatscore's relational database and its InfluxDB daily rollups into one dated folder.
#
#   deploy/backup/backup.sh FOLDER [FIRST_DAY LAST_DAY]
#
# The rollups of FIRST_DAY..LAST_DAY (local dates, default: the last 400 days) are exported
# as line protocol. Settings come from the HEATSCORE_* variables, as for heatscore itself.
# Restore with:
#   python deploy/backup/relational.py restore FOLDER/<stamp>/relational.<db|dump>
#   python deploy/backup/influx_rollups.py import FOLDER/<stamp>/rollups
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
root=${1:?用法：backup.sh 目标目录 [第一天 最后一天]}
first=${2:-$(date -d '400 days ago' +%F)}
last=${3:-$(date +%F)}
stamp=$(TZ=Asia/Shanghai date +%Y%m%d-%H%M%S)
folder="$root/$stamp"
mkdir -p "$folder"
chmod 700 "$folder"

case "${HEATSCORE_DATABASE_URL:-sqlite:///}" in
    sqlite:*) relational_file="$folder/relational.db" ;;
    *) relational_file="$folder/relational.dump" ;;
esac

"$python" "$here/relational.py" backup "$relational_file"
"$python" "$here/influx_rollups.py" export --from "$first" --to "$last" --out "$folder/rollups"
echo "备份完成：$folder"
