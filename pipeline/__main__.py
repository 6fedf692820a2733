import sys

from .cli import main

if __name__ == "__main__":  # (not in a spawned child process, which imports this as __mp_main__)
    sys.exit(main())
