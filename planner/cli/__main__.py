"""`python -m planner.cli`: the `planner` command, as the module planner/cli.py ran it before it became a
package."""

from planner.cli import main

if __name__ == "__main__":
    main()
