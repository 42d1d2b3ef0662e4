#!/usr/bin/env bash
# Make the local services ready on a Debian machine: Mosquitto and InfluxDB 1.x with
# authentication, the heatscore database and its user provisioned. Safe to run twice.
#
#   deploy/services.sh start    install what is missing, start, wait, provision
#   deploy/services.sh stop     stop the services this script started
#   deploy/services.sh status   say what answers
#
# Ports, credentials and the state folder come from the same HEATSCORE_* variables that
# heatscore reads (see settings/__init__.py); defaults match heatscore's defaults.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
state=$(realpath -m "${HEATSCORE_DATA_DIR:-var}")/services
mqtt_host=${HEATSCORE_MQTT_HOST:-127.0.0.1}
mqtt_port=${HEATSCORE_MQTT_PORT:-18830}
influx_url=${HEATSCORE_INFLUX_URL:-http://127.0.0.1:18086}
influx_port=${influx_url##*:}
influx_port=${influx_port%%/*}
influx_rpc_port=$((influx_port + 2))
influx_db=${HEATSCORE_INFLUX_DATABASE:-heatscore}
influx_user=${HEATSCORE_INFLUX_USERNAME:-heatscore}
influx_password=${HEATSCORE_INFLUX_PASSWORD:-heatscore-local}
admin_user=${HEATSCORE_INFLUX_ADMIN_USERNAME:-admin}
admin_password=${HEATSCORE_INFLUX_ADMIN_PASSWORD:-heatscore-admin-local}

say() { echo "[services] $*"; }
fail() { echo "[services] 错误：$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for() {
    local what=$1 check=$2 seconds=${3:-60}
    for _ in $(seq 1 $((seconds * 4))); do
        if eval "$check"; then return 0; fi
        sleep 0.25
    done
    fail "$what 在 ${seconds} 秒内没有响应，请查看 $state 下的日志"
}

apt_install() {
    local package=$1
    say "installing Debian package $package"
    if [ ! -f "$state/.apt-updated" ]; then
        apt-get update -qq >/dev/null || fail "apt-get update 失败"
        touch "$state/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null \
        || fail "无法安装 Debian 软件包 $package"
}

render() {
    sed -e "s|@STATE@|$2|g" -e "s|@PORT@|$3|g" -e "s|@RPC_PORT@|${4:-0}|g" "$1"
}

start_mosquitto() {
    if port_open "$mqtt_host" "$mqtt_port"; then
        say "MQTT broker answers on $mqtt_host:$mqtt_port"
        return
    fi
    command -v mosquitto >/dev/null || apt_install mosquitto
    mkdir -p "$state/mosquitto"
    render "$here/mosquitto/local.conf.template" "$state/mosquitto" "$mqtt_port" > "$state/mosquitto/mosquitto.conf"
    # Started as root, Mosquitto drops to the 'mosquitto' user, which must own its state.
    if [ "$(id -u)" = 0 ] && id mosquitto >/dev/null 2>&1; then
        chown -R mosquitto "$state/mosquitto"
    fi
    say "starting Mosquitto on 127.0.0.1:$mqtt_port"
    mosquitto -d -c "$state/mosquitto/mosquitto.conf"
    wait_for "Mosquitto (127.0.0.1:$mqtt_port)" "port_open 127.0.0.1 $mqtt_port" 30
}

influx_query() {
    # $1: user, $2: password, $3: statement
    curl -sS --max-time 10 -u "$1:$2" -XPOST "$influx_url/query" --data-urlencode "q=$3"
}

start_influxdb() {
    if curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$influx_url/ping" | grep -q 204; then
        say "InfluxDB answers at $influx_url"
    else
        command -v influxd >/dev/null || apt_install influxdb
        mkdir -p "$state/influxdb"
        render "$here/influxdb/local.conf.template" "$state/influxdb" "$influx_port" "$influx_rpc_port" \
            > "$state/influxdb/influxdb.conf"
        say "starting InfluxDB on 127.0.0.1:$influx_port"
        nohup influxd -config "$state/influxdb/influxdb.conf" > "$state/influxdb/influxd.log" 2>&1 &
        echo $! > "$state/influxdb/influxd.pid"
        wait_for "InfluxDB ($influx_url)" \
            "curl -s --max-time 1 -o /dev/null -w '%{http_code}' $influx_url/ping | grep -q 204" 60
    fi
    provision_influxdb
}

provision_influxdb() {
    # With authentication on and no user yet, InfluxDB 1.x accepts exactly one statement
    # without credentials: creating the first admin user.
    local answer
    answer=$(influx_query "$admin_user" "$admin_password" "SHOW USERS")
    if echo "$answer" | grep -q '"error"'; then
        answer=$(influx_query "" "" "CREATE USER \"$admin_user\" WITH PASSWORD '$admin_password' WITH ALL PRIVILEGES")
        echo "$answer" | grep -q '"error"' && fail "无法创建 InfluxDB 管理员用户：$answer"
        say "created InfluxDB admin user $admin_user"
    fi

    influx_query "$admin_user" "$admin_password" "CREATE DATABASE \"$influx_db\"" | grep -q '"error"' \
        && fail "无法创建 InfluxDB 数据库 $influx_db"
    if ! influx_query "$admin_user" "$admin_password" "SHOW USERS" | grep -q "\"$influx_user\""; then
        influx_query "$admin_user" "$admin_password" \
            "CREATE USER \"$influx_user\" WITH PASSWORD '$influx_password'" | grep -q '"error"' \
            && fail "无法创建 InfluxDB 用户 $influx_user"
    fi
    influx_query "$admin_user" "$admin_password" "SET PASSWORD FOR \"$influx_user\" = '$influx_password'" >/dev/null
    influx_query "$admin_user" "$admin_password" "GRANT ALL ON \"$influx_db\" TO \"$influx_user\"" | grep -q '"error"' \
        && fail "无法授予用户 $influx_user 对数据库 $influx_db 的权限"
    say "InfluxDB database $influx_db ready for user $influx_user"
}

stop_services() {
    if [ -f "$state/influxdb/influxd.pid" ]; then
        kill "$(cat "$state/influxdb/influxd.pid")" 2>/dev/null || true
        rm -f "$state/influxdb/influxd.pid"
        say "stopped InfluxDB"
    fi
    if [ -f "$state/mosquitto/mosquitto.pid" ]; then
        kill "$(cat "$state/mosquitto/mosquitto.pid")" 2>/dev/null || true
        say "stopped Mosquitto"
    fi
}

status() {
    port_open "$mqtt_host" "$mqtt_port" && say "MQTT $mqtt_host:$mqtt_port: 正常" || say "MQTT $mqtt_host:$mqtt_port: 无响应"
    curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$influx_url/ping" | grep -q 204 \
        && say "InfluxDB $influx_url: 正常" || say "InfluxDB $influx_url: 无响应"
}

mkdir -p "$state"
case "${1:-start}" in
    start) start_mosquitto; start_influxdb ;;
    stop) stop_services ;;
    status) status ;;
    *) fail "未知命令 '$1'：可用 start、stop、status" ;;
esac
