#!/bin/bash
# Make InfluxDB 2.x serve heatscore through its v1-compatible API (/write, /query).
# The influxdb:2.x image runs this once, right after its first setup created the bucket, with
# DOCKER_INFLUXDB_INIT_BUCKET_ID and DOCKER_INFLUXDB_INIT_ORG set and the influx CLI logged in.
#
# heatscore never creates databases (InfluxDB 2.x rejects CREATE DATABASE), so this script
# provides what it expects: a DBRP mapping from database HEATSCORE_INFLUX_DATABASE, retention
# policy autogen, to the bucket, and v1 credentials (HTTP Basic) that may read and write it.
set -euo pipefail

database=${HEATSCORE_INFLUX_DATABASE:-heatscore}
username=${HEATSCORE_INFLUX_USERNAME:-heatscore}
password=${HEATSCORE_INFLUX_PASSWORD:?HEATSCORE_INFLUX_PASSWORD is not set}

influx v1 dbrp create \
    --bucket-id "$DOCKER_INFLUXDB_INIT_BUCKET_ID" \
    --db "$database" \
    --rp autogen \
    --default \
    --org "$DOCKER_INFLUXDB_INIT_ORG"

influx v1 auth create \
    --username "$username" \
    --password "$password" \
    --read-bucket "$DOCKER_INFLUXDB_INIT_BUCKET_ID" \
    --write-bucket "$DOCKER_INFLUXDB_INIT_BUCKET_ID" \
    --org "$DOCKER_INFLUXDB_INIT_ORG"

echo "heatscore: database $database mapped to bucket $DOCKER_INFLUXDB_INIT_BUCKET_ID, v1 user $username created"
