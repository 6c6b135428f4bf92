"""Where nomadspot's files live. platformdirs is imported only when a default is needed."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "nomadspot"
CATALOGUE_FILENAME = "catalogue.toml"
CONFIG_FILENAME = "config.toml"


def default_catalogue_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / CATALOGUE_FILENAME


def catalogue_path(option: str | os.PathLike[str] | None) -> Path:
    """``--catalogue``, else ``NOMADSPOT_CATALOGUE``, else the platformdirs data dir."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get("NOMADSPOT_CATALOGUE")
    if env:
        return Path(env).expanduser()
    return default_catalogue_path()


def catalogue_named(option: str | os.PathLike[str] | None, flag: str = "--catalogue") -> str | None:
    """Who named the catalogue explicitly (``flag``, or the environment), if anyone. Only a
    catalogue nobody named falls back to the example one when it is missing."""
    if option:
        return flag
    return "NOMADSPOT_CATALOGUE" if os.environ.get("NOMADSPOT_CATALOGUE") else None


def config_path() -> Path:
    """``NOMADSPOT_CONFIG``, else ``config.toml`` in the platformdirs config dir."""
    env = os.environ.get("NOMADSPOT_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / CONFIG_FILENAME


def cache_dir() -> Path:
    """``NOMADSPOT_CACHE_DIR``, else the platformdirs cache dir (the parsed catalogue
    cache). Everything in it can be deleted at any time."""
    env = os.environ.get("NOMADSPOT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME)
