"""Storage shared by ingest and scoring: InfluxDB over its v1 HTTP API, and the relational registry."""
