"""`python -m extract` is the `extract` command."""

from extract.cli import main

if __name__ == "__main__":
    main()
