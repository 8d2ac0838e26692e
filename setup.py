"""Package list for setuptools: resources/ ships inside the wheel as wizard._resources.

Automatic discovery only finds folders under wizard/, so the mapped package is added here (pyproject.toml has the rest).
"""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["wizard", "wizard.*"]) + ["wizard._resources"])
