"""`python -m evidence …`: the same as the `evidence` command."""

from .cli import main

main(prog_name="evidence")
