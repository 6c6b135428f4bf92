"""Import from and export to other tools' formats: OpenStreetMap (Overpass API JSON and
GeoJSON), CSV, GeoJSON, JSON and TOML. Pure functions; the CLI reads the import file's
path through ``importing.read_import`` and writes the catalogue itself."""
