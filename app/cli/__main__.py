"""`python -m app.cli`: the `keyrx` command without its console script."""
from app.cli import main

main(prog_name="keyrx")
