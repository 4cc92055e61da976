"""``python -m simulator.cli``: the ``neurocar`` command without its installed script."""
import sys

from simulator.cli import main

sys.exit(main())
