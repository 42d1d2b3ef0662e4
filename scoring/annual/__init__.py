"""Annual assessment of heating units: scoring engine, ranking, consequences and explanation."""
