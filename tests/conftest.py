import sys
import pathlib

sys.path.insert(0, str(pathlib.Path(__file__).parent))

# tests/projects/ holds whole projects for test_projects.py to copy and lint, test modules
# of their own included: never collected, never imported.
collect_ignore = ["projects"]
