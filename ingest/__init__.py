"""MQTT ingest: subscribe to device readings, validate them and store them in InfluxDB."""
