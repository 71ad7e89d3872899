"""`python -m evidence.cli …`: the same as the `evidence` command."""

from . import main

main(prog_name="evidence")
